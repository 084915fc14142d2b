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
#  3. the lab (and loopback): the program runs as the user the lab maps (uid
#     0 of its user namespace, the user outside), with no capability, yet
#     binds the lecture's port 80; it holds descriptors 0 1 2 only and no
#     capture ring;
#  4. what cannot be traced is refused with one line and nothing changes:
#     not found, a directory, not executable, not a program, a 32-bit or a
#     foreign ELF, and a system where ptrace is forbidden (a seccomp filter
#     as a container's, tests/noptrace.c; Yama's sysctl as read).
# With --as-nobody, sockstep runs as uid 65534; with --sudo, as root with
# SUDO_UID=4242 (as sudo starts it), so the programs run as 4242.
#   traced_modes.sh SOCKSTEP TRACED_CLIENT NOPTRACE [--as-nobody|--sudo]
set -u
bin=$(realpath "$1") noptrace=$(realpath "$3")
. "$(dirname "$0")/lib.sh"
mode=${4:-}
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


# ---- 2. --net host ----------------------------------------------------------
# status_of PID: the lines of /proc/PID/status that say who it is and what it may.
status_of() { grep -E '^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' "/proc/$1/status" 2>/dev/null; }
# no_caps FILE UID: FILE (status_of's) says uid UID everywhere and no capability at all.
no_caps() {
  grep -qE "^Uid:\s+$2\s+$2\s+$2\s+$2$" "$1" && grep -qE "^CapEff:\s+0+$" "$1" &&
    grep -qE "^CapPrm:\s+0+$" "$1" && grep -qE "^CapAmb:\s+0+$" "$1"
}
# pid_of NAME SIDE: the pid in "SIDE runs ... (pid N)" of own_start NAME's output.
pid_of() { sed -n "s/^  $2 .* runs .* (pid \([0-9]*\)).*/\1/p" "$tmp/$1.out" | tail -n 1; }

# privileges NAME MODE WHAT: in own_start NAME (--net MODE), the traced client
# stopped before its first call: its uid is $user, it has no capability, it
# holds 0 1 2 only and no capture ring (sockstep's own maps show its rings
# as socket mappings, where it captures); then "id -u" run traced prints
# WHAT (the uid it sees).
privileges() {
  local name=$1 net=$2 want=$3 pid fds
  own "client run $client 127.0.0.1 9" || return
  pid=$(pid_of "$name" client)
  if [ -z "$pid" ] || ! status_of "$pid" >"$tmp/$name.status"; then
    bad "$net: no pid of the traced client in its note" "$tmp/$name.out"; return
  fi
  check "$net: stopped before its first call, the program runs as uid $user with no capability" \
    'no_caps "$tmp/$name.status" "$user" && grep -qE "^NoNewPrivs:\s+1$" "$tmp/$name.status"' || show "$tmp/$name.status"
  cat "/proc/$pid/uid_map" >"$tmp/$name.uid_map"
  fds=$(ls "/proc/$pid/fd" 2>/dev/null | sort -n | tr '\n' ' ')
  check "$net: it holds descriptors 0 1 2 only (got: $fds)" '[ "$fds" = "0 1 2 " ]'
  if [ "$net" != host ] || [ $capture = yes ]; then
    check "$net: sockstep's capture ring is a socket mapping of its own, none in the program's" \
      'grep -q "socket:\[" "/proc/$OWN_PID_/maps" && ! grep -q "socket:\[" "/proc/$pid/maps"'
  else
    check "$net: no socket mapping in the program's memory" '! grep -q "socket:\[" "/proc/$pid/maps"'
  fi
  own "client kill"
  own "client run id -u" && own_free client
  check "$net: \"id -u\" run traced prints $want" 'grep -qxF "  client  | $want" "$tmp/$name.out"' ||
    show "$tmp/$name.out"
}

own_start host-priv --net host
privileges host-priv host "$user"
own_end
if [ $capture = no ]; then
  check "host: without the right to capture, one line says why; the program still ran" \
    'grep -q "capturing on the host needs root or cap_net_raw" "$tmp/host-priv.err" && [ "$(wc -l <"$tmp/host-priv.err")" = 1 ]' ||
    show "$tmp/host-priv.err"
fi

# A traced server and a traced client on the host's stack, while uid 12345
# (another user) has a TCP connection of its own on 127.0.0.1 that carries a
# secret both ways: every frame of the two programs is captured (the filter
# knows their sockets as it knows sockstep's own), none of the other's.
if [ $capture = yes ]; then
  port=$((43000 + RANDOM % 1000)) fport=$((44000 + RANDOM % 1000))
  chmod 777 "$tmp"
  other_py=$(setpriv --reuid=12345 --regid=12345 --clear-groups bash -c 'command -v python3')
  setpriv --reuid=12345 --regid=12345 --clear-groups "${other_py:-python3}" - "$fport" "$tmp/ready" "$tmp/done" \
    >"$tmp/other.log" 2>&1 <<'EOPY' &
import os, socket, sys, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", int(sys.argv[1]))); l.listen(1)
c = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); a, _ = l.accept()
open(sys.argv[2], "w").close()
got = 0
while not os.path.exists(sys.argv[3]):
    c.send(b"OTHER-SECRET-5e1f"); a.send(b"OTHER-SECRET-5e1f")
    got += a.recv(100).count(b"OTHER-SECRET") + c.recv(100).count(b"OTHER-SECRET")
    time.sleep(0.05)
print("GOT", got, flush=True)
EOPY
  other=$!
  wait_until test -e "$tmp/ready" || bad "host: uid 12345's connection did not start" "$tmp/other.log"
  cat >"$tmp/host.s" <<EOS
server run $server 127.0.0.1 $port 1
server continue
client run $tmp/traced_client 127.0.0.1 $port recv
client continue
server continue
client input "go\\n"
server continue
EOS
  batch host --net host --write "$tmp/host.pcap"
  touch "$tmp/done"; wait "$other"
  check "host: traced server and client: batch exit 0" 'ran_ok host' || show "$tmp/host.err"
  check "host: the other user's connection went on meanwhile" 'grep -qE "^GOT [1-9]" "$tmp/other.log"' ||
    show "$tmp/other.log"
  check "host: the client's handshake, all three frames" \
    'hasE host "host +TCP 127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:$port \[SYN\]" &&
     hasE host "host +TCP 127\.0\.0\.1:$port → 127\.0\.0\.1:[0-9]+ \[SYN, ACK\]" &&
     hasE host "host +TCP 127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:$port \[ACK\] seq=1 ack=1 .*len=0"' || show "$tmp/host.out"
  check "host: the client's \"hi\", the server's echo and both FINs" \
    'hasE host "127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:$port \[PSH, ACK\] .*len=2" &&
     hasE host "127\.0\.0\.1:$port → 127\.0\.0\.1:[0-9]+ \[PSH, ACK\] .*len=2" &&
     hasE host "127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:$port \[FIN, ACK\]" && hasE host "127\.0\.0\.1:$port → 127\.0\.0\.1:[0-9]+ \[FIN, ACK\]"'
  check "host: the programs' calls, output and exits" \
    'has host "client  connect(3, {AF_INET, 127.0.0.1, port $port}, 16)  -> 0" && has host "client  | got 2 \\\"hi\\\"" &&
     has host "server  | Received 2 bytes, sending them back" && has host "client exited with status 7" &&
     has host "server exited with status 0"' || show "$tmp/host.out"
  check "host: every frame is theirs, on 127.0.0.1 (none of uid 12345's)" \
    '[ -z "$(grep -E "^  wire +#" "$tmp/host.out" | grep -vE "host +TCP 127\.0\.0\.1:[0-9]+ → 127\.0\.0\.1:[0-9]+ " )" ] &&
     [ -z "$(grep -E "^  wire +#" "$tmp/host.out" | grep -v ":$port")" ] && has host "0 frames of others reached the capture"'
  check "host: no byte of uid 12345's flow in the pcap or the transcript" \
    '[ -s "$tmp/host.pcap" ] && ! grep -qa "OTHER-SECRET" "$tmp/host.pcap" "$tmp/host.out" && grep -qa "hi" "$tmp/host.pcap"'
fi


# ---- 3. the lab -------------------------------------------------------------
# The user the lab maps: uid 0 of sockstep's user namespace is $user outside.
# As that root the program would regain every capability at its exec; it
# must have none, and still bind the lecture's port 80 in its host.
own_start lab-priv --net lab
privileges lab-priv lab 0
check "lab: its user namespace maps its uid 0 to $user, and no other" \
  '[ "$(awk "{print \$1, \$2, \$3}" "$tmp/lab-priv.uid_map")" = "0 $user 1" ]' || show "$tmp/lab-priv.uid_map"
own "server run $server 200.0.0.2 80 1" && own "server continue"
spid=$(pid_of lab-priv server)
status_of "$spid" >"$tmp/lab-server.status"
check "lab: a traced server with no capability binds port 80 and waits in accept" \
  'grep -qF "server  bind(3, {AF_INET, 200.0.0.2, port 80}, 16)  -> 0" "$tmp/lab-priv.out" &&
   grep -qF "server  accept(3, &addr, &len)  -> blocked since" "$tmp/lab-priv.out" && no_caps "$tmp/lab-server.status" "$user"' ||
  { show "$tmp/lab-server.status"; show "$tmp/lab-priv.out"; }
own "server kill"
own_end
# Loopback is sockstep's own user and network namespaces too: the same rights.
own_start lo-priv --net loopback
privileges lo-priv loopback 0
check "loopback: its user namespace maps its uid 0 to $user, and no other" \
  '[ "$(awk "{print \$1, \$2, \$3}" "$tmp/lo-priv.uid_map")" = "0 $user 1" ]' || show "$tmp/lo-priv.uid_map"
own_end


# ---- 4. what cannot be traced -------------------------------------------------
# Each refused with one line naming what was expected (batch exit 1 and the
# count line), and nothing changes: no program runs, the next command is
# the session's first ([1]).
mkdir -p "$tmp/bad/a directory"
echo 'not a program' >"$tmp/bad/notexec" && chmod 644 "$tmp/bad/notexec"
printf 'garbage that is not ELF' >"$tmp/bad/garbage"
# An ELF header of another class or machine (what the kernel's loader reads
# first): a 32-bit i386 program, and a 64-bit one for RISC-V.
python3 - "$tmp/bad" <<'EOPY'
import struct, sys
def elf(path, cls, machine):
    ident = b"\x7fELF" + bytes([cls, 1, 1, 0]) + bytes(8)
    if cls == 1:   # ELF32: type, machine, version, entry, phoff, shoff, flags, sizes
        h = ident + struct.pack("<HHIIIIIHHHHHH", 2, machine, 1, 0x8048000, 52, 0, 0, 52, 32, 0, 40, 0, 0)
    else:
        h = ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0x10000, 64, 0, 0, 64, 56, 0, 64, 0, 0)
    open(path, "wb").write(h + bytes(64))
elf(sys.argv[1] + "/elf32", 1, 3)
elf(sys.argv[1] + "/riscv", 2, 243)
EOPY
chmod 755 "$tmp/bad" "$tmp/bad/garbage" "$tmp/bad/elf32" "$tmp/bad/riscv"
# refused NAME PROGRAM TEXT [PREFIX...]: "client run PROGRAM" then "client
# socket tcp" in batch (--net loopback; PREFIX before sockstep): the run
# refused on one line holding TEXT, the socket made as [1].
refused() {
  local name=$1 prog=$2 text=$3
  shift 3
  printf 'client run %s\nclient socket tcp\n' "$prog" >"$tmp/$name.s"
  chmod 644 "$tmp/$name.s"
  "$@" "${run[@]}" --batch --net loopback --script "$tmp/$name.s" >"$tmp/$name.out" 2>"$tmp/$name.err"
  echo $? >"$tmp/$name.rc"
  check "refused, $name: exit 1, one line: ...$text..." \
    '[ "$(cat "$tmp/$name.rc")" = 1 ] && [ "$(wc -l <"$tmp/$name.err")" = 2 ] &&
     grep -qF "sockstep: $tmp/$name.s:1: " "$tmp/$name.err" && grep -qF -- "$text" "$tmp/$name.err" &&
     grep -qxF "sockstep: 1 line of $tmp/$name.s failed" "$tmp/$name.err"' || show "$tmp/$name.err"
  check "refused, $name: nothing ran; the next command is [1]" \
    'grep -qxF "[1] client socket tcp" "$tmp/$name.out" && ! grep -qE "client run|client runs" "$tmp/$name.out" &&
     grep -qF "client  sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3" "$tmp/$name.out"' || show "$tmp/$name.out"
}
refused notfound "$tmp/bad/nothing-here" "$tmp/bad/nothing-here: no such file: expected a program file"
refused notinpath no-such-program-xyz "no-such-program-xyz: not found in PATH nor among sockstep's examples"
refused directory "\"$tmp/bad/a directory\"" "$tmp/bad/a directory is a directory: expected a program file"
refused notexec "$tmp/bad/notexec" "$tmp/bad/notexec is not executable: expected a program file you may run (chmod +x"
refused garbage "$tmp/bad/garbage" "$tmp/bad/garbage is not a program: expected an ELF executable or a script starting with #!"
refused elf32 "$tmp/bad/elf32" "$tmp/bad/elf32 is a 32-bit program: sockstep traces $(uname -m) programs only"
refused foreign "$tmp/bad/riscv" "$tmp/bad/riscv is a program for RISC-V: sockstep traces $(uname -m) programs only"

# ptrace forbidden. (a) As in a container whose seccomp profile denies it:
# sockstep runs under a filter that makes ptrace() fail EPERM (noptrace), so
# the refusal is the kernel's own answer to PTRACE_SEIZE.
# LeakSanitizer (a sanitizer build) checks at exit by ptrace: not there.
nopt=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$noptrace")
refused seccomp "$client" "cannot trace the program: ptrace: EPERM: this system forbids it" "${nopt[@]}"
# ... and the program it had started for it (the trampoline) is gone.
run_saved=("${run[@]}")
run=("${nopt[@]}" "${run[@]}")
own_start seccomp-left --net loopback
own "client run $client 127.0.0.1 9"
proc_tree "$OWN_PID_" >"$tmp/seccomp-left.tree"
check "refused under seccomp: no process left of the run (sockstep's children: $(awk '{print $4}' "$tmp/seccomp-left.tree" | tr '\n' ' '))" \
  '! grep -qE " (client|traced_client|sockstep)$" "$tmp/seccomp-left.tree" && grep -qF "ptrace: EPERM" "$tmp/seccomp-left.err"'
own_end
run=("${run_saved[@]}")
# (b) Yama (kernel.yama.ptrace_scope), which this machine may not have: its
# sysctl as sockstep reads it, put in place in a mount namespace of the
# test's own (root only). This checks the reading and the line, not the
# kernel's enforcement (a and the scope-3 refusal come before any ptrace).
yama() { # yama SCOPE COMMAND...: COMMAND where ptrace_scope reads SCOPE
  local sc=$1; shift
  unshare -m sh -c 'mount -t tmpfs -o size=16k,mode=755 none /proc/sys/kernel && mkdir /proc/sys/kernel/yama &&
    echo "$0" >/proc/sys/kernel/yama/ptrace_scope && exec "$@"' "$sc" "$@"
}
if need_root "a Yama setting put in place in a mount namespace"; then
  refused yama3 "$client" "this system forbids tracing programs (kernel.yama.ptrace_scope = 3, until the next boot)" yama 3
  # Scope 2: only with CAP_SYS_PTRACE, which a user's sockstep on the host's
  # stack does not have (in the lab it has it, in its own user namespace).
  printf 'client run %s\nclient socket tcp\n' "$client" >"$tmp/yama2.s"; chmod 644 "$tmp/yama2.s"
  yama 2 "${NOBODY[@]}" "$bin" --batch --net host --script "$tmp/yama2.s" >"$tmp/yama2.out" 2>"$tmp/yama2.err"
  check "refused, Yama 2 for a user on the host's stack: what to ask root for" \
    'grep -qF "sockstep: $tmp/yama2.s:1: this system forbids tracing programs (kernel.yama.ptrace_scope = 2, administrators only): run the program outside sockstep, or ask root for: sysctl kernel.yama.ptrace_scope=1" "$tmp/yama2.err" &&
     grep -qxF "[1] client socket tcp" "$tmp/yama2.out"' || show "$tmp/yama2.err"
fi

finish
