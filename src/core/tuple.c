/* tuple.c - naming and formatting the lecture's 5-tuple rows (see tuple.h). */
#include "tuple.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The lecture's step names, per step and role ([step][client?]). The
 * lecture numbers the server's steps 1, 2, 2B, 7 and the client's 3-6. */
static const char *const labels[TS_COUNT_][2] = {
	[TS_SOCKET] = { "STEP1 PROTOCOL DEFINITION", "STEP3 PROTOCOL DEFINITION" },
	[TS_BIND] = { "STEP 2 SOCKET BINDING", "STEP4 LOCAL PARAMETERS CONFIGURATION" },
	[TS_LISTEN] = { "STEP 2B READY TO ACCEPT CONNECTIONS", "STEP 2B READY TO ACCEPT CONNECTIONS" },
	[TS_WAITMSG] = { "STEP 2B WAITING FOR A MESSAGE FROM PEER",
			 "STEP 2B WAITING FOR A MESSAGE FROM PEER" },
	[TS_REMOTE] = { "STEP5 REMOTE PARAMETERS CONFIGURATION",
			"STEP5 REMOTE PARAMETERS CONFIGURATION" },
	[TS_CONNECTED] = { "STEP6 CONNECTION REQUEST (ACCEPTED)", "STEP6 CONNECTION REQUEST (ACCEPTED)" },
	[TS_FAILED] = { "STEP6 CONNECTION REQUEST (FAILED)", "STEP6 CONNECTION REQUEST (FAILED)" },
	[TS_SENT] = { "STEP6 SEND MESSAGE TO PEER", "STEP6 SEND MESSAGE TO PEER" },
	[TS_ACCEPTED] = { "STEP7 CONNECTION REQUEST ACCEPTED", "STEP7 CONNECTION REQUEST ACCEPTED" },
	[TS_RECEIVED] = { "STEP7 MESSAGE RECEIVED FROM PEER", "STEP7 MESSAGE RECEIVED FROM PEER" },
	[TS_SHUTDOWN] = { "SHUTDOWN", "SHUTDOWN" },
	[TS_CLOSE] = { "CLOSE", "CLOSE" },
	[TS_STATE] = { "KERNEL STATE CHANGE", "KERNEL STATE CHANGE" },
	[TS_INHERITED] = { "INHERITED BY fork()", "INHERITED BY fork()" },
};

/* Short forms for a narrow STEP column: the lecture's step number and the
 * word that says what happened (the outcome: ACCEPTED or FAILED, never cut
 * to "CONNECTION RE..."), at most TUPLE_SHORT_MAX columns. */
static const char *const shorts[TS_COUNT_][2] = {
	[TS_SOCKET] = { "STEP1 PROTOCOL", "STEP3 PROTOCOL" },
	[TS_BIND] = { "STEP2 BINDING", "STEP4 LOCAL" },
	[TS_LISTEN] = { "STEP2B READY", "STEP2B READY" },
	[TS_WAITMSG] = { "STEP2B WAITING", "STEP2B WAITING" },
	[TS_REMOTE] = { "STEP5 REMOTE", "STEP5 REMOTE" },
	[TS_CONNECTED] = { "STEP6 ACCEPTED", "STEP6 ACCEPTED" },
	[TS_FAILED] = { "STEP6 FAILED", "STEP6 FAILED" },
	[TS_SENT] = { "STEP6 SENT", "STEP6 SENT" },
	[TS_ACCEPTED] = { "STEP7 ACCEPTED", "STEP7 ACCEPTED" },
	[TS_RECEIVED] = { "STEP7 RECEIVED", "STEP7 RECEIVED" },
	[TS_SHUTDOWN] = { "SHUTDOWN", "SHUTDOWN" },
	[TS_CLOSE] = { "CLOSE", "CLOSE" },
	[TS_STATE] = { "KERNEL STATE", "KERNEL STATE" },
	[TS_INHERITED] = { "INHERITED", "INHERITED" },
};

static const char *const keys[TS_COUNT_][2] = {
	[TS_SOCKET] = { "1", "3" },     [TS_BIND] = { "2", "4" },       [TS_LISTEN] = { "2B", "2B" },
	[TS_WAITMSG] = { "2B", "2B" },  [TS_REMOTE] = { "5", "5" },     [TS_CONNECTED] = { "6", "6" },
	[TS_FAILED] = { "6", "6" },     [TS_SENT] = { "6", "6" },       [TS_ACCEPTED] = { "7", "7" },
	[TS_RECEIVED] = { "7", "7" },   [TS_SHUTDOWN] = { "shut", "shut" }, [TS_CLOSE] = { "close", "close" },
	[TS_STATE] = { "kern", "kern" }, [TS_INHERITED] = { "fork", "fork" },
};

const char *tuple_step_key(enum tstep st, enum side side)
{
	if ((unsigned)st >= TS_COUNT_)
		return "";
	return keys[st][side == SIDE_CLIENT];
}

/* The end of the group that starts at line i: the lines after it with the
 * same key, or with none (its notes). */
static size_t group_end(const char *const *k, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && (!k[j] || (k[i] && !strcmp(k[j], k[i]))))
		j++;
	return j;
}

/* Does key start a group at or after line from? */
static bool key_ahead(const char *key, const char *const *k, size_t from, size_t n)
{
	for (size_t i = from; key && i < n; i++)
		if (k[i] && !strcmp(k[i], key))
			return true;
	return false;
}

size_t tuple_align(const char *const *ka, size_t na, const char *const *kb, size_t nb, size_t *pa, size_t *pb)
{
	size_t i = 0, j = 0, row = 0;
	while (i < na || j < nb) {
		size_t ie = i < na ? group_end(ka, na, i) : i, je = j < nb ? group_end(kb, nb, j) : j;
		bool take_a, take_b;
		if (i < na && j < nb && ka[i] && kb[j] && !strcmp(ka[i], kb[j]))
			take_a = take_b = true;   /* the same step on both: level */
		else if (i >= na || j >= nb)
			take_a = i < na, take_b = j < nb;
		else if (key_ahead(kb[j], ka, ie, na))
			take_a = true, take_b = false;  /* b's step comes later in a: a's group first */
		else if (key_ahead(ka[i], kb, je, nb))
			take_a = false, take_b = true;
		else
			take_a = true, take_b = false;  /* in neither: a's first, then b's */
		size_t h = 0;
		if (take_a) {
			for (size_t k = i; k < ie; k++)
				pa[k] = row + (k - i);
			h = ie - i;
			i = ie;
		}
		if (take_b) {
			for (size_t k = j; k < je; k++)
				pb[k] = row + (k - j);
			h = je - j > h ? je - j : h;
			j = je;
		}
		row += h;
	}
	return row;
}

const char *tuple_step_label(enum tstep st, enum side side, enum proto proto)
{
	if ((unsigned)st >= TS_COUNT_)
		return "";
	(void)proto;
	return labels[st][side == SIDE_CLIENT];
}

const char *tuple_step_short(enum tstep st, enum side side, enum proto proto)
{
	(void)proto;
	if ((unsigned)st >= TS_COUNT_)
		return "";
	return shorts[st][side == SIDE_CLIENT];
}

const char *tuple_step_tiny(enum tstep st, enum side side)
{
	/* The number alone would read the same for a connection accepted and
	 * one refused: the outcome stays. */
	if (st == TS_FAILED)
		return "6 fail";
	return tuple_step_key(st, side);
}

const char *tuple_step_fit(enum tstep st, enum side side, int width)
{
	const char *forms[3] = { tuple_step_label(st, side, PROTO_NONE), tuple_step_short(st, side, PROTO_NONE),
				 tuple_step_tiny(st, side) };
	for (int i = 0; i < 3; i++)
		if ((int)strlen(forms[i]) <= width)
			return forms[i];
	return NULL;
}

/* Is row i the newest of its socket's (the same program and descriptor)? */
static bool newest_of_socket(const struct tuple_pick *p, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (p[j].side == p[i].side && p[j].prog == p[i].prog && p[j].child == p[i].child && p[j].fd == p[i].fd)
			return false;
	return true;
}

int tuple_pick(struct tuple_pick *p, size_t n, int room)
{
	int used = 0;
	for (size_t i = 0; i < n; i++)
		p[i].show = p[i].note = false;
	/* Seven passes, each newest first: the rows the step made that the
	 * kernel still holds as they are now; the step's other rows of calls;
	 * its rows of the kernel's own changes (SYN_SENT on the way to
	 * ESTABLISHED); the rows of the sockets it used; older rows of sockets
	 * that live on (the TIME_WAIT that makes a later bind fail, the
	 * listener); the rest; then, in the lines the rows leave, the notes of
	 * the rows the step made, each whole or not at all. */
	for (int pass = 0; pass < 7; pass++)
		for (size_t i = n; i-- > 0 && used < room;) {
			if (pass == 6) {
				if (p[i].show && !p[i].note && p[i].in_step && p[i].note_lines > 0 &&
				    p[i].note_lines <= room - used) {
					p[i].note = true;
					used += p[i].note_lines;
				}
				continue;
			}
			bool live = !p[i].gone && newest_of_socket(p, n, i);
			bool want = pass == 0 ? p[i].in_step && live
				  : pass == 1 ? p[i].in_step && !p[i].kernel
				  : pass == 2 ? p[i].in_step
				  : pass == 3 ? p[i].used
				  : pass == 4 ? live
					      : true;
			if (want && !p[i].show) {
				p[i].show = true;
				used++;
				if (p[i].news_in_note && p[i].in_step && p[i].note_lines > 0 &&
				    p[i].note_lines <= room - used) {
					p[i].note = true;
					used += p[i].note_lines;
				}
			}
		}
	return used;
}

static void set_addr(char ip[16], char port[8], const struct sockaddr_in *sin)
{
	if (!sin || (sin->sin_addr.s_addr == 0 && sin->sin_port == 0)) {
		ip[0] = port[0] = '\0';
		return;
	}
	inet_ntop(AF_INET, &sin->sin_addr, ip, 16);
	snprintf(port, 8, "%u", (unsigned)ntohs(sin->sin_port));
}

void tuple_set_local(struct tuple_row *r, const struct sockaddr_in *sin)
{
	set_addr(r->lip, r->lport, sin);
}

void tuple_set_remote(struct tuple_row *r, const struct sockaddr_in *sin)
{
	set_addr(r->rip, r->rport, sin);
}

void tuple_set_unknown_remote(struct tuple_row *r)
{
	strcpy(r->rip, "?");
	strcpy(r->rport, "?");
}

void tuple_diff(struct tuple_row *r, const struct tuple_row *prev)
{
	unsigned c = 0;
	if (!prev) {
		c |= r->proto != PROTO_NONE ? TC_PROTO : 0;
		c |= r->lip[0] ? TC_LIP : 0;
		c |= r->lport[0] ? TC_LPORT : 0;
		c |= r->rip[0] ? TC_RIP : 0;
		c |= r->rport[0] ? TC_RPORT : 0;
		c |= r->state[0] ? TC_STATE : 0;
	} else {
		c |= r->proto != prev->proto ? TC_PROTO : 0;
		c |= strcmp(r->lip, prev->lip) ? TC_LIP : 0;
		c |= strcmp(r->lport, prev->lport) ? TC_LPORT : 0;
		c |= strcmp(r->rip, prev->rip) ? TC_RIP : 0;
		c |= strcmp(r->rport, prev->rport) ? TC_RPORT : 0;
		c |= strcmp(r->state, prev->state) ? TC_STATE : 0;
	}
	r->changed = c;
}

static const char *const tcp_states[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV",       [TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2",     [TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSED",            [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",       [TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

const char *tuple_tcp_state_name(int st)
{
	if (st > 0 && (size_t)st < sizeof(tcp_states) / sizeof(tcp_states[0]) && tcp_states[st])
		return tcp_states[st];
	return "UNKNOWN";
}

int tuple_tcp_state_parse(const char *name)
{
	/* ss spells some states differently; accept both. */
	static const struct { const char *alias; int st; } aliases[] = {
		{ "ESTAB", TCP_ESTABLISHED }, { "SYN-SENT", TCP_SYN_SENT },
		{ "SYN-RECV", TCP_SYN_RECV },  { "FIN-WAIT-1", TCP_FIN_WAIT1 },
		{ "FIN-WAIT-2", TCP_FIN_WAIT2 }, { "TIME-WAIT", TCP_TIME_WAIT },
		{ "CLOSE", TCP_CLOSE },        { "CLOSE-WAIT", TCP_CLOSE_WAIT },
		{ "LAST-ACK", TCP_LAST_ACK },  { "UNCONN", TCP_CLOSE },
	};
	for (size_t i = 1; i < sizeof(tcp_states) / sizeof(tcp_states[0]); i++)
		if (tcp_states[i] && !strcasecmp(name, tcp_states[i]))
			return (int)i;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcasecmp(name, aliases[i].alias))
			return aliases[i].st;
	return -EINVAL;
}

#define ROW_FMT "%-40s %-8s %3s %-5s %-15s %-10s %-15s %-11s %s"

void tuple_header(char *out, size_t len)
{
	snprintf(out, len, ROW_FMT, "STEP", "PROGRAM", "FD", "PROTO", "LOCAL-IP", "LOCAL-PORT",
		 "REMOTE-IP", "REMOTE-PORT", "STATE");
}

/* The narrow table of a handout that prints (at most 100 columns): the
 * STEP column holds the lecture's step number ("1", "2B", "kern"), the
 * port columns their number. */
#define NARROW_FMT "%-5s %-8s %3s %-5s %-16s %-6s %-16s %-6s %s"

void tuple_header_narrow(char *out, size_t len)
{
	snprintf(out, len, NARROW_FMT, "STEP", "PROGRAM", "FD", "PROTO", "LOCAL-IP", "LPORT", "REMOTE-IP", "RPORT",
		 "STATE");
}

/* A cell's text with '*' appended when the step changed it. */
static const char *cell(char *buf, size_t len, const char *v, unsigned changed, unsigned bit)
{
	/* A value that disappeared shows as "-", so the mark has a cell to sit on. */
	snprintf(buf, len, "%s%s", v[0] || !(changed & bit) ? v : "-", (changed & bit) ? "*" : "");
	return buf;
}

static void format(const struct tuple_row *r, bool narrow, char *out, size_t len)
{
	char fd[12], p[8], li[20], lp[12], ri[20], rp[12], st[20], who[16];
	snprintf(fd, sizeof(fd), "%d", r->fd);
	cmd_prog_name(r->side, r->prog ? r->prog : 1, r->child, who, sizeof(who));
	snprintf(out, len, narrow ? NARROW_FMT : ROW_FMT,
		 narrow ? tuple_step_key(r->step, r->side) : tuple_step_label(r->step, r->side, r->proto),
		 who, fd,
		 cell(p, sizeof(p), proto_name(r->proto), r->changed, TC_PROTO),
		 cell(li, sizeof(li), r->lip, r->changed, TC_LIP),
		 cell(lp, sizeof(lp), r->lport, r->changed, TC_LPORT),
		 cell(ri, sizeof(ri), r->rip, r->changed, TC_RIP),
		 cell(rp, sizeof(rp), r->rport, r->changed, TC_RPORT),
		 cell(st, sizeof(st), r->state, r->changed, TC_STATE));
	/* No trailing blanks: golden files and handouts stay clean. */
	size_t n = strlen(out);
	while (n && out[n - 1] == ' ')
		out[--n] = '\0';
}

void tuple_format(const struct tuple_row *r, char *out, size_t len)
{
	format(r, false, out, len);
}

void tuple_format_narrow(const struct tuple_row *r, char *out, size_t len)
{
	format(r, true, out, len);
}
