# lib.sh - the scaffolding the shell tests share, written once. A test does
#   set -u
#   . "$(dirname "$0")/lib.sh"
# and then has $tmp, ok/bad/check, skip/need and finish; the tmux and uid
# 65534 helpers are there for the tests that need them. Nothing here checks
# anything itself.
# shellcheck shell=bash disable=SC2034 # src, run: for the tests that source this

# The source tree (its lessons, its golden files), wherever the test runs from.
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The temp dir, readable by the user sockstep acts for (uid 65534 as root
# without SUDO_UID); a test that lets that user write there widens it.
tmp=$(mktemp -d)
chmod 755 "$tmp"

# The private tmux server (tmux_server), empty until a test asks for one.
T=()
TMUX_SOCK=''

# The directory priv_dir found, empty until a test asks for one.
PRIV_DIR=''

# At exit: the tmux server and the socket it leaves behind, then the temp dir
# (and priv_dir's, which may be elsewhere).
lib_cleanup() {
  if [ -n "$TMUX_SOCK" ]; then
    "${T[@]}" kill-server >/dev/null 2>&1
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
  fi
  [ -z "$PRIV_DIR" ] || rm -rf "$PRIV_DIR"
  rm -rf "$tmp"
}
trap lib_cleanup EXIT

# ---- counters ---------------------------------------------------------------

passed=0 failed=0 skipped=0
# Run after each FAIL line when set (a screen test shows the screen).
ON_FAIL=''

# show FILE: the start of FILE under a FAIL line, indented, controls made visible.
show() { [ -s "$1" ] && head -c 1500 "$1" | cat -v | head -n 15 | sed 's/^/      /'; return 0; }

# ok [MESSAGE]: a check held; said on an "ok" line when it has a message.
ok() { passed=$((passed + 1)); [ $# = 0 ] || echo "ok    $*"; }

# bad MESSAGE [FILE]: a check failed: one FAIL line, then FILE's start if given.
bad() {
  failed=$((failed + 1))
  echo "FAIL  $1"
  [ -n "${2:-}" ] && show "$2"
  [ -n "$ON_FAIL" ] && eval "$ON_FAIL"
  return 0
}

# check NAME CONDITION: ok or bad by the shell condition (eval'd); its status.
check() { if eval "$2"; then ok "$1"; return 0; else bad "$1"; return 1; fi; }

# finish: the summary line, and the exit status meson reads: 1 when a check
# failed, else 77 (SKIP) when a part could not run here, else 0.
finish() {
  echo "$passed passed, $failed failed$([ "$skipped" = 0 ] || echo ", $skipped skipped")"
  [ "$failed" = 0 ] || exit 1
  [ "$skipped" = 0 ] || exit 77
  exit 0
}

# ---- what cannot run here ---------------------------------------------------
# A part that cannot run here (not root, a tool missing) says so on a SKIP
# line, and the test then ends SKIP, never as a pass. In CI (CI set, as
# .ci/run sets it) the tests run as root after ./install-deps: there nothing
# may be skipped, and the same line is a FAIL.

# skip WHY: this part of the test does not run, because WHY; status 1, so
# that a test goes on with its other parts (or ends: skip WHY || finish).
skip() {
  if [ -n "${CI:-}" ]; then bad "$1 (CI is set: nothing may be skipped there)"
  else skipped=$((skipped + 1)); echo "SKIP  $1"; fi
  return 1
}

# need TOOL PACKAGE: TOOL is installed (status 0), or skip naming the Debian
# package that has it (./install-deps lists the packages the tests use).
need() {
  command -v "$1" >/dev/null 2>&1 ||
    skip "$1 not found: expected it from the Debian package $2 (see ./install-deps)"
}

# need_root WHAT: running as root (status 0), or skip WHAT, which needs it.
need_root() { [ "$(id -u)" = 0 ] || skip "needs root: $1"; }

# ---- another user's traffic -------------------------------------------------

# ASKER_PY: python3 -c "$ASKER_PY" PORT DONEFILE SECRET: an HTTP client that
# sends "Authorization: Basic SECRET" to 127.0.0.1:PORT every 0.1 s until
# DONEFILE exists (the foreign flow of the host-mode tests). The secret is an
# argument, not in the environment sockstep inherits.
ASKER_PY='
import os, sys, time, urllib.request
while not os.path.exists(sys.argv[2]):
    try:
        urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:%s/" % sys.argv[1],
            headers={"Authorization": "Basic " + sys.argv[3]}), timeout=2).read()
    except Exception:
        pass
    time.sleep(0.1)
'

# ---- running as uid 65534 ---------------------------------------------------

# The command prefix that runs a program as uid 65534 with no groups.
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# need_nobody: end the test SKIP where uid 65534 cannot be had (not root, no
# setpriv): not root, the run without --as-nobody is the unprivileged one.
need_nobody() {
  need_root "running as uid 65534 (--as-nobody)" || finish
  need setpriv util-linux || finish
}

# priv_dir: PRIV_DIR set to a new directory, readable by all, where a file
# capability or a set-uid bit takes effect when uid 65534 runs the file: a
# file system that keeps them, not mounted nosuid. Tried in $tmp, /var/tmp,
# then the binary's build directory, with a copy of grep given cap_net_raw
# reading its own CapEff; status 1 where there is none (needs root, setcap).
priv_dir() {
  local d c
  [ -n "$PRIV_DIR" ] && return 0
  for d in "$tmp" /var/tmp "$(dirname "${bin:-$tmp}")"; do
    c=$(mktemp -d "$d/sockstep-priv.XXXXXX" 2>/dev/null) || continue
    chmod 755 "$c"; cp "$(command -v grep)" "$c/probe"
    if setcap cap_net_raw+ep "$c/probe" 2>/dev/null &&
       "${NOBODY[@]}" "$c/probe" -q '^CapEff:[[:space:]]*0000000000002000$' /proc/self/status; then
      rm -f "$c/probe"; PRIV_DIR=$c; return 0
    fi
    rm -rf "$c"
  done
  return 1
}

# set_runner [--as-nobody]: run=(sockstep), or run as uid 65534 (needs $bin).
set_runner() {
  run=("$bin")
  if [ "${1:-}" = --as-nobody ]; then need_nobody; run=("${NOBODY[@]}" "$bin"); fi
}

# ---- golden files -------------------------------------------------------------

# mask_ephemeral: stdin to stdout with the ports the kernel picked (32768-60999,
# Linux's default range) as EPHEM, only where a field holds a port: after an
# IPv4 address and ':' (frames, "from IP:PORT"), or in the cell after an
# address (the 5-tuple table, text or Markdown, and "IP PORT" answers). A
# number elsewhere (a sequence number, the range "32768-60999" a lesson
# typed) is left as it is.
mask_ephemeral() {
  perl -pe 's/\b((?:\d{1,3}\.){3}\d{1,3})(:|\\?\*?(?: +| *\| *))(3[2-9]\d{3}|[45]\d{4}|60\d{3})(?![\d-])/$1$2EPHEM/g'
}

# golden_update EXPECTED NEW [ERRFILE]: GOLDEN_UPDATE's write. Shows what
# changes (diff -u), and refuses (status 1, EXPECTED untouched) an output that
# holds a failed expectation: a golden must be a run where every expect held.
golden_update() {
  local exp=$1 new=$2 err=${3:-/dev/null}
  if grep -qE '^ *(- )?expect .*: FAILED, it is ' "$new" || grep -q 'expectation failed: ' "$err"; then
    echo "not updated: $exp: the output holds a failed expectation:" >&2
    { grep -E '^ *(- )?expect .*: FAILED, it is ' "$new"; grep 'expectation failed: ' "$err"; } | head -n 5 >&2
    return 1
  fi
  if [ -f "$exp" ]; then
    diff -u "$exp" "$new" && echo "unchanged: $exp" || echo "updated $exp (diff above)"
  else
    echo "new $exp:"; cat "$new"
  fi
  cp "$new" "$exp"
}

# ---- a private tmux server --------------------------------------------------

# tmux_server NAME: a tmux server of the test's own; no session of the user's is touched.
# The server stays up without sessions (exit-empty off): a session whose
# program has ended leaves it empty, and a new-session that raced the exit
# failed with "server exited unexpectedly". lib_cleanup kills it.
tmux_server() {
  TMUX_SOCK="sockstep-$1-$$"
  printf 'set -s exit-empty off\n' >"$tmp/tmux.conf"
  T=(tmux -L "$TMUX_SOCK" -f "$tmp/tmux.conf")
}

# screen_test NAME: a test of the screen: SKIP without tmux (FAIL in CI), its
# own tmux server NAME, the screen shown under each FAIL line.
screen_test() {
  need tmux tmux || finish
  tmux_server "$1"
  ON_FAIL=show_screen
}

# tmux_session NAME W H COMMAND: a fresh session NAME of WxH running COMMAND;
# send, screen and wait_for use it. The session before it is ended only once
# the new one runs: a server left without sessions exits, and a new-session
# racing that exit fails ("server exited unexpectedly").
tmux_session() {
  [ -n "${S:-}" ] && "${T[@]}" rename-session -t "=$S" lib-old >/dev/null 2>&1
  S=$1
  # A sockstep started without the --log of ui_fresh_log: steps_done reads the screen.
  case $4 in *"$UI_LOG"*) ;; *) rm -f "$UI_LOG"; RUNS_SEEN=0;; esac
  "${T[@]}" new-session -d -s "$S" -x "$2" -y "$3" "$4"
  "${T[@]}" kill-session -t =lib-old >/dev/null 2>&1
  return 0
}

# tmux_shell NAME W H: a session running a plain bash with the prompt "$ ",
# for tests that run sockstep from a shell; returns once the prompt shows.
tmux_shell() {
  tmux_session "$1" "$2" "$3" "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='$ ' bash --norc --noprofile"
  wait_for '$'
}

# send KEY...: keys to the session, as tmux send-keys names them.
send() { "${T[@]}" send-keys -t "$S" "$@"; }

# send_text TEXT: TEXT typed literally (no key names).
send_text() { "${T[@]}" send-keys -t "$S" -l -- "$1"; }

# send_line TEXT: TEXT typed, then Enter (a command to the pane's shell).
send_line() { send_text "$1"; send Enter; }

# cmd TEXT: a command typed at sockstep's ':' prompt, as a person would.
cmd() { send ':'; send_line "$1"; }

# screen: the session's screen as text.
screen() { "${T[@]}" capture-pane -t "$S" -p 2>/dev/null; }

# show_screen: the screen under a FAIL line (ON_FAIL=show_screen).
show_screen() { echo "      screen was:"; screen | sed 's/^/      | /'; }

# shown GREP-ARGS...: the screen has a line that grep -q GREP-ARGS matches.
shown() { screen | grep -q "$@"; }

# wait_until COMMAND...: poll COMMAND every 50 ms until it holds, up to
# WAIT_TRIES times (200: ~10 s; a loaded machine is slow, nothing is timed).
wait_until() {
  for _ in $(seq 1 "${WAIT_TRIES:-200}"); do
    "$@" && return 0
    sleep 0.05
  done
  return 1
}

# wait_for [-i] TEXT: until the screen shows TEXT (a fixed string; -i: any case).
wait_for() {
  if [ "$1" = -i ]; then wait_until shown -Fi -- "$2"; else wait_until shown -F -- "$1"; fi
}

# wait_gone TEXT: until the screen no longer shows TEXT.
wait_gone() { wait_until lib_not_shown "$1"; }
lib_not_shown() { ! shown -F -- "$1"; }

# run_lab OPTIONS: sockstep run from the pane's shell (tmux_shell) in the lab,
# with the source tree's lessons whatever the binary was built to look for;
# stty before and after, the exit status and stderr are kept for check_exit.
# Needs $bin.
run_lab() {
  rm -f "$tmp"/stty.before "$tmp"/stty.after "$tmp"/rc "$tmp"/err
  ui_fresh_log
  send_line "stty -a > $tmp/stty.before; SOCKSTEP_LESSONS=$src/assets/lessons $bin $1 --log $UI_LOG 2>$tmp/err; echo \$? > $tmp/rc; stty -a > $tmp/stty.after; clear"
  wait_for "5-tuple"
}

# ---- a step is done: a state, not text a narrow line can cut ----------------

# The screen's --log: after each step or replay, once the screen has drawn
# its end, sockstep writes "screen: idle at step K (run N)". Tests that start
# sockstep themselves pass "--log $UI_LOG" after ui_fresh_log (run_lab does).
UI_LOG=$tmp/ui.log
RUNS_SEEN=0
# ui_fresh_log: an empty log, writable by the user sockstep acts for.
ui_fresh_log() { : >"$UI_LOG"; chmod 666 "$UI_LOG"; RUNS_SEEN=0; }
# ui_runs: N of the last "idle" line (0 when none yet).
ui_runs() {
  local n
  n=$(sed -n 's/.*screen: idle at step [0-9]* (run \([0-9]*\)).*/\1/p' "$UI_LOG" 2>/dev/null | tail -n 1)
  echo "${n:-0}"
}
ui_idle_after() { [ "$(ui_runs)" -gt "$RUNS_SEEN" ]; }

# steps_done: the step or replay that the last key started has ended and the
# screen has drawn it (the log says so); without a log (a test that did not
# pass --log), its progress line ("running step 3/7 (Esc stops)…") is gone.
steps_done() {
  if [ -s "$UI_LOG" ] || [ "$RUNS_SEEN" != 0 ]; then
    wait_until ui_idle_after || return 1
    RUNS_SEEN=$(ui_runs)
  fi
  wait_gone "(Esc stops)"
}

# next_step "step 3/": n, then wait until that step has run: its end drawn
# (steps_done) and its title "step 3/14: ..." shown.
next_step() { send n; steps_done && wait_until shown -E -- "$1[0-9]+:"; }

# look WHAT ARGS...: the screen checker $chk (a python3 script reading the
# screen on stdin) on the screen now: ok, or WHAT failed with its FAIL lines
# and the screen under it.
look() {
  local what=$1 out
  shift
  screen >"$tmp/screen.txt"
  if out=$(python3 "$chk" "$@" <"$tmp/screen.txt"); then
    ok
  else
    bad "$what"
    printf '%s\n' "$out" | sed 's/^/      /'
    sed 's/^/      | /' "$tmp/screen.txt"
  fi
}

# wait_file FILE: until FILE exists and is not empty (a status written at exit).
wait_file() { wait_until test -s "$1"; }

# check_exit_modes WHAT WANT: once the command run from the pane's shell has
# ended, its status ($tmp/rc) is WANT and the terminal's modes are as they
# were (stty -a before and after it, $tmp/stty.before and $tmp/stty.after).
check_exit_modes() {
  local what=$1 want=$2 rc
  wait_file "$tmp/rc" && wait_file "$tmp/stty.after"
  rc=$(cat "$tmp/rc" 2>/dev/null)
  check "$what: exit status $want (got ${rc:-none})" '[ "$rc" = "$want" ]'
  check "$what: terminal modes restored (stty -a identical)" 'cmp -s "$tmp/stty.before" "$tmp/stty.after"'
}

# ---- the processes sockstep starts (its programs) ---------------------------

# proc_id PID: "pid starttime ppid name" of a process that runs (not a
# zombie); nothing, status 1, if it is gone. The start time (field 22 of
# /proc/PID/stat) tells the same process from a later one with its pid.
proc_id() {
  awk -v p="$1" '{ n = $0; sub(/^[^(]*\(/, "", n); sub(/\)[^)]*$/, "", n); s = $0; sub(/^.*\) /, "", s)
    split(s, f, " "); if (f[1] == "Z" || f[1] == "X") exit 1; print p, f[20], f[2], n }' "/proc/$1/stat" 2>/dev/null
}

# proc_tree PID: proc_id of every descendant of PID (its children, theirs...),
# as /proc/PID/task/*/children lists them.
proc_tree() {
  local k
  for k in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    proc_id "$k" && proc_tree "$k"
  done
  return 0
}

# procs_running FILE: the lines of FILE (proc_tree's) whose process still runs:
# the same pid with the same start time, not a zombie.
procs_running() {
  local pid start rest now
  while read -r pid start rest; do
    now=$(proc_id "$pid") && [ "$(echo "$now" | cut -d' ' -f2)" = "$start" ] && echo "$pid $start $rest"
  done <"$1"
  return 0
}

# procs_gone FILE: none of FILE's processes runs any more.
procs_gone() { [ -z "$(procs_running "$1")" ]; }
