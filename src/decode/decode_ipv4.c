/* decode_ipv4.c - IPv4 (RFC 791): the header, fragments, the layer above,
 * and the flow key of the packet (decode.h's struct dec_key). */
#include "decode_int.h"

/* The ports (and TCP's flags and payload length) of the TCP or UDP header
 * at ihl in the IPv4 packet w, its 4 first bytes captured. */
static int key_l4(const struct win *w, size_t ihl, unsigned proto, struct dec_key *k)
{
	k->sport = w_be16(w, ihl + TCP_OFF_SPORT);
	k->dport = w_be16(w, ihl + TCP_OFF_DPORT);
	if (proto == IPP_TCP && w_has(w, ihl, TCP_OFF_FLAGS + 1)) {
		k->has_flags = true;
		k->tcp_flags = w_u8(w, ihl + TCP_OFF_FLAGS);
		k->payload = (long)w_be16(w, IP_OFF_LEN) - (long)ihl -
			     (long)(w_u8(w, ihl + TCP_OFF_DOFF) >> 4) * 4;
	}
	return proto == IPP_TCP ? DK_TCP : DK_UDP;
}

/* The datagram an ICMP error quotes (its captured bytes, in w), when it
 * carries TCP or UDP with its ports and is not a fragment after the first:
 * its addresses and ports into k. Every read is asked for first: a short
 * quote is DK_NONE, never a guess, and marks nothing. */
static int key_quote(const struct win *w, struct dec_key *k)
{
	if (!w_has(w, 0, IP_HDR_MIN) || w_u8(w, IP_OFF_VHL) >> 4 != 4)
		return DK_NONE;
	size_t ihl = (size_t)(w_u8(w, IP_OFF_VHL) & 15) * 4;
	if (ihl < IP_HDR_MIN || !w_has(w, ihl, 4) || (w_be16(w, IP_OFF_FRAG) & IP_OFFMASK))
		return DK_NONE;
	unsigned proto = w_u8(w, IP_OFF_PROTO);
	if (proto != IPP_TCP && proto != IPP_UDP)
		return DK_NONE;
	w_copy(w, IP_OFF_SRC, k->src, 4);
	w_copy(w, IP_OFF_DST, k->dst, 4);
	key_l4(w, ihl, proto, k);
	k->has_flags = false; /* a quote's flags are not this frame's */
	k->tcp_flags = 0;
	k->payload = 0;
	return proto == IPP_TCP ? DK_ICMP_TCP : DK_ICMP_UDP;
}

/* The flow key of a packet whose header dis_ipv4 has checked (version 4,
 * IHL >= 20), from the values it read: its own ports, or those of the
 * datagram an ICMP error quotes (RFC 792: its IP header and 8 bytes; a
 * quoted header with options is not read, as the kernel filter reads the
 * quote at fixed offsets). Read from the captured bytes, as the kernel
 * filter does, whatever the stated lengths say. */
static void key_ipv4(const struct win *w, size_t ihl, unsigned foff, struct dec_result *r)
{
	struct dec_key *k = &r->key;
	if (r->has_vlan || foff)
		return;
	int kind = DK_NONE;
	if (r->ipproto == IPP_TCP || r->ipproto == IPP_UDP) {
		if (!w_has(w, ihl, 4))
			return;
		memcpy(k->src, r->sip, 4);
		memcpy(k->dst, r->dip, 4);
		kind = key_l4(w, ihl, r->ipproto, k);
	} else if (r->ipproto == IPP_ICMP && w_has(w, ihl, ICMP_HDR)) {
		unsigned t = w_u8(w, ihl + ICMP_OFF_TYPE);
		size_t q = ihl + ICMP_HDR;
		if ((t != 3 && t != 4 && t != 5 && t != 11 && t != 12) || !w_has(w, q, 1) ||
		    w_u8(w, q) != 0x45) /* the quote: IPv4 with a 20-byte header */
			return;
		struct win qw = w_sub(w, q, w->len - q);
		kind = key_quote(&qw, k);
	}
	if (kind == DK_NONE)
		memset(k, 0, sizeof *k);
	else
		k->kind = (uint8_t)kind;
}

static void frag_suffix(struct dis *d, unsigned off, bool mf)
{
	if (!d->r->is_frag)
		return;
	sb_str(&d->sum, " frag off=");
	sb_u(&d->sum, off);
	if (mf)
		sb_str(&d->sum, " MF");
}

static void ipv4_detail(struct dis *d, const struct win *w, unsigned ihl)
{
	const struct dec_result *r = d->r;
	struct sb *t = d->det;
	unsigned ff = w_be16(w, IP_OFF_FRAG), foff = (ff & IP_OFFMASK) * 8u;
	dis_line(d, "IPv4: ");
	sb_str(t, r->src);
	sb_str(t, ARROW);
	sb_str(t, r->dst);
	sb_str(t, ", ttl ");
	sb_u(t, w_u8(w, IP_OFF_TTL));
	sb_str(t, ", id 0x");
	sb_hex(t, w_be16(w, IP_OFF_ID), 4);
	if (ff & IP_DF)
		sb_str(t, ", DF");
	if (ff & IP_MF)
		sb_str(t, ", MF");
	if (foff) {
		sb_str(t, ", frag off ");
		sb_u(t, foff);
	}
	sb_str(t, ", len ");
	sb_u(t, w_be16(w, IP_OFF_LEN));
	sb_str(t, ", hdr ");
	sb_u(t, ihl);
	if (ihl > IP_HDR_MIN) {
		sb_str(t, ", options ");
		sb_u(t, ihl - IP_HDR_MIN);
		sb_str(t, " bytes");
	}
	sb_str(t, ", proto ");
	dis_proto(d, r->ipproto);
	sb_str(t, ", checksum 0x");
	sb_hex(t, w_be16(w, IP_OFF_SUM), 4);
	if (w_u8(w, IP_OFF_TOS)) {
		sb_str(t, ", tos 0x");
		sb_hex(t, w_u8(w, IP_OFF_TOS), 2);
	}
}

/* The header is there but cannot be followed: addresses, then why. */
static size_t ipv4_stop(struct dis *d, const struct win *w)
{
	sb_str(&d->sum, "IPv4 ");
	dis_addrs(d, false);
	return w->len;
}

/* Returns the bytes of w the datagram claims (for padding accounting). */
size_t dis_ipv4(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	if (!w_has(w, 0, IP_HDR_MIN)) {
		dis_truncated(d);
		sb_str(s, "IPv4");
		dis_line(d, "IPv4: [header cut]");
		return w->len;
	}
	unsigned ver = w_u8(w, IP_OFF_VHL) >> 4, ihl = (w_u8(w, IP_OFF_VHL) & 15) * 4u;
	r->ipver = 4;
	r->ipproto = w_u8(w, IP_OFF_PROTO);
	w_copy(w, IP_OFF_SRC, r->sip, 4);
	w_copy(w, IP_OFF_DST, r->dip, 4);
	dis_field(d, w, IP_OFF_SRC, 4, DF_ADDR);
	dis_field(d, w, IP_OFF_DST, 4, DF_ADDR);
	dis_set_addrs(d, 4);
	if (ver != 4) {
		sb_str(s, "IPv4");
		dis_malformed(d, "IP version", ver);
		dis_line(d, "IPv4: version field is ");
		sb_u(d->det, ver);
		return w->len;
	}
	unsigned tot = w_be16(w, IP_OFF_LEN), ff = w_be16(w, IP_OFF_FRAG);
	unsigned foff = (ff & IP_OFFMASK) * 8u;
	bool mf = ff & IP_MF;
	r->is_frag = mf || foff;
	if (d->det)
		ipv4_detail(d, w, ihl);
	if (ihl < IP_HDR_MIN) { /* IHL counts 32-bit words, at least 5 */
		dis_malformed(d, "IHL", ihl / 4);
		return ipv4_stop(d, w);
	}
	key_ipv4(w, ihl, foff, r);
	if (tot < ihl) {
		dis_malformed(d, NULL, -1);
		return ipv4_stop(d, w);
	}
	if (!w_has(w, 0, ihl)) { /* options cut */
		dis_truncated(d);
		return ipv4_stop(d, w);
	}
	if (tot > w->len)
		dis_truncated(d);
	/* From here on only the datagram's own bytes: padding is not payload. */
	struct win l4 = w_sub(w, ihl, tot - ihl);
	bool decoded = foff == 0;
	if (decoded) {
		switch (r->ipproto) {
		case IPP_TCP: dis_tcp(d, &l4); break;
		case IPP_UDP: dis_udp(d, &l4, r->is_frag); break;
		case IPP_ICMP: dis_icmp(d, &l4); break;
		default: decoded = false; break;
		}
	}
	if (!decoded) {
		sb_str(s, "IPv4 ");
		dis_addrs(d, false);
		sb_str(s, " proto ");
		sb_u(s, r->ipproto);
		sb_str(s, " len=");
		sb_u(s, tot - ihl);
		if (foff)
			dis_line(d, "Fragment data (not decoded: only the first fragment has the L4 header)");
	}
	frag_suffix(d, foff, mf);
	return tot;
}
