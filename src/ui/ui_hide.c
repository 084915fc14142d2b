/* ui_hide.c - what the panes hide while a question of the lesson waits for
 * a guess (ui_hide.h): read from the queue ui_predict.c keeps, never more. */
#include "ui_hide.h"

#include <stdio.h>
#include <string.h>

#include "predict.h"

/* Questions wait, and lab a is the one they are about (the lesson's first). */
static bool waiting(const struct ui_asked *q, const struct app *a)
{
	return q->n > 0 && a == q->lab;
}

bool ui_hide_cell(const struct ui_asked *asked, const struct app *a, enum side side, int prog, int child, int fd,
		  size_t at, enum expect_what what)
{
	if (!waiting(asked, a))
		return false;
	for (int i = 0; i < asked->n; i++) {
		const struct event *q = session_at(&a->log, asked->ev[i]);
		if (!q || q->kind != EV_PREDICT || (enum expect_what)q->ret != what || at <= asked->ev[i])
			continue;
		if (q->side == side && (q->prog ? q->prog : 1) == (prog ? prog : 1) && q->child == child &&
		    (q->fd < 0 || q->fd == fd))
			return true;
	}
	return false;
}

bool ui_hide_bytes(const struct ui_asked *asked, const struct app *a, size_t at, unsigned char b[4], int *n)
{
	*n = 0;
	if (!waiting(asked, a))
		return false;
	for (int i = 0; i < asked->n; i++) {
		const struct event *q = session_at(&a->log, asked->ev[i]);
		struct predict_answer ans;
		if (!q || q->kind != EV_PREDICT || (enum expect_what)q->ret != EX_RESULT || q->side != SIDE_NONE ||
		    at <= asked->ev[i] || predict_answer(&a->log, asked->ev[i], 0, 0, &ans) < 0 || !ans.bytes)
			continue;
		unsigned v;
		int k = 0;
		for (const char *s = ans.value; *n < 4 && sscanf(s, "%2x%n", &v, &k) == 1; s += k)
			b[(*n)++] = (unsigned char)v;
		return *n > 0;
	}
	return false;
}

size_t ui_hide_frame(const struct ui_asked *asked, const struct app *a, const struct wire_frame *f,
		     unsigned char *hide)
{
	memset(hide, 0, WIRE_SNAP);
	if (!waiting(asked, a))
		return 0;
	size_t caplen = f->caplen < WIRE_SNAP ? f->caplen : WIRE_SNAP, n = 0;
	for (int i = 0; i < asked->n; i++) {
		const struct event *q = session_at(&a->log, asked->ev[i]);
		struct predict_answer ans;
		if (q && q->kind == EV_PREDICT && f->seq > q->seq &&
		    predict_answer(&a->log, asked->ev[i], asked->lo, asked->hi, &ans) == 0)
			n += predict_hide_frame(&ans, &f->dec, f->data, caplen, hide);
	}
	return n;
}

void ui_hide_mask(const struct ui_asked *asked, const struct app *a, unsigned seq, char *text)
{
	if (!waiting(asked, a))
		return;
	for (int i = 0; i < asked->n; i++) {
		const struct event *q = session_at(&a->log, asked->ev[i]);
		struct predict_answer ans;
		if (q && q->kind == EV_PREDICT && seq > q->seq &&
		    predict_answer(&a->log, asked->ev[i], asked->lo, asked->hi, &ans) == 0)
			predict_mask_words(text, &ans);
	}
}
