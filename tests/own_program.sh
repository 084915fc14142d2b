#!/usr/bin/env bash
# own_program.sh - the lecture's programs (examples/, built beside sockstep)
# run as a side's program under sockstep (`SIDE run`, `SIDE next`, `SIDE
# continue`), in --net lab and --net loopback:
#  - tcp_client1b stepped with `client next` until it exits, against
#    sockstep's own server: each call with its result, the sockaddr_in bytes
#    read from its memory, its own printf lines, its exit status;
#  - sockstep's own client against `server run tcp_echo_server`;
#  - the two examples against each other, and the UDP pair;
#  - tcp_client1b_nohtons: the forgotten htons() shows as port 20480;
#  - `client fault next recv short 2`: its loop reads the rest;
#  - tcp_client_name: getaddrinfo("server") through the lab's hosts file;
#  - the calls sockstep lists for a program are the network calls
#    `strace -f -qq -e trace=network` shows for the same program run on its
#    own (in `unshare -rn`, on 127.0.0.1): names and results, in order, for
#    the TCP and UDP clients and servers;
#  - the program runs as the user, with no capability, holding 0-2 only.
# With --as-nobody, sockstep runs as uid 65534; with --sudo, as root with
# SUDO_UID=65534 (as sudo starts it), so the programs run as 65534 (root only).
#   own_program.sh SOCKSTEP [--as-nobody|--sudo]
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
if [ "${2:-}" = --sudo ]; then
  need_root "sockstep started by sudo (SUDO_UID)" || finish
  run=(env SUDO_UID=65534 SUDO_GID=65534 "$bin")
else
  set_runner "${2:-}"
fi
. "$(dirname "$0")/own_lib.sh"
ex=$(dirname "$bin")/examples

# Before issue 20's engine the command does not exist: nothing to test yet.
if ! "$bin" --help 2>&1 | grep -qE '^ +SIDE run '; then
  echo "SKIP  sockstep --help lists no \"SIDE run\" command: the traced-program engine (issue 20) is not in this build"
  exit 77
fi
for p in tcp_client1b tcp_client1b_nohtons tcp_echo_server udp_client udp_server; do
  [ -x "$ex/$p" ] || { bad "$ex/$p: not built (examples/meson.build)"; finish; }
done

# batch NAME OPTIONS...: sockstep --batch OPTIONS on the script $tmp/NAME.script;
# output in $tmp/NAME.out, stderr in $tmp/NAME.err, status in $tmp/NAME.rc.
batch() {
  local name=$1; shift
  "${run[@]}" --batch --wait 2s "$@" --script "$tmp/$name.script" >"$tmp/$name.out" 2>"$tmp/$name.err"
  echo $? >"$tmp/$name.rc"
}

# ran_ok NAME WHAT: the batch run NAME exited 0 with nothing on stderr.
ran_ok() {
  local rc; rc=$(cat "$tmp/$1.rc")
  if [ "$rc" = 0 ] && [ ! -s "$tmp/$1.err" ]; then ok "$2: batch exit 0"; return 0; fi
  bad "$2: batch exit $rc$([ -s "$tmp/$1.err" ] && echo ', stderr:')" "$tmp/$1.err"
  show "$tmp/$1.out"
  return 1
}

# calls SIDE FILE: the calls sockstep printed for SIDE's traced program, one
# "kernel-name result" a line, in order (tools: the python below). A call
# that blocked is listed once, with the result it returned at last.
calls() { python3 "$tmp/calls.py" "$1" <"$2"; }
cat >"$tmp/calls.py" <<'EOF'
import re, sys
side = sys.argv[1]
# "  client  connect(3, {AF_INET, 127.0.0.1, port 80}, 16)  -> 0", also with
# "sock = " in front; "-> -1 ECONNREFUSED ...", "-> 5 "hello"".
line_re = re.compile(r'^\s*' + re.escape(side) + r'\s+(?:\w+\s*=\s*)?([a-z_0-9]+)\((.*?)\)?;?\s+->\s*(.*)$')
# The name libc's wrapper used and the kernel's: send() is sendto() with no
# address, recv() is recvfrom() (the contract: sockstep shows what the
# program wrote and says what the kernel saw).
kernel = {'send': 'sendto', 'recv': 'recvfrom'}
for line in sys.stdin:
    m = line_re.match(line.rstrip('\n'))
    if not m:
        continue
    name, args, res = m.groups()
    if res.startswith(('blocked', 'still blocked', 'stopped')):
        continue
    saw = re.search(r'the kernel saw (\w+)', line)
    name = saw.group(1) if saw else kernel.get(name, name)
    r = re.match(r'(-1 [A-Z0-9]+|-?\d+)', res)
    print(name, r.group(1) if r else res.split()[0])
EOF

# strace_calls FILE: the same from `strace -o FILE` (network calls only: strace's
# trace=network, which has no close): "name result" a line.
NETWORK='socket|socketpair|bind|listen|accept|accept4|connect|getsockname|getpeername|sendto|recvfrom|sendmsg|recvmsg|sendmmsg|recvmmsg|shutdown|setsockopt|getsockopt'
strace_calls() {
  sed -E 's/^(\[pid +)?[0-9]+\]? +//' "$1" | grep -E "^($NETWORK)\(" |
    sed -nE 's/^([a-z0-9_]+)\(.* = (-1 [A-Z0-9]+|-?[0-9]+).*/\1 \2/p'
}
# network_only: sockstep's list kept to strace's trace=network set.
network_only() { grep -E "^($NETWORK) "; }

# ---- 0. it runs as the user, with no capability -----------------------------
# Root without SUDO_UID acts for uid 65534 (as sockstep does); a user for itself.
if [ "$(id -u)" = 0 ]; then user=65534; else user=$(id -u); fi
own_start whoami --net lab
if own "client run tcp_client1b 200.0.0.2 80 \"hello\""; then
  pid=$(sed -n 's/.*client runs tcp_client1b (pid \([0-9]*\)).*/\1/p' "$tmp/whoami.out" | head -n 1)
  if [ -z "$pid" ] || [ ! -r "/proc/$pid/status" ]; then bad "run: no pid of tcp_client1b in its note" "$tmp/whoami.out"
  else
    grep -E '^(Uid|Gid|CapEff|CapPrm|TracerPid):' "/proc/$pid/status" >"$tmp/status"
    check "the program runs as uid $user, with no capability, traced (/proc/$pid/status)" \
      'grep -qE "^Uid:\s+$user\s+$user\s+$user\s+$user$" "$tmp/status" && grep -qE "^CapEff:\s+0+$" "$tmp/status" &&
       grep -qE "^CapPrm:\s+0+$" "$tmp/status" && ! grep -qE "^TracerPid:\s+0$" "$tmp/status"' || show "$tmp/status"
    # Its descriptors: 0-2 only (nothing of sockstep's), stopped before socket().
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | sort -n | tr '\n' ' ')
    check "the program holds descriptors 0 1 2 only (got: $fds)" '[ "$fds" = "0 1 2 " ]'
  fi
  own "client kill"
fi
own_end

# ---- 1. tcp_client1b stepped, against sockstep's own server ---------------
for net in lab loopback; do
  if [ $net = lab ]; then ip=200.0.0.2; cip=100.0.0.1; else ip=127.0.0.1; cip=127.0.0.1; fi
  {
    echo "server socket tcp"; echo "server bind $ip 80"; echo "server listen 5"; echo "server accept"
    echo "client run tcp_client1b $ip 80 \"hello\""
    echo "client next"   # socket
    echo "client next"   # connect: the handshake; the server's accept returns
    echo "expect client result 0"
    echo "expect server blocked no"
    echo "expect server remote $cip *"
    echo "client next"   # send
    echo "expect client result 5"
    echo "server recv"
    echo "expect server data \"hello\""
    echo "client next"   # recv: blocks until the server sends
    echo "server send \"hello\""
    echo "expect client data \"hello\""
    echo "client next"   # close, then the program exits
  } >"$tmp/step-$net.script"
  batch "step-$net" --net $net
  what="$net: tcp_client1b stepped against sockstep's server"
  ran_ok "step-$net" "$what" || continue
  out=$tmp/step-$net.out
  calls client "$out" >"$tmp/step-$net.calls"
  printf 'socket 3\nconnect 0\nsendto 5\nrecvfrom 5\nclose 0\n' >"$tmp/want"
  if diff -u "$tmp/want" "$tmp/step-$net.calls" >"$tmp/d"; then ok "$what: socket 3, connect 0, send 5, recv 5, close 0"
  else bad "$what: the calls listed" "$tmp/d"; fi
  # The 16 bytes connect() was given, read from the program's memory.
  hex=$(printf '02 00 00 50 %02X %02X %02X %02X 00 00 00 00 00 00 00 00' ${ip//./ })
  check "$what: connect's sockaddr_in read as $hex" 'grep -qF "$hex" "$out"'
  check "$what: connect shown with its address" 'grep -qE "connect\(3, \{AF_INET, $ip, port 80\}, 16\)" "$out"'
  # Its own printf lines, in order with its calls: the four dumps before connect.
  last=$(printf '[0]=2,[1]=0,[2]=0,[3]=50,[4]=%X,[5]=%X,[6]=%X,[7]=%X,' ${ip//./ })
  check "$what: its 4th dump (after htons) in its output" 'grep -qF "$last" "$out"'
  if awk -v d="$last" 'index($0, d) { seen = 1 } /connect\(3, \{AF_INET/ && / -> / { if (seen) ok = 1; exit } END { exit !ok }' "$out"
  then ok "$what: the dump comes before connect's result"; else bad "$what: the dump is not before connect's result" "$out"; fi
  check "$what: \"Received 5 bytes: hello\" in its output" 'grep -qF "Received 5 bytes: hello" "$out"'
  check "$what: its exit with status 0" 'grep -qiE "client.*exit(ed)?( with)? (status|code) 0" "$out"'
done

# ---- 2. sockstep's client against tcp_echo_server -------------------------
# `continue` runs a program until it blocks in a call; once that call
# returns, it stops before its next one.
for net in lab loopback; do
  if [ $net = lab ]; then ip=200.0.0.2; else ip=127.0.0.1; fi
  cat >"$tmp/srv-$net.script" <<EOF
server run tcp_echo_server $ip 80 1
server continue
expect server blocked yes
client socket tcp
client connect $ip 80
expect client result 0
expect client state ESTABLISHED
client send "hola"
server continue
client recv
expect client data "hola"
client close
server continue
EOF
  batch "srv-$net" --net $net
  what="$net: sockstep's client against tcp_echo_server"
  ran_ok "srv-$net" "$what" || continue
  calls server "$tmp/srv-$net.out" >"$tmp/srv-$net.calls"
  printf 'socket 3\nbind 0\nlisten 0\naccept 4\nrecvfrom 4\nsendto 4\nrecvfrom 0\nclose 0\nclose 0\n' >"$tmp/want"
  if diff -u "$tmp/want" "$tmp/srv-$net.calls" >"$tmp/d"; then ok "$what: socket bind listen accept recv send recv(0) close close"
  else bad "$what: the calls listed" "$tmp/d"; fi
  check "$what: its output says who connected" 'grep -qE "Client connected: [0-9.]+ port [0-9]+" "$tmp/srv-$net.out"'
  check "$what: it exited with status 0" 'grep -qE "^  server +note: server exited with status 0" "$tmp/srv-$net.out"'
done

# ---- 3. the examples against each other: TCP and UDP ------------------------
# Each let go on (continue) whenever it stops before a call, until both end.
for net in lab loopback; do
  if [ $net = lab ]; then ip=200.0.0.2; else ip=127.0.0.1; fi
  what="$net: tcp_client1b against tcp_echo_server"
  own_start "pair-$net" --net $net
  own "server run tcp_echo_server $ip 80 1" && own "server continue" &&
    own "client run tcp_client1b $ip 80 \"hello\"" && own_free client server
  own_end
  if own_ok "$what"; then
    out=$tmp/pair-$net.out
    check "$what: the client got its echo" 'grep -qE "^  client +\| Received 5 bytes: hello$" "$out"'
    check "$what: the server echoed" 'grep -qE "^  server +\| Received 5 bytes, sending them back$" "$out"'
    check "$what: both exited with status 0" \
      'grep -qE "^  client +note: client exited with status 0" "$out" && grep -qE "^  server +note: server exited with status 0" "$out"'
    check "$what: the server's accept() shows the client's address" 'grep -qE "^  server +accept\(3, .*-> 4" "$out"'
  fi
  what="$net: udp_client against udp_server"
  own_start "udp-$net" --net $net
  own "server run udp_server $ip 80 1" && own "server continue" &&
    own "client run udp_client $ip 80 \"hola\"" && own_free client server
  own_end
  if own_ok "$what"; then
    out=$tmp/udp-$net.out
    check "$what: the client got its echo from the server" 'grep -qE "Received 4 bytes from $ip port 80: hola" "$out"'
    calls client "$out" | tr '\n' ' ' >"$tmp/udp.calls"
    check "$what: socket 3, sendto 4, recvfrom 4, close 0 (got: $(cat "$tmp/udp.calls"))" '[ "$(cat "$tmp/udp.calls")" = "socket 3 sendto 4 recvfrom 4 close 0 " ]'
    calls server "$out" | tr '\n' ' ' >"$tmp/udp.calls"
    check "$what: the server: socket 3, bind 0, recvfrom 4, sendto 4, close 0 (got: $(cat "$tmp/udp.calls"))" '[ "$(cat "$tmp/udp.calls")" = "socket 3 bind 0 recvfrom 4 sendto 4 close 0 " ]'
  fi
done

# ---- 3b. a name: getaddrinfo("server", "80") in the lab ------------------------
what="lab: tcp_client_name server 80"
own_start name --net lab
own "server socket tcp" && own "server bind 200.0.0.2 80" && own "server listen 5" && own "server accept" &&
  own 'client run tcp_client_name server 80 "hello"' && own_until client '^  client +send\(3, "hello", 5, 0\) +-> 5' &&
  own "server recv" && own 'server send "hello"' && own_free client
own_end
if own_ok "$what"; then
  out=$tmp/name.out
  check "$what: the lab's hosts file named server 200.0.0.2" 'grep -qE "^  client +\| server is 200\.0\.0\.2, port 80$" "$out"'
  check "$what: connect to 200.0.0.2 port 80" 'grep -qE "^  client +connect\(3, \{AF_INET, 200\.0\.0\.2, port 80\}, 16\) +-> 0" "$out"'
  check "$what: got its echo, exited 0" \
    'grep -qE "^  client +\| Received 5 bytes: hello$" "$out" && grep -qE "^  client +note: client exited with status 0" "$out"'
  # The resolver's own sockets (nscd's, where libc asks it) are said to be libc's.
  if grep -qE '^  client +connect\([0-9]+, \{AF_UNIX, "/var/run/nscd/socket"' "$out"; then
    check "$what: libc's nscd connect said to be the resolver's" 'grep -qE "^  client +note: libc resolver" "$out"'
  fi
  check "$what: no DNS query on the wire" '! grep -qE "^  wire .*:53 " "$out"'
fi

# ---- 4. the forgotten htons: port 20480 -------------------------------------
cat >"$tmp/nohtons.script" <<'EOF'
server socket tcp
server bind 200.0.0.2 80
server listen 5
client run tcp_client1b_nohtons 200.0.0.2 80 "hello"
client continue
EOF
batch nohtons --net lab
out=$tmp/nohtons.out
what="lab: tcp_client1b_nohtons"
check "$what: connect shown to port 20480" 'grep -qE "connect\(3, \{AF_INET, 200.0.0.2, port 20480\}, 16\)" "$out"'
check "$what: the bytes read from its memory: 50 00" 'grep -qF "02 00 50 00 C8 00 00 02 00 00 00 00 00 00 00 00" "$out"'
check "$what: the SYN went to port 20480" 'grep -qE "100\.0\.0\.1:[0-9]+ → 200\.0\.0\.2:20480 \[SYN\]" "$out"'
check "$what: connect -> -1 ECONNREFUSED" '[ "$(calls client "$out" | grep ^connect)" = "connect -1 ECONNREFUSED" ]'
check "$what: its own line says port 20480" 'grep -qF "Connecting to 200.0.0.2 port 20480" "$out"'
check "$what: its exit with status 1" 'grep -qiE "client.*exit(ed)?( with)? (status|code) 1" "$out"'

# ---- 4b. one send is not one recv: a short read, and the client's loop --------
cat >"$tmp/short.script" <<'EOF'
server socket tcp
server bind 200.0.0.2 80
server listen 5
server accept
client run tcp_client1b 200.0.0.2 80 "hello"
client next
client next
client next
client fault next recv short 2
server recv
server send "hello"
client continue
EOF
batch short --net lab
what="lab: recv cut short to 2 bytes"
if ran_ok short "$what"; then
  check "$what: the program read 2 bytes, then the 3 others" \
    'grep -qF "Received 2 bytes: he" "$tmp/short.out" && grep -qF "Received 3 bytes: llo" "$tmp/short.out"'
  calls client "$tmp/short.out" | tr '\n' ' ' >"$tmp/short.calls"
  check "$what: recv 2, recv 3 listed" 'grep -qF "recvfrom 2 recvfrom 3 close 0" "$tmp/short.calls"'
fi

# ---- 5. sockstep's list == strace's, for the same programs ------------------
# Alone: in a network namespace of its own (unshare -rn) with lo up, the
# server untraced and the client under strace, then the other way round.
if need strace strace && need unshare util-linux; then
  unshare -rn bash -c '
    ip link set lo up || exit 1
    "$1/tcp_echo_server" 127.0.0.1 80 1 >/dev/null & srv=$!
    for _ in $(seq 100); do grep -q ":0050 00000000:0000 0A" /proc/net/tcp && break; sleep 0.05; done
    strace -f -qq -e trace=network -o "$2/alone-client.strace" "$1/tcp_client1b" 127.0.0.1 80 hello >/dev/null
    wait $srv
    strace -f -qq -e trace=network -o "$2/alone-server.strace" "$1/tcp_echo_server" 127.0.0.1 80 1 >/dev/null & srv=$!
    for _ in $(seq 100); do grep -q ":0050 00000000:0000 0A" /proc/net/tcp && break; sleep 0.05; done
    "$1/tcp_client1b" 127.0.0.1 80 hola >/dev/null
    wait $srv
    "$1/udp_server" 127.0.0.1 80 1 >/dev/null & srv=$!
    for _ in $(seq 100); do grep -q ":0050 00000000:0000 07" /proc/net/udp && break; sleep 0.05; done
    strace -f -qq -e trace=network -o "$2/alone-udp-client.strace" "$1/udp_client" 127.0.0.1 80 hola >/dev/null
    wait $srv
    strace -f -qq -e trace=network -o "$2/alone-udp-server.strace" "$1/udp_server" 127.0.0.1 80 1 >/dev/null & srv=$!
    for _ in $(seq 100); do grep -q ":0050 00000000:0000 07" /proc/net/udp && break; sleep 0.05; done
    "$1/udp_client" 127.0.0.1 80 hola >/dev/null
    wait $srv' unshare-test "$ex" "$tmp" 2>"$tmp/alone.err"
  if [ ! -s "$tmp/alone-client.strace" ] || [ ! -s "$tmp/alone-server.strace" ]; then
    skip "strace of the examples in unshare -rn did not run: $(head -c 300 "$tmp/alone.err")"
  else
    # The same programs under sockstep, in loopback (127.0.0.1, as alone):
    # WHO SIDE (the batch run that traced it there).
    for pair in "client client step-loopback" "server server srv-loopback" \
                "udp-client client udp-loopback" "udp-server server udp-loopback"; do
      set -- $pair
      strace_calls "$tmp/alone-$1.strace" >"$tmp/strace-$1"
      calls "$2" "$tmp/$3.out" | network_only >"$tmp/sockstep-$1"
      if [ ! -s "$tmp/strace-$1" ]; then bad "strace listed no network call of the $1" "$tmp/alone-$1.strace"
      elif diff -u "$tmp/strace-$1" "$tmp/sockstep-$1" >"$tmp/d"; then
        ok "the $1's network calls: sockstep's list = strace's ($(tr '\n' ' ' <"$tmp/strace-$1"))"
      else bad "the $1's network calls: strace (-) against sockstep (+)" "$tmp/d"; fi
    done
  fi
fi

finish
