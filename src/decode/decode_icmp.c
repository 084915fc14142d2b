/* decode_icmp.c - ICMP (RFC 792): types and codes by name, echo's id and
 * sequence, and the datagram an error quotes. */
#include "decode_int.h"

enum { ICMP_ECHOREPLY = 0, ICMP_UNREACH = 3, ICMP_SOURCEQUENCH = 4, ICMP_REDIRECT = 5,
       ICMP_ECHO = 8, ICMP_TIMXCEED = 11, ICMP_PARAMPROB = 12 };
enum { ICMP_UNREACH_NEEDFRAG = 4 };

static const char *icmp_type_name(unsigned t)
{
	switch (t) {
	case 0: return "echo reply";
	case 3: return "destination unreachable";
	case 4: return "source quench";
	case 5: return "redirect";
	case 8: return "echo request";
	case 11: return "time exceeded";
	case 12: return "parameter problem";
	case 13: return "timestamp request";
	case 14: return "timestamp reply";
	default: return NULL;
	}
}

/* Destination unreachable codes: RFC 792, RFC 1122 3.2.2.1, RFC 1812 5.2.7.1. */
static const char *const unreach_names[16] = {
	"net unreachable", "host unreachable", "protocol unreachable",
	"port unreachable", "fragmentation needed", "source route failed",
	"destination network unknown", "destination host unknown",
	"source host isolated", "network administratively prohibited",
	"host administratively prohibited", "network unreachable for TOS",
	"host unreachable for TOS", "communication administratively prohibited",
	"host precedence violation", "precedence cutoff in effect",
};

static const char *icmp_code_name(unsigned t, unsigned c)
{
	if (t == ICMP_UNREACH && c < 16)
		return unreach_names[c];
	if (t == ICMP_TIMXCEED && c == 0)
		return "TTL exceeded in transit";
	if (t == ICMP_TIMXCEED && c == 1)
		return "fragment reassembly time exceeded";
	if (t == ICMP_REDIRECT && c < 4) {
		static const char *const redir[4] = { "network", "host", "TOS and network",
						      "TOS and host" };
		return redir[c];
	}
	return NULL;
}

static void quote_detail(struct dis *d, const struct win *q, const uint8_t qs[4], const uint8_t qd[4],
			 unsigned proto)
{
	dis_line(d, "  quoted IPv4: ");
	sb_ip4(d->det, qs);
	sb_str(d->det, ARROW);
	sb_ip4(d->det, qd);
	sb_str(d->det, ", len ");
	sb_u(d->det, w_be16(q, IP_OFF_LEN));
	sb_str(d->det, ", id 0x");
	sb_hex(d->det, w_be16(q, IP_OFF_ID), 4);
	sb_str(d->det, ", ttl ");
	sb_u(d->det, w_u8(q, IP_OFF_TTL));
	sb_str(d->det, ", proto ");
	sb_u(d->det, proto);
}

/* The datagram an ICMP error quotes: its IPv4 header and at least the first
 * 8 bytes after it (RFC 792), enough for the ports. Shown as "for ...". */
static void icmp_quote(struct dis *d, const struct win *q)
{
	struct sb *s = &d->sum;
	/* Short quotes in a packet the capture cut are truncation; short ones
	 * in a complete packet contradict RFC 792. */
	bool cut = q->len < q->stated;
	uint8_t qs[4], qd[4];

	unsigned vhl = w_has(q, 0, 1) ? w_u8(q, IP_OFF_VHL) : 0, qhl = (vhl & 15) * 4u;
	bool shortq = !w_has(q, 0, IP_HDR_MIN) || (vhl >> 4 == 4 && qhl >= IP_HDR_MIN && !w_has(q, 0, qhl));
	if (shortq || vhl >> 4 != 4 || qhl < IP_HDR_MIN) {
		if (shortq && cut)
			dis_truncated(d);
		else
			dis_malformed(d, shortq ? "quote cut short" : "quoted IPv4 header", -1);
		dis_line(d, "  quoted IPv4: [cut or invalid]");
		return;
	}
	unsigned proto = w_u8(q, IP_OFF_PROTO);
	w_copy(q, IP_OFF_SRC, qs, 4);
	w_copy(q, IP_OFF_DST, qd, 4);
	dis_field(d, q, IP_OFF_SRC, 4, DF_ADDR);
	dis_field(d, q, IP_OFF_DST, 4, DF_ADDR);
	if (d->det)
		quote_detail(d, q, qs, qd, proto);
	sb_str(s, " for ");
	if (proto != IPP_TCP && proto != IPP_UDP) {
		sb_str(s, "IPv4 ");
		sb_ip4(s, qs);
		sb_str(s, ARROW);
		sb_ip4(s, qd);
		sb_str(s, " proto ");
		sb_u(s, proto);
		return;
	}
	const char *name = proto == IPP_TCP ? "TCP" : "UDP";
	sb_str(s, name);
	sb_ch(s, ' ');
	sb_ip4(s, qs);
	if (!w_has(q, qhl, 4)) {
		sb_str(s, ARROW);
		sb_ip4(s, qd);
		if (cut)
			dis_truncated(d);
		else
			dis_malformed(d, "quote cut short", -1);
		dis_line(d, "  quoted ");
		sb_str(d->det, name);
		sb_str(d->det, ": [cut]");
		return;
	}
	unsigned sp = w_be16(q, qhl + TCP_OFF_SPORT), dp = w_be16(q, qhl + TCP_OFF_DPORT);
	dis_field(d, q, qhl + TCP_OFF_SPORT, 2, DF_PORT);
	dis_field(d, q, qhl + TCP_OFF_DPORT, 2, DF_PORT);
	sb_ch(s, ':');
	sb_u(s, sp);
	sb_str(s, ARROW);
	sb_ip4(s, qd);
	sb_ch(s, ':');
	sb_u(s, dp);
	if (d->det) {
		dis_line(d, "  quoted ");
		sb_str(d->det, name);
		sb_str(d->det, ": ");
		sb_u(d->det, sp);
		sb_str(d->det, ARROW);
		sb_u(d->det, dp);
		if (proto == IPP_TCP && w_has(q, qhl, 8)) {
			sb_str(d->det, ", seq (raw) ");
			sb_u(d->det, w_be32(q, qhl + TCP_OFF_SEQ));
		}
	}
}

static void icmp_detail(struct dis *d, const struct win *w, const char *tn, const char *cn)
{
	unsigned t = d->r->icmp_type, c = d->r->icmp_code;
	dis_line(d, "ICMP: type ");
	sb_u(d->det, t);
	if (tn) {
		sb_str(d->det, " (");
		sb_str(d->det, tn);
		sb_ch(d->det, ')');
	}
	sb_str(d->det, ", code ");
	sb_u(d->det, c);
	if (cn) {
		sb_str(d->det, " (");
		sb_str(d->det, cn);
		sb_ch(d->det, ')');
	}
	sb_str(d->det, ", checksum 0x");
	sb_hex(d->det, w_be16(w, ICMP_OFF_SUM), 4);
}

/* Echo request and reply: id and sequence, RFC 792. */
static void icmp_echo(struct dis *d, const struct win *w)
{
	struct sb *s = &d->sum;
	if (!dis_need(d, w, ICMP_HDR))
		return;
	sb_str(s, " id=");
	sb_u(s, w_be16(w, ICMP_OFF_ID));
	sb_str(s, " seq=");
	sb_u(s, w_be16(w, ICMP_OFF_SEQ));
	d->r->payload_len = (unsigned)w->stated - ICMP_HDR;
	if (d->det) {
		sb_str(d->det, ", id ");
		sb_u(d->det, w_be16(w, ICMP_OFF_ID));
		sb_str(d->det, ", seq ");
		sb_u(d->det, w_be16(w, ICMP_OFF_SEQ));
	}
	struct win pw = w_sub(w, ICMP_HDR, w->stated - ICMP_HDR);
	dis_payload(d, &pw, d->r->payload_len);
}

void dis_icmp(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	sb_str(s, "ICMP ");
	dis_addrs(d, false);
	if (!dis_need(d, w, ICMP_HDR_MIN)) {
		dis_line(d, "ICMP: [header cut or does not fit]");
		return;
	}
	unsigned t = w_u8(w, ICMP_OFF_TYPE), c = w_u8(w, ICMP_OFF_CODE);
	r->icmp_type = (uint8_t)t;
	r->icmp_code = (uint8_t)c;
	const char *tn = icmp_type_name(t), *cn = icmp_code_name(t, c);
	if (d->det)
		icmp_detail(d, w, tn, cn);
	if (!tn) {
		sb_str(s, " type ");
		sb_u(s, t);
		sb_str(s, " code ");
		sb_u(s, c);
		return;
	}
	sb_ch(s, ' ');
	sb_str(s, tn);
	if (t == ICMP_ECHOREPLY || t == ICMP_ECHO) {
		icmp_echo(d, w);
		return;
	}
	if (cn) {
		sb_str(s, " (");
		sb_str(s, cn);
		sb_ch(s, ')');
	} else if (c) {
		sb_str(s, " code ");
		sb_u(s, c);
	}
	if (t == ICMP_UNREACH || t == ICMP_SOURCEQUENCH || t == ICMP_REDIRECT || t == ICMP_TIMXCEED ||
	    t == ICMP_PARAMPROB) {
		if (!dis_need(d, w, ICMP_HDR))
			return;
		if (t == ICMP_UNREACH && c == ICMP_UNREACH_NEEDFRAG) { /* next-hop MTU, RFC 1191 4 */
			sb_str(s, " mtu=");
			sb_u(s, w_be16(w, ICMP_OFF_MTU));
			sb_str(d->det, ", next-hop mtu ");
			sb_u(d->det, w_be16(w, ICMP_OFF_MTU));
		}
		struct win q = w_sub(w, ICMP_HDR, w->stated - ICMP_HDR);
		icmp_quote(d, &q);
	}
}
