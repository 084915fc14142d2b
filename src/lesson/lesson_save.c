/* lesson_save.c - the session log as the text of a lesson (see lesson_save.h). */
#include "lesson_save.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lesson.h"
#include "predict.h"
#include "tuple.h"

#define MAX_PORTS 256 /* ports typed in commands: more are not told apart from the kernel's */
#define MAX_SOCKS 256 /* sockets whose last state is remembered */
#define MAX_SEEN 64   /* programs or sockets one command touched */

/* ---- a growing text ------------------------------------------------------ */

struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

__attribute__((format(printf, 2, 3)))
static void put(struct buf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 4096;
		while (c < b->len + (size_t)n + 1)
			c *= 2;
		char *s = realloc(b->s, c);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = c;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---- what the session shows --------------------------------------------- */

/* A program as the log names it: prog 0 and 1 are both the side's first. */
struct who {
	enum side side;
	int prog, child;
};

static struct who who_of(const struct event *e)
{
	return (struct who){ e->side, e->prog > 1 ? e->prog : 1, e->child };
}

static bool same_who(struct who a, struct who b)
{
	return a.side == b.side && a.prog == b.prog && a.child == b.child;
}

static void who_name(struct who w, char *out, size_t len)
{
	cmd_prog_name(w.side, w.prog, w.child, out, len);
}

struct state {
	const struct session *s;
	struct cmd *c; /* scratch for parsing the log's command lines */
	unsigned ports[MAX_PORTS];
	size_t nports;
	struct sockstate {
		struct who w;
		int fd;
		char state[16];
		bool closed;  /* its close() row was seen */
		bool reused;  /* closed, then the descriptor named a new socket */
	} socks[MAX_SOCKS];
	size_t nsocks;
	bool in_step; /* a step has been written: expect lines may follow */
	/* The lesson that ran (lesson_save_in.lesson): where its commands have
	 * been met in the log, and which of its steps is written. */
	const struct lesson *les;
	int les_steps;    /* its steps that ran */
	int ls, li;       /* the next of its items to meet: step, item */
	int open_ls;      /* its step written last and still open, or -1 */
	size_t step_at;   /* where the step being written starts in the text */
	int done_ls;      /* its steps before this one are written */
};

static bool starts(const char *s, const char *word)
{
	size_t n = strlen(word);
	return s && !strncmp(s, word, n) && (s[n] == ' ' || s[n] == '\0');
}

/* Every port typed in a command: a row's port among them is the lesson's
 * own; any other was chosen by the kernel and will differ next time. */
static void collect_ports(struct state *st)
{
	const struct session *s = st->s;
	for (size_t i = s->first; i < s->n; i++) {
		const struct event *e = session_at(s, i);
		char err[CMD_ERR_MAX];
		if (!e || e->kind != EV_COMMAND || !e->text || cmd_parse(e->text, st->c, err, sizeof err) != 1)
			continue;
		enum verb v = st->c->verb;
		if ((v == V_BIND || v == V_CONNECT || v == V_SENDTO || v == V_FLOOD) && st->nports < MAX_PORTS)
			st->ports[st->nports++] = st->c->port;
	}
}

static bool known_port(const struct state *st, const char *port)
{
	char *end;
	unsigned long p = strtoul(port, &end, 10);
	if (end == port || *end)
		return true; /* "?" or another word: written as it is */
	for (size_t i = 0; i < st->nports; i++)
		if (st->ports[i] == p)
			return true;
	return false;
}

static struct sockstate *sock_of(struct state *st, struct who w, int fd)
{
	for (size_t i = 0; i < st->nsocks; i++)
		if (same_who(st->socks[i].w, w) && st->socks[i].fd == fd)
			return &st->socks[i];
	if (st->nsocks == MAX_SOCKS)
		return NULL;
	struct sockstate *k = &st->socks[st->nsocks++];
	memset(k, 0, sizeof(*k));
	k->w = w;
	k->fd = fd;
	return k;
}

/* A row of a descriptor: the state it last showed is replaced by the row's
 * (returned: "" if none), and whether the descriptor was closed and reused
 * is noted: after that, "server#4" names the new socket, and a row of the
 * kernel's about the old one cannot be told from one about the new. */
static const char *swap_state(struct state *st, struct who w, int fd, const struct tuple_row *r, bool *reused)
{
	static char old[16];
	struct sockstate *k = sock_of(st, w, fd);
	old[0] = '\0';
	*reused = false;
	if (!k)
		return old;
	snprintf(old, sizeof old, "%s", k->state);
	snprintf(k->state, sizeof k->state, "%s", r->state);
	if (r->step == TS_CLOSE)
		k->closed = true;
	else if (k->closed && (r->step == TS_SOCKET || r->step == TS_ACCEPTED || r->step == TS_INHERITED))
		k->reused = true;
	*reused = k->reused;
	return old;
}

/* A state only a timer ends (TIME_WAIT, an orphan's FIN_WAIT2) ended: the
 * socket is gone. (FIN_WAIT2 to TIME_WAIT is the peer's FIN, not a timer.) */
static bool timer_ended(const char *old, const char *now)
{
	return (!strcmp(old, "TIME_WAIT") || !strcmp(old, "FIN_WAIT2")) && (!now[0] || !strcmp(now, "CLOSED"));
}

/* One expect line, kept only if the parser takes it (a value the kernel
 * showed that the language cannot say is left out rather than written
 * wrong). */
__attribute__((format(printf, 3, 4)))
static void expect_line(struct state *st, struct buf *b, const char *fmt, ...)
{
	char line[CMD_LINE_MAX], err[CMD_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (cmd_parse(line, st->c, err, sizeof err) == 1 && st->c->verb == V_EXPECT)
		put(b, "> %s\n", line);
}

/* Narration as the lesson format reads it back: a line that would look
 * like a note, a command or a step gets a backslash first. */
static void narration(struct buf *b, const char *text)
{
	const char *p = text;
	while (p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		bool esc = n && (p[0] == '#' || p[0] == '>' || p[0] == '\\' || !strncmp(p, "step:", 5));
		put(b, "%s%.*s\n", esc ? "\\" : "", (int)n, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* Can this say text be narration (printable, no carriage returns)? */
static bool plain_text(const char *t)
{
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

/* The events a command caused: from after its EV_COMMAND up to the next
 * command, or to the first quiet gap longer than LESSON_SAVE_GAP_MS. */
static size_t window_end(const struct session *s, size_t ci, size_t *next)
{
	const struct event *prev = session_at(s, ci);
	size_t i = ci + 1, cut = 0;
	for (; i < s->n; i++) {
		const struct event *e = session_at(s, i);
		if (e->kind == EV_COMMAND)
			break;
		if (!cut && e->ms > prev->ms + LESSON_SAVE_GAP_MS)
			cut = i;
		prev = e;
	}
	*next = i;
	return cut ? cut : i;
}

/* The step's title: the 5-tuple label of the last row the command's own
 * program made ("STEP6 CONNECTION REQUEST (ACCEPTED) (client)"), else the
 * command. */
static void step_title(const struct state *st, size_t from, size_t to, struct who own, const char *cmd,
		       char *out, size_t len)
{
	snprintf(out, len, "%s", cmd);
	for (size_t i = from; i < to; i++) {
		const struct event *e = session_at(st->s, i);
		if (e->kind != EV_ROW || !e->row || e->row->step == TS_STATE || !same_who(who_of(e), own))
			continue;
		const char *label = tuple_step_label(e->row->step, e->row->side, e->row->proto);
		if (!strncmp(label, "STEP", 4)) {
			char name[24];
			who_name(own, name, sizeof name);
			snprintf(out, len, "%s (%s)", label, name);
		}
	}
}

/* The expect lines of one command's events [from, to). nores: a program
 * whose result is not said (fork()'s is the child's pid: another every run). */
static void expectations(struct state *st, struct buf *b, size_t from, size_t to, const struct who *nores)
{
	struct seen_call { struct who w; bool blocked, done; long ret; int err; } calls[MAX_SEEN];
	struct seen_row { struct who w; int fd; const struct tuple_row *last, *addr; } rows[MAX_SEEN];
	struct seen_data { struct who w; const char *text; } data[MAX_SEEN];
	size_t nc = 0, nr = 0, nd = 0;
	for (size_t i = from; i < to; i++) {
		const struct event *e = session_at(st->s, i);
		struct who w = who_of(e);
		if (e->kind == EV_CALL && e->side != SIDE_NONE) {
			size_t k = 0;
			while (k < nc && !same_who(calls[k].w, w))
				k++;
			if (k == nc) {
				if (nc == MAX_SEEN)
					continue;
				calls[nc++] = (struct seen_call){ .w = w };
			}
			if (e->status == CS_BEFORE) {
				continue; /* a traced program's call not made yet */
			} else if (e->status == CS_BLOCKED || e->status == CS_STILL) {
				calls[k].blocked = true;
			} else {
				calls[k].blocked = false;
				calls[k].done = true;
				calls[k].ret = e->ret;
				calls[k].err = e->err;
			}
		} else if (e->kind == EV_DATA && e->text && !strncmp(e->text, "received \"", 10)) {
			size_t k = 0;
			while (k < nd && !same_who(data[k].w, w))
				k++;
			if (k == nd && nd < MAX_SEEN)
				data[nd++] = (struct seen_data){ .w = w };
			if (k < nd)
				data[k].text = e->text;
		} else if (e->kind == EV_ROW && e->row && e->fd >= 0) {
			bool reused;
			const char *old = swap_state(st, w, e->fd, e->row, &reused);
			if (timer_ended(old, e->row->state))
				continue; /* a timer's doing, noticed late: the wait step says it */
			if (reused && e->row->step == TS_STATE)
				continue; /* the old socket's or the new one's: not said */
			size_t k = 0;
			while (k < nr && !(same_who(rows[k].w, w) && rows[k].fd == e->fd))
				k++;
			if (k == nr) {
				if (nr == MAX_SEEN)
					continue;
				rows[nr++] = (struct seen_row){ .w = w, .fd = e->fd };
			}
			rows[k].last = e->row;
			/* Addresses from the calls' rows: a state change's row is the
			 * screen's live view, which a replay may not show. */
			if (e->row->step != TS_STATE)
				rows[k].addr = e->row;
		}
	}
	for (size_t k = 0; k < nc; k++) {
		char name[24];
		who_name(calls[k].w, name, sizeof name);
		if (nores && same_who(*nores, calls[k].w) && !calls[k].blocked)
			continue;
		if (calls[k].blocked)
			expect_line(st, b, "expect %s blocked yes", name);
		else if (calls[k].err)
			expect_line(st, b, "expect %s result %s", name, errno_name(calls[k].err));
		else if (calls[k].done)
			expect_line(st, b, "expect %s result %ld", name, calls[k].ret);
	}
	for (size_t k = 0; k < nd; k++) {
		/* "received \"TEXT\" (N bytes)...": TEXT is already escaped as the
		 * language reads it; kept only when it reads back as N bytes. */
		char name[24];
		const char *t = data[k].text + 9, *q = strstr(t, "\" (");
		unsigned long n;
		if (!q || q - t > 200 || sscanf(q, "\" (%lu bytes)", &n) != 1)
			continue;
		who_name(data[k].w, name, sizeof name);
		char line[300];
		snprintf(line, sizeof line, "expect %s data %.*s", name, (int)(q - t + 1), t);
		char err[CMD_ERR_MAX];
		if (cmd_parse(line, st->c, err, sizeof err) == 1 && st->c->data_len == n)
			put(b, "> %s\n", line);
	}
	for (size_t k = 0; k < nr; k++) {
		char name[24];
		who_name(rows[k].w, name, sizeof name);
		const struct tuple_row *r = rows[k].last, *a = rows[k].addr;
		if (r->state[0])
			expect_line(st, b, "expect %s#%d state %s", name, rows[k].fd, r->state);
		if (a && a->lip[0] && a->lport[0])
			expect_line(st, b, "expect %s#%d local %s %s", name, rows[k].fd, a->lip,
				    known_port(st, a->lport) ? a->lport : "*");
		if (a && a->rip[0] && a->rport[0])
			expect_line(st, b, "expect %s#%d remote %s %s", name, rows[k].fd, a->rip,
				    known_port(st, a->rport) ? a->rport : "*");
	}
}

/* Did a timer end TIME_WAIT or FIN_WAIT2 of a socket, noticed among these
 * events? (Looked at before expectations() records the new states.) */
static bool timers_ended(const struct state *st, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct event *e = session_at(st->s, i);
		if (e->kind != EV_ROW || !e->row || e->fd < 0)
			continue;
		for (size_t k = 0; k < st->nsocks; k++)
			if (same_who(st->socks[k].w, who_of(e)) && st->socks[k].fd == e->fd &&
			    timer_ended(st->socks[k].state, e->row->state))
				return true;
	}
	return false;
}

/* The tail after a quiet gap: its rows only update the states known (the
 * timers' doing is written as a wait step when it matters later). */
static void remember_tail(struct state *st, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct event *e = session_at(st->s, i);
		bool reused;
		if (e->kind == EV_ROW && e->row && e->fd >= 0)
			swap_state(st, who_of(e), e->fd, e->row, &reused);
	}
}

/* The verdict of an expect command: the EV_EXPECT among its events. */
static const struct event *verdict(const struct session *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		const struct event *e = session_at(s, i);
		if (e->kind == EV_EXPECT)
			return e;
	}
	return NULL;
}

/* Did the command after the question logged in [from, to) answer it? */
static bool answered(const struct session *s, size_t from, size_t to)
{
	struct predict_answer a;
	for (size_t i = from; i < to; i++) {
		const struct event *e = session_at(s, i);
		if (e && e->kind == EV_PREDICT)
			return predict_answer(s, i, 0, 0, &a) == 0;
	}
	return false;
}

static void open_step(struct state *st, struct buf *b, const char *title)
{
	put(b, "\nstep: %s\n", title);
	st->in_step = true;
	st->step_at = b->len;
}

/* Is "> line" written in this step already (a lesson's own expect line
 * after the same one observed)? */
static bool in_this_step(const struct state *st, const struct buf *b, const char *line)
{
	if (!b->s || st->step_at > b->len)
		return false;
	size_t n = strlen(line);
	for (const char *p = b->s + st->step_at; (p = strstr(p, "> ")); p += 2)
		if ((p == b->s || p[-1] == '\n') && !strncmp(p + 2, line, n) && p[2 + n] == '\n')
			return true;
	return false;
}

/* ---- the lesson that ran: its titles and narration carried over ---------- */

/* The lesson's narration items [from, to) of step k, as narration. */
static void les_text(struct state *st, struct buf *b, int k, int from, int to)
{
	const struct lesson_step *ls = &st->les->steps[k];
	for (int i = from; i < to && i < (int)ls->nitems; i++)
		if (ls->items[i].kind == LI_TEXT)
			narration(b, ls->items[i].text);
}

/* The lesson's step k written up to item upto: from its start, its title
 * once and its narration, the rest of the step before it first and the
 * steps between that had no command to meet (narration only) whole; or,
 * when k is the open step, its narration since the last command. */
static void les_open(struct state *st, struct buf *b, int k, int upto)
{
	if (st->open_ls == k) {
		les_text(st, b, k, st->li, upto);
		return;
	}
	if (st->open_ls >= 0) /* the rest of the step before */
		les_text(st, b, st->open_ls, st->li, (int)st->les->steps[st->open_ls].nitems);
	for (int j = st->done_ls; j < k; j++) {
		open_step(st, b, st->les->steps[j].title);
		les_text(st, b, j, 0, (int)st->les->steps[j].nitems);
	}
	open_step(st, b, st->les->steps[k].title);
	les_text(st, b, k, 0, upto);
	st->open_ls = k;
	st->done_ls = k + 1;
}

/* Is the log's command text the lesson's next command? Then its step is
 * written (les_open) and the lesson moves past it: true. A command typed by
 * hand matches nothing and leaves the lesson where it was. */
static bool les_meet(struct state *st, struct buf *b, const char *text)
{
	if (!st->les)
		return false;
	char canon[CMD_LINE_MAX + 64], err[CMD_ERR_MAX];
	for (int k = st->ls, i = st->li; k < st->les_steps; k++, i = 0) {
		const struct lesson_step *ls = &st->les->steps[k];
		for (; i < (int)ls->nitems; i++) {
			if (ls->items[i].kind != LI_COMMAND)
				continue;
			if (cmd_parse(ls->items[i].text, st->c, err, sizeof err) != 1)
				return false;
			cmd_format(st->c, canon, sizeof canon);
			if (strcmp(canon, text))
				return false; /* the next command of the lesson is another */
			les_open(st, b, k, i);
			st->ls = k;
			st->li = i + 1;
			return true;
		}
	}
	return false;
}

/* Has the open step of the lesson no command left to meet? */
static bool les_step_done(const struct state *st)
{
	const struct lesson_step *ls = &st->les->steps[st->open_ls];
	for (size_t i = (size_t)st->li; i < ls->nitems; i++)
		if (ls->items[i].kind == LI_COMMAND)
			return false;
	return true;
}

/* A command typed by hand: inside a step of the lesson that has commands
 * still to come it belongs to that step (true); after a step's last one
 * the step is ended (its last narration written) and it is a step of its
 * own (false). */
static bool les_typed(struct state *st, struct buf *b)
{
	if (!st->les || st->open_ls < 0)
		return false;
	if (!les_step_done(st))
		return true;
	les_text(st, b, st->open_ls, st->li, (int)st->les->steps[st->open_ls].nitems);
	st->li = (int)st->les->steps[st->open_ls].nitems;
	st->open_ls = -1;
	return false;
}

/* After the log: the rest of the open step's narration, and the lesson's
 * steps that ran without a command (narration only). */
static void les_close(struct state *st, struct buf *b)
{
	if (!st->les)
		return;
	if (st->open_ls >= 0)
		les_text(st, b, st->open_ls, st->li, (int)st->les->steps[st->open_ls].nitems);
	for (int j = st->done_ls; j < st->les_steps; j++) {
		open_step(st, b, st->les->steps[j].title);
		les_text(st, b, j, 0, (int)st->les->steps[j].nitems);
	}
	st->done_ls = st->les_steps;
}

/* The header: how the file came to be, then title, summary, net and wait. */
static void put_header(struct buf *b, const struct state *st, const struct lesson_save_in *in)
{
	if (st->les)
		put(b, "# %s.lesson - a session saved by sockstep (save lesson %s.lesson): the steps\n"
		       "# of lesson %s that ran, a step per command typed by hand, with the results and\n"
		       "# states the kernel gave. Check it with\n"
		       "#     sockstep --batch --lesson %s.lesson\n",
		    in->name, in->name, st->les->name, in->name);
	else
		put(b, "# %s.lesson - a session saved by sockstep (save lesson %s.lesson): one step per\n"
		       "# command, with the results and states the kernel gave. Check it with\n"
		       "#     sockstep --batch --lesson %s.lesson\n",
		    in->name, in->name, in->name);
	if (!in->net)
		put(b, "# Recorded in --net host: run it with --net host.\n");
	put(b, "title: %s: a session saved from sockstep\n", in->name);
	if (st->les) /* its title is the lesson's own line, not repeated as a step */
		put(b, "summary: the lesson %s as run in a sockstep session, with the kernel's answers\n",
		    st->les->name);
	else
		put(b, "summary: the commands of a sockstep session, checked against the kernel\n");
	if (in->net)
		put(b, "net: %s\n", in->net);
	put(b, "wait: 300ms\n");
}

/* The narration waiting in says, each line as written; a say that had to
 * stay a command (">> ") as a command line. */
static void put_says(struct buf *b, const struct buf *says)
{
	for (const char *l = says->s; l && *l;) {
		const char *nl = strchr(l, '\n');
		bool cmdline = !strncmp(l, ">> ", 3);
		put(b, "%s%.*s\n", cmdline ? "> " : "", (int)(nl ? nl - l : (long)strlen(l)) - (cmdline ? 3 : 0),
		    l + (cmdline ? 3 : 0));
		l = nl ? nl + 1 : NULL;
	}
}

/* A line of the log that is not a step's command: say (narration for the
 * next step), expect (kept when it held), predict (kept when answered),
 * wire save (a note). True when text was one of them. */
static bool put_aside(struct state *st, struct buf *b, struct buf *says, size_t ci, size_t next, const char *text,
		      bool of_lesson)
{
	const struct session *s = st->s;
	if (starts(text, "say")) {
		const struct event *say = NULL;
		for (size_t i = ci + 1; i < next && !say; i++)
			if (session_at(s, i)->kind == EV_SAY)
				say = session_at(s, i);
		if (say && say->text && plain_text(say->text))
			narration(says, say->text);
		else
			put(says, ">> %s\n", text); /* a command after all: marked for below */
	} else if (starts(text, "expect")) {
		const struct event *v = verdict(s, ci + 1, next);
		if (v && v->ret && !st->in_step)
			open_step(st, b, "checks");
		if (!v || !v->ret)
			put(b, "# %s (did not hold here: %s)\n", text, v && v->text ? v->text : "no verdict");
		else if (!(of_lesson && in_this_step(st, b, text))) /* the lesson's own, once */
			put(b, "> %s\n", text);
	} else if (starts(text, "predict") && !answered(s, ci + 1, next)) {
		/* A question the session never answered (it ended, or the
		 * next command could not) would not load as a lesson. */
		put(b, "# %s (left out: nothing in the session answered it)\n", text);
	} else if (starts(text, "wire") && !strncmp(text, "wire save", 9)) {
		put(b, "# %s (left out: lessons do not write files)\n", text);
	} else {
		return false;
	}
	return true;
}

/* A command as a step (or in the lesson's step, of_lesson): the timers
 * that ended before it, its title, the narration said before it, the
 * command and the expect lines for what it did. */
static void put_command(struct state *st, struct buf *b, struct buf *says, size_t ci, size_t end, size_t next,
			bool of_lesson)
{
	const struct event *e = session_at(st->s, ci);
	const char *text = e->text;
	if (timers_ended(st, ci + 1, end)) {
		open_step(st, b, "the kernel's timers run: TIME_WAIT and FIN_WAIT2 end after 60 s");
		put(b, "In the session a timer ended a socket's TIME_WAIT or FIN_WAIT2 here.\n> wait 61s\n");
	}
	char why[CMD_ERR_MAX];
	struct who own = { e->side, 1, 0 };
	bool fork = false;
	if (cmd_parse(text, st->c, why, sizeof why) == 1) {
		own = (struct who){ st->c->t.side, st->c->t.prog > 1 ? st->c->t.prog : 1, st->c->t.child };
		fork = st->c->verb == V_FORK;
	}
	char title[CMD_LINE_MAX + 64];
	step_title(st, ci + 1, end, own, text, title, sizeof title);
	if (!of_lesson)
		open_step(st, b, title);
	if (says->len) {
		put_says(b, says);
		says->len = 0;
		says->s[0] = '\0';
	}
	put(b, "> %s\n", text);
	expectations(st, b, ci + 1, end, fork ? &own : NULL);
	remember_tail(st, end, next);
}

/* The log's commands, each a step of its own or in the lesson's step;
 * returns how many made a step. */
static int put_log(struct state *st, struct buf *b, struct buf *says)
{
	const struct session *s = st->s;
	int commands = 0;
	size_t next;
	for (size_t ci = s->first; ci < s->n; ci = next) {
		const struct event *e = session_at(s, ci);
		if (e->kind != EV_COMMAND || !e->text) {
			next = ci + 1;
			continue;
		}
		size_t end = window_end(s, ci, &next);
		const char *text = e->text;
		if (starts(text, "save") || starts(text, "save!"))
			continue;
		/* A command of the lesson that ran goes into its step, under its
		 * title and narration; one typed by hand closes that step. */
		bool of_lesson = les_meet(st, b, text) || (!starts(text, "say") && les_typed(st, b));
		if (put_aside(st, b, says, ci, next, text, of_lesson))
			continue;
		put_command(st, b, says, ci, end, next, of_lesson);
		commands++;
	}
	return commands;
}

/* What is written must load: a question the lesson check refuses
 * (predict.h) though this run answered it is said here, not on replay. */
static int check_loads(const struct buf *b, const struct lesson_save_in *in, char *err, size_t errlen)
{
	char file[LESSON_NAME_MAX + 8], why[CMD_ERR_MAX + sizeof(file) + 16];
	struct lesson *l;
	snprintf(file, sizeof(file), "%s.lesson", in->name);
	int r = lesson_parse(b->s, b->len, file, in->name, &l, why, sizeof(why));
	if (r < 0) {
		snprintf(err, errlen, "the session does not make a lesson that loads (%s); expected a session "
			 "without that line", why);
		return r;
	}
	lesson_free(l);
	return 0;
}

int lesson_save_text(const struct session *s, const struct lesson_save_in *in, char **out, char *err,
		     size_t errlen)
{
	*out = NULL;
	if (s->first > 0) {
		snprintf(err, errlen, "the session is longer than the log keeps (its first %zu events are gone); "
			 "expected a shorter session: save it sooner next time", s->first);
		return -EINVAL;
	}
	struct state *st = calloc(1, sizeof(*st));
	struct cmd *c = malloc(sizeof(*c));
	if (!st || !c) {
		free(st);
		free(c);
		snprintf(err, errlen, "out of memory while saving the lesson");
		return -ENOMEM;
	}
	st->s = s;
	st->c = c;
	st->les = in->lesson && in->lesson_steps > 0 ? in->lesson : NULL;
	st->les_steps = st->les ? (in->lesson_steps < in->lesson->nsteps ? in->lesson_steps : in->lesson->nsteps) : 0;
	st->open_ls = -1;
	collect_ports(st);

	struct buf b = { 0 };
	struct buf says = { 0 }; /* narration waiting for the next step */
	put_header(&b, st, in);
	int commands = put_log(st, &b, &says);
	les_close(st, &b);
	commands += st->done_ls; /* a lesson's narration alone is worth saving */
	if (says.len && !says.oom) {
		open_step(st, &b, "the end");
		put_says(&b, &says);
	}
	bool oom = b.oom || says.oom;
	free(says.s);
	free(st);
	free(c);
	int r = 0;
	if (oom) {
		snprintf(err, errlen, "out of memory while saving the lesson");
		r = -ENOMEM;
	} else if (!commands) {
		snprintf(err, errlen, "nothing to save yet: the session has no command; expected a command first, "
			 "e.g. server socket tcp");
		r = -EINVAL;
	} else {
		r = check_loads(&b, in, err, errlen);
	}
	if (r < 0)
		free(b.s);
	else
		*out = b.s;
	return r;
}
