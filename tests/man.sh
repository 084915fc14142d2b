#!/bin/bash
# man.sh - the manual pages as a reader gets them: sockstep(1) and
# sockstep-lessons(5) render with man --warnings and no warning (as installed
# by meson install, when an install tree is given), and the complete example
# lesson of sockstep-lessons(5), cut from the rendered page, runs in --batch
# with every expectation held.
#   man.sh SOCKSTEP SRCDIR
set -u
bin=$1
srcdir=$2
. "$(dirname "$0")/lib.sh"
need man man-db || finish

for page in sockstep.1 sockstep-lessons.5; do
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$srcdir/$page" >"$tmp/page" 2>"$tmp/warn"
  rc=$?
  if [ "$rc" = 0 ] && [ ! -s "$tmp/warn" ] && [ "$(wc -l <"$tmp/page")" -gt 50 ]
  then ok "$page renders with man --warnings, no warning"; else bad "$page: man exit $rc" "$tmp/warn"; fi
done

# meson install puts both pages where man finds them (the binary's build directory).
if [ ! -f "$(dirname "$bin")/build.ninja" ]; then
  skip "$bin is not in a meson build directory: meson install not checked"
elif need meson meson; then
  if DESTDIR="$tmp/root" meson install -C "$(dirname "$bin")" --no-rebuild --only-changed >"$tmp/inst" 2>&1; then
    sec5=$(find "$tmp/root" -path '*/man5/sockstep-lessons.5' | head -n1)
    sec1=$(find "$tmp/root" -path '*/man1/sockstep.1' | head -n1)
    if [ -n "$sec5" ] && [ -n "$sec1" ] &&
       LC_ALL=C.UTF-8 man --warnings -l "$sec5" 2>"$tmp/warn" | grep -q "FAULTS ON THE WIRE" && [ ! -s "$tmp/warn" ]
    then ok "meson install: man5/sockstep-lessons.5 and man1/sockstep.1, the installed page renders clean"
    else bad "installed man pages" "$tmp/inst"; fi
  else bad "meson install into DESTDIR" "$tmp/inst"; fi
fi

# The example lesson: the indented block after "A complete lesson, saved as",
# up to "Check it", as man prints it, run as a lesson.
LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$srcdir/sockstep-lessons.5" 2>/dev/null |
  sed -n '/A complete lesson, saved as/,/Check it, then show it/p' | sed '1d;$d' |
  sed 's/^              //' >"$tmp/udp-loss.lesson"
if grep -q '^step: ' "$tmp/udp-loss.lesson" && grep -q '^> wire drop next udp$' "$tmp/udp-loss.lesson" &&
   SOCKSTEP_LESSONS=$tmp "$bin" --batch --lesson udp-loss >"$tmp/out" 2>"$tmp/err" &&
   tail -n 1 "$tmp/out" | grep -q '^LESSON udp-loss: 3 steps, .* all held$'
then ok "the man page's example lesson runs in --batch, every expectation held"
else bad "the example lesson" "$tmp/out"; cat "$tmp/err" "$tmp/udp-loss.lesson"; fi
finish
