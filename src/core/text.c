/* text.c - user text made safe for a terminal (see text.h). */
#include "text.h"

#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

bool text_format_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x206f) || cp == 0xfeff;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes) and its code
 * point in *cp, or 0: invalid, overlong, surrogate, beyond U+10FFFF. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t len;
	*cp = c;
	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0; /* continuation byte, overlong lead, or past U+10FFFF */
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	*cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && *cp < 0x800) || (len == 4 && (*cp < 0x10000 || *cp > 0x10ffff)))
		return 0; /* overlong */
	if (*cp >= 0xd800 && *cp <= 0xdfff)
		return 0; /* surrogate */
	return len;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes) that is a
 * printable character, or 0: invalid, a C0 control or DEL, a C1 control
 * (U+0080-U+009F, which a terminal may obey as ESC [ ...), or a format
 * control that reorders or hides text (text_format_control). */
static size_t utf8_printable(const unsigned char *p, size_t n)
{
	uint32_t cp;
	if (p[0] >= 0x20 && p[0] < 0x7f)
		return 1;
	size_t len = utf8_decode(p, n, &cp);
	if (cp < 0xa0)
		return 0; /* C0, DEL, C1 control */
	if (text_format_control(cp))
		return 0; /* "\u202e" would show the rest of the line reversed */
	return len;
}

/* ---- display width ---------------------------------------------------- */

int text_char_cols(const char *s, size_t n, size_t *len)
{
	/* Batch mode never calls setlocale, and a handout must come out the
	 * same in any locale: the width is always a UTF-8 locale's (C.UTF-8,
	 * the one a terminal showing this text would use). */
	static locale_t utf8;
	static bool tried;
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	*len = 1;
	if (!n)
		return 0;
	if (p[0] < 0x80)
		return 1;
	size_t l = utf8_decode(p, n, &cp);
	if (!l)
		return 1; /* an invalid byte: shown as one (\xNN where it is escaped) */
	*len = l;
	if (!tried) {
		tried = true;
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	if (!utf8)
		return 1; /* no UTF-8 locale at all: one column per character */
	locale_t old = uselocale(utf8);
	int w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w < 0 ? 1 : w;
}

int text_cols(const char *s, size_t n)
{
	int c = 0;
	for (size_t i = 0, len; i < n; i += len)
		c += text_char_cols(s + i, n - i, &len);
	return c;
}

size_t text_escape_n(const char *s, size_t n, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	if (!len)
		return 0;
	for (size_t i = 0; i < n;) {
		char tmp[8];
		size_t t = utf8_printable(p + i, n - i);
		if (t) {
			memcpy(tmp, p + i, t);
		} else {
			static const char hex[] = "0123456789abcdef";
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[p[i] >> 4];
			tmp[3] = hex[p[i] & 15];
			t = 4;
		}
		if (o + t + 4 > len) { /* keep room for "..." and the NUL */
			size_t dots = len - 1 - o < 3 ? len - 1 - o : 3;
			memcpy(out + o, "...", dots);
			o += dots;
			break;
		}
		memcpy(out + o, tmp, t);
		o += t;
		i += utf8_printable(p + i, n - i) ? t : 1;
	}
	out[o] = '\0';
	return o;
}

size_t text_escape(const char *s, char *out, size_t len)
{
	return text_escape_n(s ? s : "", s ? strlen(s) : 0, out, len);
}

const char *tesc(const char *s)
{
	static _Thread_local char buf[8][1024];
	static _Thread_local unsigned next;
	char *b = buf[next++ % 8];
	text_escape(s, b, sizeof(buf[0]));
	return b;
}

int text_fputs(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	for (size_t i = 0; i < n;) {
		size_t t = utf8_printable(p + i, n - i);
		if (t) {
			size_t run = i;
			while (run < n && (t = utf8_printable(p + run, n - run)))
				run += t;
			if (fwrite(p + i, 1, run - i, f) != run - i)
				return EOF;
			i = run;
		} else {
			if (fprintf(f, "\\x%02x", p[i]) < 0)
				return EOF;
			i++;
		}
	}
	return 0;
}

/* How long the UTF-8 character that lead byte c starts would be, 0 if none. */
static size_t utf8_len(unsigned char c)
{
	return c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
}

/* A valid start of a character that the n bytes at p cut short. */
static bool cut_short(const unsigned char *p, size_t n)
{
	if (n >= utf8_len(p[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return false;
	return true;
}

struct sink {
	char buf[512];
	size_t o;
	int (*put)(void *ctx, const char *p, size_t len);
	void *ctx;
	int err;
};

static void sink_add(struct sink *k, const char *p, size_t n)
{
	if (k->err)
		return;
	if (k->o + n > sizeof(k->buf)) {
		int r = k->put(k->ctx, k->buf, k->o);
		k->o = 0;
		if (r < 0) {
			k->err = r;
			return;
		}
	}
	memcpy(k->buf + k->o, p, n);
	k->o += n;
}

/* Escape the n bytes at p whole (nothing follows them in this call). */
static size_t stream_some(struct sink *k, const unsigned char *p, size_t n, bool keep_cut)
{
	size_t i = 0;
	while (i < n) {
		size_t t = utf8_printable(p + i, n - i);
		if (!t && keep_cut && cut_short(p + i, n - i))
			break; /* the rest of this character comes with the next piece */
		if (t) {
			sink_add(k, (const char *)p + i, t);
			i += t;
		} else if (p[i] == '\n' || p[i] == '\t') {
			sink_add(k, (const char *)p + i++, 1);
		} else {
			static const char hex[] = "0123456789abcdef";
			char e[4] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };
			sink_add(k, e, 4);
			i++;
		}
	}
	return i;
}

int text_stream(struct text_stream *st, const char *s, size_t n, int final,
		int (*put)(void *ctx, const char *p, size_t len), void *ctx)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sink k = { .put = put, .ctx = ctx };
	size_t i = 0;
	if (st->ncarry) { /* complete the character cut last time, or show it */
		unsigned char c[4];
		size_t m = st->ncarry;
		memcpy(c, st->carry, m);
		while (i < n && m < utf8_len(c[0]) && (p[i] & 0xc0) == 0x80)
			c[m++] = p[i++];
		st->ncarry = 0;
		if (i == n && !final && cut_short(c, m)) {
			memcpy(st->carry, c, m); /* still cut short: wait for more */
			st->ncarry = m;
			return 0;
		}
		stream_some(&k, c, m, false);
	}
	size_t done = i + stream_some(&k, p + i, n - i, !final);
	if (done < n) {
		memcpy(st->carry, p + done, n - done);
		st->ncarry = n - done;
	}
	if (!k.err && k.o)
		k.err = put(ctx, k.buf, k.o);
	return k.err;
}

int text_is_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0, t; i < n; i += t)
		if (!(t = utf8_printable(p + i, n - i)))
			return 0;
	return 1;
}

/* ---- Markdown (handout_md.c) ---- */

void md_inline(const char *s, char *out, size_t len)
{
	size_t n = 0;
	char esc[4096 * 4 + 8];
	text_escape(s ? s : "", esc, sizeof(esc)); /* no control byte reaches a terminal or a page */
	const char *p = esc;
	while (*p == ' ')
		p++; /* four leading blanks would start a code block */
	/* A line that would start a list, a heading or a rule stays text. */
	const char *d = p;
	while (*d >= '0' && *d <= '9')
		d++;
	const char *lead = d > p && (*d == '.' || *d == ')') && (d[1] == ' ' || !d[1]) ? d
			 : *p == '=' || ((*p == '-' || *p == '+') && strchr(" -", p[1])) ? p : NULL;
	for (; *p && n + 3 < len; p++) {
		if (p == lead || strchr("\\`*_[]<>|#~&", *p))
			out[n++] = '\\';
		out[n++] = *p;
	}
	while (n && out[n - 1] == ' ')
		n--; /* two trailing blanks would be a line break */
	out[n] = '\0';
}

int md_fence_len(const char *s, int min)
{
	int best = 0, run = 0;
	for (; s && *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best + 1 > min ? best + 1 : min;
}
