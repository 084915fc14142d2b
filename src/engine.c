/* engine.c - the real calls, one command at a time, made by each side's
 * program (see engine.h and prog.h). */
#include "engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "convert.h"
#include "explain.h"
#include "families.h"
#include "tcpstate.h"
#include "wire.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__), -EINVAL)

void engine_init(struct engine *e, struct lab *lab, struct session *log)
{
	memset(e, 0, sizeof(*e));
	e->lab = lab;
	e->log = log;
	for (int i = 0; i < 3; i++)
		e->diag_fd[i] = -1;
	e->rep = malloc(sizeof(*e->rep));
	e->flood_budget = WIRE_CAP_FRAMES / 2; /* FLOOD_BUDGET */
	e->flood_timer = -1;
}

void engine_free(struct engine *e)
{
	/* Children first: a forked program dies with its parent anyway. */
	for (int i = ENGINE_MAX_PROGS - 1; i >= 0; i--)
		if (e->progs[i].used)
			prog_kill(&e->progs[i].p, e->progs[i].ours);
	for (int i = 0; i < 3; i++)
		if (e->diag_fd[i] >= 0)
			close(e->diag_fd[i]);
	if (e->flood_timer >= 0)
		close(e->flood_timer);
	free(e->rep);
	e->rep = NULL;
	engine_host_free(e);
}

/* ---- logging ------------------------------------------------------------- */

/* An event of a program (pr may be NULL for a side-wide line). */
__attribute__((format(printf, 5, 6)))
static struct event *plog(struct engine *e, enum ev_kind kind, const struct eprog *pr, int fd,
			  const char *fmt, ...)
{
	char buf[2048];
	struct event *ev;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		ev = session_add(e->log, kind, pr ? pr->side : SIDE_NONE, fd, "%s", buf);
	} else
		ev = session_add(e->log, kind, pr ? pr->side : SIDE_NONE, fd, NULL);
	if (ev && pr) {
		ev->prog = (unsigned char)pr->num;
		ev->child = (unsigned char)pr->child;
	}
	return ev;
}

static struct eprog *prog_at(struct engine *e, const struct esock *s)
{
	return &e->progs[s->prog];
}

static void log_result(struct engine *e, struct eprog *pr, int fd, const char *code, long ret, int err,
		       enum call_status st, unsigned origin)
{
	struct event *ev = plog(e, EV_CALL, pr, fd, "%s", code);
	if (ev) {
		ev->ret = ret;
		ev->err = err;
		ev->status = st;
		ev->origin = origin;
	}
	if (st != CS_BLOCKED) {
		pr->last_set = true;
		pr->last_ret = ret;
		pr->last_err = err;
	}
}

/* ---- programs -------------------------------------------------------------- */

/* The program of that name: the running one, else one that has ended. */
static struct eprog *find_prog(struct engine *e, enum side side, int num, int child)
{
	struct eprog *ended = NULL;
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *p = &e->progs[i];
		if (!p->used || p->side != side || p->num != num || p->child != child)
			continue;
		if (!p->gone)
			return p;
		ended = p;
	}
	return ended;
}

/* A slot for a new program: a free one, else the slot of one that ended,
 * whose closed sockets are forgotten then (their last rows are shown; an
 * expect about that program has nothing to look at any more). */
static struct eprog *free_prog(struct engine *e)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++)
		if (!e->progs[i].used)
			return &e->progs[i];
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		bool due = false;
		for (int k = 0; k < ENGINE_MAX_SOCKS; k++)
			due |= e->socks[k].used && e->socks[k].prog == i && e->socks[k].close_row_due;
		if (!pr->gone || due)
			continue;
		for (int k = 0; k < ENGINE_MAX_SOCKS; k++)
			if (e->socks[k].used && e->socks[k].prog == i)
				memset(&e->socks[k], 0, sizeof(e->socks[k]));
		memset(pr, 0, sizeof(*pr));
		return pr;
	}
	return NULL;
}

/* Start a side's program (not a forked child) in its host. */
static struct eprog *start_prog(struct engine *e, enum side side, int num, char *err, size_t errlen)
{
	struct eprog *pr = free_prog(e);
	if (!pr) {
		snprintf(err, errlen, "%d programs run already, the most sockstep holds; expected a command for one of them",
			 ENGINE_MAX_PROGS);
		return NULL;
	}
	char name[16];
	cmd_prog_name(side, num, 0, name, sizeof(name));
	int in = lab_enter(e->lab, side);
	if (in < 0) {
		snprintf(err, errlen, "cannot enter the %s host to start %s: %s", side_name(side), name,
			 errno_name(-in));
		return NULL;
	}
	struct prog p;
	int rc = prog_spawn(&p, name, err, errlen);
	lab_leave(e->lab);
	if (rc < 0)
		return NULL;
	memset(pr, 0, sizeof(*pr));
	pr->used = true;
	pr->ours = true;
	pr->side = side;
	pr->num = num;
	pr->sock = -1;
	snprintf(pr->name, sizeof(pr->name), "%s", name);
	pr->p = p;
	return pr;
}

/* The socket slot of a program's descriptor: the open one, else (with_closed)
 * the newest closed one with that number; fd -1: the program's newest. */
static struct esock *lookup(struct engine *e, const struct eprog *pr, int fd, bool with_closed)
{
	struct esock *best = NULL;
	int slot = (int)(pr - e->progs);
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		struct esock *s = &e->socks[i];
		if (!s->used || s->prog != slot || (fd >= 0 && s->fd != fd))
			continue;
		if (s->closed && !with_closed)
			continue;
		/* A bare target is the newest socket (expect looks at one just
		 * closed); a number is the open one, else the newest closed one. */
		if (!best || (fd < 0 && s->born > best->born) ||
		    (fd >= 0 && ((best->closed && !s->closed) || (best->closed == s->closed && s->born > best->born))))
			best = s;
	}
	return best;
}

/* "3, 5, 19-41": the descriptors in set, runs of three or more as ranges;
 * returns how many. */
static int fd_ranges(const bool set[ENGINE_HIDDEN_FDS], char *out, size_t len)
{
	size_t o = 0;
	int count = 0;
	out[0] = '\0';
	for (int fd = 0; fd < ENGINE_HIDDEN_FDS; fd++) {
		if (!set[fd])
			continue;
		int last = fd;
		while (last + 1 < ENGINE_HIDDEN_FDS && set[last + 1])
			last++;
		count += last - fd + 1;
		if (last - fd >= 2 && o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%d-%d", o ? ", " : "", fd, last);
		else
			for (int k = fd; k <= last && o < len; k++)
				o += (size_t)snprintf(out + o, len - o, "%s%d", o ? ", " : "", k);
		fd = last;
	}
	return count;
}

/* A program's open descriptors, as fd_ranges says them; "none". */
static void list_open(struct engine *e, const struct eprog *pr, char *out, size_t len)
{
	bool open[ENGINE_HIDDEN_FDS] = { false };
	int slot = pr ? (int)(pr - e->progs) : -1, over = -1;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		if (!s->used || s->closed || s->prog != slot)
			continue;
		if (s->fd >= 0 && s->fd < ENGINE_HIDDEN_FDS)
			open[s->fd] = true;
		else
			over = s->fd; /* past the table: said last */
	}
	fd_ranges(open, out, len);
	size_t o = strlen(out);
	if (over >= 0 && o + 1 < len)
		snprintf(out + o, len - o, "%s%d", o ? ", " : "", over);
	if (!out[0])
		snprintf(out, len, "none");
}

/* Descriptors a program holds and sockstep does not follow (over the side's
 * limit: inherited by fork, or returned by accept). */
static void fd_hide(struct eprog *pr, int fd)
{
	if (fd >= 0 && fd < ENGINE_HIDDEN_FDS)
		pr->hidden[fd / 64] |= 1ULL << (fd % 64);
}

static bool fd_is_hidden(const struct eprog *pr, int fd)
{
	return fd >= 0 && fd < ENGINE_HIDDEN_FDS && (pr->hidden[fd / 64] >> (fd % 64) & 1);
}

/* The hidden descriptors, as fd_ranges says them; returns how many. */
static int fd_hidden_list(const struct eprog *pr, char *out, size_t len)
{
	bool set[ENGINE_HIDDEN_FDS];
	for (int fd = 0; fd < ENGINE_HIDDEN_FDS; fd++)
		set[fd] = fd_is_hidden(pr, fd);
	return fd_ranges(set, out, len);
}

static const char *prog_name_of(const struct target *t, char *buf, size_t len)
{
	cmd_prog_name(t->side, t->prog, t->child, buf, len);
	return buf;
}

/* How many open descriptors a side's programs hold. */
static int open_socks(const struct engine *e, enum side side)
{
	int n = 0;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		n += e->socks[i].used && !e->socks[i].closed && e->socks[i].side == side;
	return n;
}

/* A command that frees a descriptor on a full side, for advice: "NAME
 * close" for a program that holds an open socket and can take a command
 * (prefer, the program the refused command named, first), else "NAME
 * interrupt" for one blocked in a call. */
static void close_cmd(struct engine *e, enum side side, const struct eprog *prefer, char *out, size_t len)
{
	const struct eprog *take = NULL, *busy = NULL, *stopped = NULL;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		if (!s->used || s->closed || s->side != side)
			continue;
		const struct eprog *p = &e->progs[s->prog];
		if (p->gone)
			continue;
		if (prog_stopped(&p->p)) {
			stopped = stopped ? stopped : p;
			continue;
		}
		if (p->busy) {
			busy = busy ? busy : p;
			continue;
		}
		if (!take || p == prefer)
			take = p;
	}
	if (take)
		snprintf(out, len, "\"%s close\"", take->name);
	else if (busy)
		snprintf(out, len, "\"%s interrupt\" (it is blocked in %s()), then \"%s close\"", busy->name,
			 cmd_verb_name(busy->verb), busy->name);
	else if (stopped)
		snprintf(out, len, "\"kill -CONT %d\" in a shell (%s is stopped), then \"%s close\"", (int)stopped->p.pid,
			 stopped->name, stopped->name);
	else
		snprintf(out, len, "a close in a program that runs"); /* no open socket: not reached */
}

/* A command that makes a new forked child on a side, for advice: "server
 * fork" when program num can fork now, else the first other program of the
 * side that can, started first if it does not run ("server2 socket tcp",
 * then "server2 fork"). A child's number is never used twice, so a program
 * that made CMD_CHILD_MAX children forks no more. */
static void fork_cmd(struct engine *e, enum side side, int num, char *out, size_t len)
{
	for (int k = 0; k <= 9; k++) {
		int n = k == 0 ? num : k; /* num first, then 1..9 */
		if (k > 0 && k == num)
			continue;
		char name[16];
		cmd_prog_name(side, n, 0, name, sizeof(name));
		struct eprog *b = find_prog(e, side, n, 0);
		if (!b || b->gone) {
			char room[96] = "";
			if (open_socks(e, side) >= ENGINE_SIDE_SOCKS) /* its first socket needs room */
				close_cmd(e, side, NULL, room, sizeof(room));
			snprintf(out, len, "%s%s\"%s socket tcp\" to start %s, then \"%s fork\"", room,
				 room[0] ? ", then " : "", name, name, name);
			return;
		}
		if (b->children >= CMD_CHILD_MAX)
			continue;
		if (b->busy)
			snprintf(out, len, "\"%s interrupt\" (it is blocked in %s()), then \"%s fork\"", name,
				 cmd_verb_name(b->verb), name);
		else
			snprintf(out, len, "\"%s fork\"", name);
		return;
	}
	snprintf(out, len, "a command for a program that runs (every %s program has made %d children)",
		 side_name(side), CMD_CHILD_MAX);
}

/* The program a command names, or NULL with one line in err. */
static struct eprog *target_prog(struct engine *e, const struct target *t, char *err, size_t errlen)
{
	char name[16], parent[16], how[160];
	struct eprog *pr = find_prog(e, t->side, t->prog, t->child);
	prog_name_of(t, name, sizeof(name));
	cmd_prog_name(t->side, t->prog, 0, parent, sizeof(parent));
	if (pr && pr->gone && !t->child) {
		snprintf(err, errlen, "%s has ended; expected \"%s socket tcp\" to start it again, or a command for "
			 "a program that runs", name, name);
		return NULL;
	}
	if (pr && pr->gone) { /* a forked child: only its parent's fork makes one */
		fork_cmd(e, t->side, t->prog, how, sizeof(how));
		snprintf(err, errlen, "%s has ended, and a forked child cannot be started again; expected %s for a "
			 "new child, or a command for a program that runs", name, how);
		return NULL;
	}
	if (!pr) {
		if (t->child) {
			struct eprog *b = find_prog(e, t->side, t->prog, 0);
			fork_cmd(e, t->side, t->prog, how, sizeof(how));
			if (b && !b->gone && b->children < CMD_CHILD_MAX)
				snprintf(err, errlen, "there is no %s: %s has forked %d child%s so far; expected %s (it "
					 "makes %s.%d)", name, parent, b->children, b->children == 1 ? "" : "ren", how,
					 parent, b->children + 1);
			else
				snprintf(err, errlen, "there is no %s; expected %s first", name, how);
		} else
			snprintf(err, errlen, "%s has no open socket; expected \"%s socket tcp\" or \"%s socket udp\" first",
				 name, name, name);
	}
	return pr;
}

/* The socket a command names, or NULL with one line in err saying what was
 * expected. any_state: closed sockets count too (expect looks at them). */
static struct esock *find(struct engine *e, const struct target *t, bool any_state, char *err, size_t errlen)
{
	char name[16], open[160];
	struct eprog *pr = find_prog(e, t->side, t->prog, t->child);
	if (!pr) {
		target_prog(e, t, err, errlen);
		return NULL;
	}
	prog_name_of(t, name, sizeof(name));
	list_open(e, pr, open, sizeof(open));
	struct esock *s = lookup(e, pr, t->fd, any_state || t->fd >= 0);
	if (!s) {
		if (t->fd < 0)
			snprintf(err, errlen, "%s has no open socket; expected \"%s socket tcp\" or \"%s socket udp\" first",
				 name, name, name);
		else if (fd_is_hidden(pr, t->fd))
			snprintf(err, errlen, "%s#%d is open in %s, but sockstep does not follow it (the %s side's "
				 "programs held %d sockets, the most it follows); expected one of the sockets it follows: %s",
				 name, t->fd, name, side_name(t->side), ENGINE_SIDE_SOCKS, open);
		else
			snprintf(err, errlen, "%s has no descriptor %d; expected one of its open sockets: %s", name,
				 t->fd, open);
		return NULL;
	}
	if (s->closed && !any_state) {
		snprintf(err, errlen, "%s#%d was closed at step %u; expected an open socket (open: %s)", name, s->fd,
			 s->closed_at, open);
		return NULL;
	}
	return s;
}

/* ---- explanations ------------------------------------------------------- */

/* What the socket was, for explaining an error: the kernel's words are the
 * same for different situations (EPIPE: shut down, reset, never connected). */
static struct explain_sit situation_of(const struct engine *e, const struct esock *s)
{
	struct explain_sit x = { .tcp = s->proto == PROTO_TCP, .listening = s->listening,
				 .shut_rd = s->shut_rd, .shut_wr = s->shut_wr, .server = s->side == SIDE_SERVER,
				 .lab = e->lab->mode == NET_LAB };
	if (s->listening)
		x.sit = SIT_LISTENING;
	else if (s->shut_wr || s->shut_rd)
		x.sit = SIT_SHUT;
	else if (s->cur_peer)
		x.sit = SIT_CONNECTED;
	else
		x.sit = s->connected_once ? SIT_WAS_CONNECTED : SIT_FRESH;
	return x;
}

static const char *hint(const struct engine *e, const struct esock *s, enum verb v, int err)
{
	struct explain_sit x = situation_of(e, s);
	return explain_errno(v, err, &x);
}

static void log_error_hint(struct engine *e, const struct esock *s, enum verb v, int err)
{
	const char *h = hint(e, s, v, err);
	if (h)
		plog(e, EV_INFO, prog_at(e, s), s->fd, "%s: %s", errno_name(err), h);
}

/* ---- reading the kernel ------------------------------------------------ */

/* What the kernel says of s now: addresses and state, no interpretation.
 * The program's descriptor is borrowed (pidfd_getfd) and given back.
 * 0, or negative errno when the descriptor could not be borrowed (the
 * program is gone): then r holds no addresses and the state "?". */
static int diag_fd(struct engine *e, enum side side);

/* A connection that ended while its descriptor is still open: the kernel
 * hands it to a TIME_WAIT socket of its own (tcp_time_wait), which keeps
 * the cookie and the peer, and the descriptor's socket says CLOSED with no
 * peer. What the connection is in the kernel is what the table shows (the
 * TIME_WAIT that makes a later bind fail), with its peer. */
static void time_wait_of(struct engine *e, struct esock *s, struct tuple_row *r)
{
	int dfd = diag_fd(e, s->side);
	struct sockaddr_in peer;
	int st = dfd >= 0 ? tcpstate_diag(dfd, &s->cur_local, &s->cur_remote, s->cookie, &peer) : -ENOENT;
	if (st <= 0)
		return;
	snprintf(r->state, sizeof(r->state), "%s", tuple_tcp_state_name(st));
	tuple_set_remote(r, &peer);
	s->cur_remote = peer;
}

static int snapshot(struct engine *e, struct esock *s, struct tuple_row *r)
{
	struct eprog *pr = prog_at(e, s);
	struct sockaddr_in sin;
	socklen_t sl;
	memset(r, 0, sizeof(*r));
	r->side = s->side;
	r->prog = (unsigned char)pr->num;
	r->child = (unsigned char)pr->child;
	r->fd = s->fd;
	r->proto = s->proto;
	int fd = prog_peek(&pr->p, s->fd);
	if (fd < 0) {
		snprintf(r->state, sizeof(r->state), "?");
		return fd;
	}
	sl = sizeof(sin);
	memset(&s->cur_local, 0, sizeof(s->cur_local));
	if (getsockname(fd, (struct sockaddr *)&sin, &sl) == 0) {
		tuple_set_local(r, &sin);
		s->cur_local = sin;
	}
	sl = sizeof(sin);
	s->cur_peer = getpeername(fd, (struct sockaddr *)&sin, &sl) == 0;
	if (s->cur_peer) {
		tuple_set_remote(r, &sin);
		s->cur_remote = sin;
	}
	if (tcpstate_of_fd(fd, s->proto, r->state, sizeof(r->state)) < 0)
		snprintf(r->state, sizeof(r->state), "?");
	uint64_t ck = 0;
	socklen_t cl = sizeof(ck);
	if (!s->cookie && getsockopt(fd, SOL_SOCKET, SO_COOKIE, &ck, &cl) == 0)
		s->cookie = ck;
	close(fd);
	if (s->proto == PROTO_TCP && s->connected_once && s->cookie && !s->cur_peer && !strcmp(r->state, "CLOSED"))
		time_wait_of(e, s, r);
	return 0;
}

/* Log a row for s; `r` already holds the values to show. */
static void show_row(struct engine *e, struct esock *s, struct tuple_row *r, enum tstep st)
{
	struct eprog *pr = prog_at(e, s);
	r->step = st;
	r->prog = (unsigned char)pr->num;
	r->child = (unsigned char)pr->child;
	tuple_diff(r, s->has_shown ? &s->shown : NULL);
	s->shown = *r;
	s->has_shown = true;
	struct event *ev = plog(e, EV_ROW, pr, s->fd, NULL);
	if (ev)
		session_attach_row(ev, r);
}

/* The common case: a row straight from the kernel. */
static void kernel_row(struct engine *e, struct esock *s, enum tstep st, const char *note)
{
	struct tuple_row r;
	snapshot(e, s, &r);
	s->kernel = r;
	if (r.rip[0])
		s->connected_once = true;
	if (note)
		snprintf(r.note, sizeof(r.note), "%s", note);
	show_row(e, s, &r, st);
}

/* A UDP row: the kernel's values, and where the kernel keeps no peer, the
 * address the call used (sendto's destination, recvfrom's source) with a
 * note that says so: the lecture's table fills REMOTE in, the kernel does not. */
static void udp_row(struct engine *e, struct esock *s, const struct sockaddr_in *remote, const char *note,
		    enum tstep st)
{
	struct tuple_row r;
	snapshot(e, s, &r);
	s->kernel = r;
	if (!r.rip[0]) {
		tuple_set_remote(&r, remote);
		snprintf(r.note, sizeof(r.note), "%s", note);
	}
	show_row(e, s, &r, st);
}

static int diag_fd(struct engine *e, enum side side)
{
	if (e->diag_fd[side] < 0) {
		int fd = lab_socket(e->lab, side, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		int high = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, lab_fd_base()) : -1;
		if (high >= 0) {
			close(fd);
			fd = high;
		}
		e->diag_fd[side] = fd;
	}
	return e->diag_fd[side];
}

/* Another program's open descriptor for the same socket (fork's copies). */
static struct esock *other_holder(struct engine *e, const struct esock *s)
{
	for (int i = 0; s->cookie && i < ENGINE_MAX_SOCKS; i++) {
		struct esock *o = &e->socks[i];
		if (o != s && o->used && !o->closed && o->cookie == s->cookie)
			return o;
	}
	return NULL;
}

/* State of a socket whose descriptor is gone: another program may still
 * hold the socket (then it is that one's), else sock_diag says what the
 * kernel keeps of it (FIN_WAIT2, TIME_WAIT), found by its cookie. */
static void closed_state(struct engine *e, struct esock *s, char *out, size_t len)
{
	struct esock *o = other_holder(e, s);
	if (o) {
		struct tuple_row r;
		snapshot(e, o, &r);
		snprintf(out, len, "%s", r.state);
		return;
	}
	int fd = s->proto == PROTO_TCP && (s->connected_once || s->cookie) ? diag_fd(e, s->side) : -1;
	int st = fd >= 0 ? tcpstate_diag(fd, &s->last_local, &s->last_remote, s->cookie, NULL) : -ENOENT;
	snprintf(out, len, "%s", st > 0 ? tuple_tcp_state_name(st) : "CLOSED");
}

/* The state of an open socket now, without logging anything. */
static void state_now(struct engine *e, struct esock *s, char *out, size_t len)
{
	struct tuple_row r;
	if (s->closed) {
		closed_state(e, s, out, len);
		return;
	}
	snapshot(e, s, &r);
	snprintf(out, len, "%s", r.state);
}

/* ---- building addresses -------------------------------------------------- */

/* Run the four statements of the lecture and log each stage. */
static void build_sockaddr(struct engine *e, const struct esock *s, const struct cmd *c,
			   const char *var, struct sockaddr_in *out)
{
	struct eprog *pr = prog_at(e, s);
	sa_build(&e->sa, var, c->addr_text, c->port, c->conv, c->nohtons);
	e->sa_set = true;
	struct event *ev = plog(e, EV_SOCKADDR, pr, s->fd, NULL);
	if (ev)
		session_attach_sa(ev, &e->sa);
	if (e->sa.conv_failed && c->conv == CONV_INET_ADDR)
		plog(e, EV_INFO, pr, s->fd,
		     "inet_addr(\"%.64s\") returned INADDR_NONE (0xFFFFFFFF): the same value it returns "
		     "for bad input, so a program cannot tell them apart; inet_pton can",
		     c->addr_text);
	*out = e->sa.sin;
}

/* The lecture's variable names: the server binds echoserver and fills
 * echoclient from recvfrom/accept; the client binds echoclient and connects to
 * echoserver. */
static const char *local_var(enum side side)
{
	return side == SIDE_SERVER ? "echoserver" : "echoclient";
}
static const char *remote_var(enum side side)
{
	return side == SIDE_SERVER ? "echoclient" : "echoserver";
}

/* ---- sockets ------------------------------------------------------------- */

/* A slot for a new descriptor of a side, or NULL when that side holds
 * ENGINE_SIDE_SOCKS open ones already. A free slot, else the oldest closed
 * one, reused where it is: slots never move. With both sides at most at
 * their limit, a free or closed slot is always left. */
static struct esock *new_sock(struct engine *e, const struct eprog *pr, int fd, enum proto proto,
			      const struct sock_kind *kind, const char *var)
{
	if (open_socks(e, pr->side) >= ENGINE_SIDE_SOCKS)
		return NULL;
	struct esock *s = NULL;
	for (int i = 0; i < ENGINE_MAX_SOCKS && !s; i++)
		if (!e->socks[i].used)
			s = &e->socks[i];
	for (int i = 0; i < ENGINE_MAX_SOCKS && !s; i++)
		if (e->socks[i].closed && !e->socks[i].close_row_due)
			s = &e->socks[i];
	for (int i = 0; s && s->used && i < ENGINE_MAX_SOCKS; i++) {
		struct esock *o = &e->socks[i];
		if (o->closed && !o->close_row_due && o->born < s->born)
			s = o;
	}
	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->born = ++e->born;
	s->prog = (int)(pr - e->progs);
	s->side = pr->side;
	s->fd = fd;
	s->proto = proto;
	s->kind = kind;
	snprintf(s->var, sizeof(s->var), "%s", var);
	return s;
}

static void got_data(struct engine *e, struct eprog *pr, struct esock *s, const unsigned char *buf, ssize_t n,
		     const struct sockaddr_in *from)
{
	char esc[256];
	size_t len = n > 0 ? (size_t)n : 0;
	if (len > CMD_DATA_MAX)
		len = CMD_DATA_MAX;
	memcpy(pr->data, buf, len);
	pr->data_len = len;
	pr->data_set = true;
	escape_bytes(buf, len, esc, sizeof(esc));
	struct event *ev;
	if (n == 0 && s->proto == PROTO_TCP)
		ev = plog(e, EV_DATA, pr, s->fd, "received 0 bytes: the peer closed its side (end of stream)");
	else if (from) {
		char ip[16];
		inet_ntop(AF_INET, &from->sin_addr, ip, sizeof(ip));
		ev = plog(e, EV_DATA, pr, s->fd, "received \"%s\" (%zd bytes) from %s:%u", esc, n, ip,
			  (unsigned)ntohs(from->sin_port));
	} else
		ev = plog(e, EV_DATA, pr, s->fd, "received \"%s\" (%zd bytes)", esc, n);
	if (ev)
		ev->ret = n;
}

/* ---- the C text of each call --------------------------------------------- */

static void call_code(char *buf, size_t len, const struct esock *s, const struct cmd *c)
{
	const char *v = s ? s->var : "sock";
	enum side side = c->t.side;
	char esc[96];
	switch (c->verb) {
	case V_BIND:
		snprintf(buf, len, "bind(%s, (struct sockaddr *)&%s, sizeof(%s));", v, local_var(side), local_var(side));
		break;
	case V_LISTEN:
		snprintf(buf, len, "listen(%s, %d);", v, c->backlog);
		break;
	case V_ACCEPT:
		snprintf(buf, len, "csock = accept(%s, (struct sockaddr *)&%s, &clientlen);", v, remote_var(side));
		break;
	case V_CONNECT:
		snprintf(buf, len, "connect(%s, (struct sockaddr *)&%s, sizeof(%s));", v, remote_var(side),
			 remote_var(side));
		break;
	case V_SEND:
		escape_bytes(c->data, c->data_len, esc, sizeof(esc));
		snprintf(buf, len, "send(%s, \"%s\", %zu, 0);", v, esc, c->data_len);
		break;
	case V_SENDTO:
		escape_bytes(c->data, c->data_len, esc, sizeof(esc));
		snprintf(buf, len, "sendto(%s, \"%s\", %zu, 0, (struct sockaddr *)&%s, sizeof(%s));", v, esc,
			 c->data_len, remote_var(side), remote_var(side));
		break;
	case V_RECV:
		snprintf(buf, len, "recv(%s, buffer, %zu, 0);", v, c->maxlen);
		break;
	case V_RECVFROM:
		snprintf(buf, len, "recvfrom(%s, buffer, %zu, 0, (struct sockaddr *)&%s, &clientlen);", v, c->maxlen,
			 remote_var(side));
		break;
	case V_SHUTDOWN:
		snprintf(buf, len, "shutdown(%s, %s);", v,
			 c->how == SHUT_RD ? "SHUT_RD" : c->how == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR");
		break;
	case V_CLOSE:
		snprintf(buf, len, "close(%s);", v);
		break;
	case V_FLOOD:
		snprintf(buf, len, "for (i = 0; i < %lu; i++) sendto(%s, &i, 8, 0, (struct sockaddr *)&%s, sizeof(%s));",
			 c->count, v, remote_var(side), remote_var(side));
		break;
	case V_SETSOCKOPT:
		snprintf(buf, len, "setsockopt(%s, SOL_SOCKET, SO_REUSEADDR, &(int){%d}, sizeof(int));", v, c->optval);
		break;
	case V_NONBLOCK:
		snprintf(buf, len, "fcntl(%s, F_SETFL, fcntl(%s, F_GETFL) %s);", v, v,
			 c->optval ? "| O_NONBLOCK" : "& ~O_NONBLOCK");
		break;
	case V_FORK:
		snprintf(buf, len, "pid = fork();");
		break;
	default:
		snprintf(buf, len, "%s(%s);", cmd_verb_name(c->verb), v);
	}
}

/* ---- making a call ------------------------------------------------------- */

static void prog_died(struct engine *e, struct eprog *pr)
{
	char how[96];
	prog_exit_text(&pr->p, pr->ours, how, sizeof(how));
	plog(e, EV_INFO, pr, -1, "%s %s%s%s%s: its descriptors are closed by the kernel", pr->name, how,
	     pr->busy ? " in " : "", pr->busy ? cmd_verb_name(pr->verb) : "", pr->busy ? "(), which never returned" : "");
	pr->gone = true;
	pr->stopped = false;
	pr->busy = false;
	prog_kill(&pr->p, false);
	int slot = (int)(pr - e->progs);
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		struct esock *s = &e->socks[i];
		if (!s->used || s->closed || s->prog != slot)
			continue;
		s->last_local = s->cur_local;
		if (s->cur_peer) {
			s->last_remote = s->cur_remote;
			s->connected_once = true;
		}
		s->closed = true;
		s->closed_at = e->log->seq;
		s->close_row = s->shown;
		s->close_row_due = s->has_shown;
	}
}

int engine_watch(struct engine *e)
{
	int n = 0;
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (!pr->used || pr->gone)
			continue;
		if (!prog_alive(&pr->p)) {
			prog_died(e, pr);
			n++;
			continue;
		}
		bool stopped = prog_stopped(&pr->p);
		if (stopped == pr->stopped)
			continue;
		pr->stopped = stopped;
		n++;
		if (stopped)
			plog(e, EV_INFO, pr, -1, "%s is stopped (SIGSTOP: state T in /proc/%d/stat): it runs nothing%s%s%s "
			     "until it gets SIGCONT (kill -CONT %d)", pr->name, (int)pr->p.pid,
			     pr->busy ? ", not even its " : "", pr->busy ? cmd_verb_name(pr->verb) : "",
			     pr->busy ? "()," : "", (int)pr->p.pid);
		else
			plog(e, EV_INFO, pr, -1, "%s continues (SIGCONT)%s%s%s", pr->name,
			     pr->busy ? ": back in its " : "", pr->busy ? cmd_verb_name(pr->verb) : "",
			     pr->busy ? "()" : "");
	}
	return n;
}

/* Wait until the program's call returns or sleeps. 1: the reply is in
 * e->rep; 0: the program is blocked; <0: it died. */
static int answer(struct engine *e, struct eprog *pr)
{
	int rc = prog_settle(&pr->p);
	if (rc <= 0)
		return rc;
	return prog_recv(&pr->p, e->rep) < 0 ? -EPIPE : 1;
}

/* Send the program its call and wait as answer() does. */
static int call(struct engine *e, struct eprog *pr, const struct prog_req *rq, int pass_fd)
{
	if (!e->rep)
		return -ENOMEM;
	engine_host_filter(e); /* --net host: the call's frames must find their filter */
	int rc = prog_send(&pr->p, rq, pass_fd);
	return rc < 0 ? rc : answer(e, pr);
}

/* Datagrams all floods together may send between two turns of the relay:
 * half the wire's capture ring, so that it never overflows (a flood in each
 * of three programs shares it). engine_progress, which runs once the wire
 * has been drained, gives the budget back. */
#define FLOOD_BUDGET (WIRE_CAP_FRAMES / 2)

static bool flood_chunk(struct engine *e, struct eprog *pr, struct esock *s);

/* A new turn of the relay: the floods' budget is what the capture ring can
 * take on top of the datagrams already asked for and not yet seen on the
 * wire. When nothing arrived since the last turn, nothing is in flight any
 * more (a datagram the kernel dropped is never seen). A flood left waiting
 * arms a 10 ms timer, so that the loop comes back to it. */
static void flood_turn(struct engine *e)
{
	unsigned long seen = e->wire ? wire_last_no(e->wire) : 0;
	bool waiting = false;
	if (e->flood_timer >= 0) {
		uint64_t ticks;
		if (read(e->flood_timer, &ticks, sizeof(ticks)) < 0)
			ticks = 0; /* not expired yet: EAGAIN */
	}
	if (!e->wire || seen == e->flood_seen_prev || seen - e->flood_seen_base >= e->flood_asked) {
		e->flood_asked = 0;
		e->flood_seen_base = seen;
	}
	e->flood_seen_prev = seen;
	unsigned long inflight = e->flood_asked - (seen - e->flood_seen_base);
	e->flood_budget = inflight >= FLOOD_BUDGET ? 0 : (unsigned)(FLOOD_BUDGET - inflight);
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (pr->used && pr->busy && pr->verb == V_FLOOD && pr->flood_waiting && pr->sock >= 0)
			waiting |= !flood_chunk(e, pr, &e->socks[pr->sock]);
	}
	if (waiting && e->flood_timer < 0)
		e->flood_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->flood_timer >= 0) {
		struct itimerspec it = { .it_value = { .tv_nsec = waiting ? 10 * 1000000 : 0 } };
		timerfd_settime(e->flood_timer, 0, &it, NULL);
	}
}

/* Send the flood's next chunk, as much as the budget allows; false when
 * the budget is spent (the flood waits for the next turn). */
static bool flood_chunk(struct engine *e, struct eprog *pr, struct esock *s)
{
	unsigned long left = s->flood_total - pr->flood_from;
	unsigned long n = left < e->flood_budget ? left : e->flood_budget;
	pr->flood_waiting = n == 0;
	if (!n)
		return false;
	struct prog_req rq;
	memset(&rq, 0, offsetof(struct prog_req, data));
	rq.op = PO_FLOOD;
	rq.fd = s->fd;
	rq.addr = s->pending_dest;
	rq.a = (int)n;
	rq.flood_from = pr->flood_from;
	pr->flood_from += n;
	e->flood_budget -= (unsigned)n;
	e->flood_asked += n;
	engine_host_filter(e);
	if (prog_send(&pr->p, &rq, -1) < 0)
		prog_died(e, pr);
	return true;
}

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

static struct esock *sock_of_fd(struct engine *e, const struct eprog *pr, int fd)
{
	return lookup(e, pr, fd, false);
}

/* The program answered its call (e->rep): log the result and what it
 * changed. Returns false when the call goes on (a flood's next chunk). */
static bool finish(struct engine *e, struct eprog *pr, unsigned origin)
{
	struct prog_rep *rp = e->rep;
	enum call_status st = origin ? CS_COMPLETED : CS_DONE;
	struct esock *s = pr->sock >= 0 ? &e->socks[pr->sock] : NULL;
	long ret = rp->ret;
	int er = rp->err;
	int fd = s ? s->fd : -1;

	if (pr->verb == V_FLOOD && s) {
		s->flood_sent += rp->sent;
		s->flood_fail += rp->failed;
		if (rp->failed)
			s->flood_err = rp->flood_err;
		if (pr->flood_from < s->flood_total && !er) {
			flood_chunk(e, pr, s); /* or it waits for the next turn */
			return false;
		}
		pr->busy = false;
		log_result(e, pr, fd, pr->code, (long)s->flood_sent, s->flood_fail ? s->flood_err : 0, st, origin);
		plog(e, EV_INFO, pr, fd, "flood: %lu datagrams sent, %lu failed%s%s", s->flood_sent, s->flood_fail,
		     s->flood_fail ? " with " : "", s->flood_fail ? errno_name(s->flood_err) : "");
		return true;
	}
	pr->busy = false;
	if (pr->verb == V_SOCKET) {
		log_result(e, pr, ret >= 0 ? (int)ret : -1, pr->code, ret, er, st, origin);
		const struct sock_kind *k = pr->kind;
		if (er) {
			struct esock tmp = { .proto = k->proto, .side = pr->side, .prog = (int)(pr - e->progs), .fd = -1 };
			const char *h = hint(e, &tmp, V_SOCKET, er);
			plog(e, EV_INFO, pr, -1, "%s: %s%s%s", errno_name(er), k->purpose, h ? "; " : "", h ? h : "");
			return true;
		}
		struct esock *ns = new_sock(e, pr, (int)ret, k->proto, k, "sock");
		if (!ns)
			return true; /* counted before the call: cannot happen */
		if (k->proto == PROTO_NONE)
			plog(e, EV_INFO, pr, ns->fd, "%s: %s (sockstep shows its descriptor; the 5-tuple table follows "
			     "TCP and UDP over IPv4)", k->word, k->purpose);
		else
			kernel_row(e, ns, TS_SOCKET, NULL);
		return true;
	}
	if (pr->verb == V_FORK) {
		log_result(e, pr, -1, pr->code, ret, er, st, origin);
		return true; /* the child is set up by do_fork */
	}
	if (pr->verb == V_SELECT) {
		log_result(e, pr, -1, pr->code, ret, er, st, origin);
		if (er) {
			if (er == EINTR)
				plog(e, EV_INFO, pr, -1, "EINTR: %s", hint(e, &(struct esock){ 0 }, V_SELECT, EINTR));
			return true;
		}
		for (int i = 0; i < pr->sel_n; i++) {
			struct esock *o = sock_of_fd(e, pr, pr->sel_fd[i]);
			if (rp->sel_rd[i])
				plog(e, EV_INFO, pr, pr->sel_fd[i], "FD_ISSET(%d, &readfds): ready to read: %s", pr->sel_fd[i],
				     ready_why(o, true));
			if (rp->sel_wr[i])
				plog(e, EV_INFO, pr, pr->sel_fd[i], "FD_ISSET(%d, &writefds): ready to write: %s",
				     pr->sel_fd[i], ready_why(o, false));
		}
		return true;
	}
	if (!s)
		return true;
	log_result(e, pr, fd, pr->code, ret, er, st, origin);
	if (er)
		log_error_hint(e, s, pr->verb, er);
	switch (pr->verb) {
	case V_BIND:
		if (!er)
			kernel_row(e, s, TS_BIND, NULL);
		break;
	case V_LISTEN: {
		if (er)
			break;
		s->listening = true;
		struct tuple_row r;
		snapshot(e, s, &r);
		s->kernel = r;
		tuple_set_unknown_remote(&r);
		if (!r.lport[0] || !strcmp(r.lip, "0.0.0.0"))
			snprintf(r.note, sizeof(r.note), "%s", r.lport[0] ? "listening on every address of the host" : "");
		show_row(e, s, &r, TS_LISTEN);
		if (!s->kernel.lport[0])
			plog(e, EV_INFO, pr, fd, "%s", "listen() without bind(): the kernel picked a port for it");
		break;
	}
	case V_ACCEPT: {
		if (er)
			break;
		struct esock *ns = new_sock(e, pr, (int)ret, s->proto, s->kind, "csock");
		if (!ns) {
			fd_hide(pr, (int)ret);
			plog(e, EV_INFO, pr, (int)ret, "%s's side holds %d open sockets already, the most sockstep shows: "
			     "descriptor %ld is not shown", pr->name, ENGINE_SIDE_SOCKS, ret);
			break;
		}
		kernel_row(e, ns, TS_ACCEPTED, "a new socket: the listening one keeps waiting");
		pr->from = rp->addr;
		pr->from_set = true;
		pr->from_verb = V_ACCEPT;
		break;
	}
	case V_CONNECT:
		if (s->proto != PROTO_TCP) {
			kernel_row(e, s, TS_REMOTE, er ? NULL : "UDP connect(): the peer is stored in the kernel; nothing was sent");
			break;
		}
		if (er == EISCONN || er == EALREADY || er == EBADF)
			break; /* nothing changed */
		if (er == EINPROGRESS || er == EINTR) {
			struct tuple_row r;
			snapshot(e, s, &r);
			s->kernel = r;
			if (!r.rip[0] && !strcmp(r.state, "SYN_SENT"))
				tuple_set_remote(&r, &s->pending_dest); /* the kernel has it; getpeername waits for ESTABLISHED */
			snprintf(r.note, sizeof(r.note), "%s",
				 er == EINTR ? "connect() gave up waiting; the handshake goes on in the kernel"
					     : "connect() returned at once; the handshake goes on in the kernel");
			show_row(e, s, &r, TS_STATE);
			break;
		}
		kernel_row(e, s, er ? TS_FAILED : TS_CONNECTED, NULL);
		break;
	case V_SEND:
		break;
	case V_SENDTO:
		if (!er && s->proto == PROTO_UDP)
			udp_row(e, s, &s->pending_dest,
				"remote = sendto()'s destination; the datagram carries both addresses, the kernel keeps no peer",
				TS_SENT);
		break;
	case V_RECV:
		if (!er)
			got_data(e, pr, s, rp->data, ret, NULL);
		break;
	case V_RECVFROM:
		if (er)
			break;
		got_data(e, pr, s, rp->data, ret, s->proto == PROTO_UDP ? &rp->addr : NULL);
		if (s->proto == PROTO_UDP) {
			pr->from = rp->addr;
			pr->from_set = true;
			pr->from_verb = V_RECVFROM;
		}
		if (pr->dgram_len > ret && s->proto == PROTO_UDP)
			plog(e, EV_INFO, pr, fd,
			     "the datagram had %ld bytes and the buffer holds %ld: the other %ld bytes are discarded "
			     "(MSG_TRUNC; a datagram is read whole or cut, never in pieces)",
			     pr->dgram_len, ret, pr->dgram_len - ret);
		if (s->proto == PROTO_UDP) /* exact where the lecture simplifies: the kernel keeps no peer */
			udp_row(e, s, &rp->addr,
				"remote from recvfrom()'s source; no peer in the kernel (getpeername: ENOTCONN)", TS_RECEIVED);
		break;
	case V_SHUTDOWN:
		if (!er && pr->how != SHUT_WR)
			s->shut_rd = true;
		if (!er && pr->how != SHUT_RD)
			s->shut_wr = true;
		if (!er)
			kernel_row(e, s, TS_SHUTDOWN, pr->how == SHUT_RD ? "no more receiving on this side"
									: "this side will send no more (FIN)");
		break;
	case V_CLOSE:
		if (er)
			break;
		s->closed = true;
		s->closed_at = e->log->seq;
		/* The row comes from engine_refresh: what close() starts (FIN,
		 * ACK) takes a moment, and the state shown must not depend on how long. */
		s->close_row_due = true;
		break;
	case V_NONBLOCK:
		if (!er)
			s->nonblock = pr->nb_on;
		break;
	default:
		break;
	}
	return true;
}

/* The program sleeps in its call: say so, and what the kernel shows meanwhile. */
static void blocked(struct engine *e, struct eprog *pr)
{
	struct esock *s = pr->sock >= 0 ? &e->socks[pr->sock] : NULL;
	pr->busy = true;
	log_result(e, pr, s ? s->fd : -1, pr->code, 0, 0, CS_BLOCKED, 0);
	if (!s)
		return;
	if (pr->verb == V_RECVFROM && s->proto == PROTO_UDP) {
		struct tuple_row r;
		snapshot(e, s, &r);
		s->kernel = r;
		if (!r.rip[0])
			tuple_set_unknown_remote(&r);
		show_row(e, s, &r, TS_WAITMSG);
	} else if (pr->verb == V_CONNECT && s->proto == PROTO_TCP && e->live) {
		/* The kernel's state now (SYN_SENT), before any answer can arrive. */
		struct tuple_row r;
		snapshot(e, s, &r);
		s->kernel = r;
		tuple_set_remote(&r, &s->pending_dest);
		snprintf(r.note, sizeof(r.note), "%s",
			 e->lab->mode == NET_LAB ? "connect() sleeps; the SYN leaves once ARP has found the peer's MAC"
						 : "connect() sleeps until the handshake ends");
		show_row(e, s, &r, TS_STATE);
	}
}

/* Start the call set up in pr (verb, sock, code) with request rq. */
/* What became of the call just made (answer()'s rc): logged as done, or
 * as blocked (a flood goes on in chunks), or the program is gone. */
static void conclude(struct engine *e, struct eprog *pr, int rc)
{
	if (rc < 0)
		prog_died(e, pr);
	else if (rc == 0 || !finish(e, pr, 0))
		blocked(e, pr);
}

static void run_call(struct engine *e, struct eprog *pr, const struct prog_req *rq)
{
	pr->seq = e->log->seq;
	conclude(e, pr, call(e, pr, rq, -1));
}

static void req_init(struct prog_req *rq, enum prog_op op, int fd)
{
	memset(rq, 0, offsetof(struct prog_req, data));
	rq->op = op;
	rq->fd = fd;
}

/* ---- the commands ---------------------------------------------------------- */

static int do_socket(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	char name[16];
	cmd_prog_name(c->t.side, c->t.prog, c->t.child, name, sizeof(name));
	if (open_socks(e, c->t.side) >= ENGINE_SIDE_SOCKS) {
		char how[96];
		close_cmd(e, c->t.side, find_prog(e, c->t.side, c->t.prog, c->t.child), how, sizeof(how));
		return ERR("the %s side holds %d open sockets already, the most sockstep follows; expected %s first",
			   side_name(c->t.side), ENGINE_SIDE_SOCKS, how);
	}
	struct eprog *pr = find_prog(e, c->t.side, c->t.prog, c->t.child);
	if ((!pr || pr->gone) && c->t.child)
		return target_prog(e, &c->t, err, errlen) ? 0 : -EINVAL;
	if (!pr || pr->gone) { /* a program that ended starts again, afresh */
		pr = start_prog(e, c->t.side, c->t.prog, err, errlen);
		if (!pr)
			return -EINVAL;
		plog(e, EV_INFO, pr, -1, "%s starts: a program of its own in the %s host; its first socket "
		     "will be descriptor 3", pr->name, side_name(pr->side));
	}
	const struct sock_kind *k = c->kind;
	static const struct sock_kind tcp = { "tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP, "PF_INET", "SOCK_STREAM",
					      "IPPROTO_TCP", PROTO_TCP, "" };
	if (!k)
		k = &tcp;
	pr->verb = V_SOCKET;
	pr->sock = -1;
	pr->kind = k;
	snprintf(pr->code, sizeof(pr->code), "sock = socket(%s, %s, %s);", k->c_domain, k->c_type, k->c_protocol);
	struct prog_req rq;
	req_init(&rq, PO_SOCKET, -1);
	rq.a = k->domain;
	rq.b = k->type;
	rq.c = k->protocol;
	run_call(e, pr, &rq);
	return 0;
}

/* fork()'s copies: ch holds every descriptor pr holds. Where the side has
 * no room to follow them all, the newest are followed (a bare command means
 * the newest socket, in the child as in the parent) and the others are
 * named in one note; both keep pr's order of creation. */
static void inherit(struct engine *e, const struct eprog *pr, struct eprog *ch)
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
	int room = ENGINE_SIDE_SOCKS - open_socks(e, pr->side), skip = n > room ? n - room : 0;
	for (int k = 0; k < skip; k++)
		fd_hide(ch, e->socks[order[k]].fd);
	for (int k = skip; k < n; k++) {
		const struct esock *o = &e->socks[order[k]];
		struct esock *ns = new_sock(e, ch, o->fd, o->proto, o->kind, o->var);
		if (!ns) { /* cannot happen: room was counted */
			fd_hide(ch, o->fd);
			continue;
		}
		ns->listening = o->listening;
		ns->nonblock = o->nonblock;
		ns->connected_once = o->connected_once;
		ns->pending_dest = o->pending_dest;
		if (o->kind && o->kind->proto == PROTO_NONE)
			continue;
		struct tuple_row r;
		snapshot(e, ns, &r);
		ns->kernel = r;
		if (ns->listening)
			tuple_set_unknown_remote(&r);
		snprintf(r.note, sizeof(r.note), "inherited from %s by fork()", pr->name);
		show_row(e, ns, &r, TS_INHERITED);
	}
	char list[256];
	int hidden = fd_hidden_list(ch, list, sizeof(list));
	if (hidden)
		plog(e, EV_INFO, ch, -1, "%s also holds descriptor%s %s, inherited, that sockstep does not follow: "
		     "the %s side's programs hold %d open sockets, the most it follows (a bare \"%s\" command "
		     "means the newest socket it follows, as in %s)", ch->name, hidden == 1 ? "" : "s", list,
		     side_name(ch->side), ENGINE_SIDE_SOCKS, ch->name, pr->name);
}

static int do_fork(struct engine *e, struct eprog *pr, char *err, size_t errlen)
{
	char how[160];
	if (pr->child) {
		/* The grammar names one generation (server.1 .. server.9). */
		char parent[16];
		cmd_prog_name(pr->side, pr->num, 0, parent, sizeof(parent));
		fork_cmd(e, pr->side, pr->num, how, sizeof(how));
		return ERR("%s is a forked child, and sockstep names only a program's own children (%s.1 to %s.%d): "
			   "a child does not fork here; expected %s, as a concurrent server's parent does",
			   pr->name, parent, parent, CMD_CHILD_MAX, how);
	}
	if (pr->children >= CMD_CHILD_MAX) {
		fork_cmd(e, pr->side, pr->num, how, sizeof(how));
		return ERR("%s has forked %d children already (%s.1 to %s.%d), the most sockstep names; expected %s",
			   pr->name, pr->children, pr->name, pr->name, CMD_CHILD_MAX, how);
	}
	struct eprog *ch = free_prog(e);
	if (!ch)
		return ERR("%d programs exist already (running or ended), the most sockstep holds; expected a "
			   "command for a program that runs", ENGINE_MAX_PROGS);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ERR("cannot fork %s: socketpair: %s", pr->name, errno_name(errno));
	int n = pr->children + 1;
	char name[16];
	cmd_prog_name(pr->side, pr->num, n, name, sizeof(name));
	pr->verb = V_FORK;
	pr->sock = -1;
	snprintf(pr->code, sizeof(pr->code), "pid = fork();");
	struct prog_req rq;
	req_init(&rq, PO_FORK, -1);
	memcpy(rq.data, name, strlen(name) + 1);
	pr->seq = e->log->seq;
	int rc = call(e, pr, &rq, sv[1]);
	close(sv[1]);
	if (rc == 0) /* fork() does not wait for a peer: its answer comes, however slow the machine */
		rc = prog_recv(&pr->p, e->rep) == 0 ? 1 : -EPIPE;
	if (rc < 0) {
		close(sv[0]);
		prog_died(e, pr);
		return 0;
	}
	finish(e, pr, 0);
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
	plog(e, EV_INFO, ch, -1, "fork() returned 0 in the child, %s: a copy of %s with the same "
	     "descriptors, each one another reference to the same socket", name, pr->name);
	inherit(e, pr, ch);
	return 0;
}

static int do_interrupt(struct engine *e, struct eprog *pr, char *err, size_t errlen)
{
	if (!pr->busy)
		return ERR("%s is not blocked in a call; expected \"%s interrupt\" while a call sleeps (it sends "
			   "SIGUSR1, and the call returns -1 EINTR)", pr->name, pr->name);
	int rc = prog_interrupt(&pr->p);
	if (rc < 0)
		return ERR("cannot signal %s: %s", pr->name, errno_name(-rc));
	plog(e, EV_INFO, pr, -1, "kill(pid, SIGUSR1): %s's handler was installed without SA_RESTART, so the "
	     "blocked %s() returns -1 EINTR", pr->name, cmd_verb_name(pr->verb));
	rc = answer(e, pr);
	if (rc < 0)
		prog_died(e, pr);
	else if (rc > 0 && !finish(e, pr, pr->seq))
		pr->busy = true;
	return 0;
}

static int do_select(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	pr->sel_n = 0;
	pr->sel_rd = c->sel_rd;
	pr->sel_wr = c->sel_wr;
	int slot = (int)(pr - e->progs);
	if (c->sel_n) {
		for (size_t i = 0; i < c->sel_n; i++) {
			if (!sock_of_fd(e, pr, c->sel_fd[i])) {
				char open[160];
				list_open(e, pr, open, sizeof(open));
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
	pr->verb = V_SELECT;
	pr->sock = -1;
	struct prog_req rq;
	req_init(&rq, PO_SELECT, -1);
	rq.sel_n = pr->sel_n;
	memcpy(rq.sel_fd, pr->sel_fd, sizeof(rq.sel_fd));
	rq.sel_rd = c->sel_rd;
	rq.sel_wr = c->sel_wr;
	run_call(e, pr, &rq);
	return 0;
}

/* A bare "server accept" means the listening socket, when there is one. */
static int default_target(struct engine *e, const struct cmd *c, struct eprog *pr, int *fd, char *err,
			  size_t errlen)
{
	*fd = c->t.fd;
	if (c->t.fd >= 0 || c->verb != V_ACCEPT)
		return 0;
	int n = 0, slot = (int)(pr - e->progs);
	char list[160] = "";
	size_t o = 0;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		if (s->used && !s->closed && s->prog == slot && s->listening) {
			n++;
			*fd = s->fd;
			if (o < sizeof(list))
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s#%d accept", o ? " or " : "",
						      pr->name, s->fd);
		}
	}
	if (n > 1)
		return ERR("%s has %d listening sockets; expected which one to accept on: %s", pr->name, n, list);
	if (n == 0)
		*fd = -1;
	return 0;
}

/* ---- conversions and expectations ------------------------------------- */

static void do_convert(struct engine *e, const struct cmd *c)
{
	convert_run(e->log, c);
}

static bool match(const char *want, const char *have)
{
	unsigned lo, hi, v;
	char end;
	/* "32768-60999": a port in the range (the parser checked the numbers). */
	if (sscanf(want, "%u-%u%c", &lo, &hi, &end) == 2)
		return sscanf(have, "%u%c", &v, &end) == 1 && v >= lo && v <= hi;
	return !strcmp(want, "*") || !strcmp(want, have);
}

int engine_port_range(struct engine *e, enum side side, unsigned *lo, unsigned *hi)
{
	*lo = *hi = 0;
	int in = lab_enter(e->lab, side);
	FILE *f = in == 0 || e->lab->mode == NET_HOST ? fopen("/proc/sys/net/ipv4/ip_local_port_range", "re") : NULL;
	if (in == 0)
		lab_leave(e->lab);
	if (!f)
		return -ENOENT;
	int n = fscanf(f, "%u %u", lo, hi);
	fclose(f);
	if (n != 2 || *lo > *hi) {
		*lo = *hi = 0;
		return -EINVAL;
	}
	return 0;
}

/* "client sysctl net.ipv4.ip_local_port_range": read in the side's host. */
static int do_sysctl(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	char path[CMD_PATH_MAX + 16], val[256] = "";
	snprintf(path, sizeof(path), "/proc/sys/%s", c->path);
	for (char *p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	/* /proc/sys/net shows the namespace of whoever opens it. */
	int in = lab_enter(e->lab, c->t.side);
	FILE *f = in == 0 || e->lab->mode == NET_HOST ? fopen(path, "re") : NULL;
	int er = errno;
	if (in == 0)
		lab_leave(e->lab);
	if (!f)
		return ERR("%s sysctl %s: %s (%s); expected a setting under /proc/sys/net",
			   side_name(c->t.side), c->path, strerror(er), errno_name(er));
	size_t n = fread(val, 1, sizeof(val) - 1, f);
	fclose(f);
	val[n] = '\0';
	for (char *p = val; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	while (n && val[n - 1] == ' ')
		val[--n] = '\0';
	struct event *ev = session_add(e->log, EV_INFO, c->t.side, -1, "%s = %s", c->path, val);
	if (ev) {
		ev->prog = (unsigned char)c->t.prog;
		ev->child = (unsigned char)c->t.child;
	}
	return 0;
}

static int do_expect(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	const struct expect *x = &c->ex;
	char have[256] = "", desc[CMD_LINE_MAX];
	bool ok = false;
	struct esock *s = NULL;

	cmd_format(c, desc, sizeof(desc));
	struct eprog *pr = NULL;
	bool wire_or_sa = x->what == EX_SOCKADDR || x->what == EX_WIRE_SAW || x->what == EX_WIRE_HELD;
	if (!wire_or_sa) {
		pr = find_prog(e, c->t.side, c->t.prog, c->t.child);
		if (!pr && (x->what == EX_RESULT || x->what == EX_DATA || x->what == EX_BLOCKED)) {
			target_prog(e, &c->t, err, errlen);
			return -EINVAL;
		}
	}
	if (!wire_or_sa && x->what != EX_RESULT && x->what != EX_DATA && !(x->what == EX_BLOCKED && c->t.fd < 0)) {
		s = find(e, &c->t, true, err, errlen);
		if (!s)
			return -EINVAL;
	}
	bool need_sock = x->what == EX_STATE || x->what == EX_LOCAL || x->what == EX_REMOTE;
	if (need_sock && !s)
		return -EINVAL;
	switch (x->what) {
	case EX_STATE:
		state_now(e, s, have, sizeof(have));
		if (s->proto == PROTO_TCP && tuple_tcp_state_parse(x->a) > 0)
			ok = tuple_tcp_state_parse(x->a) == tuple_tcp_state_parse(have);
		else
			ok = !strcasecmp(x->a, have);
		break;
	case EX_RESULT: {
		if (!pr->last_set)
			snprintf(have, sizeof(have), "no call yet");
		else if (pr->last_err)
			snprintf(have, sizeof(have), "-1 %s", errno_name(pr->last_err));
		else
			snprintf(have, sizeof(have), "%ld", pr->last_ret);
		if (pr->last_set && x->a[0] == 'E')
			ok = pr->last_err && (!strcmp(x->a, errno_name(pr->last_err)) ||
					      (!strcmp(x->a, "EWOULDBLOCK") && pr->last_err == EAGAIN));
		else if (pr->last_set)
			ok = !pr->last_err && strtol(x->a, NULL, 10) == pr->last_ret;
		break;
	}
	case EX_LOCAL:
		snprintf(have, sizeof(have), "%s %s", s->shown.lip[0] ? s->shown.lip : "(none)",
			 s->shown.lport[0] ? s->shown.lport : "(none)");
		ok = match(x->a, s->shown.lip) && match(x->b, s->shown.lport);
		break;
	case EX_REMOTE:
		snprintf(have, sizeof(have), "%s %s", s->shown.rip[0] ? s->shown.rip : "(none)",
			 s->shown.rport[0] ? s->shown.rport : "(none)");
		ok = match(x->a, s->shown.rip) && match(x->b, s->shown.rport);
		break;
	case EX_DATA:
		if (!pr->data_set)
			snprintf(have, sizeof(have), "nothing received yet");
		else {
			char esc[200];
			escape_bytes(pr->data, pr->data_len, esc, sizeof(esc));
			snprintf(have, sizeof(have), "\"%s\"", esc);
			ok = pr->data_len == c->data_len && !memcmp(pr->data, c->data, c->data_len);
		}
		break;
	case EX_BLOCKED: {
		bool blocked = pr->busy && (!s || pr->sock == (int)(s - e->socks));
		snprintf(have, sizeof(have), "%s", blocked ? "yes" : "no");
		ok = !strcmp(x->a, have);
		break;
	}
	case EX_SOCKADDR: {
		char hex[SA_HEX_MAX];
		if (!e->sa_set) {
			snprintf(have, sizeof(have), "no sockaddr_in built yet");
			break;
		}
		sa_hex(e->sa.bytes[SA_PORT], hex);
		snprintf(have, sizeof(have), "%s", hex);
		/* The parser gives the bytes; a prefix of the 16 is enough. */
		ok = c->data_len <= 16 && !memcmp(e->sa.bytes[SA_PORT], c->data, c->data_len);
		break;
	}
	case EX_WIRE_SAW:
	case EX_WIRE_HELD:
		if (!e->wire) {
			snprintf(have, sizeof(have), "no wire in --net %s", lab_mode_name(e->lab->mode));
			break;
		}
		if (x->what == EX_WIRE_HELD) {
			snprintf(have, sizeof(have), "%u held", wire_held(e->wire));
			ok = wire_held(e->wire) == c->num;
		} else {
			char want[CMD_DATA_MAX + 1];
			memcpy(want, c->data, c->data_len);
			want[c->data_len] = '\0';
			ok = wire_saw_since(e->wire, e->frames_seen_from, want);
			snprintf(have, sizeof(have), "not among the %lu frame%s since the last command",
				 wire_last_no(e->wire) - e->frames_seen_from,
				 wire_last_no(e->wire) - e->frames_seen_from == 1 ? "" : "s");
		}
		break;
	}
	struct event *ev = plog(e, EV_EXPECT, pr, s ? s->fd : -1, "%s: %s%s%s", desc,
				ok ? "ok" : "FAILED, it is ", ok ? "" : have, "");
	if (ev && !pr)
		ev->side = c->t.side;
	if (ev)
		ev->ret = ok;
	if (!ok) {
		snprintf(err, errlen, "expectation failed: %s; it is %s", desc, have);
		return 1;
	}
	return 0;
}


/* ---- the lecture's tables ------------------------------------------------ */

/* SIDE families: the program tries socket() for each family and type of
 * the lecture's table, in its own host, and closes each descriptor at once;
 * the answers become one table. */
static int do_families(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	struct eprog *pr = find_prog(e, c->t.side, c->t.prog, c->t.child);
	if ((!pr || pr->gone) && c->t.child)
		return target_prog(e, &c->t, err, errlen) ? 0 : -EINVAL;
	if (!pr || pr->gone) {
		pr = start_prog(e, c->t.side, c->t.prog, err, errlen);
		if (!pr)
			return -EINVAL;
		plog(e, EV_INFO, pr, -1, "%s starts: a program of its own in the %s host; its first socket "
		     "will be descriptor 3", pr->name, side_name(pr->side));
	}
	if (!e->rep)
		return ERR("out of memory");
	const struct fam_family *fa = fam_families();
	const struct fam_type *ty = fam_types();
	struct prog_req rq;
	req_init(&rq, PO_FAMILIES, -1);
	rq.len = sizeof(int[2]) * FAM_NCALLS;
	for (int f = 0; f < FAM_NFAMILIES; f++)
		for (int t = 0; t < FAM_NTYPES; t++) {
			int pair[2] = { fa[f].domain, ty[t].type };
			memcpy(rq.data + (size_t)(f * FAM_NTYPES + t) * sizeof pair, pair, sizeof pair);
		}
	pr->verb = V_FAMILIES;
	pr->sock = -1;
	snprintf(pr->code, sizeof(pr->code), "for each family f and type t listed: s = socket(f, t, 0); "
		 "if (s >= 0) close(s);");
	int rc = call(e, pr, &rq, -1);
	if (rc <= 0) { /* socket() never sleeps: only a program gone ends here */
		prog_died(e, pr);
		return ERR("%s ended before it answered; expected \"%s families\" again", pr->name, pr->name);
	}
	struct prog_rep *rp = e->rep;
	int res[FAM_NCALLS], ok = 0;
	if (rp->len < sizeof res)
		return ERR("%s answered %zu of the %d calls; expected all of them", pr->name, rp->len / sizeof(int),
			   FAM_NCALLS);
	memcpy(res, rp->data, sizeof res);
	for (int i = 0; i < FAM_NCALLS; i++)
		ok += res[i] >= 0;
	log_result(e, pr, -1, pr->code, ok, 0, CS_DONE, 0);
	char table[4096];
	fam_table(res, table, sizeof table);
	plog(e, EV_TABLE, pr, -1, "socket(AF_..., SOCK_..., 0) in the %s host: what this kernel answered\n%s",
	     side_name(pr->side), table);
	plog(e, EV_INFO, pr, -1, "%d of the %d socket() calls gave a descriptor: the lecture's PF_INET with "
	     "SOCK_STREAM (TCP) and SOCK_DGRAM (UDP) among them; \"some socket types may not be implemented by "
	     "all protocol families\"", ok, FAM_NCALLS);
	return 0;
}

/* The newest sockaddr_in a program built (bind, connect, sendto), or NULL. */
static const struct sa_build *newest_sa_of(struct engine *e, const struct eprog *pr)
{
	for (size_t i = e->log->n; i-- > e->log->first;) {
		const struct event *ev = session_at(e->log, i);
		if (ev && ev->kind == EV_SOCKADDR && ev->sa && ev->side == pr->side &&
		    (ev->prog ? ev->prog : 1) == pr->num && ev->child == pr->child)
			return ev->sa;
	}
	return NULL;
}

/* The newest captured frame whose TCP or UDP header carries the port of
 * sin (at its address, any address for INADDR_ANY) as its source port
 * (src true) or its destination port: its number, and the two bytes as
 * they are in the frame. 0 when none. */
static unsigned long frame_with_port(struct engine *e, const struct sockaddr_in *sin, bool src, unsigned char b[2])
{
	if (!e->wire)
		return 0;
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
	bool any = sin->sin_addr.s_addr == htonl(INADDR_ANY);
	uint16_t port = ntohs(sin->sin_port);
	for (unsigned long no = wire_last_no(e->wire); no > 0; no--) {
		const struct wire_frame *f = wire_frame(e->wire, no);
		if (!f)
			break; /* older ones rolled out of the ring */
		const struct dec_result *d = &f->dec;
		if (!d->has_ports || d->ipver != 4 || f->caplen < 34 || f->data[12] != 0x08 || f->data[13] != 0x00)
			continue;
		if (src ? d->sport != port || !(any || !strcmp(d->src, ip))
			: d->dport != port || !(any || !strcmp(d->dst, ip)))
			continue;
		/* The port's own bytes: after Ethernet (14) and the IPv4 header (IHL words). */
		size_t off = 14 + (size_t)(f->data[14] & 0x0F) * 4 + (src ? 0 : 2);
		if (off + 2 > f->caplen)
			continue;
		memcpy(b, f->data + off, 2);
		return no;
	}
	return 0;
}

/* SIDE journey: the lecture's HOST1 / TLI 1 / TLI 2 / HOST2 table for the
 * port of the program's newest sockaddr_in. */
static int do_journey(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	struct eprog *pr = find_prog(e, c->t.side, c->t.prog, c->t.child);
	if (!pr)
		return target_prog(e, &c->t, err, errlen) ? 0 : -EINVAL;
	const struct sa_build *b = newest_sa_of(e, pr);
	if (!b)
		return ERR("%s has built no sockaddr_in yet (or it left the session log); expected \"%s bind IP PORT\", "
			   "connect or sendto first", pr->name, pr->name);
	struct journey j = { .value = b->port_host, .nohtons = b->nohtons };
	memcpy(j.tli1, &b->sin.sin_port, 2);
	/* The frame that took the port away from HOST1: a local address (bind)
	 * leaves as the source port, a remote one (connect, sendto) as the
	 * destination; else the other way. */
	char var[24];
	const char *amp = strchr(b->code[SA_MEMSET], '&');
	snprintf(var, sizeof var, "%.*s", amp ? (int)strcspn(amp + 1, ",) ") : 0, amp ? amp + 1 : "");
	bool local = !strcmp(var, local_var(pr->side));
	unsigned long no = frame_with_port(e, &b->sin, local, j.wire);
	if (!no)
		no = frame_with_port(e, &b->sin, !local, j.wire);
	j.wire_set = no != 0;
	char table[1024];
	convert_journey(&j, table, sizeof table);
	unsigned kport = (unsigned)ntohs(b->sin.sin_port);
	plog(e, EV_TABLE, pr, -1, "port %u, as %s wrote it%s: the kernel has %u\n%s", (unsigned)b->port_host,
	     pr->name, b->nohtons ? " without htons()" : " with htons()", kport, table);
	if (no) {
		const struct wire_frame *f = wire_frame(e->wire, no);
		plog(e, EV_INFO, pr, -1, "TLI 2: frame #%lu as captured, bytes %02X %02X: %s", no, j.wire[0], j.wire[1],
		     f ? f->dec.summary : "");
	} else {
		plog(e, EV_INFO, pr, -1, "TLI 2: no frame has carried port %u yet%s", kport,
		     e->wire ? "" : " (no capture here)");
	}
	if (kport != b->port_host)
		plog(e, EV_INFO, pr, -1, "without htons() this %s-endian host gave the kernel %02X %02X: the network and "
		     "every receiver read %u, not %u", sa_little_endian() ? "little" : "big", j.tli1[0], j.tli1[1],
		     kport, (unsigned)b->port_host);
	return 0;
}

/* SIDE sender: the address that the program's last recvfrom() (or
 * accept()) filled in, back in host order with ntohs() and ntohl(). */
static int do_sender(struct engine *e, struct eprog *pr, char *err, size_t errlen)
{
	if (!pr->from_set)
		return ERR("%s has received nothing that names a sender yet; expected \"%s recvfrom\" (UDP) or "
			   "\"%s accept\" (TCP) first", pr->name, pr->name, pr->name);
	const char *var = remote_var(pr->side);
	uint16_t netport = pr->from.sin_port, port = ntohs(netport);
	unsigned char ab[4];
	memcpy(ab, &pr->from.sin_addr.s_addr, 4);
	char table[1024];
	convert_sender(&pr->from, table, sizeof table);
	plog(e, EV_TABLE, pr, -1, "%s() filled in %s: ntohs() and ntohl() bring it back\n%s",
	     cmd_verb_name(pr->from_verb), var, table);
	plog(e, EV_INFO, pr, -1, "ntohs(%s.sin_port) = %u; ntohl(%s.sin_addr.s_addr) = %u.%u.%u.%u (inet_ntoa's text)",
	     var, (unsigned)port, var, ab[0], ab[1], ab[2], ab[3]);
	char l1[320], l2[320];
	convert_ntohs(netport, l1, l2, sizeof l1);
	plog(e, EV_INFO, pr, -1, "%s", l2);
	return 0;
}

int engine_exec(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	switch (c->verb) {
	case V_SOCKET:
		if (c->t.fd >= 0) {
			char name[16];
			cmd_prog_name(c->t.side, c->t.prog, c->t.child, name, sizeof(name));
			return ERR("socket() makes a new descriptor; expected \"%s socket tcp\" without #%d", name,
				   c->t.fd);
		}
		break;
	case V_SAY:
		session_add(e->log, EV_SAY, SIDE_NONE, -1, "%.*s", (int)c->data_len, (const char *)c->data);
		return 0;
	case V_EXPECT:
		return do_expect(e, c, err, errlen);
	case V_PREDICT: {
		/* Only asked here: the answer is what the next command does (predict.h). */
		struct event *ev = session_add(e->log, EV_PREDICT, c->t.side, c->t.fd, "%.*s", (int)c->data_len,
					       (const char *)c->data);
		if (ev) {
			ev->prog = (unsigned char)c->t.prog;
			ev->child = (unsigned char)c->t.child;
			ev->ret = c->ex.what;
		}
		return 0;
	}
	case V_INET_ADDR:
	case V_INET_PTON:
	case V_HTONS:
	case V_HTONL:
	case V_NTOHS:
	case V_NTOHL:
		do_convert(e, c);
		return 0;
	case V_WAIT:
		session_add(e->log, EV_INFO, SIDE_NONE, -1, "waiting %u ms", c->ms);
		return 0;
	case V_SYSCTL:
		return do_sysctl(e, c, err, errlen);
	default:
		break;
	}

	/* A blocked program can do nothing else; one killed meanwhile has ended. */
	struct eprog *pr = find_prog(e, c->t.side, c->t.prog, c->t.child);
	if (pr && !pr->gone && !prog_alive(&pr->p))
		prog_died(e, pr);
	if (pr && !pr->gone && prog_stopped(&pr->p))
		return ERR("%s is stopped (SIGSTOP): it makes no call, not even %s, until it gets SIGCONT; "
			   "expected \"kill -CONT %d\" in a shell first", pr->name,
			   c->verb == V_INTERRUPT ? "a signal's" : "this one", (int)pr->p.pid);
	if (pr && pr->busy && c->verb != V_INTERRUPT)
		return ERR("%s is blocked in %s() since step %u: a single-threaded program can do nothing else "
			   "until it returns (try: %s interrupt)", pr->name, cmd_verb_name(pr->verb), pr->seq, pr->name);
	if (c->verb == V_SOCKET)
		return do_socket(e, c, err, errlen);
	if (c->verb == V_FAMILIES)
		return do_families(e, c, err, errlen);
	if (c->verb == V_JOURNEY)
		return do_journey(e, c, err, errlen);
	if (!pr || pr->gone)
		return target_prog(e, &c->t, err, errlen) ? 0 : -EINVAL;
	if (!e->rep)
		return ERR("out of memory");
	switch (c->verb) {
	case V_INTERRUPT:
		return do_interrupt(e, pr, err, errlen);
	case V_FORK:
		return do_fork(e, pr, err, errlen);
	case V_SENDER:
		return do_sender(e, pr, err, errlen);
	case V_SELECT:
		return do_select(e, pr, c, err, errlen);
	default:
		break;
	}

	struct target t = c->t;
	if (default_target(e, c, pr, &t.fd, err, errlen) < 0)
		return -EINVAL;
	struct esock *s = find(e, &t, false, err, errlen);
	if (!s)
		return -EINVAL;
	pr->verb = c->verb;
	pr->sock = (int)(s - e->socks);
	call_code(pr->code, sizeof(pr->code), s, c);
	struct prog_req rq;
	req_init(&rq, PO_SOCKET, s->fd);

	switch (c->verb) {
	case V_BIND: {
		build_sockaddr(e, s, c, local_var(s->side), &rq.addr);
		rq.op = PO_BIND;
		break;
	}
	case V_LISTEN:
		rq.op = PO_LISTEN;
		rq.a = c->backlog;
		break;
	case V_ACCEPT:
		rq.op = PO_ACCEPT;
		break;
	case V_CONNECT: {
		build_sockaddr(e, s, c, remote_var(s->side), &rq.addr);
		s->pending_dest = rq.addr;
		rq.op = PO_CONNECT;
		struct tuple_row r;
		snapshot(e, s, &r);
		s->kernel = r;
		if (e->lab->mode == NET_LAB && ntohl(rq.addr.sin_addr.s_addr) >> 24 == 127)
			plog(e, EV_INFO, pr, s->fd, "127.0.0.1 is this host's own loopback: in the lab each host has "
			     "its own, so this connect() reaches the %s host's kernel, not the %s",
			     side_name(s->side), s->side == SIDE_CLIENT ? "server" : "client");
		if (s->proto == PROTO_TCP && !r.rip[0] && strcmp(r.state, "LISTEN")) {
			/* STEP5: the remote parameters exist only in the structure so far. */
			tuple_set_remote(&r, &rq.addr);
			snprintf(r.note, sizeof(r.note), "remote set in %s (sockaddr_in), not yet in the kernel",
				 remote_var(s->side));
			show_row(e, s, &r, TS_REMOTE);
		}
		break;
	}
	case V_SENDTO: {
		build_sockaddr(e, s, c, remote_var(s->side), &rq.addr);
		s->pending_dest = rq.addr;
		rq.op = PO_SENDTO;
		memcpy(rq.data, c->data, c->data_len);
		rq.len = c->data_len;
		if (s->proto == PROTO_UDP) {
			char note[64];
			snprintf(note, sizeof(note), "remote set in %s (sockaddr_in)", remote_var(s->side));
			udp_row(e, s, &rq.addr, note, TS_REMOTE);
		}
		break;
	}
	case V_SEND:
		rq.op = PO_SEND;
		memcpy(rq.data, c->data, c->data_len);
		rq.len = c->data_len;
		break;
	case V_RECV:
	case V_RECVFROM: {
		rq.op = c->verb == V_RECV ? PO_RECV : PO_RECVFROM;
		rq.len = c->maxlen;
		pr->dgram_len = -1;
		if (s->proto == PROTO_UDP && c->verb == V_RECVFROM) {
			/* The waiting datagram's real length, to show what a short
			 * buffer loses; not when an error waits (a peek would take it). */
			int fd = prog_peek(&pr->p, s->fd);
			struct pollfd pf = { .fd = fd, .events = POLLIN };
			if (fd >= 0 && poll(&pf, 1, 0) == 1 && pf.revents == POLLIN)
				pr->dgram_len = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
			if (fd >= 0)
				close(fd);
		}
		break;
	}
	case V_SHUTDOWN:
		rq.op = PO_SHUTDOWN;
		rq.a = c->how;
		pr->how = c->how;
		break;
	case V_CLOSE: {
		/* What the socket was, to follow it in sock_diag once the descriptor is gone. */
		struct tuple_row r;
		snapshot(e, s, &r);
		s->last_local = s->cur_local;
		if (s->cur_peer || (s->proto == PROTO_TCP && r.rip[0])) { /* a peer, or a TIME_WAIT's (time_wait_of) */
			s->last_remote = s->cur_remote;
			s->connected_once = true;
		}
		if (s->listening)
			tuple_set_unknown_remote(&r);
		s->close_row = r;
		rq.op = PO_CLOSE;
		break;
	}
	case V_SETSOCKOPT:
		rq.op = PO_SETSOCKOPT;
		rq.a = c->optval;
		break;
	case V_NONBLOCK:
		rq.op = PO_NONBLOCK;
		rq.a = c->optval;
		pr->nb_on = c->optval;
		break;
	case V_FLOOD: {
		s->pending_dest = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(c->port),
							.sin_addr = c->addr };
		s->flood_total = c->count;
		s->flood_sent = s->flood_fail = 0;
		s->flood_err = 0;
		pr->flood_from = 0;
		pr->seq = e->log->seq;
		if (!flood_chunk(e, pr, s)) {
			blocked(e, pr); /* the other floods have this turn's budget */
			return 0;
		}
		if (!pr->gone)
			conclude(e, pr, answer(e, pr));
		return 0;
	}
	default:
		return ERR("%s is not a socket call", cmd_verb_name(c->verb));
	}
	run_call(e, pr, &rq);
	return 0;
}

int engine_pollfds(const struct engine *e, struct pollfd *pfd, int max)
{
	int n = 0;
	if (e->flood_timer >= 0 && n < max)
		pfd[n++] = (struct pollfd){ .fd = e->flood_timer, .events = POLLIN };
	for (int i = 0; i < ENGINE_MAX_PROGS && n < max; i++) {
		const struct eprog *pr = &e->progs[i];
		if (!pr->used || pr->gone || !pr->p.alive)
			continue;
		/* The pidfd turns readable when the program ends, killed or not. */
		if (pr->p.pidfd >= 0)
			pfd[n++] = (struct pollfd){ .fd = pr->p.pidfd, .events = POLLIN };
		if (pr->busy && n < max)
			pfd[n++] = (struct pollfd){ .fd = pr->p.ctl, .events = POLLIN };
	}
	return n;
}

int engine_progress(struct engine *e)
{
	int done = engine_watch(e);
	bool tried[ENGINE_MAX_PROGS] = { false };
	flood_turn(e);
	/* A program the kernel has woken is about to answer: wait for it, so
	 * that which answers are logged together, and in which order, does not
	 * depend on how the programs were scheduled. */
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (!pr->used || !pr->busy || pr->verb == V_FLOOD)
			continue;
		for (int k = 0; k < 2000 && pr->p.alive && !prog_ready(&pr->p) && prog_awake(&pr->p); k++) {
			struct pollfd pf = { .fd = pr->p.ctl, .events = POLLIN };
			poll(&pf, 1, 1);
		}
	}
	/* A fixed order, so output does not depend on poll's: connects first (a
	 * handshake completes at the client, STEP6, before the server's accept
	 * sees it, STEP7), then the oldest blocked call first. */
	for (;;) {
		struct eprog *next = NULL;
		for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
			struct eprog *pr = &e->progs[i];
			if (!pr->used || !pr->busy || tried[i])
				continue;
			bool sc = pr->verb == V_CONNECT, nc = next && next->verb == V_CONNECT;
			if (!next || (sc && !nc) || (sc == nc && pr->seq < next->seq))
				next = pr;
		}
		if (!next)
			break;
		tried[next - e->progs] = true;
		if (!prog_ready(&next->p))
			continue;
		if (!e->rep || prog_recv(&next->p, e->rep) < 0) {
			prog_died(e, next);
			done++;
			continue;
		}
		if (finish(e, next, next->seq))
			done++;
	}
	return done;
}

void engine_refresh(struct engine *e)
{
	engine_watch(e);
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		struct esock *s = &e->socks[i];
		if (!s->used || !s->has_shown || (s->kind && s->kind->proto == PROTO_NONE))
			continue;
		if (s->closed && s->close_row_due) {
			struct tuple_row r = s->close_row;
			const struct esock *o = other_holder(e, s);
			closed_state(e, s, r.state, sizeof(r.state));
			if (o)
				snprintf(r.note, sizeof(r.note), "descriptor released; %s still holds the socket: no FIN",
					 e->progs[o->prog].name);
			else
				snprintf(r.note, sizeof(r.note), "%s",
					 s->proto == PROTO_TCP && s->connected_once
						 ? "descriptor released; the kernel's state from sock_diag"
						 : "descriptor released");
			s->close_row_due = false;
			show_row(e, s, &r, TS_CLOSE);
			continue;
		}
		if (s->closed) {
			if (!strcmp(s->shown.state, "CLOSED") ||
			    (!(s->proto == PROTO_TCP && s->connected_once) && !other_holder(e, s)))
				continue;
			struct tuple_row r = s->shown;
			closed_state(e, s, r.state, sizeof(r.state));
			if (strcmp(r.state, s->shown.state)) {
				snprintf(r.note, sizeof(r.note), "%s",
					 !strcmp(r.state, "CLOSED") ? "gone from the kernel"
								    : "no descriptor; state from sock_diag");
				show_row(e, s, &r, TS_STATE);
			}
			continue;
		}
		struct tuple_row r;
		if (snapshot(e, s, &r) < 0)
			continue; /* its program just ended: engine_watch tells it */
		if (!strcmp(r.state, s->kernel.state) && !strcmp(r.lip, s->kernel.lip) &&
		    !strcmp(r.lport, s->kernel.lport) && !strcmp(r.rip, s->kernel.rip) &&
		    !strcmp(r.rport, s->kernel.rport))
			continue;
		s->kernel = r;
		if (r.rip[0])
			s->connected_once = true;
		/* Keep what the table showed for a remote the kernel does not hold. */
		if (!r.rip[0] && s->shown.rip[0]) {
			memcpy(r.rip, s->shown.rip, sizeof(r.rip));
			memcpy(r.rport, s->shown.rport, sizeof(r.rport));
			memcpy(r.note, s->shown.note, sizeof(r.note));
		}
		show_row(e, s, &r, TS_STATE);
	}
}

/* States that end by themselves within a round trip (a FIN waiting for its
 * ACK): the batch printer waits a moment for them so output is stable. */
bool engine_transient(const struct engine *e)
{
	static const char *const passing[] = { "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "CLOSING", "LAST_ACK" };
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		if (!s->used || !s->has_shown || s->proto != PROTO_TCP)
			continue;
		for (size_t k = 0; k < sizeof(passing) / sizeof(passing[0]); k++)
			if (!strcmp(s->shown.state, passing[k]))
				return true;
	}
	return false;
}

bool engine_call_pending(const struct engine *e, enum side side, int prog, int child, unsigned seq)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &e->progs[i];
		if (pr->used && !pr->gone && pr->busy && pr->seq == seq && pr->side == side &&
		    (pr->num > 1 ? pr->num : 1) == (prog > 1 ? prog : 1) && pr->child == child)
			return true;
	}
	return false;
}

bool engine_holding(const struct engine *e, bool stopped, struct engine_hold *h)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &e->progs[i];
		if (!pr->used || (stopped ? pr->gone || !pr->stopped : !pr->busy))
			continue;
		*h = (struct engine_hold){ .name = pr->name, .pid = (int)pr->p.pid, .side = pr->side,
					   .busy = pr->busy, .verb = pr->verb, .seq = pr->seq };
		return true;
	}
	return false;
}

int engine_blocked(const struct engine *e, unsigned seq_only)
{
	int n = 0;
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &e->progs[i];
		if (pr->used && pr->busy && (!seq_only || pr->seq == seq_only))
			n++;
	}
	return n;
}

void engine_note_still_blocked(struct engine *e, unsigned seq, unsigned waited_ms)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (!pr->used || !pr->busy || pr->seq != seq)
			continue;
		int fd = pr->sock >= 0 ? e->socks[pr->sock].fd : -1;
		struct event *ev = plog(e, EV_CALL, pr, fd, "%s", pr->code);
		if (ev) {
			ev->status = CS_STILL;
			ev->ret = waited_ms;
		}
	}
}
