/* decode_frame.c - the decoder's entry points (decode.h): one frame through
 * the dissectors, one file per protocol as tcpdump's print-*.c
 * (decode_sll.c, decode_eth.c, decode_arp.c, decode_ipv4.c, decode_ipv6.c,
 * decode_icmp.c, decode_tcp.c, decode_udp.c) over the accessors and shared
 * state of decode_int.h; decode_common.c holds what every layer may say,
 * decode_text.c builds the text. Nothing here allocates or keeps state
 * outside the caller's dec_ctx. */
#include "decode_int.h"

/* ---- one frame ------------------------------------------------------------ */

/* Run the dissectors; the summary goes to sumbuf, markers last. */
static void dissect(struct dis *d, const uint8_t *p, size_t caplen, size_t wirelen,
		    char *sumbuf, size_t sumcap)
{
	struct dec_result *r = d->r;
	memset(r, 0, offsetof(struct dec_result, summary));
	r->flow_at = -1;
	d->sum = (struct sb){ sumbuf, sumcap, 0 };
	d->why[0] = '\0';
	d->base = p;
	if (!p)
		caplen = 0;
	struct win w = { p, caplen, wirelen > caplen ? wirelen : caplen, &r->flags };
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

int dec_peek(const struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
	     struct dec_result *r)
{
	struct dis d = { .r = r, .ctx = ctx };
	dissect(&d, p, caplen, wirelen, r->summary, sizeof r->summary);
	return 0;
}

int dec_frame(struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
	      struct dec_result *r)
{
	struct dis d = { .r = r, .ctx = ctx, .ctx_rw = ctx };
	dissect(&d, p, caplen, wirelen, r->summary, sizeof r->summary);
	return 0;
}

static size_t detail(struct dis *d, struct sb *det, const uint8_t *p, size_t caplen, size_t wirelen)
{
	struct dec_result *r = d->r;
	dissect(d, p, caplen, wirelen, r->summary, sizeof r->summary);
	if (r->flags & DEC_MALFORMED) {
		dis_line(d, d->why[0] ? "[malformed: " : "[bad length]");
		if (d->why[0]) {
			sb_str(det, d->why);
			sb_ch(det, ']');
		}
	}
	if (r->flags & DEC_TRUNCATED)
		dis_line(d, "[truncated: the capture ends before the stated length]");
	sb_end(det);
	return det->len;
}

size_t dec_detail(const struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
		  char *buf, size_t buflen)
{
	struct dec_result r;
	struct sb det = { buf, buf ? buflen : 0, 0 };
	struct dis d = { .r = &r, .ctx = ctx, .det = &det };
	return detail(&d, &det, p, caplen, wirelen);
}

size_t dec_detail_known(const struct dec_result *known, const uint8_t *p, size_t caplen,
			size_t wirelen, char *buf, size_t buflen)
{
	struct dec_result r;
	struct sb det = { buf, buf ? buflen : 0, 0 };
	struct dis d = { .r = &r, .known = known, .det = &det };
	return detail(&d, &det, p, caplen, wirelen);
}
