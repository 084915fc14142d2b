/* decode_common.c - what every layer's dissector may say about the frame:
 * truncated, malformed (the first reason kept), a new detail line, the
 * addresses in the summary, the payload's text (see decode_int.h). */
#include "decode_int.h"

/* ---- what every layer may say about the frame -------------------------- */

/* Where the payload starts in the frame, when some of it was captured. */
void dis_set_payload(struct dis *d, const struct win *pw)
{
	if (pw->p && d->base && pw->len)
		d->r->payload_off = (unsigned)(pw->p - d->base);
}

/* A field at off in w (an address or a port), when its len bytes were captured. */
void dis_field(struct dis *d, const struct win *w, size_t off, size_t len, enum dec_field_kind k)
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
void dis_truncated(struct dis *d)
{
	d->r->flags |= DEC_TRUNCATED;
}

/* A field is impossible; the first reason found is the one shown.
 * what == NULL means a length contradiction (" [bad length]"). */
void dis_malformed(struct dis *d, const char *what, long v)
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
bool dis_need(struct dis *d, const struct win *w, size_t n)
{
	if (w->len >= n)
		return true;
	if (w->stated < n && w->len == w->stated)
		dis_malformed(d, NULL, -1);
	else
		dis_truncated(d);
	return false;
}

void dis_line(struct dis *d, const char *label)
{
	if (!d->det)
		return;
	if (d->det->len)
		sb_ch(d->det, '\n');
	sb_str(d->det, label);
}

/* "a → b" from r->src/dst, or "[a]:p → [b]:q" style with ports. */
void dis_addrs(struct dis *d, bool ports)
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

void dis_set_addrs(struct dis *d, int ver)
{
	struct sb s = { d->r->src, sizeof d->r->src, 0 };
	struct sb t = { d->r->dst, sizeof d->r->dst, 0 };
	if (ver == 4) {
		sb_ip4(&s, d->r->sip);
		sb_ip4(&t, d->r->dip);
	} else {
		sb_ip6(&s, d->r->sip);
		sb_ip6(&t, d->r->dip);
	}
	sb_end(&s);
	sb_end(&t);
}

/* Up to 48 payload bytes as text, '.' for the unprintable. */
void dis_payload(struct dis *d, const struct win *w, unsigned stated)
{
	if (!d->det || stated == 0)
		return;
	dis_line(d, "Payload: ");
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

static const char *ipproto_name(unsigned p)
{
	switch (p) {
	case IPP_ICMP: return "ICMP";
	case IPP_TCP: return "TCP";
	case IPP_UDP: return "UDP";
	case IPP_ICMPV6: return "ICMPv6";
	default: return NULL;
	}
}

void dis_proto(struct dis *d, unsigned p)
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

