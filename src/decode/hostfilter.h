/* hostfilter.h - --net host: which frames are sockstep's own, decided twice
 * from one description of its sockets: as a pcap-filter(7) expression that
 * the kernel runs on the "any" capture (Linux cooked headers) before a frame
 * enters the ring, and in C on a frame already read (flowkey.h), the second
 * line. Pure: the engine hands in what it knows (engine_flow.c).
 *
 * Ours are: TCP and UDP by local address and port and the peer's (any peer
 * for a listener or an unconnected UDP socket; only the local side while a
 * connect or a first sendto has not chosen the local port yet); a listener
 * only by its handshakes (SYN, SYN-ACK, RST; the engine pins the 4-tuple of
 * each SYN it sees, for the last ACK and what follows); ICMP
 * errors quoting a datagram we sent; ARP about our peers' addresses. A local
 * address 0.0.0.0 stands for this host's addresses, less those where another
 * socket is bound on the same port (the kernel gives the traffic there to
 * that socket); when that cannot be told apart, nothing (fail closed). */
#ifndef SOCKSTEP_HOSTFILTER_H
#define SOCKSTEP_HOSTFILTER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flowkey.h"

#define HF_MAX_FLOWS 320  /* the engine's sockets, each with a pending destination, and handshakes */
#define HF_MAX_LOCALS 64  /* the host's IPv4 addresses (127.0.0.0/8 is always local) */
#define HF_MAX_OTHERS 128 /* other sockets bound on our ports */
#define HF_MAX_PEERS 64   /* addresses ARP is shown for */
#define HF_EXPR_MAX 65536 /* room for the expression */

struct hf_flow {
	uint8_t proto;          /* IPPROTO_TCP or IPPROTO_UDP */
	bool listener;          /* TCP listen(): its handshakes only */
	struct in_addr laddr;   /* INADDR_ANY: this host's addresses (locals, 127/8) */
	uint16_t lport;         /* host order; 0: not chosen yet (any local port) */
	struct in_addr raddr;   /* with rport 0: any peer */
	uint16_t rport;
};

/* A socket that is not ours, bound to addr:port (addr INADDR_ANY: all). */
struct hf_bound {
	uint8_t proto;
	struct in_addr addr;
	uint16_t port;          /* host order */
};

struct hf_set {
	struct hf_flow flows[HF_MAX_FLOWS];
	unsigned nflows;
	struct in_addr locals[HF_MAX_LOCALS];
	unsigned nlocals;
	struct hf_bound others[HF_MAX_OTHERS];
	unsigned nothers;
	bool others_unknown;    /* they could not be listed: a local 0.0.0.0 is no address */
	struct in_addr peers[HF_MAX_PEERS];
	unsigned npeers;
};

/* The kernel filter for set, into out: "" when nothing is ours (the caller
 * installs a program that accepts nothing). 0, or -ENOSPC when it does not
 * fit (out is then ""). About 35 BPF instructions a socket: past about a
 * hundred sockets the program is longer than the kernel takes (4096), and
 * a coarse one serves: the same, but local addresses unchecked (ports and
 * peers only), leaving the addresses to the second line. */
int hostfilter_expr(const struct hf_set *set, bool coarse, char *out, size_t len);

/* The same decision for a frame read by flowkey_read: the index of the flow
 * it belongs to, HF_ARP for ARP about a peer, or -1 (not ours). */
#define HF_ARP ((int)HF_MAX_FLOWS)
int hostfilter_match(const struct hf_set *set, const struct flowkey *k);

/* Whether addr is one of set's local addresses where a flow with local
 * address 0.0.0.0 on proto/port is the kernel's choice. */
bool hostfilter_local(const struct hf_set *set, const struct hf_flow *f, struct in_addr addr);

#endif
