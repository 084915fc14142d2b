/* lesson_fit.h - does each step fit the screen at 80x24? The lesson check
 * at load (lesson_parse) refuses a step whose narration or rows could only
 * be shown cut: the layout (ui_layout.c) gives the narration every line it
 * needs and the table the step's own rows, and lets the other panes yield,
 * but a step that runs commands keeps its programs' current calls (3 lines),
 * the table's header, and the bottom pane: 4 lines when the step is about
 * it (a sockaddr_in filled in, a frame, a conversion: its commands or its
 * "show:" line), else 1. A step of narration alone has the whole frame.
 * Pure: counts lines as the narration box wraps them, and the rows the
 * step's calls add at the least (the kernel may add more). */
#ifndef SOCKSTEP_LESSON_FIT_H
#define SOCKSTEP_LESSON_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson_types.h"

#define LESSON_FIT_COLS 76       /* the narration's text width at 80 columns (borders, margins) */
#define LESSON_FIT_ROOM 17       /* lines inside the frame at 80x24 for programs, narration, table, bottom */
#define LESSON_FIT_CALLS 3       /* the programs' current calls */
#define LESSON_FIT_LINES 11      /* at 80x24, for a step that runs commands (a row, the bottom pane's 1) */
#define LESSON_FIT_LINES_TEXT 20 /* at 80x24, for a step of narration alone */

/* Lines the step's narration takes wrapped at width columns: paragraphs
 * joined and wrapped at spaces, a preformatted line (four spaces first) as
 * it is, on as many lines as its width needs. */
int lesson_step_lines(const struct lesson_step *s, int width);

/* The rows the step adds to the 5-tuple table at the least: one for each
 * call that adds one (the verb table's CMD_F_ROW) and that the lesson does
 * not expect to fail. */
int lesson_step_rows(const struct lesson_step *s);

/* Whether the step is about the bottom pane (sockaddr_in, ladder,
 * conversions): its "show:" line, or else one of its commands (the verb
 * table's CMD_F_PANE, CMD_F_CONV). */
bool lesson_step_about_pane(const struct lesson_step *s);

/* The lines of the bottom pane the step needs: 1 when it is not about it,
 * else 4 (the four sockaddr_in stages; a few arrows) or one per conversion
 * the step makes, whichever is more. */
int lesson_step_pane_lines(const struct lesson_step *s);

/* 0, or -EINVAL for the first step that does not fit: its index in *step,
 * the lines it needs in *lines (narration, and rows when it runs commands),
 * the most it may have in *most, its rows at the least in *rows. */
int lesson_fit(const struct lesson *l, int *step, int *lines, int *most, int *rows);

#endif
