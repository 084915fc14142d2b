/* test_ladder.c - the ladder diagram: each frame's label, flags first, in
 * the forms that fit narrower panes; the rows of a whole connection with
 * its calls and states beside the lanes; held, dropped and retransmitted
 * frames; and frames cut short or lying about their lengths, which must
 * never be read past their captured bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame_build.h"

#include "ladder.h"

/* ---- building frames ---------------------------------------------------- */


static const uint8_t CIP[4] = { 100, 0, 0, 1 }, SIP[4] = { 200, 0, 0, 2 };
static const uint8_t CMAC[6] = { 2, 0, 0, 0, 0, 1 }, SMAC[6] = { 2, 0, 0, 0, 0, 2 };

#define CISN 1000u
#define SISN 5000u

/* Ethernet + IPv4 (total length filled in) + TCP or UDP with data. */
static void frame(struct fb *f, bool from_client, unsigned proto, uint32_t seq, uint32_t ack, unsigned flags,
		  const char *data, size_t dlen)
{
	memset(f, 0, sizeof(*f));
	putn(f, from_client ? SMAC : CMAC, 6);
	putn(f, from_client ? CMAC : SMAC, 6);
	put16(f, 0x0800);
	size_t l3 = f->n;
	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0); /* total length, below */
	put16(f, 1);
	put16(f, 0x4000);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	putn(f, from_client ? CIP : SIP, 4);
	putn(f, from_client ? SIP : CIP, 4);
	put16(f, from_client ? 9000 : 80);
	put16(f, from_client ? 80 : 9000);
	if (proto == 6) {
		put32(f, seq);
		put32(f, ack);
		put8(f, 5 << 4);
		put8(f, flags);
		put16(f, 502);
		put16(f, 0);
		put16(f, 0);
	} else {
		put16(f, (unsigned)(8 + dlen));
		put16(f, 0);
	}
	putn(f, data, dlen);
	size_t tot = f->n - l3;
	f->b[l3 + 2] = (uint8_t)(tot >> 8);
	f->b[l3 + 3] = (uint8_t)tot;
}

static void arp(struct fb *f, bool request)
{
	memset(f, 0, sizeof(*f));
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	putn(f, request ? bcast : CMAC, 6);
	putn(f, request ? CMAC : SMAC, 6);
	put16(f, 0x0806);
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, request ? 1 : 2);
	putn(f, request ? CMAC : SMAC, 6);
	putn(f, request ? CIP : SIP, 4);
	putn(f, request ? bcast : CMAC, 6);
	putn(f, request ? SIP : CIP, 4);
}

static struct dec_ctx ctx;

static unsigned now; /* the command being run, as the log numbers them */

static int note(struct ladder *l, enum ladder_side side, enum ladder_note kind, const char *text,
		const char *result)
{
	return ladder_add_note(l, now, side, kind, text, result);
}

/* Decode from a heap copy of exactly caplen bytes (ASan sees any read past
 * it) and build the labels from the same copy. */
static int labels_of(const struct fb *f, size_t caplen, size_t wirelen, char labels[][LADDER_LABEL_MAX])
{
	uint8_t *copy = malloc(caplen ? caplen : 1);
	assert_non_null(copy);
	memcpy(copy, f->b, caplen);
	struct dec_result r;
	dec_frame(&ctx, copy, caplen, wirelen, &r);
	assert_true(r.payload_off == 0 || r.payload_off < caplen);
	int n = ladder_labels(&r, copy, caplen, labels);
	free(copy);
	assert_true(n >= 1 && n <= LADDER_TIERS);
	for (int i = 0; i < n; i++)
		assert_true(strlen(labels[i]) < LADDER_LABEL_MAX);
	return n;
}

static int labels(const struct fb *f, char l[][LADDER_LABEL_MAX])
{
	return labels_of(f, f->n, f->n, l);
}

static int setup(void **state)
{
	(void)state;
	dec_init(&ctx);
	return 0;
}

/* ---- labels ------------------------------------------------------------- */

static void test_tcp_labels(void **state)
{
	(void)state;
	char l[LADDER_TIERS][LADDER_LABEL_MAX];
	struct fb f;
	frame(&f, true, 6, CISN, 0, TF_SYN, "", 0);
	assert_int_equal(labels(&f, l), 2);
	assert_string_equal(l[0], "[SYN] seq=0");
	assert_string_equal(l[1], "[SYN]");
	frame(&f, false, 6, SISN, CISN + 1, TF_SYN | TF_ACK, "", 0);
	labels(&f, l);
	assert_string_equal(l[0], "[SYN, ACK] seq=0 ack=1");
	assert_string_equal(l[1], "[SYN, ACK] seq=0");
	assert_string_equal(l[2], "[SYN, ACK]");
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_ACK, "", 0);
	labels(&f, l);
	assert_string_equal(l[0], "[ACK] seq=1 ack=1");
	assert_string_equal(l[1], "[ACK] ack=1");
	assert_string_equal(l[2], "[ACK]");
	/* Data: the numbers go before the bytes. */
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_PSH | TF_ACK, "hola", 4);
	assert_int_equal(labels(&f, l), 4);
	assert_string_equal(l[0], "[PSH, ACK] seq=1 ack=1 len=4 \"hola\"");
	assert_string_equal(l[1], "[PSH, ACK] len=4 \"hola\"");
	assert_string_equal(l[2], "[PSH, ACK] len=4");
	assert_string_equal(l[3], "[PSH, ACK]");
	frame(&f, true, 6, CISN + 5, SISN + 1, TF_FIN | TF_ACK, "", 0);
	labels(&f, l);
	assert_string_equal(l[0], "[FIN, ACK] seq=5 ack=1");
	frame(&f, false, 6, SISN + 1, 0, TF_RST, "", 0);
	labels(&f, l);
	assert_string_equal(l[0], "[RST] seq=1");
	assert_string_equal(l[1], "[RST]");
}

static void test_payload_quoted(void **state)
{
	(void)state;
	char l[LADDER_TIERS][LADDER_LABEL_MAX];
	struct fb f;
	frame(&f, true, 6, CISN, 0, TF_SYN, "", 0);
	labels(&f, l);
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_PSH | TF_ACK, "GET /\r\n\x01", 8);
	labels(&f, l);
	assert_string_equal(l[1], "[PSH, ACK] len=8 \"GET /\\r\\n\\x01\"");
	/* A long payload: its first bytes, and a sign that there is more. */
	const char *big = "hola, client, this is a long message";
	frame(&f, false, 17, 0, 0, 0, big, strlen(big));
	labels(&f, l);
	assert_string_equal(l[0], "UDP len=36 \"hola, client, this ...\"");
	assert_string_equal(l[1], "UDP len=36 \"hola,...\"");
	assert_string_equal(l[2], "UDP len=36");
	assert_string_equal(l[3], "UDP");
}

static void test_udp_arp_labels(void **state)
{
	(void)state;
	char l[LADDER_TIERS][LADDER_LABEL_MAX];
	struct fb f;
	frame(&f, true, 17, 0, 0, 0, "hola", 4);
	labels(&f, l);
	assert_string_equal(l[0], "UDP len=4 \"hola\"");
	frame(&f, true, 17, 0, 0, 0, "", 0);
	assert_int_equal(labels(&f, l), 2);
	assert_string_equal(l[0], "UDP len=0");
	arp(&f, true);
	labels(&f, l);
	assert_string_equal(l[0], "ARP who-has 200.0.0.2");
	arp(&f, false);
	labels(&f, l);
	assert_string_equal(l[0], "ARP reply");
}

/* Cut short at every length, or claiming more than it has: labels are
 * built from what was captured, never from beyond it. */
static void test_hostile_frames(void **state)
{
	(void)state;
	char l[LADDER_TIERS][LADDER_LABEL_MAX];
	struct fb f;
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_PSH | TF_ACK, "hola", 4);
	for (size_t cut = 0; cut <= f.n; cut++)
		labels_of(&f, cut, f.n, l);
	labels_of(&f, f.n - 2, f.n, l); /* two payload bytes captured */
	assert_non_null(strstr(l[0], "len=4 \"ho...\""));
	frame(&f, true, 17, 0, 0, 0, "hola", 4);
	for (size_t cut = 0; cut <= f.n; cut++)
		labels_of(&f, cut, f.n, l);
	/* UDP claiming 60000 bytes of payload in a 4-byte datagram */
	f.b[14 + 20 + 4] = 0xea;
	f.b[14 + 20 + 5] = 0x60;
	labels_of(&f, f.n, f.n, l);
	assert_string_equal(l[0], "UDP [bad]");
	/* TCP with a data offset beyond the segment */
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_ACK, "hola", 4);
	f.b[14 + 20 + 12] = 15 << 4;
	labels_of(&f, f.n, f.n, l);
	assert_true(!strncmp(l[0], "[ACK]", 5) || !strncmp(l[0], "TCP", 3));
	/* zero bytes, NULL data */
	struct dec_result r;
	dec_frame(NULL, NULL, 0, 0, &r);
	assert_true(ladder_labels(&r, NULL, 0, l) >= 1);
	/* a payload offset past the capture is ignored, not followed */
	frame(&f, true, 17, 0, 0, 0, "hola", 4);
	dec_frame(NULL, f.b, f.n, f.n, &r);
	r.payload_off = 5000;
	r.payload_len = 100000;
	ladder_labels(&r, f.b, f.n, l);
	assert_string_equal(l[0], "UDP len=100000");
}

static void test_call_names(void **state)
{
	(void)state;
	char n[32];
	assert_true(ladder_call_name("csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);", n,
				     sizeof(n)));
	assert_string_equal(n, "accept");
	assert_true(ladder_call_name("connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver));", n,
				     sizeof(n)));
	assert_true(ladder_call_name("send(sock, \"hola\", 4, 0);", n, sizeof(n)));
	assert_true(ladder_call_name("n = recvfrom(sock, buffer, 1024, 0, NULL, NULL);", n, sizeof(n)));
	assert_string_equal(n, "recvfrom");
	assert_true(ladder_call_name("listen(sock, 5);", n, sizeof(n)));
	assert_true(ladder_call_name("shutdown(sock, SHUT_WR);", n, sizeof(n)));
	assert_true(ladder_call_name("close(csock);", n, sizeof(n)));
	/* not about the network */
	assert_false(ladder_call_name("memset(&echoserver, 0, sizeof(echoserver));", n, sizeof(n)));
	assert_false(ladder_call_name("echoserver.sin_port = htons(80);", n, sizeof(n)));
	assert_false(ladder_call_name("sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);", n, sizeof(n)));
	assert_false(ladder_call_name("bind(sock, (struct sockaddr *)&a, sizeof(a));", n, sizeof(n)));
	assert_false(ladder_call_name("echoserver.sin_family = AF_INET;", n, sizeof(n)));
	assert_false(ladder_call_name(NULL, n, sizeof(n)));
	assert_false(ladder_call_name("(", n, sizeof(n)));
}

static void test_note_text(void **state)
{
	(void)state;
	struct ladder l;
	ladder_init(&l);
	char s[64];
	note(&l, LS_SERVER, LN_BLOCKED, "accept()", "");
	note(&l, LS_SERVER, LN_CALL, "accept()", "4");
	note(&l, LS_CLIENT, LN_CALL, "connect()", "ECONNREFUSED");
	note(&l, LS_CLIENT, LN_STATE, "SYN_SENT", "");
	ladder_note_text(&l.it[0], false, true, s, sizeof(s));
	assert_string_equal(s, "accept()\u2026");
	ladder_note_text(&l.it[0], false, false, s, sizeof(s));
	assert_string_equal(s, "accept()...");
	ladder_note_text(&l.it[1], false, true, s, sizeof(s));
	assert_string_equal(s, "accept() \u2192 4");
	ladder_note_text(&l.it[1], true, true, s, sizeof(s));
	assert_string_equal(s, "accept()\u21924");
	ladder_note_text(&l.it[2], false, false, s, sizeof(s));
	assert_string_equal(s, "connect() -> ECONNREFUSED");
	ladder_note_text(&l.it[3], false, true, s, sizeof(s));
	assert_string_equal(s, "SYN_SENT");
	ladder_free(&l);
}

/* ---- a whole connection --------------------------------------------------- */


static void add(struct ladder *l, const struct fb *f, bool from_client, enum ladder_fate fate)
{
	static unsigned long no;
	struct dec_result r;
	dec_frame(&ctx, f->b, f->n, f->n, &r);
	assert_int_equal(ladder_add_frame(l, now, ++no, from_client ? LS_CLIENT : LS_SERVER, fate, &r, f->b, f->n), 0);
}

/* The TCP lesson's events, in the order the log has them. */
static void connection(struct ladder *l)
{
	struct fb f;
	now = 8;
	note(l, LS_SERVER, LN_CALL, "listen()", "0");
	note(l, LS_SERVER, LN_STATE, "LISTEN", "");
	now = 11;
	note(l, LS_SERVER, LN_BLOCKED, "accept()", "");
	now = 21;
	note(l, LS_CLIENT, LN_BLOCKED, "connect()", "");
	arp(&f, true);
	add(l, &f, true, LF_PASSED);
	arp(&f, false);
	add(l, &f, false, LF_PASSED);
	frame(&f, true, 6, CISN, 0, TF_SYN, "", 0);
	add(l, &f, true, LF_PASSED);
	frame(&f, false, 6, SISN, CISN + 1, TF_SYN | TF_ACK, "", 0);
	add(l, &f, false, LF_PASSED);
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_ACK, "", 0);
	add(l, &f, true, LF_PASSED);
	note(l, LS_CLIENT, LN_CALL, "connect()", "0");
	note(l, LS_CLIENT, LN_STATE, "ESTABLISHED", "");
	note(l, LS_SERVER, LN_CALL, "accept()", "4");
	note(l, LS_SERVER, LN_STATE, "ESTABLISHED", "");
	now = 35;
	note(l, LS_CLIENT, LN_CALL, "send()", "4");
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_PSH | TF_ACK, "hola", 4);
	add(l, &f, true, LF_PASSED);
	frame(&f, false, 6, SISN + 1, CISN + 5, TF_ACK, "", 0);
	add(l, &f, false, LF_PASSED);
	now = 39;
	note(l, LS_SERVER, LN_CALL, "recv()", "4");
	now = 45;
	note(l, LS_CLIENT, LN_CALL, "shutdown()", "0");
	note(l, LS_CLIENT, LN_STATE, "FIN_WAIT1", "");
	frame(&f, true, 6, CISN + 5, SISN + 1, TF_FIN | TF_ACK, "", 0);
	add(l, &f, true, LF_PASSED);
	frame(&f, false, 6, SISN + 1, CISN + 6, TF_ACK, "", 0);
	add(l, &f, false, LF_PASSED);
	note(l, LS_CLIENT, LN_STATE, "FIN_WAIT2", "");
	note(l, LS_SERVER, LN_STATE, "CLOSE_WAIT", "");
}

/* All rows at this width, one string each. */
static size_t draw(const struct ladder *l, int width, bool utf8, char out[][512], size_t max)
{
	struct ladder_row *rows = calloc(l->n ? LADDER_PIECES * l->n : 1, sizeof(*rows));
	assert_non_null(rows);
	size_t n = ladder_layout(l, width, utf8, rows);
	assert_true(n <= max);
	struct ladder_geom g;
	ladder_geom(l, rows, n, width, utf8, &g);
	for (size_t i = 0; i < n; i++) {
		struct ladder_line ln;
		enum ladder_fate fate = rows[i].frame >= 0 ? l->it[rows[i].frame].fate : LF_PASSED;
		ladder_render(l, &rows[i], &g, fate, utf8, &ln);
		ladder_line_text(&ln, utf8, out[i], 512);
		assert_true(ladder_cols(out[i], utf8) <= width);
	}
	free(rows);
	return n;
}

static bool has(char rows[][512], size_t n, const char *a, const char *b)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(rows[i], a) && (!b || strstr(rows[i], b)))
			return true;
	return false;
}

static void test_connection_rows(void **state)
{
	(void)state;
	struct ladder l;
	ladder_init(&l);
	connection(&l);
	char r[64][512];
	size_t n = draw(&l, 60, false, r, 64);
	for (size_t i = 0; i < n; i++)
		printf("|%s|\n", r[i]);
	assert_int_equal(n, 13);
	assert_string_equal(r[0], "               |                              |listen() -> 0");
	assert_string_equal(r[1], "               |                              |LISTEN");
	/* connect() blocked on the row of the ARP request it caused */
	assert_string_equal(r[2], "   connect()...|-ARP who-has 200.0.0.2------->|accept()...");
	assert_string_equal(r[3], "               |<-ARP reply-------------------|");
	assert_string_equal(r[4], "               |-[SYN] seq=0----------------->|");
	assert_string_equal(r[5], "               |<-[SYN, ACK] seq=0 ack=1------|");
	assert_string_equal(r[6], " connect() -> 0|-[ACK] seq=1 ack=1----------->|");
	assert_string_equal(r[7], "    ESTABLISHED|                              |accept() -> 4");
	assert_string_equal(r[8], "    send() -> 4|-[PSH, ACK] len=4 \"hola\"----->|ESTABLISHED");
	/* recv() and shutdown() came after the ACK: not beside it */
	assert_string_equal(r[9], "               |<-[ACK] seq=1 ack=5-----------|");
	assert_string_equal(r[10], "shutdown() -> 0|                              |recv() -> 4");
	assert_string_equal(r[11], "      FIN_WAIT1|-[FIN, ACK] seq=5 ack=1------>|");
	assert_string_equal(r[12], "      FIN_WAIT2|<-[ACK] seq=1 ack=6-----------|CLOSE_WAIT");
	assert_true(has(r, n, "connect() -> 0", "[ACK] seq=1 ack=1"));
	assert_true(has(r, n, "ESTABLISHED", "accept() -> 4"));
	assert_true(has(r, n, "[FIN, ACK]", NULL));
	assert_true(has(r, n, "FIN_WAIT2", "CLOSE_WAIT"));
	ladder_free(&l);
}

/* At the bottom-right slot of 80x24 (41 columns) the flags always show, and
 * the data segment keeps its length before its numbers. */
static void test_narrow_tiers(void **state)
{
	(void)state;
	struct ladder l;
	ladder_init(&l);
	connection(&l);
	char r[64][512];
	size_t n = draw(&l, 41, true, r, 64);
	for (size_t i = 0; i < n; i++)
		printf("|%s|\n", r[i]);
	assert_true(has(r, n, "[SYN] seq=0", NULL));
	assert_true(has(r, n, "[SYN, ACK]", NULL));
	assert_true(has(r, n, "[PSH, ACK]", "send()"));
	assert_true(has(r, n, "ESTABLISHED", NULL));
	assert_true(has(r, n, "accept()", NULL));
	assert_true(has(r, n, "[FIN, ACK]", NULL));
	for (int w = 16; w <= 120; w++) { /* every width: within it, flags whole */
		n = draw(&l, w, w & 1, r, 64);
		if (w >= 2 + LADDER_ARROW_MIN + 2) {
			assert_true(has(r, n, "[SYN, ACK]", NULL));
			assert_true(has(r, n, "[FIN, ACK]", NULL));
		}
	}
	n = draw(&l, 55, true, r, 64);
	assert_true(has(r, n, "[PSH, ACK] len=4 \"hola\"", NULL));
	ladder_free(&l);
}

static void test_held_dropped_retrans(void **state)
{
	(void)state;
	struct ladder l;
	ladder_init(&l);
	struct fb f;
	frame(&f, true, 6, CISN, 0, TF_SYN, "", 0);
	add(&l, &f, true, LF_DROPPED);
	add(&l, &f, true, LF_PASSED); /* the kernel sends the SYN again */
	assert_false(l.it[0].retrans);
	assert_true(l.it[1].retrans);
	frame(&f, false, 6, SISN, CISN + 1, TF_SYN | TF_ACK, "", 0);
	add(&l, &f, false, LF_HELD);
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_ACK, "", 0);
	add(&l, &f, true, LF_PASSED);
	add(&l, &f, true, LF_PASSED); /* a second bare ACK is no retransmission */
	assert_false(l.it[4].retrans);
	char r[8][512];
	size_t n = draw(&l, 50, true, r, 8);
	for (size_t i = 0; i < n; i++)
		printf("|%s|\n", r[i]);
	assert_int_equal(n, 5);
	assert_non_null(strstr(r[0], "[SYN] seq=0"));
	assert_non_null(strstr(r[0], "\u2717 dropped"));
	assert_null(strstr(r[0], "\u25b6")); /* no head: it never arrived */
	assert_non_null(strstr(r[1], "\u21bb [SYN] seq=0"));
	assert_non_null(strstr(r[1], "\u25b6\u2502"));
	assert_non_null(strstr(r[2], "held \u2016\u2500[SYN, ACK]"));
	assert_null(strstr(r[2], "\u25c0"));
	n = draw(&l, 50, false, r, 8);
	assert_non_null(strstr(r[0], "x dropped"));
	assert_non_null(strstr(r[1], "(re) [SYN] seq=0"));
	assert_non_null(strstr(r[2], "held ||-[SYN, ACK]"));
	/* The fate is the wire's now: a held frame released is drawn whole. */
	struct ladder_row *rows = calloc(l.n, sizeof(*rows));
	n = ladder_layout(&l, 50, false, rows);
	struct ladder_geom g;
	ladder_geom(&l, rows, n, 50, false, &g);
	struct ladder_line ln;
	char s[512];
	ladder_render(&l, &rows[2], &g, LF_PASSED, false, &ln);
	ladder_line_text(&ln, false, s, sizeof(s));
	assert_non_null(strstr(s, "|<-[SYN, ACK] seq=0 ack=1"));
	free(rows);
	ladder_free(&l);
}

/* Notes too long for their column get rows of their own; a program that is
 * not the side's first says its name. */
static void test_wide_notes(void **state)
{
	(void)state;
	struct ladder l;
	ladder_init(&l);
	struct fb f;
	note(&l, LS_CLIENT, LN_BLOCKED, "client2: connect()", "");
	frame(&f, true, 6, CISN, 0, TF_SYN, "", 0);
	add(&l, &f, true, LF_PASSED);
	frame(&f, false, 6, 0, CISN + 1, TF_RST | TF_ACK, "", 0);
	add(&l, &f, false, LF_PASSED);
	note(&l, LS_CLIENT, LN_CALL, "client2: connect()", "ECONNREFUSED");
	char r[8][512];
	size_t n = draw(&l, 41, false, r, 8);
	for (size_t i = 0; i < n; i++)
		printf("|%s|\n", r[i]);
	/* Too long for its column: wrapped beside the client's lane, after ": "
	 * and after "->", never drawn across the wire. */
	assert_int_equal(n, 6);
	assert_string_equal(r[0], "    client2:|                          |");
	assert_string_equal(r[1], "connect()...|                          |");
	assert_non_null(strstr(r[2], "|-[SYN] seq=0"));
	assert_non_null(strstr(r[3], "    client2:|<-[RST, ACK]"));
	assert_string_equal(r[4], " connect()->|                          |");
	assert_string_equal(r[5], "ECONNREFUSED|                          |");
	for (size_t i = 0; i < n; i++) /* nothing of a note right of the client's lane */
		assert_null(strstr(strchr(r[i], '|'), "conn"));
	ladder_free(&l);
}

/* On loopback the capture is read after connect() returned: its frames
 * still go above its result and the states entered after it; a send()'s
 * result stays above the data it sent. */
static void test_loopback_order(void **state)
{
	(void)state;
	struct ladder l;
	ladder_init(&l);
	struct fb f;
	now = 5;
	note(&l, LS_SERVER, LN_CALL, "listen()", "0");
	note(&l, LS_SERVER, LN_STATE, "LISTEN", "");
	now = 9;
	note(&l, LS_CLIENT, LN_CALL, "connect()", "ECONNREFUSED");
	note(&l, LS_CLIENT, LN_STATE, "CLOSED", "");
	frame(&f, true, 6, CISN, 0, TF_SYN, "", 0);
	add(&l, &f, true, LF_PASSED);
	frame(&f, false, 6, 0, CISN + 1, TF_RST | TF_ACK, "", 0);
	add(&l, &f, false, LF_PASSED);
	now = 12;
	note(&l, LS_CLIENT, LN_CALL, "send()", "4");
	frame(&f, true, 6, CISN + 1, SISN + 1, TF_PSH | TF_ACK, "hola", 4);
	add(&l, &f, true, LF_PASSED);
	char r[16][512];
	size_t n = draw(&l, 60, false, r, 16);
	for (size_t i = 0; i < n; i++)
		printf("|%s|\n", r[i]);
	int syn = -1, rst = -1, res = -1, closed = -1, snd = -1, psh = -1;
	for (size_t i = 0; i < n; i++) {
		if (strstr(r[i], "[SYN]") && syn < 0) syn = (int)i;
		if (strstr(r[i], "[RST, ACK]")) rst = (int)i;
		if (strstr(r[i], "ECONNREFUSED")) res = (int)i;
		if (strstr(r[i], "CLOSED")) closed = (int)i;
		if (strstr(r[i], "send()")) snd = (int)i;
		if (strstr(r[i], "[PSH, ACK]")) psh = (int)i;
	}
	assert_true(syn >= 0 && syn < rst);
	assert_true(rst <= res); /* the result on the RST's row or under it, never above the SYN */
	assert_true(res <= closed);
	assert_true(snd >= 0 && snd <= psh);
	ladder_free(&l);
}

/* The pane keeps LADDER_KEEP items and counts the ones it let go. */
static void test_bounded(void **state)
{
	(void)state;
	struct ladder l;
	ladder_init(&l);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(note(&l, i & 1 ? LS_CLIENT : LS_SERVER, LN_CALL, "recv()", "0"), 0);
	assert_true(l.n <= LADDER_KEEP);
	assert_int_equal(l.n + l.dropped, 3000);
	ladder_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tcp_labels, setup),
		cmocka_unit_test_setup(test_payload_quoted, setup),
		cmocka_unit_test_setup(test_udp_arp_labels, setup),
		cmocka_unit_test_setup(test_hostile_frames, setup),
		cmocka_unit_test(test_call_names),
		cmocka_unit_test(test_note_text),
		cmocka_unit_test_setup(test_connection_rows, setup),
		cmocka_unit_test_setup(test_narrow_tiers, setup),
		cmocka_unit_test_setup(test_held_dropped_retrans, setup),
		cmocka_unit_test_setup(test_wide_notes, setup),
		cmocka_unit_test_setup(test_loopback_order, setup),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
