/* explain.h - the errno notes: one line that explains a kernel error in the
 * lecture's terms. The kernel uses the same errno for different situations
 * (EPIPE: never connected, shut down, reset by the peer; EINVAL: a listening
 * socket, a connection, a socket shut down), so the note depends on what the
 * socket was. Pure: the engine says what it knows of the socket. */
#ifndef SOCKSTEP_EXPLAIN_H
#define SOCKSTEP_EXPLAIN_H

#include <stdbool.h>

#include "cmd.h"

enum situation {
	SIT_FRESH,         /* never connected */
	SIT_LISTENING,     /* listen() succeeded on it */
	SIT_CONNECTED,     /* it has a peer now */
	SIT_WAS_CONNECTED, /* it had one: the connection ended (reset, closed) */
	SIT_SHUT,          /* shutdown() was called on it */
};

struct explain_sit {
	enum situation sit;
	bool tcp;              /* a TCP socket (else UDP or another kind) */
	bool listening;
	bool shut_rd, shut_wr; /* shutdown() done */
	bool server;           /* the server side's program */
	bool lab;              /* --net lab: hosts that find each other by ARP */
};

/* The note for err returned by the call v, or NULL when there is nothing
 * more to say than the errno's name. */
const char *explain_errno(enum verb v, int err, const struct explain_sit *s);

#endif
