#!/usr/bin/env bash
# What sockstep promises about privileges (sockstep(1), PRIVILEGES), checked
# the way a user would check it:
#  - started as root by sudo, the files named on the command line are opened
#    with SUDO_UID's rights: a root-only directory or file is refused in one
#    line, nothing is created there (also through a symlink), and a root-only
#    script's content is never printed;
#  - in --net host, once the capture is open no capability is left (root as
#    by sudo, and a non-root user with 'setcap cap_net_raw+ep'), read from
#    /proc/PID/status of the running process; other processes of the same uid
#    cannot open its descriptors;
#  - descriptors 0, 1 and 2 are made valid first: with stdout closed, the
#    transcript does not become the payload of a TCP connection;
#  - under 'ulimit -n 64' the lab and loopback modes run; below what they
#    need, one line says how many descriptors that is.
#   priv.sh SOCKSTEP          as an unprivileged user (uid 65534 when run as root)
#   priv.sh SOCKSTEP --root   the sudo and setcap checks, and descriptors 0-2
#                             and the limit as root: SKIP when not root (FAIL in CI)
set -u
bin=$(realpath "$1") part=${2:-}
. "$(dirname "$0")/lib.sh"
[ "$part" != --root ] || need_root "the sudo and setcap checks, and the runs as root" || finish
mkdir -m 777 "$tmp/w"        # where uid 65534 may write
root=0; [ "$(id -u)" = 0 ] && root=1
asuser=(env SUDO_UID=65534 SUDO_GID=65534)

# A script every mode can run: a TCP exchange on loopback, then a pause.
port=$((40000 + RANDOM % 1000))
cat >"$tmp/tcp" <<EOS
server socket tcp
server bind 127.0.0.1 $port
server listen
client socket tcp
client connect 127.0.0.1 $port
server accept
client send "hola"
server recv
EOS
sed "s/127.0.0.1/200.0.0.2/" "$tmp/tcp" >"$tmp/tcp-lab"
chmod 644 "$tmp/tcp" "$tmp/tcp-lab"

# ---- files named on the command line, under sudo (item 3)
if [ "$part" = --root ]; then
  priv=$(mktemp -d)          # root's, mode 700
  pub=$tmp/pub; mkdir -m 777 "$pub"
  printf 'TOPSECRET-1 root:$6$abc\nTOPSECRET-2\n' >"$priv/secret"; chmod 600 "$priv/secret"
  cp "$priv/secret" "$pub/secret"; chmod 600 "$pub/secret"   # root's 0600 file in a public place
  ln -s "$priv/made" "$pub/link"
  refused() { # name, status, what must not exist, command...
    local name=$1 want=$2 gone=$3; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e" </dev/null; local rc=$?
    [ "$rc" = "$want" ] && ok || bad "$name: exit $rc, expected $want"
    [ "$(wc -l <"$tmp/e")" = 1 ] && ok || bad "$name: expected one line on stderr:" "$tmp/e"
    grep -q "uid 65534.*may not open it" "$tmp/e" && ok || bad "$name: the line does not say the user may not open it:" "$tmp/e"
    if [ -n "$gone" ] && [ -e "$gone" ]; then bad "$name: $gone was created"; ls -l "$gone"; else ok; fi
    if grep -q TOPSECRET "$tmp/o" "$tmp/e"; then bad "$name: the file's content was printed"; else ok; fi
  }
  refused "--write into a root-only directory" 2 "$priv/w.pcap" \
    "${asuser[@]}" "$bin" --batch --net loopback --write "$priv/w.pcap" --script "$tmp/tcp"
  refused "--write through a symlink into a root-only directory" 2 "$priv/made" \
    "${asuser[@]}" "$bin" --batch --net loopback --write "$pub/link" --script "$tmp/tcp"
  refused "--script of a root-only file" 2 "" "${asuser[@]}" "$bin" --batch --script "$priv/secret"
  refused "--script of a root 0600 file in a public directory" 2 "" "${asuser[@]}" "$bin" --batch --script "$pub/secret"
  refused "--read of a root-only file" 1 "" "${asuser[@]}" "$bin" --read "$pub/secret"
  # --log belongs to the screen: give it a terminal.
  TERM=xterm timeout 20 script -qec "env SUDO_UID=65534 SUDO_GID=65534 '$bin' --net loopback --log '$pub/link' 2>'$tmp/e'" \
    /dev/null </dev/null >/dev/null 2>&1
  if [ -e "$priv/made" ]; then bad "--log through a symlink: $priv/made was created"; else ok; fi
  grep -q "cannot open log .*uid 65534.*may not open it" "$tmp/e" && ok || bad "--log through a symlink: no clear line" "$tmp/e"
  # And what the user may write is written, and is the user's.
  "${asuser[@]}" "$bin" --batch --net loopback --write "$pub/mine.pcap" --script "$tmp/tcp" >/dev/null 2>&1
  [ "$(stat -c %u "$pub/mine.pcap" 2>/dev/null)" = 65534 ] && ok || bad "--write under sudo: the file is not the user's"
  # Each program execs sockstep's own file as that user: a file only root
  # may execute stops the first program with one line naming the file and
  # the fix, and status 1.
  cp "$bin" "$priv/ss"; chmod 700 "$priv/ss"
  "${asuser[@]}" "$priv/ss" --batch --net loopback --script "$tmp/tcp" >"$tmp/o" 2>"$tmp/e"
  rc=$?
  [ "$rc" = 1 ] && grep -q "cannot start the program: exec of sockstep's own file $priv/ss: EACCES.*chmod 755" "$tmp/e" \
    && ok || bad "a root-only sockstep file under sudo: exit $rc, expected 1 and one line naming the file and chmod:" "$tmp/e"
  rm -rf "$priv"
fi

# ---- capabilities after the capture is open (item 2), non-dumpable (item 4)
# caps PID: one sample of the capability sets of a running sockstep, "" if gone.
caps() { awk '/^Cap(Inh|Prm|Eff|Amb)/ { printf "%s=%s ", $1, $2 }' "/proc/$1/status" 2>/dev/null; }
# watch PID NAME: wait until the process NAME has no capability left; 0 once seen.
watch() {
  local pid=$1 name=$2 i
  for i in $(seq 1 300); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "${name:0:15}" ] || { sleep 0.05; continue; }
    last=$(caps "$pid")
    [ -n "$last" ] || return 1
    if ! echo "$last" | grep -qv '=0000000000000000 *$' && [ "$(echo "$last" | grep -o '=0000000000000000' | wc -l)" = 4 ]; then
      return 0
    fi
    sleep 0.05
  done
  return 1
}
cat >"$tmp/hostwait" <<EOS
client socket udp
client sendto 127.0.0.1 $port "hola"
wait 3s
EOS
chmod 644 "$tmp/hostwait"
# The root part: the sudo files above, the setcap and sudo captures here.
if [ "$part" = --root ]; then
  # The privilege checks are the point of this test: a missing tool fails it.
  if ! command -v setcap >/dev/null; then
    bad "setcap not found: expected it for the cap_net_raw checks (Debian: apt-get install libcap2-bin)"
  elif ! priv_dir; then
    skip "setcap: no directory here where a file capability takes effect (tried $tmp, /var/tmp, $(dirname "$bin"))"
  else
    cp "$bin" "$PRIV_DIR/sockcap"; chmod 755 "$PRIV_DIR/sockcap"
    setcap cap_net_raw+ep "$PRIV_DIR/sockcap"
    "${NOBODY[@]}" "$PRIV_DIR/sockcap" --batch --net host --script "$tmp/hostwait" >"$tmp/co" 2>"$tmp/ce" &
    pid=$!
    last=""
    if watch "$pid" sockcap; then ok; else bad "setcap cap_net_raw+ep, as uid 65534: capabilities still held: $last"; fi
    # Another process of the same uid may not open its descriptors (the capture).
    if "${NOBODY[@]}" ls "/proc/$pid/fd" >/dev/null 2>&1; then
      kill -0 "$pid" 2>/dev/null && bad "setcap: another uid 65534 process can list its descriptors" || ok
    else ok; fi
    wait "$pid"
    grep -q "UDP 127.0.0.1:[0-9]* → 127.0.0.1:$port len=4" "$tmp/co" && ok \
      || bad "setcap: the capture did not work" "$tmp/ce"
  fi
  # Root as by sudo: uid 65534 and nothing left, not even in the bounding set.
  "${asuser[@]}" "$bin" --batch --net host --script "$tmp/hostwait" >"$tmp/co" 2>"$tmp/ce" &
  pid=$!
  last=""
  if watch "$pid" "$(basename "$bin")"; then ok; else bad "sudo --net host: capabilities still held: $last"; fi
  bnd=$(awk '/^CapBnd/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
  [ "$bnd" = 0000000000000000 ] && ok || bad "sudo --net host: bounding set not emptied ($bnd)"
  [ "$(awk '/^Uid/ { print $2 $3 $4 }' "/proc/$pid/status" 2>/dev/null)" = 655346553465534 ] && ok \
    || bad "sudo --net host: not running as SUDO_UID"
  wait "$pid"
  grep -q "UDP 127.0.0.1:[0-9]* → 127.0.0.1:$port len=4" "$tmp/co" && ok || bad "sudo --net host: no capture" "$tmp/ce"
fi

# Who the checks below run as: root (--root), else an unprivileged user:
# uid 65534 when the test runs as root, the user running it otherwise.
if [ "$part" = --root ]; then who=root pre=()
elif [ "$root" = 1 ]; then who=nobody pre=("${NOBODY[@]}")
else who="uid $(id -u)" pre=(); fi

# Another process of the same uid (the unprivileged user's) may not open
# sockstep's descriptors or read its memory, in every mode (item 4).
printf 'client socket udp\nwait 4s\n' >"$tmp/idle"; chmod 644 "$tmp/idle"
for mode in lab loopback host; do
  [ "$part" = --root ] && break # root may open anything
  "${pre[@]}" "$bin" --batch --net "$mode" --script "$tmp/idle" >/dev/null 2>&1 &
  pid=$!
  # Refused from the moment start-up is done: wait for that, as long as it runs.
  closed=0
  while kill -0 "$pid" 2>/dev/null; do
    if ! "${pre[@]}" ls "/proc/$pid/fd" >/dev/null 2>&1 && ! "${pre[@]}" cat "/proc/$pid/environ" >/dev/null 2>&1 \
       && kill -0 "$pid" 2>/dev/null; then closed=1; break; fi
    sleep 0.05
  done
  [ "$closed" = 1 ] && ok || bad "--net $mode: another process of its uid can open its descriptors"
  wait "$pid"
done

# ---- descriptors 0, 1 and 2 closed (item 12)
# With stdout closed the first socket would be descriptor 1, and the
# transcript (more than a buffer of it) its payload: only the script's own 4
# bytes may cross the wire.
{ printf 'client socket tcp\nserver socket tcp\nserver bind 127.0.0.1 %s\nserver listen\n' "$port"
  printf 'client connect 127.0.0.1 %s\nserver accept\n' "$port"
  for i in $(seq 1 60); do echo "htons $i"; done
  printf 'client send "hola"\nserver recv\n'; } >"$tmp/long"
chmod 644 "$tmp/long"
payload() { "$bin" --read "$1" 2>/dev/null | awk '/^ *[0-9]+ .* TCP / { for (i = 1; i <= NF; i++) if ($i ~ /^len=/) { sub("len=", "", $i); n += $i } } END { print n + 0 }'; }
rm -f "$tmp/w/c.pcap"
"${pre[@]}" "$bin" --batch --net loopback --write "$tmp/w/c.pcap" <"$tmp/long" >&- 2>"$tmp/e"
rc=$?
[ "$rc" = 0 ] && ok || bad "$who, stdout closed: exit $rc" "$tmp/e"
n=$(payload "$tmp/w/c.pcap")
[ "$n" = 4 ] && ok || bad "$who, stdout closed: $n payload bytes crossed the wire, expected the 4 of \"hola\""
"${pre[@]}" "$bin" --batch --net loopback --script "$tmp/tcp" <&- >"$tmp/o" 2>&-
grep -q 'recv(.*-> 4' "$tmp/o" && ok || bad "$who, stdin and stderr closed: the exchange did not run"

# ---- a low descriptor limit (item 16)
for mode in lab loopback; do
  s=$tmp/tcp; [ "$mode" = lab ] && s=$tmp/tcp-lab
  (ulimit -n 64 && exec "${pre[@]}" "$bin" --batch --net "$mode" --script "$s") >"$tmp/o" 2>"$tmp/e"
  rc=$?
  [ "$rc" = 0 ] && grep -q 'recv(.*-> 4' "$tmp/o" && ok \
    || bad "$who, ulimit -n 64, --net $mode: exit $rc, no exchange" "$tmp/e"
  # Each side is a program: its first socket is 3, the accepted one 4.
  grep -q '^  server  sock = socket(.*-> 3$' "$tmp/o" && grep -q '^  client  sock = socket(.*-> 3$' "$tmp/o" \
    && grep -q '^  server  .*accept(.*-> 4$' "$tmp/o" && ok \
    || bad "$who, ulimit -n 64, --net $mode: the sockets do not start at 3 (server 3 and 4, client 3)"
done
(ulimit -n 20 && exec "${pre[@]}" "$bin" --batch --net loopback --script "$tmp/tcp") >"$tmp/o" 2>"$tmp/e"
rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/e")" = 1 ] && grep -q "needs 32 open file descriptors and the limit is 20" "$tmp/e" && ok \
  || bad "$who, ulimit -n 20: exit $rc, expected one line naming 32 descriptors:" "$tmp/e"

finish
