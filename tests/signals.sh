#!/bin/bash
# signals.sh - every signal whose default action ends a process must give the
# terminal back: run the real sockstep in a shell in a real terminal (tmux),
# send it the signal, and check with `stty -a` in the same pane that the
# shell's terminal is as it was (icanon echo, not raw), that the exit status
# says which signal ended it, and that nothing was written to stderr. Also
# Ctrl-\ from the keyboard; signals the caller ignores stay ignored; and q
# under TERM=linux (ncurses' GPM mouse code: an ASan build must exit 0, see
# tests/lsan.supp).
#
# Usage: tests/signals.sh path/to/sockstep      (exit 77: no tmux)
set -u

BIN=${1:?usage: signals.sh path/to/sockstep}
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
BIN=$(realpath "$BIN")
[ -x "$BIN" ] || { echo "not an executable: $BIN"; exit 1; }

WORK=$(mktemp -d)
chmod 755 "$WORK"
# A private tmux server: nothing of the user's own sessions is touched.
SOCK="sockstep-signals-$$"
T=(tmux -L "$SOCK" -f /dev/null)
S=sig
cleanup() {
	"${T[@]}" kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK" # the server leaves its socket behind
	rm -rf "$WORK"
}
trap cleanup EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $1"; }
bad() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) - $1"
	echo "# screen was:"
	screen | sed 's/^/#   /'
}
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
screen() { "${T[@]}" capture-pane -t "$S" -p 2>/dev/null; }

# Poll (50 ms) up to ~8 s: a loaded machine may be slow, the result is not timed.
wait_for() {
	for _ in $(seq 1 160); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
wait_gone() {
	for _ in $(seq 1 160); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.05
	done
	return 1
}
wait_file() {
	for _ in $(seq 1 160); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# One shell in a terminal for the whole test; no core files from re-raised faults.
"${T[@]}" new-session -d -s "$S" -x 160 -y 45 \
	"env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='$ ' bash --norc --noprofile"
for _ in $(seq 1 100); do screen | grep -q '\$' && break; sleep 0.05; done
"${T[@]}" send-keys -t "$S" -l -- "ulimit -c 0; clear"
"${T[@]}" send-keys -t "$S" Enter

# Run sockstep (environment in $1) from a shell, recording stty -a before
# and after, the exit status and stderr; wait for its screen. An interactive
# bash puts the terminal back itself when a job dies of a signal, which would
# hide the bug: the commands run in a plain `sh -c`, as in a script or under a
# shell that does not (dash). Its trap only keeps it alive on Ctrl-C and
# Ctrl-\; sockstep starts with the default actions.
run() {
	rm -f "$WORK"/stty.before "$WORK"/stty.after "$WORK"/rc "$WORK"/err
	"${T[@]}" send-keys -t "$S" -l -- \
		"sh -c 'trap : INT QUIT; ${2:-} stty -a > $WORK/stty.before; $1 $BIN --net loopback 2>$WORK/err; echo \$? > $WORK/rc; stty -a > $WORK/stty.after'; stty sane; clear"
	"${T[@]}" send-keys -t "$S" Enter
	wait_for "5-tuple"
}

# The pane's bash -> sh -> sockstep.
sockstep_pid() {
	local p
	p=$("${T[@]}" display-message -p -t "$S" '#{pane_pid}')
	for _ in 1 2; do
		p=$(ps -o pid= --ppid "$p" | head -n1 | tr -d ' ')
		[ -n "$p" ] || return
	done
	echo "$p"
}

# After sockstep ended: the status, the terminal modes, stderr.
check_exit() {
	local what=$1 want=$2
	wait_file "$WORK/rc" && wait_file "$WORK/stty.after"
	local rc
	rc=$(cat "$WORK/rc" 2>/dev/null)
	check "$what: exit status $want (got ${rc:-none})" '[ "$rc" = "$want" ]'
	check "$what: the shell's terminal is back to icanon echo" \
		'grep -qw -- icanon "$WORK/stty.after" && grep -qw -- echo "$WORK/stty.after" &&
		 ! grep -qw -- -icanon "$WORK/stty.after" && ! grep -qw -- -echo "$WORK/stty.after"'
	check "$what: terminal modes restored (stty -a identical)" 'cmp -s "$WORK/stty.before" "$WORK/stty.after"'
	# The shell itself reports a death by signal ("Quit") on the command's
	# stderr; that one line, made by the same shell for the same signal, is
	# not sockstep's.
	: >"$WORK/ref"
	[ -n "${3:-}" ] && sh -c "sh -c 'kill -$3 \$\$' 2>$WORK/ref; :"
	if [ ! -s "$WORK/err" ] || cmp -s "$WORK/err" "$WORK/ref"; then
		ok "$what: nothing written to stderr"
	else
		bad "$what: nothing written to stderr"
		sed 's/^/#   stderr: /' "$WORK/err" | head -n 20
	fi
}

# Every catchable signal whose default action is to end the process (signal(7):
# Term and Core), by name; the real-time ones by number from kill -l.
sigs=(HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 ALRM TERM STKFLT XCPU XFSZ
	VTALRM PROF IO PWR SYS)
rtmin=$(kill -l RTMIN) rtmax=$(kill -l RTMAX)
sigs+=("$rtmin" "$((rtmin + 1))" "$(((rtmin + rtmax) / 2))" "$rtmax")

for s in "${sigs[@]}"; do
	if [[ $s =~ ^[0-9]+$ ]]; then
		num=$s name="signal $s (real-time)"
	else
		num=$(kill -l "$s") name="SIG$s"
	fi
	if ! run ""; then
		bad "$name: sockstep did not show its screen"
		"${T[@]}" send-keys -t "$S" q
		wait_file "$WORK/rc"
		continue
	fi
	pid=$(sockstep_pid)
	check "$name: found the sockstep process" '[ -n "$pid" ]'
	[ -n "$pid" ] && kill "-$s" "$pid"
	check_exit "$name" "$((128 + num))" "$num"
done

# Ctrl-\ from the keyboard: SIGQUIT through the terminal itself.
if run ""; then
	"${T[@]}" send-keys -t "$S" 'C-\'
	check_exit "Ctrl-\\" "$((128 + $(kill -l QUIT)))" QUIT
else
	bad "Ctrl-\\: sockstep did not show its screen"
fi

# A signal that sockstep's caller ignores stays ignored (as under nohup, or
# SIGQUIT for a job started with '&' by a script): sockstep goes on, q leaves.
if run "" 'trap "" USR1 QUIT ALRM;'; then
	pid=$(sockstep_pid)
	[ -n "$pid" ] && kill -USR1 "$pid" && kill -QUIT "$pid" && kill -ALRM "$pid"
	# A key sent after the signals is answered only once they were delivered.
	"${T[@]}" send-keys -t "$S" '?'
	check "ignored SIGUSR1, SIGQUIT, SIGALRM: sockstep still runs and answers keys" \
		'wait_for "sockstep help" && kill -0 "$pid" 2>/dev/null'
	"${T[@]}" send-keys -t "$S" Escape
	wait_gone "sockstep help"
	"${T[@]}" send-keys -t "$S" q
	check_exit "q after ignored signals" 0
else
	bad "ignored signals: sockstep did not show its screen"
fi

# q with TERM=linux: ncurses loads libgpm for the console mouse, which leaks a
# few bytes; a sanitizer build must still exit 0 with nothing on stderr.
if run "TERM=linux"; then
	"${T[@]}" send-keys -t "$S" q
	check_exit "q with TERM=linux" 0
else
	bad "TERM=linux: sockstep did not show its screen"
fi

echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
