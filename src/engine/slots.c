/* slots.c - the engine's programs and descriptors: finding, making and
 * naming them (see slots.h). */
#include "slots.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* An event of a program (pr may be NULL for a side-wide line). */
__attribute__((format(printf, 5, 6)))
struct event *slot_log(struct engine *e, enum ev_kind kind, const struct eprog *pr, int fd,
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
		ev->thread = (unsigned char)pr->thread;
	}
	return ev;
}

/* The slot whose sockets pr's calls name: a thread's are its process's. */
static int sock_owner(const struct engine *e, const struct eprog *pr)
{
	return pr->thread ? pr->leader : (int)(pr - e->progs);
}

struct eprog *slot_prog_of(struct engine *e, const struct esock *s)
{
	return &e->progs[s->prog];
}

/* The program of that name: the running one, else one that has ended. */
struct eprog *slot_find_prog(struct engine *e, enum side side, int num, int child)
{
	struct eprog *ended = NULL;
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *p = &e->progs[i];
		if (!p->used || p->side != side || p->num != num || p->child != child || p->thread)
			continue; /* a thread is named by its process's name */
		if (!p->gone)
			return p;
		ended = p;
	}
	return ended;
}

/* A slot for a new program: a free one, else the slot of one that ended,
 * whose closed sockets are forgotten then (their last rows are shown; an
 * expect about that program has nothing to look at any more). */
struct eprog *slot_free_prog(struct engine *e)
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
struct eprog *slot_start_prog(struct engine *e, enum side side, int num, char *err, size_t errlen)
{
	struct eprog *pr = slot_free_prog(e);
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
struct esock *slot_lookup(struct engine *e, const struct eprog *pr, int fd, bool with_closed)
{
	struct esock *best = NULL;
	int slot = sock_owner(e, pr);
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
void slot_list_open(struct engine *e, const struct eprog *pr, char *out, size_t len)
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
void slot_fd_hide(struct eprog *pr, int fd)
{
	if (fd >= 0 && fd < ENGINE_HIDDEN_FDS)
		pr->hidden[fd / 64] |= 1ULL << (fd % 64);
}

static bool fd_is_hidden(const struct eprog *pr, int fd)
{
	return fd >= 0 && fd < ENGINE_HIDDEN_FDS && (pr->hidden[fd / 64] >> (fd % 64) & 1);
}

/* The hidden descriptors, as fd_ranges says them; returns how many. */
int slot_fd_hidden_list(const struct eprog *pr, char *out, size_t len)
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
int slot_open_socks(const struct engine *e, enum side side)
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
void slot_close_advice(struct engine *e, enum side side, const struct eprog *prefer, char *out, size_t len)
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
void slot_fork_advice(struct engine *e, enum side side, int num, char *out, size_t len)
{
	for (int k = 0; k <= 9; k++) {
		int n = k == 0 ? num : k; /* num first, then 1..9 */
		if (k > 0 && k == num)
			continue;
		char name[16];
		cmd_prog_name(side, n, 0, name, sizeof(name));
		struct eprog *b = slot_find_prog(e, side, n, 0);
		if (!b || b->gone) {
			char room[96] = "";
			if (slot_open_socks(e, side) >= ENGINE_SIDE_SOCKS) /* its first socket needs room */
				slot_close_advice(e, side, NULL, room, sizeof(room));
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
struct eprog *slot_target_prog(struct engine *e, const struct target *t, char *err, size_t errlen)
{
	char name[16], parent[16], how[160];
	struct eprog *pr = slot_find_prog(e, t->side, t->prog, t->child);
	prog_name_of(t, name, sizeof(name));
	cmd_prog_name(t->side, t->prog, 0, parent, sizeof(parent));
	if (pr && pr->gone && !t->child) {
		snprintf(err, errlen, "%s has ended; expected \"%s socket tcp\" to start it again, or a command for "
			 "a program that runs", name, name);
		return NULL;
	}
	if (pr && pr->gone) { /* a forked child: only its parent's fork makes one */
		slot_fork_advice(e, t->side, t->prog, how, sizeof(how));
		snprintf(err, errlen, "%s has ended, and a forked child cannot be started again; expected %s for a "
			 "new child, or a command for a program that runs", name, how);
		return NULL;
	}
	if (!pr) {
		if (t->child) {
			struct eprog *b = slot_find_prog(e, t->side, t->prog, 0);
			slot_fork_advice(e, t->side, t->prog, how, sizeof(how));
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
struct esock *slot_find(struct engine *e, const struct target *t, bool any_state, char *err, size_t errlen)
{
	char name[16], open[160];
	struct eprog *pr = slot_find_prog(e, t->side, t->prog, t->child);
	if (!pr) {
		slot_target_prog(e, t, err, errlen);
		return NULL;
	}
	prog_name_of(t, name, sizeof(name));
	slot_list_open(e, pr, open, sizeof(open));
	struct esock *s = slot_lookup(e, pr, t->fd, any_state || t->fd >= 0);
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

/* A slot for a new descriptor of a side, or NULL when that side holds
 * ENGINE_SIDE_SOCKS open ones already. A free slot, else the oldest closed
 * one, reused where it is: slots never move. With both sides at most at
 * their limit, a free or closed slot is always left. */
struct esock *slot_new_sock(struct engine *e, const struct eprog *pr, int fd, enum proto proto,
			      const struct sock_kind *kind, const char *var)
{
	if (slot_open_socks(e, pr->side) >= ENGINE_SIDE_SOCKS)
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
	s->prog = sock_owner(e, pr);
	s->side = pr->side;
	s->fd = fd;
	s->proto = proto;
	s->kind = kind;
	snprintf(s->var, sizeof(s->var), "%s", var);
	return s;
}

void slot_prog_died(struct engine *e, struct eprog *pr)
{
	char how[96];
	prog_exit_text(&pr->p, pr->ours, how, sizeof(how));
	slot_prog_ended(e, pr, how);
}

void slot_prog_ended(struct engine *e, struct eprog *pr, const char *how)
{
	slot_log(e, EV_INFO, pr, -1, "%s %s%s%s%s: its descriptors are closed by the kernel", pr->name, how,
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

struct eprog *slot_prog_for(struct engine *e, struct eprog *pr, const struct target *t, int *rc, char *err,
			    size_t errlen)
{
	*rc = -EINVAL;
	if ((!pr || pr->gone) && t->child) {
		if (slot_target_prog(e, t, err, errlen))
			*rc = 0;
		return NULL;
	}
	if (!pr || pr->gone) {
		pr = slot_start_prog(e, t->side, t->prog, err, errlen);
		if (!pr)
			return NULL;
		slot_log(e, EV_INFO, pr, -1, "%s starts: a program of its own in the %s host; its first socket "
			 "will be descriptor 3", pr->name, side_name(pr->side));
	}
	if (!e->rep) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return pr;
}
