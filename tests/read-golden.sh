#!/usr/bin/env bash
# Golden test of `sockstep --read`: list a committed capture and compare with
# the expected listing (exit status 0, nothing on stderr).
#   read-golden.sh SOCKSTEP CAPTURE EXPECTED [--as-nobody]
# READ_GOLDEN_UPDATE=1 rewrites EXPECTED.
set -u
bin=$1 pcap=$2 want=$3 mode=${4:-}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run=("$bin")
if [ "$mode" = --as-nobody ]; then
  if [ "$(id -u)" != 0 ]; then echo "not root: already unprivileged"; exit 77; fi
  command -v setpriv >/dev/null || { echo "no setpriv"; exit 77; }
  chmod 755 "$tmp"; cp "$pcap" "$tmp/c.pcap"; chmod 644 "$tmp/c.pcap"; pcap=$tmp/c.pcap
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups "$bin")
fi
"${run[@]}" --read "$pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ -n "${READ_GOLDEN_UPDATE:-}" ] && [ "$mode" != --as-nobody ]; then
  cp "$tmp/out" "$want"; echo "updated $want"; exit "$rc"
fi
fail=0
[ "$rc" = 0 ] || { echo "exit status $rc, expected 0"; fail=1; }
[ -s "$tmp/err" ] && { echo "unexpected stderr:"; cat "$tmp/err"; fail=1; }
diff -u "$want" "$tmp/out" || { echo "listing differs from $want"; fail=1; }
[ "$fail" = 0 ] && echo "ok: $(wc -l <"$tmp/out") frames as expected"
exit $fail
