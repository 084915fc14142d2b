#!/usr/bin/env bash
# Every shipped lesson runs as a handout (--batch --lesson NAME) with exit 0
# and every expect line holding, as the current user and, when run as root,
# as uid 65534; plus the lesson command line: parse errors name FILE:LINE, a
# missing name lists the lessons, --list-lessons lists them all.
#   lessons.sh SOCKSTEP
set -u
bin=$1
. "$(dirname "$0")/lib.sh"

# The lessons of this source tree, readable by the unprivileged user too.
mkdir "$tmp/lessons"
cp "$src"/assets/lessons/*.lesson "$tmp/lessons/"
chmod 755 "$tmp/lessons"; chmod 644 "$tmp/lessons"/*.lesson
export SOCKSTEP_LESSONS=$tmp/lessons
names=()
for f in "$tmp"/lessons/*.lesson; do names+=("$(basename "$f" .lesson)"); done

users=(self)
# Not root, the current user is the unprivileged one.
if [ "$(id -u)" = 0 ] && need setpriv util-linux; then users+=(nobody); fi
run_as() {
  local who=$1; shift
  if [ "$who" = nobody ]; then "${NOBODY[@]}" "$bin" "$@"
  else "$bin" "$@"; fi
}

# 1. Every lesson checks out.
for name in "${names[@]}"; do
  want=$(grep -c '^[[:space:]]*>[[:space:]]*expect ' "$tmp/lessons/$name.lesson")
  for who in "${users[@]}"; do
    what="lesson $name as $who"
    run_as "$who" --batch --lesson "$name" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    held=$(grep -c '^  expect .*: ok$' "$tmp/out")
    if [ "$rc" != 0 ]; then bad "$what: exit $rc" "$tmp/err"
    elif [ -s "$tmp/err" ]; then bad "$what: wrote to stderr" "$tmp/err"
    elif grep -q "^  expect .*: FAILED" "$tmp/out"; then grep "^  expect .*: FAILED" "$tmp/out" >"$tmp/f"; bad "$what: an expect FAILED" "$tmp/f"
    elif [ "$held" != "$want" ]; then bad "$what: $held expects ok, the lesson has $want"
    elif ! tail -n 1 "$tmp/out" | grep -q "^LESSON $name: .* $want expectations\?, all held$"; then
      tail -n 1 "$tmp/out" >"$tmp/f"; bad "$what: last line" "$tmp/f"
    else ok "$what: $want expectations held"; fi
  done
done

# 2. A typo in a lesson fails at load time, naming file and line.
# The sockaddr handout prints each dump as the lecture's tcp_client1b does.
# At 100 columns (the default) that line is wrapped after a comma; at 200 it is whole.
"$bin" --batch --lesson sockaddr >"$tmp/out" 2>&1
if grep -qxF '            [0]=2,[1]=0,[2]=3,[3]=E8,[4]=7F,[5]=0,[6]=0,[7]=1,[8]=0,[9]=0,[10]=0,[11]=0,[12]=0,' "$tmp/out" &&
   grep -qxF '              [13]=0,[14]=0,[15]=0,' "$tmp/out" &&
   "$bin" --batch --lesson sockaddr --width 200 2>&1 |
     grep -qxF '            [0]=2,[1]=0,[2]=3,[3]=E8,[4]=7F,[5]=0,[6]=0,[7]=1,[8]=0,[9]=0,[10]=0,[11]=0,[12]=0,[13]=0,[14]=0,[15]=0,' &&
   grep -qF 'inet_addr("0x7f.1") read 127.0.0.1' "$tmp/out"
then ok "sockaddr lesson: the lecture's [0]= lines and what inet_addr read"; else bad "sockaddr lesson: no [0]= line or inet_addr note" "$tmp/out"; fi

cat >"$tmp/typo.lesson" <<'EOF'
title: a lesson with a typo
summary: for the test

step: STEP1
> server socket tcp
> server lisen 5
EOF
"$bin" --batch --lesson "$tmp/typo.lesson" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] &&
   grep -q "^sockstep: $tmp/typo.lesson:6: unknown server command \"lisen\": expected .*did you mean \"listen\"?$" "$tmp/err"
then ok "parse error names file:line and the fix"; else bad "parse error (exit $rc)" "$tmp/err"; fi

# The same lesson found by name through SOCKSTEP_LESSONS.
SOCKSTEP_LESSONS=$tmp "$bin" --batch --lesson typo >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "^sockstep: $tmp/typo.lesson:6: " "$tmp/err"
then ok "lesson found by name in \$SOCKSTEP_LESSONS"; else bad "lookup by name (exit $rc)" "$tmp/err"; fi

# A binary file and an empty one are refused with file:line.
printf 'title: x\n\0step: y\n' >"$tmp/bin.lesson"
"$bin" --batch --lesson "$tmp/bin.lesson" >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "^sockstep: $tmp/bin.lesson:2: a NUL byte: expected text" "$tmp/err"
then ok "binary lesson refused"; else bad "binary lesson (exit $rc)" "$tmp/err"; fi
: >"$tmp/empty.lesson"
"$bin" --batch --lesson "$tmp/empty.lesson" >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "^sockstep: $tmp/empty.lesson:1: the lesson is empty" "$tmp/err"
then ok "empty lesson refused"; else bad "empty lesson (exit $rc)" "$tmp/err"; fi

# Lessons that would load and then fail in class are refused when loaded, in
# one line naming file:line (sockstep-lessons(5)): a wire fault on loopback,
# a question no command answers (it would be a blank on every worksheet).
mkdir "$tmp/broken"
printf 'title: hold on loopback\nsummary: holds a SYN\nnet: loopback\n\nstep: one\n> server socket tcp\n> wire hold next SYN\n' \
  >"$tmp/broken/lohold.lesson"
printf 'title: last line\nsummary: asks at the end\nnet: loopback\n\nstep: one\n> client socket tcp\n> predict client state "Which?"\n' \
  >"$tmp/broken/lastq.lesson"
printf 'title: before a bind\nsummary: asks for data\nnet: loopback\n\nstep: one\n> server socket udp\n> predict server data "What?"\n> server bind 127.0.0.1 5000\n' \
  >"$tmp/broken/beforebind.lesson"
printf 'title: before a socket\nsummary: asks for a result\nnet: loopback\n\nstep: one\n> predict client result "What?"\n> client connect 127.0.0.1 80\n' \
  >"$tmp/broken/nosock.lesson"
for b in lohold:7:'"wire hold next SYN" in a "net: loopback" lesson' lastq:7:'has no command after it' \
         beforebind:7:'receives nothing for server' nosock:6:'client has no socket'; do
  n=${b%%:*}; rest=${b#*:}; line=${rest%%:*}; what=${rest#*:}
  for h in text worksheet; do
    "$bin" --batch --lesson "$tmp/broken/$n.lesson" --handout $h >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ] &&
       grep -qF "sockstep: $tmp/broken/$n.lesson:$line: " "$tmp/err" && grep -qF "$what" "$tmp/err"
    then ok "$n: refused when loaded (--handout $h), naming line $line"; else bad "$n --handout $h: exit $rc" "$tmp/err"; fi
  done
done
SOCKSTEP_LESSONS=$tmp/broken "$bin" --list-lessons >"$tmp/out" 2>"$tmp/err"
if grep -q "^lohold  *(does not load: $tmp/broken/lohold.lesson:7: \"wire hold next SYN\" in a" "$tmp/out" &&
   grep -q "^lastq  *(does not load: $tmp/broken/lastq.lesson:7: " "$tmp/out" && ! grep -q "holds a SYN" "$tmp/out"
then ok "--list-lessons says which lessons do not load, and why"; else bad "--list-lessons of broken lessons" "$tmp/out"; fi

# 3. A missing name: one line that lists the lessons there are.
"$bin" --batch --lesson tpc >"$tmp/out" 2>"$tmp/err"
rc=$?
miss=""
for name in "${names[@]}"; do grep -q "\b$name\b" "$tmp/err" || miss="$miss $name"; done
if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ -z "$miss" ] && grep -q 'did you mean "tcp"?' "$tmp/err"
then ok "missing lesson lists the ${#names[@]} lessons and suggests tcp"; else bad "missing lesson (exit $rc; not listed:$miss)" "$tmp/err"; fi

# 4. --list-lessons: one line per lesson, name then summary, in the course's
# order (order: N first, by N; then the others by name); a half of a
# --compare pair (listed: no) is not listed, and runs by name all the same (1.).
listed=() hidden=()
for name in "${names[@]}"; do
  if grep -qx 'listed: no' "$tmp/lessons/$name.lesson"; then hidden+=("$name"); else listed+=("$name"); fi
done
"$bin" --list-lessons >"$tmp/out" 2>"$tmp/err"
rc=$?
miss=""
for name in "${listed[@]}"; do grep -q "^$name  *[^ (]" "$tmp/out" || miss="$miss $name"; done
if [ "$rc" = 0 ] && [ "$(wc -l <"$tmp/out")" = "${#listed[@]}" ] && [ -z "$miss" ]
then ok "--list-lessons lists all ${#listed[@]}"; else bad "--list-lessons (exit $rc; missing:$miss)" "$tmp/out"; fi
check "--list-lessons leaves out the halves of --compare (${hidden[*]})" \
  '[ "${#hidden[@]}" -ge 2 ] && ! grep -qE "^(compare-tcp|compare-udp) " "$tmp/out"'
want=$(for name in "${listed[@]}"; do o=$(sed -n 's/^order: //p' "$tmp/lessons/$name.lesson"); echo "${o:-99999} $name"; done |
  sort -k1,1n -k2,2 | awk '{print $2}' | tr '\n' ' ')
got=$(awk '{print $1}' "$tmp/out" | tr '\n' ' ')
check "--list-lessons in the course's order as the lessons declare it: $got" \
  '[ "$got" = "$want" ] && [[ "$got" == "tcp udp sockaddr byteorder ephemeral errors "* ]]'
mkdir "$tmp/order"
mk() { printf 'title: %s\n%s\nstep: one\nhello\n' "$1" "$2" >"$tmp/order/$1.lesson"; }
mk b ''; mk a ''; mk z 'order: 1'; mk y 'order: 2'; mk half 'listed: no'
got=$(SOCKSTEP_LESSONS=$tmp/order "$bin" --list-lessons 2>&1 | awk '$1 ~ /^(a|b|y|z|half)$/ {print $1}' | tr '\n' ' ')
check "order: 1 and 2 first, then by name; listed: no left out (got: $got)" '[ "$got" = "z y a b " ]'
SOCKSTEP_LESSONS=$tmp/order "$bin" --batch --lesson half >"$tmp/out" 2>&1
check "a lesson with listed: no still runs by name" '[ $? = 0 ] && grep -q "^LESSON half: 1 step" "$tmp/out"'
printf 'title: t\norder: 0\nstep: one\nhi\n' >"$tmp/order0.lesson"
"$bin" --batch --lesson "$tmp/order0.lesson" >/dev/null 2>"$tmp/err"
check "order: 0 refused in one line" '[ $? = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "order0.lesson:2: bad order \"0\": expected" "$tmp/err"'

# Without SOCKSTEP_LESSONS the binary finds the source tree's lessons.
env -u SOCKSTEP_LESSONS "$bin" --list-lessons >"$tmp/out" 2>"$tmp/err"
n=$(wc -l <"$tmp/out")
if [ "$n" -ge "${#listed[@]}" ] && grep -q '^tcp ' "$tmp/out"
then ok "--list-lessons without \$SOCKSTEP_LESSONS ($n lessons)"; else bad "--list-lessons built-in dirs" "$tmp/err"; fi

# 5. A lesson whose expectation does not hold: exit 1, FAILED, file:line on stderr.
cat >"$tmp/wrong.lesson" <<'EOF'
title: a lesson that is wrong about the kernel
wait: 100ms
step: one
> server socket tcp
> expect server state LISTEN
EOF
"$bin" --batch --lesson "$tmp/wrong.lesson" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 1 ] && grep -q '^  expect server state LISTEN: FAILED' "$tmp/out" &&
   grep -q "^sockstep: $tmp/wrong.lesson:5: " "$tmp/err"
then ok "a failed expect: exit 1, FAILED, file:line"; else bad "failed expect (exit $rc)" "$tmp/err"; fi

# 6. Options that do not go together.
"$bin" --batch --lesson tcp --script /dev/null >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ]; then ok "--lesson with --script refused"; else bad "--lesson --script (exit $rc)" "$tmp/err"; fi
"$bin" --batch --net loopback --lesson tcp >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q 'written for --net lab' "$tmp/err"
then ok "--net that contradicts the lesson's net: refused"; else bad "--net conflict (exit $rc)" "$tmp/err"; fi

# 7. Armed faults: "wire drop|hold next FRAME" take exactly the next frame of
# that kind, whatever came first (ARP, the handshake's other frames), and pass
# the rest; the retransmission that follows crosses the wire.
cat >"$tmp/faults.script" <<'EOF'
server socket tcp
server bind 200.0.0.2 80
server listen 5
server accept
wire drop next SYN-ACK
client socket tcp
client connect 200.0.0.2 80
wait 1500ms
expect client state ESTABLISHED
wire drop next data
client send "abc"
wait 1000ms
server recv
expect server data "abc"
wire hold next FIN
client close
expect wire held 1
wire step
server socket udp
server bind 200.0.0.2 5000
client socket udp
wire drop next udp
client sendto 200.0.0.2 5000 "gone"
client sendto 200.0.0.2 5000 "here"
server recvfrom
expect server data "here"
wire status
EOF
"$bin" --batch --script "$tmp/faults.script" >"$tmp/out" 2>"$tmp/err"
rc=$?
fr() { grep -E '^  wire    #[0-9]+ ' "$tmp/out"; }
if [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && ! grep -q FAILED "$tmp/out" &&
   [ "$(fr | grep -c '(dropped)$')" = 3 ] && [ "$(fr | grep -c '(held)$')" = 1 ] &&
   fr | grep '(dropped)$' | sed -n 1p | grep -qF '[SYN, ACK] seq=0 ack=1' &&
   fr | grep '(dropped)$' | sed -n 2p | grep -qF '[PSH, ACK] seq=1 ack=1 win=' &&
   fr | grep '(dropped)$' | sed -n 3p | grep -qF 'UDP 100.0.0.1:' &&
   fr | grep '(dropped)$' | sed -n 3p | grep -qF 'len=4' &&
   fr | grep '(held)$' | grep -qF '[FIN, ACK]' &&
   [ "$(fr | grep -cF '[SYN, ACK] seq=0 ack=1')" -ge 2 ] &&
   [ "$(fr | grep -F '[PSH, ACK]' | grep -c 'len=3')" -ge 2 ] &&
   grep -q '^  wire    dropped #[0-9]*: the next SYN-ACK, as armed' "$tmp/out" &&
   grep -q '^  wire    policy PASS; .* 1 held (0 waiting), 1 released, 0 delayed, 3 dropped' "$tmp/out"
then ok "wire drop|hold next: the SYN-ACK, the data, the FIN and the datagram, each once"
else bad "wire drop|hold next (exit $rc)" "$tmp/out"; fi
echo 'wire drop next SYN' | "$bin" --batch --net loopback >"$tmp/out" 2>"$tmp/err"
if grep -q 'wire drop: in --net loopback sockstep only observes' "$tmp/err"
then ok "wire drop next in --net loopback: refused in one line"; else bad "wire drop next in loopback" "$tmp/err"; fi

finish
