/* gen_pcap.c - write a synthetic capture of lab traffic for the benchmarks.
 *
 *   gen_pcap [-n FRAMES] [-s SEED] [-c CONCURRENT] OUT.pcap
 *
 * A classic pcap (microseconds, Ethernet) of FRAMES frames (default 1000000)
 * as sockstep's wire would capture them between the client 100.0.0.1
 * (02:00:00:00:00:01) and the server 200.0.0.2 (02:00:00:00:00:02): ARP
 * requests and replies, TCP connections (SYN and SYN-ACK with MSS, SACK_PERM,
 * timestamps and window scale; requests and responses with payload, ACKs,
 * FIN/ACK teardown), refused connections (SYN, RST/ACK), UDP exchanges and
 * datagrams to a closed port answered by ICMP port unreachable. CONCURRENT
 * conversations (default 8) are interleaved, each with its own ephemeral port
 * and random initial sequence numbers; IP, TCP and UDP checksums are correct.
 * Deterministic for a given seed. No dependencies beyond libc. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { C2S = 0, S2C = 1 };
enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };
enum { K_ARP_REQ, K_ARP_REP, K_TCP, K_UDP, K_ICMP_UNREACH };

static const uint8_t mac_c[6] = { 2, 0, 0, 0, 0, 1 }, mac_s[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t ip_c[4] = { 100, 0, 0, 1 }, ip_s[4] = { 200, 0, 0, 2 };

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void)
{
	uint64_t x = rng_state; /* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return (uint32_t)((x * 0x2545F4914F6CDD1Dull) >> 32);
}
static uint32_t rnd_in(uint32_t lo, uint32_t hi) { return lo + rnd() % (hi - lo + 1); }

/* One step of a conversation: who sends, what. */
struct act {
	uint8_t kind, dir, flags;
	uint16_t len;    /* payload bytes */
	uint16_t dport;  /* UDP: destination port override (closed port) */
};

#define MAX_ACTS 96
struct conv {
	struct act a[MAX_ACTS];
	int n, pos;
	uint16_t cport, sport;
	uint32_t seq[2];       /* next sequence number of each side */
	uint32_t tsval[2];
	uint16_t ipid[2];
	bool open;
};

static FILE *out;
static unsigned long frames_left;
static uint64_t now_us = 1700000000ull * 1000000;
static uint8_t text[4096];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}
static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void emit(const uint8_t *f, size_t len)
{
	uint8_t h[16];
	now_us += rnd_in(1, 300);
	uint32_t sec = (uint32_t)(now_us / 1000000), usec = (uint32_t)(now_us % 1000000);
	uint32_t v[4] = { sec, usec, (uint32_t)len, (uint32_t)len };
	memcpy(h, v, sizeof h); /* host byte order, as the magic says */
	fwrite(h, 1, sizeof h, out);
	fwrite(f, 1, len, out);
	frames_left--;
}

static size_t eth(uint8_t *f, int dir, uint16_t type, bool bcast)
{
	memcpy(f, bcast ? (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
			: (dir == C2S ? mac_s : mac_c), 6);
	memcpy(f + 6, dir == C2S ? mac_c : mac_s, 6);
	put16(f + 12, type);
	return 14;
}

/* IPv4 header at f; returns 20. */
static size_t ipv4(uint8_t *f, int dir, uint8_t proto, size_t l4len, uint16_t id, bool df)
{
	memset(f, 0, 20);
	f[0] = 0x45;
	put16(f + 2, (uint16_t)(20 + l4len));
	put16(f + 4, id);
	if (df)
		f[6] = 0x40;
	f[8] = 64;
	f[9] = proto;
	memcpy(f + 12, dir == C2S ? ip_c : ip_s, 4);
	memcpy(f + 16, dir == C2S ? ip_s : ip_c, 4);
	put16(f + 10, fold(sum16(f, 20, 0)));
	return 20;
}

static uint16_t l4sum(const uint8_t *ip, const uint8_t *l4, size_t len, uint8_t proto)
{
	uint32_t s = sum16(ip + 12, 8, 0) + proto + (uint32_t)len;
	uint16_t c = fold(sum16(l4, len, s));
	return (proto == 17 && c == 0) ? 0xffff : c;
}

static void arp(int dir, int op)
{
	uint8_t f[42];
	/* The request comes from the side that wants the other's address. */
	eth(f, dir, 0x0806, op == 1);
	uint8_t *a = f + 14;
	put16(a, 1); put16(a + 2, 0x0800); a[4] = 6; a[5] = 4; put16(a + 6, (uint16_t)op);
	memcpy(a + 8, dir == C2S ? mac_c : mac_s, 6);
	memcpy(a + 14, dir == C2S ? ip_c : ip_s, 4);
	if (op == 1)
		memset(a + 18, 0, 6);
	else
		memcpy(a + 18, dir == C2S ? mac_s : mac_c, 6);
	memcpy(a + 24, dir == C2S ? ip_s : ip_c, 4);
	emit(f, sizeof f);
}

static void tcp(struct conv *c, const struct act *a)
{
	uint8_t f[14 + 20 + 60 + 1500];
	int d = a->dir;
	uint8_t opt[40];
	size_t ol = 0;
	c->tsval[d] += rnd_in(0, 3);
	if (a->flags & SYN) { /* MSS, SACK_PERM, TS, NOP, WS: Linux's SYN */
		opt[0] = 2; opt[1] = 4; put16(opt + 2, 1460);
		opt[4] = 4; opt[5] = 2;
		opt[6] = 8; opt[7] = 10; put32(opt + 8, c->tsval[d]); put32(opt + 12, (a->flags & ACK) ? c->tsval[!d] : 0);
		opt[16] = 1; opt[17] = 3; opt[18] = 3; opt[19] = 7;
		ol = 20;
	} else if (!(a->flags & RST)) { /* NOP NOP TS */
		opt[0] = 1; opt[1] = 1; opt[2] = 8; opt[3] = 10;
		put32(opt + 4, c->tsval[d]); put32(opt + 8, c->tsval[!d]);
		ol = 12;
	}
	size_t tl = 20 + ol + a->len;
	size_t o = eth(f, d, 0x0800, false);
	uint8_t *ip = f + o;
	o += ipv4(ip, d, 6, tl, c->ipid[d]++, true);
	uint8_t *t = f + o;
	memset(t, 0, 20);
	put16(t, d == C2S ? c->cport : c->sport);
	put16(t + 2, d == C2S ? c->sport : c->cport);
	put32(t + 4, c->seq[d]);
	put32(t + 8, (a->flags & ACK) ? c->seq[!d] : 0);
	t[12] = (uint8_t)(((20 + ol) / 4) << 4);
	t[13] = a->flags;
	put16(t + 14, (a->flags & SYN) ? (d == C2S ? 64240 : 65160) : (a->flags & RST) ? 0 : (uint16_t)rnd_in(200, 512));
	memcpy(t + 20, opt, ol);
	memcpy(t + 20 + ol, text + rnd() % (sizeof text - 1500), a->len);
	put16(t + 16, l4sum(ip, t, tl, 6));
	emit(f, o + tl);
	c->seq[d] += a->len + ((a->flags & (SYN | FIN)) ? 1u : 0u);
}

static void udp(struct conv *c, const struct act *a)
{
	uint8_t f[14 + 20 + 8 + 1472];
	int d = a->dir;
	size_t ul = 8 + a->len;
	size_t o = eth(f, d, 0x0800, false);
	uint8_t *ip = f + o;
	o += ipv4(ip, d, 17, ul, c->ipid[d]++, true);
	uint8_t *u = f + o;
	put16(u, d == C2S ? c->cport : c->sport);
	put16(u + 2, a->dport ? a->dport : (d == C2S ? c->sport : c->cport));
	put16(u + 4, (uint16_t)ul);
	put16(u + 6, 0);
	memcpy(u + 8, text + rnd() % (sizeof text - 1500), a->len);
	put16(u + 6, l4sum(ip, u, ul, 17));
	emit(f, o + ul);
	/* The datagram to a closed port: the server answers ICMP port
	 * unreachable, quoting the datagram (Linux quotes up to 576 bytes). */
	if (a->dport && frames_left) {
		uint8_t g[14 + 20 + 8 + 548];
		size_t q = 20 + ul > 548 ? 548 : 20 + ul;
		size_t p = eth(g, !d, 0x0800, false);
		uint8_t *ip2 = g + p;
		p += ipv4(ip2, !d, 1, 8 + q, c->ipid[!d]++, false);
		uint8_t *ic = g + p;
		memset(ic, 0, 8);
		ic[0] = 3; ic[1] = 3;
		memcpy(ic + 8, ip, q);
		put16(ic + 2, fold(sum16(ic, 8 + q, 0)));
		emit(g, p + 8 + q);
	}
}

static void push(struct conv *c, uint8_t kind, int dir, uint8_t flags, unsigned len)
{
	if (c->n < MAX_ACTS)
		c->a[c->n++] = (struct act){ kind, (uint8_t)dir, flags, (uint16_t)len, 0 };
}

static bool port_in_use(const struct conv *cs, int n, uint16_t p)
{
	for (int i = 0; i < n; i++)
		if (cs[i].open && cs[i].cport == p)
			return true;
	return false;
}

/* A new conversation with a script of steps. */
static void conv_new(struct conv *c, const struct conv *all, int nall)
{
	static const uint16_t tcp_ports[] = { 80, 443, 8080, 22, 25, 7, 9000 };
	static const uint16_t udp_ports[] = { 5000, 5001, 7, 9999, 12345 };
	memset(c, 0, sizeof *c);
	do
		c->cport = (uint16_t)rnd_in(32768, 60999);
	while (port_in_use(all, nall, c->cport));
	c->seq[0] = rnd();
	c->seq[1] = rnd();
	c->tsval[0] = rnd();
	c->tsval[1] = rnd();
	c->ipid[0] = (uint16_t)rnd();
	c->ipid[1] = (uint16_t)rnd();
	c->open = true;
	unsigned r = rnd() % 100;
	if (r < 4) { /* neighbours forgot each other */
		push(c, K_ARP_REQ, rnd() & 1, 0, 0);
		push(c, K_ARP_REP, !c->a[0].dir, 0, 0);
	} else if (r < 70) { /* a TCP connection */
		c->sport = tcp_ports[rnd() % 7];
		push(c, K_TCP, C2S, SYN, 0);
		push(c, K_TCP, S2C, SYN | ACK, 0);
		push(c, K_TCP, C2S, ACK, 0);
		unsigned rounds = rnd_in(1, 4);
		for (unsigned i = 0; i < rounds; i++) {
			push(c, K_TCP, C2S, PSH | ACK, rnd_in(1, 400));
			unsigned segs = rnd_in(0, 4);
			if (!segs)
				push(c, K_TCP, S2C, ACK, 0);
			for (unsigned k = 0; k < segs; k++)
				push(c, K_TCP, S2C, k + 1 == segs ? PSH | ACK : ACK,
				     k + 1 == segs ? rnd_in(1, 1448) : 1448);
			if (segs)
				push(c, K_TCP, C2S, ACK, 0);
		}
		push(c, K_TCP, C2S, FIN | ACK, 0);
		push(c, K_TCP, S2C, ACK, 0);
		push(c, K_TCP, S2C, FIN | ACK, 0);
		push(c, K_TCP, C2S, ACK, 0);
	} else if (r < 76) { /* refused: nobody listens */
		c->sport = (uint16_t)rnd_in(1, 1023);
		push(c, K_TCP, C2S, SYN, 0);
		push(c, K_TCP, S2C, RST | ACK, 0);
	} else if (r < 94) { /* UDP request/response */
		c->sport = udp_ports[rnd() % 5];
		unsigned n = rnd_in(1, 5);
		for (unsigned i = 0; i < n; i++) {
			push(c, K_UDP, C2S, 0, rnd_in(0, 512));
			if (rnd() % 4)
				push(c, K_UDP, S2C, 0, rnd_in(1, 1200));
		}
	} else { /* UDP to a closed port: ICMP port unreachable (2 frames) */
		c->sport = (uint16_t)rnd_in(1024, 4999);
		push(c, K_ICMP_UNREACH, C2S, 0, rnd_in(0, 700));
		c->a[c->n - 1].dport = c->sport;
	}
}

static void conv_step(struct conv *c)
{
	const struct act *a = &c->a[c->pos++];
	switch (a->kind) {
	case K_ARP_REQ: arp(a->dir, 1); break;
	case K_ARP_REP: arp(a->dir, 2); break;
	case K_TCP:
		if (a->flags == (RST | ACK)) /* RFC 9293: RST to a SYN acks it, seq 0 */
			c->seq[S2C] = 0;
		tcp(c, a);
		break;
	case K_UDP:
	case K_ICMP_UNREACH: udp(c, a); break;
	}
	if (c->pos == c->n)
		c->open = false;
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_pcap [-n FRAMES] [-s SEED] [-c CONCURRENT] OUT.pcap\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long n = 1000000;
	unsigned long long seed = 1;
	int conc = 8, opt;
	while ((opt = getopt(argc, argv, "n:s:c:")) != -1) {
		char *e;
		switch (opt) {
		case 'n': n = strtoul(optarg, &e, 10); if (*e || !n) usage(); break;
		case 's': seed = strtoull(optarg, &e, 10); if (*e) usage(); break;
		case 'c': conc = atoi(optarg); if (conc < 1 || conc > 64) usage(); break;
		default: usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	rng_state ^= seed * 0xD1B54A32D192ED03ull;
	if (!rng_state)
		rng_state = 1;
	for (size_t i = 0; i < sizeof text; i++) { /* printable "payload" */
		static const char w[] = "GET /index.html HTTP/1.1\r\nHost: 200.0.0.2\r\n hola adios ";
		text[i] = (uint8_t)((rnd() % 8) ? (uint8_t)w[i % (sizeof w - 1)] : 'a' + rnd() % 26u);
	}
	out = fopen(argv[optind], "wb");
	if (!out) {
		perror(argv[optind]);
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof obuf);
	uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1 /* DLT_EN10MB */ };
	fwrite(gh, 1, sizeof gh, out);

	frames_left = n;
	struct conv cs[64];
	memset(cs, 0, sizeof cs);
	/* The lab starts as sockstep's does: the client asks for the server's MAC. */
	arp(C2S, 1);
	if (frames_left)
		arp(S2C, 2);
	while (frames_left) {
		struct conv *c = &cs[rnd() % (unsigned)conc];
		if (!c->open)
			conv_new(c, cs, conc);
		conv_step(c);
	}
	if (fclose(out)) {
		perror(argv[optind]);
		return 1;
	}
	return 0;
}
