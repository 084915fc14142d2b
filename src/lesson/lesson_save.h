/* lesson_save.h - a session saved as a lesson ("save lesson FILE"): the
 * session log in, the text of a lesson file out. Pure: no I/O, no clock
 * (the events carry their own times); the file is written by
 * lesson_save_file (lesson_savefile.h).
 *
 * What the text holds:
 *   - a header: title and summary made from the name, the net: of the lab
 *     the session ran in (none in --net host: lessons know lab and
 *     loopback), and wait: 300ms, as the screen waits for a blocked call;
 *   - one step per command, titled as the 5-tuple table titles the row the
 *     command made ("STEP1 PROTOCOL DEFINITION (server)"), else with the
 *     command itself; "say" text becomes the narration of the next step;
 *   - when a lesson ran (lesson_save_in.lesson), its commands met in the log,
 *     in order, are grouped in its steps instead: each step of it that ran
 *     once, with its own title and narration (preformatted lines as written),
 *     a step of narration only too; a command typed by hand between them
 *     is a step of its own as above;
 *   - after each command, expect lines for what was observed: the result of
 *     each call that returned (a number or an errno name), "blocked yes" for
 *     a call still waiting, and for each socket the command changed its
 *     state, local and remote address (ports the kernel chose, typed in no
 *     command, as "*": the next run gets another);
 *   - the expect lines typed in the session that held (one that did not is
 *     kept as a note, "# ..."), the predict lines that the session answered
 *     (one it never answered is a note: no lesson may end on a question),
 *     and "wire save" as a note (lessons do not write files); "save lesson"
 *     itself is left out.
 * The text is parsed as a lesson before it is returned: a session that would
 * not load (a question lesson.c refuses) is refused instead.
 * What a command caused is what its events show up to the first quiet gap
 * of LESSON_SAVE_GAP_MS: later ones are timers' doing (TIME_WAIT ends after
 * 60 s), which a replay would not see at that point. When such a timer was
 * seen to end TIME_WAIT or FIN_WAIT2, a "wait 61s" step is written where it
 * happened, so that the replay meets the same kernel. */
#ifndef SOCKSTEP_LESSON_SAVE_H
#define SOCKSTEP_LESSON_SAVE_H

#include <stddef.h>

#include "session.h"

#define LESSON_SAVE_GAP_MS 5000

struct lesson; /* lesson.h */

struct lesson_save_in {
	const char *name; /* the lesson's name: the file name without ".lesson" */
	const char *net;  /* "lab" or "loopback"; NULL: no net: line (--net host) */
	const struct lesson *lesson; /* the lesson that ran in the session, or NULL */
	int lesson_steps;            /* how many of its steps ran */
};

/* The lesson text of the session in s. Returns 0 and *out (malloc'd, NUL
 * terminated; free it), or negative errno with one line in err: -EINVAL when
 * there is nothing to save or the log no longer holds the session's start,
 * -ENOMEM. */
int lesson_save_text(const struct session *s, const struct lesson_save_in *in, char **out, char *err,
		     size_t errlen);

#endif
