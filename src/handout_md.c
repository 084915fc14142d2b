/* handout_md.c - the Markdown handout (see handout_md.h). */
#include "handout_md.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ladder.h"
#include "lesson_run.h"
#include "out.h"
#include "session.h"
#include "text.h"
#include "wire.h"

/* ---- the document ------------------------------------------------------- */

enum blk { B_NONE, B_PARA, B_CODE, B_TABLE, B_LIST };

struct frame_arrow {
	int step;
	bool from_server;
	bool dropped, held;
	char label[LADDER_LABEL_MAX];
};

struct md {
	FILE *out;
	enum blk blk;
	char *code;            /* the open code block's lines (fenced when closed) */
	size_t ncode, capcode;
	enum side code_side;
	struct frame_arrow *fr;
	size_t nfr, capfr;
	uint16_t srv_port[8];  /* loopback: the server's ports tell a frame's sender */
	int nsrv;
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
	if (m->blk == B_CODE && m->ncode) {
		int f = md_fence_len(m->code, 3);
		for (int i = 0; i < f; i++)
			fputc('`', m->out);
		fputs("c\n", m->out);
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

static void md_call(struct md *m, const struct event *ev)
{
	char line[CMD_LINE_MAX + 160], res[96];
	code_side(m, ev);
	if (ev->status == CS_BLOCKED)
		snprintf(res, sizeof(res), "blocks: it sleeps in this call");
	else if (ev->status == CS_STILL)
		snprintf(res, sizeof(res), "still blocked after %ld ms", ev->ret);
	else if (ev->err)
		snprintf(res, sizeof(res), "-> -1 %s (%s)", errno_name(ev->err), strerror(ev->err));
	else if (ev->ret > 0 && ev->text && !strncmp(ev->text, "pid = fork();", 13))
		snprintf(res, sizeof(res), "-> the child's pid (> 0)");
	else
		snprintf(res, sizeof(res), "-> %ld", ev->ret);
	if (ev->status == CS_COMPLETED)
		snprintf(line, sizeof(line), "%s  // %s (it had blocked at [%u])", ev->text ? ev->text : "", res,
			 ev->origin);
	else
		snprintf(line, sizeof(line), "%s  // %s", ev->text ? ev->text : "", res);
	code_add(m, line);
}

static void md_sockaddr(struct md *m, const struct event *ev)
{
	const struct sa_build *b = ev->sa;
	char hex[SA_HEX_MAX], line[320];
	code_side(m, ev);
	for (int i = 0; i < SA_NSTAGES; i++) {
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
	sa_order_port(b->port_host, b->nohtons, txt, sizeof(txt));
	snprintf(line, sizeof(line), "// %s", txt);
	code_add(m, line);
	sa_order_addr(b->addr_host, txt, sizeof(txt));
	snprintf(line, sizeof(line), "// %s", txt);
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

static void md_row(struct md *m, const struct event *ev)
{
	const struct tuple_row *r = ev->row;
	if (!r)
		return;
	if (r->side == SIDE_SERVER && r->lport[0] && m->nsrv < 8)
		m->srv_port[m->nsrv++] = (uint16_t)atoi(r->lport);
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

/* Who sent a frame: in the lab the wire knows; on lo the server's ports. */
static bool from_server(const struct md *m, const struct wire_frame *f)
{
	if (f->dir == WD_C2S || f->dir == WD_S2C)
		return f->dir == WD_S2C;
	for (int i = 0; f->dec.has_ports && i < m->nsrv; i++)
		if (f->dec.sport == m->srv_port[i])
			return true;
	return false;
}

static void md_frame(struct md *m, const struct app *a, const struct event *ev)
{
	char txt[40];
	snprintf(txt, sizeof(txt), "frame %ld, ", ev->ret);
	item(m, "wire", txt, ev->text);
	const struct wire_frame *f = a->wire ? wire_frame(a->wire, (unsigned long)ev->ret) : NULL;
	if (!f)
		return; /* rolled out of the wire's ring: said in the list, not drawn */
	if (m->nfr == m->capfr) {
		size_t c = m->capfr ? m->capfr * 2 : 32;
		struct frame_arrow *p = realloc(m->fr, c * sizeof(*p));
		if (!p)
			return;
		m->fr = p;
		m->capfr = c;
	}
	struct frame_arrow *fa = &m->fr[m->nfr++];
	char labels[LADDER_TIERS][LADDER_LABEL_MAX];
	size_t caplen = f->caplen < WIRE_SNAP ? f->caplen : WIRE_SNAP;
	/* The ladder pane's own label builder, its richest form. */
	if (ladder_labels(&f->dec, f->data, caplen, labels) > 0)
		snprintf(fa->label, sizeof(fa->label), "%s", labels[0]);
	else
		snprintf(fa->label, sizeof(fa->label), "frame %lu", f->no);
	fa->step = m->step;
	fa->from_server = from_server(m, f);
	fa->dropped = f->fate == FF_DROPPED || f->fate == FF_LOST;
	fa->held = f->fate == FF_HELD || f->fate == FF_DELAYED;
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
			md_call(m, ev);
			break;
		case EV_SOCKADDR:
			md_sockaddr(m, ev);
			break;
		case EV_ROW:
			md_row(m, ev);
			break;
		case EV_DATA:
		case EV_INFO:
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
			md_frame(m, a, ev);
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

static void diagram(struct md *m, const struct lesson *l)
{
	FILE *f = m->out;
	if (!m->nfr) {
		fputs("\nNo frame crossed the wire in this lesson.\n", f);
		return;
	}
	fprintf(f, "\n## The frames\n\nEach arrow is one frame on the wire, labelled as in sockstep's ladder pane"
		" (%zu frame%s).\n\n```mermaid\nsequenceDiagram\n    participant C as client\n"
		"    participant S as server\n", m->nfr, m->nfr == 1 ? "" : "s");
	int step = -1;
	for (size_t i = 0; i < m->nfr; i++) {
		const struct frame_arrow *fa = &m->fr[i];
		if (fa->step != step && fa->step >= 0 && fa->step < l->nsteps) {
			step = fa->step;
			fprintf(f, "    Note over C,S: Step %d: ", step + 1);
			mermaid_text(f, l->steps[step].title);
			fputc('\n', f);
		}
		fprintf(f, "    %c%s%c: ", fa->from_server ? 'S' : 'C', fa->dropped ? "-x" : fa->held ? "-)" : "->>",
			fa->from_server ? 'C' : 'S');
		mermaid_text(f, fa->label);
		fputs(fa->dropped ? " (dropped)\n" : fa->held ? " (held)\n" : "\n", f);
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
	diagram(&m, l);
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
	free(m.fr);
	return fails;
}
