#!/usr/bin/env bash
# --net host: the machine's own stack. With the right to capture (root), the
# wire shows only sockstep's own frames and root is dropped after the capture
# is open (a port below 1024 is then refused); without it, one line says why
# and everything else works. Traffic stays on 127.0.0.1.
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
port=$((38000 + RANDOM % 1000))
cat >"$tmp/s" <<EOS
server socket tcp
server bind 127.0.0.1 $port
server listen
client socket tcp
client connect 127.0.0.1 $port
expect client state ESTABLISHED
server accept
client close
server close
server close
server socket tcp
server bind 127.0.0.1 80
EOS
chmod 644 "$tmp/s"
if [ "$(id -u)" = 0 ]; then
  "$bin" --batch --net host --wait 200ms --script "$tmp/s" >"$tmp/out" 2>"$tmp/err"
  grep -q "\[SYN\]" "$tmp/out" && ok || bad "root: no SYN on the host's wire"
  grep -q "\[FIN, ACK\]" "$tmp/out" && ok || bad "root: no FIN on the host's wire"
  grep -q "expect client state ESTABLISHED: ok" "$tmp/out" && ok || bad "root: no connection"
  # Only our frames: every frame line names our port.
  if grep "^  wire    #" "$tmp/out" | grep -vq ":$port"; then bad "root: frames of other sockets shown"; else ok; fi
  grep -q "EACCES" "$tmp/out" && ok || bad "root was not dropped: bind to port 80 did not fail with EACCES"
fi
# Another process's flow on the port sockstep binds (issue 8, item 1): root's
# web server on 127.0.0.1:$fport (TCP) is sent requests with an Authorization
# header while sockstep, started as by sudo, has UDP 0.0.0.0:$fport and saves
# the wire. Neither the pcap nor the transcript may hold any of it; sockstep's
# own datagram must be there.
[ "$(id -u)" = 0 ] || echo "skip: the foreign-flow check needs root (a capture on the host)"
[ "$(id -u)" != 0 ] || command -v python3 >/dev/null ||
  bad "python3 not found: expected it for the foreign HTTP flow (Debian: apt-get install python3)"
if [ "$(id -u)" = 0 ] && command -v python3 >/dev/null; then
  fport=$((39000 + RANDOM % 1000))
  chmod 777 "$tmp"
  python3 - "$fport" >"$tmp/web.log" 2>&1 <<'EOPY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        print("GOT", self.headers.get("Authorization"), flush=True)
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOPY
  web=$!
  cat >"$tmp/f" <<EOS
server socket udp
server bind 0.0.0.0 $fport
client socket udp
client sendto 127.0.0.1 $fport "hola"
server recvfrom
wait 4s
wire save $tmp/f.pcap
EOS
  chmod 644 "$tmp/f"
  # The foreign client: one request every 0.2 s until sockstep is done.
  python3 - "$fport" "$tmp/done" <<'EOPY' &
import os, sys, time, urllib.request
while not os.path.exists(sys.argv[2]):
    try:
        urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/" % sys.argv[1],
            headers={"Authorization": "Basic c2VjcmV0OmhvbGE="}), timeout=2).read()
    except Exception:
        pass
    time.sleep(0.2)
EOPY
  client=$!
  SUDO_UID=65534 SUDO_GID=65534 "$bin" --batch --net host --wait 200ms --script "$tmp/f" >"$tmp/fout" 2>"$tmp/ferr"
  touch "$tmp/done"; wait "$client"; kill "$web"; wait "$web" 2>/dev/null
  got=$(grep -c "^GOT Basic" "$tmp/web.log")
  [ "$got" -ge 2 ] && ok || bad "foreign flow: the web server got $got requests during the run (test setup)"
  "$bin" --read "$tmp/f.pcap" >"$tmp/fread" 2>&1
  grep -q "UDP 127.0.0.1:[0-9]* → 127.0.0.1:$fport len=4" "$tmp/fread" && ok || { bad "foreign flow: sockstep's own datagram is not in the saved pcap"; cat "$tmp/fread" "$tmp/ferr"; }
  if grep -q "TCP" "$tmp/fread"; then bad "foreign flow: the saved pcap holds another process's TCP frames:"; grep TCP "$tmp/fread" | head -3; else ok; fi
  if grep -aq "c2VjcmV0OmhvbGE=" "$tmp/f.pcap"; then bad "foreign flow: the Authorization header is in the saved pcap"; else ok; fi
  if grep -q "TCP" "$tmp/fout"; then bad "foreign flow: the transcript shows another process's frames"; else ok; fi
  grep -q "UDP 127.0.0.1:[0-9]* → 127.0.0.1:$fport len=4" "$tmp/fout" && ok || bad "foreign flow: the transcript lacks sockstep's own datagram"
fi
# What refers to our sockets still shows: the ICMP error quoting our datagram,
# the RST refusing our connect.
if [ "$(id -u)" = 0 ]; then
  printf 'client socket udp\nclient sendto 127.0.0.1 9 "hola"\nclient socket tcp\nclient connect 127.0.0.1 9\n' >"$tmp/i"
  chmod 644 "$tmp/i"
  SUDO_UID=65534 SUDO_GID=65534 "$bin" --batch --net host --wait 200ms --script "$tmp/i" >"$tmp/iout" 2>&1
  grep -q "ICMP 127.0.0.1 → 127.0.0.1 destination unreachable (port unreachable) for UDP 127.0.0.1:[0-9]* → 127.0.0.1:9" \
    "$tmp/iout" && ok || bad "our datagram's ICMP port unreachable is not shown"
  grep -q "TCP 127.0.0.1:9 → 127.0.0.1:[0-9]* \[RST, ACK\]" "$tmp/iout" && ok || bad "the RST refusing our connect is not shown"
fi
"${NOBODY[@]}" "$bin" --batch --net host --wait 200ms --script "$tmp/s" \
  >"$tmp/out" 2>"$tmp/err"
[ "$(grep -c 'needs root or cap_net_raw' "$tmp/err")" = 1 ] && ok || bad "nobody: no one-line reason" "$tmp/err"
grep -q "expect client state ESTABLISHED: ok" "$tmp/out" && ok || bad "nobody: the sockets did not work without capture"
grep -q "EACCES" "$tmp/out" && ok || bad "nobody: bind to port 80 did not fail with EACCES"
finish
