/* tcpstate.h - the kernel's own state of a socket: TCP_INFO for a socket we
 * hold, sock_diag (NETLINK_SOCK_DIAG) for one whose descriptor is gone
 * (FIN_WAIT2, TIME_WAIT, LAST_ACK after close). */
#ifndef SOCKSTEP_TCPSTATE_H
#define SOCKSTEP_TCPSTATE_H

#include <netinet/in.h>
#include <stddef.h>

#include <stdint.h>

#include "names.h" /* enum proto */

/* State name of an open socket into out: TCP states as in tuple.h; UDP
 * "UNCONN" or "CONNECTED" (a UDP socket has a peer only after connect()).
 * Returns 0 or negative errno. */
int tcpstate_of_fd(int fd, enum proto proto, char *out, size_t len);

/* Look a TCP socket up in the namespace of diag_fd (a NETLINK_SOCK_DIAG
 * socket created in that namespace): by its cookie (SO_COOKIE, kept by its
 * TIME_WAIT remains too) when one is known, so that a new connection on the
 * same 4-tuple is not taken for it, else by its 4-tuple. Returns the TCP
 * state number (TCP_ESTABLISHED...) or -ENOENT when the kernel no longer
 * has it, or another negative errno; where found, its peer into *peer
 * (NULL: not wanted). */
int tcpstate_diag(int diag_fd, const struct sockaddr_in *local, const struct sockaddr_in *remote, uint64_t cookie,
		  struct sockaddr_in *peer);

/* Every IPv4 socket of proto (IPPROTO_TCP or IPPROTO_UDP) in one of
 * states (bit 1 << TCP_LISTEN...; ~0u: all) in diag_fd's namespace, its
 * local address and port (network order), each handed to fn. Any user may
 * list them. 0, or negative errno (fn may have been called for some). */
struct diag_sock {
	struct in_addr addr;
	uint16_t port;
	int state;
	uint64_t cookie;
};
int tcpstate_dump(int diag_fd, int proto, unsigned states, void (*fn)(void *ctx, const struct diag_sock *d),
		  void *ctx);

#endif
