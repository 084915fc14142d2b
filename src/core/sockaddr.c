/* sockaddr.c - struct sockaddr_in, one statement at a time (see sockaddr.h). */
#include "sockaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Copy the structure's memory out, as the lecture's printf loop reads it. */
static void snap(unsigned char dst[16], const struct sockaddr_in *sin)
{
	_Static_assert(sizeof(struct sockaddr_in) == 16, "sockaddr_in is 16 bytes");
	memcpy(dst, sin, 16);
}

/* When inet_addr read something other than the plain dotted quad of its
 * result ("1.2.3", "010.0.0.1", "0x7f.1"), say what it read and why: the
 * bytes alone would not tell the student that 010 was octal. */
static void inet_addr_note(struct sa_build *b, const char *text)
{
	unsigned char m[4];
	char quad[16], why[96] = "";
	size_t parts = 1, w = 0;
	bool hex = false, octal = false;

	memcpy(m, &b->sin.sin_addr.s_addr, 4);
	snprintf(quad, sizeof quad, "%u.%u.%u.%u", m[0], m[1], m[2], m[3]);
	if (!strcmp(quad, text) || (b->conv_failed && !b->none_is_addr))
		return;
	for (const char *p = text; *p; p++) {
		bool start = p == text || p[-1] == '.';
		parts += *p == '.';
		hex |= start && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
		octal |= start && p[0] == '0' && p[1] >= '0' && p[1] <= '9';
	}
	if (parts == 1)
		w += (size_t)snprintf(why, sizeof why, "one number: all 32 bits");
	else if (parts < 4)
		w += (size_t)snprintf(why, sizeof why, "%zu parts: the last fills the low %zu bits", parts,
				      32 - 8 * (parts - 1));
	if (octal && w < sizeof why)
		w += (size_t)snprintf(why + w, sizeof why - w, "%sa leading 0 is octal", w ? "; " : "");
	if (hex && w < sizeof why)
		w += (size_t)snprintf(why + w, sizeof why - w, "%s0x is hex", w ? "; " : "");
	snprintf(b->note, sizeof b->note, "inet_addr(\"%.31s\") read %s (%s): bytes %02X %02X %02X %02X", text, quad,
		 w ? why : "another spelling", m[0], m[1], m[2], m[3]);
}

void sa_build(struct sa_build *b, const char *var, const char *addr_text, uint16_t port,
	      enum conv conv, bool nohtons)
{
	memset(b, 0, sizeof(*b));
	b->conv = conv;
	b->nohtons = nohtons;
	b->port_host = port;

	/* Start from garbage, as an automatic variable would, so memset shows. */
	memset(&b->sin, 0xA5, sizeof(b->sin));
	memset(&b->sin, 0, sizeof(b->sin));
	snap(b->bytes[SA_MEMSET], &b->sin);
	snprintf(b->code[SA_MEMSET], SA_CODE_MAX, "memset(&%s, 0, sizeof(%s));", var, var);

	b->sin.sin_family = AF_INET;
	snap(b->bytes[SA_FAMILY], &b->sin);
	snprintf(b->code[SA_FAMILY], SA_CODE_MAX, "%s.sin_family = AF_INET;", var);

	if (conv == CONV_INET_PTON) {
		int r = inet_pton(AF_INET, addr_text, &b->sin.sin_addr);
		b->conv_failed = r != 1;
		snprintf(b->code[SA_ADDR], SA_CODE_MAX, "inet_pton(AF_INET, \"%s\", &%s.sin_addr);",
			 addr_text, var);
	} else {
		struct in_addr read;
		b->sin.sin_addr.s_addr = inet_addr(addr_text);
		b->conv_failed = b->sin.sin_addr.s_addr == INADDR_NONE;
		b->none_is_addr = b->conv_failed && inet_aton(addr_text, &read) != 0;
		snprintf(b->code[SA_ADDR], SA_CODE_MAX, "%s.sin_addr.s_addr = inet_addr(\"%s\");",
			 var, addr_text);
		inet_addr_note(b, addr_text);
	}
	b->addr_host = ntohl(b->sin.sin_addr.s_addr);
	snap(b->bytes[SA_ADDR], &b->sin);

	if (nohtons) {
		b->sin.sin_port = port; /* the mistake the byte-order lesson shows */
		snprintf(b->code[SA_PORT], SA_CODE_MAX, "%s.sin_port = %u;  /* no htons! */", var,
			 (unsigned)port);
	} else {
		b->sin.sin_port = htons(port);
		snprintf(b->code[SA_PORT], SA_CODE_MAX, "%s.sin_port = htons(%u);", var,
			 (unsigned)port);
	}
	b->port_stored = b->sin.sin_port;
	snap(b->bytes[SA_PORT], &b->sin);
}

const char *sa_field(int i)
{
	if (i < 0 || i > 15)
		return "";
	if (i < 2)
		return "sin_family";
	if (i < 4)
		return "sin_port";
	if (i < 8)
		return "sin_addr";
	return "sin_zero";
}

void sa_hex(const unsigned char b[16], char out[SA_HEX_MAX])
{
	static const char hex[] = "0123456789ABCDEF";
	char *o = out;
	for (int i = 0; i < 16; i++) {
		if (i)
			*o++ = ' ';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
}

void sa_lecture(const unsigned char b[16], char out[SA_LECTURE_MAX])
{
	size_t w = 0;

	out[0] = '\0';
	for (int i = 0; i < 16; i++)
		w += (size_t)snprintf(out + w, SA_LECTURE_MAX - w, "[%d]=%X,", i, b[i]);
}

void sa_legend(char *out, size_t len)
{
	/* Each label starts under the first byte of its field (3 columns a byte). */
	snprintf(out, len, "%-6s%-6s%-12s%s", "fam", "port", "sin_addr", "sin_zero (padding)");
}

bool sa_little_endian(void)
{
	const uint16_t one = 1;
	unsigned char first;
	memcpy(&first, &one, 1);
	return first == 1;
}

void sa_order_port(uint16_t port, bool nohtons, char *out, size_t len)
{
	const char *cpu = sa_little_endian() ? "little-endian" : "big-endian";
	if (nohtons) {
		uint16_t wire = sa_little_endian() ? (uint16_t)((port >> 8) | (port << 8)) : port;
		snprintf(out, len,
			 "sin_port = %u without htons(): memory %02X %02X, which the network reads as "
			 "port %u (this CPU is %s)",
			 (unsigned)port, (unsigned)(wire >> 8), (unsigned)(wire & 0xFF), (unsigned)wire,
			 cpu);
	} else {
		uint16_t n = htons(port);
		unsigned char m[2];
		memcpy(m, &n, 2);
		snprintf(out, len,
			 "htons(%u): host value 0x%04X, memory %02X %02X (network order, big-endian; "
			 "this CPU is %s and would store %02X %02X)",
			 (unsigned)port, (unsigned)port, m[0], m[1], cpu,
			 sa_little_endian() ? (unsigned)(port & 0xFF) : (unsigned)(port >> 8),
			 sa_little_endian() ? (unsigned)(port >> 8) : (unsigned)(port & 0xFF));
	}
}

void sa_order_addr(uint32_t addr_host, char *out, size_t len)
{
	unsigned a = addr_host >> 24, b = (addr_host >> 16) & 0xFF, c = (addr_host >> 8) & 0xFF,
		 d = addr_host & 0xFF;
	if (sa_little_endian())
		snprintf(out, len,
			 "sin_addr: host value 0x%08X, memory %02X %02X %02X %02X (network order; "
			 "as a plain integer this CPU would store %02X %02X %02X %02X: use htonl)",
			 (unsigned)addr_host, a, b, c, d, d, c, b, a);
	else
		snprintf(out, len,
			 "sin_addr: host value 0x%08X, memory %02X %02X %02X %02X (network order = "
			 "this CPU's order)",
			 (unsigned)addr_host, a, b, c, d);
}

void sa_order_of(const struct sa_build *b, char *port, size_t plen, char *addr, size_t alen)
{
	if (!b->read) {
		sa_order_port(b->port_host, b->nohtons, port, plen);
		sa_order_addr(b->addr_host, addr, alen);
		return;
	}
	const unsigned char *m = b->bytes[SA_NSTAGES - 1];
	unsigned net = (unsigned)m[2] << 8 | m[3], other = (unsigned)m[3] << 8 | m[2];
	/* A port that reads as a small number the other way round was most
	 * likely stored without htons() (the lecture's 20480 for 80). */
	if (net >= 1024 && other && other < 1024)
		snprintf(port, plen,
			 "sin_port: memory %02X %02X = port %u in network order; the other way round %u: a port "
			 "stored without htons() on a %s CPU (htons(%u) stores %02X %02X)",
			 m[2], m[3], net, other, sa_little_endian() ? "little-endian" : "big-endian", other, m[3], m[2]);
	else
		snprintf(port, plen, "sin_port: memory %02X %02X = port %u in network order (what htons(%u) stores)",
			 m[2], m[3], net, net);
	snprintf(addr, alen, "sin_addr: memory %02X %02X %02X %02X = %u.%u.%u.%u in network order (what "
		 "inet_addr(\"%u.%u.%u.%u\") stores)", m[4], m[5], m[6], m[7], m[4], m[5], m[6], m[7], m[4], m[5], m[6],
		 m[7]);
}

void sa_inet_addr(const char *text, struct sa_conv *r)
{
	r->net = inet_addr(text);
	r->ok = r->net != INADDR_NONE;
	r->ret = 0;
}

void sa_inet_pton(const char *text, struct sa_conv *r)
{
	struct in_addr a = { 0 };
	r->ret = inet_pton(AF_INET, text, &a);
	r->ok = r->ret == 1;
	r->net = a.s_addr;
}
