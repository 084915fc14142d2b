#!/bin/bash
# artefacts.sh - the lecture's artefacts that are tables, as a student reads
# them: socket()'s families and types tried on this kernel (server families),
# the port's journey HOST1 / TLI 1 / TLI 2 / HOST2 (server journey) with the
# bind that forgot htons(), and ntohs/ntohl of what recvfrom() filled in
# (server sender). In batch (as root, and as uid 65534), then on screen at
# 80x24 and 100x30: each table whole at the end of its lesson step.
#   artefacts.sh SOCKSTEP      (the screen part: exit 77 without tmux)
set -u
bin=$(realpath "${1:?usage: artefacts.sh path/to/sockstep}")
. "$(dirname "$0")/lib.sh"
export SOCKSTEP_LESSONS=$src/assets/lessons
export LANG=C.UTF-8 LC_ALL=C.UTF-8
W=$'\xe2\x9a\xa0' # the warning sign of the lecture's table
le=$(printf '\1\0' | od -An -tu2 | tr -d ' ')   # 1 on a little-endian CPU

# The lines of the families table a student checks: every family the lecture
# lists named once, AF_INET and AF_UNIX giving descriptors for STREAM and
# DGRAM, the legend naming EAFNOSUPPORT by its errno.
families_ok() { # FILE (a batch output or a screen: the panes' borders are blanks here)
  local f=$tmp/fam.txt fam n
  sed 's/│/ /g; s/ *$//' "$1" >"$f"
  grep -qE '^ *FAMILY \(AF_\.\.\.\) +STREAM DGRAM SEQPACKET RAW RDM PACKET$' "$f" || return 1
  grep -qE '^ *INET +[0-9]+ +[0-9]+ ' "$f" || return 1
  grep -qE '^ *UNIX LOCAL +[0-9]+ +[0-9]+ ' "$f" || return 1
  grep -qE 'N: the descriptor \(closed at once\)' "$f" || return 1
  for fam in UNIX LOCAL INET AX25 IPX APPLETALK X25 INET6 DECnet KEY NETLINK PACKET RDS PPPOX LLC IB \
             MPLS CAN TIPC BLUETOOTH ALG VSOCK KCM XDP; do
    n=$(sed -n '/FAMILY (AF_/,/N: the descriptor/p' "$f" | grep -v FAMILY | tr -s ' │' '\n\n' | grep -cx -- "$fam")
    [ "$n" = 1 ] || { echo "family $fam named $n times"; return 1; }
  done
}

# ---- batch ------------------------------------------------------------------
for mode in '' --as-nobody; do
  set_runner $mode
  who=${mode:+uid 65534}; who=${who:-root}
  "${run[@]}" --batch --lesson byteorder >"$tmp/bo" 2>"$tmp/bo.err"
  check "$who: the byteorder lesson runs with every expectation held" \
    'grep -q "LESSON byteorder: 8 steps, 14 expectations, all held" "$tmp/bo"' || show "$tmp/bo.err"
  check "$who: byteorder: the families table, every lecture family once, INET and UNIX give descriptors" \
    'families_ok "$tmp/bo"'
  check "$who: byteorder: the program's C loop and its count of descriptors" \
    'grep -qE "server  for each family f and type t listed: s = socket\(f, t, 0\); if \(s >= 0\) close\(s\);  -> [0-9]+" "$tmp/bo"'
  check "$who: byteorder: the journey's heading is the lecture's" \
    'grep -qE "^ *HOST1 +CONVERSION +TLI 1 +TLI 2 +CONVERSION +HOST2$" "$tmp/bo"'
  check "$who: byteorder: TLI 2 of the server's port is the frame as captured, E8 03" \
    'grep -qE "server  note: TLI 2: frame #[0-9]+ as captured, bytes E8 03: TCP 200\.0\.0\.2:59395 →" "$tmp/bo"'
  if [ "$le" = 1 ]; then
    check "$who: byteorder: the server that forgot htons(): LE E8 03 leaves as E8 03, read as 59395 $W" \
      'grep -qF "LE E8 03 = 1000   none $W      E8 03  E8 03  ntohs()     LE 03 E8 = 59395 $W" "$tmp/bo"'
    check "$who: byteorder: a big-endian host (computed) gets it right without htons()" \
      'grep -qF "BE 03 E8 = 1000   none        03 E8  03 E8  ntohs()     BE 03 E8 = 1000" "$tmp/bo"'
    check "$who: byteorder: the client's correct journey: htons() 03 E8 on the wire, 1000 arrives" \
      'grep -qF "LE E8 03 = 1000   htons()     03 E8  03 E8  ntohs()     LE E8 03 = 1000" "$tmp/bo"'
    check "$who: byteorder: ntohs(59395) gives 1000 back, bytes shown" \
      'grep -qF "ntohs(59395) = 1000: the field 0xE803 holds the bytes 03 E8 in memory" "$tmp/bo"'
  fi
  "${run[@]}" --batch --lesson udp >"$tmp/udp" 2>"$tmp/udp.err"
  check "$who: udp STEP7: recvfrom()'s sender, its port in network order (23 28), ntohs() gives 9000" \
    'grep -qE "^ *sin_port  23 28        ntohs\(\)  9000        " "$tmp/udp"'
  check "$who: udp STEP7: its address (64 00 00 01), ntohl() gives 0x64000001, 100.0.0.1" \
    'grep -qE "^ *sin_addr  64 00 00 01  ntohl\(\)  0x64000001  .. .. .. ..  \(100\.0\.0\.1\)$" "$tmp/udp"'
  # Loopback, the lecture's own setup: the same journey over lo.
  printf 'server socket udp\nserver bind 127.0.0.1 1000 nohtons\nclient socket udp\nclient sendto 127.0.0.1 59395 "x"\nserver recvfrom\nserver journey\nserver sender\n' >"$tmp/lo.script"
  chmod 644 "$tmp/lo.script"
  "${run[@]}" --batch --net loopback --script "$tmp/lo.script" >"$tmp/lo" 2>&1
  check "$who: loopback: TLI 2 from the datagram on lo, the sender 127.0.0.1" \
    'grep -qE "note: TLI 2: frame #[0-9]+ as captured, bytes E8 03: UDP 127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:59395" "$tmp/lo" && grep -qE "sin_addr  7F 00 00 01  ntohl\(\)  0x7F000001 " "$tmp/lo"'
done

# Bad input: one line naming what was expected, and nothing changes.
printf 'server journey\nclient sender\nserver families now\nserver socket udp\nserver sender\nexpect server result 3\n' >"$tmp/bad.script"
"$bin" --batch --script "$tmp/bad.script" >"$tmp/bad" 2>"$tmp/bad.err"; rc=$?
check "journey before any sockaddr_in: one line, what to do first" \
  'grep -qx "sockstep: .*:1: server has no open socket; expected \"server socket tcp\" or \"server socket udp\" first" "$tmp/bad.err"'
check "sender before any recvfrom: one line, what to do first" \
  'grep -qF ":5: server has received nothing that names a sender yet; expected \"server recvfrom\" (UDP) or \"server accept\" (TCP) first" "$tmp/bad.err"'
check "families takes no arguments" \
  'grep -qF ":3: \"server families\" takes no arguments; unexpected \"now\"" "$tmp/bad.err"'
check "the refused lines changed nothing: the first socket is still 3, exit 1" \
  'grep -q "expect server result 3: ok" "$tmp/bad" && [ "$rc" = 1 ]'

# ---- screen -----------------------------------------------------------------
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: the screen part skipped"; finish; }
screen_test artefacts
# said TEXT: the screen's text, its lines and borders made blanks, has TEXT
# (narration wraps differently at each width).
said() { screen | tr '│\n' '  ' | tr -s ' ' | grep -qF -- "$1"; }
# whole LINE: the screen has LINE between two pane borders (│ ... │), not cut.
whole() { screen | grep -qE "│ ?$(printf '%s' "$1" | sed 's/[][().*+?^$|\\]/\\&/g') *│"; }
for size in "80 24" "100 30"; do
  set -- $size
  ui_fresh_log
  tmux_session "bo$1" "$1" "$2" "$bin --lesson byteorder --log $UI_LOG 2>$tmp/err"
  wait_for "5-tuple" >/dev/null
  for k in 1 2 3 4 5 6; do next_step "step $k/" >/dev/null; done
  check "$1x$2 byteorder step 6: the journey's title names the breakage" \
    'wait_for "port 1000, as server wrote it without htons(): the kernel has 59395"'
  check "$1x$2 byteorder step 6: the journey's heading, whole" \
    'whole "HOST1             CONVERSION  TLI 1  TLI 2  CONVERSION  HOST2"'
  if [ "$le" = 1 ]; then
    check "$1x$2 byteorder step 6: the four rows whole, the warning signs where 1000 became 59395" \
      'whole "LE E8 03 = 1000   none $W      E8 03  E8 03  ntohs()     LE 03 E8 = 59395 $W" &&
       whole "BE 03 E8 = 1000   none        03 E8  03 E8  ntohs()     BE 03 E8 = 1000" &&
       whole "LE E8 03 = 1000   none $W      E8 03  E8 03  ntohs()     BE E8 03 = 59395 $W" &&
       whole "BE 03 E8 = 1000   none        03 E8  03 E8  ntohs()     LE E8 03 = 1000"'
    check "$1x$2 byteorder step 6: the key under it, whole" \
      'whole "LE = this machine: real bytes, TLI 2 as captured. BE: computed."'
  fi
  check "$1x$2 byteorder step 6: the narration stays whole beside it" \
    'said "wire carries E8 03, and whoever reads it gets 59395 (the warning signs)."'
  for k in 7 8; do next_step "step $k/" >/dev/null; done
  screen >"$tmp/scr"
  check "$1x$2 byteorder step 8: the families table whole: heading, every family, the legend" \
    'families_ok "$tmp/scr"'
  check "$1x$2 byteorder step 8: its title says what was asked of whom" \
    'wait_for "socket(AF_..., SOCK_..., 0) in the server host: what this kernel answered"'
  check "$1x$2 byteorder step 8: the narration whole" \
    'said "The server tries each pair on this kernel: a descriptor, or the errno."'
  send q
done
ui_fresh_log
tmux_session udp 80 24 "$bin --lesson udp --log $UI_LOG 2>$tmp/err"
wait_for "5-tuple" >/dev/null
for k in 1 2 3 4 5 6 7 8; do next_step "step $k/" >/dev/null; done
check "80x24 udp step 8 (STEP7): the sender's table under its title" \
  'wait_for "recvfrom() filled in echoclient: ntohs() and ntohl() bring it back" &&
   whole "FIELD     NETWORK      CALL     HOST ORDER  IN MEMORY"'
check "80x24 udp step 8 (STEP7): the port and the address, whole, in both orders" \
  'screen | grep -qE "│sin_port  23 28        ntohs\(\)  9000        .. .. *│" &&
   screen | grep -qE "│sin_addr  64 00 00 01  ntohl\(\)  0x64000001  .. .. .. ..  \(100\.0\.0\.1\) *│"'
check "80x24 udp step 8 (STEP7): the narration whole beside it" \
  'said "The 5-tuple is complete for this message, but the socket is still unconnected (UNCONN): the next message may come from anyone."'
send q
finish
