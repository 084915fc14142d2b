/* traced.c - the user's own program, traced and stepped (see traced.h). */
#include "traced.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "call.h"
#include "engine_flow.h"
#include "fdutil.h"
#include "trace.h"
#include "traced_call.h"
#include "traced_watch.h"

/* Long enough for a program to start or to make its next call on a busy
 * machine; a command waits at most this long, then the loop goes on. */
#define SETTLE_WAIT_MS 2000
#define TQ_MAX 64

/* The tracer, the events that arrived while one program was waited for
 * (the others'), and per program slot the exit a signal interrupted. */
struct traced_all {
	struct tracer tr;
	struct trace_ev q[TQ_MAX];
	int qn;
	struct trace_ev held[ENGINE_MAX_PROGS];
	struct sysc_call sc[ENGINE_MAX_PROGS]; /* each program's call, from its enter to its exit */
	bool execd[ENGINE_MAX_PROGS];
	bool thread_told[ENGINE_MAX_PROGS];
	bool uring_told[ENGINE_MAX_PROGS];
	int held_sig[ENGINE_MAX_PROGS];        /* the signal that interrupted it, 0 not seen yet */
	unsigned long stops, stop_at[ENGINE_MAX_PROGS]; /* when each stopped before a call (a count) */
	unsigned long cont_since[ENGINE_MAX_PROGS]; /* "continue": when it began (CLOCK_MONOTONIC ms) */
	struct tw_pending wp[ENGINE_MAX_PROGS]; /* its sockaddr's statements not yet logged (traced_watch.h) */
};

/* "continue" runs a program until it blocks; one that never blocks (a loop
 * of sends) is stopped before a call after this long, so that a step ends. */
#define CONT_MAX_MS 3000

static unsigned long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000 + (unsigned long)ts.tv_nsec / 1000000;
}

static struct eprog *prog_of_pid(struct engine *e, pid_t pid)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (pr->used && pr->traced && !pr->gone && pr->p.pid == pid) /* tr is forgotten at its end */
			return pr;
	}
	return NULL;
}

/* The program whose pipes a program's output comes through: the one the
 * user ran (its forked children write to the same). */
static struct eprog *owner(struct engine *e, struct eprog *pr)
{
	if (pr->thread)
		pr = &e->progs[pr->leader];
	struct eprog *o = pr->child ? slot_find_prog(e, pr->side, pr->num, 0) : pr;
	return o && o->traced ? o : pr;
}

/* ---- output ---------------------------------------------------------------- */

static void out_line(struct engine *e, struct eprog *pr)
{
	char esc[4 * sizeof(pr->tline) + 1];
	escape_bytes((const unsigned char *)pr->tline, pr->toutn, esc, sizeof(esc));
	struct event *ev = slot_log(e, EV_OUTPUT, pr, -1, "%s", esc);
	if (ev)
		ev->ret = pr->toutn;
	pr->toutn = 0;
}

/* What it wrote so far, line by line; flush: a line it has not ended too.
 * Returns how many reads brought bytes. */
static int drain(struct engine *e, struct eprog *pr, bool flush)
{
	int n = 0;
	ssize_t got = -1;
	char buf[4096];
	while (pr->traced && pr->tout >= 0 && (got = read(pr->tout, buf, sizeof(buf))) > 0) {
		n++;
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] == '\n') {
				if (pr->toutn && pr->tline[pr->toutn - 1] == '\r')
					pr->toutn--;
				out_line(e, pr);
				continue;
			}
			pr->tline[pr->toutn++] = buf[i];
			if (pr->toutn == sizeof(pr->tline))
				out_line(e, pr);
		}
	}
	if (pr->traced && pr->tout >= 0 && (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))) {
		close(pr->tout); /* EOF, or EIO on a pty: every writer has gone */
		pr->tout = -1;
		flush = true;
	}
	if (flush && pr->toutn)
		out_line(e, pr);
	return n;
}

/* ---- events ------------------------------------------------------------------ */

/* The next event: of pid's program only (pid > 0: the others wait in the
 * queue), or of any. */
static bool next_event(struct engine *e, pid_t pid, struct trace_ev *ev)
{
	struct traced_all *T = e->trace;
	for (int i = 0; i < T->qn; i++) {
		if (pid && T->q[i].pid != pid && !(T->q[i].kind == TEV_NEW && T->q[i].parent == pid))
			continue;
		*ev = T->q[i];
		memmove(&T->q[i], &T->q[i + 1], (size_t)(T->qn - i - 1) * sizeof(T->q[0]));
		T->qn--;
		return true;
	}
	while (trace_next_event(&T->tr, ev) > 0) {
		if (!pid || ev->pid == pid || (ev->kind == TEV_NEW && ev->parent == pid) || T->qn == TQ_MAX)
			return true;
		T->q[T->qn++] = *ev;
	}
	return false;
}

static void dispatch(struct engine *e, const struct trace_ev *ev);

/* Let its call run and wait briefly for the exit, as prog_settle does for
 * sockstep's own programs: it returned (logged), or it sleeps in the call
 * (logged as blocked: its exit comes later, through the loop). */
static void step_wait(struct engine *e, struct eprog *pr)
{
	struct traced_all *T = e->trace;
	if (!pr->busy) /* a call made again after a signal keeps its step */
		pr->seq = e->log->seq;
	pr->tstate = TP_IN_CALL;
	/* --net host: its connect's or sendto's destination (tcall_enter) in
	 * the capture's filter before the call sends, as for sockstep's own. */
	engine_host_filter(e);
	if (trace_step(&T->tr, pr->tr) < 0)
		return; /* it is gone: its TEV_GONE follows */
	pid_t pid = pr->p.pid;
	int asleep = 0;
	for (int i = 0; i < 3000; i++) {
		struct pollfd pf = { .fd = T->tr.sigfd, .events = POLLIN };
		poll(&pf, 1, 1);
		struct trace_ev ev;
		while (next_event(e, pid, &ev)) {
			dispatch(e, &ev);
			if (pr->gone || pr->tstate != TP_IN_CALL || pr->trestart)
				return;
		}
		asleep = trace_blocked(pr->tr) ? asleep + 1 : 0;
		if (asleep >= 4)
			break;
	}
	if (!pr->busy)
		call_blocked(e, pr);
	pr->tcont = false; /* "continue" runs until it blocks */
}

static void apply_fault(struct engine *e, struct eprog *pr)
{
	struct traced_all *T = e->trace;
	int rc = trace_fault(&T->tr, pr->tr, pr->fault_err, pr->fault_short);
	const char *name = cmd_verb_name(pr->verb);
	if (rc < 0)
		slot_log(e, EV_INFO, pr, pr->tfd, "fault: this %s() has no length to cut; the fault waits for the next "
			 "one", name);
	else if (pr->fault_err)
		slot_log(e, EV_INFO, pr, pr->tfd, "fault: sockstep skips this %s() and makes it return -1 %s, as the "
			 "kernel could: does the program handle it?", name, errno_name(pr->fault_err));
	else
		slot_log(e, EV_INFO, pr, pr->tfd, "fault: this %s() may return at most %ld bytes (sockstep cuts its "
			 "length): one send() is not one recv(); does the program read on?", name, pr->fault_short);
	if (rc == 0)
		pr->fault_call = V_COUNT_;
}

static void on_enter(struct engine *e, struct eprog *pr, const struct trace_ev *ev)
{
	struct traced_all *T = e->trace;
	if (!tcall_enter(e, pr, ev, &T->sc[pr - e->progs])) {
		trace_resume(&T->tr, pr->tr);
		return;
	}
	if (pr->fault_call != V_COUNT_ && tcall_fault_matches(pr->fault_call, pr->verb))
		apply_fault(e, pr);
	if (pr->tcont && now_ms() - T->cont_since[pr - e->progs] > CONT_MAX_MS) {
		pr->tcont = false;
		slot_log(e, EV_INFO, pr, pr->tfd, "%s has run freely for %d s without blocking in a call: stopped before "
			 "this one (\"%s continue\" lets it go on)", pr->name, CONT_MAX_MS / 1000, pr->name);
	}
	if (pr->tcont) {
		step_wait(e, pr);
		return;
	}
	pr->tstate = TP_BEFORE;
	T->stop_at[pr - e->progs] = ++T->stops;
	tcall_before(e, pr);
}

static void on_exit_call(struct engine *e, struct eprog *pr, const struct trace_ev *ev)
{
	struct traced_all *T = e->trace;
	if (pr->tstate != TP_IN_CALL) {
		trace_resume(&T->tr, pr->tr);
		return;
	}
	if (ev->restarted && !ev->faulted) {
		/* A signal came: the program sees EINTR, or the kernel makes the
		 * call again; the next event tells (resolve_restart). */
		T->held[pr - e->progs] = *ev;
		T->held_sig[pr - e->progs] = 0;
		pr->trestart = true;
		trace_resume(&T->tr, pr->tr);
		return;
	}
	tcall_exit(e, pr, &T->sc[pr - e->progs], ev->ret, pr->busy ? pr->seq : 0);
	pr->tstate = TP_RUNNING;
	engine_host_filter(e); /* --net host: what the call made (a connection, a port) before it runs on */
	trace_resume(&T->tr, pr->tr);
}

/* The kernel's restart codes (include/linux/errno.h), as the exit saw them. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTART_RESTARTBLOCK 516

/* The call's name as the program wrote it ("poll", "recv"), from its text. */
static void call_word(const struct eprog *pr, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(pr->code, "("), pr->code);
}

/* After an exit a signal interrupted: true when ev was the call made again.
 * Without a handler for the signal the kernel always makes it again (a
 * poll's timeout through restart_syscall, which makes no stop); with one,
 * ERESTARTSYS depends on SA_RESTART (the next event tells), the others
 * give EINTR. A signal that ends the program: its end says so. */
static bool resolve_restart(struct engine *e, struct eprog *pr, const struct trace_ev *ev)
{
	struct traced_all *T = e->trace;
	size_t slot = (size_t)(pr - e->progs);
	struct trace_ev *h = &T->held[slot];
	char name[32];
	call_word(pr, name, sizeof(name));
	pr->trestart = false;
	if (ev->kind == TEV_ENTER && ev->nr == h->nr) {
		slot_log(e, EV_INFO, pr, pr->tfd, "a signal interrupted %s(); its handler was installed with SA_RESTART, "
			 "so the kernel makes the call again: the program never sees it", name);
		step_wait(e, pr);
		return true;
	}
	if (ev->kind == TEV_GONE)
		return false; /* "killed ... in recv(), which never returned" */
	bool caught = !pr->tr || trace_sig_caught(pr->tr, T->held_sig[slot]);
	if (!caught || h->ret == -ERESTARTNOINTR) {
		slot_log(e, EV_INFO, pr, pr->tfd, "a signal interrupted %s(); no handler of the program caught it, so the "
			 "kernel resumed the call%s: the program never saw it%s", name,
			 h->ret == -ERESTART_RESTARTBLOCK ? " (restart_syscall)" : "",
			 h->ret == -ERESTART_RESTARTBLOCK ? ", and sockstep does not see its result (the resumed call "
							    "makes no stop)" : "");
		pr->busy = false;
		pr->tstate = TP_RUNNING;
		return false;
	}
	slot_log(e, EV_INFO, pr, pr->tfd, "a signal interrupted %s(): the program sees -1 EINTR (%s)", name,
		 h->ret == -ERESTARTSYS ? "its handler was installed without SA_RESTART"
					: "a call the kernel never makes again after a handler, SA_RESTART or not");
	tcall_exit(e, pr, &T->sc[slot], -EINTR, pr->busy ? pr->seq : 0);
	pr->tstate = TP_RUNNING;
	return false;
}

/* An interrupted call whose next event does not come: the program went on
 * past it (it printed, or sleeps in another call, its stdin say), so it saw
 * EINTR: a call made again stops at once at its seccomp stop. Told then,
 * before what it printed; what it prints is never held for its next call.
 * (A handler that prints is given 100 ms to return into the call again.) */
static void settle_restart(struct engine *e, struct eprog *pr)
{
	struct traced_all *T = e->trace;
	struct eprog *o = owner(e, pr);
	int nr = T->held[pr - e->progs].nr;
	struct trace_ev ev = { .kind = TEV_NONE };
	for (int i = 0; i < 100; i++) {
		while (pr->trestart && !pr->gone && next_event(e, pr->p.pid, &ev))
			dispatch(e, &ev); /* the call made again, or what came after it */
		if (!pr->trestart || pr->gone)
			return;
		long now = trace_syscall_now(pr->tr);
		bool elsewhere = trace_blocked(pr->tr) && now != nr; /* restart_syscall too: resumed */
		struct pollfd pf = { .fd = o->tout, .events = POLLIN };
		if (elsewhere)
			break;
		if (poll(&pf, 1, 0) <= 0)
			return; /* nothing yet: the loop comes back */
		struct pollfd sf = { .fd = T->tr.sigfd, .events = POLLIN };
		poll(&sf, 1, 1);
	}
	ev.kind = TEV_NONE;
	resolve_restart(e, pr, &ev);
}

/* A thread's end: its sockets are its process's, which goes on. */
static void thread_gone(struct engine *e, struct eprog *pr)
{
	slot_log(e, EV_INFO, pr, -1, "%s ended%s%s%s", pr->name, pr->busy ? " in " : "",
		 pr->busy ? cmd_verb_name(pr->verb) : "", pr->busy ? "(), which never returned" : "");
	pr->gone = true;
	pr->busy = pr->trestart = false;
	pr->tr = NULL;
	pr->tstate = TP_RUNNING;
	if (pr->p.pidfd >= 0)
		close(pr->p.pidfd);
	pr->p = (struct prog){ .pidfd = -1, .ctl = -1 };
}

static void on_gone(struct engine *e, struct eprog *pr, const struct trace_ev *ev)
{
	if (pr->thread) {
		thread_gone(e, pr);
		return;
	}
	struct eprog *o = owner(e, pr);
	drain(e, o, o == pr);
	char how[256];
	if (ev->signo == SIGPIPE)
		snprintf(how, sizeof(how), "was killed by SIGPIPE: it wrote to a connection the peer had reset or "
			 "closed (a program that expects this ignores SIGPIPE, or sends with MSG_NOSIGNAL)");
	else if (ev->signo)
		snprintf(how, sizeof(how), "was killed by signal %d (SIG%s: %s)%s", ev->signo, sigabbrev_np(ev->signo),
			 strsignal(ev->signo), ev->dumped ? ", core dumped" : "");
	else
		snprintf(how, sizeof(how), "exited with status %d", ev->code);
	pr->tr = NULL;
	pr->tstate = TP_RUNNING;
	pr->trestart = false;
	slot_prog_ended(e, pr, how);
	if (pr->tin >= 0)
		close(pr->tin);
	if (pr->tout >= 0)
		close(pr->tout);
	pr->tin = pr->tout = -1;
}

/* A new traced slot for tracee t (pid): a thread or a forked child of
 * pr, which goes on as pr does (stepped, or running on by "continue");
 * pidfd is the process's descriptor, duplicated for it. */
static void new_traced_slot(struct engine *e, struct eprog *slot, const struct eprog *pr, struct tracee *t, pid_t pid,
			    int pidfd)
{
	struct traced_all *T = e->trace;
	memset(slot, 0, sizeof(*slot));
	slot->used = slot->traced = true;
	slot->side = pr->side;
	slot->num = pr->num;
	slot->tr = t;
	slot->p = (struct prog){ .pid = pid, .pidfd = pidfd >= 0 ? fd_dup_high(pidfd) : -1, .ctl = -1, .alive = true };
	slot->sock = slot->tfd = -1;
	slot->tin = slot->tout = -1;
	slot->fault_call = V_COUNT_;
	slot->tcont = pr->tcont;
	T->cont_since[slot - e->progs] = T->cont_since[pr - e->progs];
}

/* A thread: an eprog of its own, "client/t2" (t1 is the first thread, the
 * process's name: a thread's number says the order they started in, which
 * reads the same in every run, where a tid does not), with its own calls and
 * stops; its sockets are the process's (slots.h). */
static void on_thread(struct engine *e, struct eprog *pr, const struct trace_ev *ev, struct tracee *t)
{
	struct traced_all *T = e->trace;
	struct eprog *pro = pr->thread ? &e->progs[pr->leader] : pr;
	size_t slot = (size_t)(pro - e->progs);
	struct eprog *th = t && pro->threads < 99 ? slot_free_prog(e) : NULL;
	if (!th) {
		if (!T->thread_told[slot])
			slot_log(e, EV_INFO, pr, -1, "%s started a thread (tid %d): sockstep holds %d programs and "
				 "threads at most; this one's calls run unseen", pr->name, (int)ev->pid, ENGINE_MAX_PROGS);
		T->thread_told[slot] = true;
		return;
	}
	new_traced_slot(e, th, pr, t, ev->pid, pro->p.pidfd);
	th->side = pro->side;
	th->num = pro->num;
	th->child = pro->child;
	th->thread = ++pro->threads + 1;
	th->leader = (int)slot;
	char nm[48];
	snprintf(nm, sizeof(nm), "%s/t%d", pro->name, th->thread);
	memcpy(th->name, nm, sizeof(th->name) - 1);
	slot_log(e, EV_INFO, th, -1, "%s started a thread, %s (tid %d): it shares %s's descriptors and memory and "
		 "stops before its own socket calls (\"%s next\" steps the thread stopped first)", pr->name, th->name,
		 (int)ev->pid, pro->name, pro->name);
}

/* A fork: the child becomes "server.1" as "server fork"'s do. */
static void on_new(struct engine *e, struct eprog *pr, const struct trace_ev *ev)
{
	struct traced_all *T = e->trace;
	struct tracee *t = trace_find(&T->tr, ev->pid);
	if (ev->thread) {
		on_thread(e, pr, ev, t);
		return;
	}
	struct eprog *root = owner(e, pr);
	struct eprog *ch = root->children < CMD_CHILD_MAX ? slot_free_prog(e) : NULL;
	if (!ch || !t) {
		slot_log(e, EV_INFO, pr, -1, "%s forked process %d: sockstep names %d children of a program at most; "
			 "this one runs on unseen", pr->name, (int)ev->pid, CMD_CHILD_MAX);
		if (t)
			trace_detach(&T->tr, t);
		return;
	}
	new_traced_slot(e, ch, pr, t, ev->pid, t->pidfd);
	ch->child = ++root->children;
	cmd_prog_name(ch->side, ch->num, ch->child, ch->name, sizeof(ch->name));
	slot_log(e, EV_INFO, ch, -1, "fork() made %s (pid %d): a copy of %s with the same descriptors, each one "
		 "another reference to the same socket; it stops before its own socket calls (\"%s next\")", ch->name,
		 (int)ev->pid, pr->name, ch->name);
	call_fork_inherit(e, pr->thread ? &e->progs[pr->leader] : pr, ch);
	if (ch->child == 1) /* said once: the lines are the root's from now on */
		slot_log(e, EV_INFO, root, -1, "output of %s and %s shares one terminal: a forked child keeps its "
			 "parent's stdout and stderr, and a terminal does not say which process wrote a line, so every "
			 "line shows under %s", root->name, ch->name, root->name);
}

static void dispatch(struct engine *e, const struct trace_ev *ev)
{
	struct traced_all *T = e->trace;
	struct eprog *pr = prog_of_pid(e, ev->kind == TEV_NEW ? ev->parent : ev->pid);
	if (!pr) { /* a thread, or a process sockstep does not follow: it runs on */
		struct tracee *t = trace_find(&T->tr, ev->pid);
		if (t && (ev->kind == TEV_ENTER || ev->kind == TEV_EXIT_CALL))
			trace_resume(&T->tr, t);
		return;
	}
	/* What the interrupted call returned comes before what the program
	 * printed after it. */
	if (pr->trestart && ev->kind != TEV_SIGNAL && ev->kind != TEV_NEW && resolve_restart(e, pr, ev))
		return;
	if (!pr->trestart) /* a signal is passed on at once: the program may have printed after it */
		drain(e, owner(e, pr), false);
	size_t slot = (size_t)(pr - e->progs);
	switch (ev->kind) {
	case TEV_ENTER:
		traced_watch_flush(e, pr, &T->wp[slot]);
		on_enter(e, pr, ev);
		break;
	case TEV_EXIT_CALL:
		on_exit_call(e, pr, ev);
		break;
	case TEV_NEW:
		on_new(e, pr, ev);
		break;
	case TEV_EXEC:
		traced_watch_exec(e, pr, &T->wp[slot], ev, !T->execd[slot]);
		if (T->execd[slot])
			slot_log(e, EV_INFO, pr, -1, "%s exec'd %s: the same process and descriptors, a new program, "
				 "still traced", pr->name, ev->text);
		T->execd[slot] = true;
		break;
	case TEV_SIGNAL:
		if (pr->trestart)
			T->held_sig[slot] = ev->signo;
		slot_log(e, EV_INFO, pr, -1, "%s gets signal %d (SIG%s: %s)", pr->name, ev->signo,
			 sigabbrev_np(ev->signo), strsignal(ev->signo));
		break;
	case TEV_WATCH:
		traced_watch_hit(e, pr, &T->wp[slot], ev);
		break;
	case TEV_GONE:
		traced_watch_flush(e, pr, &T->wp[slot]);
		on_gone(e, pr, ev);
		break;
	case TEV_REFUSED:
		if (!T->uring_told[slot])
			slot_log(e, EV_INFO, pr, -1, "%s called io_uring_setup(): sockstep answered -1 ENOSYS, as a kernel "
				 "without io_uring would, since a ring's requests would bypass the stops at its socket calls; "
				 "the program falls back to ordinary calls, or fails saying io_uring is missing", pr->name);
		T->uring_told[slot] = true;
		break;
	default:
		break;
	}
}

/* Until it is stopped before a call, blocked in one, gone, or waits for
 * its input (or ms have passed: the loop goes on with it). */
static bool settled(const struct eprog *pr)
{
	if (pr->trestart && !pr->gone)
		return false; /* restarted or EINTR: its next stop or its output tells */
	if (pr->gone || pr->tstate == TP_BEFORE || pr->tstate == TP_DETACHED || pr->busy)
		return true;
	if (pr->tstate != TP_RUNNING || !pr->tr)
		return false;
	if (!trace_blocked(pr->tr))
		return false;
	/* Sleeping for what no step of the network brings: its input, a child,
	 * a signal. A timer (sleep) is waited for: its next call comes. */
	switch (trace_syscall_now(pr->tr)) {
	case SYS_read:
	case SYS_wait4:
	case SYS_waitid:
	case SYS_rt_sigsuspend:
	case SYS_futex: /* another of its threads (pthread_join, a lock): stepped on its own */
	case SYS_restart_syscall: /* a poll resumed after a signal: it sleeps in it as in a call */
#ifdef SYS_pause
	case SYS_pause:
#endif
		return true;
	default:
		return false;
	}
}

/* It also gives up once the program sleeps outside a call (a timer): the
 * wire must relay meanwhile (in the lab the frames cross only when sockstep
 * relays them), and its next stop wakes the loop again. */
static void wait_settled(struct engine *e, struct eprog *pr, int ms)
{
	struct traced_all *T = e->trace;
	int asleep = 0;
	for (int i = 0; i < ms && !settled(pr); i++) {
		asleep = pr->tstate == TP_RUNNING && pr->tr && trace_blocked(pr->tr) ? asleep + 1 : 0;
		if (asleep >= 4)
			return;
		struct eprog *o = owner(e, pr);
		struct pollfd pf[2] = { { .fd = T->tr.sigfd, .events = POLLIN }, { .fd = o->tout, .events = POLLIN } };
		poll(pf, 2, 1);
		if (pr->trestart)
			settle_restart(e, pr);
		drain(e, o, false);
		struct trace_ev ev;
		while (!pr->gone && next_event(e, pr->p.pid, &ev)) {
			dispatch(e, &ev);
			if (settled(pr))
				return;
		}
	}
}

/* ---- the commands ------------------------------------------------------------ */

static int tracer_of(struct engine *e, char *err, size_t errlen)
{
	if (e->trace)
		return 0;
	struct traced_all *T = calloc(1, sizeof(*T));
	if (!T)
		return ERR("out of memory");
	int rc = trace_init(&T->tr, err, errlen);
	if (rc < 0) {
		free(T);
		return -EINVAL;
	}
	e->trace = T;
	return 0;
}

/* The lab's names for the program's resolver: "server", "client". */
static void hosts_text(const struct lab *lab, char *out, size_t len)
{
	char s[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &lab->ip[SIDE_SERVER], s, sizeof(s));
	inet_ntop(AF_INET, &lab->ip[SIDE_CLIENT], c, sizeof(c));
	snprintf(out, len, "127.0.0.1\tlocalhost\n%s\tserver\n%s\tclient\n", s, c);
}

static struct tracee *spawn(struct engine *e, const struct cmd *c, const char *path, const char *name, int *in,
			    int *out, char *note, size_t notelen, char *err, size_t errlen)
{
	const char *argv[CMD_RUN_ARGS + 2];
	if (cmd_run_argv(c, argv, CMD_RUN_ARGS + 2) < 0) {
		snprintf(err, errlen, "expected \"%s run PROGRAM [ARG...]\"", name);
		return NULL;
	}
	char hosts[128];
	hosts_text(e->lab, hosts, sizeof(hosts));
	struct trace_opts o = { .path = path, .argv = (char *const *)argv, .name = name, .tty = true, .watch = true,
				.hosts = e->lab->mode == NET_HOST ? NULL : hosts };
	int rc = lab_enter(e->lab, c->t.side);
	if (rc < 0) {
		snprintf(err, errlen, "cannot enter the %s host to start %s: %s", side_name(c->t.side), name,
			 errno_name(-rc));
		return NULL;
	}
	struct tracee *t = trace_spawn(&e->trace->tr, &o, in, out, note, notelen, err, errlen);
	lab_leave(e->lab);
	return t;
}

static int run(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	char name[16], path[4096], note[256] = "";
	cmd_prog_name(c->t.side, c->t.prog, c->t.child, name, sizeof(name));
	if (c->t.child)
		return ERR("%s is a forked child's name: a program you run is a side's own (%s, %s2, ...); expected "
			   "\"%s run %s\"", name, side_name(c->t.side), side_name(c->t.side), side_name(c->t.side), c->path);
	struct eprog *old = slot_find_prog(e, c->t.side, c->t.prog, 0);
	if (old && !old->gone) {
		char other[16] = "";
		for (int n = 1; n <= CMD_PROG_MAX && !other[0]; n++) {
			struct eprog *p = slot_find_prog(e, c->t.side, n, 0);
			if (!p || p->gone)
				cmd_prog_name(c->t.side, n, 0, other, sizeof(other));
		}
		if (!other[0])
			return ERR("%s runs already, and so do %s's other programs (up to %d): expected \"%s kill\" or "
				   "a command for one of them", name, side_name(c->t.side), CMD_PROG_MAX, name);
		if (!old->traced) /* sockstep's own: no command ends it */
			return ERR("%s runs already (it makes sockstep's own calls); expected \"%s run %s\" for a program "
				   "of its own", name, other, c->path);
		return ERR("%s runs already (a program you ran); expected \"%s run %s\" for a program of its own, or "
			   "\"%s kill\" first", name, other, c->path, name);
	}
	if (trace_resolve(c->path, path, sizeof(path), err, errlen) < 0 || tracer_of(e, err, errlen) < 0)
		return -EINVAL;
	struct eprog *pr = slot_free_prog(e);
	if (!pr)
		return ERR("%d programs exist already (running or ended), the most sockstep holds", ENGINE_MAX_PROGS);
	int in = -1, out = -1;
	struct tracee *t = spawn(e, c, path, name, &in, &out, note, sizeof(note), err, errlen);
	if (!t)
		return -EINVAL;
	memset(pr, 0, sizeof(*pr));
	pr->used = pr->traced = true;
	pr->side = c->t.side;
	pr->num = c->t.prog;
	snprintf(pr->name, sizeof(pr->name), "%s", name);
	pr->tr = t;
	pr->p = (struct prog){ .pid = t->pid, .pidfd = fd_dup_high(t->pidfd), .ctl = -1, .alive = true };
	pr->sock = pr->tfd = -1;
	pr->tin = in;
	pr->tout = out;
	pr->fault_call = V_COUNT_;
	e->trace->execd[pr - e->progs] = false;
	e->trace->thread_told[pr - e->progs] = false;
	e->trace->uring_told[pr - e->progs] = false;
	if (note[0])
		slot_log(e, EV_INFO, pr, -1, "%s", note);
	slot_log(e, EV_INFO, pr, -1, "%s runs %s (pid %d) in the %s host, traced: it stops before each of its "
		 "socket calls, and \"%s next\" makes it", name, c->path, (int)t->pid, side_name(pr->side), name);
	wait_settled(e, pr, SETTLE_WAIT_MS);
	return 0;
}

/* The traced program a command names, or NULL with one line in err. */
static struct eprog *traced_target(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	char name[16];
	cmd_prog_name(c->t.side, c->t.prog, c->t.child, name, sizeof(name));
	struct eprog *pr = slot_find_prog(e, c->t.side, c->t.prog, c->t.child);
	if (!pr || !pr->traced)
		snprintf(err, errlen, "%s is no program you run; expected \"%s run PROGRAM\" first", name, name);
	else if (pr->gone)
		snprintf(err, errlen, "%s has ended; expected \"%s run PROGRAM\" to run one again", name, name);
	else if (pr->tstate == TP_DETACHED && c->verb != V_KILL && c->verb != V_INPUT)
		snprintf(err, errlen, "%s runs on by itself since \"%s detach\"; expected \"%s kill\" or \"%s input\"",
			 name, name, name, name);
	else
		return pr;
	return NULL;
}

/* Is q pr (a process) or one of its threads, traced and not gone? */
static bool of_process(const struct engine *e, const struct eprog *q, const struct eprog *pr)
{
	int lead = (int)(pr - e->progs);
	return q->used && q->traced && !q->gone && (q == pr || (q->thread && q->leader == lead));
}

/* Of pr and its threads, the one stopped before a call the longest: "SIDE
 * next" steps the oldest stop first, so that no thread waits behind another
 * that keeps stopping. NULL when none is stopped. */
static struct eprog *oldest_stop(struct engine *e, struct eprog *pr)
{
	struct traced_all *T = e->trace;
	struct eprog *best = NULL;
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *q = &e->progs[i];
		if (of_process(e, q, pr) && q->tstate == TP_BEFORE &&
		    (!best || T->stop_at[i] < T->stop_at[best - e->progs]))
			best = q;
	}
	return best;
}

static int refuse_busy(const struct eprog *pr, char *err, size_t errlen)
{
	if (pr->busy)
		return ERR("%s is blocked in %s() since [%u]: it makes no other call until that one returns; expected a "
			   "command for the other side first, or \"%s kill\"", pr->name, cmd_verb_name(pr->verb), pr->seq,
			   pr->name);
	return ERR("%s runs between its socket calls (it is not stopped before one now); expected \"%s continue\", "
		   "or \"%s input \\\"TEXT\\\"\" if it waits for its input", pr->name, pr->name, pr->name);
}

static int input(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	struct eprog *o = owner(e, pr);
	if (o->tin < 0)
		return ERR("%s's standard input is closed", pr->name);
	ssize_t n = write(o->tin, c->data, c->data_len);
	if (n < 0)
		return ERR("cannot write to %s's standard input: %s", pr->name, errno_name(errno));
	char esc[4 * CMD_DATA_MAX + 1];
	escape_bytes(c->data, (size_t)n, esc, sizeof(esc));
	slot_log(e, EV_INFO, pr, -1, "\"%s\" (%zd bytes) written to %s's standard input%s", esc, n, pr->name,
		 (size_t)n < c->data_len ? ": its pipe is full, the rest is lost" : "");
	wait_settled(e, pr, SETTLE_WAIT_MS);
	return 0;
}

static int fault(struct engine *e, struct eprog *pr, const struct cmd *c)
{
	pr->fault_call = c->fault_call;
	pr->fault_err = c->fault_err;
	pr->fault_short = c->fault_err ? 0 : (long)c->count;
	if (c->fault_err)
		slot_log(e, EV_INFO, pr, -1, "fault set: %s's next %s() returns -1 %s", pr->name,
			 cmd_verb_name(c->fault_call), errno_name(c->fault_err));
	else
		slot_log(e, EV_INFO, pr, -1, "fault set: %s's next %s() returns at most %lu bytes", pr->name,
			 cmd_verb_name(c->fault_call), c->count);
	if (pr->tstate == TP_BEFORE && tcall_fault_matches(pr->fault_call, pr->verb))
		apply_fault(e, pr);
	return 0;
}

int traced_exec(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	if (c->verb == V_RUN)
		return run(e, c, err, errlen);
	struct eprog *pr = traced_target(e, c, err, errlen);
	if (!pr)
		return -EINVAL;
	struct traced_all *T = e->trace;
	switch (c->verb) {
	case V_NEXT: {
		struct eprog *st = oldest_stop(e, pr);
		if (!st)
			return refuse_busy(pr, err, errlen);
		step_wait(e, st);
		wait_settled(e, st, SETTLE_WAIT_MS);
		return 0;
	}
	case V_CONTINUE:
		for (int i = 0; i < ENGINE_MAX_PROGS; i++)
			if (of_process(e, &e->progs[i], pr)) {
				e->progs[i].tcont = true;
				T->cont_since[i] = now_ms();
			}
		for (struct eprog *st; (st = oldest_stop(e, pr));)
			step_wait(e, st);
		wait_settled(e, pr, SETTLE_WAIT_MS);
		return 0;
	case V_DETACH:
		if (trace_detach(&T->tr, pr->tr) < 0)
			return ERR("cannot let %s go: it has ended", pr->name);
		for (int i = 0; i < ENGINE_MAX_PROGS; i++)
			if (of_process(e, &e->progs[i], pr)) { /* its threads too: the filter is the process's */
				e->progs[i].tstate = TP_DETACHED;
				e->progs[i].busy = false;
			}
		slot_log(e, EV_INFO, pr, -1, "%s runs on by itself (pid %d): it no longer stops at its calls, and sockstep "
			 "still shows its sockets. Its filter stays, so a debugger cannot attach: to debug it, run it "
			 "outside sockstep", pr->name, (int)pr->p.pid);
		return 0;
	case V_KILL:
		if (trace_kill(&T->tr, pr->tr) < 0)
			return ERR("cannot kill %s: it has ended", pr->name);
		slot_log(e, EV_INFO, pr, -1, "kill(%d, SIGKILL): %s ends at once, wherever it is", (int)pr->p.pid, pr->name);
		pr->tstate = TP_RUNNING;
		pr->tcont = false;
		wait_settled(e, pr, SETTLE_WAIT_MS);
		return 0;
	case V_INPUT:
		return input(e, pr, c, err, errlen);
	case V_FAULT:
		return fault(e, pr, c);
	default:
		return ERR("%s is no command for a program you run", cmd_verb_name(c->verb));
	}
}

int traced_refuse(const struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	if (!pr || !pr->traced || pr->gone)
		return 0;
	return ERR("%s is a program you run: it makes its own calls, not sockstep's \"%s\"; expected \"%s next\", "
		   "\"%s continue\" or \"%s kill\"", pr->name, cmd_verb_name(c->verb), pr->name, pr->name, pr->name);
}

/* ---- the loop ---------------------------------------------------------------- */

int traced_pollfds(const struct engine *e, struct pollfd *pfd, int max)
{
	int n = 0;
	if (!e->trace)
		return 0;
	if (n < max)
		pfd[n++] = (struct pollfd){ .fd = e->trace->tr.sigfd, .events = POLLIN };
	for (int i = 0; i < ENGINE_MAX_PROGS && n < max; i++) {
		const struct eprog *pr = &e->progs[i];
		if (pr->used && pr->traced && pr->tout >= 0)
			pfd[n++] = (struct pollfd){ .fd = pr->tout, .events = POLLIN };
	}
	return n;
}

int traced_progress(struct engine *e)
{
	if (!e->trace)
		return 0;
	int n = 0;
	struct trace_ev ev;
	while (next_event(e, 0, &ev)) {
		dispatch(e, &ev); /* each event after what was printed before it */
		n++;
		/* A call that returned: on to the next one, so that the line saying
		 * where it stops follows the result, whatever the wire does. */
		struct eprog *pr = ev.kind == TEV_EXIT_CALL ? prog_of_pid(e, ev.pid) : NULL;
		if (pr)
			wait_settled(e, pr, SETTLE_WAIT_MS / 4);
	}
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (pr->used && pr->traced && pr->trestart)
			settle_restart(e, pr); /* what an interrupted call returned comes first */
		if (pr->used && pr->traced)
			n += drain(e, pr, false);
	}
	return n;
}

bool traced_unsettled(const struct engine *e)
{
	for (int i = 0; e->trace && i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &e->progs[i];
		if (pr->used && pr->traced && !settled(pr))
			return true;
	}
	return false;
}

void traced_note_running(struct engine *e, unsigned waited_ms)
{
	for (int i = 0; e->trace && i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (pr->used && pr->traced && !settled(pr))
			slot_log(e, EV_INFO, pr, -1, "%s still runs after %u ms, between its socket calls", pr->name,
				 waited_ms);
	}
}

void traced_free(struct engine *e)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (!pr->used || !pr->traced)
			continue;
		if (pr->tin >= 0)
			close(pr->tin);
		if (pr->tout >= 0)
			close(pr->tout);
		pr->tin = pr->tout = -1;
	}
	if (!e->trace)
		return;
	trace_free(&e->trace->tr);
	free(e->trace);
	e->trace = NULL;
}
