#!/usr/bin/env bash
# Every output against every input and against standard output and error
# (issue 16, item 3): a refusal is one line, status 2 (or 1 for a failed
# command line), and leaves every file as it was: --compare A B --write B,
# the same with --log A, --write o.pcap > o.pcap, --script S >> S, --log L
# 2> L, wire save and save lesson onto the transcript's own file.
# samefile.sh SOCKSTEP [--as-nobody]
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
set_runner "${2:-}"
chmod 777 "$tmp"             # as root sockstep opens files as nobody
need script bsdutils || finish
for l in compare-tcp compare-udp; do cp "$src/assets/lessons/$l.lesson" "$tmp/$l.lesson"; done
chmod 666 "$tmp"/*.lesson
sum() { sha256sum "$@" | awk '{ print $1 }' | tr '\n' ' '; }

# on_tty COMMAND: run COMMAND (a string) on a terminal of its own (--compare
# and --log are the screen's), stderr to $tmp/err, status to $tmp/rc.
on_tty() {
  TERM=xterm timeout 30 script -qec "$1 2>'$tmp/err'; echo \$? >'$tmp/rc'" /dev/null </dev/null >/dev/null 2>&1
}

before=$(sum "$tmp/compare-tcp.lesson" "$tmp/compare-udp.lesson")
on_tty "${run[*]} --compare '$tmp/compare-tcp.lesson' '$tmp/compare-udp.lesson' --write '$tmp/compare-udp.lesson'"
check "--compare A B --write B: status 2" '[ "$(cat "$tmp/rc")" = 2 ]'
check "--compare A B --write B: one line naming lesson B" \
  '[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "compare-udp.lesson\" is the same file as a --compare lesson" "$tmp/err"'
check "--compare A B --write B: both lessons unchanged" '[ "$(sum "$tmp/compare-tcp.lesson" "$tmp/compare-udp.lesson")" = "$before" ]'
on_tty "${run[*]} --compare '$tmp/compare-tcp.lesson' '$tmp/compare-udp.lesson' --write '$tmp/compare-udp.lesson' --log '$tmp/compare-tcp.lesson'"
check "--compare A B --write B --log A: status 2" '[ "$(cat "$tmp/rc")" = 2 ]'
check "--compare A B --write B --log A: both lessons unchanged" \
  '[ "$(sum "$tmp/compare-tcp.lesson" "$tmp/compare-udp.lesson")" = "$before" ]'
# --log onto the file standard error goes to.
: >"$tmp/l"; chmod 666 "$tmp/l"
TERM=xterm timeout 30 script -qec "${run[*]} --net loopback --log '$tmp/l' 2>>'$tmp/l'; echo \$? >'$tmp/rc'" /dev/null </dev/null >/dev/null 2>&1
check "--log L 2>>L: status 2" '[ "$(cat "$tmp/rc")" = 2 ]'
check "--log L 2>>L: one line naming standard error" '[ "$(wc -l <"$tmp/l")" = 1 ] && grep -q "same file as standard error" "$tmp/l"'

# --log that cannot be opened (and no --write): one line, status 2, no crash.
on_tty "${run[*]} --net loopback --log '$tmp/none/l.log'"
check "--log into a missing directory: status 2, one line" \
  '[ "$(cat "$tmp/rc")" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "cannot open log" "$tmp/err"'

printf 'client socket udp\nclient sendto 127.0.0.1 9 "hola"\n' >"$tmp/s"; chmod 644 "$tmp/s"
# --write onto the transcript's own file: the pcap and the transcript would interleave.
"${run[@]}" --batch --net loopback --script "$tmp/s" --write "$tmp/o.pcap" >"$tmp/o.pcap" 2>"$tmp/err"; rc=$?
check "--write o.pcap > o.pcap: status 2" '[ "$rc" = 2 ]'
check "--write o.pcap > o.pcap: one line naming standard output" \
  '[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "is the same file as standard output" "$tmp/err"'
check "--write o.pcap > o.pcap: nothing written" '[ ! -s "$tmp/o.pcap" ]'
# A script that is also where the transcript goes would read its own output for ever.
cp "$tmp/s" "$tmp/s2"; chmod 666 "$tmp/s2"; before=$(sum "$tmp/s2")
timeout 30 "${run[@]}" --batch --net loopback --script "$tmp/s2" >>"$tmp/s2" 2>"$tmp/err"; rc=$?
check "--script S >> S: status 2, no endless loop" '[ "$rc" = 2 ]'
check "--script S >> S: one line naming standard output" 'grep -q "is the same file as standard output" "$tmp/err"'
check "--script S >> S: S unchanged" '[ "$(sum "$tmp/s2")" = "$before" ]'
# stdin as the script, appended to as the transcript.
cp "$tmp/s" "$tmp/s3"; chmod 666 "$tmp/s3"
timeout 30 "${run[@]}" --batch --net loopback <"$tmp/s3" >>"$tmp/s3" 2>"$tmp/err"; rc=$?
check "--batch < S >> S: status 2" '[ "$rc" = 2 ] && grep -q "stdin.*same file as standard output" "$tmp/err"'
# wire save and save lesson onto the transcript (a file the user may
# write): refused, the transcript goes on whole.
: >"$tmp/t.out"; : >"$tmp/t.lesson"; chmod 666 "$tmp/t.out" "$tmp/t.lesson"
printf 'client socket udp\nclient sendto 127.0.0.1 9 "hola"\nwire save %s\nclient close\n' "$tmp/t.out" >"$tmp/w"
chmod 644 "$tmp/w"
"${run[@]}" --batch --net loopback --script "$tmp/w" >"$tmp/t.out" 2>"$tmp/err"; rc=$?
check "wire save onto the transcript: refused (status 1), saying why" \
  '[ "$rc" = 1 ] && grep -q "wire save.*same file as standard output" "$tmp/err"'
check "wire save onto the transcript: the transcript is text, whole" \
  '! grep -qa $'"'"'\xd4\xc3\xb2\xa1'"'"' "$tmp/t.out" && grep -q "close(sock)" "$tmp/t.out" && head -c 8 "$tmp/t.out" | grep -q sockstep'
printf 'client socket udp\nsave! lesson %s\nclient close\n' "$tmp/t.lesson" >"$tmp/w"
"${run[@]}" --batch --net loopback --script "$tmp/w" >"$tmp/t.lesson" 2>"$tmp/err"; rc=$?
check "save lesson onto the transcript: refused (status 1), saying why" \
  '[ "$rc" = 1 ] && grep -q "same file as standard output" "$tmp/err"'
check "save lesson onto the transcript: the transcript is whole" \
  'grep -q "close(sock)" "$tmp/t.lesson" && head -c 8 "$tmp/t.lesson" | grep -q sockstep'
finish
