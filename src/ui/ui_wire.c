/* ui_wire.c - the frames that crossed the wire: number, direction, the
 * decoder's summary, what the wire did with it and the command that caused
 * it. The selected frame (arrows, or a click) opens layer by layer and in
 * hex below the list when the pane has room. The frames are the log's
 * (session_frame: decoded once, when caught); the title reads the wire's
 * policy and counters; without a capture it says why. */
#include "ui_pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long first_no(const struct session *log)
{
	unsigned long first = session_frames_first(log);
	return first ? first : session_frames_last(log) + 1;
}

/* The frame shown as selected: the chosen one, else the newest. */
static unsigned long selected(const struct session *log, const struct ui_pane *p)
{
	unsigned long last = session_frames_last(log), first = first_no(log);
	if (!p->sel || p->sel > last)
		return last;
	return p->sel < first ? first : p->sel;
}

static void wire_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	const struct wire *w = p->a->wire;
	const char *dot = ui_glyph(u, G_DOT);
	if (!w) {
		snprintf(buf, len, "wire %s no capture", dot);
		return;
	}
	const struct wire_counters *c = wire_counters(w);
	char pol[64];
	if (!wire_relays(w)) {
		snprintf(pol, sizeof(pol), "%s (observe only)", p->a->lab.mode == NET_HOST ? "host" : "lo");
	} else {
		unsigned ms = 0;
		switch (wire_policy(w, &ms)) {
		case WP_PASS:
			snprintf(pol, sizeof(pol), "PASS");
			break;
		case WP_HOLD:
			snprintf(pol, sizeof(pol), "HOLD (%u held)", wire_held(w));
			break;
		case WP_DELAY:
			snprintf(pol, sizeof(pol), "DELAY %ums", ms);
			break;
		}
		/* An armed fault waits for its frame: say which, it is what comes next. */
		bool drop;
		enum fault_frame k = wire_armed(w, &drop);
		if (k != FAULT_NONE)
			snprintf(pol + strlen(pol), sizeof(pol) - strlen(pol), ", %s next %s", drop ? "drop" : "hold",
				 fault_frame_name(k));
	}
	if (wire_relays(w) && p->w < 64) /* narrow: the policy first, counters as fit */
		snprintf(buf, len, "wire %s %s %s %lu seen %lu dropped", dot, pol, dot, c->seen, c->dropped);
	else if (wire_relays(w))
		snprintf(buf, len, "wire %s %s %s %lu seen %lu passed %lu released %lu dropped%s", dot, pol, dot,
			 c->seen, c->relayed, c->released, c->dropped, c->lost ? " (some lost)" : "");
	else if (p->a->lab.mode == NET_HOST) /* the kernel filter's proof: others' frames that reached us */
		snprintf(buf, len, "wire %s %s %s %lu seen %s %lu of others reached the capture", dot, pol, dot, c->seen,
			 dot, c->foreign);
	else
		snprintf(buf, len, "wire %s %s %s %lu seen", dot, pol, dot, c->seen);
}

static enum ui_role fate_role(enum frame_fate f)
{
	switch (f) {
	case FF_HELD:
	case FF_DELAYED:
		return R_HELD;
	case FF_DROPPED:
	case FF_LOST:
		return R_DROPPED;
	default:
		return R_TEXT;
	}
}

static char detail_buf[16384], hex_buf[16384];

/* Layer detail and hex dump of a frame into detail_buf and hex_buf;
 * returns how many lines they make together. */
static int frame_text(const struct wire_frame *f)
{
	size_t caplen = f->caplen < FRAME_SNAP ? f->caplen : FRAME_SNAP;
	/* The numbers it was decoded with, so the detail's seq/ack are relative like the list's. */
	dec_detail_known(&f->dec, f->data, caplen, f->len, detail_buf, sizeof(detail_buf));
	dec_hex(f->data, caplen, hex_buf, sizeof(hex_buf));
	int n = 0;
	for (const char *c = detail_buf; *c; c++)
		n += *c == '\n';
	for (const char *c = hex_buf; *c; c++)
		n += *c == '\n';
	return n + 2;
}

/* Rows for the list; the rest, if any, shows the selected frame: always
 * when the pane is tall or zoomed, when focused if there is room. The list
 * keeps at least two fifths of the pane. */
static int list_rows(struct ui *u, const struct ui_pane *p)
{
	bool focus = &u->pane[u->focus] == p;
	const struct session *log = &p->a->log;
	int min;
	if (p->h >= 16 || (u->zoom && p->h >= 8))
		min = p->h * 2 / 5;
	else if (focus && p->h >= 8)
		min = p->h / 2;
	else
		return p->h;
	const struct wire_frame *f = p->a->wire ? session_frame(log, selected(log, p)) : NULL;
	if (!f)
		return p->h;
	int want = p->h - 1 - frame_text(f);
	return want > min ? want : min;
}

static void draw_frame_line(struct ui *u, struct ui_pane *p, int y, const struct wire_frame *f, int nw,
			    bool sel)
{
	char no[24], seq[24];
	snprintf(no, sizeof(no), "%*lu", nw, f->no);
	snprintf(seq, sizeof(seq), "[%u]", f->seq);
	const char *fate = wire_fate_name(f->fate);
	attr_t base = sel ? u->attr[R_SELECTED] : u->attr[R_TEXT];
	if (sel) { /* a full-width bar: the selection reads without colour */
		wattrset(p->win, base);
		mvwhline(p->win, y, 0, ' ', p->w);
		wattrset(p->win, A_NORMAL);
	}
	int x = 0;
	x += ui_put(u, p->win, y, x, nw, no, base) + 1;

	attr_t dat = sel ? base : u->attr[f->dir == WD_S2C ? R_S2C : R_C2S];
	/* Loopback frames are all "lo": a narrow column leaves room for the summary. */
	int dw = f->dir == WD_LOCAL ? 3 : 8;
	ui_put(u, p->win, y, x, dw, wire_dir_name(f->dir), dat);
	x = nw + 1 + dw;
	int rw = (int)strlen(seq) + 1 + (fate[0] ? (int)strlen(fate) + 1 : 0);
	int sw = p->w - x - rw;
	char sum[sizeof(f->dec.summary)];
	snprintf(sum, sizeof(sum), "%s", f->dec.summary);
	ui_hide_mask(&u->asked, p->a, f->seq, sum); /* a port or text a waiting question asks for */
	int used = ui_put(u, p->win, y, x, sw, sum, base);
	if (ui_width(u, sum) > sw && sw > 1)
		ui_put(u, p->win, y, x + used - 1, 1, ui_glyph(u, G_ELLIPSIS), base);
	int rx = p->w - rw + 1;
	if (fate[0]) {
		ui_put(u, p->win, y, rx, (int)strlen(fate), fate, sel ? base : u->attr[fate_role(f->fate)]);
		rx += (int)strlen(fate) + 1;
	}
	ui_put(u, p->win, y, rx, (int)strlen(seq), seq, sel ? base : u->attr[R_MINOR]);
}

/* The frame's layers and bytes from row y of the pane down, the first
 * skip lines of them left out (a pane that scrolls them). The wire pane's
 * detail and the ladder's Enter both draw it. */
void ui_frame_detail(struct ui *u, struct ui_pane *p, int y, const struct wire_frame *f, int skip)
{
	char head[96];
	snprintf(head, sizeof(head), "frame %lu %s %u bytes on the wire, %u captured %s caused by [%u]", f->no,
		 ui_glyph(u, G_DOT), f->len, f->caplen, ui_glyph(u, G_DOT), f->seq);
	wattrset(p->win, u->attr[R_BORDER]);
	mvwhline(p->win, y, 0, ACS_HLINE, p->w);
	wattrset(p->win, A_NORMAL);
	ui_put(u, p->win, y++, 1, p->w - 2, head, u->attr[R_HEADER]);
	/* Layer detail first, then the bytes, as far as the pane goes. */
	frame_text(f);
	ui_hide_mask(&u->asked, p->a, f->seq, detail_buf);
	/* The bytes of the fields a waiting question asks for: "??" in the dump too. */
	static unsigned char hide[WIRE_SNAP];
	if (ui_hide_frame(&u->asked, p->a, f, hide))
		dec_hex_hidden(f->data, f->caplen < WIRE_SNAP ? f->caplen : WIRE_SNAP, hide, hex_buf, sizeof(hex_buf));
	char *save = NULL;
	int k = 0;
	for (char *l = strtok_r(detail_buf, "\n", &save); l && y < p->h; l = strtok_r(NULL, "\n", &save))
		if (k++ >= skip)
			ui_put(u, p->win, y++, 1, p->w - 1, l, u->attr[R_TEXT]);
	for (char *l = strtok_r(hex_buf, "\n", &save); l && y < p->h; l = strtok_r(NULL, "\n", &save))
		if (k++ >= skip)
			ui_put(u, p->win, y++, 1, p->w - 1, l, u->attr[R_MINOR]);
}

/* Lines ui_frame_detail has below its heading. */
int ui_frame_detail_lines(const struct wire_frame *f)
{
	return frame_text(f) - 2;
}

static void wire_draw(struct ui *u, struct ui_pane *p)
{
	const struct wire *w = p->a->wire;
	if (!w) {
		ui_wrap(u, p->win, 0, 1, p->w - 1, p->h, 2,
			p->a->wire_why[0] ? p->a->wire_why : "no capture on this network", u->attr[R_MINOR]);
		return;
	}
	const struct session *log = &p->a->log;
	unsigned long last = session_frames_last(log);
	if (!last) {
		ui_wrap(u, p->win, 0, 1, p->w - 1, p->h, 0,
			wire_relays(w) ? "no frames yet: connect or sendto puts the first ones on the wire"
				       : "no frames yet on lo: connect or sendto puts the first ones here",
			u->attr[R_MINOR]);
		return;
	}
	unsigned long first = first_no(log), sel = selected(log, p);
	int lr = list_rows(u, p);
	int nw = snprintf(NULL, 0, "%lu", last);
	nw = nw < 3 ? 3 : nw;
	/* Keep the selection in view; follow the newest unless one is chosen. */
	unsigned long top = (unsigned long)p->top + first;
	if (sel < top)
		top = sel;
	if (sel >= top + (unsigned long)lr)
		top = sel - (unsigned long)lr + 1;
	if (top < first)
		top = first;
	p->top = (int)(top - first);
	for (int y = 0; y < lr && top + (unsigned long)y <= last; y++) {
		const struct wire_frame *f = session_frame(log, top + (unsigned long)y);
		if (f)
			draw_frame_line(u, p, y, f, nw, f->no == sel && p->sel);
	}
	if (lr < p->h) {
		const struct wire_frame *f = session_frame(log, sel);
		if (f)
			ui_frame_detail(u, p, lr, f, 0);
	}
}

static bool wire_key(struct ui *u, struct ui_pane *p, int key)
{
	const struct session *log = &p->a->log;
	if (!p->a->wire || !session_frames_last(log))
		return false;
	unsigned long last = session_frames_last(log), first = first_no(log), sel = selected(log, p);
	long page = list_rows(u, p) > 2 ? list_rows(u, p) - 1 : 1;
	long d = 0;
	switch (ui_scroll_move(key, page, &d)) {
	case UM_BY:
		break;
	case UM_FIRST:
		p->sel = first;
		return true;
	case UM_LAST:
		p->sel = 0; /* follow the newest again */
		return true;
	default:
		return false;
	}
	long ns = (long)sel + d;
	if (ns < (long)first)
		ns = (long)first;
	if (ns > (long)last)
		ns = (long)last;
	p->sel = (unsigned long)ns;
	return true;
}

static void wire_click(struct ui *u, struct ui_pane *p, int y, int x)
{
	(void)x;
	const struct session *log = &p->a->log;
	if (!p->a->wire || !session_frames_last(log) || y >= list_rows(u, p))
		return;
	unsigned long no = first_no(log) + (unsigned long)p->top + (unsigned long)y;
	if (no <= session_frames_last(log))
		p->sel = no;
}

static void wire_resize(struct ui *u, struct ui_pane *p)
{
	(void)u;
	p->top = 0;
}

/* A new wire numbers its frames from 1 again: follow the newest. */
static void wire_forget(struct ui *u, struct ui_pane *p)
{
	(void)u;
	p->sel = 0;
	p->top = 0;
	p->follow = true;
}

const struct ui_pane_ops ui_wire_ops = {
	.name = "wire",
	.title = wire_title,
	.draw = wire_draw,
	.key = wire_key,
	.resize = wire_resize,
	.click = wire_click,
	.forget = wire_forget,
};
