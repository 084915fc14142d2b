/* ui_status.c - the two lines below the frame: the narration (a lesson's
 * place, this command's news or error, else a hint for the situation) and
 * the key hints, essential ones first. */
#include "ui_shell.h"
#include "ui_keys.h"

#include <stdio.h>
#include <string.h>

#include "lesson.h"
#include "lesson_align.h"
#include "lesson_run.h"

/* The narration line of a lesson: where it is, what the keys do next. */
static void lesson_line(struct ui *u, char *buf, size_t len)
{
	const struct lesson *l = u->les[0].l;
	int n = ui_lesson_steps(u);
	if (u->step == 0) {
		const struct lesson_step *first = lesson_step(l, 0);
		if (u->compare && u->row_how == LA_IN_STEP)
			snprintf(buf, len, "%s beside %s, %d steps in step: n runs step 1 on both", l->name,
				 u->les[1].l->name, n);
		else if (u->compare)
			snprintf(buf, len, "%s (%d steps) beside %s (%d), %s: %d rows, n runs row 1", l->name,
				 lesson_step_count(l), u->les[1].l->name, lesson_step_count(u->les[1].l),
				 lesson_align_name((enum lesson_align_how)u->row_how), n);
		else
			snprintf(buf, len, "lesson %s, %d steps: n (or space) runs step 1: %s", l->name, n,
				 first ? first->title : "");
		return;
	}
	const struct lesson_step *s0 = ui_lesson_current(u, 0);
	if (u->compare) {
		/* A half with no step on this row says so: its last step stays in view. */
		const struct lesson_step *r0 = ui_lesson_step_at(u, 0, u->step - 1);
		const struct lesson_step *r1 = ui_lesson_step_at(u, 1, u->step - 1);
		snprintf(buf, len, "%s %d/%d  %s: %s  %s  %s: %s", u->row_how == LA_IN_STEP ? "step" : "row", u->step, n,
			 l->name, r0 ? r0->title : "(no step here)", "\u2502", u->les[1].l->name,
			 r1 ? r1->title : "(no step here)");
		return;
	}
	snprintf(buf, len, "step %d/%d: %s %s %s", u->step, n, s0 ? s0->title : "", ui_glyph(u, G_DOT),
		 u->step < n ? "n next, b back, r restart" : "the end: b back, r restart");
}

/* What the narration line says now: an error, this command's narration or
 * explanation, else a hint for the situation. */
static void narration(struct ui *u, char *buf, size_t len, attr_t *attr, bool *place)
{
	const struct session *s = &u->a->log;
	*attr = u->attr[R_NARRATE];
	*place = false;
	if (u->notice[0]) {
		snprintf(buf, len, "%s", u->notice);
		if (u->notice_warn)
			*attr = u->attr[R_WARN];
		return;
	}
	if (!ui_steps_busy(u) && ui_predict_line(u, buf, len))
		return;
	/* A lesson speaks until a command is typed by hand. */
	if (u->nles && u->a->log.seq == u->lesson_seq[0] &&
	    (u->nles < 2 || u->les[1].a->log.seq == u->lesson_seq[1])) {
		lesson_line(u, buf, len);
		*place = true;
		return;
	}
	const struct event *say = NULL, *info = NULL, *wire = NULL;
	bool wire_cmd = false; /* the command was a wire command: its answer (saved to FILE) is the news */
	for (size_t i = s->n; i-- > s->first && session_at(s, i)->seq == s->seq && s->seq;) {
		const struct event *e = session_at(s, i);
		if (e->kind == EV_SAY && !say)
			say = e;
		else if ((e->kind == EV_INFO || e->kind == EV_EXPECT || e->kind == EV_DATA) && !info && e->text)
			info = e;
		else if (e->kind == EV_WIRE && e->text && !wire)
			wire = e;
		else if (e->kind == EV_COMMAND && e->text)
			wire_cmd = !strncmp(e->text, "wire ", 5);
	}
	if (!info && wire_cmd)
		info = wire;
	if (say) {
		snprintf(buf, len, "%s", say->text);
		return;
	}
	if (info) {
		const char *who = side_name(info->side);
		snprintf(buf, len, "%s%s%s", who, who[0] ? ": " : "", info->text);
		return;
	}
	*attr = u->attr[R_TEXT];
	if (u->a->wire && wire_held(u->a->wire)) {
		unsigned n = wire_held(u->a->wire);
		snprintf(buf, len, "%u frame%s held on the wire: . releases one, x drops it, p passes all", n,
			 n == 1 ? "" : "s");
		return;
	}
	/* A program stopped from a shell first: nothing it does moves until SIGCONT. */
	struct engine_hold h;
	if (engine_holding(&u->a->eng, true, &h)) {
		snprintf(buf, len, "%s is stopped (SIGSTOP)%s%s%s: it runs nothing until SIGCONT (kill -CONT %d)",
			 h.name, h.busy ? " in " : "", h.busy ? cmd_verb_name(h.verb) : "", h.busy ? "()" : "", h.pid);
		return;
	}
	/* A program blocked in a call: which call, since which step, and the ways on. */
	if (engine_holding(&u->a->eng, false, &h)) {
		enum side other = h.side == SIDE_SERVER ? SIDE_CLIENT : SIDE_SERVER;
		snprintf(buf, len, "%s is blocked in %s() since step %u (%c: %s's steps; interrupt: EINTR)", h.name,
			 cmd_verb_name(h.verb), h.seq, other == SIDE_SERVER ? 's' : 'c', side_name(other));
		return;
	}
	/* The whole session's, even when the log has dropped the events. */
	const char *last_say = session_last_say(s);
	if (last_say) {
		snprintf(buf, len, "%s", last_say);
		*attr = u->attr[R_NARRATE];
	} else if (!session_any_call(s))
		snprintf(buf, len, "Start with the server: press s, type socket tcp, Enter.  ? lists every command");
	else
		snprintf(buf, len, "s or c picks a side, then type its next call; : runs any command; ? help");
}

/* The key hint line: pairs of key and what it does, from the key table
 * (ui_keys.c). The essential ones always; the others (extra) where the
 * width allows. */
static void draw_hints(struct ui *u, int y, int width)
{
	if (u->prompting && u->answering) {
		/* The ':' line took the narration's row: the question stays in sight below it. */
		char q[CMD_LINE_MAX];
		if (!ui_steps_busy(u) && ui_predict_line(u, q, sizeof(q))) {
			int x = 1 + ui_put(u, stdscr, y, 1, width - 1, "Enter", u->attr[R_KEY]);
			x += ui_put(u, stdscr, y, x + 1, width - x - 1, "checks", u->attr[R_TEXT]) + 3;
			ui_put(u, stdscr, y, x, width - x, q, u->attr[R_NARRATE]);
			return;
		}
	}
	bool pred = !u->prompting && ui_predict_pending(u) && !ui_steps_busy(u);
	enum ui_hint_mode m = u->prompting ? UK_PROMPT : pred ? UK_PREDICT : u->nles ? UK_LESSON : UK_EXPLORE;
	struct hint {
		const char *key, *what;
		bool extra;
	} h[16];
	size_t n = 0;
	while (n < 16 && ui_keys_hint(m, n, &h[n].key, &h[n].what, &h[n].extra))
		n++;
	bool show[16];
	int used = 1;
	for (size_t i = 0; i < n; i++) {
		show[i] = !h[i].extra;
		used += show[i] ? (int)(strlen(h[i].key) + strlen(h[i].what) + 3) : 0;
	}
	for (size_t i = 0; i < n; i++) {
		int need = (int)(strlen(h[i].key) + strlen(h[i].what) + 3);
		if (h[i].extra && used + need <= width) {
			show[i] = true;
			used += need;
		}
	}
	int x = 1;
	for (size_t i = 0; i < n; i++) {
		if (!show[i])
			continue;
		x += ui_put(u, stdscr, y, x, width - x, h[i].key, u->attr[R_KEY]);
		x += ui_put(u, stdscr, y, x + 1, width - x - 1, h[i].what, u->attr[R_TEXT]) + 3;
	}
}

int ui_status_rows(struct ui *u)
{
	if (u->prompting)
		return 1;
	char line[CMD_LINE_MAX];
	attr_t at;
	bool place;
	narration(u, line, sizeof(line), &at, &place);
	return place ? 1 : ui_wrap(u, NULL, 0, 0, COLS - 2, LINES / 3, 2, line, at);
}

void ui_draw_status(struct ui *u)
{
	int W = COLS;
	bool hints = true;
	if (u->prompting && u->pane[P_PROMPT].win) {
		werase(u->pane[P_PROMPT].win);
		u->pane[P_PROMPT].ops->draw(u, &u->pane[P_PROMPT]);
	} else {
		char line[CMD_LINE_MAX];
		attr_t at;
		bool place;
		narration(u, line, sizeof(line), &at, &place);
		/* News, an error, an explanation: read whole. A long one takes the
		 * rows above its line (over the frame's bottom, until the next
		 * command or key), so that the advice at its end ("setsockopt
		 * reuseaddr on") is never cut and the key hints stay. The lesson's
		 * place line ends in keys the hint line repeats: that is cut. */
		int rows = place ? 1 : ui_wrap(u, NULL, 0, 0, W - 2, LINES / 3, 2, line, at);
		if (rows > 1) {
			int y0 = LINES - 1 - rows;
			wattrset(stdscr, at);
			for (int y = y0; y < LINES - 1; y++)
				mvwhline(stdscr, y, 0, ' ', W);
			wattrset(stdscr, A_NORMAL);
			ui_wrap(u, stdscr, y0, 1, W - 2, rows, 2, line, at);
		} else {
			int used = ui_put(u, stdscr, LINES - 2, 1, W - 2, line, at);
			if (ui_width(u, line) > W - 2) /* say that there is more than fits */
				ui_put(u, stdscr, LINES - 2, used, 1, ui_glyph(u, G_ELLIPSIS), at);
		}
	}
	if (hints)
		draw_hints(u, LINES - 1, W - 1);
}
