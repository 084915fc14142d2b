#!/usr/bin/env bash
# Your own program, traced (issue 20): a small compiled client of the tests'
# own (tests/traced_client.c) runs in the lab as the client side's program,
# against sockstep's own server, stepped call by call in batch:
#  - each socket call shows with its real arguments and result, the rows and
#    the frames it caused, as sockstep's own calls do; the server receives
#    the "hi" the program sent;
#  - the program's own output (printf) comes in order with its calls, and
#    its exit status is told;
#  - a forgotten htons() shows as port 20480 in the bytes read from its
#    memory, and the connect is refused;
#  - bad input is refused with one line and changes nothing.
#   traced.sh SOCKSTEP TRACED_CLIENT [--as-nobody]
set -u
bin=$1 prog=$2
. "$(dirname "$0")/lib.sh"
set_runner "${3:-}"

out=$tmp/out err=$tmp/err
# The program must be readable and runnable by the user sockstep runs as.
cp "$prog" "$tmp/traced_client" && chmod 755 "$tmp" "$tmp/traced_client"
prog=$tmp/traced_client

cat >"$tmp/s1" <<EOS
server socket tcp
server bind 200.0.0.2 80
server listen
server accept
client run $prog 200.0.0.2 80
client next
client next
client next
client next
server recv
EOS
"${run[@]}" --batch --script "$tmp/s1" >"$out" 2>"$err"
rc=$?
if grep -q "ptrace" "$err" && ! grep -q "client run" "$out"; then
  skip "tracing is not allowed here: $(head -n1 "$err")" || finish
fi
check "the script runs without a refusal" '[ $rc = 0 ] && [ ! -s "$err" ]' || show "$err"

# line N of the first line holding TEXT (fixed string), 0 when none
at() { grep -nF -- "$1" "$out" | head -n1 | cut -d: -f1 | grep . || echo 0; }
has() { grep -qF -- "$1" "$out"; }
hasE() { grep -qE -- "$1" "$out"; }

check "run stops before the first socket call" \
  'has "client  socket(AF_INET, SOCK_STREAM, 0)  -> stopped before this call; \"client next\" makes it"' || show "$out"
check "socket() made, with its real result and its row" \
  'has "client  socket(AF_INET, SOCK_STREAM, 0)  -> 3" && hasE "STEP3 PROTOCOL DEFINITION +client +3 TCP"'
check "connect shows its real arguments, as read from the program" \
  'has "client  connect(3, {AF_INET, 200.0.0.2, port 80}, 16)  -> stopped before this call"'
check "the sockaddr's 16 bytes as read from its memory" \
  'has "02 00 00 50 C8 00 00 02 00 00 00 00 00 00 00 00" &&
   { has "the 16 bytes client passed, read from its memory" || hasE "traced_client\.c:[0-9]+ +a\.sin_port"; }'
check "connect blocks on the wire, then returns 0 with the connected row" \
  'has "client  connect(3, {AF_INET, 200.0.0.2, port 80}, 16)  -> blocked since [7]" &&
   has "client  connect(3, {AF_INET, 200.0.0.2, port 80}, 16)  -> 0  (blocked since [7])" &&
   hasE "STEP6 CONNECTION REQUEST \(ACCEPTED\) +client +3 TCP\*? +100\.0\.0\.1\*? +[0-9]+\*? +200\.0\.0\.2\*? +80\*? +ESTABLISHED"'
check "the handshake's frames crossed the wire" \
  'hasE "cli→srv TCP 100\.0\.0\.1:[0-9]+ → 200\.0\.0\.2:80 \[SYN\]" && hasE "srv→cli TCP 200\.0\.0\.2:80 → 100\.0\.0\.1:[0-9]+ \[SYN, ACK\]"'
check "sockstep's server accepted the program's connection" \
  'hasE "server  csock = accept\(.*-> 4  \(blocked since \[4\]\)"'
check "send() with its bytes and result, and its frame" \
  'has "client  send(3, \"hi\", 2, 0)  -> 2" && hasE "cli→srv TCP .* \[PSH, ACK\] .* len=2"'
check "the server receives \"hi\"" 'has "server  received \"hi\" (2 bytes)"'
check "close() and the FIN it sends" \
  'has "client  close(3)  -> 0" && hasE "cli→srv TCP .* \[FIN, ACK\]"'
check "the program's output, in order with its calls" \
  '[ "$(at "client  socket(AF_INET, SOCK_STREAM, 0)  -> 3")" -lt "$(at "client  | socket() gave 3")" ] &&
   [ "$(at "client  | socket() gave 3")" -lt "$(at "client  connect(3, {AF_INET, 200.0.0.2, port 80}, 16)  -> stopped")" ] &&
   [ "$(at "16)  -> 0  (blocked since")" -lt "$(at "client  | connected to 200.0.0.2")" ] &&
   [ "$(at "client  | connected to 200.0.0.2")" -lt "$(at "client  send(3, \"hi\", 2, 0)  -> stopped")" ] &&
   [ "$(at "client  send(3, \"hi\", 2, 0)  -> 2")" -lt "$(at "client  | sent 2 bytes")" ]' || show "$out"
check "its exit status" 'has "client  note: client exited with status 7"'

# A forgotten htons(): the bytes are the truth.
cat >"$tmp/s2" <<EOS
server socket tcp
server bind 200.0.0.2 80
server listen
client run $prog 200.0.0.2 80 nohtons
client continue
EOS
"${run[@]}" --batch --script "$tmp/s2" >"$out" 2>"$err"
check "a forgotten htons shows as port 20480" \
  'has "connect(3, {AF_INET, 200.0.0.2, port 20480}, 16)" && has "02 00 50 00 C8 00 00 02 00 00 00 00 00 00 00 00" &&
   has "a port stored without htons() on a little-endian CPU"' || show "$out"
check "the bytes are told for what they mean, naming no htons() call the program did not make" \
  'has "sin_port: memory 50 00 = port 20480 in network order; the other way round 80" && ! has "htons(20480)" &&
   has "sin_addr: memory C8 00 00 02 = 200.0.0.2 in network order"' || show "$out"
check "continue runs it to its end: refused, its perror line, status 3" \
  'has "-> -1 ECONNREFUSED" && has "client  | connect: Connection refused" && has "client exited with status 3"'

# Its input, and a fault at the call boundary: one send is not one recv.
cat >"$tmp/s4" <<EOS
server socket tcp
server bind 200.0.0.2 80
server listen
server accept
client run $prog 200.0.0.2 80 recv
client next
client next
client next
server recv
server send "hello world"
client input "go\\n"
client fault next recv short 5
client next
client next
EOS
"${run[@]}" --batch --script "$tmp/s4" >"$out" 2>"$err"
check "a program waiting for its input has settled; its input reaches it" \
  '[ ! -s "$err" ] && has "server  received \"hi\" (2 bytes)" && has "client  | input: go" &&
   [ "$(at "client  | input: go")" -lt "$(at "client  recv(3, buf, 64, 0)  -> stopped before this call")" ]' || show "$err"
check "a short-read fault: the recv returns 5 of the 11 bytes waiting, and the program sees them" \
  'has "fault: this recv() may return at most 5 bytes" && has "client  recv(3, buf, 64, 0)  -> 5" &&
   has "client  received \"hello\" (5 bytes)" && has "client  | got 5 \\\"hello\\\""' || show "$out"

# A write to a connection the peer has reset: EPIPE, then SIGPIPE ends it.
cat >"$tmp/s5" <<EOS
server socket tcp
server bind 200.0.0.2 80
server listen
server accept
client run $prog 200.0.0.2 80 pipe
client continue
server close
client input "go\\n"
client continue
EOS
"${run[@]}" --batch --script "$tmp/s5" >"$out" 2>"$err"
check "SIGPIPE: the RST crosses between two sends, the next gets EPIPE and the signal ends it" \
  'has "client  send(3, \"x\", 1, 0)  -> 1" && hasE "srv→cli TCP 200\.0\.0\.2:80 → 100\.0\.0\.1:[0-9]+ \[RST\]" &&
   has "client  send(3, \"x\", 1, 0)  -> -1 EPIPE" &&
   has "client was killed by SIGPIPE: it wrote to a connection the peer had reset or closed" &&
   [ "$(at "[RST]")" -lt "$(at "-> -1 EPIPE")" ]' || show "$out"

# Bad input: one line each, nothing changes.
printf '%s\n' "client run $tmp/no-such-program" "client next" "client run $tmp" \
  "client run $prog 127.0.0.1 9" "client run $prog 127.0.0.1 9" "client socket tcp" >"$tmp/s3"
"${run[@]}" --batch --net loopback --script "$tmp/s3" >"$out" 2>"$err"
check "each refusal is one line naming what was expected" \
  'grep -q "^sockstep: $tmp/s3:1: .*no-such-program.*expected" "$err" &&
   grep -q "^sockstep: $tmp/s3:3: .*directory.*expected" "$err" && [ "$(grep -c "^sockstep: $tmp/s3:4: " "$err")" = 0 ] &&
   [ "$(grep -c "^sockstep: $tmp/s3:" "$err")" = 5 ] && grep -q "^sockstep: $tmp/s3:2: client is no program you run; expected \"client run PROGRAM\" first" "$err" &&
   grep -q "^sockstep: $tmp/s3:5: client runs already (a program you ran); expected \"client2 run" "$err" &&
   grep -q "^sockstep: $tmp/s3:6: client is a program you run: it makes its own calls" "$err"' || show "$err"
finish
