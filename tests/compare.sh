#!/bin/bash
# compare.sh - --compare A B in a real terminal (tmux) at 100x30: close and
# shutdown, two lessons of different lengths, stepped together. Each half
# shows its own lesson (its title as the heading, its own code and
# narration); the narration line says how they are lined up and names a half
# that has no step on a row; b goes back a row; q leaves with the terminal
# restored. Also the pair restart / reuseaddr (in step), and the one-line
# errors of a wrong number of names.
#
# Usage: tests/compare.sh path/to/sockstep      (exit 77: no tmux)
set -u
bin=$(realpath "${1:?usage: compare.sh path/to/sockstep}")
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
screen_test compare

# next_row K: n, then wait until row K has run on both halves.
next_row() { send n; wait_until shown -F -- "$1" && steps_done; }
# half 0|1 W: the left or right half of the screen, one line per screen line.
half() {
	local LC_ALL=C.UTF-8 mid=$(($2 / 2)) line
	while IFS= read -r line; do
		if [ "$1" = 0 ]; then printf '%s\n' "${line:0:$mid}"; else printf '%s\n' "${line:$((mid + 1))}"; fi
	done < <(screen)
}
# code 0|1: that half's program panes (from the server's title to the 5-tuple's).
code() { half "$1" 100 | sed -n '/─ server /,/5-tuple/p'; }
check_exit() {
	check_exit_modes "$1" "$2"
	check "$1: nothing written to stderr" '[ ! -s "$tmp/err" ]'
}

tmux_shell cmp 100 30
run_lab "--compare close shutdown"
check "close|shutdown: each half headed by its lesson's title" \
	'wait_for "close(): both directions end" && screen | head -n1 | grep "─ close(): both directions end" | grep -q "─ shutdown(SHUT_WR): a half-close"'
check "close|shutdown: the narration line names both lessons and how they line up" \
	'wait_for "close (5 steps) beside shutdown (6), lined up by step title: 6 rows"'
next_row "row 1/6"
next_row "row 2/6"
check "row 2: the left half runs close(), the right half shutdown(SHUT_WR)" \
	'code 0 | grep -qF "close(sock);" && ! code 0 | grep -q "shutdown(" &&
	 code 1 | grep -qF "shutdown(sock, SHUT_WR);" && ! code 1 | grep -qF "close(sock);"'
check "row 2: each heading its own step, the same title" \
	'screen | head -n1 | grep -q "step 2/5: the c" && screen | head -n1 | grep -q "step 2/6: t"'
check "row 2: each half its own narration" \
	'half 0 100 | grep -q "calls close()" && half 1 100 | grep -q "calls shutdown(sock, SHUT_WR)"'
check "row 2: both servers see the FIN: CLOSE_WAIT in both tables" \
	'half 0 100 | grep -q CLOSE_WAIT && half 1 100 | grep -q CLOSE_WAIT'
next_row "row 3/6"
next_row "row 4/6"
check "row 4: close's client answers the data with a RST, shutdown's reads on" \
	'half 0 100 | grep -qF "[RST]" && ! half 1 100 | grep -qF "[RST]"'
next_row "row 5/6"
check "row 5: shutdown's extra step beside nothing: the line says so" \
	'screen | grep -F "row 5/6" | grep -F "close: (no step here)" | grep -qF "shutdown: the client still reads"'
check "row 5: the left half keeps its step 4 in view, the right runs recv()" \
	'screen | head -n1 | grep -q "step 4/5" && screen | head -n1 | grep -q "step 5/6" && code 1 | grep -qF "recv(sock"'
next_row "lesson complete"
check "row 6: both complete, every expectation held" \
	'wait_for "lesson complete: 26 expectations held, 0 failed"'
send b
check "b: back to row 5 on both halves" 'wait_until shown -F "row 5/6" && steps_done && screen | head -n1 | grep -q "step 5/6"'
send q
check_exit "--compare close shutdown" 0

# The restart pair has the same length: in step.
run_lab "--compare restart reuseaddr"
check "restart|reuseaddr: in step, both titles" \
	'wait_for "restart beside reuseaddr, 4 steps in step" && screen | head -n1 | grep "restart without SO_REUSEADDR" | grep -q "restart with SO_REUSEADDR"'
for k in 1 2 3; do next_row "step $k/4  restart:"; done
check "step 3: EADDRINUSE on the left, a listening server on the right" \
	'code 0 | grep -q "EADDRINUSE" && ! code 1 | grep -q EADDRINUSE && code 1 | grep -qF "listen(sock, 5);" && half 1 100 | grep -q LISTEN'
send q
check_exit "--compare restart reuseaddr" 0

# Two names or none: one line otherwise, nothing started.
"$bin" --compare close >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--compare with one name: exit 2, one line" \
	'[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "takes two lesson names or none" "$tmp/err"'
"$bin" --compare close nosuch >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--compare with an unknown lesson: exit 2, one line naming it" \
	'[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "no lesson \"nosuch\"" "$tmp/err"'
"$bin" --compare sockaddr tcp >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--compare with a loopback lesson: refused in one line" \
	'[ "$rc" = 2 ] && grep -q "lesson sockaddr is written for --net loopback" "$tmp/err"'
finish
