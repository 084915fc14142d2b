/* text.h - text that came from a user (scripts, lessons, file names, say
 * lines) made safe for a terminal. Every control character (C0, DEL and the
 * C1 range U+0080-U+009F) and every byte that is not part of valid UTF-8 is
 * written as \xNN, as `cat -v` and `ls` show what they cannot print, so no
 * escape sequence from a file can clear, retitle or repaint the terminal.
 * Valid printable UTF-8 (accents, arrows) is kept as it is. Pure. */
#ifndef SOCKSTEP_TEXT_H
#define SOCKSTEP_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Escape the first n bytes of s into out (len bytes, always NUL-terminated;
 * cut with "..." when out is too small). Returns the length written. */
size_t text_escape_n(const char *s, size_t n, char *out, size_t len);

/* The same for a NUL-terminated string. */
size_t text_escape(const char *s, char *out, size_t len);

/* For format arguments: s escaped into one of 8 rotating static buffers of
 * 1024 bytes (so several may appear in one printf). NULL gives "". */
const char *tesc(const char *s);

/* Write s escaped to f. Returns what fputs returns. */
int text_fputs(const char *s, FILE *f);

/* Bytes of the printable character at s (n bytes available): 1 for
 * printable ASCII, 2-4 for valid UTF-8 that is not a C1 control, 0 for a byte
 * that text_escape writes as \xNN. For stream filters (see out.h). */
size_t text_printable_len(const char *s, size_t n);

/* True when s holds nothing that text_escape would change. */
int text_is_safe(const char *s);

#endif
