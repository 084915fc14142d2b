#!/bin/bash
# trace.sh - what tracing costs a program (issue 20): a million calls the
# seccomp filter lets pass, alone and under sockstep's tracer (within 1.3x
# is the aim); socket calls per second under the tracer (each stopped at
# its enter and its exit, as "continue" does) against strace -f in the
# same run. Median of 3 runs each.
#   bench/trace.sh TRACE_BENCH TRACE_LOAD
set -u
bench=$1 load=$2
. "$(dirname "$0")/lib.sh"
machine
n_plain=1000000 n_sock=20000

secs() { # secs CMD...: wall seconds of one run
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || return 1
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

alone=() traced=() sock_traced=() sock_strace=() sock_alone=()
for _ in 1 2 3; do
	alone+=("$(secs "$load" plain $n_plain)")
	traced+=("$("$bench" "$load" plain $n_plain | cut -d' ' -f1)")
	r=$("$bench" "$load" socket $n_sock) || { echo "SKIP: the tracer cannot run here"; exit 77; }
	sock_traced+=("$(echo "$r" | cut -d' ' -f1)")
	sock_alone+=("$(secs "$load" socket $n_sock)")
	if command -v strace >/dev/null; then
		sock_strace+=("$(secs strace -f -qq -e trace=network,close -o /dev/null "$load" socket $n_sock)")
	fi
done
a=$(median "${alone[@]}") t=$(median "${traced[@]}")
printf '%d getppid calls: alone %.3f s, traced %.3f s: %.2fx\n' $n_plain "$a" "$t" "$(echo "$t / $a" | bc -l)"
st=$(median "${sock_traced[@]}") sa=$(median "${sock_alone[@]}")
printf '%d socket+close pairs: alone %.3f s; traced %.3f s = %.0f calls/s\n' $n_sock "$sa" "$st" \
	"$(echo "2 * $n_sock / $st" | bc -l)"
if [ ${#sock_strace[@]} -gt 0 ]; then
	ss=$(median "${sock_strace[@]}")
	printf '  strace -f -e trace=network,close: %.3f s = %.0f calls/s\n' "$ss" "$(echo "2 * $n_sock / $ss" | bc -l)"
fi
