#!/bin/bash
# signals.sh - every signal whose default action ends a process must give the
# terminal back: run the real sockstep in a shell in a real terminal (tmux),
# send it the signal, and check with `stty -a` in the same pane that the
# shell's terminal is as it was (icanon echo, not raw), that the exit status
# says which signal ended it, and that nothing was written to stderr. Also
# Ctrl-\ from the keyboard; signals the caller ignores stay ignored; and q
# under TERM=linux (ncurses' GPM mouse code: an ASan build must exit 0, see
# tests/lsan.supp).
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
	# not sockstep's.
	: >"$tmp/ref"
	[ -n "${3:-}" ] && sh -c "sh -c 'kill -$3 \$\$' 2>$tmp/ref; :"
	if [ ! -s "$tmp/err" ] || cmp -s "$tmp/err" "$tmp/ref"; then
		ok "$what: nothing written to stderr"
	else
		bad "$what: nothing written to stderr" "$tmp/err"
	fi
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
	[ -n "$pid" ] && kill "-$s" "$pid"
	check_exit "$name" "$((128 + num))" "$num"
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

# q with TERM=linux: ncurses loads libgpm for the console mouse, which leaks a
# few bytes; a sanitizer build must still exit 0 with nothing on stderr.
if run "TERM=linux"; then
	send q
	check_exit "q with TERM=linux" 0
else
	bad "TERM=linux: sockstep did not show its screen"
fi

finish
