/* out.h - standard output and standard error, checked and safe.
 *
 * Write errors: as coreutils' close_stdout, every write to stdout is checked
 * up to the final fflush and fclose at exit. A failure is said once, at exit,
 * after the screen is gone ("sockstep: write error: standard output: No space
 * left on device (ENOSPC)"), and the exit status becomes 1. The same for the
 * --log file. A capture file (pcapout.h) is cut short while the session goes
 * on: that is said when it happens (out_lost), and also makes the status 1.
 *
 * SIGPIPE is ignored on purpose (a send on a closed connection is a lesson),
 * so a reader that went away (sockstep --batch | head -1) shows as EPIPE on
 * stdout: out_stopped() turns true and the batch runner stops there.
 *
 * Standard error is escaped on its way out by text.h's rules (newlines and
 * tabs kept): no message, whoever writes it and whatever file name or line
 * it quotes, can carry a control byte or invalid UTF-8 to the terminal. */
#ifndef SOCKSTEP_OUT_H
#define SOCKSTEP_OUT_H

#include <stdbool.h>
#include <stdio.h>

/* The first thing main does: stderr escaped, the checks at exit installed. */
void out_init(void);

/* fflush f and check it; a failure of stdout is recorded (said at exit) and
 * stops the output. Returns 0, or -1 when f has failed. */
int out_flush(FILE *f);

/* stdout has failed (full, closed pipe): produce no more output. */
bool out_stopped(void);

/* A write to `what` (e.g. "the --write capture") failed with errno err:
 * recorded once per `what` and said at exit, with exit status 1. */
void out_write_error(const char *what, int err);

/* An output that failed or was cut short while the session goes on (a
 * capture whose reader does not keep up, or went away): one line, said at
 * once, on stderr ("sockstep: " before it) or, while the screen is up, on
 * its status line through the hook, and then again on stderr at exit. The
 * exit status becomes 1. */
void out_lost(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The screen takes out_lost's lines while it is up (fn NULL: stderr again). */
typedef void out_notice_fn(void *ctx, const char *line);
void out_set_notice(out_notice_fn *fn, void *ctx);

#endif
