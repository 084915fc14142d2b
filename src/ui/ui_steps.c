/* ui_steps.c - n, b and r of a lesson on screen, as a state machine that the
 * loop turns (ui.c): one command at a time, and between commands the
 * network settles through app_settle_turn, one poll at a time, with the
 * keys and resizes of the same poll answered in between. Nothing here
 * sleeps; a step with a 1.2 s wait leaves the screen as quick as an idle one.
 * Going back rebuilds the lab (kernels cannot undo a step) and replays the
 * steps before, with its progress on the narration line; q or Esc stops a
 * step or a replay where it is. */
#include "ui_shell.h"
#include "ui_notice.h"

#include <stdio.h>
#include <string.h>

#include "lab.h"

#include "lesson.h"
#include "lesson_run.h"

/* After the last step: the lesson's verdict on the narration line (in the
 * warning style when anything failed). Before it, nothing: the lesson's
 * own line speaks. */
static void step_verdict(struct ui *u)
{
	u->notice[0] = '\0';
	if (u->step < ui_lesson_steps(u) || ui_predict_pending(u))
		return; /* a question of the last step speaks first; n at the end gives the verdict */
	int held = 0, failed = 0;
	for (int k = 0; k < u->nles; k++) {
		unsigned long h, f;
		session_expects(&u->les[k].a->log, &h, &f);
		held += (int)h;
		failed += (int)f;
	}
	int refused = u->fails - failed;
	char more[96] = "", score[48];
	if (refused > 0)
		snprintf(more, sizeof(more), ", %d command%s refused", refused, refused == 1 ? "" : "s");
	ui_predict_score(u, score, sizeof(score));
	if (score[0]) /* "5 of 7 predicted" */
		snprintf(more + strlen(more), sizeof(more) - strlen(more), "; %s", score);
	ui_notice(u, failed || refused > 0, "lesson complete: %d expectation%s held, %d failed%s%s", held,
		  held == 1 ? "" : "s", failed, more, failed || refused > 0 ? "" : "  (b back, r restart)");
}

/* The lesson speaks again (narration) until a command is typed by hand. */
static void lesson_mark(struct ui *u)
{
	for (int k = 0; k < u->nles; k++)
		u->lesson_seq[k] = u->les[k].a->log.seq;
	if (u->pane[P_LESSON].ops->forget)
		u->pane[P_LESSON].ops->forget(u, &u->pane[P_LESSON]);
}

/* The narration line while a step or replay runs: where it is, how to stop. */
static void progress(struct ui *u)
{
	struct ui_steps *r = u->run;
	int n = ui_lesson_steps(u);
	const struct lesson_step *st = ui_lesson_step_at(u, 0, r->k);
	if (!st)
		st = ui_lesson_step_at(u, 1, r->k);
	/* The key that stops it first: a long title is cut, never the key. */
	if (r->replay)
		ui_notice(u, false, "replaying step %d of %d (Esc stops)%s %s", r->k + 1, r->upto,
			  ui_glyph(u, G_ELLIPSIS), st ? st->title : "");
	else
		ui_notice(u, false, "running step %d/%d (Esc stops)%s %s", r->k + 1, n, ui_glyph(u, G_ELLIPSIS),
			  st ? st->title : "");
}

/* Each lab knows its lesson and how far it ran, for save lesson. */
static void note_lesson(struct ui *u)
{
	for (int k = 0; k < u->nles; k++) {
		u->les[k].a->lesson = u->les[k].l;
		u->les[k].a->lesson_steps = ui_lesson_step_no(u, k, ui_lesson_current(u, k));
	}
}

static void start_step(struct ui *u, int k)
{
	struct ui_steps *r = u->run;
	r->k = k;
	r->lab = 0;
	r->item = 0;
	for (int i = 0; i < u->nles; i++)
		r->from[i] = u->les[i].a->log.n; /* the layout gives the rows after it room */
	u->step = k + 1; /* the narration box shows the step running */
	for (int i = 0; i < u->nles; i++) /* the 5-tuple table keeps what the step makes in view */
		u->step_log[i] = u->les[i].a->log.n;
	note_lesson(u);
	progress(u);
}

static void begin(struct ui *u, bool replay, int from, int upto);

/* The run is over: what the narration line says next. */
static void finish(struct ui *u)
{
	struct ui_steps *r = u->run;
	u->stepping = false;
	r->settling = false;
	note_lesson(u);
	lesson_mark(u);
	u->notice[0] = '\0';
	if (r->err[0] && (r->replay || u->fails > r->fails_before))
		ui_notice(u, true, "step %d: %s", u->step, r->err); /* a failed expect: the warning style */
	else if (r->replay && u->step == 0)
		ui_notice(u, false, "the lesson starts again: n runs step 1");
	else if (!r->replay)
		step_verdict(u);
	ui_log("lesson: %s done at step %d (%d failures)", r->replay ? "replay" : "step", u->step, u->fails);
	r->finished++;
	/* n pressed while it ran: the next step now (keys are never lost). */
	if (r->queued > 0 && u->step < ui_lesson_steps(u)) {
		int q = r->queued - 1;
		begin(u, false, u->step, u->step + 1);
		r->queued = q;
	}
}

static void own_done(struct ui *u);

void ui_steps_advance(struct ui *u)
{
	struct ui_steps *r = u->run;
	if (u->stepping && r->own && !r->settling) {
		own_done(u);
		return;
	}
	while (u->stepping && !r->settling) {
		const struct ui_lesson *ul = &u->les[r->lab];
		const struct lesson_step *st = ui_lesson_step_at(u, r->lab, r->k);
		if (!st || r->item >= st->nitems) {
			if (++r->lab < u->nles) {
				r->item = 0;
				continue;
			}
			ui_log("lesson %s step %d run", ul->l->name, r->k + 1);
			if (r->k + 1 >= r->upto) {
				finish(u);
				return;
			}
			start_step(u, r->k + 1);
			return; /* the screen shows each step as it starts */
		}
		const struct lesson_item *it = &st->items[r->item++];
		if (it->kind != LI_COMMAND)
			continue;
		char e[CMD_ERR_MAX + CMD_PATH_MAX] = "";
		bool settle = false;
		int f = lesson_command(ul->a, ul->l, it, &settle, e, sizeof(e));
		if (r->lab == 0)
			ui_predict_collect(u, r->replay); /* a question: its cells hidden from now on */
		if (f) {
			u->fails += f;
			ui_log("lesson %s step %d: %s", ul->l->name, r->k + 1, e);
			if (!r->err[0])
				snprintf(r->err, sizeof(r->err), "%s", e);
		}
		if (settle) {
			r->settling = true;
			r->ms = app_settle_begin(ul->a, &r->st, ul->a->log.seq, ul->a->run_ms);
		}
	}
}

struct app *ui_steps_settling(const struct ui *u)
{
	if (!u->stepping || !u->run->settling)
		return NULL;
	return u->run->own ? u->run->own : u->les[u->run->lab].a;
}

void ui_steps_settle(struct ui *u, bool ready)
{
	struct ui_steps *r = u->run;
	r->ms = app_settle_turn(ui_steps_settling(u), &r->st, ready);
	if (r->ms < 0)
		r->settling = false;
}

int ui_steps_timeout(const struct ui *u)
{
	if (!u->stepping)
		return -1;
	return u->run->settling ? u->run->ms : 0;
}

bool ui_steps_paused(const struct ui *u)
{
	if (!u->nles || u->stepping)
		return false;
	for (int k = 0; k < u->nles; k++)
		if (u->les[k].a->log.seq != u->lesson_seq[k])
			return false; /* a command typed by hand: the explorer's live wire */
	return true;
}

bool ui_steps_busy(const struct ui *u)
{
	return u->stepping;
}

void ui_steps_cancel(struct ui *u)
{
	struct ui_steps *r = u->run;
	if (!u->stepping)
		return;
	u->stepping = false;
	r->settling = false;
	if (r->own) { /* what the program does meanwhile shows live */
		r->own = NULL;
		r->queued = 0;
		ui_notice(u, false, "stopped waiting for \"%s\" to settle", r->own_line);
		ui_log("own: \"%s\" stopped", r->own_line);
		r->finished++;
		return;
	}
	note_lesson(u);
	lesson_mark(u);
	int n = ui_lesson_steps(u);
	if (r->replay)
		ui_notice(u, false, "replay stopped in step %d of %d: n goes on, r restarts", u->step, r->upto);
	else
		ui_notice(u, false, "step %d/%d stopped: the rest of its commands did not run; n goes on, b back, r restart",
			  u->step, n);
	ui_log("lesson: stopped in step %d", u->step);
	r->finished++;
}

static void begin(struct ui *u, bool replay, int from, int upto)
{
	struct ui_steps *r = u->run;
	unsigned finished = r->finished, drawn = r->drawn; /* counted over the whole session */
	memset(r, 0, sizeof(*r));
	r->finished = finished;
	r->drawn = drawn;
	u->stepping = true;
	r->replay = replay;
	r->upto = upto;
	r->fails_before = u->fails;
	start_step(u, from);
}

static void next(struct ui *u)
{
	int n = ui_lesson_steps(u);
	if (u->step >= n) {
		step_verdict(u);
		if (!u->notice[0])
			ui_notice(u, false, "the lesson is over: b goes back a step, r restarts it");
		return;
	}
	ui_predict_skip(u, true); /* n goes on: what was not answered is skipped */
	begin(u, false, u->step, u->step + 1);
}

/* Rebuild every lab, then replay the first upto steps through the loop. */
static void go_to(struct ui *u, int upto)
{
	for (int i = 0; i < u->nles; i++) {
		char e[CMD_ERR_MAX] = "";
		if (app_reset(u->les[i].a, e, sizeof(e)) < 0) {
			u->broken = true;
			ui_panes_forget(u);
			ui_notice(u, true, "cannot build the lab again: %s", e);
			ui_log("lesson: rebuild failed: %s", e);
			return;
		}
	}
	ui_panes_forget(u);
	ui_predict_reset(u, upto == 0);
	u->fails = 0;
	u->step = 0;
	if (upto == 0) {
		lesson_mark(u);
		ui_notice(u, false, "the lesson starts again: n runs step 1");
		return;
	}
	begin(u, true, 0, upto);
}

void ui_steps_key(struct ui *u, int k)
{
	if (!u->nles) {
		ui_notice(u, false, "no lesson loaded: L opens the lesson menu (or start with --lesson NAME)");
		return;
	}
	if (u->stepping) {
		/* Keys are never lost: n runs one more step after this one; b
		 * and r stop it and go back from where it was going. */
		struct ui_steps *r = u->run;
		if (k == 'n') {
			r->queued++;
			return;
		}
		int target = r->upto + r->queued;
		u->stepping = false;
		r->settling = false;
		go_to(u, k == 'r' || target < 1 ? 0 : target - 1);
		return;
	}
	if (u->broken) {
		ui_notice(u, true, "the lab could not be rebuilt: restart sockstep");
		return;
	}
	if (k == 'b') {
		if (u->step == 0) {
			ui_notice(u, false, "this is the start of the lesson: n runs step 1");
			return;
		}
		go_to(u, u->step - 1);
	} else if (k == 'r') {
		go_to(u, 0);
	} else {
		next(u);
	}
}

/* ---- n with no lesson: your program's next call ------------------------ */

/* It settled (or was refused): the screen is idle once drawn. */
static void own_done(struct ui *u)
{
	struct ui_steps *r = u->run;
	u->stepping = false;
	r->own = NULL;
	ui_log("own: \"%s\" settled", r->own_line);
	r->finished++;
}

void ui_steps_own(struct ui *u, struct app *a, int rc, const char *line)
{
	struct ui_steps *r = u->run;
	unsigned finished = r->finished, drawn = r->drawn;
	int queued = r->queued;
	memset(r, 0, sizeof(*r));
	r->finished = finished;
	r->drawn = drawn;
	r->queued = queued;
	snprintf(r->own_line, sizeof(r->own_line), "%s", line);
	u->stepping = true;
	r->own = a;
	r->settling = rc > 0; /* a refused line ends at once (ui_steps_advance) */
	if (rc > 0)
		r->ms = app_settle_begin(a, &r->st, a->log.seq, a->run_ms);
}

bool ui_steps_own_queue(struct ui *u)
{
	if (!u->stepping || !u->run->own)
		return false;
	u->run->queued++;
	return true;
}

bool ui_steps_own_again(struct ui *u)
{
	struct ui_steps *r = u->run;
	if (u->stepping || u->nles || r->queued <= 0)
		return false;
	r->queued--;
	return true;
}

/* ---- a lesson chosen in the menu ---------------------------------------- */

void ui_lesson_start(struct ui *u, const char *path)
{
	if (u->compare)
		return; /* the menu does not open there */
	struct lesson *l;
	char e[CMD_ERR_MAX + CMD_PATH_MAX] = "";
	if (lesson_load(path, &l, e, sizeof(e)) < 0) {
		ui_notice(u, true, "%s", e);
		return;
	}
	struct app *a = u->a;
	enum net_mode want = l->net == LESSON_NET_LOOPBACK ? NET_LOOPBACK : NET_LAB, was = a->cfg.mode;
	if (a->lab.mode == NET_HOST) {
		/* No namespaces to build a lab in: root was dropped, or user
		 * namespaces were refused at start. */
		ui_notice(u, true, "lesson %s runs in --net %s, and this session is --net host, which cannot become a "
			  "lab: start sockstep --lesson %s", l->name, lesson_net_name(l->net), l->name);
		lesson_free(l);
		return;
	}
	if (u->stepping)
		ui_steps_cancel(u);
	/* A lesson starts from an empty lab of its own kind: the first socket is 3. */
	a->cfg.mode = want;
	char why[CMD_ERR_MAX] = "";
	int r = app_reset(a, why, sizeof(why));
	if (r < 0 && want != was) {
		char again[CMD_ERR_MAX];
		a->cfg.mode = was; /* back to the lab it was, so the explorer goes on */
		if (app_reset(a, again, sizeof(again)) < 0)
			u->broken = true;
	} else if (r < 0) {
		u->broken = true;
	}
	ui_panes_forget(u);
	if (r < 0) {
		lesson_free(l);
		ui_notice(u, true, "cannot build the --net %s lab for lesson %s: %s%s", lab_mode_name(want), path, why,
			  u->broken ? "; restart sockstep" : "");
		ui_log("menu: lesson %s: rebuild failed: %s", path, why);
		return;
	}
	lesson_free(u->owned);
	u->owned = l;
	u->les[0] = (struct ui_lesson){ .l = l, .a = a };
	u->nles = 1;
	u->step = 0;
	note_lesson(u); /* the lesson before is freed: never saved from */
	u->fails = 0;
	u->broken = false;
	unsigned finished = u->run->finished, drawn = u->run->drawn;
	memset(u->run, 0, sizeof(*u->run));
	u->run->finished = finished;
	u->run->drawn = drawn;
	a->wait_ms = l->wait_set ? l->wait_ms : 300;
	lesson_mark(u);
	u->notice[0] = '\0';
	if (want != was)
		ui_notice(u, false, "lesson %s, %d steps, on a new --net %s lab: n (or space) runs step 1", l->name,
			  l->nsteps, lab_mode_name(want));
	ui_log("menu: lesson %s started (net %s)", l->name, lab_mode_name(want));
}
