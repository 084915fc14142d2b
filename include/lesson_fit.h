/* lesson_fit.h - does each step's narration fit the screen at 80x24? The
 * lesson check at load (lesson_parse) refuses a step whose text could only
 * be shown cut: the layout (ui_layout.c) gives the narration every line it
 * needs and lets the other panes yield, but a step that runs commands keeps
 * its programs' current calls (3 lines), the table's header and a row (2)
 * and one line of the bottom pane; a step of narration alone has the whole
 * frame. Pure: counts lines as the narration box wraps them. */
#ifndef SOCKSTEP_LESSON_FIT_H
#define SOCKSTEP_LESSON_FIT_H

#include <stddef.h>

#include "lesson.h"

#define LESSON_FIT_COLS 76       /* the narration's text width at 80 columns (borders, margins) */
#define LESSON_FIT_LINES 11      /* at 80x24, for a step that runs commands */
#define LESSON_FIT_LINES_TEXT 20 /* at 80x24, for a step of narration alone */

/* Lines the step's narration takes wrapped at width columns: paragraphs
 * joined and wrapped at spaces, a preformatted line (four spaces first) as
 * it is, on as many lines as its width needs. */
int lesson_step_lines(const struct lesson_step *s, int width);

/* 0, or -EINVAL with the index of the first step that does not fit in
 * *step and its lines in *lines, the most it may have in *most. */
int lesson_fit(const struct lesson *l, int *step, int *lines, int *most);

#endif
