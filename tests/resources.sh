#!/usr/bin/env bash
# Bounded resources (issue 8, items 17, 18 and 19), driven through the real binary:
#  - the socket limit is per side: one side at its limit leaves the other
#    side all its room, and the refusal names the side that is full;
#  - the session log is a bounded history: 50,000 "say" lines of 2 KB each
#    keep the peak resident memory under 64 MiB (it was 223 MB), the memory
#    stays flat between the 20,000th and the 50,000th line, and every line
#    is still printed;
#  - the capture rings are sized to what the relay needs: an idle lab holds
#    them in under 256 KiB (31 MiB, then 1.5 MiB before) and stays under
#    8 MiB resident; a flood of 100,000 datagrams is still relayed with none
#    lost, on flood-sized rings that give way to the idle ones once the wire
#    has been quiet for a second.
# Memory is read from /proc (VmHWM, VmRSS) while sockstep waits for more
# input, so that no other tool is needed. No timing decides anything.
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
# A sanitizer adds memory of its own (shadow, quarantine): absolute bounds on
# resident memory are checked only without one; flatness is checked always.
sanitized=false
ldd "$bin" 2>/dev/null | grep -q 'libasan\|libtsan\|libmsan' && sanitized=true

# ---- 17: the socket limit is per side ------------------------------------
{
  for _ in $(seq 64); do echo 'server socket udp'; done
  echo 'server socket udp'   # the 65th: refused, naming the server
  echo 'client socket tcp'   # the client holds none: it must get one
  echo 'expect client state CLOSED'
  echo 'server close'
  echo 'server socket udp'   # room again after a close
} >"$tmp/limit"
"$bin" --batch --net loopback --script "$tmp/limit" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && ok || bad "limit: exit $rc, expected 1 (one refused line): $(cat "$tmp/err")"
n=$(grep -c 'limit:' "$tmp/err")
[ "$n" = 1 ] && ok || bad "limit: $n refused lines, expected 1: $(cat "$tmp/err")"
grep -q 'limit:65: the server side holds 64 open sockets already, the most sockstep follows; expected "server close" first' "$tmp/err" \
  && ok || bad "limit: the 65th server socket is not refused by name: $(cat "$tmp/err")"
grep -q 'client side holds' "$tmp/err" && bad "limit: the client was refused though it held no socket: $(cat "$tmp/err")" || ok
grep -A1 '^  server  sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);  -> 66$' "$tmp/out" | grep -q . && ok \
  || bad "limit: the server program's 64th socket is not descriptor 66 (3 to 66): $(grep -A1 '^\[64\]' "$tmp/out")"
# The client is a program of its own: its first socket is 3, whatever the server holds.
grep -qE '^\[65\] client socket tcp$' "$tmp/out" && grep -A3 '^\[65\] client socket tcp' "$tmp/out" | grep -qE '^  client  sock = socket\(PF_INET, SOCK_STREAM, IPPROTO_TCP\);  -> 3$' \
  && ok || bad "limit: the client's socket() did not run, or is not its descriptor 3: $(grep -A3 '^\[65\]' "$tmp/out")"
grep -q 'expect client state CLOSED: ok' "$tmp/out" && ok || bad "limit: no client socket to check"
grep -A3 '^\[68\] server socket udp' "$tmp/out" | grep -qE 'SOCK_DGRAM, IPPROTO_UDP\);  -> 66$' \
  && ok || bad "limit: no new server socket after a close (descriptor 66 again)"

# The same limit where the kernel makes the socket: accept() on a side that
# is full returns a descriptor that the program holds (as a C program would)
# but that sockstep does not follow, and a note says so and why. The
# accepted descriptor is labelled as the server's, nothing else moves: the
# server is no longer blocked, and the client's next socket is its 4.
{
  for _ in $(seq 63); do echo 'server socket udp'; done
  echo 'server socket tcp'; echo 'server bind 127.0.0.1 7000'; echo 'server listen'
  echo 'client socket tcp'; echo 'client connect 127.0.0.1 7000'
  echo 'server accept'
  echo 'expect server blocked no'
  echo 'client socket udp'
  echo 'expect client state UNCONN'
} >"$tmp/accept"
"$bin" --batch --net loopback --wait 500ms --script "$tmp/accept" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && ok || bad "accept-limit: exit $rc, expected 0: $(cat "$tmp/err")"
grep -q '^  server  csock = accept(sock, (struct sockaddr \*)&echoclient, &clientlen);  -> 67$' "$tmp/out" \
  && ok || bad "accept-limit: accept() did not return the server program's descriptor 67: $(grep -A3 '\] server accept' "$tmp/out")"
grep -qE '^  server  note: server.s side holds 64 open sockets already, the most sockstep shows: descriptor 67 is not shown$' "$tmp/out" \
  && ok || bad "accept-limit: no note that descriptor 67 is over the limit and not shown: $(grep -A3 '\] server accept' "$tmp/out")"
grep -q 'expect server blocked no: ok' "$tmp/out" && ok || bad "accept-limit: the server still counts as blocked after accept() returned"
grep -A3 '\] client socket udp' "$tmp/out" | grep -q '^  client  sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);  -> 4$' \
  && grep -q 'expect client state UNCONN: ok' "$tmp/out" && ok \
  || bad "accept-limit: the client's next socket is not its descriptor 4: $(grep -A3 '\] client socket udp' "$tmp/out")"

# ---- 18: the session log keeps a bounded history --------------------------
# Lines go in through a FIFO: sockstep waits for more input after each batch,
# so its memory can be read while it is alive. grep keeps the start of each
# printed "say" line (it passes on what it reads at once; awk may wait for a
# full buffer), to count them and to see the marks.
mkfifo "$tmp/in"
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8" \
"$bin" --batch --net loopback <"$tmp/in" 2>"$tmp/say-err" \
  > >(grep --line-buffered -o '^  >> [0-9A-Z-]*' >"$tmp/said") &
pid=$!
exec 3>"$tmp/in"
says() { # from, to: 2 KB lines
  awk -v a="$1" -v b="$2" 'BEGIN { s = sprintf("%2000s", ""); gsub(/ /, "x", s)
    for (i = a; i < b; i++) printf "say \"%05d %s\"\n", i, s }' >&3
}
wait_said() { # file, grep arguments: until sockstep $pid wrote it (at most 300 s; the runs take seconds)
  local f=$1; shift
  for _ in $(seq 3000); do
    grep -q "$@" "$f" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
wait_mark() { wait_said "$tmp/said" -x "  >> $1"; } # name: until grep saw it
mem() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; } # kB
says 0 20000; echo 'say "MARK-1"' >&3
if wait_mark MARK-1; then
  rss1=$(mem VmRSS)
  says 20000 50000; echo 'say "MARK-2"' >&3
  if wait_mark MARK-2; then
    rss2=$(mem VmRSS); hwm=$(mem VmHWM)
    echo "50,000 say lines of 2 KB: peak resident ${hwm} kB; resident ${rss1} kB after 20,000, ${rss2} kB after 50,000"
    if $sanitized; then
      echo "sanitizer build: the 64 MiB bound is not checked"
    else
      [ "$hwm" -lt $((64 * 1024)) ] && ok || bad "say-flood: peak resident memory ${hwm} kB, expected under 64 MiB"
    fi
    [ $((rss2 - rss1)) -lt 4096 ] && ok || bad "say-flood: resident memory grew by $((rss2 - rss1)) kB from the 20,000th to the 50,000th line, expected flat (under 4 MiB)"
    printed=$(grep -c '^  >> ' "$tmp/said")
    [ "$printed" = 50002 ] && ok || bad "say-flood: $printed say lines printed, expected 50002"
  else
    bad "say-flood: sockstep stopped before the 50,000th line: $(head -n3 "$tmp/say-err")"
  fi
else
  bad "say-flood: sockstep stopped before the 20,000th line: $(head -n3 "$tmp/say-err")"
fi
exec 3>&-
wait "$pid"; rc=$?
[ "$rc" = 0 ] && ok || bad "say-flood: exit $rc, expected 0: $(head -n3 "$tmp/say-err")"

# ---- 18 on screen: the panes keep their own bounded lines and say so -------
# 1,100 sockets opened and closed at the ':' prompt, with the 5-tuple pane
# zoomed so that the program panes are not drawn meanwhile: they must still
# read every event before the log drops it. Then the table's title and the
# top of the server's program say how many of their own lines were dropped.
if need tmux tmux; then
  tmux_server resources
  WAIT_TRIES=1200 # up to a minute: 1,100 sockets typed, then three floods relayed
  tmux_session b 120 40 "exec env LANG=C.UTF-8 $(realpath "$bin") --net loopback"
  wait_for '5-tuple' || bad "screen: sockstep did not start"
  send z # the 5-tuple pane (focused first) fills the screen
  for _ in $(seq 110); do
    keys=()
    for _ in $(seq 10); do keys+=(':' 'server socket udp' Enter ':' 'server close' Enter); done
    send "${keys[@]}"
  done
  send ':' 'say "ALL-TYPED"' Enter
  if wait_for 'ALL-TYPED'; then
    send z Tab Tab Tab Tab Home # back to the tiles; the server's program (past hex, ladder, wire), from its top
    sleep 0.5
    wait_for 'older lines dropped'
    # 2,200 rows (a STEP1 and a CLOSE row per socket): 1,024 kept at most,
    # a quarter dropped at a time: 920 left, 1,280 dropped.
    shown -F '5-tuple · 920 rows · 1280 older dropped' && ok \
      || bad "screen: the 5-tuple title does not say 920 rows, 1280 older dropped (2,200 rows): $(screen | grep '5-tuple')"
    shown -E '^│  … 1792 older lines dropped +│' && ok \
      || bad "screen: the server's program does not say 1792 older lines were dropped: $(screen | sed -n 2p)"
    screen | sed -n 3p | grep -qF 'sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);' && ok \
      || bad "screen: no program line under the notice: $(screen | sed -n 3p)"
  else
    bad "screen: the commands did not all run: $(screen | tail -n 3)"
  fi

  # 19 on screen: three floods at once share one budget of half a capture
  # ring per turn of the poll loop; paced per socket they overflowed the
  # smaller ring. A flood occupies its program until it ends (the program is
  # in its sendto() loop), so three at once take three programs.
  tmux_session f 120 40 "exec env LANG=C.UTF-8 $(realpath "$bin")"
  wait_for '5-tuple' || bad "screen: sockstep did not start in the lab"
  keys=(':' 'server socket udp' Enter ':' 'server bind 200.0.0.2 5000' Enter)
  for p in client client2 client3; do keys+=(':' "$p socket udp" Enter); done
  send "${keys[@]}"
  wait_for 'client 100.0.0.1 · UDP' || bad "screen: the client sockets were not made"
  wait_until shown -E 'STEP3 PROTOCOL DEFINITION +(client3|cli3) +3 ' \
    || bad "screen: client3's socket is not its descriptor 3: $(screen | grep 'STEP3')"
  send Tab Tab Tab # the frame list (it shares the ladder's slot): its title counts the frames
  wait_for '─[ wire' || bad "screen: Tab did not bring the frame list"
  keys=()
  for p in client client2 client3; do keys+=(':' "$p flood 100000 udp 200.0.0.2 5000" Enter); done
  send "${keys[@]}"
  if wait_for '300002 seen 300002 passed'; then ok; else
    bad "screen: three floods of 100,000 were not all relayed: $(screen | grep -o 'wire · PASS[^─]*')"; fi
  # The floods ran on flood-sized rings beside the idle ones (32 frames,
  # 64 KiB each); once the wire has been quiet for a second only the idle
  # ones are left, and what the closed ones took is still counted.
  pid=$("${T[@]}" display-message -p -t "$S" '#{pane_pid}')
  ring_kb() { awk '/^[0-9a-f]+-[0-9a-f]+ / { sock = ($6 ~ /^socket:/) } sock && $1 == "Rss:" { kb += $2 } END { print kb + 0 }' "/proc/$pid/smaps"; }
  ring_maps() { grep -c ' socket:\[' "/proc/$pid/maps"; }
  idle_again() { [ "$(ring_maps)" = 2 ] && [ "$(ring_kb)" -lt 256 ]; }
  if WAIT_TRIES=100 wait_until idle_again; then ok; else
    bad "screen: the rings are not back to the idle ones 5 s after the floods: $(ring_maps) mappings, $(ring_kb) kB"; fi
  send Escape ':' 'wire status' Enter
  if wait_for '300002 relayed'; then
    shown -F '0 dropped, 0 lost; 0 missed by' && ok \
      || bad "screen: after the rings went idle, the status is not 0 lost, 0 missed: $(screen | grep -o '300002 frames.*')"
  else bad "screen: no wire status after the floods: $(screen | tail -n 3)"; fi
  "${T[@]}" kill-server >/dev/null 2>&1
fi

# ---- 19: the capture rings hold what the relay needs, not megabytes --------
# An idle lab: the two capture rings (the kernel's, mapped into sockstep as
# "socket:" mappings) were 15.4 MiB each, 31 of its 37 MiB resident; then
# 788 KiB each, sized for a flood. Idle they are 32 frames (64 KiB) each; a
# flood gets rings of 384 beside them while it runs.
# meson test sets MALLOC_PERTURB_, which makes calloc write its memory, and
# so makes the frame ring (4 MiB, touched only as frames come) resident at
# once: the idle figure is taken as a user runs sockstep, without it.
mkfifo "$tmp/lab-in"
env -u MALLOC_PERTURB_ "$bin" --batch --wait 30s <"$tmp/lab-in" >"$tmp/lab-out" 2>"$tmp/lab-err" &
pid=$!
exec 3>"$tmp/lab-in"
echo 'server socket udp' >&3; echo 'say "LAB-READY"' >&3
if wait_said "$tmp/lab-out" 'LAB-READY'; then
  proc_tree "$pid" >"$tmp/procs" # the server's program: it must end with sockstep
  ring_kb() { awk '/^[0-9a-f]+-[0-9a-f]+ / { sock = ($6 ~ /^socket:/) } sock && $1 == "Rss:" { kb += $2 } END { print kb + 0 }' "/proc/$pid/smaps"; }
  ring_maps() { grep -c ' socket:\[' "/proc/$pid/maps"; }
  rings=$(ring_kb) nrings=$(ring_maps)
  rss=$(mem VmRSS)
  echo "idle lab (batch): resident ${rss} kB, of which ${rings} kB in ${nrings} capture ring mappings"
  [ "$nrings" = 2 ] && ok || bad "lab: $nrings capture ring mappings, expected the two of the wire"
  [ "$rings" -lt 256 ] && ok || bad "lab: the capture rings hold ${rings} kB resident, expected under 256 KiB for both"
  # The whole process, where no sanitizer adds its own memory.
  if $sanitized; then
    echo "sanitizer build: the whole-process bound is not checked"
  else
    [ "$rss" -lt 8192 ] && ok || bad "lab: resident ${rss} kB idle, expected under 8 MiB"
  fi
else
  bad "lab: sockstep did not start: $(head -n3 "$tmp/lab-err")"
fi
exec 3>&-
wait "$pid"
grep -q ' server$' "$tmp/procs" && ok || bad "lab: no server program among sockstep's processes: $(tr '\n' ';' <"$tmp/procs")"
if wait_until procs_gone "$tmp/procs"; then ok
else bad "lab: left running after sockstep's input ended: $(procs_running "$tmp/procs" | tr '\n' ';')"; fi

# The smaller rings still relay a flood whole: 100,000 datagrams, none lost
# (the flood sends half a ring between two turns of the poll loop).
printf '%s\n' 'server socket udp' 'server bind 200.0.0.2 5000' 'client socket udp' \
  'client flood 100000 udp 200.0.0.2 5000' 'wire status' >"$tmp/flood"
"$bin" --batch --wait 30s --script "$tmp/flood" >"$tmp/out" 2>"$tmp/err"
rc=$?
st=$(grep 'wire    policy PASS;' "$tmp/out" | tail -n1)
echo "flood: ${st#*; }"
[ "$rc" = 0 ] && ok || bad "flood: exit $rc: $(head -n3 "$tmp/err")"
grep -q 'note: flood: 100000 datagrams sent, 0 failed' "$tmp/out" && ok || bad "flood: not all 100000 datagrams were sent: $(grep 'flood:' "$tmp/out")"
echo "$st" | grep -q '100002 frames: 100002 relayed, .* 0 lost; 0 missed by the capture' \
  && ok || bad "flood: frames lost or missed: $st"

finish
