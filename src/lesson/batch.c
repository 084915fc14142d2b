/* batch.c - plain-text renderer and script runner (see batch.h). */
#include "batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call_text.h"
#include "linein.h"
#include "out.h"
#include "predict.h"
#include "text.h"
#include "wrap.h"


/* The program an event is about: "server", "client2", "server.1". */
static const char *side_tag(const struct event *ev)
{
	static char name[24];
	if (ev->side == SIDE_NONE)
		return "";
	cmd_prog_name(ev->side, ev->prog ? ev->prog : 1, ev->child, name, sizeof(name));
	if (ev->thread) /* a traced program's thread: "client/t2" */
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "/t%d", ev->thread);
	return name;
}

/* Event text is written escaped: it quotes what the user typed (say lines,
 * file names), which must not reach the terminal as escape sequences. */
static void put(FILE *f, const char *text)
{
	text_fputs(text ? text : "", f);
}

static void print_call(FILE *f, const struct event *ev)
{
	const char *tag = side_tag(ev);
	fprintf(f, "  %-6s  ", tag);
	put(f, ev->text);
	switch (ev->status) {
	case CS_BLOCKED:
		fprintf(f, "  -> blocked since [%u] (%s sleeps in this call; it can do nothing else)\n", ev->seq, tag);
		return;
	case CS_STILL:
		fprintf(f, "  -> still blocked after %ld ms\n", ev->ret);
		return;
	case CS_BEFORE:
		/* A thread is stepped through its process's name. */
		fprintf(f, "  -> stopped before this call; \"%.*s next\" makes it\n",
			(int)strcspn(tag, "/"), tag);
		return;
	default:
		break;
	}
	char res[96];
	call_result_text(ev, CALL_FORM_FULL, res, sizeof(res));
	if (ev->status == CS_COMPLETED)
		fprintf(f, "  -> %s  (blocked since [%u])\n", res, ev->origin);
	else
		fprintf(f, "  -> %s\n", res);
}

/* A table as it was laid out: its title after the program, its lines
 * under it, column for column (narrow: indented two, so that its 78
 * columns fit 80). */
static void print_table(FILE *f, const struct event *ev, bool narrow)
{
	const char *t = ev->text ? ev->text : "";
	fprintf(f, "  %-6s  ", side_tag(ev));
	for (;;) {
		const char *nl = strchr(t, '\n');
		char line[256];
		snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - t) : (int)strlen(t), t);
		put(f, line);
		fputc('\n', f);
		if (!nl)
			break;
		t = nl + 1;
		fputs(narrow ? "  " : "          ", f);
	}
}

/* A sockaddr after the first of a lesson: one line per statement, its bytes
 * first (the zeros of sin_zero as "00..." when they are all zero). */
static void print_sockaddr_folded(FILE *f, const struct event *ev)
{
	const struct sa_build *b = ev->sa;
	char hex[SA_HEX_MAX];
	for (int i = 0; i < SA_NSTAGES; i++) {
		if (!b->code[i][0])
			continue; /* a statement not seen: a traced program's sockaddr is read whole */
		bool zero = true;
		for (int k = 8; k < 16; k++)
			zero &= b->bytes[i][k] == 0;
		sa_hex(b->bytes[i], hex);
		if (zero)
			strcpy(hex + 8 * 3 - 1, " 00...");
		fprintf(f, "  %-6s  %-*s  %s\n", side_tag(ev), zero ? 29 : 47, hex, tesc(b->code[i]));
		if (i == SA_ADDR && b->note[0])
			fprintf(f, "  %-6s    %s\n", "", tesc(b->note));
	}
}

static void print_sockaddr(FILE *f, const struct event *ev)
{
	const struct sa_build *b = ev->sa;
	char hex[SA_HEX_MAX], lec[SA_LECTURE_MAX], line[320];
	/* Each statement, its 16 bytes, and the same bytes as the lecture's
	 * tcp_client1b prints them ("[0]=2,[1]=0,..."). */
	for (int i = 0; i < SA_NSTAGES; i++) {
		if (!b->code[i][0])
			continue; /* a statement not seen: a traced program's sockaddr is read whole */
		sa_hex(b->bytes[i], hex);
		sa_lecture(b->bytes[i], lec);
		fprintf(f, "  %-6s  %s\n  %-6s    %s\n  %-6s    %s\n", side_tag(ev), tesc(b->code[i]), "", hex, "",
			lec);
		if (i == SA_ADDR && b->note[0]) /* what inet_addr made of "1.2.3" or "010.0.0.1" */
			fprintf(f, "  %-6s    %s\n", "", tesc(b->note));
	}
	sa_legend(line, sizeof(line));
	fprintf(f, "  %-6s    %s\n", "", line);
	char addr[sizeof(line)];
	sa_order_of(b, line, sizeof(line), addr, sizeof(addr));
	fprintf(f, "  %-6s    %s\n", "", line);
	fprintf(f, "  %-6s    %s\n", "", addr);
}

/* ARP frames counted and not listed, said in one line. */
static void arp_said(struct batch_printer *p)
{
	if (!p->arp_hidden)
		return;
	fprintf(p->out, "  wire    %u ARP frame%s (the kernels refreshing their address caches; not listed)\n",
		p->arp_hidden, p->arp_hidden == 1 ? "" : "s");
	p->arp_hidden = 0;
}

/* A worksheet hides the bytes a conversion stores in this step. */
static bool hides_bytes(const struct batch_printer *p)
{
	for (size_t i = 0; i < p->nhide; i++)
		if (p->hide[i].in_step && p->hide[i].ans.what == EX_RESULT && p->hide[i].ans.bytes)
			return true;
	return false;
}

/* One event's lines. */
static void print_event(struct batch_printer *p, FILE *f, const struct event *ev, bool row, char *line,
			size_t linelen)
{
	if (row && !p->in_table) {
		if (p->narrow)
			tuple_header_narrow(line, linelen);
		else
			tuple_header(line, linelen);
		fprintf(f, "    %s\n", line);
	}
	p->in_table = row;
	switch (ev->kind) {
	case EV_COMMAND:
		fprintf(f, "\n[%u] ", ev->seq);
		put(f, ev->text);
		fputc('\n', f);
		break;
	case EV_ERROR:
		break; /* errors go to stderr, with the file and line */
	case EV_CALL:
		print_call(f, ev);
		break;
	case EV_SOCKADDR:
		if ((p->compact && p->sa_seen) || hides_bytes(p))
			print_sockaddr_folded(f, ev); /* bytes hidden: no [0]= form beside them */
		else
			print_sockaddr(f, ev);
		p->sa_seen = true;
		break;
	case EV_ROW: {
		struct tuple_row r = *ev->row;
		for (size_t i = 0; i < p->nhide; i++)
			predict_hide_row(&p->hide[i], &r);
		if (p->narrow)
			tuple_format_narrow(&r, line, linelen);
		else
			tuple_format(&r, line, linelen);
		fprintf(f, "    %s\n", tesc(line));
		if (ev->row->note[0])
			fprintf(f, "    %-*s (%s)\n", p->narrow ? 5 : 40, "", tesc(ev->row->note));
		break;
	}
	case EV_DATA:
		fprintf(f, "  %-6s  ", side_tag(ev));
		put(f, ev->text);
		fputc('\n', f);
		break;
	case EV_INFO:
		fprintf(f, "  %-6s  note: ", side_tag(ev));
		put(f, ev->text);
		fputc('\n', f);
		break;
	case EV_SAY:
		fputs("  >> ", f);
		put(f, ev->text);
		fputc('\n', f);
		break;
	case EV_EXPECT:
		fputs("  ", f);
		put(f, ev->text);
		fputc('\n', f);
		break;
	case EV_FRAME:
		fprintf(f, "  wire    #%-3ld ", ev->ret);
		put(f, ev->text);
		fputc('\n', f);
		break;
	case EV_WIRE:
		fputs("  wire    ", f);
		put(f, ev->text);
		fputc('\n', f);
		break;
	case EV_PREDICT:
		fprintf(f, "  %-6s  predict %s: ", side_tag(ev), predict_field_name((enum expect_what)ev->ret));
		put(f, ev->text);
		fputc('\n', f);
		break;
	case EV_CONVERT:
		break; /* the screen's byte boxes; the EV_INFO lines say it in words */
	case EV_TABLE:
		print_table(f, ev, p->narrow);
		break;
	case EV_OUTPUT: /* a traced program's own line, as it printed it */
		fprintf(f, "  %-6s  | ", side_tag(ev));
		put(f, ev->text);
		fputc('\n', f);
		break;
	}
}

int batch_print(struct batch_printer *p, const struct session *s)
{
	FILE *f = p->out;
	char line[512];
	if (p->next < s->first) {
		/* The log kept only its newest events: say what this output lacks. */
		size_t lost = s->first - p->next;
		fprintf(f, "  (%zu event%s not shown: the session log keeps the newest %d events and %u MiB of text)\n",
			lost, lost == 1 ? "" : "s", SESSION_KEEP_EVENTS, SESSION_KEEP_BYTES >> 20);
		p->next = s->first;
		p->in_table = false;
	}
	for (; p->next < s->n && !out_stopped(); p->next++) {
		const struct event *ev = session_at(s, p->next);
		bool row = ev->kind == EV_ROW;
		if (p->compact && ev->kind == EV_FRAME && !wrap_frame_listed(&p->arp_done, ev->text)) {
			p->arp_hidden++; /* said in one line before what comes next */
			continue;
		}
		arp_said(p);
		if (p->no_held && ev->kind == EV_EXPECT && ev->ret == 1)
			continue; /* a worksheet: an expectation that held would say the answer */
		/* A worksheet: the event's lines are made apart and masked (predict.h). */
		char *buf = NULL;
		size_t blen = 0;
		FILE *m = p->nhide ? open_memstream(&buf, &blen) : NULL;
		if (p->nhide && !m) { /* never an answer unmasked */
			fputs("  (an event is not shown: out of memory)\n", f);
			continue;
		}
		print_event(p, m ? m : f, ev, row, line, sizeof(line));
		if (m) {
			fclose(m);
			for (size_t i = 0; i < p->nhide; i++)
				predict_hide_text(&p->hide[i], ev, buf);
			fputs(buf, f); /* already escaped */
			free(buf);
		}
	}
	if (p->next >= s->n)
		arp_said(p);
	return out_flush(f);
}

/* The line reader says why a line is not run, in one line with the file and
 * line number; false when the rest of the input must not be read. */
static bool bad_line(enum linein_status st, size_t len, int rerr, char *err, size_t errlen)
{
	switch (st) {
	case LINEIN_LONG:
		snprintf(err, errlen, "line is %zu bytes; at most %d expected", len, CMD_LINE_MAX);
		return true;
	case LINEIN_BINARY:
		snprintf(err, errlen, "line is longer than %d bytes and holds a NUL byte: expected text "
			 "(is this a binary file?); nothing after it is read", CMD_LINE_MAX);
		return false;
	case LINEIN_ERROR:
		snprintf(err, errlen, "cannot read: %s (%s); nothing after it is read", strerror(rerr),
			 errno_name(rerr));
		return false;
	default: /* a line with a NUL byte */
		snprintf(err, errlen, "line contains a NUL byte: expected text (is this a binary file?); "
			 "nothing after it is read");
		return false;
	}
}

int batch_run(FILE *in, const char *name, struct app *a)
{
	return batch_run_width(in, name, a, 0);
}

int batch_run_width(FILE *in, const char *name, struct app *a, int width)
{
	FILE *out = width ? wrap_open(stdout, width) : stdout;
	if (!out) {
		fprintf(stderr, "sockstep: %s: out of memory\n", tesc(name));
		return 1;
	}
	struct batch_printer p = { .out = out, .next = a->log.n, .narrow = width && width < BATCH_WIDE };
	/* At most CMD_LINE_MAX bytes of a line are ever held: see linein.h. */
	char line[CMD_LINE_MAX + 1];
	unsigned lineno = 0;
	int errors = 0;
	/* The parsed command says whether it acts on the network (cmd_acts):
	 * the line's text is never searched for words. Large: not on the stack. */
	struct cmd *c = malloc(sizeof(*c));
	if (!c) {
		fprintf(stderr, "sockstep: %s: out of memory\n", tesc(name));
		if (out != stdout)
			fclose(out);
		return 1;
	}
	batch_print(&p, &a->log);
	for (bool more = true; more;) {
		size_t len;
		int rerr;
		enum linein_status st = linein_read(in, lineno == 0, line, CMD_LINE_MAX, &len, &rerr);
		if (st == LINEIN_END)
			break;
		lineno++;
		char err[CMD_ERR_MAX] = "";
		int rc;
		if (st != LINEIN_LINE || memchr(line, '\0', len)) {
			more = bad_line(st, len, rerr, err, sizeof(err));
			rc = -EINVAL;
		} else {
			rc = app_exec_line(a, line, err, sizeof(err));
		}
		if (rc > 0 && cmd_parse(line, c, NULL, 0) > 0 && cmd_acts(c))
			app_settle(a, a->log.seq, a->run_ms);
		if (batch_print(&p, &a->log) < 0 && out_stopped())
			break; /* nobody reads the output any more (| head): stop */
		if (rc < 0 || rc == 2) {
			fprintf(stderr, "sockstep: %s:%u: ", tesc(name), lineno);
			text_fputs(err, stderr);
			fputc('\n', stderr);
			errors++;
		}
	}
	free(c);
	if (out != stdout)
		fclose(out);
	return errors;
}
