/* test_flowkey.c - --net host keeps a frame only when it is about one of
 * sockstep's sockets; these tests check that the frame is read right: the
 * addresses and ports of TCP and UDP, of the datagram an ICMP error quotes,
 * ARP's two addresses, and nothing for what cannot be ours or is cut short. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "flowkey.h"

static uint8_t f[128];

/* Ethernet header with this EtherType; returns the offset of its payload. */
static size_t eth(unsigned type)
{
	memset(f, 0, sizeof(f));
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return 14;
}

/* An IPv4 header (20 bytes) at off, then 4 bytes of ports. */
static size_t ip4(size_t off, unsigned proto, const char *src, const char *dst, unsigned sport, unsigned dport)
{
	f[off] = 0x45;
	f[off + 2] = 0, f[off + 3] = 28;
	f[off + 8] = 64;
	f[off + 9] = (uint8_t)proto;
	inet_pton(AF_INET, src, f + off + 12);
	inet_pton(AF_INET, dst, f + off + 16);
	f[off + 20] = (uint8_t)(sport >> 8), f[off + 21] = (uint8_t)sport;
	f[off + 22] = (uint8_t)(dport >> 8), f[off + 23] = (uint8_t)dport;
	return off + 28;
}

static void is(const struct sockaddr_in *sa, const char *ip, unsigned port)
{
	char got[16];
	inet_ntop(AF_INET, &sa->sin_addr, got, sizeof(got));
	assert_string_equal(got, ip);
	assert_int_equal(ntohs(sa->sin_port), port);
	assert_int_equal(sa->sin_family, AF_INET);
}

static void tcp_and_udp_give_their_flow(void **state)
{
	(void)state;
	struct flowkey k;
	size_t n = ip4(eth(0x0800), 6, "100.0.0.1", "200.0.0.2", 9000, 80);
	assert_int_equal(flowkey_read(f, n, &k), FK_TCP);
	is(&k.src, "100.0.0.1", 9000);
	is(&k.dst, "200.0.0.2", 80);
	n = ip4(eth(0x0800), 17, "127.0.0.1", "127.0.0.1", 40000, 7777);
	assert_int_equal(flowkey_read(f, n, &k), FK_UDP);
	is(&k.dst, "127.0.0.1", 7777);
}

static void icmp_errors_give_the_quoted_flow(void **state)
{
	(void)state;
	struct flowkey k;
	/* Port unreachable from 200.0.0.2 about our UDP datagram to its port 5000. */
	size_t off = ip4(eth(0x0800), 1, "200.0.0.2", "100.0.0.1", 0, 0) - 8;
	f[off] = 3, f[off + 1] = 3, f[off + 4] = 0, f[off + 5] = 0;
	size_t n = ip4(off + 8, 17, "100.0.0.1", "200.0.0.2", 9000, 5000);
	assert_int_equal(flowkey_read(f, n, &k), FK_ICMP_UDP);
	is(&k.src, "100.0.0.1", 9000);
	is(&k.dst, "200.0.0.2", 5000);
	f[off + 8 + 9] = 6;
	assert_int_equal(flowkey_read(f, n, &k), FK_ICMP_TCP);
	/* An echo request quotes nothing: not an error, not ours by flow. */
	f[off] = 8;
	assert_int_equal(flowkey_read(f, n, &k), FK_NONE);
}

static void arp_gives_both_addresses(void **state)
{
	(void)state;
	struct flowkey k;
	size_t o = eth(0x0806);
	memcpy(f + o, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
	inet_pton(AF_INET, "100.0.0.1", f + o + 14);
	inet_pton(AF_INET, "200.0.0.2", f + o + 24);
	assert_int_equal(flowkey_read(f, o + 28, &k), FK_ARP);
	is(&k.src, "100.0.0.1", 0);
	is(&k.dst, "200.0.0.2", 0);
	f[o + 5] = 16; /* not IPv4 addresses */
	assert_int_equal(flowkey_read(f, o + 28, &k), FK_NONE);
}

static void what_cannot_be_ours_is_none(void **state)
{
	(void)state;
	struct flowkey k;
	size_t n = ip4(eth(0x86dd), 6, "100.0.0.1", "200.0.0.2", 1, 2);
	assert_int_equal(flowkey_read(f, n, &k), FK_NONE); /* IPv6 */
	n = ip4(eth(0x8100), 6, "100.0.0.1", "200.0.0.2", 1, 2);
	assert_int_equal(flowkey_read(f, n, &k), FK_NONE); /* a VLAN tag */
	n = ip4(eth(0x0800), 6, "100.0.0.1", "200.0.0.2", 1, 2);
	f[14 + 6] = 0x00, f[14 + 7] = 0x10;                  /* a later fragment: no ports */
	assert_int_equal(flowkey_read(f, n, &k), FK_NONE);
	n = ip4(eth(0x0800), 47, "100.0.0.1", "200.0.0.2", 1, 2);
	assert_int_equal(flowkey_read(f, n, &k), FK_NONE); /* GRE */
	n = ip4(eth(0x0800), 6, "100.0.0.1", "200.0.0.2", 1, 2);
	f[14] = 0x44;                                       /* IHL 16 bytes: malformed */
	assert_int_equal(flowkey_read(f, n, &k), FK_NONE);
}

static void every_cut_is_none_and_in_bounds(void **state)
{
	(void)state;
	struct flowkey k;
	/* Each frame cut at every length: only the whole one (or one cut after
	 * the ports) is a flow, and nothing past the cut is read (ASan's heap
	 * copy of exactly len bytes checks that). */
	size_t n = ip4(eth(0x0800), 6, "100.0.0.1", "200.0.0.2", 9000, 80);
	for (size_t len = 0; len <= n; len++) {
		uint8_t *c = malloc(len ? len : 1);
		memcpy(c, f, len);
		enum flowkey_kind kind = flowkey_read(c, len, &k);
		assert_int_equal(kind, len >= 14 + 24 ? FK_TCP : FK_NONE);
		if (kind == FK_NONE)
			assert_int_equal(k.src.sin_port, 0);
		free(c);
	}
	srand(3);
	for (int i = 0; i < 100000; i++) {
		size_t len = (size_t)(rand() % 80);
		uint8_t *c = malloc(len ? len : 1);
		for (size_t j = 0; j < len; j++)
			c[j] = (uint8_t)rand();
		if (len > 13 && (i & 1))
			c[12] = 0x08, c[13] = (uint8_t)(i & 2 ? 0x00 : 0x06);
		flowkey_read(c, len, &k);
		free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_and_udp_give_their_flow),
		cmocka_unit_test(icmp_errors_give_the_quoted_flow),
		cmocka_unit_test(arp_gives_both_addresses),
		cmocka_unit_test(what_cannot_be_ours_is_none),
		cmocka_unit_test(every_cut_is_none_and_in_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
