/* observe.h - reading the kernel back after a call: what a program's
 * descriptor is now (getsockname, getpeername, the TCP state from TCP_INFO,
 * SO_COOKIE, the datagrams its receive queue dropped), and what the kernel keeps of a connection that no descriptor
 * holds any more (sock_diag). Given a program and a descriptor, it knows
 * nothing of commands, rows or who made the call (sockstep's engine, or a
 * traced program): every source of calls reads the kernel through it.
 * The program's descriptor is borrowed (pidfd_getfd) and given back. */
#ifndef SOCKSTEP_OBSERVE_H
#define SOCKSTEP_OBSERVE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "lab.h"
#include "prog.h"

/* What the kernel says of one descriptor now. */
struct obs_sock {
	struct sockaddr_in local, remote;
	bool has_local, has_peer;    /* getsockname / getpeername succeeded */
	char state[16];              /* "LISTEN", "ESTABLISHED", "UNCONN", ... "?" unknown */
	uint64_t cookie;             /* SO_COOKIE (0: not asked, or unknown) */
	long drops;                  /* what the socket dropped because its receive queue
				      * was full (SO_MEMINFO's SK_MEMINFO_DROPS, the
				      * counter sock_diag and /proc/net/udp show); -1 unknown */
};

/* The sock_diag sockets, one per host, opened when first needed. */
struct observer {
	struct lab *lab;
	int diag[3];                 /* by enum side; -1 none yet */
};

void observe_init(struct observer *o, struct lab *lab);
void observe_free(struct observer *o);

/* Descriptor fd of program p now: 0, or negative errno when it could not
 * be borrowed (the program is gone), with o->state "?" and no addresses.
 * want_cookie: ask SO_COOKIE too. */
int observe_fd(const struct prog *p, int fd, enum proto proto, bool want_cookie, struct obs_sock *o);

/* The TCP state the kernel keeps for a connection with no descriptor (or a
 * descriptor whose connection went to TIME_WAIT), found by its cookie or
 * its 4-tuple in the side's host: > 0 a TCP state (tcp_states.h), else
 * 0 or negative errno. peer (may be NULL) gets the connection's peer. */
int observe_kept(struct observer *o, enum side side, const struct sockaddr_in *local,
		 const struct sockaddr_in *remote, uint64_t cookie, struct sockaddr_in *peer);

/* The length of the datagram waiting on descriptor fd (MSG_PEEK|MSG_TRUNC,
 * not taken), -1 when none waits or an error waits (a peek would take it). */
long observe_dgram_len(const struct prog *p, int fd);

#endif
