/* engine.h - executes commands with the real calls, in the hosts of the lab.
 *
 * Each side is a program (prog.h): a process of its own in its host's network
 * namespace that makes that side's calls with blocking sockets, one at a time.
 * A call either returns at once (its result is logged by engine_exec) or the
 * program sleeps in it: the call is logged as blocked, the program can do
 * nothing else, and the event loop polls engine_pollfds(); engine_progress()
 * logs the result when the program's reply arrives. sockstep looks at the
 * sockets from outside (pidfd_getfd, sock_diag). Everything that happens is
 * appended to the session log; the engine never prints.
 *
 * Sockets and programs live in slots that never move: a pointer to one stays
 * valid for the engine's life (a slot is reused in place, never shifted). */
#ifndef SOCKSTEP_ENGINE_H
#define SOCKSTEP_ENGINE_H

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine_flow.h"
#include "slots.h"

/* e: zeroed (a static engine), or one engine_free has ended. */
void engine_init(struct engine *e, struct lab *lab, struct session *log);

/* The code a program's runner performs for a request (the call entries'),
 * for prog_runner. */
prog_perform_fn engine_perform_of(enum verb op);
void engine_free(struct engine *e);

/* Execute one parsed command. Returns 0 when it ran (a kernel error is a
 * result, not a failure), -EINVAL when it was refused (bad target, nothing
 * changed; one line in err), 1 when it was an expect that did not hold. */
int engine_exec(struct engine *e, const struct cmd *c, char *err, size_t errlen);

/* Descriptors to poll: the reply channels of the busy programs. */
int engine_pollfds(const struct engine *e, struct pollfd *pfd, int max);

/* Log every blocked call whose program has answered: connects first, then
 * oldest first. Returns how many completed. (engine_refresh notices what the
 * kernel changed by itself.) */
int engine_progress(struct engine *e);

/* Every turn of the loop, frames moving or not: the floods' done chunks
 * are read and their next ones sent (a flood's result waits for
 * engine_progress). Returns how many chunks it handled. */
int engine_serve_floods(struct engine *e);
bool engine_flooding(const struct engine *e); /* a flood is under way */

/* Programs that ended or were stopped or continued behind sockstep's back
 * (kill -9, kill -STOP, kill -CONT from a shell): log it once, and mark an
 * ended program's descriptors closed (their rows follow from
 * engine_refresh). Returns how many were noticed. engine_progress and
 * engine_refresh call it first; the command runner calls it before each
 * command, so that what happened is told before what comes next. */
int engine_watch(struct engine *e);

/* Re-read every socket and log the rows that changed (peer's FIN, timers). */
void engine_refresh(struct engine *e);

/* A TCP socket is in a state that normally ends within a round trip. */
bool engine_transient(const struct engine *e);

/* Whether a program of that name still waits in the call that command seq
 * made (false once it returned, or once the program ended in it). */
bool engine_call_pending(const struct engine *e, enum side side, int prog, int child, unsigned seq);

/* How many programs are still blocked; seq_only: only in the call of command seq. */
int engine_blocked(const struct engine *e, unsigned seq_only);

/* What a reader outside the engine (the screen's narration) may know of a
 * program that holds a session up, without reading the slots. */
struct engine_hold {
	const char *name;   /* "server", "client2", "server.1" */
	int pid;
	enum side side;
	bool busy;          /* in a call: */
	enum verb verb;     /* which, */
	unsigned seq;       /* since which command */
};
/* The first program stopped by a signal (SIGSTOP) and not gone (stopped),
 * or the first one blocked in a call (!stopped): true and *h, or false. */
bool engine_holding(const struct engine *e, bool stopped, struct engine_hold *h);

/* Batch: mark still-blocked calls of command seq as such in the log. */
void engine_note_still_blocked(struct engine *e, unsigned seq, unsigned waited_ms);

/* The side host's net.ipv4.ip_local_port_range (ephemeral ports), for
 * judging predictions: 0, or negative errno with *lo = *hi = 0. */
int engine_port_range(struct engine *e, enum side side, unsigned *lo, unsigned *hi);

#endif
