/* trace_event.c - the tracees' stops, read and answered (see trace.h).
 * A stop that needs the user (a socket call's enter, its exit) is reported
 * and left stopped; every other stop is answered here at once. */
#include "trace.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace_regs.h"
#include "trace_watch.h"

/* The kernel's restart codes (include/linux/errno.h): never seen by a
 * program, only by its tracer at the exit stop. */
#define ERESTARTSYS 512
#define ERESTART_RESTARTBLOCK 516

static int ptrace_go(struct tracee *t, int req, int sig)
{
	if (ptrace(req, t->pid, 0, (void *)(long)sig) < 0)
		return -errno;
	t->at_enter = t->at_exit = false;
	return 0;
}

/* Let a stop pass: to the next socket call, or to this call's exit when
 * it was stepped. */
static int pass(struct tracee *t, int sig)
{
	return ptrace_go(t, t->stepping ? PTRACE_SYSCALL : PTRACE_CONT, sig);
}

static void drain_sigfd(struct tracer *tr)
{
	struct signalfd_siginfo si[8];
	while (tr->sigfd >= 0 && read(tr->sigfd, si, sizeof(si)) > 0)
		;
}

/* The thread group of a thread, from /proc; 0 when gone. */
static pid_t tgid_of(pid_t tid)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	long tgid = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %ld", &tgid) == 1)
			break;
	if (f)
		fclose(f);
	return (pid_t)tgid;
}

static int on_seccomp(struct tracee *t, struct trace_ev *ev)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof(si));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->pid, (void *)sizeof(si), &si) < 0 ||
	    si.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return pass(t, 0);
#ifdef SYS_io_uring_setup
	if (si.seccomp.nr == SYS_io_uring_setup) { /* never runs: see trace.h */
		int r = trace_regs_skip(t->pid, -ENOSYS);
		if (r == 0)
			r = ptrace_go(t, PTRACE_CONT, 0);
		if (r < 0 || t->free_running)
			return r < 0 ? r : 0;
		ev->kind = TEV_REFUSED;
		ev->nr = SYS_io_uring_setup;
		return 1;
	}
#endif
	t->nr = (int)si.seccomp.nr;
	memcpy(t->args, si.seccomp.args, sizeof(t->args));
	t->in_call = true;
	t->stepping = false;
	t->fault_err = 0;
	t->fault_short = 0;
	if (t->free_running) {
		t->in_call = false;
		int r = ptrace_go(t, PTRACE_CONT, 0);
		return r < 0 ? r : 0;
	}
	t->at_enter = true;
	ev->kind = TEV_ENTER;
	ev->nr = t->nr;
	memcpy(ev->args, t->args, sizeof(ev->args));
	return 1;
}

static int on_exit_stop(struct tracee *t, struct trace_ev *ev)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof(si));
	bool ok = ptrace(PTRACE_GET_SYSCALL_INFO, t->pid, (void *)sizeof(si), &si) >= 0 &&
		  si.op == PTRACE_SYSCALL_INFO_EXIT;
	t->stepping = false;
	t->in_call = false;
	if (!ok || t->free_running) {
		int r = ptrace_go(t, PTRACE_CONT, 0);
		return r < 0 ? r : 0;
	}
	ev->kind = TEV_EXIT_CALL;
	ev->nr = t->nr;
	memcpy(ev->args, t->args, sizeof(ev->args));
	ev->ret = (long)si.exit.rval;
	if (t->fault_err > 0) {
		/* Skipped at the enter: the result is the fault's, set again
		 * here in case the architecture overwrote it. */
		ev->ret = -(long)t->fault_err;
		ev->faulted = true;
		trace_regs_set_ret(t->pid, ev->ret);
		t->fault_err = 0;
	}
	ev->faulted = ev->faulted || t->fault_short > 0;
	t->fault_short = 0;
	ev->restarted = ev->ret <= -ERESTARTSYS && ev->ret >= -ERESTART_RESTARTBLOCK;
	t->at_exit = true;
	return 1;
}

/* A fork, vfork or clone: the child is traced already (auto-attached); its
 * first stop is answered when it is seen (before or after this event). */
static int on_new(struct tracer *tr, struct tracee *t, struct trace_ev *ev)
{
	unsigned long msg = 0;
	ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &msg);
	pid_t child = (pid_t)msg;
	int r = pass(t, 0);
	if (r < 0 || child <= 0 || trace_find(tr, child))
		return r < 0 ? r : 0;
	pid_t tgid = tgid_of(child);
	struct tracee *c = trace_add(tr, child, tgid > 0 ? tgid : child);
	if (!c) { /* the table is full: end it rather than let it run untraced */
		syscall(SYS_tgkill, tgid > 0 ? tgid : child, child, SIGKILL);
		return 0;
	}
	c->fresh = true;
	c->free_running = t->free_running;
	c->watch = trace_watch_fork(t->watch); /* the breakpoint at main's return is in its memory too */
	ev->kind = TEV_NEW;
	ev->pid = child;
	ev->parent = t->pid;
	ev->thread = c->tgid == t->tgid;
	return 1;
}

static int on_exec(struct tracer *tr, struct tracee *t, struct trace_ev *ev)
{
	unsigned long former = 0;
	ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &former);
	/* A thread other than the leader exec'd: it is the leader now, and its
	 * old id is gone. */
	struct tracee *old = (pid_t)former != t->pid ? trace_find(tr, (pid_t)former) : NULL;
	if (old)
		trace_forget(old);
	t->in_call = t->stepping = false;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)t->pid);
	ssize_t n = readlink(path, ev->text, sizeof(ev->text) - 1);
	ev->text[n > 0 ? n : 0] = '\0';
	ev->kind = TEV_EXEC;
	trace_watch_free(&t->watch); /* the former program's memory and debug registers are gone */
	if (t->watch_want)
		ev->watch = trace_watch_exec(&t->watch, t->pid, ev->text, ev->stmt, sizeof(ev->stmt));
	int r = ptrace_go(t, PTRACE_CONT, 0);
	return r < 0 ? r : 1;
}

/* PTRACE_EVENT_STOP: a new child's first stop, a group-stop (kept, as job
 * control wants, until SIGCONT: PTRACE_LISTEN), or the end of one. */
static int on_event_stop(struct tracee *t, int sig)
{
	bool stopping = sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
	int r;
	if (stopping && !t->fresh)
		r = ptrace(PTRACE_LISTEN, t->pid, 0, 0) < 0 ? -errno : 0;
	else
		r = pass(t, 0);
	t->fresh = false;
	return r == -ESRCH ? 0 : r;
}

static int on_stop(struct tracer *tr, struct tracee *t, int st, struct trace_ev *ev)
{
	int sig = WSTOPSIG(st);
	int event = (unsigned)st >> 16;
	if (sig == (SIGTRAP | 0x80))
		return on_exit_stop(t, ev);
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		return on_seccomp(t, ev);
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		return on_new(tr, t, ev);
	case PTRACE_EVENT_EXEC:
		return on_exec(tr, t, ev);
	case PTRACE_EVENT_STOP:
		return on_event_stop(t, sig);
	case 0:
		break;
	default:
		return pass(t, 0);
	}
	if (sig == SIGTRAP && t->watch) { /* the sockaddr's watch: never passed on to the program */
		struct tw_hit h;
		int w = trace_watch_trap(t->watch, t->pid, t->free_running, &h, &t->held, &t->held_status);
		int r = w < 0 || t->held ? 0 : pass(t, 0);
		if (w == 1) {
			ev->kind = TEV_WATCH;
			memcpy(ev->var, h.var, sizeof(ev->var));
			memcpy(ev->bytes, h.bytes, sizeof(ev->bytes));
			memcpy(ev->where, h.where, sizeof(ev->where));
			memcpy(ev->stmt, h.stmt, sizeof(ev->stmt));
		}
		if (w >= 0)
			return r < 0 && r != -ESRCH ? r : w;
	}
	/* A signal on its way to the program: told, and passed on. */
	ev->kind = TEV_SIGNAL;
	ev->signo = sig;
	int r = pass(t, sig);
	return r < 0 && r != -ESRCH ? r : 1;
}

/* One status of tracee t: 1 and *ev when it is worth telling, 0 when it
 * was answered, negative errno. */
static int on_status(struct tracer *tr, struct tracee *t, int st, struct trace_ev *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->pid = t->pid;
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		ev->kind = TEV_GONE;
		ev->code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
		ev->signo = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		ev->dumped = WIFSIGNALED(st) && WCOREDUMP(st);
		trace_forget(t);
		return 1;
	}
	if (!WIFSTOPPED(st))
		return 0;
	int r = on_stop(tr, t, st, ev);
	return r == -ESRCH ? 0 : r; /* killed meanwhile: its exit comes next */
}

int trace_next_event(struct tracer *tr, struct trace_ev *ev)
{
	drain_sigfd(tr);
	/* Round robin, so that one busy tracee does not starve the others;
	 * at most 256 stops answered per call, so the caller's loop goes on. */
	int answered = 0;
	for (int k = 0; k < TRACE_MAX && answered < 256; k++) {
		int i = (tr->next + k) % TRACE_MAX;
		struct tracee *t = &tr->t[i];
		if (!t->used)
			continue;
		int st = t->held_status;
		pid_t w = t->held ? t->pid : waitpid(t->pid, &st, __WALL | WNOHANG);
		t->held = false;
		if (w == 0 || (w < 0 && errno == EINTR))
			continue;
		if (w < 0) { /* no longer ours to wait for: told as gone */
			memset(ev, 0, sizeof(*ev));
			ev->kind = TEV_GONE;
			ev->pid = t->pid;
			trace_forget(t);
			tr->next = (i + 1) % TRACE_MAX;
			return 1;
		}
		int r = on_status(tr, t, st, ev);
		if (r != 0) {
			tr->next = (i + 1) % TRACE_MAX;
			return r;
		}
		answered++;
		k--; /* the same tracee may have more to tell */
	}
	if (answered >= 256)
		kill(getpid(), SIGCHLD); /* more to read: the signalfd says so again */
	return 0;
}

/* The enter's half of a fault: skip the call, or cut its length. */
static int fault_enter(struct tracee *t)
{
	int r = 0;
	if (t->fault_err > 0)
		r = trace_regs_skip(t->pid, -(long)t->fault_err);
	else if (t->fault_short > 0 && t->args[2] > (uint64_t)t->fault_short)
		r = trace_regs_set_arg2(t->pid, (unsigned long)t->fault_short);
	return r;
}

int trace_step(struct tracer *tr, struct tracee *t)
{
	(void)tr;
	if (!t->used || !t->at_enter)
		return -EINVAL;
	int r = fault_enter(t);
	if (r < 0)
		return r;
	t->stepping = true;
	r = ptrace_go(t, PTRACE_SYSCALL, 0);
	if (r < 0)
		t->stepping = false;
	return r;
}

int trace_resume(struct tracer *tr, struct tracee *t)
{
	(void)tr;
	if (!t->used || (!t->at_enter && !t->at_exit))
		return -EINVAL;
	if (t->at_enter) {
		int r = fault_enter(t);
		if (r < 0)
			return r;
		t->fault_err = 0;
		t->fault_short = 0;
		t->in_call = false;
	}
	t->stepping = false;
	return ptrace_go(t, PTRACE_CONT, 0);
}

int trace_detach(struct tracer *tr, struct tracee *t)
{
	if (!t->used)
		return -EINVAL;
	pid_t tgid = t->tgid;
	int r = 0;
	for (int i = 0; i < TRACE_MAX; i++) {
		struct tracee *u = &tr->t[i];
		if (!u->used || u->tgid != tgid)
			continue;
		u->free_running = true;
		if (u->at_enter || u->at_exit) {
			u->fault_err = 0;
			u->fault_short = 0;
			int e = trace_resume(tr, u);
			r = r ? r : e;
		}
	}
	return r;
}

int trace_kill(struct tracer *tr, struct tracee *t)
{
	if (!t->used)
		return -EINVAL;
	struct tracee *leader = trace_find(tr, t->tgid);
	int pidfd = leader ? leader->pidfd : -1;
	long r = pidfd >= 0 ? syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) : kill(t->tgid, SIGKILL);
	return r < 0 ? -errno : 0;
}

int trace_fault(struct tracer *tr, struct tracee *t, int err, long short_len)
{
	(void)tr;
	if (!t->used || !t->at_enter || (err > 0) == (short_len > 0) || err < 0 || short_len < 0)
		return -EINVAL;
	if (short_len > 0 && t->nr != SYS_read && t->nr != SYS_recvfrom)
		return -EINVAL;
	t->fault_err = err;
	t->fault_short = short_len;
	return 0;
}
