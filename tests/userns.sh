#!/usr/bin/env bash
# A system that refuses user namespaces: sockstep says so in one line, names
# the fix, falls back to --net host, and the script still runs. The refusal
# is made inside a throwaway user namespace of the test's own (its limit of
# nested user namespaces set to 0), never in the host's settings. There too
# the server is a program of its own (first socket 3) that ends with sockstep.
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
need unshare util-linux || finish
unshare --user --map-root-user true 2>/dev/null ||
  { skip "user namespaces are refused to the test itself (unshare --user --map-root-user)"; finish; }
port=$((39000 + RANDOM % 1000))
# The wait keeps sockstep there long enough to learn its server program's pid.
printf 'server socket tcp\nserver bind 127.0.0.1 %s\nexpect server local 127.0.0.1 %s\nwait 1s\n' "$port" "$port" >"$tmp/s"
chmod 644 "$tmp/s"
# unshare and sh exec: the job's pid is sockstep's.
unshare --user --map-root-user sh -c "echo 0 > /proc/sys/user/max_user_namespaces && exec '$bin' --batch --script '$tmp/s'" \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_until eval 'proc_tree "$pid" | grep -q " server$"'
proc_tree "$pid" >"$tmp/procs"
wait "$pid"
rc=$?
[ "$rc" = 0 ] && ok || bad "exit $rc" "$tmp/err"
[ "$(grep -c 'user namespaces are refused here' "$tmp/err")" = 1 ] && ok || bad "no one-line refusal" "$tmp/err"
grep -q 'max_user_namespaces' "$tmp/err" && ok || bad "the fix is not named"
grep -q 'falling back to --net host' "$tmp/err" && ok || bad "no fallback line"
grep -q "expect server local 127.0.0.1 $port: ok" "$tmp/out" && ok || bad "the script did not run on the host stack" "$tmp/out"
# --net host too: the server is a program of its own, its first socket 3,
# and it ends with sockstep.
grep -q '^  server  sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);  -> 3$' "$tmp/out" && ok \
  || bad "the server's first socket is not 3" "$tmp/out"
awk -v s="$pid" '$4 == "server" && $3 == s { f = 1 } END { exit !f }' "$tmp/procs" && ok \
  || bad "no server program among sockstep's processes: $(tr '\n' ';' <"$tmp/procs")"
if wait_until procs_gone "$tmp/procs"; then ok; else bad "left running after sockstep ended: $(procs_running "$tmp/procs")"; fi
finish
