/* call_event.h - a socket call as the session log records it, whoever
 * made it: sockstep's own command engine today, a traced program later.
 * The event (session.h, EV_CALL) carries the program, the descriptor, the
 * result or errno and the lecture's C text; this is the rest: which call,
 * and its arguments as they crossed the system call boundary (the raw
 * bytes of a sockaddr passed in or filled in by the kernel). Nothing here
 * knows the engine or its commands: a tracer that reads the arguments with
 * process_vm_readv fills the same fields. */
#ifndef SOCKSTEP_CALL_EVENT_H
#define SOCKSTEP_CALL_EVENT_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h" /* enum verb */

#define CALL_SA_MAX 16 /* sizeof(struct sockaddr_in); IPv6 and AF_UNIX will widen it */

struct call_args {
	bool set;                    /* false: an EV_CALL of no socket call (families) */
	enum verb verb;              /* the call: V_BIND, V_GETSOCKNAME, ... */
	long a, b, c;                /* its integer arguments after the descriptor, in order
				      * (socket: domain, type, protocol; listen: backlog;
				      * shutdown: how; setsockopt, fcntl: the value) */
	size_t len;                  /* send/sendto: bytes given; recv/recvfrom: buffer size */
	unsigned char sa[CALL_SA_MAX]; /* the sockaddr, byte for byte as in memory */
	unsigned char sa_len;        /* bytes in sa; 0: the call has none */
	bool sa_out;                 /* the kernel filled it in (accept, recvfrom,
				      * getsockname, getpeername); else the program passed it */
};

#endif
