/* predict.c - the answer to a prediction, read from the session log, and
 * whether a guess says the same (predict.h). Pure. */
#include "predict.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tuple.h"

const char *predict_field_name(enum expect_what w)
{
	switch (w) {
	case EX_STATE:
		return "state";
	case EX_LOCAL:
		return "local";
	case EX_REMOTE:
		return "remote";
	case EX_RESULT:
		return "result";
	case EX_DATA:
		return "data";
	default:
		return "?";
	}
}

/* Lines that ask, check or save rather than act: the question is about the
 * next command that acts ("save lesson" writes a file, and is no lesson's
 * line). */
static bool aside(const char *t)
{
	return t && (!strncmp(t, "expect ", 7) || !strncmp(t, "say ", 4) || !strncmp(t, "predict ", 8) ||
		     !strncmp(t, "save lesson ", 12) || !strncmp(t, "save! lesson ", 13));
}

static int prog_of(int p)
{
	return p ? p : 1;
}

/* The same program (and descriptor, when the question named one). */
static bool same_prog(const struct event *q, enum side side, int prog, int child, int fd)
{
	return side == q->side && prog_of(prog) == prog_of(q->prog) && child == q->child && (q->fd < 0 || fd == q->fd);
}

/* Was this port given to a bind of the side (then the kernel did not choose it)? */
static bool bound_by_hand(const struct session *s, size_t end, enum side side, const char *port)
{
	for (size_t i = s->first; i < end; i++) {
		const struct event *e = session_at(s, i);
		char who[32], verb[16], ip[64], p[16];
		if (!e || e->kind != EV_COMMAND || !e->text)
			continue;
		if (sscanf(e->text, "%31s %15s %63s %15s", who, verb, ip, p) == 4 && !strcmp(verb, "bind") &&
		    !strncmp(who, side == SIDE_SERVER ? "server" : "client", 6) && !strcmp(p, port))
			return true;
	}
	return false;
}

/* "received \"hola\" (4 bytes) from 100.0.0.1:9000" -> text, ip, port. */
static void parse_received(const char *t, struct predict_answer *o)
{
	const char *q = strchr(t, '"');
	const char *end = NULL;
	for (const char *p = q ? q + 1 : NULL; p && (p = strstr(p, "\" (")); p++)
		end = p;
	if (!q || !end) { /* "received 0 bytes: the peer closed its side" */
		snprintf(o->value, sizeof(o->value), "0 bytes (end of stream)");
		return;
	}
	snprintf(o->text, sizeof(o->text), "%.*s", (int)(end - q - 1), q + 1);
	const char *from = strstr(end, ") from ");
	if (from) {
		from += 7;
		const char *colon = strrchr(from, ':');
		if (colon && (size_t)(colon - from) < sizeof(o->ip)) {
			snprintf(o->ip, sizeof(o->ip), "%.*s", (int)(colon - from), from);
			snprintf(o->port, sizeof(o->port), "%.7s", colon + 1);
		}
	}
	if (o->ip[0])
		snprintf(o->value, sizeof(o->value), "\"%.100s\" from %s %s", o->text, o->ip, o->port);
	else
		snprintf(o->value, sizeof(o->value), "\"%.140s\"", o->text);
}

int predict_answer(const struct session *s, size_t q, unsigned lo, unsigned hi, struct predict_answer *o)
{
	const struct event *pe = session_at(s, q);
	memset(o, 0, sizeof(*o));
	if (!pe || pe->kind != EV_PREDICT)
		return -EINVAL;
	o->what = (enum expect_what)pe->ret;
	size_t start = 0, end = s->n;
	for (size_t i = q + 1; i < s->n; i++) {
		const struct event *e = session_at(s, i);
		if (!e || e->kind != EV_COMMAND)
			continue;
		if (!start) {
			if (!aside(e->text))
				start = i;
			continue;
		}
		end = i;
		break;
	}
	if (!start)
		return -ENOENT;
	const struct event *hit = NULL;
	switch (o->what) {
	case EX_STATE:
	case EX_LOCAL:
	case EX_REMOTE:
		/* The socket's newest row up to the end of the command: the table as it stands. */
		for (size_t i = s->first; i < end; i++) {
			const struct event *e = session_at(s, i);
			if (e && e->kind == EV_ROW && e->row &&
			    same_prog(pe, e->row->side, e->row->prog, e->row->child, e->row->fd))
				hit = e;
		}
		if (!hit)
			return -ENOENT;
		if (o->what == EX_STATE) {
			o->tcp = hit->row->proto == PROTO_TCP;
			snprintf(o->value, sizeof(o->value), "%s", hit->row->state);
		} else {
			const struct tuple_row *r = hit->row;
			bool loc = o->what == EX_LOCAL;
			snprintf(o->ip, sizeof(o->ip), "%s", loc ? r->lip : r->rip);
			snprintf(o->port, sizeof(o->port), "%s", loc ? r->lport : r->rport);
			unsigned long p = strtoul(o->port, NULL, 10);
			bool in = lo && hi ? p >= lo && p <= hi : p >= 32768;
			o->ephemeral = loc && in && !bound_by_hand(s, end, pe->side, o->port);
			snprintf(o->value, sizeof(o->value), "%s %s%s", o->ip[0] ? o->ip : "-", o->port[0] ? o->port : "-",
				 o->ephemeral ? " (ephemeral: the kernel chose it)" : "");
		}
		return o->value[0] ? 0 : -ENOENT;
	case EX_RESULT:
		for (size_t i = start; i < end; i++) {
			const struct event *e = session_at(s, i);
			if (!e)
				continue;
			if (pe->side == SIDE_NONE && e->kind == EV_INFO && e->text && strstr(e->text, ", memory ")) {
				const char *m = strstr(e->text, ", memory ") + 9;
				const char *paren = strstr(m, " (");
				int n = paren ? (int)(paren - m) : (int)strlen(m);
				o->bytes = true;
				snprintf(o->value, sizeof(o->value), "%.*s", n, m);
				return 0;
			}
			if (e->kind == EV_CALL && e->status != CS_BLOCKED && e->status != CS_STILL && e->status != CS_BEFORE &&
			    same_prog(pe, e->side, e->prog, e->child, e->fd))
				hit = e;
		}
		if (!hit)
			return -ENOENT;
		if (hit->err)
			snprintf(o->value, sizeof(o->value), "-1 %s", errno_name(hit->err));
		else
			snprintf(o->value, sizeof(o->value), "%ld", hit->ret);
		return 0;
	case EX_DATA:
		for (size_t i = start; i < end; i++) {
			const struct event *e = session_at(s, i);
			if (e && e->kind == EV_DATA && e->text && !strncmp(e->text, "received ", 9) &&
			    same_prog(pe, e->side, e->prog, e->child, e->fd))
				hit = e;
		}
		if (!hit)
			return -ENOENT;
		parse_received(hit->text, o);
		return 0;
	default:
		return -EINVAL;
	}
}

/* The guess, trimmed, without surrounding quotes, in a buffer of its own. */
static void clean(const char *g, char *out, size_t len)
{
	while (*g == ' ' || *g == '\t')
		g++;
	snprintf(out, len, "%s", g);
	size_t n = strlen(out);
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		out[--n] = '\0';
}

static bool is_ip(const char *w)
{
	struct in_addr a;
	return inet_pton(AF_INET, w, &a) == 1;
}

/* IANA's dynamic ports (RFC 6335): the range a lecture teaches, which Linux
 * does not use unless an administrator sets it. */
#define IANA_LO 49152u
#define IANA_HI 65535u

/* Does the port part of a guess (already lower case, IP taken out) say the
 * port? A range is judged with its reason, said in why (may be NULL): the
 * kernel picks from its own range (lo-hi), so IANA's is wrong even where it
 * happens to hold the port. */
static bool port_right(const struct predict_answer *a, char *g, unsigned lo, unsigned hi, char *why, size_t wl)
{
	unsigned long p = strtoul(a->port, NULL, 10);
	char kr[48] = "32768 and up";
	if (lo && hi)
		snprintf(kr, sizeof(kr), "%u-%u", lo, hi);
	if (a->ephemeral && (strstr(g, "random") || strstr(g, "ephemeral")))
		return true;
	unsigned long nums[4];
	int nn = 0;
	for (char *w = strtok(g, " \t,"); w; w = strtok(NULL, " \t,")) {
		char *dash = strchr(w, '-');
		if (a->ephemeral && dash && dash != w) { /* LOW-HIGH */
			char *e1, *e2;
			unsigned long l = strtoul(w, &e1, 10), h = strtoul(dash + 1, &e2, 10);
			if (e1 != dash || *e2)
				continue;
			bool holds = l <= p && p <= h;
			if (l == IANA_LO && h == IANA_HI && !(lo == IANA_LO && hi == IANA_HI)) {
				if (why)
					snprintf(why, wl, "%lu-%lu is IANA's range; this kernel's is %s: %lu is %s", l, h,
						 kr, p, holds ? "in both by chance" : "in it, not in IANA's");
				return false;
			}
			if (!holds && why)
				snprintf(why, wl, "%lu is not in %lu-%lu; this kernel picks from %s", p, l, h, kr);
			else if (holds && why && !(l == lo && h == hi))
				snprintf(why, wl, "%lu is in %lu-%lu; the kernel's own range is %s", p, l, h, kr);
			return holds;
		}
		char *end;
		unsigned long v = strtoul(w, &end, 10);
		if (end != w && !*end && nn < 4)
			nums[nn++] = v;
	}
	if (nn == 1 && a->port[0] && nums[0] == p)
		return true;
	/* "32768 60999": the host's range, in two words */
	return a->ephemeral && nn == 2 && lo && nums[0] == lo && nums[1] == hi;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void squeeze_hex(const char *in, char *out, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; in[i] && o + 1 < len; i++) {
		if (in[i] == '0' && (in[i + 1] == 'x' || in[i + 1] == 'X')) {
			i++;
			continue;
		}
		if (isxdigit((unsigned char)in[i]))
			out[o++] = (char)toupper((unsigned char)in[i]);
	}
	out[o] = '\0';
}

bool predict_check(const struct predict_answer *a, const char *guess, unsigned lo, unsigned hi)
{
	return predict_judge(a, guess, lo, hi, NULL, 0);
}

bool predict_judge(const struct predict_answer *a, const char *guess, unsigned lo, unsigned hi, char *why,
		   size_t wl)
{
	char g[CMD_DATA_MAX + 64];
	if (why && wl)
		why[0] = '\0';
	if (!a || !guess)
		return false;
	clean(guess, g, sizeof(g));
	if (!g[0])
		return false;
	switch (a->what) {
	case EX_STATE: {
		for (char *p = g; *p; p++)
			if (*p == ' ')
				*p = '_';
		int want = tuple_tcp_state_parse(a->value), got = tuple_tcp_state_parse(g);
		if (a->tcp && want > 0 && got > 0 && strcasecmp(g, "UNCONN"))
			return want == got;
		return !strcasecmp(g, a->value);
	}
	case EX_LOCAL:
	case EX_REMOTE: {
		for (char *p = g; *p; p++)
			if (*p == ':')
				*p = ' ';
		lower(g);
		char rest[sizeof(g)] = "", *save = NULL;
		bool ip_given = false, ip_ok = true;
		char copy[sizeof(g)];
		snprintf(copy, sizeof(copy), "%s", g);
		for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
			if (is_ip(w)) {
				ip_given = true;
				ip_ok = ip_ok && !strcmp(w, a->ip);
			} else {
				size_t n = strlen(rest);
				snprintf(rest + n, sizeof(rest) - n, "%s%s", n ? " " : "", w);
			}
		}
		if (!ip_ok || (a->what == EX_REMOTE && !ip_given && strcmp(a->ip, "?")))
			return false; /* the remote columns are the peer's address and port */
		if (!strcmp(a->port, "?"))
			return strstr(rest, "?") || strstr(rest, "unknown") || strstr(rest, "any");
		return port_right(a, rest, lo, hi, why, wl);
	}
	case EX_RESULT: {
		if (a->bytes) {
			char x[sizeof(g)], y[64];
			squeeze_hex(g, x, sizeof(x));
			squeeze_hex(a->value, y, sizeof(y));
			return !strcmp(x, y);
		}
		if (!strncmp(a->value, "-1 ", 3)) {
			for (char *p = g; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			return strstr(g, a->value + 3) != NULL || !strcmp(g, "-1");
		}
		char *end;
		long v = strtol(g, &end, 10);
		return end != g && !*end && v == strtol(a->value, NULL, 10);
	}
	case EX_DATA: {
		if (!a->text[0] && !a->ip[0]) /* the end of the stream */
			return !strcmp(g, "0") || strstr(g, "0 bytes") || strstr(g, "end") || strstr(g, "nothing");
		if (!strstr(g, a->text))
			return false;
		return !a->ip[0] || (strstr(g, a->ip) && strstr(g, a->port));
	}
	default:
		return false;
	}
}

/* Whole words only: "9000" not inside "19000", "100.0.0.1" not inside "100.0.0.10". */
static void mask_word(char *line, const char *w)
{
	size_t n = strlen(w);
	if (!n)
		return;
	for (char *p = line; (p = strstr(p, w)); p += n) {
		char before = p == line ? ' ' : p[-1], after = p[n];
		bool in_word = isalnum((unsigned char)before) || before == '_' || before == '.' ||
			       isalnum((unsigned char)after) || after == '_' ||
			       (after == '.' && isdigit((unsigned char)p[n + 1]));
		if (!in_word)
			memset(p, '?', n);
	}
}

void predict_score(int right, int wrong, int skipped, char *buf, size_t len)
{
	buf[0] = '\0';
	if (right + wrong + skipped == 0)
		return;
	int n = snprintf(buf, len, "%d of %d predicted", right, right + wrong);
	if (skipped && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (%d skipped, not scored)", skipped);
}

/* "03 E9" -> "E9 03": a bytes answer read the other way round says it too
 * (the note's "this CPU would store E9 03"). */
static void reversed_bytes(const char *v, char *out, size_t len)
{
	char tok[16][4];
	int n = 0;
	out[0] = '\0';
	for (const char *p = v; *p && n < 16;) {
		while (*p == ' ')
			p++;
		size_t k = strcspn(p, " ");
		if (!k)
			break;
		snprintf(tok[n++], sizeof(tok[0]), "%.*s", (int)(k < 3 ? k : 3), p);
		p += k;
	}
	for (int i = n - 1; i >= 0; i--) {
		size_t o = strlen(out);
		snprintf(out + o, len - o, "%s%s", i == n - 1 ? "" : " ", tok[i]);
	}
}

/* A port as text ("9000"): its value, or -1. */
static long port_value(const char *port)
{
	char *end;
	long v = strtol(port, &end, 10);
	return port[0] && !*end && v >= 0 && v <= 65535 ? v : -1;
}

/* The k bytes b as a table prints them: in this order and reversed, upper
 * and lower case ("23 28" "28 23" "23 28"...), and as one hex number
 * ("0x2328"). */
static void mask_byte_forms(char *line, const unsigned char *b, int k)
{
	for (int lc = 0; lc < 2; lc++)
		for (int rev = 0; rev < 2; rev++) {
			char w[16] = "", n[16] = "0x";
			for (int i = 0; i < k; i++) {
				unsigned char c = b[rev ? k - 1 - i : i];
				size_t o = strlen(w);
				snprintf(w + o, sizeof(w) - o, lc ? "%s%02x" : "%s%02X", i ? " " : "", c);
				o = strlen(n);
				snprintf(n + o, sizeof(n) - o, lc ? "%02x" : "%02X", c);
			}
			mask_word(line, w);
			if (!rev)
				mask_word(line, n);
		}
}

/* A port's and an IPv4 address's bytes (network order and this CPU's). */
static void mask_bytes_of(char *line, const char *ip, const char *port)
{
	long v = port ? port_value(port) : -1;
	if (v >= 0)
		mask_byte_forms(line, (const unsigned char[]){ (unsigned char)(v >> 8), (unsigned char)v }, 2);
	struct in_addr in;
	if (ip && inet_pton(AF_INET, ip, &in) == 1)
		mask_byte_forms(line, (const unsigned char *)&in, 4);
}

/* Every word of text that says the answer, masked: the value that a reader
 * could copy into the blank (lines of their own, each line apart). */
static void mask_answer(char *text, const struct predict_answer *a, bool frame)
{
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		switch (a->what) {
		case EX_STATE:
			if (!frame)
				mask_word(line, a->value);
			break;
		case EX_LOCAL:
			mask_word(line, a->port); /* the question is the port; the address is the host's */
			mask_bytes_of(line, NULL, a->port);
			break;
		case EX_REMOTE:
		case EX_DATA:
			if (a->ip[0] && strcmp(a->ip, "?"))
				mask_word(line, a->ip);
			if (a->port[0] && strcmp(a->port, "?"))
				mask_word(line, a->port);
			mask_bytes_of(line, a->ip, a->port);
			if (a->what == EX_DATA && a->text[0]) {
				char q[sizeof(a->text) + 2];
				snprintf(q, sizeof(q), "\"%s\"", a->text);
				mask_word(line, q);
			}
			break;
		case EX_RESULT:
			if (frame) {
				break;
			} else if (a->bytes) {
				char r[sizeof(a->value)];
				mask_word(line, a->value);
				reversed_bytes(a->value, r, sizeof(r));
				mask_word(line, r);
			} else if (!strncmp(a->value, "-1 ", 3)) {
				mask_word(line, a->value + 3);
			}
			break;
		default:
			break;
		}
		if (!nl)
			break;
		*nl = '\n';
		line = nl + 1;
	}
}

void predict_mask_words(char *text, const struct predict_answer *a)
{
	mask_answer(text, a, false);
}

/* hide[off..off+len) flagged; how many were not yet. */
static size_t flag(uint8_t *hide, size_t off, size_t len)
{
	size_t n = 0;
	for (size_t i = off; i < off + len; i++)
		if (!hide[i])
			hide[i] = 1, n++;
	return n;
}

size_t predict_hide_frame(const struct predict_answer *a, const struct dec_result *r, const uint8_t *p,
			  size_t caplen, uint8_t *hide)
{
	unsigned char port[2], addr[4], bytes[4];
	bool has_port = false, has_addr = false;
	int nb = 0;
	long v = port_value(a->port);
	switch (a->what) {
	case EX_REMOTE:
	case EX_DATA:
		has_addr = inet_pton(AF_INET, a->ip, addr) == 1;
		__attribute__((fallthrough)); /* and its port */
	case EX_LOCAL:
		has_port = v >= 0;
		port[0] = (unsigned char)(v >> 8), port[1] = (unsigned char)v;
		break;
	case EX_RESULT: {
		unsigned x;
		int k = 0;
		for (const char *s = a->value; a->bytes && nb < 4 && sscanf(s, "%2x%n", &x, &k) == 1; s += k)
			bytes[nb++] = (unsigned char)x;
		break;
	}
	default:
		return 0;
	}
	size_t n = 0;
	for (unsigned i = 0; i < r->nfields && i < DEC_FIELDS; i++) {
		const struct dec_field *f = &r->field[i];
		if (f->off > caplen || f->len > caplen - f->off)
			continue;
		const uint8_t *b = p + f->off;
		if ((f->kind == DF_PORT && has_port && !memcmp(b, port, 2)) ||
		    (f->kind == DF_ADDR && has_addr && f->len == 4 && !memcmp(b, addr, 4)) ||
		    (nb && f->len == nb && !memcmp(b, bytes, (size_t)nb)))
			n += flag(hide, f->off, f->len);
	}
	/* recvfrom's text: the payload that carried it. */
	if (a->what == EX_DATA && a->text[0] && r->payload_off && r->payload_off < caplen) {
		size_t len = caplen - r->payload_off < r->payload_len ? caplen - r->payload_off : r->payload_len;
		char esc[sizeof(a->text)];
		escape_bytes(p + r->payload_off, len, esc, sizeof(esc));
		if (len && !strcmp(esc, a->text))
			n += flag(hide, r->payload_off, len);
	}
	return n;
}

static bool hide_owns(const struct predict_hide *h, const struct event *ev)
{
	return ev->side == h->side && prog_of(ev->prog) == prog_of(h->prog) && ev->child == h->child &&
	       (h->fd < 0 || ev->fd < 0 || ev->fd == h->fd);
}

/* The call's result, "-> 4" or "-> -1 ECONNREFUSED (Connection refused)",
 * masked up to the line's end or its "  (blocked since ...)". */
static void mask_result(char *text)
{
	char *r = NULL;
	for (char *p = text; (p = strstr(p, "-> ")); p += 3)
		r = p + 3;
	if (!r || !strncmp(r, "blocked", 7) || !strncmp(r, "still", 5))
		return;
	char *end = r + strcspn(r, "\n");
	char *paren = strstr(r, "  (");
	if (paren && paren < end)
		end = paren;
	memset(r, '?', (size_t)(end - r));
}

void predict_hide_text(const struct predict_hide *h, const struct event *ev, char *text)
{
	const struct predict_answer *a = &h->ans;
	/* Narration, notes and the tables made from the answer (sender): until the key. */
	if (!ev || ev->kind == EV_INFO || ev->kind == EV_SAY || ev->kind == EV_TABLE) {
		mask_answer(text, a, false);
		return;
	}
	if (!h->in_step)
		return;
	switch (ev->kind) {
	case EV_FRAME:
	case EV_WIRE:
		mask_answer(text, a, true); /* the same values in the step's frames */
		break;
	case EV_DATA:
		if (hide_owns(h, ev) && a->what == EX_DATA)
			mask_answer(text, a, false);
		break;
	case EV_CALL:
		if (hide_owns(h, ev) && a->what == EX_RESULT && !a->bytes)
			mask_result(text);
		break;
	case EV_SOCKADDR:
		if (a->what == EX_RESULT && a->bytes)
			mask_answer(text, a, false);
		break;
	default:
		break;
	}
}

/* A cell that holds the answer: '?'s of its width. */
static void blank_if(char *cell, const char *answer)
{
	if (cell[0] && answer[0] && !strcmp(cell, answer))
		memset(cell, '?', strlen(cell));
}

void predict_hide_row(const struct predict_hide *h, struct tuple_row *r)
{
	const struct predict_answer *a = &h->ans;
	if (!h->in_step || r->side != h->side || prog_of(r->prog) != prog_of(h->prog) || r->child != h->child ||
	    (h->fd >= 0 && r->fd != h->fd))
		return;
	switch (a->what) {
	case EX_STATE: /* CLOSED before connect() is no answer to "after connect()?" */
		blank_if(r->state, a->value);
		break;
	case EX_LOCAL:
		blank_if(r->lport, a->port);
		break;
	case EX_REMOTE:
	case EX_DATA: /* recvfrom: who sent it, the row's remote columns */
		if (strcmp(a->ip, "?"))
			blank_if(r->rip, a->ip);
		if (strcmp(a->port, "?"))
			blank_if(r->rport, a->port);
		break;
	default:
		break;
	}
}

/* ---- a lesson's questions, checked when it is loaded ------------------- */

static bool is_call(enum verb v)
{
	const struct cmd_verb_info *d = cmd_verb_info(v);
	return d && (d->flags & CMD_F_CALL);
}

static bool is_receive(enum verb v)
{
	return v == V_RECV || v == V_RECVFROM;
}

/* A call after which the program may still be waiting when the next command runs. */
static bool may_block(enum verb v)
{
	return v == V_ACCEPT || v == V_CONNECT || v == V_SEND || is_receive(v) || v == V_SELECT;
}

static bool is_conversion(enum verb v)
{
	return v == V_INET_ADDR || v == V_INET_PTON || v == V_HTONS || v == V_HTONL || v == V_NTOHS || v == V_NTOHL;
}

static bool same_target(const struct target *a, const struct target *b)
{
	return a->side == b->side && prog_of(a->prog) == prog_of(b->prog) && a->child == b->child;
}

/* The cell of pl's tables for a target (sides and numbers checked by the parser). */
static bool in_range(const struct target *t)
{
	return t->side >= 0 && t->side < 3 && prog_of(t->prog) <= CMD_PROG_MAX && t->child >= 0 &&
	       t->child <= CMD_CHILD_MAX;
}

/* Why the question cannot be answered by c (line), or NULL when it can. */
static const char *unanswerable(const struct predict_lint *pl, size_t i, const struct cmd *c, char *why,
				size_t len)
{
	const struct target *q = &pl->q[i].t;
	enum expect_what what = pl->q[i].what;
	char who[16], by[16];
	cmd_prog_name(q->side, prog_of(q->prog), q->child, who, sizeof(who));
	if (c->t.side != SIDE_NONE)
		cmd_prog_name(c->t.side, prog_of(c->t.prog), c->t.child, by, sizeof(by));
	const char *verb = cmd_verb_name(c->verb);
	if (q->side == SIDE_NONE) { /* the bytes of a conversion */
		if (c->verb == V_HTONS || c->verb == V_HTONL)
			return NULL;
		snprintf(why, len, "\"predict result\" without a side asks for the bytes that the conversion after "
			 "it stores, and the next command is \"%s%s%s\"; expected htons or htonl next", c->t.side ? by : "",
			 c->t.side ? " " : "", verb);
		return why;
	}
	bool has = in_range(q) && pl->sock[q->side][prog_of(q->prog)];
	unsigned char waits = in_range(q) ? pl->wait[q->side][prog_of(q->prog)][q->child] : 0;
	bool own = c->t.side != SIDE_NONE && same_target(q, &c->t);
	switch (what) {
	case EX_STATE:
	case EX_LOCAL:
	case EX_REMOTE:
		if (is_conversion(c->verb) || c->verb == V_SYSCTL) {
			snprintf(why, len, "\"predict %s %s\" asks about %s's 5-tuple row after the next command, and "
				 "\"%s\" changes nothing there; expected the command it is about next (a call, a wire "
				 "command or a wait)", who, predict_field_name(what), who, verb);
			return why;
		}
		if (!has && !(own && c->verb == V_SOCKET)) {
			snprintf(why, len, "\"predict %s %s\" asks about %s's socket, and %s has none by the end of "
				 "the next command; expected \"%s socket tcp\" or \"%s socket udp\" before it", who,
				 predict_field_name(what), who, who, who, who);
			return why;
		}
		return NULL;
	case EX_RESULT:
		if (own && is_call(c->verb)) {
			if (!has && c->verb != V_SOCKET) {
				snprintf(why, len, "\"predict %s result\" asks what %s's %s returns, and %s has no "
					 "socket: the command is refused, no call is made; expected \"%s socket tcp\" "
					 "or \"%s socket udp\" before it", who, who, verb, who, who, who);
				return why;
			}
			return NULL;
		}
		if (!own && waits)
			return NULL; /* a call waiting since earlier may return during it */
		snprintf(why, len, "\"predict %s result\" asks what %s's next call returns, and the next command "
			 "(\"%s%s%s\") is no call of %s, nor can one of its calls still be waiting; expected a call "
			 "of %s next", who, who, c->t.side ? by : "", c->t.side ? " " : "", verb, who, who);
		return why;
	case EX_DATA:
		if (own && is_receive(c->verb))
			return NULL;
		if (!own && waits == 2)
			return NULL; /* a recv waiting since earlier may return during it */
		snprintf(why, len, "\"predict %s data\" asks what a recv or recvfrom of %s fills in, and the next "
			 "command (\"%s%s%s\") receives nothing for %s; expected \"%s recv\" or \"%s recvfrom\" "
			 "next, or another side's command while %s waits in one", who, who, c->t.side ? by : "",
			 c->t.side ? " " : "", verb, who, who, who, who);
		return why;
	default:
		return NULL;
	}
}

int predict_lint_next(struct predict_lint *pl, const struct cmd *c, unsigned line, unsigned *qline, char *why,
		      size_t len)
{
	if (c->verb == V_EXPECT || c->verb == V_SAY)
		return 0; /* asides: the question is about the command after them */
	if (c->verb == V_PREDICT) {
		if (pl->nq == PREDICT_LINT_MAX) {
			*qline = line;
			snprintf(why, len, "more than %d predictions before one command: expected at most %d",
				 PREDICT_LINT_MAX, PREDICT_LINT_MAX);
			return -EINVAL;
		}
		pl->q[pl->nq].t = c->t;
		pl->q[pl->nq].what = c->ex.what;
		pl->q[pl->nq].line = line;
		pl->nq++;
		return 0;
	}
	for (size_t i = 0; i < pl->nq; i++)
		if (unanswerable(pl, i, c, why, len)) {
			*qline = pl->q[i].line;
			return -EINVAL;
		}
	pl->nq = 0;
	if (c->t.side != SIDE_NONE && in_range(&c->t)) {
		int pr = prog_of(c->t.prog);
		if (c->verb == V_SOCKET)
			pl->sock[c->t.side][pr] = true;
		if (is_call(c->verb))
			pl->wait[c->t.side][pr][c->t.child] = is_receive(c->verb) ? 2 : may_block(c->verb) ? 1 : 0;
	}
	return 0;
}

int predict_lint_end(const struct predict_lint *pl, unsigned *qline, char *why, size_t len)
{
	if (!pl->nq)
		return 0;
	char who[16] = "";
	const struct target *q = &pl->q[0].t;
	if (q->side != SIDE_NONE)
		cmd_prog_name(q->side, prog_of(q->prog), q->child, who, sizeof(who));
	*qline = pl->q[0].line;
	snprintf(why, len, "\"predict %s%s%s\" has no command after it, so it is never answered; expected the "
		 "command it asks about after it", who, who[0] ? " " : "", predict_field_name(pl->q[0].what));
	return -EINVAL;
}
