/* ui_shell.h - what the curses shell's own modules share, top down: ui.c
 * (start and stop, signals, the loop), ui_status.c (the narration and hint
 * lines), ui_keys.c (the key table), ui_steps.c (n, b and r as a
 * state machine of the loop), ui_predict.c (predict, then reveal),
 * ui_panes.c and ui_layout.c (the panes' lifecycle and places), and the
 * overlays that hand work back to the shell (the ':' line, the menu). Each
 * calls only the ones after it; the panes see only ui_pane.h, and what
 * they hide for a question through ui_hide.h. */
#ifndef SOCKSTEP_UI_SHELL_H
#define SOCKSTEP_UI_SHELL_H

#include "ui_pane.h"
#include "ui_theme.h"

#define UI_PREDICT_MAX 256  /* questions of one lesson that are scored */

/* A lesson step, or a replay (b, r), in progress: the loop turns it,
 * command by command and settle by settle, answering keys between
 * (ui_steps.c). */
struct ui_steps {
	bool replay;          /* b or r: the labs were rebuilt, steps 1..upto run again */
	int k;                /* the step running (0-based); u->step is k + 1 meanwhile */
	int upto;             /* run steps until k reaches this */
	int lab;              /* whose commands run now: 0, then 1 in --compare */
	size_t item;          /* that lab's next item of step k */
	bool settling;        /* the last command acts on the network: it settles */
	int ms;               /* settling: how long the loop may sleep before the next turn */
	struct app_settle st;
	int fails_before;
	size_t from[2];       /* each lab's log length when step k began: its rows are after it */
	int queued;           /* n pressed meanwhile: steps to run after it */
	/* n with no lesson (ui_steps_own): your program's next call, settled as
	 * --batch settles it, in this lab. */
	struct app *own;
	char own_line[64];
	unsigned finished;    /* runs ended (each step or replay), counted for the --log */
	unsigned drawn;       /* the last of them the screen has drawn, idle */
	char err[CMD_ERR_MAX + CMD_PATH_MAX];
};
/* Predict, then reveal (ui_predict.c): the questions of the lesson's
 * steps, each waiting for a guess; their cells show "??" meanwhile. */
struct ui_predict {
	size_t scan;          /* the next event of les[0]'s log to look at */
	int seen;             /* questions met in that log: the ordinal of the next */
	int ord[UI_PREDICT_QUEUE];  /* the ordinals of the questions waiting (struct ui's asked) */
	bool range_read;      /* asked.lo, asked.hi */
	signed char verdict[UI_PREDICT_MAX]; /* per question: 0 not yet, 1 right, 2 wrong, 3 skipped */
};

#define UI_MIN_COLS 80
#define UI_MIN_LINES 24

/* Place every pane for the terminal's size, the zoom and the mode. */
void ui_layout(struct ui *u);
/* The screen is closing: what ui_layout sized goes. */
void ui_layout_free(void);
/* The terminal is below 80x24: only the "too small" message is drawn. */
bool ui_layout_small(void);
/* The lesson box no longer has the rows its current step needs. */
bool ui_layout_stale(struct ui *u);
/* Is this tiled pane part of the screen now (zoomed or not)? */
bool ui_pane_shown(const struct ui *u, int id);
/* The frame: every placed pane's box and title, joined where boxes meet;
 * --compare's headings. */
void ui_draw_borders(struct ui *u);
/* Below 80x24: what is needed, centred. */
void ui_draw_small(struct ui *u);

/* The two lines below the frame: narration (or an error) and key hints. */
void ui_draw_status(struct ui *u);
/* The rows the narration takes now: 1, or more for a long one, which takes
 * the rows above its line (the frame's bottom border, then the panes'). */
int ui_status_rows(struct ui *u);

/* ui_panes.c: every pane of the screen reads its log's new events (drawn
 * or not); every pane forgets what it read from its log (rebuilt from index 0). */
void ui_panes_update(struct ui *u);
/* Every pane's ops, lab (the _B panes: --compare's second) and side, and
 * its own state (ops->init); ui_panes_free frees that at the end. */
void ui_panes_init(struct ui *u);
void ui_panes_free(struct ui *u);
void ui_panes_forget(struct ui *u);

/* n, b, r (ui_steps.c): start the next step, go back one, restart. */
void ui_steps_key(struct ui *u, int k);
/* n with no lesson (ui_steps.c): line ("client next") ran in lab a with
 * ui_run_line's rc; the network settles after it as --batch does, then the
 * screen is idle (the --log's "screen: idle" line). An n pressed meanwhile
 * is queued (ui_steps_own_queue: false when no such step runs), and the
 * loop presses it again once idle (ui_steps_own_again: one at a time). */
void ui_steps_own(struct ui *u, struct app *a, int rc, const char *line);
bool ui_steps_own_queue(struct ui *u);
bool ui_steps_own_again(struct ui *u);
/* A step or replay is running. */
bool ui_steps_busy(const struct ui *u);
/* Run its commands up to the next one that must settle, or to the end. */
void ui_steps_advance(struct ui *u);
/* The lab whose network is settling for the step, or NULL. */
struct app *ui_steps_settling(const struct ui *u);
/* One turn of that settling, after the loop's poll (ready: one of the
 * lab's descriptors was). */
void ui_steps_settle(struct ui *u, bool ready);
/* How long the loop may sleep in poll: -1 for ever (no step running). */
int ui_steps_timeout(const struct ui *u);
/* A lesson waits between two steps (nothing typed by hand since the last):
 * the wire relays nothing until the next step (app_service). */
bool ui_steps_paused(const struct ui *u);
/* q or Esc: stop the step or replay where it is. */
void ui_steps_cancel(struct ui *u);

/* L: open the lesson menu (ui_menu.c); a line on the narration when there
 * is none to show (--compare, no lessons found). */
void ui_menu_open(struct ui *u);
/* Start the lesson at path from the explorer or another lesson (ui_steps.c):
 * loaded, the lab rebuilt empty in the lesson's net: mode (lab or loopback),
 * step 0. What cannot be done (a --net host session cannot become a lab, a
 * lesson that does not load) is one line on the narration, nothing changed. */
void ui_lesson_start(struct ui *u, const char *path);


/* Open the ':' line with text already typed (ui_prompt.c): a command
 * line; answering: a guess. */
void ui_prompt_open(struct ui *u, const char *prefill, bool answering);
/* Where the prompt wants the cursor (screen coordinates). */
void ui_prompt_cursor(const struct ui *u, int *y, int *x);

/* Predict, then reveal (ui_predict.c); what the panes hide is ui_hide.h. */
/* The step's new questions (a replay's are met, not asked again). */
void ui_predict_collect(struct ui *u, bool replay);
/* A question waits: the narration line's text for it (the callers ask
 * only while no step runs). */
bool ui_predict_line(struct ui *u, char *buf, size_t len);
bool ui_predict_pending(const struct ui *u);
/* The student's guess (the ':' line in answer mode): judged, revealed, scored. */
void ui_predict_guess(struct ui *u, const char *guess);
/* s: reveal the oldest question without scoring it; all: every one (n goes on). */
void ui_predict_skip(struct ui *u, bool all);
/* The lab was rebuilt (b, r): forget the questions waiting; restart: the score too. */
void ui_predict_reset(struct ui *u, bool restart);
/* "2 of 3 predicted" for the lesson's end, "" when the lesson asks nothing. */
void ui_predict_score(struct ui *u, char *buf, size_t len);


#endif
