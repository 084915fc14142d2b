#!/usr/bin/env bash
# --net host: the machine's own stack. With the right to capture (root), the
# wire shows only sockstep's own frames and root is dropped after the capture
# is open (a port below 1024 is then refused); without it, one line says why
# and everything else works. Traffic stays on 127.0.0.1.
set -u
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
fails=0 passed=0
ok() { passed=$((passed+1)); }
bad() { echo "FAIL: $*"; fails=$((fails+1)); }
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
setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" --batch --net host --wait 200ms --script "$tmp/s" \
  >"$tmp/out" 2>"$tmp/err"
[ "$(grep -c 'needs root or cap_net_raw' "$tmp/err")" = 1 ] && ok || { bad "nobody: no one-line reason"; cat "$tmp/err"; }
grep -q "expect client state ESTABLISHED: ok" "$tmp/out" && ok || bad "nobody: the sockets did not work without capture"
grep -q "EACCES" "$tmp/out" && ok || bad "nobody: bind to port 80 did not fail with EACCES"
echo "$passed passed, $fails failed"
[ "$fails" = 0 ]
