#!/usr/bin/env bash
# Benchmark: list a 1,000,000-frame capture with `sockstep --read` and with
# `tcpdump -nr`, best of 3 each, to /dev/null and to a pipe; frames/s and ratio.
#   decode.sh SOCKSTEP GEN_PCAP [FRAMES]
# GEN_PCAP is bench/gen_pcap (the project's generator; nothing is downloaded).
set -u
export LC_ALL=C
bin=$1 gen=$2 n=${3:-1000000} runs=3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-bench.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
pcap=$tmp/lab-$n.pcap

now() { echo "${EPOCHREALTIME/[.,]/}"; } # microseconds (bash >= 5)
t0=$(now)
"$gen" -n "$n" "$pcap" || { echo "gen_pcap failed"; exit 1; }
chmod 644 "$pcap"
t1=$(now)
echo "capture: $n frames, $(($(stat -c %s "$pcap") / 1048576)) MiB, generated in $(((t1 - t0) / 1000)) ms"
cat "$pcap" >/dev/null # warm the page cache: measure decoding, not the disk

# best COMMAND...: the fastest of $runs runs in microseconds, in $best
best() {
  local i s e d
  best=
  for ((i = 0; i < runs; i++)); do
    s=$(now); "$@"; e=$(now); d=$((e - s))
    if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
  done
}
fps() { awk -v n="$n" -v us="$1" 'BEGIN { printf "%.0f", n / (us / 1e6) }'; }
report() { printf '%-34s best %8.3f s  %10s frames/s\n' "$1" "$(awk -v us="$2" 'BEGIN { print us / 1e6 }')" "$(fps "$2")"; }

ss_null() { "$bin" --read "$pcap" >/dev/null; }
ss_pipe() { "$bin" --read "$pcap" | cat >/dev/null; }
td_null() { tcpdump -nr "$pcap" >/dev/null 2>&1; }
td_pipe() { tcpdump -nr "$pcap" 2>/dev/null | cat >/dev/null; }

lines=$("$bin" --read "$pcap" | wc -l)
[ "$lines" = "$n" ] || { echo "sockstep --read listed $lines frames, expected $n"; exit 1; }

best ss_null; ss1=$best; report "sockstep --read > /dev/null" "$ss1"
best ss_pipe; ss2=$best; report "sockstep --read | cat" "$ss2"
if command -v tcpdump >/dev/null; then
  tl=$(tcpdump -nr "$pcap" 2>/dev/null | wc -l)
  # tcpdump guesses protocols from ports (UDP 4789 as VXLAN) and may print
  # a frame on several lines; the work is still one pass over every frame.
  [ "$tl" = "$n" ] || echo "note: tcpdump printed $tl lines for $n frames (some frames over several lines)"
  best td_null; td1=$best; report "tcpdump -nr > /dev/null" "$td1"
  best td_pipe; td2=$best; report "tcpdump -nr | cat" "$td2"
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
  echo "ratio sockstep/tcpdump (frames/s): $(ratio "$ss1" "$td1") to /dev/null, $(ratio "$ss2" "$td2") to a pipe (>1: sockstep faster)"
else
  echo "tcpdump not installed: no comparison"
fi
