/* ui_tuple.c - the lecture's 5-tuple table, one row per step, from the
 * EV_ROW events. The cells the last step changed are bold and reversed as
 * well as coloured, so that they still stand out on a washed-out projector
 * or a monochrome terminal. Narrow panes use the short step names. */
#include "ui_pane.h"
#include "bounded.h"

#include <errno.h>
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

/* The buffers a draw works in, kept by the pane from one draw to the next
 * (grown when too small, freed by ops->free): drawing allocates nothing
 * while the table does not grow. */
enum tbuf { B_STEP, B_ABOUT, B_KEEP, B_DL, B_PICK, B_SLOT, B_IA, B_IB, B_PA, B_PB, B_KA, B_KB, B_COUNT_ };

struct rows {
	struct trow *r;
	size_t n, cap;
	size_t next;            /* the first log event not looked at */
	unsigned long dropped;  /* rows dropped to keep TUPLE_KEEP */
	bool missed;            /* the log dropped events before they were read */
	void *buf[B_COUNT_];
	size_t bufcap[B_COUNT_]; /* bytes */
};

/* Buffer b of the pane, at least bytes long (zeroed if asked); NULL when
 * out of memory. */
static void *buf_of(struct rows *r, enum tbuf b, size_t bytes, bool zero)
{
	if (bytes > r->bufcap[b]) {
		size_t cap = bytes < 256 ? 256 : bytes + bytes / 2;
		void *t = realloc(r->buf[b], cap);
		if (!t)
			return NULL;
		r->buf[b] = t;
		r->bufcap[b] = cap;
	}
	if (zero)
		memset(r->buf[b], 0, bytes);
	return r->buf[b];
}

static void add_row(struct rows *r, const struct event *e, size_t at)
{
	struct trow *t = bounded_room(r->r, sizeof(*t), &r->n, &r->cap, TUPLE_KEEP, &r->dropped, NULL);
	if (!t)
		return; /* out of memory: the row is not shown, nothing breaks */
	r->r = t;
	r->r[r->n++] = (struct trow){ .row = *e->row, .seq = e->seq, .at = at };
}

/* Each 5-tuple pane keeps its own (--compare shows two, of two labs). */
static struct rows *sync_rows(struct ui_pane *p)
{
	static struct rows none;
	const struct session *s = &p->a->log;
	struct rows *r = p->priv;
	if (!r) {
		none.n = 0;
		return &none; /* out of memory at init: an empty table, nothing breaks */
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

static int tuple_init(struct ui *u, struct ui_pane *p)
{
	(void)u;
	return (p->priv = calloc(1, sizeof(struct rows))) ? 0 : -ENOMEM;
}

/* The rows go; the arrays stay for the rows to come. */
static void tuple_forget(struct ui *u, struct ui_pane *p)
{
	(void)u;
	struct rows *r = p->priv;
	if (!r)
		return;
	r->n = 0;
	r->next = 0;
	r->dropped = 0;
	r->missed = false;
}

static void tuple_free(struct ui *u, struct ui_pane *p)
{
	(void)u;
	struct rows *r = p->priv;
	if (!r)
		return;
	for (int b = 0; b < B_COUNT_; b++)
		free(r->buf[b]);
	free(r->r);
	free(r);
	p->priv = NULL;
}

enum col { C_STEP, C_SIDE, C_FD, C_PROTO, C_LIP, C_LPORT, C_RIP, C_RPORT, C_STATE, C_COUNT_ };

static const char *const head_wide[C_COUNT_] = { "STEP", "PROGRAM", "FD", "PROTOCOL", "LOCAL-IP",
						  "LOCAL-PORT", "REMOTE-IP", "REMOTE-PORT", "STATE" };
static const char *const head_narrow[C_COUNT_] = { "STEP", "SIDE", "", "PROTO", "LOCAL-IP",
						    "LPORT", "REMOTE-IP", "RPORT", "STATE" };
/* Compact (half a screen in --compare): the port's header under its
 * address's, so that "LOCAL 200.0.0.2 PORT 80" takes no more than its values. */
static const char *const head_compact[C_COUNT_] = { "STEP", "FD", "", "PROTO", "LOCAL",
						     "PORT", "REMOTE", "PORT", "STATE" };
static const unsigned col_bit[C_COUNT_] = { 0, 0, 0, TC_PROTO, TC_LIP, TC_LPORT, TC_RIP, TC_RPORT, TC_STATE };

/* The text of one cell; a value the step took away shows as "-" so that
 * the change has somewhere to be seen (as tuple_format does). */
enum steplab { SL_FULL, SL_SHORT, SL_NUMBER };

struct widths {
	bool narrow;
	bool compact;   /* side and descriptor as "s3" (or not at all), ESTABLISHED as ss's ESTAB */
	bool noip;      /* the address columns dropped: the ports' headers say which */
	enum steplab sl;
	int x0;         /* left margin */
	int w[C_COUNT_];
};

static const char *head_of(const struct widths *wd, enum col c)
{
	if (wd->compact && !(wd->noip && (c == C_LPORT || c == C_RPORT)))
		return head_compact[c];
	return wd->narrow ? head_narrow[c] : head_wide[c];
}

static void cell(const struct tuple_row *r, enum col c, const struct widths *wd, char *buf, size_t len)
{
	const char *v = "";
	switch (c) {
	case C_STEP: /* the widest form the column takes (the pass's own, to size it, before that);
		      * the numbers stay numbers, not a mix of "6" and "STEP6 SENT" */
		v = wd->w[C_STEP] > 0 && wd->sl != SL_NUMBER ? tuple_step_fit(r->step, r->side, wd->w[C_STEP]) : NULL;
		if (!v)
			v = wd->sl == SL_NUMBER ? tuple_step_tiny(r->step, r->side)
			  : wd->sl == SL_SHORT	? tuple_step_short(r->step, r->side, r->proto)
						: tuple_step_label(r->step, r->side, r->proto);
		break;
	case C_SIDE:
		if (wd->compact) /* "s3": the step's number says the side in the lecture; the descriptor matters (accept's 4) */
			snprintf(buf, len, "%c%d", r->side == SIDE_SERVER ? 's' : 'c', r->fd);
		else if (wd->narrow) /* side and descriptor in one column: "srv 3" */
			snprintf(buf, len, "%s%.0d%s%.0d %d", r->side == SIDE_SERVER ? "srv" : "cli",
				 r->prog > 1 ? r->prog : 0, r->child ? "." : "", r->child, r->fd);
		else
			cmd_prog_name(r->side, r->prog ? r->prog : 1, r->child, buf, len);
		return;
	case C_FD:
		if (wd->narrow)
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
	case C_STATE: v = wd->compact && !strcmp(r->state, "ESTABLISHED") ? "ESTAB" : r->state; break;
	case C_COUNT_: break;
	}
	if (!v[0] && col_bit[c] && (r->changed & col_bit[c]))
		v = "-";
	snprintf(buf, len, "%s", v);
}

/* Column widths that fit the pane, trying in turn: wide headers with the
 * lecture's full step names, narrow columns with full names, the short
 * names where the full ones do not fit ("STEP6 ACCEPTED": the lecture's
 * number and the outcome, never a name cut at "CONNECTION RE…"), the step
 * numbers ("2B", "6 fail"); then,
 * compact (half a screen in --compare), the side as "s3" and the port
 * headers under the addresses', without the margins if need be; without the
 * side; without the addresses; and only last without the PROTOCOL column,
 * the one --compare compares. The step column takes what is left. */
static int fit(struct ui *u, const struct rows *rs, int width, struct widths *wd, int minpass)
{
	static const struct { bool narrow, compact, side, noproto, noip; enum steplab sl; } passes[] = {
		{ false, false, true, false, false, SL_FULL }, { true, false, true, false, false, SL_FULL },
		/* Each row's name in the widest form the column takes: the
		 * lecture's words where they fit, the short form where not. */
		{ true, false, true, false, false, SL_SHORT },
		{ true, false, true, false, false, SL_NUMBER },
		{ true, true, true, false, false, SL_NUMBER },
		{ true, true, false, false, false, SL_NUMBER },
		/* Half of an 80-column screen: ports, PROTOCOL and state without
		 * the addresses, rather than the state cut off at the edge. */
		{ true, true, true, false, true, SL_NUMBER },
		{ true, true, false, false, true, SL_NUMBER },
		{ true, true, false, true, true, SL_NUMBER },
	};
	static const int margins[][2] = { { 1, 1 }, { 1, 0 }, { 0, 0 } };
	const int np = (int)(sizeof(passes) / sizeof(passes[0]));
	for (int pass = minpass < np ? minpass : np - 1; pass < np; pass++) {
		wd->narrow = passes[pass].narrow;
		wd->compact = passes[pass].compact;
		wd->noip = passes[pass].noip;
		wd->sl = passes[pass].sl;
		int fixed = 0, stepw = wd->compact ? 4 : 0; /* compact: "STEP" whole over the numbers */
		for (int c = 0; c < C_COUNT_; c++)
			wd->w[c] = (int)strlen(head_of(wd, (enum col)c));
		wd->w[C_STEP] = 0; /* sized by the pass's form of the names */
		for (size_t i = 0; i < rs->n; i++) {
			const struct tuple_row *r = &rs->r[i].row;
			char buf[64];
			for (int c = 0; c < C_COUNT_; c++) {
				cell(r, (enum col)c, wd, buf, sizeof(buf));
				int w = ui_width(u, buf);
				if (c == C_STEP)
					stepw = w > stepw ? w : stepw;
				else if (w > wd->w[c])
					wd->w[c] = w;
			}
		}
		if (!passes[pass].side)
			wd->w[C_SIDE] = 0;
		if (passes[pass].noproto)
			wd->w[C_PROTO] = 0;
		if (passes[pass].noip)
			wd->w[C_LIP] = wd->w[C_RIP] = 0;
		for (int c = 1; c < C_COUNT_; c++)
			fixed += wd->w[c] ? wd->w[c] + 1 : 0;
		int nm = wd->compact ? 3 : 1; /* the margins go only in the compact forms */
		for (int m = 0; m < nm; m++) {
			wd->x0 = margins[m][0];
			wd->w[C_STEP] = width - wd->x0 - fixed - margins[m][1];
			if (wd->w[C_STEP] >= stepw)
				return pass;
		}
		if (pass == np - 1) {
			if (wd->w[C_STEP] < 2) /* the right-hand columns are cut at the edge instead */
				wd->w[C_STEP] = 2;
			return pass;
		}
	}
	return np - 1;
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

/* Rows and the note lines of the step's rows, as display lines: a note is
 * word-wrapped over as many lines as it needs, never cut. */
struct dline {
	size_t row;           /* index into rs->r */
	bool note;
	unsigned short off, len;  /* the part of "(note)" on this line */
};

/* Bytes of t that fit in width columns: up to the last space that fits,
 * else (one word longer than the line) as many characters as fit. */
static size_t wrap_len(struct ui *u, const char *t, int width)
{
	char buf[160];
	size_t best = 0, k = 0;
	while (t[k]) {
		size_t e = k;
		while (t[e] == ' ')
			e++;
		while (t[e] && t[e] != ' ')
			e++;
		snprintf(buf, sizeof(buf), "%.*s", (int)e, t);
		if (ui_width(u, buf) > width)
			break;
		best = k = e;
	}
	if (best)
		return best;
	/* Whole characters (UTF-8 continuation bytes go with theirs), at least one. */
	int cols = 0;
	for (k = 0; t[k] && (cols < width || !k);) {
		k++;
		while ((t[k] & 0xC0) == 0x80)
			k++;
		cols++;
	}
	return k;
}

/* The note of a row as shown: in brackets. */
static void note_text(const struct tuple_row *r, char *buf, size_t len)
{
	snprintf(buf, len, "(%s)", r->note);
}

static int note_x(const struct widths *wd)
{
	return wd->x0 + wd->w[C_STEP] + 1;
}

/* A pane's table: its widths and display lines (every row, and under each
 * row of the current step its note, wrapped), which of them are in view
 * when following the newest (keep), and which rows the step made. */
struct table {
	const struct rows *rs;
	struct rows *own;       /* the same: whose buffers the table is in */
	struct widths wd;
	struct dline *dl;
	size_t n;
	bool *step;     /* per row: the current step made it */
	bool *about;    /* per row: the current step is about it (made it, or used its socket) */
	bool *keep;     /* per display line: shown when following the newest */
};

/* --compare: the other half's table, whose rows this one's are lined up with. */
static struct ui_pane *sibling(struct ui *u, struct ui_pane *p)
{
	if (!u->compare)
		return NULL;
	struct ui_pane *q = p == &u->pane[P_TUPLE] ? &u->pane[P_TUPLE_B] : p == &u->pane[P_TUPLE_B] ? &u->pane[P_TUPLE] : NULL;
	return q && q->win && q->a ? q : NULL;
}

/* The log index from which rows are the current step's: where the lesson
 * step shown began, while no command was typed since; else (no lesson, a
 * command typed by hand) SIZE_MAX: the last command that made rows is the step. */
static size_t step_from(const struct ui *u, const struct ui_pane *p)
{
	for (int k = 0; k < u->nles && k < 2; k++)
		if (u->les[k].a == p->a && u->step > 0 &&
		    (u->stepping || p->a->log.seq == u->lesson_seq[k]))
			return u->step_log[k];
	return (size_t)-1;
}

static bool same_socket(const struct tuple_row *r, enum side side, int prog, int child, int fd)
{
	return r->side == side && (r->prog ? r->prog : 1) == (prog ? prog : 1) && r->child == child && r->fd == fd;
}

/* Which rows the current step made (step: marked as changed), and which it
 * is about (about: kept in view first): those it made, and the newest row
 * of each socket one of its calls used (concurrent's step 13 sends and
 * receives on the rows of server.1 and server.2, and makes none). A step
 * that neither made rows nor used a socket (its rows came with the step
 * before, as recvfrom's STEP7 in udp), and a command typed by hand: the
 * rows of the last command that made any. */
static void mark_step(const struct ui *u, const struct ui_pane *p, struct table *t)
{
	const struct rows *rs = t->rs;
	const struct session *s = &p->a->log;
	size_t from = step_from(u, p);
	bool any = false;
	for (size_t i = 0; i < rs->n; i++)
		any |= t->about[i] = t->step[i] = rs->r[i].at >= from;
	for (size_t k = from < s->first ? s->first : from; k < s->n; k++) {
		const struct event *e = session_at(s, k);
		if (!e || e->kind != EV_CALL || e->fd < 0)
			continue;
		for (size_t i = rs->n; i-- > 0;)
			if (same_socket(&rs->r[i].row, e->side, e->prog, e->child, e->fd)) {
				any |= t->about[i] = true;
				break;
			}
	}
	if (any || !rs->n)
		return;
	unsigned last = rs->r[rs->n - 1].seq;
	for (size_t i = rs->n; i-- > 0 && rs->r[i].seq == last;)
		t->about[i] = t->step[i] = true;
}

static bool table_build(struct ui *u, struct ui_pane *p, struct table *t)
{
	memset(t, 0, sizeof(*t));
	t->rs = t->own = sync_rows(p);
	/* --compare: both halves in the same form (the later of the two), so
	 * that their columns read alike. */
	struct ui_pane *q = sibling(u, p);
	int pass = fit(u, t->rs, p->w, &t->wd, 0);
	if (q) {
		struct widths w2;
		int qpass = fit(u, sync_rows(q), q->w, &w2, 0);
		if (qpass > pass)
			fit(u, t->rs, p->w, &t->wd, qpass);
	}
	const struct rows *rs = t->rs;
	if (!rs->n)
		return true;
	t->step = buf_of(t->own, B_STEP, rs->n * sizeof(*t->step), true);
	t->about = buf_of(t->own, B_ABOUT, rs->n * sizeof(*t->about), true);
	if (!t->step || !t->about)
		return false;
	mark_step(u, p, t);
	/* The notes (where a value came from) of the rows the step made, under them,
	 * wrapped, never cut. */
	int nx = note_x(&t->wd), nw = p->w - nx - (t->wd.x0 ? 1 : 0);
	bool notes = nw >= 8;
	char nt[sizeof(rs->r[0].row.note) + 2];
	size_t cap = rs->n;
	for (size_t i = 0; notes && i < rs->n; i++) {
		if (!t->step[i] || !rs->r[i].row.note[0])
			continue;
		note_text(&rs->r[i].row, nt, sizeof(nt));
		for (size_t o = 0; nt[o]; cap++) {
			o += wrap_len(u, nt + o, nw);
			while (nt[o] == ' ')
				o++;
		}
	}
	if (!(t->dl = buf_of(t->own, B_DL, cap * sizeof(*t->dl), false)) ||
	    !(t->keep = buf_of(t->own, B_KEEP, cap * sizeof(*t->keep), true)))
		return false;
	for (size_t i = 0; i < rs->n; i++) {
		t->dl[t->n++] = (struct dline){ .row = i };
		if (!notes || !t->step[i] || !rs->r[i].row.note[0])
			continue;
		note_text(&rs->r[i].row, nt, sizeof(nt));
		for (size_t o = 0; nt[o] && t->n < cap;) {
			size_t l = wrap_len(u, nt + o, nw);
			t->dl[t->n++] = (struct dline){ .row = i, .note = true, .off = (unsigned short)o,
							.len = (unsigned short)l };
			o += l;
			while (nt[o] == ' ')
				o++;
		}
	}
	return true;
}

/* Choose the lines in view when following the newest in room lines
 * (tuple_pick: the step's rows first, then their notes, the sockets that
 * live on, older rows); returns the lines kept. */
static int table_pick(struct table *t, int room)
{
	const struct rows *rs = t->rs;
	if (!rs->n)
		return 0;
	struct tuple_pick *pk = buf_of(t->own, B_PICK, rs->n * sizeof(*pk), true);
	if (!pk) { /* out of memory: the newest lines, as many as fit */
		int kept = 0;
		for (size_t k = t->n; k-- > 0;)
			kept += t->keep[k] = kept < room;
		return kept;
	}
	for (size_t i = 0; i < rs->n; i++) {
		const struct tuple_row *r = &rs->r[i].row;
		pk[i] = (struct tuple_pick){ .side = r->side, .prog = r->prog, .child = r->child, .fd = r->fd,
					     .gone = !strcmp(r->state, "CLOSED"), .in_step = t->step[i],
					     .used = t->about[i], .kernel = r->step == TS_STATE,
					     .news_in_note = r->step == TS_STATE && !r->changed && r->note[0] };
	}
	for (size_t k = 0; k < t->n; k++)
		pk[t->dl[k].row].note_lines += t->dl[k].note;
	int used = tuple_pick(pk, rs->n, room);
	for (size_t k = 0; k < t->n; k++)
		t->keep[k] = t->dl[k].note ? pk[t->dl[k].row].note : pk[t->dl[k].row].show;
	return used;
}

static const char *line_key(const struct table *t, size_t i)
{
	const struct dline *d = &t->dl[i];
	const struct tuple_row *r = &t->rs->r[d->row].row;
	return d->note ? NULL : tuple_step_key(r->step, r->side);
}

/* The lines of t in view (all when not following), in order, into idx;
 * returns how many. */
static size_t kept_lines(const struct table *t, bool follow, size_t *idx)
{
	size_t m = 0;
	for (size_t k = 0; k < t->n; k++)
		if (!follow || t->keep[k])
			idx[m++] = k;
	return m;
}

/* Two kept-line lists lined up by lecture step (tuple_align): the rows
 * they take; pa/pb get each line's row. 0 when out of memory. */
static size_t align_kept(const struct table *a, const size_t *ia, size_t na, const struct table *b,
			 const size_t *ib, size_t nb, size_t *pa, size_t *pb)
{
	const char **ka = buf_of(a->own, B_KA, (na + 1) * sizeof(*ka), false);
	const char **kb = buf_of(a->own, B_KB, (nb + 1) * sizeof(*kb), false);
	size_t total = 0;
	if (ka && kb) {
		for (size_t i = 0; i < na; i++)
			ka[i] = line_key(a, ia[i]);
		for (size_t i = 0; i < nb; i++)
			kb[i] = line_key(b, ib[i]);
		total = tuple_align(ka, na, kb, nb, pa, pb);
	}
	return total;
}

/* The rows the current step is about, at most max: the lines a half keeps
 * whatever the lining up costs. */
static int step_rows(const struct table *t, int max)
{
	int n = 0;
	for (size_t i = 0; i < t->rs->n && n < max; i++)
		n += t->about[i];
	return n;
}

/* --compare: the screen rows of p's table lined up with the other half's
 * by lecture step, so that STEP3 is level with STEP3: slot[k] is the
 * display line on row k, or -1 for a blank row (the other half has more
 * lines for that step). Following the newest, each half keeps what
 * tuple_pick chooses, with less room for the half with more lines until
 * the two lined up fit the pane, but never less than its step's rows;
 * when even those do not fit lined up, each half shows its own, unlevelled.
 * The halves decide alike, so that their rows stay level. */
static long *compare_slots(struct ui *u, struct ui_pane *p, struct table *t, bool follow, size_t *nslots)
{
	struct ui_pane *q = sibling(u, p);
	struct table o;
	long *slot = NULL;
	*nslots = 0;
	if (!table_build(u, q, &o))
		return NULL;
	int vis = p->h - 1 < q->h - 1 ? p->h - 1 : q->h - 1;
	vis = vis > 0 ? vis : 0;
	size_t *ia = buf_of(t->own, B_IA, (t->n + 1) * sizeof(*ia), false);
	size_t *ib = buf_of(t->own, B_IB, (o.n + 1) * sizeof(*ib), false);
	size_t *pa = buf_of(t->own, B_PA, (t->n + 1) * sizeof(*pa), false);
	size_t *pb = buf_of(t->own, B_PB, (o.n + 1) * sizeof(*pb), false);
	if (!ia || !ib || !pa || !pb)
		return NULL;
	size_t na, nb, total;
	int ra = vis, rb = vis, mina = step_rows(t, vis), minb = step_rows(&o, vis);
	bool level = true;
	for (;;) {
		table_pick(t, ra);
		table_pick(&o, rb);
		na = kept_lines(t, follow, ia);
		nb = kept_lines(&o, follow, ib);
		total = align_kept(t, ia, na, &o, ib, nb, pa, pb);
		if (!follow || total <= (size_t)vis)
			break;
		/* The half with more lines yields one, never one of its step's rows. */
		int la = (int)na, lb = (int)nb, oa = ra, ob = rb;
		if (la >= lb || rb <= minb)
			ra = la - 1 > mina ? la - 1 : mina;
		if (lb >= la || ra <= mina)
			rb = lb - 1 > minb ? lb - 1 : minb;
		if (ra == oa && rb == ob) { /* the steps' rows lined up do not fit: each half its own */
			level = false;
			table_pick(t, vis);
			na = kept_lines(t, true, ia);
			for (size_t i = 0; i < na; i++)
				pa[i] = i;
			total = na;
			break;
		}
	}
	/* Rows left blank by the lining up: a half with lines out of view takes
	 * one more while the two still fit, the left half first (both panes
	 * decide alike). */
	for (bool grew = follow && level; grew;) {
		grew = false;
		for (int h = 0; h < 2; h++) {
			bool mine = (h == 0) == (p == &u->pane[P_TUPLE]);
			int *r = mine ? &ra : &rb;
			size_t n = mine ? na : nb, all = mine ? t->n : o.n;
			if (n >= all)
				continue;
			table_pick(t, ra + (mine ? 1 : 0));
			table_pick(&o, rb + (mine ? 0 : 1));
			size_t xa = kept_lines(t, true, ia), xb = kept_lines(&o, true, ib);
			size_t x = align_kept(t, ia, xa, &o, ib, xb, pa, pb);
			if (x <= (size_t)vis && xa + xb > na + nb) {
				(*r)++;
				grew = true;
			}
			table_pick(t, ra);
			table_pick(&o, rb);
			na = kept_lines(t, true, ia);
			nb = kept_lines(&o, true, ib);
			total = align_kept(t, ia, na, &o, ib, nb, pa, pb);
		}
	}
	if (!(slot = buf_of(t->own, B_SLOT, (total + 1) * sizeof(*slot), false)))
		return NULL;
	for (size_t k = 0; k < total; k++)
		slot[k] = -1;
	for (size_t i = 0; i < na; i++)
		slot[pa[i]] = (long)ia[i];
	*nslots = total;
	return slot;
}

/* One table with the two sides clearly apart, as the lecture's two tables:
 * the server's rows, then (under a rule, when there is room) the client's,
 * each in the order they came. Following the newest, the lines tuple_pick
 * keeps for the pane; scrolled by hand, all of them. Slot -2 is the rule. */
static long *side_slots(struct table *t, int vis, bool follow, size_t *nslots)
{
	long *slot = buf_of(t->own, B_SLOT, (t->n + 2) * sizeof(*slot), false);
	size_t ns = 0, nside[2] = { 0, 0 };
	*nslots = 0;
	if (!slot)
		return NULL;
	if (follow)
		table_pick(t, vis);
	for (size_t i = 0; i < t->n; i++)
		if (!follow || t->keep[i])
			nside[t->rs->r[t->dl[i].row].row.side == SIDE_CLIENT]++;
	bool rule = nside[0] && nside[1] && (!follow || nside[0] + nside[1] + 1 <= (size_t)(vis > 0 ? vis : 0));
	for (int g = 0; g < 2; g++) {
		if (g == 1 && rule)
			slot[ns++] = -2;
		for (size_t i = 0; i < t->n; i++)
			if ((t->rs->r[t->dl[i].row].row.side == SIDE_CLIENT) == g && (!follow || t->keep[i]))
				slot[ns++] = (long)i;
	}
	*nslots = ns;
	return slot;
}

/* The screen rows of p's table (see side_slots, compare_slots). */
static long *table_slots(struct ui *u, struct ui_pane *p, struct table *t, bool follow, size_t *nslots)
{
	if (sibling(u, p))
		return compare_slots(u, p, t, follow, nslots);
	return side_slots(t, p->h - 1, follow, nslots);
}

/* The answer to a question still waiting (ui_predict.c) is not shown yet. */
static bool hidden_cell(const struct ui *u, const struct ui_pane *p, const struct trow *e, enum col c)
{
	enum expect_what w = c == C_STATE ? EX_STATE : c == C_LPORT ? EX_LOCAL : c == C_RIP || c == C_RPORT ? EX_REMOTE
											   : EX_BLOCKED;
	const struct tuple_row *r = &e->row;
	return w != EX_BLOCKED && ui_hide_cell(&u->asked, p->a, r->side, r->prog, r->child, r->fd, e->at, w);
}

static void draw_row(struct ui *u, struct ui_pane *p, const struct table *t, const struct dline *d, int y)
{
	const struct trow *e = &t->rs->r[d->row];
	const struct tuple_row *r = &e->row;
	const struct widths *wd = &t->wd;
	bool recent = t->step[d->row];
	if (d->note) {
		char nt[sizeof(r->note) + 2];
		note_text(r, nt, sizeof(nt));
		char part[sizeof(nt)];
		snprintf(part, sizeof(part), "%.*s", (int)d->len, nt + d->off);
		int nx = note_x(wd);
		ui_put(u, p->win, y, nx, p->w - nx, part, u->attr[R_MINOR]);
		return;
	}
	int x = wd->x0;
	for (int c = 0; c < C_COUNT_; c++) {
		if (!wd->w[c])
			continue;
		char buf[64];
		cell(r, (enum col)c, wd, buf, sizeof(buf));
		if (hidden_cell(u, p, e, (enum col)c))
			snprintf(buf, sizeof(buf), "??"); /* a prediction waits for the student's guess */
		attr_t at = u->attr[c == C_STATE ? R_STATE : R_TEXT];
		if (c == C_STEP && recent)
			at = u->attr[R_CURRENT];
		if (recent && col_bit[c] && (r->changed & col_bit[c]))
			at = u->attr[R_CHANGED] | A_BOLD | A_REVERSE;
		bool right = c == C_FD;
		int w = ui_width(u, buf);
		int cx = right && w < wd->w[c] ? x + wd->w[c] - w : x;
		ui_put(u, p->win, y, cx, wd->w[c], buf, at);
		if (c == C_STEP && w > wd->w[c] && wd->w[c] > 1) /* abbreviated from the end, and says so */
			ui_put(u, p->win, y, x + wd->w[c] - 1, 1, ui_glyph(u, G_ELLIPSIS), at);
		x += wd->w[c] + 1;
	}
}

static void tuple_draw(struct ui *u, struct ui_pane *p)
{
	struct table t;
	if (!table_build(u, p, &t))
		return;
	int x = t.wd.x0;
	for (int c = 0; c < C_COUNT_; c++) {
		if (!t.wd.w[c])
			continue;
		ui_put(u, p->win, 0, x, t.wd.w[c], head_of(&t.wd, (enum col)c), u->attr[R_HEADER]);
		x += t.wd.w[c] + 1;
	}
	if (!t.rs->n) {
		ui_wrap(u, p->win, 1, 1, p->w - 2, p->h - 1, 0,
			"no sockets yet: each step adds a row here, as in the lecture's tables", u->attr[R_MINOR]);
		return;
	}
	size_t ns;
	int vis = p->h - 1;
	long *slot = table_slots(u, p, &t, p->follow, &ns);
	if (slot) {
		ui_scroll_fix(p, (int)ns, vis);
		for (int y = 0; y < vis && (size_t)(p->top + y) < ns; y++) {
			long k = slot[p->top + y];
			if (k >= 0) {
				draw_row(u, p, &t, &t.dl[k], y + 1);
			} else if (k == -2) { /* the rule between the server's rows and the client's */
				wattrset(p->win, u->attr[R_BORDER]);
				mvwhline(p->win, y + 1, 1, ACS_HLINE, p->w - 2);
				wattrset(p->win, A_NORMAL);
			}
		}
	}
}

/* Scrolling by hand shows every row; following the newest shows those
 * tuple_pick keeps, so the first key up starts from the end of all of them. */
static bool tuple_key(struct ui *u, struct ui_pane *p, int key)
{
	struct table t;
	if (!table_build(u, p, &t))
		return false;
	size_t ns = 0;
	table_slots(u, p, &t, false, &ns);
	int vis = p->h - 1;
	if (p->follow)
		p->top = (int)ns > vis ? (int)ns - vis : 0;
	bool used = ui_scroll_key(p, key, (int)ns, vis);
	/* --compare: the halves scroll together, so that their steps stay level. */
	struct ui_pane *q = sibling(u, p);
	if (used && q) {
		q->top = p->top;
		q->follow = p->follow;
	}
	return used;
}

const struct ui_pane_ops ui_tuple_ops = {
	.name = "5-tuple",
	.title = tuple_title,
	.draw = tuple_draw,
	.key = tuple_key,
	.update = tuple_update,
	.forget = tuple_forget,
	.init = tuple_init,
	.free = tuple_free,
};
