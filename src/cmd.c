/* cmd.c - the command language: one line of text in, one struct cmd (or one
 * error line) out. Pure and table-driven: no I/O, no allocation, no mutable
 * globals. Every error names what was expected, because the same parser
 * answers a student at the ':' prompt and a teacher writing a lesson file.
 * The verb table ("the verb table" below) is the whole grammar: parsing,
 * error word lists, completion, cmd_acts() and help (help.c) read it. */
#include "cmd.h"
#include "tuple.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define TOK_MAX 16    /* more words than any command takes; extra ones are only counted */
#define SHOW_MAX 40   /* longest token echoed in an error message */
#define MS_MAX 600000 /* ten minutes: longer waits are typos, not lessons */
#define EXAMPLE_IP "200.0.0.2"
#define IP_EXPECTED "expected four numbers 0-255 separated by dots, e.g. " EXAMPLE_IP

/* ---- tokens ------------------------------------------------------------ */

struct cmd_tok {
	const char *s;    /* unescaped text, NUL-terminated (may hold inner NULs from \0) */
	size_t len;
	bool quoted;
	size_t start;     /* byte offset in the line, quote included: say keeps the raw span */
};

struct toks {
	struct cmd_tok v[TOK_MAX];
	size_t n;         /* words seen; only the first TOK_MAX are stored */
	size_t last_end;  /* end offset of the last word, stored or not */
	char store[CMD_LINE_MAX + TOK_MAX + 1]; /* unescaped words: at most the line plus NULs */
	size_t used;
};

/* Parser state shared by the small functions below: where errors go, and the
 * words of the command as typed, for messages ("server bind"). */
struct cmd_ctx {
	char *err;
	size_t errlen;
	struct toks tk;
	char who[96];     /* the command as typed so far, e.g. "server#4 bind" */
	char side[32];    /* the side word as typed, for examples, e.g. "server" */
	const char *line; /* the whole line: say keeps its text as typed */
};

/* A word as shown inside an error: escaped so the message stays one line, and
 * cut short so a 4000-byte token cannot crowd out the explanation. */
struct shown {
	char s[SHOW_MAX + 8];
};

static struct shown show_bytes(const char *s, size_t n)
{
	struct shown o;
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (w >= SHOW_MAX) {
			memcpy(o.s + w, "...", 3);
			w += 3;
			break;
		}
		if (ch == '"' || ch == '\\') {
			o.s[w++] = '\\';
			o.s[w++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			w += (size_t)snprintf(o.s + w, sizeof o.s - w, "\\x%02X", ch);
		} else {
			o.s[w++] = (char)ch;
		}
	}
	o.s[w] = '\0';
	return o;
}

static struct shown show(const struct cmd_tok *t)
{
	return show_bytes(t->s, t->len);
}

__attribute__((format(printf, 2, 3)))
static int fail(struct cmd_ctx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->err && x->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
		/* The contract is one line, whatever slipped into the arguments. */
		for (char *p = x->err; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
	}
	return -EINVAL;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Emit one byte of a word, or only count it when the word is past TOK_MAX. */
static void put(struct toks *tk, bool keep, char ch)
{
	if (keep)
		tk->store[tk->used++] = ch;
}

/* One "..." word starting at line[*i] (the quote); C escapes are decoded so
 * lessons can send "\r\n" the way an HTTP client does. */
static int lex_quoted(struct cmd_ctx *x, const char *line, size_t len, size_t *i, bool keep)
{
	size_t open = *i, p = *i + 1;

	for (;;) {
		if (p >= len)
			return fail(x, "unterminated quote starting at column %zu: expected a closing \"",
				    open + 1);
		char ch = line[p];
		if (ch == '"')
			break;
		if (ch != '\\') {
			put(&x->tk, keep, ch);
			p++;
			continue;
		}
		if (p + 1 >= len)
			return fail(x, "unterminated quote starting at column %zu: expected a closing \"",
				    open + 1);
		char e = line[p + 1];
		const char *from = "ntr\\\"0", *to = "\n\t\r\\\"\0";
		const char *hit = e ? strchr(from, e) : NULL;
		if (hit) {
			put(&x->tk, keep, to[hit - from]);
			p += 2;
		} else if (e == 'x' && p + 3 < len && hexval(line[p + 2]) >= 0 &&
			   hexval(line[p + 3]) >= 0) {
			put(&x->tk, keep, (char)(hexval(line[p + 2]) * 16 + hexval(line[p + 3])));
			p += 4;
		} else {
			size_t n = 2; /* show "\\q", or "\\x4" without the text after it */
			if (e == 'x' && p + 2 < len && hexval(line[p + 2]) >= 0)
				n = 3;
			return fail(x, "bad escape \"\\%s\" at column %zu: expected \\n, \\t, \\r, \\\\, \\\", \\0 or \\xHH",
				    show_bytes(line + p + 1, n - 1).s, p + 1);
		}
	}
	p++; /* closing quote */
	if (p < len && !is_blank(line[p]))
		return fail(x, "expected a blank after the closing quote at column %zu, found \"%s\"",
			    p + 1, show_bytes(line + p, 1).s);
	*i = p;
	return 0;
}

/* One bare word: ends at a blank. A quote inside it is almost always a
 * missing blank or a half-quoted text, so it is an error, not literal. */
static int lex_bare(struct cmd_ctx *x, const char *line, size_t len, size_t *i, bool keep)
{
	size_t p = *i;

	while (p < len && !is_blank(line[p])) {
		if (line[p] == '"')
			return fail(x, "unexpected quote at column %zu inside the word \"%s\": "
				    "expected the whole text in quotes, e.g. \"hello world\"",
				    p + 1, show_bytes(line + *i, p - *i).s);
		put(&x->tk, keep, line[p]);
		p++;
	}
	*i = p;
	return 0;
}

/* Split the line into words. '#' starts a comment only at the start of a
 * word, so "server#4" stays one word while "server close # done" ends early. */
static int lex(struct cmd_ctx *x, const char *line, size_t len)
{
	struct toks *tk = &x->tk;
	size_t i = 0;

	tk->n = tk->used = tk->last_end = 0;
	for (;;) {
		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len || line[i] == '#')
			return 0;
		bool keep = tk->n < TOK_MAX;
		struct cmd_tok *t = keep ? &tk->v[tk->n] : NULL;
		size_t first = tk->used;
		bool quoted = line[i] == '"';
		size_t start = i;
		int r = quoted ? lex_quoted(x, line, len, &i, keep) : lex_bare(x, line, len, &i, keep);
		if (r < 0)
			return r;
		if (t) {
			t->s = tk->store + first;
			t->len = tk->used - first;
			t->quoted = quoted;
			t->start = start;
			tk->store[tk->used++] = '\0';
		}
		tk->n++;
		tk->last_end = i;
	}
}

/* ---- small value parsers ---------------------------------------------- */

static bool tok_is(const struct cmd_tok *t, const char *word)
{
	return t->len == strlen(word) && memcmp(t->s, word, t->len) == 0;
}

/* A word that is used as a C string must not hide a \0. */
static bool has_nul(const struct cmd_tok *t)
{
	return memchr(t->s, '\0', t->len) != NULL;
}

/* Decimal digits only: "-1", "+1", "80x", "0x50" and "" are all errors, so a
 * typo never silently becomes another number. */
static bool parse_dec(const char *s, size_t n, unsigned long max, unsigned long *v)
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
static bool parse_num(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	unsigned long acc = 0;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return parse_dec(s, n, max, v);
	for (size_t i = 2; i < n; i++) {
		int d = hexval(s[i]);
		if (d < 0 || acc > (max - (unsigned long)d) / 16)
			return false;
		acc = acc * 16 + (unsigned long)d;
	}
	*v = acc;
	return true;
}

static int want_number(struct cmd_ctx *x, const struct cmd_tok *t, const char *what,
		       unsigned long lo, unsigned long hi, unsigned long *v)
{
	if (!parse_dec(t->s, t->len, hi, v) || *v < lo)
		return fail(x, "bad %s \"%s\": expected a number from %lu to %lu",
			    what, show(t).s, lo, hi);
	return 0;
}

static int want_port(struct cmd_ctx *x, const struct cmd_tok *t, uint16_t *port)
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
static int want_ip(struct cmd_ctx *x, const struct cmd_tok *t, struct in_addr *out)
{
	uint32_t host = 0;
	size_t parts = 0, i = 0;

	if (has_nul(t) || t->len == 0)
		return fail(x, "bad address \"%s\": " IP_EXPECTED, show(t).s);
	for (;;) {
		size_t b = i;
		while (i < t->len && t->s[i] != '.')
			i++;
		unsigned long v;
		parts++;
		if (parts > 4)
			break;
		if (i - b > 1 && t->s[b] == '0' && parse_dec(t->s + b, i - b, 999, &v))
			return fail(x, "bad address \"%s\": \"%s\" has a leading zero, which inet_addr reads as octal; "
				    IP_EXPECTED, show(t).s, show_bytes(t->s + b, i - b).s);
		if (!parse_dec(t->s + b, i - b, 999, &v))
			return fail(x, "bad address \"%s\": " IP_EXPECTED, show(t).s);
		if (v > 255)
			return fail(x, "bad address \"%s\": %lu is more than 255; " IP_EXPECTED, show(t).s, v);
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
		return fail(x, "bad address \"%s\": " IP_EXPECTED, show(t).s);
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
		if (hexval(t->s[i]) < 0 && t->s[i] != '.' && t->s[i] != 'x' && t->s[i] != 'X')
			return false;
	return inet_aton(t->s, out) != 0;
}

/* How an address of bind, connect and sendto is read: strictly unless the
 * user asked for inet_addr by name (the lesson is then inet_addr itself). */
enum ip_mode {
	IP_STRICT,    /* flood, expect: a dotted quad */
	IP_HINT,      /* bind, connect, sendto: a dotted quad; the error says what inet_addr would read */
	IP_INET_ADDR, /* "... inet_addr": whatever inet_addr() reads */
};

/* Address and port as typed and as the socket will use them. */
static int want_ip_port(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *ip, const struct cmd_tok *port,
			enum ip_mode mode)
{
	struct in_addr read;
	int r;

	if (mode == IP_INET_ADDR) {
		if (ip->len >= CMD_ADDR_MAX)
			return fail(x, "bad address \"%s\" for inet_addr: %zu bytes; at most %d expected", show(ip).s,
				    ip->len, CMD_ADDR_MAX - 1);
		if (!inet_addr_reads(ip, &c->addr))
			return fail(x, "bad address \"%s\" for inet_addr: expected 1 to 4 numbers separated by dots, "
				    "each decimal, octal (leading 0) or hex (0x), e.g. 1.2.3, 010.0.0.1 or 0x7f.1",
				    show(ip).s);
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

static int want_ms(struct cmd_ctx *x, const struct cmd_tok *t, unsigned *ms)
{
	if (has_nul(t) || cmd_parse_ms(t->s, ms) < 0)
		return fail(x, "bad duration \"%s\": expected milliseconds or seconds from 0 to 600000 ms, "
			    "e.g. 300ms or 1.5s", show(t).s);
	return 0;
}

/* Payload text: send, sendto, say, expect data. */
static int want_data(struct cmd_ctx *x, struct cmd *c, const char *s, size_t n)
{
	if (n > CMD_DATA_MAX)
		return fail(x, "\"%s\" text is %zu bytes; at most %d expected", x->who, n, CMD_DATA_MAX);
	memcpy(c->data, s, n);
	c->data_len = n;
	return 0;
}

/* Copy a word into a fixed string field, refusing what would not fit. */
static int want_text(struct cmd_ctx *x, const struct cmd_tok *t, char *dst, size_t size, const char *what)
{
	if (has_nul(t))
		return fail(x, "%s \"%s\" contains \\0: expected plain text", what, show(t).s);
	if (t->len >= size)
		return fail(x, "%s \"%s\" is %zu bytes; at most %zu expected", what, show(t).s, t->len,
			    size - 1);
	memcpy(dst, t->s, t->len + 1);
	return 0;
}

/* ---- suggestions ------------------------------------------------------- */

static char lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

/* Edit distance ignoring case, a swap of two neighbours counting as one edit
 * ("tpc" -> "tcp"), for "did you mean". Long words get no suggestion: nobody
 * mistypes "bind" as forty letters. */
static size_t distance(const char *a, size_t an, const char *b)
{
	enum { W = 32 };
	unsigned char d[W + 1][W + 1];
	size_t bn = strlen(b);

	if (an > W || bn > W)
		return W;
	for (size_t i = 0; i <= an; i++)
		d[i][0] = (unsigned char)i;
	for (size_t j = 0; j <= bn; j++)
		d[0][j] = (unsigned char)j;
	for (size_t i = 1; i <= an; i++) {
		for (size_t j = 1; j <= bn; j++) {
			unsigned sub = d[i - 1][j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
			unsigned del = d[i - 1][j] + 1u, ins = d[i][j - 1] + 1u;
			unsigned best = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1u;
			d[i][j] = (unsigned char)best;
		}
	}
	return d[an][bn];
}

/* "; did you mean "bind"?" when one word is close, else "". */
static struct shown suggest(const struct cmd_tok *t, const char *const *words)
{
	struct shown o = { "" };
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; words[i]; i++) {
		size_t d = distance(t->s, t->len, words[i]);
		size_t limit = strlen(words[i]) <= 3 ? 1 : 2; /* "rd" is 2 edits from anything short */
		if (d <= limit && d < best_d) {
			best = words[i];
			best_d = d;
		}
	}
	if (best)
		snprintf(o.s, sizeof o.s, "; did you mean \"%s\"?", best);
	return o;
}

/* "a, b or c" */
struct list {
	char s[288];
};

static struct list join(const char *const *words)
{
	struct list o = { "" };
	size_t n = 0, w = 0;

	while (words[n])
		n++;
	for (size_t i = 0; i < n && w < sizeof o.s; i++) {
		const char *sep = i == 0 ? "" : (i + 1 == n ? " or " : ", ");
		int k = snprintf(o.s + w, sizeof o.s - w, "%s%s", sep, words[i]);
		if (k < 0)
			break;
		w += (size_t)k;
	}
	return o;
}

static int lookup(const struct cmd_tok *t, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (tok_is(t, words[i]))
			return i;
	return -1;
}

/* The one check every command shares: the right number of words after it. */
static int want_count(struct cmd_ctx *x, size_t n, const struct cmd_tok *args, int min, int max,
		      const char *needs, const char *example)
{
	if (n < (size_t)min)
		return fail(x, "\"%s\" needs %s, e.g. %s", x->who, needs, example);
	if (max >= 0 && n > (size_t)max) {
		if (max == 0)
			return fail(x, "\"%s\" takes no arguments; unexpected \"%s\"", x->who,
				    show(&args[max]).s);
		return fail(x, "\"%s\" takes at most %d argument%s; unexpected \"%s\", e.g. %s", x->who,
			    max, max == 1 ? "" : "s", show(&args[max]).s, example);
	}
	return 0;
}

/* ---- sides ------------------------------------------------------------- */

/* "server", "client", their short forms, a program number ("client2"), a
 * forked child (".1"), optionally "#FD". Returns 1 for a side, 0 for any
 * other word, SIDE_BAD_PROG for a side with a bad program or child, and
 * SIDE_BAD_FD for a bad "#FD". No messages: completion uses it too. */
enum { SIDE_BAD_PROG = -1, SIDE_BAD_FD = -2 };

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int match_side(const char *w, size_t len, struct target *tg)
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

static int parse_side(struct cmd_ctx *x, const struct cmd_tok *t, struct target *tg)
{
	int r = match_side(t->s, t->len, tg);

	if (r == SIDE_BAD_PROG)
		return fail(x, "bad program \"%s\": expected server or client, then a program number 2-9 and "
			    "\".N\" for a forked child 1-9, e.g. client2, server.1, client2.1#4", show(t).s);
	if (r == SIDE_BAD_FD)
		return fail(x, "bad descriptor in \"%s\": expected a number from 0 to 65535 after '#', e.g. %s#4",
			    show(t).s, side_name(tg->side));
	return r;
}

/* ---- side commands: SIDE verb ARGS ------------------------------------- */

typedef int (*parse_fn)(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n);

/* Words of arguments, for Tab completion (the verb table names them). */
static const char *const sel_words[] = { "rd", "wr", "rdwr", NULL };
static const char *const how_words[] = { "rd", "wr", "both", NULL };
static const char *const opt_words[] = { "reuseaddr", NULL };
static const char *const onoff_words[] = { "on", "off", NULL };
static const char *const yesno_words[] = { "yes", "no", NULL };
static const char *const udp_words[] = { "udp", NULL };

static const char *const conv_words[] = { "inet_addr", "inet_pton", "nohtons", NULL };

/* [inet_addr|inet_pton] [nohtons] in any order, each at most once. */
static int parse_conv(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	bool seen[3] = { false, false, false };

	for (size_t i = 0; i < n; i++) {
		int k = lookup(&a[i], conv_words);
		if (k < 0)
			return fail(x, "unknown option \"%s\" for \"%s\": expected inet_addr, inet_pton or nohtons%s",
				    show(&a[i]).s, x->who, suggest(&a[i], conv_words).s);
		if (seen[k])
			return fail(x, "option \"%s\" given twice in \"%s\": expected each option at most once",
				    conv_words[k], x->who);
		seen[k] = true;
	}
	if (seen[0] && seen[1])
		return fail(x, "\"inet_addr\" and \"inet_pton\" both given in \"%s\": expected one of them",
			    x->who);
	c->conv = seen[1] ? CONV_INET_PTON : CONV_INET_ADDR;
	c->nohtons = seen[2];
	return 0;
}

/* The lecture's table of families and types (socket(2)): the words a
 * student types, the call sockstep makes, and what each is for. */
static const struct sock_kind sock_kinds[] = {
	{ "tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP, "PF_INET", "SOCK_STREAM", "IPPROTO_TCP", PROTO_TCP,
	  "IPv4 (ip(7)), connection-oriented byte stream: TCP" },
	{ "udp", AF_INET, SOCK_DGRAM, IPPROTO_UDP, "PF_INET", "SOCK_DGRAM", "IPPROTO_UDP", PROTO_UDP,
	  "IPv4 (ip(7)), datagrams: UDP" },
	{ "unix", AF_UNIX, SOCK_STREAM, 0, "PF_UNIX", "SOCK_STREAM", "0", PROTO_NONE,
	  "AF_UNIX (unix(7)): local communication between processes of one host, named by a file" },
	{ "unix-dgram", AF_UNIX, SOCK_DGRAM, 0, "PF_UNIX", "SOCK_DGRAM", "0", PROTO_NONE,
	  "AF_UNIX (unix(7)) datagrams: local messages, reliable and in order within one host" },
	{ "inet6", AF_INET6, SOCK_STREAM, IPPROTO_TCP, "PF_INET6", "SOCK_STREAM", "IPPROTO_TCP", PROTO_NONE,
	  "AF_INET6 (ipv6(7)): TCP over IPv6 (the lab runs IPv4 only)" },
	{ "inet6-udp", AF_INET6, SOCK_DGRAM, IPPROTO_UDP, "PF_INET6", "SOCK_DGRAM", "IPPROTO_UDP", PROTO_NONE,
	  "AF_INET6 (ipv6(7)): UDP over IPv6 (the lab runs IPv4 only)" },
	{ "raw", AF_INET, SOCK_RAW, IPPROTO_ICMP, "PF_INET", "SOCK_RAW", "IPPROTO_ICMP", PROTO_NONE,
	  "SOCK_RAW (raw(7)): raw network protocol access, here ICMP, as ping uses" },
	{ "seqpacket", AF_INET, SOCK_SEQPACKET, 0, "PF_INET", "SOCK_SEQPACKET", "0", PROTO_NONE,
	  "SOCK_SEQPACKET: sequenced, reliable, connection-based datagrams (SCTP in PF_INET)" },
	{ "unix-seqpacket", AF_UNIX, SOCK_SEQPACKET, 0, "PF_UNIX", "SOCK_SEQPACKET", "0", PROTO_NONE,
	  "SOCK_SEQPACKET in AF_UNIX: reliable, ordered messages between local processes" },
	{ "rdm", AF_INET, SOCK_RDM, 0, "PF_INET", "SOCK_RDM", "0", PROTO_NONE,
	  "SOCK_RDM: reliable datagrams without ordering (no PF_INET protocol provides it)" },
	{ "packet", AF_PACKET, SOCK_RAW, 0, "PF_PACKET", "SOCK_RAW", "0", PROTO_NONE,
	  "AF_PACKET (packet(7)): whole frames at the device level, as tcpdump reads them" },
	{ "netlink", AF_NETLINK, SOCK_RAW, 0, "PF_NETLINK", "SOCK_RAW", "NETLINK_ROUTE", PROTO_NONE,
	  "AF_NETLINK (netlink(7)): talking to the kernel itself, as ip(8) does" },
};
#define N_SOCK_KINDS (sizeof sock_kinds / sizeof sock_kinds[0])

static const char *const sock_words[] = {
	"tcp", "udp", "unix", "unix-dgram", "inet6", "inet6-udp", "raw", "seqpacket", "unix-seqpacket",
	"rdm", "packet", "netlink", NULL,
};

static int p_socket(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	int k = lookup(&a[0], sock_words);

	(void)n;
	if (k < 0)
		return fail(x, "bad protocol \"%s\": expected tcp or udp (or one of the lecture's other kinds: "
			    "unix, inet6, raw, seqpacket, ...), e.g. %s socket tcp%s",
			    show(&a[0]).s, x->side, suggest(&a[0], sock_words).s);
	c->kind = &sock_kinds[k];
	c->proto = sock_kinds[k].proto;
	return 0;
}

static int p_onoff(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const char *const onoff[] = { "off", "on", NULL };
	int k = lookup(&a[0], onoff);

	(void)n;
	if (k < 0)
		return fail(x, "bad value \"%s\" for \"%s\": expected on or off, e.g. %s nonblock on",
			    show(&a[0]).s, x->who, x->side);
	c->optval = k;
	return 0;
}

/* select [rd|wr|rdwr] [FD ...] ('#' would start a comment) */
static int p_select(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long fd;
		if (i == 0 && (tok_is(&a[i], "rd") || tok_is(&a[i], "wr") || tok_is(&a[i], "rdwr"))) {
			c->sel_rd = !tok_is(&a[i], "wr");
			c->sel_wr = !tok_is(&a[i], "rd");
			continue;
		}
		if (!parse_dec(a[i].s, a[i].len, 1023, &fd))
			return fail(x, "bad word \"%s\" in \"%s\": expected rd, wr or rdwr first, then descriptor "
				    "numbers 0-1023, e.g. %s select rd 3 4", show(&a[i]).s, x->who, x->side);
		if (c->sel_n >= CMD_SEL_MAX)
			return fail(x, "\"%s\" names more than %d descriptors", x->who, CMD_SEL_MAX);
		c->sel_fd[c->sel_n++] = (int)fd;
	}
	if (!c->sel_rd && !c->sel_wr)
		c->sel_rd = true;
	return 0;
}

/* bind/connect/sendto: inet_addr's own forms only when it is named among
 * the options; inet_pton reads dotted quads only, so no hint goes with it. */
static enum ip_mode addr_mode(const struct cmd_tok *opts, size_t n)
{
	enum ip_mode m = IP_HINT;

	for (size_t i = 0; i < n; i++) {
		if (tok_is(&opts[i], "inet_addr"))
			return IP_INET_ADDR;
		if (tok_is(&opts[i], "inet_pton"))
			m = IP_STRICT;
	}
	return m;
}

static int p_addr(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	int r = want_ip_port(x, c, &a[0], &a[1], addr_mode(a + 2, n - 2));

	return r < 0 ? r : parse_conv(x, c, a + 2, n - 2);
}

static int p_listen(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long v;

	if (n == 0)
		return 0;
	if (want_number(x, &a[0], "backlog", 0, 4096, &v) < 0)
		return -EINVAL;
	c->backlog = (int)v;
	return 0;
}

static int p_send(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return want_data(x, c, a[0].s, a[0].len);
}

static int p_recv(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long v;

	if (n == 0)
		return 0;
	if (want_number(x, &a[0], "byte count", 1, 65536, &v) < 0)
		return -EINVAL;
	c->maxlen = v;
	return 0;
}

static int p_sendto(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	int r = want_ip_port(x, c, &a[0], &a[1], addr_mode(a + 3, n - 3));

	if (r == 0)
		r = want_data(x, c, a[2].s, a[2].len);
	return r < 0 ? r : parse_conv(x, c, a + 3, n - 3);
}

static int p_shutdown(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const char *const hows[] = { "rd", "wr", "both", NULL };
	static const int how_val[] = { SHUT_RD, SHUT_WR, SHUT_RDWR };
	int k = lookup(&a[0], hows);

	(void)n;
	if (k < 0)
		return fail(x, "bad shutdown direction \"%s\": expected rd, wr or both, e.g. %s shutdown wr%s",
			    show(&a[0]).s, x->side, suggest(&a[0], hows).s);
	c->how = how_val[k];
	return 0;
}

static int p_setsockopt(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const char *const opts[] = { "reuseaddr", NULL };
	static const char *const onoff[] = { "off", "on", NULL };
	int k;

	(void)n;
	if (lookup(&a[0], opts) < 0)
		return fail(x, "unknown socket option \"%s\": expected reuseaddr, e.g. %s setsockopt reuseaddr on%s",
			    show(&a[0]).s, x->side, suggest(&a[0], opts).s);
	k = lookup(&a[1], onoff);
	if (k < 0)
		return fail(x, "bad value \"%s\" for reuseaddr: expected on or off", show(&a[1]).s);
	c->opt = OPT_REUSEADDR;
	c->optval = k;
	return 0;
}

static int p_flood(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long v;

	(void)n;
	if (want_number(x, &a[0], "datagram count", 1, 10000000, &v) < 0)
		return -EINVAL;
	c->count = v;
	if (!tok_is(&a[1], "udp"))
		return fail(x, "bad protocol \"%s\" for flood: expected udp, e.g. %s flood 1000 udp "
			    EXAMPLE_IP " 5000", show(&a[1]).s, x->side);
	c->proto = PROTO_UDP;
	return want_ip_port(x, c, &a[2], &a[3], IP_STRICT);
}

/* A network setting of the side's host: "net." and then [a-z0-9_.] words,
 * so that it can only name a file under /proc/sys/net. */
static int p_sysctl(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *t = &a[0];
	bool ok = t->len > 4 && t->len < 128 && !strncmp(t->s, "net.", 4) && t->s[t->len - 1] != '.';
	for (size_t i = 0; ok && i < t->len; i++) {
		char ch = t->s[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		     (ch == '.' && t->s[i + 1] != '.');
	}
	(void)n;
	if (!ok)
		return fail(x, "bad setting \"%s\": expected a net.* name such as net.ipv4.ip_local_port_range",
			    show(t).s);
	memcpy(c->path, t->s, t->len + 1);
	return 0;
}

static void set_who(struct cmd_ctx *x, const struct cmd_tok *a, size_t n)
{
	size_t w = 0;

	x->who[0] = '\0';
	for (size_t i = 0; i < n && w < sizeof x->who; i++) {
		int k = snprintf(x->who + w, sizeof x->who - w, "%s%s", i ? " " : "", show(&a[i]).s);
		if (k < 0)
			break;
		w += (size_t)k;
	}
}

/* ---- expect ------------------------------------------------------------ */

struct expect_def {
	const char *name;
	enum expect_what what;
	int nargs;
	const char *needs;
	const char *example;
	parse_fn parse;
};

/* "; did you mean "LISTEN"?" for "listen": lesson authors type states in
 * lower case, the kernel's names are upper case. */
static struct shown upper_hint(const struct cmd_tok *t)
{
	struct shown o = { "" }, u = show(t);
	bool fixable = true;

	for (char *p = u.s; *p; p++) {
		*p = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			fixable = false;
	}
	if (fixable)
		snprintf(o.s, sizeof o.s, "; did you mean \"%.20s\"?", u.s);
	return o;
}

/* A state name is checked for shape only: the kernel's names (SYN_RECV,
 * FIN_WAIT1) and ss's (ESTAB, SYN-SENT) are matched by the engine. */
/* Socket states an expect may name: TCP's, and UNCONN/CONNECTED for UDP. */
static const char *const state_words[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2",
	"CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT", "UNCONN", "CONNECTED", NULL,
};

static int ex_state(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	for (size_t i = 0; i < a[0].len; i++) {
		char ch = a[0].s[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return fail(x, "bad state \"%s\": expected an upper-case state name such as LISTEN, "
				    "ESTABLISHED, TIME_WAIT, UNCONN or CLOSED%s", show(&a[0]).s, upper_hint(&a[0]).s);
	}
	if (want_text(x, &a[0], c->ex.a, sizeof c->ex.a, "state") < 0)
		return -EINVAL;
	/* ss's spellings (ESTAB, SYN-SENT, ...) are accepted too. */
	if (tuple_tcp_state_parse(c->ex.a) < 0 && strcmp(c->ex.a, "CONNECTED"))
		return fail(x, "unknown state \"%s\": expected one of CLOSED, LISTEN, SYN_SENT, SYN_RECV, "
			    "ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, UNCONN, CONNECTED",
			    show(&a[0]).s);
	return 0;
}

/* Whether this C library knows the errno name (typos fail at parse time). */
static bool known_errno(const char *name)
{
	/* The same number as EAGAIN, so strerrorname_np never names it. */
	if (!strcmp(name, "EWOULDBLOCK"))
		return true;
	for (int e = 1; e < 200; e++) {
		const char *n = strerrorname_np(e);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

/* A return value ("0", "-1", "4") or an errno name ("ECONNREFUSED"). */
static int ex_result(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *t = &a[0];
	unsigned long v;
	bool ok;

	(void)n;
	if (t->len > 1 && t->s[0] == 'E') {
		ok = true;
		for (size_t i = 1; i < t->len; i++)
			if (!((t->s[i] >= 'A' && t->s[i] <= 'Z') || (t->s[i] >= '0' && t->s[i] <= '9')))
				ok = false;
	} else {
		size_t neg = t->len > 0 && t->s[0] == '-';
		ok = parse_dec(t->s + neg, t->len - neg, 2147483647UL, &v);
	}
	if (!ok)
		return fail(x, "bad result \"%s\": expected a return value or an errno name, e.g. 0, -1 or ECONNREFUSED",
			    show(t).s);
	if (want_text(x, t, c->ex.a, sizeof c->ex.a, "result") < 0)
		return -EINVAL;
	if (t->s[0] == 'E' && !known_errno(c->ex.a))
		return fail(x, "unknown errno name \"%s\": expected one such as ECONNREFUSED, EADDRINUSE or EINVAL",
			    show(t).s);
	return 0;
}

/* IP|* PORT|* (and '?' for remote: "no peer known", as the lecture prints). */
static int ex_endpoint(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, bool unknown_ok)
{
	struct in_addr ia;
	uint16_t port = 0;
	bool ip_wild = tok_is(&a[0], "*") || (unknown_ok && tok_is(&a[0], "?"));
	bool port_wild = tok_is(&a[1], "*") || (unknown_ok && tok_is(&a[1], "?"));

	if (!ip_wild && want_ip(x, &a[0], &ia) < 0)
		return -EINVAL;
	const char *dash = memchr(a[1].s, '-', a[1].len);
	if (!port_wild && dash && dash != a[1].s) {
		/* A range, LOW-HIGH: a port the kernel picked (ours, or the
		 * peer's as the server sees it), checked against its range. */
		struct cmd_tok lo = { a[1].s, (size_t)(dash - a[1].s), false, 0 };
		struct cmd_tok hi = { dash + 1, a[1].len - lo.len - 1, false, 0 };
		char lotxt[8], hitxt[8];
		uint16_t l = 0, h = 0;
		if (lo.len >= sizeof lotxt || hi.len >= sizeof hitxt)
			return fail(x, "bad port range \"%s\": expected LOW-HIGH, e.g. 32768-60999", show(&a[1]).s);
		memcpy(lotxt, lo.s, lo.len);
		lotxt[lo.len] = '\0';
		memcpy(hitxt, hi.s, hi.len);
		hitxt[hi.len] = '\0';
		lo.s = lotxt;
		hi.s = hitxt;
		if (want_port(x, &lo, &l) < 0 || want_port(x, &hi, &h) < 0)
			return -EINVAL;
		if (l > h)
			return fail(x, "bad port range \"%s\": the low end is above the high end; expected LOW-HIGH, "
				    "e.g. 32768-60999", show(&a[1]).s);
		memcpy(c->ex.a, a[0].s, a[0].len + 1);
		snprintf(c->ex.b, sizeof c->ex.b, "%u-%u", (unsigned)l, (unsigned)h);
		return 0;
	}
	if (!port_wild && want_port(x, &a[1], &port) < 0)
		return -EINVAL;
	memcpy(c->ex.a, a[0].s, a[0].len + 1); /* validated: short */
	if (port_wild)
		memcpy(c->ex.b, a[1].s, 2);
	else
		snprintf(c->ex.b, sizeof c->ex.b, "%u", (unsigned)port);
	return 0;
}

static int ex_local(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return ex_endpoint(x, c, a, false);
}

static int ex_remote(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return ex_endpoint(x, c, a, true);
}

static int ex_data(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return want_data(x, c, a[0].s, a[0].len);
}

static int ex_blocked(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const char *const yn[] = { "yes", "no", NULL };

	(void)n;
	if (lookup(&a[0], yn) < 0)
		return fail(x, "bad value \"%s\" for blocked: expected yes or no", show(&a[0]).s);
	memcpy(c->ex.a, a[0].s, a[0].len + 1);
	return 0;
}

/* The bytes of a sockaddr_in as the lecture prints them: "02 00 00 50 ...".
 * Kept both decoded (data) and in canonical upper-case text (ex.a, the form
 * sa_hex() produces), so the engine can compare either way. */
static int ex_sockaddr(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *t = &a[0];
	size_t i = 0, nb = 0;

	(void)n;
	while (i < t->len) {
		if (is_blank(t->s[i])) {
			i++;
			continue;
		}
		int hi = hexval(t->s[i]), lo = i + 1 < t->len ? hexval(t->s[i + 1]) : -1;
		if (hi < 0 || lo < 0 || (i + 2 < t->len && !is_blank(t->s[i + 2])) || nb == 16)
			break;
		c->data[nb++] = (unsigned char)(hi * 16 + lo);
		i += 2;
	}
	if (i < t->len || nb == 0)
		return fail(x, "bad sockaddr bytes \"%s\": expected 1 to 16 two-digit hex bytes separated by "
			    "blanks, e.g. \"02 00 00 50 C8 00 00 02\"", show(t).s);
	c->data_len = nb;
	for (i = 0; i < nb; i++) /* "XX", then " XX" each: byte i starts at 3i-1 */
		snprintf(c->ex.a + (i ? 3 * i - 1 : 0), 4, i ? " %02X" : "%02X", c->data[i]);
	return 0;
}

static int ex_held(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long v;

	(void)n;
	if (want_number(x, &a[0], "frame count", 0, 1000000, &v) < 0)
		return -EINVAL;
	c->num = (uint32_t)v;
	snprintf(c->ex.a, sizeof c->ex.a, "%lu", v);
	return 0;
}

static const struct expect_def side_expects[] = {
	{ "state", EX_STATE, 1, "a state name", "expect client state ESTABLISHED", ex_state },
	{ "result", EX_RESULT, 1, "a return value or an errno name", "expect client result ECONNREFUSED",
	  ex_result },
	{ "local", EX_LOCAL, 2, "an address and a port (or *)", "expect server local " EXAMPLE_IP " 80",
	  ex_local },
	{ "remote", EX_REMOTE, 2, "an address and a port (or * or ?)", "expect client remote " EXAMPLE_IP " 80",
	  ex_remote },
	{ "data", EX_DATA, 1, "the text expected", "expect server data \"hola\"", ex_data },
	{ "blocked", EX_BLOCKED, 1, "yes or no", "expect server blocked yes", ex_blocked },
};
static const char *const side_expect_words[] = {
	"state", "result", "local", "remote", "data", "blocked", NULL,
};

static const struct expect_def wire_expects[] = {
	{ "saw", EX_WIRE_SAW, 1, "the text to look for", "expect wire saw \"SYN\"", ex_data },
	{ "held", EX_WIRE_HELD, 1, "a frame count", "expect wire held 1", ex_held },
};
static const char *const wire_expect_words[] = { "saw", "held", NULL };

static const struct expect_def sockaddr_expect = {
	"sockaddr", EX_SOCKADDR, 1, "the bytes in hex", "expect sockaddr \"02 00 00 50 C8 00 00 02\"",
	ex_sockaddr,
};

static const char *const expect_words[] = { "server", "client", "sockaddr", "wire", NULL };

/* Run one expect form once its words are known: a[0] is the first argument. */
static int run_expect(struct cmd_ctx *x, struct cmd *c, const struct expect_def *d, const struct cmd_tok *a, size_t n)
{
	c->ex.what = d->what;
	if (want_count(x, n, a, d->nargs, d->nargs, d->needs, d->example) < 0)
		return -EINVAL;
	return d->parse(x, c, a, n);
}

static int p_expect(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *all = a - 1; /* "expect" itself, for who */
	int k, r;

	if (n == 0)
		return fail(x, "\"expect\" needs what to check: expected %s, e.g. expect client state ESTABLISHED",
			    join(expect_words).s);
	r = parse_side(x, &a[0], &c->t);
	if (r < 0)
		return r;
	if (r == 1) {
		set_who(x, all, 2);
		if (n < 2)
			return fail(x, "\"%s\" needs what to check: expected %s, e.g. %s state LISTEN", x->who,
				    join(side_expect_words).s, x->who);
		k = lookup(&a[1], side_expect_words);
		if (k < 0)
			return fail(x, "unknown check \"%s\" in \"%s\": expected %s%s", show(&a[1]).s, x->who,
				    join(side_expect_words).s, suggest(&a[1], side_expect_words).s);
		set_who(x, all, 3);
		return run_expect(x, c, &side_expects[k], a + 2, n - 2);
	}
	if (tok_is(&a[0], "sockaddr")) {
		set_who(x, all, 2);
		return run_expect(x, c, &sockaddr_expect, a + 1, n - 1);
	}
	if (tok_is(&a[0], "wire")) {
		set_who(x, all, 2);
		if (n < 2)
			return fail(x, "\"expect wire\" needs what to check: expected saw or held, e.g. expect wire held 1");
		k = lookup(&a[1], wire_expect_words);
		if (k < 0)
			return fail(x, "unknown check \"%s\" in \"expect wire\": expected saw or held%s",
				    show(&a[1]).s, suggest(&a[1], wire_expect_words).s);
		set_who(x, all, 3);
		return run_expect(x, c, &wire_expects[k], a + 2, n - 2);
	}
	return fail(x, "unknown check \"%s\" after \"expect\": expected %s, e.g. expect client state ESTABLISHED%s",
		    show(&a[0]).s, join(expect_words).s, suggest(&a[0], expect_words).s);
}

/* ---- predict ----------------------------------------------------------- */

/* predict SIDE state|local|remote|result|data "QUESTION": a question about
 * the next command, answered by what the kernel does (predict.h). Without a
 * side only "result" is taken: the result of a conversion such as htons. */
static const char *const predict_words[] = { "state", "local", "remote", "result", "data", NULL };
static const enum expect_what predict_what[] = { EX_STATE, EX_LOCAL, EX_REMOTE, EX_RESULT, EX_DATA };
static const char *const predict_first[] = { "server", "client", "result", NULL };

static int p_predict(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *all = a - 1;
	size_t i = 0;
	int r = parse_side(x, &a[0], &c->t);
	if (r < 0)
		return r;
	if (r == 1)
		i = 1;
	else
		c->t.side = SIDE_NONE;
	set_who(x, all, i + 2);
	int k = i < n ? lookup(&a[i], predict_words) : -1;
	if (k < 0 || (i == 0 && predict_what[k] != EX_RESULT))
		return fail(x, "bad prediction \"%s\": expected a side and state, local, remote, result or data, "
			    "then the question in quotes, e.g. predict client state \"Which state after connect()?\"",
			    i < n ? show(&a[i]).s : "");
	if (n != i + 2 || !a[i + 1].quoted)
		return fail(x, "\"predict\" needs the question in quotes after \"%s\", e.g. predict client %s "
			    "\"What will the kernel say?\"", predict_words[k], predict_words[k]);
	c->ex.what = predict_what[k];
	snprintf(c->ex.a, sizeof c->ex.a, "%s", predict_words[k]);
	return want_data(x, c, a[i + 1].s, a[i + 1].len);
}

/* ---- the other top-level commands -------------------------------------- */

static const char *const wire_words[] = { "pass", "hold", "step", "drop", "delay", "save", "status", NULL };

static const char *const next_word[] = { "next", NULL };

/* "wire hold|drop next KIND": the kind, in any case ("syn" is SYN). */
static int want_frame(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const char *op = c->wop == W_HOLD ? "hold" : "drop";

	if (!tok_is(&a[0], "next"))
		return fail(x, "unknown word \"%s\" after \"wire %s\": expected next, e.g. wire %s next SYN",
			    show(&a[0]).s, op, op);
	if (n < 2)
		return fail(x, "\"wire %s next\" needs a kind of frame: expected %s, e.g. wire %s next SYN",
			    op, join(fault_frame_words).s, op);
	if (n > 2)
		return fail(x, "\"wire %s next\" takes one kind of frame; unexpected \"%s\"", op, show(&a[2]).s);
	for (int i = 0; fault_frame_words[i]; i++)
		if (a[1].len == strlen(fault_frame_words[i]) &&
		    !strncasecmp(a[1].s, fault_frame_words[i], a[1].len)) {
			c->frame = (enum fault_frame)(i + 1);
			return 0;
		}
	return fail(x, "unknown kind of frame \"%s\" in \"wire %s next\": expected %s%s", show(&a[1]).s, op,
		    join(fault_frame_words).s, suggest(&a[1], fault_frame_words).s);
}

static int p_wire(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const int nargs[] = { 0, 0, 0, 0, 1, 1, 0 };
	int k;

	if (n == 0)
		return fail(x, "\"wire\" needs an operation: expected %s, e.g. wire hold", join(wire_words).s);
	k = lookup(&a[0], wire_words);
	if (k < 0)
		return fail(x, "unknown wire operation \"%s\": expected %s%s", show(&a[0]).s,
			    join(wire_words).s, suggest(&a[0], wire_words).s);
	c->wop = (enum wire_op)k;
	c->frame = FAULT_NONE;
	set_who(x, a - 1, 2);
	/* hold and drop alone act now; with "next KIND" they arm the wire. */
	if ((c->wop == W_HOLD || c->wop == W_DROP) && n > 1)
		return want_frame(x, c, a + 1, n - 1);
	if (want_count(x, n - 1, a + 1, nargs[k], nargs[k],
		       k == W_DELAY ? "a duration" : "a file name",
		       k == W_DELAY ? "wire delay 300ms" : "wire save lesson.pcap") < 0)
		return -EINVAL;
	if (c->wop == W_DELAY)
		return want_ms(x, &a[1], &c->ms);
	if (c->wop == W_SAVE)
		return want_text(x, &a[1], c->path, sizeof c->path, "file name");
	return 0;
}

static const char *const save_words[] = { "lesson", NULL };

/* "save lesson FILE": what to save (only lessons so far), and where. */
static int p_save(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const char *verb = c->force ? "save!" : "save";

	if (lookup(&a[0], save_words) < 0)
		return fail(x, "unknown thing to save \"%s\": expected lesson, e.g. %s lesson demo.lesson%s",
			    show(&a[0]).s, verb, suggest(&a[0], save_words).s);
	if (n < 2)
		return fail(x, "\"%s lesson\" needs a file name, e.g. %s lesson demo.lesson", verb, verb);
	return want_text(x, &a[1], c->path, sizeof c->path, "file name");
}

/* say "TEXT", or the rest of the line as typed (blanks inside kept). */
static int p_say(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const char *line = x->line;

	if (n == 1 && a[0].quoted)
		return want_data(x, c, a[0].s, a[0].len);
	return want_data(x, c, line + a[0].start, x->tk.last_end - a[0].start);
}

static int p_conv_text(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return want_text(x, &a[0], c->text, sizeof c->text, "text");
}

static int p_hton(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long max = c->verb == V_HTONS || c->verb == V_NTOHS ? 65535UL : 4294967295UL, v;

	(void)n;
	if (!parse_num(a[0].s, a[0].len, max, &v))
		return fail(x, "bad number \"%s\": expected a number from 0 to %lu (or 0x... in hex)",
			    show(&a[0]).s, max);
	c->num = (uint32_t)v;
	return 0;
}

static int p_wait(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return want_ms(x, &a[0], &c->ms);
}

/* ---- the verb table ------------------------------------------------------ */

#define SIDE_ACTS (CMD_F_SIDE | CMD_F_ACTS)
#define CONV_WORDS conv_words, conv_words /* [inet_addr|inet_pton] [nohtons], in either order */

/* Every verb once, in the order help shows them: the programs' calls, then
 * the wire, narration, checks and conversions. A help line has at most 40
 * characters, so that syntax and help fit 80 columns (help.h). */
static const struct cmd_verb_info verbs[] = {
	{ "socket", V_SOCKET, SIDE_ACTS | CMD_F_ROW,
	  { { "SIDE socket tcp|udp|KIND", "socket(); KIND: unix, inet6, raw, ..." } },
	  1, 1, "a protocol, tcp or udp", "socket tcp", { sock_words }, p_socket },
	{ "bind", V_BIND, SIDE_ACTS | CMD_F_ROW | CMD_F_PANE,
	  { { "SIDE bind IP PORT [inet_addr|inet_pton] [nohtons]", "fill a sockaddr_in, then bind()" } },
	  2, 4, "an address and a port", "bind " EXAMPLE_IP " 80", { NULL, NULL, CONV_WORDS }, p_addr },
	{ "listen", V_LISTEN, SIDE_ACTS | CMD_F_ROW,
	  { { "SIDE listen [BACKLOG]", "listen(), backlog 5 unless given" } },
	  0, 1, "nothing or a backlog", "listen 5", { NULL }, p_listen },
	{ "accept", V_ACCEPT, SIDE_ACTS,
	  { { "SIDE accept", "accept(): blocks until a client connects" } },
	  0, 0, "no arguments", "accept", { NULL }, NULL },
	{ "connect", V_CONNECT, SIDE_ACTS | CMD_F_ROW | CMD_F_PANE,
	  { { "SIDE connect IP PORT [inet_addr|inet_pton] [nohtons]",
	      "TCP: the handshake; UDP: sets the peer" } },
	  2, 4, "an address and a port", "connect " EXAMPLE_IP " 80", { NULL, NULL, CONV_WORDS }, p_addr },
	{ "send", V_SEND, SIDE_ACTS | CMD_F_PANE,
	  { { "SIDE send \"TEXT\"", "send(); C escapes such as \\r\\n and \\xHH" } },
	  1, 1, "the text to send", "send \"hola\"", { NULL }, p_send },
	{ "recv", V_RECV, SIDE_ACTS,
	  { { "SIDE recv [MAX]", "recv() up to MAX bytes (default 1024)" } },
	  0, 1, "nothing or a byte count", "recv 1024", { NULL }, p_recv },
	{ "sendto", V_SENDTO, SIDE_ACTS | CMD_F_PANE,
	  { { "SIDE sendto IP PORT \"TEXT\" [inet_addr|inet_pton] [nohtons]", "sendto(): one datagram" } },
	  3, 5, "an address, a port and the text to send", "sendto " EXAMPLE_IP " 5000 \"hola\"",
	  { NULL, NULL, NULL, CONV_WORDS }, p_sendto },
	{ "recvfrom", V_RECVFROM, SIDE_ACTS,
	  { { "SIDE recvfrom [MAX]", "recvfrom(): one datagram and its sender" } },
	  0, 1, "nothing or a byte count", "recvfrom 1024", { NULL }, p_recv },
	{ "shutdown", V_SHUTDOWN, SIDE_ACTS | CMD_F_PANE,
	  { { "SIDE shutdown rd|wr|both", "shutdown(): wr sends a FIN" } },
	  1, 1, "a direction, rd, wr or both", "shutdown wr", { how_words }, p_shutdown },
	{ "close", V_CLOSE, SIDE_ACTS | CMD_F_ROW | CMD_F_PANE,
	  { { "SIDE close", "close(); the connection may outlive it" } },
	  0, 0, "no arguments", "close", { NULL }, NULL },
	{ "setsockopt", V_SETSOCKOPT, SIDE_ACTS,
	  { { "SIDE setsockopt reuseaddr on|off", "SO_REUSEADDR: bind a port in TIME_WAIT" } },
	  2, 2, "an option and on or off", "setsockopt reuseaddr on", { opt_words, onoff_words }, p_setsockopt },
	{ "flood", V_FLOOD, SIDE_ACTS,
	  { { "SIDE flood COUNT udp IP PORT", "COUNT datagrams, counted on the wire" } },
	  4, 4, "a count, udp, an address and a port", "flood 1000 udp " EXAMPLE_IP " 5000",
	  { NULL, udp_words }, p_flood },
	{ "sysctl", V_SYSCTL, CMD_F_SIDE,
	  { { "SIDE sysctl net.NAME", "a network setting of the side's host" } },
	  1, 1, "a setting name", "sysctl net.ipv4.ip_local_port_range", { NULL }, p_sysctl },
	{ "interrupt", V_INTERRUPT, SIDE_ACTS,
	  { { "SIDE interrupt", "a signal: the blocked call gets EINTR" } },
	  0, 0, "no arguments", "interrupt", { NULL }, NULL },
	{ "nonblock", V_NONBLOCK, SIDE_ACTS,
	  { { "SIDE nonblock on|off", "O_NONBLOCK: EAGAIN, EINPROGRESS" } },
	  1, 1, "on or off", "nonblock on", { onoff_words }, p_onoff },
	{ "select", V_SELECT, SIDE_ACTS,
	  { { "SIDE select [rd|wr|rdwr] [FD ...]", "select(): wait until a socket is ready" } },
	  0, 1 + CMD_SEL_MAX, "rd, wr or rdwr and descriptors", "select rd 3 4", { sel_words }, p_select },
	{ "fork", V_FORK, SIDE_ACTS,
	  { { "SIDE fork", "fork(): child server.1 gets the sockets" } },
	  0, 0, "no arguments", "fork", { NULL }, NULL },
	{ "families", V_FAMILIES, CMD_F_SIDE,
	  { { "SIDE families", "socket() of every family and type listed" } },
	  0, 0, "no arguments", "families", { NULL }, NULL },
	{ "journey", V_JOURNEY, CMD_F_SIDE,
	  { { "SIDE journey", "its port's bytes from HOST1 to HOST2" } },
	  0, 0, "no arguments", "journey", { NULL }, NULL },
	{ "sender", V_SENDER, CMD_F_SIDE,
	  { { "SIDE sender", "ntohs/ntohl of recvfrom()'s sender" } },
	  0, 0, "no arguments", "sender", { NULL }, NULL },
	{ "wire", V_WIRE, CMD_F_ACTS | CMD_F_PANE,
	  { { "wire hold", "keep every frame on the wire (lab only)" },
	    { "wire step", "relay the oldest held frame" },
	    { "wire drop", "discard it (TCP retransmits, UDP not)" },
	    { "wire hold next FRAME", "hold the next FRAME, pass the others" },
	    { "wire drop next FRAME", "FRAME: SYN SYN-ACK ACK FIN RST data udp" },
	    { "wire pass", "relay what waits, and all after it" },
	    { "wire delay DURATION", "relay each frame DURATION later" },
	    { "wire save FILE", "write the frames kept to a pcap file" },
	    { "wire status", "frames relayed, held, dropped, lost" } },
	  0, -1, "", "", { wire_words }, p_wire },
	{ "say", V_SAY, 0,
	  { { "say \"TEXT\"", "narration (lessons)" } },
	  1, -1, "the text to show", "say \"STEP 2: SOCKET BINDING\"", { NULL }, p_say },
	{ "expect", V_EXPECT, 0,
	  { { "expect SIDE state|result|local|remote|data|blocked VALUE", "check a socket; the script fails if not" },
	    { "expect sockaddr \"HEX\"", "the last sockaddr_in, e.g. \"02 00 00 50\"" },
	    { "expect wire saw \"TEXT\"", "a frame since the last command has TEXT" },
	    { "expect wire held N", "N frames wait on the wire" } },
	  0, -1, "", "", { expect_words }, p_expect },
	{ "predict", V_PREDICT, 0,
	  { { "predict SIDE state|local|remote|result|data \"QUESTION\"",
	      "ask before the next command; it answers" },
	    { "predict result \"QUESTION\"", "the same for a conversion: htons' bytes" } },
	  2, 3, "a side, what to predict and the question", "predict client state \"Which state?\"",
	  { predict_first, predict_words }, p_predict },
	{ "inet_addr", V_INET_ADDR, CMD_F_CONV,
	  { { "inet_addr TEXT", "inet_addr() of TEXT, and its trap" } },
	  1, 1, "the text to convert", "inet_addr 255.255.255.255", { NULL }, p_conv_text },
	{ "inet_pton", V_INET_PTON, CMD_F_CONV,
	  { { "inet_pton TEXT", "inet_pton() of TEXT" } },
	  1, 1, "the text to convert", "inet_pton 192.168.0.1", { NULL }, p_conv_text },
	{ "htons", V_HTONS, CMD_F_CONV,
	  { { "htons N", "16 bits, host to network byte order" } },
	  1, 1, "a number from 0 to 65535", "htons 80", { NULL }, p_hton },
	{ "htonl", V_HTONL, CMD_F_CONV,
	  { { "htonl N", "32 bits, host to network byte order" } },
	  1, 1, "a number from 0 to 4294967295", "htonl 3355443202", { NULL }, p_hton },
	{ "ntohs", V_NTOHS, CMD_F_CONV,
	  { { "ntohs N", "16 bits, network to host byte order" } },
	  1, 1, "a number from 0 to 65535", "ntohs 20480", { NULL }, p_hton },
	{ "ntohl", V_NTOHL, CMD_F_CONV,
	  { { "ntohl N", "32 bits, network to host byte order" } },
	  1, 1, "a number from 0 to 4294967295", "ntohl 33554632", { NULL }, p_hton },
	{ "wait", V_WAIT, CMD_F_ACTS,
	  { { "wait DURATION", "let the network run: timers, retransmits" } },
	  1, 1, "a duration", "wait 1.5s", { NULL }, p_wait },
	{ "save", V_SAVE, 0,
	  { { "save lesson FILE", "the session so far as a lesson file" },
	    { "save! lesson FILE", "the same, over an existing FILE" } },
	  1, 2, "lesson and a file name", "save lesson demo.lesson", { save_words }, p_save, "save!" },
	{ "getsockname", V_GETSOCKNAME, CMD_F_SIDE,
	  { { "SIDE getsockname", "the address the kernel gave the socket" } },
	  0, 0, "no arguments", "getsockname", { NULL }, NULL },
	{ "getpeername", V_GETPEERNAME, CMD_F_SIDE,
	  { { "SIDE getpeername", "the peer's address, as the kernel has it" } },
	  0, 0, "no arguments", "getpeername", { NULL }, NULL },
};
#define N_VERBS (sizeof verbs / sizeof verbs[0])

const struct cmd_verb_info *cmd_verb_table(size_t *n)
{
	if (n)
		*n = N_VERBS;
	return verbs;
}

const struct cmd_verb_info *cmd_verb_info(enum verb v)
{
	for (size_t i = 0; i < N_VERBS; i++)
		if (verbs[i].verb == v)
			return &verbs[i];
	return NULL;
}

/* The words of one kind of verb (side or top level), NULL-terminated, for
 * errors and completion: made from the table, never written twice. */
struct verb_words {
	const char *w[2 * N_VERBS + 3];
};

static struct verb_words verb_words(bool side, bool with_sides)
{
	struct verb_words o;
	size_t k = 0;

	if (with_sides) {
		o.w[k++] = "server";
		o.w[k++] = "client";
	}
	for (size_t i = 0; i < N_VERBS; i++)
		if (!(verbs[i].flags & CMD_F_SIDE) == !side) {
			o.w[k++] = verbs[i].name;
			if (verbs[i].bang)
				o.w[k++] = verbs[i].bang;
		}
	o.w[k] = NULL;
	return o;
}

/* The row of a verb word; *bang (when not NULL) tells whether it was the
 * forcing form ("save!"). */
static const struct cmd_verb_info *find_verb_bang(const struct cmd_tok *t, bool side, bool *bang)
{
	for (size_t i = 0; i < N_VERBS; i++) {
		if (!(verbs[i].flags & CMD_F_SIDE) != !side)
			continue;
		bool forced = verbs[i].bang && tok_is(t, verbs[i].bang);
		if (tok_is(t, verbs[i].name) || forced) {
			if (bang)
				*bang = forced;
			return &verbs[i];
		}
	}
	return NULL;
}

static const struct cmd_verb_info *find_verb(const struct cmd_tok *t, bool side)
{
	return find_verb_bang(t, side, NULL);
}

static int parse_side_cmd(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_verb_info *d;
	char example[128];
	struct verb_words words = verb_words(true, false);
	struct list list = join(words.w);

	snprintf(x->side, sizeof x->side, "%.31s", show(&a[0]).s);
	if (n < 2)
		return fail(x, "\"%s\" needs a command: expected %s, e.g. %s socket tcp", x->side,
			    list.s, x->side);
	d = find_verb(&a[1], true);
	if (!d)
		return fail(x, "unknown %s command \"%s\": expected %s%s", side_name(c->t.side),
			    show(&a[1]).s, list.s, suggest(&a[1], words.w).s);
	set_who(x, a, 2);
	snprintf(example, sizeof example, "%s %s", x->side, d->example);
	c->verb = d->verb;
	if (want_count(x, n - 2, a + 2, d->min, d->max, d->needs, example) < 0)
		return -EINVAL;
	return d->parse ? d->parse(x, c, a + 2, n - 2) : 0;
}

static int parse_words(struct cmd_ctx *x, struct cmd *c)
{
	const struct cmd_tok *a = x->tk.v;
	size_t n = x->tk.n;
	int r = parse_side(x, &a[0], &c->t);
	const struct cmd_verb_info *d;

	if (r != 0)
		return r < 0 ? r : parse_side_cmd(x, c, a, n);
	d = find_verb_bang(&a[0], false, &c->force);
	if (d) {
		c->verb = d->verb;
		set_who(x, a, 1);
		if (want_count(x, n - 1, a + 1, d->min, d->max, d->needs, d->example) < 0)
			return -EINVAL;
		return d->parse(x, c, a + 1, n - 1);
	}
	d = find_verb(&a[0], true);
	if (d)
		return fail(x, "\"%s\" needs a side first: expected server or client, e.g. server %s",
			    d->name, d->example);
	struct verb_words top = verb_words(false, true);
	return fail(x, "unknown command \"%s\": expected one of %s%s", show(&a[0]).s,
		    join(top.w).s, suggest(&a[0], top.w).s);
}

int cmd_parse(const char *line, struct cmd *out, char *err, size_t errlen)
{
	struct cmd_ctx x;
	size_t len;
	int r;

	x.err = err;
	x.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	if (!line || !out)
		return fail(&x, "no line to parse");
	x.tk.n = 0;
	x.who[0] = x.side[0] = '\0';
	x.line = line;

	/* A line read with fgets still carries its end; a CRLF file its '\r'. */
	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n') {
		len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
	}
	if (len > CMD_LINE_MAX)
		return fail(&x, "line is %zu bytes; at most %d expected", len, CMD_LINE_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return fail(&x, "line contains a binary byte 0x%02X at column %zu; expected text", ch, i + 1);
	}

	r = lex(&x, line, len);
	if (r < 0)
		return r;
	if (x.tk.n == 0)
		return 0;

	memset(out, 0, sizeof *out);
	out->t.fd = -1;
	out->t.prog = 1;
	out->conv = CONV_INET_ADDR;
	out->backlog = 5;
	out->maxlen = 1024;
	r = parse_words(&x, out);
	return r < 0 ? r : 1;
}

/* ---- names ------------------------------------------------------------- */

const char *cmd_verb_name(enum verb v)
{
	const struct cmd_verb_info *d = cmd_verb_info(v);

	return d ? d->name : "?";
}

const char *side_name(enum side s)
{
	return s == SIDE_SERVER ? "server" : s == SIDE_CLIENT ? "client" : "";
}

void cmd_prog_name(enum side side, int prog, int child, char *out, size_t len)
{
	char num[4] = "", ch[4] = "";
	if (prog > 1)
		snprintf(num, sizeof num, "%d", prog % 10);
	if (child > 0)
		snprintf(ch, sizeof ch, ".%d", child % 10);
	snprintf(out, len, "%s%s%s", side_name(side), num, ch);
}

bool cmd_acts(const struct cmd *c)
{
	const struct cmd_verb_info *d = c ? cmd_verb_info(c->verb) : NULL;

	return d && (d->flags & CMD_F_ACTS);
}

const char *proto_name(enum proto p)
{
	return p == PROTO_TCP ? "TCP" : p == PROTO_UDP ? "UDP" : "";
}

/* ---- cmd_format -------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, pos;
};

__attribute__((format(printf, 2, 3)))
static void emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->pos >= o->len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->pos += (size_t)k;
}

/* Text always in quotes, escaped so it re-parses to the same bytes. Bytes from
 * 0x80 up stay as they are: UTF-8 text ("año") reads better that way. */
static void emit_quoted(struct out *o, const unsigned char *s, size_t n)
{
	emit(o, " \"");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = s[i];
		switch (ch) {
		case '\n': emit(o, "\\n"); break;
		case '\t': emit(o, "\\t"); break;
		case '\r': emit(o, "\\r"); break;
		case '\\': emit(o, "\\\\"); break;
		case '"': emit(o, "\\\""); break;
		case '\0': emit(o, "\\0"); break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				emit(o, "\\x%02X", ch);
			else
				emit(o, "%c", ch);
		}
	}
	emit(o, "\"");
}

/* A word bare when it can be, quoted when blanks, quotes or a leading '#'
 * would change how it reads back. */
static void emit_word(struct out *o, const char *s)
{
	bool bare = s[0] != '\0' && s[0] != '#';

	for (const char *p = s; *p && bare; p++)
		if (is_blank(*p) || *p == '"' || (unsigned char)*p < 0x20 || *p == 0x7f)
			bare = false;
	if (bare)
		emit(o, " %s", s);
	else
		emit_quoted(o, (const unsigned char *)s, strlen(s));
}

static void emit_target(struct out *o, const struct target *t)
{
	char name[24];
	cmd_prog_name(t->side, t->prog, t->child, name, sizeof name);
	emit(o, "%s", name);
	if (t->fd >= 0)
		emit(o, "#%d", t->fd);
}

/* inet_addr is the default, so it is written only where the address needs
 * it: a form other than the plain dotted quad of its bytes ("1.2.3"). */
static void emit_conv(struct out *o, const struct cmd *c)
{
	unsigned char b[4];
	char quad[16];

	memcpy(b, &c->addr.s_addr, 4);
	snprintf(quad, sizeof quad, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (c->conv == CONV_INET_PTON)
		emit(o, " inet_pton");
	else if (strcmp(quad, c->addr_text) != 0)
		emit(o, " inet_addr");
	if (c->nohtons)
		emit(o, " nohtons");
}

static void emit_ms(struct out *o, unsigned ms)
{
	emit(o, " %ums", ms);
}

static void format_expect(struct out *o, const struct cmd *c)
{
	static const char *const what[] = {
		[EX_STATE] = "state", [EX_RESULT] = "result", [EX_LOCAL] = "local", [EX_REMOTE] = "remote",
		[EX_DATA] = "data", [EX_BLOCKED] = "blocked",
	};

	emit(o, "expect");
	switch (c->ex.what) {
	case EX_SOCKADDR:
		emit(o, " sockaddr");
		emit_quoted(o, (const unsigned char *)c->ex.a, strlen(c->ex.a));
		return;
	case EX_WIRE_SAW:
		emit(o, " wire saw");
		emit_quoted(o, c->data, c->data_len);
		return;
	case EX_WIRE_HELD:
		emit(o, " wire held %s", c->ex.a);
		return;
	default:
		break;
	}
	emit(o, " ");
	emit_target(o, &c->t);
	emit(o, " %s", (unsigned)c->ex.what < sizeof what / sizeof what[0] ? what[c->ex.what] : "?");
	if (c->ex.what == EX_DATA)
		emit_quoted(o, c->data, c->data_len);
	else if (c->ex.what == EX_LOCAL || c->ex.what == EX_REMOTE)
		emit(o, " %s %s", c->ex.a, c->ex.b);
	else
		emit(o, " %s", c->ex.a);
}

static void format_side(struct out *o, const struct cmd *c)
{
	static const char *const hows[] = { [SHUT_RD] = "rd", [SHUT_WR] = "wr", [SHUT_RDWR] = "both" };

	emit_target(o, &c->t);
	emit(o, " %s", cmd_verb_name(c->verb));
	switch (c->verb) {
	case V_SOCKET:
		emit(o, " %s", c->kind ? c->kind->word : c->proto == PROTO_UDP ? "udp" : "tcp");
		break;
	case V_NONBLOCK:
		emit(o, " %s", c->optval ? "on" : "off");
		break;
	case V_SELECT:
		emit(o, " %s", c->sel_rd && c->sel_wr ? "rdwr" : c->sel_wr ? "wr" : "rd");
		for (size_t i = 0; i < c->sel_n && i < CMD_SEL_MAX; i++)
			emit(o, " %d", c->sel_fd[i]);
		break;
	case V_BIND:
	case V_CONNECT:
		emit(o, " %s %u", c->addr_text, (unsigned)c->port);
		emit_conv(o, c);
		break;
	case V_LISTEN:
		emit(o, " %d", c->backlog);
		break;
	case V_SEND:
		emit_quoted(o, c->data, c->data_len);
		break;
	case V_RECV:
	case V_RECVFROM:
		emit(o, " %zu", c->maxlen);
		break;
	case V_SENDTO:
		emit(o, " %s %u", c->addr_text, (unsigned)c->port);
		emit_quoted(o, c->data, c->data_len);
		emit_conv(o, c);
		break;
	case V_SHUTDOWN:
		emit(o, " %s", (unsigned)c->how < 3 ? hows[c->how] : "?");
		break;
	case V_SETSOCKOPT:
		emit(o, " reuseaddr %s", c->optval ? "on" : "off");
		break;
	case V_FLOOD:
		emit(o, " %lu udp %s %u", c->count, c->addr_text, (unsigned)c->port);
		break;
	case V_SYSCTL:
		emit(o, " %s", c->path);
		break;
	default:
		break;
	}
}

void cmd_format(const struct cmd *c, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (!buf || len == 0)
		return;
	buf[0] = '\0';
	if (!c)
		return;
	switch (c->verb) {
	case V_WIRE:
		emit(&o, "wire %s", (unsigned)c->wop <= W_STATUS ? wire_words[c->wop] : "?");
		if (c->frame != FAULT_NONE)
			emit(&o, " next %s", fault_frame_name(c->frame));
		if (c->wop == W_DELAY)
			emit_ms(&o, c->ms);
		else if (c->wop == W_SAVE)
			emit_word(&o, c->path);
		break;
	case V_SAY:
		emit(&o, "say");
		emit_quoted(&o, c->data, c->data_len);
		break;
	case V_EXPECT:
		format_expect(&o, c);
		break;
	case V_PREDICT:
		emit(&o, "predict");
		if (c->t.side != SIDE_NONE) {
			emit(&o, " ");
			emit_target(&o, &c->t);
		}
		emit(&o, " %s", c->ex.a);
		emit_quoted(&o, c->data, c->data_len);
		break;
	case V_INET_ADDR:
	case V_INET_PTON:
		emit(&o, "%s", cmd_verb_name(c->verb));
		emit_word(&o, c->text);
		break;
	case V_HTONS:
	case V_HTONL:
	case V_NTOHS:
	case V_NTOHL:
		emit(&o, "%s %lu", cmd_verb_name(c->verb), (unsigned long)c->num);
		break;
	case V_WAIT:
		emit(&o, "wait");
		emit_ms(&o, c->ms);
		break;
	case V_SAVE:
		emit(&o, "%s lesson", c->force ? "save!" : "save");
		emit_word(&o, c->path);
		break;
	default:
		format_side(&o, c);
		break;
	}
}

/* ---- cmd_complete ------------------------------------------------------ */

/* What follows the words of expect and of "wire hold|drop", which depend on
 * the word before: "S" matches a side (server, client2#4, ...). Everything
 * else comes from the verb table. */
static const struct {
	const char *pattern;
	const char *const *words;
} expect_completions[] = {
	{ "expect S", side_expect_words },
	{ "expect S state", state_words },
	{ "expect S blocked", yesno_words },
	{ "expect wire", wire_expect_words },
	{ "wire hold", next_word },
	{ "wire drop", next_word },
	{ "wire hold next", fault_frame_words },
	{ "wire drop next", fault_frame_words },
};

static bool word_matches(const char *pat, size_t pn, const char *w, size_t wn)
{
	if (pn == 1 && pat[0] == '*')
		return true;
	if (pn == 1 && pat[0] == 'S') {
		struct target tg;
		return match_side(w, wn, &tg) == 1;
	}
	return pn == wn && memcmp(pat, w, wn) == 0;
}

/* Do the finished words of prefix[0..end) match pattern word by word? */
static bool pattern_matches(const char *pat, const char *prefix, size_t end)
{
	size_t i = 0, p = 0;

	for (;;) {
		while (i < end && is_blank(prefix[i]))
			i++;
		while (pat[p] == ' ')
			p++;
		if (i >= end || !pat[p])
			return i >= end && !pat[p];
		size_t wi = i, pi = p;
		while (i < end && !is_blank(prefix[i]))
			i++;
		while (pat[p] && pat[p] != ' ')
			p++;
		if (!word_matches(pat + pi, p - pi, prefix + wi, i - wi))
			return false;
	}
}

/* The finished words of prefix[0..end), at most max of them; how many there are. */
static size_t split_words(const char *prefix, size_t end, struct cmd_tok *w, size_t max)
{
	size_t n = 0, i = 0;

	for (;;) {
		while (i < end && is_blank(prefix[i]))
			i++;
		if (i >= end)
			return n;
		size_t b = i;
		while (i < end && !is_blank(prefix[i]))
			i++;
		if (n < max)
			w[n] = (struct cmd_tok){ prefix + b, i - b, false, b };
		n++;
	}
}

/* The words that may come next after the finished words, from the table. */
static const char *const *next_words(const char *prefix, size_t end, struct verb_words *buf)
{
	struct cmd_tok w[CMD_WORD_ARGS + 2];
	size_t n = split_words(prefix, end, w, sizeof w / sizeof w[0]);
	const struct cmd_verb_info *d;
	struct target tg;
	size_t arg;

	for (size_t i = 0; i < sizeof expect_completions / sizeof expect_completions[0]; i++)
		if (pattern_matches(expect_completions[i].pattern, prefix, end))
			return expect_completions[i].words;
	if (n == 0) {
		*buf = verb_words(false, true);
		return buf->w;
	}
	if (match_side(w[0].s, w[0].len, &tg) == 1) {
		if (n == 1) {
			*buf = verb_words(true, false);
			return buf->w;
		}
		d = find_verb(&w[1], true);
		arg = n - 2;
	} else {
		d = find_verb(&w[0], false);
		arg = n - 1;
	}
	return d && arg < CMD_WORD_ARGS ? d->words[arg] : NULL;
}

int cmd_complete(const char *prefix, const char **out, int max)
{
	size_t len, cut;
	const char *partial;
	const char *const *words;
	struct verb_words buf;
	int n = 0;

	if (!prefix || !out || max <= 0)
		return 0;
	len = strlen(prefix);
	cut = len;
	while (cut > 0 && !is_blank(prefix[cut - 1]))
		cut--;
	partial = prefix + cut; /* the word being typed, "" after a blank */
	words = next_words(prefix, cut, &buf);
	for (size_t i = 0; words && words[i] && n < max; i++)
		if (strncmp(words[i], partial, len - cut) == 0)
			out[n++] = words[i];
	return n;
}
