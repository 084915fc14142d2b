#!/usr/bin/env bash
# The calls really happen, each in its own program: run scripts under
# strace -f (-ff: one file per process) and find each system call in the
# process of the program that sockstep says made it, with the arguments
# sockstep printed. The programs are the lecture's: each one a process of its
# own (a child of sockstep, named server, client, client2, server.1), its
# first socket descriptor 3, blocking calls that sleep in the kernel, no
# SOCK_NONBLOCK, SOCK_CLOEXEC or O_NONBLOCK unless the user asked for it, and
# sockstep's own process makes none of the lecture's calls.
set -u
bin=$1 dir=$2
. "$(dirname "$0")/lib.sh"
need strace strace || finish

# trace SCRIPT OPTIONS...: sockstep --batch OPTIONS --script SCRIPT under
# strace, each call with its start time (-ttt) and its duration (-T); then
# learn the processes (main: sockstep's pid; PID[name]: each program's).
trace() {
  local script=$1; shift
  rm -rf "$tmp/t" "$tmp/p"; mkdir "$tmp/t" "$tmp/p"
  strace -f -ff -qq -ttt -T -o "$tmp/t/pid" -e signal=SIGUSR1 \
    -e trace=%network,close,fcntl,prctl,select,pselect6,clone,clone3,fork,vfork,execve \
    "$bin" --batch "$@" --script "$script" >"$tmp/out" 2>"$tmp/err"
  learn
}

# learn: sockstep is the process whose execve carries --batch (each program
# execs sockstep's runner too: "sockstep --prog-runner ..."); a program is a
# process that named itself (prctl PR_SET_NAME). For each program NAME: $tmp/p/NAME.raw,
# its calls after it took its name, as strace wrote them; $tmp/p/NAME, the
# lecture's calls among them: no times, no signals, and nothing on its
# control channel with sockstep (a descriptor of 100 or more).
declare -A PID
learn() {
  local f p name
  PID=()
  main=$(grep -l '^[0-9.]* execve(.*"--batch"' "$tmp"/t/pid.* | sed 's/.*\.//')
  if [ "$(echo "$main" | wc -w)" != 1 ]; then bad "not one process ran sockstep --batch: ${main:-none}"; main=none; fi
  base=$(head -c 10 "$tmp/t/pid.$main")
  for f in "$tmp"/t/pid.*; do
    p=${f##*.}
    name=$(sed -n 's/.* prctl(PR_SET_NAME, "\([^"]*\)").*/\1/p' "$f" | tail -n 1)
    [ -n "$name" ] || continue
    if [ -n "${PID[$name]:-}" ]; then bad "two processes named $name: ${PID[$name]} and $p"; continue; fi
    PID[$name]=$p
    sed -n '/ prctl(PR_SET_NAME, /,$p' "$f" | sed 1d >"$tmp/p/$name.raw"
    sed -E 's/^[0-9]+\.[0-9]+ //; s/ <[0-9.]+>$//; s/\) +=/) =/' "$tmp/p/$name.raw" \
      | grep -vE '^(---|\+\+\+) |^[a-z0-9_]+\([0-9]{3,}[,)]' >"$tmp/p/$name"
  done
}

# program NAME PARENT: a process named NAME ran, not sockstep's own, a child
# of PARENT ("sockstep" or a program's name): the pid its fork returned; a
# child of sockstep exec'd the runner.
program() {
  local p=${PID[$1]:-} parent ppid
  if [ -z "$p" ]; then bad "$1: no process named $1 (prctl PR_SET_NAME) in the trace"; return 1; fi
  if [ "$p" = "$main" ]; then bad "$1: its calls are made by sockstep's own process ($main)"; return 1; fi
  if [ "$2" = sockstep ]; then parent=$main; else parent=${PID[$2]:-none}; fi
  ppid=$(grep -lE "^[0-9.]+ (clone3?|v?fork)\(.*\) += $p( |$)" "$tmp"/t/pid.* 2>/dev/null | sed 's/.*\.//')
  if [ "$ppid" = "$parent" ]; then ok; else bad "$1 (pid $p) was forked by pid ${ppid:-none}, expected $2 ($parent)"; fi
  # Started by sockstep: it exec'd the runner before its first call, so it
  # holds nothing of sockstep's memory (no capture ring). (Not root, strace
  # cannot read the arguments of a non-dumpable process: only the execve.)
  [ "$2" != sockstep ] || grep -qE '^[0-9.]+ execve\(("/proc/self/exe", \["sockstep", "--prog-runner"|0x).* = 0 <' "$tmp/t/pid.$p" && ok \
    || bad "$1 (pid $p) made its calls without exec'ing sockstep's runner (--prog-runner)"
}

# want PROGRAM PRINTED CALL: sockstep printed the line PRINTED for PROGRAM,
# and PROGRAM's own process made the system call CALL (fixed strings).
want() {
  if ! grep -qF -- "  $1  $2" "$tmp/out"; then bad "sockstep did not print for $1: $2"; return; fi
  if [ ! -f "$tmp/p/$1" ]; then bad "no process named $1 to make: $3"; return; fi
  if ! grep -qF -- "$3" "$tmp/p/$1"; then
    if grep -qF -- "$3" "$tmp"/t/pid.*; then bad "$3: made, but not by $1's process (pid ${PID[$1]})"
    else bad "strace shows no: $3 (in $1)"; fi
    return
  fi
  ok
}

# wantre PROGRAM PRINTED CALL-ERE: as want, the call an extended regexp.
wantre() {
  if ! grep -qF -- "  $1  $2" "$tmp/out"; then bad "sockstep did not print for $1: $2"; return; fi
  grep -qE -- "$3" "$tmp/p/$1" 2>/dev/null && ok || bad "strace shows no: $3 (in $1, pid ${PID[$1]:-none})"
}

# only PROGRAM FILE: PROGRAM's lecture calls are exactly FILE's lines, in order.
only() {
  if [ ! -f "$tmp/p/$1" ]; then bad "no process named $1 to make: $(head -n 1 "$2") ..."; return; fi
  if diff -u "$2" "$tmp/p/$1" >"$tmp/diff" 2>&1; then ok
  else bad "$1 made other calls than the lecture's (- expected, + strace):" "$tmp/diff"; fi
}

# never PROGRAM ERE WHY: none of PROGRAM's lecture calls matches ERE.
never() {
  if [ ! -f "$tmp/p/$1" ]; then bad "no process named $1 to check: it $3"; return; fi
  if grep -qE -- "$2" "$tmp/p/$1" 2>/dev/null; then bad "$1 $3: $(grep -E -- "$2" "$tmp/p/$1" | head -n 1)"
  else ok; fi
}

# sockstep_none: sockstep's own process made none of the lecture's calls:
# no TCP or UDP socket, no listen, no accept, no connect or bind to an IPv4
# address (it watches: netlink, packet sockets, pidfd_getfd; the lab's set-up
# uses an AF_INET datagram socket of protocol 0 for interface ioctls).
sockstep_none() {
  local hits
  hits=$(sed -E 's/^[0-9.]+ //' "$tmp/t/pid.$main" \
    | grep -E '^(socket\(AF_INET, .*IPPROTO_(TCP|UDP)\)|listen\(|accept4?\(|(connect|bind)\([0-9]+, \{sa_family=AF_INET,)' \
    | head -n 3)
  [ -z "$hits" ] && ok || bad "sockstep's own process ($main) made the lecture's calls itself: $hits"
}

# times PROGRAM ERE: "start end" of PROGRAM's first call matching ERE, in
# microseconds since sockstep's start second (strace's -ttt and -T).
times() {
  RE=$2 awk -v base="$base" '{ line = $0; sub(/^[0-9]+\.[0-9]+ /, "", line) }
    line ~ ENVIRON["RE"] { split($1, t, "."); s = (t[1] - base) * 1000000 + t[2]; d = 0
      if (match($0, /<[0-9]+\.[0-9]+>$/)) { split(substr($0, RSTART + 1, RLENGTH - 2), v, "."); d = v[1] * 1000000 + v[2] }
      print s, s + d; exit }' "$tmp/p/$1.raw" 2>/dev/null
}

# slept PROGRAM ERE OTHER OTHER-ERE: PROGRAM's call ERE was already sleeping
# in the kernel when OTHER's call OTHER-ERE began, and returned only after
# that: a blocking call that waited for the peer.
slept() {
  local a b
  read -r a0 a1 <<<"$(times "$1" "$2")"; read -r b0 _ <<<"$(times "$3" "$4")"
  if [ -z "${a0:-}" ] || [ -z "${b0:-}" ]; then bad "$1's $2 or $3's $4: not in the trace"; return; fi
  a=$a0; b=$b0
  if [ "$a" -lt "$b" ] && [ "$a1" -ge "$b" ]; then ok
  else bad "$1's $2 did not sleep across $3's $4 (it ran from $a to $a1 us, the other began at $b us)"; fi
}

# lecture NAME: no SOCK_NONBLOCK, SOCK_CLOEXEC or O_NONBLOCK, no accept4, in
# any of NAME's calls.
lecture() { never "$1" 'NONBLOCK|CLOEXEC|accept4\(' "asked for no non-blocking or close-on-exec flag, yet"; }

A='{sa_family=AF_INET, sin_port=htons'
L='sin_addr=inet_addr("127.0.0.1")}'

# ---- the lecture's TCP table (golden/tcp.script) --------------------------
trace "$dir/tcp.script" $(sed -n 's/^# sockstep-options: //p' "$dir/tcp.script")
program server sockstep
program client sockstep
[ -n "${PID[server]:-}" ] && [ "${PID[server]}" != "${PID[client]:-}" ] && ok || bad "tcp: server and client are one process"
sockstep_none
want server 'sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3' 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3'
want server 'echoserver.sin_port = htons(80);' "bind(3, $A(80), $L, 16) = 0"
want server 'listen(sock, 5);  -> 0' 'listen(3, 5) = 0'
want client 'sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3' 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3'
want client 'echoclient.sin_port = htons(9000);' "bind(3, $A(9000), $L, 16) = 0"
want client 'connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver));  -> 0' "connect(3, $A(80), $L, 16) = 0"
want server 'csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);  -> blocked' "accept(3, $A(9000), $L, [16]) = 4"
want server 'csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);  -> 4  (blocked since [9])' "accept(3, $A(9000), $L, [16]) = 4"
slept server '^accept\(3, ' client '^connect\(3, '
want client 'send(sock, "hola", 4, 0);  -> 4' 'sendto(3, "hola", 4, 0, NULL, 0) = 4'
want server 'recv(csock, buffer, 1024, 0);  -> 4' 'recvfrom(4, "hola", 1024, 0, NULL, NULL) = 4'
want server 'send(csock, "HOLA", 4, 0);  -> 4' 'sendto(4, "HOLA", 4, 0, NULL, 0) = 4'
want client 'recv(sock, buffer, 1024, 0);  -> 4' 'recvfrom(3, "HOLA", 1024, 0, NULL, NULL) = 4'
want server 'recv(csock, buffer, 1024, 0);  -> 0' 'recvfrom(4, "", 1024, 0, NULL, NULL) = 0'
want client 'close(sock);  -> 0' 'close(3) = 0'
want server 'close(csock);  -> 0' 'close(4) = 0'
want server 'close(sock);  -> 0' 'close(3) = 0'
lecture server
lecture client
never client '^(accept|listen)\(' "called accept() or listen(), which only the server does"
never server '^connect\(' "called connect(), which only the client does"
cat >"$tmp/want" <<EOF
socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3
bind(3, $A(80), $L, 16) = 0
listen(3, 5) = 0
accept(3, $A(9000), $L, [16]) = 4
recvfrom(4, "hola", 1024, 0, NULL, NULL) = 4
sendto(4, "HOLA", 4, 0, NULL, 0) = 4
recvfrom(4, "", 1024, 0, NULL, NULL) = 0
close(4) = 0
close(3) = 0
EOF
only server "$tmp/want"
cat >"$tmp/want" <<EOF
socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3
bind(3, $A(9000), $L, 16) = 0
connect(3, $A(80), $L, 16) = 0
sendto(3, "hola", 4, 0, NULL, 0) = 4
recvfrom(3, "HOLA", 1024, 0, NULL, NULL) = 4
close(3) = 0
EOF
only client "$tmp/want"

# ---- the lecture's UDP table (golden/udp.script) --------------------------
trace "$dir/udp.script" $(sed -n 's/^# sockstep-options: //p' "$dir/udp.script")
program server sockstep
program client sockstep
sockstep_none
want server 'sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);  -> 3' 'socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 3'
want client 'sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);  -> 3' 'socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 3'
want server 'recvfrom(sock, buffer, 1024, 0, (struct sockaddr *)&echoclient, &clientlen);  -> blocked' "recvfrom(3, \"hola\", 1024, 0, $A(9000), $L, [16]) = 4"
want client 'sendto(sock, "hola", 4, 0, (struct sockaddr *)&echoserver, sizeof(echoserver));  -> 4' "sendto(3, \"hola\", 4, 0, $A(5000), $L, 16) = 4"
want server 'recvfrom(sock, buffer, 1024, 0, (struct sockaddr *)&echoclient, &clientlen);  -> 4  (blocked since [3])' "recvfrom(3, \"hola\", 1024, 0, $A(9000), $L, [16]) = 4"
slept server '^recvfrom\(3, "hola"' client '^sendto\(3, "hola"'
want server 'sendto(sock, "HOLA", 4, 0, (struct sockaddr *)&echoclient, sizeof(echoclient));  -> 4' "sendto(3, \"HOLA\", 4, 0, $A(9000), $L, 16) = 4"
want client 'connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver));  -> 0' "connect(3, $A(5000), $L, 16) = 0"
want client 'send(sock, "again", 5, 0);  -> 5' 'sendto(3, "again", 5, 0, NULL, 0) = 5'
want server 'recvfrom(sock, buffer, 1024, 0, (struct sockaddr *)&echoclient, &clientlen);  -> 5' "recvfrom(3, \"again\", 1024, 0, $A(9000), $L, [16]) = 5"
lecture server
lecture client
cat >"$tmp/want" <<EOF
socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 3
bind(3, $A(9000), $L, 16) = 0
sendto(3, "hola", 4, 0, $A(5000), $L, 16) = 4
recvfrom(3, "HOLA", 1024, 0, $A(5000), $L, [16]) = 4
connect(3, $A(5000), $L, 16) = 0
sendto(3, "again", 5, 0, NULL, 0) = 5
close(3) = 0
EOF
only client "$tmp/want"
cat >"$tmp/want" <<EOF
socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP) = 3
bind(3, $A(5000), $L, 16) = 0
recvfrom(3, "hola", 1024, 0, $A(9000), $L, [16]) = 4
sendto(3, "HOLA", 4, 0, $A(9000), $L, 16) = 4
recvfrom(3, "again", 1024, 0, $A(9000), $L, [16]) = 5
close(3) = 0
EOF
only server "$tmp/want"

# ---- the lab: each program in its host, descriptors 3 and 4 still --------
trace "$dir/lab-tcp.script" $(sed -n 's/^# sockstep-options: //p' "$dir/lab-tcp.script")
program server sockstep
program client sockstep
sockstep_none
want server 'sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3' 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3'
want client 'sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3' 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3'
want client 'connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver));  -> 0' \
  "connect(3, $A(80), sin_addr=inet_addr(\"200.0.0.2\")}, 16) = 0"
want server 'csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);  -> 4' \
  "accept(3, $A(9000), sin_addr=inet_addr(\"100.0.0.1\")}, [16]) = 4"
slept server '^accept\(3, ' client '^connect\(3, '
lecture server
lecture client

# ---- --net host: sockstep is non-dumpable before it opens the capture -----
# (no moment in which another process of its uid could read the ring).
printf 'server socket tcp\n' >"$tmp/host.script"
trace "$tmp/host.script" --net host
program server sockstep
nd=$(grep -nE '^[0-9.]+ prctl\(PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)' "$tmp/t/pid.$main" 2>/dev/null | head -n 1 | cut -d: -f1)
pk=$(grep -nE '^[0-9.]+ socket\(AF_PACKET, ' "$tmp/t/pid.$main" 2>/dev/null | head -n 1 | cut -d: -f1)
if [ -z "$pk" ]; then bad "host: sockstep opened no packet socket (the capture)"
elif [ -n "$nd" ] && [ "$nd" -lt "$pk" ]; then ok
else bad "host: sockstep made itself non-dumpable ${nd:+at line $nd }after opening the capture (line $pk), or never"; fi

# ---- several programs: interrupt, a second client, fork, select, nonblock --
cat >"$tmp/progs.script" <<'EOF'
server socket tcp
server bind 127.0.0.1 80
server listen 5
server accept
server interrupt
server accept
client socket tcp
client connect 127.0.0.1 80
server fork
server.1#3 close
server#4 close
client2 socket tcp
client2 connect 127.0.0.1 80
server accept
server.1 send "hi"
client select rd
client recv
client2 nonblock on
client2 recv
client2 select rdwr 3
EOF
trace "$tmp/progs.script" --net loopback --wait 200ms
program server sockstep
program client sockstep
program client2 sockstep
program server.1 server
sockstep_none
n=$(printf '%s\n' "${PID[@]}" | sort -u | wc -l)
[ "$n" = 4 ] && ok || bad "progs: $n distinct program processes, expected 4 (server, client, client2, server.1)"
# interrupt: SIGUSR1 from sockstep, and the accept() gave up (EINTR): the
# program's next call is its report to sockstep, not accept() restarted.
want server 'csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);  -> -1 EINTR (Interrupted system call)  (blocked since [4])' \
  'accept(3, '
awk -v main="$main" '
  prev2 ~ / accept\(3, .*= \? ERESTARTSYS/ && prev1 ~ ("^[0-9.]+ --- SIGUSR1 .*si_pid=" main ",") { found = 1
    if ($0 !~ /^[0-9.]+ sendto\([0-9][0-9][0-9]+, /) restarted = 1 }
  { prev2 = prev1; prev1 = $0 }
  END { exit !(found && !restarted) }' "$tmp/p/server.raw" 2>/dev/null && ok \
  || bad "progs: no accept() in the server's process interrupted by sockstep's SIGUSR1 and not restarted: $(grep -A2 ERESTART "$tmp/p/server.raw" 2>/dev/null | head -n 3)"
slept server '^accept\(3, \{' client '^connect\(3, '
want client 'sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3' 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3'
want client2 'sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3' 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3'
want client2 'connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver));  -> 0' "connect(3, $A(80), $L, 16) = 0"
# fork: the pid sockstep printed is server.1's, forked by the server program.
# (batch output prints no pid, so that it is the same every run: the pid is
# the one of the process named server.1.)
fpid=${PID[server.1]:-}
grep -q "^  server  pid = fork();  -> the child's pid" "$tmp/out" && [ -n "$fpid" ] && ok \
  || bad "progs: sockstep printed no fork() result, or no process is named server.1"
grep -qE "^(clone3?|v?fork)\(.*\) = ${fpid:-x}$" "$tmp/p/server" 2>/dev/null && ok || bad "progs: the server's process made no fork() returning ${fpid:-?}"
want server.1 'close(sock);  -> 0' 'close(3) = 0'
want server 'close(csock);  -> 0' 'close(4) = 0'
want server 'csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);  -> 4' "accept(3, $A("
[ "$(grep -c '^accept(3, {.*) = 4$' "$tmp/p/server" 2>/dev/null)" = 2 ] && ok \
  || bad "progs: the server's two accepts do not both return 4 (the first closed in between): $(grep '^accept' "$tmp/p/server" 2>/dev/null)"
want server.1 'send(csock, "hi", 2, 0);  -> 2' 'sendto(4, "hi", 2, 0, NULL, 0) = 2'
never server.1 '^(socket|accept|listen|bind)\(' "made a socket of its own, though fork() gave it copies"
wantre client 'n = select(4, &readfds, NULL, NULL, NULL);  /* {3} */  -> 1' \
  '^p?select6?\(4, \[3\], NULL, NULL, NULL(, NULL)?\) = 1 \(in \[3\]\)$'
want client 'recv(sock, buffer, 1024, 0);  -> 2' 'recvfrom(3, "hi", 1024, 0, NULL, NULL) = 2'
# nonblock on: O_NONBLOCK by fcntl in client2's process, and only there.
want client2 'fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);  -> 0' 'fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0'
wantre client2 'recv(sock, buffer, 1024, 0);  -> -1 EAGAIN (Resource temporarily unavailable)' \
  '^recvfrom\(3, 0x[0-9a-f]+, 1024, 0, NULL, NULL\) = -1 EAGAIN '
wantre client2 'n = select(4, &readfds, &writefds, NULL, NULL);  /* {3} */  -> 1' \
  '^p?select6?\(4, \[3\], \[3\], NULL, NULL(, NULL)?\) = 1 \(out \[3\]\)$'
for p in server client server.1; do lecture "$p"; done
never client2 'SOCK_NONBLOCK|CLOEXEC|accept4\(' "used a socket flag nobody asked for"
# O_NONBLOCK only from the fcntl that "client2 nonblock on" made:
[ -f "$tmp/p/client2" ] && sed -i '/F_SETFL, O_RDWR|O_NONBLOCK/,$d' "$tmp/p/client2"
never client2 'O_NONBLOCK' "had O_NONBLOCK before \"client2 nonblock on\""

finish
