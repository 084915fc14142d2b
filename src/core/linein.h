/* linein.h - reading text lines in bounded memory (pure: stdio only).
 *
 * getline() reads a whole line before anyone can check its length, so one
 * line without an end (/dev/zero, a binary file) grows without bound, and
 * when memory runs out it returns -1 as at the end of the input. Here a line
 * is read into the caller's buffer of max + 1 bytes and never further; the
 * rest of a longer line is skipped in bounded memory and counted, so the
 * error line can say how long it was. A read error is never the end.
 *
 * One rule for text, wherever a line comes from (a --script file, stdin in
 * --batch, a lesson, the ':' prompt), as most tools read text: a UTF-8 byte
 * order mark at the start of the input is skipped, and CR LF ends a line as
 * LF does (a file saved on Windows). Any other CR is a control byte like the
 * rest: refused in a command, shown as \x0d in narration. */
#ifndef SOCKSTEP_LINEIN_H
#define SOCKSTEP_LINEIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define LINEIN_BOM "\xEF\xBB\xBF" /* U+FEFF, the byte order mark, in UTF-8 */

enum linein_status {
	LINEIN_LINE,   /* buf holds a line of *len <= max bytes, without its '\n'
			  (or CR LF), without a byte order mark when first,
			  NUL-terminated; it may hold NUL bytes (a binary file) */
	LINEIN_LONG,   /* the line had *len > max bytes; buf holds its first max
			  bytes; the rest was skipped up to its '\n' */
	LINEIN_BINARY, /* the line is longer than max and holds a NUL byte (e.g.
			  /dev/zero): nothing after the first max + 1 bytes was
			  read, and the input should be read no further */
	LINEIN_END,    /* end of input: nothing read */
	LINEIN_ERROR,  /* a read error; its errno value in *err */
};

/* Read the next line of in. buf has room for max + 1 bytes. first: this is
 * the input's first line (a byte order mark is skipped). The limit counts
 * the line's own bytes: a CR LF or a byte order mark is not counted. */
enum linein_status linein_read(FILE *in, bool first, char *buf, size_t max, size_t *len, int *err);

/* A whole input of one line (the ':' prompt): s past a byte order mark. */
const char *linein_text(const char *s);

#endif
