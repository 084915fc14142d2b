#!/usr/bin/env bash
# Benchmark: the wire's relay. In the lab, flood COUNT UDP datagrams from the
# client to a bound server port and report the frames relayed per second and
# the frames lost (inject failures and "missed by the capture"), RUNS times.
#   relay.sh SOCKSTEP [COUNT] [RUNS]
# The rate is COUNT / (session time - the same session with a 1-datagram flood),
# so the lab's set-up and tear-down are not counted.
set -u
export LC_ALL=C
bin=$1 count=${2:-100000} runs=${3:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
now() { echo "${EPOCHREALTIME/[.,]/}"; }
script() {
  printf '%s\n' 'server socket udp' 'server bind 200.0.0.2 5000' \
    'client socket udp' "client flood $1 udp 200.0.0.2 5000" 'wire status' >"$tmp/flood-$1.script"
  chmod 644 "$tmp/flood-$1.script"
}
script 1; script "$count"
session() { "$bin" --batch --wait 10s --script "$tmp/flood-$1.script" >"$tmp/out" 2>"$tmp/err"; }

# Baseline: the lab's set-up and tear-down (best of 3).
base=
for _ in 1 2 3; do
  s=$(now); session 1 || { echo "baseline session failed: $(head -n1 "$tmp/err")"; exit 1; }; e=$(now)
  d=$((e - s)); if [ -z "$base" ] || [ "$d" -lt "$base" ]; then base=$d; fi
done
echo "lab set-up and tear-down: $((base / 1000)) ms"

fail=0
for ((r = 1; r <= runs; r++)); do
  s=$(now); session "$count"; rc=$?; e=$(now)
  st=$(sed -n 's/^  wire    policy [A-Z]*; //p' "$tmp/out" | tail -n1)
  sent=$(sed -n 's/.*flood: \([0-9]*\) datagrams sent.*/\1/p' "$tmp/out" | tail -n1)
  if [ "$rc" != 0 ] || [ -z "$st" ]; then
    echo "run $r: session failed (exit $rc): $(head -n1 "$tmp/err")"; fail=1; continue
  fi
  # "100002 frames: 100002 relayed, 0 held (0 waiting), 0 released, 0 delayed, 0 dropped, 0 lost; 0 missed by the capture"
  read -r seen relayed lost missed < <(echo "$st" | awk '{ for (i = 1; i <= NF; i++) {
      if ($(i+1) == "frames:") s = $i; if ($(i+1) ~ /^relayed/) r = $i
      if ($(i+1) ~ /^lost/) l = $i; if ($(i+1) == "missed") m = $i } print s, r, l, m }')
  us=$((e - s - base)); [ "$us" -gt 0 ] || us=1
  awk -v r="$r" -v c="$count" -v sent="${sent:-?}" -v rel="$relayed" -v seen="$seen" -v lost="$lost" \
      -v miss="$missed" -v us="$us" -v tot=$((e - s)) 'BEGIN {
    printf "run %d: %s datagrams sent; wire saw %d frames, relayed %d, lost %d, missed by the capture %d; " \
           "flood %.3f s (session %.3f s): %.0f frames relayed/s\n",
           r, sent, seen, rel, lost, miss, us / 1e6, tot / 1e6, rel / (us / 1e6) }'
done
exit $fail
