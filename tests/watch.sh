#!/usr/bin/env bash
# A program built with -g (tests/watch_prog.c, -g -O0): its struct
# sockaddr_in is found in its debug information and watched by the CPU's
# debug registers; before its connect, batch shows the lecture's four
# statements, each with its source line and the 16 bytes it left (memset
# through libc's memset, sin_family, inet_addr, htons), in order. The same
# program without -g runs as before, with one note saying to build with -g;
# built with the port stored without htons(), the statement says so.
#   watch.sh SOCKSTEP WATCH_PROG WATCH_PROG_NOG WATCH_PROG_NOHTONS WATCH_PROG_SOURCE [--as-nobody]
set -u
bin=$(realpath "$1") prog=$2 nog=$3 nohtons=$4 wsrc=$5
. "$(dirname "$0")/lib.sh"
set_runner "${6:-}"
[ "$(uname -m)" = x86_64 ] || skip "the debug registers watched are x86_64's" || finish

out=$tmp/out err=$tmp/err
# Readable and runnable by the user sockstep runs as; its source beside it
# (the line table names the source by its path at build time).
cp "$prog" "$tmp/watch_prog" && cp "$nog" "$tmp/watch_prog_nog" && cp "$nohtons" "$tmp/watch_prog_nohtons" && chmod 755 "$tmp" "$tmp"/watch_prog*
# From another folder than the build's: the line table names the source
# relative to the folder the compiler ran in.
wsrc=$(realpath "$wsrc") && cd "$tmp" || exit 1

script() {
  cat <<EOS
server socket tcp
server bind 200.0.0.2 80
server listen
server accept
client run $1 200.0.0.2 80
client next
client next
EOS
}
script "$tmp/watch_prog" >"$tmp/s1"
"${run[@]}" --batch --script "$tmp/s1" >"$out" 2>"$err"
rc=$?
if grep -q "ptrace" "$err" && ! grep -q "client run" "$out"; then
  skip "tracing is not allowed here: $(head -n1 "$err")" || 
# The port stored without htons(): the statement as written, its bytes 50 00,
# and what the network reads.
script "$tmp/watch_prog_nohtons" >"$tmp/s3"
"${run[@]}" --batch --script "$tmp/s3" >"$out" 2>"$err"
check "without htons(): the statement, its bytes 00 50 reversed" \
  'stage "echoserver.sin_port = (unsigned short)atoi(argv[2]);" "02 00 50 00 C8 00 00 02 00 00 00 00 00 00 00 00"' ||
  show "$out"
check "without htons(): said as the lecture warns, port 20480 on the wire" \
  'has "sin_port = 80 without htons(): memory 50 00, which the network reads as port 20480"'
finish
fi
check "the script runs without a refusal" '[ $rc = 0 ] && [ ! -s "$err" ]' || show "$err"

at() { grep -nF -- "$1" "$out" | head -n1 | cut -d: -f1 | grep . || echo 0; }
has() { grep -qF -- "$1" "$out"; }
ln() { grep -nF -- "$1" "$wsrc" | head -n1 | cut -d: -f1; }
# One stage: the statement with its file:line, then its bytes.
stage() {
  grep -A1 -F -- "client  watch_prog.c:$(ln "$1")  $1" "$out" | tail -n1 | grep -qF -- "$2"
}
check "memset, through libc's memset, with its line and 16 zero bytes" \
  'stage "memset(&echoserver, 0, sizeof(echoserver));" "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"' ||
  show "$out"
check "sin_family = AF_INET: 02 00 first" \
  'stage "echoserver.sin_family = AF_INET;" "02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"'
check "sin_addr = inet_addr(...): C8 00 00 02 in bytes 4 to 7" \
  'stage "echoserver.sin_addr.s_addr = inet_addr(argv[1]);" "02 00 00 00 C8 00 00 02 00 00 00 00 00 00 00 00"'
check "sin_port = htons(80): 00 50 in bytes 2 and 3" \
  'stage "echoserver.sin_port = htons((unsigned short)atoi(argv[2]));" "02 00 00 50 C8 00 00 02 00 00 00 00 00 00 00 00"'
# line of the stage whose statement starts with TEXT
st() { at "client  watch_prog.c:$(ln "$1")  $1"; }
check "the four statements in order, after socket() and before connect" \
  '[ "$(at "client  socket(AF_INET, SOCK_STREAM, 0)  -> 3")" -lt "$(st "memset(&echoserver")" ] &&
   [ "$(st "memset(&echoserver")" -lt "$(st "echoserver.sin_family")" ] &&
   [ "$(st "echoserver.sin_family")" -lt "$(st "echoserver.sin_addr.s_addr")" ] &&
   [ "$(st "echoserver.sin_addr.s_addr")" -lt "$(st "echoserver.sin_port = htons")" ] &&
   [ "$(st "echoserver.sin_port = htons")" -lt "$(at "client  connect(3, {AF_INET, 200.0.0.2, port 80}, 16)  -> stopped")" ]' ||
  show "$out"
check "each statement once" '[ "$(grep -c "client  watch_prog.c:" "$out")" = 4 ]'
check "no note about debug information" '! has "no debug information"'
check "the program runs on: connect made and its output shown" \
  'has "client  connect(3, {AF_INET, 200.0.0.2, port 80}, 16)  -> 0" && has "client  | connect gave 0"' || show "$out"
check "the watch's traps are not the program's: no SIGTRAP told" '! has "SIGTRAP"'

# Without -g: as before, and one note.
script "$tmp/watch_prog_nog" >"$tmp/s2"
"${run[@]}" --batch --script "$tmp/s2" >"$out" 2>"$err"
check "without -g: one note says to build with -g" \
  '[ "$(grep -c "client  note: no debug information: build with -g to see the sockaddr'"'"'s bytes statement by statement" "$out")" = 1 ]' ||
  show "$out"
check "without -g: no statement shown, the call's bytes still are" \
  '! has "watch_prog_nog.c:" && ! has "watch_prog.c:" && has "the 16 bytes client passed, read from its memory" &&
   has "client  connect(3, {AF_INET, 200.0.0.2, port 80}, 16)  -> 0"'

# The port stored without htons(): the statement as written, its bytes 50 00,
# and what the network reads.
script "$tmp/watch_prog_nohtons" >"$tmp/s3"
"${run[@]}" --batch --script "$tmp/s3" >"$out" 2>"$err"
check "without htons(): the statement, its bytes 00 50 reversed" \
  'stage "echoserver.sin_port = (unsigned short)atoi(argv[2]);" "02 00 50 00 C8 00 00 02 00 00 00 00 00 00 00 00"' ||
  show "$out"
check "without htons(): said as the lecture warns, port 20480 on the wire" \
  'has "sin_port = 80 without htons(): memory 50 00, which the network reads as port 20480"'
finish
