#!/usr/bin/env bash
# veth.sh - the peer of sockstep's relay (bench/relay.sh): two network
# namespaces joined by a plain veth pair, with the lab's addresses (100.0.0.1
# on one side, 200.0.0.2 on the other, both only inside these namespaces),
# and the flood's datagrams sent across it by bench/udpflood.c: COUNT of them,
# 8 bytes each, to a socket bound on port 5000 that never reads (as in the
# flood lesson). Prints one line: frames delivered to the far side per second
# of the sender's loop, and what was lost.
#   veth.sh UDPFLOOD [COUNT]
# As root the namespaces are plain `unshare -n` ones; otherwise they are made
# in a user namespace of their own (`unshare -Urn`). Neither is named
# (no /run/netns): they end with the processes that hold them, whatever happens.
set -u
export LC_ALL=C
flood=$(realpath "${1:?usage: veth.sh UDPFLOOD [COUNT]}") count=${2:-100000}
if [ -z "${VETH_INSIDE:-}" ]; then # this side: a namespace of our own, then again inside it
	if [ "$(id -u)" = 0 ]; then how=(unshare -n); else how=(unshare -Urn); fi
	exec env VETH_INSIDE=1 "${how[@]}" "$0" "$flood" "$count"
fi

# The far side: a namespace held by the sink, a UDP socket bound to port 5000
# that never reads. The sink waits for the end of its input, a pipe this
# script holds: when the script ends, even killed, the sink and its namespace go.
exec 3> >(exec unshare -n python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5000))
sys.stdin.read()')
far=$!
trap 'kill "$far" 2>/dev/null; wait "$far" 2>/dev/null' EXIT
for _ in $(seq 1 400); do # until it is bound (5000 is 1388 in /proc/net/udp)
	grep -q ':1388 ' "/proc/$far/net/udp" 2>/dev/null && break
	sleep 0.01
done
grep -q ':1388 ' "/proc/$far/net/udp" 2>/dev/null || { echo "veth: the sink did not bind"; exit 1; }

fail() { echo "veth: $1"; exit 1; }
ip link set lo up || fail "ip link set lo up failed"
ip link add va type veth peer name vb netns "$far" || fail "could not make the veth pair"
ip addr add 100.0.0.1/32 dev va && ip link set va up && ip route add 200.0.0.2/32 dev va ||
	fail "could not configure this side"
nsenter -t "$far" -n sh -c 'ip link set lo up && ip addr add 200.0.0.2/32 dev vb &&
	ip link set vb up && ip route add 100.0.0.1/32 dev vb' 3>&- || fail "could not configure the far side"

# Frames that reached vb, from the far side's own /proc/net/dev.
rx() { awk '$1 == "vb:" { print $3 }' "/proc/$far/net/dev"; }
# Datagrams the far socket dropped (RcvbufErrors: it never reads).
rcvbuf() { awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $6 }' "/proc/$far/net/snmp"; }

"$flood" 200.0.0.2 5000 1 >/dev/null 3>&- || fail "the warm-up datagram failed" # ARP, once
r0=$(rx) d0=$(rcvbuf)
read -r sent failed secs < <("$flood" 200.0.0.2 5000 "$count" 3>&-) || fail "udpflood failed"
r1=$(rx) # what the sender's loop left in the backlog has crossed too, once it stops moving
while sleep 0.01; r2=$(rx); [ "$r2" != "$r1" ]; do r1=$r2; done
d1=$(rcvbuf)
awk -v sent="$sent" -v failed="$failed" -v secs="$secs" -v got=$((r1 - r0)) -v drop=$((d1 - d0)) 'BEGIN {
	# An ARP refresh may cross too: lost counts the frames missing, if any.
	printf "veth pair: %d datagrams sent (%d failed); %d frames crossed, %d lost; %.3f s: %.0f frames/s " \
	       "(the far socket dropped %d: it never reads)\n", sent, failed, got, (sent > got ? sent - got : 0), secs,
	       got / secs, drop }'
