#!/usr/bin/env bash
# Hostile or careless input files (issue 8, items 5, 7, 8 and 9): lesson
# directories with many lessons, long names, FIFOs, devices and directories
# named *.lesson; SOCKSTEP_LESSONS with many entries; scripts and lessons with
# lines that never end, lines of 200 MB, read errors; the ':' prompt's limit.
# Each must give one clear line (naming the file, and the line where there is
# one), a non-zero status where something was refused, in bounded memory and
# time: no crash, no hang, no silent cut.
#   input.sh SOCKSTEP
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
ON_FAIL='show "$tmp/err"' # under each FAIL: the last run's stderr

# Every run is bounded: a hang or an endless read fails the test instead of
# hanging it, and (outside AddressSanitizer, which reserves terabytes of
# address space) memory is capped, so unbounded growth shows as a failure.
asan=false
ldd "$bin" 2>/dev/null | grep -q libasan && asan=true
limit=()
if ! $asan && need prlimit util-linux; then limit=(prlimit --as=$((256 * 1024 * 1024))); fi
# As root, the runs that need a user's rights are made as uid 65534 (as=NOBODY).
as=()
run() { timeout 30 "${as[@]}" "${limit[@]}" "$bin" "$@"; }

# exits NAME STATUS PATTERN ARGS...: the exit status, and exactly one line of
# stderr matching PATTERN (an empty PATTERN: nothing on stderr).
exits() {
  local name=$1 want=$2 pat=$3; shift 3
  run "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; local rc=$?
  if [ "$rc" != "$want" ]; then bad "$name: exit $rc, expected $want"; return 1; fi
  if [ -z "$pat" ]; then
    if [ -s "$tmp/err" ]; then bad "$name: stderr is not empty"; return 1; fi
  else
    local n; n=$(grep -cE -- "$pat" "$tmp/err")
    if [ "$n" != 1 ]; then bad "$name: $n lines of stderr match /$pat/, expected 1"; return 1; fi
  fi
  ok "$name"; return 0
}

lesson() { # FILE TITLE: a small valid lesson for the loopback network
  printf 'title: %s\nnet: loopback\nstep: one\nSome narration.\n> server socket udp\n> expect server state UNCONN\n' \
    "$2" >"$1"
}

# ---- 5. many lessons with long names: the suggestions ------------------------
mkdir "$tmp/many"
for i in $(seq -w 0 299); do lesson "$tmp/many/sockets-chapter-$i-exercise-text.lesson" "exercise $i"; done
mkdir "$tmp/c35"
for i in $(seq -w 1 35); do lesson "$tmp/c35/sockets-chapter-$i-exercise-text.lesson" "exercise $i"; done
chmod -R a+rX "$tmp"
for d in c35 many; do
  SOCKSTEP_LESSONS=$tmp/$d exits "nosuch among $d" 2 'no lesson "nosuch": expected one of .* and [0-9]+ more \(see --list-lessons\)$' \
    --lesson nosuch
  # The names shown and the number left out add up to all of them.
  # (--list-lessons leaves out the halves of --compare, listed: no, that a
  # name may still be.)
  total=$(( $(SOCKSTEP_LESSONS=$tmp/$d run --list-lessons 2>/dev/null | wc -l) +
            $(grep -lx 'listed: no' "$src"/assets/lessons/*.lesson | wc -l) ))
  shown=$(grep -o 'expected one of .* and' "$tmp/err" | tr ',' '\n' | grep -c .)
  more=$(sed -n 's/.* and \([0-9]*\) more.*/\1/p' "$tmp/err")
  check "nosuch among $d: $shown shown + ${more:-?} more = $total lessons" '[ $((shown + ${more:-0})) = "$total" ]'
done
SOCKSTEP_LESSONS=$tmp/many exits "typo of the 300th long name" 2 \
  'did you mean "sockets-chapter-299-exercise-text"\?' --lesson sockets-chapter-299-exercise-txt
long=$(printf 'x%.0s' $(seq 1 200))
SOCKSTEP_LESSONS=$tmp/many exits "a name of 200 characters" 2 "no lesson \"$long\": expected one of" --lesson "$long"

# ---- 9. no limit on lessons or on SOCKSTEP_LESSONS ---------------------------
SOCKSTEP_LESSONS=$tmp/many run --list-lessons >"$tmp/out" 2>"$tmp/err"; rc=$?
check "300 lessons: --list-lessons exits 0 (got $rc)" '[ $rc = 0 ]'
n=$(grep -c '^sockets-chapter-[0-9]*-exercise-text  *exercise' "$tmp/out")
check "300 lessons: all 300 listed (got $n)" '[ "$n" = 300 ]'
check "300 lessons: the 300th is listed" 'grep -q "^sockets-chapter-299-exercise-text " "$tmp/out"'
SOCKSTEP_LESSONS=$tmp/many exits "300 lessons: the 300th runs" 0 '' --batch --lesson sockets-chapter-299-exercise-text &&
  check "300 lessons: the 300th's expectation holds" 'grep -q "expect server state UNCONN: ok" "$tmp/out"'
mkdir "$tmp/empty"
dirs=""
for i in $(seq 1 24); do dirs+="$tmp/empty:$tmp/absent-$i:"; done # 48 entries before the lessons
mkdir "$tmp/last"; lesson "$tmp/last/the-last-one.lesson" "found after 48 entries"; chmod -R a+rX "$tmp/last"
SOCKSTEP_LESSONS=$dirs$tmp/last run --list-lessons >"$tmp/out" 2>"$tmp/err"; rc=$?
check "48 entries, then a directory: --list-lessons exits 0 (got $rc)" '[ $rc = 0 ]'
check "48 entries, then a directory: its lesson is listed" 'grep -q "^the-last-one  *found after 48 entries" "$tmp/out"'
check "48 entries: the source tree's lessons are still listed" 'grep -q "^tcp " "$tmp/out"'
SOCKSTEP_LESSONS=$dirs$tmp/last exits "48 entries, then a directory: --lesson finds it" 0 '' \
  --batch --lesson the-last-one
# A SOCKSTEP_LESSONS longer than 4096 bytes is not cut either.
longdirs=""
for i in $(seq 1 60); do longdirs+="$tmp/a-directory-with-a-rather-long-name-that-does-not-exist-$i:"; done
SOCKSTEP_LESSONS=$longdirs$tmp/last run --list-lessons >"$tmp/out" 2>"$tmp/err"
check "a SOCKSTEP_LESSONS of ${#longdirs} bytes: the last directory is read" \
  'grep -q "^the-last-one " "$tmp/out"'
# A directory that cannot be read is said, and the others still count (root
# reads any directory: as root, uid 65534 is the user).
mkdir "$tmp/closed"; chmod 000 "$tmp/closed"
if [ "$(id -u)" != 0 ] || need setpriv util-linux; then
  [ "$(id -u)" = 0 ] && as=("${NOBODY[@]}")
  SOCKSTEP_LESSONS=$tmp/closed:$tmp/last exits "an unreadable lesson directory is said" 0 \
    "cannot read lesson directory \"$tmp/closed\": Permission denied \(EACCES\)" --list-lessons
  check "an unreadable lesson directory: the next one is listed" 'grep -q "^the-last-one " "$tmp/out"'
  as=()
fi

# ---- 8. what is not a regular file, named *.lesson ---------------------------
mkdir "$tmp/odd"; lesson "$tmp/odd/fine.lesson" "a fine lesson"
mkfifo "$tmp/odd/pipe.lesson"
mkdir "$tmp/odd/folder.lesson"
ln -s /dev/zero "$tmp/odd/zero.lesson"
ln -s /dev/null "$tmp/odd/null.lesson"
ln -s "$tmp/nowhere" "$tmp/odd/dangling.lesson"
chmod -R a+rX "$tmp/odd"
export SOCKSTEP_LESSONS=$tmp/odd
exits "--lesson of a FIFO in the lesson directory" 2 "lesson \"$tmp/odd/pipe.lesson\" is a FIFO: expected a regular .lesson file" \
  --batch --lesson pipe
exits "--lesson of a FIFO by path" 2 "lesson \"$tmp/odd/pipe.lesson\" is a FIFO" --batch --lesson "$tmp/odd/pipe.lesson"
exits "--lesson of a directory named x.lesson" 2 "lesson \"$tmp/odd/folder.lesson\" is a directory" --batch --lesson folder
exits "--lesson /dev/zero" 2 'lesson "/dev/zero" is a character device: expected a regular .lesson file' --batch --lesson /dev/zero
exits "--lesson of a link to /dev/zero" 2 'zero.lesson" is a character device' --batch --lesson zero
exits "--lesson of a link to /dev/null" 2 'null.lesson" is a character device' --batch --lesson null
exits "--lesson of a dangling link" 2 'cannot open lesson ".*dangling.lesson": No such file or directory \(ENOENT\)' \
  --batch --lesson dangling
run --list-lessons >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--list-lessons beside a FIFO, a directory and devices: exits 0 (got $rc)" '[ $rc = 0 ]'
check "--list-lessons: the fine lesson is listed" 'grep -q "^fine  *a fine lesson" "$tmp/out"'
for what in "pipe:is a FIFO" "folder:is a directory" "zero:is a character device" "null:is a character device"; do
  check "--list-lessons: ${what%%:*} does not load, by name" \
    "grep -q '^${what%%:*}  *(does not load: lesson \".*${what%%:*}.lesson\" ${what#*:}' \"\$tmp/out\""
done
unset SOCKSTEP_LESSONS

# ---- 7. lines without bound --------------------------------------------------
# /dev/zero on stdin: one line, at line 1, and the end (it used to grow to
# gigabytes in seconds, and stop with exit 0 under a memory limit).
timeout 30 "${limit[@]}" "$bin" --batch --net loopback </dev/zero >"$tmp/out" 2>"$tmp/err"; rc=$?
check "stdin /dev/zero: exit 1 (got $rc)" '[ $rc = 1 ]'
check "stdin /dev/zero: one line naming stdin:1" \
  '[ "$(grep -c "stdin:1: line is longer than 4096 bytes and holds a NUL byte" "$tmp/err")" = 1 ]'
# --script /dev/zero: refused, naming the file (at its line 1, or as not a regular file).
timeout 30 "${limit[@]}" "$bin" --batch --net loopback --script /dev/zero >"$tmp/out" 2>"$tmp/err"; rc=$?
check "--script /dev/zero: exit 1 or 2 (got $rc)" '[ $rc = 1 ] || [ $rc = 2 ]'
check "--script /dev/zero: one line naming it" \
  '[ "$(grep -cE "sockstep: (/dev/zero:1: |.*\"/dev/zero\")" "$tmp/err")" = 1 ]'
# A line of 200 MB from a pipe, under a memory limit below it: refused with
# its length and line number; the line after it still runs.
if [ ${#limit[@]} -gt 0 ]; then
  { echo 'server socket udp'; head -c 209715200 /dev/zero | tr '\0' a; printf '\nexpect server state UNCONN\n'; } |
    timeout 60 prlimit --as=$((128 * 1024 * 1024)) "$bin" --batch --net loopback >"$tmp/out" 2>"$tmp/err"; rc=$?
  check "a 200 MB line under a 128 MB limit: exit 1 (got $rc)" '[ $rc = 1 ]'
  check "a 200 MB line: one line with its length and line number" \
    'grep -q "^sockstep: stdin:2: line is 209715200 bytes; at most 4096 expected$" "$tmp/err"'
  check "a 200 MB line: the next line runs" 'grep -q "expect server state UNCONN: ok" "$tmp/out"'
elif $asan; then
  # AddressSanitizer reserves terabytes of address space: the plain build checks this.
  echo "note: AddressSanitizer build: the memory-limit run is the plain build's"
fi
# Lines just under, at and over the limit: only the one over it is refused.
{ for n in 4095 4096 4097; do printf '#'; head -c $((n - 1)) /dev/zero | tr '\0' c; printf '\n'; done
  printf 'say after%4087s\n' '' # 4096 bytes: "say after" and blanks
  echo 'say the end'; } >"$tmp/edges"
exits "lines of 4095, 4096 and 4097 bytes" 1 "^sockstep: $tmp/edges:3: line is 4097 bytes; at most 4096 expected$" \
  --batch --net loopback --script "$tmp/edges"
check "lines of 4095 and 4096 bytes are not refused" '! grep -qE "edges:(1|2|4):" "$tmp/err"'
check "a say line of 4096 bytes runs" 'grep -q ">> after" "$tmp/out" && grep -q ">> the end" "$tmp/out"'
# A read error is an error, not the end of the script: a directory on stdin
# (the shell opens it; read() fails with EISDIR).
timeout 30 "${limit[@]}" "$bin" --batch --net loopback <"$tmp/empty" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "a directory on stdin: exit 1 (got $rc)" '[ $rc = 1 ]'
check "a directory on stdin: one line, stdin:1 and EISDIR" \
  'grep -q "^sockstep: stdin:1: cannot read: Is a directory (EISDIR); nothing after it is read$" "$tmp/err"'
# Binary input stops at its first NUL: one line, not one per line.
{ echo 'server socket udp'; printf 'abc\0def\n'; head -c 20000 /dev/urandom; } >"$tmp/binary"
exits "a binary script" 1 'binary:2: line contains a NUL byte: expected text \(is this a binary file\?\); nothing after it is read' \
  --batch --net loopback --script "$tmp/binary"
check "a binary script: one error line, then the count" '[ "$(wc -l <"$tmp/err")" = 2 ]'

# Lessons: an overlong line names its line; a lesson of 10 MB is refused
# with its real size, without reading it whole.
{ printf 'title: t\nstep: one\n'; head -c 5000 /dev/zero | tr '\0' n; printf '\n'; } >"$tmp/longline.lesson"
exits "a lesson line of 5000 bytes" 2 "longline.lesson:3: a line of 5000 bytes: expected at most 4096" \
  --batch --lesson "$tmp/longline.lesson"
{ printf 'title: t\nnet: loopback\nstep: one\n'; head -c 4096 /dev/zero | tr '\0' n; printf '\n> server socket udp\n'; } \
  >"$tmp/edge.lesson"
exits "a lesson line of 4096 bytes" 0 '' --batch --lesson "$tmp/edge.lesson"
{ printf 'title: t\nstep: one\n'; head -c 10485760 /dev/zero | tr '\0' n; } >"$tmp/huge.lesson"
exits "a lesson of 10 MB" 2 "huge.lesson:1: the lesson is $(stat -c %s "$tmp/huge.lesson") bytes: expected at most 1048576" \
  --batch --lesson "$tmp/huge.lesson"

# ---- text as text: one rule for a byte order mark and CR LF -------------------
# A file saved as "UTF-8 with BOM" and with Windows line ends runs as the same
# file saved plainly: a script, stdin and a lesson alike.
printf 'inet_addr 1.2.3.4\nsay "two"\nhtons 80\n' >"$tmp/plain.script"
{ printf '\xEF\xBB\xBF'; sed 's/$/\r/' "$tmp/plain.script"; } >"$tmp/dos.script"
run --batch --net loopback --script "$tmp/plain.script" >"$tmp/plain.out" 2>&1
exits "a script with a BOM and CR LF" 0 '' --batch --net loopback --script "$tmp/dos.script"
check "a script with a BOM and CR LF prints what the plain one prints" 'cmp -s "$tmp/out" "$tmp/plain.out"'
run --batch --net loopback <"$tmp/dos.script" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "the same on stdin: exit 0 (got $rc), nothing on stderr, the same output" \
  '[ $rc = 0 ] && [ ! -s "$tmp/err" ] && cmp -s "$tmp/out" "$tmp/plain.out"'
# Only a line end: a CR inside a line is still refused, and a BOM that is
# not at the start shows escaped in the error, not as an invisible character.
printf 'say "a"\r\nsay "b"\rx\n\xEF\xBB\xBFsay "c"\n' >"$tmp/cr.script"
run --batch --net loopback --script "$tmp/cr.script" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "a lone CR and a BOM inside the script are refused (exit $rc, 2 lines)" \
  '[ $rc = 1 ] && grep -q "cr.script:2: line contains a binary byte 0x0D" "$tmp/err" &&
   grep -qF "cr.script:3: unknown command \"\\xef\\xbb\\xbfsay\"" "$tmp/err" && grep -q ">> a" "$tmp/out"'
mkdir -p "$tmp/plain" "$tmp/dos"
printf 'title: t\nnet: loopback\n\nstep: one\nSome narration.\n> htons 80\n> server socket udp\n> expect server state UNCONN\n' \
  >"$tmp/plain/crlf.lesson"
{ printf '\xEF\xBB\xBF'; sed 's/$/\r/' "$tmp/plain/crlf.lesson"; } >"$tmp/dos/crlf.lesson"
run --batch --lesson "$tmp/plain/crlf.lesson" >"$tmp/plain.out" 2>&1
exits "a lesson with a BOM and CR LF" 0 '' --batch --lesson "$tmp/dos/crlf.lesson"
check "a lesson with a BOM and CR LF prints what the plain one prints" 'cmp -s "$tmp/out" "$tmp/plain.out"'

# ---- 7. the ':' prompt -------------------------------------------------------
if need tmux tmux; then
  tmux_server input
  tmux_session p 120 40 "LANG=C.UTF-8 $bin --net loopback 2>$tmp/prompt.err; echo \$? >$tmp/prompt.rc; sleep 30"
  if wait_for "5-tuple"; then
    send ':'
    send_text "say $(printf 'p%.0s' $(seq 1 4092))" # 4096 bytes: accepted
    wait_for "pppp"
    sleep 0.5
    check "prompt: a line of 4096 bytes is taken without a warning" '! shown "the line is full"'
    send_text "qqqq" # past the limit
    wait_for "the line is full: at most 4096 bytes"; rc=$?
    check "prompt: a key past 4096 bytes says the line is full" '[ $rc = 0 ]' || screen | tail -3
    send Escape
    # The prompt closed before ':' opens it again (an Esc followed at once
    # by ':' is read as Alt-: by curses).
    wait_gone "Esc cancel"
    # A line pasted from a file saved with a byte order mark runs as typed.
    send ':'
    send_line "$(printf '\xEF\xBB\xBF')say \"pasted\""
    wait_gone 'say "pasted"'; rc=$? # the line has run
    check "prompt: a pasted byte order mark is skipped" '[ $rc = 0 ] && shown -x " pasted" && ! shown "unknown command"' ||
      screen | tail -3
    send q
    wait_file "$tmp/prompt.rc"
    check "prompt: q then exits 0" '[ "$(cat "$tmp/prompt.rc" 2>/dev/null)" = 0 ]'
  else
    bad "prompt: the screen did not start: $(screen | head -5)"
  fi
fi

finish
