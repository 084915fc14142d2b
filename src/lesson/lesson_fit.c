/* lesson_fit.c - each step's narration against the room the screen has for
 * it at 80x24 (see lesson_fit.h). */
#include "lesson_fit.h"

#include <errno.h>
#include <string.h>

#include "cmd.h"
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

int lesson_step_rows(const struct lesson_step *s)
{
	int n = 0;
	for (size_t i = 0; i < s->nitems; i++) {
		const struct lesson_item *it = &s->items[i];
		const struct cmd_verb_info *v = it->kind == LI_COMMAND ? cmd_verb_info(it->verb) : NULL;
		n += v && (v->flags & CMD_F_ROW) && !it->fails;
	}
	return n;
}

bool lesson_step_about_pane(const struct lesson_step *s)
{
	if (s->show)
		return (s->show & ~LESSON_SHOW_TABLE) != 0;
	for (size_t i = 0; i < s->nitems; i++) {
		const struct lesson_item *it = &s->items[i];
		const struct cmd_verb_info *v = it->kind == LI_COMMAND ? cmd_verb_info(it->verb) : NULL;
		if (v && (v->flags & (CMD_F_PANE | CMD_F_CONV)))
			return true;
	}
	return false;
}

int lesson_step_pane_lines(const struct lesson_step *s)
{
	if (!lesson_step_about_pane(s))
		return 1;
	int conv = 0;
	for (size_t i = 0; i < s->nitems; i++) {
		const struct lesson_item *it = &s->items[i];
		const struct cmd_verb_info *v = it->kind == LI_COMMAND ? cmd_verb_info(it->verb) : NULL;
		conv += v && (v->flags & CMD_F_CONV);
	}
	return conv > 4 ? conv : 4;
}

int lesson_fit(const struct lesson *l, int *step, int *lines, int *most, int *rows)
{
	for (int k = 0; k < l->nsteps; k++) {
		const struct lesson_step *s = &l->steps[k];
		int n = lesson_step_lines(s, LESSON_FIT_COLS), r = 0, m = LESSON_FIT_LINES_TEXT;
		if (s->ncommands) {
			/* The room less the calls, the table's header and the bottom pane. */
			r = lesson_step_rows(s);
			m = LESSON_FIT_ROOM - LESSON_FIT_CALLS - 1 - lesson_step_pane_lines(s);
			if (r < 1)
				m--; /* the table keeps a line for a row all the same */
		}
		if (n + r > m) {
			*step = k;
			*lines = n + r;
			*most = m;
			*rows = r;
			return -EINVAL;
		}
	}
	return 0;
}
