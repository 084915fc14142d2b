/* wrap.h - handouts that print: lines longer than a width broken at spaces
 * (or after a comma, for "[0]=2,[1]=0,..."), the continuation indented
 * under the text it continues. Pure, plus a FILE that wraps what goes
 * through it, so that a renderer writing fprintf lines need not know. */
#ifndef SOCKSTEP_WRAP_H
#define SOCKSTEP_WRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define WRAP_DEFAULT 100 /* fits A4 and Letter in a monospaced font */
#define WRAP_MIN 60
#define WRAP_MAX 1000

/* Break one line (n bytes, no '\n') into lines of at most width display
 * columns (text_cols: a CJK character takes two, a combining mark none),
 * each handed to put(ctx, text, len) with its '\n'. A continuation is
 * indented under the line's text: after "  wire    " or "  server  ", two
 * more than a deeper indent, flush for a line that starts at column 0. */
void wrap_line(const char *s, size_t n, int width, void (*put)(void *ctx, const char *p, size_t len), void *ctx);

/* Compact handouts: is this frame (its summary, "cli→srv ARP who has ...")
 * listed? ARP is, up to the first reply of the lesson (the lecture explains
 * that exchange); later ARP frames, the kernels refreshing their caches,
 * are counted instead. *arp_done starts false. */
bool wrap_frame_listed(bool *arp_done, const char *summary);

/* One line (its '\n' optional) written to f wrapped (width 0: as it is). */
int wrap_fputs(const char *line, int width, FILE *f);

/* A stream that wraps each line written to it and writes it to out (and
 * flushes out, checked by out.h's rules). fclose it when done; out stays
 * open. NULL when out of memory. */
FILE *wrap_open(FILE *out, int width);

#endif
