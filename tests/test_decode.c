/* test_decode.c - the packet decoder against hand-built frames: exact
 * summaries (golden strings, checked against tshark's reading of the same
 * bytes), decoded fields, relative sequence numbers over a whole connection,
 * and every kind of truncated or self-contradicting frame.
 *
 * Frames are built byte by byte with the fb_* helpers; checksums are filled in
 * so the frames are real-looking. With SOCKSTEP_TEST_PCAP=file set, every frame
 * checked against a golden summary is also written to that pcap, so the
 * goldens can be compared with `tshark -r file`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame_build.h"

#include "decode.h"
#include "decode_int.h" /* the accessors, tested as the dissectors use them */

/* ---- frame builder ------------------------------------------------------ */


static void set16(struct fb *f, size_t off, unsigned v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

static const uint8_t CMAC[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t SMAC[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t CIP[4] = { 100, 0, 0, 1 };
static const uint8_t SIP[4] = { 200, 0, 0, 2 };

static void fb_eth(struct fb *f, const uint8_t *dst, const uint8_t *src, unsigned type)
{
	memset(f, 0, sizeof *f);
	putn(f, dst, 6);
	putn(f, src, 6);
	put16(f, type);
}

static void fb_vlan(struct fb *f, unsigned tci, unsigned type)
{
	put16(f, tci);
	put16(f, type);
}

/* IPv4 header; length and checksum are filled by fb_ip4_done. */
static void fb_ip4(struct fb *f, const uint8_t *src, const uint8_t *dst, unsigned proto,
		   unsigned id, unsigned frag, const uint8_t *opts, size_t optlen)
{
	f->l3 = f->n;
	put8(f, 0x40 | (unsigned)(5 + optlen / 4));
	put8(f, 0);
	put16(f, 0);
	put16(f, id);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	putn(f, src, 4);
	putn(f, dst, 4);
	putn(f, opts, optlen);
	f->l4 = f->n;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static unsigned fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* Fill IPv4 total length, header checksum and the TCP/UDP checksum. */
static void fb_ip4_done(struct fb *f)
{
	size_t ihl = (f->b[f->l3] & 15) * 4u;
	size_t tot = f->n - f->l3;
	set16(f, f->l3 + 2, (unsigned)tot);
	set16(f, f->l3 + 10, 0);
	set16(f, f->l3 + 10, fold(sum16(f->b + f->l3, ihl, 0)));
	unsigned proto = f->b[f->l3 + 9];
	size_t ck = proto == 6 ? 16 : proto == 17 ? 6 : proto == 1 ? 2 : 0;
	if (!ck || (f->b[f->l3 + 6] & 0x3f) || f->b[f->l3 + 7])
		return; /* no checksum for fragments here */
	size_t l4len = tot - ihl;
	set16(f, f->l4 + ck, 0);
	uint32_t s = 0;
	if (proto != 1) {
		s = sum16(f->b + f->l3 + 12, 8, 0);
		s += proto + (uint32_t)l4len;
	}
	set16(f, f->l4 + ck, fold(sum16(f->b + f->l4, l4len, s)));
}

static void fb_tcp(struct fb *f, unsigned sp, unsigned dp, uint32_t seq, uint32_t ack,
		   unsigned flags, unsigned win, const uint8_t *opts, size_t optlen)
{
	put16(f, sp);
	put16(f, dp);
	put32(f, seq);
	put32(f, ack);
	put8(f, (unsigned)(5 + optlen / 4) << 4);
	put8(f, flags);
	put16(f, win);
	put16(f, 0);
	put16(f, 0);
	putn(f, opts, optlen);
}

static void fb_udp(struct fb *f, unsigned sp, unsigned dp, const char *data)
{
	size_t n = strlen(data);
	put16(f, sp);
	put16(f, dp);
	put16(f, (unsigned)(8 + n));
	put16(f, 0);
	putn(f, data, n);
}

/* Ethernet minimum frame: pad to 60 bytes (no FCS), as a NIC would. */
static void fb_pad(struct fb *f)
{
	while (f->n < 60)
		put8(f, 0);
}

/* ---- checking ----------------------------------------------------------- */

static FILE *pcap_out;

static void pcap_write(const uint8_t *p, size_t n)
{
	static uint32_t ts;
	if (!pcap_out)
		return;
	uint32_t h[4] = { ts++, 0, (uint32_t)n, (uint32_t)n };
	fwrite(h, sizeof h, 1, pcap_out);
	fwrite(p, 1, n, pcap_out);
}

static int pcap_setup(void **state)
{
	(void)state;
	const char *path = getenv("SOCKSTEP_TEST_PCAP");
	if (path && (pcap_out = fopen(path, "wb"))) {
		struct {
			uint32_t magic;
			uint16_t major, minor;
			int32_t zone;
			uint32_t sigfigs, snaplen, linktype;
		} gh = { 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1 };
		fwrite(&gh, sizeof gh, 1, pcap_out);
	}
	return 0;
}

static int pcap_teardown(void **state)
{
	(void)state;
	if (pcap_out)
		fclose(pcap_out);
	return 0;
}

/* Decode a whole frame (caplen == wirelen) and compare the summary. */
static void expect(struct dec_ctx *ctx, const struct fb *f, const char *want,
		   struct dec_result *r)
{
	pcap_write(f->b, f->n);
	dec_frame(ctx, f->b, f->n, f->n, r);
	assert_string_equal(r->summary, want);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Decode from a heap copy of exactly caplen bytes, so ASan sees any read
 * past the capture. */
static void decode_exact(struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
			 struct dec_result *r)
{
	uint8_t *copy = malloc(caplen ? caplen : 1);
	assert_non_null(copy);
	memcpy(copy, p, caplen);
	dec_frame(ctx, copy, caplen, wirelen, r);
	char buf[2048];
	size_t n = dec_detail(ctx, copy, caplen, wirelen, buf, sizeof buf);
	assert_true(n < sizeof buf);
	assert_int_equal(buf[n], '\0');
	free(copy);
}

/* ---- the frames of one connection --------------------------------------- */

#define CISN 0x1d2a3b4cu
#define SISN 0x7f001234u

static const uint8_t SYNOPT[20] = {
	2, 4, 0x05, 0xb4,                        /* MSS 1460 */
	4, 2,                                    /* SACK permitted */
	8, 10, 0, 0x12, 0xd6, 0x87, 0, 0, 0, 0, /* TS val 1234567 ecr 0 */
	1,                                       /* NOP */
	3, 3, 7,                                 /* WS 7 */
};

static const uint8_t TSOPT[12] = { 1, 1, 8, 10, 0, 0x12, 0xd6, 0x88, 0, 0, 0x30, 0x39 };

static void tcp_frame(struct fb *f, bool from_client, uint32_t seq, uint32_t ack, unsigned flags,
		      unsigned win, const uint8_t *opts, size_t optlen, const char *data)
{
	fb_eth(f, from_client ? SMAC : CMAC, from_client ? CMAC : SMAC, 0x0800);
	fb_ip4(f, from_client ? CIP : SIP, from_client ? SIP : CIP, 6, 0x1c46, 0x4000, NULL, 0);
	fb_tcp(f, from_client ? 9000 : 80, from_client ? 80 : 9000, seq, ack, flags, win, opts,
	       optlen);
	putn(f, data, strlen(data));
	fb_ip4_done(f);
	fb_pad(f);
}

static void syn_frame(struct fb *f)
{
	tcp_frame(f, true, CISN, 0, TF_SYN, 64240, SYNOPT, sizeof SYNOPT, "");
}

static void data_frame(struct fb *f)
{
	tcp_frame(f, true, CISN + 1, SISN + 1, TF_PSH | TF_ACK, 502, TSOPT, sizeof TSOPT, "hola");
}

/* ---- tests -------------------------------------------------------------- */

static void test_arp_request(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	fb_eth(&f, BCAST, CMAC, 0x0806);
	put16(&f, 1);      /* Ethernet */
	put16(&f, 0x0800); /* IPv4 */
	put8(&f, 6);
	put8(&f, 4);
	put16(&f, 1); /* request */
	putn(&f, CMAC, 6);
	putn(&f, CIP, 4);
	putn(&f, (uint8_t[6]){ 0 }, 6);
	putn(&f, SIP, 4);
	fb_pad(&f);
	expect(NULL, &f, "ARP who has 200.0.0.2? tell 100.0.0.1", &r);
	assert_int_equal(r.flags, 0);
	assert_int_equal(r.ethertype, 0x0806);
	assert_string_equal(r.src, "100.0.0.1");
	assert_string_equal(r.dst, "200.0.0.2");
	assert_memory_equal(r.src_mac, CMAC, 6);
	assert_memory_equal(r.dst_mac, BCAST, 6);
	assert_int_equal(r.ipver, 0);
}

static void test_arp_reply(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	fb_eth(&f, CMAC, SMAC, 0x0806);
	put16(&f, 1);
	put16(&f, 0x0800);
	put8(&f, 6);
	put8(&f, 4);
	put16(&f, 2); /* reply */
	putn(&f, SMAC, 6);
	putn(&f, SIP, 4);
	putn(&f, CMAC, 6);
	putn(&f, CIP, 4);
	fb_pad(&f);
	expect(NULL, &f, "ARP 200.0.0.2 is at 02:00:00:00:00:02", &r);
	assert_int_equal(r.flags, 0);

	char d[1024];
	dec_detail(NULL, f.b, f.n, f.n, d, sizeof d);
	assert_string_equal(d,
		"Ethernet II: 02:00:00:00:00:02 \xe2\x86\x92 02:00:00:00:00:01, type ARP (0x0806)\n"
		"ARP: reply (2), hw type 1, proto 0x0800, hlen 6, plen 4\n"
		"  sender 02:00:00:00:00:02 200.0.0.2, target 02:00:00:00:00:01 100.0.0.1\n"
		"Ethernet padding: 18 bytes (not payload)");
}

/* Handshake, data both ways, FIN both ways: seq/ack relative per direction. */
static void test_tcp_connection(void **state)
{
	(void)state;
	struct dec_ctx ctx;
	struct fb f;
	struct dec_result r;
	dec_init(&ctx);

	syn_frame(&f);
	expect(&ctx, &f,
	       "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [SYN] seq=0 win=64240 len=0 "
	       "MSS=1460 SACK_PERM TS WS=128", &r);
	assert_int_equal(r.flags, 0);
	assert_int_equal(r.ipver, 4);
	assert_int_equal(r.ipproto, 6);
	assert_true(r.has_ports);
	assert_int_equal(r.sport, 9000);
	assert_int_equal(r.dport, 80);
	assert_int_equal(r.tcp_flags, TF_SYN);
	assert_int_equal(r.seq, 0);
	assert_int_equal(r.seq_raw, CISN);
	assert_int_equal(r.window, 64240);
	assert_int_equal(r.payload_len, 0);

	tcp_frame(&f, false, SISN, CISN + 1, TF_SYN | TF_ACK, 65160, SYNOPT, sizeof SYNOPT, "");
	expect(&ctx, &f,
	       "TCP 200.0.0.2:80 \xe2\x86\x92 100.0.0.1:9000 [SYN, ACK] seq=0 ack=1 win=65160 len=0 "
	       "MSS=1460 SACK_PERM TS WS=128", &r);
	assert_int_equal(r.ack, 1);
	assert_int_equal(r.ack_raw, CISN + 1);

	tcp_frame(&f, true, CISN + 1, SISN + 1, TF_ACK, 502, TSOPT, sizeof TSOPT, "");
	expect(&ctx, &f, "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [ACK] seq=1 ack=1 win=502 len=0",
	       &r);

	data_frame(&f);
	expect(&ctx, &f,
	       "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [PSH, ACK] seq=1 ack=1 win=502 len=4", &r);
	assert_int_equal(r.payload_len, 4);
	char d[2048];
	dec_detail(&ctx, f.b, f.n, f.n, d, sizeof d);
	assert_non_null(strstr(d, "\nPayload: 4 bytes \"hola\""));
	assert_non_null(strstr(d, "seq 1 (raw 489306957), ack 1 (raw 2130711093)"));

	tcp_frame(&f, false, SISN + 1, CISN + 5, TF_ACK, 509, TSOPT, sizeof TSOPT, "");
	expect(&ctx, &f, "TCP 200.0.0.2:80 \xe2\x86\x92 100.0.0.1:9000 [ACK] seq=1 ack=5 win=509 len=0",
	       &r);
	tcp_frame(&f, false, SISN + 1, CISN + 5, TF_PSH | TF_ACK, 509, TSOPT, sizeof TSOPT, "ok");
	expect(&ctx, &f,
	       "TCP 200.0.0.2:80 \xe2\x86\x92 100.0.0.1:9000 [PSH, ACK] seq=1 ack=5 win=509 len=2", &r);
	tcp_frame(&f, true, CISN + 5, SISN + 3, TF_FIN | TF_ACK, 502, TSOPT, sizeof TSOPT, "");
	expect(&ctx, &f,
	       "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [FIN, ACK] seq=5 ack=3 win=502 len=0", &r);
	tcp_frame(&f, false, SISN + 3, CISN + 6, TF_FIN | TF_ACK, 509, TSOPT, sizeof TSOPT, "");
	expect(&ctx, &f,
	       "TCP 200.0.0.2:80 \xe2\x86\x92 100.0.0.1:9000 [FIN, ACK] seq=3 ack=6 win=509 len=0", &r);
	tcp_frame(&f, true, CISN + 6, SISN + 4, TF_ACK, 502, TSOPT, sizeof TSOPT, "");
	expect(&ctx, &f, "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [ACK] seq=6 ack=4 win=502 len=0",
	       &r);
	assert_int_equal(r.seq, 6);
	assert_int_equal(r.ack, 4);

	/* A new connect() on the same ports with a new ISN starts over. */
	tcp_frame(&f, true, 0x55555555, 0, TF_SYN, 64240, SYNOPT, sizeof SYNOPT, "");
	dec_frame(&ctx, f.b, f.n, f.n, &r);
	assert_int_equal(r.seq, 0);
	tcp_frame(&f, false, 0x66666666, 0x55555556, TF_SYN | TF_ACK, 65160, NULL, 0, "");
	dec_frame(&ctx, f.b, f.n, f.n, &r);
	assert_int_equal(r.seq, 0);
	assert_int_equal(r.ack, 1);
}

static void test_tcp_syn_detail(void **state)
{
	(void)state;
	struct dec_ctx ctx;
	struct fb f;
	struct dec_result r;
	char d[2048];
	dec_init(&ctx);
	syn_frame(&f);
	dec_frame(&ctx, f.b, f.n, f.n, &r);
	size_t n = dec_detail(&ctx, f.b, f.n, f.n, d, sizeof d);
	assert_int_equal(n, strlen(d));
	assert_string_equal(d,
		"Ethernet II: 02:00:00:00:00:01 \xe2\x86\x92 02:00:00:00:00:02, type IPv4 (0x0800)\n"
		"IPv4: 100.0.0.1 \xe2\x86\x92 200.0.0.2, ttl 64, id 0x1c46, DF, len 60, hdr 20, "
		"proto TCP (6), checksum 0xf272\n"
		"TCP: 9000 \xe2\x86\x92 80, [SYN], seq 0 (raw 489306956), win 64240, hdr 40, len 0, "
		"checksum 0xce83, options: MSS 1460, SACK_PERM, TS val 1234567 ecr 0, NOP, WS 7");
	/* Without a context the numbers are raw. */
	dec_frame(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.seq, CISN);
	assert_non_null(strstr(r.summary, "seq=489306956 "));
	/* dec_detail with a context that never saw the frame learns on a copy. */
	struct dec_ctx fresh;
	dec_init(&fresh);
	dec_detail(&fresh, f.b, f.n, f.n, d, sizeof d);
	assert_non_null(strstr(d, "seq 0 (raw 489306956)"));
	assert_false(fresh.flows[0].used);
}

/* Connection refused: Wireshark shows the RST's seq as 1 (first segment of
 * that side is not a SYN: base = seq - 1). */
static void test_tcp_rst(void **state)
{
	(void)state;
	struct dec_ctx ctx;
	struct fb f;
	struct dec_result r;
	dec_init(&ctx);
	syn_frame(&f);
	dec_frame(&ctx, f.b, f.n, f.n, &r);
	tcp_frame(&f, false, 0, CISN + 1, TF_RST | TF_ACK, 0, NULL, 0, "");
	expect(&ctx, &f,
	       "TCP 200.0.0.2:80 \xe2\x86\x92 100.0.0.1:9000 [RST, ACK] seq=1 ack=1 win=0 len=0", &r);
	assert_int_equal(r.tcp_flags, TF_RST | TF_ACK);
	assert_int_equal(r.payload_len, 0);
}

/* A capture that starts mid-stream: both directions start at 1. */
static void test_tcp_midstream(void **state)
{
	(void)state;
	struct dec_ctx ctx;
	struct fb f;
	struct dec_result r;
	dec_init(&ctx);
	data_frame(&f);
	expect(&ctx, &f,
	       "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [PSH, ACK] seq=1 ack=1 win=502 len=4", &r);
	tcp_frame(&f, false, SISN + 1, CISN + 5, TF_ACK, 509, NULL, 0, "");
	expect(&ctx, &f, "TCP 200.0.0.2:80 \xe2\x86\x92 100.0.0.1:9000 [ACK] seq=1 ack=5 win=509 len=0",
	       &r);
}

static void test_tcp_sack_and_wscale(void **state)
{
	(void)state;
	struct dec_ctx ctx;
	struct fb f;
	struct dec_result r;
	dec_init(&ctx);
	syn_frame(&f);
	dec_frame(&ctx, f.b, f.n, f.n, &r);
	tcp_frame(&f, false, SISN, CISN + 1, TF_SYN | TF_ACK, 65160, SYNOPT, sizeof SYNOPT, "");
	dec_frame(&ctx, f.b, f.n, f.n, &r);
	/* The client SACKs server bytes 1001-2001 and 3001-4001 (RFC 2018). */
	struct fb g;
	uint8_t opt[20] = { 1, 1, 5, 18 };
	uint32_t e[4] = { SISN + 1001, SISN + 2001, SISN + 3001, SISN + 4001 };
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 4; k++)
			opt[4 + 4 * i + k] = (uint8_t)(e[i] >> (24 - 8 * k));
	tcp_frame(&g, true, CISN + 1, SISN + 1, TF_ACK, 502, opt, sizeof opt, "");
	expect(&ctx, &g,
	       "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [ACK] seq=1 ack=1 win=502 len=0 "
	       "SACK=1001-2001 SACK=3001-4001", &r);
	assert_int_equal(r.flags, 0);

	/* Window scale shifts above 14 are taken as 14 (RFC 7323 2.3). */
	const uint8_t ws[4] = { 1, 3, 3, 20 };
	tcp_frame(&g, true, 1, 0, TF_SYN, 1024, ws, sizeof ws, "");
	dec_frame(NULL, g.b, g.n, g.n, &r);
	assert_true(ends_with(r.summary, "[SYN] seq=1 win=1024 len=0 WS=16384"));
}

static void test_udp(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	fb_eth(&f, SMAC, CMAC, 0x0800);
	fb_ip4(&f, CIP, SIP, 17, 0x1c47, 0x4000, NULL, 0);
	fb_udp(&f, 9000, 5000, "hola");
	fb_ip4_done(&f);
	fb_pad(&f);
	expect(NULL, &f, "UDP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:5000 len=4", &r);
	assert_int_equal(r.flags, 0);
	assert_int_equal(r.ipproto, 17);
	assert_int_equal(r.sport, 9000);
	assert_int_equal(r.dport, 5000);
	/* 14 bytes of Ethernet padding follow and are not payload. */
	assert_int_equal(r.payload_len, 4);
	char d[1024];
	dec_detail(NULL, f.b, f.n, f.n, d, sizeof d);
	assert_non_null(strstr(d, "\nPayload: 4 bytes \"hola\"\nEthernet padding: 14 bytes"));
}

/* A bare ACK is 54 bytes: the 6 padding bytes must not show as data. */
static void test_padding_not_payload(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	tcp_frame(&f, true, 5, 7, TF_ACK, 502, NULL, 0, "");
	assert_int_equal(f.n, 60);
	for (size_t i = 54; i < 60; i++)
		f.b[i] = 0xee;
	dec_frame(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.payload_len, 0);
	assert_true(ends_with(r.summary, " len=0"));
	assert_int_equal(r.flags, 0);
}

static void icmp_unreach_frame(struct fb *f, size_t quote_cut)
{
	fb_eth(f, CMAC, SMAC, 0x0800);
	fb_ip4(f, SIP, CIP, 1, 0x2222, 0, NULL, 0);
	put8(f, 3); /* destination unreachable */
	put8(f, 3); /* port unreachable */
	put16(f, 0);
	put32(f, 0);
	/* The quoted datagram: the UDP packet of test_udp. */
	struct fb q;
	fb_eth(&q, SMAC, CMAC, 0x0800);
	fb_ip4(&q, CIP, SIP, 17, 0x1c47, 0x4000, NULL, 0);
	fb_udp(&q, 9000, 5000, "hola");
	fb_ip4_done(&q);
	putn(f, q.b + 14, q.n - 14 - quote_cut);
	fb_ip4_done(f);
	fb_pad(f);
}

static void test_icmp_port_unreachable(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	icmp_unreach_frame(&f, 0);
	expect(NULL, &f,
	       "ICMP 200.0.0.2 \xe2\x86\x92 100.0.0.1 destination unreachable (port unreachable) for "
	       "UDP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:5000", &r);
	assert_int_equal(r.flags, 0);
	assert_int_equal(r.ipproto, 1);
	assert_int_equal(r.icmp_type, 3);
	assert_int_equal(r.icmp_code, 3);
	assert_false(r.has_ports);
	char d[1024];
	dec_detail(NULL, f.b, f.n, f.n, d, sizeof d);
	assert_non_null(strstr(d, "ICMP: type 3 (destination unreachable), code 3 (port unreachable)"));
	assert_non_null(strstr(d, "\n  quoted UDP: 9000 \xe2\x86\x92 5000"));
}

static void test_icmp_echo(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	for (int reply = 0; reply < 2; reply++) {
		fb_eth(&f, reply ? CMAC : SMAC, reply ? SMAC : CMAC, 0x0800);
		fb_ip4(&f, reply ? SIP : CIP, reply ? CIP : SIP, 1, 0x3333, 0x4000, NULL, 0);
		put8(&f, reply ? 0 : 8);
		put8(&f, 0);
		put16(&f, 0);
		put16(&f, 1);
		put16(&f, 1);
		putn(&f, "0123456789abcdef", 16);
		fb_ip4_done(&f);
		fb_pad(&f);
		expect(NULL, &f,
		       reply ? "ICMP 200.0.0.2 \xe2\x86\x92 100.0.0.1 echo reply id=1 seq=1"
			     : "ICMP 100.0.0.1 \xe2\x86\x92 200.0.0.2 echo request id=1 seq=1",
		       &r);
		assert_int_equal(r.icmp_type, reply ? 0 : 8);
		assert_int_equal(r.payload_len, 16);
	}
}

/* IHL 6: a 4-byte option (router alert, RFC 2113) before TCP. */
static void test_ipv4_options(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	const uint8_t ra[4] = { 0x94, 4, 0, 0 };
	fb_eth(&f, SMAC, CMAC, 0x0800);
	fb_ip4(&f, CIP, SIP, 6, 0x1c46, 0x4000, ra, sizeof ra);
	fb_tcp(&f, 9000, 80, 100, 200, TF_PSH | TF_ACK, 502, NULL, 0);
	putn(&f, "hola", 4);
	fb_ip4_done(&f);
	fb_pad(&f);
	expect(NULL, &f,
	       "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [PSH, ACK] seq=100 ack=200 win=502 len=4",
	       &r);
	assert_int_equal(r.payload_len, 4);
	char d[1024];
	dec_detail(NULL, f.b, f.n, f.n, d, sizeof d);
	assert_non_null(strstr(d, ", len 48, hdr 24, options 4 bytes, proto TCP (6)"));
}

/* A 2000-byte UDP datagram in two fragments (MTU 1500). */
static void test_fragments(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	char data[1480];
	memset(data, 'x', sizeof data);

	fb_eth(&f, SMAC, CMAC, 0x0800);
	fb_ip4(&f, CIP, SIP, 17, 0x4444, 0x2000, NULL, 0); /* MF, offset 0 */
	put16(&f, 9000);
	put16(&f, 5000);
	put16(&f, 2008); /* the whole datagram's length */
	put16(&f, 0);
	putn(&f, data, 1480 - 8); /* its first 1480 bytes */
	fb_ip4_done(&f);
	expect(NULL, &f, "UDP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:5000 len=2000 frag off=0 MF", &r);
	assert_true(r.is_frag);
	assert_int_equal(r.flags, 0);
	assert_true(r.has_ports);

	fb_eth(&f, SMAC, CMAC, 0x0800);
	fb_ip4(&f, CIP, SIP, 17, 0x4444, 1480 / 8, NULL, 0);
	putn(&f, data, 2008 - 1480);
	fb_ip4_done(&f);
	expect(NULL, &f, "IPv4 100.0.0.1 \xe2\x86\x92 200.0.0.2 proto 17 len=528 frag off=1480", &r);
	assert_true(r.is_frag);
	assert_false(r.has_ports);
	assert_int_equal(r.ipproto, 17);
	assert_int_equal(r.flags, 0);
}

static void test_ipv4_unknown_proto(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	fb_eth(&f, SMAC, CMAC, 0x0800);
	fb_ip4(&f, (const uint8_t[4]){ 1, 2, 3, 4 }, (const uint8_t[4]){ 5, 6, 7, 8 }, 47, 1, 0,
	       NULL, 0);
	for (int i = 0; i < 20; i++)
		put8(&f, 0);
	fb_ip4_done(&f);
	fb_pad(&f);
	expect(NULL, &f, "IPv4 1.2.3.4 \xe2\x86\x92 5.6.7.8 proto 47 len=20", &r);
	assert_int_equal(r.ipproto, 47);
}

static void ip6_header(struct fb *f, const char *src16, const char *dst16, unsigned nh,
		       unsigned plen)
{
	put32(f, 0x60000000);
	put16(f, plen);
	put8(f, nh);
	put8(f, 255);
	putn(f, src16, 16);
	putn(f, dst16, 16);
}

static const char LL1[16] = { (char)0xfe, (char)0x80, [15] = 1 };
static const char AM2[16] = { (char)0xff, 2, [15] = 2 };
static const char DOC1[16] = { 0x20, 0x01, 0x0d, (char)0xb8, [15] = 1 };
static const char DOC2[16] = { 0x20, 0x01, 0x0d, (char)0xb8, [7] = 1, [15] = 2 };

static void test_ipv6(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	/* Router solicitation (RFC 4861). */
	fb_eth(&f, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0, 2 }, CMAC, 0x86dd);
	ip6_header(&f, LL1, AM2, 58, 8);
	put8(&f, 133);
	put8(&f, 0);
	put16(&f, 0x7bb8);
	put32(&f, 0);
	expect(NULL, &f, "IPv6 fe80::1 \xe2\x86\x92 ff02::2 ICMPv6 type 133", &r);
	assert_int_equal(r.ipver, 6);
	assert_int_equal(r.ipproto, 58);
	assert_int_equal(r.icmp_type, 133);
	assert_int_equal(r.flags, 0);

	/* TCP over IPv6: [addr]:port. */
	fb_eth(&f, SMAC, CMAC, 0x86dd);
	ip6_header(&f, DOC1, DOC2, 6, 20);
	fb_tcp(&f, 9000, 80, 7, 0, TF_SYN, 64800, NULL, 0);
	expect(NULL, &f,
	       "TCP [2001:db8::1]:9000 \xe2\x86\x92 [2001:db8:0:1::2]:80 [SYN] seq=7 win=64800 len=0",
	       &r);
	assert_string_equal(r.dst, "2001:db8:0:1::2");

	/* Other next headers by number. */
	fb_eth(&f, SMAC, CMAC, 0x86dd);
	ip6_header(&f, DOC1, DOC2, 59, 0); /* no next header */
	expect(NULL, &f, "IPv6 2001:db8::1 \xe2\x86\x92 2001:db8:0:1::2 next header 59 len=0", &r);
	assert_int_equal(r.flags, 0);
}

static void test_vlan(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	fb_eth(&f, SMAC, CMAC, 0x8100);
	fb_vlan(&f, (3u << 13) | 10, 0x0800);
	fb_ip4(&f, CIP, SIP, 17, 0x1c47, 0x4000, NULL, 0);
	fb_udp(&f, 9000, 5000, "hola");
	fb_ip4_done(&f);
	fb_pad(&f);
	expect(NULL, &f, "UDP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:5000 len=4", &r);
	assert_true(r.has_vlan);
	assert_int_equal(r.vlan_id, 10);
	assert_int_equal(r.ethertype, 0x0800);
	char d[1024];
	dec_detail(NULL, f.b, f.n, f.n, d, sizeof d);
	assert_non_null(strstr(d, "\n802.1Q: VLAN 10, priority 3, DEI 0, type IPv4 (0x0800)\n"));
}

static void test_unknown_ethertype(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	fb_eth(&f, BCAST, CMAC, 0x88cc);
	put16(&f, 0x0207);
	fb_pad(&f);
	expect(NULL, &f,
	       "ETH 02:00:00:00:00:01 \xe2\x86\x92 ff:ff:ff:ff:ff:ff type 0x88cc len=60", &r);
	assert_int_equal(r.ethertype, 0x88cc);
	assert_int_equal(r.flags, 0);
}

/* Every prefix of a valid frame: no crash, no read past the capture,
 * truncation reported. */
static void test_truncated_every_length(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	struct dec_ctx ctx;
	dec_init(&ctx);
	data_frame(&f);
	f.n = 14 + 20 + 32 + 4; /* no padding: every cut is inside the datagram */
	for (size_t n = 0; n < f.n; n++) {
		for (int cut = 0; cut < 2; cut++) {
			decode_exact(&ctx, f.b, n, cut ? f.n : n, &r);
			assert_true(r.flags & DEC_TRUNCATED);
			assert_false(r.flags & DEC_MALFORMED);
			assert_true(ends_with(r.summary, " [truncated]"));
		}
	}
	/* Cut inside the TCP header but after the ports. */
	decode_exact(&ctx, f.b, 14 + 20 + 10, f.n, &r);
	assert_string_equal(r.summary,
			    "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [truncated]");
	/* Headers whole, payload cut by the snaplen: len still from IP. */
	decode_exact(&ctx, f.b, f.n - 2, f.n, &r);
	assert_string_equal(r.summary,
			    "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [PSH, ACK] seq=1 ack=1 "
			    "win=502 len=4 [truncated]");
	assert_int_equal(r.payload_len, 4);
	decode_exact(&ctx, f.b, 0, 0, &r);
	assert_string_equal(r.summary, "ETH [truncated]");
	dec_frame(&ctx, NULL, 0, 0, &r);
	assert_string_equal(r.summary, "ETH [truncated]");

	/* Same for every prefix of ARP, ICMP error, IPv6 and VLAN frames. */
	struct fb others[3];
	icmp_unreach_frame(&others[0], 0);
	fb_eth(&others[1], SMAC, CMAC, 0x86dd);
	ip6_header(&others[1], DOC1, DOC2, 6, 20);
	fb_tcp(&others[1], 9000, 80, 7, 0, TF_SYN, 64800, NULL, 0);
	fb_eth(&others[2], SMAC, CMAC, 0x8100);
	fb_vlan(&others[2], 10, 0x0806);
	put16(&others[2], 1);
	put16(&others[2], 0x0800);
	put8(&others[2], 6);
	put8(&others[2], 4);
	put16(&others[2], 1);
	putn(&others[2], CMAC, 6);
	putn(&others[2], CIP, 4);
	putn(&others[2], CMAC, 6);
	putn(&others[2], SIP, 4);
	for (int k = 0; k < 3; k++) {
		for (size_t n = 0; n < others[k].n; n++) {
			decode_exact(&ctx, others[k].b, n, others[k].n, &r);
			assert_true(r.flags & DEC_TRUNCATED);
			assert_true(ends_with(r.summary, " [truncated]"));
		}
		decode_exact(&ctx, others[k].b, others[k].n, others[k].n, &r);
		assert_int_equal(r.flags, 0);
	}
}

static void test_malformed_ipv4(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;

	data_frame(&f);
	f.b[14] = 0x44; /* IHL 4 */
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary,
			    "IPv4 100.0.0.1 \xe2\x86\x92 200.0.0.2 [malformed: IHL 4]");

	data_frame(&f);
	set16(&f, 16, 19); /* total length < header */
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary, "IPv4 100.0.0.1 \xe2\x86\x92 200.0.0.2 [bad length]");

	data_frame(&f);
	set16(&f, 16, 1400); /* total length > what was captured */
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_TRUNCATED);
	assert_true(ends_with(r.summary, "len=1348 [truncated]"));

	data_frame(&f);
	f.b[14] = 0x65; /* version 6 under ethertype IPv4 */
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary, "IPv4 [malformed: IP version 6]");

	data_frame(&f);
	f.b[14] = 0x4f; /* IHL 15 = 60 bytes, longer than tot_len 56 */
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_true(r.flags & DEC_MALFORMED);
	assert_true(ends_with(r.summary, "[bad length]"));
}

static void test_malformed_tcp(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	size_t doff = 14 + 20 + 12;

	data_frame(&f);
	f.b[doff] = 3 << 4;
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary, "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [PSH, ACK] "
				       "[malformed: TCP data offset 3]");

	/* Data offset 15 (60 bytes) in a 36-byte segment. */
	data_frame(&f);
	f.b[doff] = 15 << 4;
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary,
			    "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [PSH, ACK] [bad length]");

	/* A segment too short for any TCP header. */
	tcp_frame(&f, true, 1, 1, TF_ACK, 1, NULL, 0, "");
	set16(&f, 16, 20 + 10);
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary, "TCP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:80 [bad length]");
}

/* Option lengths that would loop forever or run past the header. */
static void test_malformed_tcp_options(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	static const struct {
		uint8_t opt[8];
		const char *why;
	} cases[] = {
		{ { 2, 0, 5, 0xb4, 0, 0, 0, 0 }, "[malformed: TCP option length 0]" },
		{ { 1, 2, 1, 0, 0, 0, 0, 0 }, "[malformed: TCP option length 1]" },
		{ { 1, 1, 8, 10, 0, 0, 0, 0 }, "[malformed: TCP option length 10]" },
		{ { 1, 1, 1, 1, 1, 1, 1, 99 }, "[malformed: TCP option without length, kind 99]" },
		{ { 2, 5, 5, 0xb4, 0, 0, 0, 0 }, "[malformed: TCP option length 5]" },
		{ { 0, 2, 0, 0, 0, 0, 0, 0 }, NULL }, /* EOL: the rest is ignored */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tcp_frame(&f, true, 1, 0, TF_SYN, 1024, cases[i].opt, 8, "");
		decode_exact(NULL, f.b, f.n, f.n, &r);
		if (!cases[i].why) {
			assert_int_equal(r.flags, 0);
			continue;
		}
		assert_int_equal(r.flags, DEC_MALFORMED);
		assert_true(ends_with(r.summary, cases[i].why));
	}
}

static void test_malformed_udp(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	size_t ulen = 14 + 20 + 4;

	fb_eth(&f, SMAC, CMAC, 0x0800);
	fb_ip4(&f, CIP, SIP, 17, 1, 0x4000, NULL, 0);
	fb_udp(&f, 9000, 5000, "hola");
	fb_ip4_done(&f);
	fb_pad(&f);

	set16(&f, ulen, 3);
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary,
			    "UDP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:5000 [bad length]");

	set16(&f, ulen, 13); /* one more than the IP payload; the padding is there */
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary,
			    "UDP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:5000 len=5 [bad length]");
	assert_int_equal(r.payload_len, 4);

	set16(&f, ulen, 10); /* shorter than the IP payload is allowed */
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, 0);
	assert_int_equal(r.payload_len, 2);
}

static void test_malformed_arp(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	for (int k = 0; k < 3; k++) {
		fb_eth(&f, BCAST, CMAC, 0x0806);
		put16(&f, k == 2 ? 6 : 1); /* k 2: IEEE 802 hardware, consistent */
		put16(&f, 0x0800);
		put8(&f, k == 0 ? 7 : 6);
		put8(&f, k == 1 ? 16 : 4);
		put16(&f, 1);
		fb_pad(&f);
		decode_exact(NULL, f.b, f.n, f.n, &r);
		if (k == 0) {
			assert_int_equal(r.flags, DEC_MALFORMED);
			assert_string_equal(r.summary, "ARP [malformed: ARP hlen 7]");
		} else if (k == 1) {
			assert_int_equal(r.flags, DEC_MALFORMED);
			assert_string_equal(r.summary, "ARP [malformed: ARP plen 16]");
		} else {
			assert_int_equal(r.flags, 0);
			assert_string_equal(r.summary, "ARP op 1 hw 6 proto 0x0800");
		}
	}
	/* hlen 255, plen 255 of an unknown pair: 518 bytes that are not there. */
	fb_eth(&f, BCAST, CMAC, 0x0806);
	put16(&f, 0x1234);
	put16(&f, 0x5678);
	put8(&f, 255);
	put8(&f, 255);
	put16(&f, 1);
	fb_pad(&f);
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_TRUNCATED);
}

static void test_malformed_icmp_quote(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;

	/* Quote ends inside the quoted IPv4 header, in a complete packet. */
	icmp_unreach_frame(&f, 18);
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary,
			    "ICMP 200.0.0.2 \xe2\x86\x92 100.0.0.1 destination unreachable (port "
			    "unreachable) [malformed: quote cut short]");
	/* Quote has the IP header but not the ports. */
	icmp_unreach_frame(&f, 10);
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_string_equal(r.summary,
			    "ICMP 200.0.0.2 \xe2\x86\x92 100.0.0.1 destination unreachable (port "
			    "unreachable) for UDP 100.0.0.1 \xe2\x86\x92 200.0.0.2 [malformed: quote "
			    "cut short]");
	/* Same bytes missing because the capture was cut: truncated. */
	icmp_unreach_frame(&f, 0);
	decode_exact(NULL, f.b, 14 + 20 + 8 + 22, f.n, &r);
	assert_int_equal(r.flags, DEC_TRUNCATED);
	assert_true(ends_with(r.summary, "200.0.0.2 [truncated]"));
	/* Quoted header with IHL 3. */
	icmp_unreach_frame(&f, 0);
	f.b[14 + 20 + 8] = 0x43;
	decode_exact(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.flags, DEC_MALFORMED);
	assert_true(ends_with(r.summary, "[malformed: quoted IPv4 header]"));
}

/* A full summary must still end with its marker. */
static void test_long_summary_keeps_marker(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	const char a[16] = { 0x20, 0x01, 0x0d, (char)0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint8_t opt[36] = { 1, 1, 5, 34 };
	for (int i = 4; i < 36; i++)
		opt[i] = 0xf0;
	fb_eth(&f, SMAC, CMAC, 0x86dd);
	ip6_header(&f, a, a, 6, 20 + sizeof opt + 100);
	fb_tcp(&f, 65535, 65535, 0xffffffff, 0xffffffff, 0xff, 65535, opt, sizeof opt);
	decode_exact(NULL, f.b, f.n, f.n + 100, &r);
	assert_true(strlen(r.summary) < DEC_SUMMARY_MAX);
	assert_true(ends_with(r.summary, " [truncated]"));
	assert_non_null(strstr(r.summary, "[FIN, SYN, RST, PSH, ACK, URG, ECE, CWR]"));
}

static void test_flags_str(void **state)
{
	(void)state;
	char b[64];
	dec_tcp_flags_str(TF_SYN | TF_ACK, b, sizeof b);
	assert_string_equal(b, "SYN, ACK");
	dec_tcp_flags_str(TF_FIN | TF_PSH | TF_ACK, b, sizeof b);
	assert_string_equal(b, "FIN, PSH, ACK");
	dec_tcp_flags_str(TF_RST | TF_ACK, b, sizeof b);
	assert_string_equal(b, "RST, ACK");
	dec_tcp_flags_str(TF_CWR | TF_ECE | TF_SYN, b, sizeof b);
	assert_string_equal(b, "SYN, ECE, CWR");
	dec_tcp_flags_str(0, b, sizeof b);
	assert_string_equal(b, "<None>");
	dec_tcp_flags_str(TF_SYN | TF_ACK, b, 5);
	assert_string_equal(b, "SYN,");
	dec_tcp_flags_str(TF_SYN, b, 0); /* nothing written */
}

static void test_hex(void **state)
{
	(void)state;
	struct fb f;
	char h[512];
	syn_frame(&f);
	size_t n = dec_hex(f.b, 20, h, sizeof h);
	assert_string_equal(h, "0000  02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00  ..............E.\n"
			       "0010  00 3c 1c 46                                      .<.F");
	assert_int_equal(n, strlen(h));
	n = dec_hex(f.b, 0, h, sizeof h);
	assert_int_equal(n, 0);
	assert_string_equal(h, "");
	n = dec_hex(f.b, f.n, h, 10);
	assert_int_equal(n, 9);
	assert_string_equal(h, "0000  02 ");
}

/* The fields a hidden answer may be in, at their offsets in the frame: the
 * IP addresses and ports, ARP's addresses, an ICMP error's quoted ones, past
 * a VLAN tag; a cut frame lists only the fields it holds whole. */
static void test_fields(void **state)
{
	(void)state;
	struct fb f;
	struct dec_result r;
	char got[160];
	/* The fields as "A26/4 P34/2 ...": kind, offset, length. */
#define FIELDS(r)                                                                                       \
	do {                                                                                            \
		got[0] = '\0';                                                                          \
		for (unsigned i_ = 0; i_ < (r).nfields; i_++) {                                          \
			size_t o_ = strlen(got);                                                        \
			snprintf(got + o_, sizeof got - o_, "%s%c%u/%u", o_ ? " " : "",                  \
				 (r).field[i_].kind == DF_ADDR ? 'A' : 'P', (r).field[i_].off, (r).field[i_].len); \
		}                                                                                       \
	} while (0)
	syn_frame(&f);
	dec_frame(NULL, f.b, f.n, f.n, &r);
	FIELDS(r);
	assert_string_equal(got, "A26/4 A30/4 P34/2 P36/2");
	dec_frame(NULL, f.b, 36, f.n, &r); /* cut before the destination port: no port is read */
	FIELDS(r);
	assert_string_equal(got, "A26/4 A30/4");
	dec_frame(NULL, f.b, 33, f.n, &r); /* inside the destination address: no IPv4 header */
	FIELDS(r);
	assert_string_equal(got, "");

	fb_eth(&f, BCAST, CMAC, 0x0806);
	put16(&f, 1), put16(&f, 0x0800), put8(&f, 6), put8(&f, 4), put16(&f, 1);
	putn(&f, CMAC, 6), putn(&f, CIP, 4), putn(&f, (uint8_t[6]){ 0 }, 6), putn(&f, SIP, 4);
	fb_pad(&f);
	dec_frame(NULL, f.b, f.n, f.n, &r);
	FIELDS(r);
	assert_string_equal(got, "A28/4 A38/4"); /* sender, target protocol addresses */
	assert_memory_equal(f.b + 28, CIP, 4);

	icmp_unreach_frame(&f, 0);
	dec_frame(NULL, f.b, f.n, f.n, &r);
	FIELDS(r);
	/* the ICMP packet's addresses, then the quoted datagram's (at 42) and its ports (at 62) */
	assert_string_equal(got, "A26/4 A30/4 A54/4 A58/4 P62/2 P64/2");
	assert_memory_equal(f.b + 54, CIP, 4);
	assert_int_equal(f.b[62] << 8 | f.b[63], 9000);

	fb_eth(&f, SMAC, CMAC, 0x8100);
	fb_vlan(&f, 10, 0x0800);
	fb_ip4(&f, CIP, SIP, 17, 0x1c47, 0x4000, NULL, 0);
	fb_udp(&f, 9000, 5000, "hola");
	fb_ip4_done(&f);
	fb_pad(&f);
	dec_frame(NULL, f.b, f.n, f.n, &r);
	FIELDS(r);
	assert_string_equal(got, "A30/4 A34/4 P38/2 P40/2");
#undef FIELDS

	/* The dump: "??" for a hidden byte, '?' in the text column. */
	char h[512];
	uint8_t hide[64] = { 0 };
	hide[14] = hide[15] = 1;
	syn_frame(&f);
	dec_hex_hidden(f.b, 20, hide, h, sizeof h);
	assert_string_equal(h, "0000  02 00 00 00 00 02 02 00 00 00 00 01 08 00 ?? ??  ..............??\n"
			       "0010  00 3c 1c 46                                      .<.F");
}

/* More conversations than DEC_FLOWS: old ones are replaced, none crash. */
static void test_flow_table_full(void **state)
{
	(void)state;
	struct dec_ctx ctx;
	struct fb f;
	struct dec_result r;
	dec_init(&ctx);
	for (unsigned i = 0; i < 3 * DEC_FLOWS; i++) {
		tcp_frame(&f, true, 1000 * i, 0, TF_SYN, 1024, NULL, 0, "");
		set16(&f, 14 + 20, 10000 + i); /* source port */
		dec_frame(&ctx, f.b, f.n, f.n, &r);
		assert_int_equal(r.seq, 0);
		tcp_frame(&f, false, 77, 1000 * i + 1, TF_SYN | TF_ACK, 1024, NULL, 0, "");
		set16(&f, 14 + 20 + 2, 10000 + i);
		dec_frame(&ctx, f.b, f.n, f.n, &r);
		assert_int_equal(r.ack, 1);
	}
	for (unsigned i = 0; i < DEC_FLOWS; i++)
		assert_true(ctx.flows[i].used);
}

static void test_detail_small_buffer(void **state)
{
	(void)state;
	struct fb f;
	char d[16];
	data_frame(&f);
	size_t n = dec_detail(NULL, f.b, f.n, f.n, d, sizeof d);
	assert_int_equal(n, 15);
	assert_int_equal(strlen(d), 15);
	assert_int_equal(dec_detail(NULL, f.b, f.n, f.n, d, 0), 0);
	/* Malformed and truncated are shown in the detail too. */
	char big[2048];
	data_frame(&f);
	f.b[14 + 20 + 12] = 3 << 4;
	dec_detail(NULL, f.b, f.n, f.n, big, sizeof big);
	assert_true(ends_with(big, "\n[malformed: TCP data offset 3]"));
}

/* Every prefix of a UDP datagram, an ICMP echo and a plain ARP packet is
 * flagged truncated (TCP, IPv6, VLAN and the ICMP quote: above). */
static void test_truncated_each_protocol(void **state)
{
	(void)state;
	struct fb fr[3];
	fb_eth(&fr[0], SMAC, CMAC, 0x0800);
	fb_ip4(&fr[0], CIP, SIP, 17, 0x1c47, 0x4000, NULL, 0);
	fb_udp(&fr[0], 9000, 5000, "hola");
	fb_ip4_done(&fr[0]);
	fb_eth(&fr[1], SMAC, CMAC, 0x0800);
	fb_ip4(&fr[1], CIP, SIP, 1, 0x3333, 0x4000, NULL, 0);
	put8(&fr[1], 8);
	put8(&fr[1], 0);
	put16(&fr[1], 0);
	put16(&fr[1], 1);
	put16(&fr[1], 1);
	putn(&fr[1], "0123", 4);
	fb_ip4_done(&fr[1]);
	fb_eth(&fr[2], BCAST, CMAC, 0x0806);
	put16(&fr[2], 1);
	put16(&fr[2], 0x0800);
	put8(&fr[2], 6);
	put8(&fr[2], 4);
	put16(&fr[2], 1);
	putn(&fr[2], CMAC, 6);
	putn(&fr[2], CIP, 4);
	putn(&fr[2], (uint8_t[6]){ 0 }, 6);
	putn(&fr[2], SIP, 4);
	struct dec_result r;
	for (int k = 0; k < 3; k++) {
		for (size_t n = 0; n < fr[k].n; n++) {
			decode_exact(NULL, fr[k].b, n, fr[k].n, &r);
			assert_true(r.flags & DEC_TRUNCATED);
			assert_false(r.flags & DEC_MALFORMED);
			assert_true(ends_with(r.summary, " [truncated]"));
		}
		decode_exact(NULL, fr[k].b, fr[k].n, fr[k].n, &r);
		assert_int_equal(r.flags, 0);
	}
}

/* The accessors (decode_int.h): a read past the captured bytes is zero and
 * marks the frame truncated, as tcpdump's GET_ macros do; asking first
 * (w_has) marks nothing; a narrower window never reaches past its layer. */
static void test_accessors_flag_short_reads(void **state)
{
	(void)state;
	uint8_t b[6] = { 1, 2, 3, 4, 5, 6 };
	unsigned flags = 0;
	struct win w = { b, 4, 6, &flags };
	assert_int_equal(w_u8(&w, 3), 4);
	assert_int_equal(w_be16(&w, 2), 0x0304);
	assert_int_equal(w_be32(&w, 0), 0x01020304u);
	assert_int_equal(flags, 0);
	assert_false(w_has(&w, 2, 4));
	assert_int_equal(flags, 0);
	assert_int_equal(w_u8(&w, 4), 0); /* b[4] exists, but was not captured */
	assert_int_equal(flags, DEC_TRUNCATED);
	flags = 0;
	assert_int_equal(w_be16(&w, 3), 0);
	assert_int_equal(flags, DEC_TRUNCATED);
	flags = 0;
	assert_int_equal(w_be32(&w, 1), 0);
	assert_int_equal(flags, DEC_TRUNCATED);
	flags = 0;
	uint8_t out[3] = { 9, 9, 9 };
	assert_false(w_copy(&w, 2, out, 3));
	assert_memory_equal(out, ((uint8_t[3]){ 0, 0, 0 }), 3);
	assert_int_equal(flags, DEC_TRUNCATED);
	flags = 0;
	struct win s = w_sub(&w, 1, 2); /* a layer of 2 bytes at 1 */
	assert_int_equal(s.len, 2);
	assert_int_equal(w_be16(&s, 0), 0x0203);
	assert_int_equal(w_u8(&s, 2), 0); /* the next layer's byte: not this one's */
	assert_int_equal(flags, DEC_TRUNCATED);
}

/* Linux cooked headers (the "any" device): the decoder reads them and
 * makes the frame Ethernet; the loopback's outgoing copy is told apart. */
static void test_link_cooked(void **state)
{
	(void)state;
	struct fb e;
	fb_eth(&e, SMAC, CMAC, 0x0800);
	fb_ip4(&e, CIP, SIP, 17, 0x1c47, 0x4000, NULL, 0);
	fb_udp(&e, 9000, 5000, "hola");
	fb_ip4_done(&e);
	size_t ip = e.n - 14;
	uint8_t sll[16 + 64] = { 0, 4, 3, 4, 0, 6 }, sll2[20 + 64] = { 8, 0, 0, 0, 0, 0, 0, 1, 3, 4, 4, 6 };
	memcpy(sll + 6, CMAC, 6);
	sll[14] = 0x08;
	memcpy(sll + 16, e.b + 14, ip);
	memcpy(sll2 + 12, CMAC, 6);
	memcpy(sll2 + 20, e.b + 14, ip);
	struct dec_link l;
	uint8_t out[128];
	struct dec_result r;
	for (int k = 0; k < 2; k++) {
		const uint8_t *p = k ? sll2 : sll;
		size_t hdr = k ? 20 : 16;
		assert_int_equal(dec_link(k ? DEC_LINK_SLL2 : DEC_LINK_SLL, p, hdr + ip, &l), 0);
		assert_int_equal(l.ethertype, 0x0800);
		assert_int_equal(l.dir, DEC_PKT_OUTGOING);
		assert_int_equal(l.hatype, 772);
		assert_int_equal(l.net_off, hdr);
		assert_memory_equal(l.src_mac, CMAC, 6);
		size_t n = dec_link_eth(&l, p, hdr + ip, out, sizeof out);
		assert_int_equal(n, 14 + ip);
		assert_memory_equal(out + 6, CMAC, 6);
		assert_memory_equal(out + 12, e.b + 12, 2 + ip);
		dec_frame(NULL, out, n, n, &r);
		assert_string_equal(r.summary, "UDP 100.0.0.1:9000 \xe2\x86\x92 200.0.0.2:5000 len=4");
		/* A cut header is said, not read past. */
		assert_int_equal(dec_link(k ? DEC_LINK_SLL2 : DEC_LINK_SLL, p, hdr - 1, &l), -1);
		assert_true(l.flags & DEC_TRUNCATED);
		assert_int_equal(dec_link_eth(&l, p, hdr - 1, out, sizeof out), 0);
	}
	/* Ethernet: the packet after 14 bytes, the frame as it is. */
	assert_int_equal(dec_link(DEC_LINK_ETH, e.b, e.n, &l), 0);
	assert_int_equal(l.net_off, 14);
	assert_int_equal(l.dir, DEC_PKT_NONE);
	assert_int_equal(dec_link_eth(&l, e.b, e.n, out, sizeof out), e.n);
	assert_int_equal(dec_link((enum dec_linktype)99, e.b, e.n, &l), -1);
}

/* dec_peek reads the context and changes nothing; dec_learn then makes the
 * frame count, as dec_frame does at once; dec_detail_known shows a frame
 * with the numbers it was decoded with, whatever the context learnt since. */
static void test_peek_learn_known(void **state)
{
	(void)state;
	struct fb f[4];
	syn_frame(&f[0]);
	tcp_frame(&f[1], false, SISN, CISN + 1, TF_SYN | TF_ACK, 65160, NULL, 0, "");
	tcp_frame(&f[2], true, CISN + 1, SISN + 1, TF_ACK, 502, NULL, 0, "");
	data_frame(&f[3]);
	struct dec_ctx a, b, before;
	dec_init(&a);
	dec_init(&b);
	struct dec_result ra[4], rb[4];
	for (int i = 0; i < 4; i++) {
		dec_frame(&a, f[i].b, f[i].n, f[i].n, &ra[i]);
		before = b;
		dec_peek(&b, f[i].b, f[i].n, f[i].n, &rb[i]);
		assert_memory_equal(&before, &b, sizeof b);
		dec_learn(&b, &rb[i]);
		assert_string_equal(ra[i].summary, rb[i].summary);
	}
	assert_memory_equal(&a, &b, sizeof a);
	assert_int_equal(ra[3].seq, 1);
	assert_int_equal(ra[3].ack, 1);
	assert_memory_equal(ra[3].key.src, CIP, 4);
	assert_int_equal(ra[3].key.kind, DK_TCP);
	assert_int_equal(ra[3].key.dport, 80);

	/* The conversation starts again on the same ports with another ISN. */
	struct fb syn2;
	tcp_frame(&syn2, true, 77, 0, TF_SYN, 64240, NULL, 0, "");
	struct dec_result r;
	dec_frame(&a, syn2.b, syn2.n, syn2.n, &r);
	char now[2048], then[2048];
	dec_detail(&a, f[3].b, f[3].n, f[3].n, now, sizeof now);
	dec_detail_known(&ra[3], f[3].b, f[3].n, f[3].n, then, sizeof then);
	assert_null(strstr(now, "seq 1 (raw"));
	assert_non_null(strstr(then, "seq 1 (raw 489306957), ack 1 (raw 2130711093)"));
	/* Decoded without a context: raw numbers, shown raw again. */
	dec_frame(NULL, f[3].b, f[3].n, f[3].n, &r);
	dec_detail_known(&r, f[3].b, f[3].n, f[3].n, then, sizeof then);
	assert_non_null(strstr(then, "seq 489306957 (raw 489306957)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_request),
		cmocka_unit_test(test_arp_reply),
		cmocka_unit_test(test_tcp_connection),
		cmocka_unit_test(test_tcp_syn_detail),
		cmocka_unit_test(test_tcp_rst),
		cmocka_unit_test(test_tcp_midstream),
		cmocka_unit_test(test_tcp_sack_and_wscale),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_padding_not_payload),
		cmocka_unit_test(test_icmp_port_unreachable),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_ipv4_unknown_proto),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_unknown_ethertype),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_malformed_ipv4),
		cmocka_unit_test(test_malformed_tcp),
		cmocka_unit_test(test_malformed_tcp_options),
		cmocka_unit_test(test_malformed_udp),
		cmocka_unit_test(test_malformed_arp),
		cmocka_unit_test(test_malformed_icmp_quote),
		cmocka_unit_test(test_long_summary_keeps_marker),
		cmocka_unit_test(test_flags_str),
		cmocka_unit_test(test_hex), cmocka_unit_test(test_fields),
		cmocka_unit_test(test_flow_table_full),
		cmocka_unit_test(test_detail_small_buffer),
		cmocka_unit_test(test_truncated_each_protocol),
		cmocka_unit_test(test_accessors_flag_short_reads),
		cmocka_unit_test(test_link_cooked),
		cmocka_unit_test(test_peek_learn_known),
	};
	return cmocka_run_group_tests(tests, pcap_setup, pcap_teardown);
}
