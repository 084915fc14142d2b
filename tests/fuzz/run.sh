#!/usr/bin/env bash
# Run every libFuzzer harness of a -Dfuzz=true build for SECONDS each, starting
# from the committed seed corpus (copied: the run's findings stay out of git).
#   tests/fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=$1 secs=${2:-120}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
status=0
for name in decode cmd lesson; do
  mkdir -p "$work/$name"; cp "$here/corpus/$name"/* "$work/$name/"
  echo "fuzz_$name: ${secs}s"
  if ! "$build/tests/fuzz/fuzz_$name" -max_total_time="$secs" -print_final_stats=1 \
       -artifact_prefix="$work/" "$work/$name" 2>"$work/$name.log"; then
    echo "fuzz_$name FAILED:"; tail -n 40 "$work/$name.log"; status=1
  else
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|cov:' "$work/$name.log" | tail -n 3
  fi
done
exit $status
