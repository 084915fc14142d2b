#!/bin/bash
# panes.sh - the panes a lecturer reads at 80x24 (issue 17, items 3, 6, 9, 10):
#   sockaddr   all four stages (memset, sin_family, sin_addr, sin_port) of
#              all 16 bytes in the lecture's step 2, at 80x24 and 100x30;
#              the 255.255.255.255 conversion still in view at the end of
#              its step
#   predict    htons(1001)'s bytes are nowhere on screen while the question
#              waits (sockaddr and conversion panes: "??"); skipped, they show
#   hex dump   a frame's hex dump hides exactly the bytes of the fields a
#              waiting question asks for (ephemeral: the client's port;
#              udp: the sender's address and port, and "hola"); skipped,
#              the same bytes show where the "??" were
#   ladder     a long call result stays beside its own lane (errors:
#              connect() -> ECONNREFUSED); on loopback connect()'s result is
#              drawn under its SYN, and an RST points at the client
#   status     an error's advice is read whole (EADDRINUSE ... reuse it)
#   help       '?' wraps its long lines, never cuts them
#   panes.sh SOCKSTEP      (exit 77: no tmux or no python3)
set -u
bin=$(realpath "${1:?usage: panes.sh path/to/sockstep}")
. "$(dirname "$0")/lib.sh"
screen_test panes
command -v python3 >/dev/null || { echo "python3 not installed: skipped"; exit 77; }
export SOCKSTEP_LESSONS=$src/assets/lessons

# start W H ARGS: sockstep in a fresh session of WxH, its --log for steps_done.
start() {
	ui_fresh_log
	tmux_session "p$RANDOM" "$1" "$2" "env LANG=C.UTF-8 LC_ALL=C.UTF-8 $bin $3 --log $UI_LOG 2>>$tmp/err"
	wait_for "5-tuple" >/dev/null
}

# pane TITLE: the text of the bottom pane whose title starts with TITLE
# (the sockaddr_in/conversion pane on the left, the ladder on the right),
# one line per row, read from the screen by the box around it.
pane() {
	screen | python3 -c '
import sys
title = sys.argv[1]
rows = sys.stdin.read().split("\n")
for i, r in enumerate(rows):
    at = r.find("\u2500 " + title)
    if at < 0:
        continue
    left = r.rfind("\u252c", 0, at) + 1 if r.rfind("\u252c", 0, at) >= 0 else r.rfind("\u251c", 0, at) + 1
    right = r.find("\u252c", at)
    if right < 0:
        right = r.find("\u2524", at)
    for b in rows[i + 1:]:
        if b.startswith("\u2514") or len(b) <= left:
            break
        print(b[left:right])
    break
' "$1"
}

# hexrows: the frame detail's hex dump on screen ("0010 00 20 c4 ..."),
# offset and the 16 byte columns, from stdin.
hexrows() { sed -nE 's/^│ (00[0-9a-f]0)  (.{47}).*/\1 \2/p'; }

# masked_only BEFORE AFTER: the two dumps of one frame differ only where
# BEFORE shows "??" (AFTER a byte there); prints how many bytes were hidden,
# or "differs" (other bytes changed, rows missing, or no ?? revealed).
masked_only() {
	python3 - "$1" "$2" <<'PY'
import sys
b = open(sys.argv[1]).read().split("\n")
a = open(sys.argv[2]).read().split("\n")
n = 0
ok = len(a) == len(b) and len(b) > 1
for rb, ra in zip(b, a):
    tb, ta = rb.split(" "), ra.split(" ")
    ok = ok and len(tb) == len(ta)
    for x, y in zip(tb, ta):
        if x == "??":
            n += 1
            ok = ok and y != "??"
        else:
            ok = ok and x == y
print(n if ok and n else "differs")
PY
}

# stage BYTES...: a regex for the 16 bytes, blanks between them or not.
stage() { local r='' b; for b in "$@"; do r="$r${r:+ ?}$b"; done; echo "$r"; }
Z8='00 00 00 00 00 00 00 00'
MEM=$(stage 00 00 00 00 00 00 00 00 $Z8)
FAM=$(stage 02 00 00 00 00 00 00 00 $Z8)
ADR=$(stage 02 00 00 00 7F 00 00 01 $Z8)
PRT=$(stage 02 00 03 E8 7F 00 00 01 $Z8)

# ---- sockaddr step 2 (./tcp_client1b 127.0.0.1 hola 1000), both sizes ----
for size in "80 24" "100 30"; do
	# shellcheck disable=SC2086 # W H
	start $size "--lesson sockaddr"
	next_step "step 1/" >/dev/null
	next_step "step 2/" >/dev/null
	pane sockaddr_in >"$tmp/sa"
	check "${size/ /x} sockaddr step 2: memset's 16 bytes" 'grep -qE "$MEM" "$tmp/sa"' || show_screen
	check "${size/ /x} sockaddr step 2: sin_family's 16 bytes" 'grep -qE "$FAM" "$tmp/sa"'
	check "${size/ /x} sockaddr step 2: sin_addr's 16 bytes" 'grep -qE "$ADR" "$tmp/sa"'
	check "${size/ /x} sockaddr step 2: sin_port's 16 bytes" 'grep -qE "$PRT" "$tmp/sa"'
	order=''
	for re in "$MEM" "$FAM" "$ADR" "$PRT"; do order="$order $(grep -nE "^[^0-9]*$re" "$tmp/sa" | head -n1 | cut -d: -f1)"; done
	check "${size/ /x} sockaddr step 2: the four stages in the statements' order (rows$order)" \
		'[ "$(echo $order | tr " " "\n" | sort -n | tr "\n" " ")" = "$(echo $order) " ] && [ "$(echo $order | wc -w)" = 4 ]'
	# The ladder, on loopback: connect() returned because of the handshake.
	pane ladder >"$tmp/lad"
	syn=$(grep -n "\[SYN\] seq" "$tmp/lad" | head -n1 | cut -d: -f1)
	res=$(grep -n "connect()" "$tmp/lad" | head -n1 | cut -d: -f1)
	check "${size/ /x} loopback ladder: connect()'s result under its SYN (SYN row ${syn:-none}, result row ${res:-none})" \
		'[ -n "$syn" ] && [ -n "$res" ] && [ "$res" -ge "$syn" ]' || cat "$tmp/lad"
	check "${size/ /x} loopback ladder: the SYN goes to the server, the SYN-ACK back" \
		'grep "\[SYN\] seq" "$tmp/lad" | grep -q "▶" && grep "\[SYN, ACK\]" "$tmp/lad" | grep -q "◀"'
done

# ---- sockaddr step 5: a question about htons(1001)'s bytes waits ----
start 80 24 "--lesson sockaddr"
for k in 1 2 3 4 5; do next_step "step $k/" >/dev/null; done
wait_for "PREDICT result" >/dev/null
check "80x24 sockaddr step 5: the question is asked" 'shown -F "PREDICT result: htons(1001)"'
check "80x24 sockaddr step 5: its answer (03 E9) is nowhere on screen" \
	'! screen | grep -qE "03 ?E9|0x03E9"'
check "80x24 sockaddr step 5: sin_port shows ?? while it waits" 'pane sockaddr_in | grep -qE "02 ?00 ?\?\? ?\?\? ?7F"'
send s
wait_for "skipped: result is 03 E9" >/dev/null
check "skipped: the sockaddr pane shows the port's bytes, 03 E9" 'pane sockaddr_in | grep -qE "02 ?00 ?03 ?E9 ?7F"'

# ---- sockaddr step 6: the 255.255.255.255 trap is still in view at its end ----
next_step "step 6/" >/dev/null
check "80x24 sockaddr step 6: the 255.255.255.255 conversion (FF FF FF FF) is in view" \
	'pane conversion | grep -qE "255\.255\.255\.255 +FF ?FF ?FF ?FF"' || pane conversion
check "80x24 sockaddr step 6: and the step's last one, 010.0.0.1 (08 00 00 01)" \
	'pane conversion | grep -qE "010\.0\.0\.1 +08 ?00 ?00 ?01"'

# ---- ephemeral step 3: the client's port is asked for; the frame list keeps it ----
start 80 24 "--lesson ephemeral"
for k in 1 2 3; do next_step "step $k/" >/dev/null; done
wait_for "PREDICT client local" >/dev/null
# Tab until the frame list has the focus (its title in brackets).
for _ in $(seq 1 12); do send Tab; WAIT_TRIES=40 wait_for "[ wire" && break; done
send z
wait_for "[ wire" >/dev/null
check "80x24 ephemeral step 3: the frame list shows the handshake" 'shown -E "cli→srv TCP 100\.0\.0\.1:"'
check "80x24 ephemeral step 3: but not the client's port while the question waits" \
	'! shown -E "100\.0\.0\.1:[0-9]{4,5}" && shown -F "100.0.0.1:?????"'
screen | hexrows >"$tmp/eph.hex"
check "80x24 ephemeral step 3: the frame's hex dump shows ?? ?? for the client's port, beside port 80's 00 50" \
	'grep -qE "\?\? \?\? 00 50|00 50 \?\? \?\?" "$tmp/eph.hex"' || cat "$tmp/eph.hex"
send s
wait_for "skipped: client local is" >/dev/null
port=$(screen | sed -nE 's/.*skipped: client local is 100\.0\.0\.1 ([0-9]+).*/\1/p')
pb=$(printf "%02x %02x" $((${port:-0} >> 8)) $((${port:-0} & 255)))
wait_until eval '! screen | hexrows | grep -qF "??"' >/dev/null
screen | hexrows >"$tmp/eph.shown"
check "skipped: the dump shows the port's bytes ($pb) where the ?? were, and only there (2 bytes hidden)" \
	'[ "$(masked_only "$tmp/eph.hex" "$tmp/eph.shown")" = 2 ] && grep -qE "$pb 00 50|00 50 $pb" "$tmp/eph.shown"' ||
	diff "$tmp/eph.hex" "$tmp/eph.shown"
send z

# ---- udp step 7: what recvfrom() fills in is asked; the datagram's arrow keeps it ----
start 100 30 "--lesson udp"
for k in 1 2 3 4 5 6 7; do next_step "step $k/" >/dev/null; done
wait_for "PREDICT server data" >/dev/null
check "100x30 udp step 7: the datagram's arrow is drawn, its text hidden (UDP len=4 ??????)" \
	'wait_until eval "pane ladder | grep -qF \"UDP len=4 ??????\""' || pane ladder
check "100x30 udp step 7: \"hola\" nowhere in the ladder while the question waits" '! pane ladder | grep -q hola'
# The datagram's bytes, the frame list zoomed: its detail and hex dump.
for _ in $(seq 1 12); do send Tab; WAIT_TRIES=40 wait_for "[ wire" && break; done
send z
wait_for "[ wire" >/dev/null
screen | hexrows >"$tmp/udp.hex"
check "100x30 udp step 7: the hex dump hides the sender's address and port (?? for 64 00 00 01, 23 28)" \
	'grep -qE "^0010 .*\?\? \?\? \?\? \?\? c8 00 *\$" "$tmp/udp.hex" && grep -qE "^0020 00 02 \?\? \?\? 00 50 " "$tmp/udp.hex"' || cat "$tmp/udp.hex"
check "100x30 udp step 7: and the text, in its bytes and in the dump's text column: no \"hola\" on screen" \
	'grep -qE "^0020 .* \?\? \?\? \?\? \?\? *\$" "$tmp/udp.hex" && ! shown hola'
send s
wait_for "skipped: server data" >/dev/null
wait_until eval '! screen | hexrows | grep -qF "??"' >/dev/null
screen | hexrows >"$tmp/udp.shown"
check "skipped: the dump shows 64 00 00 01, 23 28 and 68 6f 6c 61 (hola) where the ?? were, and only there (10 bytes)" \
	'[ "$(masked_only "$tmp/udp.hex" "$tmp/udp.shown")" = 10 ] && grep -qF "64 00 00 01 c8 00" "$tmp/udp.shown" && grep -qF "00 02 23 28 00 50" "$tmp/udp.shown" && grep -qF "68 6f 6c 61" "$tmp/udp.shown"' ||
	diff "$tmp/udp.hex" "$tmp/udp.shown"
send z
send Tab # the focus off the frame list: the ladder takes its place again
wait_until eval 'pane ladder | grep -q .' >/dev/null
check "skipped: the arrow says UDP len=4 \"hola\"" 'wait_until eval "pane ladder | grep -qF \"UDP len=4 \\\"hola\\\"\""'

# ---- errors step 3 (the lab): connect() -> ECONNREFUSED beside the client's lane ----
start 80 24 "--lesson errors"
for k in 1 2 3; do next_step "step $k/" >/dev/null; done
pane ladder >"$tmp/lad"
check "80x24 errors step 3: the ladder shows the RST" 'grep -q "◀─\[RST, ACK\]" "$tmp/lad"' || cat "$tmp/lad"
check "80x24 errors step 3: ECONNREFUSED ends at the client's lane, not across the wire" \
	'grep -q "ECONNREFUSED│" "$tmp/lad" && ! grep -q "│connect()→ECONNREFUSED" "$tmp/lad"'

# ---- loopback by hand: an RST from a port nobody has points at the client ----
start 80 24 "--net loopback"
cmd "client socket tcp"
wait_for "socket(" >/dev/null
cmd "client connect 127.0.0.1 9"
wait_until shown -F "ECONNREFUSED" >/dev/null
wait_until eval 'pane ladder | grep -q "RST"' >/dev/null
pane ladder >"$tmp/lad"
check "loopback: the SYN to port 9 points at the server" 'grep "\[SYN\]" "$tmp/lad" | grep -q "▶"' || cat "$tmp/lad"
check "loopback: the RST from port 9 points at the client" 'grep "\[RST, ACK\]" "$tmp/lad" | grep -q "◀"'

# ---- status: an error's advice read whole ----
start 80 24 ""
cmd "server socket tcp"
wait_for "socket(" >/dev/null
cmd "server bind 200.0.0.2 80"
wait_for "bind(" >/dev/null
cmd "server listen 5"
wait_for "LISTEN" >/dev/null
cmd "server socket tcp"
cmd "server bind 200.0.0.2 80"
wait_for "EADDRINUSE" >/dev/null
check "80x24: the EADDRINUSE line is read whole, to its TIME_WAIT advice" \
	'screen | tr -s " \n" "  " | grep -qF "(a listener, or a connection in TIME_WAIT: \"setsockopt reuseaddr on\" before bind lets a new listener reuse it)"'
check "80x24: the key hints stay under it" 'screen | tail -n1 | grep -q "? help"'

# ---- help: long lines wrap ----
send '?'
wait_for "sockstep help" >/dev/null
# The overlay's text, its box taken off, its lines joined.
help_text() {
	screen | python3 -c '
import sys
rows = sys.stdin.read().split("\n")
for i, r in enumerate(rows):
    at = r.find("sockstep help")
    if at < 0:
        continue
    left, right = r.rfind("\u250c", 0, at), r.find("\u2510", at)
    out = []
    for b in rows[i + 1:]:
        if b[left:left + 1] == "\u2514":
            break
        out.append(b[left + 1:right].strip())
    print(" ".join(" ".join(out).split()))
    break
'
}
check "80x24 help: the s / c line wraps to its end" \
	'help_text | grep -qF "command line for the server / the client (\"server \" typed for you)"'
check "80x24 help: the key column is kept (\"?            this help\")" 'shown -F "?            this help"'
send q
check "nothing on stderr" '[ ! -s "$tmp/err" ]' || cat "$tmp/err"
finish
