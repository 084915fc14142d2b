/* flowkey.c - which socket a frame is about (see flowkey.h). Every read is
 * checked against the bytes captured; a layer that is cut short is FK_NONE,
 * never a guess. */
#include "flowkey.h"

#include <string.h>

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void addr(struct sockaddr_in *sa, const uint8_t *a4, unsigned port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	memcpy(&sa->sin_addr, a4, 4);
}

/* An IPv4 packet of len bytes at p carrying TCP or UDP with its ports (not a
 * fragment after the first, which has none): its addresses and ports. */
static enum flowkey_kind ip_ports(const uint8_t *p, size_t len, struct flowkey *k)
{
	if (len < 20 || p[0] >> 4 != 4)
		return FK_NONE;
	size_t ihl = (size_t)(p[0] & 15) * 4;
	if (ihl < 20 || len < ihl + 4 || (be16(p + 6) & 0x1fff))
		return FK_NONE;
	enum flowkey_kind kind = p[9] == 6 ? FK_TCP : p[9] == 17 ? FK_UDP : FK_NONE;
	if (kind == FK_NONE)
		return FK_NONE;
	addr(&k->src, p + 12, be16(p + ihl));
	addr(&k->dst, p + 16, be16(p + ihl + 2));
	if (kind == FK_TCP && len >= ihl + 14) {
		k->has_flags = true;
		k->tcp_flags = p[ihl + 13];
		k->payload = (long)be16(p + 2) - (long)ihl - (long)(p[ihl + 12] >> 4) * 4;
	}
	return kind;
}

static enum flowkey_kind read_frame(const uint8_t *p, size_t caplen, struct flowkey *k)
{
	if (caplen < 14)
		return FK_NONE;
	unsigned type = be16(p + 12); /* 802.1Q and others: not ours (no VLANs here) */
	p += 14;
	caplen -= 14;
	if (type == 0x0806) {
		/* Ethernet/IPv4 ARP (RFC 826): sender address at 14, target at 24. */
		if (caplen < 28 || be16(p) != 1 || be16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4)
			return FK_NONE;
		addr(&k->src, p + 14, 0);
		addr(&k->dst, p + 24, 0);
		return FK_ARP;
	}
	if (type != 0x0800)
		return FK_NONE;
	enum flowkey_kind kind = ip_ports(p, caplen, k);
	if (kind != FK_NONE || caplen < 20 || p[0] >> 4 != 4 || p[9] != 1)
		return kind;
	/* ICMP: only errors, whose body quotes the IP header and 8 bytes of the
	 * datagram that caused them (RFC 792). */
	size_t ihl = (size_t)(p[0] & 15) * 4;
	if (ihl < 20 || caplen < ihl + 8 || (be16(p + 6) & 0x1fff))
		return FK_NONE;
	unsigned t = p[ihl];
	if (t != 3 && t != 4 && t != 5 && t != 11 && t != 12)
		return FK_NONE;
	if (caplen < ihl + 9 || p[ihl + 8] != 0x45) /* the quote: IPv4 with a 20-byte header */
		return FK_NONE;
	kind = ip_ports(p + ihl + 8, caplen - ihl - 8, k);
	k->has_flags = false; /* a quote's flags are not this frame's */
	k->tcp_flags = 0;
	k->payload = 0;
	return kind == FK_TCP ? FK_ICMP_TCP : kind == FK_UDP ? FK_ICMP_UDP : FK_NONE;
}

enum flowkey_kind flowkey_read(const uint8_t *p, size_t caplen, struct flowkey *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = read_frame(p, caplen, k);
	if (k->kind == FK_NONE)
		memset(k, 0, sizeof(*k));
	return k->kind;
}
