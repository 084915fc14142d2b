#!/usr/bin/env bash
# Options that cannot go together, and outputs that are inputs (issue 8,
# items 11 and 14): each refused in one line on stderr with status 2, before
# anything is written: no output file is created, none is truncated.
# options.sh SOCKSTEP [--as-nobody]
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
set_runner "${2:-}"
chmod 777 "$tmp"             # as root sockstep opens files as nobody
printf 'server socket udp\nserver bind 127.0.0.1 9\n' >"$tmp/s"
cp "$tmp/s" "$tmp/s.orig"
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$tmp/cap.pcap"
chmod 666 "$tmp/s" "$tmp/cap.pcap"
# refuse NAME PATTERN [--unchanged FILE] [--absent FILE] -- COMMAND...
refuse() {
  local name=$1 pat=$2; shift 2
  local unchanged=() absent=()
  while [ "$1" != -- ]; do
    case $1 in --unchanged) unchanged+=("$2");; --absent) absent+=("$2");; esac; shift 2
  done; shift
  local before=()
  for f in "${unchanged[@]}"; do before+=("$(sha256sum <"$f")"); done
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; local rc=$?
  local why=""
  [ "$rc" = 2 ] || why="exit $rc, expected 2"
  [ -z "$why" ] && [ "$(wc -l <"$tmp/err")" != 1 ] && why="expected one line on stderr"
  [ -z "$why" ] && ! grep -qE -- "$pat" "$tmp/err" && why="stderr lacks /$pat/"
  [ -z "$why" ] && [ -s "$tmp/out" ] && why="something went to stdout"
  local i=0
  for f in "${unchanged[@]}"; do
    [ -z "$why" ] && [ "$(sha256sum <"$f")" != "${before[$i]}" ] && why="$f was changed"
    i=$((i+1))
  done
  for f in "${absent[@]}"; do [ -z "$why" ] && [ -e "$f" ] && why="$f was created"; done
  if [ -n "$why" ]; then bad "$name: $why" "$tmp/err"; else ok; fi
  rm -f "${absent[@]}"
}
w=$tmp/new.pcap

# Item 11: contradictory options.
refuse read+batch '--read cannot go with --batch' -- "${run[@]}" --read "$tmp/cap.pcap" --batch
refuse read+script '--read cannot go with --script' -- "${run[@]}" --read "$tmp/cap.pcap" --script "$tmp/s"
refuse read+write '--read cannot go with --write' --absent "$w" -- "${run[@]}" --read "$tmp/cap.pcap" --write "$w"
refuse read+lesson '--read cannot go with --lesson' -- "${run[@]}" --read "$tmp/cap.pcap" --lesson tcp
refuse read+net '--read cannot go with --net' -- "${run[@]}" --net host --read "$tmp/cap.pcap"
refuse read+log '--read cannot go with --log' --absent "$tmp/l" -- "${run[@]}" --read "$tmp/cap.pcap" --log "$tmp/l"
refuse read+wait '--read cannot go with --wait' -- "${run[@]}" --read "$tmp/cap.pcap" --wait 1s
refuse list+batch '--list-lessons cannot go with --batch' -- "${run[@]}" --list-lessons --batch
refuse handout-kind 'bad --handout "pdf": expected text, worksheet or md' -- "${run[@]}" --batch --lesson tcp --handout pdf
refuse handout-alone '--handout needs --batch and --lesson' -- "${run[@]}" --handout worksheet --lesson tcp
refuse list+read '--read cannot go with --list-lessons' -- "${run[@]}" --list-lessons --read "$tmp/cap.pcap"
refuse list+write '--list-lessons cannot go with --write' --absent "$w" -- "${run[@]}" --list-lessons --write "$w"
refuse batch+theme '--theme cannot go with --batch' -- "${run[@]}" --batch --theme mono --script "$tmp/s"
refuse batch+log '--log cannot go with --batch' --absent "$tmp/l" -- "${run[@]}" --batch --log "$tmp/l" --script "$tmp/s"
refuse loopback+client-ip '--client-ip cannot go with --net loopback' -- \
  "${run[@]}" --batch --net loopback --client-ip 10.1.1.1 --script "$tmp/s"
refuse host+server-ip '--server-ip cannot go with --net host' -- \
  "${run[@]}" --batch --server-ip 10.2.2.2 --net host --script "$tmp/s"
refuse loopback-lesson+client-ip '--client-ip cannot go with lesson sockaddr' --absent "$w" -- \
  "${run[@]}" --batch --lesson sockaddr --client-ip 10.1.1.1 --write "$w"

# --run SIDE=PROGRAM ARG... (issue 20): checked as the line "SIDE run ..." is,
# before anything is built or written.
refuse run-no-side 'bad --run "tcp_client1b": expected SIDE=PROGRAM \[ARG...\]' --absent "$w" -- \
  "${run[@]}" --batch --run tcp_client1b --write "$w" --script "$tmp/s"
refuse run-bad-side 'bad --run "clinet=a.out": "clinet" is no program: expected server or client' -- \
  "${run[@]}" --batch --run clinet=a.out --script "$tmp/s"
refuse run-no-program '"client run" needs a program to run' -- "${run[@]}" --batch --run client= --script "$tmp/s"
refuse run-socket '"client#4 run" acts on a program, not on one of its sockets' -- \
  "${run[@]}" --batch --run 'client#4=a.out' --script "$tmp/s"
refuse run-quote 'bad --run .*unterminated quote' -- "${run[@]}" --batch --run 'client=a.out "x' --script "$tmp/s"
refuse run-twice '--run gives client two programs; expected one each, e.g. client2=PROGRAM' -- \
  "${run[@]}" --batch --run client=a --run 'client=b c' --script "$tmp/s"
refuse run+compare '--run cannot go with --compare' -- "${run[@]}" --compare --run client=a
refuse run+md '--run does not go with --handout md' -- "${run[@]}" --batch --lesson tcp --handout md --run client=a

# Item 14: an output that is the same file (device and inode) as an input.
refuse write=script 'is the same file as --script' --unchanged "$tmp/s" -- \
  "${run[@]}" --batch --net loopback --write "$tmp/s" --script "$tmp/s"
ln -s s "$tmp/link"; ln "$tmp/s" "$tmp/hard"
refuse write=script-symlink 'is the same file as --script' --unchanged "$tmp/s" -- \
  "${run[@]}" --batch --net loopback --write "$tmp/link" --script "$tmp/s"
refuse write=script-hardlink 'is the same file as --script' --unchanged "$tmp/s" -- \
  "${run[@]}" --batch --net loopback --write "$tmp/hard" --script "$tmp/s"
# stdin as the script (refuse reads </dev/null, so run this one by hand)
"${run[@]}" --batch --net loopback --write "$tmp/s" <"$tmp/s" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 2 ] && grep -q 'is the same file as stdin' "$tmp/err" && cmp -s "$tmp/s" "$tmp/s.orig"; then
  ok; else bad "write=stdin: exit $rc" "$tmp/err"; fi
cp "$src/assets/lessons/sockaddr.lesson" "$tmp/sockaddr.lesson"; chmod 666 "$tmp/sockaddr.lesson"
refuse write=lesson 'is the same file as --lesson' --unchanged "$tmp/sockaddr.lesson" -- \
  "${run[@]}" --batch --lesson "$tmp/sockaddr.lesson" --write "$tmp/sockaddr.lesson"
cmp -s "$tmp/s" "$tmp/s.orig" || bad "the script changed"

# wire save at run time: a file in use (the script being read, the --write
# capture, the --log) is refused in one line and left as it was; the script
# goes on. The script and the capture are the user's (as root without
# SUDO_UID sockstep acts for nobody).
printf 'server socket udp\nwire save %s\nwire save %s\nsay still here\n' "$tmp/ws" "$tmp/wcap" >"$tmp/ws"
: >"$tmp/wcap"
chmod 666 "$tmp/ws" "$tmp/wcap"
cp "$tmp/ws" "$tmp/ws.orig"
"${run[@]}" --batch --net loopback --write "$tmp/wcap" --script "$tmp/ws" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?
check "wire save of the --script: refused, exit 1 (got $rc)" '[ "$rc" = 1 ]'
check "wire save of the --script: one line naming it" \
  '[ "$(grep -c "is the same file as --script" "$tmp/err")" = 1 ]'
check "wire save of the --write capture: one line naming it" \
  '[ "$(grep -c "is the same file as --write" "$tmp/err")" = 1 ]'
check "wire save of the --script: the script is as it was" 'cmp -s "$tmp/ws" "$tmp/ws.orig"'
check "wire save of a file in use: the script went on" 'grep -q ">> still here" "$tmp/out"'

finish
