#!/bin/bash
# stepcheck.sh - the principle of the screen, enforced: at the end of every
# step of every shipped lesson, at 80x24 and at 100x30, what the step teaches
# is on screen, whole (DESIGN.md, Screen). Each lesson is run twice, with
# --batch and on the screen in tmux; the screen is captured once each step
# has ended (steps_done: the idle line of the --log, never a sleep) and
# tests/stepcheck.py compares it with what --batch printed for that step:
# the narration word for word, the rows it printed by their values, each
# program's current call, the last sockaddr_in stage and the last frame.
# --compare is checked at both sizes too, each half against its own lesson's
# batch (at 80x24 a half's table may leave the IP columns out).
#
# Usage: tests/stepcheck.sh path/to/sockstep [LESSON...]   (exit 77: no tmux or python3)
set -u
bin=$(realpath "${1:?usage: stepcheck.sh path/to/sockstep [LESSON...]}")
shift
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
screen_test stepcheck
ON_FAIL='' # the checker prints what it missed; the screens are kept under $tmp
chk="$src/tests/stepcheck.py"
export SOCKSTEP_LESSONS="$src/assets/lessons"

# The sizes: both by default; STEPCHECK_SIZES=100x30 for one.
STEPCHECK_SIZES=${STEPCHECK_SIZES:-80x24 100x30}

# The shipped lessons, but the halves of --compare (checked below, together).
if [ $# -gt 0 ]; then
	lessons=("$@")
else
	lessons=()
	for f in "$SOCKSTEP_LESSONS"/*.lesson; do
		l=$(basename "$f" .lesson)
		case $l in compare-*) continue ;; esac
		lessons+=("$l")
	done
fi

# batch LESSON: its --batch output in $tmp/LESSON.batch; the number of steps.
batch() {
	"$bin" --batch --lesson "$1" >"$tmp/$1.batch" 2>&1
	sed -n 's/^Step [0-9]* of \([0-9]*\):.*/\1/p' "$tmp/$1.batch" | head -n 1
}

# screen_moved FILE: the screen is no longer what FILE holds.
screen_moved() { ! screen | cmp -s - "$1"; }

# walk NAME W H N ARGS [LINGER]: sockstep ARGS at WxH, n pressed N times; the
# screen after each step in $tmp/NAME.K. LINGER: a lesson whose kernels have
# timers running between steps (a dropped frame: retransmissions): after
# each step, as a class reading it would, wait up to 3 s for the screen to
# move on by itself; it must not (the wire relays nothing between steps),
# and what is compared is the screen after that wait.
walk() {
	local name=$1 w=$2 h=$3 n=$4 args=$5 linger=${6:-} k
	ui_fresh_log
	tmux_session "s-$name" "$w" "$h" "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin $args --log $UI_LOG 2>$tmp/err"
	wait_for "5-tuple" >/dev/null || { bad "$name: sockstep did not start"; return 1; }
	for k in $(seq 1 "$n"); do
		send n
		steps_done || { bad "$name: step $k did not end"; return 1; }
		screen >"$tmp/$name.$k"
		if [ -n "$linger" ]; then
			if WAIT_TRIES=60 wait_until screen_moved "$tmp/$name.$k"; then
				bad "$name: step $k: the screen went on by itself after the step ended (frames crossed between steps)"
				diff "$tmp/$name.$k" <(screen) | grep '^>' | head -n 8 | sed 's/^/      /'
				screen >"$tmp/$name.$k"
			fi
		fi
	done
	send q
	wait_gone "5-tuple" >/dev/null
	[ -s "$tmp/err" ] && bad "$name: stderr: $(head -c 300 "$tmp/err")"
	return 0
}

# judge NAME ARGS...: the checker over the screens of NAME; its FAIL lines become ours.
judge() {
	local name=$1 out
	shift
	if out=$(python3 "$chk" --label "$name" "$@"); then
		ok "$name: every step on screen as --batch printed it"
	else
		while IFS= read -r line; do bad "${line#FAIL }"; done <<<"$out"
	fi
}

for lesson in "${lessons[@]}"; do
	n=$(batch "$lesson")
	[ -n "$n" ] || { bad "$lesson: no steps in --batch --lesson $lesson"; continue; }
	for size in $STEPCHECK_SIZES; do
		w=${size%x*} h=${size#*x}
		linger=''
		grep -qE '^> *wire (drop|hold)' "$SOCKSTEP_LESSONS/$lesson.lesson" && linger=yes
		walk "$lesson-$size" "$w" "$h" "$n" "--lesson $lesson" "$linger" || continue
		judge "$lesson-$size" "$tmp/$lesson.batch" $(for k in $(seq 1 "$n"); do echo "$tmp/$lesson-$size.$k"; done)
	done
done

if [ $# = 0 ]; then
	batch compare-tcp >/dev/null
	batch compare-udp >/dev/null
	# The rows n walks: the longer of the halves (the screen says "step K/N" on each).
	n=$(grep -c '^Step [0-9]* of' "$tmp/compare-tcp.batch")
	m=$(grep -c '^Step [0-9]* of' "$tmp/compare-udp.batch")
	[ "$m" -gt "$n" ] && n=$m
	for size in $STEPCHECK_SIZES; do
		w=${size%x*} h=${size#*x}
		walk "compare-$size" "$w" "$h" "$n" --compare || continue
		judge "compare-$size" --compare "$tmp/compare-tcp.batch" "$tmp/compare-udp.batch" \
			$(for k in $(seq 1 "$n"); do echo "$tmp/compare-$size.$k"; done)
	done
fi
[ -n "${STEPCHECK_KEEP:-}" ] && cp -r "$tmp"/. "$STEPCHECK_KEEP"/
finish
