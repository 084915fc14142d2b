/* engine_flow.c - --net host: which captured frames belong to sockstep's own
 * sockets (engine_owns_flow, engine_talks_to in engine.h). Reads only what
 * the engine last learnt of each socket; no system call per frame. */
#include "engine.h"

#include <arpa/inet.h>
#include <string.h>

/* --net host: which frames are ours. A socket is known by its protocol, its
 * local address and port (0.0.0.0 standing for any address of this host) and
 * its remote one: the peer when connected (or connecting), any peer for a
 * listening or unconnected UDP socket, which the kernel gives whatever
 * arrives at its address. The addresses are the last ones read from the
 * kernel (snapshot), not read again per frame. */
struct flow_end {
	struct sockaddr_in local, remote;
	bool any_remote;
};

static bool flow_of(const struct engine *e, const struct esock *s, struct flow_end *f)
{
	memset(f, 0, sizeof(*f));
	if (s->closed) {
		/* A closed TCP connection still has frames (FIN, the last ACK)
		 * while the kernel holds it, and in the step that closed it. */
		if (s->proto != PROTO_TCP || !s->connected_once ||
		    (!strcmp(s->shown.state, "CLOSED") && s->closed_at != e->log->seq))
			return false;
		f->local = s->last_local;
		f->remote = s->last_remote;
	} else {
		f->local = s->cur_local;
		if (s->cur_peer)
			f->remote = s->cur_remote;
		else if (s->listening || s->proto == PROTO_UDP)
			f->any_remote = true;
		else if (s->pending_dest.sin_family == AF_INET)
			f->remote = s->pending_dest; /* connecting, or a connect refused */
		else
			return false;
	}
	return f->local.sin_port != 0;
}

static bool addr_is(struct in_addr want, struct in_addr got, bool (*is_local)(struct in_addr))
{
	return want.s_addr == htonl(INADDR_ANY) ? is_local(got) : want.s_addr == got.s_addr;
}

/* Does the socket's flow hold a frame from a to b (in either direction)? */
static bool flow_has(const struct flow_end *f, const struct sockaddr_in *ours, const struct sockaddr_in *theirs,
		     bool (*is_local)(struct in_addr))
{
	if (ours->sin_port != f->local.sin_port || !addr_is(f->local.sin_addr, ours->sin_addr, is_local))
		return false;
	return f->any_remote ||
	       (theirs->sin_port == f->remote.sin_port && theirs->sin_addr.s_addr == f->remote.sin_addr.s_addr);
}

bool engine_owns_flow(const struct engine *e, enum proto proto, const struct sockaddr_in *src,
		      const struct sockaddr_in *dst, bool (*is_local)(struct in_addr))
{
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		struct flow_end f;
		if (!s->used || s->proto != proto || !flow_of(e, s, &f))
			continue;
		if (flow_has(&f, src, dst, is_local) || flow_has(&f, dst, src, is_local))
			return true;
	}
	return false;
}

bool engine_talks_to(const struct engine *e, struct in_addr addr)
{
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		struct flow_end f;
		if (!s->used || !flow_of(e, s, &f))
			continue;
		if ((!f.any_remote && f.remote.sin_addr.s_addr == addr.s_addr) ||
		    (s->pending_dest.sin_family == AF_INET && s->pending_dest.sin_addr.s_addr == addr.s_addr))
			return addr.s_addr != htonl(INADDR_ANY);
	}
	return false;
}

