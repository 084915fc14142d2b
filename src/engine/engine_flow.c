/* engine_flow.c - --net host: which frames belong to sockstep's own sockets
 * (engine_host_filter, engine_owns_flow in engine.h). What the engine last
 * learnt of each socket becomes a hostfilter.h set; the kernel filter is
 * made from it when it changes, and the frames that pass are checked
 * against the same set in C. No system call per frame. */
#include "engine_flow.h"
#include "fdutil.h"
#include "slots.h"
#include "hostfilter.h"
#include "tcpstate.h"
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PINNED_MAX 16   /* handshakes our listeners answered, pinned to their 4-tuple */
#define REREAD_MS 1000  /* the host's addresses and the other sockets on our ports, read again */

struct engine_host {
	struct hf_set set;          /* what the last filter was made of; the second line reads it */
	char expr[HF_EXPR_MAX];     /* the expression being made */
	char last[HF_EXPR_MAX];     /* the one in the kernel ("" with nothing installed yet: deny all) */
	bool failed;                /* the kernel filter could not be set (said once) */
	struct { struct sockaddr_in local, remote; } pinned[PINNED_MAX];
	unsigned npinned, pin_next;
	struct in_addr locals[HF_MAX_LOCALS];
	unsigned nlocals;
	struct hf_bound others[HF_MAX_OTHERS];
	unsigned nothers;
	bool others_unknown;
	unsigned long long read_at;  /* ms: when locals and others were read */
	unsigned ports_key;          /* the ports they were read for */
	int diag;                    /* NETLINK_SOCK_DIAG in the host's namespace, -1 */
};

static unsigned long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

static uint8_t ipproto(enum proto p)
{
	return p == PROTO_TCP ? IPPROTO_TCP : p == PROTO_UDP ? IPPROTO_UDP : 0;
}

static void add_flow(struct hf_set *set, uint8_t proto, bool listener, const struct sockaddr_in *l,
		     const struct sockaddr_in *r)
{
	if (set->nflows == HF_MAX_FLOWS || !proto)
		return;
	set->flows[set->nflows++] = (struct hf_flow){
		.proto = proto, .listener = listener, .laddr = l->sin_addr, .lport = ntohs(l->sin_port),
		.raddr = r ? r->sin_addr : (struct in_addr){ 0 }, .rport = r ? ntohs(r->sin_port) : 0,
	};
}

static void add_peer(struct hf_set *set, struct in_addr a)
{
	if (a.s_addr == htonl(INADDR_ANY) || set->npeers == HF_MAX_PEERS)
		return;
	for (unsigned i = 0; i < set->npeers; i++)
		if (set->peers[i].s_addr == a.s_addr)
			return;
	set->peers[set->npeers++] = a;
}

/* A socket's flows: the full 4-tuple when connected (or closed while the
 * kernel still holds its connection: FIN, the last ACK, and in the step that
 * closed it); its address for any peer when listening (handshakes only) or
 * UDP; its destination while a connect or a first sendto has not chosen
 * its port yet, or after a connect was refused (the RST). */
static void socket_flows(const struct engine *e, const struct esock *s, struct hf_set *set)
{
	uint8_t pr = ipproto(s->proto);
	bool dest = s->pending_dest.sin_family == AF_INET;
	if (!pr)
		return;
	if (s->closed) {
		if (s->proto != PROTO_TCP || !s->connected_once ||
		    (!strcmp(s->shown.state, "CLOSED") && s->closed_at != e->log->seq))
			return;
		add_flow(set, pr, false, &s->last_local, &s->last_remote);
		add_peer(set, s->last_remote.sin_addr);
		return;
	}
	if (dest)
		add_peer(set, s->pending_dest.sin_addr);
	if (s->cur_peer) {
		add_flow(set, pr, false, &s->cur_local, &s->cur_remote);
		add_peer(set, s->cur_remote.sin_addr);
	} else if ((s->listening || s->proto == PROTO_UDP) && s->cur_local.sin_port) {
		add_flow(set, pr, s->listening, &s->cur_local, NULL);
	} else if (dest) {
		add_flow(set, pr, false, &s->cur_local, &s->pending_dest);
	}
}

/* The host's IPv4 addresses: for a socket bound to 0.0.0.0 (a frame
 * forwarded for a container is not for it). */
static void read_locals(struct engine_host *h)
{
	struct ifaddrs *ifa = NULL;
	h->nlocals = 0;
	if (getifaddrs(&ifa) < 0)
		return; /* 127.0.0.0/8 still counts */
	for (struct ifaddrs *i = ifa; i && h->nlocals < HF_MAX_LOCALS; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET)
			h->locals[h->nlocals++] = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
	freeifaddrs(ifa);
}

struct others_ctx {
	const struct engine *e;
	struct engine_host *h;
	uint8_t proto;
};

static bool ours(const struct engine *e, uint64_t cookie)
{
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		if (e->socks[i].used && !e->socks[i].closed && e->socks[i].cookie == cookie)
			return true;
	return false;
}

/* One socket from sock_diag: another's, on a port we wait on? */
static void other_seen(void *ctx, const struct diag_sock *d)
{
	struct others_ctx *c = ctx;
	struct engine_host *h = c->h;
	const struct hf_set *set = &h->set;
	bool our_port = false;
	for (unsigned i = 0; i < set->nflows && !our_port; i++)
		our_port = set->flows[i].proto == c->proto && set->flows[i].rport == 0 &&
			   set->flows[i].lport == ntohs(d->port);
	if (!our_port || ours(c->e, d->cookie))
		return;
	if (h->nothers == HF_MAX_OTHERS) {
		h->others_unknown = true; /* too many to say: fail closed */
		return;
	}
	h->others[h->nothers++] = (struct hf_bound){ .proto = c->proto, .addr = d->addr, .port = ntohs(d->port) };
}

/* The other sockets bound on the ports where ours wait for any peer: TCP
 * listeners, UDP sockets in any state. */
static void read_others(const struct engine *e, struct engine_host *h)
{
	h->nothers = 0;
	h->others_unknown = false;
	if (h->diag < 0) {
		int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		/* Above the programs' descriptors, like the rest of ours. */
		h->diag = fd_move_high(fd);
	}
	struct others_ctx c = { e, h, IPPROTO_TCP };
	if (h->diag < 0 || tcpstate_dump(h->diag, IPPROTO_TCP, 1u << TCP_LISTEN, other_seen, &c) < 0) {
		h->others_unknown = true;
		return;
	}
	c.proto = IPPROTO_UDP;
	if (tcpstate_dump(h->diag, IPPROTO_UDP, ~0u, other_seen, &c) < 0)
		h->others_unknown = true;
}

/* A key for the set of ports our sockets wait on: read the others again
 * when it changes. */
static unsigned ports_key(const struct hf_set *set)
{
	unsigned k = 2166136261u;
	for (unsigned i = 0; i < set->nflows; i++)
		if (set->flows[i].rport == 0 && set->flows[i].lport)
			k = (k ^ (set->flows[i].lport | (unsigned)set->flows[i].proto << 16)) * 16777619u;
	return k;
}

static struct engine_host *host_of(struct engine *e)
{
	if (!e->host) {
		e->host = calloc(1, sizeof(*e->host));
		if (e->host) {
			e->host->diag = -1;
			/* Whatever filter the capture has (a new engine after a
			 * reset meets its predecessor's): not assumed right. */
			e->host->last[0] = '\n';
		}
	}
	return e->host;
}

void engine_host_free(struct engine *e)
{
	if (!e->host)
		return;
	if (e->host->diag >= 0)
		close(e->host->diag);
	free(e->host);
	e->host = NULL;
}

void engine_host_filter(struct engine *e)
{
	if (!e->wire || e->lab->mode != NET_HOST)
		return;
	struct engine_host *h = host_of(e);
	if (!h)
		return; /* no memory: the capture keeps the filter it has */
	struct hf_set *set = &h->set;
	set->nflows = set->npeers = 0;
	uint8_t listening_on[65536 / 8] = { 0 }; /* a bit per port */
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		if (s->used)
			socket_flows(e, s, set);
		if (s->used && !s->closed && s->listening)
			listening_on[ntohs(s->cur_local.sin_port) / 8] |= (uint8_t)(1u << (ntohs(s->cur_local.sin_port) % 8));
	}
	/* Handshakes a listener of ours answered, while it listens. */
	for (unsigned i = 0; i < h->npinned; i++) {
		unsigned port = ntohs(h->pinned[i].local.sin_port);
		if (listening_on[port / 8] & (1u << (port % 8)))
			add_flow(set, IPPROTO_TCP, false, &h->pinned[i].local, &h->pinned[i].remote);
	}
	unsigned long long now = now_ms();
	unsigned key = ports_key(set);
	if (!h->read_at || now - h->read_at >= REREAD_MS || key != h->ports_key) {
		read_locals(h);
		read_others(e, h);
		h->read_at = now;
		h->ports_key = key;
	}
	memcpy(set->locals, h->locals, sizeof(set->locals));
	set->nlocals = h->nlocals;
	memcpy(set->others, h->others, sizeof(set->others));
	set->nothers = h->nothers;
	set->others_unknown = h->others_unknown;

	if (hostfilter_expr(set, false, h->expr, sizeof(h->expr)) < 0)
		hostfilter_expr(set, true, h->expr, sizeof(h->expr));
	if (!strcmp(h->expr, h->last))
		return; /* the same flows: the filter in place is right (at first: the capture's deny-all) */
	char err[512] = "";
	int rc = wire_kernel_filter(e->wire, h->expr, err, sizeof(err));
	if (rc == -E2BIG && hostfilter_expr(set, true, h->expr, sizeof(h->expr)) == 0)
		rc = wire_kernel_filter(e->wire, h->expr, err, sizeof(err));
	if (rc == -E2BIG)
		snprintf(err, sizeof(err), "the capture's filter is longer than the kernel takes");
	if (rc < 0 && !h->failed)
		session_add(e->log, EV_WIRE, SIDE_NONE, -1, "%s: the capture lets nothing in", err);
	h->failed = rc < 0;
	memcpy(h->last, h->expr, strlen(h->expr) + 1);
}

bool engine_owns_flow(struct engine *e, const struct flowkey *k)
{
	struct engine_host *h = e->host;
	if (!h)
		return false; /* no set made yet: nothing is known to be ours */
	int i = hostfilter_match(&h->set, k);
	if (i < 0 || i == HF_ARP)
		return i == HF_ARP;
	/* A SYN to a listener of ours: pin that handshake's 4-tuple, so that
	 * its last ACK, and what the client sends before accept(), are ours
	 * too (another connection on the same port is not). The kernel filter
	 * has it once this turn's frames are read (service_wire): in time for
	 * a client across a network; one of our own is matched by its socket. */
	if (h->set.flows[i].listener && k->kind == FK_TCP && (k->tcp_flags & (TH_SYN | TH_ACK)) == TH_SYN &&
	    ntohs(k->dst.sin_port) == h->set.flows[i].lport) {
		for (unsigned j = 0; j < h->npinned; j++)
			if (!memcmp(&h->pinned[j].local, &k->dst, sizeof(k->dst)) &&
			    !memcmp(&h->pinned[j].remote, &k->src, sizeof(k->src)))
				return true; /* a SYN sent again */
		h->pinned[h->pin_next].local = k->dst;
		h->pinned[h->pin_next].remote = k->src;
		h->pin_next = (h->pin_next + 1) % PINNED_MAX;
		if (h->npinned < PINNED_MAX)
			h->npinned++;
		add_flow(&h->set, IPPROTO_TCP, false, &k->dst, &k->src); /* the second line knows it at once */
	}
	return true;
}
