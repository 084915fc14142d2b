#!/usr/bin/env bash
# Command-line behaviour a user meets first: help, version, bad options,
# scripts that are missing, binary or absurd. Each must give one clear line on
# stderr, a non-zero status, and never a crash.
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
exits help 0 '' "$bin" --help
grep -q -- '--batch' "$tmp/out" || bad "help: no --batch in help"
exits version 0 '' "$bin" --version
grep -qE '^sockstep [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || bad "version: $(cat "$tmp/out")"
exits unknown-option 2 'unknown option "--frob"' "$bin" --frob
exits net-bad 2 'bad --net "moon": expected' "$bin" --batch --net moon
exits wait-bad 2 'bad --wait "soon": expected a duration' "$bin" --batch --wait soon
exits wait-missing 2 'option --wait needs a value' "$bin" --batch --wait
exits stray-arg 2 'unexpected argument "hello"' "$bin" --batch hello
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
