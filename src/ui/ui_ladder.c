/* ui_ladder.c - the ladder diagram pane: the textbook time-sequence figure,
 * drawn live. Reads the frames, the network calls and the socket states of
 * its lab's log into a ladder (ladder.c, pure) and paints the rows that
 * ladder lays out for the pane's width. Up/Down select an arrow (the
 * selection follows the newest frame until moved; End follows again);
 * Enter shows the selected frame's layers and bytes, Enter again the
 * figure. */
#include "ui_pane.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ladder.h"

#define SIDE_PORTS 16 /* each side's own ports remembered to tell loopback frames' direction */

struct lad {
	struct ladder l;
	size_t next;          /* the first log event not read */
	bool missed;          /* the log dropped events before they were read */
	bool detail;          /* Enter: the selected frame's layers and bytes */
	int dskip;            /* detail lines scrolled past */
	struct ladder_row *rows;
	size_t rcap, nrows;
	uint16_t port[2][SIDE_PORTS]; /* [LS_CLIENT/LS_SERVER]: the local ports of its sockets */
	int nport[2];
};

static enum ladder_fate fate_of(enum frame_fate f)
{
	switch (f) {
	case FF_HELD:
	case FF_DELAYED:
		return LF_HELD;
	case FF_DROPPED:
	case FF_LOST:
		return LF_DROPPED;
	default:
		return LF_PASSED;
	}
}

/* Is port one of this side's own? */
static bool owns(const struct lad *d, enum ladder_side sd, uint16_t port)
{
	for (int i = 0; port && i < d->nport[sd]; i++)
		if (d->port[sd][i] == port)
			return true;
	return false;
}

/* Keep port as one of this side's (the oldest goes when full). */
static void remember(struct lad *d, enum ladder_side sd, uint16_t port)
{
	if (!port || owns(d, sd, port))
		return;
	if (d->nport[sd] == SIDE_PORTS)
		memmove(d->port[sd], d->port[sd] + 1, (SIDE_PORTS - 1) * sizeof(d->port[sd][0]));
	else
		d->nport[sd]++;
	d->port[sd][d->nport[sd] - 1] = port;
}

/* Who sent a frame. In the lab the wire knows; on lo (and the host) both
 * sides share an address, so the sockets' own addresses tell: a side's
 * local ports are its own, the remote ports it connected or sent to are
 * the other side's (an RST from a port nobody listens on is the server
 * host's answer to the client). */
static enum ladder_side sender(const struct lad *d, const struct wire_frame *f)
{
	if (f->dir == WD_C2S)
		return LS_CLIENT;
	if (f->dir == WD_S2C)
		return LS_SERVER;
	if (!f->dec.has_ports)
		return LS_CLIENT;
	if (owns(d, LS_CLIENT, f->dec.sport) || owns(d, LS_SERVER, f->dec.dport))
		return LS_CLIENT;
	if (owns(d, LS_SERVER, f->dec.sport) || owns(d, LS_CLIENT, f->dec.dport))
		return LS_SERVER;
	/* Neither port known yet (a SYN read before connect()'s row): the higher
	 * port is the client's, which the kernel chose from the ephemeral range. */
	return f->dec.sport > f->dec.dport ? LS_CLIENT : LS_SERVER;
}

static void who_prefix(const struct event *e, char *buf, size_t len)
{
	buf[0] = '\0';
	if (e->prog > 1 || e->child) { /* client2, server.1: not the side's first program */
		char who[16];
		cmd_prog_name(e->side, e->prog, e->child, who, sizeof(who));
		snprintf(buf, len, "%s: ", who);
	}
}

/* The answer to a question still waiting is not drawn (ui_predict.c); when
 * it is revealed the pane reads its log again (ui_predict.c). */
static bool hid(const struct ui *u, const struct app *a, const struct event *e, size_t at, enum expect_what w)
{
	const struct tuple_row *r = e->row;
	return r ? ui_hide_cell(&u->asked, a, r->side, r->prog, r->child, r->fd, at, w)
		 : ui_hide_cell(&u->asked, a, e->side, e->prog, e->child, e->fd, at, w);
}

static void read_event(const struct ui *u, struct lad *d, const struct app *a, const struct event *e, size_t at)
{
	char pre[24], text[LADDER_NOTE_MAX], res[24] = "", name[24];
	enum ladder_side side = e->side == SIDE_SERVER ? LS_SERVER : LS_CLIENT;
	switch (e->kind) {
	case EV_FRAME: {
		const struct wire_frame *f = session_frame(&a->log, (unsigned long)e->ret);
		if (!f)
			return; /* already rolled out of the log's frame store */
		size_t caplen = f->caplen < FRAME_SNAP ? f->caplen : FRAME_SNAP;
		if (ladder_add_frame(&d->l, e->seq, f->no, sender(d, f), fate_of(f->fate), &f->dec, f->data, caplen))
			return;
		/* Its labels keep no answer a waiting question asks for ("hola",
		 * a port); the reveal reads the log again (ui_predict.c). */
		for (size_t i = d->l.n; i-- > 0 && d->l.n - i <= 8;)
			if (d->l.it[i].frame && d->l.it[i].no == f->no) {
				for (int t = 0; t < d->l.it[i].ntiers; t++)
					ui_hide_mask(&u->asked, a, e->seq, d->l.it[i].label[t]);
				break;
			}
		return;
	}
	case EV_CALL:
		if (e->status == CS_STILL || e->status == CS_BEFORE || e->side == SIDE_NONE || !ladder_call_name(e->text, name, sizeof(name)))
			return;
		who_prefix(e, pre, sizeof(pre));
		snprintf(text, sizeof(text), "%s%s()", pre, name);
		if (e->status != CS_BLOCKED) {
			if (e->err)
				snprintf(res, sizeof(res), "%s", errno_name(e->err));
			else
				snprintf(res, sizeof(res), "%ld", e->ret);
			if (hid(u, a, e, at, EX_RESULT))
				snprintf(res, sizeof(res), "??");
		}
		ladder_add_note(&d->l, e->seq, side, e->status == CS_BLOCKED ? LN_BLOCKED : LN_CALL, text, res);
		return;
	case EV_ROW: {
		const struct tuple_row *r = e->row;
		if (!r)
			return;
		if (r->side != SIDE_NONE) {
			/* A socket's local port is its side's; its remote port, the other's. */
			enum ladder_side rs = r->side == SIDE_SERVER ? LS_SERVER : LS_CLIENT;
			remember(d, rs, (uint16_t)atoi(r->lport));
			remember(d, rs == LS_SERVER ? LS_CLIENT : LS_SERVER, (uint16_t)atoi(r->rport));
		}
		/* A state the socket entered; a new socket's first CLOSED says nothing. */
		if (!(r->changed & TC_STATE) || !r->state[0] || r->step == TS_SOCKET || r->step == TS_INHERITED)
			return;
		who_prefix(e, pre, sizeof(pre));
		snprintf(text, sizeof(text), "%s%s", pre, hid(u, a, e, at, EX_STATE) ? "??" : r->state);
		ladder_add_note(&d->l, e->seq, r->side == SIDE_SERVER ? LS_SERVER : LS_CLIENT, LN_STATE, text, "");
		return;
	}
	default:
		return;
	}
}

static struct lad *sync_lad(const struct ui *u, struct ui_pane *p)
{
	const struct session *s = &p->a->log;
	struct lad *d = p->priv;
	if (!d)
		return NULL; /* out of memory at init: an empty pane */
	if (s->n < d->next) /* a refused command's events were taken back: none made an arrow */
		d->next = s->n;
	if (d->next < s->first) {
		d->missed = true;
		d->next = s->first;
	}
	for (; d->next < s->n; d->next++) {
		const struct event *e = session_at(s, d->next);
		if (e)
			read_event(u, d, p->a, e, d->next);
	}
	return d;
}

static void ladder_update(struct ui *u, struct ui_pane *p)
{
	(void)u;
	sync_lad(u, p);
}

static int ladder_pane_init(struct ui *u, struct ui_pane *p)
{
	(void)u;
	struct lad *d = p->priv = calloc(1, sizeof(struct lad));
	if (!d)
		return -ENOMEM;
	ladder_init(&d->l);
	return 0;
}

static void ladder_pane_free(struct ui *u, struct ui_pane *p)
{
	(void)u;
	struct lad *d = p->priv;
	if (d) {
		ladder_free(&d->l);
		free(d->rows);
	}
	free(d);
	p->priv = NULL;
}

/* What it read goes; the rows' array stays for the figure to come. */
static void ladder_forget(struct ui *u, struct ui_pane *p)
{
	(void)u;
	struct lad *d = p->priv;
	if (d) {
		ladder_free(&d->l);
		*d = (struct lad){ .rows = d->rows, .rcap = d->rcap, .l = d->l };
	}
	p->sel = 0;
	p->top = 0;
	p->follow = true;
}

/* Lay the rows out for the pane's width (into d->rows). */
static void lay_rows(struct ui *u, struct ui_pane *p, struct lad *d)
{
	d->nrows = 0;
	size_t need = LADDER_PIECES * d->l.n; /* a wrapped note takes a row a piece */
	if (d->rcap < need) {
		struct ladder_row *r = realloc(d->rows, need * sizeof(*r));
		if (!r)
			return; /* out of memory: an empty figure, nothing breaks */
		d->rows = r;
		d->rcap = need;
	}
	d->nrows = ladder_layout(&d->l, p->w, u->utf8, d->rows);
}

/* The row of the selected frame, or -1 (following the newest). */
static long sel_row(const struct ui_pane *p, const struct lad *d)
{
	if (!p->sel)
		return -1;
	for (size_t i = d->nrows; i-- > 0;)
		if (d->rows[i].frame >= 0 && d->l.it[d->rows[i].frame].no == p->sel)
			return (long)i;
	return -1;
}

/* The frame shown in the detail: the selected one, else the newest. */
static unsigned long shown_frame(const struct ui_pane *p, const struct lad *d)
{
	if (p->sel)
		return p->sel;
	for (size_t i = d->l.n; i-- > 0;)
		if (d->l.it[i].frame)
			return d->l.it[i].no;
	return 0;
}

static void ladder_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	const struct lab *lab = &p->a->lab;
	const char *dot = ui_glyph(u, G_DOT), *both = u->utf8 ? "\u21c4" : "<->";
	char cip[INET_ADDRSTRLEN] = "", sip[INET_ADDRSTRLEN] = "";
	inet_ntop(AF_INET, &lab->ip[SIDE_CLIENT], cip, sizeof(cip));
	inet_ntop(AF_INET, &lab->ip[SIDE_SERVER], sip, sizeof(sip));
	struct lad *d = p->priv;
	if (d && d->detail) {
		snprintf(buf, len, "ladder %s frame %lu %s Enter: back", dot, shown_frame(p, d), dot);
		return;
	}
	char gone[48] = "";
	if (d && (d->l.dropped || d->missed))
		snprintf(gone, sizeof(gone), " %s %lu older dropped", dot, d->l.dropped);
	snprintf(buf, len, "ladder %s client %s %s server %s%s", dot, cip, both, sip, gone);
	if (ui_width(u, buf) > p->w - 4)
		snprintf(buf, len, "ladder %s %s %s %s%s", dot, cip, both, sip, gone);
	if (ui_width(u, buf) > p->w - 4)
		snprintf(buf, len, "ladder %s client %s server", dot, both);
}

static attr_t part_attr(struct ui *u, enum ladder_part part, const struct ladder_item *fr, enum ladder_fate fate,
			bool sel)
{
	switch (part) {
	case LP_LANE:
		return u->attr[R_BORDER];
	case LP_CALL:
		return u->attr[R_TEXT];
	case LP_BLOCKED:
		return u->attr[R_BLOCKED];
	case LP_STATE:
		return u->attr[R_STATE];
	case LP_ARROW:
		if (sel)
			return u->attr[R_SELECTED];
		if (fate != LF_PASSED)
			return u->attr[fate == LF_HELD ? R_HELD : R_DROPPED];
		return u->attr[fr && fr->side == LS_SERVER ? R_S2C : R_C2S];
	case LP_MARK:
		return u->attr[fate == LF_HELD ? R_HELD : R_DROPPED];
	}
	return u->attr[R_TEXT];
}

static void draw_detail(struct ui *u, struct ui_pane *p, struct lad *d)
{
	const struct wire_frame *f = session_frame(&p->a->log, shown_frame(p, d));
	if (!f) {
		ui_wrap(u, p->win, 0, 1, p->w - 1, p->h, 0, "that frame has left the wire's memory; Enter: back",
			u->attr[R_MINOR]);
		return;
	}
	int most = ui_frame_detail_lines(f) - (p->h - 1);
	if (d->dskip > most)
		d->dskip = most > 0 ? most : 0;
	ui_frame_detail(u, p, 0, f, d->dskip);
}

static void ladder_draw(struct ui *u, struct ui_pane *p)
{
	const struct wire *w = p->a->wire;
	struct lad *d = sync_lad(u, p);
	if (!w) {
		ui_wrap(u, p->win, 0, 1, p->w - 1, p->h, 2,
			p->a->wire_why[0] ? p->a->wire_why : "no capture on this network", u->attr[R_MINOR]);
		return;
	}
	if (!d || !d->l.n) {
		ui_wrap(u, p->win, 0, 1, p->w - 1, p->h, 0,
			"no frames yet: each will be an arrow between the lanes, client left, server right",
			u->attr[R_MINOR]);
		return;
	}
	if (d->detail) {
		draw_detail(u, p, d);
		return;
	}
	lay_rows(u, p, d);
	size_t n = d->nrows, h = (size_t)(p->h > 0 ? p->h : 0);
	long sr = sel_row(p, d);
	if (sr < 0) { /* following, or the selection rolled out: the newest rows */
		p->sel = 0;
		p->top = n > h ? (int)(n - h) : 0;
		/* A short pane keeps the newest arrow in view: the notes of the
		 * calls it woke (accept() → 4, ESTABLISHED) come after it. */
		bool arrow = false;
		for (size_t i = (size_t)p->top; i < n && !arrow; i++)
			arrow = d->rows[i].frame >= 0;
		for (size_t i = (size_t)p->top; !arrow && i-- > 0;)
			if (d->rows[i].frame >= 0) {
				p->top = (int)i;
				arrow = true;
			}
	} else {
		if (sr < p->top)
			p->top = (int)sr;
		if (sr >= p->top + (long)h)
			p->top = (int)(sr - (long)h + 1);
		if (p->top > (int)(n > h ? n - h : 0))
			p->top = (int)(n > h ? n - h : 0);
	}
	size_t top = (size_t)p->top, vis = n - top < h ? n - top : h;
	struct ladder_geom g;
	ladder_geom(&d->l, d->rows + top, vis, p->w, u->utf8, &g);
	for (size_t i = 0; i < vis; i++) {
		const struct ladder_row *r = &d->rows[top + i];
		const struct ladder_item *fr = r->frame >= 0 ? &d->l.it[r->frame] : NULL;
		enum ladder_fate fate = LF_PASSED;
		if (fr) { /* the wire's word now (in the log): a held frame may since have gone on or been dropped */
			const struct wire_frame *f = session_frame(&p->a->log, fr->no);
			fate = f ? fate_of(f->fate) : fr->fate;
		}
		bool sel = fr && (long)(top + i) == sr;
		struct ladder_line ln;
		ladder_render(&d->l, r, &g, fate, u->utf8, &ln);
		for (int s = 0; s < ln.nseg; s++)
			ui_put(u, p->win, (int)i, ln.seg[s].x, p->w - ln.seg[s].x, ln.buf + ln.seg[s].off,
			       part_attr(u, ln.seg[s].part, fr, fate, sel));
	}
}

/* The row index of the frame before (d < 0) or after the given row. */
static long next_frame_row(const struct lad *d, long from, long step)
{
	for (long i = from + step; i >= 0 && i < (long)d->nrows; i += step)
		if (d->rows[i].frame >= 0)
			return i;
	return -1;
}

static bool ladder_key(struct ui *u, struct ui_pane *p, int key)
{
	struct lad *d = p->priv;
	if (!d || !d->l.n)
		return false;
	if (key == '\n' || key == '\r' || key == UI_FKEY(KEY_ENTER)) {
		d->detail = !d->detail && shown_frame(p, d);
		d->dskip = 0;
		return true;
	}
	if (d->detail) {
		switch (key) {
		case UI_FKEY(KEY_UP):
			d->dskip = d->dskip > 0 ? d->dskip - 1 : 0;
			return true;
		case UI_FKEY(KEY_DOWN):
			d->dskip++; /* bounded when drawn */
			return true;
		case UI_FKEY(KEY_LEFT):
		case UI_FKEY(KEY_BACKSPACE):
			d->detail = false;
			return true;
		default:
			return false;
		}
	}
	lay_rows(u, p, d);
	long sr = sel_row(p, d);
	if (sr < 0) /* start from the newest arrow */
		sr = next_frame_row(d, (long)d->nrows, -1);
	long to = -1;
	switch (key) {
	case UI_FKEY(KEY_UP):
		to = next_frame_row(d, sr, -1);
		break;
	case UI_FKEY(KEY_DOWN):
		to = next_frame_row(d, sr, 1);
		break;
	case UI_FKEY(KEY_PPAGE):
		to = sr;
		for (int i = 0; i < p->h - 1 && next_frame_row(d, to, -1) >= 0; i++)
			to = next_frame_row(d, to, -1);
		break;
	case UI_FKEY(KEY_NPAGE):
		to = sr;
		for (int i = 0; i < p->h - 1 && next_frame_row(d, to, 1) >= 0; i++)
			to = next_frame_row(d, to, 1);
		break;
	case UI_FKEY(KEY_HOME):
		to = next_frame_row(d, -1, 1);
		break;
	case UI_FKEY(KEY_END):
		p->sel = 0; /* follow the newest again */
		return true;
	default:
		return false;
	}
	if (to >= 0)
		p->sel = d->l.it[d->rows[to].frame].no;
	else if (sr >= 0)
		p->sel = d->l.it[d->rows[sr].frame].no; /* at the end: stay, but stop following */
	return true;
}

static void ladder_click(struct ui *u, struct ui_pane *p, int y, int x)
{
	(void)x;
	struct lad *d = p->priv;
	if (!d || d->detail)
		return;
	lay_rows(u, p, d);
	size_t i = (size_t)p->top + (size_t)y;
	if (y >= 0 && i < d->nrows && d->rows[i].frame >= 0)
		p->sel = d->l.it[d->rows[i].frame].no;
}

static void ladder_resize(struct ui *u, struct ui_pane *p)
{
	(void)u;
	(void)p; /* the rows are laid out afresh at every draw */
}

const struct ui_pane_ops ui_ladder_ops = {
	.name = "ladder",
	.title = ladder_title,
	.draw = ladder_draw,
	.key = ladder_key,
	.resize = ladder_resize,
	.click = ladder_click,
	.update = ladder_update,
	.forget = ladder_forget,
	.init = ladder_pane_init,
	.free = ladder_pane_free,
};
