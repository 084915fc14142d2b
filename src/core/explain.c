/* explain.c - one line that explains a kernel error in the lecture's terms,
 * per situation (see explain.h). Pure: no I/O. */
#include "explain.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

const char *explain_errno(enum verb v, int err, const struct explain_sit *s)
{
	enum situation sit = s->sit;
	bool tcp = s->tcp;
	switch (err) {
	case EADDRINUSE:
		if (v != V_BIND)
			return "this local address and port are taken";
		return s->server
			       ? "another socket already holds this address and port (a listener, or a connection "
				 "in TIME_WAIT: \"setsockopt reuseaddr on\" before bind lets a new listener reuse it)"
			       : "another socket of this host already holds this address and port (another program's, "
				 "or a connection in TIME_WAIT): a client usually binds no port and lets the kernel pick one";
	case ECONNREFUSED:
		return !tcp ? "the peer's kernel answered an earlier datagram with ICMP port unreachable"
			    : "nobody listens on that address and port: the server's kernel answered with RST";
	case EACCES:
		return v == V_BIND ? "ports below 1024 need privilege (CAP_NET_BIND_SERVICE); the lab and loopback modes have it"
				   : "permission denied (a broadcast address needs SO_BROADCAST)";
	case EOPNOTSUPP:
		if (v == V_ACCEPT || v == V_LISTEN)
			return "listen() and accept() exist only for connection-oriented (SOCK_STREAM) sockets; "
			       "a UDP server just calls recvfrom()";
		return NULL;
	case EINVAL:
		if (v == V_ACCEPT && s->listening && s->shut_rd)
			return "shutdown() stopped this listening socket: it accepts no more connections";
		if (v == V_ACCEPT)
			return sit == SIT_CONNECTED ? "this socket is a connection, not a listening socket: accept() "
						      "takes the listening one (the bare side picks it when there is one)"
						    : "accept() needs a socket in LISTEN state: call listen() first";
		if (v == V_LISTEN)
			return sit == SIT_CONNECTED || sit == SIT_WAS_CONNECTED
				       ? "a connected socket cannot listen: listening sockets only wait for connections"
				       : "listen() is not valid for this socket in its current state";
		if (v == V_BIND)
			return "this socket is already bound: a socket binds once (connect() and listen() bind it too)";
		return NULL;
	case EISCONN:
		if (sit == SIT_LISTENING)
			return "a listening socket cannot connect: it only waits for connections";
		if (v == V_SENDTO)
			return "a connected TCP socket has its peer already: send() it, without an address";
		if (sit == SIT_WAS_CONNECTED || sit == SIT_SHUT)
			return "this socket was connected once: a TCP socket connects only once, even after its "
			       "connection ended (a new connection needs a new socket)";
		return "this socket is already connected: a TCP socket connects once";
	case EALREADY:
		return "a connect() on this non-blocking socket is still in progress (SYN sent, no answer yet)";
	case EINPROGRESS:
		return "non-blocking connect(): the SYN is sent and the call did not wait; select() for writing "
		       "tells when it is done, SO_ERROR how it ended";
	case EAGAIN:
		return "non-blocking socket: the call would have blocked, so it returned at once (EAGAIN = EWOULDBLOCK)";
	case EINTR:
		return "a signal arrived while the call was blocked, and its handler was installed without "
		       "SA_RESTART, so the call gave up";
	case ENOTCONN:
		if (sit == SIT_LISTENING)
			return "a listening socket has no peer: send and recv on the socket accept() returns";
		if (sit == SIT_WAS_CONNECTED || sit == SIT_SHUT)
			return "the connection is over: the peer reset it, or it was shut down";
		return tcp ? "this socket was never connected: TCP needs connect() (client) or accept() (server) first"
			   : "this socket has no peer: UDP needs sendto() with an address, or connect()";
	case EPIPE:
		if (sit == SIT_LISTENING)
			return "a listening socket carries no data: send on the socket accept() returned";
		if (sit == SIT_FRESH)
			return "this socket was never connected: TCP sends only after connect() or accept()";
		if (s->shut_wr)
			return "this side called shutdown() for writing: it sends no more";
		return "the connection is over: the peer reset it (RST), so nothing more can be sent";
	case EADDRNOTAVAIL:
		return "no interface of this host has that address";
	case ENETUNREACH:
		return "this host has no route to that address";
	case EHOSTUNREACH:
		return s->lab
			       ? "nobody answered ARP (\"who has this address?\"): the kernel never learnt the peer's "
				 "MAC address, so the SYN never left (were the ARP requests held or dropped on the wire?)"
			       : "no host answered ARP for that address: the SYN never left";
	case ETIMEDOUT:
		return "the SYN (or data) was retransmitted until TCP gave up: no answer came back";
	case ECONNRESET:
		return "the peer reset the connection (RST): it closed with unread data or the socket is gone";
	case EDESTADDRREQ:
		return "a UDP socket without a peer needs sendto() with an address";
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
	case ESOCKTNOSUPPORT:
		return "this kernel has no protocol for that family and type";
	case EMSGSIZE:
		return "the datagram is larger than the socket can send in one piece";
	default:
		return NULL;
	}
}


void explain_count(unsigned long n, char *out, size_t len)
{
	char digits[24], grouped[32];
	int nd = snprintf(digits, sizeof(digits), "%lu", n);
	size_t o = 0;
	for (int i = 0; i < nd; i++) {
		if (i && (nd - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	snprintf(out, len, "%s", grouped);
}

/* "99,744 datagrams", or "12 more (99,756 in all)" after an earlier count. */
static void dropped_words(const struct explain_drops *d, char *out, size_t len)
{
	char all[32], more[32];
	explain_count(d->dropped, all, sizeof(all));
	if (!d->told || d->told >= d->dropped) {
		snprintf(out, len, "%s datagram%s", all, d->dropped == 1 ? "" : "s");
		return;
	}
	explain_count(d->dropped - d->told, more, sizeof(more));
	snprintf(out, len, "%s more (%s in all)", more, all);
}

void explain_drops(const struct explain_drops *d, char *out, size_t len)
{
	char wire[64] = "", what[80], read[48];
	if (d->wire) {
		char n[32];
		explain_count(d->wire_lost, n, sizeof(n));
		snprintf(wire, sizeof(wire), d->wire_lost ? "the wire lost %s so far; " : "the wire lost none; ",
			 n);
	}
	dropped_words(d, what, sizeof(what));
	if (d->received) {
		char n[32];
		explain_count(d->received, n, sizeof(n));
		snprintf(read, sizeof(read), "it read only %s", n);
	} else
		snprintf(read, sizeof(read), "it never read");
	/* The lecture's lesson: no flow control, so nothing slowed the sender
	 * down; what its receive buffer could not hold, the kernel dropped. */
	snprintf(out, len, "%sthe %s's socket dropped %s: %s, and UDP has no flow control", wire, d->who, what, read);
}

void explain_drops_note(const struct explain_drops *d, char *out, size_t len)
{
	char all[32], more[32];
	explain_count(d->dropped, all, sizeof(all));
	if (!d->told || d->told >= d->dropped) {
		snprintf(out, len, "receive buffer full: %s datagram%s dropped, as SO_MEMINFO counts", all,
			 d->dropped == 1 ? "" : "s");
		return;
	}
	explain_count(d->dropped - d->told, more, sizeof(more));
	snprintf(out, len, "receive buffer full: %s more dropped, %s in all, as SO_MEMINFO counts", more, all);
}
