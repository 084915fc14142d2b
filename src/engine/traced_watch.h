/* traced_watch.h - a traced program built with -g: its struct sockaddr_in
 * shown after each statement that writes it, as the lecture's tcp_client1b
 * dumps it (memset, sin_family, sin_addr, sin_port), from the watch of
 * trace_watch.h. The writes are seen as the program runs (no stop per
 * statement); the statements seen are logged as one EV_SOCKADDR, with each
 * statement's source line and bytes, before the program's next socket call
 * (or its end): the lecture's four statements are one stage each. */
#ifndef SOCKSTEP_TRACED_WATCH_H
#define SOCKSTEP_TRACED_WATCH_H

#include <stdbool.h>

#include "sockaddr.h"
#include "slots.h"
#include "trace.h"

/* One program's statements seen and not yet logged. */
struct tw_pending {
	char var[64];
	int n;                        /* stages filled */
	char where[SA_NSTAGES][96];   /* "file.c:42" of each stage */
	struct sa_build b;
	int shown;                    /* EV_SOCKADDR logged for it: a loop writing the struct says
				       * so once, then is not shown any more (TW_SHOWN_MAX) */
};

#define TW_SHOWN_MAX 16

/* TEV_EXEC: whether its sockaddr_in is watched; says why not once (first). */
void traced_watch_exec(struct engine *e, struct eprog *pr, struct tw_pending *w, const struct trace_ev *ev,
		       bool first);

/* TEV_WATCH: one statement wrote the variable. */
void traced_watch_hit(struct engine *e, struct eprog *pr, struct tw_pending *w, const struct trace_ev *ev);

/* Before its next socket call, or at its end: the statements seen, logged. */
void traced_watch_flush(struct engine *e, struct eprog *pr, struct tw_pending *w);

#endif
