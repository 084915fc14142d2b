/* flowkey.h - which socket a frame is about, for --net host's filter: the
 * IPv4 addresses and ports of a TCP or UDP packet, of the datagram an ICMP
 * error quotes, or the two addresses of an ARP packet. The decoder reads it
 * in its one pass over the frame (decode.h's struct dec_key: bounds-checked,
 * fuzzed); this gives it as a socket has its addresses. Pure. */
#ifndef SOCKSTEP_FLOWKEY_H
#define SOCKSTEP_FLOWKEY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

enum flowkey_kind { /* the same order as decode.h's enum dec_key_kind */
	FK_NONE,      /* anything else: IPv6, VLAN, other protocols, later fragments, cut short */
	FK_TCP,       /* src/dst: the packet's addresses and ports */
	FK_UDP,
	FK_ICMP_TCP,  /* an ICMP error (RFC 792: unreachable, source quench, redirect,
	               * time exceeded, parameter problem) quoting a TCP/UDP datagram
	               * whose IP header has no options (else FK_NONE: the kernel
	               * filter reads the quote at fixed offsets): src/dst are the
	               * quoted datagram's */
	FK_ICMP_UDP,
	FK_ARP,       /* Ethernet/IPv4 ARP: src = sender's address, dst = target's (ports 0) */
};

struct flowkey {
	enum flowkey_kind kind;
	struct sockaddr_in src, dst; /* network byte order, as a socket has them */
	/* FK_TCP with the flags byte captured: the flags (RFC 9293: FIN 0x01,
	 * SYN 0x02, RST 0x04, ACK 0x10) and the payload's length by the IP
	 * header (total length - IHL - data offset; negative when they lie). */
	bool has_flags;
	uint8_t tcp_flags;
	long payload;
};

/* The key a frame was decoded with (dec_result.key). Returns k->kind. */
enum flowkey_kind flowkey_of(const struct dec_key *dk, struct flowkey *k);

/* Decode the Ethernet frame of caplen bytes at p (no TCP context) for its
 * key: for a caller that has only the bytes (tests, the fuzzer). */
enum flowkey_kind flowkey_read(const uint8_t *p, size_t caplen, struct flowkey *k);

#endif
