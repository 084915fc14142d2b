#!/usr/bin/env bash
# fifo.sh - a FIFO (or a slow reader) never freezes the session (issue 9,
# item 4). Capture files (--write, wire save) go to their reader through a
# bounded buffer (4 MiB), never blocking the relay:
#  1. --write FIFO whose reader never reads: the run finishes at once, one
#     line says the capture stopped and after how many frames, the rest of
#     the script runs, exit status 1 (also as uid 65534, and with SUDO_UID).
#  2. wire save FIFO whose reader never reads: the same.
#  3. A reader that goes away mid-run: EPIPE by name, the session goes on.
#  4. A reader that falls behind (the session goes on) and then catches up
#     gets every frame, exit status 0.
#  5. The screen: --write and --log to FIFOs nobody reads; keys are still
#     answered, the stop is on the status line.
# The readers: "exec 3<>FIFO" makes the test a reader that never reads (and
# a writer, so the FIFO never ends for lack of one); tests/fifo_reader.py
# reads late, to the end. timeout only turns a hang into a failure: each run is
# bounded at 60 s (it took 20-42 s before, as long as the reader lived).
# Usage: tests/fifo.sh path/to/sockstep
set -u
bin=$(realpath "${1:?usage: fifo.sh path/to/sockstep}")
. "$(dirname "$0")/lib.sh"
reader=$src/tests/fifo_reader.py
need python3 python3 || finish
chmod 777 "$tmp" # sockstep opens the files as the user it acts for

flood() { # N: a lab script that floods N datagrams, then more lines
	printf 'server socket udp\nserver bind 200.0.0.2 5000\nclient socket udp\n'
	printf 'client flood %s udp 200.0.0.2 5000\n' "$1"
}
# frames FILE: the records of a pcap file, and whether it ends on one.
frames() { python3 "$reader" --count "$1"; }
# timed CMD...: run CMD (stdout $tmp/out, stderr $tmp/err); $rc, $secs.
timed() {
	local t0 t1
	t0=$(date +%s%N)
	timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	t1=$(date +%s%N)
	secs=$(( (t1 - t0) / 1000000000 )).$(( (t1 - t0) / 100000000 % 10 ))
}
newfifo() { rm -f "$tmp/f"; mkfifo -m 666 "$tmp/f"; }

# ---- 1. --write FIFO, a reader that never reads ------------------------------
{ flood 100000; printf 'say after\n'; } >"$tmp/flood"
never_reads() { # NAME RUNNER...: --write to a FIFO nobody reads
	local name=$1; shift
	newfifo
	exec 3<>"$tmp/f"
	timed "$@" --batch --write "$tmp/f" --script "$tmp/flood"
	exec 3<&-
	local stop n
	stop=$(grep -c "the --write capture \"$tmp/f\": its reader does not keep up (4 MiB unread): the capture stopped after [0-9]* frames; the session goes on" "$tmp/err")
	n=$(grep -c . "$tmp/err")
	if [ "$rc" = 124 ]; then bad "$name: still running after 60 s (the relay blocked on the FIFO)"
	elif [ "$stop" != 1 ]; then bad "$name: no line saying the capture stopped" "$tmp/err"
	elif ! grep -q 'its reader did not read the last [0-9]* of [0-9]* frames within 2 s; they were lost' "$tmp/err"; then
		bad "$name: what was lost at exit is not said" "$tmp/err"
	elif [ "$n" != 2 ]; then bad "$name: $n lines on stderr, expected 2 (the stop, then what was lost)" "$tmp/err"
	elif ! grep -q '>> after' "$tmp/out"; then bad "$name: the session did not go on" "$tmp/out"
	elif [ "$rc" != 1 ]; then bad "$name: exit status $rc, expected 1 (a capture cut short)" "$tmp/err"
	else ok "$name: finished in $secs s, the capture stopped in one line, the script went on, status 1"; fi
}
never_reads "--write FIFO nobody reads" "$bin"
if need_root "--write FIFO nobody reads, as uid 65534 and under sudo"; then
	never_reads "--write FIFO nobody reads, as uid 65534" "${NOBODY[@]}" "$bin"
	never_reads "--write FIFO nobody reads, under sudo" env SUDO_UID=65534 SUDO_GID=65534 "$bin"
fi

# ---- 2. wire save FIFO, a reader that never reads -----------------------------
{ flood 3000; printf 'wire save %s\nsay after\nwire save %s\n' "$tmp/f" "$tmp/f"; } >"$tmp/save"
newfifo
exec 3<>"$tmp/f"
timed "$bin" --batch --script "$tmp/save"
exec 3<&-
if [ "$rc" = 124 ]; then bad "wire save FIFO nobody reads: still running after 60 s"
elif ! grep -q "saving 2048 frames to $tmp/f: [0-9]* bytes wait for its reader; the session goes on" "$tmp/out"; then
	bad "wire save FIFO nobody reads: no line saying it goes on" "$tmp/out"
elif ! grep -q '>> after' "$tmp/out"; then bad "wire save FIFO nobody reads: the session did not go on" "$tmp/out"
elif ! grep -q "wire save: the last save's reader has not read it all yet" "$tmp/err"; then
	bad "wire save FIFO nobody reads: a second save is not refused while the first waits" "$tmp/err"
elif ! grep -q "wire save \"$tmp/f\": its reader did not read the last [0-9]* of 2048 frames within 2 s" "$tmp/err"; then
	bad "wire save FIFO nobody reads: what was lost at exit is not said" "$tmp/err"
elif [ "$rc" != 1 ]; then bad "wire save FIFO nobody reads: exit status $rc, expected 1" "$tmp/err"
else ok "wire save FIFO nobody reads: finished in $secs s, the script went on, the loss said at exit"; fi

# ---- 3. a reader that goes away mid-run -------------------------------------
# head holds the FIFO (read and write, from the test's descriptor) and leaves
# after 20000 bytes: from then on nobody reads.
newfifo
exec 3<>"$tmp/f"
head -c 20000 <&3 >/dev/null &
exec 3<&-
timed "$bin" --batch --write "$tmp/f" --script "$tmp/flood"
wait
if [ "$rc" = 124 ]; then bad "--write FIFO, reader gone: still running after 60 s"
elif ! grep -q "the --write capture \"$tmp/f\": its reader went away (EPIPE) after [0-9]* frames: the capture stopped; the session goes on" "$tmp/err"; then
	bad "--write FIFO, reader gone: EPIPE not said by name" "$tmp/err"
elif [ "$(grep -c . "$tmp/err")" != 1 ]; then bad "--write FIFO, reader gone: more than one line" "$tmp/err"
elif ! grep -q '>> after' "$tmp/out"; then bad "--write FIFO, reader gone: the session did not go on" "$tmp/out"
elif [ "$rc" != 1 ]; then bad "--write FIFO, reader gone: exit status $rc, expected 1" "$tmp/err"
else ok "--write FIFO, reader gone: EPIPE in one line after $secs s, the session went on"; fi

# ---- 4. a reader that falls behind, then catches up --------------------------
# It takes the first bytes, then reads nothing until the script has run past
# the capture (its transcript shows the next line): the session must not wait
# for it. Then it reads everything and must get every frame, whole.
late() { # NAME SCRIPT MARK WANT: run SCRIPT, reader reads once MARK is in stdout
	local name=$1 script=$2 mark=$3 want=$4 pid
	newfifo
	rm -f "$tmp/got" "$tmp/ready" "$tmp/go"
	python3 "$reader" --late "$tmp/f" "$tmp/got" "$tmp/ready" "$tmp/go" &
	wait_file "$tmp/ready"
	timeout 60 "$bin" --batch "${@:5}" --script "$script" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	if wait_until grep -q -- "$mark" "$tmp/out"; then went_on=yes; else went_on=no; fi
	touch "$tmp/go"
	wait "$pid"; rc=$?
	wait
	[ -z "$want" ] && want=$(grep -o 'PASS; [0-9]* frames' "$tmp/out" | grep -o '[0-9]*')
	got=$(frames "$tmp/got")
	if [ "$went_on" = no ]; then bad "$name: the session waited for the reader (\"$mark\" did not come)" "$tmp/out"
	elif [ "$rc" != 0 ]; then bad "$name: exit status $rc" "$tmp/err"
	elif [ -s "$tmp/err" ]; then bad "$name: something was said" "$tmp/err"
	elif [ -z "$want" ] || [ "$got" != "$want whole" ]; then bad "$name: the reader got $got frames, expected ${want:-?}"
	else ok "$name: the session went on without it, then it got all $want frames, whole"; fi
}
{ flood 10000; printf 'wire status\nsay after\n'; } >"$tmp/slow"
late "--write FIFO, a reader that catches up" "$tmp/slow" '>> after' '' --write "$tmp/f"
{ flood 3000; printf 'wire save %s\nsay after\n' "$tmp/f"; } >"$tmp/save2"
late "wire save FIFO, a reader that catches up" "$tmp/save2" '>> after' 2048

# ---- save lesson to a FIFO: refused by name, with or without a reader --------
rm -f "$tmp/x.lesson"; mkfifo -m 666 "$tmp/x.lesson"
printf 'server socket udp\nsave! lesson %s\nsay after\n' "$tmp/x.lesson" >"$tmp/sl"
for who in "no reader" "a reader"; do
	[ "$who" = "a reader" ] && exec 3<>"$tmp/x.lesson"
	timed "$bin" --batch --net loopback --script "$tmp/sl"
	[ "$who" = "a reader" ] && exec 3<&-
	if [ "$rc" = 124 ]; then bad "save! lesson FIFO, $who: hangs"
	elif ! grep -q "save! lesson: \"$tmp/x.lesson\" is a FIFO; expected a regular file" "$tmp/err"; then
		bad "save! lesson FIFO, $who: not refused by name" "$tmp/err"
	elif ! grep -q '>> after' "$tmp/out"; then bad "save! lesson FIFO, $who: the session did not go on" "$tmp/out"
	else ok "save! lesson FIFO, $who: refused in one line naming a regular file"; fi
done

# ---- 5. the screen -----------------------------------------------------------
if need tmux tmux; then
	tmux_server fifo
	tmux_shell scr 100 30
	newfifo
	rm -f "$tmp/log"; mkfifo -m 666 "$tmp/log"
	exec 3<>"$tmp/f" 4<>"$tmp/log"
	head -c 65536 /dev/zero >&4 # the log's pipe is full before sockstep writes a line
	send_line "$bin --write $tmp/f --log $tmp/log 2>$tmp/scr.err; echo \$? >$tmp/scr.rc"
	if wait_for "5-tuple"; then
		cmd "server socket udp"
		cmd "server bind 200.0.0.2 5000"
		cmd "client socket udp"
		cmd "client flood 100000 udp 200.0.0.2 5000"
		wait_for "does not keep up" && ok "screen: the stop of --write is on the status line" ||
			bad "screen: the stop of --write is not shown" "$tmp/scr.err"
		cmd 'say still-here'
		wait_for "still-here" && ok "screen: keys answered with a log and a capture nobody reads" ||
			bad "screen: the screen froze"
		# The log's reader catches up: the next line says what was left out.
		head -c 65536 <&4 >/dev/null
		cmd 'say after-drain'
		wait_for "after-drain"
		send q
		WAIT_TRIES=400 wait_file "$tmp/scr.rc"
		if [ "$(cat "$tmp/scr.rc" 2>/dev/null)" != 1 ]; then bad "screen: exit status $(cat "$tmp/scr.rc" 2>/dev/null), expected 1" "$tmp/scr.err"
		elif ! grep -q 'its reader does not keep up' "$tmp/scr.err"; then bad "screen: the stop is not said again at exit" "$tmp/scr.err"
		else ok "screen: status 1, the stop said again after the screen"; fi
		dd iflag=nonblock bs=1M count=1 <&4 >"$tmp/log.txt" 2>/dev/null
		if ! grep -q 'lines* left out: the log.s reader did not keep up' "$tmp/log.txt"; then
			bad "--log FIFO: the lines left out are not counted" "$tmp/log.txt"
		elif ! grep -q 'after-drain' "$tmp/log.txt"; then bad "--log FIFO: the log did not go on" "$tmp/log.txt"
		else ok "--log FIFO: lines a full pipe had no room for are counted, the log goes on"; fi
	else
		bad "screen: did not come up"
	fi
	exec 3<&- 4<&-
fi

finish
