/* batch.c - plain-text renderer and script runner (see batch.h). */
#include "batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linein.h"

static const char *side_tag(enum side s)
{
	return s == SIDE_SERVER ? "server" : s == SIDE_CLIENT ? "client" : "";
}

static void print_call(FILE *f, const struct event *ev)
{
	const char *tag = side_tag(ev->side);
	switch (ev->status) {
	case CS_BLOCKED:
		fprintf(f, "  %-6s  %s  -> blocked (would block; waits for the peer)\n", tag, ev->text);
		return;
	case CS_STILL:
		fprintf(f, "  %-6s  %s  -> still blocked after %ld ms\n", tag, ev->text, ev->ret);
		return;
	default:
		break;
	}
	char res[96];
	if (ev->err)
		snprintf(res, sizeof(res), "-1 %s (%s)", errno_name(ev->err), strerror(ev->err));
	else
		snprintf(res, sizeof(res), "%ld", ev->ret);
	if (ev->status == CS_COMPLETED)
		fprintf(f, "  %-6s  %s  -> %s  (blocked since [%u])\n", tag, ev->text, res, ev->origin);
	else
		fprintf(f, "  %-6s  %s  -> %s\n", tag, ev->text, res);
}

static void print_sockaddr(FILE *f, const struct event *ev)
{
	const struct sa_build *b = ev->sa;
	char hex[SA_HEX_MAX], line[320];
	for (int i = 0; i < SA_NSTAGES; i++) {
		sa_hex(b->bytes[i], hex);
		fprintf(f, "  %-6s  %s\n  %-6s    %s\n", side_tag(ev->side), b->code[i], "", hex);
	}
	sa_legend(line, sizeof(line));
	fprintf(f, "  %-6s    %s\n", "", line);
	sa_order_port(b->port_host, b->nohtons, line, sizeof(line));
	fprintf(f, "  %-6s    %s\n", "", line);
	sa_order_addr(b->addr_host, line, sizeof(line));
	fprintf(f, "  %-6s    %s\n", "", line);
}

void batch_print(struct batch_printer *p, const struct session *s)
{
	FILE *f = p->out;
	char line[512];
	for (; p->next < s->n; p->next++) {
		const struct event *ev = &s->ev[p->next];
		bool row = ev->kind == EV_ROW;
		if (row && !p->in_table) {
			tuple_header(line, sizeof(line));
			fprintf(f, "    %s\n", line);
		}
		p->in_table = row;
		switch (ev->kind) {
		case EV_COMMAND:
			fprintf(f, "\n[%u] %s\n", ev->seq, ev->text ? ev->text : "");
			break;
		case EV_ERROR:
			break; /* errors go to stderr, with the file and line */
		case EV_CALL:
			print_call(f, ev);
			break;
		case EV_SOCKADDR:
			print_sockaddr(f, ev);
			break;
		case EV_ROW:
			tuple_format(ev->row, line, sizeof(line));
			fprintf(f, "    %s\n", line);
			if (ev->row->note[0])
				fprintf(f, "    %-40s (%s)\n", "", ev->row->note);
			break;
		case EV_DATA:
			fprintf(f, "  %-6s  %s\n", side_tag(ev->side), ev->text);
			break;
		case EV_INFO:
			fprintf(f, "  %-6s  note: %s\n", side_tag(ev->side), ev->text);
			break;
		case EV_SAY:
			fprintf(f, "  >> %s\n", ev->text);
			break;
		case EV_EXPECT:
			fprintf(f, "  %s\n", ev->text);
			break;
		case EV_FRAME:
			fprintf(f, "  wire    #%-3ld %s\n", ev->ret, ev->text ? ev->text : "");
			break;
		case EV_WIRE:
			fprintf(f, "  wire    %s\n", ev->text ? ev->text : "");
			break;
		}
	}
	fflush(f);
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
	struct batch_printer p = { .out = stdout, .next = a->log.n };
	/* At most CMD_LINE_MAX bytes of a line are ever held: see linein.h. */
	char line[CMD_LINE_MAX + 1];
	unsigned lineno = 0;
	int errors = 0;
	batch_print(&p, &a->log);
	for (bool more = true; more;) {
		size_t len;
		int rerr;
		enum linein_status st = linein_read(in, line, CMD_LINE_MAX, &len, &rerr);
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
		if (rc > 0 && app_line_acts(line))
			app_settle(a, a->log.seq, a->run_ms);
		batch_print(&p, &a->log);
		if (rc < 0 || rc == 2) {
			fflush(stdout);
			fprintf(stderr, "sockstep: %s:%u: %s\n", name, lineno, err);
			errors++;
		}
	}
	return errors;
}
