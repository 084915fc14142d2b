/* decode_ipv6.c - IPv6 (RFC 8200), the fixed header only, and ICMPv6
 * (RFC 4443) by type. */
#include "decode_int.h"

static void ipv6_detail(struct dis *d, const struct win *w, uint32_t vtf, unsigned plen, unsigned nh)
{
	dis_line(d, "IPv6: ");
	sb_str(d->det, d->r->src);
	sb_str(d->det, ARROW);
	sb_str(d->det, d->r->dst);
	sb_str(d->det, ", hop limit ");
	sb_u(d->det, w_u8(w, IP6_OFF_HLIM));
	sb_str(d->det, ", traffic class 0x");
	sb_hex(d->det, (vtf >> 20) & 0xff, 2);
	sb_str(d->det, ", flow 0x");
	sb_hex(d->det, vtf & 0xfffff, 5);
	sb_str(d->det, ", payload ");
	sb_u(d->det, plen);
	sb_str(d->det, ", next header ");
	dis_proto(d, nh);
}

/* ICMPv6: only the type is shown. */
static void icmp6(struct dis *d, const struct win *l4)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;
	sb_str(s, "IPv6 ");
	dis_addrs(d, false);
	sb_str(s, " ICMPv6");
	if (!dis_need(d, l4, 1))
		return;
	r->icmp_type = w_u8(l4, ICMP_OFF_TYPE);
	r->icmp_code = w_has(l4, ICMP_OFF_CODE, 1) ? w_u8(l4, ICMP_OFF_CODE) : 0;
	sb_str(s, " type ");
	sb_u(s, r->icmp_type);
	if (d->det) {
		dis_line(d, "ICMPv6: type ");
		sb_u(d->det, r->icmp_type);
		if (w_has(l4, 0, ICMP_HDR_MIN)) {
			sb_str(d->det, ", code ");
			sb_u(d->det, r->icmp_code);
			sb_str(d->det, ", checksum 0x");
			sb_hex(d->det, w_be16(l4, ICMP_OFF_SUM), 4);
		}
	}
}

size_t dis_ipv6(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	if (!w_has(w, 0, IP6_HDR)) {
		dis_truncated(d);
		sb_str(s, "IPv6");
		dis_line(d, "IPv6: [header cut]");
		return w->len;
	}
	uint32_t vtf = w_be32(w, IP6_OFF_VTF);
	unsigned plen = w_be16(w, IP6_OFF_PLEN), nh = w_u8(w, IP6_OFF_NH);
	r->ipver = 6;
	r->ipproto = (uint8_t)nh;
	w_copy(w, IP6_OFF_SRC, r->sip, 16);
	w_copy(w, IP6_OFF_DST, r->dip, 16);
	dis_field(d, w, IP6_OFF_SRC, 16, DF_ADDR);
	dis_field(d, w, IP6_OFF_DST, 16, DF_ADDR);
	dis_set_addrs(d, 6);
	if (vtf >> 28 != 6) {
		sb_str(s, "IPv6");
		dis_malformed(d, "IP version", vtf >> 28);
		return w->len;
	}
	if (d->det)
		ipv6_detail(d, w, vtf, plen, nh);
	if (IP6_HDR + (size_t)plen > w->len)
		dis_truncated(d);
	struct win l4 = w_sub(w, IP6_HDR, plen);
	switch (nh) {
	case IPP_TCP: dis_tcp(d, &l4); break;
	case IPP_UDP: dis_udp(d, &l4, false); break;
	case IPP_ICMPV6: icmp6(d, &l4); break;
	default:
		sb_str(s, "IPv6 ");
		dis_addrs(d, false);
		sb_str(s, " next header ");
		sb_u(s, nh);
		sb_str(s, " len=");
		sb_u(s, plen);
		break;
	}
	return IP6_HDR + (size_t)plen;
}
