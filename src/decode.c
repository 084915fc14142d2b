/* decode.c - bounds-checked dissectors: Ethernet II / 802.1Q, ARP, IPv4, IPv6,
 * TCP, UDP, ICMP, ICMPv6. See decode.h for the contract.
 *
 * Packet bytes are read only through the w_* accessors below, each of which
 * checks the window it is given; every layer makes a narrower window for the
 * next one (its own stated length), so padding is never payload. Text is built
 * with the sb_* appenders (no snprintf on the per-frame path), which never
 * write past their buffer. Nothing here allocates or keeps state outside the
 * caller's dec_ctx. */
#include "decode.h"

#include <limits.h>
#include <string.h>

#define ARROW " \xe2\x86\x92 " /* " → " (U+2192) */

/* ---- windows over packet bytes ---------------------------------------- */

/* len bytes may be read at p; the layer says it is `stated` bytes long
 * (stated >= len). stated > len means the capture cut the layer short. */
struct win {
	const uint8_t *p;
	size_t len;
	size_t stated;
};

static bool w_has(const struct win *w, size_t off, size_t n)
{
	return off <= w->len && n <= w->len - off;
}

static uint8_t w_u8(const struct win *w, size_t off)
{
	return off < w->len ? w->p[off] : 0;
}

static uint16_t w_be16(const struct win *w, size_t off)
{
	if (!w_has(w, off, 2))
		return 0;
	return (uint16_t)((unsigned)w->p[off] << 8 | w->p[off + 1]);
}

static uint32_t w_be32(const struct win *w, size_t off)
{
	if (!w_has(w, off, 4))
		return 0;
	return (uint32_t)w->p[off] << 24 | (uint32_t)w->p[off + 1] << 16 |
	       (uint32_t)w->p[off + 2] << 8 | w->p[off + 3];
}

/* Copy n bytes at off into out, or zeros when they are not all there. */
static bool w_copy(const struct win *w, size_t off, void *out, size_t n)
{
	if (!w_has(w, off, n)) {
		memset(out, 0, n);
		return false;
	}
	memcpy(out, w->p + off, n);
	return true;
}

/* The part of w from off on that the layer there claims is `stated` bytes. */
static struct win w_sub(const struct win *w, size_t off, size_t stated)
{
	struct win s = { NULL, 0, stated };
	if (off < w->len) {
		s.p = w->p + off;
		s.len = w->len - off < stated ? w->len - off : stated;
	}
	return s;
}

/* ---- text appenders --------------------------------------------------- */

/* A bounded string; NULL builder = discard (detail off). len never exceeds
 * cap - 1, so the NUL always fits; sb_end() writes it. */
struct sb {
	char *b;
	size_t cap;
	size_t len;
};

static void sb_mem(struct sb *s, const char *m, size_t n)
{
	if (!s || s->cap == 0)
		return;
	size_t room = s->cap - 1 - s->len;
	if (n > room)
		n = room;
	if (n == 0)
		return;
	memcpy(s->b + s->len, m, n);
	s->len += n;
}

static void sb_str(struct sb *s, const char *str)
{
	if (s)
		sb_mem(s, str, strlen(str));
}

static void sb_ch(struct sb *s, char c)
{
	if (s && s->cap && s->len + 1 < s->cap)
		s->b[s->len++] = c;
}

static void sb_u(struct sb *s, unsigned long v)
{
	char t[24];
	size_t i = sizeof t;
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_mem(s, t + i, sizeof t - i);
}

static const char hexdig[] = "0123456789abcdef";

/* Lower-case hex, at least `width` digits. */
static void sb_hex(struct sb *s, unsigned long v, unsigned width)
{
	char t[20];
	size_t i = sizeof t;
	do {
		t[--i] = hexdig[v & 15];
		v >>= 4;
	} while (v || sizeof t - i < width);
	sb_mem(s, t + i, sizeof t - i);
}

static void sb_end(struct sb *s)
{
	if (s && s->cap)
		s->b[s->len] = '\0';
}

static void sb_ip4(struct sb *s, const uint8_t a[4])
{
	for (int i = 0; i < 4; i++) {
		if (i)
			sb_ch(s, '.');
		sb_u(s, a[i]);
	}
}

/* RFC 5952 text: lower case, no leading zeros, longest run (>= 2) of zero
 * groups as "::" (first on a tie), ::ffff:a.b.c.d for IPv4-mapped. */
static void sb_ip6(struct sb *s, const uint8_t a[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(a, mapped, 12) == 0) {
		sb_str(s, "::ffff:");
		sb_ip4(s, a + 12);
		return;
	}
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	int best = -1, bestlen = 1;
	for (int i = 0; i < 8;) {
		if (g[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !g[j])
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			sb_str(s, "::");
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			sb_ch(s, ':');
		sb_hex(s, g[i], 1);
	}
}

static void sb_mac(struct sb *s, const uint8_t m[6])
{
	for (int i = 0; i < 6; i++) {
		if (i)
			sb_ch(s, ':');
		sb_ch(s, hexdig[m[i] >> 4]);
		sb_ch(s, hexdig[m[i] & 15]);
	}
}

/* ---- dissection state ------------------------------------------------- */

struct dis {
	struct dec_result *r;
	struct dec_ctx *ctx_rw;       /* dec_frame: learn ISNs here */
	const struct dec_ctx *ctx_ro; /* both: read ISNs from here */
	struct sb sum;
	struct sb *det;               /* NULL unless dec_detail */
	uint8_t sip[16], dip[16];     /* raw addresses for the flow table */
	char why[40];                 /* first malformation, "" = bad length */
	const uint8_t *base;          /* the frame's first byte, for r->payload_off */
};

/* Where the payload starts in the frame, when some of it was captured. */
static void set_payload(struct dis *d, const struct win *pw)
{
	if (pw->p && d->base && pw->len)
		d->r->payload_off = (unsigned)(pw->p - d->base);
}

/* A field at off in w (an address or a port), when its len bytes were captured. */
static void field(struct dis *d, const struct win *w, size_t off, size_t len, enum dec_field_kind k)
{
	struct dec_result *r = d->r;
	if (!d->base || !w->p || !w_has(w, off, len) || r->nfields == DEC_FIELDS)
		return;
	size_t at = (size_t)(w->p - d->base) + off;
	if (at > UINT16_MAX)
		return;
	r->field[r->nfields++] = (struct dec_field){ .off = (uint16_t)at, .len = (uint8_t)len, .kind = (uint8_t)k };
}

/* A header or stated length runs past the captured bytes. */
static void truncated(struct dis *d)
{
	d->r->flags |= DEC_TRUNCATED;
}

/* A field is impossible; the first reason found is the one shown.
 * what == NULL means a length contradiction (" [bad length]"). */
static void malformed(struct dis *d, const char *what, long v)
{
	if (!(d->r->flags & DEC_MALFORMED) && what) {
		struct sb w = { d->why, sizeof d->why, 0 };
		sb_str(&w, what);
		if (v >= 0) {
			sb_ch(&w, ' ');
			sb_u(&w, (unsigned long)v);
		}
		sb_end(&w);
	}
	d->r->flags |= DEC_MALFORMED;
}

/* A header needs n bytes of w: missing captured bytes are truncation, a
 * stated length too small to hold it is a contradiction. */
static bool need(struct dis *d, const struct win *w, size_t n)
{
	if (w->len >= n)
		return true;
	if (w->stated < n && w->len == w->stated)
		malformed(d, NULL, -1);
	else
		truncated(d);
	return false;
}

/* Start a new detail line. */
static void dline(struct dis *d, const char *label)
{
	if (!d->det)
		return;
	if (d->det->len)
		sb_ch(d->det, '\n');
	sb_str(d->det, label);
}

/* "a → b" from r->src/dst, or "[a]:p → [b]:q" style with ports. */
static void sum_addrs(struct dis *d, bool ports)
{
	const struct dec_result *r = d->r;
	bool v6 = r->ipver == 6;
	if (ports && v6)
		sb_ch(&d->sum, '[');
	sb_str(&d->sum, r->src);
	if (ports) {
		sb_str(&d->sum, v6 ? "]:" : ":");
		sb_u(&d->sum, r->sport);
	}
	sb_str(&d->sum, ARROW);
	if (ports && v6)
		sb_ch(&d->sum, '[');
	sb_str(&d->sum, r->dst);
	if (ports) {
		sb_str(&d->sum, v6 ? "]:" : ":");
		sb_u(&d->sum, r->dport);
	}
}

static void set_addrs(struct dis *d, int ver)
{
	struct sb s = { d->r->src, sizeof d->r->src, 0 };
	struct sb t = { d->r->dst, sizeof d->r->dst, 0 };
	if (ver == 4) {
		sb_ip4(&s, d->sip);
		sb_ip4(&t, d->dip);
	} else {
		sb_ip6(&s, d->sip);
		sb_ip6(&t, d->dip);
	}
	sb_end(&s);
	sb_end(&t);
}

/* Up to 48 payload bytes as text, '.' for the unprintable. */
static void detail_payload(struct dis *d, const struct win *w, unsigned stated)
{
	if (!d->det || stated == 0)
		return;
	dline(d, "Payload: ");
	sb_u(d->det, stated);
	sb_str(d->det, stated == 1 ? " byte" : " bytes");
	if (w->len < stated) {
		sb_str(d->det, " (");
		sb_u(d->det, w->len);
		sb_str(d->det, " captured)");
	}
	if (w->len == 0)
		return;
	sb_str(d->det, " \"");
	size_t n = w->len < 48 ? w->len : 48;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = w_u8(w, i);
		sb_ch(d->det, c >= 0x20 && c < 0x7f ? (char)c : '.');
	}
	sb_str(d->det, w->len > n ? "\"..." : "\"");
}

/* ---- TCP relative sequence numbers ------------------------------------ */

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

static void flow_start(struct dec_flow *f, int fam, const uint8_t *s, const uint8_t *t,
		       uint16_t sp, uint16_t tp)
{
	memset(f, 0, sizeof *f);
	f->used = true;
	f->family = (uint8_t)fam;
	memcpy(f->a_ip, s, 16);
	memcpy(f->b_ip, t, 16);
	f->a_port = sp;
	f->b_port = tp;
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

/* Fill r->seq/ack (relative when the ctx allows) and return the base for
 * the peer's sequence space (for SACK edges) via *peer_base and *peer_known. */
static void tcp_relative(struct dis *d, uint32_t seq, uint32_t ack, uint8_t fl,
			 uint32_t *peer_base, bool *peer_known)
{
	struct dec_result *r = d->r;
	r->seq = seq;
	r->ack = ack;
	*peer_known = false;
	*peer_base = 0;
	if (!d->ctx_ro)
		return;
	int fam = r->ipver;
	bool from_a = true;
	int i = flow_find(d->ctx_ro, fam, d->sip, d->dip, r->sport, r->dport, &from_a);
	struct dec_flow tmp, *f;
	if (d->ctx_rw) {
		/* Most recently used first: a flow seen is moved to the front and a
		 * new one pushes out the least recently used (the last), so a
		 * long-lived conversation survives many short ones (round-robin
		 * replacement forgot live flows once 64 had been seen). */
		struct dec_ctx *c = d->ctx_rw;
		struct dec_flow keep;
		if (i < 0)
			flow_start(&keep, fam, d->sip, d->dip, r->sport, r->dport);
		else
			keep = c->flows[i];
		int n = i < 0 ? DEC_FLOWS - 1 : i;
		memmove(&c->flows[1], &c->flows[0], (size_t)n * sizeof c->flows[0]);
		c->flows[0] = keep;
		if (i < 0)
			from_a = true;
		i = 0;
		f = &c->flows[0];
	} else {
		/* Read-only: learn on a copy so the numbers match dec_frame's. */
		if (i >= 0)
			tmp = d->ctx_ro->flows[i];
		else
			flow_start(&tmp, fam, d->sip, d->dip, r->sport, r->dport);
		f = &tmp;
	}
	flow_learn(f, from_a, seq, ack, fl);
	r->seq = seq - (from_a ? f->a_isn : f->b_isn);
	bool rset = from_a ? f->b_isn_set : f->a_isn_set;
	uint32_t rbase = from_a ? f->b_isn : f->a_isn;
	if (rset) {
		if (fl & TF_ACK)
			r->ack = ack - rbase;
		*peer_base = rbase;
		*peer_known = true;
	}
}

/* ---- TCP (RFC 9293) ----------------------------------------------------- */

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

static void tcp_options(struct dis *d, const struct win *ow, bool syn, uint32_t peer_base)
{
	struct sb *det = d->det;
	struct sb *sum = syn ? &d->sum : NULL; /* SYN options go in the summary */
	bool first = true;
	size_t i = 0;

	if (det && ow->stated)
		sb_str(det, ", options:");
	/* RFC 9293 3.2: kind, then (except EOL/NOP) a length covering kind+length. */
	while (i < ow->len) {
		uint8_t kind = w_u8(ow, i);
		if (det) {
			sb_str(det, first ? " " : ", ");
			first = false;
		}
		if (kind == 0) {
			sb_str(det, "EOL");
			break;
		}
		if (kind == 1) {
			sb_str(det, "NOP");
			i++;
			continue;
		}
		if (i + 1 >= ow->len) {
			if (ow->len == ow->stated)
				malformed(d, "TCP option without length, kind", kind);
			sb_str(det, "[cut]");
			break;
		}
		uint8_t olen = w_u8(ow, i + 1);
		if (olen < 2) {
			/* A length < 2 would never advance: stop rather than loop. */
			malformed(d, "TCP option length", olen);
			sb_str(det, "[bad option length]");
			break;
		}
		if (!w_has(ow, i, olen)) {
			if (i + olen > ow->stated)
				malformed(d, "TCP option length", olen);
			sb_str(det, "[cut]");
			break;
		}
		size_t v = i + 2;
		bool ok = true;
		switch (kind) {
		case 2: /* MSS, RFC 9293 3.2 */
			if ((ok = olen == 4)) {
				sb_str(det, "MSS ");
				sb_u(det, w_be16(ow, v));
				sb_str(sum, " MSS=");
				sb_u(sum, w_be16(ow, v));
			}
			break;
		case 3: { /* window scale, RFC 7323 2.2; shifts > 14 are taken as 14 */
			if ((ok = olen == 3)) {
				unsigned sh = w_u8(ow, v);
				sb_str(det, "WS ");
				sb_u(det, sh);
				if (sh > 14) {
					sb_str(det, " (taken as 14)");
					sh = 14;
				}
				sb_str(sum, " WS=");
				sb_u(sum, 1ul << sh);
			}
			break;
		}
		case 4: /* SACK permitted, RFC 2018 */
			if ((ok = olen == 2)) {
				sb_str(det, "SACK_PERM");
				sb_str(sum, " SACK_PERM");
			}
			break;
		case 5: /* SACK blocks, RFC 2018 3: edges are in the peer's space */
			if ((ok = olen >= 10 && (olen - 2) % 8 == 0)) {
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
			}
			break;
		case 8: /* timestamps, RFC 7323 3.2 */
			if ((ok = olen == 10)) {
				sb_str(det, "TS val ");
				sb_u(det, w_be32(ow, v));
				sb_str(det, " ecr ");
				sb_u(det, w_be32(ow, v + 4));
				sb_str(sum, " TS");
			}
			break;
		default:
			sb_str(det, "kind ");
			sb_u(det, kind);
			sb_str(det, " len ");
			sb_u(det, olen);
			break;
		}
		if (!ok) {
			malformed(d, "TCP option length", olen);
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

static void dis_tcp(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;
	char fl[48];

	sb_str(s, "TCP ");
	if (w_has(w, 0, 4)) {
		field(d, w, 0, 2, DF_PORT);
		field(d, w, 2, 2, DF_PORT);
		r->has_ports = true;
		r->sport = w_be16(w, 0);
		r->dport = w_be16(w, 2);
	}
	if (!need(d, w, 20)) {
		sum_addrs(d, r->has_ports);
		dline(d, "TCP: [header cut or does not fit]");
		return;
	}
	uint32_t seq = w_be32(w, 4), ack = w_be32(w, 8);
	unsigned hdr = (w_u8(w, 12) >> 4) * 4u;
	r->tcp_flags = w_u8(w, 13);
	r->window = w_be16(w, 14);
	r->seq_raw = seq;
	r->ack_raw = ack;
	dec_tcp_flags_str(r->tcp_flags, fl, sizeof fl);
	sum_addrs(d, true);
	sb_str(s, " [");
	sb_str(s, fl);
	sb_ch(s, ']');

	if (hdr < 20) { /* data offset counts 32-bit words, at least 5 */
		malformed(d, "TCP data offset", hdr / 4);
		dline(d, "TCP: data offset ");
		sb_u(d->det, hdr / 4);
		sb_str(d->det, " < 5");
		return;
	}
	if (hdr > w->stated) {
		malformed(d, NULL, -1);
		dline(d, "TCP: header length ");
		sb_u(d->det, hdr);
		sb_str(d->det, " beyond segment of ");
		sb_u(d->det, w->stated);
		return;
	}
	if (hdr > w->len)
		truncated(d);

	uint32_t peer_base;
	bool peer_known;
	tcp_relative(d, seq, ack, r->tcp_flags, &peer_base, &peer_known);
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
		sb_u(s, w_be16(w, 18));
	}

	if (d->det) {
		dline(d, "TCP: ");
		sb_u(d->det, r->sport);
		sb_str(d->det, ARROW);
		sb_u(d->det, r->dport);
		sb_str(d->det, ", [");
		sb_str(d->det, fl);
		sb_str(d->det, "], seq ");
		sb_u(d->det, r->seq);
		sb_str(d->det, " (raw ");
		sb_u(d->det, seq);
		sb_ch(d->det, ')');
		if (r->tcp_flags & TF_ACK) {
			sb_str(d->det, ", ack ");
			sb_u(d->det, r->ack);
			sb_str(d->det, " (raw ");
			sb_u(d->det, ack);
			sb_ch(d->det, ')');
		}
		sb_str(d->det, ", win ");
		sb_u(d->det, r->window);
		sb_str(d->det, ", hdr ");
		sb_u(d->det, hdr);
		sb_str(d->det, ", len ");
		sb_u(d->det, r->payload_len);
		sb_str(d->det, ", checksum 0x");
		sb_hex(d->det, w_be16(w, 16), 4);
		if (r->tcp_flags & TF_URG) {
			sb_str(d->det, ", urgent pointer ");
			sb_u(d->det, w_be16(w, 18));
		}
	}
	struct win ow = w_sub(w, 20, hdr - 20);
	if (hdr > 20)
		tcp_options(d, &ow, r->tcp_flags & TF_SYN, peer_known ? peer_base : 0);

	struct win pw = w_sub(w, hdr, r->payload_len);
	set_payload(d, &pw);
	detail_payload(d, &pw, r->payload_len);
}

/* ---- UDP (RFC 768) ------------------------------------------------------ */

static void dis_udp(struct dis *d, const struct win *w, bool frag)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	sb_str(s, "UDP ");
	if (w_has(w, 0, 4)) {
		field(d, w, 0, 2, DF_PORT);
		field(d, w, 2, 2, DF_PORT);
		r->has_ports = true;
		r->sport = w_be16(w, 0);
		r->dport = w_be16(w, 2);
	}
	if (!need(d, w, 8)) {
		sum_addrs(d, r->has_ports);
		dline(d, "UDP: [header cut or does not fit]");
		return;
	}
	unsigned ulen = w_be16(w, 4);
	sum_addrs(d, true);
	if (d->det) {
		dline(d, "UDP: ");
		sb_u(d->det, r->sport);
		sb_str(d->det, ARROW);
		sb_u(d->det, r->dport);
		sb_str(d->det, ", len ");
		sb_u(d->det, ulen);
		sb_str(d->det, ", checksum 0x");
		sb_hex(d->det, w_be16(w, 6), 4);
	}
	/* The length covers header + data and must fit the IP payload; a
	 * first fragment carries only part of the datagram it describes. */
	if (ulen < 8) {
		malformed(d, NULL, -1);
		sb_str(d->det, " [< 8]");
		return;
	}
	r->payload_len = ulen - 8;
	sb_str(s, " len=");
	sb_u(s, r->payload_len);
	if (frag)
		return;
	if (ulen > w->stated) {
		malformed(d, NULL, -1);
		r->payload_len = (unsigned)w->stated - 8;
		sb_str(d->det, " [beyond IP payload of ");
		sb_u(d->det, w->stated);
		sb_ch(d->det, ']');
		return;
	}
	struct win uw = w_sub(w, 0, ulen);
	if (uw.len < ulen)
		truncated(d);
	struct win pw = w_sub(&uw, 8, ulen - 8);
	set_payload(d, &pw);
	detail_payload(d, &pw, ulen - 8);
}

/* ---- ICMP (RFC 792) ------------------------------------------------------ */

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
	if (t == 3 && c < 16)
		return unreach_names[c];
	if (t == 11 && c == 0)
		return "TTL exceeded in transit";
	if (t == 11 && c == 1)
		return "fragment reassembly time exceeded";
	if (t == 5 && c < 4) {
		static const char *const redir[4] = { "network", "host", "TOS and network",
						      "TOS and host" };
		return redir[c];
	}
	return NULL;
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

	unsigned qhl = (w_u8(q, 0) & 15) * 4u;
	bool shortq = !w_has(q, 0, 20) || ((w_u8(q, 0) >> 4) == 4 && qhl >= 20 && !w_has(q, 0, qhl));
	if (shortq || (w_u8(q, 0) >> 4) != 4 || qhl < 20) {
		if (shortq && cut)
			truncated(d);
		else
			malformed(d, shortq ? "quote cut short" : "quoted IPv4 header", -1);
		dline(d, "  quoted IPv4: [cut or invalid]");
		return;
	}
	unsigned proto = w_u8(q, 9);
	w_copy(q, 12, qs, 4);
	w_copy(q, 16, qd, 4);
	field(d, q, 12, 4, DF_ADDR);
	field(d, q, 16, 4, DF_ADDR);
	if (d->det) {
		dline(d, "  quoted IPv4: ");
		sb_ip4(d->det, qs);
		sb_str(d->det, ARROW);
		sb_ip4(d->det, qd);
		sb_str(d->det, ", len ");
		sb_u(d->det, w_be16(q, 2));
		sb_str(d->det, ", id 0x");
		sb_hex(d->det, w_be16(q, 4), 4);
		sb_str(d->det, ", ttl ");
		sb_u(d->det, w_u8(q, 8));
		sb_str(d->det, ", proto ");
		sb_u(d->det, proto);
	}
	sb_str(s, " for ");
	if (proto != 6 && proto != 17) {
		sb_str(s, "IPv4 ");
		sb_ip4(s, qs);
		sb_str(s, ARROW);
		sb_ip4(s, qd);
		sb_str(s, " proto ");
		sb_u(s, proto);
		return;
	}
	const char *name = proto == 6 ? "TCP" : "UDP";
	sb_str(s, name);
	sb_ch(s, ' ');
	sb_ip4(s, qs);
	if (!w_has(q, qhl, 4)) {
		sb_str(s, ARROW);
		sb_ip4(s, qd);
		if (cut)
			truncated(d);
		else
			malformed(d, "quote cut short", -1);
		dline(d, "  quoted ");
		sb_str(d->det, name);
		sb_str(d->det, ": [cut]");
		return;
	}
	unsigned sp = w_be16(q, qhl), dp = w_be16(q, qhl + 2);
	field(d, q, qhl, 2, DF_PORT);
	field(d, q, qhl + 2, 2, DF_PORT);
	sb_ch(s, ':');
	sb_u(s, sp);
	sb_str(s, ARROW);
	sb_ip4(s, qd);
	sb_ch(s, ':');
	sb_u(s, dp);
	if (d->det) {
		dline(d, "  quoted ");
		sb_str(d->det, name);
		sb_str(d->det, ": ");
		sb_u(d->det, sp);
		sb_str(d->det, ARROW);
		sb_u(d->det, dp);
		if (proto == 6 && w_has(q, qhl, 8)) {
			sb_str(d->det, ", seq (raw) ");
			sb_u(d->det, w_be32(q, qhl + 4));
		}
	}
}

static void dis_icmp(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	sb_str(s, "ICMP ");
	sum_addrs(d, false);
	if (!need(d, w, 4)) {
		dline(d, "ICMP: [header cut or does not fit]");
		return;
	}
	unsigned t = w_u8(w, 0), c = w_u8(w, 1);
	r->icmp_type = (uint8_t)t;
	r->icmp_code = (uint8_t)c;
	const char *tn = icmp_type_name(t), *cn = icmp_code_name(t, c);
	if (d->det) {
		dline(d, "ICMP: type ");
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
		sb_hex(d->det, w_be16(w, 2), 4);
	}
	if (!tn) {
		sb_str(s, " type ");
		sb_u(s, t);
		sb_str(s, " code ");
		sb_u(s, c);
		return;
	}
	sb_ch(s, ' ');
	sb_str(s, tn);
	if (t == 0 || t == 8) { /* echo: id and sequence, RFC 792 */
		if (!need(d, w, 8))
			return;
		sb_str(s, " id=");
		sb_u(s, w_be16(w, 4));
		sb_str(s, " seq=");
		sb_u(s, w_be16(w, 6));
		r->payload_len = (unsigned)w->stated - 8;
		if (d->det) {
			sb_str(d->det, ", id ");
			sb_u(d->det, w_be16(w, 4));
			sb_str(d->det, ", seq ");
			sb_u(d->det, w_be16(w, 6));
		}
		struct win pw = w_sub(w, 8, w->stated - 8);
		detail_payload(d, &pw, r->payload_len);
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
	if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12) {
		if (!need(d, w, 8))
			return;
		if (t == 3 && c == 4) { /* next-hop MTU, RFC 1191 4 */
			sb_str(s, " mtu=");
			sb_u(s, w_be16(w, 6));
			sb_str(d->det, ", next-hop mtu ");
			sb_u(d->det, w_be16(w, 6));
		}
		struct win q = w_sub(w, 8, w->stated - 8);
		icmp_quote(d, &q);
	}
}

/* ---- IPv4 (RFC 791) ------------------------------------------------------ */

static const char *ipproto_name(unsigned p)
{
	switch (p) {
	case 1: return "ICMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 58: return "ICMPv6";
	default: return NULL;
	}
}

static void detail_proto(struct dis *d, unsigned p)
{
	const char *n = ipproto_name(p);
	if (n) {
		sb_str(d->det, n);
		sb_str(d->det, " (");
		sb_u(d->det, p);
		sb_ch(d->det, ')');
	} else {
		sb_u(d->det, p);
	}
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

/* Returns the bytes of w the datagram claims (for padding accounting). */
static size_t dis_ipv4(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	if (!w_has(w, 0, 20)) {
		truncated(d);
		sb_str(s, "IPv4");
		dline(d, "IPv4: [header cut]");
		return w->len;
	}
	unsigned ver = w_u8(w, 0) >> 4, ihl = (w_u8(w, 0) & 15) * 4u;
	r->ipver = 4;
	r->ipproto = w_u8(w, 9);
	w_copy(w, 12, d->sip, 4);
	w_copy(w, 16, d->dip, 4);
	field(d, w, 12, 4, DF_ADDR);
	field(d, w, 16, 4, DF_ADDR);
	set_addrs(d, 4);
	if (ver != 4) {
		sb_str(s, "IPv4");
		malformed(d, "IP version", ver);
		dline(d, "IPv4: version field is ");
		sb_u(d->det, ver);
		return w->len;
	}
	unsigned tot = w_be16(w, 2), ff = w_be16(w, 6);
	unsigned foff = (ff & 0x1fff) * 8u;
	bool mf = ff & 0x2000;
	r->is_frag = mf || foff;
	if (d->det) {
		dline(d, "IPv4: ");
		sb_str(d->det, r->src);
		sb_str(d->det, ARROW);
		sb_str(d->det, r->dst);
		sb_str(d->det, ", ttl ");
		sb_u(d->det, w_u8(w, 8));
		sb_str(d->det, ", id 0x");
		sb_hex(d->det, w_be16(w, 4), 4);
		if (ff & 0x4000)
			sb_str(d->det, ", DF");
		if (mf)
			sb_str(d->det, ", MF");
		if (foff) {
			sb_str(d->det, ", frag off ");
			sb_u(d->det, foff);
		}
		sb_str(d->det, ", len ");
		sb_u(d->det, tot);
		sb_str(d->det, ", hdr ");
		sb_u(d->det, ihl);
		if (ihl > 20) {
			sb_str(d->det, ", options ");
			sb_u(d->det, ihl - 20);
			sb_str(d->det, " bytes");
		}
		sb_str(d->det, ", proto ");
		detail_proto(d, r->ipproto);
		sb_str(d->det, ", checksum 0x");
		sb_hex(d->det, w_be16(w, 10), 4);
		if (w_u8(w, 1)) {
			sb_str(d->det, ", tos 0x");
			sb_hex(d->det, w_u8(w, 1), 2);
		}
	}
	if (ihl < 20) { /* IHL counts 32-bit words, at least 5 */
		sb_str(s, "IPv4 ");
		sum_addrs(d, false);
		malformed(d, "IHL", ihl / 4);
		return w->len;
	}
	if (tot < ihl) {
		sb_str(s, "IPv4 ");
		sum_addrs(d, false);
		malformed(d, NULL, -1);
		return w->len;
	}
	if (!w_has(w, 0, ihl)) { /* options cut */
		sb_str(s, "IPv4 ");
		sum_addrs(d, false);
		truncated(d);
		return w->len;
	}
	if (tot > w->len)
		truncated(d);
	/* From here on only the datagram's own bytes: padding is not payload. */
	struct win l4 = w_sub(w, ihl, tot - ihl);
	bool decoded = foff == 0;
	if (decoded) {
		switch (r->ipproto) {
		case 6: dis_tcp(d, &l4); break;
		case 17: dis_udp(d, &l4, r->is_frag); break;
		case 1: dis_icmp(d, &l4); break;
		default: decoded = false; break;
		}
	}
	if (!decoded) {
		sb_str(s, "IPv4 ");
		sum_addrs(d, false);
		sb_str(s, " proto ");
		sb_u(s, r->ipproto);
		sb_str(s, " len=");
		sb_u(s, tot - ihl);
		if (foff)
			dline(d, "Fragment data (not decoded: only the first fragment has the L4 header)");
	}
	frag_suffix(d, foff, mf);
	return tot;
}

/* ---- IPv6 (RFC 8200), fixed header only -------------------------------- */

static size_t dis_ipv6(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	if (!w_has(w, 0, 40)) {
		truncated(d);
		sb_str(s, "IPv6");
		dline(d, "IPv6: [header cut]");
		return w->len;
	}
	uint32_t vtf = w_be32(w, 0);
	unsigned plen = w_be16(w, 4), nh = w_u8(w, 6);
	r->ipver = 6;
	r->ipproto = (uint8_t)nh;
	w_copy(w, 8, d->sip, 16);
	w_copy(w, 24, d->dip, 16);
	field(d, w, 8, 16, DF_ADDR);
	field(d, w, 24, 16, DF_ADDR);
	set_addrs(d, 6);
	if (vtf >> 28 != 6) {
		sb_str(s, "IPv6");
		malformed(d, "IP version", vtf >> 28);
		return w->len;
	}
	if (d->det) {
		dline(d, "IPv6: ");
		sb_str(d->det, r->src);
		sb_str(d->det, ARROW);
		sb_str(d->det, r->dst);
		sb_str(d->det, ", hop limit ");
		sb_u(d->det, w_u8(w, 7));
		sb_str(d->det, ", traffic class 0x");
		sb_hex(d->det, (vtf >> 20) & 0xff, 2);
		sb_str(d->det, ", flow 0x");
		sb_hex(d->det, vtf & 0xfffff, 5);
		sb_str(d->det, ", payload ");
		sb_u(d->det, plen);
		sb_str(d->det, ", next header ");
		detail_proto(d, nh);
	}
	if (40 + (size_t)plen > w->len)
		truncated(d);
	struct win l4 = w_sub(w, 40, plen);
	switch (nh) {
	case 6: dis_tcp(d, &l4); break;
	case 17: dis_udp(d, &l4, false); break;
	case 58: /* ICMPv6, RFC 4443: only the type is shown */
		sb_str(s, "IPv6 ");
		sum_addrs(d, false);
		sb_str(s, " ICMPv6");
		if (!need(d, &l4, 1))
			break;
		r->icmp_type = w_u8(&l4, 0);
		r->icmp_code = w_u8(&l4, 1);
		sb_str(s, " type ");
		sb_u(s, r->icmp_type);
		if (d->det) {
			dline(d, "ICMPv6: type ");
			sb_u(d->det, r->icmp_type);
			if (w_has(&l4, 0, 4)) {
				sb_str(d->det, ", code ");
				sb_u(d->det, r->icmp_code);
				sb_str(d->det, ", checksum 0x");
				sb_hex(d->det, w_be16(&l4, 2), 4);
			}
		}
		break;
	default:
		sb_str(s, "IPv6 ");
		sum_addrs(d, false);
		sb_str(s, " next header ");
		sb_u(s, nh);
		sb_str(s, " len=");
		sb_u(s, plen);
		break;
	}
	return 40 + (size_t)plen;
}

/* ---- ARP (RFC 826) ------------------------------------------------------- */

static size_t dis_arp(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	sb_str(s, "ARP");
	if (!w_has(w, 0, 8)) {
		truncated(d);
		dline(d, "ARP: [header cut]");
		return w->len;
	}
	unsigned htype = w_be16(w, 0), ptype = w_be16(w, 2);
	unsigned hlen = w_u8(w, 4), plen = w_u8(w, 5), op = w_be16(w, 6);
	size_t body = 8 + 2 * ((size_t)hlen + plen);
	if (d->det) {
		dline(d, "ARP: ");
		sb_str(d->det, op == 1 ? "request" : op == 2 ? "reply" : "op");
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
	/* Ethernet addresses are 6 bytes and IPv4 ones 4: anything else with
	 * these types contradicts itself. */
	if (htype == 1 && hlen != 6) {
		malformed(d, "ARP hlen", hlen);
		return w->len;
	}
	if (ptype == 0x0800 && plen != 4) {
		malformed(d, "ARP plen", plen);
		return w->len;
	}
	if (htype != 1 || ptype != 0x0800) {
		sb_str(s, " op ");
		sb_u(s, op);
		sb_str(s, " hw ");
		sb_u(s, htype);
		sb_str(s, " proto 0x");
		sb_hex(s, ptype, 4);
		if (!w_has(w, 0, body))
			truncated(d);
		return body;
	}
	if (!w_has(w, 0, 28)) {
		truncated(d);
		return w->len;
	}
	uint8_t sha[6], tha[6];
	w_copy(w, 8, sha, 6);
	w_copy(w, 14, d->sip, 4);
	w_copy(w, 18, tha, 6);
	w_copy(w, 24, d->dip, 4);
	field(d, w, 14, 4, DF_ADDR);
	field(d, w, 24, 4, DF_ADDR);
	set_addrs(d, 4);
	if (op == 1) {
		sb_str(s, " who has ");
		sb_str(s, r->dst);
		sb_str(s, "? tell ");
		sb_str(s, r->src);
	} else if (op == 2) {
		sb_ch(s, ' ');
		sb_str(s, r->src);
		sb_str(s, " is at ");
		sb_mac(s, sha);
	} else {
		sb_str(s, " op ");
		sb_u(s, op);
		sb_ch(s, ' ');
		sum_addrs(d, false);
	}
	if (d->det) {
		dline(d, "  sender ");
		sb_mac(d->det, sha);
		sb_ch(d->det, ' ');
		sb_str(d->det, r->src);
		sb_str(d->det, ", target ");
		sb_mac(d->det, tha);
		sb_ch(d->det, ' ');
		sb_str(d->det, r->dst);
	}
	return 28;
}

/* ---- Ethernet II / 802.1Q ----------------------------------------------- */

static const char *ethertype_name(unsigned t)
{
	switch (t) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x86dd: return "IPv6";
	case 0x8100: return "802.1Q";
	case 0x88a8: return "802.1ad";
	default: return NULL;
	}
}

static void detail_ethertype(struct dis *d, unsigned t)
{
	const char *n = ethertype_name(t);
	sb_str(d->det, ", type ");
	if (n) {
		sb_str(d->det, n);
		sb_str(d->det, " (0x");
		sb_hex(d->det, t, 4);
		sb_ch(d->det, ')');
	} else {
		sb_str(d->det, "0x");
		sb_hex(d->det, t, 4);
	}
}

static void dis_eth(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	w_copy(w, 0, r->dst_mac, 6);
	w_copy(w, 6, r->src_mac, 6);
	if (!w_has(w, 0, 14)) {
		truncated(d);
		sb_str(s, "ETH");
		dline(d, "Ethernet II: [header cut]");
		return;
	}
	unsigned type = w_be16(w, 12);
	size_t off = 14;
	if (d->det) {
		dline(d, "Ethernet II: ");
		sb_mac(d->det, r->src_mac);
		sb_str(d->det, ARROW);
		sb_mac(d->det, r->dst_mac);
		detail_ethertype(d, type);
	}
	/* IEEE 802.1Q tags (and 802.1ad outer tags): 2 bytes TCI, then the
	 * real type. The loop advances 4 bytes a turn within the window. */
	while (type == 0x8100 || type == 0x88a8) {
		if (!w_has(w, off, 4)) {
			truncated(d);
			sb_str(s, "ETH ");
			sb_mac(s, r->src_mac);
			sb_str(s, ARROW);
			sb_mac(s, r->dst_mac);
			sb_str(s, " VLAN");
			return;
		}
		unsigned tci = w_be16(w, off);
		if (!r->has_vlan) {
			r->has_vlan = true;
			r->vlan_id = (uint16_t)(tci & 0xfff);
		}
		type = w_be16(w, off + 2);
		off += 4;
		if (d->det) {
			dline(d, "802.1Q: VLAN ");
			sb_u(d->det, tci & 0xfff);
			sb_str(d->det, ", priority ");
			sb_u(d->det, tci >> 13);
			sb_str(d->det, ", DEI ");
			sb_u(d->det, (tci >> 12) & 1);
			detail_ethertype(d, type);
		}
	}
	r->ethertype = (uint16_t)type;
	struct win l3 = w_sub(w, off, w->stated - off);
	size_t used;
	switch (type) {
	case 0x0800: used = dis_ipv4(d, &l3); break;
	case 0x86dd: used = dis_ipv6(d, &l3); break;
	case 0x0806: used = dis_arp(d, &l3); break;
	default:
		sb_str(s, "ETH ");
		sb_mac(s, r->src_mac);
		sb_str(s, ARROW);
		sb_mac(s, r->dst_mac);
		sb_str(s, " type 0x");
		sb_hex(s, type, 4);
		sb_str(s, " len=");
		sb_u(s, w->stated);
		return;
	}
	if (d->det && used < l3.len) {
		dline(d, "Ethernet padding: ");
		sb_u(d->det, l3.len - used);
		sb_str(d->det, " bytes (not payload)");
	}
}

/* Run the dissectors; the summary goes to sumbuf, markers last. */
static void dissect(struct dis *d, const uint8_t *p, size_t caplen, size_t wirelen,
		    char *sumbuf, size_t sumcap)
{
	struct dec_result *r = d->r;
	memset(r, 0, offsetof(struct dec_result, summary));
	d->sum = (struct sb){ sumbuf, sumcap, 0 };
	d->why[0] = '\0';
	d->base = p;
	if (!p)
		caplen = 0;
	struct win w = { p, caplen, wirelen > caplen ? wirelen : caplen };
	dis_eth(d, &w);

	/* Markers go last and must survive a full summary: make room for them,
	 * without splitting a UTF-8 sequence. */
	char mk[80];
	struct sb m = { mk, sizeof mk, 0 };
	if (r->flags & DEC_MALFORMED) {
		if (d->why[0]) {
			sb_str(&m, " [malformed: ");
			sb_str(&m, d->why);
			sb_ch(&m, ']');
		} else {
			sb_str(&m, " [bad length]");
		}
	}
	if (r->flags & DEC_TRUNCATED)
		sb_str(&m, " [truncated]");
	struct sb *s = &d->sum;
	if (m.len && s->cap > m.len && s->len + m.len > s->cap - 1) {
		s->len = s->cap - 1 - m.len;
		while (s->len && ((unsigned char)s->b[s->len] & 0xc0) == 0x80)
			s->len--;
	}
	sb_mem(s, mk, m.len);
	sb_end(s);
}

/* ---- public ------------------------------------------------------------- */

void dec_init(struct dec_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
}

int dec_frame(struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
	      struct dec_result *r)
{
	struct dis d = { .r = r, .ctx_rw = ctx, .ctx_ro = ctx };
	dissect(&d, p, caplen, wirelen, r->summary, sizeof r->summary);
	return 0;
}

size_t dec_detail(const struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
		  char *buf, size_t buflen)
{
	struct dec_result r;
	struct sb det = { buf, buf ? buflen : 0, 0 };
	struct dis d = { .r = &r, .ctx_ro = ctx, .det = &det };
	dissect(&d, p, caplen, wirelen, r.summary, sizeof r.summary);
	if (r.flags & DEC_MALFORMED) {
		dline(&d, d.why[0] ? "[malformed: " : "[bad length]");
		if (d.why[0]) {
			sb_str(&det, d.why);
			sb_ch(&det, ']');
		}
	}
	if (r.flags & DEC_TRUNCATED)
		dline(&d, "[truncated: the capture ends before the stated length]");
	sb_end(&det);
	return det.len;
}

size_t dec_hex(const uint8_t *p, size_t len, char *buf, size_t buflen)
{
	return dec_hex_hidden(p, len, NULL, buf, buflen);
}

size_t dec_hex_hidden(const uint8_t *p, size_t len, const uint8_t *hide, char *buf, size_t buflen)
{
	struct sb s = { buf, buf ? buflen : 0, 0 };
	if (!p)
		len = 0;
	for (size_t off = 0; off < len; off += 16) {
		if (off)
			sb_ch(&s, '\n');
		sb_hex(&s, off, 4);
		sb_str(&s, "  ");
		size_t n = len - off < 16 ? len - off : 16;
		for (size_t i = 0; i < 16; i++) {
			if (i < n && hide && hide[off + i]) {
				sb_str(&s, "??");
			} else if (i < n) {
				sb_ch(&s, hexdig[p[off + i] >> 4]);
				sb_ch(&s, hexdig[p[off + i] & 15]);
			} else {
				sb_str(&s, "  ");
			}
			if (i < 15)
				sb_ch(&s, ' ');
		}
		sb_str(&s, "  ");
		for (size_t i = 0; i < n; i++) {
			uint8_t c = p[off + i];
			sb_ch(&s, hide && hide[off + i] ? '?' : c >= 0x20 && c < 0x7f ? (char)c : '.');
		}
		if (s.cap && s.len + 1 >= s.cap)
			break; /* full: stop early */
	}
	sb_end(&s);
	return s.len;
}
