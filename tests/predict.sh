#!/bin/bash
# predict.sh - predict, then reveal, on screen: a student walks the tcp and
# ephemeral lessons in tmux. The predicted cells stay "??" after the step
# runs, the question is on the narration line; a guess typed at ':' is marked
# right (✓) or wrong (✗, with the kernel's real value); s skips a question;
# the lesson's end says the score ("2 of 2 predicted"; a skip is not
# scored); IANA's range for the kernel's port is wrong, with its reason.
#   predict.sh SOCKSTEP      (exit 77: no tmux)
set -u
bin=$(realpath "${1:?usage: predict.sh path/to/sockstep}")
. "$(dirname "$0")/lib.sh"
screen_test predict
export SOCKSTEP_LESSONS=$src/assets/lessons

# guess TEXT: typed at the ':' line that a waiting question opens.
guess() { send ':'; send_text "$1"; send Enter; }
row() { screen | grep -F -- "$1"; }
# in_range PORT: in the kernel's ephemeral range (ip_local_port_range's default, 32768-60999).
in_range() { [ -n "$1" ] && [ "$1" -ge 32768 ] && [ "$1" -le 60999 ]; }

# ---- tcp: the state after connect (wrong, then right), accept's remote columns
ui_fresh_log
tmux_session tcp 100 30 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin --lesson tcp --log $UI_LOG 2>$tmp/err"
wait_for "5-tuple" >/dev/null
for k in 1 2 3 4 5 6 7; do next_step "step $k/" >/dev/null; done
check "step 7: the question is on the narration line" \
	'wait_for "PREDICT client state: The client'"'"'s socket state after connect()?"'
check "step 7: the client's STEP6 row keeps its STATE hidden (??)" \
	'row "STEP6 CONNECTION REQUEST (ACCEPTED)" | grep -qE "200\.0\.0\.2 +80 +\?\? *│" && ! row "STEP6 CONNECTION" | grep -q ESTABLISHED'
check "step 7: accept()'s new socket keeps REMOTE-IP and REMOTE-PORT hidden" \
	'row "STEP7 CONNECTION REQUEST ACCEPTED" | grep -qE "80 +\?\? +\?\? +ESTABLISHED"'
check "step 7: the hint line offers : answer and s skip" 'screen | tail -n1 | grep -q ": answer  s skip"'
send ':'
check "':' takes a guess, the question stays in sight below it" \
	'wait_for "Enter checks  PREDICT client state"'
send_text SYN_SENT; send Enter
check "a wrong guess: ✗, what was said and the kernel's real value" \
	'wait_for "✗ wrong: you said SYN_SENT; client state is ESTABLISHED"'
check "revealed: the STEP6 row shows ESTABLISHED" \
	'row "STEP6 CONNECTION REQUEST (ACCEPTED)" | grep -q ESTABLISHED'
check "the next question follows: accept()'s remote columns, still hidden" \
	'wait_for "REMOTE-PORT?" && row "STEP7 CONNECTION REQUEST ACCEPTED" | grep -qE "\?\? +\?\?"'
send s
check "s skips it: revealed, not scored" \
	'wait_for "skipped: server remote is 100.0.0.1 9000" && row "STEP7 CONNECTION REQUEST ACCEPTED" | grep -q "100.0.0.1 9000"'
check "no question waits any more: the lesson's keys are back" 'screen | tail -n1 | grep -q "n next"'
for k in 8 9 10 11 12 13 14; do next_step "step $k/" >/dev/null; done
send n
check "the end: the skip is not scored (0 of 1, not 0 of 2)" 'wait_for "0 of 1 predicted (1 skipped, not scored)"'

# r: the lesson again, both predicted right this time; the end says the score.
send r
wait_for "the lesson starts again" >/dev/null
for k in 1 2 3 4 5 6 7; do next_step "step $k/" >/dev/null; done
wait_for "PREDICT client state" >/dev/null
guess ESTAB
check "a right guess (ss's ESTAB for ESTABLISHED): ✓ and the value" \
	'wait_for "✓ right: client state is ESTABLISHED"'
guess "100.0.0.1:9000"
check "the remote columns predicted right: ✓" 'wait_for "✓ right: server remote is 100.0.0.1 9000"'
for k in 8 9 10 11 12 13 14; do next_step "step $k/" >/dev/null; done
check "the end: the score, 2 of 2 predicted" 'wait_for "2 of 2 predicted"'
# No q: the next session replaces this one (a tmux server left without
# sessions exits, and the next new-session may race with it).
check "tcp: nothing on stderr" '[ ! -s "$tmp/err" ]'

# ---- ephemeral: the client's local port, the kernel's choice ----
ui_fresh_log
tmux_session eph 80 24 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin --lesson ephemeral --log $UI_LOG 2>$tmp/err"
wait_for "5-tuple" >/dev/null
for k in 1 2 3; do next_step "step $k/" >/dev/null; done
check "80x24 step 3: the question, and the client's LOCAL-PORT hidden (??)" \
	'wait_for "PREDICT client local" && row "STEP6 " | grep -qE "100\.0\.0\.1 +\?\? +200\.0\.0\.2"'
guess "random above 32767"
check "\"random above 32767\" is right for a port the kernel chose: ✓ and the port" \
	'wait_for "✓ right: client local is 100.0.0.1" && in_range "$(screen | sed -n "s/.*✓ right: client local is 100\.0\.0\.1 \([0-9]*\).*/\1/p" | head -n 1)"'
check "revealed: the port in the table" 'row "STEP6 " | grep -qE "100\.0\.0\.1 +[0-9]{5} "'
send b; steps_done
next_step "step 3/" >/dev/null
check "b, n: the step runs again and asks again" 'wait_for "PREDICT client local"'
guess 9000
check "9000 (the tcp lesson's bound port) is wrong here: ✗ with the real port" \
	'wait_until shown -E "✗ wrong: you said 9000; client local is 100\.0\.0\.1 [0-9]{5} \(ephemeral"'
# The range the lecture taught (IANA's) is wrong, with its reason: this
# kernel's own range holds the port, IANA's does not (or holds it by chance).
send b; steps_done
next_step "step 3/" >/dev/null
wait_for "PREDICT client local" >/dev/null
guess 49152-65535
# The verdict's lines: a long one wraps upward over the frame, the key hints stay last.
status2() { screen | tail -n 4 | head -n 3 | tr '\n' ' ' | tr -s ' '; }
reason() { status2 | grep -qE "✗ wrong: you said 49152-65535; client local is 100\.0\.0\.1 [0-9]{5}; 49152-65535 is IANA's range; this kernel's is 32768-60999: [0-9]{5} is in (it, not in IANA.s|both by chance)"; }
check "49152-65535 (IANA's) is wrong, with its reason: the kernel's own range" 'wait_until reason'
send q
wait_gone "5-tuple" >/dev/null
check "ephemeral: nothing on stderr" '[ ! -s "$tmp/err" ]'
finish
