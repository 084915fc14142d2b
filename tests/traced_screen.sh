#!/bin/bash
# traced_screen.sh - your own program stepped on the screen, as a lecturer
# does at the projector: sockstep --net lab at 80x24 (and 100x30), the
# server's socket, bind, listen and accept typed at the ':' prompt, the
# lecture's client (examples/tcp_client1b) started with "client run", then
# n pressed call by call, with the server's recv and send typed in between.
# After each n, once the screen's --log says the step has settled and been
# drawn ("screen: idle", never a sleep), the screen is captured and
# tests/traced_screen.py compares it with --batch of the same commands: each
# call whole with its result, the program's output lines whole and in
# order, the rows, the sockaddr's 16 bytes, the last frame on the ladder,
# the last note, nothing dim. The lecture's warning (htons() forgotten,
# ECONNREFUSED) is stepped too, as client2, at both sizes: at 80x24 its
# first step (socket(), four dumps of [client2]'s 16 bytes, the statements
# read from its -g build, connect() stopped before) fits because the
# statements but the sin_port one fold into one line.
#
# Usage: tests/traced_screen.sh path/to/sockstep   (exit 77: no tmux or python3)
set -u
bin=$(realpath "${1:?usage: traced_screen.sh path/to/sockstep}")
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
need python3 python3 || finish
screen_test traced-screen
ON_FAIL='' # the checker prints what it missed, with the screen
chk="$src/tests/traced_screen.py"
[ -x "$(dirname "$bin")/examples/tcp_client1b" ] ||
	{ bad "$(dirname "$bin")/examples/tcp_client1b is not built (meson builds examples/ beside sockstep)"; finish; }

# The commands, in order; "n" is the key (client next on the screen).
steps=(
	'server socket tcp'
	'server bind 200.0.0.2 80'
	'server listen 5'
	'server accept'
	'client run tcp_client1b 200.0.0.2 80 hello'
	n n n
	'server recv'
	'server send "hello"'
	n n
	'client2 run tcp_client1b_nohtons 200.0.0.2 80 hello'
	n n
)

# The same in --batch: n is "client next", or "client2 next" once client2 runs.
who=client
for s in "${steps[@]}"; do
	case $s in
	n) echo "$who next" ;;
	client2\ run*) who=client2; echo "$s" ;;
	*) echo "$s" ;;
	esac
done >"$tmp/commands"
"$bin" --batch --wait 300ms --script "$tmp/commands" >"$tmp/batch" 2>&1 ||
	{ bad "--batch of the commands failed" "$tmp/batch"; finish; }

# typed LINE: LINE at the ':' prompt, and its run in the --log.
typed() {
	cmd "$1"
	wait_until grep -qF "exec \"$1\"" "$UI_LOG" || bad "$size: \"$1\" did not run"
}

# A program started by run stops before its first socket call: its pane says "next".
stopped() { screen | grep -q 'next│'; }

for size in 80x24 100x30; do
	w=${size%x*} h=${size#*x}
	ui_fresh_log
	tmux_session "t-$size" "$w" "$h" "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin --net lab --log $UI_LOG 2>$tmp/err"
	wait_for "5-tuple" || { bad "$size: sockstep did not start"; continue; }
	k=0 caps=()
	for s in "${steps[@]}"; do
		k=$((k + 1))
		if [ "$s" = n ]; then
			send n
			steps_done || { bad "$size: step [$k] (n) did not settle"; break; }
			"${T[@]}" capture-pane -t "$S" -p -e >"$tmp/$size.$k"
			caps+=("$k=$tmp/$size.$k")
			continue
		fi
		typed "$s"
		case $s in *' run '*) wait_until stopped || bad "$size: [$k] $s: no call stopped before" ;; esac
	done
	send q
	wait_gone "5-tuple"
	[ -s "$tmp/err" ] && bad "$size: stderr: $(head -c 300 "$tmp/err")"
	[ ${#caps[@]} -gt 0 ] || continue
	if out=$(python3 "$chk" "$tmp/batch" "${caps[@]}"); then
		ok "$size: each step of the traced programs on screen as --batch printed it (${#caps[@]} steps)"
	else
		while IFS= read -r line; do bad "$size: ${line#FAIL }"; done <<<"$out"
		for c in "${caps[@]}"; do
			echo "      screen after [${c%%=*}]:"
			sed 's/\x1b\[[0-9;:?]*[A-Za-z]//g; s/\x1b[()][0-9A-Za-z]//g; s/^/      | /' "${c#*=}"
		done
	fi
done
[ -n "${TRACED_SCREEN_KEEP:-}" ] && cp -r "$tmp"/. "$TRACED_SCREEN_KEEP"/
finish
