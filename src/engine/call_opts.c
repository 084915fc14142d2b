/* call_opts.c - the calls that set a socket's options or a program's
 * course: setsockopt, nonblock (fcntl), select, fork, interrupt (a
 * signal), flood (sendto in a loop); one entry each, see call.h. */
#include "call.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "engine_flow.h"
#include "wire.h"

enum { SETSOCKOPT, NONBLOCK, SELECT, FORK, INTERRUPT, FLOOD }; /* rows of call_opts_entries */

/* Datagrams all floods together may send between two turns of the relay:
 * half the wire's capture ring, so that it never overflows (a flood in each
 * of three programs shares it). engine_progress, which runs once the wire
 * has been drained, gives the budget back. */
#define FLOOD_BUDGET (WIRE_CAP_FRAMES / 2)

/* ---- setsockopt, nonblock ---------------------------------------------------- */

static void setsockopt_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)side;
	snprintf(buf, len, "setsockopt(%s, SOL_SOCKET, SO_REUSEADDR, &(int){%d}, sizeof(int));", var, c->optval);
}

static int optval_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	rq->a = c->optval;
	if (c->verb == V_NONBLOCK)
		x->pr->nb_on = c->optval;
	return 0;
}

static long setsockopt_perform(struct prog_call *pc)
{
	int v = pc->rq->a;
	return setsockopt(pc->rq->fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
}

static void nonblock_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)side;
	snprintf(buf, len, "fcntl(%s, F_SETFL, fcntl(%s, F_GETFL) %s);", var, var,
		 c->optval ? "| O_NONBLOCK" : "& ~O_NONBLOCK");
}

static long nonblock_perform(struct prog_call *pc)
{
	int fl = fcntl(pc->rq->fd, F_GETFL);
	return fl < 0 ? fl : fcntl(pc->rq->fd, F_SETFL, pc->rq->a ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

static bool nonblock_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	if (!rp->err)
		x->s->nonblock = x->pr->nb_on;
	return true;
}

/* ---- fork ------------------------------------------------------------------ */

static void fork_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)var;
	(void)side;
	(void)c;
	snprintf(buf, len, "pid = fork();");
}

/* In the program: the child gets its own control channel (passed with the
 * request) in place of the parent's, and sends no reply: sockstep learns
 * the pid from the parent. */
static long fork_perform(struct prog_call *pc)
{
	pid_t me = getpid();
	long r = fork();
	if (r == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != me)
			_exit(127);
		if (pc->passed < 0 || dup2(pc->passed, pc->ctl) < 0)
			_exit(127);
		close(pc->passed);
		char name[16];
		memcpy(name, pc->rq->data, sizeof(name) - 1);
		name[15] = 0;
		prctl(PR_SET_NAME, name);
		pc->no_reply = true;
		return 0;
	}
	int saved = errno;
	if (pc->passed >= 0)
		close(pc->passed);
	errno = saved;
	return r;
}

/* No socket: the result alone (the child is set up by fork_run). */
static bool nosock_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	x->pr->busy = false;
	call_log_result(x->e, x->pr, -1, rp->ret, rp->err, origin ? CS_COMPLETED : CS_DONE, origin);
	return true;
}

static bool call_flood_chunk(struct engine *e, struct eprog *pr, struct esock *s);
static int flood_fill(struct engine *e, struct eprog *pr, struct esock *s);
static int select_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen);

static const char *ready_why(const struct esock *s, bool rd)
{
	if (!rd)
		return "send() will not block";
	if (s && s->listening)
		return "a connection waits: accept() will not block";
	if (s && s->proto == PROTO_UDP)
		return "a datagram waits: recvfrom() will not block";
	return "data or the end of the stream: recv() will not block";
}

/* fork()'s copies: ch holds every descriptor pr holds. Where the side has
 * no room to follow them all, the newest are followed (a bare command means
 * the newest socket, in the child as in the parent) and the others are
 * named in one note; both keep pr's order of creation. */
void call_fork_inherit(struct engine *e, const struct eprog *pr, struct eprog *ch)
{
	int from = (int)(pr - e->progs), order[ENGINE_MAX_SOCKS], n = 0;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *o = &e->socks[i];
		if (!o->used || o->closed || o->prog != from)
			continue;
		int j = n++;
		for (; j > 0 && e->socks[order[j - 1]].born > o->born; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	memcpy(ch->hidden, pr->hidden, sizeof(ch->hidden)); /* the parent's unfollowed ones too */
	int room = ENGINE_SIDE_SOCKS - slot_open_socks(e, pr->side), skip = n > room ? n - room : 0;
	for (int k = 0; k < skip; k++)
		slot_fd_hide(ch, e->socks[order[k]].fd);
	for (int k = skip; k < n; k++) {
		const struct esock *o = &e->socks[order[k]];
		struct esock *ns = slot_new_sock(e, ch, o->fd, o->proto, o->kind, o->var);
		if (!ns) { /* cannot happen: room was counted */
			slot_fd_hide(ch, o->fd);
			continue;
		}
		ns->listening = o->listening;
		ns->nonblock = o->nonblock;
		ns->connected_once = o->connected_once;
		ns->pending_dest = o->pending_dest;
		if (o->kind && o->kind->proto == PROTO_NONE)
			continue;
		struct tuple_row r;
		row_snapshot(e, ns, &r);
		ns->kernel = r;
		if (ns->listening)
			tuple_set_unknown_remote(&r);
		snprintf(r.note, sizeof(r.note), "inherited from %s by fork()", pr->name);
		row_show(e, ns, &r, TS_INHERITED);
	}
	char list[256];
	int hidden = slot_fd_hidden_list(ch, list, sizeof(list));
	if (hidden)
		slot_log(e, EV_INFO, ch, -1, "%s also holds descriptor%s %s, inherited, that sockstep does not follow: "
			 "the %s side's programs hold %d open sockets, the most it follows (a bare \"%s\" command "
			 "means the newest socket it follows, as in %s)", ch->name, hidden == 1 ? "" : "s", list,
			 side_name(ch->side), ENGINE_SIDE_SOCKS, ch->name, pr->name);
}

static int fork_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	(void)c;
	char how[160];
	if (pr->child) {
		/* The grammar names one generation (server.1 .. server.9). */
		char parent[16];
		cmd_prog_name(pr->side, pr->num, 0, parent, sizeof(parent));
		slot_fork_advice(e, pr->side, pr->num, how, sizeof(how));
		return ERR("%s is a forked child, and sockstep names only a program's own children (%s.1 to %s.%d): "
			   "a child does not fork here; expected %s, as a concurrent server's parent does",
			   pr->name, parent, parent, CMD_CHILD_MAX, how);
	}
	if (pr->children >= CMD_CHILD_MAX) {
		slot_fork_advice(e, pr->side, pr->num, how, sizeof(how));
		return ERR("%s has forked %d children already (%s.1 to %s.%d), the most sockstep names; expected %s",
			   pr->name, pr->children, pr->name, pr->name, CMD_CHILD_MAX, how);
	}
	struct eprog *ch = slot_free_prog(e);
	if (!ch)
		return ERR("%d programs exist already (running or ended), the most sockstep holds; expected a "
			   "command for a program that runs", ENGINE_MAX_PROGS);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ERR("cannot fork %s: socketpair: %s", pr->name, errno_name(errno));
	int n = pr->children + 1;
	char name[16];
	cmd_prog_name(pr->side, pr->num, n, name, sizeof(name));
	call_begin(e, pr, &call_opts_entries[FORK], NULL);
	fork_code(pr->code, sizeof(pr->code), "sock", pr->side, NULL);
	struct prog_req rq;
	call_req_init(&rq, V_FORK, -1);
	memcpy(rq.data, name, strlen(name) + 1);
	pr->seq = e->log->seq;
	int rc = call_send(e, pr, &rq, sv[1]);
	close(sv[1]);
	if (rc == 0) /* fork() does not wait for a peer: its answer comes, however slow the machine */
		rc = prog_recv(&pr->p, e->rep) == 0 ? 1 : -EPIPE;
	if (rc < 0) {
		close(sv[0]);
		slot_prog_died(e, pr);
		return 0;
	}
	call_finish(e, pr, 0);
	if (e->rep->ret <= 0) {
		close(sv[0]);
		return 0;
	}
	/* The child: a program of its own, with a copy of every descriptor. */
	memset(ch, 0, sizeof(*ch));
	ch->used = true;
	ch->side = pr->side;
	ch->num = pr->num;
	ch->child = n;
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	ch->p.pid = (pid_t)e->rep->ret;
	ch->p.ctl = sv[0];
	ch->p.alive = true;
	ch->p.pidfd = (int)syscall(SYS_pidfd_open, ch->p.pid, 0);
	pr->children = n;
	slot_log(e, EV_INFO, ch, -1, "fork() returned 0 in the child, %s: a copy of %s with the same "
		 "descriptors, each one another reference to the same socket", name, pr->name);
	call_fork_inherit(e, pr, ch);
	return 0;
}

static int interrupt_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	(void)c;
	if (!pr->busy)
		return ERR("%s is not blocked in a call; expected \"%s interrupt\" while a call sleeps (it sends "
			   "SIGUSR1, and the call returns -1 EINTR)", pr->name, pr->name);
	int rc = prog_interrupt(&pr->p);
	if (rc < 0)
		return ERR("cannot signal %s: %s", pr->name, errno_name(-rc));
	slot_log(e, EV_INFO, pr, -1, "kill(pid, SIGUSR1): %s's handler was installed without SA_RESTART, so the "
		 "blocked %s() returns -1 EINTR", pr->name, cmd_verb_name(pr->verb));
	rc = call_answer(e, pr);
	if (rc < 0)
		slot_prog_died(e, pr);
	else if (rc > 0 && !call_finish(e, pr, pr->seq))
		pr->busy = true;
	return 0;
}


/* select() and poll() (epoll too) are never made again after a handler,
 * SA_RESTART or not (signal(7)): a traced program's poll says so. */
static const char *select_explain(int err, const struct explain_sit *sit)
{
	(void)sit;
	return err == EINTR ? "a signal arrived while the call waited, and a handler ran: select(), poll() and "
			      "epoll_wait() then return -1 EINTR, with SA_RESTART or without (signal(7))"
			    : NULL;
}

/* select()'s answer: which descriptors are ready, and why. */
static bool select_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	struct engine *e = x->e;
	struct eprog *pr = x->pr;
	int er = rp->err;
	nosock_after(x, rp, origin);
	if (er) {
		if (er == EINTR)
			slot_log(e, EV_INFO, pr, -1, "EINTR: %s",
				 call_hint(e, &(struct esock){ .prog = (int)(pr - e->progs) }, V_SELECT, EINTR));
		return true;
	}
	for (int i = 0; i < pr->sel_n; i++) {
		struct esock *o = call_sock_of_fd(e, pr, pr->sel_fd[i]);
		if (rp->sel_rd[i])
			slot_log(e, EV_INFO, pr, pr->sel_fd[i], "FD_ISSET(%d, &readfds): ready to read: %s", pr->sel_fd[i],
				 ready_why(o, true));
		if (rp->sel_wr[i])
			slot_log(e, EV_INFO, pr, pr->sel_fd[i], "FD_ISSET(%d, &writefds): ready to write: %s",
				 pr->sel_fd[i], ready_why(o, false));
	}
	return true;
}

static long select_perform(struct prog_call *pc)
{
	const struct prog_req *rq = pc->rq;
	fd_set rd, wr;
	int max = -1;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	for (int i = 0; i < rq->sel_n && i < PROG_SEL_MAX; i++) {
		if (rq->sel_fd[i] < 0 || rq->sel_fd[i] >= FD_SETSIZE)
			continue;
		if (rq->sel_rd)
			FD_SET(rq->sel_fd[i], &rd);
		if (rq->sel_wr)
			FD_SET(rq->sel_fd[i], &wr);
		if (rq->sel_fd[i] > max)
			max = rq->sel_fd[i];
	}
	long r = select(max + 1, rq->sel_rd ? &rd : NULL, rq->sel_wr ? &wr : NULL, NULL, NULL);
	int saved = errno;
	for (int i = 0; r > 0 && i < rq->sel_n && i < PROG_SEL_MAX; i++) {
		int fd = rq->sel_fd[i];
		if (fd < 0 || fd >= FD_SETSIZE)
			continue;
		pc->rp->sel_rd[i] = rq->sel_rd && FD_ISSET(fd, &rd);
		pc->rp->sel_wr[i] = rq->sel_wr && FD_ISSET(fd, &wr);
	}
	errno = saved;
	return r;
}

/* ---- flood ----------------------------------------------------------------- */

static void flood_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	snprintf(buf, len, "for (i = 0; i < %lu; i++) sendto(%s, &i, 8, 0, (struct sockaddr *)&%s, sizeof(%s));",
		 c->count, var, call_remote_var(side), call_remote_var(side));
}

/* The flood starts itself: its chunks are paced by the relay's turns. */
static int flood_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct engine *e = x->e;
	struct eprog *pr = x->pr;
	struct esock *s = x->s;
	s->pending_dest = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(c->port),
						.sin_addr = c->addr };
	rq->addr = s->pending_dest;
	rq->a = c->count > 0x7fffffffUL ? 0x7fffffff : (int)c->count;
	call_args_of(&pr->args, pr->entry, rq);
	s->flood_total = c->count;
	s->flood_sent = s->flood_fail = 0;
	s->flood_err = 0;
	pr->flood_from = 0;
	pr->flood_out = 0;
	pr->seq = e->log->seq;
	if (!call_flood_chunk(e, pr, s)) {
		call_blocked(e, pr); /* the other floods have this turn's budget */
		return 1;
	}
	if (!pr->gone)
		call_conclude(e, pr, call_answer(e, pr));
	return 1;
}

/* In the program: one chunk of the flood. */
static long flood_perform(struct prog_call *pc)
{
	const struct prog_req *rq = pc->rq;
	struct prog_rep *rp = pc->rp;
	for (int i = 0; i < rq->a; i++) {
		unsigned long n = rq->flood_from + (unsigned long)i;
		unsigned char payload[8];
		memcpy(payload, &n, sizeof(payload));
		if (sendto(rq->fd, payload, sizeof(payload), 0, (const struct sockaddr *)&rq->addr, sizeof(rq->addr)) < 0) {
			rp->failed++;
			rp->flood_err = errno;
		} else
			rp->sent++;
	}
	return (long)rp->sent;
}

/* A chunk was sent: the next one, or the flood's result. */
static bool flood_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	struct engine *e = x->e;
	struct eprog *pr = x->pr;
	struct esock *s = x->s;
	if (!s)
		return true;
	s->flood_sent += rp->sent;
	s->flood_fail += rp->failed;
	if (rp->failed)
		s->flood_err = rp->flood_err;
	if (pr->flood_out)
		pr->flood_out--;
	if (pr->flood_from < s->flood_total && !rp->err) {
		flood_fill(e, pr, s); /* or it waits for the next turn */
		return false;
	}
	if (pr->flood_out)
		return false; /* a chunk still out: its answer ends the flood */
	pr->busy = false;
	call_log_result(e, pr, s->fd, (long)s->flood_sent, s->flood_fail ? s->flood_err : 0,
			origin ? CS_COMPLETED : CS_DONE, origin);
	slot_log(e, EV_INFO, pr, s->fd, "flood: %lu datagrams sent, %lu failed%s%s", s->flood_sent, s->flood_fail,
		 s->flood_fail ? " with " : "", s->flood_fail ? errno_name(s->flood_err) : "");
	return true;
}

const struct call_entry call_opts_entries[] = {
	[SETSOCKOPT] = { .verb = V_SETSOCKOPT, .code = setsockopt_code, .prepare = optval_prepare,
			 .perform = setsockopt_perform },
	[NONBLOCK] = { .verb = V_NONBLOCK, .code = nonblock_code, .prepare = optval_prepare,
		       .perform = nonblock_perform, .after = nonblock_after },
	[SELECT] = { .verb = V_SELECT, .flags = CE_OWN_RESULT, .perform = select_perform,
		     .after = select_after, .run = select_run, .explain = select_explain },
	[FORK] = { .verb = V_FORK, .flags = CE_OWN_RESULT, .code = fork_code, .perform = fork_perform,
		   .after = nosock_after, .run = fork_run },
	[INTERRUPT] = { .verb = V_INTERRUPT, .flags = CE_WHILE_BUSY, .run = interrupt_run },
	[FLOOD] = { .verb = V_FLOOD, .flags = CE_OWN_RESULT | CE_SA_IN, .code = flood_code,
		    .prepare = flood_prepare, .perform = flood_perform, .after = flood_after },
};
const size_t call_opts_count = sizeof(call_opts_entries) / sizeof(call_opts_entries[0]);

static int select_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	pr->sel_n = 0;
	pr->sel_rd = c->sel_rd;
	pr->sel_wr = c->sel_wr;
	int slot = (int)(pr - e->progs);
	if (c->sel_n) {
		for (size_t i = 0; i < c->sel_n; i++) {
			if (!call_sock_of_fd(e, pr, c->sel_fd[i])) {
				char open[160];
				slot_list_open(e, pr, open, sizeof(open));
				return ERR("%s has no descriptor %d; expected some of its open sockets: %s", pr->name,
					   c->sel_fd[i], open);
			}
			pr->sel_fd[pr->sel_n++] = c->sel_fd[i];
		}
	} else {
		for (int i = 0; i < ENGINE_MAX_SOCKS && pr->sel_n < CMD_SEL_MAX; i++) {
			const struct esock *o = &e->socks[i];
			if (o->used && !o->closed && o->prog == slot)
				pr->sel_fd[pr->sel_n++] = o->fd;
		}
		if (!pr->sel_n)
			return ERR("%s has no open socket to select() on; expected \"%s socket tcp\" first", pr->name,
				   pr->name);
	}
	/* The lecture's order: smallest descriptor first. */
	for (int i = 1; i < pr->sel_n; i++)
		for (int j = i; j > 0 && pr->sel_fd[j - 1] > pr->sel_fd[j]; j--) {
			int t = pr->sel_fd[j];
			pr->sel_fd[j] = pr->sel_fd[j - 1];
			pr->sel_fd[j - 1] = t;
		}
	char sets[128] = "";
	size_t o = 0;
	int max = 0;
	for (int i = 0; i < pr->sel_n && o < sizeof(sets); i++) {
		o += (size_t)snprintf(sets + o, sizeof(sets) - o, "%s%d", i ? "," : "", pr->sel_fd[i]);
		if (pr->sel_fd[i] > max)
			max = pr->sel_fd[i];
	}
	snprintf(pr->code, sizeof(pr->code), "n = select(%d, %s, %s, NULL, NULL);  /* {%s} */", max + 1,
		 c->sel_rd ? "&readfds" : "NULL", c->sel_wr ? "&writefds" : "NULL", sets);
	call_begin(e, pr, &call_opts_entries[SELECT], NULL);
	struct prog_req rq;
	call_req_init(&rq, V_SELECT, -1);
	rq.sel_n = pr->sel_n;
	memcpy(rq.sel_fd, pr->sel_fd, sizeof(rq.sel_fd));
	rq.sel_rd = c->sel_rd;
	rq.sel_wr = c->sel_wr;
	call_args_of(&pr->args, pr->entry, &rq);
	call_run(e, pr, &rq);
	return 0;
}

/* ---- the floods' pace ------------------------------------------------------ */

/* A new turn of the relay: the floods' budget is what the capture ring can
 * take on top of the datagrams already asked for and not yet seen on the
 * wire. When nothing arrived since the last turn and every chunk has been
 * answered, nothing is in flight any more (a datagram the kernel dropped is
 * never seen). A flood left waiting
 * arms a 10 ms timer, so that the loop comes back to it. */
void call_flood_turn(struct engine *e)
{
	unsigned long seen = e->wire ? wire_last_no(e->wire) : 0;
	bool waiting = false;
	if (e->flood_timer >= 0) {
		uint64_t ticks;
		if (read(e->flood_timer, &ticks, sizeof(ticks)) < 0)
			ticks = 0; /* not expired yet: EAGAIN */
	}
	/* Quiet since the last turn with every chunk answered: what was not
	 * seen was dropped. A chunk still out may not have been sent yet. */
	bool out = false;
	for (int i = 0; i < ENGINE_MAX_PROGS; i++)
		out |= e->progs[i].used && e->progs[i].busy && !e->progs[i].gone && e->progs[i].verb == V_FLOOD &&
		       e->progs[i].flood_out;
	if (!e->wire || (seen == e->flood_seen_prev && !out) || seen - e->flood_seen_base >= e->flood_asked) {
		e->flood_asked = 0;
		e->flood_seen_base = seen;
	}
	e->flood_seen_prev = seen;
	unsigned long inflight = e->flood_asked - (seen - e->flood_seen_base);
	e->flood_budget = inflight >= FLOOD_BUDGET ? 0 : (unsigned)(FLOOD_BUDGET - inflight);
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (pr->used && pr->busy && pr->verb == V_FLOOD && pr->flood_waiting && pr->sock >= 0)
			waiting |= !flood_fill(e, pr, &e->socks[pr->sock]);
	}
	if (waiting && e->flood_timer < 0)
		e->flood_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->flood_timer >= 0) {
		struct itimerspec it = { .it_value = { .tv_nsec = waiting ? 10 * 1000000 : 0 } };
		timerfd_settime(e->flood_timer, 0, &it, NULL);
	}
}

/* Every turn of the loop, frames moving or not: the chunks that are done
 * are read and the next ones sent at once, on credit: two chunks of half
 * the budget may be out, not yet seen on the wire. So the programs send
 * while the relay relays, on the other core, instead of taking turns. The
 * last chunk's answer is the flood's result: engine_progress logs it, once
 * the network is quiet. Returns the chunks read or handed out. */
int call_flood_serve(struct engine *e)
{
	int n = 0;
	unsigned long seen = e->wire ? wire_last_no(e->wire) : 0;
	unsigned long inflight = e->flood_asked - (seen - e->flood_seen_base);
	if (seen - e->flood_seen_base >= e->flood_asked)
		inflight = 0;
	e->flood_budget = inflight >= FLOOD_BUDGET ? 0 : (unsigned)(FLOOD_BUDGET - inflight);
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (!pr->used || !pr->busy || pr->gone || pr->verb != V_FLOOD || pr->sock < 0)
			continue;
		struct esock *s = &e->socks[pr->sock];
		bool last = pr->flood_from >= s->flood_total && pr->flood_out <= 1;
		if (!last && pr->flood_out && e->rep && prog_ready(&pr->p)) {
			n++;
			if (prog_recv(&pr->p, e->rep) < 0) {
				slot_prog_died(e, pr);
				continue;
			}
			call_finish(e, pr, pr->seq); /* the next chunks go out there */
		} else
			n += flood_fill(e, pr, s);
	}
	return n;
}

/* Chunks out while the credit lasts, two at most. */
static int flood_fill(struct engine *e, struct eprog *pr, struct esock *s)
{
	int n = 0;
	while (pr->flood_out < 2 && pr->flood_from < s->flood_total && call_flood_chunk(e, pr, s))
		n++;
	return n;
}

bool call_flooding(const struct engine *e)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &e->progs[i];
		if (pr->used && pr->busy && !pr->gone && pr->verb == V_FLOOD)
			return true;
	}
	return false;
}

/* Send the flood's next chunk, as much as the budget allows (at most half
 * of it: two chunks in flight); false when the budget is spent (the flood
 * waits for the next turn). */
static bool call_flood_chunk(struct engine *e, struct eprog *pr, struct esock *s)
{
	unsigned long left = s->flood_total - pr->flood_from, most = FLOOD_BUDGET / 2;
	unsigned long n = left < e->flood_budget ? left : e->flood_budget;
	if (n > most && pr->flood_from) /* the first chunk as before: a small flood is one call */
		n = most;
	pr->flood_waiting = n == 0;
	if (!n)
		return false;
	struct prog_req rq;
	memset(&rq, 0, offsetof(struct prog_req, data));
	rq.op = V_FLOOD;
	rq.fd = s->fd;
	rq.addr = s->pending_dest;
	rq.a = (int)n;
	rq.flood_from = pr->flood_from;
	pr->flood_from += n;
	e->flood_budget -= (unsigned)n;
	e->flood_asked += n;
	pr->flood_out++;
	engine_host_filter(e);
	if (e->wire)
		wire_expect(e->wire, n); /* the relay's rings sized for it first */
	if (prog_send(&pr->p, &rq, -1) < 0)
		slot_prog_died(e, pr);
	return true;
}

