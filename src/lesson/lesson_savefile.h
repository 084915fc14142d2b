/* lesson_savefile.h - "save lesson FILE": a session written as a lesson
 * file. Above the app (app.c runs the command through app_set_saver) and
 * the pure text (lesson_save.h). */
#ifndef SOCKSTEP_LESSON_SAVEFILE_H
#define SOCKSTEP_LESSON_SAVEFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson_save.h"

/* "save lesson FILE" (force: "save! lesson FILE"): the session in log as a
 * lesson file (lesson_save_text, from's name taken from FILE), opened with
 * the user's rights (priv_open), never over an existing file unless forced,
 * never over what is not a regular file or is in use. FILE must be
 * NAME.lesson. Returns 0 with the line to show in msg ("saved 9 steps to
 * demo.lesson; ..."), or negative errno with one line in msg, nothing
 * written. */
int lesson_save_file(const char *path, bool force, const struct session *log, const struct lesson_save_in *from,
		     char *msg, size_t len);

/* The same for an app's session (app_saver_fn: main.c hands it to app_set_saver). */
struct app;
int lesson_save_app(const struct app *a, const char *path, bool force, char *msg, size_t len);

#endif
