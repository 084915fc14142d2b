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

enum linein_status linein_read(FILE *in, char *buf, size_t max, size_t *len, int *err)
{
	size_t n = 0;
	int c = 0;
	*len = 0;
	*err = 0;
	errno = 0;
	while (n < max && (c = getc(in)) != EOF && c != '\n')
		buf[n++] = (char)c;
	buf[n] = '\0';
	if (n < max) { /* the line ended, or the input did */
		if (ferror(in))
			return failed(in, err);
		if (c == EOF && n == 0)
			return LINEIN_END;
		*len = n;
		return LINEIN_LINE;
	}
	/* max bytes read: the line ends now, or it is too long. */
	c = getc(in);
	if (c == '\n' || (c == EOF && !ferror(in))) {
		*len = n;
		return LINEIN_LINE;
	}
	if (c == EOF)
		return failed(in, err);
	bool nul = c == '\0' || memchr(buf, '\0', n);
	n++;
	if (nul) {
		*len = n;
		return LINEIN_BINARY;
	}
	/* Skip the rest, counting; a NUL byte on the way means binary input. */
	while ((c = getc(in)) != EOF && c != '\n') {
		n++;
		if (c == '\0') {
			*len = n;
			return LINEIN_BINARY;
		}
	}
	if (ferror(in))
		return failed(in, err);
	*len = n;
	return LINEIN_LONG;
}
