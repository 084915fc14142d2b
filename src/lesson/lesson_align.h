/* lesson_align.h - two lessons side by side (--compare A B): which step of
 * each goes on which row, so that n runs one row of both.
 *
 * Pure. Lessons of the same length go in step, step i beside step i.
 * Otherwise steps with the same title line up (the longest common
 * subsequence of titles, compared without case and outer blanks), the others
 * get a row of their own with nothing beside them; when no title is shared,
 * they go by position and the shorter lesson ends early. */
#ifndef SOCKSTEP_LESSON_ALIGN_H
#define SOCKSTEP_LESSON_ALIGN_H

#include "lesson.h"

enum lesson_align_how {
	LA_IN_STEP,     /* the same number of steps: step i beside step i */
	LA_BY_TITLE,    /* different lengths: steps with the same title on one row */
	LA_BY_POSITION, /* different lengths and no title in common: by position */
};

#define LESSON_ALIGN_MAX (2 * LESSON_MAX_STEPS)

/* Fills row[i][0] and row[i][1] with the step (0-based) of a and of b on row
 * i, or -1 where that lesson has no step on the row; at most max rows.
 * Returns the number of rows (never more than max) and *how. */
int lesson_align(const struct lesson *a, const struct lesson *b, int row[][2], int max,
		 enum lesson_align_how *how);

/* "in step", "lined up by step title", "lined up by position". */
const char *lesson_align_name(enum lesson_align_how how);

#endif
