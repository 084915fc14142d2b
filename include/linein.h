/* linein.h - reading text lines in bounded memory (pure: stdio only).
 *
 * getline() reads a whole line before anyone can check its length, so one
 * line without an end (/dev/zero, a binary file) grows without bound, and
 * when memory runs out it returns -1 as at the end of the input. Here a line
 * is read into the caller's buffer of max + 1 bytes and never further; the
 * rest of a longer line is skipped in bounded memory and counted, so the
 * error line can say how long it was. A read error is never the end. */
#ifndef SOCKSTEP_LINEIN_H
#define SOCKSTEP_LINEIN_H

#include <stddef.h>
#include <stdio.h>

enum linein_status {
	LINEIN_LINE,   /* buf holds a line of *len <= max bytes, without its '\n',
			  NUL-terminated; it may hold NUL bytes (a binary file) */
	LINEIN_LONG,   /* the line had *len > max bytes; buf holds its first max
			  bytes; the rest was skipped up to its '\n' */
	LINEIN_BINARY, /* the line is longer than max and holds a NUL byte (e.g.
			  /dev/zero): nothing after the first max + 1 bytes was
			  read, and the input should be read no further */
	LINEIN_END,    /* end of input: nothing read */
	LINEIN_ERROR,  /* a read error; its errno value in *err */
};

/* Read the next line of in. buf has room for max + 1 bytes. */
enum linein_status linein_read(FILE *in, char *buf, size_t max, size_t *len, int *err);

#endif
