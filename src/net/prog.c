/* prog.c - a side's program: the process that makes the calls (see prog.h). */
#include "prog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdutil.h"
#include "priv.h"
#include "session.h" /* errno_name */
#include "text.h"    /* tesc */

/* ---- the program itself (runs in the child) ------------------------------- */

static void on_interrupt(int sig)
{
	(void)sig; /* only there so that the blocked call returns EINTR */
}

/* Signals as a freshly started C program has them, plus the two that a
 * teaching server sets up itself: SIGPIPE ignored (send() on a closed
 * connection returns EPIPE instead of killing the program) and SIGCHLD
 * ignored (forked children are reaped by the kernel). SIGUSR1 interrupts a
 * call: no SA_RESTART. */
void prog_signals_fresh(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void child_signals(void)
{
	prog_signals_fresh();
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_interrupt;
	sigaction(SIGUSR1, &sa, NULL);
}

/* Right after fork: die with the parent (checked after the prctl, so a parent
 * that died in between is not missed), keep only the control channel at
 * ctl_at (not close-on-exec: the runner needs it), and fill 0, 1, 2 from
 * /dev/null so that the first socket is 3. The child stays non-dumpable, as
 * sockstep is, until the exec has replaced the memory it shares with it. */
static void child_setup(int ctl, int ctl_at, pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	if (ctl != ctl_at) {
		if (dup2(ctl, ctl_at) < 0)
			_exit(127);
		close(ctl);
	} else if (fcntl(ctl_at, F_SETFD, 0) < 0) {
		_exit(127);
	}
	close_range(0, (unsigned)ctl_at - 1, 0);
	close_range((unsigned)ctl_at + 1, ~0U, 0);
	int null = open("/dev/null", O_RDWR);
	if (null != 0)
		_exit(127);
	dup2(0, 1);
	dup2(0, 2);
	setsid(); /* no terminal: Ctrl-C and ^Z are sockstep's */
	child_signals();
}

static struct prog_req req;
static struct prog_rep rep;

static prog_perform_lookup perform_of; /* the call entries' code, by op */

/* Perform one request with the call's own code (its entry's perform) and
 * send the reply: the result, and the bytes the call filled in (rep.len). */
static void run_one(int ctl, int passed)
{
	memset(&rep, 0, offsetof(struct prog_rep, data));
	prog_perform_fn fn = perform_of ? perform_of(req.op) : NULL;
	struct prog_call pc = { .rq = &req, .rp = &rep, .ctl = ctl, .passed = passed };
	errno = EINVAL;
	long r = fn ? fn(&pc) : -1;
	if (pc.no_reply)
		return;
	rep.ret = r;
	rep.err = r < 0 ? errno : 0;
	if (rep.len > sizeof(rep.data))
		rep.len = sizeof(rep.data);
	if (send(ctl, &rep, offsetof(struct prog_rep, data) + rep.len, MSG_NOSIGNAL) < 0)
		_exit(0);
}

static void __attribute__((noreturn)) child_loop(int ctl)
{
	for (;;) {
		int passed;
		if (fd_recv(ctl, &req, sizeof(req), &passed, 0) <= 0)
			_exit(0); /* sockstep is gone */
		run_one(ctl, passed);
	}
}

/* ---- the runner: a program's clean start (sockstep --prog-runner) -------- */

/* The control channel sockstep hands a program: a Unix SOCK_SEQPACKET
 * socket. Anything else means a person typed the runner's flag. */
static bool is_ctl_channel(int fd)
{
	int type = 0, domain = 0;
	socklen_t tl = sizeof(type), dl = sizeof(domain);
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_SEQPACKET &&
	       getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) == 0 && domain == AF_UNIX;
}

/* A decimal number from 0 to INT_MAX, whole. */
static bool parse_num(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

int prog_runner(int argc, char **argv, prog_perform_lookup perform)
{
	perform_of = perform;
	int ctl = -1, parent = -1;
	if (argc != 5 || !parse_num(argv[2], &ctl) || !parse_num(argv[4], &parent) || !*argv[3] ||
	    strlen(argv[3]) > 15 || !is_ctl_channel(ctl)) {
		fputs("sockstep: " PROG_RUNNER_FLAG " is how sockstep starts a side's program, not an option to "
		      "type; expected sockstep without it (see sockstep --help)\n", stderr);
		return 2;
	}
	/* The exec may have cleared the parent-death signal (a setcap binary
	 * does): set it again, then check that the parent is still there. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != (pid_t)parent)
		_exit(127);
	if (priv_runner_drop() < 0)
		_exit(127);
	child_signals();
	/* sockstep looks at the program's sockets with pidfd_getfd: that needs
	 * a dumpable process; it holds nothing of sockstep's and no privilege. */
	prctl(PR_SET_DUMPABLE, 1);
	/* Its name last: strace.sh counts the program's calls from here. */
	prctl(PR_SET_NAME, argv[3]);
	/* Ready: sockstep may look now. */
	memset(&rep, 0, offsetof(struct prog_rep, data));
	if (send(ctl, &rep, offsetof(struct prog_rep, data), MSG_NOSIGNAL) < 0)
		_exit(0);
	child_loop(ctl);
}

/* In the forked child, set up by child_setup: exec the runner, so that the
 * program starts from a process that never held sockstep's memory (the
 * capture ring, frames, lessons). A minimal environment: the sanitizers'
 * options only. On failure: its errno as the hello, then exit. */
static void __attribute__((noreturn)) child_exec(int ctl_at, char *const argv[])
{
	static const char *const keep[] = { "ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS=" };
	enum { NKEEP = sizeof(keep) / sizeof(keep[0]) };
	char *envp[NKEEP + 1];
	size_t n = 0;
	for (char **e = environ; *e && n < NKEEP; e++)
		for (size_t i = 0; i < NKEEP; i++)
			if (!strncmp(*e, keep[i], strlen(keep[i])))
				envp[n++] = *e;
	envp[n] = NULL;
	execve("/proc/self/exe", argv, envp);
	memset(&rep, 0, offsetof(struct prog_rep, data));
	rep.ret = -1;
	rep.err = errno;
	send(ctl_at, &rep, offsetof(struct prog_rep, data), MSG_NOSIGNAL);
	_exit(127);
}

/* ---- sockstep's side ------------------------------------------------------ */

int prog_spawn(struct prog *p, const char *name, char *err, size_t errlen)
{
	int sv[2];
	memset(p, 0, sizeof(*p));
	p->ctl = p->pidfd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot start the program: socketpair: %s", strerror(e));
		return -e;
	}
	int ctl_at = fd_base();
	pid_t parent = getpid();
	/* The runner's command line, made before the fork. */
	char ctl_s[16], parent_s[16], name_s[16];
	snprintf(ctl_s, sizeof(ctl_s), "%d", ctl_at);
	snprintf(parent_s, sizeof(parent_s), "%ld", (long)parent);
	snprintf(name_s, sizeof(name_s), "%s", name);
	char *argv[] = { "sockstep", PROG_RUNNER_FLAG, ctl_s, name_s, parent_s, NULL };
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		snprintf(err, errlen, "cannot start the program: fork: %s", strerror(e));
		return -e;
	}
	if (pid == 0) {
		child_setup(sv[1], ctl_at, parent);
		child_exec(ctl_at, argv);
	}
	close(sv[1]);
	p->pid = pid;
	p->ctl = fd_move_high(sv[0]);
	p->alive = true;
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot watch the program: pidfd_open: %s (Linux 5.6 or later needed)", strerror(e));
		prog_kill(p, true);
		return -e;
	}
	p->pidfd = fd_move_high(pfd);
	struct prog_rep *hello = malloc(sizeof(*hello));
	int rc = hello ? prog_recv(p, hello) : -ENOMEM;
	int exec_err = rc == 0 && hello->ret < 0 ? (hello->err ? hello->err : EIO) : 0;
	free(hello);
	if (rc < 0 || exec_err) {
		char self[256] = "/proc/self/exe";
		ssize_t sl = exec_err ? readlink("/proc/self/exe", self, sizeof(self) - 1) : -1;
		if (sl > 0)
			self[sl] = '\0';
		if (exec_err)
			snprintf(err, errlen, "cannot start the program: exec of sockstep's own file %s: %s%s", tesc(self),
				 errno_name(exec_err),
				 exec_err == EACCES ? "; the user sockstep runs as may not execute it: expected a file "
						      "all may execute (chmod 755)" : "");
		else
			snprintf(err, errlen, "the program did not start: %s", strerror(-rc));
		prog_kill(p, true);
		return exec_err ? -exec_err : rc;
	}
	/* Can we look at its descriptors? Try on its control channel. */
	int fd = prog_peek(p, ctl_at);
	if (fd < 0) {
		snprintf(err, errlen,
			 "cannot look at the program's sockets: pidfd_getfd: %s (needs Linux 5.6 and ptrace access "
			 "to its own child; kernel.yama.ptrace_scope 3 forbids it)",
			 strerror(-fd));
		prog_kill(p, true);
		return fd;
	}
	close(fd);
	return 0;
}

int prog_send(struct prog *p, const struct prog_req *rq, int pass_fd)
{
	size_t len = offsetof(struct prog_req, data);
	if (rq->op == V_SEND || rq->op == V_SENDTO || rq->op == V_FAMILIES)
		len += rq->len;
	else if (rq->op == V_FORK) /* the child's name, with its '\0' */
		len += strnlen((const char *)rq->data, sizeof(rq->data) - 1) + 1;
	return fd_send(p->ctl, rq, len, pass_fd, MSG_NOSIGNAL);
}

/* The state letter of /proc/PID/stat: R, S, D, Z, T, ... or 0. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *paren = strrchr(buf, ')'); /* the name may hold blanks and parentheses */
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

/* Whether the process has ended: its pidfd turns readable then (a zombie
 * counts). By pidfd, not by pid: a pid is reused once the process is reaped. */
static bool pidfd_ended(const struct prog *p)
{
	struct pollfd pf = { .fd = p->pidfd, .events = POLLIN };
	return p->pidfd >= 0 && poll(&pf, 1, 0) > 0;
}

bool prog_alive(const struct prog *p)
{
	if (!p->alive || pidfd_ended(p))
		return false;
	char st = proc_state(p->pid);
	return st != 0 && st != 'Z' && st != 'X';
}

bool prog_stopped(const struct prog *p)
{
	return p->alive && proc_state(p->pid) == 'T';
}

bool prog_ready(const struct prog *p)
{
	struct pollfd pf = { .fd = p->ctl, .events = POLLIN };
	return p->alive && poll(&pf, 1, 0) > 0;
}

bool prog_awake(const struct prog *p)
{
	char st = p->alive ? proc_state(p->pid) : 0;
	return st != 0 && st != 'S' && st != 'Z' && st != 'X' && st != 'T' && st != 't';
}

int prog_settle(struct prog *p)
{
	int asleep = 0;
	/* At most ~3 s for a call that neither returns nor sleeps (a flood on a
	 * loaded machine); then it counts as blocked and finishes later. */
	for (int i = 0; i < 3000; i++) {
		struct pollfd pf = { .fd = p->ctl, .events = POLLIN };
		int r = poll(&pf, 1, 1);
		if (r > 0)
			return 1; /* a reply, or the end of the program: prog_recv says which */
		if (r < 0 && errno != EINTR)
			return -errno;
		char st = proc_state(p->pid);
		if (st == 0 || st == 'Z' || st == 'X')
			return 1;
		asleep = st == 'S' ? asleep + 1 : 0;
		if (asleep >= 4)
			return 0;
	}
	return 0;
}

int prog_recv(struct prog *p, struct prog_rep *rp)
{
	for (;;) {
		ssize_t n = recv(p->ctl, rp, sizeof(*rp), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->alive = false;
			return -EPIPE;
		}
		if ((size_t)n < offsetof(struct prog_rep, data))
			return -EPROTO;
		if (rp->len > (size_t)n - offsetof(struct prog_rep, data))
			rp->len = (size_t)n - offsetof(struct prog_rep, data);
		return 0;
	}
}

int prog_peek(const struct prog *p, int fd)
{
	if (!p->alive || p->pidfd < 0)
		return -ESRCH;
	int r = (int)syscall(SYS_pidfd_getfd, p->pidfd, fd, 0);
	return r < 0 ? -errno : r;
}

int prog_interrupt(const struct prog *p)
{
	if (!p->alive)
		return -ESRCH;
	return syscall(SYS_pidfd_send_signal, p->pidfd, SIGUSR1, NULL, 0) < 0 ? -errno : 0;
}

void prog_kill(struct prog *p, bool our_child)
{
	if (p->pid > 0) {
		if (p->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, p->pidfd, SIGKILL, NULL, 0);
		else
			kill(p->pid, SIGKILL);
		if (our_child)
			while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
				;
	}
	if (p->ctl >= 0)
		close(p->ctl);
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->ctl = p->pidfd = -1;
	p->pid = 0;
	p->alive = false;
}

/* PIDFD_GET_INFO (Linux 6.13) with PIDFD_INFO_EXIT (6.15): the exit status
 * of any process we hold a pidfd of, kept after it was reaped. Defined here
 * for older headers; the layout is the kernel's first version (64 bytes). */
struct pidfd_exit_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PROG_PIDFD_GET_INFO _IOWR(0xFF, 11, struct pidfd_exit_info)
#define PROG_PIDFD_INFO_EXIT (1ULL << 3)

/* A forked program's status: its parent (the side's program) ignores
 * SIGCHLD, so the kernel reaps it and nobody can wait for it; the pidfd we
 * opened at the fork still tells. 0 with *status, or negative errno. */
static int pidfd_exit_status(const struct prog *p, int *status)
{
	if (p->pidfd < 0)
		return -EBADF;
	/* The status is stored when the process is reaped, a moment after its
	 * descriptors were closed: a few tries, 1 ms apart (0.2 s at most). */
	for (int i = 0; i < 200; i++) {
		struct pidfd_exit_info in;
		memset(&in, 0, sizeof(in));
		in.mask = PROG_PIDFD_INFO_EXIT;
		if (ioctl(p->pidfd, PROG_PIDFD_GET_INFO, &in) < 0)
			return -errno; /* ENOTTY: a kernel before 6.13 */
		if (in.mask & PROG_PIDFD_INFO_EXIT) {
			*status = in.exit_code;
			return 0;
		}
		poll(NULL, 0, 1);
	}
	return -ENODATA; /* a kernel before 6.15: no exit information */
}

void prog_exit_text(struct prog *p, bool our_child, char *out, size_t len)
{
	int status = 0;
	bool known = false;
	if (our_child && p->pid > 0 && waitpid(p->pid, &status, 0) == p->pid) {
		known = true;
		p->pid = 0;
	} else if (!our_child && pidfd_exit_status(p, &status) == 0)
		known = true;
	if (!known)
		snprintf(out, len, "ended (its status went to its parent, which ignores SIGCHLD; Linux 6.15 "
			 "or later tells sockstep through a pidfd)");
	else if (WIFSIGNALED(status))
		snprintf(out, len, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(out, len, "exited with status %d", WEXITSTATUS(status));
}
