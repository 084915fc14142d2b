#!/bin/bash
# idle.sh - what an idle sockstep costs (CPU, wake-ups, resident memory),
# next to htop as the reference, in the same run. The lab (two hosts and the
# wire: two capture rings) is what is measured. Memory is given as RSS (the
# goal's measure: htop's RES), PSS and USS for both, and where each one's RSS
# goes, mapping by mapping. Key-to-screen time is
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

# Resident memory at the end of the idle period, same run, three ways, each
# from /proc/PID/smaps_rollup for both programs:
#  RSS  every page mapped in, shared library pages counted whole (VmRSS: what
#       htop itself shows as RES, and top and ps as RSS): the goal's measure;
#  PSS  each shared page divided among the processes that map it: this
#       program's share of the machine's memory (libc's pages are mostly
#       other processes' too);
#  USS  its private pages only (Private_Clean + Private_Dirty): what would be
#       given back if it exited; a library no other process maps counts here.
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
rollup_kb() { # pid, field(s) of smaps_rollup summed
	local pid=$1; shift
	awk -v f=" $* " 'index(f, " " substr($1, 1, length($1) - 1) " ") { kb += $2 } END { print kb + 0 }' "/proc/$pid/smaps_rollup"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
echo "resident memory after ${SECS} s idle, same run (kB):"
for who in sockstep htop; do
	pid=$PS; [ "$who" = htop ] && pid=$PH
	r=$(rollup_kb "$pid" Rss) p=$(rollup_kb "$pid" Pss) u=$(rollup_kb "$pid" Private_Clean Private_Dirty)
	printf '  %-9s RSS %6d (%s)   PSS %6d (%s)   USS %6d (%s)   peak VmHWM %6d\n' "$who" "$r" "$(mib "$r")" \
		"$p" "$(mib "$p")" "$u" "$(mib "$u")" "$(status_kb "$pid" VmHWM)"
done
# Where each one's RSS goes, by mapping: the capture rings are the kernel's,
# mapped into sockstep as "socket:" mappings; libraries are split into those
# both programs map (their pages are the same files) and those only one loads.
by_file() { # pid: "kB name" per mapping name
	awk '/^[0-9a-f]+-[0-9a-f]+ / { n = $6; if (n == "") n = "[anon]"; else if (n ~ /^socket:/) n = "[rings]"; next }
	     $1 == "Rss:" { kb[n] += $2 } END { for (k in kb) if (kb[k]) print kb[k], k }' "/proc/$1/smaps" | sort -rn
}
split_rss() { # pid, binary, the other's "kB name" file: "rings heap anon binary shared own own-list"
	by_file "$1" | awk -v bin="$2" -v of="$3" '
		BEGIN { while ((getline l < of) > 0) { split(l, f, " "); other[f[2]] = 1 } }
		$2 == "[rings]" { r += $1; next } $2 == "[heap]" { h += $1; next }
		$2 ~ /^\[/ { a += $1; next } $2 == bin { b += $1; next }
		$2 in other { both += $1; next }
		{ n = $2; sub(/.*\//, "", n); sub(/\.so.*/, "", n); own += $1; if ($1 >= 32) list = list sprintf(" %s %d,", n, $1) }
		END { sub(/,$/, "", list); print r + 0, h + 0, a + 0, b + 0, both + 0, own + 0, list }'
}
t=${TMPDIR:-/tmp}/idle-maps.$$
by_file "$PS" >"$t.s"; by_file "$PH" >"$t.h"
read -r sr sh sa sb sboth sown slist < <(split_rss "$PS" "$BIN" "$t.h")
read -r hr hh ha hb hboth hown hlist < <(split_rss "$PH" "$(command -v htop)" "$t.s")
rm -f "$t.s" "$t.h"
echo "where the RSS goes (kB):            sockstep   htop"
printf '  %-32s %8d %6d\n' "capture rings" "$sr" "$hr" heap "$sh" "$hh" "other anonymous (bss, stacks)" "$sa" "$ha" \
	"the program's binary" "$sb" "$hb" "libraries both map" "$sboth" "$hboth" "libraries only one loads" "$sown" "$hown"
echo "  only sockstep's (32 kB and up): ${slist:-none}"
echo "  only htop's (32 kB and up): ${hlist:-none}"

echo "goals: sockstep idle CPU 0 ms and 0 wake-ups; resident memory at most htop's"
"${T[@]}" send-keys -t ss q
