#!/usr/bin/env bash
# `sockstep --read` on bad and odd captures, --client-ip/--server-ip checking,
# a lab with custom addresses, and nothing left behind on the host.
#   capture.sh SOCKSTEP
# Every bad input must give exactly one line on stderr ("sockstep: ...") and a
# non-zero exit status, never a crash. Run as root, the lab checks also run as
# uid 65534. Pure bash; the pcaps are written by hand with printf.
set -u
export LC_ALL=C
bin=$1
. "$(dirname "$0")/lib.sh"
# Run as root, sockstep may write files as the user it maps itself to.
chmod 1777 "$tmp"

nobody=()
if [ "$(id -u)" = 0 ] && need setpriv util-linux; then nobody=("${NOBODY[@]}"); fi

# ---- pcap files by hand ---------------------------------------------------
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) \
  $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
# Global header, little-endian, microseconds, version 2.4, snaplen 262144.
ghdr() { printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00'
  printf "$(le32 "$1")"; }
# rec SECONDS CAPLEN WIRELEN "hex bytes ..."
rec() { local hx="" b; for b in $4; do hx+="\\x$b"; done
  printf "$(le32 "$1")$(le32 0)$(le32 "$2")$(le32 "$3")$hx"; }
ETH="02 00 00 00 00 02 02 00 00 00 00 01 08 00"
IPH="64 00 00 01 c8 00 00 02" # 100.0.0.1 -> 200.0.0.2
{
  ghdr 1
  # 1: a good ARP request (42 bytes)
  rec 0 42 42 "ff ff ff ff ff ff 02 00 00 00 00 01 08 06 00 01 08 00 06 04 00 01 02 00 00 00 00 01 64 00 00 01 00 00 00 00 00 00 c8 00 00 02"
  # 2: a SYN cut by the snap length: 40 of 74 bytes (TCP header cut)
  rec 1 40 74 "$ETH 45 00 00 3c 00 01 40 00 40 06 00 00 $IPH 23 28 00 50 00 00"
  # 3: IPv4 total length 20 < IHL 24 (options claimed, length contradicts)
  rec 2 54 54 "$ETH 46 00 00 14 00 01 40 00 40 06 00 00 $IPH 01 01 01 01 23 28 00 50 00 00 00 01 00 00 00 00 50 02 fa f0"
  # 4: IPv4 header length 12 (IHL 3)
  rec 3 34 34 "$ETH 43 00 00 14 00 01 40 00 40 06 00 00 $IPH"
  # 5: UDP length 4 (< 8)
  rec 4 42 42 "$ETH 45 00 00 1c 00 01 40 00 40 11 00 00 $IPH 23 29 13 88 00 04 00 00"
  # 6: TCP data offset 2 (< 5 words)
  rec 5 54 54 "$ETH 45 00 00 28 00 01 40 00 40 06 00 00 $IPH 23 28 00 50 00 00 00 01 00 00 00 00 20 02 fa f0 00 00 00 00"
  # 7: an Ethernet header cut: 10 of 60 bytes
  rec 6 10 60 "02 00 00 00 00 02 02 00 00 00"
  # 8: a good UDP datagram "hola"
  rec 7 46 46 "$ETH 45 00 00 20 00 02 40 00 40 11 00 00 $IPH 23 29 13 88 00 0c 00 00 68 6f 6c 61"
} >"$tmp/odd.pcap"

# Cut in the middle of record 3's bytes (header 24 + rec1 58 + rec2 56 + 16 + 20).
head -c $((24 + 58 + 56 + 16 + 20)) "$tmp/odd.pcap" >"$tmp/cut-data.pcap"
# Cut in the middle of record 3's 16-byte record header.
head -c $((24 + 58 + 56 + 7)) "$tmp/odd.pcap" >"$tmp/cut-hdr.pcap"
# Link type 113 (Linux cooked capture), one record.
{ ghdr 113; rec 0 20 20 "00 00 00 01 00 06 02 00 00 00 00 01 00 00 08 00 45 00 00 14"; } >"$tmp/sll.pcap"
: >"$tmp/empty.pcap"
printf 'this is not a capture\nline 2\n' >"$tmp/text.pcap"
mkdir "$tmp/dir.pcap"
printf '\xd4\xc3\xb2' >"$tmp/short-hdr.pcap"
chmod 644 "$tmp"/*.pcap 2>/dev/null; chmod 755 "$tmp/dir.pcap"

# bad_read NAME FILE WHAT-IN-MESSAGE [EXPECTED-STDOUT-LINES]
bad_read() {
  local name=$1 file=$2 what=$3 lines=${4:-0}
  "$bin" --read "$file" >"$tmp/o" 2>"$tmp/e"
  local rc=$? nerr nout
  nerr=$(wc -l <"$tmp/e"); nout=$(wc -l <"$tmp/o")
  if [ "$rc" -ge 128 ]; then bad "$name: killed by signal $((rc - 128))"; return; fi
  if [ "$rc" = 0 ]; then bad "$name: exit 0, expected an error"; return; fi
  if [ "$nerr" != 1 ]; then bad "$name: $nerr lines on stderr, expected 1:" "$tmp/e"; return; fi
  if ! grep -q "^sockstep: .*$what" "$tmp/e"; then bad "$name: stderr lacks \"$what\": $(cat "$tmp/e")"; return; fi
  if [ "$nout" != "$lines" ]; then bad "$name: $nout frames listed, expected $lines"; return; fi
  ok "$name: exit $rc, $nout frames, \"$(cat "$tmp/e")\""
}

bad_read "missing file" "$tmp/nonexistent.pcap" "No such file"
bad_read "empty file" "$tmp/empty.pcap" "expected a pcap"
bad_read "file shorter than a header" "$tmp/short-hdr.pcap" "expected a pcap"
bad_read "text file" "$tmp/text.pcap" "expected a pcap"
bad_read "directory" "$tmp/dir.pcap" "directory"
bad_read "link type 113" "$tmp/sll.pcap" "link type .*expected Ethernet"
bad_read "cut inside a record's data" "$tmp/cut-data.pcap" "damaged after frame 2" 2
bad_read "cut inside a record header" "$tmp/cut-hdr.pcap" "damaged after frame 2" 2
if [ ${#nobody[@]} -gt 0 ]; then
  cp "$tmp/odd.pcap" "$tmp/secret.pcap"; chmod 600 "$tmp/secret.pcap"
  "${nobody[@]}" "$bin" --read "$tmp/secret.pcap" >"$tmp/o" 2>"$tmp/e"; rc=$?
  if [ "$rc" != 0 ] && [ "$rc" -lt 128 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && grep -q 'Permission denied' "$tmp/e"
  then ok "unreadable file (uid 65534): \"$(cat "$tmp/e")\""
  else bad "unreadable file (uid 65534): exit $rc, stderr: $(cat "$tmp/e")"; fi
fi

# The frames before the cut are listed as in the whole file.
"$bin" --read "$tmp/odd.pcap" >"$tmp/odd.out" 2>"$tmp/odd.err"; rc=$?
"$bin" --read "$tmp/cut-data.pcap" >"$tmp/cut.out" 2>/dev/null
if head -n 2 "$tmp/odd.out" | cmp -s - "$tmp/cut.out"; then ok "cut capture: frames before the cut listed as in the whole file"
else bad "cut capture: frames before the cut differ:"; diff "$tmp/cut.out" <(head -n 2 "$tmp/odd.out") | sed 's/^/       /'; fi

# ---- problems inside frames are shown, not fatal -------------------------
if [ "$rc" = 0 ] && [ ! -s "$tmp/odd.err" ] && [ "$(wc -l <"$tmp/odd.out")" = 8 ]; then
  ok "odd frames: exit 0, 8 frames listed"
else bad "odd frames: exit $rc, $(wc -l <"$tmp/odd.out") frames, stderr: $(cat "$tmp/odd.err")"; fi
# expect_line N PATTERN (an extended regex on frame N's summary)
expect_line() {
  local line
  line=$(awk -v n="$1" '$1 == n' "$tmp/odd.out")
  if printf '%s\n' "$line" | grep -Eq -- "$2"; then ok "frame $1: $(printf '%s' "$line" | cut -c17-)"
  else bad "frame $1: \"$line\" does not match /$2/"; fi
}
expect_line 1 'ARP who has 200\.0\.0\.2\? tell 100\.0\.0\.1$'
expect_line 2 'TCP 100\.0\.0\.1:9000 .* 200\.0\.0\.2:80 .*\[truncated\]$'
expect_line 3 '\[(bad length|malformed)'
expect_line 4 'IPv4 .*\[malformed: .*IHL'
expect_line 5 'UDP 100\.0\.0\.1:9001 .* 200\.0\.0\.2:5000 .*\[bad length\]'
expect_line 6 'TCP .*\[malformed: TCP data offset'
expect_line 7 '^ *7 [0-9.]+ ETH \[truncated\]$'
expect_line 8 'UDP 100\.0\.0\.1:9001 .* 200\.0\.0\.2:5000 len=4$'
if need editcap wireshark-common; then
  # The same capture as pcapng lists the same frames.
  editcap -F pcapng "$tmp/odd.pcap" "$tmp/odd.pcapng" 2>/dev/null
  if "$bin" --read "$tmp/odd.pcapng" 2>&1 | cmp -s - "$tmp/odd.out"; then ok "pcapng: the same listing"
  else bad "pcapng listing differs"; fi
fi

# ---- --client-ip / --server-ip ---------------------------------------------
badip() {
  local rc n
  "$bin" --batch "$@" </dev/null >"$tmp/o" 2>"$tmp/e"; rc=$?
  n=$(wc -l <"$tmp/e")
  if [ "$rc" = 2 ] && [ "$n" = 1 ] && grep -q '^sockstep: .*expected' "$tmp/e"; then ok "$*: \"$(cat "$tmp/e")\""
  else bad "$*: exit $rc (expected 2), $n lines on stderr (expected 1): $(cat "$tmp/e")"; fi
}
badip --client-ip 300.1.2.3
badip --client-ip 1.2.3
badip --client-ip 0.0.0.0
badip --server-ip 127.0.0.1
badip --client-ip 10.1.1.1 --server-ip 10.1.1.1
badip --client-ip 100.0.0.1 --server-ip 100.0.0.1
badip --server-ip 100.0.0.1
badip --server-ip 224.0.0.1
badip --client-ip 255.255.255.255
badip --client-ip ""
badip --server-ip 10.2.2.2x

# ---- a lab with custom addresses; nothing left behind -----------------------
cat >"$tmp/custom.script" <<'EOF'
# The lab with --client-ip 10.1.1.1 --server-ip 10.2.2.2
server socket tcp
server bind 10.2.2.2 80
server listen 5
server accept
client socket tcp
client bind 10.1.1.1 9000
client connect 10.2.2.2 80
expect client state ESTABLISHED
expect client result 0
expect server state ESTABLISHED
expect server remote 10.1.1.1 9000
expect wire saw "ARP who has 10.2.2.2? tell 10.1.1.1"
expect wire saw "TCP 10.1.1.1:9000 → 10.2.2.2:80 [SYN] seq=0"
client send "hola"
server recv
expect server data "hola"
client close
server close
server close
EOF
chmod 644 "$tmp/custom.script"
links() { if command -v ip >/dev/null; then ip -o link show | awk -F': ' '{ print $2 }' | sort
          else ls /sys/class/net | sort; fi; }
links >"$tmp/links.before"
lab() {
  local who=$1; shift
  "$@" "$bin" --batch --wait 300ms --client-ip 10.1.1.1 --server-ip 10.2.2.2 \
    --script "$tmp/custom.script" --write "$tmp/custom-$who.pcap" >"$tmp/lab.out" 2>"$tmp/lab.err"
  local rc=$?
  if [ "$rc" = 0 ] && grep -q 'expect client state ESTABLISHED: ok' "$tmp/lab.out" &&
     ! grep -q 'FAIL\|failed' "$tmp/lab.out"; then
    ok "lab with --client-ip 10.1.1.1 --server-ip 10.2.2.2 ($who): connect completed"
  else
    bad "lab with custom addresses ($who): exit $rc: $(head -n 3 "$tmp/lab.err")"
    grep -i 'fail' "$tmp/lab.out" | head -n 5 | sed 's/^/       /'
  fi
  if "$bin" --read "$tmp/custom-$who.pcap" 2>/dev/null | grep -q '10\.2\.2\.2:80 .* 10\.1\.1\.1:9000 \[SYN, ACK\]'; then
    ok "lab with custom addresses ($who): the capture shows the SYN-ACK from 10.2.2.2"
  else bad "lab with custom addresses ($who): no SYN-ACK from 10.2.2.2 in the capture"; fi
}
lab "uid $(id -u)"
[ ${#nobody[@]} -gt 0 ] && lab "uid 65534" "${nobody[@]}"
links >"$tmp/links.after"
if cmp -s "$tmp/links.before" "$tmp/links.after"; then
  ok "host links unchanged after the lab runs ($(wc -l <"$tmp/links.after") links)"
else
  bad "host links changed:"; diff "$tmp/links.before" "$tmp/links.after" | sed 's/^/       /'
fi

finish
