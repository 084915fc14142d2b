#!/usr/bin/env bash
# Programs' lives as a user sees them (issue items 5, 6 and 9), through the
# real binary in --net loopback, the commands typed one at a time into its
# stdin while the test acts on its programs from outside like a user's shell:
#  - a forked child killed with SIGKILL is told as the side's own programs
#    are ("server.1 was killed by signal 9 (Killed)"), leaves no junk row,
#    its sockets answer what the kernel says (FIN_WAIT2 for the connection
#    it held last), and the advice for it names a command that is accepted;
#  - a program stopped with SIGSTOP is said to be stopped, a command for it
#    is refused (not shown as blocked in a call it never entered), and after
#    SIGCONT it runs again;
#  - fork with more sockets than the side may follow names the descriptors
#    left out, and a bare close in the child closes the newest, as in the
#    parent;
#  - every piece of advice in a refusal names a command, and that command is
#    accepted when typed next.
# Each state is waited for (the process gone, state T in /proc), never slept on.
#   programs.sh SOCKSTEP [--as-nobody]
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
set_runner "${2:-}"
WAIT_TRIES=600 # up to 30 s on a loaded machine

# ---- a session fed line by line ---------------------------------------------

sent=0 # lines written so far: stderr names them "stdin:N"
start() {
  rm -f "$tmp/in" "$tmp/out" "$tmp/err"; mkfifo "$tmp/in"
  "${run[@]}" --batch --net loopback --wait 300ms <"$tmp/in" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  exec 3>"$tmp/in"
  sent=0
}
type_lines() { local l; for l in "$@"; do printf '%s\n' "$l" >&3; sent=$((sent + 1)); done; }
# stop: end the input; sockstep exits, with nothing on stderr but its own
# one-line refusals (a sanitizer's report would be there).
stop() {
  exec 3>&-; wait "$pid"
  grep -v '^sockstep: ' "$tmp/err" | grep -q . && bad "stderr holds more than refusals: $(grep -v '^sockstep: ' "$tmp/err" | head -n3)" || ok
}
out_has() { grep -qF -- "$1" "$tmp/out"; }
# mark NAME: type a say line and wait until sockstep printed it: everything
# typed before it has run.
mark() { type_lines "say \"MARK-$1\""; wait_until out_has "  >> MARK-$1"; }
# err_of N: the refusal of line N, without its "sockstep: stdin:N: ".
err_of() { sed -n "s/^sockstep: stdin:$1: //p" "$tmp/err"; }
# The output from MARK-$1 to the end (what came after it).
after() { sed -n "/^  >> MARK-$1\$/,\$p" "$tmp/out"; }
# advice LINE: the first quoted command after "expected" in a refusal.
advice() { sed -n 's/.*expected[^"]*"\([^"]*\)".*/\1/p' <<<"$1"; }
# check_advice WHAT REFUSAL: the refusal's advice, typed next, is not refused.
check_advice() {
  local what=$1 refusal=$2 cmd
  cmd=$(advice "$refusal")
  if [ -z "$cmd" ]; then bad "$what: the refusal names no command: $refusal"; return; fi
  type_lines "$cmd"; local n=$sent
  mark "advice-$n"
  [ -z "$(err_of "$n")" ] && ok "$what: the advice \"$cmd\" is accepted" \
    || bad "$what: the advice \"$cmd\" is refused: $(err_of "$n")"
}
# child_of PARENT-PID NAME: the pid of PARENT's child process called NAME.
child_of() { local k; for k in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
  [ "$(cat /proc/"$k"/comm 2>/dev/null)" = "$2" ] && { echo "$k"; return 0; }; done; return 1; }
state_of() { awk '{ s = $0; sub(/^.*\) /, "", s); print substr(s, 1, 1) }' "/proc/$1/stat" 2>/dev/null; }
is_state() { [ "$(state_of "$1")" = "$2" ]; }
gone() { [ ! -e "/proc/$1" ] || is_state "$1" Z; }

# pidfd exit information (Linux 6.15) tells a forked child's status.
kver=$(uname -r | awk -F. '{ printf "%d%03d", $1, $2 }')

# ---- 5: a forked child killed, then a program stopped --------------------
start
type_lines 'server socket tcp' 'server bind 127.0.0.1 7000' 'server listen' \
  'client socket tcp' 'client connect 127.0.0.1 7000' 'server accept' \
  'server fork' 'server.1#3 close' 'server#4 close'
mark forked || bad "kill: the concurrent server did not start" "$tmp/err"
srv=$(child_of "$pid" server); kid=${srv:+$(child_of "$srv" server.1)}
if [ -z "$kid" ]; then
  bad "kill: no process server.1 under server (pid ${srv:-none})"
else
  kill -KILL "$kid"
  wait_until gone "$kid" || bad "kill: server.1 ($kid) still runs after SIGKILL"
  # Another program's call first: its settle re-reads every socket, the
  # dead program's too (that made a junk row); then what the user checks.
  type_lines 'client2 socket tcp' 'expect server.1 state FIN_WAIT2' 'expect server.1#4 state FIN_WAIT2' \
    'expect client state CLOSE_WAIT' 'server.1 recv'; n=$sent
  mark killed
  if [ "$kver" -ge 6015 ]; then
    after forked | grep -qx '  server.1  note: server.1 was killed by signal 9 (Killed): its descriptors are closed by the kernel' \
      && ok "kill: \"server.1 was killed by signal 9 (Killed)\" is told" \
      || bad "kill: no note that server.1 was killed by signal 9" "$tmp/out"
  else
    echo "Linux $(uname -r): before 6.15 a forked child's status is not known to sockstep"
    after forked | grep -q '  server.1  note: server.1 ended (its status went to its parent' \
      && ok || bad "kill: no note that server.1 ended" "$tmp/out"
  fi
  # No row from a program that is gone: no "?" where the kernel was not read.
  # (The state column is last; a "*" marks a changed cell.)
  after forked | grep -qE '^    [A-Z].* server\.1 .* \?\*?$' \
    && bad "kill: a junk row for server.1: $(after forked | grep -E '^    [A-Z].* server\.1 .* \?\*?$')" || ok
  refusal=$(err_of "$n")
  case $refusal in
    'server.1 has ended, and a forked child cannot be started again; expected "server fork"'*) ok "kill: the refusal says server.1 ended and what to type" ;;
    *) bad "kill: server.1 recv is not refused with working advice: ${refusal:-accepted}" ;;
  esac
  # Its socket answers what the kernel says: the connection it held last is
  # half closed by the kernel (its FIN sent and acknowledged), the client's
  # end waits for the client's close.
  for k in 3 2 1; do
    line=$((n - k))
    [ -z "$(err_of $line)" ] && ok || bad "kill: $(err_of $line)"
  done
  check_advice "kill" "$refusal"
  mark fork-again
  out_has "fork() returned 0 in the child, server.2" && ok "kill: the advised fork made server.2" \
    || bad "kill: no server.2 after the advised \"server fork\""
  # Killed while blocked in a call: the note says the call never returned.
  type_lines 'server.2 accept' 'expect server.2 blocked yes'
  mark blocked
  kid2=$(child_of "$srv" server.2)
  if [ -n "$kid2" ]; then
    kill -KILL "$kid2"
    wait_until gone "$kid2" || bad "kill: server.2 ($kid2) still runs after SIGKILL"
    type_lines 'expect server.2 blocked no'; n=$sent
    mark killed-blocked
    [ "$kver" -ge 6015 ] && how='was killed by signal 9 (Killed)' || how='ended (its status went to its parent, which ignores SIGCHLD; Linux 6.15 or later tells sockstep through a pidfd)'
    after blocked | grep -qxF "  server.2  note: server.2 $how in accept(), which never returned: its descriptors are closed by the kernel" \
      && ok "kill: server.2, killed in accept(), is told so" || bad "kill: no note that server.2 was killed in accept()" "$tmp/out"
    [ -z "$(err_of "$n")" ] && ok || bad "kill: $(err_of "$n")"
  else
    bad "kill: no process server.2 under server"
  fi
fi

# SIGSTOP: the server idle, then a command for it.
if [ -n "$srv" ]; then
  mark before-stop
  kill -STOP "$srv"
  wait_until is_state "$srv" T || bad "stop: server ($srv) is not stopped"
  type_lines 'server accept'; n=$sent
  mark stopped
  after before-stop | grep -q "^  server  note: server is stopped (SIGSTOP: state T in /proc/$srv/stat): it runs nothing until it gets SIGCONT (kill -CONT $srv)\$" \
    && ok "stop: \"server is stopped (SIGSTOP)\" is told" || bad "stop: no note that server is stopped" "$tmp/out"
  after before-stop | grep -q 'blocked since' && bad "stop: a call is shown as blocked in a stopped program" || ok
  case $(err_of "$n") in
    "server is stopped (SIGSTOP): it makes no call, not even this one, until it gets SIGCONT; expected \"kill -CONT $srv\" in a shell first") ok "stop: server accept is refused: stopped" ;;
    *) bad "stop: server accept is not refused as stopped: $(err_of "$n")" ;;
  esac
  kill -CONT "$srv"
  wait_until is_state "$srv" S || bad "stop: server ($srv) did not continue"
  type_lines 'server accept' 'expect server blocked yes'; n=$sent
  mark continued
  after stopped | grep -qx '  server  note: server continues (SIGCONT)' && ok "stop: \"server continues (SIGCONT)\" is told" \
    || bad "stop: no note that server continues" "$tmp/out"
  [ -z "$(err_of $((n - 1)))$(err_of "$n")" ] && ok "stop: after SIGCONT server accept blocks as a call does" \
    || bad "stop: after SIGCONT: $(err_of $((n - 1))) $(err_of "$n")"
fi
stop

# ---- 6: fork with more sockets than the side follows ------------------------
start
for _ in $(seq 40); do type_lines 'server socket udp'; done
type_lines 'server fork'
mark forked
rows=$(grep -c '^    INHERITED BY fork()  *server\.1 ' "$tmp/out")
[ "$rows" = 24 ] && ok "inherit: 24 rows for the 24 sockets that fit" || bad "inherit: $rows inherited rows, expected 24"
grep -qE '^    INHERITED BY fork\(\)  *server\.1  *42 UDP' "$tmp/out" && ok || bad "inherit: the newest socket, 42, is not followed in server.1"
grep -qx '  server.1  note: server.1 also holds descriptors 3-18, inherited, that sockstep does not follow: the server side'"'"'s programs hold 64 open sockets, the most it follows (a bare "server.1" command means the newest socket it follows, as in server)' "$tmp/out" \
  && ok "inherit: the 16 descriptors left out are named" || bad "inherit: no note naming descriptors 3-18" "$tmp/out"
type_lines 'server.1 close' 'server close' 'server.1#5 close'; n=$sent
mark closed
after forked | grep -A4 '^\[[0-9]*\] server.1 close$' | grep -qE '^    CLOSE  *server\.1  *42 UDP' \
  && ok "inherit: a bare server.1 close closes 42, the newest, as server close does" \
  || bad "inherit: server.1 close did not close descriptor 42: $(after forked | grep -A4 '^\[[0-9]*\] server.1 close$')"
after forked | grep -A4 '^\[[0-9]*\] server close$' | grep -qE '^    CLOSE  *server  *42 UDP' && ok \
  || bad "inherit: server close did not close its 42: $(after forked | grep -A4 '^\[[0-9]*\] server close$')"
case $(err_of "$n") in
  'server.1#5 is open in server.1, but sockstep does not follow it'*'expected one of the sockets it follows: 19-41') ok "inherit: server.1#5 is refused: not followed" ;;
  *) bad "inherit: server.1#5 close: $(err_of "$n")" ;;
esac

# ---- 9: advice that is right -------------------------------------------------
type_lines 'server.1 fork'; n=$sent
mark grandchild
case $(err_of "$n") in
  'server.1 is a forked child, and sockstep names only a program'*'expected "server fork"'*) ok "advice: a forked child's fork is refused, naming server fork" ;;
  *) bad "advice: server.1 fork: $(err_of "$n")" ;;
esac
after grandchild | grep -q 'server\.2' && bad "advice: server.1 fork named a grandchild server.2" || ok
check_advice "advice: server.1 fork" "$(err_of "$n")"
type_lines 'client9.9 close'; n=$sent
mark client9
r=$(err_of "$n")
case $r in
  'there is no client9.9; expected "client9 socket tcp" to start client9, then "client9 fork" first') ok "advice: client9.9 names client9" ;;
  *) bad "advice: client9.9: $r" ;;
esac
check_advice "advice: client9.9" "$r"
type_lines 'client9.9 close'; n=$sent
mark client9-runs
r=$(err_of "$n")
case $r in
  'there is no client9.9: client9 has forked 0 children so far; expected "client9 fork" (it makes client9.1)') ok "advice: client9 runs: client9 fork" ;;
  *) bad "advice: client9.9 with client9 running: $r" ;;
esac
check_advice "advice: client9.9 with client9 running" "$r"
# The side is full now: server holds 39, server.1 23, and server.2 (made by
# the advice above) the 2 that fit. server2 holds none: the advice must name
# a program that holds one.
type_lines 'server2 socket tcp'; n=$sent
mark full
r=$(err_of "$n")
case $r in
  'the server side holds 64 open sockets already, the most sockstep follows; expected "server close" first'|\
  'the server side holds 64 open sockets already, the most sockstep follows; expected "server.'[12]'" close" first') ok "advice: a full side names a program that holds sockets" ;;
  *) bad "advice: server2 socket tcp on a full side: $r" ;;
esac
check_advice "advice: full side" "$r"
stop

# Nine children: the tenth fork is refused, naming a program that can fork.
start
type_lines 'server socket tcp'
for _ in $(seq 9); do type_lines 'server fork'; done
type_lines 'server fork'; n=$sent
mark nine
r=$(err_of "$n")
case $r in
  'server has forked 9 children already (server.1 to server.9), the most sockstep names; expected "server2 socket tcp" to start server2, then "server2 fork"') ok "advice: a tenth fork names server2" ;;
  *) bad "advice: the tenth server fork: $r" ;;
esac
check_advice "advice: tenth fork" "$r"
type_lines 'server2 fork'; n=$sent
mark server2
[ -z "$(err_of "$n")" ] && out_has "fork() returned 0 in the child, server2.1" && ok "advice: server2 fork makes server2.1" \
  || bad "advice: server2 fork: $(err_of "$n")"
stop

# ---- 24 programs, the most sockstep holds: a killed one leaves its place --
start
type_lines 'server socket tcp'
for _ in $(seq 9); do type_lines 'server fork'; done
type_lines 'server2 socket tcp'
for _ in $(seq 9); do type_lines 'server2 fork'; done
type_lines 'server3 socket tcp' 'server3 fork' 'server3 fork' 'server3 fork' 'server3 fork'; n=$sent
mark full-progs
case $(err_of "$n") in
  '24 programs exist already (running or ended), the most sockstep holds'*) ok ;;
  *) bad "slots: the 25th program is not refused: $(err_of "$n")" ;;
esac
srv=$(child_of "$pid" server); kid=${srv:+$(child_of "$srv" server.1)}
if [ -n "$kid" ]; then
  kill -KILL "$kid"
  wait_until gone "$kid" || bad "slots: server.1 ($kid) still runs after SIGKILL"
  type_lines 'server3 fork'; n=$sent
  mark reused
  [ -z "$(err_of "$n")" ] && out_has "fork() returned 0 in the child, server3.4" \
    && ok "slots: a killed program's place is taken by the next fork" || bad "slots: server3 fork after a kill: $(err_of "$n")"
else
  bad "slots: no process server.1 under server"
fi
stop
finish
