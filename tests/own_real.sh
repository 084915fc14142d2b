#!/usr/bin/env bash
# own_real.sh - real programs no one here wrote, run as a side's program
# under sockstep in the lab (`SIDE run`, `SIDE continue`, `SIDE input`):
#  - curl fetching a page from sockstep's own server (a non-blocking connect:
#    EINPROGRESS, poll, getsockopt SO_ERROR), and printing it;
#  - python3 connecting to the name "server" (the lab's hosts file, no DNS);
#  - nc (netcat-openbsd) as the client of sockstep's server, and as the
#    server of sockstep's client, its input given with `SIDE input`.
# With --as-nobody, sockstep runs as uid 65534 (root only).
#   own_real.sh SOCKSTEP [--as-nobody]
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
set_runner "${2:-}"

# Before issue 20's engine the command does not exist: nothing to test yet.
if ! "$bin" --help 2>&1 | grep -qE '^ +SIDE run '; then
  echo "SKIP  sockstep --help lists no \"SIDE run\" command: the traced-program engine (issue 20) is not in this build"
  exit 77
fi

. "$(dirname "$0")/own_lib.sh"
# Each program is let go on (continue) until it waits for the other side
# (blocked in a call), as a person at the prompt would.

# ---- curl ---------------------------------------------------------------------
# -q: no ~/.curlrc; --noproxy: an http_proxy in the environment is not asked.
if need curl curl; then
  what="curl fetching a page from sockstep's server"
  own_start curl --net lab
  own "server socket tcp" && own "server bind 200.0.0.2 80" && own "server listen 5" && own "server accept" &&
    own 'client run curl -q -s -S --noproxy "*" http://200.0.0.2/lecture.txt' &&
    own_until client 'send\([0-9]+, "GET /lecture.txt HTTP/1.1.* -> [0-9]+' &&
    own "server recv" &&
    own 'server send "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 24\r\n\r\nSTEP7 accepted, by curl\n"' &&
    own "server close" && own_free client
  own_end
  if own_ok "$what"; then
    out=$tmp/curl.out
    check "curl: its non-blocking connect shown: EINPROGRESS" 'grep -qE "^  client +connect\(.*200\.0\.0\.2, port 80.*-> -1 EINPROGRESS" "$out"'
    check "curl: its wait shown (poll)" 'grep -qE "^  client +poll\(" "$out"'
    check "curl: getsockopt(SO_ERROR) shown" 'grep -qE "^  client +getsockopt\(.*SO_ERROR" "$out"'
    check "curl: its request reached sockstep's server" 'grep -qF "GET /lecture.txt HTTP/1.1" "$out"'
    check "curl: printed the page" 'grep -qE "^  client +\| STEP7 accepted, by curl$" "$out"'
    check "curl: exited with status 0" 'grep -qE "^  client +note: client exited with status 0" "$out"'
  fi
fi

# ---- python3 and the name "server" ------------------------------------------
# /usr/bin/python3: the system's, which uid 65534 may run too.
py=/usr/bin/python3
if [ -x "$py" ] || skip "no /usr/bin/python3 (Debian package python3)"; then
  what="python3 connecting to the name server"
  own_start py --net lab
  own "server socket tcp" && own "server bind 200.0.0.2 80" && own "server listen 5" && own "server accept" &&
    own "client run $py -c \"import socket; s = socket.create_connection(('server', 80)); print('peer', s.getpeername()); s.sendall(b'hola'); print('got', s.recv(100)); s.close()\"" &&
    own_until_blocked client && own "expect server remote 100.0.0.1 *" &&
    own "server recv" && own 'expect server data "hola"' && own 'server send "HOLA"' && own_free client
  own_end
  if own_ok "$what"; then
    out=$tmp/py.out
    check "python3: the name server is 200.0.0.2" "grep -qF \"peer ('200.0.0.2', 80)\" \"\$out\""
    check "python3: connect shown to 200.0.0.2 port 80" 'grep -qE "^  client +connect\([0-9]+, \{AF_INET, 200\.0\.0\.2, port 80\}" "$out"'
    check "python3: got the answer" "grep -qF \"got b'HOLA'\" \"\$out\""
    check "python3: exited with status 0" 'grep -qE "^  client +note: client exited with status 0" "$out"'
    check "python3: no DNS query on the wire" '! grep -qE "^  wire .*:53 " "$out"'
  fi
fi

# ---- nc, both directions -------------------------------------------------------
if need nc netcat-openbsd; then
  # nc the client: its input goes to sockstep's server, the answer to its
  # output. It would wait for the end of its input after the server closes: killed.
  what="nc as the client of sockstep's server"
  own_start nc-client --net lab
  own "server socket tcp" && own "server bind 200.0.0.2 80" && own "server listen 5" && own "server accept" &&
    own "client run nc 200.0.0.2 80" && own_until_blocked client &&
    own "expect server blocked no" && own 'client input "hello from nc\n"' && own_until_blocked client &&
    own "server recv" && own 'expect server data "hello from nc\n"' && own 'server send "hello from sockstep\n"' &&
    own_until_blocked client && own "client kill"
  own_end
  if own_ok "$what"; then
    out=$tmp/nc-client.out
    check "nc client: connect shown" 'grep -qE "^  client +connect\(3, \{AF_INET, 200\.0\.0\.2, port 80\}" "$out"'
    check "nc client: printed the server's line" 'grep -qE "^  client +\| hello from sockstep$" "$out"'
  fi
  # nc the server: it listens; sockstep's client connects and talks with it.
  what="nc as the server of sockstep's client"
  own_start nc-server --net lab
  own "server run nc -l 200.0.0.2 80" && own_until_blocked server &&
    own "client socket tcp" && own "client connect 200.0.0.2 80" && own "expect client result 0" &&
    own 'client send "hello from sockstep\n"' && own_until_blocked server &&
    own 'server input "hello from nc\n"' && own_until_blocked server &&
    own "client recv" && own 'expect client data "hello from nc\n"' && own "client close" && own "server kill"
  own_end
  if own_ok "$what"; then
    out=$tmp/nc-server.out
    check "nc server: listen shown" 'grep -qE "^  server +listen\(3, [0-9]+\) +-> 0" "$out"'
    check "nc server: accept shown, the client's address" 'grep -qE "^  server +accept.*-> [0-9]+" "$out" && grep -qE "100\.0\.0\.1" "$out"'
    check "nc server: printed the client's line" 'grep -qE "^  server +\| hello from sockstep$" "$out"'
  fi
fi

finish
