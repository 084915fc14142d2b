#!/usr/bin/env bash
# Benchmark: list captures with `sockstep --read` (A) and `tcpdump -nr` (B),
# A and B alternating run by run (the machine's load drifts: both see it),
# medians and spread (min-max) of frames/s, to /dev/null. Two captures:
#   - generated: FRAMES frames from bench/gen_pcap (the project's generator);
#   - real: mixed IPv4/IPv6 TCP, UDP, ICMP made here on loopback (127.0.0.1,
#     ::1 only) by a small python3 generator while tcpdump -i lo records it
#     (needs root and python3; else skipped, and said), then replicated
#     (records appended again) to at least 200,000 frames.
# tshark, if installed, is timed once per capture and printed, not judged.
#   decode.sh SOCKSTEP GEN_PCAP [FRAMES] [RUNS]
set -u
export LC_ALL=C
# TZ=UTC for tcpdump AND sockstep: with TZ unset, glibc's localtime() (which
# tcpdump calls for every packet's time stamp) stats /etc/localtime each
# time: 100,048 stat calls per 100k frames, half of tcpdump's CPU. That
# measures the time-zone lookup, not decoding (the old "7.2x" was mostly it).
export TZ=UTC
bin=$1 gen=$2 n=${3:-1000000} runs=${4:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstep-bench.XXXXXX")
tdpid=
trap '[ -n "$tdpid" ] && kill "$tdpid" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

now() { echo "${EPOCHREALTIME/[.,]/}"; } # microseconds (bash >= 5)
# usec COMMAND...: wall time of one run in $us
usec() { local s e; s=$(now); "$@"; e=$(now); us=$((e - s)); }
# stats FRAMES US...: "median M frames/s (min-max)"
stats() {
  local f=$1; shift
  printf '%s\n' "$@" | sort -rn | awk -v f="$f" '{ r[NR] = f / ($1 / 1e6) } END {
    n = NR; m = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
    printf "median %9.0f frames/s (%.0f-%.0f)", m, r[1], r[n] }'
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# bench NAME PCAP FRAMES: A and B alternating, $runs each
bench() {
  local name=$1 pcap=$2 f=$3 i a=() b=() lines
  cat "$pcap" >/dev/null # warm the page cache: measure decoding, not the disk
  lines=$("$bin" --read "$pcap" | wc -l)
  [ "$lines" = "$f" ] || { echo "$name: sockstep --read listed $lines frames, expected $f"; return 1; }
  echo "$name capture: $f frames, $(($(stat -c %s "$pcap") / 1048576)) MiB"
  if ! command -v tcpdump >/dev/null; then
    usec "$bin" --read "$pcap" >/dev/null
    echo "  sockstep --read: $(stats "$f" "$us"); tcpdump not installed: no comparison"
    return 0
  fi
  for ((i = 0; i < runs; i++)); do
    usec "$bin" --read "$pcap" >/dev/null; a+=("$us")
    usec tcpdump -nr "$pcap" >/dev/null 2>&1; b+=("$us")
  done
  printf '  %-16s %s\n' "sockstep --read" "$(stats "$f" "${a[@]}")" "tcpdump -nr" "$(stats "$f" "${b[@]}")"
  local ma mb rs=() j
  for ((j = 0; j < runs; j++)); do rs+=("$(awk -v a="${a[j]}" -v b="${b[j]}" 'BEGIN { printf "%.3f", b / a }')"); done
  ma=$(median "${a[@]}") mb=$(median "${b[@]}")
  echo "  ratio sockstep/tcpdump (TZ=UTC, frames/s): $(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.2f", b / a }')x" \
       "of the medians; per pair $(printf '%s\n' "${rs[@]}" | sort -n | sed -n '1p;$p' | paste -sd-)x"
  if command -v tshark >/dev/null; then
    usec tshark -n -r "$pcap" >/dev/null 2>&1
    echo "  tshark -n -r (one run, not judged): $(stats "$f" "$us")"
  fi
}

gpcap=$tmp/gen-$n.pcap
"$gen" -n "$n" "$gpcap" || { echo "gen_pcap failed"; exit 1; }
chmod 644 "$gpcap"
bench generated "$gpcap" "$n" || exit 1

# The real capture: loopback only. Each round: a TCP exchange (connect,
# requests, replies of growing size, close), UDP datagrams and some to a
# closed port (the kernel answers ICMP port unreachable), ICMP echo, each
# over IPv4 and IPv6.
cat >"$tmp/traffic.py" <<'PY'
import socket, sys
n = int(sys.argv[1])
def tcp(fam, addr):
    ls = socket.socket(fam, socket.SOCK_STREAM); ls.bind((addr, 0)); ls.listen(8)
    c = socket.socket(fam, socket.SOCK_STREAM); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.connect(ls.getsockname()[:2]); s, _ = ls.accept(); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(n):
        c.send(b"GET /%d HTTP/1.1\r\n\r\n" % i); s.recv(4096)
        s.send(b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * (i % 1400)); c.recv(4096)
    c.close(); s.close(); ls.close()
def udp(fam, addr):
    a = socket.socket(fam, socket.SOCK_DGRAM); a.bind((addr, 0))
    b = socket.socket(fam, socket.SOCK_DGRAM); b.bind((addr, 0))
    closed = socket.socket(fam, socket.SOCK_DGRAM); closed.bind((addr, 0)); dead = closed.getsockname(); closed.close()
    d = socket.socket(fam, socket.SOCK_DGRAM); d.settimeout(1); d.connect(dead[:2])  # connected: the error reaches it
    for i in range(n):
        a.sendto(b"ping %d" % i, b.getsockname()); b.recvfrom(2048)
        if i % 8 == 0:
            d.send(b"nobody")
            try: d.recv(64)
            except OSError: pass
def csum(b):
    s = sum(b[i] << 8 | b[i + 1] for i in range(0, len(b), 2))
    s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def icmp(fam, addr, proto, req):
    s = socket.socket(fam, socket.SOCK_RAW, proto)  # raw: root (the capture needs it too)
    s.settimeout(1)
    for i in range(n // 4):
        m = bytearray([req, 0, 0, 0, 0x12, 0x34, i >> 8 & 255, i & 255]) + b"abcdefgh"
        if fam == socket.AF_INET:  # IPv6: the kernel fills in the checksum
            c = csum(m); m[2], m[3] = c >> 8, c & 255
        s.sendto(bytes(m), (addr, 0))
        try: s.recv(2048)
        except OSError: pass
for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    tcp(fam, addr); udp(fam, addr)
icmp(socket.AF_INET, "127.0.0.1", socket.IPPROTO_ICMP, 8)
icmp(socket.AF_INET6, "::1", socket.IPPROTO_ICMPV6, 128)
PY

if [ "$(id -u)" != 0 ] || ! command -v tcpdump >/dev/null || ! command -v python3 >/dev/null; then
  echo "real capture: skipped (needs root, tcpdump and python3 to record loopback)"
  exit 0
fi
one=$tmp/lo-once.pcap rpcap=$tmp/lo-mixed.pcap
tcpdump -i lo -U -w "$one" 2>"$tmp/td.log" & tdpid=$!
# wait until tcpdump listens (it says so on stderr), not a guessed delay
for ((i = 0; i < 200; i++)); do grep -q listening "$tmp/td.log" && break; sleep 0.05; done
timeout 120 python3 "$tmp/traffic.py" 5000 || echo "note: the traffic generator failed; timing what was recorded"
sleep 0.2 # the last replies' frames
kill -INT "$tdpid"; wait "$tdpid"; tdpid=
chmod 644 "$one"
f1=$("$bin" --read "$one" | wc -l)
[ "$f1" -gt 0 ] || { echo "real capture: nothing recorded on lo"; exit 1; }
# Replicate: the file's records appended again after its 24-byte header (a
# classic pcap, as tcpdump -w writes); times restart, which both tools list.
cp "$one" "$rpcap"
for ((k = f1; k < 200000; k += f1)); do tail -c +25 "$one" >>"$rpcap"; done
chmod 644 "$rpcap"
bench "real mixed (loopback: $f1 frames recorded, replicated)" "$rpcap" "$k"
