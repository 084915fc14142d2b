#!/bin/bash
# signals.sh - every signal whose default action ends a process must give the
# terminal back: run the real sockstep in a shell in a real terminal (tmux),
# send it the signal, and check with `stty -a` in the same pane that the
# shell's terminal is as it was (icanon echo, not raw), that the exit status
# says which signal ended it, and that nothing was written to stderr. Also
# Ctrl-\ from the keyboard; signals the caller ignores stay ignored; and q
# under TERM=linux (ncurses' GPM mouse code: an ASan build must exit 0, see
# tests/lsan.supp). And the programs sockstep starts (a child process per
# side, server.1 forked by the server) end with it, whichever signal ends it,
# SIGKILL too, and when q leaves: none is left running.
#
# Usage: tests/signals.sh path/to/sockstep      (exit 77: no tmux)
set -u
bin=$(realpath "${1:?usage: signals.sh path/to/sockstep}")
[ -x "$bin" ] || { echo "not an executable: $bin"; exit 1; }
. "$(dirname "$0")/lib.sh"
screen_test signals

# One shell in a terminal for the whole test; no core files from re-raised faults.
tmux_shell sig 160 45
send_line "ulimit -c 0; clear"

# Run sockstep (environment in $1) from a shell, recording stty -a before
# and after, the exit status and stderr; wait for its screen. An interactive
# bash puts the terminal back itself when a job dies of a signal, which would
# hide the bug: the commands run in a plain `sh -c`, as in a script or under a
# shell that does not (dash). Its trap only keeps it alive on Ctrl-C and
# Ctrl-\; sockstep starts with the default actions.
run() {
	rm -f "$tmp"/stty.before "$tmp"/stty.after "$tmp"/rc "$tmp"/err
	send_line "sh -c 'trap : INT QUIT; ${2:-} stty -a > $tmp/stty.before; $1 $bin --net loopback 2>$tmp/err; echo \$? > $tmp/rc; stty -a > $tmp/stty.after'; stty sane; clear"
	wait_for "5-tuple"
}

# The pane's bash -> sh -> sockstep.
sockstep_pid() {
	local p
	p=$("${T[@]}" display-message -p -t "$S" '#{pane_pid}')
	for _ in 1 2; do
		p=$(ps -o pid= --ppid "$p" | head -n1 | tr -d ' ')
		[ -n "$p" ] || return
	done
	echo "$p"
}

# After sockstep ended: the status, the terminal modes, stderr.
check_exit() {
	local what=$1
	check_exit_modes "$1" "$2"
	check "$what: the shell's terminal is back to icanon echo" \
		'grep -qw -- icanon "$tmp/stty.after" && grep -qw -- echo "$tmp/stty.after" &&
		 ! grep -qw -- -icanon "$tmp/stty.after" && ! grep -qw -- -echo "$tmp/stty.after"'
	# The shell itself reports a death by signal ("Quit") on the command's
	# stderr; that one line, made by the same shell for the same signal, is
	# not sockstep's. The reference shell starts with every signal at its
	# default action: run in the background of a script (a CI runner, nohup
	# ... &) the test itself has SIGQUIT and SIGINT ignored, and a shell that
	# inherits an ignored signal cannot die of it.
	: >"$tmp/ref"
	[ -n "${3:-}" ] && env --default-signal sh -c "sh -c 'kill -$3 \$\$' 2>$tmp/ref; :"
	if [ ! -s "$tmp/err" ] || cmp -s "$tmp/err" "$tmp/ref"; then
		ok "$what: nothing written to stderr"
	else
		bad "$what: nothing written to stderr" "$tmp/err"
	fi
}

# one_program WHAT: the server's program started (server socket tcp), and
# sockstep's processes learnt into $tmp/procs (from /proc: its descendants).
one_program() {
	cmd "server socket tcp"
	if wait_for "socket(PF_INET, SOCK_STREAM" && wait_until test -n "$(proc_tree "$pid")"; then
		proc_tree "$pid" >"$tmp/procs"
		check "$1: the server's program runs as a process of its own" \
			'awk -v s="$pid" '"'"'$4 == "server" && $3 == s { f = 1 } END { exit !f }'"'"' "$tmp/procs"'
	else
		: >"$tmp/procs"
		bad "$1: the server's program did not start"
	fi
}

# none_left WHAT: none of the processes in $tmp/procs runs any more.
none_left() {
	if wait_until procs_gone "$tmp/procs"; then ok "$1: none of sockstep's programs is left running"
	else bad "$1: still running after sockstep ended: $(procs_running "$tmp/procs" | tr '\n' ';')"; fi
}

# Every catchable signal whose default action is to end the process (signal(7):
# Term and Core), by name; the real-time ones by number from kill -l.
sigs=(HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 ALRM TERM STKFLT XCPU XFSZ
	VTALRM PROF IO PWR SYS)
rtmin=$(kill -l RTMIN) rtmax=$(kill -l RTMAX)
sigs+=("$rtmin" "$((rtmin + 1))" "$(((rtmin + rtmax) / 2))" "$rtmax")

for s in "${sigs[@]}"; do
	if [[ $s =~ ^[0-9]+$ ]]; then
		num=$s name="signal $s (real-time)"
	else
		num=$(kill -l "$s") name="SIG$s"
	fi
	if ! run ""; then
		bad "$name: sockstep did not show its screen"
		send q
		wait_file "$tmp/rc"
		continue
	fi
	pid=$(sockstep_pid)
	check "$name: found the sockstep process" '[ -n "$pid" ]'
	one_program "$name"
	[ -n "$pid" ] && kill "-$s" "$pid"
	check_exit "$name" "$((128 + num))" "$num"
	none_left "$name"
done

# Ctrl-\ from the keyboard: SIGQUIT through the terminal itself.
if run ""; then
	send 'C-\'
	check_exit "Ctrl-\\" "$((128 + $(kill -l QUIT)))" QUIT
else
	bad "Ctrl-\\: sockstep did not show its screen"
fi

# A signal that sockstep's caller ignores stays ignored (as under nohup, or
# SIGQUIT for a job started with '&' by a script): sockstep goes on, q leaves.
if run "" 'trap "" USR1 QUIT ALRM;'; then
	pid=$(sockstep_pid)
	[ -n "$pid" ] && kill -USR1 "$pid" && kill -QUIT "$pid" && kill -ALRM "$pid"
	# A key sent after the signals is answered only once they were delivered.
	send '?'
	check "ignored SIGUSR1, SIGQUIT, SIGALRM: sockstep still runs and answers keys" \
		'wait_for "sockstep help" && kill -0 "$pid" 2>/dev/null'
	send Escape
	wait_gone "sockstep help"
	send q
	check_exit "q after ignored signals" 0
else
	bad "ignored signals: sockstep did not show its screen"
fi

# The programs end with sockstep, whichever way it ends: q, SIGTERM, and
# SIGKILL, which leaves sockstep no chance to clean up (the programs die by
# PR_SET_PDEATHSIG). Four programs: the server blocked in accept(), server.1
# (forked by the server) and client2 blocked in recv(), the client idle.
programs_up() {
	local c
	for c in 'server socket tcp' 'server bind 127.0.0.1 80' 'server listen' 'client socket tcp' \
		'client connect 127.0.0.1 80' 'server accept' 'server fork' 'server.1 recv' \
		'client2 socket tcp' 'client2 connect 127.0.0.1 80' 'server accept' 'server accept' 'client2 recv'; do
		cmd "$c"
	done
	wait_until programs_all "$pid" || true
	proc_tree "$pid" >"$tmp/procs"
	check "$1: server, client, client2 and server.1 run, each a process of its own" 'programs_all "$pid"'
	check "$1: server.1 is the server program's child" \
		'awk '"'"'$4 == "server.1" { c = $3 } $4 == "server" { p = $1 } END { exit !(c && c == p) }'"'"' "$tmp/procs"'
	check "$1: the server's last call, its third accept(), is shown blocked" \
		'wait_until shown -E "▶ csock = accept\(.*blocked"'
}
programs_all() { [ "$(proc_tree "$1" | awk '{ print $4 }' | sort | tr '\n' ' ')" = "client client2 server server.1 " ]; }

for how in q TERM KILL; do
	if ! run ""; then
		bad "programs, $how: sockstep did not show its screen"
		send q
		wait_file "$tmp/rc"
		continue
	fi
	pid=$(sockstep_pid)
	programs_up "programs, $how"
	case $how in
	q) send q; check_exit "programs, q" 0 ;;
	TERM) kill -TERM "$pid"; check_exit "programs, SIGTERM" 143 TERM ;;
	KILL) # nothing can give the terminal back: only the status is checked
		kill -KILL "$pid"
		wait_file "$tmp/rc"
		check "programs, SIGKILL: exit status 137" '[ "$(cat "$tmp/rc")" = 137 ]' ;;
	esac
	none_left "programs, $how"
done
send_line "stty sane; clear"

# q with TERM=linux: ncurses loads libgpm for the console mouse, which leaks a
# few bytes; a sanitizer build must still exit 0 with nothing on stderr.
if run "TERM=linux"; then
	send q
	check_exit "q with TERM=linux" 0
else
	bad "TERM=linux: sockstep did not show its screen"
fi

finish
