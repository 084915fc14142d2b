#!/usr/bin/env bash
# A system that refuses user namespaces: sockstep says so in one line, names
# the fix, falls back to --net host, and the script still runs. The refusal
# is made inside a throwaway user namespace of the test's own (its limit of
# nested user namespaces set to 0), never in the host's settings.
set -u
bin=$1
. "$(dirname "$0")/lib.sh"
command -v unshare >/dev/null || { echo "no unshare"; exit 77; }
unshare --user --map-root-user true 2>/dev/null || { echo "user namespaces refused for the test itself"; exit 77; }
port=$((39000 + RANDOM % 1000))
printf 'server socket tcp\nserver bind 127.0.0.1 %s\nexpect server local 127.0.0.1 %s\n' "$port" "$port" >"$tmp/s"
chmod 644 "$tmp/s"
unshare --user --map-root-user sh -c "echo 0 > /proc/sys/user/max_user_namespaces && exec '$bin' --batch --script '$tmp/s'" \
  >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && ok || bad "exit $rc" "$tmp/err"
[ "$(grep -c 'user namespaces are refused here' "$tmp/err")" = 1 ] && ok || bad "no one-line refusal" "$tmp/err"
grep -q 'max_user_namespaces' "$tmp/err" && ok || bad "the fix is not named"
grep -q 'falling back to --net host' "$tmp/err" && ok || bad "no fallback line"
grep -q "expect server local 127.0.0.1 $port: ok" "$tmp/out" && ok || bad "the script did not run on the host stack" "$tmp/out"
finish
