#!/bin/bash
# keys.sh - key to screen, measured at the terminal (bench/keylat.c: the
# program on a pty of its own, the clock stopped when the help overlay the key
# opens has come back), for sockstep idle, for sockstep while a lesson step
# waits 1.2 s for TCP's retransmissions, and for htop as the reference, in the
# same run. The goals: under 20 ms idle, under 50 ms during the wait. A
# benchmark, not a test: it prints figures and judges nothing.
#
# Usage: bench/keys.sh path/to/sockstep path/to/keylat
set -u
BIN=$(realpath "${1:?usage: keys.sh path/to/sockstep path/to/keylat}")
KEYLAT=$(realpath "${2:?usage: keys.sh path/to/sockstep path/to/keylat}")
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$SRC/bench/lib.sh"
machine
export SOCKSTEP_LESSONS="$SRC/assets/lessons"
if ! command -v htop >/dev/null 2>&1; then
	echo "htop missing: installing it as the reference (apt-get install -y htop)"
	apt-get install -y htop >/dev/null 2>&1 || echo "could not install htop: no reference"
fi

echo "sockstep, idle in the lab (explorer, 100x30): ? opens the help"
"$KEYLAT" -r 20 -- "$BIN"
echo "sockstep, --lesson reliability step 3 running (its 1.2 s wait): ? opens the help"
"$KEYLAT" -r 6 -g 100 -s n -s n -s "n:running step 3/7" -t 80 -- "$BIN" --lesson reliability
if command -v htop >/dev/null 2>&1; then
	echo "htop, idle (100x30): h opens its help"
	"$KEYLAT" -r 20 -k h -m "Hisham" -c q -- htop
fi
echo "sockstep, --lesson tcp step 7 (connect: ARP and the handshake on the wire): n until ESTABLISHED shows"
for _ in 1 2 3; do
	"$KEYLAT" -r 1 -k n -m "ESTABLISHED" -c "" -s n -s n -s n -s n -s n -s n -- "$BIN" --lesson tcp | tail -n 1
done
