/* traced_call.h - one socket call of a traced program (traced.h) through
 * the same call entries as sockstep's own calls (call.h): at its enter the
 * call is rendered (sysc.h) from the arguments read in the program's memory
 * and set up in the program's slot as an entry's prepare would; at its exit
 * the real result becomes a struct prog_rep and the entry's after hook
 * reads the kernel back, logs the rows, the data, the explanations. One
 * code path for both sources of calls. */
#ifndef SOCKSTEP_TRACED_CALL_H
#define SOCKSTEP_TRACED_CALL_H

#include <stdbool.h>

#include "slots.h"
#include "sysc.h"
#include "trace.h"

/* At TEV_ENTER: false when the call is not on a socket (read, write,
 * close of a file): the caller resumes it unseen. Else the call is set up
 * in pr (entry, sock, code, args, tfd) and the sockaddr it passes logged. */
bool tcall_enter(struct engine *e, struct eprog *pr, const struct trace_ev *ev, struct sysc_call *sc);

/* The call is shown as the one the program is stopped before. */
void tcall_before(struct engine *e, struct eprog *pr);

/* At TEV_EXIT_CALL (or the EINTR a restarted exit turned out to be): ret
 * as the kernel returned it (-errno), the result logged and read back by
 * the entry's after hook. sc: what tcall_enter filled. origin: the command
 * it blocked in, 0 when it returned at once. */
void tcall_exit(struct engine *e, struct eprog *pr, struct sysc_call *sc, long ret, unsigned origin);

/* Whether a fault set with "SIDE fault next CALL" is for this call (the
 * name the program wrote: recv matches recvfrom, send sendto). */
bool tcall_fault_matches(enum verb want, enum verb have);

#endif
