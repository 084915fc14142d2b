#!/bin/bash
# table.sh - the 5-tuple pane at 80x24 and 100x30, as a lecturer steps the lessons with n:
# at the end of every step the rows --batch prints for that step are in view
# (when the pane has the lines for them), no line of the pane is left blank
# while rows are out of view, and no step name is cut (tests/table_check.py
# reads the pane). Then, by name, what the lecturer missed:
#   - udp step 8, STEP7: the server's row from recvfrom, during its own step;
#   - concurrent step 13: the rows of server.1 and server.2, which that step
#     uses and does not change;
#   - the outcome of step 6 in its name, ACCEPTED (tcp) or FAILED (restart);
#     sockaddr step 7's names as words, not bare numbers;
#   - shutdown: the client's connection goes FIN_WAIT2 -> TIME_WAIT (no
#     CLOSED between, in batch too), and its row keeps the peer;
#   - the TIME_WAIT that makes bind fail, in view in errors steps 10-11 and
#     restart steps 2-3;
#   - --compare close shutdown, at 80x24 and 100x30: each half's step rows
#     in view, the right-hand table never blank, its TIME_WAIT with the peer.
#
# Usage: tests/table.sh path/to/sockstep      (exit 77: no tmux or python3)
set -u
bin=$(realpath "${1:?usage: table.sh path/to/sockstep}")
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
screen_test table
chk="$src/tests/table_check.py"
export SOCKSTEP_LESSONS="$src/assets/lessons"


# extra LESSON K: the checker's arguments for the rows this test names at
# step K, as the 80-column pane writes them ("srv 4": the server's descriptor 4).
extra() {
	local tw='srv 4 +TCP +200\.0\.0\.2 +8080 +100\.0\.0\.1 +9000 +TIME_WAIT'
	case $1:$2 in
	udp:8) args+=(--row 'srv 3 +UDP +200\.0\.0\.2 +80 +100\.0\.0\.1 +9000 +UNCONN') ;;
	concurrent:13) args+=(--row 'srv\.1 4 +TCP +200\.0\.0\.2 +80 +100\.0\.0\.1 +9000 +ESTABLISHED'
			      --row 'srv\.2 4 +TCP +200\.0\.0\.2 +80 +100\.0\.0\.1 +[0-9]+ +ESTABLISHED') ;;
	tcp:7) args+=(--row '^STEP6 (ACCEPTED|CONNECTION REQUEST \(ACCEPTED\)) +cli 3') ;;
	restart:4) args+=(--row '^STEP6 (FAILED|CONNECTION REQUEST \(FAILED\)) +cli 3') ;;
	sockaddr:7) args+=(--row '^STEP1 [A-Z ]+ srv' --no-row '^[0-9]+[A-Z]? +(srv|cli)') ;;
	shutdown:6) args+=(--row 'cli 3 +TCP +100\.0\.0\.1 +9000 +200\.0\.0\.2 +80 +TIME_WAIT') ;;
	errors:10 | errors:11 | restart:2 | restart:3) args+=(--row "$tw") ;;
	esac
}

for lesson in udp concurrent close ephemeral reliability shutdown errors restart tcp sockaddr; do
	"$bin" --batch --lesson "$lesson" >"$tmp/$lesson.batch" 2>/dev/null
done
for size in 80x24 100x30; do
	w=${size%x*} h=${size#*x}
	for lesson in udp concurrent close ephemeral reliability shutdown errors restart tcp sockaddr; do
		n=$(grep -cE '^Step [0-9]+ of [0-9]+:' "$tmp/$lesson.batch")
		[ "$n" -gt 0 ] || { bad "$lesson: --batch printed no steps"; continue; }
		ui_fresh_log
		tmux_session "t-$lesson-$size" "$w" "$h" "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin --lesson $lesson --log $UI_LOG 2>$tmp/err"
		wait_for "5-tuple" >/dev/null || { bad "$size $lesson: sockstep did not start"; continue; }
		for k in $(seq 1 "$n"); do
			send n
			steps_done && wait_until shown -E -- "step $k/[0-9]+:"
			args=(--batch "$tmp/$lesson.batch" --step "$k")
			extra "$lesson" "$k"
			look "$size --lesson $lesson step $k/$n: the step's rows in view, no blank line, no name cut" "${args[@]}"
		done
		send q
		wait_gone "5-tuple" >/dev/null
		[ -s "$tmp/err" ] && bad "$size $lesson: stderr: $(head -c 300 "$tmp/err")"
	done
done

# shutdown in batch: FIN_WAIT2, then TIME_WAIT, never CLOSED between; the
# closed descriptor's row keeps its peer.
awk '/^Step 6 of/,0' "$tmp/shutdown.batch" >"$tmp/sd6"
check "shutdown step 6 (batch): the client's connection is never CLOSED before TIME_WAIT" \
	'! grep -qE "^    [a-z0-9]+ +client +3 TCP .* CLOSED\*?$" "$tmp/sd6"'
check "shutdown step 6 (batch): the client's TIME_WAIT row keeps 200.0.0.2 80" \
	'grep -qE "^    close +client +3 TCP +100\.0\.0\.1 +9000 +200\.0\.0\.2 +80 +TIME_WAIT" "$tmp/sd6"'

# --compare close shutdown: both halves, every step.
for size in 80x24 100x30; do
	w=${size%x*} h=${size#*x}
	for l in close shutdown; do "$bin" --batch --lesson "$l" >"$tmp/$l.batch" 2>/dev/null; done
	ui_fresh_log
	tmux_session "t-cmp-$size" "$w" "$h" "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin --compare close shutdown --log $UI_LOG 2>$tmp/err"
	wait_for "5-tuple" >/dev/null || { bad "$size --compare: sockstep did not start"; continue; }
	for k in 1 2 3 4 5 6; do
		send n
		steps_done && wait_until shown -E -- "row $k/6|lesson complete"
		# The halves' own step numbers: close has no step on row 5.
		kc=$k ks=$k
		[ "$k" -ge 5 ] && kc=$((k - 1))
		[ "$k" = 5 ] && kc=0
		args=()
		[ "$k" = 6 ] && args=(--row 'c3 +TCP +(100\.0\.0\.1 +)?9000 +(200\.0\.0\.2 +)?80 +TIME_WAIT')
		look "$size --compare close shutdown row $k: close's table" --half left --level --batch "$tmp/close.batch" --step "$kc"
		look "$size --compare close shutdown row $k: shutdown's table" --half right --level --batch "$tmp/shutdown.batch" --step "$ks" "${args[@]}"
	done
	send q
	wait_gone "5-tuple" >/dev/null
	[ -s "$tmp/err" ] && bad "$size --compare: stderr: $(head -c 300 "$tmp/err")"
done
finish
