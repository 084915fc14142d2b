/* ui_notice.h - what the screen says outside its panes, for every UI file
 * to call: the narration line's notice, and diagnostics to --log FILE (never
 * to stderr while curses owns the screen, as tmux's log.c). The lowest UI
 * layer: it calls nothing of the shell or the panes. */
#ifndef SOCKSTEP_UI_NOTICE_H
#define SOCKSTEP_UI_NOTICE_H

#include <stdbool.h>
#include <stdio.h>

struct ui;

/* Set the narration line to a notice (warn: the warning style); newer
 * events of the log replace it. */
void ui_notice(struct ui *u, bool warn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An output cut short while the screen is up (out_set_notice's callback,
 * ctx the struct ui): on the narration line, and in the log. */
void ui_notice_lost(void *ctx, const char *line);

/* Diagnostics to --log FILE, one whole line each (nothing without one). */
void ui_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Start the log: given (opened by main, not closed here), else path (opened
 * here, closed by ui_log_close), else none. 0, or 2 with a line on stderr
 * when path cannot be opened. */
int ui_log_open(FILE *given, const char *path);
/* The log's stream (NULL: none): stderr is sent there while curses runs. */
FILE *ui_log_stream(void);
/* "curses stopped", then the log is closed if it was opened here. */
void ui_log_close(void);

#endif
