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
	case C_STEP:
		v = wd->sl == SL_NUMBER ? tuple_step_key(r->step, r->side)
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
 * lecture's full step names, narrow columns with full names, the full names
 * cut from the end, the short names, the step numbers only ("2B"); then,
 * compact (half a screen in --compare), the side as "s3" and the port
 * headers under the addresses', without the margins if need be; without the
 * side; without the addresses; and only last without the PROTOCOL column,
 * the one --compare compares. The step column takes what is left. */
#define STEP_CUT_MIN 16 /* "STEP 2B READY T…": enough of a name to know the step */

static int fit(struct ui *u, const struct rows *rs, int width, struct widths *wd, int minpass)
{
	static const struct { bool narrow, compact, side, noproto, noip; enum steplab sl; int cut; } passes[] = {
		{ false, false, true, false, false, SL_FULL, 0 }, { true, false, true, false, false, SL_FULL, 0 },
		/* The lecture's names cut from the end ("STEP1 PROTOCOL DEFI…")
		 * rather than another form or the PROTOCOL column dropped: the
		 * names keep one form from the first step to the last. */
		{ true, false, true, false, false, SL_FULL, STEP_CUT_MIN },
		{ true, false, true, false, false, SL_SHORT, 0 },
		{ true, false, true, false, false, SL_NUMBER, 0 },
		{ true, true, true, false, false, SL_NUMBER, 0 },
		{ true, true, false, false, false, SL_NUMBER, 0 },
		/* Half of an 80-column screen: ports, PROTOCOL and state without
		 * the addresses, rather than the state cut off at the edge. */
		{ true, true, true, false, true, SL_NUMBER, 0 },
		{ true, true, false, false, true, SL_NUMBER, 0 },
		{ true, true, false, true, true, SL_NUMBER, 0 },
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
			if (wd->w[C_STEP] >= stepw || (passes[pass].cut && wd->w[C_STEP] >= passes[pass].cut))
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

/* Rows and the note lines of the last step, as display lines: a note is
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

/* A pane's table: its widths and display lines. */
struct table {
	const struct rows *rs;
	struct widths wd;
	struct dline *dl;
	size_t n;
	unsigned last;  /* the last step's command */
};

/* --compare: the other half's table, whose rows this one's are lined up with. */
static struct ui_pane *sibling(struct ui *u, struct ui_pane *p)
{
	if (!u->compare)
		return NULL;
	struct ui_pane *q = p == &u->pane[P_TUPLE] ? &u->pane[P_TUPLE_B] : p == &u->pane[P_TUPLE_B] ? &u->pane[P_TUPLE] : NULL;
	return q && q->win && q->a ? q : NULL;
}

/* The step keys of a table's rows (tuple_align's input); NULL when out of memory. */
static const char **row_keys(const struct rows *rs)
{
	const char **k = malloc((rs->n + 1) * sizeof(*k));
	for (size_t i = 0; k && i < rs->n; i++)
		k[i] = tuple_step_key(rs->r[i].row.step, rs->r[i].row.side);
	return k;
}

/* Lines the notes may take: what the rows leave of the pane (--compare:
 * of the rows lined up with the other half's, shared by the halves), and
 * whether the rows alone overflow it. */
static int note_room(struct ui_pane *p, const struct rows *rs, const struct rows *other, bool *overflow)
{
	int vis = p->h - 1;
	size_t rows = rs->n;
	if (other) {
		const char **ka = row_keys(rs), **kb = row_keys(other);
		size_t *pa = malloc((rs->n + 1) * sizeof(*pa)), *pb = malloc((other->n + 1) * sizeof(*pb));
		if (ka && kb && pa && pb)
			rows = tuple_align(ka, rs->n, kb, other->n, pa, pb);
		free(ka);
		free(kb);
		free(pa);
		free(pb);
	}
	*overflow = rows > (size_t)vis;
	int room = vis - (int)rows;
	return other ? room / 2 : room;
}

static bool table_build(struct ui *u, struct ui_pane *p, struct table *t)
{
	t->rs = sync_rows(p);
	t->dl = NULL;
	t->n = 0;
	/* --compare: both halves in the same form (the later of the two), so
	 * that their columns read alike. */
	struct ui_pane *q = sibling(u, p);
	const struct rows *other = q ? sync_rows(q) : NULL;
	int pass = fit(u, t->rs, p->w, &t->wd, 0);
	if (q) {
		struct widths w2;
		int qpass = fit(u, other, q->w, &w2, 0);
		if (qpass > pass)
			fit(u, t->rs, p->w, &t->wd, qpass);
	}
	const struct rows *rs = t->rs;
	if (!rs->n)
		return true;
	/* The last step: the command whose rows came last. Its changed cells
	 * are marked; its notes (where a value came from) go under their rows,
	 * wrapped, never cut. The rows come first: the notes take the room the
	 * rows leave, newest first (z, the table zoomed, has room for them
	 * all); the newest row's note goes in anyway when the rows overflow the
	 * pane, and always in a table of its own, which follows its end. */
	t->last = rs->r[rs->n - 1].seq;
	int nx = note_x(&t->wd), nw = p->w - nx - (t->wd.x0 ? 1 : 0);
	bool overflow;
	int room = note_room(p, rs, other, &overflow);
	char nt[sizeof(rs->r[0].row.note) + 2];
	bool *shown = calloc(rs->n, sizeof(*shown));
	size_t cap = rs->n + 1, used = 0;
	bool newest = true;
	for (size_t i = rs->n; shown && nw >= 8 && p->h >= 3 && i-- > 0 && rs->r[i].seq == t->last;) {
		if (!rs->r[i].row.note[0])
			continue;
		note_text(&rs->r[i].row, nt, sizeof(nt));
		size_t lines = 0;
		for (size_t o = 0; nt[o]; lines++) {
			o += wrap_len(u, nt + o, nw);
			while (nt[o] == ' ')
				o++;
		}
		/* The newest note goes in anyway in a table of its own (which
		 * follows its end) when it fits with its row; in --compare the
		 * halves scroll together, so a note there must not push the
		 * rows it explains out of view: only the room the rows leave. */
		if ((room > 0 && used + lines <= (size_t)room) ||
		    (newest && !other && lines + 1 <= (size_t)(p->h > 1 ? p->h - 1 : 0))) {
			shown[i] = true;
			used += lines;
			cap += lines;
		}
		newest = false;
	}
	if (!(t->dl = malloc(cap * sizeof(*t->dl)))) {
		free(shown);
		return false;
	}
	for (size_t i = 0; i < rs->n; i++) {
		t->dl[t->n++] = (struct dline){ .row = i };
		if (!shown || !shown[i])
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
	free(shown);
	return true;
}

static const char *line_key(const struct table *t, size_t i)
{
	const struct dline *d = &t->dl[i];
	const struct tuple_row *r = &t->rs->r[d->row].row;
	return d->note ? NULL : tuple_step_key(r->step, r->side);
}

/* The screen rows of p's table: slot[k] is the display line on row k, or
 * -1 for a blank row (the other half has more lines for that step). Alone,
 * the lines one per row; in --compare, lined up with the other half's by
 * lecture step (tuple_align), so that STEP3 is level with STEP3. */
static long *table_slots(struct ui *u, struct ui_pane *p, const struct table *t, size_t *nslots)
{
	struct ui_pane *q = sibling(u, p);
	struct table o = { 0 };
	long *slot = NULL;
	const char **ka = NULL, **kb = NULL;
	size_t *pa = NULL, *pb = NULL;
	*nslots = 0;
	if (q && !table_build(u, q, &o))
		q = NULL;
	size_t nb = q ? o.n : 0;
	ka = malloc((t->n + 1) * sizeof(*ka));
	pa = malloc((t->n + 1) * sizeof(*pa));
	kb = malloc((nb + 1) * sizeof(*kb));
	pb = malloc((nb + 1) * sizeof(*pb));
	if (!ka || !pa || !kb || !pb)
		goto out;
	for (size_t i = 0; i < t->n; i++)
		ka[i] = line_key(t, i);
	for (size_t i = 0; i < nb; i++)
		kb[i] = line_key(&o, i);
	size_t total = tuple_align(ka, t->n, kb, nb, pa, pb);
	if (!(slot = malloc((total + 1) * sizeof(*slot))))
		goto out;
	for (size_t k = 0; k < total; k++)
		slot[k] = -1;
	for (size_t i = 0; i < t->n; i++)
		slot[pa[i]] = (long)i;
	*nslots = total;
out:
	free(ka);
	free(kb);
	free(pa);
	free(pb);
	free(o.dl);
	return slot;
}

/* One table with the two sides clearly apart, as the lecture's two tables:
 * the server's rows, then (under a rule, when there is room) the client's,
 * each in the order they came. Following the newest and short of room,
 * each side keeps its newest rows in view (half the lines each, what one
 * leaves going to the other), so the server's rows never scroll away
 * behind the client's. Scrolled by hand: the whole list. Slot -2 is the
 * rule. */
static long *side_slots(const struct table *t, int vis, bool follow, size_t *nslots)
{
	long *slot = malloc((t->n + 2) * sizeof(*slot));
	size_t ns = 0, nside[2] = { 0, 0 };
	*nslots = 0;
	if (!slot)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		nside[t->rs->r[t->dl[i].row].row.side == SIDE_CLIENT]++;
	size_t room = vis > 0 ? (size_t)vis : 0, both = nside[0] && nside[1];
	bool fits = nside[0] + nside[1] + both <= room;
	size_t take[2] = { nside[0], nside[1] };
	if (follow && !fits) {
		take[0] = nside[0] < room / 2 ? nside[0] : room / 2;
		take[1] = nside[1] < room - take[0] ? nside[1] : room - take[0];
		take[0] = nside[0] < room - take[1] ? nside[0] : room - take[1];
	}
	for (int g = 0; g < 2; g++) {
		if (g == 1 && fits && both)
			slot[ns++] = -2;
		size_t seen = 0, skip = nside[g] - take[g];
		bool first = true;
		for (size_t i = 0; i < t->n; i++) {
			if ((t->rs->r[t->dl[i].row].row.side == SIDE_CLIENT) != g)
				continue;
			if (seen++ < skip)
				continue;
			if (first && t->dl[i].note && skip) /* a note without its row: not worth the line */
				continue;
			first = false;
			slot[ns++] = (long)i;
		}
	}
	*nslots = ns;
	return slot;
}

/* The answer to a question still waiting (ui_predict.c) is not shown yet. */
static bool hidden_cell(const struct ui *u, const struct ui_pane *p, const struct trow *e, enum col c)
{
	enum expect_what w = c == C_STATE ? EX_STATE : c == C_LPORT ? EX_LOCAL : c == C_RIP || c == C_RPORT ? EX_REMOTE
											   : EX_BLOCKED;
	const struct tuple_row *r = &e->row;
	return w != EX_BLOCKED && ui_predict_hides(u, p->a, r->side, r->prog, r->child, r->fd, e->at, w);
}

static void draw_row(struct ui *u, struct ui_pane *p, const struct table *t, const struct dline *d, int y)
{
	const struct trow *e = &t->rs->r[d->row];
	const struct tuple_row *r = &e->row;
	const struct widths *wd = &t->wd;
	bool recent = e->seq == t->last;
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
	long *slot = sibling(u, p) ? table_slots(u, p, &t, &ns) : side_slots(&t, vis, p->follow, &ns);
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
	free(slot);
	free(t.dl);
}

static bool tuple_key(struct ui *u, struct ui_pane *p, int key)
{
	struct table t;
	if (!table_build(u, p, &t))
		return false;
	size_t ns = 0;
	long *slot = sibling(u, p) ? table_slots(u, p, &t, &ns) : side_slots(&t, p->h - 1, false, &ns);
	free(slot);
	free(t.dl);
	bool used = ui_scroll_key(p, key, (int)ns, p->h - 1);
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
};
