#!/usr/bin/env bash
# sockstep's decoder against Wireshark's: run lab sessions with --write, then
# read each capture with tshark and with `sockstep --read` and compare them
# frame by frame: addresses, ports, TCP flags, relative seq/ack, payload length,
# ARP opcode, ICMP type/code (and the ports of the datagram an ICMP error quotes).
#   tshark.sh SOCKSTEP GOLDEN_DIR [--as-nobody] [EXTRA.pcap ...]
# --as-nobody runs the lab sessions as uid 65534 (when run as root).
# EXTRA pcaps (e.g. one from bench/gen_pcap) are compared as well.
# SKIP (77) when tshark is not installed, FAIL in CI. Pure bash + POSIX awk (mawk is enough).
set -u
export LC_ALL=C
bin=$1 golden=$2; shift 2
mode=
if [ "${1:-}" = --as-nobody ]; then mode=$1; shift; fi

. "$(dirname "$0")/lib.sh"
need tshark tshark || finish
# Run as root, sockstep writes the capture as the unprivileged user it maps
# itself to (SUDO_UID, else nobody): the directory must let that user create files.
chmod 1777 "$tmp"
set_runner "$mode"

# A UDP exchange both ways, a small flood, a datagram nobody receives (ICMP),
# and two TCP connections from kernel-chosen ports (two flows at once).
cat >"$tmp/lab-udp.script" <<'EOF'
# sockstep-options: --wait 200ms
server socket udp
server bind 200.0.0.2 5000
client socket udp
client bind 100.0.0.1 9001
client sendto 200.0.0.2 5000 "hola"
server recvfrom
server sendto 100.0.0.1 9001 "adios, amigo"
client recvfrom
client flood 20 udp 200.0.0.2 5000
client sendto 200.0.0.2 5001 "anyone?"
server socket tcp
server bind 200.0.0.2 80
server listen 5
client socket tcp
client connect 200.0.0.2 80
client send "GET / HTTP/1.0"
client socket tcp
client connect 200.0.0.2 80
client send "second connection"
server accept
server accept
server recv
server send "HTTP/1.0 200 OK"
client close
client close
server close
server close
EOF

# Normalise `sockstep --read` lines to:
#   num kind src dst sport dport flags seq ack len icmp problems
norm_sockstep() {
  awk -v OFS='\t' '
  function hp(x,   i, c) { # "a:p" or "[a]:p" -> H, P
    c = 0
    for (i = length(x); i > 0; i--) if (substr(x, i, 1) == ":") { c = i; break }
    H = substr(x, 1, c - 1); P = substr(x, c + 1)
    gsub(/[][]/, "", H)
  }
  function kv(s, k) {
    if (match(s, " " k "=[0-9]+")) return substr(s, RSTART + length(k) + 2, RLENGTH - length(k) - 2)
    return "-"
  }
  function flagbits(f,   n, a, i, v) {
    v = 0; n = split(f, a, /, /)
    for (i = 1; i <= n; i++) v += FB[a[i]]
    return v
  }
  BEGIN {
    FB["FIN"] = 1; FB["SYN"] = 2; FB["RST"] = 4; FB["PSH"] = 8
    FB["ACK"] = 16; FB["URG"] = 32; FB["ECE"] = 64; FB["CWR"] = 128
    IT["echo reply"] = 0; IT["destination unreachable"] = 3; IT["source quench"] = 4
    IT["redirect"] = 5; IT["echo request"] = 8; IT["time exceeded"] = 11
    IT["parameter problem"] = 12; IT["timestamp request"] = 13; IT["timestamp reply"] = 14
    split("net unreachable,host unreachable,protocol unreachable,port unreachable,fragmentation needed,source route failed,destination network unknown,destination host unknown,source host isolated,network administratively prohibited,host administratively prohibited,network unreachable for TOS,host unreachable for TOS,communication administratively prohibited,host precedence violation,precedence cutoff in effect", U, ",")
    for (i = 1; i <= 16; i++) UC[U[i]] = i - 1
    UC["TTL exceeded in transit"] = 0; UC["fragment reassembly time exceeded"] = 1
  }
  {
    num = $1; s = $0; sub(/^ *[0-9]+ [0-9]+\.[0-9]+ /, "", s)
    kind = $3; src = dst = sp = dp = fl = seq = ack = len = ic = "-"; pr = ""
    if (s ~ /\[truncated\]/) pr = pr "truncated,"
    if (s ~ /\[bad length\]|\[malformed/) pr = pr "malformed,"
    n = split(s, a, " ")
    if (kind == "ARP") {
      if (s ~ /^ARP who has /) { dst = a[4]; sub(/\?$/, "", dst); src = a[6]; ic = "op1" }
      else if (s ~ / is at /) { src = a[2]; ic = "op2" }
      else kind = "ARP?"
    } else if (kind == "TCP" && a[3] == "\342\206\222") {
      hp(a[2]); src = H; sp = P; hp(a[4]); dst = H; dp = P
      if (match(s, / \[[A-Z, <>a-z]*\]/)) fl = flagbits(substr(s, RSTART + 2, RLENGTH - 3))
      seq = kv(s, "seq"); len = kv(s, "len")
      ack = (fl != "-" && int(fl / 16) % 2) ? kv(s, "ack") : "-"
    } else if (kind == "UDP" && a[3] == "\342\206\222") {
      hp(a[2]); src = H; sp = P; hp(a[4]); dst = H; dp = P; len = kv(s, "len")
    } else if (kind == "ICMP") {
      src = a[2]; dst = a[4]; t = "?"; c = "?"
      if (s ~ / type [0-9]+ code [0-9]+/) { t = a[6]; c = a[8] }
      else for (name in IT) if (index(s, " " dst " " name) ) {
        t = IT[name]; c = 0
        if (match(s, / \([^)]*\)/)) { cn = substr(s, RSTART + 2, RLENGTH - 3); if (cn in UC) c = UC[cn] }
        else if (match(s, / code [0-9]+/)) c = substr(s, RSTART + 6, RLENGTH - 6)
      }
      ic = t "/" c
      if (match(s, / for (UDP|TCP) [^ ]+ \342\206\222 [^ ]+/)) {
        split(substr(s, RSTART + 1, RLENGTH - 1), q, " "); hp(q[3]); sp = P; hp(q[5]); dp = P
      }
    } else kind = "OTHER:" a[1]
    print num, kind, src, dst, sp, dp, fl, seq, ack, len, ic, (pr == "" ? "-" : pr)
  }'
}

# The same from tshark -T fields (first occurrence of each field, so for an
# ICMP error the outer IP addresses and the quoted datagram's ports).
tshark_fields() {
  tshark -n -o tcp.relative_sequence_numbers:TRUE -o tcp.analyze_sequence_numbers:TRUE \
    -r "$1" -T fields -E separator=/t -E occurrence=f \
    -e frame.number -e eth.type -e ip.proto -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
    -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport -e tcp.flags \
    -e tcp.seq -e tcp.ack -e tcp.len -e udp.length -e arp.opcode \
    -e arp.src.proto_ipv4 -e arp.dst.proto_ipv4 -e icmp.type -e icmp.code \
    -e _ws.expert.message -e _ws.malformed -e frame.protocols 2>/dev/null
}
norm_tshark() {
  awk -F '\t' -v OFS='\t' '
  function hex(x,   i, v) {
    sub(/^0x/, "", x); v = 0; x = tolower(x)
    for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
    return v
  }
  function d(x) { return x == "" ? "-" : x }
  {
    num = $1; src = dst = sp = dp = fl = seq = ack = len = ic = "-"; pr = "-"
    ip_src = ($4 != "") ? $4 : $6; ip_dst = ($5 != "") ? $5 : $7
    if ($2 == "0x0806") {
      kind = "ARP"; src = d($18)
      if ($17 == "1") { dst = d($19); ic = "op1" } else if ($17 == "2") ic = "op2"; else kind = "ARP?"
    } else if ($3 == "6" && $8 != "") {
      kind = "TCP"; src = ip_src; dst = ip_dst; sp = $8; dp = $9
      fl = hex($12) % 256; seq = d($13); len = d($15)
      ack = (int(fl / 16) % 2) ? d($14) : "-"
    } else if ($3 == "17" && $10 != "") {
      kind = "UDP"; src = ip_src; dst = ip_dst; sp = $10; dp = $11
      len = ($16 == "") ? "-" : $16 - 8
    } else if ($3 == "1") {
      kind = "ICMP"; src = ip_src; dst = ip_dst; ic = d($20) "/" d($21)
      if ($10 != "") { sp = $10; dp = $11 } else if ($8 != "") { sp = $8; dp = $9 }
    } else kind = "OTHER"
    # A problem counts only below the application: Wireshark guesses protocols
    # from ports (UDP 5000 is "TAPA") and calls their payload malformed.
    app = $24; if (!sub(/^.*:(tcp|udp|icmp):/, "", app)) app = ""
    if (($22 ~ /[Mm]alformed|[Tt]runcated|[Bb]ogus/ || $23 != "") && (app == "" || app == "data"))
      pr = "malformed?"
    print num, kind, src, dst, sp, dp, fl, seq, ack, len, ic, pr
  }'
}

# compare NAME PCAP
compare() {
  local name=$1 pcap=$2
  if ! tshark_fields "$pcap" >"$tmp/$name.ts"; then bad "$name: tshark cannot read $pcap"; return; fi
  ok "$name: tshark reads the capture"
  if ! "$bin" --read "$pcap" >"$tmp/$name.ss" 2>"$tmp/$name.sserr"; then
    bad "$name: sockstep --read failed: $(head -n1 "$tmp/$name.sserr")"; return
  fi
  local nt ns
  nt=$(wc -l <"$tmp/$name.ts"); ns=$(wc -l <"$tmp/$name.ss")
  if [ "$nt" = "$ns" ] && [ "$nt" -gt 0 ]; then ok "$name: $ns frames in both"
  else bad "$name: frame count: sockstep $ns, tshark $nt"; fi
  norm_tshark <"$tmp/$name.ts" >"$tmp/$name.tn"
  norm_sockstep <"$tmp/$name.ss" >"$tmp/$name.sn"
  local bad
  bad=$(awk -F '\t' -v name="$name" '
    BEGIN { split("num kind src dst sport dport tcp-flags seq ack len icmp/arp problems", F, " ") }
    NR == FNR { T[$1] = $0; next }
    {
      if (!($1 in T)) { print name " frame " $1 ": not listed by tshark"; bad++; next }
      m = split(T[$1], t, "\t"); diff = ""
      for (i = 2; i <= 12; i++) {
        if (i == 12 && ($12 == "-") == (t[12] == "-")) continue
        if (i == 12) { diff = diff " problems: sockstep=" $12 " tshark=" t[12]; continue }
        if ($i != t[i]) diff = diff " " F[i] ": sockstep=" $i " tshark=" t[i]
      }
      if (diff != "") { print name " frame " $1 ":" diff; bad++ }
    }
    END { exit bad > 0 }' "$tmp/$name.tn" "$tmp/$name.sn")
  if [ -z "$bad" ]; then ok "$name: $ns frames agree (addresses, ports, flags, seq/ack, len, ICMP, ARP)"
  else
    bad "$name: $(printf '%s\n' "$bad" | wc -l) frames differ:"
    printf '%s\n' "$bad" | head -n 40 | sed 's/^/       /'
  fi
}

for script in "$golden/lab-tcp.script" "$golden/lab-refused.script" "$golden/lab-wire.script" \
              "$tmp/lab-udp.script"; do
  name=$(basename "$script" .script)
  cp "$script" "$tmp/$name.in"; chmod 644 "$tmp/$name.in"
  opts=$(sed -n 's/^# sockstep-options: //p' "$script" | head -n1)
  # shellcheck disable=SC2086
  "${run[@]}" --batch $opts --script "$tmp/$name.in" --write "$tmp/$name.pcap" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"
  rc=$?
  if [ ! -s "$tmp/$name.pcap" ]; then
    bad "$name: no capture written (exit $rc): $(head -n1 "$tmp/$name.err")"; continue
  fi
  if [ "$rc" = 0 ]; then ok "$name: session ran (exit 0)"
  else bad "$name: session exit $rc: $(grep -m1 -i 'fail\|error' "$tmp/$name.out" "$tmp/$name.err")"; fi
  compare "$name" "$tmp/$name.pcap"
done

for extra in "$@"; do
  compare "$(basename "$extra")" "$extra"
done

finish
