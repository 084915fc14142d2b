/* cmd_lex.c - a line of the command language into words, and the one error
 * line a refusal gets: quoting and C escapes, words escaped when an error
 * shows them, "did you mean" and "a, b or c". Pure: no I/O, no allocation.
 * Everything past the words (values, verbs, checks) is in the other cmd_*.c
 * rooms (cmd_int.h). */
#include "cmd_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct shown cmd_show_bytes(const char *s, size_t n)
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

struct shown cmd_show(const struct cmd_tok *t)
{
	return cmd_show_bytes(t->s, t->len);
}

int cmd_fail(struct cmd_ctx *x, const char *fmt, ...)
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

bool cmd_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

int cmd_hexval(char ch)
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
			return cmd_fail(x, "unterminated quote starting at column %zu: expected a closing \"",
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
			return cmd_fail(x, "unterminated quote starting at column %zu: expected a closing \"",
					open + 1);
		char e = line[p + 1];
		const char *from = "ntr\\\"0", *to = "\n\t\r\\\"\0";
		const char *hit = e ? strchr(from, e) : NULL;
		if (hit) {
			put(&x->tk, keep, to[hit - from]);
			p += 2;
		} else if (e == 'x' && p + 3 < len && cmd_hexval(line[p + 2]) >= 0 &&
			   cmd_hexval(line[p + 3]) >= 0) {
			put(&x->tk, keep, (char)(cmd_hexval(line[p + 2]) * 16 + cmd_hexval(line[p + 3])));
			p += 4;
		} else {
			size_t n = 2; /* show "\\q", or "\\x4" without the text after it */
			if (e == 'x' && p + 2 < len && cmd_hexval(line[p + 2]) >= 0)
				n = 3;
			return cmd_fail(x, "bad escape \"\\%s\" at column %zu: expected \\n, \\t, \\r, \\\\, \\\", \\0 or \\xHH",
					cmd_show_bytes(line + p + 1, n - 1).s, p + 1);
		}
	}
	p++; /* closing quote */
	if (p < len && !cmd_blank(line[p]))
		return cmd_fail(x, "expected a blank after the closing quote at column %zu, found \"%s\"",
				p + 1, cmd_show_bytes(line + p, 1).s);
	*i = p;
	return 0;
}

/* One bare word: ends at a blank. A quote inside it is almost always a
 * missing blank or a half-quoted text, so it is an error, not literal. */
static int lex_bare(struct cmd_ctx *x, const char *line, size_t len, size_t *i, bool keep)
{
	size_t p = *i;

	while (p < len && !cmd_blank(line[p])) {
		if (line[p] == '"')
			return cmd_fail(x, "unexpected quote at column %zu inside the word \"%s\": "
					"expected the whole text in quotes, e.g. \"hello world\"",
					p + 1, cmd_show_bytes(line + *i, p - *i).s);
		put(&x->tk, keep, line[p]);
		p++;
	}
	*i = p;
	return 0;
}

/* Split the line into words. '#' starts a comment only at the start of a
 * word, so "server#4" stays one word while "server close # done" ends early. */
int cmd_lex(struct cmd_ctx *x, const char *line, size_t len)
{
	struct toks *tk = &x->tk;
	size_t i = 0;

	tk->n = tk->used = tk->last_end = 0;
	for (;;) {
		while (i < len && cmd_blank(line[i]))
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

bool cmd_tok_is(const struct cmd_tok *t, const char *word)
{
	return t->len == strlen(word) && memcmp(t->s, word, t->len) == 0;
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
struct shown cmd_suggest(const struct cmd_tok *t, const char *const *words)
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
struct list cmd_join(const char *const *words)
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

int cmd_lookup(const struct cmd_tok *t, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (cmd_tok_is(t, words[i]))
			return i;
	return -1;
}

