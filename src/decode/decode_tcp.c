/* decode_tcp.c - TCP (RFC 9293): the header, its options, and the sequence
 * numbers shown relative to each direction's first, as Wireshark does. */
#include "decode_int.h"

/* Option kinds (RFC 9293 3.2, RFC 7323, RFC 2018). */
enum { TCPOPT_EOL = 0, TCPOPT_NOP = 1, TCPOPT_MSS = 2, TCPOPT_WS = 3, TCPOPT_SACK_PERM = 4,
       TCPOPT_SACK = 5, TCPOPT_TS = 8 };

/* ---- relative sequence numbers ------------------------------------------ */

static int flow_find(const struct dec_ctx *c, int fam, const uint8_t *s, const uint8_t *t,
		     uint16_t sp, uint16_t tp, bool *from_a)
{
	for (int i = 0; i < DEC_FLOWS; i++) {
		const struct dec_flow *f = &c->flows[i];
		if (!f->used || f->family != fam)
			continue;
		if (f->a_port == sp && f->b_port == tp && !memcmp(f->a_ip, s, 16) &&
		    !memcmp(f->b_ip, t, 16)) {
			*from_a = true;
			return i;
		}
		if (f->a_port == tp && f->b_port == sp && !memcmp(f->a_ip, t, 16) &&
		    !memcmp(f->b_ip, s, 16)) {
			*from_a = false;
			return i;
		}
	}
	return -1;
}

static void flow_start(struct dec_flow *f, const struct dec_result *r)
{
	memset(f, 0, sizeof *f);
	f->used = true;
	f->family = r->ipver;
	memcpy(f->a_ip, r->sip, 16);
	memcpy(f->b_ip, r->dip, 16);
	f->a_port = r->sport;
	f->b_port = r->dport;
}

/* Learn the bases the way Wireshark does (packet-tcp.c, bug 1542): a side's
 * base is the seq of its SYN, or seq - 1 when its first segment seen is not a
 * SYN (so a mid-stream capture starts at 1); the other side's base is ack - 1
 * from the first ACK seen when that side has not spoken yet. A new SYN with
 * another ISN starts a new conversation on the same ports. */
static void flow_learn(struct dec_flow *f, bool from_a, uint32_t seq, uint32_t ack, uint8_t fl)
{
	bool *fset = from_a ? &f->a_isn_set : &f->b_isn_set;
	uint32_t *fisn = from_a ? &f->a_isn : &f->b_isn;
	bool *rset = from_a ? &f->b_isn_set : &f->a_isn_set;
	uint32_t *risn = from_a ? &f->b_isn : &f->a_isn;

	if ((fl & TF_SYN) && *fset && *fisn != seq) {
		if (!(fl & TF_ACK))
			*rset = false; /* new connection: the peer's ISN is unknown again */
		*fset = false;
	}
	if (!*fset) {
		*fisn = (fl & TF_SYN) ? seq : seq - 1;
		*fset = true;
	}
	if (!*rset && (fl & TF_ACK)) {
		*risn = ack - 1;
		*rset = true;
	}
}

/* The conversation at slot i (-1: a new one) moved to the front, most
 * recently used first: a new one pushes out the least recently used (the
 * last), so a long-lived conversation survives many short ones (round-robin
 * replacement forgot live flows once 64 had been seen). */
static struct dec_flow *flow_front(struct dec_ctx *c, int i, const struct dec_result *r)
{
	struct dec_flow keep;
	if (i < 0)
		flow_start(&keep, r);
	else
		keep = c->flows[i];
	int n = i < 0 ? DEC_FLOWS - 1 : i;
	memmove(&c->flows[1], &c->flows[0], (size_t)n * sizeof c->flows[0]);
	c->flows[0] = keep;
	return &c->flows[0];
}

/* Fill r->seq/ack, relative when a context (or a result decoded before)
 * allows, and the base of the peer's sequence space (for SACK edges).
 * dec_frame learns the flow in its context at once; dec_peek and
 * dec_detail learn on a copy (dec_learn makes it count for a frame that is
 * kept). */
static void tcp_relative(struct dis *d, uint32_t seq, uint32_t ack, uint8_t fl)
{
	struct dec_result *r = d->r;
	r->seq = seq;
	r->ack = ack;
	if (d->known) {
		const struct dec_result *k = d->known;
		if (!k->tcp_rel)
			return;
		r->tcp_rel = true;
		r->seq = seq - (k->seq_raw - k->seq);
		r->peer_known = k->peer_known;
		r->peer_base = k->peer_base;
		if (k->peer_known && (fl & TF_ACK))
			r->ack = ack - k->peer_base;
		return;
	}
	if (!d->ctx)
		return;
	bool from_a = true;
	int i = flow_find(d->ctx, r->ipver, r->sip, r->dip, r->sport, r->dport, &from_a);
	struct dec_flow copy, *f = &copy;
	if (d->ctx_rw)
		f = flow_front(d->ctx_rw, i, r);
	else if (i >= 0)
		copy = d->ctx->flows[i];
	else
		flow_start(&copy, r);
	r->flow_at = d->ctx_rw ? DEC_FLOWS : i; /* DEC_FLOWS: learnt already */
	r->tcp_rel = true;
	flow_learn(f, from_a, seq, ack, fl);
	r->seq = seq - (from_a ? f->a_isn : f->b_isn);
	bool rset = from_a ? f->b_isn_set : f->a_isn_set;
	uint32_t rbase = from_a ? f->b_isn : f->a_isn;
	if (rset) {
		if (fl & TF_ACK)
			r->ack = ack - rbase;
		r->peer_base = rbase;
		r->peer_known = true;
	}
}

void dec_learn(struct dec_ctx *c, const struct dec_result *r)
{
	if (!c || !r->tcp_rel || r->flow_at >= DEC_FLOWS)
		return;
	struct dec_flow *f = flow_front(c, r->flow_at, r);
	bool from_a = r->flow_at < 0 || (f->a_port == r->sport && f->b_port == r->dport &&
					 !memcmp(f->a_ip, r->sip, 16) && !memcmp(f->b_ip, r->dip, 16));
	flow_learn(f, from_a, r->seq_raw, r->ack_raw, r->tcp_flags);
}

/* ---- the header --------------------------------------------------------- */

void dec_tcp_flags_str(uint8_t flags, char *buf, size_t len)
{
	static const char *const names[8] = { "FIN", "SYN", "RST", "PSH",
					      "ACK", "URG", "ECE", "CWR" };
	struct sb s = { buf, buf ? len : 0, 0 };
	for (int i = 0; i < 8; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (s.len)
			sb_str(&s, ", ");
		sb_str(&s, names[i]);
	}
	if (!flags)
		sb_str(&s, "<None>");
	sb_end(&s);
}

/* One option of olen bytes at i (whole in ow): its detail, and for a SYN
 * its summary part (sum NULL otherwise). False when its length is not the
 * kind's. */
static bool tcp_option(struct dis *d, const struct win *ow, size_t i, struct sb *sum, uint32_t peer_base)
{
	struct sb *det = d->det;
	uint8_t kind = w_u8(ow, i), olen = w_u8(ow, i + 1);
	size_t v = i + 2;
	switch (kind) {
	case TCPOPT_MSS: /* RFC 9293 3.2 */
		if (olen != 4)
			return false;
		sb_str(det, "MSS ");
		sb_u(det, w_be16(ow, v));
		sb_str(sum, " MSS=");
		sb_u(sum, w_be16(ow, v));
		return true;
	case TCPOPT_WS: { /* RFC 7323 2.2; shifts > 14 are taken as 14 */
		if (olen != 3)
			return false;
		unsigned sh = w_u8(ow, v);
		sb_str(det, "WS ");
		sb_u(det, sh);
		if (sh > 14) {
			sb_str(det, " (taken as 14)");
			sh = 14;
		}
		sb_str(sum, " WS=");
		sb_u(sum, 1ul << sh);
		return true;
	}
	case TCPOPT_SACK_PERM: /* RFC 2018 */
		if (olen != 2)
			return false;
		sb_str(det, "SACK_PERM");
		sb_str(sum, " SACK_PERM");
		return true;
	case TCPOPT_SACK: /* RFC 2018 3: edges are in the peer's space, shown on any segment */
		if (olen < 10 || (olen - 2) % 8 != 0)
			return false;
		sb_str(det, "SACK");
		for (size_t b = v; b + 8 <= i + olen; b += 8) {
			uint32_t le = w_be32(ow, b) - peer_base;
			uint32_t re = w_be32(ow, b + 4) - peer_base;
			sb_ch(det, ' ');
			sb_u(det, le);
			sb_ch(det, '-');
			sb_u(det, re);
			sb_str(&d->sum, " SACK=");
			sb_u(&d->sum, le);
			sb_ch(&d->sum, '-');
			sb_u(&d->sum, re);
		}
		return true;
	case TCPOPT_TS: /* RFC 7323 3.2 */
		if (olen != 10)
			return false;
		sb_str(det, "TS val ");
		sb_u(det, w_be32(ow, v));
		sb_str(det, " ecr ");
		sb_u(det, w_be32(ow, v + 4));
		sb_str(sum, " TS");
		return true;
	default:
		sb_str(det, "kind ");
		sb_u(det, kind);
		sb_str(det, " len ");
		sb_u(det, olen);
		return true;
	}
}

/* The options area: RFC 9293 3.2, kind, then (except EOL/NOP) a length
 * covering kind and length. SYN options go in the summary. */
static void tcp_options(struct dis *d, const struct win *ow, bool syn, uint32_t peer_base)
{
	struct sb *det = d->det;
	struct sb *sum = syn ? &d->sum : NULL;
	bool first = true;
	size_t i = 0;

	if (det && ow->stated)
		sb_str(det, ", options:");
	while (i < ow->len) {
		uint8_t kind = w_u8(ow, i);
		if (det) {
			sb_str(det, first ? " " : ", ");
			first = false;
		}
		if (kind == TCPOPT_EOL) {
			sb_str(det, "EOL");
			break;
		}
		if (kind == TCPOPT_NOP) {
			sb_str(det, "NOP");
			i++;
			continue;
		}
		if (!w_has(ow, i + 1, 1)) {
			if (ow->len == ow->stated)
				dis_malformed(d, "TCP option without length, kind", kind);
			sb_str(det, "[cut]");
			break;
		}
		uint8_t olen = w_u8(ow, i + 1);
		if (olen < 2) {
			/* A length < 2 would never advance: stop rather than loop. */
			dis_malformed(d, "TCP option length", olen);
			sb_str(det, "[bad option length]");
			break;
		}
		if (!w_has(ow, i, olen)) {
			if (i + olen > ow->stated)
				dis_malformed(d, "TCP option length", olen);
			sb_str(det, "[cut]");
			break;
		}
		if (!tcp_option(d, ow, i, sum, peer_base)) {
			dis_malformed(d, "TCP option length", olen);
			sb_str(det, "[kind ");
			sb_u(det, kind);
			sb_str(det, " bad length ");
			sb_u(det, olen);
			sb_ch(det, ']');
		}
		i += olen;
	}
	if (ow->len < ow->stated && det)
		sb_str(det, " [cut]");
}

static void tcp_detail(struct dis *d, const struct win *w, const char *fl, unsigned hdr)
{
	const struct dec_result *r = d->r;
	struct sb *t = d->det;
	dis_line(d, "TCP: ");
	sb_u(t, r->sport);
	sb_str(t, ARROW);
	sb_u(t, r->dport);
	sb_str(t, ", [");
	sb_str(t, fl);
	sb_str(t, "], seq ");
	sb_u(t, r->seq);
	sb_str(t, " (raw ");
	sb_u(t, r->seq_raw);
	sb_ch(t, ')');
	if (r->tcp_flags & TF_ACK) {
		sb_str(t, ", ack ");
		sb_u(t, r->ack);
		sb_str(t, " (raw ");
		sb_u(t, r->ack_raw);
		sb_ch(t, ')');
	}
	sb_str(t, ", win ");
	sb_u(t, r->window);
	sb_str(t, ", hdr ");
	sb_u(t, hdr);
	sb_str(t, ", len ");
	sb_u(t, r->payload_len);
	sb_str(t, ", checksum 0x");
	sb_hex(t, w_be16(w, TCP_OFF_SUM), 4);
	if (r->tcp_flags & TF_URG) {
		sb_str(t, ", urgent pointer ");
		sb_u(t, w_be16(w, TCP_OFF_URP));
	}
}

void dis_tcp(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;
	char fl[48];

	sb_str(s, "TCP ");
	if (w_has(w, 0, 4)) {
		dis_field(d, w, TCP_OFF_SPORT, 2, DF_PORT);
		dis_field(d, w, TCP_OFF_DPORT, 2, DF_PORT);
		r->has_ports = true;
		r->sport = w_be16(w, TCP_OFF_SPORT);
		r->dport = w_be16(w, TCP_OFF_DPORT);
	}
	if (!dis_need(d, w, TCP_HDR_MIN)) {
		dis_addrs(d, r->has_ports);
		dis_line(d, "TCP: [header cut or does not fit]");
		return;
	}
	uint32_t seq = w_be32(w, TCP_OFF_SEQ), ack = w_be32(w, TCP_OFF_ACK);
	unsigned hdr = (w_u8(w, TCP_OFF_DOFF) >> 4) * 4u;
	r->tcp_flags = w_u8(w, TCP_OFF_FLAGS);
	r->window = w_be16(w, TCP_OFF_WIN);
	r->seq_raw = seq;
	r->ack_raw = ack;
	dec_tcp_flags_str(r->tcp_flags, fl, sizeof fl);
	dis_addrs(d, true);
	sb_str(s, " [");
	sb_str(s, fl);
	sb_ch(s, ']');

	if (hdr < TCP_HDR_MIN) { /* data offset counts 32-bit words, at least 5 */
		dis_malformed(d, "TCP data offset", hdr / 4);
		dis_line(d, "TCP: data offset ");
		sb_u(d->det, hdr / 4);
		sb_str(d->det, " < 5");
		return;
	}
	if (hdr > w->stated) {
		dis_malformed(d, NULL, -1);
		dis_line(d, "TCP: header length ");
		sb_u(d->det, hdr);
		sb_str(d->det, " beyond segment of ");
		sb_u(d->det, w->stated);
		return;
	}
	if (hdr > w->len)
		dis_truncated(d);

	tcp_relative(d, seq, ack, r->tcp_flags);
	r->payload_len = (unsigned)(w->stated - hdr);

	sb_str(s, " seq=");
	sb_u(s, r->seq);
	if (r->tcp_flags & TF_ACK) {
		sb_str(s, " ack=");
		sb_u(s, r->ack);
	}
	sb_str(s, " win=");
	sb_u(s, r->window);
	sb_str(s, " len=");
	sb_u(s, r->payload_len);
	if (r->tcp_flags & TF_URG) {
		sb_str(s, " urg=");
		sb_u(s, w_be16(w, TCP_OFF_URP));
	}
	if (d->det)
		tcp_detail(d, w, fl, hdr);
	struct win ow = w_sub(w, TCP_HDR_MIN, hdr - TCP_HDR_MIN);
	if (hdr > TCP_HDR_MIN)
		tcp_options(d, &ow, r->tcp_flags & TF_SYN, r->peer_known ? r->peer_base : 0);

	struct win pw = w_sub(w, hdr, r->payload_len);
	dis_set_payload(d, &pw);
	dis_payload(d, &pw, r->payload_len);
}
