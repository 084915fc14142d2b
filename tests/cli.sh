#!/usr/bin/env bash
# Command-line behaviour a user meets first: help, version, bad options,
# scripts that are missing, binary or absurd. Each must give one clear line on
# stderr, a non-zero status, and never a crash.
set -u
bin=$1
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# As root without SUDO_UID, sockstep opens the files it is named as nobody.
chmod 755 "$tmp"
fails=0 passed=0
check() { # name, expected status, stderr pattern, command...
  local name=$1 want=$2 pat=$3; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
  if [ "$rc" != "$want" ]; then echo "FAIL $name: exit $rc, expected $want"; cat "$tmp/err"; fails=$((fails+1)); return; fi
  if [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/err"; then
    echo "FAIL $name: stderr lacks /$pat/:"; cat "$tmp/err"; fails=$((fails+1)); return; fi
  if [ "$rc" -ge 128 ]; then echo "FAIL $name: killed by a signal"; fails=$((fails+1)); return; fi
  passed=$((passed+1))
}
check help 0 '' "$bin" --help
grep -q -- '--batch' "$tmp/out" || { echo "FAIL help: no --batch in help"; fails=$((fails+1)); }
check version 0 '' "$bin" --version
grep -qE '^sockstep [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || { echo "FAIL version: $(cat "$tmp/out")"; fails=$((fails+1)); }
check unknown-option 2 'unknown option "--frob"' "$bin" --frob
check net-bad 2 'bad --net "moon": expected' "$bin" --batch --net moon
check wait-bad 2 'bad --wait "soon": expected a duration' "$bin" --batch --wait soon
check wait-missing 2 'option --wait needs a value' "$bin" --batch --wait
check stray-arg 2 'unexpected argument "hello"' "$bin" --batch hello
check script-without-batch 2 '--script needs --batch' "$bin" --script /dev/null
check script-missing 2 'cannot open script ".*nope": No such file or directory \(ENOENT\)' "$bin" --batch --script "$tmp/nope"
check script-dir 2 'is a directory; expected a file of commands' "$bin" --batch --script "$tmp"
head -c 3000 /dev/urandom >"$tmp/bin"; printf '\0\n' >>"$tmp/bin"
check script-binary 1 'expected text|binary|NUL' "$bin" --batch --script "$tmp/bin"
{ printf 'server socket tcp\n'; head -c 10485760 /dev/zero | tr '\0' 'a'; printf '\nserver bind 127.0.0.1 80\nexpect server local 127.0.0.1 80\n'; } >"$tmp/big"
check script-10MB-line 1 'big:2: line is 10485760 bytes; at most 4096' "$bin" --batch --script "$tmp/big"
grep -q 'expect server local 127.0.0.1 80: ok' "$tmp/out" || { echo "FAIL script-10MB-line: the lines after it did not run"; fails=$((fails+1)); }
check stdin-not-tty 2 'stdin is not a terminal; use --batch' "$bin" </dev/null
printf 'server socket tcp\n' >"$tmp/ok"
check batch-ok 0 '' "$bin" --batch --script "$tmp/ok"
check batch-stdin 0 '' "$bin" --batch <"$tmp/ok"
check host-mode 0 '' "$bin" --batch --net host --script "$tmp/ok"
echo "$passed passed, $fails failed"
[ "$fails" = 0 ]
