/* handout_md.h - the Markdown handout (--batch --lesson NAME --handout md),
 * for a course site: the lesson run as lesson_batch runs it (the same
 * commands, settling and expectations, read from the same session log),
 * written as CommonMark:
 *   - the title, the summary and each step's narration as text (its
 *     preformatted lines verbatim in a fenced block);
 *   - each command as a code span, the C calls it made in a fenced ```c
 *     block with their results as comments, the sockaddr_in bytes as
 *     comment lines under the statements that set them;
 *   - the 5-tuple rows as Markdown tables (changed cells marked \*);
 *   - the frames listed under the step that caused them, and all of them at
 *     the end in one Mermaid sequenceDiagram: client and server as
 *     participants, one arrow per frame labelled as in the ladder pane
 *     (ladder_labels), a note per step. One diagram for the lesson, not
 *     one per step: it is the textbook's figure of the whole exchange
 *     (connection, data, close), which a step's two arrows are not.
 * Lesson text and payloads are user input: escaped for Markdown (and for a
 * terminal, text.h), code fences longer than any backtick run inside. */
#ifndef SOCKSTEP_HANDOUT_MD_H
#define SOCKSTEP_HANDOUT_MD_H

#include <stdio.h>

#include "app.h"
#include "lesson.h"

/* Run the lesson and write its Markdown handout. Returns the failures as
 * lesson_batch does (refused commands and expectations that did not hold
 * are also said on stderr, FILE:LINE: message). */
int handout_md(struct app *a, const struct lesson *l, FILE *out);

#endif
