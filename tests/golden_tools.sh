#!/usr/bin/env bash
# The golden tooling itself: GOLDEN_UPDATE shows what it changes and refuses
# to write a golden from a run where an expectation failed; the ephemeral
# port mask touches the fields that hold ports and nothing else.
#   golden_tools.sh SOCKSTEP
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

# ---- the mask: ports in port fields, not numbers that look like them --------
in='  wire    #3   cli→srv TCP 100.0.0.1:48244 → 200.0.0.2:80 [SYN] seq=0 win=64240
    6     client     3 TCP   100.0.0.1*       48244* 200.0.0.2        80     ESTABLISHED*
    6     client     3 TCP   100.0.0.1        48244  200.0.0.2        80     ESTABLISHED
| STEP6 | client | 3 | TCP | 100.0.0.1\* | 48244\* | 200.0.0.2 | 80 | ESTABLISHED |  |
     client local: 100.0.0.1 48244 (ephemeral: the kernel chose it)
[34] expect client2 local 100.0.0.1 32768-60999
  client  note: net.ipv4.ip_local_port_range = 32768 60999
  server  received "40000 bytes" (11 bytes) from 127.0.0.1:33000'
want='  wire    #3   cli→srv TCP 100.0.0.1:EPHEM → 200.0.0.2:80 [SYN] seq=0 win=64240
    6     client     3 TCP   100.0.0.1*       EPHEM* 200.0.0.2        80     ESTABLISHED*
    6     client     3 TCP   100.0.0.1        EPHEM  200.0.0.2        80     ESTABLISHED
| STEP6 | client | 3 | TCP | 100.0.0.1\* | EPHEM\* | 200.0.0.2 | 80 | ESTABLISHED |  |
     client local: 100.0.0.1 EPHEM (ephemeral: the kernel chose it)
[34] expect client2 local 100.0.0.1 32768-60999
  client  note: net.ipv4.ip_local_port_range = 32768 60999
  server  received "40000 bytes" (11 bytes) from 127.0.0.1:EPHEM'
printf '%s\n' "$in" | mask_ephemeral >"$tmp/masked"
printf '%s\n' "$want" >"$tmp/want"
diff -u "$tmp/want" "$tmp/masked" >"$tmp/d" && ok "the mask: ports in frames, table cells (text and Markdown) and answers; not a typed range, a sysctl or a payload" \
  || bad "the mask touched other fields or missed a port" "$tmp/d"

# ---- GOLDEN_UPDATE ----------------------------------------------------------
mkdir "$tmp/g"
cat >"$tmp/g/fails.script" <<'EOS'
# sockstep-options: --net loopback
server socket udp
expect server state LISTEN
EOS
echo "an older golden" >"$tmp/g/fails.out"
GOLDEN_UPDATE=1 bash "$here/golden.sh" "$bin" "$tmp/g/fails.script" >"$tmp/o" 2>"$tmp/e"
rc=$?
check "a failed expectation: GOLDEN_UPDATE refuses (exit 1)" '[ "$rc" = 1 ]'
check "it says why, naming the golden and the expectation" \
  'grep -q "not updated: .*fails.out: the output holds a failed expectation" "$tmp/e" && grep -q "expect server state LISTEN" "$tmp/e"'
check "the golden is left as it was" '[ "$(cat "$tmp/g/fails.out")" = "an older golden" ] && [ ! -e "$tmp/g/fails.err" ]'

cat >"$tmp/g/holds.script" <<'EOS'
# sockstep-options: --net loopback
server socket udp
expect server state UNCONN
EOS
bash "$here/golden.sh" "$bin" "$tmp/g/holds.script" >/dev/null 2>&1 # no golden yet: fails, writes nothing
GOLDEN_UPDATE=1 bash "$here/golden.sh" "$bin" "$tmp/g/holds.script" >"$tmp/o" 2>"$tmp/e"
check "every expectation held: written" '[ $? = 0 ] && grep -q "expect server state UNCONN: ok" "$tmp/g/holds.out"'
sed -i 's/UNCONN: ok/UNCONN: old/' "$tmp/g/holds.out"
GOLDEN_UPDATE=1 bash "$here/golden.sh" "$bin" "$tmp/g/holds.script" >"$tmp/o" 2>"$tmp/e"
check "an update shows its diff (- the old line, + the new)" \
  'grep -qxF -- "-  expect server state UNCONN: old" "$tmp/o" && grep -qxF -- "+  expect server state UNCONN: ok" "$tmp/o"'
check "and writes the new golden" 'grep -q "UNCONN: ok" "$tmp/g/holds.out"'
finish
