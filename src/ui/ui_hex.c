/* ui_hex.c - the newest struct sockaddr_in, as the lecture dumps it: one
 * row per statement (memset, sin_family, sin_addr, sin_port) with the 16
 * bytes in memory after it, the bytes that statement wrote marked, each
 * byte coloured by the field it belongs to and a legend naming the fields
 * (so that colour is never the only clue), then the host/network order
 * explanation. */
#include "ui_pane.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stage_name[SA_NSTAGES] = { "memset", "sin_family", "sin_addr", "sin_port" };
#define LABEL_W 11

#define CONV_KEEP 6 /* conversions in a row kept: a step's (the 255.255.255.255 trap among its others) */

/* The pane's own (p->priv): a copy of the newest sockaddr_in built, so that
 * it stays on screen after the log has dropped its event, and the
 * conversions made since it, oldest first. */
struct newest {
	struct sa_build sa;
	enum side side;
	bool set;
	size_t at;      /* the sockaddr_in's log event */
	struct conv_view conv[CONV_KEEP]; /* shown while they are newer than the sockaddr_in */
	size_t conv_at[CONV_KEEP];
	int nconv;
	bool conv_newer;
	char table[4096];       /* the newest table (families, journey): title '\n' lines */
	bool table_newer;       /* it is newer than the sockaddr_in and the conversion */
	size_t table_at;        /* the table's log event */
	unsigned table_seq;     /* the command that made it (a waiting answer is masked in it) */
	size_t next;    /* the first log event not looked at */
};

static const struct newest *newest_sa(struct ui_pane *p)
{
	const struct session *s = &p->a->log;
	struct newest *nw = p->priv;
	if (!nw)
		return NULL; /* out of memory at init: an empty pane */
	if (s->n < nw->next) { /* the log was cut back */
		bool gone = nw->set && (nw->at >= s->n || (nw->table_newer && nw->table_at >= s->n));
		for (int i = 0; i < nw->nconv; i++)
			gone |= nw->conv_at[i] >= s->n;
		if (gone) /* what it showed went too: look again */
			memset(nw, 0, sizeof(*nw)), nw->next = s->first;
		else
			nw->next = s->n;
	}
	if (nw->next < s->first)
		nw->next = s->first; /* missed: the newest build is among the kept ones, if any */
	for (; nw->next < s->n; nw->next++) {
		const struct event *e = session_at(s, nw->next);
		if (e->kind == EV_SOCKADDR && e->sa) {
			nw->sa = *e->sa;
			nw->side = e->side;
			nw->at = nw->next;
			nw->set = true;
			nw->conv_newer = nw->table_newer = false;
			nw->nconv = 0;
		} else if (e->kind == EV_CONVERT && e->conv) {
			if (!nw->conv_newer)
				nw->nconv = 0;
			if (nw->nconv == CONV_KEEP) {
				memmove(nw->conv, nw->conv + 1, (CONV_KEEP - 1) * sizeof(nw->conv[0]));
				memmove(nw->conv_at, nw->conv_at + 1, (CONV_KEEP - 1) * sizeof(nw->conv_at[0]));
				nw->nconv--;
			}
			nw->conv[nw->nconv] = *e->conv;
			nw->conv_at[nw->nconv++] = nw->next;
			nw->set = nw->conv_newer = true;
			nw->table_newer = false;
		} else if (e->kind == EV_TABLE && e->text) {
			snprintf(nw->table, sizeof nw->table, "%s", e->text);
			nw->table_at = nw->next;
			nw->table_seq = e->seq;
			nw->set = nw->table_newer = true;
			nw->conv_newer = false;
		}
	}
	return nw->set ? nw : NULL;
}

/* The bytes a waiting question asks for, when event at comes after it
 * (ui_predict.c): drawn "??" until the guess. */
struct hidden {
	unsigned char b[4];
	int n;
};

static struct hidden hidden_at(struct ui *u, struct ui_pane *p, size_t at)
{
	struct hidden h;
	if (!ui_hide_bytes(&u->asked, p->a, at, h.b, &h.n))
		h.n = 0;
	return h;
}

/* Are bytes[i] of a stage part of the answer: the field (port, address)
 * that holds exactly the hidden bytes? */
static bool byte_hidden(const struct hidden *h, const unsigned char *bytes, int i)
{
	if (!h->n)
		return false;
	int lo = h->n == 2 ? 2 : 4; /* sin_port is bytes 2-3, sin_addr 4-7 */
	return i >= lo && i < lo + h->n && !memcmp(bytes + lo, h->b, (size_t)h->n);
}

static bool conv_hidden(const struct hidden *h, const struct conv_row *r)
{
	return h->n && r->n == h->n && !memcmp(r->b, h->b, (size_t)h->n);
}

static void hex_update(struct ui *u, struct ui_pane *p)
{
	(void)u;
	newest_sa(p);
}

static int hex_init(struct ui *u, struct ui_pane *p)
{
	(void)u;
	return (p->priv = calloc(1, sizeof(struct newest))) ? 0 : -ENOMEM;
}

static void hex_forget(struct ui *u, struct ui_pane *p)
{
	(void)u;
	if (p->priv)
		memset(p->priv, 0, sizeof(struct newest));
}

static void hex_free(struct ui *u, struct ui_pane *p)
{
	(void)u;
	free(p->priv);
	p->priv = NULL;
}

static enum ui_role field_role(int i)
{
	const char *f = sa_field(i);
	if (strstr(f, "family"))
		return R_FAMILY;
	if (strstr(f, "port"))
		return R_PORT;
	if (strstr(f, "addr"))
		return R_ADDR;
	return R_ZERO;
}

/* The variable the statements fill: "echoserver" from "memset(&echoserver, ...". */
static void var_name(const struct sa_build *b, char *buf, size_t len)
{
	const char *a = strchr(b->code[SA_MEMSET], '&');
	size_t n = a ? strcspn(a + 1, ",) ") : 0;
	snprintf(buf, len, "%.*s", (int)n, a ? a + 1 : "");
}

static void hex_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	const struct newest *e = newest_sa(p);
	if (!e) {
		snprintf(buf, len, "sockaddr_in (16 bytes)");
		return;
	}
	if (e->table_newer) { /* the table's first line is its title */
		snprintf(buf, len, "%.*s", (int)strcspn(e->table, "\n"), e->table);
		ui_hide_mask(&u->asked, p->a, e->table_seq, buf);
		return;
	}
	if (e->conv_newer) {
		snprintf(buf, len, "%s %s bytes in memory", e->nconv > 1 ? "conversions" : "conversion", ui_glyph(u, G_DOT));
		return;
	}
	char var[40];
	var_name(&e->sa, var, sizeof(var));
	const char *c = e->sa.code[SA_PORT];
	if (!var[0] && !strncmp(c, "/* ", 3)) /* a traced program's, read from its memory: the call's */
		snprintf(var, sizeof(var), "of %.*s()", (int)strcspn(c + 3, "(:"), c + 3);
	snprintf(buf, len, "sockaddr_in%s%s %s %s", var[0] ? " " : "", var, ui_glyph(u, G_DOT), side_name(e->side));
}

/* Bytes from..to-1 of stage st on row y, from the label column on: each
 * coloured by its field, the ones this statement wrote marked. */
static void stage_bytes(struct ui *u, struct ui_pane *p, int y, const struct sa_build *b, int st, int from, int to,
			const struct hidden *h)
{
	for (int i = from; i < to; i++) {
		char hx[4];
		snprintf(hx, sizeof(hx), "%02X", b->bytes[st][i]);
		if (byte_hidden(h, b->bytes[st], i))
			snprintf(hx, sizeof(hx), "??");
		bool wrote = st == SA_MEMSET || b->bytes[st][i] != b->bytes[st - 1][i];
		attr_t at = u->attr[field_role(i)];
		if (wrote)
			at |= u->attr[R_NEWBYTE];
		ui_put(u, p->win, y, LABEL_W + (i - from) * 3, 2, hx, at);
	}
}

/* n bytes at x on row y, two hex digits and a blank each; "??" where hidden. */
static int put_bytes(struct ui *u, struct ui_pane *p, int y, int x, const unsigned char *b, int n, bool hide,
		     attr_t at)
{
	for (int i = 0; i < n; i++) {
		char hx[4];
		snprintf(hx, sizeof(hx), "%02X", b[i]);
		ui_put(u, p->win, y, x + i * 3, 2, hide ? "??" : hx, at);
	}
	return n ? n * 3 - 1 : 0;
}

/* A conversion: its call and value, then a box of bytes per result, each
 * with what its bytes mean (network order, this CPU's order, INADDR_NONE).
 * A short pane keeps the bytes of every result first: it drops the title,
 * then cuts the meanings to one row, then leaves them out. The bytes a
 * waiting question asks for show "??", and so does the title's value. */
static void conv_draw(struct ui *u, struct ui_pane *p, const struct conv_view *v, const struct hidden *h)
{
	int tx = LABEL_W + 4 * 3 + 1;
	bool beside = true; /* meanings beside the bytes, where every one fits whole */
	bool hid = false;
	for (int r = 0; r < v->nrows; r++) {
		beside = beside && ui_width(u, v->row[r].what) <= p->w - tx;
		hid |= conv_hidden(h, &v->row[r]);
	}
	int need = 1;
	for (int r = 0; r < v->nrows; r++)
		need += 1 + (beside ? 0 : 1);
	bool title = need <= p->h, whats = beside || 2 * v->nrows <= p->h;
	int y = 0;
	if (title) {
		char t[sizeof(v->title) + 8];
		const char *eq = strstr(v->title, " = ");
		if (hid && eq) /* "htons(1001) = ??": its value would give the bytes away */
			snprintf(t, sizeof(t), "%.*s = ??", (int)(eq - v->title), v->title);
		else
			snprintf(t, sizeof(t), "%s", v->title);
		ui_put(u, p->win, y++, 0, p->w, t, u->attr[R_CURRENT]);
	}
	for (int r = 0; r < v->nrows && y < p->h; r++) {
		const struct conv_row *cr = &v->row[r];
		ui_put(u, p->win, y, 0, LABEL_W, cr->label, u->attr[R_TEXT]);
		put_bytes(u, p, y, LABEL_W, cr->b, cr->n, hid, u->attr[R_NEWBYTE]);
		if (!cr->n)
			ui_put(u, p->win, y, LABEL_W, 2, "--", u->attr[R_ERRNO]);
		if (beside && !hid)
			ui_put(u, p->win, y, tx, p->w - tx, cr->what, u->attr[R_TEXT]);
		y++;
		/* Below the bytes, where there is room for every result's line. */
		if (!beside && whats && !hid && y < p->h)
			ui_put(u, p->win, y++, 2, p->w - 2, cr->what, u->attr[R_TEXT]);
	}
}

/* What a conversion converted, for a row of the list: the text an address
 * came from ("255.255.255.255"), else the call ("htons(1000)"). */
static void conv_subject(const struct conv_view *v, char *buf, size_t len)
{
	const char *t = v->title, *q = t[0] == '"' ? strchr(t + 1, '"') : NULL;
	if (q)
		snprintf(buf, len, "%.*s", (int)(q - t - 1), t + 1);
	else
		snprintf(buf, len, "%.*s", (int)strcspn(t, " "), t);
}

/* Several conversions in a row (a step's): one line each, oldest first, so
 * that the first (the 255.255.255.255 trap) is still there at the step's
 * end: what was converted, the bytes in memory, and for an address what
 * inet_pton answered. The newest are kept when not all fit. */
static void conv_list_draw(struct ui *u, struct ui_pane *p, const struct newest *e)
{
	int first = e->nconv > p->h ? e->nconv - p->h : 0, sw = 0;
	char sub[CONV_KEEP][72];
	for (int i = first; i < e->nconv; i++) {
		conv_subject(&e->conv[i], sub[i], sizeof(sub[i]));
		int w = ui_width(u, sub[i]);
		sw = w > sw ? w : sw;
	}
	int maxsw = p->w - 1 - 11 - 7;
	sw = sw > maxsw ? (maxsw > 4 ? maxsw : 4) : sw;
	for (int i = first, y = 0; i < e->nconv && y < p->h; i++, y++) {
		const struct conv_view *v = &e->conv[i];
		struct hidden h = hidden_at(u, p, e->conv_at[i]);
		bool hid = false;
		for (int r = 0; r < v->nrows; r++)
			hid |= conv_hidden(&h, &v->row[r]);
		ui_put(u, p->win, y, 0, sw, sub[i], u->attr[i == e->nconv - 1 ? R_CURRENT : R_TEXT]);
		int x = sw + 1;
		if (!v->nrows)
			continue;
		const struct conv_row *r0 = &v->row[0];
		if (r0->n)
			x += put_bytes(u, p, y, x, r0->b, r0->n, hid, u->attr[R_NEWBYTE]) + 1;
		else
			ui_put(u, p->win, y, x, 2, "--", u->attr[R_ERRNO]), x += 3;
		if (v->nrows < 2 || x >= p->w)
			continue;
		const struct conv_row *r1 = &v->row[1];
		char t[40];
		if (!strcmp(r1->label, "inet_pton"))
			snprintf(t, sizeof(t), "pton=%d", r1->n ? 1 : 0); /* its return: 1 an address, 0 not one */
		else
			snprintf(t, sizeof(t), "%s", r1->label);
		bool pton = !strcmp(r1->label, "inet_pton");
		int tw = ui_width(u, t);
		if (!pton && x + tw + r1->n * 3 > p->w)
			continue; /* "host" only with its bytes */
		ui_put(u, p->win, y, x, p->w - x, t, u->attr[R_TEXT]);
		if (!pton)
			put_bytes(u, p, y, x + tw + 1, r1->b, r1->n, hid, u->attr[R_TEXT]);
	}
}

static const char *const stage_short[SA_NSTAGES] = { "mem", "fam", "adr", "prt" };

/* A traced program's sockaddr: its bytes as read from its memory at the
 * call, one row (its statements were not seen). */
static bool read_back(const struct sa_build *b)
{
	return !b->code[SA_MEMSET][0];
}

static const char *stage_label(const struct sa_build *b, int st, bool full)
{
	if (read_back(b))
		return full ? "in memory" : "mem";
	return full ? stage_name[st] : stage_short[st];
}

/* A pane too narrow for 16 spaced bytes (80 columns give it 36): every
 * stage still shows all 16 bytes, two digits each without blanks, every
 * second byte underlined so that [0], [1], ... can be counted at a glance;
 * fields coloured, the bytes the statement wrote bold and reversed. A
 * header gives the lecture's [i] of each field's first byte where a row is
 * spare. Returns the rows used. */
static int dense_draw(struct ui *u, struct ui_pane *p, const struct sa_build *b, const struct hidden *h)
{
	int lw = p->w - 32 >= LABEL_W ? LABEL_W : 4;
	int y = 0, first = 0;
	bool head = p->h > SA_NSTAGES;
	while (first < SA_NSTAGES - 1 && (SA_NSTAGES - first > p->h || (read_back(b) && first < SA_PORT)))
		first++;
	if (head) {
		/* The lecture's [i] over the byte each field starts with:
		 * sin_family [0], sin_port [2], sin_addr [4], the padding [8]. */
		static const struct { int at; const char *name; enum ui_role role; } f[] = {
			{ 0, "[0]", R_FAMILY }, { 2, "[2]", R_PORT }, { 4, "[4]", R_ADDR }, { 8, "[8]", R_ZERO }, { 12, "[12]", R_ZERO } };
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			ui_put(u, p->win, y, lw + f[i].at * 2, p->w - lw - f[i].at * 2, f[i].name, u->attr[f[i].role]);
		y++;
	}
	for (int st = first; st < SA_NSTAGES && y < p->h; st++, y++) {
		bool last = st == SA_NSTAGES - 1;
		ui_put(u, p->win, y, 0, lw, stage_label(b, st, lw == LABEL_W), u->attr[last ? R_CURRENT : R_TEXT]);
		for (int i = 0; i < 16; i++) {
			char hx[4];
			snprintf(hx, sizeof(hx), "%02X", b->bytes[st][i]);
			if (byte_hidden(h, b->bytes[st], i))
				snprintf(hx, sizeof(hx), "??");
			bool wrote = st == SA_MEMSET || b->bytes[st][i] != b->bytes[st - 1][i];
			attr_t at = u->attr[field_role(i)] | (i % 2 ? A_UNDERLINE : 0);
			if (wrote)
				at |= u->attr[R_NEWBYTE];
			ui_put(u, p->win, y, lw + i * 2, 2, hx, at);
		}
	}
	return y;
}

/* A table as it was laid out (families, journey): its lines verbatim,
 * after the title the pane's frame shows. */
static void table_draw(struct ui *u, struct ui_pane *p, const char *t, unsigned seq)
{
	const char *l = strchr(t, '\n');
	for (int y = 0; l && y < p->h; y++) {
		l++;
		const char *nl = strchr(l, '\n');
		char line[256];
		snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - l) : (int)strlen(l), l);
		ui_hide_mask(&u->asked, p->a, seq, line); /* recvfrom's sender, while it is asked for */
		ui_put(u, p->win, y, 0, p->w, line, u->attr[y == 0 ? R_CURRENT : R_TEXT]);
		l = nl;
	}
}

int ui_hex_table_size(struct ui *u, int *cols)
{
	struct ui_pane *p = &u->pane[P_HEX];
	const struct newest *e = newest_sa(p);
	int rows = 0, w = 0;
	if (e && e->table_newer)
		for (const char *l = strchr(e->table, '\n'); l; l = strchr(l, '\n')) {
			l++;
			const char *nl = strchr(l, '\n');
			char line[256];
			snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - l) : (int)strlen(l), l);
			int k = ui_width(u, line);
			w = k > w ? k : w;
			rows++;
		}
	if (cols)
		*cols = w;
	return rows;
}

static void hex_draw(struct ui *u, struct ui_pane *p)
{
	const struct newest *e = newest_sa(p);
	if (e && e->table_newer) {
		table_draw(u, p, e->table, e->table_seq);
		return;
	}
	if (!e) {
		ui_wrap(u, p->win, 0, 1, p->w - 1, p->h, 0,
			"no sockaddr_in yet: bind, connect and sendto build one, statement by statement",
			u->attr[R_MINOR]);
		return;
	}
	if (e->conv_newer && e->nconv > 1) {
		conv_list_draw(u, p, e);
		return;
	}
	if (e->conv_newer) {
		struct hidden h = hidden_at(u, p, e->conv_at[0]);
		conv_draw(u, p, &e->conv[0], &h);
		return;
	}
	const struct sa_build *b = &e->sa;
	struct hidden h = hidden_at(u, p, e->at);
	/* How many bytes fit spaced; narrower, all 16 go dense. */
	int nb = (p->w - LABEL_W) / 3;
	int y = 0;
	if (nb < 16 && p->w >= 4 + 32) {
		y = dense_draw(u, p, b, &h);
	} else {
		if (nb >= 16)
			nb = 16;
		else
			while (nb > 0 && LABEL_W + nb * 3 + 1 > p->w)
				nb--;
		/* Wide panes show each statement's code beside its bytes. */
		int codex = LABEL_W + 16 * 3 + 1;
		bool code = nb == 16 && p->w - codex >= 24;
		/* A short pane drops the field names, then the oldest stages,
		 * never the current one. */
		int first = 0;
		while (first < SA_NSTAGES - 1 && (SA_NSTAGES - first > p->h || (read_back(b) && first < SA_PORT)))
			first++;
		for (int st = first; st < SA_NSTAGES && y < p->h; st++, y++) {
			bool last = st == SA_NSTAGES - 1;
			ui_put(u, p->win, y, 0, LABEL_W, stage_label(b, st, true), u->attr[last ? R_CURRENT : R_TEXT]);
			stage_bytes(u, p, y, b, st, 0, nb, &h);
			if (nb < 16)
				ui_put(u, p->win, y, LABEL_W + nb * 3, 1, ui_glyph(u, G_ELLIPSIS), u->attr[R_MINOR]);
			if (code)
				ui_put(u, p->win, y, codex, p->w - codex, b->code[st], u->attr[R_MINOR]);
		}
		if (y < p->h) {
			char leg[160];
			sa_legend(leg, sizeof(leg));
			ui_put(u, p->win, y, 0, LABEL_W, "field", u->attr[R_MINOR]);
			ui_put(u, p->win, y++, LABEL_W, nb * 3, leg, u->attr[R_MINOR]);
		}
	}
	char line[320], addr[320];
	sa_order_of(b, line, sizeof(line), addr, sizeof(addr));
	if (!h.n) /* the port's line says its bytes: not while a question asks for them */
		y += ui_wrap(u, p->win, y, 0, p->w, p->h - y, 2, line, u->attr[R_TEXT]);
	y += ui_wrap(u, p->win, y, 0, p->w, p->h - y, 2, addr, u->attr[R_TEXT]);
	if (b->note[0] && y < p->h) /* what inet_addr made of "1.2.3" or "010.0.0.1" */
		y += ui_wrap(u, p->win, y, 0, p->w, p->h - y, 2, b->note, u->attr[R_TEXT]);
	/* The broadcast address is no failure: inet_addr read it, and its bytes
	 * are INADDR_NONE's, which is the lecture's trap. */
	if (b->conv_failed && y < p->h)
		ui_wrap(u, p->win, y, 0, p->w, p->h - y, 2,
			b->conv != CONV_INET_ADDR ? "inet_pton() failed: it returned 0 (not an address)"
			: b->none_is_addr ? "inet_addr() returned INADDR_NONE: here the address 255.255.255.255, the same "
					    "bytes as its error value"
					  : "inet_addr() failed: it returned INADDR_NONE (255.255.255.255)",
			u->attr[b->none_is_addr ? R_TEXT : R_ERRNO]);
}

static bool hex_key(struct ui *u, struct ui_pane *p, int key)
{
	(void)u;
	(void)p;
	(void)key;
	return false; /* everything fits or is cut on purpose: nothing to scroll */
}

const struct ui_pane_ops ui_hex_ops = {
	.name = "sockaddr_in",
	.title = hex_title,
	.draw = hex_draw,
	.key = hex_key,
	.update = hex_update,
	.forget = hex_forget,
	.init = hex_init,
	.free = hex_free,
};
