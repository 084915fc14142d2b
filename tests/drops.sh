#!/bin/bash
# drops.sh - "0 lost" is the wire's count, not the receiver's. A flood to a
# UDP server that never reads fills its socket's receive queue, and the
# kernel drops the rest (UDP has no flow control). sockstep tells the
# socket's own count, in the narration and in a note under its row; this
# test holds that count against the kernel's, read from outside sockstep in
# the server's host while sockstep still runs:
#   - /proc/PID/net/udp's drops column for the server's socket (PID the
#     server's program), the same counter as ss -u -a -m's "d" (checked too,
#     with nsenter, as root), and the host's RcvbufErrors (/proc/PID/net/snmp);
#   - batch, as root and as uid 65534: a flood of 20,000 datagrams, then one
#     of 3,000, told as "3,000 more" (the queue is still full), the total
#     again the kernel's; the wire's status says what the narration says of it;
#   - --net loopback: the same count with no relaying wire (no wire clause);
#   - --screen: at 80x24, the row's note in view under the server's row, the
#     narration on the line below the frame, the figure the kernel's.
# Before sockstep told drops, none of this was printed: every check fails.
#
# Usage: tests/drops.sh path/to/sockstep [--screen]   (77: a part cannot run here)
set -u
bin=$(realpath "${1:?usage: drops.sh path/to/sockstep [--screen]}")
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
WAIT_TRIES=1200 # up to a minute on a loaded machine: floods are relayed frame by frame

# kernel_drops PID: the drops of the UDP socket on port 5000 (hex 1388) in
# PID's network namespace, as the kernel's /proc/net/udp counts them.
kernel_drops() { awk '$2 ~ /:1388$/ { print $NF }' "/proc/$1/net/udp" 2>/dev/null; }
# rcvbuf_errors PID: the namespace's Udp RcvbufErrors.
rcvbuf_errors() {
	awk '/^Udp:/ { if (!n++) { for (i = 1; i <= NF; i++) h[i] = $i } else { for (i = 1; i <= NF; i++) if (h[i] == "RcvbufErrors") print $i } }' \
		"/proc/$1/net/snmp" 2>/dev/null
}
# ss_drops PID: ss -u -a -m's "d" for the socket on port 5000 (sock_diag), as root.
ss_drops() { nsenter -t "$1" -n ss -u -a -m -n 'sport = :5000' 2>/dev/null | sed -n 's/.*skmem:(.*,d\([0-9]*\)).*/\1/p'; }
# figure TEXT: a count as sockstep prints it ("99,744") as a number.
figure() { tr -d , <<<"$1"; }

# start RUNNER...: sockstep --batch reading its commands from a FIFO held
# open on descriptor 3 (so that it runs on while the test reads /proc);
# $pid is sockstep's (setpriv execs it).
start() {
	rm -f "$tmp/in"
	mkfifo "$tmp/in"
	"$@" --batch <"$tmp/in" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	exec 3>"$tmp/in"
}
# say_line TEXT...: lines to sockstep, then a say line; returns when it is printed.
mark=0
lines() {
	mark=$((mark + 1))
	printf '%s\n' "$@" "say mark-$mark" >&3
	wait_until grep -q -- ">> mark-$mark\$" "$tmp/out"
}
stop() {
	exec 3>&-
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] && ok || bad "$what: exit status $rc" "$tmp/err"
}
# compare WHAT TOLD PID: the count sockstep told is the kernel's.
compare() {
	local what=$1 told=$2 srv=$3 k r s
	k=$(kernel_drops "$srv")
	r=$(rcvbuf_errors "$srv")
	if [ -z "$told" ]; then bad "$what: no drop count told" "$tmp/out"; return; fi
	[ "$told" -gt 0 ] && [ "$told" = "$k" ] && ok "$what: sockstep told $told dropped, /proc/net/udp says $k" ||
		bad "$what: sockstep told ${told} dropped, the kernel's /proc/net/udp says ${k:-nothing}"
	[ "$told" = "$r" ] && ok || bad "$what: sockstep told $told dropped, the host's RcvbufErrors is ${r:-unknown}"
	if [ "$(id -u)" = 0 ] && command -v ss >/dev/null && command -v nsenter >/dev/null; then
		s=$(ss_drops "$srv")
		[ "$told" = "$s" ] && ok || bad "$what: sockstep told $told dropped, ss -u -a -m says d${s:-?}"
	fi
}

batch() { # RUNNER...: the lab, two floods
	what="batch${nobody:+ as uid 65534}"
	start "$@"
	if ! lines 'server socket udp' 'server bind 200.0.0.2 5000' 'client socket udp' \
		'client flood 20000 udp 200.0.0.2 5000' 'wire status'; then
		bad "$what: the flood did not end" "$tmp/err"; stop; return
	fi
	local srv told more all wire
	srv=$(pgrep -P "$pid" -x server)
	grep -q 'note: flood: 20000 datagrams sent, 0 failed' "$tmp/out" && ok ||
		bad "$what: not all 20000 datagrams were sent" "$tmp/out"
	told=$(figure "$(sed -n "s/.*server  note: the wire lost none; the server's socket dropped \([0-9,]*\) datagrams: it never read, and UDP has no flow control\$/\1/p" "$tmp/out")")
	compare "$what, 20,000 sent" "$told" "$srv"
	# The note under the server's own row, the figure the same.
	grep -A1 -E '^ +KERNEL STATE CHANGE +server +3 UDP +200\.0\.0\.2 +5000 ' "$tmp/out" |
		grep -qF "(receive buffer full: $(sed -n "s/.*socket dropped \([0-9,]*\) datagrams.*/\1/p" "$tmp/out") datagrams dropped, as SO_MEMINFO counts)" &&
		ok || bad "$what: no note under the server's row with the count" "$tmp/out"
	# "the wire lost none" is what its status says.
	wire=$(grep -m1 'wire    policy' "$tmp/out")
	[[ $wire == *" 0 dropped, 0 lost;"* ]] && ok || bad "$what: the narration says the wire lost none, its status: $wire"
	# The queue is still full: every datagram of a second flood is dropped.
	lines 'client flood 3000 udp 200.0.0.2 5000' || bad "$what: the second flood did not end" "$tmp/err"
	more=$(sed -n "s/.*the server's socket dropped \([0-9,]*\) more (\([0-9,]*\) in all): it never read.*/\1 \2/p" "$tmp/out")
	all=$(figure "${more#* }")
	[ "${more%% *}" = "3,000" ] && [ "$all" = $((told + 3000)) ] && ok "$what: the second flood told as \"${more%% *} more (${more#* } in all)\"" ||
		bad "$what: the second flood of 3000 told as \"${more:-nothing}\", expected 3,000 more" "$tmp/out"
	compare "$what, 23,000 sent" "$all" "$srv"
	stop
}

if [ "${2:-}" != --screen ]; then
	nobody=''
	batch "$bin"
	if need_root "the batch run as uid 65534" && need setpriv util-linux; then
		nobody=1
		batch "${NOBODY[@]}" "$bin"
	fi

	# --net loopback: no relaying wire, so nothing is said of it.
	what=loopback
	start "$bin" --net loopback
	if lines 'server socket udp' 'server bind 127.0.0.1 5000' 'client socket udp' \
		'client flood 2000 udp 127.0.0.1 5000'; then
		told=$(figure "$(sed -n "s/.*server  note: the server's socket dropped \([0-9,]*\) datagrams: it never read, and UDP has no flow control\$/\1/p" "$tmp/out")")
		compare "loopback, 2,000 sent" "$told" "$(pgrep -P "$pid" -x server)"
	else
		bad "loopback: the flood did not end" "$tmp/err"
	fi
	stop
	finish
fi

# ---- the screen at 80x24 -----------------------------------------------------
screen_test drops
tmux_session drops 80 24 "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin 2>$tmp/scr.err"
wait_for "5-tuple" || { bad "screen: sockstep did not start"; finish; }
cmd 'server socket udp'
cmd 'server bind 200.0.0.2 5000'
cmd 'client socket udp'
cmd 'client flood 20000 udp 200.0.0.2 5000'
if wait_for "SO_MEMINFO counts)"; then
	screen >"$tmp/screen.txt"
	# The note's first line right under the server's row, in the pane.
	note=$(grep -A1 -E '^│ KERNEL STATE CHANGE +srv 3 +UDP +200\.0\.0\.2 +5000 ' "$tmp/screen.txt" | tail -n 1)
	[[ $note =~ \(receive\ buffer\ full:\ ([0-9,]+)\ datagrams\ dropped ]] && ok "screen: the note under the server's row" ||
		bad "screen: no note under the server's row"
	onrow=$(figure "${BASH_REMATCH[1]:-}")
	# The narration below the frame, wrapped as it may be.
	said=$(tail -n 3 "$tmp/screen.txt" | tr -s ' \n' '  ')
	[[ $said =~ server:\ the\ wire\ lost\ none\;\ the\ server\'s\ socket\ dropped\ ([0-9,]+)\ datagrams:\ it\ never\ read,\ and\ UDP\ has\ no\ flow\ control ]] &&
		ok "screen: the narration" || bad "screen: no narration of the drops"
	[ "$(figure "${BASH_REMATCH[1]:-}")" = "$onrow" ] && ok || bad "screen: the narration and the note disagree"
	app=$("${T[@]}" display-message -p -t "$S" '#{pane_pid}') # the shell tmux ran sockstep from, or sockstep
	app=$(pgrep -P "$app" -x sockstep || echo "$app")
	compare "screen" "$onrow" "$(pgrep -P "$app" -x server)"
else
	bad "screen: no drops told"
fi
send q
finish
