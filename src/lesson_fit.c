/* lesson_fit.c - each step's narration against the room the screen has for
 * it at 80x24 (see lesson_fit.h). */
#include "lesson_fit.h"

#include <errno.h>
#include <string.h>

#include "text.h"

/* A paragraph being wrapped: the columns of the line being filled. */
struct fill {
	int cols, lines, width;
};

static void word(struct fill *f, const char *w, size_t n)
{
	int c = text_cols(w, n);
	if (f->cols && f->cols + 1 + c > f->width) {
		f->lines++;
		f->cols = 0;
	}
	f->cols += (f->cols ? 1 : 0) + c;
}

static void end_para(struct fill *f)
{
	if (f->cols)
		f->lines++;
	f->cols = 0;
}

int lesson_step_lines(const struct lesson_step *s, int width)
{
	struct fill f = { 0, 0, width < 8 ? 8 : width };
	for (size_t i = 0; i < s->nitems; i++) {
		const struct lesson_item *it = &s->items[i];
		if (it->kind != LI_TEXT)
			continue;
		if (!it->text[0]) {
			end_para(&f);
			continue;
		}
		if (it->pre) { /* preformatted: a line of its own, never joined */
			end_para(&f);
			/* Drawn two columns in: two of its four spaces of mark are
			 * not shown (ui_lesson.c), so LESSON_PRE_COLS fill the box. */
			int c = text_cols(it->text, strlen(it->text)) - 2;
			f.lines += c <= f.width ? 1 : (c + f.width - 1) / f.width;
			continue;
		}
		for (const char *p = it->text; *p;) {
			p += strspn(p, " ");
			size_t n = strcspn(p, " ");
			if (n)
				word(&f, p, n);
			p += n;
		}
	}
	end_para(&f);
	return f.lines;
}

int lesson_fit(const struct lesson *l, int *step, int *lines, int *most)
{
	for (int k = 0; k < l->nsteps; k++) {
		const struct lesson_step *s = &l->steps[k];
		int n = lesson_step_lines(s, LESSON_FIT_COLS), m = s->ncommands ? LESSON_FIT_LINES : LESSON_FIT_LINES_TEXT;
		if (n > m) {
			*step = k;
			*lines = n;
			*most = m;
			return -EINVAL;
		}
	}
	return 0;
}
