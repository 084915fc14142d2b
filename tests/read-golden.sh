#!/usr/bin/env bash
# Golden test of `sockstep --read`: list a committed capture and compare with
# the expected listing (exit status 0, nothing on stderr). The same capture
# read from standard input (`--read -`) and from a FIFO (a pipe is a capture
# source, as for tcpdump -r) must list the same. With --wireshark, its pcapng
# copy (editcap) must list the same too, and every frame's relative time must
# equal tshark's frame.time_relative for the same file.
#   read-golden.sh SOCKSTEP CAPTURE EXPECTED [--as-nobody] [--wireshark]
# READ_GOLDEN_UPDATE=1 rewrites EXPECTED, showing the diff.
set -u
bin=$1 pcap=$2 want=$3
shift 3
mode='' wireshark=''
for a in "$@"; do
  case $a in
    --as-nobody) mode=$a ;;
    --wireshark) wireshark=1 ;;
    *) echo "unknown option $a"; exit 2 ;;
  esac
done
. "$(dirname "$0")/lib.sh"
set_runner "$mode"
if [ "$mode" = --as-nobody ]; then
  cp "$pcap" "$tmp/c.pcap"; chmod 644 "$tmp/c.pcap"; pcap=$tmp/c.pcap
fi
"${run[@]}" --read "$pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ -n "${READ_GOLDEN_UPDATE:-}" ] && [ "$mode" != --as-nobody ]; then
  golden_update "$want" "$tmp/out" "$tmp/err"; exit "$rc" # shows the diff
fi
[ "$rc" = 0 ] && ok || bad "exit status $rc, expected 0"
[ -s "$tmp/err" ] && bad "unexpected stderr:" "$tmp/err" || ok
diff -u "$want" "$tmp/out" && ok "$(wc -l <"$tmp/out") frames as expected" || bad "listing differs from $want"

# The same listing from another source: its name in $1, the command in $2...
same() {
  local what=$1 rc
  shift
  "$@" >"$tmp/o2" 2>"$tmp/e2"
  rc=$?
  if [ "$rc" = 0 ] && [ ! -s "$tmp/e2" ] && cmp -s "$want" "$tmp/o2"; then
    ok "$what lists the same frames"
  else
    bad "$what: exit status $rc, stderr: $(head -c 300 "$tmp/e2")"
    diff -u "$want" "$tmp/o2" | head -n 20
  fi
}
# A FIFO: generous timeout, so that a reader that never returns fails.
same "--read - (standard input)" timeout 60 "${run[@]}" --read - <"$pcap"
mkfifo -m 644 "$tmp/fifo"
cat "$pcap" >"$tmp/fifo" 2>/dev/null &
writer=$!
same "--read FIFO" timeout 60 "${run[@]}" --read "$tmp/fifo"
# A writer still waiting for a reader (sockstep refused the FIFO): release it.
kill -0 "$writer" 2>/dev/null && timeout 10 cat "$tmp/fifo" >/dev/null
wait "$writer" 2>/dev/null

[ -z "$wireshark" ] && finish

if need editcap wireshark-common; then
  if editcap -F pcapng "$pcap" "$tmp/c.pcapng" 2>"$tmp/e2"; then
    chmod 644 "$tmp/c.pcapng"
    same "the pcapng copy (editcap)" timeout 60 "${run[@]}" --read "$tmp/c.pcapng"
  else bad "editcap could not make the pcapng copy of $pcap" "$tmp/e2"; fi
fi

# Relative times as tshark computes them, to the nanosecond.
if need tshark tshark; then
  tshark -r "$pcap" -T fields -e frame.time_relative >"$tmp/tshark" 2>/dev/null
  awk '{ print $2 }' "$tmp/out" >"$tmp/ours"
  if [ -s "$tmp/tshark" ] && cmp -s "$tmp/tshark" "$tmp/ours"; then
    ok "relative times equal tshark's frame.time_relative"
  else
    bad "relative times differ from tshark's frame.time_relative (< tshark, > sockstep):"
    diff "$tmp/tshark" "$tmp/ours" | head -n 20
  fi
fi
finish
