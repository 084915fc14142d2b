#!/usr/bin/env bash
# The calls really happen: run the golden TCP and UDP scripts under strace -f
# and find each system call with the arguments sockstep printed for it.
set -u
bin=$1 dir=$2
command -v strace >/dev/null || { echo "strace not installed"; exit 77; }
. "$(dirname "$0")/lib.sh"
trace() { # shellcheck disable=SC2046
  strace -f -qq -e trace=socket,bind,listen,accept4,connect,sendto,recvfrom,shutdown,setsockopt,close \
  -o "$tmp/trace" "$bin" --batch $(sed -n 's/^# sockstep-options: //p' "$1") --script "$1" >"$tmp/out" 2>"$tmp/err"
  sed -Ei "s/\) +=/) =/" "$tmp/trace"; }
want() { # the sockstep line (fixed string) and the system call (fixed string) it must match
  if ! grep -qF -- "$1" "$tmp/out"; then bad "sockstep did not print: $1"; return; fi
  if ! grep -qF -- "$2" "$tmp/trace"; then bad "strace shows no: $2"; return; fi
  ok
}
A='{sa_family=AF_INET, sin_port=htons'
trace "$dir/tcp.script"
want 'sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3' 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_TCP) = 3'
want 'echoserver.sin_port = htons(80);' "bind(3, $A(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0"
want 'listen(sock, 5);  -> 0' 'listen(3, 5) = 0'
want 'sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 4' 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_TCP) = 4'
want 'echoclient.sin_port = htons(9000);' "bind(4, $A(9000), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0"
want 'connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver));  -> blocked' "connect(4, $A(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 EINPROGRESS"
want 'csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);  -> 5' "accept4(3, $A(9000), sin_addr=inet_addr(\"127.0.0.1\")}, [16], SOCK_CLOEXEC|SOCK_NONBLOCK) = 5"
want 'send(sock, "hola", 4, 0);  -> 4' 'sendto(4, "hola", 4, 0, NULL, 0) = 4'
want 'recv(csock, buffer, 1024, 0);  -> 4' 'recvfrom(5, "hola", 1024, 0, NULL, NULL) = 4'
want 'send(csock, "HOLA", 4, 0);  -> 4' 'sendto(5, "HOLA", 4, 0, NULL, 0) = 4'
want 'recv(sock, buffer, 1024, 0);  -> 4' 'recvfrom(4, "HOLA", 1024, 0, NULL, NULL) = 4'
want 'recv(csock, buffer, 1024, 0);  -> 0' 'recvfrom(5, "", 1024, 0, NULL, NULL) = 0'
want 'close(csock);  -> 0' 'close(5) = 0'
want 'close(sock);  -> 0' 'close(4) = 0'
trace "$dir/udp.script"
want 'sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);  -> 3' 'socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_UDP) = 3'
want 'recvfrom(sock, buffer, 1024, 0, (struct sockaddr *)&echoclient, &clientlen);  -> blocked' 'recvfrom(3, 0x'
want 'sendto(sock, "hola", 4, 0, (struct sockaddr *)&echoserver, sizeof(echoserver));  -> 4' "sendto(4, \"hola\", 4, 0, $A(5000), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 4"
want 'recvfrom(sock, buffer, 1024, 0, (struct sockaddr *)&echoclient, &clientlen);  -> 4' "recvfrom(3, \"hola\", 1024, 0, $A(9000), sin_addr=inet_addr(\"127.0.0.1\")}, [16]) = 4"
want 'connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver));  -> 0' "connect(4, $A(5000), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0"
finish
