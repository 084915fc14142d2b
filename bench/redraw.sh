#!/bin/bash
# redraw.sh - heap allocations per redraw of an unchanged screen: sockstep
# under bench/allocs.c's counter, a lesson run to a full screen (--lesson tcp
# step 7: programs, 5-tuple rows, the ladder, the sockaddr pane), then Ctrl-L
# (a redraw of everything) N times, the count read before and after. The
# goal is 0: the panes draw in buffers they keep. Also zoomed, and in
# --compare. A benchmark, not a test: it prints figures and judges nothing.
#
# Usage: bench/redraw.sh path/to/sockstep path/to/allocs.so [N]
set -u
BIN=$(realpath "${1:?usage: redraw.sh path/to/sockstep path/to/allocs.so [N]}")
LIB=$(realpath "${2:?usage: redraw.sh path/to/sockstep path/to/allocs.so [N]}")
N=${3:-20}
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/bench/lib.sh"
machine
command -v tmux >/dev/null 2>&1 || { echo "needs tmux"; exit 2; }
DIR=$(mktemp -d)
chmod 0777 "$DIR" # sockstep may act as the user it was started for
SOCK="sockstep-redraw-$$"
T=(tmux -L "$SOCK" -f /dev/null)
cleanup() {
	"${T[@]}" kill-server >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT

screen() { "${T[@]}" capture-pane -t x -p 2>/dev/null; }
wait_for() {
	for _ in $(seq 1 400); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.025
	done
	echo "timed out waiting for \"$1\""
	return 1
}
count() { od -An -t u8 -N 8 "$DIR/count" | tr -d ' '; }
# Ctrl-L N times, each drawn before the next (the log says when idle is not
# enough: the screen has no state to wait for, so a short pause per key).
redraws() {
	local a b
	a=$(count)
	for _ in $(seq 1 "$N"); do
		"${T[@]}" send-keys -t x C-l
		sleep 0.1
	done
	sleep 0.5
	b=$(count)
	echo "$(((b - a)))"
}

run() { # label, steps, args...
	local label=$1 steps=$2
	shift 2
	rm -f "$DIR/count"
	"${T[@]}" new-session -d -s x -x 120 -y 40 \
		"exec env ALLOCS_FILE=$DIR/count LD_PRELOAD=$LIB LANG=C.UTF-8 SOCKSTEP_LESSONS=$SRC/assets/lessons $BIN $*"
	wait_for "5-tuple" || return
	sleep 0.3
	for k in $(seq 1 "$steps"); do
		"${T[@]}" send-keys -t x n
		wait_for " $k/" || return
	done
	sleep 1.5 # the last step's frames and settle
	local all zoom
	all=$(redraws)
	"${T[@]}" send-keys -t x z
	sleep 0.3
	zoom=$(redraws)
	printf '  %-34s %4d allocations in %d redraws; zoomed (5-tuple) %4d\n' "$label" "$all" "$N" "$zoom"
	"${T[@]}" kill-server >/dev/null 2>&1
}

echo "heap allocations while redrawing an unchanged screen (Ctrl-L x $N), 120x40:"
run "--lesson tcp, step 7" 7 --lesson tcp
run "--compare, row 4" 4 --compare
