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
		b->sin.sin_addr.s_addr = inet_addr(addr_text);
		b->conv_failed = b->sin.sin_addr.s_addr == INADDR_NONE;
		snprintf(b->code[SA_ADDR], SA_CODE_MAX, "%s.sin_addr.s_addr = inet_addr(\"%s\");",
			 var, addr_text);
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
