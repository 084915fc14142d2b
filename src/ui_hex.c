/* ui_hex.c - the newest struct sockaddr_in, as the lecture dumps it: one
 * row per statement (memset, sin_family, sin_addr, sin_port) with the 16
 * bytes in memory after it, the bytes that statement wrote marked, each
 * byte coloured by the field it belongs to and a legend naming the fields
 * (so that colour is never the only clue), then the host/network order
 * explanation. */
#include "ui_pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const stage_name[SA_NSTAGES] = { "memset", "sin_family", "sin_addr", "sin_port" };
#define LABEL_W 11

/* The pane's own (p->priv): a copy of the newest sockaddr_in built, so that
 * it stays on screen after the log has dropped its event. */
struct newest {
	struct sa_build sa;
	enum side side;
	bool set;
	struct conv_view conv;  /* the newest conversion, shown when it is newer than the sockaddr_in */
	bool conv_newer;
	char table[4096];       /* the newest table (families, journey): title '\n' lines */
	bool table_newer;       /* it is newer than the sockaddr_in and the conversion */
	size_t at;      /* the log event it came from */
	size_t next;    /* the first log event not looked at */
};

static const struct newest *newest_sa(struct ui_pane *p)
{
	const struct session *s = &p->a->log;
	struct newest *nw = p->priv;
	if (!nw && !(nw = p->priv = calloc(1, sizeof(*nw))))
		return NULL;
	if (s->n < nw->next) { /* the log was cut back */
		if (nw->set && nw->at >= s->n)
			nw->set = false, nw->next = s->first; /* its build went too: look again */
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
		} else if (e->kind == EV_CONVERT && e->conv) {
			nw->conv = *e->conv;
			nw->at = nw->next;
			nw->set = nw->conv_newer = true;
			nw->table_newer = false;
		} else if (e->kind == EV_TABLE && e->text) {
			snprintf(nw->table, sizeof nw->table, "%s", e->text);
			nw->at = nw->next;
			nw->set = nw->table_newer = true;
			nw->conv_newer = false;
		}
	}
	return nw->set ? nw : NULL;
}

static void hex_update(struct ui *u, struct ui_pane *p)
{
	(void)u;
	newest_sa(p);
}

static void hex_forget(struct ui *u, struct ui_pane *p)
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
		return;
	}
	if (e->conv_newer) {
		snprintf(buf, len, "conversion %s bytes in memory", ui_glyph(u, G_DOT));
		return;
	}
	char var[40];
	var_name(&e->sa, var, sizeof(var));
	snprintf(buf, len, "sockaddr_in %s %s %s", var, ui_glyph(u, G_DOT), side_name(e->side));
}

/* Bytes from..to-1 of stage st on row y, from the label column on: each
 * coloured by its field, the ones this statement wrote marked. */
static void stage_bytes(struct ui *u, struct ui_pane *p, int y, const struct sa_build *b, int st, int from, int to)
{
	for (int i = from; i < to; i++) {
		char hx[4];
		snprintf(hx, sizeof(hx), "%02X", b->bytes[st][i]);
		bool wrote = st == SA_MEMSET || b->bytes[st][i] != b->bytes[st - 1][i];
		attr_t at = u->attr[field_role(i)];
		if (wrote)
			at |= u->attr[R_NEWBYTE];
		ui_put(u, p->win, y, LABEL_W + (i - from) * 3, 2, hx, at);
	}
}

/* A conversion: its call and value, then a box of bytes per result, each
 * with what its bytes mean (network order, this CPU's order, INADDR_NONE).
 * A short pane keeps the bytes of every result first: it drops the title,
 * then cuts the meanings to one row, then leaves them out. */
static void conv_draw(struct ui *u, struct ui_pane *p, const struct conv_view *v)
{
	int tx = LABEL_W + 4 * 3 + 1;
	bool beside = true; /* meanings beside the bytes, where every one fits whole */
	for (int r = 0; r < v->nrows; r++)
		beside = beside && ui_width(u, v->row[r].what) <= p->w - tx;
	int need = 1;
	for (int r = 0; r < v->nrows; r++)
		need += 1 + (beside ? 0 : 1);
	bool title = need <= p->h, whats = beside || 2 * v->nrows <= p->h;
	int y = 0;
	if (title)
		ui_put(u, p->win, y++, 0, p->w, v->title, u->attr[R_CURRENT]);
	for (int r = 0; r < v->nrows && y < p->h; r++) {
		const struct conv_row *cr = &v->row[r];
		ui_put(u, p->win, y, 0, LABEL_W, cr->label, u->attr[R_TEXT]);
		for (int i = 0; i < cr->n; i++) {
			char hx[4];
			snprintf(hx, sizeof(hx), "%02X", cr->b[i]);
			ui_put(u, p->win, y, LABEL_W + i * 3, 2, hx, u->attr[R_NEWBYTE]);
		}
		if (!cr->n)
			ui_put(u, p->win, y, LABEL_W, 2, "--", u->attr[R_ERRNO]);
		if (beside)
			ui_put(u, p->win, y, tx, p->w - tx, cr->what, u->attr[R_TEXT]);
		y++;
		/* Below the bytes, where there is room for every result's line. */
		if (!beside && whats && y < p->h)
			ui_put(u, p->win, y++, 2, p->w - 2, cr->what, u->attr[R_TEXT]);
	}
}

/* A table as it was laid out (families, journey): its lines verbatim,
 * after the title the pane's frame shows. */
static void table_draw(struct ui *u, struct ui_pane *p, const char *t)
{
	const char *l = strchr(t, '\n');
	for (int y = 0; l && y < p->h; y++) {
		l++;
		const char *nl = strchr(l, '\n');
		char line[256];
		snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - l) : (int)strlen(l), l);
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
		table_draw(u, p, e->table);
		return;
	}
	if (!e) {
		ui_wrap(u, p->win, 0, 1, p->w - 1, p->h, 0,
			"no sockaddr_in yet: bind, connect and sendto build one, statement by statement",
			u->attr[R_MINOR]);
		return;
	}
	if (e->conv_newer) {
		conv_draw(u, p, &e->conv);
		return;
	}
	const struct sa_build *b = &e->sa;
	/* How many bytes fit; the cut ones are the sin_zero padding. */
	int nb = (p->w - LABEL_W) / 3;
	if (nb >= 16)
		nb = 16;
	else if (nb >= 8)
		nb = 8; /* family, port and address; the padding is summed up by the ellipsis */
	else
		while (nb > 0 && LABEL_W + nb * 3 + 1 > p->w)
			nb--;
	int y = 0;
	/* Wide panes show each statement's code beside its bytes. */
	int codex = LABEL_W + 16 * 3 + 1;
	bool code = nb == 16 && p->w - codex >= 24;
	/* Where only 8 bytes fit, the current stage goes on in a second row
	 * (sin_zero), so that all 16 of its bytes show; a short pane drops the
	 * oldest stages first, never the current one or the field names. */
	bool cont = nb == 8;
	int fixed = (cont ? 1 : 0) + 1, first = 0;
	while (first < SA_NSTAGES - 1 && SA_NSTAGES - first + fixed > p->h)
		first++;
	for (int st = first; st < SA_NSTAGES && y < p->h; st++, y++) {
		bool last = st == SA_NSTAGES - 1;
		ui_put(u, p->win, y, 0, LABEL_W, stage_name[st], u->attr[last ? R_CURRENT : R_TEXT]);
		stage_bytes(u, p, y, b, st, 0, nb);
		if (nb < 16 && !(cont && last))
			ui_put(u, p->win, y, LABEL_W + nb * 3, 1, ui_glyph(u, G_ELLIPSIS), u->attr[R_MINOR]);
		if (code)
			ui_put(u, p->win, y, codex, p->w - codex, b->code[st], u->attr[R_MINOR]);
	}
	if (cont && y < p->h) {
		/* The current stage's bytes 8-15: the padding, named by its field. */
		const int st = SA_NSTAGES - 1;
		ui_put(u, p->win, y, 0, LABEL_W, "sin_zero", u->attr[R_TEXT]);
		stage_bytes(u, p, y, b, st, 8, 16);
		y++;
	}
	if (y < p->h) {
		char leg[160];
		sa_legend(leg, sizeof(leg));
		int lw = nb * 3;
		ui_put(u, p->win, y, 0, LABEL_W, "field", u->attr[R_MINOR]);
		ui_put(u, p->win, y++, LABEL_W, lw, leg, u->attr[R_MINOR]);
	}
	char line[320];
	sa_order_port(b->port_host, b->nohtons, line, sizeof(line));
	y += ui_wrap(u, p->win, y, 0, p->w, p->h - y, 2, line, u->attr[R_TEXT]);
	sa_order_addr(b->addr_host, line, sizeof(line));
	y += ui_wrap(u, p->win, y, 0, p->w, p->h - y, 2, line, u->attr[R_TEXT]);
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
};
