/* decode_arp.c - ARP (RFC 826): who has, is at; other hardware and protocol
 * types by number. */
#include "decode_int.h"

enum { ARP_REQUEST = 1, ARP_REPLY = 2, ARP_HW_ETHER = 1 };

static void arp_detail(struct dis *d, unsigned op, unsigned htype, unsigned ptype, unsigned hlen,
		       unsigned plen)
{
	dis_line(d, "ARP: ");
	sb_str(d->det, op == ARP_REQUEST ? "request" : op == ARP_REPLY ? "reply" : "op");
	sb_str(d->det, " (");
	sb_u(d->det, op);
	sb_str(d->det, "), hw type ");
	sb_u(d->det, htype);
	sb_str(d->det, ", proto 0x");
	sb_hex(d->det, ptype, 4);
	sb_str(d->det, ", hlen ");
	sb_u(d->det, hlen);
	sb_str(d->det, ", plen ");
	sb_u(d->det, plen);
}

/* Ethernet/IPv4 ARP, all 28 bytes there: addresses, summary, flow key. */
static void arp_eth_ip4(struct dis *d, const struct win *w, unsigned op)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;
	uint8_t sha[6], tha[6];
	w_copy(w, ARP_OFF_SHA, sha, 6);
	w_copy(w, ARP_OFF_SPA, r->sip, 4);
	w_copy(w, ARP_OFF_THA, tha, 6);
	w_copy(w, ARP_OFF_TPA, r->dip, 4);
	dis_field(d, w, ARP_OFF_SPA, 4, DF_ADDR);
	dis_field(d, w, ARP_OFF_TPA, 4, DF_ADDR);
	dis_set_addrs(d, 4);
	if (!r->has_vlan) {
		r->key.kind = DK_ARP;
		memcpy(r->key.src, r->sip, 4);
		memcpy(r->key.dst, r->dip, 4);
	}
	if (op == ARP_REQUEST) {
		sb_str(s, " who has ");
		sb_str(s, r->dst);
		sb_str(s, "? tell ");
		sb_str(s, r->src);
	} else if (op == ARP_REPLY) {
		sb_ch(s, ' ');
		sb_str(s, r->src);
		sb_str(s, " is at ");
		sb_mac(s, sha);
	} else {
		sb_str(s, " op ");
		sb_u(s, op);
		sb_ch(s, ' ');
		dis_addrs(d, false);
	}
	if (d->det) {
		dis_line(d, "  sender ");
		sb_mac(d->det, sha);
		sb_ch(d->det, ' ');
		sb_str(d->det, r->src);
		sb_str(d->det, ", target ");
		sb_mac(d->det, tha);
		sb_ch(d->det, ' ');
		sb_str(d->det, r->dst);
	}
}

size_t dis_arp(struct dis *d, const struct win *w)
{
	struct sb *s = &d->sum;

	sb_str(s, "ARP");
	if (!w_has(w, 0, ARP_HDR)) {
		dis_truncated(d);
		dis_line(d, "ARP: [header cut]");
		return w->len;
	}
	unsigned htype = w_be16(w, ARP_OFF_HTYPE), ptype = w_be16(w, ARP_OFF_PTYPE);
	unsigned hlen = w_u8(w, ARP_OFF_HLEN), plen = w_u8(w, ARP_OFF_PLEN), op = w_be16(w, ARP_OFF_OP);
	size_t body = ARP_HDR + 2 * ((size_t)hlen + plen);
	if (d->det)
		arp_detail(d, op, htype, ptype, hlen, plen);
	/* Ethernet addresses are 6 bytes and IPv4 ones 4: anything else with
	 * these types contradicts itself. */
	if (htype == ARP_HW_ETHER && hlen != ETH_ALEN) {
		dis_malformed(d, "ARP hlen", hlen);
		return w->len;
	}
	if (ptype == ETHERTYPE_IPV4 && plen != 4) {
		dis_malformed(d, "ARP plen", plen);
		return w->len;
	}
	if (htype != ARP_HW_ETHER || ptype != ETHERTYPE_IPV4) {
		sb_str(s, " op ");
		sb_u(s, op);
		sb_str(s, " hw ");
		sb_u(s, htype);
		sb_str(s, " proto 0x");
		sb_hex(s, ptype, 4);
		if (!w_has(w, 0, body))
			dis_truncated(d);
		return body;
	}
	if (!w_has(w, 0, ARP_ETH_IP4)) {
		dis_truncated(d);
		return w->len;
	}
	arp_eth_ip4(d, w, op);
	return ARP_ETH_IP4;
}
