/* traced_watch.c - the statements that wrote a traced program's struct
 * sockaddr_in, logged as the lecture's stages (see traced_watch.h). */
#include "traced_watch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

void traced_watch_exec(struct engine *e, struct eprog *pr, struct tw_pending *w, const struct trace_ev *ev,
		       bool first)
{
	memset(w, 0, sizeof(*w));
	if (ev->watch < 0 && first)
		slot_log(e, EV_INFO, pr, -1, "%s", ev->stmt);
}

/* The statement as source: its line without a trailing comment, else where it is. */
static void stage_code(const struct trace_ev *ev, char *out, size_t len)
{
	char code[sizeof(ev->stmt)];
	snprintf(code, sizeof(code), "%s", ev->stmt);
	char *c = strstr(code, "/*");
	if (!c)
		c = strstr(code, "//");
	if (c) {
		while (c > code && (c[-1] == ' ' || c[-1] == '\t'))
			c--;
		*c = '\0';
	}
	if (!ev->where[0])
		snprintf(out, len, "/* %s written in a function main() called */", ev->var);
	else if (!code[0])
		snprintf(out, len, "%s  /* wrote %s */", ev->where, ev->var);
	else
		snprintf(out, len, "%s  %s", ev->where, code);
}

void traced_watch_hit(struct engine *e, struct eprog *pr, struct tw_pending *w, const struct trace_ev *ev)
{
	if (w->shown >= TW_SHOWN_MAX)
		return;
	if (w->n && strcmp(w->var, ev->var) != 0)
		traced_watch_flush(e, pr, w);
	int i = w->n - 1;
	/* memset's two 8-byte stores, or a statement's several: one stage. */
	if (!(i >= 0 && ev->where[0] && strcmp(w->where[i], ev->where) == 0)) {
		if (w->n == SA_NSTAGES)
			traced_watch_flush(e, pr, w);
		i = w->n++;
		snprintf(w->var, sizeof(w->var), "%s", ev->var);
		snprintf(w->where[i], sizeof(w->where[i]), "%s", ev->where);
		char code[300];
		stage_code(ev, code, sizeof(code));
		if (strlen(code) >= SA_CODE_MAX)
			memcpy(code + SA_CODE_MAX - 4, "...", 4);
		snprintf(w->b.code[i], sizeof(w->b.code[i]), "%s", code);
	}
	memcpy(w->b.bytes[i], ev->bytes, 16);
}

void traced_watch_flush(struct engine *e, struct eprog *pr, struct tw_pending *w)
{
	if (!w->n)
		return;
	struct sa_build *b = &w->b;
	memcpy(&b->sin, b->bytes[w->n - 1], sizeof(b->sin));
	b->addr_host = ntohl(b->sin.sin_addr.s_addr);
	b->port_host = ntohs(b->sin.sin_port);
	b->port_stored = b->sin.sin_port;
	/* The lecture's mistake, seen in the source: sin_port set without htons(). */
	for (int i = 0; i < w->n; i++)
		if (strstr(b->code[i], "sin_port") && strchr(b->code[i], '=') && !strstr(b->code[i], "hton")) {
			b->nohtons = true;
			b->port_host = b->port_stored;
		}
	/* Otherwise the source's expression says nothing sure about byte order
	 * (a conditional, a helper): the lines under the bytes read them. */
	b->read = !b->nohtons;
	struct event *ev = slot_log(e, EV_SOCKADDR, pr, pr->tfd, NULL);
	if (ev)
		session_attach_sa(ev, b);
	memcpy(pr->tsa_seen, b->bytes[w->n - 1], 16);
	pr->tsa_seen_set = true;
	int shown = w->shown + 1;
	memset(w, 0, sizeof(*w));
	w->shown = shown;
	if (shown == TW_SHOWN_MAX)
		slot_log(e, EV_INFO, pr, pr->tfd, "the bytes of %s's struct sockaddr_in were shown %d times: the "
			 "statements that write it later are not shown", pr->name, TW_SHOWN_MAX);
}
