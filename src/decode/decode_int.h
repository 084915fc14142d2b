/* decode_int.h - what the per-protocol dissectors (decode_*.c) share:
 * windows over packet bytes with bounds-checked accessors, the bounded text
 * builder, the dissection state, and the wire formats' field offsets by name.
 * Internal to the decoder; decode.h is the public contract.
 *
 * As tcpdump's GET_ macros (extract.h): a field is read only through w_u8,
 * w_be16, w_be32 or w_copy, which check the window; a read past the captured
 * bytes returns zeros and FLAGS the frame DEC_TRUNCATED (tcpdump's nd_trunc),
 * never reads outside. w_has() asks first without flagging, for a dissector
 * that decides itself what a short layer means (truncated or malformed).
 * Each layer narrows the window to its own stated length (w_sub), so padding
 * is never read as payload. */
#ifndef SOCKSTEP_DECODE_INT_H
#define SOCKSTEP_DECODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"

#define ARROW " \xe2\x86\x92 " /* " → " (U+2192) */

/* ---- field offsets (from the start of each layer's header) ------------- */

/* Ethernet II (IEEE 802.3 clause 3) and 802.1Q tags */
enum { ETH_OFF_DST = 0, ETH_OFF_SRC = 6, ETH_OFF_TYPE = 12, ETH_HDR = 14, ETH_ALEN = 6 };
enum { VLAN_OFF_TCI = 0, VLAN_OFF_TYPE = 2, VLAN_TAG = 4 };
enum { ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806, ETHERTYPE_IPV6 = 0x86dd,
       ETHERTYPE_VLAN = 0x8100, ETHERTYPE_QINQ = 0x88a8 };

/* Linux cooked captures: SLL (16 bytes) and SLL2 (20 bytes), as libpcap's
 * pcap-linktype(7) describes them. */
enum { SLL_OFF_PKTTYPE = 0, SLL_OFF_HATYPE = 2, SLL_OFF_ALEN = 4, SLL_OFF_ADDR = 6,
       SLL_OFF_PROTO = 14, SLL_HDR = 16 };
enum { SLL2_OFF_PROTO = 0, SLL2_OFF_IFINDEX = 4, SLL2_OFF_HATYPE = 8, SLL2_OFF_PKTTYPE = 10,
       SLL2_OFF_ALEN = 11, SLL2_OFF_ADDR = 12, SLL2_HDR = 20 };

/* ARP (RFC 826), Ethernet/IPv4 layout after the fixed 8 bytes */
enum { ARP_OFF_HTYPE = 0, ARP_OFF_PTYPE = 2, ARP_OFF_HLEN = 4, ARP_OFF_PLEN = 5, ARP_OFF_OP = 6,
       ARP_HDR = 8, ARP_OFF_SHA = 8, ARP_OFF_SPA = 14, ARP_OFF_THA = 18, ARP_OFF_TPA = 24,
       ARP_ETH_IP4 = 28 };

/* IPv4 (RFC 791) */
enum { IP_OFF_VHL = 0, IP_OFF_TOS = 1, IP_OFF_LEN = 2, IP_OFF_ID = 4, IP_OFF_FRAG = 6,
       IP_OFF_TTL = 8, IP_OFF_PROTO = 9, IP_OFF_SUM = 10, IP_OFF_SRC = 12, IP_OFF_DST = 16,
       IP_HDR_MIN = 20 };
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

/* IPv6 (RFC 8200), fixed header */
enum { IP6_OFF_VTF = 0, IP6_OFF_PLEN = 4, IP6_OFF_NH = 6, IP6_OFF_HLIM = 7, IP6_OFF_SRC = 8,
       IP6_OFF_DST = 24, IP6_HDR = 40 };

/* TCP (RFC 9293 3.1) */
enum { TCP_OFF_SPORT = 0, TCP_OFF_DPORT = 2, TCP_OFF_SEQ = 4, TCP_OFF_ACK = 8, TCP_OFF_DOFF = 12,
       TCP_OFF_FLAGS = 13, TCP_OFF_WIN = 14, TCP_OFF_SUM = 16, TCP_OFF_URP = 18, TCP_HDR_MIN = 20 };

/* UDP (RFC 768) */
enum { UDP_OFF_SPORT = 0, UDP_OFF_DPORT = 2, UDP_OFF_LEN = 4, UDP_OFF_SUM = 6, UDP_HDR = 8 };

/* ICMP (RFC 792): type, code, checksum, then 4 bytes whose meaning depends
 * on the type (echo: id and sequence; unreachable/fragmentation needed: the
 * next-hop MTU in the low half), then an error's quote. */
enum { ICMP_OFF_TYPE = 0, ICMP_OFF_CODE = 1, ICMP_OFF_SUM = 2, ICMP_OFF_ID = 4, ICMP_OFF_SEQ = 6,
       ICMP_OFF_MTU = 6, ICMP_HDR_MIN = 4, ICMP_HDR = 8 };

/* IP protocol numbers (IANA) */
enum { IPP_ICMP = 1, IPP_TCP = 6, IPP_UDP = 17, IPP_ICMPV6 = 58 };

/* ---- windows over packet bytes ---------------------------------------- */

/* len bytes may be read at p; the layer says it is `stated` bytes long
 * (stated >= len: more means the capture cut the layer short). flags is the
 * frame's result flags, where a short read is marked. */
struct win {
	const uint8_t *p;
	size_t len;
	size_t stated;
	unsigned *flags;
};

/* Whether n bytes at off were captured (asks; marks nothing). */
static inline bool w_has(const struct win *w, size_t off, size_t n)
{
	return off <= w->len && n <= w->len - off;
}

/* A read past the captured bytes: the frame is truncated, the value 0. */
static inline void w_short(const struct win *w)
{
	if (w->flags)
		*w->flags |= DEC_TRUNCATED;
}

static inline uint8_t w_u8(const struct win *w, size_t off)
{
	if (off < w->len)
		return w->p[off];
	w_short(w);
	return 0;
}

static inline uint16_t w_be16(const struct win *w, size_t off)
{
	if (!w_has(w, off, 2)) {
		w_short(w);
		return 0;
	}
	return (uint16_t)((unsigned)w->p[off] << 8 | w->p[off + 1]);
}

static inline uint32_t w_be32(const struct win *w, size_t off)
{
	if (!w_has(w, off, 4)) {
		w_short(w);
		return 0;
	}
	return (uint32_t)w->p[off] << 24 | (uint32_t)w->p[off + 1] << 16 |
	       (uint32_t)w->p[off + 2] << 8 | w->p[off + 3];
}

/* Copy n bytes at off into out, or zeros (and the mark) when they are not all there. */
static inline bool w_copy(const struct win *w, size_t off, void *out, size_t n)
{
	if (!w_has(w, off, n)) {
		memset(out, 0, n);
		w_short(w);
		return false;
	}
	memcpy(out, w->p + off, n);
	return true;
}

/* The part of w from off on that the layer there claims is `stated` bytes. */
static inline struct win w_sub(const struct win *w, size_t off, size_t stated)
{
	struct win s = { NULL, 0, stated, w->flags };
	if (off < w->len) {
		s.p = w->p + off;
		s.len = w->len - off < stated ? w->len - off : stated;
	}
	return s;
}

/* ---- text appenders (decode_text.c) ------------------------------------ */

/* A bounded string; NULL builder = discard (detail off). len never exceeds
 * cap - 1, so the NUL always fits; sb_end() writes it. */
struct sb {
	char *b;
	size_t cap;
	size_t len;
};

extern const char dec_hexdig[16];

static inline void sb_mem(struct sb *s, const char *m, size_t n)
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

static inline void sb_str(struct sb *s, const char *str)
{
	if (s)
		sb_mem(s, str, strlen(str));
}

static inline void sb_ch(struct sb *s, char c)
{
	if (s && s->cap && s->len + 1 < s->cap)
		s->b[s->len++] = c;
}

static inline void sb_end(struct sb *s)
{
	if (s && s->cap)
		s->b[s->len] = '\0';
}

void sb_u(struct sb *s, unsigned long v);
void sb_hex(struct sb *s, unsigned long v, unsigned width); /* lower case, at least width digits */
void sb_ip4(struct sb *s, const uint8_t a[4]);
void sb_ip6(struct sb *s, const uint8_t a[16]);                /* RFC 5952 */
void sb_mac(struct sb *s, const uint8_t m[6]);

/* ---- dissection state (decode_common.c) -------------------------------------- */

struct dis {
	struct dec_result *r;
	const struct dec_ctx *ctx;    /* ISNs read here */
	struct dec_ctx *ctx_rw;       /* dec_frame: and learnt here at once (else dec_learn's) */
	const struct dec_result *known; /* dec_detail_known: the bases decoded at capture */
	struct sb sum;
	struct sb *det;               /* NULL unless a detail is asked for */
	char why[40];                 /* first malformation, "" = bad length */
	const uint8_t *base;          /* the frame's first byte, for r->payload_off */
};

void dis_truncated(struct dis *d);                      /* the capture ends inside a layer */
void dis_malformed(struct dis *d, const char *what, long v); /* NULL what: " [bad length]" */
bool dis_need(struct dis *d, const struct win *w, size_t n); /* a header's n bytes, or why not */
void dis_line(struct dis *d, const char *label);        /* a new detail line */
void dis_addrs(struct dis *d, bool ports);              /* "a → b" or "a:p → b:q" in the summary */
void dis_set_addrs(struct dis *d, int ver);             /* r->src/dst from r->sip/dip */
void dis_set_payload(struct dis *d, const struct win *pw);
void dis_field(struct dis *d, const struct win *w, size_t off, size_t len, enum dec_field_kind k); /* r->field[] */
void dis_payload(struct dis *d, const struct win *w, unsigned stated); /* detail: payload text */
void dis_proto(struct dis *d, unsigned p);              /* detail: "TCP (6)" */

/* The dissectors, one file each. The network layers return the bytes of w
 * their packet claims (the rest is link-layer padding). */
void dis_eth(struct dis *d, const struct win *w);                 /* decode_eth.c */
size_t dis_arp(struct dis *d, const struct win *w);               /* decode_arp.c */
size_t dis_ipv4(struct dis *d, const struct win *w);              /* decode_ipv4.c */
size_t dis_ipv6(struct dis *d, const struct win *w);              /* decode_ipv6.c */
void dis_tcp(struct dis *d, const struct win *w);                 /* decode_tcp.c */
void dis_udp(struct dis *d, const struct win *w, bool frag);      /* decode_udp.c */
void dis_icmp(struct dis *d, const struct win *w);                /* decode_icmp.c */

#endif
