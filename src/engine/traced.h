/* traced.h - the user's own program, traced (trace.h) and stepped call by
 * call: "SIDE run PROGRAM [ARG...]" starts it in the side's host as that
 * side's program, stopped before its first socket call; "SIDE next" lets
 * it make that call and runs it to the next; "SIDE continue" lets it run
 * freely until it blocks in a call or ends; detach, kill, input, fault.
 *
 * A traced program is an eprog (slots.h) with traced set: its pid and
 * pidfd are set and its ctl is -1, so the kernel is read back as for
 * sockstep's own programs (observe.h); each of its socket calls goes
 * through the same call entry as sockstep's own (traced_call.h). Its
 * output (stdout and stderr) is logged as EV_OUTPUT lines, in order with
 * its calls. Stops arrive through the tracer's signalfd in the one poll
 * loop (traced_pollfds, traced_progress). */
#ifndef SOCKSTEP_TRACED_H
#define SOCKSTEP_TRACED_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "slots.h"

/* The commands run, next, continue, detach, kill, input, fault: 0, or
 * -EINVAL with one line in err (nothing changed). */
int traced_exec(struct engine *e, const struct cmd *c, char *err, size_t errlen);

/* A command of sockstep's own calls for a traced program is refused: 0
 * when pr is no traced program, else -EINVAL with one line in err. */
int traced_refuse(const struct eprog *pr, const struct cmd *c, char *err, size_t errlen);

/* The tracer's signalfd and the programs' output. */
int traced_pollfds(const struct engine *e, struct pollfd *pfd, int max);

/* Every turn: the stops, exits and output that arrived, each handled.
 * Returns how many. */
int traced_progress(struct engine *e);

/* Batch: a traced program runs between its calls (not stopped before a
 * call, not blocked in one, not gone): the step has not settled. */
bool traced_unsettled(const struct engine *e);

/* Batch: say which still run after waited_ms. */
void traced_note_running(struct engine *e, unsigned waited_ms);

/* Every traced program killed, the tracer closed. */
void traced_free(struct engine *e);

#endif
