# shellcheck shell=bash
# lib.sh - sourced by the benchmarks: the line that says which build and
# which machine a figure comes from, and the median of a list.

# machine: "build: debugoptimized (-O2) ...; machine: 2 cores, <CPU model>, Linux <kernel>".
# meson passes the build's type in SOCKSTEP_BUILD (bench/meson.build).
machine() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -n 1)
	echo "build: ${SOCKSTEP_BUILD:-unknown (run by hand; meson test --benchmark names it)}; machine: $(nproc) cores" \
		"(load $(cut -d' ' -f1-3 /proc/loadavg)), ${cpu:-unknown CPU}, $(uname -sr)"
}

# median NUMBER...: the middle one (the mean of the two middle ones for an even count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) print "?"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
