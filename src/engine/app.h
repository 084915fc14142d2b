/* app.h - one sockstep session: the lab, the wire, the engine and the log,
 * and the one way every front end (batch, curses) runs a command line and
 * lets the network progress. Front ends own only their input and output. */
#ifndef SOCKSTEP_APP_H
#define SOCKSTEP_APP_H

#include <poll.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "engine.h"
#include "lab.h"
#include "session.h"
#include "wire.h"

struct lesson; /* lesson.h */

#define APP_MAX_POLL (ENGINE_MAX_SOCKS + 8)

struct app {
	struct lab_config cfg;    /* how the lab was asked for, to build it again */
	struct lab lab;
	struct session log;
	struct engine eng;
	struct wire *wire;        /* NULL when there is no capture (--net host without the right) */
	char wire_why[256];       /* why there is no wire, for the wire pane */
	unsigned wait_ms;         /* batch: how long a blocked call is waited for */
	bool live;                /* a screen: show every state change as it happens */
	unsigned run_ms;          /* the last command was "wait N": let the network run N ms */
	FILE *pcap;               /* --write: the file, to be opened as a capture by app_init */
	const char *pcap_name;    /* its name as given, for messages */
	void *writer;             /* its pcap writer, kept across app_reset */
	const struct lesson *lesson; /* the lesson the screen runs in this lab, or NULL (set by
				      * the screen), and how many of its steps have run: a saved
				      * lesson carries their titles and narration */
	int lesson_steps;
};

/* Build the lab (in a network namespace of its own when new_netns: a second
 * lab, or a rebuilt one, must not meet the first one's links), the wire and
 * the engine. The process must already be in its own user namespace for lab
 * and loopback modes. 0, or negative errno with one line in err. */
int app_init(struct app *a, const struct lab_config *cfg, bool new_netns, char *err, size_t errlen);

/* "save lesson FILE" ("save!": force): the session so far written as a
 * lesson file. The engine's layer knows no lesson files: the layer above
 * (lesson_savefile.c) says how, once, at start (main.c). 0 with the line to
 * show in msg, or negative errno with one line in msg. */
typedef int (*app_saver_fn)(const struct app *a, const char *path, bool force, char *msg, size_t len);
void app_set_saver(app_saver_fn fn);

/* Everything gone: sockets closed, wire closed, namespaces released, log freed. */
void app_free(struct app *a);

/* The end: app_free, and the --write file closed. */
void app_close(struct app *a);

/* Kernels cannot undo a step: to go back, close everything and build the
 * same lab again, empty (lessons' "back" and "restart"). Keeps wait_ms, live
 * and the --write file. 0 or negative errno with one line in err. */
int app_reset(struct app *a, char *err, size_t errlen);

/* Parse and run one line. Returns 1 when a command ran, 0 for a blank or
 * comment line, -EINVAL when refused (err holds one line; nothing changed),
 * 2 when an expect did not hold (err says why). The command's events are in
 * the log; frames it causes arrive through app_service. */
int app_exec_line(struct app *a, const char *line, char *err, size_t errlen);

/* In --net host, show only the frames of sockstep's own sockets. */
void app_filter_host(struct app *a);

/* The descriptors to poll: blocked calls, the wire's captures and timer
 * (the wire's left out while paused). */
int app_pollfds(const struct app *a, struct pollfd *pfd, int max, bool paused);

/* After poll: relay frames, finish blocked calls, and (live) notice state
 * changes. paused: the wire is left alone. Between two steps of a lesson on
 * screen nothing is relayed: what the kernels send meanwhile (a
 * retransmission timer's frame) waits in the capture and crosses when the
 * next step settles, as it does in --batch, where the next command follows
 * at once. So the screen at the end of a step is batch's, however long the
 * class reads it. */
void app_service(struct app *a, bool paused);

/* Let the network run after command seq until it settles (or the call of
 * that command has waited wait_ms; run_ms: "wait" commands). app_settle
 * does it all in one go (batch); the screen turns the same state machine
 * from its loop, so keys are answered while a step settles:
 *   ms = app_settle_begin(...); while (ms >= 0) { poll(app_pollfds, ms); ms = app_settle_turn(..., ready); }
 * where a caller may poll other descriptors too (a wake-up by them is
 * ready = false). In the SP_NAP and SP_TRANSIENT phases the app's own
 * descriptors are better left out of the poll (app_settle_sleeps). */
enum settle_phase { SP_QUIET, SP_NAP, SP_WAIT, SP_TRANSIENT, SP_DONE };
struct app_settle {
	unsigned seq, run_ms;
	enum settle_phase phase;
	unsigned long start, until; /* CLOCK_MONOTONIC ms */
	unsigned long quiet_until;  /* SP_NAP: when the quiet time it interrupted ends */
	int tries;                  /* SP_TRANSIENT: chances taken */
};
int app_settle_begin(struct app *a, struct app_settle *st, unsigned seq, unsigned run_ms);
int app_settle_turn(struct app *a, struct app_settle *st, bool ready);
static inline bool app_settle_sleeps(const struct app_settle *st)
{
	return st->phase == SP_NAP || st->phase == SP_TRANSIENT;
}
void app_settle(struct app *a, unsigned seq, unsigned run_ms);

#endif
