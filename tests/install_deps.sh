#!/bin/bash
# install_deps.sh - the README's first command on a fresh Debian or Ubuntu:
# ./install-deps updates the package lists before installing, works as root
# without sudo and as a user with sudo, and says in one line what to do as a
# user without sudo. apt-get, id and sudo are stand-ins that record what they
# were asked (nothing is installed). Also: the quick start is two commands,
# the first ./install-deps, and .ci/run installs through the same script.
#   install_deps.sh SRCDIR
set -u
srcdir=$1
. "$(dirname "$0")/lib.sh"

# stubs UID WITH_SUDO: a PATH of stand-ins: id -u says UID; sudo exists or not.
stubs() {
  rm -rf "$tmp/bin" "$tmp/log"; mkdir "$tmp/bin"
  ln -s "$(command -v env)" "$tmp/bin/env"
  printf '#!/bin/sh\necho %s\n' "$1" >"$tmp/bin/id"
  printf '#!/bin/sh\necho "apt-get DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >>"%s"\n' "$tmp/log" >"$tmp/bin/apt-get"
  [ "$2" = yes ] && printf '#!/bin/sh\necho sudo >>"%s"\nexec "$@"\n' "$tmp/log" >"$tmp/bin/sudo"
  chmod +x "$tmp/bin"/*
}
run() { PATH=$tmp/bin /bin/sh "$srcdir/install-deps" >"$tmp/out" 2>"$tmp/err"; }
want_list="build-essential meson ninja-build pkg-config libncurses-dev libpcap-dev libnl-3-dev libnl-route-3-dev libcmocka-dev libseccomp-dev libdw-dev libelf-dev tmux strace tshark tcpdump util-linux procps libcap2-bin python3 cmark-gfm man-db curl netcat-openbsd"

stubs 0 no
run; rc=$?
if [ "$rc" = 0 ] && [ "$(sed -n 1p "$tmp/log")" = "apt-get DEBIAN_FRONTEND=noninteractive update" ] &&
   [ "$(sed -n 2p "$tmp/log")" = "apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends $want_list" ] &&
   [ "$(wc -l <"$tmp/log")" = 2 ]
then ok "as root without sudo: apt-get update, then install, no sudo"; else bad "as root (exit $rc)" "$tmp/log"; fi

stubs 1000 yes
run; rc=$?
if [ "$rc" = 0 ] && [ "$(tr '\n' ' ' <"$tmp/log")" = "sudo apt-get DEBIAN_FRONTEND=noninteractive update sudo apt-get DEBIAN_FRONTEND=noninteractive install -y --no-install-recommends $want_list " ]
then ok "as a user with sudo: both through sudo, update first"; else bad "as a user with sudo (exit $rc)" "$tmp/log"; fi

stubs 1000 no
run; rc=$?
if [ "$rc" = 1 ] && [ ! -e "$tmp/log" ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "not root, and there is no sudo" "$tmp/err"
then ok "as a user without sudo: one line, nothing run"; else bad "as a user without sudo (exit $rc)" "$tmp/err"; fi

# The quick start: two commands, the first installs through ./install-deps.
sed -n '/^## Quick start/,/^## /p' "$srcdir/README.md" | awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0 } on' >"$tmp/qs"
if [ "$(wc -l <"$tmp/qs")" = 2 ] && [ "$(sed -n 1p "$tmp/qs")" = "./install-deps && meson setup build && ninja -C build && build/sockstep" ] &&
   [ "$(sed -n 2p "$tmp/qs")" = "meson test -C build" ]
then ok "README quick start: two commands, ./install-deps first"; else bad "README quick start" "$tmp/qs"; fi
if grep -qx './install-deps' "$srcdir/.ci/run"
then ok ".ci/run installs the same list (./install-deps)"; else bad ".ci/run does not run ./install-deps"; fi
finish
