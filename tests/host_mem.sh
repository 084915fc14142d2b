#!/usr/bin/env bash
# Where an attacker looks (issue h16): in --net host sockstep's capture ring
# receives the machine's frames. Another process of the uid sockstep runs as
# (SUDO_UID, or the user of a setcap copy) tries, for sockstep and each of its
# programs, to read /proc/PID/maps and /proc/PID/mem. No packet socket
# mapping (the TPACKET ring: "socket:[inode]" in maps) may be readable in
# any of them, and no readable memory may hold the secret that a foreign flow
# (root-less web server and client of uid 12345 on 127.0.0.1) carried during
# the run. The programs must have been read (they stay dumpable: sockstep
# borrows their sockets), so that the check is not empty. Also: the runner's
# flag typed by hand on a setcap copy gains no capability.
# Root (CI) runs all of it; without root: SKIP (77), in CI a FAIL.
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_root "a capture on the host, other uids" || finish
for t in setpriv setcap; do
  command -v "$t" >/dev/null || bad "$t not found: expected it (Debian: apt-get install util-linux libcap2-bin)"
done
# A python3 that other uids may run (not one under root's home).
py=/usr/bin/python3; [ -x "$py" ] || py=$(command -v python3)
FOREIGN=(setpriv --reuid=12345 --regid=12345 --clear-groups)
"${FOREIGN[@]}" "$py" -c '' 2>/dev/null && "${NOBODY[@]}" "$py" -c '' 2>/dev/null \
  || bad "python3 (${py:-none}) does not run as uids 12345 and 65534: expected a system python3 (Debian: apt-get install python3)"
[ "$failed" = 0 ] || finish
chmod 755 "$tmp"

# ---- the foreign flow: a web server and a client of uid 12345 ---------------
secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
fport=$((41000 + RANDOM % 1000))
"${FOREIGN[@]}" "$py" - "$fport" >"$tmp/web.log" 2>&1 <<'EOPY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        print("GOT", flush=True)
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOPY
web=$!
# One request every 0.1 s until $tmp/done exists; the secret is an argument,
# not in the environment sockstep inherits.
"${FOREIGN[@]}" "$py" -c "$ASKER_PY" "$fport" "$tmp/done" "$secret" &
client=$!
stop_foreign() { touch "$tmp/done"; wait "$client" 2>/dev/null; kill "$web" 2>/dev/null; wait "$web" 2>/dev/null; }
trap 'stop_foreign; lib_cleanup' EXIT
got() { grep -c '^GOT' "$tmp/web.log" 2>/dev/null; }

# ---- the scanner, run as the uid sockstep acts for --------------------------
# For each PID:NAME, one line: PID NAME maps=readable|refused ring=N
# (readable packet socket mappings) bytes=N (memory read) secret=yes|no.
cat >"$tmp/scan.py" <<'EOPY'
import sys
secret = sys.argv[1].encode()
for arg in sys.argv[2:]:
    pid, name = arg.split(":", 1)
    try:
        maps = open("/proc/%s/maps" % pid).read().splitlines()
    except OSError:
        print(pid, name, "maps=refused ring=0 bytes=0 secret=no"); continue
    ring = read = 0; found = False
    try:
        mem = open("/proc/%s/mem" % pid, "rb", buffering=0)
    except OSError:
        mem = None
    for line in maps:
        f = line.split()
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        if len(f) > 5 and f[5].startswith("socket:"):
            ring += 1
        # Readable regions, up to 1 GiB each (a sanitizer's shadow is larger).
        if mem is None or f[1][0] != "r" or hi - lo > 1 << 30:
            continue
        try:
            mem.seek(lo); data = mem.read(hi - lo)
        except OSError:
            continue
        read += len(data)
        found = found or secret in data
    print(pid, name, "maps=readable ring=%d bytes=%d secret=%s" % (ring, read, "yes" if found else "no"))
EOPY

# run_case LABEL RUNNER...: sockstep --net host --batch (commands on a FIFO,
# so that it lives until the scan is done) with a TCP server and client;
# once both programs answered and the foreign flow went on during the run,
# scan every process as uid 65534.
run_case() {
  local label=$1; shift
  local port=$((42000 + RANDOM % 1000)) pid list
  rm -f "$tmp/in"; mkfifo -m 644 "$tmp/in"
  "$@" --batch --net host --wait 200ms <"$tmp/in" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  exec 7>"$tmp/in"
  printf 'server socket tcp\nserver bind 127.0.0.1 %s\nserver listen\nclient socket tcp\nclient connect 127.0.0.1 %s\nserver accept\nclient send "hola"\nserver recv\n' \
    "$port" "$port" >&7
  local before=-1
  for _ in $(seq 1 400); do
    if [ "$before" = -1 ] && grep -q '^  server  recv(.*-> 4' "$tmp/out"; then before=$(got); fi
    # Five foreign requests after the exchange: the capture saw them.
    [ "$before" != -1 ] && [ "$(got)" -ge $((before + 5)) ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ "$before" = -1 ]; then
    bad "$label: the exchange did not run" "$tmp/err"
  else
    # sockstep and its descendants (lib.sh's proc_tree), as PID:NAME.
    list="$pid:$(cat "/proc/$pid/comm" 2>/dev/null) $(proc_tree "$pid" | awk '{ printf "%s:%s ", $1, $4 }')"
    "${NOBODY[@]}" "$py" "$tmp/scan.py" "$secret" $list >"$tmp/scan" 2>"$tmp/scanerr"
    echo "$label:"; sed 's/^/    /' "$tmp/scan"
    # The processes: sockstep and its two programs, by name.
    for n in server client; do
      grep -q "^[0-9]* $n maps=readable .* bytes=[1-9]" "$tmp/scan" && ok \
        || bad "$label: program $n was not found or not read (the check would be empty)" "$tmp/scan"
    done
    awk -v p="$pid" '$1 == p && $3 == "maps=refused"' "$tmp/scan" | grep -q . && ok \
      || bad "$label: sockstep's own maps are readable by another process of its uid" "$tmp/scan"
    local rings leaks
    rings=$(awk '$4 != "ring=0" { printf "%s%s %s %s", n++ ? "; " : "", $1, $2, $4 }' "$tmp/scan")
    [ -z "$rings" ] && ok || bad "$label: a packet socket mapping (the capture ring) is readable in: $rings"
    leaks=$(awk '$6 == "secret=yes" { printf "%s%s %s", n++ ? "; " : "", $1, $2 }' "$tmp/scan")
    [ -z "$leaks" ] && ok || bad "$label: the foreign flow's secret is in readable memory of: $leaks"
    # Each program: uid 65534 and no capability (the exec regained none).
    local p n st
    while read -r p n _; do
      [ "$p" = "$pid" ] && continue
      st=$(awk '/^Uid:/ { u = $2 $3 $4 } /^Cap(Prm|Eff):/ { c = c " " $2 } END { print u c }' "/proc/$p/status" 2>/dev/null)
      [ "$st" = "655346553465534 0000000000000000 0000000000000000" ] && ok \
        || bad "$label: program $n (pid $p): uid and CapPrm, CapEff are \"$st\", expected uid 65534 and none"
    done <"$tmp/scan"
  fi
  # End of input: sockstep ends once its last command settles (at most 30 s,
  # then it is killed and said).
  exec 7>&-
  WAIT_TRIES=600 wait_until eval '! kill -0 "$pid" 2>/dev/null' \
    || { bad "$label: sockstep did not end within 30 s of the end of its input" "$tmp/err"; kill -KILL "$pid"; }
  wait "$pid"
  grep -q '^  server  recv(.*-> 4' "$tmp/out" && grep -q '\[SYN\]' "$tmp/out" && ok \
    || bad "$label: no exchange or no capture in the transcript" "$tmp/err"
}

# As by sudo: root opens the capture, then becomes uid 65534.
run_case "sudo" env SUDO_UID=65534 SUDO_GID=65534 "$bin"

# A setcap copy started by uid 65534 (no SUDO_UID), where file capabilities work.
if priv_dir && cp "$bin" "$PRIV_DIR/sockcap" && chmod 755 "$PRIV_DIR/sockcap" &&
   setcap cap_net_raw+ep "$PRIV_DIR/sockcap" 2>"$tmp/setcap.err"; then
  run_case "setcap" "${NOBODY[@]}" "$PRIV_DIR/sockcap"
  # The runner's flag typed by hand, on a working control channel: whatever
  # it runs, it runs without the file's capability.
  "${NOBODY[@]}" "$py" - "$PRIV_DIR/sockcap" >"$tmp/hand" 2>&1 <<'EOPY'
import os, socket, subprocess, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
p = subprocess.Popen([sys.argv[1], "--prog-runner", str(b.fileno()), "hand", str(os.getpid())],
                     pass_fds=[b.fileno()], stderr=subprocess.DEVNULL)
a.settimeout(10)
try:
    a.recv(70000)
    caps = [l.split()[1] for l in open("/proc/%d/status" % p.pid) if l.startswith(("CapPrm", "CapEff"))]
    print("caps", *caps)
except OSError as e:
    print("no hello:", e)
a.close(); p.wait()
EOPY
  grep -qx 'caps 0000000000000000 0000000000000000' "$tmp/hand" && ok \
    || bad "setcap copy, --prog-runner typed by uid 65534: capabilities kept (expected none)" "$tmp/hand"
else
  # Some file systems (overlay without xattrs, tmpfs on old kernels) refuse file capabilities.
  skip "setcap: no directory here where a file capability takes effect (tried $tmp, /var/tmp, $(dirname "$bin")) $(cat "$tmp/setcap.err" 2>/dev/null)"
fi

stop_foreign
n=$(got)
[ "$n" -ge 10 ] && ok || bad "foreign flow: the web server got $n requests during the run (test setup)"
finish
