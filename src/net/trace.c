/* trace.c - the tracer's table of tracees, and what can be asked of one
 * without stopping it (see trace.h). */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdutil.h"
#include "trace_watch.h"

/* kernel.yama.ptrace_scope: 0..3, or -1 without Yama. */
static int yama_scope(void)
{
	int fd = open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY | O_CLOEXEC);
	char c = 0;
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, &c, 1);
	close(fd);
	return n == 1 && c >= '0' && c <= '3' ? c - '0' : -1;
}

/* Whether this process holds CAP_SYS_PTRACE (bit 19 of CapEff). */
static bool has_sys_ptrace(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned long long eff = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	if (f)
		fclose(f);
	return eff & (1ULL << 19);
}

int trace_init(struct tracer *tr, char *err, size_t errlen)
{
	memset(tr, 0, sizeof(*tr));
	tr->sigfd = -1;
	int scope = yama_scope();
	if (scope == 3 || (scope == 2 && !has_sys_ptrace())) {
		snprintf(err, errlen,
			 "this system forbids tracing programs (kernel.yama.ptrace_scope = %d%s): run the program "
			 "outside sockstep, or %s",
			 scope, scope == 3 ? ", until the next boot" : ", administrators only",
			 scope == 3 ? "on a machine that allows ptrace"
				    : "ask root for: sysctl kernel.yama.ptrace_scope=1");
		return -EPERM;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		goto fail;
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		goto fail;
	tr->sigfd = fd_move_high(fd);
	return 0;
fail:;
	int e = errno;
	snprintf(err, errlen, "cannot wait for traced programs: signalfd: %s", strerror(e));
	return -e;
}

void trace_free(struct tracer *tr)
{
	for (int i = 0; i < TRACE_MAX; i++) {
		struct tracee *t = &tr->t[i];
		if (!t->used)
			continue;
		if (t->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, t->pidfd, SIGKILL, NULL, 0);
		else
			syscall(SYS_tgkill, t->tgid, t->pid, SIGKILL);
	}
	/* Reaped in any order: a killed leader may be reported only once its
	 * threads are. 5 s at most (SIGKILL is not refused; EXITKILL ends
	 * whatever is left when sockstep does). */
	struct timespec ms = { 0, 1000000 };
	for (int round = 0; round < 5000; round++) {
		int left = 0;
		for (int i = 0; i < TRACE_MAX; i++) {
			struct tracee *t = &tr->t[i];
			int st;
			if (!t->used)
				continue;
			pid_t w = waitpid(t->pid, &st, __WALL | WNOHANG);
			if ((w < 0 && errno != EINTR) || (w > 0 && (WIFEXITED(st) || WIFSIGNALED(st))))
				trace_forget(t);
			else
				left++;
		}
		if (!left)
			break;
		nanosleep(&ms, NULL);
	}
	if (tr->sigfd >= 0)
		close(tr->sigfd);
	tr->sigfd = -1;
}

struct tracee *trace_find(struct tracer *tr, pid_t pid)
{
	for (int i = 0; i < TRACE_MAX; i++)
		if (tr->t[i].used && tr->t[i].pid == pid)
			return &tr->t[i];
	return NULL;
}

struct tracee *trace_add(struct tracer *tr, pid_t pid, pid_t tgid)
{
	for (int i = 0; i < TRACE_MAX; i++) {
		struct tracee *t = &tr->t[i];
		if (t->used)
			continue;
		memset(t, 0, sizeof(*t));
		t->used = true;
		t->pid = pid;
		t->tgid = tgid;
		t->pidfd = -1;
		if (pid == tgid) {
			int fd = (int)syscall(SYS_pidfd_open, pid, 0);
			t->pidfd = fd < 0 ? -1 : fd_move_high(fd);
		}
		return t;
	}
	return NULL;
}

void trace_forget(struct tracee *t)
{
	trace_watch_free(&t->watch);
	if (t->pidfd >= 0)
		close(t->pidfd);
	memset(t, 0, sizeof(*t));
	t->pidfd = -1;
}

ssize_t trace_read(const struct tracee *t, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	if (!t->used)
		return -ESRCH;
	ssize_t n = process_vm_readv(t->pid, &local, 1, &remote, 1, 0);
	return n < 0 ? -errno : n;
}

/* A small /proc file of the tracee's, read whole into buf: bytes or -1. */
static ssize_t proc_read(const struct tracee *t, const char *what, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)t->tgid, (int)t->pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

bool trace_blocked(const struct tracee *t)
{
	char buf[512];
	if (!t->used || proc_read(t, "stat", buf, sizeof(buf)) <= 0)
		return false;
	char *paren = strrchr(buf, ')'); /* the name may hold blanks and parentheses */
	return paren && paren[1] == ' ' && (paren[2] == 'S' || paren[2] == 'D');
}

long trace_syscall_now(const struct tracee *t)
{
	char buf[256];
	if (!t->used || proc_read(t, "syscall", buf, sizeof(buf)) <= 0)
		return -2;
	char *end;
	long nr = strtol(buf, &end, 10);
	return end == buf ? -2 : nr;
}

bool trace_sig_caught(const struct tracee *t, int sig)
{
	char buf[2048];
	if (!t->used || sig < 1 || sig > 64 || proc_read(t, "status", buf, sizeof(buf)) <= 0)
		return true; /* not known: as if caught (the next event tells) */
	const char *l = strstr(buf, "\nSigCgt:");
	unsigned long long mask = 0;
	return !l || sscanf(l + 8, "%llx", &mask) != 1 || (mask >> (sig - 1) & 1);
}

bool trace_fd_is_socket(const struct tracee *t, int fd)
{
	char path[64], link[32];
	if (!t->used || fd < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)t->tgid, fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	return n >= 8 && !memcmp(link, "socket:[", 8);
}
