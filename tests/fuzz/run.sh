#!/usr/bin/env bash
# Run every libFuzzer harness of a -Dfuzz=true build for SECONDS each, starting
# from the committed seed corpus (copied: the run's findings stay out of git),
# then report what each fuzzer covered. The lesson parser's seeds are the
# shipped lessons themselves (assets/lessons), so they never go stale when
# the lesson rules tighten.
#   - libFuzzer's own figures at the end of the run: executions, cov: (code
#     edges reached), ft: (features), the corpus it grew;
#   - the line and function coverage of the parser's own source files: the
#     final corpus replayed through the cov_NAME build (source-based coverage,
#     llvm-profdata and llvm-cov from Debian's llvm package).
# Both for the seeds alone and for the corpus after fuzzing. It fails when a
# fuzzer finds a crash, when a lesson seed does not parse, or when a parser's
# core is not reached: for the lesson parser the step grammar (add_step,
# command_line, add_text), which a harness that stops every seed at its
# header fuzzes only by chance.
#   tests/fuzz/run.sh BUILD_DIR SECONDS
set -euo pipefail
build=$1 secs=${2:-120}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
status=0

tool() { # the first of llvm-NAME, llvm-NAME-19 ... llvm-NAME-14 found
  local t
  for t in "llvm-$1" $(for v in 19 18 17 16 15 14; do echo "llvm-$1-$v"; done); do
    command -v "$t" >/dev/null && { echo "$t"; return 0; }
  done
  return 1
}
profdata=$(tool profdata) && llvmcov=$(tool cov) || {
  echo "coverage: llvm-profdata and llvm-cov not found: expected them (Debian: apt-get install llvm)"
  profdata="" llvmcov=""; status=1
}

# The parser's files of each harness, and the functions the fuzzing must reach.
declare -A files=([capture]="src/net/capture.c" [decode]="src/decode/decode_frame.c src/decode/decode_eth.c src/decode/decode_sll.c src/decode/decode_arp.c src/decode/decode_ipv4.c src/decode/decode_ipv6.c src/decode/decode_icmp.c src/decode/decode_tcp.c src/decode/decode_udp.c src/decode/flowkey.c" [cmd]="src/core/cmd_lex.c src/core/cmd_args.c src/core/cmd_verbs.c src/core/cmd_expect.c src/core/cmd_parse.c" [lesson]="src/lesson/lesson.c" [sysc]="src/core/sysc.c src/core/sysc_text.c" [dwarf_answer]="src/net/trace_dwarf.c")
declare -A must=([capture]="capture_print list_mapped list_frame" [decode]="flowkey_read" [cmd]="cmd_parse" [lesson]="lesson_parse header_line add_step command_line add_text end_step" [sysc]="sysc_enter sysc_exit enter_data enter_msg enter_wait exit_out put_sa st_sockaddr" [dwarf_answer]="tdw_parse parse_line parse_var parse_row tdw_line")

# coverage NAME DIR LABEL: replay DIR through cov_NAME; print the line and
# function coverage of the parser's files and the calls of the functions it
# must reach. Returns 1 when it could not measure, or one was never reached.
coverage() {
  local name=$1 dir=$2 label=$3 out=$work/$1.$3 rc=0
  if ! LLVM_PROFILE_FILE="$out.profraw" "$build/tests/fuzz/cov_$name" -runs=0 "$dir" >"$out.log" 2>&1 ||
     ! "$profdata" merge -sparse "$out.profraw" -o "$out.profdata" ||
     ! "$llvmcov" export -format=lcov -instr-profile="$out.profdata" "$build/tests/fuzz/cov_$name" >"$out.lcov"; then
    echo "  $label: the coverage of fuzz_$name could not be measured:"; tail -n 5 "$out.log"; return 1
  fi
  for f in ${files[$name]}; do
    # lcov: SF: starts a file, LF/LH lines found/hit, FNF/FNH functions.
    awk -v f="$src/$f" -v show="$f" -v label="$label" '
      /^SF:/ { p = $0; sub(/^SF:/, "", p); while (p ~ /\/[^\/]+\/\.\.\//) sub(/\/[^\/]+\/\.\.\//, "/", p); on = (p == f) }
      on && /^LF:/ { lf = substr($0, 4) } on && /^LH:/ { lh = substr($0, 4) }
      on && /^FNF:/ { fnf = substr($0, 5) } on && /^FNH:/ { fnh = substr($0, 5) }
      END { if (lf) printf "  %s: %s lines %d/%d (%.1f%%), functions %d/%d\n", label, show, lh, lf, 100 * lh / lf, fnh, fnf
            else printf "  %s: %s: no coverage recorded\n", label, show }' "$out.lcov"
  done
  [ -n "${must[$name]}" ] || return 0
  local line="  $label: calls of" fn n
  for fn in ${must[$name]}; do
    # FNDA:COUNT,NAME (static functions as FILE:NAME).
    n=$(awk -F'[:,]' -v fn="$fn" '/^FNDA:/ && ($NF == fn) { s += $2 } END { print s + 0 }' "$out.lcov")
    line+=" $fn $n"
    [ "$n" != 0 ] || rc=1
  done
  echo "$line"
  [ $rc = 0 ] || echo "  $label: fuzz_$name never reaches part of its parser: its inputs stop before it"
  return $rc
}

declare -A seeddir=([capture]="$here/corpus/capture" [decode]="$here/corpus/decode" [cmd]="$here/corpus/cmd" [lesson]="$src/assets/lessons" [sysc]="$here/corpus/sysc" [dwarf_answer]="$here/corpus/dwarf_answer")
for name in decode capture cmd lesson sysc dwarf_answer; do
  mkdir -p "$work/$name"; cp "${seeddir[$name]}"/* "$work/$name/"
  seeds=$(ls "$work/$name" | wc -l)
  echo "fuzz_$name: ${secs}s from $seeds seeds"
  # The seeds first: a harness that refuses them (as fuzz_lesson once did,
  # at every lesson's "lesson:" line) fuzzes only what comes before.
  if ! FUZZ_SEEDS_MUST_PARSE=1 "$build/tests/fuzz/fuzz_$name" -runs=0 "${seeddir[$name]}" >"$work/$name.seeds.log" 2>&1; then
    echo "  the seeds FAILED:"; grep -E 'does not parse|ERROR|SUMMARY' "$work/$name.seeds.log" | head -n 5; status=1
  fi
  if [ -n "$llvmcov" ]; then coverage "$name" "${seeddir[$name]}" seeds || status=1; fi
  quiet=(); [ "$name" = capture ] && quiet=(-close_fd_mask=2) # a refused capture's line per input
  if ! "$build/tests/fuzz/fuzz_$name" "${quiet[@]}" -max_total_time="$secs" -print_final_stats=1 \
       -artifact_prefix="$work/" "$work/$name" 2>"$work/$name.log"; then
    echo "fuzz_$name FAILED:"; tail -n 40 "$work/$name.log"; status=1
    continue
  fi
  # "#123456<tab>DONE cov: 812 ft: 3301 corp: 640/41Kb ..." and the final stats.
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$work/$name.log" | tail -n 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$work/$name.log")
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
  echo "  libFuzzer: ${execs:-?} executions, cov: ${cov:-?} edges, ft: ${ft:-?} features, corpus ${corp:-?} inputs (from $seeds), peak RSS ${rss:-?} MB"
  if [ -n "$llvmcov" ]; then coverage "$name" "$work/$name" fuzzed || status=1; fi
done
exit $status
