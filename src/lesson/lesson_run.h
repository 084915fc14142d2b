/* lesson_run.h - finding, loading, listing and running lessons (the format
 * and the pure parser are in lesson.h).
 *
 * Where lessons are found, for --lesson NAME (a NAME with a '/' or ending in
 * ".lesson" is a path and is opened as given):
 *   1. each directory of $SOCKSTEP_LESSONS (a colon-separated list), if set;
 *   2. the source tree's assets/lessons (SOCKSTEP_SRC_LESSONDIR, when meson
 *      defines it), so that build/sockstep finds them before installation;
 *   3. the installed SOCKSTEP_LESSONDIR (config.h).
 * The first NAME.lesson found wins.
 *
 * Running: every command goes through app_exec_line, and after a command that
 * acts on the network the app settles (app_settle), exactly as --batch does,
 * so that the step's expect lines see the network's answer.
 *
 * --batch blocks while the network settles (up to a->wait_ms per blocked
 * call, and the duration of a "wait" command). A screen must not: it runs
 * a step command by command with lesson_command, and turns
 * app_settle_begin / app_settle_turn from its own loop (ui_steps.c).
 * Kernels cannot undo a step: going back rebuilds the lab (app_reset: new
 * namespaces, new wire, empty log) and runs the steps before again. */
#ifndef SOCKSTEP_LESSON_RUN_H
#define SOCKSTEP_LESSON_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "lesson.h"

/* Find and parse a lesson. Returns 0 and *out, or negative errno with one
 * line in err, e.g.
 *   tcp.lesson:12: unknown server command "lisen": expected ...; did you mean "listen"?
 *   no lesson "tpc": expected one of byteorder, errors, ..., udp; did you mean "tcp"? */
int lesson_load(const char *name_or_path, struct lesson **out, char *err, size_t errlen);

/* lesson_load in two halves, for a start as root: the file is found and read
 * (with the user's rights) while privileged, and parsed only once the
 * privileges are gone, so that root never parses a byte of it. */
struct lesson_file {
	char *path;                  /* where it was found */
	char name[LESSON_NAME_MAX];  /* from the file name */
	char *text;
	size_t len;
};
/* Find and read; 0, or negative errno with one line in err (nothing to free). */
int lesson_read(const char *name_or_path, struct lesson_file *f, char *err, size_t errlen);
/* Parse what lesson_read read: as lesson_load. */
int lesson_parse_file(const struct lesson_file *f, struct lesson **out, char *err, size_t errlen);
void lesson_file_free(struct lesson_file *f);

/* The directories searched, in order, for error lines and --list-lessons,
 * all of them (no limit on how many): *dirs is an array valid until the next
 * call. Returns how many, or -ENOMEM. */
int lesson_dirs(const char *const **dirs);

/* `sockstep --list-lessons`: one line per lesson found, "NAME  SUMMARY",
 * in the course's order (lesson_catalog); a lesson that does not load (not a regular file, a parse
 * error) says why instead of its summary. A directory that cannot be read,
 * or no lessons at all, is said in one line on stderr. Returns the number of
 * lessons listed, 0 or negative errno when there are none. */
int lesson_list(FILE *out);

/* The lessons found, as --list-lessons lists them (the first of each name
 * in the search path), in the course's order: those with an "order:" line
 * by it, then the others by name; a lesson that says "listed: no" (a half
 * of a --compare pair) is left out. For the lesson menu and --list-lessons
 * alike. summary is NULL for a lesson that does not load, and error says
 * why. */
struct lesson_entry {
	char *name, *path;
	char *summary;          /* the lesson's summary: line, or NULL */
	char *error;            /* why it does not load, or NULL */
	enum lesson_net net;
	int steps;
	int order;              /* its order: line, 0 when none */
};
/* Returns how many (in *out, free with lesson_catalog_free), 0 with err
 * saying where none were found, or negative errno with err. A directory
 * that cannot be read is said on warn (when not NULL). */
int lesson_catalog(struct lesson_entry **out, FILE *warn, char *err, size_t errlen);
void lesson_catalog_free(struct lesson_entry *e, int n);

/* The handout (--batch --lesson): the lesson's title and summary, then each
 * step: its title, its narration, and the real results of each command as
 * --batch prints them, expect lines as "expect ...: ok" or "...: FAILED";
 * a last line counts the expectations. For print (width > 0, wrap.h): lines
 * of at most width columns, the sockaddr dumps after the first folded to a
 * line per statement, ARP frames after the first exchange counted. Lines that were refused or did not
 * hold are also reported on stderr as FILE:LINE: message. Returns the number
 * of failures (0: the lesson checks out). */
/* worksheet: each prediction (predict.h) a blank to fill in with its
 * question, its answer hidden in the step's output, and after the last step
 * an answer key of this run's real values. */
int lesson_batch(struct app *a, const struct lesson *l, FILE *out, int width, bool worksheet);

/* What --batch --lesson prints (--handout): the text handout (lesson_batch,
 * at most --width columns), a worksheet (the same with blanks and a key),
 * Markdown for a course site (handout_md.h). */
enum handout { HANDOUT_TEXT, HANDOUT_MD, HANDOUT_WORKSHEET };

int lesson_step_count(const struct lesson *l);

/* Run one command item as --batch does, but without settling: 0, or 1 with
 * "FILE:LINE: message" in err (refused, or an expect that did not hold).
 * *settle: it acted on the network, which should settle before the next. */
int lesson_command(struct app *a, const struct lesson *l, const struct lesson_item *it, bool *settle, char *err,
		   size_t errlen);
const struct lesson_step *lesson_step(const struct lesson *l, int step); /* NULL outside 0..count-1 */

#endif
