/* ladder.c - the ladder diagram's labels, row placement and row drawing,
 * without curses (see ladder.h). Every packet byte is read within caplen;
 * every string is built with a bound. */
#include "ladder.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h" /* escape_bytes */
#include "bounded.h"

/* ---- glyphs and widths ------------------------------------------------ */

enum glyph { GL_LANE, GL_SHAFT, GL_RHEAD, GL_LHEAD, GL_HELD, GL_DROP, GL_RETRANS, GL_ELLIPSIS, GL_RET,
	     GL_COUNT_ };

static const char *const glyphs[GL_COUNT_][2] = {
	[GL_LANE] = { "|", "\u2502" },	   [GL_SHAFT] = { "-", "\u2500" },   [GL_RHEAD] = { ">", "\u25b6" },
	[GL_LHEAD] = { "<", "\u25c0" },	   [GL_HELD] = { "||", "\u2016" },   [GL_DROP] = { "x", "\u2717" },
	[GL_RETRANS] = { "(re)", "\u21bb" }, [GL_ELLIPSIS] = { "...", "\u2026" }, [GL_RET] = { "->", "\u2192" },
};

static const char *gl(enum glyph g, bool utf8)
{
	return glyphs[g][utf8 ? 1 : 0];
}

/* The ASCII form of a string that may hold the glyphs above. */
static void ascii_of(const char *s, char *out, size_t len)
{
	size_t o = 0;
	if (!len)
		return;
	while (*s && o + 1 < len) {
		const char *rep = NULL;
		size_t adv = 1;
		if ((unsigned char)*s >= 0x80) {
			for (int g = 0; g < GL_COUNT_ && !rep; g++)
				if (!strncmp(s, glyphs[g][1], strlen(glyphs[g][1]))) {
					rep = glyphs[g][0];
					adv = strlen(glyphs[g][1]);
				}
			if (!rep) { /* any other character: one '?' for its whole sequence */
				rep = "?";
				while (s[adv] && ((unsigned char)s[adv] & 0xc0) == 0x80)
					adv++;
			}
		}
		if (rep) {
			size_t r = strlen(rep);
			if (o + r >= len)
				break;
			memcpy(out + o, rep, r);
			o += r;
		} else {
			out[o++] = *s;
		}
		s += adv;
	}
	out[o] = '\0';
}

int ladder_cols(const char *s, bool utf8)
{
	if (!utf8) {
		char a[1024];
		ascii_of(s, a, sizeof(a));
		return (int)strlen(a);
	}
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Append to a bounded string. */
static void cat(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char *out, size_t len, const char *fmt, ...)
{
	size_t o = strlen(out);
	if (o + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out + o, len - o, fmt, ap);
	va_end(ap);
}

/* ---- labels ------------------------------------------------------------- */

/* The payload's first bytes as a quoted C string of at most max characters
 * between the quotes; "" when no payload byte was captured. */
static void quote(const struct dec_result *d, const uint8_t *data, size_t caplen, size_t max, char *out,
		  size_t len)
{
	out[0] = '\0';
	if (!data || !d->payload_len || !d->payload_off || d->payload_off >= caplen)
		return;
	size_t n = caplen - d->payload_off;
	if (n > d->payload_len)
		n = d->payload_len;
	if (n > 64)
		n = 64; /* never more is shown */
	char esc[32];
	if (max + 4 > sizeof(esc))
		max = sizeof(esc) - 4;
	escape_bytes(data + d->payload_off, n, esc, max + 4); /* it keeps 4 bytes for its "..." */
	bool cut = n < d->payload_len && !strstr(esc, "...");
	snprintf(out, len, "\"%s%s\"", esc, cut ? "..." : "");
}

/* Add a tier unless it repeats the one before. */
static void tier(char labels[][LADDER_LABEL_MAX], int *n, const char *s)
{
	if (*n >= LADDER_TIERS || !s[0] || (*n && !strcmp(labels[*n - 1], s)))
		return;
	size_t k = strnlen(s, LADDER_LABEL_MAX - 1); /* labels are short; a cut one still starts with its flags */
	memcpy(labels[*n], s, k);
	labels[*n][k] = '\0';
	(*n)++;
}

static int tcp_labels(const struct dec_result *d, const uint8_t *data, size_t caplen,
		      char labels[][LADDER_LABEL_MAX])
{
	int n = 0;
	char fl[40], f[48], seq[24], ack[24] = "", ln[24] = "", qf[40], qs[40], t[256];
	if (!d->has_ports || (d->flags & (DEC_TRUNCATED | DEC_MALFORMED) && !d->tcp_flags)) {
		tier(labels, &n, d->flags & DEC_TRUNCATED ? "TCP [truncated]" : "TCP [bad]");
		tier(labels, &n, "TCP");
		return n;
	}
	dec_tcp_flags_str(d->tcp_flags, fl, sizeof(fl));
	snprintf(f, sizeof(f), "[%s]", fl);
	snprintf(seq, sizeof(seq), " seq=%u", d->seq);
	if (d->tcp_flags & TF_ACK)
		snprintf(ack, sizeof(ack), " ack=%u", d->ack);
	if (d->payload_len)
		snprintf(ln, sizeof(ln), " len=%u", d->payload_len);
	quote(d, data, caplen, 20, qf, sizeof(qf));
	quote(d, data, caplen, 6, qs, sizeof(qs));
	const char *bad = d->flags & DEC_MALFORMED ? " [bad]" : d->flags & DEC_TRUNCATED ? " [truncated]" : "";
	if (d->payload_len) { /* data: the bytes matter more than the numbers */
		snprintf(t, sizeof(t), "%s%s%s%s%s%s%s", f, seq, ack, ln, qf[0] ? " " : "", qf, bad);
		tier(labels, &n, t);
		snprintf(t, sizeof(t), "%s%s%s%s", f, ln, qf[0] ? " " : "", qf);
		tier(labels, &n, t);
		snprintf(t, sizeof(t), "%s%s%s%s", f, ln, qs[0] ? " " : "", qs);
		tier(labels, &n, t);
		snprintf(t, sizeof(t), "%s%s", f, ln);
		tier(labels, &n, t);
	} else {
		snprintf(t, sizeof(t), "%s%s%s%s", f, seq, ack, bad);
		tier(labels, &n, t);
		/* A SYN's own number is the point; otherwise what it acknowledges. */
		snprintf(t, sizeof(t), "%s%s", f, (d->tcp_flags & TF_SYN) || !ack[0] ? seq : ack);
		tier(labels, &n, t);
	}
	tier(labels, &n, f);
	return n;
}

int ladder_labels(const struct dec_result *d, const uint8_t *data, size_t caplen,
		  char labels[][LADDER_LABEL_MAX])
{
	int n = 0;
	char t[128], q[40];
	if (d->ethertype == 0x0806) {
		/* "ARP who has 200.0.0.2? tell 100.0.0.1" / "ARP 200.0.0.2 is at ..." */
		const char *who = "ARP who has ";
		if (!strncmp(d->summary, who, strlen(who))) {
			const char *ip = d->summary + strlen(who);
			snprintf(t, sizeof(t), "ARP who-has %.*s", (int)strcspn(ip, "? "), ip);
			tier(labels, &n, t);
			tier(labels, &n, "ARP who-has");
		} else if (strstr(d->summary, " is at ")) {
			tier(labels, &n, "ARP reply");
		}
		tier(labels, &n, "ARP");
		return n;
	}
	switch (d->ipproto) {
	case 6:
		return tcp_labels(d, data, caplen, labels);
	case 17:
		if (d->flags & DEC_MALFORMED || !d->has_ports) {
			tier(labels, &n, d->flags & DEC_TRUNCATED ? "UDP [truncated]" : "UDP [bad]");
		} else {
			quote(d, data, caplen, 20, q, sizeof(q));
			snprintf(t, sizeof(t), "UDP len=%u%s%s", d->payload_len, q[0] ? " " : "", q);
			tier(labels, &n, t);
			quote(d, data, caplen, 6, q, sizeof(q));
			snprintf(t, sizeof(t), "UDP len=%u%s%s", d->payload_len, q[0] ? " " : "", q);
			tier(labels, &n, t);
			snprintf(t, sizeof(t), "UDP len=%u", d->payload_len);
			tier(labels, &n, t);
		}
		tier(labels, &n, "UDP");
		return n;
	case 1: {
		const char *what = d->icmp_type == 3 && d->icmp_code == 3 ? "port unreachable"
				   : d->icmp_type == 3				 ? "unreachable"
				   : d->icmp_type == 8				 ? "echo request"
				   : d->icmp_type == 0				 ? "echo reply"
				   : d->icmp_type == 11				 ? "time exceeded"
										 : NULL;
		if (what)
			snprintf(t, sizeof(t), "ICMP %s", what);
		else
			snprintf(t, sizeof(t), "ICMP type %u", d->icmp_type);
		tier(labels, &n, t);
		tier(labels, &n, "ICMP");
		return n;
	}
	default:
		break;
	}
	/* Anything else: the summary's first word ("IPv6", "ETH", "IPv4"). */
	snprintf(t, sizeof(t), "%.*s", (int)strcspn(d->summary, " "), d->summary);
	tier(labels, &n, t[0] ? t : "frame");
	return n;
}

/* ---- the item list ------------------------------------------------------ */

void ladder_init(struct ladder *l)
{
	memset(l, 0, sizeof(*l));
}

void ladder_free(struct ladder *l)
{
	free(l->it);
	ladder_init(l);
}

static struct ladder_item *push(struct ladder *l)
{
	struct ladder_item *t = bounded_room(l->it, sizeof(*t), &l->n, &l->cap, LADDER_KEEP, &l->dropped, NULL);
	if (!t)
		return NULL;
	l->it = t;
	struct ladder_item *it = &l->it[l->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

/* A call that returns because frames came: connect() and accept(). */
static bool completes_on_frames(const struct ladder_item *it)
{
	return it->result[0] && (strstr(it->text, "connect()") || strstr(it->text, "accept()") ||
				 strstr(it->text, "accept4()"));
}

/* Retransmissions are looked for among this many newest items. */
#define RETRANS_LOOKBACK 256

int ladder_add_frame(struct ladder *l, unsigned seq, unsigned long no, enum ladder_side from,
		     enum ladder_fate fate, const struct dec_result *d, const uint8_t *data, size_t caplen)
{
	struct ladder_item *it = push(l);
	if (!it)
		return -ENOMEM;
	it->frame = true;
	it->seq = seq;
	it->side = from;
	it->no = no;
	it->fate = fate;
	it->ntiers = ladder_labels(d, data, caplen, it->label);
	it->tcp = d->ipproto == 6 && d->has_ports && !(d->flags & DEC_MALFORMED);
	it->tflags = d->tcp_flags;
	it->seq_raw = d->seq_raw;
	it->plen = d->payload_len;
	it->sport = d->sport;
	it->dport = d->dport;
	/* Only segments that take sequence space are sent again: data, SYN, FIN. */
	if (it->tcp && (it->plen || (it->tflags & (TF_SYN | TF_FIN)))) {
		size_t stop = l->n - 1 > RETRANS_LOOKBACK ? l->n - 1 - RETRANS_LOOKBACK : 0;
		for (size_t i = l->n - 1; i-- > stop;) {
			const struct ladder_item *o = &l->it[i];
			if (o->frame && o->tcp && o->side == from && o->sport == it->sport && o->dport == it->dport &&
			    o->seq_raw == it->seq_raw && o->tflags == it->tflags && o->plen == it->plen) {
				it->retrans = true;
				break;
			}
		}
	}
	/* On loopback the capture is read after the call returned: the frame
	 * goes above the connect()/accept() result it caused (and the states
	 * logged after that result), never below it. */
	size_t k = l->n - 1, at = k;
	for (size_t i = k; i-- > 0;) {
		const struct ladder_item *o = &l->it[i];
		if (o->frame || o->seq != seq || o->note == LN_BLOCKED)
			break;
		if (o->note == LN_CALL && !completes_on_frames(o))
			break;
		if (o->note == LN_CALL)
			at = i;
	}
	if (at < k) {
		struct ladder_item f = *it;
		memmove(&l->it[at + 1], &l->it[at], (k - at) * sizeof(*l->it));
		l->it[at] = f;
	}
	return 0;
}

int ladder_add_note(struct ladder *l, unsigned seq, enum ladder_side side, enum ladder_note kind,
		    const char *text, const char *result)
{
	struct ladder_item *it = push(l);
	if (!it)
		return -ENOMEM;
	it->seq = seq;
	it->side = side;
	it->note = kind;
	snprintf(it->text, sizeof(it->text), "%s", text ? text : "");
	snprintf(it->result, sizeof(it->result), "%s", result ? result : "");
	return 0;
}

bool ladder_call_name(const char *code, char *name, size_t len)
{
	static const char *const exact[] = { "listen", "connect", "accept", "accept4", "close", "shutdown" };
	if (!code || !len)
		return false;
	const char *par = strchr(code, '(');
	if (!par)
		return false;
	const char *b = par;
	while (b > code && (b[-1] == '_' || (b[-1] >= 'a' && b[-1] <= 'z') || (b[-1] >= '0' && b[-1] <= '9')))
		b--;
	size_t n = (size_t)(par - b);
	if (!n || n >= len)
		return false;
	memcpy(name, b, n);
	name[n] = '\0';
	if (!strncmp(name, "send", 4) || !strncmp(name, "recv", 4))
		return true;
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (!strcmp(name, exact[i]))
			return true;
	return false;
}

void ladder_note_text(const struct ladder_item *it, bool compact, bool utf8, char *out, size_t len)
{
	if (it->note == LN_BLOCKED)
		snprintf(out, len, "%s%s", it->text, gl(GL_ELLIPSIS, utf8));
	else if (it->note == LN_CALL && it->result[0])
		snprintf(out, len, "%s%s%s%s", it->text, compact ? "" : " ", gl(GL_RET, utf8), compact ? "" : " ");
	else
		snprintf(out, len, "%s", it->text);
	if (it->note == LN_CALL && it->result[0])
		cat(out, len, "%s", it->result);
}

/* ---- placing rows ------------------------------------------------------- */

int ladder_note_cap(int width)
{
	int cap = (width - 2 - LADDER_ARROW_MIN) / 2;
	return cap < 4 ? 4 : cap;
}

/* The form of a note that fits cap columns (full, else compact); its
 * columns, or -1 when neither fits. */
static int note_fit(const struct ladder_item *it, int cap, bool utf8, char *out, size_t len)
{
	ladder_note_text(it, false, utf8, out, len);
	int c = ladder_cols(out, utf8);
	if (c <= cap && cap >= LADDER_ROOMY) /* a narrow pane gives the arrows every column it can */
		return c;
	ladder_note_text(it, true, utf8, out, len);
	c = ladder_cols(out, utf8);
	return c <= cap ? c : -1;
}

static void clip(const char *s, int max, bool utf8, char *out, size_t len);

/* Columns of the first n bytes of s. */
static int cols_n(const char *s, size_t n, bool utf8)
{
	int c = 0;
	for (size_t i = 0; i < n && s[i]; i++)
		c += !utf8 || ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

int ladder_note_pieces(const struct ladder_item *it, int cap, bool utf8, char out[][LADDER_LABEL_MAX])
{
	char buf[LADDER_LABEL_MAX];
	if (note_fit(it, cap, utf8, buf, sizeof(buf)) >= 0) {
		memcpy(out[0], buf, sizeof(buf));
		return 1;
	}
	ladder_note_text(it, true, utf8, buf, sizeof(buf));
	const char *ret = gl(GL_RET, utf8);
	size_t rl = strlen(ret);
	int n = 0;
	const char *s = buf;
	while (*s && n < LADDER_PIECES) {
		if (ladder_cols(s, utf8) <= cap || n == LADDER_PIECES - 1) {
			clip(s, cap, utf8, out[n++], LADDER_LABEL_MAX);
			break;
		}
		/* The longest head that fits and ends after "→" or ": "; else cap columns. */
		size_t brk = 0, cut = 0;
		for (size_t i = 1; s[i - 1] && cols_n(s, i, utf8) <= cap; i++) {
			if (utf8 && ((unsigned char)s[i] & 0xc0) == 0x80)
				continue; /* inside a character */
			cut = i;
			if ((i >= rl && !strncmp(s + i - rl, ret, rl)) || (i >= 2 && s[i - 2] == ':' && s[i - 1] == ' '))
				brk = i;
		}
		size_t k = brk ? brk : cut ? cut : 1;
		size_t m = k < LADDER_LABEL_MAX ? k : LADDER_LABEL_MAX - 1;
		memcpy(out[n], s, m);
		while (m && out[n][m - 1] == ' ')
			m--;
		out[n++][m] = '\0';
		s += k;
		while (*s == ' ')
			s++;
	}
	return n;
}

size_t ladder_layout(const struct ladder *l, int width, bool utf8, struct ladder_row *rows)
{
	size_t n = 0;
	int cap = ladder_note_cap(width);
	char pc[LADDER_PIECES][LADDER_LABEL_MAX];
	for (size_t i = 0; i < l->n; i++) {
		const struct ladder_item *it = &l->it[i];
		struct ladder_row *last = n ? &rows[n - 1] : NULL;
		if (it->frame) {
			/* A row of notes only: the arrow they led to goes beside them. */
			if (last && last->frame < 0 && !last->wide)
				last->frame = (int)i;
			else
				rows[n++] = (struct ladder_row){ .frame = (int)i, .left = -1, .right = -1 };
			continue;
		}
		int np = ladder_note_pieces(it, cap, utf8, pc);
		int *slot = last ? (it->side == LS_CLIENT ? &last->left : &last->right) : NULL;
		/* Beside an arrow only when the same command caused both: a call
		 * never seems to have caused a frame sent before it. */
		if (last && *slot < 0 && (last->frame < 0 || l->it[last->frame].seq == it->seq)) {
			*slot = (int)i;
			*(it->side == LS_CLIENT ? &last->lpiece : &last->rpiece) = 0;
		} else {
			struct ladder_row r = { .frame = -1, .left = -1, .right = -1 };
			*(it->side == LS_CLIENT ? &r.left : &r.right) = (int)i;
			rows[n++] = r;
		}
		/* The rest of a wrapped note, a row each, under its first piece. */
		for (int k = 1; k < np; k++) {
			struct ladder_row r = { .frame = -1, .left = -1, .right = -1, .wide = true };
			*(it->side == LS_CLIENT ? &r.left : &r.right) = (int)i;
			*(it->side == LS_CLIENT ? &r.lpiece : &r.rpiece) = (signed char)k;
			rows[n++] = r;
		}
	}
	return n;
}

void ladder_geom(const struct ladder *l, const struct ladder_row *rows, size_t nrows, int width, bool utf8,
		 struct ladder_geom *g)
{
	int cap = ladder_note_cap(width), lw = 0, rw = 0;
	char pc[LADDER_PIECES][LADDER_LABEL_MAX];
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].left >= 0) {
			int np = ladder_note_pieces(&l->it[rows[i].left], cap, utf8, pc);
			int c = rows[i].lpiece < np ? ladder_cols(pc[rows[i].lpiece], utf8) : 0;
			lw = c > lw ? c : lw;
		}
		if (rows[i].right >= 0) {
			int np = ladder_note_pieces(&l->it[rows[i].right], cap, utf8, pc);
			int c = rows[i].rpiece < np ? ladder_cols(pc[rows[i].rpiece], utf8) : 0;
			rw = c > rw ? c : rw;
		}
	}
	/* The lanes never touch the pane's edge: a column of air for the reader. */
	lw = lw < 1 ? 1 : lw;
	rw = rw < 1 ? 1 : rw;
	int arrow = width - 2 - lw - rw;
	if (arrow < LADDER_ARROW_MIN) { /* a very narrow pane: the arrow before the notes */
		lw = rw = (width - 2 - LADDER_ARROW_MIN) / 2;
		lw = lw < 0 ? 0 : lw;
		rw = rw < 0 ? 0 : rw;
		arrow = width - 2 - lw - rw;
	}
	int margin = arrow > LADDER_ARROW_MAX ? arrow - LADDER_ARROW_MAX : 0;
	g->width = width;
	g->lw = lw + margin / 2;
	g->rw = rw + margin - margin / 2;
	g->cl = g->lw;
	g->sl = width - 1 - g->rw;
}

/* ---- drawing a row ---------------------------------------------------- */

static void seg(struct ladder_line *ln, int x, enum ladder_part part, bool utf8, const char *text)
{
	if (ln->nseg >= LADDER_SEGS || !text[0])
		return;
	size_t n = strlen(text);
	if (ln->used + n + 1 > sizeof(ln->buf))
		return;
	memcpy(ln->buf + ln->used, text, n + 1);
	ln->seg[ln->nseg].x = x;
	ln->seg[ln->nseg].cols = ladder_cols(text, utf8);
	ln->seg[ln->nseg].part = part;
	ln->seg[ln->nseg].off = ln->used;
	ln->used += n + 1;
	ln->nseg++;
}

/* The first max columns of s (whole code points), with an ellipsis when cut. */
static void clip(const char *s, int max, bool utf8, char *out, size_t len)
{
	snprintf(out, len, "%s", s);
	if (ladder_cols(out, utf8) <= max)
		return;
	int el = ladder_cols(gl(GL_ELLIPSIS, utf8), utf8);
	int keep = max - el > 0 ? max - el : 0;
	size_t o = 0;
	for (int c = 0; out[o] && c < keep; c++) {
		o++;
		while (out[o] && ((unsigned char)out[o] & 0xc0) == 0x80)
			o++;
	}
	out[o] = '\0';
	if (max > el)
		cat(out, len, "%s", gl(GL_ELLIPSIS, utf8));
}

static enum ladder_part note_part(const struct ladder_item *it)
{
	return it->note == LN_STATE ? LP_STATE : it->note == LN_BLOCKED ? LP_BLOCKED : LP_CALL;
}

/* The shaft: n columns of it. */
static void shaft(char *out, size_t len, int n, bool utf8)
{
	for (int i = 0; i < n; i++)
		cat(out, len, "%s", gl(GL_SHAFT, utf8));
}

static void render_arrow(const struct ladder_item *it, const struct ladder_geom *g, enum ladder_fate fate,
			 bool utf8, struct ladder_line *ln)
{
	int a = g->sl - g->cl - 1; /* columns between the lanes */
	if (a < 3)
		return;
	bool stopped = fate != LF_PASSED;
	const char *mark = fate == LF_HELD ? gl(GL_HELD, utf8) : gl(GL_DROP, utf8);
	const char *word = fate == LF_HELD ? "held" : "dropped";
	int mc = ladder_cols(mark, utf8);
	/* Room for the label: a shaft column and the head, or a shaft column
	 * each side and the mark when the frame stopped on the wire. */
	int room = stopped ? a - 2 - mc : a - 2;
	char pre[16] = "";
	if (it->retrans)
		snprintf(pre, sizeof(pre), "%s ", gl(GL_RETRANS, utf8));
	char lab[LADDER_LABEL_MAX + 16] = "", tmp[LADDER_LABEL_MAX];
	for (int t = 0; t < it->ntiers; t++) {
		if (utf8)
			snprintf(tmp, sizeof(tmp), "%s", it->label[t]);
		else
			ascii_of(it->label[t], tmp, sizeof(tmp));
		snprintf(lab, sizeof(lab), "%s%s", pre, tmp);
		if (ladder_cols(lab, utf8) <= room)
			break;
	}
	bool tight = false; /* no shaft before the label: one more column for it */
	if (!stopped && ladder_cols(lab, utf8) > room) {
		for (int t = 0; t < it->ntiers; t++) {
			if (utf8)
				snprintf(tmp, sizeof(tmp), "%s", it->label[t]);
			else
				ascii_of(it->label[t], tmp, sizeof(tmp));
			char l2[sizeof(lab)];
			snprintf(l2, sizeof(l2), "%s%s", pre, tmp);
			if (ladder_cols(l2, utf8) <= room + 1) {
				snprintf(lab, sizeof(lab), "%s", l2);
				tight = true;
				room++;
				break;
			}
		}
	}
	if (ladder_cols(lab, utf8) > room) { /* not even the flags fit: cut at the end, never the start */
		char c[sizeof(lab)];
		clip(lab, room, utf8, c, sizeof(c));
		snprintf(lab, sizeof(lab), "%s", c);
	}
	int lc = ladder_cols(lab, utf8);
	char s[1536] = "";
	if (!stopped) {
		const char *sh = tight ? "" : gl(GL_SHAFT, utf8);
		int rest = a - 1 - lc - (tight ? 0 : 1);
		if (it->side == LS_CLIENT) {
			cat(s, sizeof(s), "%s%s", sh, lab);
			shaft(s, sizeof(s), rest, utf8);
			cat(s, sizeof(s), "%s", gl(GL_RHEAD, utf8));
		} else {
			cat(s, sizeof(s), "%s%s%s", gl(GL_LHEAD, utf8), sh, lab);
			shaft(s, sizeof(s), rest, utf8);
		}
		seg(ln, g->cl + 1, LP_ARROW, utf8, s);
		return;
	}
	/* Stopped on the wire: the arrow ends part of the way across, in its mark. */
	int len = a * 3 / 5;
	len = len < lc + 2 + mc ? lc + 2 + mc : len;
	len = len > a ? a : len;
	int body = len - mc; /* shaft + label + shaft */
	bool say = len + 1 + (int)strlen(word) <= a;
	if (it->side == LS_CLIENT) {
		cat(s, sizeof(s), "%s%s", gl(GL_SHAFT, utf8), lab);
		shaft(s, sizeof(s), body - 1 - lc, utf8);
		seg(ln, g->cl + 1, LP_ARROW, utf8, s);
		snprintf(s, sizeof(s), "%s%s%s", mark, say ? " " : "", say ? word : "");
		seg(ln, g->cl + 1 + body, LP_MARK, utf8, s);
	} else {
		int x0 = g->sl - len; /* the mark's column */
		snprintf(s, sizeof(s), "%s%s%s", say ? word : "", say ? " " : "", mark);
		seg(ln, x0 - (say ? (int)strlen(word) + 1 : 0), LP_MARK, utf8, s);
		s[0] = '\0';
		cat(s, sizeof(s), "%s%s", gl(GL_SHAFT, utf8), lab);
		shaft(s, sizeof(s), body - 1 - lc, utf8);
		seg(ln, x0 + mc, LP_ARROW, utf8, s);
	}
}

void ladder_render(const struct ladder *l, const struct ladder_row *r, const struct ladder_geom *g,
		   enum ladder_fate fate, bool utf8, struct ladder_line *out)
{
	out->nseg = 0;
	out->used = 0;
	char pc[LADDER_PIECES][LADDER_LABEL_MAX], c[256];
	int cap = ladder_note_cap(g->width);
	if (r->left >= 0) {
		const struct ladder_item *it = &l->it[r->left];
		int np = ladder_note_pieces(it, cap, utf8, pc);
		clip(r->lpiece < np ? pc[r->lpiece] : "", g->lw, utf8, c, sizeof(c));
		seg(out, g->cl - ladder_cols(c, utf8), note_part(it), utf8, c);
	}
	seg(out, g->cl, LP_LANE, utf8, gl(GL_LANE, utf8));
	if (r->frame >= 0)
		render_arrow(&l->it[r->frame], g, fate, utf8, out);
	seg(out, g->sl, LP_LANE, utf8, gl(GL_LANE, utf8));
	if (r->right >= 0) {
		const struct ladder_item *it = &l->it[r->right];
		int np = ladder_note_pieces(it, cap, utf8, pc);
		clip(r->rpiece < np ? pc[r->rpiece] : "", g->rw, utf8, c, sizeof(c));
		seg(out, g->sl + 1, note_part(it), utf8, c);
	}
}

void ladder_line_text(const struct ladder_line *ln, bool utf8, char *out, size_t len)
{
	if (!len)
		return;
	out[0] = '\0';
	int col = 0;
	for (int i = 0; i < ln->nseg; i++) {
		/* segments come left to right, except a stopped server arrow's mark */
		int best = -1;
		for (int j = 0; j < ln->nseg; j++)
			if (ln->seg[j].x >= col && (best < 0 || ln->seg[j].x < ln->seg[best].x))
				best = j;
		if (best < 0)
			break;
		while (col < ln->seg[best].x) {
			cat(out, len, " ");
			col++;
		}
		cat(out, len, "%s", ln->buf + ln->seg[best].off);
		col += ln->seg[best].cols;
	}
	(void)utf8;
	/* no trailing spaces: tests compare whole lines */
	size_t n = strlen(out);
	while (n && out[n - 1] == ' ')
		out[--n] = '\0';
}
