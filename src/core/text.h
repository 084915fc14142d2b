/* text.h - text that came from a user (scripts, lessons, file names, say
 * lines) made safe for a terminal. Every control character (C0, DEL and the
 * C1 range U+0080-U+009F) and every byte that is not part of valid UTF-8 is
 * written as \xNN, as `cat -v` and `ls` show what they cannot print, so no
 * escape sequence from a file can clear, retitle or repaint the terminal.
 * So are the bytes of the invisible format controls that reorder or hide
 * text (text_format_control): a U+202E in a say line would show the rest of
 * the line, or a command in a handout, reversed. Valid printable UTF-8
 * (accents, arrows, CJK, the joiners of emoji and Persian) is kept as it is.
 * Pure. */
#ifndef SOCKSTEP_TEXT_H
#define SOCKSTEP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The invisible format controls shown escaped: the bidirectional marks,
 * embeddings, overrides and isolates (U+061C, U+200E-U+200F, U+202A-U+202E,
 * U+2066-U+2069), the deprecated format characters U+206A-U+206F, the line
 * and paragraph separators U+2028-U+2029 and the byte order mark U+FEFF. */
bool text_format_control(uint32_t cp);

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

/* A stream escaped as it goes by, in pieces of any size (stderr, see out.h):
 * as text_escape, but newlines and tabs are kept (they end and align
 * messages), and a UTF-8 character cut at the end of one piece is completed
 * by the next, so that where a writer splits its text changes nothing. */
struct text_stream {
	char carry[4];  /* the start of a character cut at the end of the last piece */
	size_t ncarry;
};

/* Escape n bytes of s, handing the result to put(ctx, bytes, len) (which
 * returns a negative value to stop). final: no piece follows, so a character
 * still cut short is shown as \xNN. Returns 0, or put's negative value. */
int text_stream(struct text_stream *st, const char *s, size_t n, int final,
		int (*put)(void *ctx, const char *p, size_t len), void *ctx);

/* Markdown (the --handout md): s escaped as inline text, one line, safe in
 * a table cell too ('|' escaped), control bytes as text_escape shows them;
 * a line that would start a list, a heading or a code block stays text.
 * s up to 4096 bytes. */
void md_inline(const char *s, char *out, size_t len);
/* The shortest run of backticks longer than every run in s, at least min:
 * a code fence or code-span delimiter that s cannot end. */
int md_fence_len(const char *s, int min);

/* Columns a terminal gives the first character of the n bytes at s (n > 0):
 * 2 for CJK and other wide characters, 0 for a combining mark, else 1 (an
 * invalid byte too), as wcwidth() says in a UTF-8 locale, whatever the
 * process's locale. Its length in bytes in *len (at least 1). */
int text_char_cols(const char *s, size_t n, size_t *len);

/* Columns of n bytes of UTF-8 text (the sum of text_char_cols). */
int text_cols(const char *s, size_t n);

/* True when s holds nothing that text_escape would change. */
int text_is_safe(const char *s);

#endif
