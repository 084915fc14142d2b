/* explain.h - the errno notes: one line that explains a kernel error in the
 * lecture's terms; and the same for datagrams a socket's full receive queue
 * dropped. The kernel uses the same errno for different situations
 * (EPIPE: never connected, shut down, reset by the peer; EINVAL: a listening
 * socket, a connection, a socket shut down), so the note depends on what the
 * socket was. Pure: the engine says what it knows of the socket. */
#ifndef SOCKSTEP_EXPLAIN_H
#define SOCKSTEP_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

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

/* A UDP socket whose receive queue overflowed: what the wire and the socket
 * counted, for the narration and the note under the socket's row. */
struct explain_drops {
	const char *who;          /* the program holding it: "server", "client2" */
	unsigned long dropped;    /* the socket's drops now (SK_MEMINFO_DROPS) */
	unsigned long told;       /* drops already told (0: none) */
	unsigned long received;   /* datagrams its program read from it */
	bool wire;                /* a relaying wire counted the frames */
	unsigned long wire_lost;  /* frames the wire lost or dropped so far */
};
/* "the wire lost none; the server's socket dropped 99,744 datagrams: it
 * never read, and UDP has no flow control" */
void explain_drops(const struct explain_drops *d, char *out, size_t len);
/* The row's note: "receive buffer full: 99,744 datagrams dropped, as SO_MEMINFO counts" */
void explain_drops_note(const struct explain_drops *d, char *out, size_t len);
/* n with thousands separated by commas, as the lecture writes them: "99,744". */
void explain_count(unsigned long n, char *out, size_t len);

#endif
