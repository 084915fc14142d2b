/* ui_tuple.c - the lecture's 5-tuple table, one row per step, from the
 * EV_ROW events. The cells the last step changed are bold and reversed as
 * well as coloured, so that they still stand out on a washed-out projector
 * or a monochrome terminal. Narrow panes use the short step names. */
#include "ui_pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The table's rows, copied out of the log as they come: the log drops its
 * oldest events, the table keeps its rows (up to TUPLE_KEEP, then it too
 * drops the oldest, and says how many in its title). */
#define TUPLE_KEEP 1024

struct trow {
	struct tuple_row row;
	unsigned seq;   /* the command that made it */
	size_t at;      /* its log event */
};

struct rows {
	struct trow *r;
	size_t n, cap;
	size_t next;            /* the first log event not looked at */
	unsigned long dropped;  /* rows dropped to keep TUPLE_KEEP */
	bool missed;            /* the log dropped events before they were read */
};

static void add_row(struct rows *r, const struct event *e, size_t at)
{
	if (r->n == TUPLE_KEEP) { /* drop a quarter at once: one move per TUPLE_KEEP / 4 rows */
		size_t k = TUPLE_KEEP / 4;
		memmove(r->r, r->r + k, (r->n - k) * sizeof(*r->r));
		r->n -= k;
		r->dropped += k;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct trow *t = realloc(r->r, cap * sizeof(*t));
		if (!t)
			return; /* out of memory: the row is not shown, nothing breaks */
		r->r = t;
		r->cap = cap;
	}
	r->r[r->n++] = (struct trow){ .row = *e->row, .seq = e->seq, .at = at };
}

/* Each 5-tuple pane keeps its own (--compare shows two, of two labs). */
static struct rows *sync_rows(struct ui_pane *p)
{
	static struct rows none;
	const struct session *s = &p->a->log;
	struct rows *r = p->priv;
	if (!r && !(r = p->priv = calloc(1, sizeof(*r)))) {
		none.n = 0;
		return &none; /* out of memory: an empty table, nothing breaks */
	}
	if (s->n < r->next) { /* the log was cut back: so are the rows it had made */
		while (r->n && r->r[r->n - 1].at >= s->n)
			r->n--;
		r->next = s->n;
	}
	if (r->next < s->first) {
		r->missed = true;
		r->next = s->first;
	}
	for (; r->next < s->n; r->next++) {
		const struct event *e = session_at(s, r->next);
		if (e->kind == EV_ROW && e->row)
			add_row(r, e, r->next);
	}
	return r;
}

static void tuple_update(struct ui *u, struct ui_pane *p)
{
	(void)u;
	sync_rows(p);
}

static void tuple_forget(struct ui *u, struct ui_pane *p)
{
	(void)u;
	struct rows *r = p->priv;
	if (r)
		free(r->r);
	free(r);
	p->priv = NULL;
}

enum col { C_STEP, C_SIDE, C_FD, C_PROTO, C_LIP, C_LPORT, C_RIP, C_RPORT, C_STATE, C_COUNT_ };

static const char *const head_wide[C_COUNT_] = { "STEP", "PROGRAM", "FD", "PROTOCOL", "LOCAL-IP",
						  "LOCAL-PORT", "REMOTE-IP", "REMOTE-PORT", "STATE" };
static const char *const head_narrow[C_COUNT_] = { "STEP", "SIDE", "", "PROTO", "LOCAL-IP",
						    "LPORT", "REMOTE-IP", "RPORT", "STATE" };
static const unsigned col_bit[C_COUNT_] = { 0, 0, 0, TC_PROTO, TC_LIP, TC_LPORT, TC_RIP, TC_RPORT, TC_STATE };

/* The text of one cell; a value the step took away shows as "-" so that
 * the change has somewhere to be seen (as tuple_format does). */
enum steplab { SL_FULL, SL_SHORT, SL_NUMBER };

static void cell(const struct tuple_row *r, enum col c, bool narrow, enum steplab sl, char *buf,
		 size_t len)
{
	const char *v = "";
	switch (c) {
	case C_STEP:
		if (sl == SL_NUMBER) { /* the short name's first word: "2B", "7", "close" */
			v = tuple_step_short(r->step, r->side, r->proto);
			snprintf(buf, len, "%.*s", (int)strcspn(v, " "), v);
			return;
		}
		v = sl == SL_SHORT ? tuple_step_short(r->step, r->side, r->proto)
				   : tuple_step_label(r->step, r->side, r->proto);
		break;
	case C_SIDE:
		if (narrow) /* side and descriptor in one column: "srv 3" */
			snprintf(buf, len, "%s%.0d%s%.0d %d", r->side == SIDE_SERVER ? "srv" : "cli",
				 r->prog > 1 ? r->prog : 0, r->child ? "." : "", r->child, r->fd);
		else
			cmd_prog_name(r->side, r->prog ? r->prog : 1, r->child, buf, len);
		return;
	case C_FD:
		if (narrow)
			v = "";
		else {
			snprintf(buf, len, "%d", r->fd);
			return;
		}
		break;
	case C_PROTO: v = proto_name(r->proto); break;
	case C_LIP: v = r->lip; break;
	case C_LPORT: v = r->lport; break;
	case C_RIP: v = r->rip; break;
	case C_RPORT: v = r->rport; break;
	case C_STATE: v = r->state; break;
	case C_COUNT_: break;
	}
	if (!v[0] && col_bit[c] && (r->changed & col_bit[c]))
		v = "-";
	snprintf(buf, len, "%s", v);
}

struct widths {
	bool narrow;
	enum steplab sl;
	int w[C_COUNT_];
};

/* Column widths that fit the pane, trying in turn: wide headers with the
 * lecture's full step names, narrow columns with full names, the full names
 * cut from the end, narrow columns with the short names; then (half a screen in --compare) without
 * the PROTOCOL column, whose value the half's heading names, with the step
 * numbers only ("2B"), and last without the addresses. The step column
 * takes what is left. */
#define STEP_CUT_MIN 16 /* "STEP 2B READY T…": enough of a name to know the step */

static void fit(struct ui *u, const struct rows *rs, int width, struct widths *wd)
{
	static const struct { bool narrow, noproto, noip; enum steplab sl; int cut; } passes[] = {
		{ false, false, false, SL_FULL, 0 }, { true, false, false, SL_FULL, 0 },
		/* The lecture's names cut from the end ("STEP1 PROTOCOL DEFI…")
		 * rather than another form or the PROTOCOL column dropped: the
		 * names keep one form from the first step to the last. */
		{ true, false, false, SL_FULL, STEP_CUT_MIN },
		{ true, false, false, SL_SHORT, 0 }, { true, true, false, SL_SHORT, 0 },
		{ true, true, false, SL_NUMBER, 0 },
		/* Last resort (half of an 80-column screen): ports and state without
		 * the addresses, rather than the state cut off at the edge. */
		{ true, true, true, SL_NUMBER, 0 },
	};
	const int np = (int)(sizeof(passes) / sizeof(passes[0]));
	for (int pass = 0; pass < np; pass++) {
		bool narrow = passes[pass].narrow;
		const char *const *head = narrow ? head_narrow : head_wide;
		int fixed = 0, stepw = 0;
		for (int c = 0; c < C_COUNT_; c++)
			wd->w[c] = (int)strlen(head[c]);
		for (size_t i = 0; i < rs->n; i++) {
			const struct tuple_row *r = &rs->r[i].row;
			char buf[64];
			for (int c = 0; c < C_COUNT_; c++) {
				cell(r, (enum col)c, narrow, passes[pass].sl, buf, sizeof(buf));
				int w = ui_width(u, buf);
				if (c == C_STEP)
					stepw = w > stepw ? w : stepw;
				else if (w > wd->w[c])
					wd->w[c] = w;
			}
		}
		if (passes[pass].noproto)
			wd->w[C_PROTO] = 0;
		if (passes[pass].noip)
			wd->w[C_LIP] = wd->w[C_RIP] = 0;
		for (int c = 1; c < C_COUNT_; c++)
			fixed += wd->w[c] ? wd->w[c] + 1 : 0;
		wd->narrow = narrow;
		wd->sl = passes[pass].sl;
		wd->w[C_STEP] = width - 1 - fixed - 1;
		if (pass == np - 1 || wd->w[C_STEP] >= stepw ||
		    (passes[pass].cut && wd->w[C_STEP] >= passes[pass].cut)) {
			if (wd->w[C_STEP] < 2) /* the right-hand columns are cut at the edge instead */
				wd->w[C_STEP] = 2;
			return;
		}
	}
}

static void tuple_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	const struct rows *rs = sync_rows(p);
	int o = snprintf(buf, len, "5-tuple %s %zu row%s", ui_glyph(u, G_DOT), rs->n, rs->n == 1 ? "" : "s");
	if (o < 0 || (size_t)o >= len)
		return;
	/* The table is a bounded history too: say when its top is gone. */
	if (rs->dropped)
		snprintf(buf + o, len - (size_t)o, " %s %lu older dropped%s", ui_glyph(u, G_DOT), rs->dropped,
			 rs->missed ? " and more" : "");
	else if (rs->missed)
		snprintf(buf + o, len - (size_t)o, " %s older rows dropped", ui_glyph(u, G_DOT));
}

/* Rows and the note lines of the last step, as display lines. */
struct dline {
	size_t row;  /* index into rs->r */
	bool note;
};

static void tuple_draw(struct ui *u, struct ui_pane *p)
{
	const struct rows *rs = sync_rows(p);
	struct widths wd;
	fit(u, rs, p->w, &wd);
	const char *const *head = wd.narrow ? head_narrow : head_wide;
	int x = 1;
	for (int c = 0; c < C_COUNT_; c++) {
		if (!wd.w[c])
			continue;
		ui_put(u, p->win, 0, x, wd.w[c], head[c], u->attr[R_HEADER]);
		x += wd.w[c] + 1;
	}
	if (!rs->n) {
		ui_put(u, p->win, 1, 1, p->w - 2, "no sockets yet: each step adds a row here, as in the lecture's tables",
		       u->attr[R_MINOR]);
		return;
	}
	/* The last step: the command whose rows came last. Its changed cells
	 * are marked; its notes (where a value came from) are shown when
	 * there is room. */
	unsigned last = rs->r[rs->n - 1].seq;
	bool notes = p->h >= 8 && wd.sl != SL_NUMBER; /* compact: rows before notes */
	size_t nlines = 0;
	struct dline *dl = malloc((rs->n * 2 + 1) * sizeof(*dl));
	if (!dl)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		const struct trow *e = &rs->r[i];
		dl[nlines++] = (struct dline){ .row = i };
		if (notes && e->seq == last && e->row.note[0])
			dl[nlines++] = (struct dline){ .row = i, .note = true };
	}
	int vis = p->h - 1;
	ui_scroll_fix(p, (int)nlines, vis);
	for (int y = 0; y < vis && (size_t)(p->top + y) < nlines; y++) {
		const struct dline *d = &dl[p->top + y];
		const struct trow *e = &rs->r[d->row];
		const struct tuple_row *r = &e->row;
		bool recent = e->seq == last;
		if (d->note) {
			int nx = 1 + wd.w[C_STEP] + 1;
			ui_putf(u, p->win, y + 1, nx, p->w - nx, u->attr[R_MINOR], "(%s)", r->note);
			continue;
		}
		x = 1;
		for (int c = 0; c < C_COUNT_; c++) {
			if (!wd.w[c])
				continue;
			char buf[64];
			cell(r, (enum col)c, wd.narrow, wd.sl, buf, sizeof(buf));
			attr_t at = u->attr[c == C_STATE ? R_STATE : R_TEXT];
			if (c == C_STEP && recent)
				at = u->attr[R_CURRENT];
			if (recent && col_bit[c] && (r->changed & col_bit[c]))
				at = u->attr[R_CHANGED] | A_BOLD | A_REVERSE;
			bool right = c == C_FD;
			int w = ui_width(u, buf);
			int cx = right && w < wd.w[c] ? x + wd.w[c] - w : x;
			ui_put(u, p->win, y + 1, cx, wd.w[c], buf, at);
			if (c == C_STEP && w > wd.w[c] && wd.w[c] > 1) /* abbreviated from the end, and says so */
				ui_put(u, p->win, y + 1, x + wd.w[c] - 1, 1, ui_glyph(u, G_ELLIPSIS), at);
			x += wd.w[c] + 1;
		}
	}
	free(dl);
}

static bool tuple_key(struct ui *u, struct ui_pane *p, int key)
{
	(void)u;
	const struct rows *rs = sync_rows(p);
	/* Notes add at most one line per row: scroll over rows plus notes. */
	size_t total = rs->n;
	if (p->h >= 8 && rs->n) {
		unsigned last = rs->r[rs->n - 1].seq;
		for (size_t i = 0; i < rs->n; i++)
			total += rs->r[i].seq == last && rs->r[i].row.note[0];
	}
	return ui_scroll_key(p, key, (int)total, p->h - 1);
}

const struct ui_pane_ops ui_tuple_ops = {
	.name = "5-tuple",
	.title = tuple_title,
	.draw = tuple_draw,
	.key = tuple_key,
	.update = tuple_update,
	.forget = tuple_forget,
};
