#!/usr/bin/env bash
# batch.sh - what a networked command costs in --batch, and the start-up of
# a one-line lab script. A script of CYCLES cycles of 7 commands each (server
# socket udp, bind, client socket udp, sendto, server recvfrom, client close,
# server close: every one a system call in the lab) against the same session
# with the first command only: wall time and CPU time (sockstep and the
# programs it ran, user + system) per command of the difference. Start-up:
# the one-line script `server socket udp`, whole session (set-up, the
# command, tear-down), wall time. RUNS of each, alternating; medians.
# A benchmark: it prints figures (the goals beside them) and judges nothing.
#   batch.sh SOCKSTEP [CYCLES] [RUNS]
set -u
export LC_ALL=C
here=$(dirname "$0")
. "$here/lib.sh"
bin=$1 cycles=${2:-20} runs=${3:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
echo 'server socket udp' >"$tmp/one.script"
for ((c = 0; c < cycles; c++)); do
  printf '%s\n' 'server socket udp' 'server bind 200.0.0.2 5000' 'client socket udp' \
    'client sendto 200.0.0.2 5000 "hello"' 'server recvfrom' 'client close' 'server close'
done >"$tmp/many.script"
chmod 644 "$tmp/one.script" "$tmp/many.script"
n=$((cycles * 7))

# run SCRIPT: "WALL_S CPU_S" of one whole session (CPU: the children's rusage, microseconds).
run() {
  python3 - "$bin" "$1" <<'PY'
import resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN); t0 = time.monotonic()
p = subprocess.run([sys.argv[1], "--batch", "--script", sys.argv[2]], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
t1 = time.monotonic(); r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
if p.returncode:
    sys.exit("session failed (exit %d): %s" % (p.returncode, p.stderr.decode(errors="replace").splitlines()[:1]))
print("%.6f %.6f" % (t1 - t0, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)))
PY
}

machine
echo "batch: $n networked commands ($cycles cycles of socket, bind, socket, sendto, recvfrom, close, close) against 1, $runs runs alternating"
walls=() cpus=() starts=()
for ((r = 1; r <= runs; r++)); do
  read -r w1 c1 < <(run "$tmp/one.script") || exit 1
  read -r wn cn < <(run "$tmp/many.script") || exit 1
  w=$(awk -v a="$wn" -v b="$w1" -v n="$n" 'BEGIN { printf "%.2f", (a - b) * 1000 / (n - 1) }')
  c=$(awk -v a="$cn" -v b="$c1" -v n="$n" 'BEGIN { printf "%.3f", (a - b) * 1000 / (n - 1) }')
  walls+=("$w") cpus+=("$c") starts+=("$(awk -v a="$w1" 'BEGIN { printf "%.0f", a * 1000 }')")
  printf 'run %d: 1 command %.3f s wall, %.3f s CPU; %d commands %.3f s wall, %.3f s CPU: %s ms wall, %s ms CPU per command\n' \
    "$r" "$w1" "$c1" "$n" "$wn" "$cn" "$w" "$c"
done
echo "batch: median per networked command: $(median "${walls[@]}") ms wall (goal <= 15 ms), $(median "${cpus[@]}") ms CPU"
# Start-up: more runs of the one-line script alone.
for ((r = 1; r <= runs; r++)); do
  read -r w1 _ < <(run "$tmp/one.script") || exit 1
  starts+=("$(awk -v a="$w1" 'BEGIN { printf "%.0f", a * 1000 }')")
done
echo "start-up: one-line lab script ('server socket udp', set-up to tear-down), median of ${#starts[@]} runs:" \
  "$(median "${starts[@]}") ms wall (goal <= 80 ms; each: ${starts[*]})"
