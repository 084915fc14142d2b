#!/bin/bash
# idle.sh - what an idle sockstep costs (CPU, wake-ups, resident memory),
# next to htop as the reference, in the same run. The lab (two hosts and the
# wire: two capture rings) is what is measured. Key-to-screen time is
# bench/keys.sh's (at a pty of its own, no tmux round trips in the figure).
# A benchmark, not a test: it prints figures and judges nothing.
#
# Usage: bench/idle.sh path/to/sockstep [idle-seconds]
set -u
. "$(dirname "$0")/lib.sh"

BIN=$(realpath "${1:?usage: idle.sh path/to/sockstep [seconds]}")
SECS=${2:-10}
command -v tmux >/dev/null 2>&1 || { echo "needs tmux"; exit 2; }
if ! command -v htop >/dev/null 2>&1; then
	echo "htop missing: installing it as the reference (apt-get install -y htop)"
	apt-get install -y htop >/dev/null 2>&1 || { echo "could not install htop"; exit 2; }
fi

machine
SOCK="sockstep-bench-$$"
T=(tmux -L "$SOCK" -f /dev/null)
cleanup() {
	"${T[@]}" kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
}
trap cleanup EXIT
HZ=$(getconf CLK_TCK)

screen() { "${T[@]}" capture-pane -t "$1" -p 2>/dev/null; }
wait_for() {
	for _ in $(seq 1 200); do
		screen "$1" | grep -qF -- "$2" && return 0
		sleep 0.025
	done
	return 1
}
cmd() {
	"${T[@]}" send-keys -t "$1" ':'
	"${T[@]}" send-keys -t "$1" -l -- "$2"
	"${T[@]}" send-keys -t "$1" Enter
}

# CPU ticks (utime + stime) and context switches (voluntary, involuntary) of a pid.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ctxt() { awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v, n }' "/proc/$1/status"; }

# Both in their own 120x40 terminal; exec so that the pane's pid is the program's.
# Without MALLOC_PERTURB_ (meson sets it): it makes calloc write the memory it
# returns, so memory that a user's run touches only when needed would count.
"${T[@]}" new-session -d -s ss -x 120 -y 40 "exec env -u MALLOC_PERTURB_ LANG=C.UTF-8 $BIN --net lab"
"${T[@]}" new-session -d -s ht -x 120 -y 40 "exec env -u MALLOC_PERTURB_ LANG=C.UTF-8 htop"
wait_for ss "5-tuple" || { echo "sockstep did not start"; screen ss; exit 1; }
sleep 1 # let htop settle too
PS=$("${T[@]}" display-message -p -t ss '#{pane_pid}')
PH=$("${T[@]}" display-message -p -t ht '#{pane_pid}')

# A session in progress, so that idle means "idle with sockets open".
cmd ss "server socket tcp"
cmd ss "server bind 200.0.0.2 80"
cmd ss "server listen"
cmd ss "server accept"
wait_for ss "blocked" || echo "warning: the accept did not show as blocked"
sleep 0.5

s0=$(cpu_ticks "$PS"); h0=$(cpu_ticks "$PH")
read -r sv0 sn0 < <(ctxt "$PS"); read -r hv0 hn0 < <(ctxt "$PH")
sleep "$SECS"
s1=$(cpu_ticks "$PS"); h1=$(cpu_ticks "$PH")
read -r sv1 sn1 < <(ctxt "$PS"); read -r hv1 hn1 < <(ctxt "$PH")

echo "idle for ${SECS} s (CLK_TCK=$HZ), same run:"
printf '  %-9s cpu %6d ms   voluntary ctx switches %6d   involuntary %4d\n' \
	sockstep $(((s1 - s0) * 1000 / HZ)) $((sv1 - sv0)) $((sn1 - sn0))
printf '  %-9s cpu %6d ms   voluntary ctx switches %6d   involuntary %4d\n' \
	htop $(((h1 - h0) * 1000 / HZ)) $((hv1 - hv0)) $((hn1 - hn0))

# Resident memory at the end of the idle period, same run: VmRSS now, VmHWM
# the peak so far, and for sockstep where it goes (the capture rings are the
# kernel's, mapped in as "socket:" mappings; the heap; the rest is code and
# libraries).
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
smaps_kb() { # pid, awk pattern on the mapping's name
	awk -v pat="$2" '/^[0-9a-f]+-[0-9a-f]+ / { m = ($6 ~ pat) } m && $1 == "Rss:" { kb += $2 } END { print kb + 0 }' "/proc/$1/smaps"
}
echo "resident memory after ${SECS} s idle, same run:"
printf '  %-9s VmRSS %6d kB (%.1f MiB)   peak VmHWM %6d kB   capture rings %5d kB   heap %5d kB\n' \
	sockstep "$(status_kb "$PS" VmRSS)" "$(awk -v k="$(status_kb "$PS" VmRSS)" 'BEGIN { print k / 1024 }')" \
	"$(status_kb "$PS" VmHWM)" "$(smaps_kb "$PS" '^socket:')" "$(smaps_kb "$PS" '^\\[heap\\]$')"
printf '  %-9s VmRSS %6d kB (%.1f MiB)   peak VmHWM %6d kB   %-19s   heap %5d kB\n' \
	htop "$(status_kb "$PH" VmRSS)" "$(awk -v k="$(status_kb "$PH" VmRSS)" 'BEGIN { print k / 1024 }')" \
	"$(status_kb "$PH" VmHWM)" "" "$(smaps_kb "$PH" '^\\[heap\\]$')"

echo "goals: sockstep idle CPU 0 ms and 0 wake-ups; resident memory at most htop's"
"${T[@]}" send-keys -t ss q
