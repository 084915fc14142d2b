/* handout_md.c - the Markdown handout (see handout_md.h). */
#include "handout_md.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "call_text.h"
#include "config.h"
#include "ladder.h"
#include "lesson_run.h"
#include "out.h"
#include "session.h"
#include "text.h"
#include "frames.h"

/* ---- the document ------------------------------------------------------- */

enum blk { B_NONE, B_PARA, B_CODE, B_TABLE, B_LIST, B_PRE /* a lesson's preformatted lines */ };

/* The diagram: one lane per program, the frames between them and, beside
 * each lane, its calls and the states its sockets entered (as the ladder
 * pane writes them). Collected while the lesson runs, drawn at its end,
 * when every frame's fate is known (a held frame may be dropped later). */
#define MD_LANES 32

struct lane {
	enum side side;
	int prog, child;
};

struct seen_row {             /* every 5-tuple row, to tell whose a frame is */
	size_t at;                /* its place in the log */
	int lane, fd;
	bool gone;                /* the descriptor was closed: the program holds it no more */
	char lip[16], lport[8], rip[16], rport[8];
};

struct dia_item {
	bool frame;               /* else a note beside a lane */
	bool stated;              /* a note: it says a state already */
	int step;
	size_t at;
	int lane;                 /* a note's lane */
	int from, to;             /* a frame's lanes (found when the diagram is drawn) */
	unsigned long no;         /* a frame's number */
	enum wire_dir dir;
	bool dropped, held;
	char src[46], dst[46];
	bool has_ports;
	uint16_t sport, dport;
	char inner[96];           /* ICMP: the summary's "for UDP a:p → b:q" */
	char label[LADDER_LABEL_MAX * 2];
};

struct md {
	FILE *out;
	enum blk blk;
	char *code;            /* the open code block's lines (fenced when closed) */
	size_t ncode, capcode;
	enum side code_side;
	struct lane lane[MD_LANES];
	int nlane;
	struct seen_row *rows;
	size_t nrows, caprows;
	struct dia_item *it;
	size_t nit, capit;
	int step;
};

static void inl(struct md *m, const char *s)
{
	char buf[CMD_LINE_MAX * 8];
	md_inline(s, buf, sizeof(buf));
	fputs(buf, m->out);
}

static void code_add(struct md *m, const char *line)
{
	char esc[CMD_LINE_MAX * 4 + 8];
	text_escape(line, esc, sizeof(esc));
	size_t k = strlen(esc);
	if (m->ncode + k + 2 > m->capcode) {
		size_t c = (m->capcode + k + 2) * 2;
		char *p = realloc(m->code, c);
		if (!p)
			return; /* out of memory: the line is left out */
		m->code = p;
		m->capcode = c;
	}
	memcpy(m->code + m->ncode, esc, k);
	m->ncode += k;
	m->code[m->ncode++] = '\n';
	m->code[m->ncode] = '\0';
}

static void close_blk(struct md *m)
{
	if ((m->blk == B_CODE || m->blk == B_PRE) && m->ncode) {
		int f = md_fence_len(m->code, 3);
		for (int i = 0; i < f; i++)
			fputc('`', m->out);
		fputs(m->blk == B_CODE ? "c\n" : "text\n", m->out);
		fputs(m->code, m->out);
		for (int i = 0; i < f; i++)
			fputc('`', m->out);
		fputc('\n', m->out);
	}
	m->ncode = 0;
	m->code_side = SIDE_NONE;
	m->blk = B_NONE;
}

/* Start a block of this kind, ending the one before (a blank line apart). */
static bool open_blk(struct md *m, enum blk b)
{
	if (m->blk == b)
		return false;
	close_blk(m);
	fputc('\n', m->out);
	m->blk = b;
	return true;
}

static const char *prog_of(const struct event *ev, char *buf, size_t len)
{
	if (ev->side == SIDE_NONE)
		return "";
	cmd_prog_name(ev->side, ev->prog ? ev->prog : 1, ev->child, buf, len);
	return buf;
}

/* Calls are grouped per program in the code block: "// server" above. */
static void code_side(struct md *m, const struct event *ev)
{
	char who[16], line[40];
	open_blk(m, B_CODE);
	if (ev->side != m->code_side && ev->side != SIDE_NONE) {
		snprintf(line, sizeof(line), "// %s", prog_of(ev, who, sizeof(who)));
		code_add(m, line);
	}
	m->code_side = ev->side;
}

/* The lane of a program (added on first sight), or -1 when there is no room. */
static int lane_of(struct md *m, enum side side, int prog, int child)
{
	prog = prog ? prog : 1;
	for (int i = 0; i < m->nlane; i++)
		if (m->lane[i].side == side && m->lane[i].prog == prog && m->lane[i].child == child)
			return i;
	if (m->nlane == MD_LANES || side == SIDE_NONE)
		return -1;
	m->lane[m->nlane] = (struct lane){ .side = side, .prog = prog, .child = child };
	return m->nlane++;
}

static struct dia_item *dia_add(struct md *m)
{
	if (m->nit == m->capit) {
		size_t c = m->capit ? m->capit * 2 : 64;
		struct dia_item *p = realloc(m->it, c * sizeof(*p));
		if (!p)
			return NULL; /* out of memory: the diagram lacks it */
		m->it = p;
		m->capit = c;
	}
	struct dia_item *d = &m->it[m->nit++];
	memset(d, 0, sizeof(*d));
	d->step = m->step;
	d->lane = -1;
	return d;
}

/* A note beside a program's lane: a call, or the state its socket entered,
 * joined to the call just before it on that lane ("connect() → 0,
 * ESTABLISHED"). */
static void dia_note(struct md *m, const struct event *ev, size_t at, const char *text, bool state)
{
	int lane = lane_of(m, ev->side, ev->prog, ev->child);
	if (lane < 0)
		return;
	struct dia_item *last = m->nit ? &m->it[m->nit - 1] : NULL;
	if (state && last && !last->frame && !last->stated && last->lane == lane && last->step == m->step) {
		size_t k = strlen(last->label);
		snprintf(last->label + k, sizeof(last->label) - k, ", %s", text);
		last->stated = true;
		return;
	}
	struct dia_item *d = dia_add(m);
	if (!d)
		return;
	d->lane = lane;
	d->at = at;
	d->stated = state;
	snprintf(d->label, sizeof(d->label), "%s", text);
}

/* "csock = accept(sock, ...)" -> "accept()". */
static void call_name(const char *text, char *out, size_t len)
{
	const char *paren = text ? strchr(text, '(') : NULL;
	const char *b = paren;
	while (b && b > text && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
		b--;
	if (!paren || b == paren)
		snprintf(out, len, "call");
	else
		snprintf(out, len, "%.*s()", (int)(paren - b), b);
}

/* A call in the code block, once: a call that blocked is listed where it
 * was made; its return (or a wait that goes on) is a comment, not the call
 * again. Beside its lane in the diagram: its name and result. */
static void md_call(struct md *m, const struct event *ev, size_t at)
{
	char line[CMD_LINE_MAX + 160], res[96], name[48], note[160];
	if (ev->status == CS_BEFORE)
		return; /* a traced program's call, listed once it is made */
	code_side(m, ev);
	call_name(ev->text, name, sizeof(name));
	if (ev->status == CS_BLOCKED)
		snprintf(res, sizeof(res), "blocks: it sleeps in this call");

	else if (ev->status == CS_STILL)
		snprintf(res, sizeof(res), "still blocked after %ld ms", ev->ret);
	else {
		char r[88];
		call_result_text(ev, CALL_FORM_SHORT, r, sizeof(r));
		snprintf(res, sizeof(res), "-> %s", r);
	}
	if (ev->status == CS_COMPLETED)
		snprintf(line, sizeof(line), "// [%u] %s returns: %s", ev->origin, name, res + 3);
	else if (ev->status == CS_STILL)
		snprintf(line, sizeof(line), "// [%u] %s %s", ev->seq, name, res);
	else
		snprintf(line, sizeof(line), "%s  // %s", ev->text ? ev->text : "", res);
	code_add(m, line);
	if (ev->status == CS_STILL)
		return;
	if (ev->status == CS_BLOCKED)
		snprintf(note, sizeof(note), "%s blocks", name);
	else {
		char r[64];
		call_result_text(ev, CALL_FORM_WORD, r, sizeof(r));
		snprintf(note, sizeof(note), "%s → %s", name, r);
	}
	dia_note(m, ev, at, note, false);
}

static void md_sockaddr(struct md *m, const struct event *ev)
{
	const struct sa_build *b = ev->sa;
	char hex[SA_HEX_MAX], line[320];
	code_side(m, ev);
	for (int i = 0; i < SA_NSTAGES; i++) {
		if (!b->code[i][0])
			continue; /* a statement not seen: a traced program's sockaddr is read whole */
		code_add(m, b->code[i]);
		sa_hex(b->bytes[i], hex);
		snprintf(line, sizeof(line), "//   %s", hex);
		code_add(m, line);
		/* and as tcp_client1b prints it, the lecture's own form */
		char lec[SA_LECTURE_MAX];
		sa_lecture(b->bytes[i], lec);
		snprintf(line, sizeof(line), "//   %s", lec);
		code_add(m, line);
		if (i == SA_ADDR && b->note[0]) {
			snprintf(line, sizeof(line), "//   %s", b->note);
			code_add(m, line);
		}
	}
	char txt[300];
	sa_legend(txt, sizeof(txt));
	snprintf(line, sizeof(line), "//   %s", txt);
	code_add(m, line);
	char addr[sizeof(txt)];
	sa_order_of(b, txt, sizeof(txt), addr, sizeof(addr));
	snprintf(line, sizeof(line), "// %s", txt);
	code_add(m, line);
	snprintf(line, sizeof(line), "// %s", addr);
	code_add(m, line);
}

static void cell(struct md *m, const char *v, unsigned changed, unsigned bit)
{
	char c[32];
	snprintf(c, sizeof(c), "%s%s", v[0] || !(changed & bit) ? v : "-", (changed & bit) ? "*" : "");
	fputc(' ', m->out);
	inl(m, c);
	fputs(" |", m->out);
}

/* Does another program than sr's still hold the socket that sr's program
 * closed (the same addresses, its descriptor not closed)? */
static bool held_elsewhere(const struct md *m, const struct seen_row *sr)
{
	if (!sr->gone)
		return false;
	for (size_t i = 0; i < m->nrows; i++) {
		const struct seen_row *o = &m->rows[i];
		if (o->lane == sr->lane || strcmp(o->lip, sr->lip) || strcmp(o->lport, sr->lport) ||
		    strcmp(o->rip, sr->rip) || strcmp(o->rport, sr->rport))
			continue;
		const struct seen_row *last = o;
		for (size_t j = i + 1; j < m->nrows; j++)
			if (m->rows[j].lane == o->lane && m->rows[j].fd == o->fd)
				last = &m->rows[j];
		if (!last->gone)
			return true;
	}
	return false;
}

static void md_row(struct md *m, const struct event *ev, size_t at)
{
	const struct tuple_row *r = ev->row;
	if (!r)
		return;
	int lane = lane_of(m, r->side, r->prog, r->child);
	if (lane >= 0 && r->lport[0]) { /* whose a frame is: its addresses and ports */
		if (m->nrows == m->caprows) {
			size_t c = m->caprows ? m->caprows * 2 : 64;
			struct seen_row *p = realloc(m->rows, c * sizeof(*p));
			if (p) {
				m->rows = p;
				m->caprows = c;
			}
		}
		if (m->nrows < m->caprows) {
			struct seen_row *sr = &m->rows[m->nrows++];
			sr->at = at;
			sr->lane = lane;
			sr->fd = r->fd;
			sr->gone = r->step == TS_CLOSE;
			for (size_t j = m->nrows - 1; r->step == TS_STATE && j-- > 0;) /* after its close: no more its */
				if (m->rows[j].lane == lane && m->rows[j].fd == r->fd) {
					sr->gone = m->rows[j].gone;
					break;
				}
			snprintf(sr->lip, sizeof(sr->lip), "%s", r->lip);
			snprintf(sr->lport, sizeof(sr->lport), "%s", r->lport);
			snprintf(sr->rip, sizeof(sr->rip), "%s", r->rip);
			snprintf(sr->rport, sizeof(sr->rport), "%s", r->rport);
		}
	}
	/* A socket another program still holds (after fork) is told beside that
	 * program's lane, not beside the one that closed its descriptor. */
	if ((r->changed & TC_STATE) && r->state[0] && !(m->nrows && m->rows[m->nrows - 1].at == at &&
							  held_elsewhere(m, &m->rows[m->nrows - 1]))) {
		struct event pe = { .side = r->side, .prog = r->prog, .child = r->child };
		dia_note(m, &pe, at, r->state, true);
	}
	if (open_blk(m, B_TABLE))
		fputs("| STEP | PROGRAM | FD | PROTO | LOCAL-IP | LOCAL-PORT | REMOTE-IP | REMOTE-PORT | STATE | NOTE |\n"
		      "|---|---|--:|---|---|---|---|---|---|---|\n", m->out);
	char who[16];
	cmd_prog_name(r->side, r->prog ? r->prog : 1, r->child, who, sizeof(who));
	fputs("| ", m->out);
	inl(m, tuple_step_label(r->step, r->side, r->proto));
	fprintf(m->out, " | %s | %d |", who, r->fd);
	cell(m, proto_name(r->proto), r->changed, TC_PROTO);
	cell(m, r->lip, r->changed, TC_LIP);
	cell(m, r->lport, r->changed, TC_LPORT);
	cell(m, r->rip, r->changed, TC_RIP);
	cell(m, r->rport, r->changed, TC_RPORT);
	cell(m, r->state, r->changed, TC_STATE);
	fputc(' ', m->out);
	inl(m, r->note);
	fputs(" |\n", m->out);
}

static void item(struct md *m, const char *who, const char *pre, const char *text)
{
	open_blk(m, B_LIST);
	fputs("- ", m->out);
	if (who && *who)
		fprintf(m->out, "%s: ", who);
	if (pre)
		fputs(pre, m->out);
	inl(m, text);
	fputc('\n', m->out);
}

static void md_frame(struct md *m, const struct app *a, const struct event *ev, size_t at)
{
	char txt[40];
	snprintf(txt, sizeof(txt), "frame %ld, ", ev->ret);
	item(m, "wire", txt, ev->text);
	const struct wire_frame *f = session_frame(&a->log, (unsigned long)ev->ret);
	if (!f)
		return; /* rolled out of the log's frame store: said in the list, not drawn */
	struct dia_item *d = dia_add(m);
	if (!d)
		return;
	char labels[LADDER_TIERS][LADDER_LABEL_MAX];
	size_t caplen = f->caplen < FRAME_SNAP ? f->caplen : FRAME_SNAP;
	/* The ladder pane's own label builder, its richest form. */
	if (ladder_labels(&f->dec, f->data, caplen, labels) > 0)
		snprintf(d->label, sizeof(d->label), "%s", labels[0]);
	else
		snprintf(d->label, sizeof(d->label), "frame %lu", f->no);
	d->frame = true;
	d->at = at;
	d->no = f->no;
	d->dir = f->dir;
	d->dropped = f->fate == FF_DROPPED || f->fate == FF_LOST;
	d->held = f->fate == FF_HELD || f->fate == FF_DELAYED;
	snprintf(d->src, sizeof(d->src), "%s", f->dec.src);
	snprintf(d->dst, sizeof(d->dst), "%s", f->dec.dst);
	d->has_ports = f->dec.has_ports;
	d->sport = f->dec.sport;
	d->dport = f->dec.dport;
	const char *inner = strstr(f->dec.summary, " for ");
	if (inner)
		snprintf(d->inner, sizeof(d->inner), "%s", inner + 5);
}

static void md_events(struct md *m, const struct app *a, size_t *next)
{
	const struct session *s = &a->log;
	char who[16];
	if (*next < s->first) {
		item(m, NULL, NULL, "(some events are not shown: the session log keeps only the newest)");
		*next = s->first;
	}
	for (; *next < s->n; (*next)++) {
		const struct event *ev = session_at(s, *next);
		switch (ev->kind) {
		case EV_COMMAND: {
			close_blk(m);
			if (ev->text && !strncmp(ev->text, "predict ", 8))
				break; /* its question follows (EV_PREDICT), as the text handout shows it */
			int f = md_fence_len(ev->text, 1);
			fprintf(m->out, "\n\\[%u\\] ", ev->seq);
			for (int i = 0; i < f; i++)
				fputc('`', m->out);
			fputc(' ', m->out);
			text_fputs(ev->text ? ev->text : "", m->out);
			fputc(' ', m->out);
			for (int i = 0; i < f; i++)
				fputc('`', m->out);
			fputc('\n', m->out);
			m->blk = B_PARA;
			break;
		}
		case EV_CALL:
			md_call(m, ev, *next);
			break;
		case EV_SOCKADDR:
			md_sockaddr(m, ev);
			break;
		case EV_ROW:
			md_row(m, ev, *next);
			break;
		case EV_DATA:
		case EV_INFO:
		case EV_OUTPUT:
			item(m, prog_of(ev, who, sizeof(who)), ev->kind == EV_INFO ? "note: " : NULL, ev->text);
			break;
		case EV_SAY:
		case EV_EXPECT:
			item(m, NULL, NULL, ev->text);
			break;
		case EV_PREDICT: /* the question; its answer is in the output that follows */
			item(m, NULL, "predict: ", ev->text);
			break;
		case EV_WIRE:
			item(m, "wire", NULL, ev->text);
			break;
		case EV_FRAME:
			md_frame(m, a, ev, *next);
			break;
		case EV_TABLE: /* preformatted, as laid out: a fence of its own */
			close_blk(m);
			fprintf(m->out, "\n```text\n");
			for (const char *t = ev->text ? ev->text : ""; t;) {
				const char *nl = strchr(t, '\n');
				char line[256];
				snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - t) : (int)strlen(t), t);
				text_fputs(line, m->out);
				fputc('\n', m->out);
				t = nl ? nl + 1 : NULL;
			}
			fprintf(m->out, "```\n");
			break;
		case EV_ERROR:
		case EV_CONVERT:
			break;
		}
	}
}

/* Mermaid message text: its own escapes (#35; ...) for what it reads as
 * syntax, and no backtick that could end the Markdown fence. */
static void mermaid_text(FILE *f, const char *s)
{
	char esc[512];
	text_escape(s, esc, sizeof(esc));
	for (const char *p = esc; *p; p++) {
		switch (*p) {
		case '#': fputs("#35;", f); break;
		case ';': fputs("#59;", f); break;
		case '<': fputs("#lt;", f); break;
		case '>': fputs("#gt;", f); break;
		case '`': fputs("#96;", f); break;
		case '"': fputs("#quot;", f); break;
		default: fputc(*p, f);
		}
	}
}

/* A socket address matches a row's local one: the same address, or the
 * row's wildcard (bound to INADDR_ANY). */
static bool ip_match(const char *row_ip, const char *ip)
{
	return !strcmp(row_ip, ip) || !strcmp(row_ip, "0.0.0.0") || !row_ip[0];
}

/* The lane of the socket whose local address was ip:port (and remote
 * rip:rport, when rip is given) when the log was at `at`: the program that
 * held it last before (not after it closed its descriptor: after a fork the
 * child that kept it), else the first to show it after (a port the kernel
 * chose is in the row that follows connect()); -1 when none. The socket's
 * own addresses tell a frame's direction, on lo too. */
static int sock_lane(const struct md *m, size_t at, const char *ip, unsigned port, const char *rip, unsigned rport)
{
	char p[8], rp[8];
	snprintf(p, sizeof(p), "%u", port);
	snprintf(rp, sizeof(rp), "%u", rport);
	const struct seen_row *before = NULL, *after = NULL;
	for (size_t i = 0; i < m->nrows; i++) {
		const struct seen_row *r = &m->rows[i];
		if (strcmp(r->lport, p) || !ip_match(r->lip, ip) || (rip && (strcmp(r->rip, rip) || strcmp(r->rport, rp))))
			continue;
		if (r->at > at) {
			if (!after && !r->gone)
				after = r;
			continue;
		}
		const struct seen_row *last = r; /* the program's latest word on that descriptor */
		for (size_t j = i + 1; j < m->nrows && m->rows[j].at <= at; j++)
			if (m->rows[j].lane == r->lane && m->rows[j].fd == r->fd)
				last = &m->rows[j];
		if (!last->gone)
			before = r;
	}
	return before ? before->lane : after ? after->lane : -1;
}

/* Sender and receiver lanes of a frame: the sockets that sent and receive
 * it; an ICMP error goes to the socket whose datagram it is about; what no
 * socket is (ARP, a RST from a port nobody uses) is the host's first
 * program's, the wire's direction telling the host in the lab. */
static void frame_lanes(struct md *m, const struct dia_item *d, int *from, int *to)
{
	int f = -1, t = -1;
	if (d->has_ports) {
		if ((f = sock_lane(m, d->at, d->src, d->sport, d->dst, d->dport)) < 0)
			f = sock_lane(m, d->at, d->src, d->sport, NULL, 0);
		if ((t = sock_lane(m, d->at, d->dst, d->dport, d->src, d->sport)) < 0)
			t = sock_lane(m, d->at, d->dst, d->dport, NULL, 0);
	} else if (d->inner[0]) { /* "UDP a:p → b:q" */
		char proto[8], ia[46], ib[46];
		unsigned pa, pb;
		if (sscanf(d->inner, "%7s %45[^:]:%u \xe2\x86\x92 %45[^:]:%u", proto, ia, &pa, ib, &pb) == 5 &&
		    (t = sock_lane(m, d->at, ia, pa, ib, pb)) < 0)
			t = sock_lane(m, d->at, ia, pa, NULL, 0);
	}
	if (f < 0) {
		enum side fs = d->dir == WD_C2S ? SIDE_CLIENT : d->dir == WD_S2C ? SIDE_SERVER : SIDE_NONE;
		if (fs == SIDE_NONE)
			fs = t >= 0 && m->lane[t].side == SIDE_CLIENT ? SIDE_SERVER : SIDE_CLIENT;
		f = lane_of(m, fs, 1, 0);
	}
	if (t < 0 && f >= 0)
		t = lane_of(m, m->lane[f].side == SIDE_SERVER ? SIDE_CLIENT : SIDE_SERVER, 1, 0);
	*from = f;
	*to = t;
}

/* "server.1" -> "server_1": a Mermaid participant id. */
static void lane_id(const struct lane *ln, char *id, size_t len, char *name, size_t nlen)
{
	cmd_prog_name(ln->side, ln->prog, ln->child, name, nlen);
	snprintf(id, len, "%s", name);
	for (char *c = id; *c; c++)
		if (!isalnum((unsigned char)*c))
			*c = '_';
}

/* Clients left, servers right, each side's programs in order. */
static int lane_order(const void *x, const void *y)
{
	const struct lane *a = x, *b = y;
	int sa = a->side == SIDE_CLIENT ? 0 : a->side == SIDE_SERVER ? 1 : 2;
	int sb = b->side == SIDE_CLIENT ? 0 : b->side == SIDE_SERVER ? 1 : 2;
	if (sa != sb)
		return sa - sb;
	return a->prog != b->prog ? a->prog - b->prog : a->child - b->child;
}

static void diagram(struct md *m, const struct lesson *l, const struct app *a)
{
	FILE *f = m->out;
	size_t nframes = 0;
	for (size_t i = 0; i < m->nit; i++) {
		struct dia_item *d = &m->it[i];
		if (!d->frame)
			continue;
		nframes++;
		frame_lanes(m, d, &d->from, &d->to);
		/* Its fate now: a frame held at its step may have been dropped since. */
		const struct wire_frame *wf = session_frame(&a->log, d->no);
		if (wf) {
			d->dropped = wf->fate == FF_DROPPED || wf->fate == FF_LOST;
			d->held = wf->fate == FF_HELD || wf->fate == FF_DELAYED;
		}
	}
	if (!nframes) {
		fputs("\nNo frame crossed the wire in this lesson.\n", f);
		return;
	}
	struct lane sorted[MD_LANES];
	memcpy(sorted, m->lane, (size_t)m->nlane * sizeof(sorted[0]));
	qsort(sorted, (size_t)m->nlane, sizeof(sorted[0]), lane_order);
	char id[MD_LANES][16], pid[16], name[16], first[16], last[16];
	fprintf(f, "\n## The frames\n\nOne lane per program. Each arrow is one frame on the wire, labelled as in "
		"sockstep's ladder pane (%zu frame%s); beside each lane, the program's calls and the states its "
		"sockets entered.\n\n```mermaid\nsequenceDiagram\n", nframes, nframes == 1 ? "" : "s");
	for (int i = 0; i < m->nlane; i++) {
		lane_id(&sorted[i], pid, sizeof(pid), name, sizeof(name));
		if (strcmp(pid, name))
			fprintf(f, "    participant %s as %s\n", pid, name);
		else
			fprintf(f, "    participant %s\n", name);
	}
	lane_id(&sorted[0], first, sizeof(first), name, sizeof(name));
	lane_id(&sorted[m->nlane - 1], last, sizeof(last), name, sizeof(name));
	for (int i = 0; i < m->nlane; i++)
		lane_id(&m->lane[i], id[i], sizeof(id[i]), name, sizeof(name));
	int step = -1;
	for (size_t i = 0; i < m->nit; i++) {
		const struct dia_item *d = &m->it[i];
		if (d->step != step && d->step >= 0 && d->step < l->nsteps) {
			step = d->step;
			if (strcmp(first, last))
				fprintf(f, "    Note over %s,%s: Step %d: ", first, last, step + 1);
			else
				fprintf(f, "    Note over %s: Step %d: ", first, step + 1);
			mermaid_text(f, l->steps[step].title);
			fputc('\n', f);
		}
		if (!d->frame) {
			fprintf(f, "    Note %s of %s: ", m->lane[d->lane].side == SIDE_SERVER ? "right" : "left", id[d->lane]);
			mermaid_text(f, d->label);
			fputc('\n', f);
			continue;
		}
		if (d->from < 0 || d->to < 0)
			continue;
		fprintf(f, "    %s%s%s: ", id[d->from], d->dropped ? "-x" : d->held ? "-)" : "->>", id[d->to]);
		mermaid_text(f, d->label);
		fputs(d->dropped ? " (dropped)\n" : d->held ? " (held)\n" : "\n", f);
	}
	fputs("```\n", f);
}

int handout_md(struct app *a, const struct lesson *l, FILE *out)
{
	struct md m = { .out = out, .code_side = SIDE_NONE, .step = -1 };
	size_t next = a->log.n;
	int fails = 0, expects = 0, expects_failed = 0, refused = 0;
	fputs("# Lesson ", out);
	inl(&m, l->name);
	fputs(": ", out);
	inl(&m, l->title);
	fputs("\n\n", out);
	inl(&m, l->summary);
	fprintf(out, "\n\nThe results below are a real run of sockstep %s (--net %s): the kernel's answers.\n",
		SOCKSTEP_VERSION, lab_mode_name(a->lab.mode));
	for (int i = 0; i < l->nsteps && !out_stopped(); i++) {
		const struct lesson_step *s = &l->steps[i];
		m.step = i;
		close_blk(&m);
		fprintf(out, "\n## Step %d of %d: ", i + 1, l->nsteps);
		inl(&m, s->title);
		fputc('\n', out);
		for (size_t j = 0; j < s->nitems; j++) {
			const struct lesson_item *it = &s->items[j];
			if (it->kind == LI_TEXT) {
				if (!it->text[0]) { /* a blank narration line: a new paragraph */
					close_blk(&m);
					continue;
				}
				if (it->pre) { /* verbatim, fenced: its four spaces were the mark */
					open_blk(&m, B_PRE);
					code_add(&m, it->text + 4);
					continue;
				}
				open_blk(&m, B_PARA);
				inl(&m, it->text);
				fputc('\n', out);
				continue;
			}
			size_t mark = a->log.n;
			char err[CMD_ERR_MAX + CMD_PATH_MAX];
			bool settle;
			int f = lesson_command(a, l, it, &settle, err, sizeof(err));
			if (settle)
				app_settle(a, a->log.seq, a->run_ms);
			const struct event *cmd = session_at(&a->log, mark);
			if (it->expect && cmd && cmd->kind == EV_COMMAND)
				next = mark + 1; /* the verdict says it: no "[n] expect ..." line */
			md_events(&m, a, &next);
			if (it->expect) {
				expects++;
				expects_failed += f;
			} else {
				refused += f;
			}
			if (f && !it->expect)
				item(&m, NULL, "**refused:** ", err);
			if (f) {
				close_blk(&m);
				out_flush(out);
				fputs("sockstep: ", stderr);
				text_fputs(err, stderr);
				fputc('\n', stderr);
				fails++;
			}
		}
		if (out_flush(out) < 0 && out_stopped())
			break;
	}
	close_blk(&m);
	diagram(&m, l, a);
	fputs("\n---\n\nLesson ", out);
	inl(&m, l->name);
	fprintf(out, ": %d step%s, %d expectation%s", l->nsteps, l->nsteps == 1 ? "" : "s", expects,
		expects == 1 ? "" : "s");
	if (!fails)
		fputs(", all held.\n", out);
	else
		fprintf(out, ", %d FAILED; %d command%s refused.\n", expects_failed, refused, refused == 1 ? "" : "s");
	out_flush(out);
	free(m.code);
	free(m.rows);
	free(m.it);
	return fails;
}
