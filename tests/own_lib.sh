# own_lib.sh - what own_program.sh and own_real.sh share: a sockstep --batch
# talked to one command at a time (a coprocess), so that a test can act on
# what a traced program is doing now (stopped before a call, blocked in one,
# gone), as a person at the prompt would. Sourced after lib.sh and
# set_runner (it uses $tmp, bad and run=(sockstep ...)).
# shellcheck shell=bash

# The calls' lines and notes of a side start "  SIDE  " (the name padded).
# own_start NAME OPTIONS...: sockstep --batch --wait 2s OPTIONS, reading
# commands from own; what it prints goes to $tmp/NAME.out, stderr to
# $tmp/NAME.err.
own_start() {
  OWN_NAME=$1
  shift
  OWN_K=0
  : >"$tmp/$OWN_NAME.out"
  coproc OWN { exec "${run[@]}" --batch --wait 2s "$@" 2>"$tmp/$OWN_NAME.err"; }
  OWN_IN=${OWN[1]} OWN_OUT=${OWN[0]} OWN_PID_=$OWN_PID
}

# own LINE: LINE run by sockstep; returns once it has been (a say line sent
# after it is echoed). Its output in $tmp/own.last too.
own() {
  local line
  OWN_K=$((OWN_K + 1))
  : >"$tmp/own.last"
  printf '%s\nsay "@@ %s"\n' "$1" "$OWN_K" >&"$OWN_IN" || { bad "$OWN_NAME: sockstep went away before \"$1\""; return 1; }
  while IFS= read -r -t 60 line <&"$OWN_OUT"; do
    [ "$line" = "  >> @@ $OWN_K" ] && return 0
    case $line in "["*"] say \"@@ "*) continue ;; esac
    printf '%s\n' "$line" | tee -a "$tmp/own.last" >>"$tmp/$OWN_NAME.out"
  done
  bad "$OWN_NAME: no answer to \"$1\" within 60 s" "$tmp/$OWN_NAME.err"
  return 1
}

# own_end: end of input; sockstep's exit status in $tmp/NAME.rc, the rest of
# its output in $tmp/NAME.out.
own_end() {
  exec {OWN_IN}>&-
  cat <&"$OWN_OUT" >>"$tmp/$OWN_NAME.out"
  wait "$OWN_PID_"
  echo $? >"$tmp/$OWN_NAME.rc"
}

# own_state SIDE: what SIDE's traced program is doing by sockstep's last
# word on it: stopped (before a call), blocked (in one), gone (exited or
# killed), or running.
own_state() {
  local last
  last=$(grep -E "^  $1 +" "$tmp/$OWN_NAME.out" |
    grep -E -- '-> |exited with status|was killed by signal' | tail -n 1)
  case $last in
    *"exited with status"* | *"was killed by signal"*) echo gone ;;
    *"-> stopped before this call"*) echo stopped ;;
    *"-> blocked since ["*"] ("* | *"-> still blocked"*) echo blocked ;;
    *) echo running ;;
  esac
}

# own_free SIDE...: `SIDE continue` for each of them stopped before a call,
# again and again, until all are gone; status 1 (and a FAIL line) when none
# can go on (all that remain are blocked) or after 40 rounds.
own_free() {
  local round s moved left
  for round in $(seq 40); do
    moved=0 left=0
    for s in "$@"; do
      case $(own_state "$s") in
        gone) ;;
        stopped) left=1; moved=1; own "$s continue" || return 1 ;;
        *) left=1 ;;
      esac
    done
    [ $left = 0 ] && return 0
    [ $moved = 0 ] && { bad "$OWN_NAME: $* cannot go on (each blocked), round $round" "$tmp/own.last"; return 1; }
  done
  bad "$OWN_NAME: $* still running after 40 rounds of continue"
  return 1
}

# own_until_blocked SIDE: `SIDE continue` while it stops before a call, until
# it is blocked in one (status 0) or gone (1).
own_until_blocked() {
  local round
  for round in $(seq 40); do
    case $(own_state "$1") in
      stopped) own "$1 continue" || return 1 ;;
      blocked) return 0 ;;
      *) bad "$OWN_NAME: $1 is $(own_state "$1"), not blocked in a call (round $round)" "$tmp/own.last"; return 1 ;;
    esac
  done
  bad "$OWN_NAME: $1 not blocked in a call after 40 rounds of continue"
  return 1
}

# own_until SIDE ERE: `SIDE continue` while it stops before a call, until
# sockstep's output has a line of SIDE that matches ERE (status 0); a FAIL
# line when it is blocked or gone first. For a program that waits with a
# timeout (curl polls for 1 s at a time), never blocked for long.
own_until() {
  local round
  for round in $(seq 60); do
    grep -E "^  $1 +" "$tmp/$OWN_NAME.out" | grep -qE -- "$2" && return 0
    case $(own_state "$1") in
      stopped) own "$1 continue" || return 1 ;;
      *) bad "$OWN_NAME: $1 is $(own_state "$1") and has shown no line like /$2/ (round $round)" "$tmp/own.last"; return 1 ;;
    esac
  done
  bad "$OWN_NAME: $1 has shown no line like /$2/ after 60 rounds of continue"
  return 1
}

# own_ok WHAT: sockstep ended with status 0 and nothing on stderr.
own_ok() {
  local rc
  rc=$(cat "$tmp/$OWN_NAME.rc")
  if [ "$rc" = 0 ] && [ ! -s "$tmp/$OWN_NAME.err" ]; then ok "$1: batch exit 0"; return 0; fi
  bad "$1: batch exit $rc$([ -s "$tmp/$OWN_NAME.err" ] && echo ', stderr:')" "$tmp/$OWN_NAME.err"
  return 1
}
