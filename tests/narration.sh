#!/bin/bash
# narration.sh - a lesson's preformatted lines (indented by four spaces, the
# lecture's tables) as the author wrote them: on the screen at 80x24 and
# 100x30 each is a line of its own, verbatim, never joined into the text
# around it; in the text handout verbatim; in the Markdown handout a fenced
# block. Every such line of every shipped lesson is checked, at the end of
# its own step.
#
# Usage: tests/narration.sh path/to/sockstep      (exit 77: no tmux)
set -u
bin=$(realpath "${1:?usage: narration.sh path/to/sockstep}")
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
screen_test narration
export SOCKSTEP_LESSONS=$src/assets/lessons

# pre_lines LESSON STEP: the preformatted lines of that step (1-based), as written.
pre_lines() {
  awk -v k="$2" '/^step:/ { n++; next } n == k && /^    / && !/^ *[#>]/ && !/^ *$/' "$src/assets/lessons/$1.lesson"
}
# steps_with_pre LESSON: the steps that have preformatted lines.
steps_with_pre() {
  awk '/^step:/ { n++; next } n && /^    / && !/^ *[#>]/ && !/^ *$/ { print n }' "$src/assets/lessons/$1.lesson" | uniq
}

# The lesson pane zoomed (Tab until it has the focus, then z), then scrolled
# a page at a time: every line it holds, each as "│ TEXT".
# focus: the title of the pane in focus ("─[ NAME ...]"); focus_moved WAS: another one now.
focus() { screen | grep -o -- '─\[ [^]]*\]' | head -n 1; }
focus_moved() { [ "$(focus)" != "$1" ]; }
lesson_pane_lines() {
  local i was
  # A step of narration alone has the whole frame: nothing to zoom.
  if screen | head -n 1 | grep -qE -- "^┌─\[? ?lesson " && ! shown -F -- "5-tuple"; then
    screen >"$tmp/pane"
    return 0
  fi
  for i in $(seq 1 12); do
    shown -F -- "─[ lesson " && break
    was=$(focus)
    send Tab
    wait_until focus_moved "$was" || return 1
  done
  shown -F -- "─[ lesson " || return 1
  send z
  wait_until zoomed || return 1
  screen >"$tmp/pane"
  # More below (… in its last column): a page down, until the text moved.
  for i in 1 2 3 4; do
    grep -q '…│$' "$tmp/pane.last" 2>/dev/null || [ "$i" = 1 ] || break
    screen >"$tmp/pane.last"
    grep -q '…│$' "$tmp/pane.last" || break
    send NPage
    wait_until moved || return 1
    screen | tee "$tmp/pane.last" >>"$tmp/pane"
  done
  rm -f "$tmp/pane.last"
  send z
}
zoomed() { screen | head -n 1 | grep -qF -- "┌─[ lesson "; }
moved() { ! screen | cmp -s - "$tmp/pane.last"; }

# Checked where preformatted lines are: every shipped lesson that has one.
lessons=()
for f in "$src"/assets/lessons/*.lesson; do
  n=$(basename "$f" .lesson)
  [ -n "$(steps_with_pre "$n")" ] && lessons+=("$n")
done
check "shipped lessons with preformatted lines: byteorder, ephemeral and sockaddr among them" \
  '[[ " ${lessons[*]} " == *" byteorder "* && " ${lessons[*]} " == *" ephemeral "* && " ${lessons[*]} " == *" sockaddr "* ]]'

for size in 80x24 100x30; do
  w=${size%x*} h=${size#*x}
  for les in "${lessons[@]}"; do
    for k in $(steps_with_pre "$les"); do
      ui_fresh_log
      tmux_session "n$les$k$w" "$w" "$h" "$bin --lesson $les --log $UI_LOG"
      wait_for "5-tuple"
      for _ in $(seq 1 "$k"); do send n; steps_done || break; done
      if ! wait_until shown -F -- "step $k/"; then bad "$les step $k at $size: the step did not run"; continue; fi
      if ! lesson_pane_lines; then bad "$les step $k at $size: no lesson pane to zoom"; continue; fi
      missing=0
      while IFS= read -r line; do
        # Verbatim, two columns in from the narration (two of its four
        # spaces of mark are left out), then only blanks to the border.
        if ! grep -qxE -- "│ $(printf '%s' "${line#  }" | sed 's/[][\.*^$()+?{}|/]/\\&/g') *│" "$tmp/pane"; then
          missing=$((missing + 1))
          echo "      not on screen as written: \"$line\""
        fi
      done < <(pre_lines "$les" "$k")
      [ "$missing" = 0 ] && ok "$les step $k at $size: its $(pre_lines "$les" "$k" | wc -l) preformatted lines verbatim" ||
        { cp "$tmp/pane" "$tmp/shown"; bad "$les step $k at $size: $missing preformatted lines reflowed" "$tmp/shown"; }
    done
  done
done

# The text handout and the worksheet: each preformatted line as written; the Markdown one: in a
# fenced block, without its four spaces of mark.
for les in "${lessons[@]}"; do
  "$bin" --batch --lesson "$les" >"$tmp/out" 2>"$tmp/err"
  "$bin" --batch --lesson "$les" --handout md >"$tmp/md" 2>>"$tmp/err"
  "$bin" --batch --lesson "$les" --handout worksheet >"$tmp/ws" 2>>"$tmp/err"
  miss=0 miss_md=0
  for k in $(steps_with_pre "$les"); do
    while IFS= read -r line; do
      grep -qxF -- "$line" "$tmp/out" && grep -qxF -- "$line" "$tmp/ws" || miss=$((miss + 1))
      awk -v want="${line#    }" '/^```text$/ { f = 1; next } /^```/ { f = 0 } f && $0 == want { found = 1 } END { exit !found }' \
        "$tmp/md" || miss_md=$((miss_md + 1))
    done < <(pre_lines "$les" "$k")
  done
  [ "$miss" = 0 ] && ok "$les: text handout and worksheet keep its preformatted lines" || bad "$les: $miss preformatted lines changed in the handout or worksheet"
  [ "$miss_md" = 0 ] && ok "$les: Markdown handout fences its preformatted lines" || bad "$les: $miss_md preformatted lines not in a fenced block" "$tmp/md"
done
if command -v cmark-gfm >/dev/null; then
  "$bin" --batch --lesson byteorder --handout md 2>/dev/null | cmark-gfm -e table >"$tmp/html"
  check "cmark-gfm renders byteorder's table as preformatted text" \
    'grep -qF "<pre><code class=\"language-text\">address        0  1  2  3  4  5  6  7" "$tmp/html"'
fi

# A preformatted line wider than the box at 80 columns, or with a tab, is
# refused when the lesson loads: one line naming the file and the line.
printf 'title: wide\nstep: one\n    %s\n' "$(printf 'x%.0s' $(seq 1 75))" >"$tmp/wide.lesson"
"$bin" --batch --lesson "$tmp/wide.lesson" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a preformatted line of 79 columns: refused (exit 2) in one line naming file, line and the limit" \
  '[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "wide.lesson:3: a preformatted line of 79 columns: expected at most 78" "$tmp/err"'
printf 'title: tab\nstep: one\n    a\tb\n' >"$tmp/tab.lesson"
"$bin" --batch --lesson "$tmp/tab.lesson" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "a tab in a preformatted line: refused (exit 2) in one line" \
  '[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "tab.lesson:3: a tab in a preformatted line" "$tmp/err"'

finish
