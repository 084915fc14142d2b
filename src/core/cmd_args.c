/* cmd_args.c - the values inside a command: numbers, ports, addresses (and
 * what inet_addr() would make of one), durations, text, the options of an
 * address, and the program a command acts on ("server", "client2.1#4").
 * Each refusal is one line naming what was expected. Pure. */
#include "cmd_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MS_MAX 600000 /* ten minutes: longer waits are typos, not lessons */
#define IP_EXPECTED "expected four numbers 0-255 separated by dots, e.g. " EXAMPLE_IP

/* A word that is used as a C string must not hide a \0. */
static bool has_nul(const struct cmd_tok *t)
{
	return memchr(t->s, '\0', t->len) != NULL;
}

/* Decimal digits only: "-1", "+1", "80x", "0x50" and "" are all errors, so a
 * typo never silently becomes another number. */
bool parse_dec(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	unsigned long acc = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (acc > (max - d) / 10)
			return false;
		acc = acc * 10 + d;
	}
	*v = acc;
	return true;
}

/* htons/htonl also take 0x..., because byte-order lessons think in hex. */
bool parse_num(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	unsigned long acc = 0;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return parse_dec(s, n, max, v);
	for (size_t i = 2; i < n; i++) {
		int d = cmd_hexval(s[i]);
		if (d < 0 || acc > (max - (unsigned long)d) / 16)
			return false;
		acc = acc * 16 + (unsigned long)d;
	}
	*v = acc;
	return true;
}

int want_number(struct cmd_ctx *x, const struct cmd_tok *t, const char *what,
		       unsigned long lo, unsigned long hi, unsigned long *v)
{
	if (!parse_dec(t->s, t->len, hi, v) || *v < lo)
		return cmd_fail(x, "bad %s \"%s\": expected a number from %lu to %lu",
				what, cmd_show(t).s, lo, hi);
	return 0;
}

int want_port(struct cmd_ctx *x, const struct cmd_tok *t, uint16_t *port)
{
	unsigned long v;
	int r = want_number(x, t, "port", 0, 65535, &v);

	if (r == 0)
		*port = (uint16_t)v;
	return r;
}

/* Strict dotted quad. inet_addr() also takes "1.2.3", "0x7f.1" and reads
 * "010" as octal 8; the lessons show that trap with the inet_addr command,
 * but an address a socket will use must mean what it looks like. */
int want_ip(struct cmd_ctx *x, const struct cmd_tok *t, struct in_addr *out)
{
	uint32_t host = 0;
	size_t parts = 0, i = 0;

	if (has_nul(t) || t->len == 0)
		return cmd_fail(x, "bad address \"%s\": " IP_EXPECTED, cmd_show(t).s);
	for (;;) {
		size_t b = i;
		while (i < t->len && t->s[i] != '.')
			i++;
		unsigned long v;
		parts++;
		if (parts > 4)
			break;
		if (i - b > 1 && t->s[b] == '0' && parse_dec(t->s + b, i - b, 999, &v))
			return cmd_fail(x, "bad address \"%s\": \"%s\" has a leading zero, which inet_addr reads as octal; "
					IP_EXPECTED, cmd_show(t).s, cmd_show_bytes(t->s + b, i - b).s);
		if (!parse_dec(t->s + b, i - b, 999, &v))
			return cmd_fail(x, "bad address \"%s\": " IP_EXPECTED, cmd_show(t).s);
		if (v > 255)
			return cmd_fail(x, "bad address \"%s\": %lu is more than 255; " IP_EXPECTED, cmd_show(t).s, v);
		host = host << 8 | (uint32_t)v;
		if (i >= t->len)
			break;
		i++; /* the dot */
		if (i >= t->len) { /* "1.2.3." : an empty last part */
			parts = 0;
			break;
		}
	}
	if (parts != 4)
		return cmd_fail(x, "bad address \"%s\": " IP_EXPECTED, cmd_show(t).s);
	out->s_addr = htonl(host);
	return 0;
}

/* What inet_addr() reads, for an address the user converts with it on
 * purpose: one to four parts, each decimal, octal (leading 0) or hex (0x),
 * the last filling the bits left ("1.2.3" is 1.2.0.3). The C library
 * decides (inet_aton, which inet_addr is made of: it also takes
 * 255.255.255.255, for which inet_addr returns INADDR_NONE, the lecture's
 * trap). Only its own characters: no blank or text may follow. */
static bool inet_addr_reads(const struct cmd_tok *t, struct in_addr *out)
{
	if (t->len == 0 || t->len >= CMD_ADDR_MAX)
		return false;
	for (size_t i = 0; i < t->len; i++)
		if (cmd_hexval(t->s[i]) < 0 && t->s[i] != '.' && t->s[i] != 'x' && t->s[i] != 'X')
			return false;
	return inet_aton(t->s, out) != 0;
}

/* Address and port as typed and as the socket will use them. */
int want_ip_port(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *ip, const struct cmd_tok *port,
			enum ip_mode mode)
{
	struct in_addr read;
	int r;

	if (mode == IP_INET_ADDR) {
		if (ip->len >= CMD_ADDR_MAX)
			return cmd_fail(x, "bad address \"%s\" for inet_addr: %zu bytes; at most %d expected", cmd_show(ip).s,
					ip->len, CMD_ADDR_MAX - 1);
		if (!inet_addr_reads(ip, &c->addr))
			return cmd_fail(x, "bad address \"%s\" for inet_addr: expected 1 to 4 numbers separated by dots, "
					"each decimal, octal (leading 0) or hex (0x), e.g. 1.2.3, 010.0.0.1 or 0x7f.1",
					cmd_show(ip).s);
	} else {
		r = want_ip(x, ip, &c->addr);
		if (r < 0 && mode == IP_HINT && x->err && inet_addr_reads(ip, &read)) {
			size_t l = strlen(x->err);
			unsigned char b[4];
			memcpy(b, &read.s_addr, 4);
			snprintf(x->err + l, x->errlen - l, " (with the option inet_addr it means %u.%u.%u.%u)", b[0],
				 b[1], b[2], b[3]);
		}
		if (r < 0)
			return r;
	}
	memcpy(c->addr_text, ip->s, ip->len + 1); /* validated: shorter than CMD_ADDR_MAX */
	return want_port(x, port, &c->port);
}

int cmd_parse_ms(const char *s, unsigned *ms)
{
	unsigned long whole = 0, frac = 0, scale = 1;
	size_t n, i = 0, digits = 0;

	if (!s || !ms)
		return -EINVAL;
	n = strlen(s);
	while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 7) {
		whole = whole * 10 + (unsigned long)(s[i++] - '0');
		digits++;
	}
	if (digits == 0)
		return -EINVAL;
	if (i < n && s[i] == '.') {
		/* Fractions only make sense for seconds, and only to the millisecond. */
		size_t f = 0;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, f++) {
			if (f >= 3)
				return -EINVAL;
			frac = frac * 10 + (unsigned long)(s[i] - '0');
		}
		if (f == 0 || strcmp(s + i, "s") != 0)
			return -EINVAL;
		for (; f < 3; f++)
			frac *= 10;
		scale = 1000;
	} else if (strcmp(s + i, "s") == 0) {
		scale = 1000;
	} else if (i < n && strcmp(s + i, "ms") != 0) {
		return -EINVAL;
	}
	if (whole > MS_MAX) /* also keeps the multiply below in range */
		return -EINVAL;
	whole = whole * scale + frac;
	if (whole > MS_MAX)
		return -EINVAL;
	*ms = (unsigned)whole;
	return 0;
}

int want_ms(struct cmd_ctx *x, const struct cmd_tok *t, unsigned *ms)
{
	if (has_nul(t) || cmd_parse_ms(t->s, ms) < 0)
		return cmd_fail(x, "bad duration \"%s\": expected milliseconds or seconds from 0 to 600000 ms, "
				"e.g. 300ms or 1.5s", cmd_show(t).s);
	return 0;
}

/* Payload text: send, sendto, say, expect data. */
int want_data(struct cmd_ctx *x, struct cmd *c, const char *s, size_t n)
{
	if (n > CMD_DATA_MAX)
		return cmd_fail(x, "\"%s\" text is %zu bytes; at most %d expected", x->who, n, CMD_DATA_MAX);
	memcpy(c->data, s, n);
	c->data_len = n;
	return 0;
}

/* Copy a word into a fixed string field, refusing what would not fit. */
int want_text(struct cmd_ctx *x, const struct cmd_tok *t, char *dst, size_t size, const char *what)
{
	if (has_nul(t))
		return cmd_fail(x, "%s \"%s\" contains \\0: expected plain text", what, cmd_show(t).s);
	if (t->len >= size)
		return cmd_fail(x, "%s \"%s\" is %zu bytes; at most %zu expected", what, cmd_show(t).s, t->len,
				size - 1);
	memcpy(dst, t->s, t->len + 1);
	return 0;
}

/* The one check every command shares: the right number of words after it. */
int want_count(struct cmd_ctx *x, size_t n, const struct cmd_tok *args, int min, int max,
		      const char *needs, const char *example)
{
	if (n < (size_t)min)
		return cmd_fail(x, "\"%s\" needs %s, e.g. %s", x->who, needs, example);
	if (max >= 0 && n > (size_t)max) {
		if (max == 0)
			return cmd_fail(x, "\"%s\" takes no arguments; unexpected \"%s\"", x->who,
					cmd_show(&args[max]).s);
		return cmd_fail(x, "\"%s\" takes at most %d argument%s; unexpected \"%s\", e.g. %s", x->who,
				max, max == 1 ? "" : "s", cmd_show(&args[max]).s, example);
	}
	return 0;
}

/* ---- sides ------------------------------------------------------------- */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* "server", "client", their short forms, a program number ("client2"), a
 * forked child (".1"), optionally "#FD" (cmd_int.h). */
int match_side(const char *w, size_t len, struct target *tg)
{
	static const struct { const char *w; enum side s; } names[] = {
		{ "server", SIDE_SERVER }, { "client", SIDE_CLIENT },
		{ "srv", SIDE_SERVER },    { "cli", SIDE_CLIENT },
	};
	const char *hash = memchr(w, '#', len);
	size_t n = hash ? (size_t)(hash - w) : len;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t p = strlen(names[i].w);
		if (n < p || memcmp(w, names[i].w, p) != 0)
			continue;
		/* After the name only a program number or ".N" may follow: "client2",
		 * "server.1", "client2.3". Anything else ("clientx") is another word. */
		if (p < n && !is_digit(w[p]) && w[p] != '.')
			continue;
		unsigned long prog = 1, child = 0;
		if (p < n && is_digit(w[p])) {
			if (w[p] < '2' || (p + 1 < n && w[p + 1] != '.'))
				return SIDE_BAD_PROG; /* client0, client1, client10 */
			prog = (unsigned long)(w[p] - '0');
			p++;
		}
		if (p < n) { /* the '.': one digit 1-9 and nothing after it */
			if (p + 2 != n || w[p + 1] < '1' || w[p + 1] > '9')
				return SIDE_BAD_PROG; /* server.0, server.x, server.1.2, server. */
			child = (unsigned long)(w[p + 1] - '0');
		}
		tg->side = names[i].s;
		tg->prog = (int)prog;
		tg->child = (int)child;
		tg->fd = -1;
		if (hash) {
			unsigned long fd;
			if (!parse_dec(hash + 1, len - n - 1, 65535, &fd))
				return SIDE_BAD_FD;
			tg->fd = (int)fd;
		}
		return 1;
	}
	return 0;
}

int parse_side(struct cmd_ctx *x, const struct cmd_tok *t, struct target *tg)
{
	int r = match_side(t->s, t->len, tg);

	if (r == SIDE_BAD_PROG)
		return cmd_fail(x, "bad program \"%s\": expected server or client, then a program number 2-9 and "
				"\".N\" for a forked child 1-9, e.g. client2, server.1, client2.1#4", cmd_show(t).s);
	if (r == SIDE_BAD_FD)
		return cmd_fail(x, "bad descriptor in \"%s\": expected a number from 0 to 65535 after '#', e.g. %s#4",
				cmd_show(t).s, side_name(tg->side));
	return r;
}

/* ---- the options of an address ----------------------------------------- */

const char *const conv_words[] = { "inet_addr", "inet_pton", "nohtons", NULL };

/* [inet_addr|inet_pton] [nohtons] in any order, each at most once. */
int parse_conv(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	bool seen[3] = { false, false, false };

	for (size_t i = 0; i < n; i++) {
		int k = cmd_lookup(&a[i], conv_words);
		if (k < 0)
			return cmd_fail(x, "unknown option \"%s\" for \"%s\": expected inet_addr, inet_pton or nohtons%s",
					cmd_show(&a[i]).s, x->who, cmd_suggest(&a[i], conv_words).s);
		if (seen[k])
			return cmd_fail(x, "option \"%s\" given twice in \"%s\": expected each option at most once",
					conv_words[k], x->who);
		seen[k] = true;
	}
	if (seen[0] && seen[1])
		return cmd_fail(x, "\"inet_addr\" and \"inet_pton\" both given in \"%s\": expected one of them",
				x->who);
	c->conv = seen[1] ? CONV_INET_PTON : CONV_INET_ADDR;
	c->nohtons = seen[2];
	return 0;
}

void set_who(struct cmd_ctx *x, const struct cmd_tok *a, size_t n)
{
	size_t w = 0;

	x->who[0] = '\0';
	for (size_t i = 0; i < n && w < sizeof x->who; i++) {
		int k = snprintf(x->who + w, sizeof x->who - w, "%s%s", i ? " " : "", cmd_show(&a[i]).s);
		if (k < 0)
			break;
		w += (size_t)k;
	}
}

/* ---- the argv of "SIDE run" ---------------------------------------------- */

int cmd_run_argv(const struct cmd *c, const char **argv, int max)
{
	size_t off = 0;
	int k = 0;

	if (!c || !argv || c->verb != V_RUN || c->count > CMD_RUN_ARGS || c->data_len > CMD_DATA_MAX)
		return -EINVAL;
	if (max < 0 || (unsigned long)max < c->count + 2)
		return -E2BIG;
	argv[k++] = c->path;
	for (unsigned long i = 0; i < c->count; i++) {
		const char *w = (const char *)c->data + off;
		const char *end = memchr(w, '\0', c->data_len - off);
		if (off >= c->data_len || !end) /* only a struct not made by cmd_parse */
			return -EINVAL;
		argv[k++] = w;
		off += (size_t)(end - w) + 1;
	}
	argv[k] = NULL;
	return k;
}
