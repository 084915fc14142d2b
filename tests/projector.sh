#!/bin/bash
# projector.sh - the lecture at the sizes a projector gives: --lesson tcp, udp
# and sockaddr stepped with n at 80x24, 100x30 and 160x45, and at every step
# what a student in the back row must read (tests/projector_check.py looks at
# the screen pane by pane):
#   - every 5-tuple row with its protocol and state, under a header naming the
#     five columns;
#   - each program's current call whole (wrapped, never cut);
#   - all 16 bytes of the sockaddr_in a step built;
#   - each conversion's bytes, network order beside host order
#     (255.255.255.255 as FF FF FF FF beside INADDR_NONE);
#   - on the ladder, the flags of the step's last frame.
# Which step builds what, and which frames it puts on the wire, come from the
# lesson file and from --batch of the same lesson, not from a list kept here.
#
# Usage: tests/projector.sh path/to/sockstep      (exit 77: no tmux or python3)
set -u
bin=$(realpath "${1:?usage: projector.sh path/to/sockstep}")
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
need python3 python3 || finish
screen_test projector
chk="$src/tests/projector_check.py"
export SOCKSTEP_LESSONS="$src/assets/lessons"

# step_facts LESSON: one line per step, "conv", "sockaddr" or "-" (what the
# step's last conversion or address-building command leaves in the hex pane),
# then the flags of the step's last frame ("[SYN, ACK]", "UDP", or "-").
step_facts() {
	local batch
	batch=$("$bin" --batch --lesson "$1" 2>/dev/null)
	awk '
		/^step:/ { if (n) print hex[n]; n++; hex[n] = "-"; next }
		/^> *(server|client[0-9]*) +(bind|connect|sendto)( |$)/ { hex[n] = "sockaddr"; next }
		/^> *(htons|htonl|ntohs|ntohl|inet_addr|inet_pton)( |$)/ { hex[n] = "conv"; next }
		END { if (n) print hex[n] }' "$SOCKSTEP_LESSONS/$1.lesson" >"$tmp/hex"
	printf '%s\n' "$batch" | awk '
		/^Step [0-9]+ of [0-9]+:/ { if (n) print last; n++; last = "-"; next }
		/^  wire +#[0-9]+ / && !/ ARP / {
			if ($0 ~ / ICMP /) last = "ICMP"
			else if (match($0, /\[[A-Z, ]+\]/)) last = substr($0, RSTART, RLENGTH)
			else if ($0 ~ / UDP /) last = "UDP"
		}
		END { if (n) print last }' >"$tmp/frames"
	paste -d' ' "$tmp/hex" "$tmp/frames"
}


# The hex pane holds what the step did last: ask the checker to read it.
hex_args() { # kind
	case $1 in
	sockaddr) echo "--bytes --text sockaddr_in" ;;
	conv) echo "--conv" ;;
	esac
}

for size in 80x24 100x30 160x45; do
	w=${size%x*} h=${size#*x}
	for lesson in tcp udp sockaddr; do
		mapfile -t facts < <(step_facts "$lesson")
		n=${#facts[@]}
		[ "$n" -gt 0 ] || { bad "$lesson: no steps read from its file"; continue; }
		ui_fresh_log
		tmux_session "p-$lesson-$size" "$w" "$h" "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin --lesson $lesson --log $UI_LOG 2>$tmp/err"
		wait_for "5-tuple" >/dev/null || { bad "$size $lesson: sockstep did not start"; continue; }
		for k in $(seq 1 "$n"); do
			read -r hex frame <<<"${facts[$((k - 1))]}"
			send n
			steps_done && wait_until shown -E -- "step $k/[0-9]+:"
			# A prediction hides its answer ("??") until guessed or skipped: s (tests/predict.sh).
			for _ in 1 2 3 4; do shown -F "PREDICT " || break; send s; wait_until true; sleep 0.1; done
			# shellcheck disable=SC2046 # word splitting of the flags is wanted
			args=(--tuple --call $(hex_args "$hex"))
			[ "$frame" != - ] && [ -z "${NO_LADDER:-}" ] && args+=(--ladder "$frame")
			look "$size --lesson $lesson step $k/$n: readable (${hex}, last frame ${frame})" "${args[@]}"
		done
		# The trap of the sockaddr lesson, by name.
		if [ "$lesson" = sockaddr ]; then
			cmd 'inet_addr 255.255.255.255'
			wait_for "INADDR_NONE" >/dev/null
			look "$size: inet_addr(\"255.255.255.255\") shows FF FF FF FF beside INADDR_NONE" \
				--conv --text "FF FF FF FF" --text "INADDR_NONE"
		fi
		send q
		wait_gone "5-tuple" >/dev/null
		[ -s "$tmp/err" ] && bad "$size $lesson: stderr: $(head -c 300 "$tmp/err")"
	done
done
# --compare: the TCP and UDP halves, each its own lab, stepped together.
for size in 80x24 100x30 160x45; do
	w=${size%x*} h=${size#*x}
	mapfile -t ft < <(step_facts compare-tcp)
	mapfile -t fu < <(step_facts compare-udp)
	n=${#ft[@]}
	tup=--tuple
	[ "$w" -lt 100 ] && tup=--tuple-min # PROTOCOL on both halves from 100x30
	ui_fresh_log
	tmux_session "p-compare-$size" "$w" "$h" "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin --compare --log $UI_LOG 2>$tmp/err"
	wait_for "5-tuple" >/dev/null || { bad "$size --compare: sockstep did not start"; continue; }
	for k in $(seq 1 "$n"); do
		read -r _ f1 <<<"${ft[$((k - 1))]}"
		read -r _ f2 <<<"${fu[$((k - 1))]}"
		send n
		steps_done && wait_until shown -E -- "step $k/[0-9]+"
		args=("$tup" --call)
		[ "$f1" != - ] && args+=(--ladder "$f1")
		[ "$f2" != - ] && args+=(--ladder "$f2")
		look "$size --compare step $k/$n: both halves readable (frames ${f1} / ${f2})" "${args[@]}"
	done
	send q
	wait_gone "5-tuple" >/dev/null
	[ -s "$tmp/err" ] && bad "$size --compare: stderr: $(head -c 300 "$tmp/err")"
done
finish
