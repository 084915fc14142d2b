/* lesson.h - lesson files: what they look like, and the parser (pure: text
 * in, struct lesson out; no I/O). Loading, finding and running lessons is in
 * lesson_run.h.
 *
 * A lesson is a plain text file NAME.lesson that a teacher can edit or write
 * anew. It has a header, then steps. Example:
 *
 *     # tcp.lesson - lines starting with # are notes for the teacher only
 *     title: TCP, the 5-tuple step by step
 *     summary: the lecture's TCP table, STEP1 to STEP7, then data and close
 *     net: lab
 *
 *     step: STEP1 PROTOCOL DEFINITION (server)
 *     The server asks its operating system for a TCP socket.
 *     Only the PROTOCOL column is known so far.
 *     > server socket tcp
 *     > expect server state CLOSED
 *
 *     step: STEP 2 SOCKET BINDING (server)
 *     ...
 *
 * Header (before the first step), one "key: value" a line:
 *     title:    the lesson's title (required)
 *     summary:  one line for `sockstep --list-lessons` (default: the title)
 *     lesson:   the lesson's name; optional, must equal the file name
 *     net:      lab | loopback: the network the lesson is written for
 *               (default lab; an explicit --net must agree)
 *     wait:     how long batch mode waits for a call that blocks, e.g. 200ms
 *               (default: --wait, 2s)
 *     order:    the lesson's place in the course, 1-9999: the menu and
 *               --list-lessons list by it, then lessons without one by name
 *     listed:   yes | no: "no" for a lesson that is only half of a
 *               --compare pair (compare-tcp): left out of the menu and
 *               --list-lessons, still run by name and by --compare
 * Steps:
 *     step: TITLE    starts a step (at most LESSON_MAX_STEPS)
 *     > COMMAND      a command of the command language (see sockstep(1)),
 *                    expect lines included: "> expect client state ESTABLISHED".
 *                    Every command is checked when the lesson is loaded.
 *     anything else  narration, shown as written; blank lines separate
 *                    paragraphs. A leading backslash is dropped, so that
 *                    narration may start with #, > or "step:" ("\# not a note").
 *         four spaces  a preformatted line (a table, code), as in Markdown:
 *                    kept verbatim on screen, in batch and in handouts,
 *                    never joined or reflowed; at most LESSON_PRE_COLS
 *                    columns (the narration box at 80 columns), no tab.
 *     # ...          a note for the teacher, never shown.
 * Limits: lines up to CMD_LINE_MAX bytes; text only (no NUL bytes), read as
 * linein.h reads every text (a leading byte order mark skipped, CR LF as LF);
 * at least one step, and every step needs at least one command or line of
 * narration. `wire save` is refused in lessons: a lesson does not write files.
 * What would parse but fail in class is refused too: a wire fault (hold,
 * step, drop, pass, delay) in a "net: loopback" lesson, which has no wire to
 * act on, and a predict line that the command after it can never answer
 * (predict_lint, predict.h), at the question's line.
 *
 * Errors are one line, "FILE:LINE: what was wrong: expected what". */
#ifndef SOCKSTEP_LESSON_H
#define SOCKSTEP_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson_types.h"

/* Parse a whole lesson. text need not be NUL-terminated (len bytes); file
 * names the lesson in error lines, name is its name (the file name without
 * directory and ".lesson"), which a "lesson:" line must equal; NULL: no file
 * name to agree with (any "lesson:" line is taken as the name). Returns 0 and *out (free with lesson_free), or
 * -EINVAL (bad lesson) / -ENOMEM with one line in err:
 *   tcp.lesson:12: unknown server command "lisen": expected ...; did you mean "listen"? */
int lesson_parse(const char *text, size_t len, const char *file, const char *name,
		 struct lesson **out, char *err, size_t errlen);

void lesson_free(struct lesson *l);

/* The lesson name of a path: "assets/lessons/tcp.lesson" -> "tcp". Returns
 * 0, or -EINVAL when the name is empty or longer than LESSON_NAME_MAX - 1. */
int lesson_name_of(const char *path, char *name, size_t len);

/* "; did you mean "title"?" when one of n candidates is close to word (a
 * typo of one or two letters), else "". */
void lesson_suggest(const char *word, const char *const *cands, size_t n, char *out, size_t len);

/* Joins n words into out: "a, b or c" with sep ", " and last " or ". When
 * they do not all fit in len bytes, as many as fit and then how many more:
 * "a, b and 298 more" (never a word cut in two, never past len). */
void lesson_join(const char *const *words, size_t n, const char *sep, const char *last, char *out, size_t len);

const char *lesson_net_name(enum lesson_net n); /* "lab", "loopback" */

#endif
