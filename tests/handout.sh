#!/usr/bin/env bash
# Handouts: the Markdown handout of a lesson against its golden file, parsed
# as GitHub renders it (cmark-gfm, tables), its Mermaid block a
# sequenceDiagram with a lane per program, one arrow per frame the handout
# lists, the calls and states beside the lanes; worksheets; and handouts
# that print: every shipped lesson's text handout at most 100 columns, at most N with --width N, and
# the bad values of --handout and --width refused in one line.
#   handout.sh SOCKSTEP md NAME     (GOLDEN_UPDATE=1 rewrites tests/golden/handout-NAME.md)
#   handout.sh SOCKSTEP width
#   handout.sh SOCKSTEP hostile   (Markdown and Mermaid syntax in a lesson and a payload stay text)
#   handout.sh SOCKSTEP worksheet (the answers hidden, exactly, until the key)
#   handout.sh SOCKSTEP lanes     (the diagram: a lane per program, dropped frames)
set -u
bin=$1 mode=$2 name=${3:-}
. "$(dirname "$0")/lib.sh"

# The Markdown is checked as GitHub renders it: Debian's cmark-gfm with its
# table extension (plain cmark has no tables). README's install command, .ci/run.
if { [ "$mode" = md ] || [ "$mode" = hostile ]; } && ! command -v cmark-gfm >/dev/null; then
  bad "cmark-gfm is not installed: apt-get install cmark-gfm (the Markdown handout is checked with it)"; finish
fi
gfm() { cmark-gfm -e table --validate-utf8 "$@"; }

if [ "$mode" = md ]; then
  exp=$src/tests/golden/handout-$name.md
  "$bin" --batch --lesson "$name" --handout md >"$tmp/raw" 2>"$tmp/err"
  rc=$?
  mask_ephemeral <"$tmp/raw" >"$tmp/out" # ports the kernel picks differ per run
  if [ -n "${GOLDEN_UPDATE:-}" ]; then golden_update "$exp" "$tmp/out" "$tmp/err"; exit; fi
  check "$name md: exit 0" '[ "$rc" = 0 ]' || show "$tmp/err"
  check "$name md: nothing on stderr" '[ ! -s "$tmp/err" ]'
  diff -u "$exp" "$tmp/out" >"$tmp/diff" && ok "$name md: as $exp" || bad "$name md: differs from $exp" "$tmp/diff"
  if gfm "$tmp/out" >"$tmp/html" 2>"$tmp/cerr"; then ok "$name md: cmark-gfm parses it"
  else bad "$name md: cmark-gfm refused it" "$tmp/cerr"; fi
  check "$name md: a title, a heading per step" \
    '[ "$(grep -c "^<h2>Step " "$tmp/html")" = "$(grep -c "^step:" "$src/assets/lessons/$name.lesson")" ] && grep -q "^<h1>Lesson $name: " "$tmp/html"'
  tables=$(grep -c '^| STEP | PROGRAM |' "$tmp/out")
  check "$name md: every 5-tuple table renders as a table ($tables)" \
    '[ "$tables" -gt 0 ] && [ "$(grep -c "^<table>" "$tmp/html")" = "$tables" ] && [ "$(grep -c "<th>LOCAL-PORT</th>" "$tmp/html")" = "$tables" ] && ! grep -q "^<p>| STEP" "$tmp/html"'
  check "$name md: the C calls in code blocks" 'grep -q "<pre><code class=\"language-c\">" "$tmp/html"'
  check "$name md: each sockaddr_in dump in the lecture's [i]=%X form too" \
    '[ "$(grep -cE "^//   \[0\]=[0-9A-F]+,\[1\]=" "$tmp/out")" = "$(grep -cE "^//   ([0-9A-F]{2} ){15}[0-9A-F]{2}\$" "$tmp/out")" ] && grep -qE "^//   \[0\]=2,\[1\]=0,\[2\]=0,\[3\]=50," "$tmp/out"'
  # Each call once: a call that blocked is listed where it was made; its
  # return is a comment ("// [23] connect() returns: 0"), not the call again.
  sed -n '/^```c$/,/^```$/p' "$tmp/out" | grep -E '^[a-z].*\(.*;  // ' >"$tmp/calls"
  if [ "$name" = tcp ]; then once='[ "$(grep -c "^connect(sock," "$tmp/calls")" = 1 ] && [ "$(grep -c "accept(sock," "$tmp/calls")" = 1 ] && grep -qE "^// \[23\] connect\(\) returns: 0$" "$tmp/out"'
  else once='[ "$(grep -c "^recvfrom(sock, buffer, 1024, 0, (struct sockaddr \*)&echoclient" "$tmp/calls")" = 2 ] && grep -qE "^// \[7\] recvfrom\(\) returns: 4$" "$tmp/out"'; fi
  check "$name md: the C block shows each call once (a call that blocked too)" \
    "$once && ! grep -qE 'it had blocked at|still blocked' \"\$tmp/calls\"" || show "$tmp/calls"
  check "$name md: one Mermaid block, in cmark-gfm's output too" \
    '[ "$(grep -c "^<pre><code class=\"language-mermaid\">sequenceDiagram" "$tmp/html")" = 1 ]'
  # The Mermaid block: a sequenceDiagram, one lane per program, one arrow per
  # listed frame, the calls and states as notes beside the lanes.
  sed -n '/^```mermaid$/,/^```$/p' "$tmp/out" >"$tmp/mm"
  check "$name md: the block is a sequenceDiagram" '[ "$(sed -n 2p "$tmp/mm")" = sequenceDiagram ]'
  check "$name md: client and server are its participants, in that order" \
    '[ "$(grep "^    participant " "$tmp/mm" | tr "\n" " ")" = "    participant client     participant server " ]'
  arrows=$(grep -cE '^    [a-z0-9_]+(->>|-x|-\))[a-z0-9_]+: ' "$tmp/mm")
  frames=$(grep -cE '^- wire: frame [0-9]+, ' "$tmp/out")
  check "$name md: one arrow per frame listed ($arrows arrows, $frames frames)" '[ "$arrows" = "$frames" ] && [ "$arrows" -gt 0 ]'
  check "$name md: the arrows as the ladder labels them" 'grep -qE "^    client->>server: \[SYN\] seq=0|^    client->>server: UDP len=" "$tmp/mm"'
  check "$name md: the calls and states beside the lanes" \
    'grep -qxF "    Note right of server: socket() → 3, $([ "$name" = udp ] && echo UNCONN || echo CLOSED)" "$tmp/mm" &&
     grep -qE "^    Note left of client: (connect\(\) → 0, ESTABLISHED|sendto\(\) → 4)$" "$tmp/mm"'
  finish
fi

# The diagram of the lessons that are not golden: one lane per program, the
# frames between them, "dropped" for a frame the wire dropped after holding it.
if [ "$mode" = lanes ]; then
  "$bin" --batch --lesson concurrent --handout md >"$tmp/out" 2>"$tmp/err"
  sed -n '/^```mermaid$/,/^```$/p' "$tmp/out" >"$tmp/mm"
  check "concurrent md: one lane per program: client, client2, server, server.1, server.2" \
    '[ "$(grep "^    participant " "$tmp/mm" | tr "\n" "|")" = "    participant client|    participant client2|    participant server|    participant server_1 as server.1|    participant server_2 as server.2|" ]' || show "$tmp/mm"
  check "concurrent md: the handshakes are the listening server's, the data the children's" \
    'grep -qxF "    client2->>server: [SYN] seq=0" "$tmp/mm" && grep -qxF "    client->>server_1: [PSH, ACK] seq=1 ack=1 len=4 #quot;hola#quot;" "$tmp/mm" &&
     grep -qxF "    server_2->>client2: [PSH, ACK] seq=1 ack=5 len=4 #quot;adeu#quot;" "$tmp/mm"'
  check "concurrent md: the child's calls beside its own lane" 'grep -qxF "    Note right of server_1: recv() → 4" "$tmp/mm"'
  "$bin" --batch --lesson reliability --handout md >"$tmp/out" 2>"$tmp/err"
  sed -n '/^```mermaid$/,/^```$/p' "$tmp/out" >"$tmp/mm"
  check "reliability md: the held datagram the wire then dropped says dropped, not (held)" \
    'grep -qxF "    client-xserver: UDP len=4 #quot;lost#quot; (dropped)" "$tmp/mm" && ! grep -q "(held)" "$tmp/mm"'
  "$bin" --batch --lesson sockaddr --handout md >"$tmp/out" 2>"$tmp/err" # loopback: both on 127.0.0.1
  sed -n '/^```mermaid$/,/^```$/p' "$tmp/out" >"$tmp/mm"
  check "sockaddr md (loopback): the SYN from the client, its answer from the server" \
    'grep -qxF "    client->>server: [SYN] seq=0" "$tmp/mm" && grep -qxF "    server->>client: [SYN, ACK] seq=0 ack=1" "$tmp/mm"'
  finish
fi

if [ "$mode" = hostile ]; then
  cat >"$tmp/evil.lesson" <<'EOF2'
title: evil | `title` <b>x</b>
summary: a | b *c* [d](e)
net: loopback

step: step `one` | two
\# not a heading
1. not a list
```not a fence
- not an item
    preformatted, `verbatim` <i>
    ``` a fence inside cannot end it
> server socket udp
> server bind 127.0.0.1 7000
> client socket udp
> client sendto 127.0.0.1 7000 "a|b```c`#;<x>"
> server recvfrom 100
EOF2
  "$bin" --batch --lesson "$tmp/evil.lesson" --handout md >"$tmp/out" 2>"$tmp/err"
  rc=$?
  check "hostile md: exit 0" '[ "$rc" = 0 ]'
  gfm "$tmp/out" >"$tmp/html"
  check "hostile md: one h1, one h2 (the step), no list from the narration" \
    '[ "$(grep -c "<h1>" "$tmp/html")" = 1 ] && [ "$(grep -c "<h2>" "$tmp/html")" = 2 ] && ! grep -q "<ol>" "$tmp/html"'
  check "hostile md: the title's | and backticks are text" 'grep -qF "<h1>Lesson evil: evil | \`title\` &lt;b&gt;x&lt;/b&gt;</h1>" "$tmp/html"'
  check "hostile md: no HTML from the lesson, no link" '! grep -q "<b>x\|<a " "$tmp/html"'
  check "hostile md: the backticks of the payload do not end its code block" \
    'grep -qF "sendto(sock, &quot;a|b\`\`\`c\`#;&lt;x&gt;&quot;, 13" "$tmp/html"'
  check "hostile md: every code block closed (as many opened as in the source)" \
    '[ "$(grep -c "<pre><code" "$tmp/html")" = "$(grep -cE "^\`{3,}(c|mermaid|text)$" "$tmp/out")" ]'
  check "hostile md: the preformatted lines in one fenced block, as written, that their backticks cannot end" \
    'grep -qxF "<pre><code class=\"language-text\">preformatted, \`verbatim\` &lt;i&gt;" "$tmp/html" &&
     grep -qxF "\`\`\` a fence inside cannot end it" "$tmp/html"'
  sed -n '/^```mermaid$/,/^```$/p' "$tmp/out" >"$tmp/mm"
  check "hostile md: the Mermaid label has no backtick, # or ; of its own" \
    'grep -qxF "    client->>server: UDP len=13 #quot;a|b#96;#96;#96;c#96;#35;#59;#lt;x#gt;#quot;" "$tmp/mm"'
  finish
fi

if [ "$mode" = worksheet ]; then
  # A worksheet hides exactly the answers: the answer cells of the question's
  # row and the same values (their bytes too) in that step's frames, until the answer key;
  # nothing the student typed; no "expect ...: ok" line; no later narration
  # or note that states an answer before the key.
  for n in udp tcp sockaddr ephemeral close; do
    "$bin" --batch --lesson "$n" --handout worksheet >"$tmp/$n" 2>"$tmp/err"
    rc=$?
    check "$n worksheet: exit 0, nothing on stderr" '[ "$rc" = 0 ] && [ ! -s "$tmp/err" ]' || show "$tmp/err"
    check "$n worksheet: no \"expect ...: ok\" line" '! grep -qE "expect .*: ok" "$tmp/$n"' || grep -E "expect .*: ok" "$tmp/$n" | head -n 3
    sed '/^ANSWER KEY/,$d' "$tmp/$n" >"$tmp/$n.before"
  done
  b=$tmp/udp.before
  step() { sed -n "/^Step $1 of /,/^Step $(($1 + 1)) of /p" "$2"; }
  step 7 "$b" >"$tmp/u7"
  check "udp step 7: the client's own bind stays (STEP5, STEP6: 100.0.0.1 9000)" \
    '[ "$(grep -cE "^    [56] +client +3 UDP +100\.0\.0\.1 +9000 +200\.0\.0\.2" "$tmp/u7")" = 2 ]'
  check "udp step 7: what sendto sent stays (\"hola\")" 'grep -qF "sendto(sock, \"hola\", 4, 0," "$tmp/u7"'
  check "udp step 7: the question's row hides its answer cells (STEP7 REMOTE-IP, REMOTE-PORT)" \
    'grep -qE "^    7 +server +3 UDP +200\.0\.0\.2 +80 +\?{9}\* +\?{4}\* +UNCONN" "$tmp/u7"'
  check "udp step 7: what recvfrom filled in is hidden" 'grep -qF "server  received ?????? (4 bytes) from ?????????:????" "$tmp/u7"'
  check "udp step 7: the same values hidden in the step's frames" \
    'grep -qF "UDP ?????????:???? → 200.0.0.2:80 len=4" "$tmp/u7" && ! grep -q "100\.0\.0\.1:9000" "$tmp/u7"'
  check "udp step 8: its narration does not state the answer before the key" \
    '! step 8 "$b" | grep -qE "100\.0\.0\.1|port 9000" && step 8 "$b" | grep -qF "who sent it:"'
  # recvfrom's sender through ntohs/ntohl (the "sender" table, its notes):
  # the bytes say 100.0.0.1 and 9000 as well as the numbers do.
  check "udp step 8: the sender table and its notes hide the answer's bytes (23 28, 28 23, 64 00 00 01, 0x64000001)" \
    'step 8 "$b" | grep -qE "^  sin_port  \?{5} +ntohs\(\)  \?{4} +\?{5}" && step 8 "$b" | grep -qE "^  sin_addr  \?{11}  ntohl\(\)  \?{10}  \?{11}" &&
     ! step 8 "$b" | grep -qE "23 28|28 23|64 00 00 01|01 00 00 64|0x64000001"' || step 8 "$b" | grep -E "sin_|stores"
  check "udp: the client's own bind and the server's sendto keep their bytes (02 00 23 28 64 00 00 01)" \
    'step 5 "$b" | grep -qF "02 00 23 28 64 00 00 01 00...  echoclient.sin_port = htons(9000);" &&
     step 9 "$b" | grep -qF "02 00 23 28 64 00 00 01 00...  echoclient.sin_port = htons(9000);"'
  check "udp key: the answer" 'grep -qF "server data: \"hola\" from 100.0.0.1 9000" "$tmp/udp"'
  step 7 "$tmp/tcp.before" >"$tmp/t7"
  check "tcp step 7: STEP5's CLOSED is no answer to \"after connect()?\": it stays" \
    'grep -qE "^    5 +client +3 TCP +100\.0\.0\.1 +9000 +200\.0\.0\.2\* +80\* +CLOSED" "$tmp/t7"'
  check "tcp step 7: the client's STEP6 state hidden; the server's row its remote cells only" \
    'grep -qE "^    6 +client .* 80 +\?{11}\*" "$tmp/t7" && grep -qE "^    7 +server +4 TCP\* +200\.0\.0\.2\* +80\* +\?{9}\* +\?{4}\* +ESTABLISHED" "$tmp/t7"'
  check "tcp step 8: the narration states neither answer" \
    '! step 8 "$tmp/tcp.before" | grep -qE "ESTABLISHED|100\.0\.0\.1|9000"'
  check "sockaddr: htons(1001)'s bytes hidden both ways round until the key" \
    '! grep -qE "03 E9|E9 03" "$tmp/sockaddr.before" && grep -qF "result: 03 E9" "$tmp/sockaddr"'
  check "ephemeral: the key says IANA's range is not this kernel's" \
    'grep -qE "not IANA.s 49152-65535: this kernel picks from its own range" "$tmp/ephemeral"'
  finish
fi

# ---- handouts that print ----------------------------------------------------
# Lines wider than W display columns, as a terminal or a printer shows them
# ("→" is one column, a CJK character two, a combining accent none), from
# Python's Unicode tables, whatever the locale.
wider() {
  python3 -c '
import sys, unicodedata
def cols(s):
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)
for line in sys.stdin.buffer.read().decode("utf-8", "replace").splitlines():
    if cols(line) > int(sys.argv[1]):
        print(line)
' "$1"
}
for f in "$src"/assets/lessons/*.lesson; do
  n=$(basename "$f" .lesson)
  "$bin" --batch --lesson "$n" >"$tmp/out" 2>"$tmp/err"
  wider 100 <"$tmp/out" >"$tmp/w"
  wide=$(wc -l <"$tmp/w")
  [ "$wide" = 0 ] && ok || bad "$n: $wide lines wider than 100 columns" "$tmp/w"
  for w in 60 150; do
    "$bin" --batch --lesson "$n" --width $w >"$tmp/out" 2>"$tmp/err"
    wider $w <"$tmp/out" >"$tmp/w"
    wide=$(wc -l <"$tmp/w")
    [ "$wide" = 0 ] && ok || bad "$n --width $w: $wide lines wider" "$tmp/w"
  done
done
check "the width check counts display columns (→ one, 中 two, a combining accent none)" \
  '[ "$(printf "ab→\n" | wider 2)" = "ab→" ] && [ -z "$(printf "a→\n" | wider 2)" ] &&
   [ "$(printf "a中\n" | wider 2)" = "a中" ] && [ -z "$(printf "e\xcc\x81e\xcc\x81\n" | wider 2)" ]'

# --width counts display columns: narration in Chinese and Japanese (two
# columns a character) and with combining accents (none) fits, in a UTF-8
# locale or not, and still fills the lines.
mkdir "$tmp/cjk"
{ printf 'title: 套接字 API\nnet: loopback\n\nstep: 第一步\n'
  for i in 1 2 3; do printf '服务器向操作系统请求一个套接字。只有协议列是已知的。ソケットを作ります。'; done; printf '\n'
  for i in 1 2 3 4 5 6 7 8; do printf 'Cafe\xcc\x81 se\xcc\x81ance nai\xcc\x88ve '; done; printf '\n'
  printf '> say "%s"\n' "$(for i in 1 2 3; do printf '客户端连接到服务器的端口八十。'; done)"
  printf '> server socket udp\n'; } >"$tmp/cjk/cjk.lesson"
for loc in C C.UTF-8; do
  for w in 60 80; do
    LC_ALL=$loc "$bin" --batch --lesson "$tmp/cjk/cjk.lesson" --width $w >"$tmp/out" 2>"$tmp/err"
    rc=$?
    wider $w <"$tmp/out" >"$tmp/w"
    if [ "$rc" != 0 ]; then bad "CJK lesson, LC_ALL=$loc --width $w: exit $rc" "$tmp/err"
    elif [ -s "$tmp/w" ]; then bad "CJK lesson, LC_ALL=$loc --width $w: $(wc -l <"$tmp/w") lines wider" "$tmp/w"
    elif [ -n "$(wider $((w - 6)) <"$tmp/out")" ]; then ok "CJK lesson, LC_ALL=$loc --width $w: every line fits, and fills it"
    else bad "CJK lesson, LC_ALL=$loc --width $w: no line longer than $((w - 6)) columns: the narration was over-wrapped" "$tmp/out"; fi
  done
done

# Compact: the second sockaddr of a lesson is one line per statement; the ARP
# refreshes after the first exchange are counted.
"$bin" --batch --lesson tcp >"$tmp/out" 2>&1
check "tcp: the first dump has the lecture's [0]= lines" '[ "$(grep -c "^ *\[0\]=" "$tmp/out")" = 4 ]'
check "tcp: later dumps are one line per statement" \
  'grep -qxF "  client  02 00 23 28 64 00 00 01 00...  echoclient.sin_port = htons(9000);" "$tmp/out"'
check "tcp: the first ARP exchange is listed" 'grep -q "ARP who has 200.0.0.2? tell 100.0.0.1" "$tmp/out"'
"$bin" --batch --lesson reliability >"$tmp/out" 2>&1
if grep -q "ARP frame.* (the kernels refreshing their address caches; not listed)" "$tmp/out"; then ok "reliability: later ARP frames counted"
else echo "note: no ARP refresh in this run of reliability (timing)"; ok; fi

# Bad values: one line each, exit 2.
while IFS='|' read -r args want; do
  # shellcheck disable=SC2086
  "$bin" $args >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -qF -- "$want" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok "$args: refused"
  else bad "$args: exit $rc, expected 2 and one line with: $want" "$tmp/err"; fi
done <<'EOF2'
--batch --lesson tcp --handout pdf|sockstep: bad --handout "pdf": expected text, worksheet or md
--batch --lesson tcp --width 59|sockstep: bad --width "59": expected a number of columns from 60 to 1000
--batch --lesson tcp --width 1001|bad --width "1001"
--batch --lesson tcp --width 80x|bad --width "80x"
--batch --lesson tcp --width|option --width needs a value
--batch --handout md|--handout needs --batch and --lesson
--lesson tcp --width 80|--width needs --batch
--batch --lesson tcp --handout md --width 80|--width does not go with --handout md
EOF2

# Plain --batch is as it was unless --width is given.
printf 'server socket tcp\nserver bind 200.0.0.2 80\n' >"$tmp/s"
"$bin" --batch --script "$tmp/s" >"$tmp/plain" 2>&1
check "plain --batch keeps the wide table" 'grep -q "^    STEP                                     PROGRAM" "$tmp/plain"'
"$bin" --batch --script "$tmp/s" --width 80 >"$tmp/narrow" 2>&1
check "plain --batch --width 80: at most 80 columns" '[ -z "$(wider 80 <"$tmp/narrow")" ]'
finish
