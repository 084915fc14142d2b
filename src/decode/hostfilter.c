/* hostfilter.c - --net host: the frames of sockstep's own sockets, as a
 * kernel filter expression and as a check in C (see hostfilter.h). Both read
 * the same rules below, so the two lines agree. */
#include "hostfilter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

static bool is_any(struct in_addr a)
{
	return a.s_addr == htonl(INADDR_ANY);
}

static bool loopback(struct in_addr a)
{
	return (ntohl(a.s_addr) >> 24) == 127;
}

static bool any_peer(const struct hf_flow *f)
{
	return f->rport == 0;
}

/* Another socket on f's port that takes what arrives at addr, or (addr
 * 0.0.0.0) at every address: the kernel prefers the most specific bind. */
static bool taken(const struct hf_bound *o, const struct hf_flow *f)
{
	return o->proto == f->proto && o->port == f->lport && any_peer(f) && f->lport;
}

/* A flow that can own nothing: a socket waiting for any peer shares its
 * address and port with another, and which one the kernel chooses cannot be
 * told from a frame (fail closed). */
static bool dead(const struct hf_set *set, const struct hf_flow *f)
{
	if (!any_peer(f))
		return false;
	if (set->others_unknown)
		return true;
	for (unsigned i = 0; i < set->nothers; i++) {
		const struct hf_bound *o = &set->others[i];
		/* Both on 0.0.0.0, or both on the same address (a more
		 * specific bind than ours would only take its own address). */
		if (taken(o, f) && o->addr.s_addr == f->laddr.s_addr)
			return true;
	}
	return false;
}

/* Another socket has addr:lport to itself (f bound to 0.0.0.0). */
static bool excluded(const struct hf_set *set, const struct hf_flow *f, struct in_addr addr)
{
	for (unsigned i = 0; i < set->nothers; i++) {
		const struct hf_bound *o = &set->others[i];
		if (taken(o, f) && o->addr.s_addr == addr.s_addr)
			return true;
	}
	return false;
}

bool hostfilter_local(const struct hf_set *set, const struct hf_flow *f, struct in_addr addr)
{
	if (dead(set, f))
		return false;
	if (!is_any(f->laddr))
		return addr.s_addr == f->laddr.s_addr;
	if (excluded(set, f, addr))
		return false;
	if (loopback(addr))
		return true;
	for (unsigned i = 0; i < set->nlocals; i++)
		if (set->locals[i].s_addr == addr.s_addr)
			return true;
	return false;
}

/* ---- the check in C ------------------------------------------------------ */

/* Is the segment from ours to theirs (or back) one of f's? */
static bool flow_has(const struct hf_set *set, const struct hf_flow *f, const struct sockaddr_in *ours,
		     const struct sockaddr_in *theirs)
{
	if (f->lport && ntohs(ours->sin_port) != f->lport)
		return false;
	if (!hostfilter_local(set, f, ours->sin_addr))
		return false;
	return any_peer(f) || (ntohs(theirs->sin_port) == f->rport && theirs->sin_addr.s_addr == f->raddr.s_addr);
}

int hostfilter_match(const struct hf_set *set, const struct flowkey *k)
{
	if (k->kind == FK_ARP) {
		for (unsigned i = 0; i < set->npeers; i++)
			if (set->peers[i].s_addr == k->src.sin_addr.s_addr || set->peers[i].s_addr == k->dst.sin_addr.s_addr)
				return HF_ARP;
		return -1;
	}
	uint8_t proto = k->kind == FK_TCP || k->kind == FK_ICMP_TCP ? IPPROTO_TCP
		      : k->kind == FK_UDP || k->kind == FK_ICMP_UDP ? IPPROTO_UDP : 0;
	bool icmp = k->kind == FK_ICMP_TCP || k->kind == FK_ICMP_UDP;
	if (!proto)
		return -1;
	for (unsigned i = 0; i < set->nflows && i < HF_MAX_FLOWS; i++) {
		const struct hf_flow *f = &set->flows[i];
		if (f->proto != proto || (!f->lport && any_peer(f)))
			continue;
		if (f->listener) {
			/* A listener's own: its handshakes (a foreign connection on
			 * its port is not), never an ICMP error (the quote cannot
			 * say which connection it was). */
			if (icmp || !k->has_flags || !(k->tcp_flags & (TH_SYN | TH_RST)))
				continue;
		}
		/* An ICMP error is about a datagram we sent: the quote's source is ours. */
		if (flow_has(set, f, &k->src, &k->dst) || (!icmp && flow_has(set, f, &k->dst, &k->src)))
			return (int)i;
	}
	return -1;
}

/* ---- the kernel filter --------------------------------------------------- */

struct buf {
	char *p;
	size_t len, at;
	bool full;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	if (b->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->at, b->len - b->at, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->at)
		b->full = true;
	else
		b->at += (size_t)n;
}

/* Where an address or port is read: the packet's source or destination, or
 * the source of the datagram an ICMP error quotes (byte offsets into the
 * ICMP message: 8 bytes of ICMP header, then the quoted IP header, which
 * must be 20 bytes (checked), then its ports). */
enum where { W_SRC, W_DST, W_QSRC, W_QDST };

static void put_addr(struct buf *b, enum where w, struct in_addr a)
{
	char s[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &a, s, sizeof(s));
	switch (w) {
	case W_SRC: put(b, "src host %s", s); break;
	case W_DST: put(b, "dst host %s", s); break;
	case W_QSRC: put(b, "icmp[20:4] = 0x%08x", (unsigned)ntohl(a.s_addr)); break;
	case W_QDST: put(b, "icmp[24:4] = 0x%08x", (unsigned)ntohl(a.s_addr)); break;
	}
}

static void put_port(struct buf *b, enum where w, unsigned port)
{
	switch (w) {
	case W_SRC: put(b, "src port %u", port); break;
	case W_DST: put(b, "dst port %u", port); break;
	case W_QSRC: put(b, "icmp[28:2] = %u", port); break;
	case W_QDST: put(b, "icmp[30:2] = %u", port); break;
	}
}

/* The local side of f read at w: its address, or this host's less the
 * addresses another socket has on its port; then its port when chosen. */
static void put_local(struct buf *b, const struct hf_set *set, const struct hf_flow *f, enum where w)
{
	if (!is_any(f->laddr)) {
		put_addr(b, w, f->laddr);
	} else {
		put(b, "(%s", w == W_SRC ? "src net 127.0.0.0/8" : w == W_DST ? "dst net 127.0.0.0/8" : "icmp[20] = 127");
		for (unsigned i = 0; i < set->nlocals; i++) {
			if (loopback(set->locals[i]))
				continue;
			put(b, " or ");
			put_addr(b, w, set->locals[i]);
		}
		put(b, ")");
		for (unsigned i = 0; i < set->nothers; i++) {
			if (!taken(&set->others[i], f))
				continue;
			put(b, " and not ");
			put_addr(b, w, set->others[i].addr);
		}
	}
	if (f->lport) {
		put(b, " and ");
		put_port(b, w, f->lport);
	}
}

static void put_remote(struct buf *b, const struct hf_flow *f, enum where w)
{
	if (any_peer(f))
		return;
	put(b, " and ");
	put_addr(b, w, f->raddr);
	put(b, " and ");
	put_port(b, w, f->rport);
}

/* A listener's handshakes: segments with SYN or RST, both ways. The rest
 * of a handshake (its last ACK, what the client sends before accept()) is
 * let in by the 4-tuple the engine pins when it sees the SYN: a bare ACK
 * on the port could as well be another connection's. */
#define HANDSHAKE "tcp[tcpflags] & (tcp-syn|tcp-rst) != 0"

static void put_flow(struct buf *b, const struct hf_set *set, const struct hf_flow *f)
{
	put(b, "(%s and ((", f->proto == IPPROTO_TCP ? "tcp" : "udp");
	put_local(b, set, f, W_SRC);
	put_remote(b, f, W_DST);
	if (f->listener)
		put(b, " and " HANDSHAKE);
	put(b, ") or (");
	put_local(b, set, f, W_DST);
	put_remote(b, f, W_SRC);
	if (f->listener)
		put(b, " and " HANDSHAKE);
	put(b, ")))");
}

/* An ICMP error quoting a datagram f sent. */
static void put_quote(struct buf *b, const struct hf_set *set, const struct hf_flow *f)
{
	put(b, "(icmp[17] = %u and ", f->proto);
	put_local(b, set, f, W_QSRC);
	put_remote(b, f, W_QDST);
	put(b, ")");
}

/* ICMP errors only (RFC 792: unreachable, source quench, redirect, time
 * exceeded, parameter problem), in a first fragment, quoting the first
 * fragment of an IPv4 datagram whose header has no options. */
#define ICMP_ERRORS                                                                                     \
	"icmp and ip[6:2] & 0x1fff = 0 and (icmp[0] = 3 or icmp[0] = 4 or icmp[0] = 5 or icmp[0] = 11 " \
	"or icmp[0] = 12) and icmp[8] = 0x45 and icmp[14:2] & 0x1fff = 0"

static bool same_flow(const struct hf_flow *a, const struct hf_flow *b)
{
	return a->proto == b->proto && a->listener == b->listener && a->laddr.s_addr == b->laddr.s_addr &&
	       a->lport == b->lport && a->raddr.s_addr == b->raddr.s_addr && a->rport == b->rport;
}

/* The flows worth a clause: alive, and not a repeat of an earlier one. */
static bool wanted(const struct hf_set *set, unsigned i)
{
	const struct hf_flow *f = &set->flows[i];
	if ((f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP) || (!f->lport && any_peer(f)) || dead(set, f))
		return false;
	for (unsigned j = 0; j < i; j++)
		if (same_flow(&set->flows[j], f))
			return false;
	return true;
}

/* The port a flow is known by when addresses are not checked: its own, or
 * its destination's while its own is not chosen yet. */
static unsigned coarse_port(const struct hf_flow *f)
{
	return f->lport ? f->lport : f->rport;
}

/* Whether an earlier wanted flow of the same protocol has the same port. */
static bool port_seen(const struct hf_set *set, unsigned i, bool quotes)
{
	const struct hf_flow *f = &set->flows[i];
	for (unsigned j = 0; j < i; j++) {
		const struct hf_flow *g = &set->flows[j];
		if (wanted(set, j) && (!quotes || !g->listener) && g->proto == f->proto &&
		    coarse_port(g) == coarse_port(f))
			return true;
	}
	return false;
}

/* The coarse filter: TCP and UDP by port, in either direction, and ICMP
 * errors quoting those ports; no addresses, no handshake flags. */
static bool put_coarse(struct buf *b, const struct hf_set *set, unsigned nflows)
{
	bool any = false;
	for (int q = 0; q < 3; q++) {
		/* q: TCP, UDP, then the ICMP errors quoting either. */
		bool open = false;
		for (unsigned i = 0; i < nflows; i++) {
			const struct hf_flow *f = &set->flows[i];
			if (!wanted(set, i) || (q < 2 && f->proto != (q ? IPPROTO_UDP : IPPROTO_TCP)) ||
			    (q == 2 && f->listener) || port_seen(set, i, q == 2))
				continue;
			if (!open)
				put(b, "%s%s", any ? " or " : "",
				    q == 0 ? "(tcp and (" : q == 1 ? "(udp and (" : "(" ICMP_ERRORS " and (");
			else
				put(b, " or ");
			unsigned p = coarse_port(f);
			if (q < 2)
				put(b, "port %u", p);
			else
				put(b, "(icmp[17] = %u and (icmp[28:2] = %u or icmp[30:2] = %u))", f->proto, p, p);
			open = any = true;
		}
		if (open)
			put(b, "))");
	}
	return any;
}

int hostfilter_expr(const struct hf_set *set, bool coarse, char *out, size_t len)
{
	struct buf b = { out, len, 0, len == 0 };
	unsigned nflows = set->nflows < HF_MAX_FLOWS ? set->nflows : HF_MAX_FLOWS;
	bool any = false, quotes = false;
	/* lo shows each packet twice, going out and coming in: one copy is
	 * enough. A loopback source says lo (the kernel drops it elsewhere);
	 * the cooked header's device type would say it better, but libpcap
	 * can only test it in user space (the kernel filter would be taken
	 * off), so the wire drops the rest of the copies itself. */
	put(&b, "not (outbound and src net 127.0.0.0/8) and (");
	if (coarse)
		any = put_coarse(&b, set, nflows);
	for (unsigned i = 0; i < nflows && !coarse; i++) {
		if (!wanted(set, i))
			continue;
		put(&b, "%s", any ? " or " : "");
		put_flow(&b, set, &set->flows[i]);
		any = true;
	}
	for (unsigned i = 0; i < nflows && !coarse; i++) {
		const struct hf_flow *f = &set->flows[i];
		if (!wanted(set, i) || f->listener)
			continue;
		if (!quotes)
			put(&b, "%s(" ICMP_ERRORS " and (", any ? " or " : "");
		else
			put(&b, " or ");
		put_quote(&b, set, f);
		quotes = any = true;
	}
	if (quotes)
		put(&b, "))");
	if (set->npeers) {
		put(&b, "%s(arp and arp[0:2] = 1 and arp[2:2] = 0x0800 and arp[4] = 6 and arp[5] = 4 and (",
		    any ? " or " : "");
		for (unsigned i = 0; i < set->npeers && i < HF_MAX_PEERS; i++)
			put(&b, "%sarp[14:4] = 0x%08x or arp[24:4] = 0x%08x", i ? " or " : "",
			    (unsigned)ntohl(set->peers[i].s_addr), (unsigned)ntohl(set->peers[i].s_addr));
		put(&b, "))");
		any = true;
	}
	put(&b, ")");
	if (b.full || !any) {
		if (len)
			out[0] = '\0';
		return b.full ? -ENOSPC : 0;
	}
	return 0;
}
