/* text.c - user text made safe for a terminal (see text.h). */
#include "text.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (at most n bytes) that is a
 * printable character, or 0: invalid, overlong, surrogate, beyond U+10FFFF,
 * or a C1 control (U+0080-U+009F, which a terminal may obey as ESC [ ...). */
static size_t utf8_printable(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len;
	uint32_t cp;
	if (c >= 0x20 && c < 0x7f)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0; /* C0, DEL, continuation byte, overlong lead, or past U+10FFFF */
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0; /* overlong */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0; /* surrogate */
	if (cp < 0xa0)
		return 0; /* C1 control */
	return len;
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

size_t text_printable_len(const char *s, size_t n)
{
	return n ? utf8_printable((const unsigned char *)s, n) : 0;
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
