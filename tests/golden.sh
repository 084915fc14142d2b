#!/usr/bin/env bash
# Golden test: run a batch script through sockstep and compare what a user
# would read (stdout), the error lines (stderr) and the exit status with the
# expected files beside the script. GOLDEN_UPDATE=1 rewrites the expectations,
# showing the diff, and refuses a run where an expectation failed.
#   golden.sh SOCKSTEP SCRIPT [--as-nobody]
set -u
bin=$1 script=$2 mode=${3:-}
dir=$(dirname "$script") name=$(basename "$script" .script)
exp_out=$dir/$name.out exp_err=$dir/$name.err exp_rc=$dir/$name.rc
opts=$(sed -n 's/^# sockstep-options: //p' "$script" | head -n1)
. "$(dirname "$0")/lib.sh"

set_runner "$mode"
if [ "$mode" = --as-nobody ]; then
  # The unprivileged user must be able to read the script.
  cp "$script" "$tmp/s"; chmod 644 "$tmp/s"; script=$tmp/s
fi

# A script whose options name a --lesson is only a header: the lesson is the input.
input=(--script "$script"); case " $opts " in *" --lesson "*) input=() ;; esac
# shellcheck disable=SC2086
"${run[@]}" --batch $opts "${input[@]}" >"$tmp/out" 2>"$tmp/err"
rc=$?
# Error lines name the script; make them independent of where it lives.
sed -i "s#$script#$name.script#g" "$tmp/err"
if grep -q '^# golden-mask: pid' "$script"; then
  # fork() returns the child's process id in the parent: a new one per run.
  sed -Ei 's/(pid = fork\(\);  -> )[0-9]+/\1PID/' "$tmp/out"
fi
if grep -q '^# golden-mask: ephemeral' "$script"; then
  # Ports the kernel picks differ per run; the tests check their range instead.
  mask_ephemeral <"$tmp/out" >"$tmp/m" && mv "$tmp/m" "$tmp/out"
fi

if [ -n "${GOLDEN_UPDATE:-}" ] && [ "$mode" != --as-nobody ]; then
  # Shows the diff; a run where an expectation failed is no golden.
  golden_update "$exp_out" "$tmp/out" "$tmp/err" || exit 1
  if [ -s "$tmp/err" ]; then cp "$tmp/err" "$exp_err"; else rm -f "$exp_err"; fi
  if [ "$rc" != 0 ]; then echo "$rc" >"$exp_rc"; else rm -f "$exp_rc"; fi
  exit 0
fi

want_rc=0; [ -f "$exp_rc" ] && want_rc=$(cat "$exp_rc")
[ "$rc" = "$want_rc" ] && ok || bad "exit status $rc, expected $want_rc"
diff -u "$exp_out" "$tmp/out" && ok || bad "stdout differs from $exp_out"
if [ -f "$exp_err" ]; then
  diff -u "$exp_err" "$tmp/err" && ok || bad "stderr differs from $exp_err"
elif [ -s "$tmp/err" ]; then
  bad "unexpected stderr:"; cat "$tmp/err"
else ok; fi
finish
