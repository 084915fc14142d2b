#!/usr/bin/env bash
# Benchmark: the wire's relay against its peer, in the same run. Each round
# floods COUNT UDP datagrams of 8 bytes (A) across a plain veth pair between
# two namespaces that bench/veth.sh builds, sent by bench/udpflood.c, then (B)
# through sockstep's lab by `client flood COUNT udp 200.0.0.2 5000`, to a
# bound server port that never reads, alternating A and B for RUNS rounds.
# Prints frames per second of each, the frames lost, their medians and the
# ratio relay / veth, and sockstep's peak memory (flat: COUNT should not
# change it; try 1000000). A benchmark: it prints figures and judges nothing.
#   relay.sh SOCKSTEP UDPFLOOD [COUNT] [RUNS]
# sockstep's rate is its relayed frames / (session time - the same session
# with a 1-datagram flood), so the lab's set-up and tear-down are not counted;
# the veth pair's is its frames / the sender's loop time (bench/veth.sh).
set -u
export LC_ALL=C
here=$(dirname "$0")
. "$here/lib.sh"
bin=$1 flood=$2 count=${3:-100000} runs=${4:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
now() { echo "${EPOCHREALTIME/[.,]/}"; }
script() {
  printf '%s\n' 'server socket udp' 'server bind 200.0.0.2 5000' \
    'client socket udp' "client flood $1 udp 200.0.0.2 5000" 'wire status' >"$tmp/flood-$1.script"
  chmod 644 "$tmp/flood-$1.script"
}
script 1; script "$count"
# A session; its peak resident memory (GNU time's %M, kB) in $tmp/rss.
session() {
  /usr/bin/time -f %M -o "$tmp/rss" "$bin" --batch --wait 10s --script "$tmp/flood-$1.script" >"$tmp/out" 2>"$tmp/err"
}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time) for the peak memory"; exit 2; }

machine
echo "relay: $count datagrams of 8 bytes per flood, $runs rounds, A (veth pair) and B (sockstep) alternating"
# Baseline: the lab's set-up and tear-down (best of 3).
base=
for _ in 1 2 3; do
  s=$(now); session 1 || { echo "baseline session failed: $(head -n1 "$tmp/err")"; exit 1; }; e=$(now)
  d=$((e - s)); if [ -z "$base" ] || [ "$d" -lt "$base" ]; then base=$d; fi
done
echo "lab set-up and tear-down: $((base / 1000)) ms; peak resident memory of a 1-datagram session $(cat "$tmp/rss") kB"

fail=0 vrates=() rrates=() ratios=()
for ((r = 1; r <= runs; r++)); do
  # A: the plain veth pair.
  v=$("$here/veth.sh" "$flood" "$count")
  vrate=$(echo "$v" | sed -n 's/.* \([0-9]*\) frames\/s .*/\1/p')
  echo "round $r A: $v"
  [ -n "$vrate" ] && vrates+=("$vrate") || fail=1
  # B: sockstep's relay.
  s=$(now); session "$count"; rc=$?; e=$(now)
  st=$(sed -n 's/^  wire    policy [A-Z]*; //p' "$tmp/out" | tail -n1)
  sent=$(sed -n 's/.*flood: \([0-9]*\) datagrams sent.*/\1/p' "$tmp/out" | tail -n1)
  if [ "$rc" != 0 ] || [ -z "$st" ]; then
    echo "round $r B: session failed (exit $rc): $(head -n1 "$tmp/err")"; fail=1; continue
  fi
  # "100002 frames: 100002 relayed, 0 held (0 waiting), 0 released, 0 delayed, 0 dropped, 0 lost; 0 missed by the capture"
  read -r seen relayed lost missed < <(echo "$st" | awk '{ for (i = 1; i <= NF; i++) {
      if ($(i+1) == "frames:") s = $i; if ($(i+1) ~ /^relayed/) r = $i
      if ($(i+1) ~ /^lost/) l = $i; if ($(i+1) == "missed") m = $i } print s, r, l, m }')
  us=$((e - s - base)); [ "$us" -gt 0 ] || us=1
  rrate=$(awk -v rel="$relayed" -v us="$us" 'BEGIN { printf "%.0f", rel / (us / 1e6) }')
  rrates+=("$rrate")
  [ -n "$vrate" ] && ratios+=("$(awk -v a="$rrate" -v b="$vrate" 'BEGIN { printf "%.2f", a / b }')")
  printf 'round %d B: sockstep: %s datagrams sent; wire saw %d frames, relayed %d, lost %d, missed by the capture %d; flood %.3f s (session %.3f s): %s frames/s; peak memory %s kB\n' \
    "$r" "${sent:-?}" "$seen" "$relayed" "$lost" "$missed" "$(awk -v u="$us" 'BEGIN { print u / 1e6 }')" \
    "$(awk -v u=$((e - s)) 'BEGIN { print u / 1e6 }')" "$rrate" "$(cat "$tmp/rss")"
done
mv=$(median "${vrates[@]}") mr=$(median "${rrates[@]}")
echo "relay: median of $runs rounds: veth pair $mv frames/s, sockstep $mr frames/s;" \
  "ratio of the medians $(awk -v a="$mr" -v b="$mv" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" \
  "(per round: ${ratios[*]}; median $(median "${ratios[@]}")); goal >= 0.75"
exit $fail
