/* wrap.c - lines broken to a width (see wrap.h). */
#include "wrap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "text.h"

/* Where a continuation starts: under the text after a short tag column
 * ("  wire    ", "  server  "), else two past a deeper indent. */
static size_t hang_of(const char *s, size_t n)
{
	size_t lead = 0;
	while (lead < n && s[lead] == ' ')
		lead++;
	if (lead == 0)
		return 0;
	if (lead < 10) {
		size_t i = lead;
		while (i < n && s[i] != ' ')
			i++;
		size_t j = i;
		while (j < n && s[j] == ' ')
			j++;
		if (j < n && j <= 16)
			return j;
	}
	return lead + 2;
}

void wrap_line(const char *s, size_t n, int width, void (*put)(void *ctx, const char *p, size_t len), void *ctx)
{
	static const char pad[] = "                                                                ";
	size_t hang = hang_of(s, n);
	if (hang > (size_t)width / 2 || hang >= sizeof(pad))
		hang = 4; /* a continuation needs room of its own */
	bool first = true;
	if (!n)
		put(ctx, "\n", 1);
	while (n) {
		size_t ind = first ? 0 : hang;
		if (text_cols(s, n) + (int)ind <= width) {
			if (ind)
				put(ctx, pad, ind);
			put(ctx, s, n);
			put(ctx, "\n", 1);
			return;
		}
		/* Where the first character that does not fit starts (display
		 * columns: CJK takes two), then a space or a comma before it. */
		size_t fit = 0;
		for (int cols = (int)ind; fit < n;) {
			size_t len;
			cols += text_char_cols(s + fit, n - fit, &len);
			if (cols > width)
				break;
			fit += len;
		}
		size_t lo = first ? hang_of(s, n) : 0, cut = 0, next = 0;
		for (size_t i = fit; i > lo; i--)
			if (s[i] == ' ' && s[i - 1] != ' ') {
				cut = i;
				break;
			}
		if (!cut)
			for (size_t i = fit; i > lo + 1; i--)
				if (s[i - 1] == ',') {
					cut = i;
					break;
				}
		if (!cut) /* one word longer than the line: cut it at a character */
			cut = fit > lo ? fit : n;
		for (next = cut; next < n && s[next] == ' ';)
			next++;
		if (ind)
			put(ctx, pad, ind);
		put(ctx, s, cut);
		put(ctx, "\n", 1);
		s += next;
		n -= next;
		first = false;
	}
}

static void put_out(void *ctx, const char *p, size_t len);

struct wrapf {
	FILE *out;
	int width;
	char *line; /* a line not yet ended */
	size_t n, cap;
};

static void put_out(void *ctx, const char *p, size_t len)
{
	fwrite(p, 1, len, ctx);
}

static ssize_t wr_write(void *cookie, const char *buf, size_t size)
{
	struct wrapf *w = cookie;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n') {
			wrap_line(w->line ? w->line : "", w->n, w->width, put_out, w->out);
			w->n = 0;
			continue;
		}
		if (w->n == w->cap) {
			size_t c = w->cap ? w->cap * 2 : 256;
			char *l = realloc(w->line, c);
			if (!l)
				return -1;
			w->line = l;
			w->cap = c;
		}
		w->line[w->n++] = buf[i];
	}
	/* The handout streams (| head stops it): out's failure is ours. */
	return out_flush(w->out) < 0 ? -1 : (ssize_t)size;
}

static int wr_close(void *cookie)
{
	struct wrapf *w = cookie;
	if (w->n)
		wrap_line(w->line, w->n, w->width, put_out, w->out);
	int r = out_flush(w->out);
	free(w->line);
	free(w);
	return r;
}

FILE *wrap_open(FILE *out, int width)
{
	struct wrapf *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->out = out;
	w->width = width;
	FILE *f = fopencookie(w, "w", (cookie_io_functions_t){ .write = wr_write, .close = wr_close });
	if (!f) {
		free(w);
		return NULL;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int wrap_fputs(const char *line, int width, FILE *f)
{
	size_t n = strlen(line);
	if (n && line[n - 1] == '\n')
		n--;
	if (width)
		wrap_line(line, n, width, put_out, f);
	else
		fprintf(f, "%.*s\n", (int)n, line);
	return ferror(f) ? -1 : 0;
}

bool wrap_frame_listed(bool *arp_done, const char *summary)
{
	const char *sp = summary ? strchr(summary, ' ') : NULL;
	if (!sp || strncmp(sp + 1, "ARP ", 4))
		return true; /* not ARP */
	if (*arp_done)
		return false;
	*arp_done = strstr(sp, " is at ") != NULL; /* the reply ends the first exchange */
	return true;
}
