/* ui_lesson.c - the lesson pane: the narration of the step just run, large
 * enough to be read from the back of a classroom (bold, word-wrapped, one
 * paragraph after another), under a title with the step counter
 * ("lesson tcp · step 3/12: STEP 2 SOCKET BINDING ..."). Before the first
 * step it shows the lesson's title and summary and what n will do. The
 * lesson's commands are not repeated here: the program panes show them as
 * C code, with their results. */
#include "ui_pane.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_run.h"
#include "wrap.h"

int ui_lesson_steps(const struct ui *u)
{
	if (u->compare && u->row)
		return u->nrows;
	return u->nles ? lesson_step_count(u->les[0].l) : 0;
}

const struct lesson_step *ui_lesson_step_at(const struct ui *u, int which, int k)
{
	if (which < 0 || which >= u->nles || k < 0)
		return NULL;
	if (u->compare && u->row)
		return k < u->nrows && u->row[k][which] >= 0 ? lesson_step(u->les[which].l, u->row[k][which]) : NULL;
	return lesson_step(u->les[which].l, k);
}

int ui_lesson_step_no(const struct ui *u, int which, const struct lesson_step *s)
{
	const struct lesson *l = which >= 0 && which < u->nles ? u->les[which].l : NULL;
	for (int i = 0; s && l && i < l->nsteps; i++)
		if (&l->steps[i] == s)
			return i + 1;
	return 0;
}

/* The step a half shows: the last of its lesson run so far (a row where it
 * has none leaves its previous step in view). */
const struct lesson_step *ui_lesson_current(const struct ui *u, int which)
{
	for (int k = u->step - 1; k >= 0; k--) {
		const struct lesson_step *s = ui_lesson_step_at(u, which, k);
		if (s)
			return s;
	}
	return NULL;
}

/* The text shown before the first step: the lesson's title and summary
 * and what n does. */
static void intro_text(const struct lesson *l, char *out, size_t len)
{
	const struct lesson_step *first = lesson_step(l, 0);
	snprintf(out, len, "%s\n%s\nPress n (or space) to run step 1: %s.  b goes back a step, r restarts.",
		 l->title, l->summary && strcmp(l->summary, l->title) ? l->summary : "", first ? first->title : "");
}

/* A line being filled by wrap_lines. */
struct wrap {
	char line[1024];
	size_t ll;  /* bytes in line */
	int cols;   /* columns they take */
	int n;      /* lines made */
	void (*put)(const char *, void *);
	void *ctx;
};

static void wrap_flush(struct wrap *w)
{
	w->line[w->ll] = '\0';
	if (w->put)
		w->put(w->line, w->ctx);
	w->n++;
	w->ll = 0;
	w->cols = 0;
}

/* Word-wrap text into lines of at most width columns; a '\n' starts a new
 * line. Calls put(line, ctx) for each line (when put is not NULL) and
 * returns how many lines it made. */
static int wrap_lines(struct ui *u, const char *text, int width, void (*put)(const char *, void *), void *ctx)
{
	struct wrap w = { .put = put, .ctx = ctx };
	const char *s = text;
	if (width < 8)
		width = 8;
	for (;;) {
		while (*s == ' ')
			s++;
		if (!*s || *s == '\n') {
			if (w.ll || *s == '\n')
				wrap_flush(&w);
			if (!*s)
				break;
			s++;
			continue;
		}
		size_t wl = strcspn(s, " \n");
		char word[512];
		snprintf(word, sizeof(word), "%.*s", (int)(wl < sizeof(word) ? wl : sizeof(word) - 1), s);
		int ww = ui_width(u, word);
		if (w.ll && w.cols + 1 + ww > width)
			wrap_flush(&w);
		size_t len = strlen(word);
		if (w.ll + 1 + len < sizeof(w.line)) {
			if (w.ll) {
				w.line[w.ll++] = ' ';
				w.cols++;
			}
			memcpy(w.line + w.ll, word, len);
			w.ll += len;
			w.cols += ww;
		}
		s += wl;
	}
	return w.n;
}

/* A preformatted line, as the author wrote it but for two of its four
 * spaces of mark: two columns in from the narration, so that the 78 the
 * lesson check allows fill the box's 76 at 80 columns. A narrower box (a
 * --compare half) breaks it at spaces, each piece under its start (wrap.h),
 * never joined with the text around it. */
struct pre_put {
	void (*put)(const char *, void *);
	void *ctx;
	int n;
	char line[1024];
	size_t ll;
};

static void pre_piece(void *ctx, const char *p, size_t len)
{
	struct pre_put *pp = ctx;
	if (len == 1 && *p == '\n') {
		pp->line[pp->ll] = '\0';
		if (pp->put)
			pp->put(pp->line, pp->ctx);
		pp->n++;
		pp->ll = 0;
		return;
	}
	if (pp->ll + len < sizeof(pp->line)) {
		memcpy(pp->line + pp->ll, p, len);
		pp->ll += len;
	}
}

static int pre_lines(const char *text, int width, void (*put)(const char *, void *), void *ctx)
{
	struct pre_put pp = { .put = put, .ctx = ctx };
	wrap_line(text, strlen(text), width < 8 ? 8 : width, pre_piece, &pp);
	return pp.n;
}

/* The lines of a step's narration at width columns, handed to put (when
 * not NULL); returns how many. Lines of a paragraph are joined and
 * word-wrapped, each paragraph starts a line, and a preformatted line is
 * a line of its own, verbatim. */
static int step_lines(struct ui *u, const struct lesson *l, const struct lesson_step *s, int width,
		      void (*put)(const char *, void *), void *ctx)
{
	static char para[16384];
	size_t o = 0;
	int n = 0;
	bool any = false;
	if (!s) {
		intro_text(l, para, sizeof(para));
		return wrap_lines(u, para, width, put, ctx);
	}
	para[0] = '\0';
	for (size_t i = 0; i <= s->nitems; i++) {
		const struct lesson_item *it = i < s->nitems ? &s->items[i] : NULL;
		if (it && it->kind != LI_TEXT)
			continue;
		if (it && !it->pre && it->text[0]) { /* joins the paragraph */
			if (o + 1 < sizeof(para))
				o += (size_t)snprintf(para + o, sizeof(para) - o, "%s%s", o ? " " : "", it->text);
			if (o >= sizeof(para))
				o = sizeof(para) - 1;
			any = true;
			continue;
		}
		if (o) /* the paragraph ends: a blank line, a preformatted one, the end */
			n += wrap_lines(u, para, width, put, ctx);
		o = 0;
		para[0] = '\0';
		if (it && it->pre) {
			n += pre_lines(it->text + 2, width, put, ctx);
			any = true;
		}
	}
	if (!any)
		n += wrap_lines(u, "(this step has no narration: its commands speak for themselves)", width, put, ctx);
	return n;
}

int ui_lesson_rows_of(struct ui *u, int which, int width)
{
	if (which < 0 || which >= u->nles)
		return 0;
	/* The current step's text only: the box takes the lines it needs. */
	return step_lines(u, u->les[which].l, ui_lesson_current(u, which), width - 2, NULL, NULL);
}

int ui_lesson_rows(struct ui *u, int width)
{
	return ui_lesson_rows_of(u, 0, width);
}

/* Which lesson a pane narrates: --compare's right half has the second. */
static int which_of(const struct ui *u, const struct ui_pane *p)
{
	return u->nles > 1 && p == &u->pane[P_LESSON_B] ? 1 : 0;
}

static void lesson_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	int k = which_of(u, p);
	const struct lesson *l = u->les[k].l;
	const char *dot = ui_glyph(u, G_DOT);
	int n = lesson_step_count(l);
	const struct lesson_step *s = ui_lesson_current(u, k);
	if (!l) {
		snprintf(buf, len, "lesson");
	} else if (u->compare) {
		/* Each half's heading is its lesson's title, then the step in
		 * its own lesson's numbering. */
		if (s)
			snprintf(buf, len, "%s %s step %d/%d: %s", l->title, dot, ui_lesson_step_no(u, k, s), n,
				 s->title);
		else
			snprintf(buf, len, "%s %s %d steps %s n starts", l->title, dot, n, dot);
	} else if (!s) {
		snprintf(buf, len, "lesson %s %s %d step%s %s n starts", l->name, dot, n, n == 1 ? "" : "s", dot);
	} else {
		snprintf(buf, len, "lesson %s %s step %d/%d: %s", l->name, dot, u->step, n, s->title);
	}
}

struct drawing {
	struct ui *u;
	struct ui_pane *p;
	int line, y;
};

static void put_line(const char *line, void *ctx)
{
	struct drawing *d = ctx;
	if (d->line++ < d->p->top || d->y >= d->p->h)
		return;
	ui_put(d->u, d->p->win, d->y++, 1, d->p->w - 2, line, d->u->attr[R_NARRATE]);
}

static void lesson_draw(struct ui *u, struct ui_pane *p)
{
	if (!u->nles)
		return;
	int k = which_of(u, p);
	const struct lesson_step *s = ui_lesson_current(u, k);
	int total = step_lines(u, u->les[k].l, s, p->w - 2, NULL, NULL);
	if (p->top > total - p->h)
		p->top = total - p->h;
	if (p->top < 0)
		p->top = 0;
	struct drawing d = { .u = u, .p = p };
	step_lines(u, u->les[k].l, s, p->w - 2, put_line, &d);
	if (total > p->h) /* more below: say so in the last column */
		ui_put(u, p->win, p->h - 1, p->w - 1, 1, ui_glyph(u, G_ELLIPSIS), u->attr[R_MINOR]);
}

static bool lesson_key(struct ui *u, struct ui_pane *p, int key)
{
	if (!u->nles)
		return false;
	int k = which_of(u, p);
	int total = step_lines(u, u->les[k].l, ui_lesson_current(u, k), p->w - 2, NULL, NULL);
	p->follow = false;
	bool used = ui_scroll_key(p, key, total, p->h);
	p->follow = false;
	return used;
}

static void lesson_resize(struct ui *u, struct ui_pane *p)
{
	(void)u;
	p->top = 0;
	p->follow = false;
}

/* A new step: its narration from the top. */
static void lesson_forget(struct ui *u, struct ui_pane *p)
{
	(void)u;
	p->top = 0;
	p->follow = false;
}

const struct ui_pane_ops ui_lesson_ops = {
	.name = "lesson",
	.title = lesson_title,
	.draw = lesson_draw,
	.key = lesson_key,
	.resize = lesson_resize,
	.forget = lesson_forget,
};
