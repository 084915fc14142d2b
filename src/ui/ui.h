/* ui.h - the curses explorer: panes that read the session log, keys and the
 * ':' command line that feed app_exec_line, all in one poll loop. */
#ifndef SOCKSTEP_UI_H
#define SOCKSTEP_UI_H

#include <stdbool.h>
#include <stdio.h>

#include "app.h"
#include "ui_theme.h" /* ui_parse_theme, for --theme */

struct lesson;

struct ui_opts {
	const char *theme;    /* "default", "projector" or "mono" (NO_COLOR forces mono) */
	const char *log_path; /* --log FILE: diagnostics while curses owns the screen, or NULL */
	FILE *log;            /* the --log file already opened by main (before the namespaces,
	                       * where the file may no longer be writable), or NULL: then
	                       * ui_run opens log_path itself. ui_run does not close it. */
	/* --lesson NAME: the lesson, loaded by main; n / space runs its next
	 * step, b goes back one, r restarts. NULL: the explorer alone. */
	const struct lesson *lesson;
	/* --compare: a second lab (app_init(..., true, ...): a network namespace
	 * of its own) shown beside the first, and its lesson, walked step for
	 * step with lesson (both must have the same number of steps): lesson is
	 * compare-tcp on the left, compare_lesson compare-udp on the right.
	 * NULL: one lab. ui_run does not free either. */
	struct app *compare;
	const struct lesson *compare_lesson;
	/* How long a blocked call of a lesson step is waited for on screen
	 * (replaces a->wait_ms while the screen runs); 0: the lesson's own
	 * "wait:", else 300 ms. */
	unsigned lesson_wait_ms;
	/* --lesson with no name: open the lesson menu at start. */
	bool menu;
};

/* Run until the user quits; returns the exit status. The terminal is
 * restored on every path out (q, Ctrl-C, SIGTERM, SIGHUP, a crash signal). */
int ui_run(struct app *a, const struct ui_opts *o);

#endif
