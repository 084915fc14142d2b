/* ui_predict.c - predict, then reveal, on screen. A lesson's "predict" line
 * asks about the next command; after the step has run the answer's cells stay
 * "??" (5-tuple table, program panes) and the narration line asks the
 * question until the student guesses at the ':' line (Enter: the kernel's
 * real value, marked right or wrong) or skips with s. n goes on, skipping
 * what was not answered. The answer is never stored: predict.c reads it from
 * the log of what the command did. Nothing here blocks. */
#include "ui_shell.h"
#include "ui_notice.h"

#include <stdio.h>
#include <string.h>

#include "lesson.h"
#include "lesson_run.h"
#include "predict.h"

static struct app *lab0(const struct ui *u)
{
	return u->nles ? u->les[0].a : NULL;
}

bool ui_predict_pending(const struct ui *u)
{
	return u->nles && u->asked.n > 0;
}

/* The ladder drew "??" for the answer as it read the log: it reads it
 * again (after a reveal, and once an answer is known, to hide it). */
static void reveal_panes(struct ui *u)
{
	for (int i = 0; i < P_TILED_; i++)
		if ((i == P_LADDER || i == P_LADDER_B) && u->pane[i].ops && u->pane[i].ops->forget &&
		    u->pane[i].a == lab0(u)) {
			/* The same rows with "??" replaced: the view stays where it was. */
			struct ui_pane *p = &u->pane[i];
			int top = p->top;
			bool follow = p->follow;
			unsigned long sel = p->sel;
			p->ops->forget(u, p);
			p->top = top;
			p->follow = follow;
			p->sel = sel;
		}
}

void ui_predict_collect(struct ui *u, bool replay)
{
	struct app *a = lab0(u);
	if (!a)
		return;
	struct ui_predict *p = u->pred;
	u->asked.lab = a; /* what the panes hide is about this lab (ui_hide.h) */
	if (p->scan < a->log.first)
		p->scan = a->log.first;
	for (; p->scan < a->log.n; p->scan++) {
		const struct event *e = session_at(&a->log, p->scan);
		if (!e || e->kind != EV_PREDICT)
			continue;
		int ord = p->seen++;
		if (replay || u->asked.n == UI_PREDICT_QUEUE)
			continue;
		u->asked.ev[u->asked.n] = p->scan;
		p->ord[u->asked.n++] = ord;
	}
	/* A command ran: an answer it gave (recvfrom's data) is hidden in the
	 * labels the ladder already read. */
	if (u->asked.n)
		reveal_panes(u);
}

static void pop(struct ui *u)
{
	struct ui_asked *q = &u->asked;
	memmove(q->ev, q->ev + 1, (size_t)(q->n - 1) * sizeof(q->ev[0]));
	memmove(u->pred->ord, u->pred->ord + 1, (size_t)(q->n - 1) * sizeof(u->pred->ord[0]));
	q->n--;
}

static void who_what(const struct event *q, char *buf, size_t len)
{
	char who[16] = "";
	if (q->side != SIDE_NONE)
		cmd_prog_name(q->side, q->prog ? q->prog : 1, q->child, who, sizeof(who));
	snprintf(buf, len, "%s%s%s", who, who[0] ? " " : "", predict_field_name((enum expect_what)q->ret));
}

bool ui_predict_line(struct ui *u, char *buf, size_t len)
{
	if (!ui_predict_pending(u))
		return false;
	const struct event *q = session_at(&lab0(u)->log, u->asked.ev[0]);
	if (!q)
		return false;
	char ww[48];
	who_what(q, ww, sizeof(ww));
	snprintf(buf, len, "PREDICT %s: %s", ww, q->text ? q->text : "");
	return true;
}

static void range(struct ui *u)
{
	if (!u->pred->range_read) {
		engine_port_range(&lab0(u)->eng, SIDE_CLIENT, &u->asked.lo, &u->asked.hi);
		u->pred->range_read = true;
	}
}

/* The narration line after a reveal: the verdict, then the next question. */
static void reveal(struct ui *u, bool warn, const char *verdict)
{
	char next[CMD_ERR_MAX] = "";
	if (ui_predict_pending(u)) {
		const struct event *q = session_at(&lab0(u)->log, u->asked.ev[0]);
		snprintf(next, sizeof(next), "  %s next: %s", ui_glyph(u, G_DOT), q && q->text ? q->text : "");
	}
	reveal_panes(u);
	ui_notice(u, warn, "%s%s", verdict, next);
}

void ui_predict_guess(struct ui *u, const char *guess)
{
	if (!ui_predict_pending(u))
		return;
	range(u);
	struct ui_predict *p = u->pred;
	struct predict_answer a;
	const struct event *q = session_at(&lab0(u)->log, u->asked.ev[0]);
	char ww[48] = "";
	if (q)
		who_what(q, ww, sizeof(ww));
	if (predict_answer(&lab0(u)->log, u->asked.ev[0], u->asked.lo, u->asked.hi, &a) < 0) {
		int ord = p->ord[0];
		pop(u);
		if (ord < UI_PREDICT_MAX)
			p->verdict[ord] = 3;
		reveal(u, true, "no answer: the command after the question did not say (not scored)");
		return;
	}
	char why[200];
	bool right = predict_judge(&a, guess, u->asked.lo, u->asked.hi, why, sizeof(why));
	int ord = p->ord[0];
	pop(u);
	if (ord < UI_PREDICT_MAX)
		p->verdict[ord] = right ? 1 : 2;
	char v[CMD_ERR_MAX + 264];
	if (right)
		snprintf(v, sizeof(v), "%s right: %s is %s%s%s", u->utf8 ? "\u2713" : "[ok]", ww, a.value,
			 why[0] ? "; " : "", why);
	else if (why[0]) /* the reason says the port is the kernel's choice */
		snprintf(v, sizeof(v), "%s wrong: you said %.60s; %s is %s %s; %s", u->utf8 ? "\u2717" : "[x]", guess,
			 ww, a.ip, a.port, why);
	else
		snprintf(v, sizeof(v), "%s wrong: you said %.60s; %s is %s", u->utf8 ? "\u2717" : "[x]", guess, ww,
			 a.value);
	reveal(u, !right, v);
}

void ui_predict_skip(struct ui *u, bool all)
{
	struct ui_predict *p = u->pred;
	char v[CMD_ERR_MAX + 64] = "";
	while (ui_predict_pending(u)) {
		range(u);
		struct predict_answer a;
		const struct event *q = session_at(&lab0(u)->log, u->asked.ev[0]);
		char ww[48] = "";
		if (q)
			who_what(q, ww, sizeof(ww));
		if (p->ord[0] < UI_PREDICT_MAX)
			p->verdict[p->ord[0]] = 3;
		if (predict_answer(&lab0(u)->log, u->asked.ev[0], u->asked.lo, u->asked.hi, &a) == 0)
			snprintf(v, sizeof(v), "skipped: %s is %s", ww, a.value);
		else
			snprintf(v, sizeof(v), "skipped");
		pop(u);
		if (!all)
			break;
	}
	if (!all)
		reveal(u, false, v);
	else
		reveal_panes(u);
}

void ui_predict_reset(struct ui *u, bool restart)
{
	struct ui_predict *p = u->pred;
	p->scan = 0;
	p->seen = 0;
	u->asked.n = 0;
	u->answering = false;
	if (restart)
		memset(p->verdict, 0, sizeof(p->verdict));
}

void ui_predict_score(struct ui *u, char *buf, size_t len)
{
	buf[0] = '\0';
	const struct lesson *l = u->nles ? u->les[0].l : NULL;
	int total = 0, n[4] = { 0 };
	for (int s = 0; l && s < l->nsteps; s++)
		for (size_t i = 0; i < l->steps[s].nitems; i++)
			if (l->steps[s].items[i].kind == LI_COMMAND && !strncmp(l->steps[s].items[i].text, "predict ", 8))
				total++;
	for (int i = 0; i < UI_PREDICT_MAX && i < total; i++)
		n[u->pred->verdict[i] & 3]++;
	/* A skip (3) is not scored; a question never reached (0) neither, but
	 * a lesson's end reaches them all. */
	if (total)
		predict_score(n[1], n[2], n[3], buf, len);
}
