#!/bin/bash
# menu.sh - the lesson menu and sessions saved as lessons, at 80x24 in a
# real terminal (tmux): L lists every lesson --list-lessons lists, in its
# order, and Enter starts the chosen one (a loopback lesson on a loopback
# lab); --lesson with no name opens the same menu; S (save lesson) writes
# the session typed so far as a lesson that --batch --lesson replays with
# every expectation holding; an existing file is refused, save! overwrites
# it; a bad path writes nothing.
#
# Usage: tests/menu.sh path/to/sockstep      (exit 77: no tmux)
set -u
bin=$(realpath "${1:?usage: menu.sh path/to/sockstep}")
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
screen_test menu
# As root sockstep writes as the user it acts for (nobody without SUDO_UID).
chmod 1777 "$tmp"
export SOCKSTEP_LESSONS=$src/assets/lessons

# ---- --batch --lesson with no name: one clear line ---------------------------

"$bin" --batch --lesson >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--batch --lesson without a name: exit 2" '[ "$rc" = 2 ]'
check "--batch --lesson without a name: one line that says what is expected" \
	'[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "expected --lesson NAME" "$tmp/err"'
"$bin" --batch --lesson tcp >/dev/null 2>&1
check "--lesson NAME still works (--batch --lesson tcp exits 0)" '[ $? = 0 ]'

# ---- L: the menu, at 80x24 ------------------------------------------------------

"$bin" --list-lessons >"$tmp/list" 2>/dev/null
names=$(awk '{print $1}' "$tmp/list")
tmux_session m 80 24 "cd $tmp && $bin"
wait_for "5-tuple"
send L
check "L opens the lesson menu" 'wait_for "lessons: $(wc -l <"$tmp/list")"'
# Every lesson of --list-lessons, in its order, with its summary's start.
# More lessons than rows at 80x24: the list scrolls; End shows the rest.
menu_names() { screen | sed -n 's/^.*│ \(▶\| \) \([a-z][a-z0-9-]*\)  .*/\2/p'; }
menu_names >"$tmp/seen"
send End
wait_for "$(wc -l <"$tmp/list")/$(wc -l <"$tmp/list")" >/dev/null
menu_names >>"$tmp/seen"
order=$(awk '!seen[$0]++' "$tmp/seen" | tr '\n' ' ')
send Home
check "the menu lists the lessons of --list-lessons in the same order" \
	'[ "$order" = "$(echo $names) " ]'
check "the menu starts with the course: tcp udp sockaddr byteorder ephemeral errors (got: $order)" \
	'[[ "$order" == "tcp udp sockaddr byteorder ephemeral errors "* ]]'
check "the halves of --compare (compare-tcp, compare-udp) are not in the menu" '[[ " $order" != *" compare-"* ]]'
check "each lesson shows its summary" \
	'screen | grep -F "$(sed -n "s/^tcp  *//p" "$tmp/list" | cut -c1-30)" >/dev/null'
check "long summaries are cut with an ellipsis, whole below for the chosen one" \
	'screen | grep -q "…" && screen | grep -qF "$(sed -n "1s/^[^ ]*  *//p" "$tmp/list" | cut -c1-40)"'
check "the menu says its keys" 'screen | grep -q "Enter start" && screen | grep -q "Esc close"'
send Escape
check "Esc closes the menu" 'wait_gone "Enter start"'
send L
wait_for "Enter start"
send q
check "q closes the menu (and does not quit)" 'wait_gone "Enter start" && shown -F "5-tuple"'

# Choose tcp with the arrows: Home, then down to its place in the list.
send L
wait_for "Enter start"
send Home
pos=$(echo "$names" | grep -nx tcp | cut -d: -f1)
for _ in $(seq 2 "$pos"); do send Down; done
check "the arrows move the choice (tcp marked)" 'wait_until shown -E "▶ tcp "'
send Enter
check "Enter starts the lesson: its narration pane and step counter" \
	'wait_for "lesson tcp, 14 steps: n (or space) runs step 1"'
send n
check "n runs the chosen lesson's step 1" 'wait_for "step 1/14: STEP1 PROTOCOL DEFINITION (server)"'
check "the lesson's first row is in the table" 'wait_until shown -E "STEP1 PROTOCOL DEFINITION +(srv|server) +3"'

# ---- --lesson with no name: the same menu; a loopback lesson on a loopback lab --

tmux_session m2 80 24 "cd $tmp && $bin --lesson"
check "--lesson with no name opens the menu" 'wait_for "Enter start"'
pos=$(echo "$names" | grep -nx sockaddr | cut -d: -f1)
send Home
for _ in $(seq 2 "$pos"); do send Down; done
wait_until shown -E "▶ sockaddr "
send Enter
check "a loopback lesson from the lab: the lab is rebuilt as loopback, said in one line" \
	'wait_for "on a new --net loopback lab"'
check "the programs are on 127.0.0.1 now" 'wait_for "server 127.0.0.1"'
send n
check "its step 1 runs" 'wait_for "sockaddr · step 1/"'

# ---- save lesson: the session typed so far, replayed in batch ------------------

tmux_session s 80 24 "cd $tmp && $bin"
wait_for "5-tuple"
cmd "server socket tcp";                  wait_for "STEP1 PROTOCOL"
cmd "server bind 200.0.0.2 80";           wait_for "STEP 2 SOCKET BINDING"
cmd "server listen";                      wait_for "LISTEN"
cmd "server accept";                      wait_for "blocked"
cmd "client socket tcp";                  wait_until shown -E "STEP3 PROTOCOL DEFINITION"
cmd "client connect 200.0.0.2 81";        wait_for "ECONNREFUSED"
cmd "client connect 200.0.0.2 80";        wait_for "ESTABLISHED"
cmd 'client send "hola"';                 wait_for 'send(sock, "hola", 4, 0);'
cmd "server recv";                        wait_for 'received "hola"'
cmd "client close";                       wait_for "FIN_WAIT2"
send S
check "S opens the command line with save lesson typed" 'wait_for ":save lesson"'
send_line "demo.lesson"
check "save lesson: one line says what was saved and how to replay it" \
	'wait_until shown -E "saved [0-9]+ steps to demo.lesson; replay: sockstep --batch --lesson demo.lesson"'
check "save lesson: the file is written" '[ -s "$tmp/demo.lesson" ]'
check "save lesson: steps titled as the table titles them" \
	'grep -qx "step: STEP1 PROTOCOL DEFINITION (server)" "$tmp/demo.lesson"'
check "save lesson: the blocked accept and the refused connect are recorded faithfully" \
	'grep -qx "> expect server blocked yes" "$tmp/demo.lesson" && grep -qx "> expect client result ECONNREFUSED" "$tmp/demo.lesson"'
"$bin" --batch --lesson "$tmp/demo.lesson" >"$tmp/replay" 2>"$tmp/replay.err"
rc=$?
check "the saved lesson replays in --batch with exit 0" '[ "$rc" = 0 ]'
check "every expectation held" 'tail -n1 "$tmp/replay" | grep -qE "expectations, all held$"'
[ "$rc" = 0 ] || { show "$tmp/replay.err"; tail -n 5 "$tmp/replay"; }

# Overwriting: refused without the '!', nothing changed; save! overwrites.
sum=$(md5sum <"$tmp/demo.lesson")
cmd "server close"; wait_until shown -E "CLOSE +(srv|server)"
send S
wait_for ":save lesson"
send_line "demo.lesson"
check "save lesson onto an existing file is refused, and says save! overwrites" \
	'wait_for "\"demo.lesson\" exists; expected a new file name, or save! lesson"'
check "the existing file is left as it was" '[ "$(md5sum <"$tmp/demo.lesson")" = "$sum" ]'
cmd "save! lesson demo.lesson"
check "save! lesson overwrites it" \
	'wait_until shown -E "saved [0-9]+ steps to demo.lesson" && [ "$(md5sum <"$tmp/demo.lesson")" != "$sum" ]'
check "the overwritten lesson has the command typed since" 'grep -qx "> server close" "$tmp/demo.lesson"'
"$bin" --batch --lesson "$tmp/demo.lesson" >"$tmp/replay" 2>&1
check "and replays with exit 0" '[ $? = 0 ]'

# Bad paths: one line, nothing written.
cmd "save lesson $tmp/no/such/dir/x.lesson"
check "a directory that does not exist: one line, nothing written" \
	'wait_for "cannot write" && [ ! -e "$tmp/no" ]'
cmd "save lesson notes.txt"
check "a name not ending in .lesson: refused, nothing written" \
	'wait_for "expected a file name ending in .lesson" && [ ! -e "$tmp/notes.txt" ]'

# A path the user sockstep acts for may not write: the line names that user
# first, before a line of 80 columns can cut it.
mkdir "$tmp/closed"; chmod 555 "$tmp/closed"
cmd "save lesson $tmp/closed/x.lesson"
check "a path that may not be written: the line names the user it was opened as" \
	'wait_until shown -E "save lesson: uid [0-9]+ \([a-z0-9_-]+\) may not write" && [ ! -e "$tmp/closed/x.lesson" ]'

# The keys are in the help.
send '?'
# (its long lines wrap: at 80x24 they may be a few lines down)
check "the help lists L and S" 'wait_for "sockstep help" && { shown -F "L            lesson menu" ||
	{ send Down Down Down Down; wait_for "L            lesson menu"; }; } && shown -F "S            save the session as a lesson"'
send Escape

# ---- save lesson while a lesson runs: its steps, titles and narration ---------

ui_fresh_log
tmux_session sl 80 24 "cd $tmp && $bin --lesson byteorder --log $UI_LOG"
wait_for "5-tuple"
for _ in 1 2 3; do send n; steps_done; done
wait_for "step 3/"
cmd "save lesson ran.lesson"
check "save lesson during a lesson: saved" 'wait_until shown -E "saved [0-9]+ steps to ran.lesson"'
awk '/^step:/ { n++ } n >= 1 && n <= 3' "$src/assets/lessons/byteorder.lesson" >"$tmp/ran.want"
check "the saved lesson has the lesson's steps that ran, each title once, in order" \
	'[ "$(grep "^step: " "$tmp/ran.lesson")" = "$(grep "^step: " "$tmp/ran.want")" ]'
grep -vE '^(step:|[[:space:]]*[#>]|[[:space:]]*$)' "$tmp/ran.want" >"$tmp/ran.text"
missing=$(grep -cvxFf "$tmp/ran.lesson" "$tmp/ran.text")
check "its narration, preformatted lines as written ($missing of $(wc -l <"$tmp/ran.text") lines missing)" \
	'[ "$missing" = 0 ]'
# After each command what sockstep saw is written as expect lines; the
# lesson's own expect line that says the same is not written again.
check "the lesson's own expect lines not doubled by the observed ones" \
	'awk "/^> expect/ { if (\$0 in seen) d++; seen[\$0] } /^> [^e]/ { delete seen } END { exit d > 0 }" "$tmp/ran.lesson"'
"$bin" --batch --lesson "$tmp/ran.lesson" >"$tmp/replay" 2>&1
check "and it replays with exit 0" '[ $? = 0 ] && tail -n1 "$tmp/replay" | grep -q "all held$"'

finish
