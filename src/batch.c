/* batch.c - plain-text renderer and script runner (see batch.h). */
#include "batch.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUIET_MS 20 /* no news for this long after a command: the network has settled */

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
			fprintf(f, "  wire  #%ld %s\n", ev->ret, ev->text ? ev->text : "");
			break;
		case EV_WIRE:
			fprintf(f, "  wire  %s\n", ev->text ? ev->text : "");
			break;
		}
	}
	fflush(f);
}

static unsigned long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000 + (unsigned long)ts.tv_nsec / 1000000;
}

void batch_settle(struct engine *e, unsigned seq, unsigned wait_ms, unsigned run_ms)
{
	unsigned long start = now_ms();
	bool waited_out = false;
	for (;;) {
		struct pollfd pfd[ENGINE_MAX_SOCKS];
		int n = engine_pollfds(e, pfd, ENGINE_MAX_SOCKS);
		unsigned long el = now_ms() - start;
		bool own = engine_blocked(e, seq) > 0;
		int timeout;
		if (el < run_ms)
			timeout = (int)(run_ms - el);         /* "wait N": let time pass */
		else if (own && el < wait_ms)
			timeout = (int)(wait_ms - el);        /* this command's call may still finish */
		else if (n > 0)
			timeout = QUIET_MS;                   /* let older calls catch up */
		else
			break;
		if (timeout > QUIET_MS && !own && el >= run_ms)
			timeout = QUIET_MS;
		int r = poll(pfd, (nfds_t)n, timeout);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0) {
			engine_progress(e);
			continue;
		}
		el = now_ms() - start;
		if (el < run_ms)
			continue;
		if (own && el < wait_ms)
			continue;
		waited_out = own;
		break;
	}
	engine_refresh(e);
	/* A FIN waiting for its ACK settles within microseconds here; give it a
	 * few short chances so that the printed state does not depend on timing. */
	for (int i = 0; i < 5 && engine_transient(e); i++) {
		poll(NULL, 0, QUIET_MS / 4);
		engine_refresh(e);
	}
	if (waited_out)
		engine_note_still_blocked(e, seq, wait_ms);
}

/* True when the line holds a NUL before its end: a binary file. */
static bool has_nul(const char *line, size_t len)
{
	return memchr(line, '\0', len) != NULL;
}

int batch_run(FILE *in, const char *name, struct engine *e, struct session *s,
	      const struct batch_opts *o)
{
	struct batch_printer p = { .out = stdout, .next = s->n };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int errors = 0;
	batch_print(&p, s);
	for (;;) {
		if (o->interactive) {
			fputs("sockstep> ", stdout);
			fflush(stdout);
		}
		len = getline(&line, &cap, in);
		if (len < 0)
			break;
		lineno++;
		char err[CMD_ERR_MAX] = "";
		struct cmd *c = calloc(1, sizeof(*c));
		if (!c) {
			fprintf(stderr, "sockstep: out of memory\n");
			errors++;
			break;
		}
		int rc;
		if (has_nul(line, (size_t)len)) {
			snprintf(err, sizeof(err), "line contains a NUL byte: expected text (is this a binary file?)");
			rc = -EINVAL;
		} else {
			rc = cmd_parse(line, c, err, sizeof(err));
		}
		if (rc > 0) {
			char text[CMD_LINE_MAX + 64];
			size_t mark = s->n;
			s->seq++;
			cmd_format(c, text, sizeof(text));
			session_add(s, EV_COMMAND, c->t.side, -1, "%s", text);
			rc = engine_exec(e, c, err, sizeof(err));
			if (rc == -EINVAL) {
				/* Refused: nothing happened, so it leaves no trace but its error. */
				session_truncate(s, mark);
				s->seq--;
			} else {
				unsigned run = c->verb == V_WAIT ? c->ms : 0;
				batch_settle(e, s->seq, o->wait_ms, run);
			}
		}
		batch_print(&p, s);
		if (rc != 0 && err[0]) {
			session_add(s, EV_ERROR, SIDE_NONE, -1, "%s", err);
			p.next = s->n;
			fflush(stdout);
			if (o->interactive)
				fprintf(stderr, "sockstep: %s\n", err);
			else
				fprintf(stderr, "sockstep: %s:%u: %s\n", name, lineno, err);
			errors++;
		}
		free(c);
	}
	free(line);
	return errors;
}
