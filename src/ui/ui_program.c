/* ui_program.c - a program pane per side: the C code of every call so far,
 * as the lecture writes it (the sockaddr_in statements before bind and
 * connect, the call itself, what recv brought back), each call with its
 * return value or errno name. A call that blocked says "blocked" until it
 * completes, then shows its result in place. */
#include "ui_pane.h"
#include "bounded.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pl_kind { PL_CALL, PL_STMT, PL_DATA, PL_OUT, PL_WHY };

/* One line of a program, copied out of the log: the log drops its oldest
 * events, the program keeps its lines. */
struct pline {
	enum pl_kind kind;
	char *text;     /* owned: the call's code, the sockaddr statement, the payload note or
			 * a traced program's output line */
	size_t at;      /* the log event it came from */
	/* PL_CALL */
	bool blocked;   /* it blocked (CS_BLOCKED) */
	bool before;    /* a traced program is stopped before it (CS_BEFORE): made in place later */
	unsigned seq;   /* the command that made it, and its descriptor: to find its completion */
	int fd;
	long ret;       /* its result, when it did not block */
	int err;
	bool has_done;  /* a blocked call completed: */
	size_t done_at; /* the completing event, */
	long done_ret;  /* and its result */
	int done_err;
	unsigned char prog, child; /* PL_CALL, PL_DATA: whose (client2, server.1) */
	bool named;     /* PL_OUT: its text is "[client2] > TEXT" already */
};

/* Lines derived from the log, per side, kept up to date incrementally so
 * that a long session does not make every redraw walk the whole log; at
 * most PROG_KEEP, then the oldest go and the pane says how many. */
#define PROG_KEEP 512

struct pgm {
	struct pline *l;
	size_t n, cap;
	size_t next;            /* first log event not looked at */
	enum proto proto;
	unsigned long dropped;  /* lines dropped to keep PROG_KEEP */
	unsigned char sa[16];   /* the bytes after the newest sockaddr statements shown, */
	int sa_prog;            /* and whose they were (prog * 256 + child + 1; 0: none) */
	bool missed;            /* the log dropped events before they were read */
};

static void free_line(void *item)
{
	free(((struct pline *)item)->text);
}

static void add_line(struct pgm *pg, struct pline pl, const char *text)
{
	struct pline *l = bounded_room(pg->l, sizeof(*l), &pg->n, &pg->cap, PROG_KEEP, &pg->dropped, free_line);
	if (!l)
		return; /* out of memory: the line is not shown, nothing breaks */
	pg->l = l;
	pl.text = strdup(text ? text : "");
	if (!pl.text)
		return;
	pg->l[pg->n++] = pl;
}

/* The log was cut back to n events: so are the lines and completions it had made. */
static void cut_back(struct pgm *pg, size_t n)
{
	while (pg->n && pg->l[pg->n - 1].at >= n)
		free(pg->l[--pg->n].text);
	for (size_t k = 0; k < pg->n; k++)
		if (pg->l[k].has_done && pg->l[k].done_at >= n)
			pg->l[k].has_done = false;
	pg->next = n;
}

/* A traced program made the call it was stopped before: its line (the
 * newest of that program's still waiting) becomes the call made. */
static bool made_in_place(struct pgm *pg, const struct event *e, size_t i, const char *text)
{
	for (size_t k = pg->n; k-- > 0;) {
		struct pline *pl = &pg->l[k];
		if (pl->kind != PL_CALL || pl->prog != e->prog || pl->child != e->child)
			continue;
		if (!pl->before)
			return false;
		char *t = strdup(text ? text : "");
		if (!t)
			return false;
		free(pl->text);
		*pl = (struct pline){ .kind = PL_CALL, .text = t, .at = i, .blocked = e->status == CS_BLOCKED,
				      .seq = e->seq, .fd = e->fd, .ret = e->ret, .err = e->err, .prog = e->prog,
				      .child = e->child };
		return true;
	}
	return false;
}

/* An explanation of the errno the program's newest call returned
 * ("ECONNREFUSED: nobody listens ..."): it goes under the call. */
static bool errno_explained(const struct pgm *pg, const struct event *e)
{
	if (!e->text)
		return false;
	for (size_t k = pg->n; k-- > 0;) {
		const struct pline *pl = &pg->l[k];
		if (pl->kind != PL_CALL || pl->prog != e->prog || pl->child != e->child)
			continue;
		int err = pl->has_done ? pl->done_err : pl->err;
		size_t n = err ? strlen(errno_name(err)) : 0;
		return n && pl->fd == e->fd && !strncmp(e->text, errno_name(err), n) && !strncmp(e->text + n, ": ", 2);
	}
	return false;
}

/* The field a watched statement wrote, for the folded line: "memset",
 * "sin_family", ... (the code after its "file:line  "), or its first word. */
static void stmt_field(const char *code, char *out, size_t len)
{
	const char *c = strstr(code, "  ");
	c = c ? c + 2 : code;
	const char *f = strstr(c, ".sin_");
	size_t n = 0;
	if (f)
		c = f + 1;
	while (c[n] && (isalnum((unsigned char)c[n]) || c[n] == '_'))
		n++;
	snprintf(out, len, "%.*s", (int)(n ? n : 12), c);
}

/* A sockaddr's statements. Those a -g program's watch saw come as
 * "file:line  code": all but the last fold into one line, "file:102,104,106
 * memset, sin_family, sin_addr", naming the lines and fields (their bytes are the sockaddr pane's stages), so that a step at
 * 80x24 keeps its calls and output whole; the last one, where a forgotten
 * htons() shows, stays whole. sockstep's own calls' statements are not
 * folded. */
static void add_statements(struct pgm *pg, const struct sa_build *b, size_t at)
{
	int last = -1, n = 0;
	for (int st = 0; st < SA_NSTAGES; st++)
		if (b->code[st][0]) {
			last = st;
			n++;
		}
	const char *colon = n > 2 ? strchr(b->code[0], ':') : NULL;
	if (!colon || !isdigit((unsigned char)colon[1]) || !strstr(b->code[0], "  ")) {
		for (int st = 0; st < SA_NSTAGES; st++)
			if (b->code[st][0])
				add_line(pg, (struct pline){ .kind = PL_STMT, .at = at }, b->code[st]);
		return;
	}
	char fold[SA_CODE_MAX + 64];
	int w = snprintf(fold, sizeof(fold), "%.*s", (int)(colon - b->code[0]), b->code[0]);
	for (int st = 0; st < last && w > 0 && (size_t)w < sizeof(fold); st++) {
		const char *c = strchr(b->code[st], ':');
		w += snprintf(fold + w, sizeof(fold) - (size_t)w, "%s%d", st ? "," : ":", c ? atoi(c + 1) : 0);
	}
	for (int st = 0; st < last && w > 0 && (size_t)w < sizeof(fold); st++) {
		char f[24];
		stmt_field(b->code[st], f, sizeof(f));
		w += snprintf(fold + w, sizeof(fold) - (size_t)w, "%s%s", st ? ", " : "  ", f);
	}
	add_line(pg, (struct pline){ .kind = PL_STMT, .at = at }, fold);
	add_line(pg, (struct pline){ .kind = PL_STMT, .at = at }, b->code[last]);
}

static void sync_prog(const struct session *s, enum side side, struct pgm *pg)
{
	if (s->n < pg->next)
		cut_back(pg, s->n);
	if (pg->next < s->first) {
		pg->missed = true;
		pg->next = s->first;
	}
	for (; pg->next < s->n; pg->next++) {
		size_t i = pg->next;
		const struct event *e = session_at(s, i);
		if (e->side != side)
			continue;
		/* A second program of the side (client2) or a forked child
		 * (server.1) shares the side's pane: its lines say whose they are. */
		char named[1024];
		const char *text = e->text;
		if ((e->prog > 1 || e->child || e->thread) && text &&
		    (e->kind == EV_CALL || e->kind == EV_DATA || e->kind == EV_OUTPUT)) {
			char who[24];
			cmd_prog_name(e->side, e->prog, e->child, who, sizeof(who));
			if (e->thread) /* a traced program's thread: "[client/t2]" */
				snprintf(who + strlen(who), sizeof(who) - strlen(who), "/t%d", e->thread);
			/* what the program wrote follows its "> " mark, the name before it */
			snprintf(named, sizeof(named), "[%s] %s%s", who, e->kind == EV_OUTPUT ? "> " : "", text);
			text = named;
		}
		switch (e->kind) {
		case EV_CALL:
			if (e->status == CS_STILL)
				break; /* batch's "still blocked": the line already says so */
			if (e->status == CS_COMPLETED) {
				bool found = false;
				for (size_t k = pg->n; k-- > 0 && !found;) {
					struct pline *pl = &pg->l[k];
					if (pl->kind == PL_CALL && !pl->has_done && pl->blocked &&
					    pl->seq == e->origin && pl->fd == e->fd) {
						pl->has_done = true;
						pl->done_at = i;
						pl->done_ret = e->ret;
						pl->done_err = e->err;
						found = true;
					}
				}
				if (found)
					break;
			}
			if (e->status != CS_BEFORE && made_in_place(pg, e, i, text))
				break;
			add_line(pg,
				 (struct pline){ .kind = PL_CALL, .at = i, .blocked = e->status == CS_BLOCKED,
						 .before = e->status == CS_BEFORE, .seq = e->seq, .fd = e->fd, .ret = e->ret, .err = e->err,
						 .prog = e->prog, .child = e->child },
				 text);
			break;
		case EV_SOCKADDR:
			if (!e->sa)
				break;
			/* A traced program's call: one comment, the bytes read from its
			 * memory; none when its own statements just made them (the watch). */
			if (!e->sa->code[SA_MEMSET][0] && pg->sa_prog == e->prog * 256 + e->child + 1 &&
			    !memcmp(pg->sa, e->sa->bytes[SA_PORT], 16))
				break;
			add_statements(pg, e->sa, i);
			pg->sa_prog = e->sa->code[SA_MEMSET][0] ? e->prog * 256 + e->child + 1 : 0;
			memcpy(pg->sa, e->sa->bytes[SA_PORT], 16);
			break;
		case EV_OUTPUT:
			add_line(pg, (struct pline){ .kind = PL_OUT, .at = i, .prog = e->prog, .child = e->child,
						     .named = text != e->text }, text);
			break;
		case EV_DATA:
			add_line(pg, (struct pline){ .kind = PL_DATA, .at = i, .fd = e->fd, .prog = e->prog, .child = e->child },
				 text);
			break;
		case EV_INFO:
			if (errno_explained(pg, e))
				add_line(pg, (struct pline){ .kind = PL_WHY, .at = i, .fd = e->fd, .prog = e->prog,
							     .child = e->child }, e->text);
			break;
		case EV_ROW:
			if (e->row && e->row->proto != PROTO_NONE)
				pg->proto = e->row->proto;
			break;
		default:
			break;
		}
	}
}

/* Each program pane keeps its own lines (p->priv). */
static struct pgm *prog_of(struct ui *u, struct ui_pane *p)
{
	static struct pgm none;
	(void)u;
	struct pgm *pg = p->priv;
	if (!pg) {
		none.n = 0;
		return &none; /* out of memory at init: an empty pane, nothing breaks */
	}
	sync_prog(&p->a->log, p->side, pg);
	return pg;
}

static void program_update(struct ui *u, struct ui_pane *p)
{
	prog_of(u, p);
}

static int program_init(struct ui *u, struct ui_pane *p)
{
	(void)u;
	return (p->priv = calloc(1, sizeof(struct pgm))) ? 0 : -ENOMEM;
}

/* The lines go; their array stays for the lines to come. */
static void program_forget(struct ui *u, struct ui_pane *p)
{
	(void)u;
	struct pgm *pg = p->priv;
	if (pg) {
		for (size_t k = 0; k < pg->n; k++)
			free(pg->l[k].text);
		*pg = (struct pgm){ .l = pg->l, .cap = pg->cap };
	}
	p->top = 0;
	p->follow = true;
}

static void program_free(struct ui *u, struct ui_pane *p)
{
	struct pgm *pg = p->priv;
	program_forget(u, p);
	if (pg)
		free(pg->l);
	free(pg);
	p->priv = NULL;
}

static void program_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	struct pgm *pg = prog_of(u, p);
	char ip[16] = "";
	const struct in_addr *a = &p->a->lab.ip[p->side];
	if (a->s_addr)
		inet_ntop(AF_INET, a, ip, sizeof(ip));
	const char *dot = ui_glyph(u, G_DOT);
	int n = snprintf(buf, len, "%s%s%s", side_name(p->side), ip[0] ? " " : "", ip);
	if (pg->proto != PROTO_NONE && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s %s", dot, proto_name(pg->proto));
}

/* The result column of a call: "→ 3", "→ -1 ECONNREFUSED", "blocked". */
/* The answer to a question still waiting (ui_predict.c) is not shown yet. */
static bool hidden(const struct ui *u, const struct ui_pane *p, const struct pline *pl, enum expect_what w)
{
	return ui_hide_cell(&u->asked, p->a, p->side, pl->prog, pl->child, pl->fd, pl->has_done ? pl->done_at : pl->at, w);
}

static const char *result_text(struct ui *u, const struct ui_pane *p, const struct pline *pl, char *buf, size_t len,
			       enum ui_role *role)
{
	if (hidden(u, p, pl, EX_RESULT) && (pl->has_done || !pl->blocked)) {
		*role = R_RET;
		snprintf(buf, len, "%s ??", ui_glyph(u, G_ARROW));
		return buf;
	}
	if (pl->before) {
		*role = R_BLOCKED;
		return "next"; /* stopped before it: "n" or "SIDE next" makes it */
	}
	if (!pl->has_done && pl->blocked) {
		/* A call that no program waits in any more, without a result: its
		 * program ended in it (killed from a shell). */
		if (!engine_call_pending(&p->a->eng, p->side, pl->prog, pl->child, pl->seq)) {
			*role = R_ERRNO;
			return "no return: ended";
		}
		*role = R_BLOCKED;
		return "blocked";
	}
	long ret = pl->has_done ? pl->done_ret : pl->ret;
	int err = pl->has_done ? pl->done_err : pl->err;
	if (err) {
		*role = R_ERRNO;
		snprintf(buf, len, "%s -1 %s", ui_glyph(u, G_ARROW), errno_name(err));
	} else {
		*role = R_RET;
		snprintf(buf, len, "%s %ld%s", ui_glyph(u, G_ARROW), ret, pl->has_done ? " (waited)" : "");
	}
	return buf;
}

/* A line shown whole: its text cut into rows, the first at the pane's code
 * column and the others indented two more, each cut after its last blank (a
 * word is cut only when it fills a row), the result (rw columns) after the
 * last row (on a row of its own when it does not fit there). The text is
 * ASCII: the engine escapes every other byte. Returns the rows (at most
 * WRAP_MAX: what is longer is cut there); off[i] is where row i starts. */
#define WRAP_MAX 12
#define WRAP_INDENT 2

static int wrap_layout(const char *code, int rw, int avail, size_t off[WRAP_MAX + 1])
{
	/* A program's output ("> [0]=2,[1]=0,...") is cut at a blank only
	 * past a third of the row: "> " is not worth a row of its own. */
	bool out = code[0] == '>' || strstr(code, "] > ") != NULL;
	size_t len = strlen(code), at = 0;
	int rows = 0;
	while (rows < WRAP_MAX) {
		int c = rows == 0 ? avail : avail - WRAP_INDENT;
		size_t cap = (size_t)(c > 1 ? c : 1);
		off[rows++] = at;
		if (len - at + (size_t)rw <= cap)
			break; /* the rest and the result fit */
		if (len - at <= cap) { /* the rest fits, the result goes below */
			at = len;
			continue;
		}
		size_t cut = at + cap, least = out ? cap / 3 : 1;
		for (size_t i = at + cap; i > at + least; i--)
			if (code[i - 1] == ' ') {
				cut = i;
				break;
			}
		at = cut;
	}
	off[rows] = len;
	return rows;
}

/* A line's text as the pane shows it, and its role. */
static const char *line_text(struct ui *u, const struct ui_pane *p, const struct pline *pl, bool is_cur, char *buf,
			     size_t len, enum ui_role *role)
{
	*role = R_MINOR;
	switch (pl->kind) {
	case PL_CALL:
		*role = is_cur ? R_CURRENT : R_TEXT;
		return pl->text;
	case PL_STMT:
		return pl->text;
	case PL_OUT: /* "> TEXT", or "[client2] > TEXT" (sync_prog) */
		if (pl->named)
			return pl->text;
		snprintf(buf, len, "> %s", pl->text);
		return buf;
	case PL_DATA:
		if (hidden(u, p, pl, EX_DATA)) /* what recv filled in: the student guesses first */
			snprintf(buf, len, "/* received ?? */");
		else
			snprintf(buf, len, "/* %s */", pl->text);
		return buf;
	case PL_WHY:
		if (hidden(u, p, pl, EX_RESULT)) /* the errno is the answer asked for */
			snprintf(buf, len, "/* ?? */");
		else
			snprintf(buf, len, "/* %s */", pl->text);
		return buf;
	}
	return "";
}

/* A call's result, shown whole after its code: "(waited)" is worth a word,
 * not a row of its own. NULL for a line that is not a call. */
static const char *whole_result(struct ui *u, const struct ui_pane *p, const struct pline *pl, char *buf, size_t len,
				enum ui_role *role, int avail)
{
	if (pl->kind != PL_CALL)
		return NULL;
	const char *res = result_text(u, p, pl, buf, len, role);
	size_t off[WRAP_MAX + 1];
	char *w = strstr(buf, " (waited)");
	if (w && res == buf && wrap_layout(pl->text, ui_width(u, res) + 1, avail, off) >
				     wrap_layout(pl->text, ui_width(u, res) + 1 - 9, avail, off))
		*w = '\0';
	return res;
}

/* The log index from which a line is the step's: where the lesson step
 * shown began, while no command was typed since; else where the last line
 * typed or stepped (n) began; SIZE_MAX when none was in this lab. */
static size_t step_from(const struct ui *u, const struct ui_pane *p)
{
	for (int k = 0; k < u->nles && k < 2; k++)
		if (u->les[k].a == p->a && u->step > 0 && (u->stepping || p->a->log.seq == u->lesson_seq[k]))
			return u->step_log[k];
	return u->line_app == p->a ? u->line_log : (size_t)-1;
}

/* What the step made (a call with its result and its errno's explanation,
 * the program's output) is shown whole; the lines before it, and the statements and notes (the hex
 * pane has their bytes), one row each. */
static bool whole(const struct pline *pl, size_t from)
{
	if (pl->kind != PL_CALL && pl->kind != PL_OUT && pl->kind != PL_WHY)
		return false;
	return pl->at >= from || (pl->has_done && pl->done_at >= from);
}

/* The rows a line takes: whole (is_cur, or the step's), or one. */
static int line_rows(struct ui *u, const struct ui_pane *p, const struct pline *pl, bool is_cur, int avail)
{
	char tbuf[1100], rbuf[64];
	enum ui_role role;
	size_t off[WRAP_MAX + 1];
	const char *text = line_text(u, p, pl, is_cur, tbuf, sizeof(tbuf), &role);
	const char *res = whole_result(u, p, pl, rbuf, sizeof(rbuf), &role, avail);
	return wrap_layout(text, res ? ui_width(u, res) + 1 : 0, avail, off);
}

static void draw_whole_row(struct ui *u, struct ui_pane *p, int row, const struct pline *pl, bool is_cur, int sub,
			   const char *mark)
{
	char tbuf[1100], rbuf[64];
	enum ui_role role, rrole = R_RET;
	int avail = p->w - 2;
	const char *text = line_text(u, p, pl, is_cur, tbuf, sizeof(tbuf), &role);
	const char *res = whole_result(u, p, pl, rbuf, sizeof(rbuf), &rrole, avail);
	int rw = res ? ui_width(u, res) + 1 : 0;
	size_t off[WRAP_MAX + 1];
	int rows = wrap_layout(text, rw, avail, off);
	if (sub >= rows)
		return;
	int x = sub == 0 ? 2 : 2 + WRAP_INDENT;
	if (sub == 0 && is_cur)
		ui_put(u, p->win, row, 0, 2, mark, u->attr[R_CURRENT]);
	char piece[1100];
	snprintf(piece, sizeof(piece), "%.*s", (int)(off[sub + 1] - off[sub]), text + off[sub]);
	int used = ui_put(u, p->win, row, x, p->w - x, piece, u->attr[role]);
	if (res && sub == rows - 1)
		ui_put(u, p->win, row, p->w - rw + 1 > x + used ? p->w - rw + 1 : x + used + 1, rw, res,
		       u->attr[rrole]);
}

/* A line of the history on one row: cut with an ellipsis where it is longer. */
static void draw_short_row(struct ui *u, struct ui_pane *p, int row, const struct pline *pl)
{
	char tbuf[1100], rbuf[64];
	enum ui_role role, rrole = R_RET;
	const char *code = line_text(u, p, pl, false, tbuf, sizeof(tbuf), &role);
	const char *res = pl->kind == PL_CALL ? result_text(u, p, pl, rbuf, sizeof(rbuf), &rrole) : NULL;
	int x = 2, avail = p->w - x;
	int rw = res ? ui_width(u, res) + 1 : 0;
	if (rw > avail / 2 && res && pl->has_done) { /* drop "(waited)" before cutting the code */
		char *w = strstr(rbuf, " (waited)");
		if (w)
			*w = '\0';
		rw = ui_width(u, res) + 1;
	}
	int cw = avail - rw, used;
	if (ui_width(u, code) > cw) {
		used = ui_put(u, p->win, row, x, cw - 1, code, u->attr[role]);
		used += ui_put(u, p->win, row, x + used, 1, ui_glyph(u, G_ELLIPSIS), u->attr[R_MINOR]);
	} else {
		used = ui_put(u, p->win, row, x, cw, code, u->attr[role]);
	}
	if (res)
		ui_put(u, p->win, row, p->w - rw + 1 > x + used ? p->w - rw + 1 : x + used + 1, rw, res,
		       u->attr[rrole]);
}

/* The current line: the call whose news is the newest (made, or returned
 * after it blocked: a parent's accept() that returns after its child's
 * send() is the step's news), the newest made when two are as new; pg->n
 * when there is none. */
static size_t current_call(const struct pgm *pg)
{
	size_t cur = pg->n, best = 0;
	for (size_t k = pg->n; k-- > 0;) {
		const struct pline *pl = &pg->l[k];
		size_t t = pl->has_done ? pl->done_at : pl->at;
		if (pl->kind == PL_CALL && (cur == pg->n || t > best)) {
			cur = k;
			best = t;
		}
	}
	return cur;
}

/* The rows of line k at width avail (the pane's less its mark column). */
static int rows_of(struct ui *u, const struct ui_pane *p, const struct pgm *pg, size_t k, size_t cur, size_t from,
		   int avail)
{
	const struct pline *pl = &pg->l[k];
	return k == cur || whole(pl, from) ? line_rows(u, p, pl, k == cur, avail) : 1;
}

static void program_draw(struct ui *u, struct ui_pane *p)
{
	struct pgm *pg = prog_of(u, p);
	if (!pg->n) {
		ui_wrap(u, p->win, 0, 1, p->w - 1, p->h, 0,
			u->nles ? "no calls yet: n runs the lesson's next step"
			: p->side == SIDE_SERVER ? "no calls yet: press s and type \"socket tcp\""
						 : "no calls yet: press c and type \"socket tcp\"",
			u->attr[R_MINOR]);
		return;
	}
	/* A bounded history: when its top is gone, the first line says so. */
	size_t head = pg->dropped || pg->missed ? 1 : 0, total = pg->n + head;
	size_t cur = current_call(pg), from = step_from(u, p);
	const char *mark = ui_glyph(u, G_CURRENT);
	int avail = p->w - 2;
	/* Scrolling counts screen rows: the step's lines and the current call
	 * take as many as they need, the others one. */
	int total_rows = (int)head, cur_top = -1;
	for (size_t k = 0; k < pg->n; k++) {
		if (k == cur)
			cur_top = total_rows;
		total_rows += rows_of(u, p, pg, k, cur, from, avail);
	}
	ui_scroll_fix(p, total_rows, p->h);
	/* Following the newest: what came after the current call (a note, what
	 * it received) gives way before the call's own first row does. */
	if (p->follow && cur_top >= 0 && p->top > cur_top)
		p->top = cur_top;
	/* The line and the row within it where the view starts. */
	size_t line = 0;
	int sub = 0;
	for (int skip = p->top; skip > 0 && line < total; skip--) {
		int rows = line < head ? 1 : rows_of(u, p, pg, line - head, cur, from, avail);
		if (++sub >= rows) {
			sub = 0;
			line++;
		}
	}
	for (int row = 0; row < p->h && line < total; row++) {
		if (line < head) {
			if (pg->dropped)
				ui_putf(u, p->win, row, 2, p->w - 2, u->attr[R_MINOR], "%s %lu older line%s dropped%s",
					ui_glyph(u, G_ELLIPSIS), pg->dropped, pg->dropped == 1 ? "" : "s",
					pg->missed ? " and more" : "");
			else
				ui_putf(u, p->win, row, 2, p->w - 2, u->attr[R_MINOR], "%s older lines dropped",
					ui_glyph(u, G_ELLIPSIS));
			line++;
			continue;
		}
		size_t k = line - head;
		const struct pline *pl = &pg->l[k];
		if (k == cur || whole(pl, from)) {
			draw_whole_row(u, p, row, pl, k == cur, sub, mark);
			if (++sub >= line_rows(u, p, pl, k == cur, avail)) {
				sub = 0;
				line++;
			}
			continue;
		}
		line++;
		draw_short_row(u, p, row, pl);
	}
}

static bool program_key(struct ui *u, struct ui_pane *p, int key)
{
	struct pgm *pg = prog_of(u, p);
	size_t cur = current_call(pg), from = step_from(u, p);
	int rows = pg->dropped || pg->missed ? 1 : 0;
	for (size_t k = 0; k < pg->n; k++)
		rows += rows_of(u, p, pg, k, cur, from, p->w - 2);
	return ui_scroll_key(p, key, rows, p->h);
}

static void program_resize(struct ui *u, struct ui_pane *p)
{
	(void)u;
	if (p->follow)
		p->top = 0; /* recomputed against the new height when drawn */
}

const struct ui_pane_ops ui_program_ops = {
	.name = "program",
	.title = program_title,
	.draw = program_draw,
	.key = program_key,
	.resize = program_resize,
	.update = program_update,
	.forget = program_forget,
	.init = program_init,
	.free = program_free,
};

int ui_program_output_rows(struct ui *u, struct ui_pane *p, int width)
{
	struct pgm *pg = prog_of(u, p);
	size_t from = step_from(u, p);
	for (size_t k = pg->n; k-- > 0 && pg->l[k].at >= from;)
		if (pg->l[k].kind == PL_OUT)
			return ui_program_rows(u, p, width, true);
	return 0;
}

int ui_program_rows(struct ui *u, struct ui_pane *p, int width, bool step)
{
	struct pgm *pg = prog_of(u, p);
	size_t cur = current_call(pg), from = step_from(u, p);
	if (cur == pg->n)
		return 1;
	/* From the step's first line (or the current call) to the last. */
	size_t first = cur;
	for (size_t k = cur; step && k-- > 0 && (whole(&pg->l[k], from) || pg->l[k].at >= from);)
		first = k;
	int rows = 0;
	for (size_t k = first; k < pg->n; k++)
		if (step || pg->l[k].kind != PL_WHY) /* a lesson's narration says why: the note yields */
			rows += rows_of(u, p, pg, k, cur, from, width - 2);
	return rows;
}
