/* ui_keys.h - the screen's keys as one table (htop's Action.c): each row a
 * key (or the keys that share its work), its label and word on the hint
 * line, its line in the '?' overlay, and the function that does it. The
 * key handler, the overlay and the hint line all read the table, so they
 * cannot drift apart. */
#ifndef SOCKSTEP_UI_KEYS_H
#define SOCKSTEP_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct ui;

/* What a key did, as htop's HandlerResult: the loop redraws, or lays out
 * and redraws, only when a key asks for it. */
enum ui_handled { UH_IGNORED = 0, UH_REDRAW = 1, UH_RELAYOUT = 2 };

/* The hint line's situations: each row says where (if at all) its hint
 * stands in each. */
enum ui_hint_mode { UK_EXPLORE, UK_LESSON, UK_PREDICT, UK_PROMPT, UK_MODES_ };

/* Keys that act whatever is open (Ctrl-L, a resize): is k one, and run it. */
bool ui_keys_is_always(int k);
int ui_keys_always(struct ui *u, int k);
/* One key of the shell (the panes' own keys are theirs). UH_IGNORED: not
 * taken here, the focused pane may have it. */
int ui_keys_run(struct ui *u, int k);

/* The overlay's key lines: line i into buf (i below the count), and how
 * many there are. A line starting with '#' is a heading. */
size_t ui_keys_help(size_t i, char *buf, size_t len);

/* The hint line of a situation, entry i (in the order shown): its key
 * label and word; extra: shown only where the width allows. false past the end. */
bool ui_keys_hint(enum ui_hint_mode m, size_t i, const char **key, const char **what, bool *extra);

/* The lab that keys and the ':' line act on (--compare: the focused half's). */
struct app *ui_target(struct ui *u);
/* Run one command line as the user typed it: errors go to the narration.
 * Returns app_exec_line's (1 ran, 0 nothing, 2 an expect failed, <0 refused). */
int ui_run_line(struct ui *u, const char *line);

#endif
