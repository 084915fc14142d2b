/* trace_spawn.c - a traced program started, sockstep's side: the fork,
 * the handshake with the trampoline (trace_runner.c), the seize (see trace.h). */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "fdutil.h"
#include "names.h" /* errno_name */
#include "prog.h"  /* prog_signals_fresh */

/* The descriptors of a start: the control socket, stdin's pipe, and the
 * output's pipe or pseudo-terminal ([0] sockstep's end, [1] the program's). */
struct spawn_fds {
	int ctl[2], in[2], out[2];
};

static void fds_close(struct spawn_fds *f)
{
	int *all[] = { &f->ctl[0], &f->ctl[1], &f->in[0], &f->in[1], &f->out[0], &f->out[1] };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (*all[i] >= 0) {
			close(*all[i]);
			*all[i] = -1;
		}
}

/* A pseudo-terminal in raw mode: [0] the master, [1] the program's side. */
static int open_pty(int out[2])
{
	out[0] = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	char name[64];
	if (out[0] < 0 || grantpt(out[0]) < 0 || unlockpt(out[0]) < 0 || ptsname_r(out[0], name, sizeof(name)))
		return -errno;
	out[1] = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios tio;
	if (out[1] < 0 || tcgetattr(out[1], &tio) < 0)
		return -errno;
	cfmakeraw(&tio); /* bytes as written: no \r added, no echo */
	return tcsetattr(out[1], TCSANOW, &tio) < 0 ? -errno : 0;
}

static int fds_open(struct spawn_fds *f, bool tty, char *err, size_t errlen)
{
	const char *what = "socketpair";
	int r = socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, f->ctl) < 0 ? -errno : 0;
	if (r == 0) {
		what = "pipe";
		r = pipe2(f->in, O_CLOEXEC) < 0 ? -errno : 0;
	}
	if (r == 0) {
		what = tty ? "a pseudo-terminal" : "pipe";
		r = tty ? open_pty(f->out) : pipe2(f->out, O_CLOEXEC) < 0 ? -errno : 0;
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot start the program: %s: %s", what, errno_name(-r));
		fds_close(f);
	}
	return r;
}

/* In the forked child: die with sockstep, 0-2 from the pipes, the control
 * socket at 3, nothing else; no terminal; signals as at a fresh start
 * (SIGCHLD is blocked in sockstep). Then the trampoline. */
static void __attribute__((noreturn)) child_start(const struct spawn_fds *f, pid_t parent, char *const argv[],
						  char *const envp[])
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	/* 0-2 first: none of the descriptors below is one of them (sockstep
	 * keeps 0-2 open), and 3 is taken only once they are copied. */
	if (dup2(f->in[0], 0) < 0 || dup2(f->out[1], 1) < 0 || dup2(1, 2) < 0)
		_exit(127);
	if (f->ctl[1] == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(f->ctl[1], 3) < 0)
		_exit(127);
	close_range(4, ~0U, 0);
	setsid();
	prog_signals_fresh();
	execve("/proc/self/exe", argv, envp);
	_exit(127); /* sockstep sees the control socket close with no hello */
}

/* Send the hosts text, wait (10 s at most) for the trampoline's hello. */
static int handshake(int ctl, const char *hosts, struct trace_hello *h, char *err, size_t errlen)
{
	size_t hl = hosts ? strlen(hosts) : 0;
	char *msg = malloc(hl + 1);
	if (!msg)
		return -ENOMEM;
	msg[0] = 'H';
	if (hl)
		memcpy(msg + 1, hosts, hl);
	ssize_t n = send(ctl, msg, hl + 1, MSG_NOSIGNAL);
	free(msg);
	struct pollfd pf = { .fd = ctl, .events = POLLIN };
	int pr = n < 0 ? -1 : poll(&pf, 1, 10000);
	n = pr > 0 ? recv(ctl, h, sizeof(*h), 0) : -1;
	if (n == (ssize_t)sizeof(*h)) {
		h->text[sizeof(h->text) - 1] = '\0';
		if (h->err)
			snprintf(err, errlen, "%s", h->text);
		return h->err ? -h->err : 0;
	}
	char self[256] = "/proc/self/exe";
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl > 0)
		self[sl] = '\0';
	snprintf(err, errlen, "cannot start the program: the trampoline (sockstep's own file %s) %s", self,
		 pr == 0 ? "did not answer in 10 s" : "did not start: expected a file all may execute (chmod 755)");
	return pr == 0 ? -ETIMEDOUT : -EIO;
}

static int seize(pid_t pid, char *err, size_t errlen)
{
	long opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)opts) == 0)
		return 0;
	int e = errno;
	if (e == EPERM)
		snprintf(err, errlen, "cannot trace the program: ptrace: EPERM: this system forbids it (a "
			 "container's seccomp profile, or kernel.yama.ptrace_scope): run the program outside "
			 "sockstep, or let the container trace (docker run --cap-add SYS_PTRACE)");
	else
		snprintf(err, errlen, "cannot trace the program: ptrace: %s", errno_name(e));
	return -e;
}

/* The trampoline's command line: sockstep FLAG 3 NAME PARENT PATH ARGV... */
static char **runner_argv(const struct trace_opts *o, char *name, char *parent)
{
	int n = 0;
	while (o->argv[n])
		n++;
	char **v = calloc((size_t)n + 7, sizeof(*v));
	if (!v)
		return NULL;
	v[0] = "sockstep";
	v[1] = TRACE_RUNNER_FLAG;
	v[2] = "3";
	v[3] = name;
	v[4] = parent;
	v[5] = (char *)o->path;
	for (int i = 0; i < n; i++)
		v[6 + i] = o->argv[i];
	return v;
}

static bool have_room(const struct tracer *tr)
{
	for (int i = 0; i < TRACE_MAX; i++)
		if (!tr->t[i].used)
			return true;
	return false;
}

/* sockstep's ends: non-blocking, high, close-on-exec. */
static void hand_over(struct spawn_fds *f, int *in, int *out)
{
	fcntl(f->in[1], F_SETFL, O_NONBLOCK);
	fcntl(f->out[0], F_SETFL, O_NONBLOCK);
	*in = fd_move_high(f->in[1]);
	*out = fd_move_high(f->out[0]);
	f->in[1] = f->out[0] = -1;
	fds_close(f);
}

struct tracee *trace_spawn(struct tracer *tr, const struct trace_opts *o, int *in, int *out,
			   char *note, size_t notelen, char *err, size_t errlen)
{
	*in = *out = -1;
	if (note && notelen)
		note[0] = '\0';
	if (!o->path || !o->argv || !o->argv[0] || !have_room(tr) ||
	    (o->hosts && strlen(o->hosts) > TRACE_HOSTS_MAX)) {
		snprintf(err, errlen, !o->path || !o->argv || !o->argv[0] ? "cannot start the program: nothing to run"
				      : !have_room(tr) ? "cannot trace more than %d processes and threads at once"
						       : "the hosts text is over %d bytes",
			 !have_room(tr) ? TRACE_MAX : TRACE_HOSTS_MAX);
		return NULL;
	}
	char name[16], parent_s[16];
	snprintf(name, sizeof(name), "%s", o->name ? o->name : "traced");
	snprintf(parent_s, sizeof(parent_s), "%ld", (long)getpid());
	char **argv = runner_argv(o, name, parent_s);
	struct spawn_fds f = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	if (!argv || fds_open(&f, o->tty, err, errlen) < 0) {
		if (!argv)
			snprintf(err, errlen, "cannot start the program: out of memory");
		free(argv);
		return NULL;
	}
	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		child_start(&f, parent, argv, o->envp ? o->envp : environ);
	free(argv);
	int e = pid < 0 ? -errno : 0;
	if (e < 0)
		snprintf(err, errlen, "cannot start the program: fork: %s", errno_name(-e));
	close(f.ctl[1]);
	close(f.in[0]);
	close(f.out[1]);
	f.ctl[1] = f.in[0] = f.out[1] = -1;
	struct trace_hello h;
	memset(&h, 0, sizeof(h));
	if (e == 0)
		e = handshake(f.ctl[0], o->hosts, &h, err, errlen);
	if (e == 0)
		e = seize(pid, err, errlen);
	struct tracee *t = e == 0 ? trace_add(tr, pid, pid) : NULL;
	if (t)
		t->watch_want = o->watch;
	if (t && send(f.ctl[0], "g", 1, MSG_NOSIGNAL) != 1) {
		e = -errno;
		snprintf(err, errlen, "cannot start the program: the trampoline went away");
		trace_forget(t);
		t = NULL;
	}
	if (!t) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
				;
		}
		fds_close(&f);
		return NULL;
	}
	if (note && notelen)
		snprintf(note, notelen, "%s", h.text);
	hand_over(&f, in, out);
	return t;
}
