/* linein.c - reading text lines in bounded memory (see linein.h). */
#include "linein.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* The error of the last read, never 0 (a stream can fail without errno). */
static enum linein_status failed(FILE *in, int *err)
{
	*err = errno ? errno : EIO;
	clearerr(in);
	return LINEIN_ERROR;
}

/* At the start of the input: skip a byte order mark, or put the bytes of
 * one begun into buf (how many, 0-2); the byte after them is pushed back. */
static size_t skip_bom(FILE *in, char *buf)
{
	static const unsigned char bom[] = { 0xEF, 0xBB, 0xBF };
	size_t n = 0;
	int c = EOF;
	while (n < 3 && (c = getc(in)) == bom[n])
		n++;
	if (n == 3)
		return 0;
	if (c != EOF)
		ungetc(c, in);
	memcpy(buf, bom, n);
	return n;
}

const char *linein_text(const char *s)
{
	return s && !strncmp(s, LINEIN_BOM, 3) ? s + 3 : s;
}

enum linein_status linein_read(FILE *in, bool first, char *buf, size_t max, size_t *len, int *err)
{
	size_t n = 0;
	int c = 0;
	*len = 0;
	*err = 0;
	errno = 0;
	if (first && max >= 2)
		n = skip_bom(in, buf);
	while (n < max && (c = getc(in)) != EOF && c != '\n')
		buf[n++] = (char)c;
	if (n == max && c != '\n' && c != EOF) {
		/* max bytes read: the line ends now (a CR LF too), or it is too long. */
		c = getc(in);
		if (c == '\r') {
			int d = getc(in);
			if (d == '\n')
				c = d;
			else if (d != EOF)
				ungetc(d, in);
		}
		if (c != '\n' && (c != EOF || ferror(in))) {
			if (c == EOF)
				return failed(in, err);
			bool nul = c == '\0' || memchr(buf, '\0', n);
			n++;
			if (nul) {
				*len = n;
				buf[max] = '\0';
				return LINEIN_BINARY;
			}
			/* Skip the rest, counting; a NUL byte on the way means binary input. */
			while ((c = getc(in)) != EOF && c != '\n') {
				n++;
				if (c == '\0') {
					*len = n;
					buf[max] = '\0';
					return LINEIN_BINARY;
				}
			}
			buf[max] = '\0';
			if (ferror(in))
				return failed(in, err);
			*len = n;
			return LINEIN_LONG;
		}
	}
	if (ferror(in))
		return failed(in, err);
	if (c == EOF && n == 0)
		return LINEIN_END;
	if (c == '\n' && n && buf[n - 1] == '\r')
		n--; /* CR LF ends a line as LF does */
	buf[n] = '\0';
	*len = n;
	return LINEIN_LINE;
}
