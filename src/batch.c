/* batch.c - plain-text renderer and script runner (see batch.h). */
#include "batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


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
	if (p->next < s->first) {
		/* The log kept only its newest events: say what this output lacks. */
		size_t lost = s->first - p->next;
		fprintf(f, "  (%zu event%s not shown: the session log keeps the newest %d events and %u MiB of text)\n",
			lost, lost == 1 ? "" : "s", SESSION_KEEP_EVENTS, SESSION_KEEP_BYTES >> 20);
		p->next = s->first;
		p->in_table = false;
	}
	for (; p->next < s->n; p->next++) {
		const struct event *ev = session_at(s, p->next);
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

/* True when the line holds a NUL before its end: a binary file. */
static bool has_nul(const char *line, size_t len)
{
	return memchr(line, '\0', len) != NULL;
}

int batch_run(FILE *in, const char *name, struct app *a)
{
	struct batch_printer p = { .out = stdout, .next = a->log.n };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int errors = 0;
	batch_print(&p, &a->log);
	for (;;) {
		len = getline(&line, &cap, in);
		if (len < 0)
			break;
		lineno++;
		char err[CMD_ERR_MAX] = "";
		int rc;
		if (has_nul(line, (size_t)len)) {
			snprintf(err, sizeof(err), "line contains a NUL byte: expected text (is this a binary file?)");
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
	free(line);
	return errors;
}
