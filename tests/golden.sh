#!/usr/bin/env bash
# Golden test: run a batch script through sockstep and compare what a user
# would read (stdout), the error lines (stderr) and the exit status with the
# expected files beside the script. GOLDEN_UPDATE=1 rewrites the expectations.
#   golden.sh SOCKSTEP SCRIPT [--as-nobody]
set -u
bin=$1 script=$2 mode=${3:-}
dir=$(dirname "$script") name=$(basename "$script" .script)
exp_out=$dir/$name.out exp_err=$dir/$name.err exp_rc=$dir/$name.rc
opts=$(sed -n 's/^# sockstep-options: //p' "$script" | head -n1)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

run=("$bin")
if [ "$mode" = --as-nobody ]; then
  if [ "$(id -u)" != 0 ]; then echo "not root: already unprivileged"; exit 77; fi
  command -v setpriv >/dev/null || { echo "no setpriv"; exit 77; }
  # The unprivileged user must be able to read the script and run the binary.
  cp "$script" "$tmp/s"; chmod 755 "$tmp"; chmod 644 "$tmp/s"; script=$tmp/s
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups "$bin")
fi

# shellcheck disable=SC2086
"${run[@]}" --batch $opts --script "$script" >"$tmp/out" 2>"$tmp/err"
rc=$?
# Error lines name the script; make them independent of where it lives.
sed -i "s#$script#$name.script#g" "$tmp/err"
if grep -q '^# golden-mask: ephemeral' "$script"; then
  # Ports the kernel picks differ per run; the tests check their range instead.
  sed -Ei 's/\b(3[2-9][0-9]{3}|[45][0-9]{4}|60[0-9]{3})\b/EPHEM/g' "$tmp/out"
fi

if [ -n "${GOLDEN_UPDATE:-}" ] && [ "$mode" != --as-nobody ]; then
  cp "$tmp/out" "$exp_out"
  if [ -s "$tmp/err" ]; then cp "$tmp/err" "$exp_err"; else rm -f "$exp_err"; fi
  if [ "$rc" != 0 ]; then echo "$rc" >"$exp_rc"; else rm -f "$exp_rc"; fi
  echo "updated $name"; exit 0
fi

fail=0
want_rc=0; [ -f "$exp_rc" ] && want_rc=$(cat "$exp_rc")
if [ "$rc" != "$want_rc" ]; then echo "exit status $rc, expected $want_rc"; fail=1; fi
if ! diff -u "$exp_out" "$tmp/out"; then echo "stdout differs from $exp_out"; fail=1; fi
if [ -f "$exp_err" ]; then
  diff -u "$exp_err" "$tmp/err" || { echo "stderr differs from $exp_err"; fail=1; }
elif [ -s "$tmp/err" ]; then
  echo "unexpected stderr:"; cat "$tmp/err"; fail=1
fi
exit $fail
