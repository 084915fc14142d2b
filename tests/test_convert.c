/* test_convert.c - the conversion commands as a student reads them: what
 * ntohs/ntohl, htons/htonl and inet_addr/inet_pton make of their argument
 * on this machine, one EV_INFO line each, through the same convert_run the
 * engine calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <cmocka.h>

#include "convert.h"
#include "sockaddr.h"

static struct cmd c;
static struct conv_view view; /* the byte boxes of the last run */
static int views;             /* how many EV_CONVERT it logged */

/* Run one command line through convert_run; the lines it logged, "\n"-joined. */
static void run(const char *line, char *out, size_t len)
{
	char err[CMD_ERR_MAX];
	struct session s;
	size_t w = 0;

	if (cmd_parse(line, &c, err, sizeof err) != 1)
		fail_msg("\"%s\": %s", line, err);
	session_init(&s);
	convert_run(&s, &c);
	out[0] = '\0';
	views = 0;
	for (size_t i = s.first; i < s.n; i++) {
		const struct event *e = session_at(&s, i);
		if (e->kind == EV_CONVERT) { /* the screen's boxes, beside the lines */
			assert_non_null(e->conv);
			view = *e->conv;
			views++;
			continue;
		}
		assert_int_equal(e->kind, EV_INFO);
		assert_int_equal(e->side, SIDE_NONE);
		w += (size_t)snprintf(out + w, len - w, "%s%s", w ? "\n" : "", e->text);
		assert_true(w < len);
	}
	session_free(&s);
}

static void test_ntohs(void **state)
{
	char out[1024], l1[320], l2[320];

	(void)state;
	if (!sa_little_endian())
		skip(); /* the lecture's machine and these lines are little-endian */
	/* The port 80 as a sockaddr_in holds it: 0x5000 on this CPU. */
	run("ntohs 20480", out, sizeof out);
	assert_string_equal(out, "ntohs(20480) = 80: the field 0x5000 holds the bytes 00 50 in memory, in network "
				 "order (big-endian): 0x0050 = 80\n"
				 "this CPU is little-endian: it stores the host value 80 as 50 00, so ntohs swaps the "
				 "two bytes");
	run("ntohs 0x0050", out, sizeof out);
	assert_non_null(strstr(out, "ntohs(80) = 20480: the field 0x0050 holds the bytes 50 00"));
	/* The real ntohs decides the value, both ends of the range included. */
	for (uint32_t v = 0; v <= 65535; v += 257) {
		convert_ntohs((uint16_t)v, l1, l2, sizeof l1);
		char want[64];
		snprintf(want, sizeof want, "ntohs(%u) = %u: ", (unsigned)v, (unsigned)ntohs((uint16_t)v));
		assert_true(strncmp(l1, want, strlen(want)) == 0);
	}
	/* Cut short, never overrun. */
	char tiny[12];
	memset(tiny, 'Z', sizeof tiny);
	convert_ntohs(80, tiny, l2, 8);
	assert_int_equal(strlen(tiny), 7);
	assert_int_equal(tiny[8], 'Z');
}

static void test_ntohl(void **state)
{
	char out[1024];

	(void)state;
	if (!sa_little_endian())
		skip();
	/* 200.0.0.2 as sin_addr holds it, read as a plain integer on this CPU. */
	run("ntohl 33554632", out, sizeof out);
	assert_string_equal(out, "ntohl(33554632) = 3355443202: the field 0x020000C8 holds the bytes C8 00 00 02 in "
				 "memory, in network order (big-endian): 0xC8000002 = 3355443202, as an address "
				 "200.0.0.2\n"
				 "this CPU is little-endian: it stores the host value 3355443202 as 02 00 00 C8, so "
				 "ntohl reverses the four bytes");
	run("ntohl 0xFFFFFFFF", out, sizeof out);
	assert_non_null(strstr(out, "ntohl(4294967295) = 4294967295: the field 0xFFFFFFFF holds the bytes FF FF FF FF"));
	run("ntohl 0", out, sizeof out);
	assert_non_null(strstr(out, "ntohl(0) = 0: the field 0x00000000 holds the bytes 00 00 00 00"));
}

/* What was in engine.c before: htons, htonl and the inet_* pair. */
static void test_the_others(void **state)
{
	char out[1024];

	(void)state;
	run("htons 1000", out, sizeof out);
	assert_non_null(strstr(out, "htons(1000): host value 0x03E8, memory 03 E8"));
	assert_null(strchr(out, '\n'));
	run("htonl 2130706433", out, sizeof out);
	assert_non_null(strstr(out, "sin_addr: host value 0x7F000001, memory 7F 00 00 01"));
	run("inet_addr 255.255.255.255", out, sizeof out);
	assert_string_equal(out, "inet_addr(\"255.255.255.255\") = 0xFFFFFFFF = INADDR_NONE: a valid address that looks "
				 "exactly like an error\n"
				 "inet_pton(AF_INET, \"255.255.255.255\", &a) = 1: memory FF FF FF FF\n"
				 "the trap: only inet_pton tells the broadcast address from an error");
	run("inet_pton 010.0.0.1", out, sizeof out);
	assert_non_null(strstr(out, "inet_addr(\"010.0.0.1\") = 0x08000001 in network order: memory 08 00 00 01 (8.0.0.1)"));
	assert_non_null(strstr(out, "inet_pton(AF_INET, \"010.0.0.1\", &a) = 0: not a dotted quad"));
	assert_non_null(strstr(out, "inet_addr and inet_pton disagree"));
	/* Not a conversion: nothing logged. */
	run("server close", out, sizeof out);
	assert_string_equal(out, "");
}

/* The byte boxes the hex pane draws: each result's bytes in memory. */
static void test_views(void **state)
{
	char out[2048];
	static const unsigned char ff[4] = { 0xFF, 0xFF, 0xFF, 0xFF };

	(void)state;
	run("htons 80", out, sizeof out);
	assert_int_equal(views, 1);
	if (sa_little_endian())
		assert_string_equal(view.title, "htons(80) = 20480 (0x5000)");
	assert_int_equal(view.nrows, 2);
	assert_int_equal(view.row[0].n, 2);
	assert_int_equal(view.row[0].b[0], 0x00); /* network order: 00 50 */
	assert_int_equal(view.row[0].b[1], 0x50);
	if (sa_little_endian()) {
		assert_int_equal(view.row[1].b[0], 0x50); /* this CPU's: 50 00 */
		assert_int_equal(view.row[1].b[1], 0x00);
	}
	run("ntohl 3355443202", out, sizeof out);
	assert_int_equal(view.row[0].n, 4);
	assert_non_null(strstr(view.title, "ntohl(3355443202)"));
	/* The lecture's trap: FF FF FF FF beside INADDR_NONE, from both calls. */
	run("inet_addr 255.255.255.255", out, sizeof out);
	assert_int_equal(view.nrows, 2);
	assert_memory_equal(view.row[0].b, ff, 4);
	assert_non_null(strstr(view.row[0].what, "INADDR_NONE"));
	assert_memory_equal(view.row[1].b, ff, 4);
	assert_non_null(strstr(view.row[1].what, "returns 1"));
	/* A bad address: inet_pton has no bytes to show. */
	run("inet_addr 300.1.2.3", out, sizeof out);
	assert_int_equal(view.row[1].n, 0);
	run("inet_addr 10.0.0.1", out, sizeof out);
	assert_int_equal(view.row[0].b[0], 10);
	assert_int_equal(view.row[0].b[3], 1);
}

/* Line n (0-based) of a '\n'-separated text, into out. */
static void line_of(const char *t, int n, char *out, size_t len)
{
	for (; n > 0 && t; n--)
		t = (t = strchr(t, '\n')) ? t + 1 : NULL;
	snprintf(out, len, "%.*s", t ? (int)strcspn(t, "\n") : 0, t ? t : "");
}

/* The lecture's HOST1 / TLI 1 / TLI 2 / HOST2 table: its heading, and the
 * row of this machine as a student checks it against the lecture. */
static void test_journey(void **state)
{
	char t[1024], l[256];
	bool le = sa_little_endian();
	(void)state;

	/* htons(1000) on this CPU, the SYN carried 03 E8: 1000 arrives. */
	struct journey j = { .value = 1000, .tli1 = { 0x03, 0xE8 }, .wire_set = true, .wire = { 0x03, 0xE8 } };
	convert_journey(&j, t, sizeof t);
	line_of(t, 0, l, sizeof l);
	assert_string_equal(l, "HOST1             CONVERSION  TLI 1  TLI 2  CONVERSION  HOST2");
	line_of(t, 1, l, sizeof l);
	assert_string_equal(l, le ? "LE E8 03 = 1000   htons()     03 E8  03 E8  ntohs()     LE E8 03 = 1000"
				  : "LE E8 03 = 1000   htons()     03 E8  03 E8  ntohs()     LE E8 03 = 1000");
	line_of(t, 2, l, sizeof l);
	assert_string_equal(l, "BE 03 E8 = 1000   htons()     03 E8  03 E8  ntohs()     BE 03 E8 = 1000");
	assert_null(strstr(t, "\xe2\x9a\xa0")); /* nothing changed on the way: no warning sign */

	/* The server that forgot htons(): on a little-endian host E8 03 goes
	 * out and every receiver reads 59395; a big-endian one is right. */
	struct journey n = { .value = 1000, .nohtons = true, .tli1 = { 0xE8, 0x03 }, .wire_set = true,
			     .wire = { 0xE8, 0x03 } };
	convert_journey(&n, t, sizeof t);
	if (le) {
		line_of(t, 1, l, sizeof l);
		assert_string_equal(l, "LE E8 03 = 1000   none \xe2\x9a\xa0      E8 03  E8 03  ntohs()     LE 03 E8 = 59395 \xe2\x9a\xa0");
		line_of(t, 2, l, sizeof l);
		assert_string_equal(l, "BE 03 E8 = 1000   none        03 E8  03 E8  ntohs()     BE 03 E8 = 1000");
		line_of(t, 3, l, sizeof l);
		assert_string_equal(l, "LE E8 03 = 1000   none \xe2\x9a\xa0      E8 03  E8 03  ntohs()     BE E8 03 = 59395 \xe2\x9a\xa0");
		line_of(t, 5, l, sizeof l);
		assert_string_equal(l, "LE = this machine: real bytes, TLI 2 as captured. BE: computed.");
	}
	/* No frame yet: TLI 2 of this machine's rows is "--", and the key says why. */
	n.wire_set = false;
	convert_journey(&n, t, sizeof t);
	line_of(t, le ? 1 : 2, l, sizeof l);
	assert_non_null(strstr(l, "  --     ntohs()"));
	assert_non_null(strstr(t, "TLI 2 -- (no frame yet)"));
	/* Every line fits the 78 columns of an 80-column pane (the sign is one). */
	for (int i = 0; i < JOURNEY_LINES; i++) {
		line_of(t, i, l, sizeof l);
		size_t cols = 0;
		for (const unsigned char *p = (const unsigned char *)l; *p; p++)
			cols += (*p & 0xC0) != 0x80;
		assert_true(cols <= 78);
	}
}

/* recvfrom()'s sender, 100.0.0.1 port 9000, back in host order. */
static void test_sender(void **state)
{
	char t[1024], l[256];
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(9000) };
	(void)state;
	from.sin_addr.s_addr = htonl(0x64000001);
	convert_sender(&from, t, sizeof t);
	line_of(t, 0, l, sizeof l);
	assert_string_equal(l, "FIELD     NETWORK      CALL     HOST ORDER  IN MEMORY");
	line_of(t, 1, l, sizeof l);
	assert_string_equal(l, sa_little_endian() ? "sin_port  23 28        ntohs()  9000        28 23"
						  : "sin_port  23 28        ntohs()  9000        23 28");
	line_of(t, 2, l, sizeof l);
	assert_string_equal(l, sa_little_endian()
				       ? "sin_addr  64 00 00 01  ntohl()  0x64000001  01 00 00 64  (100.0.0.1)"
				       : "sin_addr  64 00 00 01  ntohl()  0x64000001  64 00 00 01  (100.0.0.1)");
	for (int i = 0; i < 4; i++) {
		line_of(t, i, l, sizeof l);
		assert_true(strlen(l) <= 78);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntohs),
		cmocka_unit_test(test_ntohl),
		cmocka_unit_test(test_the_others),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_journey),
		cmocka_unit_test(test_sender),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
