#!/bin/bash
# screen.sh - drive the real sockstep in a real terminal (tmux) and check
# what a person would see: the TCP exchange typed at the ':' prompt filling
# the 5-tuple table, the sockaddr_in bytes, the kernel states; resizing;
# the too-small screen; help; a bad command; themes without colour; and a
# sane terminal after q, Ctrl-C and SIGTERM.
#
# Usage: tests/screen.sh path/to/sockstep      (exit 77: no tmux)
set -u

BIN=${1:?usage: screen.sh path/to/sockstep}
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
BIN=$(realpath "$BIN")
[ -x "$BIN" ] || { echo "not an executable: $BIN"; exit 1; }

WORK=$(mktemp -d)
chmod 755 "$WORK"
# A private tmux server: nothing of the user's own sessions is touched.
SOCK="sockstep-screen-$$"
T=(tmux -L "$SOCK" -f /dev/null)
S=scr
cleanup() {
	"${T[@]}" kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK" # the server leaves its socket behind
	rm -rf "$WORK"
}
trap cleanup EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok $((pass + fail)) - $1"; }
bad() {
	fail=$((fail + 1))
	echo "not ok $((pass + fail)) - $1"
	echo "# screen was:"
	screen | sed 's/^/#   /'
}
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

screen() { "${T[@]}" capture-pane -t "$S" -p 2>/dev/null; }
screen_e() { "${T[@]}" capture-pane -t "$S" -p -e 2>/dev/null; }

# Poll the screen until TEXT (fixed string, case-insensitive with -i) shows, up to ~5 s.
wait_for() {
	local opt=-F
	[ "$1" = -i ] && { opt=-Fi; shift; }
	for _ in $(seq 1 100); do
		screen | grep -q $opt -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
wait_gone() {
	for _ in $(seq 1 100); do
		screen | grep -qF -- "$1" || return 0
		sleep 0.05
	done
	return 1
}
wait_file() {
	for _ in $(seq 1 100); do
		[ -s "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# A command typed at the ':' prompt, as a person would.
cmd() {
	"${T[@]}" send-keys -t "$S" ':'
	"${T[@]}" send-keys -t "$S" -l -- "$1"
	"${T[@]}" send-keys -t "$S" Enter
}

# Start a shell in a fresh terminal of WxH; sockstep runs inside it so that
# the terminal modes can be compared before and after.
start_shell() {
	"${T[@]}" kill-session -t "$S" >/dev/null 2>&1
	"${T[@]}" new-session -d -s "$S" -x "$1" -y "$2" \
		"env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='$ ' bash --norc --noprofile"
	for _ in $(seq 1 100); do screen | grep -q '\$' && break; sleep 0.05; done
}

# Run sockstep (extra options in $1, environment in $2) from the shell;
# records stty before and after, the exit status and anything on stderr.
run() {
	rm -f "$WORK"/stty.before "$WORK"/stty.after "$WORK"/rc "$WORK"/err
	"${T[@]}" send-keys -t "$S" -l -- \
		"stty -a > $WORK/stty.before; $2 $BIN --net loopback $1 2>$WORK/err; echo \$? > $WORK/rc; stty -a > $WORK/stty.after; clear"
	"${T[@]}" send-keys -t "$S" Enter
	wait_for "5-tuple"
}

sockstep_pid() {
	local sh
	sh=$("${T[@]}" display-message -p -t "$S" '#{pane_pid}')
	ps -o pid= --ppid "$sh" | head -n1 | tr -d ' '
}

# Leaving must give back the terminal exactly as it was, and say nothing on stderr.
check_exit() {
	local what=$1 want=$2
	wait_file "$WORK/rc" && wait_file "$WORK/stty.after"
	local rc
	rc=$(cat "$WORK/rc" 2>/dev/null)
	check "$what: exit status $want (got ${rc:-none})" '[ "$rc" = "$want" ]'
	check "$what: terminal modes restored (stty -a identical)" 'cmp -s "$WORK/stty.before" "$WORK/stty.after"'
	check "$what: nothing written to stderr" '[ ! -s "$WORK/err" ]'
}

# Colour escapes in the captured screen: SGR parameters 30-49 or 90-107.
has_colour() {
	screen_e | grep -oE $'\e\\[[0-9;:]*m' | tr -d $'\e[m' | tr ';:' '\n\n' |
		grep -qE '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$'
}

# ---- the TCP exchange, typed ------------------------------------------------

start_shell 100 30
run "" ""
check "the screen comes up with its panes" \
	'screen | grep -q "server 127.0.0.1" && screen | grep -q "client 127.0.0.1" && screen | grep -q "sockaddr_in" && screen | grep -q "wire"'
check "the key hint line is shown" 'screen | grep -q "? help"'

# s: the prompt is opened with "server " typed.
"${T[@]}" send-keys -t "$S" s
check "s opens the command line for the server" 'wait_for ":server"'
"${T[@]}" send-keys -t "$S" -l "socket tcp"
"${T[@]}" send-keys -t "$S" Enter
check "server socket tcp: STEP1 row" 'wait_for -i "protocol definition"'
check "server socket tcp: the C call and its descriptor" 'wait_for "socket(PF_INET, SOCK_STREAM"'

cmd "server bind 127.0.0.1 80"
check "server bind: STEP 2 row" 'wait_for -i "socket binding"'
check "server bind: sockaddr_in bytes 02 00 00 50 7F 00 00 01" 'wait_for "02 00 00 50 7F 00 00 01"'
check "server bind: the sockaddr_in stages are named" \
	'screen | grep -q "memset" && screen | grep -q "sin_family" && screen | grep -q "sin_port"'

cmd "server listen"
check "server listen: LISTEN" 'wait_for "LISTEN"'
check "server listen: STEP 2B ready to accept" 'wait_for -i "ready to accept"'

cmd "server accept"
check "server accept: shown as blocked" 'wait_for "blocked"'

# Tab completion: "client so" + Tab becomes "client socket ".
"${T[@]}" send-keys -t "$S" ':'
"${T[@]}" send-keys -t "$S" -l "client so"
"${T[@]}" send-keys -t "$S" Tab
check "Tab completes a command word" 'wait_for ":client socket"'
"${T[@]}" send-keys -t "$S" -l "tcp"
"${T[@]}" send-keys -t "$S" Enter
check "client socket tcp: STEP3 row" 'wait_for -i "3 protocol definition" || wait_for -i "step3 protocol definition"'

cmd "client bind 127.0.0.1 9000"
check "client bind: STEP4 local parameters" 'wait_for -i "local parameters"'
check "client bind: sockaddr_in bytes 02 00 23 28 7F 00 00 01" 'wait_for "02 00 23 28 7F 00 00 01"'

cmd "client connect 127.0.0.1 80"
check "client connect: ESTABLISHED" 'wait_for "ESTABLISHED"'
check "client connect: STEP6 connection request" 'wait_for -i "connection request"'
check "client connect: the handshake on the wire" 'wait_for "[SYN]"'
check "client connect: the blocked accept completed" 'wait_gone "blocked"'

cmd 'client send "hola"'
check 'client send: the call with its byte count' 'wait_for "send(sock, \"hola\", 4, 0);"'
cmd "server recv"
check 'server recv: received "hola"' 'wait_for "received \"hola\""'
cmd "client close"
check "client close: the server sees CLOSE_WAIT" 'wait_for "CLOSE_WAIT"'
cmd "server close"
check "server close: the client is in TIME_WAIT" 'wait_for "TIME_WAIT"'

# ---- a bad command --------------------------------------------------------

before=$(screen | grep -c "│")
cmd "frobnicate now"
check "a bad command shows one error line" 'wait_for "frobnicate" && [ "$(screen | grep -c frobnicate)" = 1 ]'
check "the screen stays intact after the error" \
	'[ "$(screen | grep -c "│")" = "$before" ] && screen | grep -q "TIME_WAIT" && screen | grep -q "5-tuple"'
cmd "server bind 300.1.2.3 80"
check "a bad address is explained on the narration line" 'wait_for "300.1.2.3"'

# ---- resizing mid-session ---------------------------------------------------

"${T[@]}" resize-window -t "$S" -x 80 -y 24
check "80x24: all panes still drawn" \
	'wait_for "client 127.0.0.1" && screen | grep -q "server 127.0.0.1" && screen | grep -q "5-tuple" && screen | grep -q "sockaddr_in" && screen | grep -q "wire"'
check "80x24: the sockaddr bytes still readable" 'screen | grep -q "02 00 00 50 7F 00 00 01"'
check "80x24: no line wider than the terminal" '[ "$(screen | LC_ALL=C.UTF-8 wc -L)" -le 80 ]'

"${T[@]}" resize-window -t "$S" -x 200 -y 60
check "200x60: the panes grow (full lecture step names)" 'wait_for "STEP 2B READY TO ACCEPT CONNECTIONS"'
check "200x60: the whole table is visible (LISTEN through TIME_WAIT)" \
	'screen | grep -q "LISTEN" && screen | grep -q "ESTABLISHED" && screen | grep -q "TIME_WAIT"'
check "200x60: all 16 sockaddr bytes shown" 'screen | grep -q "02 00 00 50 7F 00 00 01 00 00 00 00 00 00 00 00"'

"${T[@]}" resize-window -t "$S" -x 40 -y 10
check "40x10: the too-small screen" 'wait_for "terminal too small" && wait_for "80x24 needed, this is 40x10"'

"${T[@]}" resize-window -t "$S" -x 100 -y 30
check "back to 100x30: the panes return" 'wait_for "5-tuple" && wait_gone "terminal too small"'

# ---- help, zoom, lesson keys ---------------------------------------------

"${T[@]}" send-keys -t "$S" '?'
check "? opens the help overlay" 'wait_for "sockstep help" && screen | grep -q "quit (Ctrl-C too)"'
"${T[@]}" send-keys -t "$S" Escape
check "any key closes the help" 'wait_gone "sockstep help"'

"${T[@]}" send-keys -t "$S" z
check "z zooms the focused pane (the 5-tuple) to the whole screen" \
	'wait_gone "sockaddr_in" && screen | grep -q "5-tuple" && screen | grep -q "STEP 2B READY TO ACCEPT CONNECTIONS"'
"${T[@]}" send-keys -t "$S" z
check "z again: back to all panes" 'wait_for "sockaddr_in"'

"${T[@]}" send-keys -t "$S" n
check "n without a lesson says how to load one" 'wait_for "no lesson loaded (start with --lesson NAME)"'

# ---- leaving: q -----------------------------------------------------------

"${T[@]}" send-keys -t "$S" q
check_exit "q" 0

# ---- leaving: SIGTERM, Ctrl-C ---------------------------------------------

run "" ""
pid=$(sockstep_pid)
check "SIGTERM: found the sockstep process" '[ -n "$pid" ]'
[ -n "$pid" ] && kill -TERM "$pid"
check_exit "SIGTERM" 143

run "" ""
"${T[@]}" send-keys -t "$S" C-c
check_exit "Ctrl-C" 130

# ---- themes ------------------------------------------------------------------

run "" ""
cmd "server socket tcp"
wait_for -i "protocol definition" >/dev/null
check "default theme: colour is used (control for the checks below)" 'has_colour'
"${T[@]}" send-keys -t "$S" q
check_exit "default theme" 0

run "--theme mono" ""
cmd "server socket tcp"
check "--theme mono: the table still fills in" 'wait_for -i "protocol definition"'
check "--theme mono: no colour escape sequences" '! has_colour'
"${T[@]}" send-keys -t "$S" q
check_exit "--theme mono" 0

run "" "NO_COLOR=1"
cmd "server socket tcp"
check "NO_COLOR=1: the table still fills in" 'wait_for -i "protocol definition"'
check "NO_COLOR=1: no colour escape sequences" '! has_colour'
"${T[@]}" send-keys -t "$S" q
check_exit "NO_COLOR" 0

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
