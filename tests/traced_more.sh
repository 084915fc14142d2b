#!/usr/bin/env bash
# Your own program, traced (issue 20), what wave 1 left: small programs of
# the tests' own (tests/traced_more.c, one mode each) run under sockstep in
# the lab, in batch:
#  - a socket of another family (AF_UNIX, AF_INET6, netlink) never gets an
#    IPv4 5-tuple row: its calls are shown, with no row;
#  - a recv() interrupted by a signal is shown as restarted (SA_RESTART) or
#    as EINTR, as the program saw it;
#  - what the program prints after an EINTR is shown when it prints it, not
#    held until its next call; a poll() is EINTR after any handler, and
#    resumed when no handler catches the signal;
#  - a fork's shared terminal is said once; io_uring is refused and told;
#  - libc's resolver's calls (a DNS query) are marked as the resolver's;
#  - threads are named (client/t2), stepped (the oldest stop first) and run.
#   traced_more.sh SOCKSTEP TRACED_MORE [--as-nobody]
set -u
bin=$1 prog=$2
. "$(dirname "$0")/lib.sh"
set_runner "${3:-}"

out=$tmp/out err=$tmp/err
# The program must be readable and runnable by the user sockstep runs as.
cp "$prog" "$tmp/traced_more" && chmod 755 "$tmp" "$tmp/traced_more"
prog=$tmp/traced_more

# line N of the first line holding TEXT (fixed string), 0 when none
at() { grep -nF -- "$1" "$out" | head -n1 | cut -d: -f1 | grep . || echo 0; }
has() { grep -qF -- "$1" "$out"; }
hasE() { grep -qE -- "$1" "$out"; }
# batch SCRIPT-LINES...: one run of sockstep --batch in the lab
batch() {
  printf '%s\n' "$@" >"$tmp/script"
  "${run[@]}" --batch --script "$tmp/script" >"$out" 2>"$err"
}

batch "client run $prog families" "client continue"
if grep -q "ptrace" "$err" && ! grep -q "client run" "$out"; then
  skip "tracing is not allowed here: $(head -n1 "$err")" || finish
fi
check "families: the script runs without a refusal, the program to its end" \
  '[ ! -s "$err" ] && has "client  | families done" && has "client exited with status 0"' || show "$out"
check "families: each call is shown" \
  'has "client  connect(3, {AF_UNIX, \"/nonexistent/sockstep-test.sock\"}, 110)  -> -1 ENOENT" &&
   has "client  socket(AF_INET6, SOCK_DGRAM, 0)  -> 3" && hasE "client  bind\(3, .*\)  -> 0"' || show "$out"
check "families: no 5-tuple row for a socket that is not TCP or UDP over IPv4" \
  '! grep -E "^    (STEP|KERNEL)" "$out" | grep -v "^    STEP  "' || show "$out"

# A signal while recv() sleeps: a datagram to the program's second socket
# (O_ASYNC) sends it SIGIO; then a datagram to the first ends the recv.
for how in restart eintr; do
  batch "server socket udp" "client run $prog signal 5000 5001 $how" "client continue" \
    "server sendto 100.0.0.1 5001 \"sig\"" "server sendto 100.0.0.1 5000 \"data\"" "client input \"go\\n\"" \
    "client continue"
  check "signal ($how): recv() sleeps until the signal comes" \
    '[ ! -s "$err" ] && has "client  recv(3, buf, 64, 0)  -> blocked since" && has "client gets signal 29 (SIG"' || show "$out"
  if [ $how = restart ]; then
    check "signal (SA_RESTART): the recv is restarted, the program never sees it, and gets the datagram" \
      'has "its handler was installed with SA_RESTART, so the kernel makes the call again" &&
       ! has "the program sees -1 EINTR" && hasE "client  recv\(3, buf, 64, 0\)  -> 4  \(blocked since \[[0-9]+\]\)" &&
       has "client  | recv got 4 bytes"' || show "$out"
  else
    check "signal (no SA_RESTART): the program sees -1 EINTR, and says so" \
      'has "the program sees -1 EINTR" && has "client  recv(3, buf, 64, 0)  -> -1 EINTR" &&
       has "client  | recv: Interrupted system call" && ! has "so the kernel makes the call again"' || show "$out"
    check "signal (EINTR): what it printed after the EINTR comes at once, before the next command, after its result" \
      '[ "$(at "-> -1 EINTR")" -lt "$(at "client  | recv: Interrupted system call")" ] &&
       [ "$(at "client  | recv: Interrupted system call")" -lt "$(at "[5] server sendto 100.0.0.1 5000")" ]' || show "$out"
  fi
done
# poll(): after a handler it is never made again (SA_RESTART or not); with
# no handler (SIGURG, ignored) the kernel resumes it (restart_syscall).
for how in restart ignore; do
  batch "server socket udp" "client run $prog signal 5000 5001 $how poll" "client continue" \
    "server sendto 100.0.0.1 5001 \"sig\"" "server sendto 100.0.0.1 5000 \"data\"" "client continue" "client input \"go\\n\""
  if [ $how = restart ]; then
    check "signal (poll, SA_RESTART): -1 EINTR all the same, said with its reason" \
      '[ ! -s "$err" ] && has "a signal interrupted poll(): the program sees -1 EINTR (a call the kernel never makes again after a handler, SA_RESTART or not)" &&
       has "client  poll([{3, POLLIN}], 1, 60000)  -> -1 EINTR" && has "client  | poll: Interrupted system call" &&
       has "with SA_RESTART or without (signal(7))"' || show "$out"
  else
    check "signal (poll, no handler): the kernel resumes it, the program never sees it" \
      '[ ! -s "$err" ] && has "client gets signal 23 (SIGURG" &&
       has "a signal interrupted poll(); no handler of the program caught it, so the kernel resumed the call (restart_syscall)" &&
       ! has "EINTR" && has "client  | poll gave 1" && has "client  | recv got 4 bytes" &&
       [ "$(at "resumed the call")" -lt "$(at "[5] server sendto")" ] && ! has "still runs after"' || show "$out"
  fi
done

# A fork: the child's lines come through the terminal it shares with its
# parent; sockstep cannot tell who wrote them, and says so once.
batch "client run $prog fork" "client.1 continue"
check "fork: the child is named, and the shared terminal is said once" \
  '[ ! -s "$err" ] && hasE "fork\(\) made client\.1 \(pid [0-9]+\)" &&
   [ "$(grep -c "output of client and client.1 shares one terminal" "$out")" = 1 ] &&
   has "client  | child says hi" && has "client  | parent says bye" &&
   [ "$(at "output of client and client.1 shares one terminal")" -lt "$(at "client  | child says hi")" ]' || show "$out"
# io_uring: refused with ENOSYS (its ring would bypass the stops), said once.
batch "client run $prog iouring"
check "io_uring: the program sees ENOSYS, and the note says why, once" \
  '[ ! -s "$err" ] && [ "$(grep -c "client called io_uring_setup(): sockstep answered -1 ENOSYS" "$out")" = 1 ] &&
   has "client  | io_uring_setup: Function not implemented" && has "client exited with status 0"' || show "$out"
# The libc resolver: a name the lab's hosts file does not hold is asked of
# the name server (DNS, port 53; in the lab no route reaches it): its calls
# are marked as the resolver's, and said once; the program's own are not.
batch "client run $prog dns nosuch.invalid" "client continue"
if grep -qE '^hosts:.*\bdns\b' /etc/nsswitch.conf 2>/dev/null; then
  check "resolver: the DNS query's calls are marked \"libc resolver\", its note said once" \
    '[ ! -s "$err" ] && hasE "client  connect\([0-9]+, \{AF_INET6?, [^}]*, port 53\}, [0-9]+\)  /\* libc resolver \*/  -> " &&
     hasE "client  close\([0-9]+\)  /\* libc resolver \*/  -> 0" &&
     [ "$(grep -c "note: libc resolver: a DNS query (port 53)" "$out")" = 1 ] &&
     ! grep -E "port 53" "$out" | grep -qvE "libc resolver|^            " &&
     has "(libc resolver'"'"'s socket (getaddrinfo), not the program'"'"'s own)" &&
     has "client  | getaddrinfo: "' || show "$out"
else
  ok "resolver: skipped, this system's /etc/nsswitch.conf asks no DNS for host names"
fi
# Threads: each is named (client/t2, client/t3: in the order they
# started), stops before its own calls, and "client next" steps it; the
# sockets are the process's, so the rows are client's.
batch "server socket udp" "server bind 200.0.0.2 5000" "client run $prog threads 200.0.0.2 5000" \
  "client next" "client next" "client next" "client next" "client next" "client next" "server recvfrom" "server recvfrom"
check "threads: each thread is named and stops before its own first call" \
  '[ ! -s "$err" ] && hasE "client/t2  note: client started a thread, client/t2 \(tid [0-9]+\)" &&
   has "client/t2  socket(AF_INET, SOCK_DGRAM, 0)  -> stopped before this call; \"client next\" makes it" &&
   has "client/t3  socket(AF_INET, SOCK_DGRAM, 0)  -> stopped before this call; \"client next\" makes it"' || show "$out"
check "threads: \"client next\" steps each thread's calls, shown under its name, with the process's rows" \
  'has "client/t2  sendto(3, \"t1\", 2, 0, {AF_INET, 200.0.0.2, port 5000}, 16)  -> 2" &&
   has "client/t3  sendto(3, \"t2\", 2, 0, {AF_INET, 200.0.0.2, port 5000}, 16)  -> 2" &&
   [ "$(grep -cE "STEP6 SEND MESSAGE TO PEER +client +3 UDP" "$out")" = 2 ] &&
   has "client/t2  close(3)  -> 0" && has "client/t2  note: client/t2 ended" &&
   [ "$(at "client/t2  close(3)  -> 0")" -lt "$(at "client/t3  socket(AF_INET")" ]' || show "$out"
check "threads: the server receives both, the program ends" \
  'has "server  received \"t1\" (2 bytes)" && has "server  received \"t2\" (2 bytes)" && has "client  | joined" &&
   has "client exited with status 0"' || show "$out"
# Two threads stopped at once: "client next" steps the one stopped first,
# so the other goes next (neither waits behind the other's next stop).
batch "client run $prog together" "client next" "client next" "client next" "client next"
first=$(grep -m1 -oE "^  client(/t2)?  socket\(AF_INET, SOCK_DGRAM, 0\)  -> stopped" "$out" | awk '{print $1}')
other=$([ "$first" = client ] && echo client/t2 || echo client)
check "threads stopped together: the oldest stop is stepped first, then the other thread's" \
  '[ ! -s "$err" ] && [ -n "$first" ] && [ "$(grep -c "socket(AF_INET, SOCK_DGRAM, 0)  -> stopped" "$out")" = 2 ] &&
   [ "$(sed -n "/^\[2\]/,/^\[3\]/p" "$out" | grep -oE "^  [a-z/0-9]+  socket\(AF_INET, SOCK_DGRAM, 0\)  -> [0-9]" | awk "{print \$1}")" = "$first" ] &&
   [ "$(sed -n "/^\[3\]/,/^\[4\]/p" "$out" | grep -oE "^  [a-z/0-9]+  socket\(AF_INET, SOCK_DGRAM, 0\)  -> [0-9]" | awk "{print \$1}")" = "$other" ] &&
   has "client  | joined" && has "client exited with status 0"' || show "$out"

batch "server socket udp" "server bind 200.0.0.2 5000" "client run $prog threads 200.0.0.2 5000" "client continue"
check "threads: \"client continue\" runs every thread's calls, each shown under its name" \
  '[ ! -s "$err" ] && has "client/t2  sendto(3, \"t1\", 2, 0, {AF_INET, 200.0.0.2, port 5000}, 16)  -> 2" &&
   has "client/t3  sendto(3, \"t2\", 2, 0, {AF_INET, 200.0.0.2, port 5000}, 16)  -> 2" &&
   has "client exited with status 0"' || show "$out"
finish
