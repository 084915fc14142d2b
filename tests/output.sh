#!/usr/bin/env bash
# output.sh - what sockstep writes reaches its reader safe and whole.
#
#  1. Terminal injection (issue 8, item 6): every place that writes text a
#     user controls (a script's say lines and commands, a lesson's title,
#     summary, step titles and narration, file names in errors and in "saved
#     ... to FILE", the --log file) gets an escape sequence, C1 controls and
#     invalid UTF-8; no raw control or invalid byte may come out, on stdout,
#     stderr, the handout, --list-lessons or the log, and the text must still
#     be there, visibly escaped. The screen (tmux) must stay safe too.
#  2. Write errors (item 13): output to /dev/full (batch, --write, handouts,
#     --list-lessons, --read, --help, wire save) exits non-zero with one
#     "write error" line; a reader that goes away (| head -1) stops the run.
#  3. wire save - (item 12): stdout is not closed by it (the rest of the
#     transcript follows the pcap), and it is refused on a terminal.
#
# Usage: tests/output.sh path/to/sockstep
set -u
bin=$(realpath "${1:?usage: output.sh path/to/sockstep}")
. "$(dirname "$0")/lib.sh"

# The payload: retitle the terminal, clear it, paint red; then the C1 CSI
# U+009B encoded, a lone 0x9b, the bidi override U+202E and isolate U+2066
# (which would show the rest reversed), an invalid 0xff, a surrogate and a
# cut sequence. RAW is the bytes; QUOTED the same as a command's "\x.." string.
RAW=$'\e]2;PWNED\a\e[2J\e[31mred\xc2\x9bc1\x9blone\xe2\x80\xaerlo\xe2\x81\xa6iso\xffbad\xed\xa0\x80sur\xe2\x82'
QUOTED='\x1b]2;PWNED\x07\x1b[2J\x1b[31mred\xc2\x9bc1\x9blone\xe2\x80\xaerlo\xe2\x81\xa6iso\xffbad\xed\xa0\x80sur\xe2\x82'
# What a script line may hold raw (the parser refuses C0 controls by name).
RAW_LINE=$'red\xc2\x9bc1\x9blone\xe2\x80\xaerlo\xe2\x81\xa6iso\xffbad\xed\xa0\x80sur'

# A file is safe for a terminal: no C0 control but newline and tab, no DEL,
# valid UTF-8, no C1 control (U+0080-U+009F), no format control that
# reorders or hides text (bidi marks, overrides and isolates, U+FEFF).
FORMAT='[\x{61c}\x{200e}\x{200f}\x{2028}-\x{202e}\x{2066}-\x{206f}\x{feff}]'
unsafe_why() {
	if LC_ALL=C grep -aqP '[\x00-\x08\x0b-\x1f\x7f]' "$1"; then echo "a raw C0 control or DEL"
	elif ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then echo "invalid UTF-8"
	elif LC_ALL=C.UTF-8 grep -aqP '[\x{80}-\x{9f}]' "$1"; then echo "a raw C1 control"
	elif LC_ALL=C.UTF-8 grep -aqP "$FORMAT" "$1"; then echo "a raw bidi or format control"
	fi
}
# safe NAME FILE [TEXT...]: FILE is safe, and holds each TEXT (fixed strings).
safe() {
	local name=$1 f=$2 why; shift 2
	why=$(unsafe_why "$f")
	if [ -n "$why" ]; then bad "$name: $why came out" "$f"; return; fi
	for want in "$@"; do
		grep -aqF -- "$want" "$f" || { bad "$name: \"$want\" is missing" "$f"; return; }
	done
	ok "$name"
}
# The visible forms the payload must leave.
SHOWN_ESC='\x1b]2;PWNED\x07\x1b[2J\x1b[31mred'
SHOWN_C1='red\xc2\x9bc1\x9blone\xe2\x80\xaerlo\xe2\x81\xa6iso\xffbad\xed\xa0\x80sur'

run() { # out err cmd...: status in $rc
	local o=$1 e=$2; shift 2
	"$@" >"$o" 2>"$e"; rc=$?
}

# ---- 1. terminal injection --------------------------------------------------

# A script: say lines (quoted escapes and raw bytes), an unknown command, a
# line with a raw ESC, a send whose payload is the attack, and wire save into
# a directory whose name is the attack ("saved ... to FILE"), and into one
# that does not exist (the error names the file).
mkdir "$tmp/d$RAW"
chmod 777 "$tmp/d$RAW" # sockstep writes as the user who asked, or nobody
ESC=$'\e'
cat >"$tmp/s" <<EOF
say "$QUOTED"
say $RAW_LINE
bogus$RAW_LINE
say "ok$ESC[2J"
server socket udp
server bind 127.0.0.1 5000
client socket udp
client sendto 127.0.0.1 5000 "$QUOTED"
server recvfrom
wire save "$tmp/d$QUOTED/f.pcap"
wire save "$tmp/none$QUOTED/f.pcap"
EOF
run "$tmp/out" "$tmp/err" "$bin" --batch --net loopback --script "$tmp/s"
safe "batch: say and the echoed commands on stdout" "$tmp/out" "$SHOWN_ESC" "$SHOWN_C1" "[2] say"
safe "batch: \"saved ... to FILE\" names the file escaped" "$tmp/out" "saved 1 frame to $tmp/d$SHOWN_ESC"
safe "batch: error lines on stderr (unknown command, raw ESC, unwritable file)" "$tmp/err" \
	"bogus$SHOWN_C1" "0x1B" "none$SHOWN_ESC"
[ -s "$tmp/d$RAW/f.pcap" ] && ok "batch: the pcap was written to the oddly named directory" ||
	bad "batch: no pcap in the oddly named directory"

# Random bytes, many times over: 400 say lines with every byte value as a
# "\xNN" escape, 400 raw lines of random bytes (commands, or refused with a
# message quoting them), 100 unknown commands. Fixed seed: reproducible.
LC_ALL=C awk 'BEGIN { srand(8);
	for (i = 0; i < 400; i++) { printf "say \""; for (k = 0; k < 24; k++) printf "\\x%02x", int(rand() * 256); print "\"" }
	for (i = 0; i < 400; i++) { printf "say "; for (k = 0; k < 24; k++) { c = 1 + int(rand() * 255); if (c == 10) c = 9; printf "%c", c }; print "" }
	for (i = 0; i < 100; i++) { printf "x"; for (k = 0; k < 16; k++) { c = 128 + int(rand() * 128); printf "%c", c }; print "" } }' >"$tmp/random"
run "$tmp/out" "$tmp/err" "$bin" --batch --net loopback --script "$tmp/random"
safe "900 lines of random bytes: stdout" "$tmp/out" "[400] say"
safe "900 lines of random bytes: stderr" "$tmp/err" "random:900:"

# File names and option values in command-line errors.
cl=0
cl_case() { # the arguments; stdin is a say line for those that get that far
	cl=$((cl + 1))
	printf 'say hi\n' | "$bin" "$@" >"$tmp/out.$cl" 2>"$tmp/err.$cl"
	safe "command line $cl ($1 ...): the error line" "$tmp/err.$cl" 'PWNED'
	safe "command line $cl ($1 ...): stdout" "$tmp/out.$cl"
}
cl_case --batch --script "$tmp/nope$RAW"
cl_case --batch --write "$tmp/none$RAW/w.pcap"
# --log is for the screen (with --batch it is refused before the file is
# named): a terminal from script(1), the path through the environment.
cl=$((cl + 1))
has_script=false; need script bsdutils && has_script=true
if $has_script; then
	LOGP="$tmp/none$RAW/l.log" script -qec "\"$bin\" --log \"\$LOGP\"" /dev/null </dev/null 2>&1 | tr -d '\r' >"$tmp/err.$cl"
	safe "command line $cl (--log ...): the error line" "$tmp/err.$cl" 'PWNED'
fi
cl_case --read "$tmp/nope$RAW"
cl_case --batch --lesson "$tmp/nope$RAW.lesson"
cl_case --batch --lesson "nope$RAW"
cl_case --batch --net "$RAW"
cl_case --batch --wait "$RAW"
cl_case --theme "$RAW"
cl_case --client-ip "$RAW"
cl_case --batch "--$RAW"
cl_case --batch "$RAW"

# A lesson whose every text is the attack, in a directory named with it.
mkdir "$tmp/L" "$tmp/L$RAW"
write_lesson() { # path name
	cat >"$1" <<EOF
lesson: $2
title: T$RAW
summary: S$RAW
net: loopback

step: one$RAW
narration $RAW
> say "$QUOTED"
> client send "$QUOTED"
EOF
}
write_lesson "$tmp/L/evil.lesson" evil
write_lesson "$tmp/L$RAW/evil.lesson" evil
# Lessons that do not load: their errors quote the line.
printf 'lesson: broken1\ntitle: B\nsummary: B\nnet: %s\n\nstep: s\n> say hi\n' "$RAW" >"$tmp/L/broken1.lesson"
printf 'lesson: broken2%s\ntitle: B\nsummary: B\n\nstep: s\n> say hi\n' "$RAW" >"$tmp/L/broken2.lesson"
printf 'lesson: broken3\ntitle: B\nsummary: B\n\nstep: s\n> bogus%s\n' "$RAW_LINE" >"$tmp/L/broken3.lesson"
printf 'lesson: broken4\ntitle: B\nsummary: B\n\nstep: s\n> say %s\n' "$RAW" >"$tmp/L/broken4.lesson"
run "$tmp/out" "$tmp/err" env SOCKSTEP_LESSONS="$tmp/L" "$bin" --batch --lesson evil --width 1000 # lines whole
safe "handout: title, summary, step title, narration, say, refused command" "$tmp/out" \
	"T$SHOWN_ESC" "S$SHOWN_ESC" "one$SHOWN_ESC" "narration $SHOWN_ESC" ">> $SHOWN_ESC" "refused: "
safe "handout: its error lines on stderr" "$tmp/err" "evil.lesson:9:"
run "$tmp/out" "$tmp/err" "$bin" --batch --lesson "$tmp/L$RAW/evil.lesson"
safe "handout from a path: stdout" "$tmp/out" "T$SHOWN_ESC"
safe "handout from a path: the error lines name the file escaped" "$tmp/err" "L$SHOWN_ESC"
for b in 1 2 3 4; do
	run "$tmp/out" "$tmp/err" env SOCKSTEP_LESSONS="$tmp/L" "$bin" --batch --lesson "broken$b"
	safe "lesson broken$b that does not load: the error line" "$tmp/err" "broken$b.lesson:"
done
# The worksheet and the Markdown handout: the question is the attack too.
cat >"$tmp/L/evil2.lesson" <<EOF
title: T$RAW
net: loopback

step: one$RAW
narration $RAW
> say "$QUOTED"
> predict result "Q$QUOTED"
> htons 80
EOF
for h in worksheet md; do
	run "$tmp/out" "$tmp/err" env SOCKSTEP_LESSONS="$tmp/L" "$bin" --batch --lesson evil2 --handout $h
	safe "--handout $h: title, narration, say and question, exit $rc" "$tmp/out" "PWNED" "rlo" "iso" "lone"
	[ "$rc" = 0 ] || bad "--handout $h: exit $rc" "$tmp/err"
done
run "$tmp/out" "$tmp/err" env SOCKSTEP_LESSONS="$tmp/L" "$bin" --list-lessons
safe "--list-lessons: summaries and load errors" "$tmp/out" "S$SHOWN_ESC" "does not load: $tmp/L/broken1.lesson:4: unknown net \"$SHOWN_ESC"
safe "--list-lessons: stderr" "$tmp/err"

# ---- the screen and the --log file (tmux) ------------------------------------

# The log is written as the user sockstep acts for (nobody, as root without
# SUDO_UID): it must be able to write it.
: >"$tmp/log" && chmod 666 "$tmp/log"
if need tmux tmux; then
	tmux_server output
	tmux_shell scr 120 40
	# The lesson from the directory named with the attack: its errors,
	# shown on the screen and written to the log, quote that path.
	"${T[@]}" set-environment -g LESSON "$tmp/L$RAW/evil.lesson"
	send_line 'LESSON=$(tmux -L '"$TMUX_SOCK"' show-environment -g LESSON | cut -d= -f2-)'
	# Everything the program writes to the terminal, byte for byte.
	"${T[@]}" pipe-pane -t "$S" -o "cat >$tmp/tty.raw"
	send_line "$bin --lesson \"\$LESSON\" --log '$tmp/log' 2>$tmp/tty.err; echo \$? >$tmp/tty.rc"
	if wait_for "5-tuple"; then
		send n
		sleep 2 # the step runs: its say and its refused command reach the panes and the log
		cmd "say \"$QUOTED\""
		wait_for "PWNED" && ok "screen: the say line is shown" || bad "screen: the say line is not shown"
		sleep 0.5 # the rest of the redraw; the checks below do not depend on it
		title=$("${T[@]}" display-message -p -t "$S" '#{pane_title}')
		"${T[@]}" pipe-pane -t "$S" # what follows is checked on its own
		cmd "wire save -"
		wait_for "standard output is a terminal" && ok "screen: wire save - is refused in one line" ||
			bad "screen: wire save - not refused"
		send q
		wait_file "$tmp/tty.rc"
		case $title in *PWNED*) bad "screen: the terminal was retitled to \"$title\"" ;;
		*) ok "screen: the terminal title is untouched" ;; esac
		if LC_ALL=C grep -aqF $'\e]2;PWNED' "$tmp/tty.raw"; then bad "screen: the retitle sequence reached the terminal"
		elif ! iconv -f UTF-8 -t UTF-8 "$tmp/tty.raw" >/dev/null 2>&1; then bad "screen: invalid UTF-8 reached the terminal"
		elif LC_ALL=C.UTF-8 grep -aqP '[\x{80}-\x{9f}]' "$tmp/tty.raw"; then bad "screen: a C1 control reached the terminal"
		elif LC_ALL=C.UTF-8 grep -aqP "$FORMAT" "$tmp/tty.raw"; then bad "screen: a bidi or format control reached the terminal"
		else ok "screen: no retitle, C1, bidi or format control or invalid UTF-8 in what reached the terminal"; fi
		safe "--log file: the lesson's and the prompt's text" "$tmp/log" "L$SHOWN_ESC" "evil.lesson:9:" "$SHOWN_C1"
		[ "$(cat "$tmp/tty.rc" 2>/dev/null)" = 0 ] && ok "screen: exit status 0" || bad "screen: exit status $(cat "$tmp/tty.rc" 2>/dev/null)" "$tmp/tty.err"
	else
		bad "screen: did not come up" "$tmp/tty.err"
	fi
	# A --log that cannot be written: said once after the screen, status 1.
	send_line "clear; $bin --net loopback --log /dev/full 2>$tmp/full.err; echo \$? >$tmp/full.rc"
	if wait_for "5-tuple"; then
		send q
		wait_file "$tmp/full.rc"
		n=$(grep -c 'write error: the --log file: .*ENOSPC' "$tmp/full.err")
		if [ "$(cat "$tmp/full.rc")" != 1 ]; then bad "--log /dev/full: exit status $(cat "$tmp/full.rc"), expected 1" "$tmp/full.err"
		elif [ "$n" != 1 ] || [ "$(wc -l <"$tmp/full.err")" != 1 ]; then bad "--log /dev/full: expected one write error line" "$tmp/full.err"
		else ok "--log /dev/full: one write error line after the screen, status 1"; fi
	else
		bad "--log /dev/full: the screen did not come up"
	fi
fi

# ---- 2. write errors ---------------------------------------------------------

# one_write_error NAME: status non-zero and exactly one "write error" line.
one_write_error() {
	local n
	n=$(grep -c 'write error' "$tmp/err")
	if [ "$rc" = 0 ] || [ "$rc" -ge 128 ]; then bad "$1: exit status $rc, expected 1 or 2" "$tmp/err"
	elif [ "$n" != 1 ]; then bad "$1: $n \"write error\" lines, expected one" "$tmp/err"
	else ok "$1"; fi
}
udp='server socket udp\nserver bind 127.0.0.1 5000\nclient socket udp\nclient sendto 127.0.0.1 5000 "hi"\nserver recvfrom\n'
printf "$udp" >"$tmp/udp"
"$bin" --batch --net loopback --script "$tmp/udp" >/dev/full 2>"$tmp/err"; rc=$?
one_write_error "batch output to /dev/full"
"$bin" --batch --net loopback --script "$tmp/udp" --write /dev/full >/dev/null 2>"$tmp/err"; rc=$?
one_write_error "--write /dev/full"
{ printf "$udp"; printf 'wire save /dev/full\nsay after\n'; } >"$tmp/save"
"$bin" --batch --net loopback --script "$tmp/save" >"$tmp/out" 2>"$tmp/err"; rc=$?
one_write_error "wire save /dev/full"
grep -q 'saved' "$tmp/out" && bad "wire save /dev/full: still says \"saved\"" "$tmp/out" || ok "wire save /dev/full: no \"saved\" line"
grep -q '>> after' "$tmp/out" && ok "wire save /dev/full: the script goes on" || bad "wire save /dev/full: the rest of the script is lost" "$tmp/out"
"$bin" --list-lessons >/dev/full 2>"$tmp/err"; rc=$?
one_write_error "--list-lessons > /dev/full"
SOCKSTEP_LESSONS=$src/assets/lessons "$bin" --batch --lesson udp >/dev/full 2>"$tmp/err"; rc=$?
one_write_error "a handout to /dev/full"
"$bin" --read "$src/tests/golden/read-lab.pcap" >/dev/full 2>"$tmp/err"; rc=$?
one_write_error "--read > /dev/full"
"$bin" --help >/dev/full 2>"$tmp/err"; rc=$?
one_write_error "--help > /dev/full"

# A reader that goes away: the run stops instead of going through the whole
# script (its last line, a wire save, must never run). The timeout only
# bounds a hang; nothing here depends on how fast it is.
mkdir "$tmp/w"; chmod 777 "$tmp/w"
{ yes 'say x' | head -n 200000; echo "wire save $tmp/w/end.pcap"; } >"$tmp/long"
"$bin" --batch --net loopback --script "$tmp/long" >/dev/null 2>&1
[ -s "$tmp/w/end.pcap" ] && ok "a long script runs to its last line when its output is read" ||
	bad "a long script does not reach its last line even when read"
rm -f "$tmp/w/end.pcap"
timeout 300 "$bin" --batch --net loopback --script "$tmp/long" 2>"$tmp/err" | head -n 1 >"$tmp/out"
st=("${PIPESTATUS[@]}")
if [ "${st[0]}" = 124 ]; then bad "| head -1: still running after 300 s"
elif [ -e "$tmp/w/end.pcap" ]; then bad "| head -1: the whole script ran (its last line saved a pcap)"
elif [ "${st[0]}" = 0 ]; then bad "| head -1: exit status 0 although the output was cut"
elif ! grep -q 'write error: standard output: .*EPIPE' "$tmp/err"; then bad "| head -1: no EPIPE write error" "$tmp/err"
else ok "| head -1: stops at the closed pipe, status ${st[0]}, one line: $(grep -c 'write error' "$tmp/err") write error"; fi

# ---- 3. wire save - ----------------------------------------------------------

# Where a pcap makes no sense or would hang: a FIFO nobody reads, a terminal.
mkfifo -m 666 "$tmp/w/fifo"
printf 'wire save %s\nsay after\n' "$tmp/w/fifo" >"$tmp/fifo.s"
timeout 60 "$bin" --batch --net loopback --script "$tmp/fifo.s" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" = 124 ]; then bad "wire save to a FIFO nobody reads: hangs"
elif ! grep -q 'is a FIFO that nobody reads' "$tmp/err"; then bad "wire save to a FIFO nobody reads: not refused by name" "$tmp/err"
elif ! grep -q '>> after' "$tmp/out"; then bad "wire save to a FIFO nobody reads: the rest is lost" "$tmp/out"
else ok "wire save to a FIFO nobody reads: refused in one line, no hang"; fi

{ printf "$udp"; printf 'wire save -\nsay after\n'; } >"$tmp/dash"
"$bin" --batch --net loopback --script "$tmp/dash" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" != 0 ]; then bad "wire save - to a file: exit status $rc" "$tmp/err"
elif ! LC_ALL=C grep -aqF $'\xd4\xc3\xb2\xa1' "$tmp/out"; then bad "wire save - to a file: no pcap in stdout" "$tmp/out"
elif ! grep -aq 'saved 1 frame to standard output' "$tmp/out"; then bad "wire save - to a file: no saved line" "$tmp/out"
elif ! grep -aq '>> after' "$tmp/out"; then bad "wire save - to a file: stdout was closed, the rest is lost" "$tmp/out"
else ok "wire save - to a file: the pcap, then the rest of the transcript"; fi
if $has_script; then
	script -qec "$bin --batch --net loopback --script $tmp/dash" /dev/null >"$tmp/out" 2>&1
	if LC_ALL=C grep -aqF $'\xd4\xc3\xb2\xa1' "$tmp/out"; then bad "wire save - on a terminal: the pcap was thrown at it"
	elif ! grep -aq 'wire save -: standard output is a terminal' "$tmp/out"; then bad "wire save - on a terminal: not refused" "$tmp/out"
	elif ! grep -aq '>> after' "$tmp/out"; then bad "wire save - on a terminal: the rest is lost" "$tmp/out"
	else ok "wire save - on a terminal: refused in one line, the script goes on"; fi
	printf 'wire save /dev/tty\nsay after\n' >"$tmp/tty.s"
	script -qec "$bin --batch --net loopback --script $tmp/tty.s" /dev/null >"$tmp/out" 2>&1
	if LC_ALL=C grep -aqF $'\xd4\xc3\xb2\xa1' "$tmp/out"; then bad "wire save /dev/tty: the pcap was thrown at the terminal"
	elif ! grep -aq 'is a terminal; expected a file name' "$tmp/out"; then bad "wire save /dev/tty: not refused" "$tmp/out"
	else ok "wire save /dev/tty: refused in one line"; fi
fi

finish
