/* ui_shell.h - what the curses shell's own modules share: ui.c (start and
 * stop, signals, the loop, keys), ui_layout.c (where panes go, and the
 * borders drawn from their rectangles), ui_status.c (the narration and hint
 * lines), ui_theme.c, ui_steps.c (n, b and r as a state machine of the
 * loop). Panes see only ui_pane.h. */
#ifndef SOCKSTEP_UI_SHELL_H
#define SOCKSTEP_UI_SHELL_H

#include "ui_pane.h"
#include "ui_theme.h"

#define UI_MIN_COLS 80
#define UI_MIN_LINES 24

/* Place every pane for the terminal's size, the zoom and the mode. */
void ui_layout(struct ui *u);
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

/* Every pane forgets what it read from its log (rebuilt from index 0). */
void ui_panes_forget(struct ui *u);

/* n, b, r (ui_steps.c): start the next step, go back one, restart. */
void ui_steps_key(struct ui *u, int k);
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

/* The lab that keys and the ':' line act on (--compare: the focused half's). */
struct app *ui_target(struct ui *u);

#endif
