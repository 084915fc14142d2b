#!/usr/bin/env bash
# Root parses nothing (issue 16, item 2): started by sudo (SUDO_UID), set-uid
# or with 'setcap cap_net_raw+ep', sockstep opens the files it was given and
# then gives up every privilege before it parses a byte of them:
#  - --read of a FIFO: while it waits for the capture's records, the process
#    runs as the user with no capability (read from /proc/PID/status);
#  - --list-lessons, and --lesson in lab and host mode: the lesson files are
#    parsed (a parse error is written) only after the uid changed (strace).
# Needs root (CI is root): without it, SKIP (77); with CI set, a FAIL.
set -u
bin=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
need_root "the sudo and setcap checks" || finish
for t in setpriv setcap strace; do
  command -v $t >/dev/null || { bad "$t not found: expected it (Debian: util-linux, libcap2-bin, strace)"; finish; }
done
chmod 777 "$tmp"
asuser=(env SUDO_UID=65534 SUDO_GID=65534)

# status_of PID: "Uid Gid CapInh CapPrm CapEff CapBnd CapAmb", once the
# process has opened the FIFO (its descriptors include it) and waits in a read.
status_of() {
  local pid=$1 i
  for i in $(seq 200); do
    if grep -q '^State:.*S (sleeping)' "/proc/$pid/status" 2>/dev/null &&
       ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$tmp/fifo"; then
      awk '/^Uid:/ { u = $2 "," $3 "," $4 "," $5 } /^Cap(Prm|Eff|Bnd|Amb|Inh):/ { c = c " " $1 $2 }
           END { print u c }' "/proc/$pid/status"
      return 0
    fi
    sleep 0.05
  done
  return 1
}
# A pcap header, then nothing: sockstep waits for the first record.
hdr='\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00'

# read_fifo NAME EXPECT_UID COMMAND...: run COMMAND --read FIFO, feed it the
# header, read its status while it reads, then end the capture.
read_fifo() {
  local name=$1 want=$2; shift 2
  rm -f "$tmp/fifo"; mkfifo -m 666 "$tmp/fifo"
  "$@" --read "$tmp/fifo" >"$tmp/ro" 2>"$tmp/re" &
  local pid=$!
  exec 3>"$tmp/fifo"
  printf "$hdr" >&3
  local st; st=$(status_of "$pid") || st="(never seen reading)"
  exec 3>&-
  wait "$pid"
  case $st in
    "$want,$want,$want,$want CapInh:0000000000000000 CapPrm:0000000000000000 CapEff:0000000000000000"*)
      ok "$name: reads the capture as uid $want with no capability";;
    *) bad "$name: while reading the capture: $st (expected uid $want, CapPrm and CapEff 0)";;
  esac
  case $st in *CapAmb:0000000000000000*) ok;; *) bad "$name: ambient capabilities left: $st";; esac
}
read_fifo "sudo --read FIFO" 65534 "${asuser[@]}" "$bin"
# Set-uid root and setcap copies, started by uid 65534, where both take effect.
if priv_dir; then
  # Set-uid root: the real uid is the user.
  cp "$bin" "$PRIV_DIR/suid"; chown root "$PRIV_DIR/suid"; chmod 4755 "$PRIV_DIR/suid"
  read_fifo "set-uid root --read FIFO" 65534 "${NOBODY[@]}" "$PRIV_DIR/suid"
  cp "$bin" "$PRIV_DIR/capbin"; chmod 755 "$PRIV_DIR/capbin"
  if setcap cap_net_raw+ep "$PRIV_DIR/capbin" 2>"$tmp/se"; then
    read_fifo "setcap --read FIFO" 65534 "${NOBODY[@]}" "$PRIV_DIR/capbin"
  else bad "setcap refused in $PRIV_DIR ($(cat "$tmp/se"))"; fi
else
  skip "set-uid and setcap: no directory here where they take effect (tried $tmp, /var/tmp, $(dirname "$bin"))"
fi

# parsed_after NAME FILE: in strace's log FILE of sockstep's main process, the
# parse error of bad.lesson is written after the last uid change.
parsed_after() {
  local name=$1 log=$2 main
  main=$(ls "$tmp"/st.* | sort -t. -k2 -n | head -n 1) # the first process: sockstep (env execs it)
  local drop write
  drop=$(grep -n 'setresuid(\|unshare(CLONE_NEWUSER' "$main" | tail -n 1 | cut -d: -f1)
  write=$(grep -n 'write([12], .*bad.lesson:2' "$main" | head -n 1 | cut -d: -f1)
  if [ -z "$write" ]; then bad "$name: no parse error written" "$main"; cat "$main"
  elif [ -z "$drop" ] || [ "$write" -lt "$drop" ]; then bad "$name: the lesson was parsed before the privileges were given up (line $write, drop at ${drop:-never})"
  else ok "$name: parsed after the privileges were given up"; fi
}
mkdir -m 755 "$tmp/l"
printf 'lesson: bad\nserver lisen\n' >"$tmp/l/bad.lesson"; chmod 644 "$tmp/l/bad.lesson"
trace() { rm -f "$tmp"/st.*; strace -ff -qq -s 4096 -o "$tmp/st" -e trace=setresuid,unshare,write "$@" >/dev/null 2>&1; }
trace "${asuser[@]}" "$bin" --batch --lesson "$tmp/l/bad.lesson"
parsed_after "sudo --lesson (lab)" "$tmp/st"
trace "${asuser[@]}" "$bin" --batch --net host --lesson "$tmp/l/bad.lesson"
parsed_after "sudo --net host --lesson" "$tmp/st"
trace "${asuser[@]}" SOCKSTEP_LESSONS="$tmp/l" "$bin" --list-lessons
parsed_after "sudo --list-lessons" "$tmp/st"
finish
