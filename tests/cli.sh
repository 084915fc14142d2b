#!/usr/bin/env bash
# Command-line behaviour a user meets first: help, version, bad options,
# scripts that are missing, binary or absurd. Each must give one clear line on
# stderr, a non-zero status, and never a crash. And however a batch run ends
# (end of input, SIGTERM, SIGKILL), the programs it started end with it.
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
exits() { # name, expected status, stderr pattern, command...
  local name=$1 want=$2 pat=$3; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ "$rc" != "$want" ]; then bad "$name: exit $rc, expected $want" "$tmp/err"; return; fi
  if [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/err"; then bad "$name: stderr lacks /$pat/:" "$tmp/err"; return; fi
  if [ "$rc" -ge 128 ]; then bad "$name: killed by a signal"; return; fi
  ok
}
# ---- nothing left behind: the programs end with sockstep --------------------
# Each side is a program, a child process of sockstep; "server fork" makes
# server.1, the server program's own child. However sockstep ends (its input
# ends, SIGTERM, or SIGKILL, where only PR_SET_PDEATHSIG can end them), none
# of the processes it started may go on running, not even one blocked in
# accept() or recv(). Their pids are learnt from /proc (sockstep's
# descendants), so no other process with the same name is looked at.
programs_scenario() {
  printf '%s\n' 'server socket tcp' 'server bind 200.0.0.2 80' 'server listen' \
    'client socket tcp' 'client connect 200.0.0.2 80' 'server accept' 'server fork' \
    'server.1 recv' 'client2 socket tcp' 'client2 connect 200.0.0.2 80' 'server accept' \
    'server accept' 'client2 recv' 'say "ALL-UP"'
}
programs_end() { # how: eof, TERM or KILL; the status sockstep must end with
  local how=$1 want=$2 pid rc names
  rm -f "$tmp/fifo"; mkfifo "$tmp/fifo"
  "$bin" --batch --wait 100ms <"$tmp/fifo" >"$tmp/p.out" 2>"$tmp/p.err" &
  pid=$!
  exec 4>"$tmp/fifo"
  programs_scenario >&4
  if ! WAIT_TRIES=400 wait_until grep -q '^  >> ALL-UP' "$tmp/p.out"; then
    bad "programs, $how: the scenario did not run: $(head -n 3 "$tmp/p.err")"
    exec 4>&-; kill -KILL "$pid" 2>/dev/null; wait "$pid"; return
  fi
  proc_tree "$pid" >"$tmp/procs"
  names=$(awk '{ print $4 }' "$tmp/procs" | sort | tr '\n' ' ')
  [ "$names" = "client client2 server server.1 " ] && ok \
    || bad "programs, $how: sockstep's processes are \"$names\", expected client client2 server server.1" "$tmp/procs"
  # server.1 is the server program's child; the others are sockstep's.
  awk -v s="$pid" '$4 == "server.1" { c = $3 } $4 == "server" { p = $1 } $4 ~ /^(server|client|client2)$/ && $3 != s { bad = 1 }
    END { exit !(c == p && !bad) }' "$tmp/procs" && ok \
    || bad "programs, $how: not sockstep's children (server.1 the server's)" "$tmp/procs"
  grep -q 'csock = accept(.*-> still blocked' "$tmp/p.out" && grep -q '^  server.1  recv(.*-> blocked' "$tmp/p.out" && ok \
    || bad "programs, $how: the server is not blocked in accept() and server.1 in recv()" "$tmp/p.out"
  case $how in
    eof) exec 4>&- ;;
    *) kill "-$how" "$pid"; exec 4>&- ;;
  esac
  { wait "$pid"; } 2>/dev/null; rc=$?
  [ "$rc" = "$want" ] && ok || bad "programs, $how: sockstep's exit status $rc, expected $want" "$tmp/p.err"
  if wait_until procs_gone "$tmp/procs"; then ok "programs, $how: none of sockstep's processes runs after it ended"
  else bad "programs, $how: still running after sockstep ended: $(procs_running "$tmp/procs" | tr '\n' ';')"; fi
}
programs_end eof 0
programs_end TERM 143
programs_end KILL 137

exits help 0 '' "$bin" --help
grep -q -- '--batch' "$tmp/out" || bad "help: no --batch in help"
exits version 0 '' "$bin" --version
grep -qE '^sockstep [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || bad "version: $(cat "$tmp/out")"
exits unknown-option 2 'unknown option "--frob"' "$bin" --frob
exits net-bad 2 'bad --net "moon": expected' "$bin" --batch --net moon
exits wait-bad 2 'bad --wait "soon": expected a duration' "$bin" --batch --wait soon
exits wait-missing 2 'option --wait needs a value' "$bin" --batch --wait
exits stray-arg 2 'unexpected argument "hello"' "$bin" --batch hello
# The programs' runner flag, typed by hand: one line, status 2, nothing run
# (descriptor 0 a terminal or a file is not sockstep's control channel).
runner_line='--prog-runner is how sockstep starts a side.s program, not an option to type; expected sockstep without it'
exits runner-typed 2 "$runner_line" "$bin" --prog-runner
exits runner-typed-args 2 "$runner_line" "$bin" --prog-runner 0 server $$ </dev/null
[ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] && ok || bad "runner-typed-args: expected one line on stderr and nothing on stdout" "$tmp/err"
exits script-without-batch 2 '--script needs --batch' "$bin" --script /dev/null
exits script-missing 2 'cannot open script ".*nope": No such file or directory \(ENOENT\)' "$bin" --batch --script "$tmp/nope"
exits script-dir 2 'is a directory; expected a file of commands' "$bin" --batch --script "$tmp"
head -c 3000 /dev/urandom >"$tmp/bin"; printf '\0\n' >>"$tmp/bin"
exits script-binary 1 'expected text|binary|NUL' "$bin" --batch --script "$tmp/bin"
{ printf 'server socket tcp\n'; head -c 10485760 /dev/zero | tr '\0' 'a'; printf '\nserver bind 127.0.0.1 80\nexpect server local 127.0.0.1 80\n'; } >"$tmp/big"
exits script-10MB-line 1 'big:2: line is 10485760 bytes; at most 4096' "$bin" --batch --script "$tmp/big"
grep -q 'expect server local 127.0.0.1 80: ok' "$tmp/out" || bad "script-10MB-line: the lines after it did not run"
exits stdin-not-tty 2 'stdin is not a terminal; use --batch' "$bin" </dev/null
printf 'server socket tcp\n' >"$tmp/ok"
exits batch-ok 0 '' "$bin" --batch --script "$tmp/ok"
exits batch-stdin 0 '' "$bin" --batch <"$tmp/ok"
exits host-mode 0 '' "$bin" --batch --net host --script "$tmp/ok"
# Whether the network settles after a command comes from the parsed command
# (cmd_acts), not from words in its text: a send whose text holds " sysctl "
# is settled, so its frame is seen by the next expect (issue 9), in a script
# and in a lesson.
settle='server socket tcp
server bind 127.0.0.1 80
server listen 5
server accept
client socket tcp
client connect 127.0.0.1 80
client send "a sysctl b"
expect wire saw "PSH"
client send "say expect"
expect wire saw "len=10"'
printf '%s\n' "$settle" >"$tmp/settle"
exits settle-script 0 '' "$bin" --batch --net loopback --wait 200ms --script "$tmp/settle"
grep -q 'expect wire saw "PSH": ok' "$tmp/out" || bad "settle-script: the send's frame was not seen" "$tmp/out"
{ printf 'title: settle\nstep: one\n'; printf '%s\n' "$settle" | sed 's/^/> /'; } >"$tmp/settle.lesson"
exits settle-lesson 0 '' "$bin" --batch --net loopback --wait 200ms --lesson "$tmp/settle.lesson"
grep -q 'expect wire saw "len=10": ok' "$tmp/out" || bad "settle-lesson: the send's frame was not seen" "$tmp/out"
finish
