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

# batch NAME: sockstep --batch --net lab on $tmp/NAME.script; output in
# $tmp/NAME.out, stderr $tmp/NAME.err; status 0 when it exited 0, wrote
# nothing to stderr (else a FAIL line says so).
batch() {
  local rc
  "${run[@]}" --batch --net lab --wait 2s --script "$tmp/$1.script" >"$tmp/$1.out" 2>"$tmp/$1.err"
  rc=$?
  if [ "$rc" = 0 ] && [ ! -s "$tmp/$1.err" ]; then ok "$2: batch exit 0"; return 0; fi
  bad "$2: batch exit $rc$([ -s "$tmp/$1.err" ] && echo ', stderr:')" "$tmp/$1.err"
  show "$tmp/$1.out"
  return 1
}

# ---- curl ---------------------------------------------------------------------
# -q: no ~/.curlrc; --noproxy: an http_proxy in the environment is not asked.
if need curl curl; then
  cat >"$tmp/curl.script" <<'EOF'
server socket tcp
server bind 200.0.0.2 80
server listen 5
server accept
client run curl -q -s -S --noproxy "*" http://200.0.0.2/lecture.txt
client continue
expect server blocked no
server recv
server send "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 24\r\n\r\nSTEP7 accepted, by curl\n"
server close
client continue
EOF
  if batch curl "curl fetching a page from sockstep's server"; then
    out=$tmp/curl.out
    check "curl: its non-blocking connect shown: EINPROGRESS" 'grep -qE "connect\(.*200\.0\.0\.2, port 80.*-> -1 EINPROGRESS" "$out"'
    check "curl: its wait shown (poll)" 'grep -qE "^ +client +.*poll\(" "$out"'
    check "curl: getsockopt(SO_ERROR) shown" 'grep -qE "getsockopt\(.*SO_ERROR" "$out"'
    check "curl: its request reached sockstep's server" 'grep -qF "GET /lecture.txt HTTP/1.1" "$out"'
    check "curl: printed the page" 'grep -qF "STEP7 accepted, by curl" "$out"'
    check "curl: exited with status 0" 'grep -qiE "client.*exit(ed)?( with)? (status|code) 0" "$out"'
  fi
fi

# ---- python3 and the name "server" ------------------------------------------
# /usr/bin/python3: the system's, which uid 65534 may run too.
py=/usr/bin/python3
if [ -x "$py" ] || skip "no /usr/bin/python3 (Debian package python3)"; then
  cat >"$tmp/py.script" <<EOF
server socket tcp
server bind 200.0.0.2 80
server listen 5
server accept
client run $py -c "import socket; s = socket.create_connection(('server', 80)); print('peer', s.getpeername()); s.sendall(b'hola'); print('got', s.recv(100)); s.close()"
client continue
expect server remote 100.0.0.1 *
server recv
expect server data "hola"
server send "HOLA"
client continue
EOF
  if batch py "python3 connecting to the name server"; then
    out=$tmp/py.out
    check "python3: the name server is 200.0.0.2" 'grep -qF "peer ('"'"'200.0.0.2'"'"', 80)" "$out"'
    check "python3: connect shown to 200.0.0.2 port 80" 'grep -qE "^ +client +.*connect\(3, \{AF_INET, 200\.0\.0\.2, port 80\}" "$out"'
    check "python3: got the answer" 'grep -qF "got b'"'"'HOLA'"'"'" "$out"'
    check "python3: exited with status 0" 'grep -qiE "client.*exit(ed)?( with)? (status|code) 0" "$out"'
    check "python3: no DNS query on the wire" '! grep -qE ":53 |\.53 " "$out"'
  fi
fi

# ---- nc, both directions -------------------------------------------------------
if need nc netcat-openbsd; then
  # nc the client: its input goes to sockstep's server, the answer to its output.
  # It would wait for the end of its input after the server closes: killed.
  cat >"$tmp/nc-client.script" <<'EOF'
server socket tcp
server bind 200.0.0.2 80
server listen 5
server accept
client run nc 200.0.0.2 80
client continue
expect server blocked no
client input "hello from nc\n"
client continue
server recv
expect server data "hello from nc\n"
server send "hello from sockstep\n"
client continue
server close
client kill
EOF
  if batch nc-client "nc as the client of sockstep's server"; then
    out=$tmp/nc-client.out
    check "nc client: connect shown" 'grep -qE "^ +client +.*connect\(3, \{AF_INET, 200\.0\.0\.2, port 80\}" "$out"'
    check "nc client: printed the server's line" 'grep -qF "hello from sockstep" "$out"'
  fi
  # nc the server: it listens; sockstep's client connects and talks with it.
  cat >"$tmp/nc-server.script" <<'EOF'
server run nc -l 200.0.0.2 80
server continue
expect server blocked yes
client socket tcp
client connect 200.0.0.2 80
expect client result 0
expect client state ESTABLISHED
client send "hello from sockstep\n"
server input "hello from nc\n"
server continue
client recv
expect client data "hello from nc\n"
client close
server kill
EOF
  if batch nc-server "nc as the server of sockstep's client"; then
    out=$tmp/nc-server.out
    check "nc server: listen shown" 'grep -qE "^ +server +.*listen\(3, [0-9]+\) +-> 0" "$out"'
    check "nc server: accept shown, the client's address" 'grep -qE "^ +server +.*accept.*100\.0\.0\.1" "$out"'
    check "nc server: printed the client's line" 'grep -qF "hello from sockstep" "$out"'
  fi
fi

finish
