#!/usr/bin/env bash
# traced_modes.sh - your own program (issue 20) in each --net mode, with the
# rights it runs with, and what cannot be traced:
#  1. --net loopback: a traced client (tests/traced_client.c) against
#     sockstep's own server on 127.0.0.1, and sockstep's own client against
#     a traced server (examples/tcp_echo_server): rows, frames on lo, the
#     programs' output, their exit;
#  2. --net host (the machine's own stack, traffic on 127.0.0.1 only): a
#     traced server and a traced client, every frame of theirs in the
#     capture (the host filter follows their sockets as it follows
#     sockstep's own) and no frame of another user's flow; the programs run
#     as the user (under sudo as SUDO_UID, never root), with no capability;
#  3. the lab: the program runs as the user the lab maps (uid 0 of its user
#     namespace, the user outside), with no capability, yet binds the
#     lecture's port 80; it holds descriptors 0 1 2 only and no capture ring;
#  4. what cannot be traced is refused with one line and nothing changes:
#     not found, a directory, not executable, not a program, a 32-bit or a
#     foreign ELF, and a system where ptrace is forbidden (a seccomp filter
#     as a container's, tests/noptrace.c; Yama's sysctl as read).
# With --as-nobody, sockstep runs as uid 65534; with --sudo, as root with
# SUDO_UID=4242 (as sudo starts it), so the programs run as 4242.
#   traced_modes.sh SOCKSTEP TRACED_CLIENT [--as-nobody|--sudo]
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
mode=${3:-}
if [ "$mode" = --sudo ]; then
  need_root "sockstep started by sudo (SUDO_UID)" || finish
  run=(env SUDO_UID=4242 SUDO_GID=4242 "$bin")
  user=4242
else
  set_runner "$mode"
  # Root without SUDO_UID acts for uid 65534, as sockstep does; a user for itself.
  if [ "$(id -u)" = 0 ]; then user=65534; else user=$(id -u); fi
fi
. "$(dirname "$0")/own_lib.sh"
# Capture on the host's stack needs root (or cap_net_raw): root and sudo have it.
capture=no
[ "$(id -u)" = 0 ] && [ "$mode" != --as-nobody ] && capture=yes

# The programs, readable and runnable by the user the programs run as.
cp "$2" "$tmp/traced_client"
cp "$(dirname "$bin")/examples/tcp_echo_server" "$tmp/tcp_echo_server" ||
  { bad "examples/tcp_echo_server not built beside sockstep"; finish; }
chmod 755 "$tmp" "$tmp/traced_client" "$tmp/tcp_echo_server"
client=$tmp/traced_client server=$tmp/tcp_echo_server

# batch NAME OPTIONS...: sockstep --batch on $tmp/NAME.s; $tmp/NAME.out,
# .err, .rc.
batch() {
  local name=$1; shift
  chmod 644 "$tmp/$name.s"
  "${run[@]}" --batch "$@" --script "$tmp/$name.s" >"$tmp/$name.out" 2>"$tmp/$name.err"
  echo $? >"$tmp/$name.rc"
}
ran_ok() { [ "$(cat "$tmp/$1.rc")" = 0 ] && [ ! -s "$tmp/$1.err" ]; }
has() { grep -qF -- "$2" "$tmp/$1.out"; }
hasE() { grep -qE -- "$2" "$tmp/$1.out"; }

# ---- 1. --net loopback ------------------------------------------------------
cat >"$tmp/lo1.s" <<EOS
server socket tcp
server bind 127.0.0.1 80
server listen
server accept
client run $client 127.0.0.1 80
client next
client next
client next
client next
server recv
EOS
batch lo1 --net loopback
check "loopback: traced client against sockstep's server: batch exit 0" 'ran_ok lo1' || show "$tmp/lo1.err"
check "loopback: the client's connection row, 127.0.0.1 to port 80" \
  'hasE lo1 "STEP6 CONNECTION REQUEST \(ACCEPTED\) +client +3 TCP\*? +127\.0\.0\.1\*? +[0-9]+\*? +127\.0\.0\.1\*? +80\*? +ESTABLISHED"' ||
  show "$tmp/lo1.out"
check "loopback: its handshake and its 2 bytes on lo" \
  'hasE lo1 "wire +#1 +lo +TCP 127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:80 \[SYN\]" &&
   hasE lo1 "lo +TCP 127\.0\.0\.1:80 → 127\.0\.0\.1:[0-9]+ \[SYN, ACK\]" && hasE lo1 "lo +TCP 127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:80 \[PSH, ACK\] .*len=2"'
check "loopback: its output, sockstep's server receives \"hi\", its exit" \
  'has lo1 "client  | connected to 127.0.0.1" && has lo1 "server  received \"hi\" (2 bytes)" &&
   has lo1 "client  note: client exited with status 7"'

cat >"$tmp/lo2.s" <<EOS
server run $server 127.0.0.1 80 1
server continue
client socket tcp
client connect 127.0.0.1 80
server continue
client send "hello"
server continue
client recv
client close
server continue
EOS
batch lo2 --net loopback
check "loopback: sockstep's client against a traced server: batch exit 0" 'ran_ok lo2' || show "$tmp/lo2.err"
check "loopback: the server's calls, its listening and accepted rows" \
  'has lo2 "server  bind(3, {AF_INET, 127.0.0.1, port 80}, 16)  -> 0" && has lo2 "server  listen(3, 5)  -> 0" &&
   hasE lo2 "STEP 2B READY TO ACCEPT CONNECTIONS +server +3 TCP +127\.0\.0\.1 +80 .*LISTEN" &&
   hasE lo2 "STEP7 CONNECTION REQUEST ACCEPTED +server +4 TCP\*? +127\.0\.0\.1\*? +80\*? +127\.0\.0\.1\*? +[0-9]+\*? +ESTABLISHED"' ||
  show "$tmp/lo2.out"
check "loopback: the echo, its frames both ways on lo" \
  'has lo2 "server  recv(4, buf, 1024, 0)  -> 5" && has lo2 "server  send(4, \"hello\", 5, 0)  -> 5" &&
   has lo2 "client  received \"hello\" (5 bytes)" &&
   hasE lo2 "lo +TCP 127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:80 \[PSH, ACK\] .*len=5" &&
   hasE lo2 "lo +TCP 127\.0\.0\.1:80 → 127\.0\.0\.1:[0-9]+ \[PSH, ACK\] .*len=5"'
check "loopback: the server's output and its exit" \
  'has lo2 "server  | Listening on 127.0.0.1 port 80" && has lo2 "server  | Received 5 bytes, sending them back" &&
   has lo2 "server  note: server exited with status 0"'

finish
