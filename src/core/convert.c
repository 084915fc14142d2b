/* convert.c - the conversion commands (see convert.h). */
#include "convert.h"
#include "sockaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static void inet_both(struct session *log, const struct cmd *c)
{
	char line[320];
	struct sa_conv a, p;

	sa_inet_addr(c->text, &a);
	sa_inet_pton(c->text, &p);
	if (a.ok) {
		unsigned char m[4];
		memcpy(m, &a.net, 4);
		snprintf(line, sizeof(line),
			 "inet_addr(\"%.64s\") = 0x%08X in network order: memory %02X %02X %02X %02X (%u.%u.%u.%u)",
			 c->text, (unsigned)ntohl(a.net), m[0], m[1], m[2], m[3], m[0], m[1], m[2], m[3]);
	} else if (!strcmp(c->text, "255.255.255.255")) {
		snprintf(line, sizeof(line),
			 "inet_addr(\"%.64s\") = 0xFFFFFFFF = INADDR_NONE: a valid address that looks exactly like an error",
			 c->text);
	} else {
		snprintf(line, sizeof(line), "inet_addr(\"%.64s\") = INADDR_NONE (0xFFFFFFFF): not an address", c->text);
	}
	session_add(log, EV_INFO, SIDE_NONE, -1, "%s", line);
	if (p.ok) {
		unsigned char m[4];
		memcpy(m, &p.net, 4);
		snprintf(line, sizeof(line), "inet_pton(AF_INET, \"%.64s\", &a) = 1: memory %02X %02X %02X %02X", c->text,
			 m[0], m[1], m[2], m[3]);
	} else {
		snprintf(line, sizeof(line), "inet_pton(AF_INET, \"%.64s\", &a) = %d: not a dotted quad, and it says so",
			 c->text, p.ret);
	}
	session_add(log, EV_INFO, SIDE_NONE, -1, "%s", line);
	if (a.ok != p.ok || (a.ok && a.net != p.net))
		session_add(log, EV_INFO, SIDE_NONE, -1, "%s",
			    !strcmp(c->text, "255.255.255.255")
				    ? "the trap: only inet_pton tells the broadcast address from an error"
				    : "inet_addr and inet_pton disagree: inet_addr also accepts shortened and octal/hex forms");
}

/* "00 50", "C8 00 00 02": n bytes of memory. */
static void mem_hex(const unsigned char *m, size_t n, char *out, size_t len)
{
	size_t w = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && w < len; i++) {
		int k = snprintf(out + w, len - w, "%s%02X", i ? " " : "", m[i]);
		if (k < 0)
			break;
		w += (size_t)k;
	}
}

/* The line on this CPU's own order, shared by ntohs and ntohl: the host
 * value's bytes, and what the call therefore does. */
static void host_line(const char *fn, unsigned long host, const unsigned char *m, size_t n, char *out, size_t len)
{
	char hx[16];

	mem_hex(m, n, hx, sizeof hx);
	if (sa_little_endian())
		snprintf(out, len, "this CPU is little-endian: it stores the host value %lu as %s, so %s %s", host, hx, fn,
			 n == 2 ? "swaps the two bytes" : "reverses the four bytes");
	else
		snprintf(out, len, "this CPU is big-endian: it stores the host value %lu as %s, the network's order, "
			 "so %s changes nothing", host, hx, fn);
}

void convert_ntohs(uint16_t net, char *line1, char *line2, size_t len)
{
	uint16_t host = ntohs(net); /* the real call, on this CPU */
	unsigned char m[2], hm[2];
	char hx[8];

	memcpy(m, &net, 2);
	memcpy(hm, &host, 2);
	mem_hex(m, 2, hx, sizeof hx);
	snprintf(line1, len, "ntohs(%u) = %u: the field 0x%04X holds the bytes %s in memory, in network order "
		 "(big-endian): 0x%04X = %u", (unsigned)net, (unsigned)host, (unsigned)net, hx, (unsigned)host,
		 (unsigned)host);
	host_line("ntohs", host, hm, 2, line2, len);
}

void convert_ntohl(uint32_t net, char *line1, char *line2, size_t len)
{
	uint32_t host = ntohl(net);
	unsigned char m[4], hm[4];
	char hx[16];

	memcpy(m, &net, 4);
	memcpy(hm, &host, 4);
	mem_hex(m, 4, hx, sizeof hx);
	snprintf(line1, len, "ntohl(%lu) = %lu: the field 0x%08lX holds the bytes %s in memory, in network order "
		 "(big-endian): 0x%08lX = %lu, as an address %u.%u.%u.%u", (unsigned long)net, (unsigned long)host,
		 (unsigned long)net, hx, (unsigned long)host, (unsigned long)host, m[0], m[1], m[2], m[3]);
	host_line("ntohl", host, hm, 4, line2, len);
}

static void view_row(struct conv_view *v, const char *label, const void *mem, int n, const char *what)
{
	if (v->nrows >= CONV_ROWS)
		return;
	struct conv_row *r = &v->row[v->nrows++];
	snprintf(r->label, sizeof(r->label), "%s", label);
	r->n = n;
	if (mem && n > 0)
		memcpy(r->b, mem, (size_t)n);
	snprintf(r->what, sizeof(r->what), "%s", what);
}

/* The byte boxes of one conversion, for the screen's hex pane: the
 * result's bytes in memory, and the same number in this CPU's order. */
static void conv_event(struct session *log, const struct cmd *c)
{
	struct conv_view v;
	char what[112];
	memset(&v, 0, sizeof(v));
	bool little = sa_little_endian();
	switch (c->verb) {
	case V_INET_ADDR:
	case V_INET_PTON: {
		struct sa_conv a, p;
		sa_inet_addr(c->text, &a);
		sa_inet_pton(c->text, &p);
		bool bcast = !strcmp(c->text, "255.255.255.255");
		snprintf(v.title, sizeof(v.title), "\"%.64s\": 4 bytes in memory", c->text);
		uint32_t none = INADDR_NONE;
		if (a.ok)
			view_row(&v, "inet_addr", &a.net, 4, "the address, first byte first");
		else
			view_row(&v, "inet_addr", &none, 4,
				 bcast ? "= INADDR_NONE: also its error"
				       : "INADDR_NONE (0xFFFFFFFF): not an address");
		if (p.ok)
			view_row(&v, "inet_pton", &p.net, 4, bcast ? "returns 1: it tells them apart" : "returns 1");
		else
			view_row(&v, "inet_pton", NULL, 0, "returns 0: not a dotted quad");
		break;
	}
	case V_HTONS:
	case V_NTOHS: {
		uint16_t in = (uint16_t)c->num, out = c->verb == V_HTONS ? htons(in) : ntohs(in);
		bool to_net = c->verb == V_HTONS;
		snprintf(v.title, sizeof(v.title), "%s(%u) = %u (0x%04X)", to_net ? "htons" : "ntohs", (unsigned)in,
			 (unsigned)out, (unsigned)out);
		uint16_t netv = to_net ? out : in, host = to_net ? in : out;
		snprintf(what, sizeof(what), "%u, network order (big-endian)", (unsigned)host);
		view_row(&v, "network", &netv, 2, what);
		snprintf(what, sizeof(what), "%u, this CPU's order (%s-endian)", (unsigned)host, little ? "little" : "big");
		view_row(&v, "host", &host, 2, what);
		break;
	}
	case V_HTONL:
	case V_NTOHL: {
		uint32_t in = c->num, out = c->verb == V_HTONL ? htonl(in) : ntohl(in);
		bool to_net = c->verb == V_HTONL;
		snprintf(v.title, sizeof(v.title), "%s(%lu) = %lu (0x%08lX)", to_net ? "htonl" : "ntohl", (unsigned long)in,
			 (unsigned long)out, (unsigned long)out);
		uint32_t netv = to_net ? out : in, host = to_net ? in : out;
		snprintf(what, sizeof(what), "%lu, network order (big-endian)", (unsigned long)host);
		view_row(&v, "network", &netv, 4, what);
		snprintf(what, sizeof(what), "%lu, this CPU's order (%s-endian)", (unsigned long)host,
			 little ? "little" : "big");
		view_row(&v, "host", &host, 4, what);
		break;
	}
	default:
		return;
	}
	struct event *ev = session_add(log, EV_CONVERT, SIDE_NONE, -1, "%s", v.title);
	if (ev)
		session_attach_conv(ev, &v);
}

void convert_run(struct session *log, const struct cmd *c)
{
	conv_event(log, c);
	char line[320], line2[320];

	switch (c->verb) {
	case V_INET_ADDR:
	case V_INET_PTON:
		inet_both(log, c);
		break;
	case V_HTONS:
		sa_order_port((uint16_t)c->num, false, line, sizeof(line));
		session_add(log, EV_INFO, SIDE_NONE, -1, "%s", line);
		break;
	case V_HTONL:
		sa_order_addr(c->num, line, sizeof(line));
		session_add(log, EV_INFO, SIDE_NONE, -1, "%s", line);
		break;
	case V_NTOHS:
		convert_ntohs((uint16_t)c->num, line, line2, sizeof(line));
		session_add(log, EV_INFO, SIDE_NONE, -1, "%s", line);
		session_add(log, EV_INFO, SIDE_NONE, -1, "%s", line2);
		break;
	case V_NTOHL:
		convert_ntohl(c->num, line, line2, sizeof(line));
		session_add(log, EV_INFO, SIDE_NONE, -1, "%s", line);
		session_add(log, EV_INFO, SIDE_NONE, -1, "%s", line2);
		break;
	default:
		break;
	}
}

/* v in memory on a host of the given order: 1000 is E8 03 little-endian. */
static void store16(uint16_t v, bool little, unsigned char m[2])
{
	m[0] = (unsigned char)(little ? v & 0xFF : v >> 8);
	m[1] = (unsigned char)(little ? v >> 8 : v & 0xFF);
}

void convert_journey(const struct journey *j, char *out, size_t len)
{
	static const bool rows[4][2] = { { true, true }, { false, false }, { true, false }, { false, true } };
	bool this_le = sa_little_endian();
	size_t w = 0;
	int k;

	if (!out || !len)
		return;
	out[0] = '\0';
	k = snprintf(out, len, "%-16s  %-10s  %-5s  %-5s  %-10s  %s", "HOST1", "CONVERSION", "TLI 1", "TLI 2",
		     "CONVERSION", "HOST2");
	w = k > 0 && (size_t)k < len ? (size_t)k : len - 1;
	for (int r = 0; r < 4 && w < len; r++) {
		bool le1 = rows[r][0], le2 = rows[r][1], real = le1 == this_le;
		unsigned char h1[2], t1[2], t2[2], h2[2];
		store16(j->value, le1, h1);
		if (real)
			memcpy(t1, j->tli1, 2);
		else if (j->nohtons)
			memcpy(t1, h1, 2);
		else
			store16(j->value, false, t1);
		bool wire = !real || j->wire_set;
		memcpy(t2, real && j->wire_set ? j->wire : t1, 2);
		uint16_t got = (uint16_t)(t2[0] << 8 | t2[1]); /* ntohs: the bytes read in network order */
		store16(got, le2, h2);
		char c1[24], c2[8], c3[8], c4[24];
		snprintf(c1, sizeof c1, "%s %02X %02X = %u", le1 ? "LE" : "BE", h1[0], h1[1], (unsigned)j->value);
		snprintf(c2, sizeof c2, "%02X %02X", t1[0], t1[1]);
		if (wire)
			snprintf(c3, sizeof c3, "%02X %02X", t2[0], t2[1]);
		else
			snprintf(c3, sizeof c3, "--");
		snprintf(c4, sizeof c4, "%s %02X %02X = %u%s", le2 ? "LE" : "BE", h2[0], h2[1], (unsigned)got,
			 got != j->value ? " \xe2\x9a\xa0" : "");
		/* The warning sign where the lecture puts it: a little-endian
		 * host that sends without converting. Padded by hand: the sign
		 * is one column and three bytes. */
		const char *conv = j->nohtons ? (le1 ? "none \xe2\x9a\xa0    " : "none      ") : "htons()   ";
		k = snprintf(out + w, len - w, "\n%-16s  %s  %-5s  %-5s  %-10s  %s", c1, conv, c2, c3, "ntohs()", c4);
		w = k > 0 && w + (size_t)k < len ? w + (size_t)k : len - 1;
	}
	k = snprintf(out + w, len - w, "\n%s = this machine: real bytes, TLI 2 %s. %s: computed.",
		     this_le ? "LE" : "BE", j->wire_set ? "as captured" : "-- (no frame yet)", this_le ? "BE" : "LE");
	(void)k;
}

void convert_sender(const struct sockaddr_in *from, char *out, size_t len)
{
	uint16_t port = ntohs(from->sin_port); /* the real calls, on this CPU */
	uint32_t addr = ntohl(from->sin_addr.s_addr);
	unsigned char pb[2], ab[4], hp[2], ha[4];
	memcpy(pb, &from->sin_port, 2);
	memcpy(ab, &from->sin_addr.s_addr, 4);
	memcpy(hp, &port, 2);
	memcpy(ha, &addr, 4);
	const char *order = sa_little_endian() ? "little" : "big";
	if (!out || !len)
		return;
	snprintf(out, len,
		 "FIELD     NETWORK      CALL     HOST ORDER  IN MEMORY\n"
		 "sin_port  %02X %02X        ntohs()  %-10u  %02X %02X\n"
		 "sin_addr  %02X %02X %02X %02X  ntohl()  0x%08lX  %02X %02X %02X %02X  (%u.%u.%u.%u)\n"
		 "NETWORK: big-endian, as the kernel wrote it. IN MEMORY: this %s-endian CPU",
		 pb[0], pb[1], (unsigned)port, hp[0], hp[1], ab[0], ab[1], ab[2], ab[3], (unsigned long)addr, ha[0],
		 ha[1], ha[2], ha[3], ab[0], ab[1], ab[2], ab[3], order);
}
