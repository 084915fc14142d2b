/* decode_udp.c - UDP (RFC 768). */
#include "decode_int.h"

void dis_udp(struct dis *d, const struct win *w, bool frag)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	sb_str(s, "UDP ");
	if (w_has(w, 0, 4)) {
		dis_field(d, w, UDP_OFF_SPORT, 2, DF_PORT);
		dis_field(d, w, UDP_OFF_DPORT, 2, DF_PORT);
		r->has_ports = true;
		r->sport = w_be16(w, UDP_OFF_SPORT);
		r->dport = w_be16(w, UDP_OFF_DPORT);
	}
	if (!dis_need(d, w, UDP_HDR)) {
		dis_addrs(d, r->has_ports);
		dis_line(d, "UDP: [header cut or does not fit]");
		return;
	}
	unsigned ulen = w_be16(w, UDP_OFF_LEN);
	dis_addrs(d, true);
	if (d->det) {
		dis_line(d, "UDP: ");
		sb_u(d->det, r->sport);
		sb_str(d->det, ARROW);
		sb_u(d->det, r->dport);
		sb_str(d->det, ", len ");
		sb_u(d->det, ulen);
		sb_str(d->det, ", checksum 0x");
		sb_hex(d->det, w_be16(w, UDP_OFF_SUM), 4);
	}
	/* The length covers header + data and must fit the IP payload; a
	 * first fragment carries only part of the datagram it describes. */
	if (ulen < UDP_HDR) {
		dis_malformed(d, NULL, -1);
		sb_str(d->det, " [< 8]");
		return;
	}
	r->payload_len = ulen - UDP_HDR;
	sb_str(s, " len=");
	sb_u(s, r->payload_len);
	if (frag)
		return;
	if (ulen > w->stated) {
		dis_malformed(d, NULL, -1);
		r->payload_len = (unsigned)w->stated - UDP_HDR;
		sb_str(d->det, " [beyond IP payload of ");
		sb_u(d->det, w->stated);
		sb_ch(d->det, ']');
		return;
	}
	struct win uw = w_sub(w, 0, ulen);
	if (uw.len < ulen)
		dis_truncated(d);
	struct win pw = w_sub(&uw, UDP_HDR, ulen - UDP_HDR);
	dis_set_payload(d, &pw);
	dis_payload(d, &pw, ulen - UDP_HDR);
}
