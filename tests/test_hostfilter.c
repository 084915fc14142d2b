/* test_hostfilter.c - --net host lets the kernel see only sockstep's frames.
 * Each expression hostfilter_expr writes must compile for the "any"
 * capture's link type (DLT_LINUX_SLL), and the compiled program, run on
 * real frame bytes (pcap_offline_filter), must decide as hostfilter_match
 * does in C: the kernel's first line and sockstep's second agree. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "frame_build.h"
#include "hostfilter.h"

static struct hf_set set;
static char expr[HF_EXPR_MAX];

static struct in_addr ip(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void flow(uint8_t proto, const char *l, unsigned lport, const char *r, unsigned rport, bool listener)
{
	struct hf_flow *f = &set.flows[set.nflows++];
	*f = (struct hf_flow){ .proto = proto, .listener = listener, .laddr = ip(l), .lport = (uint16_t)lport,
			       .raddr = ip(r), .rport = (uint16_t)rport };
}

static void other(uint8_t proto, const char *a, unsigned port)
{
	set.others[set.nothers++] = (struct hf_bound){ .proto = proto, .addr = ip(a), .port = (uint16_t)port };
}

static int reset(void **state)
{
	(void)state;
	memset(&set, 0, sizeof(set));
	set.locals[set.nlocals++] = ip("192.0.2.7"); /* an address of "this host" */
	return 0;
}

/* The expression for set, compiled as libpcap compiles it for the capture. */
static struct bpf_program prog;
static pcap_t *dead;
static bool coarse;

static void compile(void)
{
	assert_int_equal(hostfilter_expr(&set, coarse, expr, sizeof(expr)), 0);
	assert_true(expr[0]);
	pcap_freecode(&prog);
	if (!dead)
		dead = pcap_open_dead(DLT_LINUX_SLL, 65535);
	assert_non_null(dead);
	if (pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0)
		fail_msg("pcap_compile: %s\nexpression: %s", pcap_geterr(dead), expr);
	/* The kernel takes at most 4096 instructions (BPF_MAXINSNS). */
	assert_true(prog.bf_len <= 4096);
	/* And libpcap can hand it to the kernel: of the cooked header, the
	 * kernel knows only the packet type (offset 0) and the protocol (14);
	 * a load of anything else there makes libpcap filter in user space,
	 * with every frame let into the ring. */
	for (unsigned i = 0; i < prog.bf_len; i++) {
		const struct bpf_insn *in = &prog.bf_insns[i];
		unsigned cls = BPF_CLASS(in->code), mode = BPF_MODE(in->code);
		if ((cls == BPF_LD || cls == BPF_LDX) && mode == BPF_ABS && in->k < 16 && in->k != 0 && in->k != 14)
			fail_msg("instruction %u loads byte %u of the cooked header: not filterable in the kernel\n"
				 "expression: %s", i, in->k, expr);
	}
}

/* An IPv4 packet: proto, addresses, then l4 bytes of transport header. */
static struct fb pkt;

static void ip4(unsigned proto, const char *src, const char *dst, unsigned ihl_words)
{
	memset(&pkt, 0, sizeof(pkt));
	pkt.l3 = 0;
	put8(&pkt, 0x40 | ihl_words);
	put8(&pkt, 0);
	put16(&pkt, 0); /* total length: set by done() */
	put32(&pkt, 0);
	put8(&pkt, 64);
	put8(&pkt, proto);
	put16(&pkt, 0);
	putn(&pkt, &(struct in_addr){ ip(src).s_addr }, 4);
	putn(&pkt, &(struct in_addr){ ip(dst).s_addr }, 4);
	for (unsigned i = 5; i < ihl_words; i++)
		put32(&pkt, 0x01010101); /* NOP options */
	pkt.l4 = pkt.n;
}

static void tcp(unsigned sport, unsigned dport, unsigned flags, unsigned payload)
{
	put16(&pkt, sport);
	put16(&pkt, dport);
	put32(&pkt, 1000);
	put32(&pkt, 2000);
	put8(&pkt, 5 << 4);
	put8(&pkt, flags);
	put16(&pkt, 65535);
	put32(&pkt, 0);
	for (unsigned i = 0; i < payload; i++)
		put8(&pkt, 'x');
}

static void udp(unsigned sport, unsigned dport, const char *data)
{
	put16(&pkt, sport);
	put16(&pkt, dport);
	put16(&pkt, 8 + (unsigned)strlen(data));
	put16(&pkt, 0);
	putn(&pkt, data, strlen(data));
}

static void done(void)
{
	pkt.b[2] = (uint8_t)(pkt.n >> 8);
	pkt.b[3] = (uint8_t)pkt.n;
}

/* An ICMP error (type) from `from` quoting the datagram src:sport -> dst:dport. */
static void icmp_err(unsigned type, const char *from, const char *to, unsigned quoted_proto, const char *src,
		     unsigned sport, const char *dst, unsigned dport, unsigned quoted_ihl)
{
	ip4(1, from, to, 5);
	put8(&pkt, type);
	put8(&pkt, 3);
	put16(&pkt, 0);
	put32(&pkt, 0);
	size_t q = pkt.n;
	put8(&pkt, 0x40 | quoted_ihl);
	put8(&pkt, 0);
	put16(&pkt, 40);
	put32(&pkt, 0);
	put8(&pkt, 64);
	put8(&pkt, quoted_proto);
	put16(&pkt, 0);
	putn(&pkt, &(struct in_addr){ ip(src).s_addr }, 4);
	putn(&pkt, &(struct in_addr){ ip(dst).s_addr }, 4);
	for (unsigned i = 5; i < quoted_ihl; i++)
		put32(&pkt, 0x01010101);
	put16(&pkt, sport);
	put16(&pkt, dport);
	put32(&pkt, 0);
	(void)q;
	done();
}

static void arp(const char *sender, const char *target)
{
	memset(&pkt, 0, sizeof(pkt));
	put16(&pkt, 1);
	put16(&pkt, 0x0800);
	put8(&pkt, 6);
	put8(&pkt, 4);
	put16(&pkt, 1);
	putn(&pkt, "\x02\0\0\0\0\x01", 6);
	putn(&pkt, &(struct in_addr){ ip(sender).s_addr }, 4);
	putn(&pkt, "\0\0\0\0\0\0", 6);
	putn(&pkt, &(struct in_addr){ ip(target).s_addr }, 4);
}

/* What the kernel filter says of the packet, captured on the "any" device
 * (cooked header: packet type, ARPHRD, address, protocol). */
static bool kernel_says(unsigned pkttype, unsigned hatype, unsigned ethertype)
{
	uint8_t f[1700] = { 0 };
	f[0] = (uint8_t)(pkttype >> 8), f[1] = (uint8_t)pkttype;
	f[2] = (uint8_t)(hatype >> 8), f[3] = (uint8_t)hatype;
	f[5] = 6;
	f[14] = (uint8_t)(ethertype >> 8), f[15] = (uint8_t)ethertype;
	memcpy(f + 16, pkt.b, pkt.n);
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)(16 + pkt.n), .len = (bpf_u_int32)(16 + pkt.n) };
	return pcap_offline_filter(&prog, &h, f) != 0;
}

/* What sockstep's second line says of it (as an Ethernet frame, which is
 * what the wire makes of a cooked one). */
static bool sockstep_says(unsigned ethertype)
{
	uint8_t f[1700] = { 0 };
	f[12] = (uint8_t)(ethertype >> 8), f[13] = (uint8_t)ethertype;
	memcpy(f + 14, pkt.b, pkt.n);
	struct flowkey k;
	flowkey_read(f, 14 + pkt.n, &k);
	return hostfilter_match(&set, &k) >= 0;
}

/* Both lines agree on the packet, and say `want`. */
#define OURS(want)                                                                                             \
	do {                                                                                                   \
		unsigned et_ = pkt.n >= 20 && pkt.b[0] >> 4 == 4 ? 0x0800 : 0x0806;                          \
		bool k_ = kernel_says(0, 1, et_), s_ = sockstep_says(et_);                                     \
		if (k_ != (want) || s_ != (want))                                                              \
			fail_msg("line %d: kernel %d, sockstep %d, expected %d\nexpression: %s", __LINE__, k_, \
				 s_, (int)(want), expr);                                                       \
	} while (0)

static void nothing_ours_is_the_empty_expression(void **state)
{
	(void)state;
	assert_int_equal(hostfilter_expr(&set, coarse, expr, sizeof(expr)), 0);
	assert_string_equal(expr, "");
	/* A socket with no port yet and no destination owns nothing either. */
	flow(IPPROTO_UDP, "0.0.0.0", 0, "0.0.0.0", 0, false);
	assert_int_equal(hostfilter_expr(&set, coarse, expr, sizeof(expr)), 0);
	assert_string_equal(expr, "");
}

static void a_connected_socket_owns_its_four_tuple_only(void **state)
{
	(void)state;
	flow(IPPROTO_TCP, "127.0.0.1", 40000, "127.0.0.1", 8080, false);
	compile();
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(40000, 8080, 0x18, 10), done();
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(8080, 40000, 0x10, 0), done();
	OURS(true);
	/* Another user's HTTP on another port, or from another port: not ours. */
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(40001, 8080, 0x18, 200), done();
	OURS(false);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(50000, 39123, 0x18, 200), done();
	OURS(false);
	/* UDP on the same ports is another socket. */
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(40000, 8080, "hola"), done();
	OURS(false);
}

static void lo_shows_a_packet_once(void **state)
{
	(void)state;
	flow(IPPROTO_UDP, "127.0.0.1", 5000, "0.0.0.0", 0, false);
	compile();
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(40000, 5000, "hola"), done();
	assert_true(kernel_says(0, 772, 0x0800));  /* PACKET_HOST on lo */
	assert_false(kernel_says(4, 772, 0x0800)); /* PACKET_OUTGOING on lo: the same packet again */
	set.flows[0].laddr = ip("192.0.2.7");
	compile();
	ip4(17, "198.51.100.1", "192.0.2.7", 5), udp(40000, 5000, "hola"), done();
	assert_true(kernel_says(0, 1, 0x0800)); /* arriving on an Ethernet interface */
	ip4(17, "192.0.2.7", "198.51.100.1", 5), udp(5000, 40000, "hola"), done();
	assert_true(kernel_says(4, 1, 0x0800)); /* going out of one: the only copy */
}

static void a_wildcard_socket_yields_an_address_another_socket_has(void **state)
{
	(void)state;
	/* Ours: UDP 0.0.0.0:5353; another user's: UDP 127.0.0.5:5353 (both
	 * SO_REUSEADDR). The kernel gives 127.0.0.5's datagrams to theirs. */
	flow(IPPROTO_UDP, "0.0.0.0", 5353, "0.0.0.0", 0, false);
	other(IPPROTO_UDP, "127.0.0.5", 5353);
	other(IPPROTO_TCP, "127.0.0.1", 5353); /* TCP is another port space */
	compile();
	ip4(17, "127.0.0.1", "127.0.0.5", 5), udp(40000, 5353, "secret"), done();
	OURS(false);
	ip4(17, "127.0.0.5", "127.0.0.1", 5), udp(5353, 40000, "reply"), done();
	OURS(false);
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(40000, 5353, "hola"), done();
	OURS(true);
	ip4(17, "192.0.2.7", "192.0.2.7", 5), udp(40000, 5353, "hola"), done();
	OURS(true);
	/* Not an address of this host (forwarded for a container): not ours. */
	ip4(17, "10.9.9.9", "198.51.100.1", 5), udp(40000, 5353, "hola"), done();
	OURS(false);
	/* Our reply from 127.0.0.1:5353. */
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(5353, 40000, "hola"), done();
	OURS(true);
}

static void when_the_kernel_could_choose_either_nothing_is_ours(void **state)
{
	(void)state;
	flow(IPPROTO_UDP, "0.0.0.0", 6000, "0.0.0.0", 0, false);
	flow(IPPROTO_UDP, "127.0.0.1", 6001, "0.0.0.0", 0, false);
	flow(IPPROTO_UDP, "127.0.0.1", 6002, "0.0.0.0", 0, false);
	other(IPPROTO_UDP, "0.0.0.0", 6000);   /* same wildcard */
	other(IPPROTO_UDP, "127.0.0.1", 6001); /* same address */
	other(IPPROTO_UDP, "0.0.0.0", 6002);   /* less specific than ours: ours wins */
	compile();
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(40000, 6000, "x"), done();
	OURS(false);
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(40000, 6001, "x"), done();
	OURS(false);
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(40000, 6002, "x"), done();
	OURS(true);
	/* The other sockets could not be listed: a socket waiting for any peer owns nothing. */
	set.others_unknown = true;
	assert_int_equal(hostfilter_expr(&set, coarse, expr, sizeof(expr)), 0);
	assert_string_equal(expr, "");
	assert_false(sockstep_says(0x0800));
	/* A connected one still owns its 4-tuple. */
	flow(IPPROTO_UDP, "127.0.0.1", 6003, "127.0.0.1", 7000, false);
	compile();
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(7000, 6003, "x"), done();
	OURS(true);
}

static void a_listener_owns_handshakes_not_connections_on_its_port(void **state)
{
	(void)state;
	flow(IPPROTO_TCP, "0.0.0.0", 8080, "0.0.0.0", 0, true);
	compile();
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(40000, 8080, 0x02, 0), done(); /* SYN */
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(8080, 40000, 0x12, 0), done(); /* SYN-ACK */
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(8080, 40000, 0x14, 0), done(); /* RST, ACK */
	OURS(true);
	/* Another process's connection on the port: its data, its FIN. */
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(40001, 8080, 0x18, 120), done();
	OURS(false);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(8080, 40001, 0x18, 120), done();
	OURS(false);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(40001, 8080, 0x11, 0), done();
	OURS(false);
	/* An ICMP error cannot say which connection it quotes: not the listener's. */
	icmp_err(3, "127.0.0.1", "127.0.0.1", 6, "127.0.0.1", 8080, "127.0.0.1", 40000, 5);
	OURS(false);
	/* A bare ACK could be any connection's: the engine pins a handshake's
	 * 4-tuple at its SYN (a flow of its own, below). */
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(40001, 8080, 0x10, 0), done();
	OURS(false);
	flow(IPPROTO_TCP, "127.0.0.1", 8080, "127.0.0.1", 40000, false);
	compile();
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(40000, 8080, 0x10, 0), done();
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(40001, 8080, 0x10, 0), done();
	OURS(false);
}

static void a_connect_owns_its_destination_before_its_port_is_known(void **state)
{
	(void)state;
	flow(IPPROTO_TCP, "0.0.0.0", 0, "127.0.0.1", 9, false);
	compile();
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(45678, 9, 0x02, 0), done();
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(9, 45678, 0x14, 0), done();
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(9, 45678, 0x14, 0), done();
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(45678, 10, 0x02, 0), done();
	OURS(false);
}

static void icmp_errors_count_when_they_quote_what_we_sent(void **state)
{
	(void)state;
	flow(IPPROTO_UDP, "127.0.0.1", 41000, "0.0.0.0", 0, false);
	flow(IPPROTO_UDP, "0.0.0.0", 0, "127.0.0.1", 9, false); /* a first sendto, port not yet known */
	compile();
	icmp_err(3, "127.0.0.1", "127.0.0.1", 17, "127.0.0.1", 41000, "127.0.0.1", 9, 5);
	OURS(true);
	icmp_err(11, "127.0.0.1", "127.0.0.1", 17, "127.0.0.1", 41000, "127.0.0.1", 53, 5);
	OURS(true);
	icmp_err(3, "127.0.0.1", "127.0.0.1", 17, "127.0.0.1", 42000, "127.0.0.1", 9, 5);
	OURS(true); /* the pending destination */
	/* Quoting a datagram sent to us, someone else's, TCP, or with IP options: not ours. */
	icmp_err(3, "127.0.0.1", "127.0.0.1", 17, "127.0.0.1", 9, "127.0.0.1", 41000, 5);
	OURS(false);
	icmp_err(3, "127.0.0.1", "127.0.0.1", 17, "127.0.0.1", 42000, "127.0.0.1", 53, 5);
	OURS(false);
	icmp_err(3, "127.0.0.1", "127.0.0.1", 6, "127.0.0.1", 41000, "127.0.0.1", 9, 5);
	OURS(false);
	icmp_err(3, "127.0.0.1", "127.0.0.1", 17, "127.0.0.1", 41000, "127.0.0.1", 9, 6);
	OURS(false);
	/* An echo request is no error. */
	icmp_err(8, "127.0.0.1", "127.0.0.1", 17, "127.0.0.1", 41000, "127.0.0.1", 9, 5);
	OURS(false);
}

static void arp_about_our_peers(void **state)
{
	(void)state;
	flow(IPPROTO_TCP, "192.0.2.7", 40000, "192.0.2.1", 80, false);
	set.peers[set.npeers++] = ip("192.0.2.1");
	compile();
	arp("192.0.2.7", "192.0.2.1");
	OURS(true);
	arp("192.0.2.1", "192.0.2.7");
	OURS(true);
	arp("192.0.2.9", "192.0.2.7");
	OURS(false);
}

static void many_sockets_still_fit_the_kernel(void **state)
{
	(void)state;
	/* 96 sockets, half of them connected: the full filter fits. */
	for (unsigned i = 0; i < 48; i++) {
		flow(IPPROTO_TCP, "127.0.0.1", 20000 + i, "127.0.0.1", 30000 + i, false);
		flow(IPPROTO_UDP, "0.0.0.0", 21000 + i, "0.0.0.0", 0, false);
	}
	compile();
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(1, 21047, "x"), done();
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(30047, 20047, 0x10, 0), done();
	OURS(true);
	ip4(6, "127.0.0.1", "127.0.0.1", 5), tcp(30047, 20046, 0x10, 0), done();
	OURS(false);
}

static void a_full_engine_fits_coarsely(void **state)
{
	(void)state;
	/* Every slot the engine has (128), each with a pending destination and
	 * a handshake pinned: the coarse filter still fits, keeps ours, and the
	 * second line still refuses what only the addresses tell apart. */
	for (unsigned i = 0; i < 64; i++) {
		flow(IPPROTO_TCP, "127.0.0.1", 20000 + i, "127.0.0.1", 30000 + i, false);
		flow(IPPROTO_UDP, "0.0.0.0", 21000 + i, "0.0.0.0", 0, false);
		flow(IPPROTO_UDP, "0.0.0.0", 0, "127.0.0.1", 22000 + i, false);
		flow(IPPROTO_TCP, "0.0.0.0", 8080, "0.0.0.0", 0, true);
	}
	set.peers[set.npeers++] = ip("192.0.2.1");
	coarse = true;
	compile();
	coarse = false;
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(1, 21063, "x"), done();
	OURS(true);
	ip4(17, "127.0.0.1", "127.0.0.1", 5), udp(1, 21064, "x"), done();
	OURS(false);
	ip4(17, "10.9.9.9", "198.51.100.1", 5), udp(1, 21063, "x"), done();
	assert_true(kernel_says(0, 1, 0x0800));
	assert_false(sockstep_says(0x0800));
}

static void what_does_not_fit_is_refused_whole(void **state)
{
	(void)state;
	flow(IPPROTO_TCP, "127.0.0.1", 40000, "127.0.0.1", 8080, false);
	char small[40];
	assert_int_equal(hostfilter_expr(&set, false, small, sizeof(small)), -ENOSPC);
	assert_string_equal(small, "");
}

static int teardown(void **state)
{
	(void)state;
	pcap_freecode(&prog);
	memset(&prog, 0, sizeof(prog));
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nothing_ours_is_the_empty_expression, reset, teardown),
		cmocka_unit_test_setup_teardown(a_connected_socket_owns_its_four_tuple_only, reset, teardown),
		cmocka_unit_test_setup_teardown(lo_shows_a_packet_once, reset, teardown),
		cmocka_unit_test_setup_teardown(a_wildcard_socket_yields_an_address_another_socket_has, reset, teardown),
		cmocka_unit_test_setup_teardown(when_the_kernel_could_choose_either_nothing_is_ours, reset, teardown),
		cmocka_unit_test_setup_teardown(a_listener_owns_handshakes_not_connections_on_its_port, reset, teardown),
		cmocka_unit_test_setup_teardown(a_connect_owns_its_destination_before_its_port_is_known, reset, teardown),
		cmocka_unit_test_setup_teardown(icmp_errors_count_when_they_quote_what_we_sent, reset, teardown),
		cmocka_unit_test_setup_teardown(arp_about_our_peers, reset, teardown),
		cmocka_unit_test_setup_teardown(many_sockets_still_fit_the_kernel, reset, teardown),
		cmocka_unit_test_setup_teardown(a_full_engine_fits_coarsely, reset, teardown),
		cmocka_unit_test_setup_teardown(what_does_not_fit_is_refused_whole, reset, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (dead)
		pcap_close(dead);
	return rc;
}
