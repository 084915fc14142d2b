/* test_sockaddr.c - struct sockaddr_in as the lecture prints it: the 16 bytes
 * after memset, sin_family, sin_addr and sin_port, the C statement of each
 * stage, and what htons/inet_addr/inet_pton do to the bytes in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sockaddr.h"

static struct sa_build b;

/* The stage's 16 bytes, in the lecture's hex ("02 00 03 E8 ..."). */
static void stage_is(enum sa_stage st, const char *want)
{
	char hex[SA_HEX_MAX];

	sa_hex(b.bytes[st], hex);
	if (strcmp(hex, want) != 0)
		fail_msg("stage %d: %s, expected %s", (int)st, hex, want);
}

/* sin_family is a host-order short: the lecture's machine (and this one, if
 * little-endian) stores AF_INET as 02 00. */
static const char *fam(void)
{
	return sa_little_endian() ? "02 00" : "00 02";
}

static void expect_stages(const char *addr, const char *port_addr)
{
	char want[SA_HEX_MAX + 16];

	stage_is(SA_MEMSET, "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
	snprintf(want, sizeof want, "%s 00 00 00 00 00 00 00 00 00 00 00 00 00 00", fam());
	stage_is(SA_FAMILY, want);
	snprintf(want, sizeof want, "%s 00 00 %s 00 00 00 00 00 00 00 00", fam(), addr);
	stage_is(SA_ADDR, want);
	snprintf(want, sizeof want, "%s %s 00 00 00 00 00 00 00 00", fam(), port_addr);
	stage_is(SA_PORT, want);
}

/* The lecture's run: ./tcp_client1b 127.0.0.1 hola 1000. */
static void test_lecture_127_0_0_1_port_1000(void **state)
{
	(void)state;
	sa_build(&b, "echoserver", "127.0.0.1", 1000, CONV_INET_ADDR, false);
	expect_stages("7F 00 00 01", "03 E8 7F 00 00 01");
	assert_string_equal(b.code[SA_MEMSET], "memset(&echoserver, 0, sizeof(echoserver));");
	assert_string_equal(b.code[SA_FAMILY], "echoserver.sin_family = AF_INET;");
	assert_string_equal(b.code[SA_ADDR], "echoserver.sin_addr.s_addr = inet_addr(\"127.0.0.1\");");
	assert_string_equal(b.code[SA_PORT], "echoserver.sin_port = htons(1000);");
	assert_false(b.conv_failed);
	assert_int_equal(b.addr_host, 0x7F000001u);
	assert_int_equal(b.port_host, 1000);
	assert_int_equal(b.port_stored, htons(1000));
	/* The finished structure is the one connect() gets: the last stage. */
	assert_int_equal(b.sin.sin_family, AF_INET);
	assert_int_equal(b.sin.sin_port, htons(1000));
	assert_int_equal(b.sin.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	assert_memory_equal(&b.sin, b.bytes[SA_PORT], 16);
}

/* The lab's server, with inet_pton, as the screen's sockaddr pane shows it. */
static void test_lab_server_inet_pton(void **state)
{
	(void)state;
	sa_build(&b, "addr", "200.0.0.2", 80, CONV_INET_PTON, false);
	expect_stages("C8 00 00 02", "00 50 C8 00 00 02");
	assert_string_equal(b.code[SA_ADDR], "inet_pton(AF_INET, \"200.0.0.2\", &addr.sin_addr);");
	assert_string_equal(b.code[SA_PORT], "addr.sin_port = htons(80);");
	assert_false(b.conv_failed);
	assert_int_equal(b.conv, CONV_INET_PTON);
	assert_int_equal(b.addr_host, 0xC8000002u);
}

/* Forgetting htons: port 80 is stored as 50 00 and the network reads 20480. */
static void test_nohtons(void **state)
{
	(void)state;
	sa_build(&b, "addr", "200.0.0.2", 80, CONV_INET_ADDR, true);
	assert_true(b.nohtons);
	assert_string_equal(b.code[SA_PORT], "addr.sin_port = 80;  /* no htons! */");
	assert_int_equal(b.port_stored, 80);
	if (sa_little_endian()) {
		expect_stages("C8 00 00 02", "50 00 C8 00 00 02");
		assert_int_equal(ntohs(b.sin.sin_port), 20480);
	} else {
		expect_stages("C8 00 00 02", "00 50 C8 00 00 02");
	}
}

/* inet_addr's trap: a bad address and 255.255.255.255 give the same bytes. */
static void test_bad_addresses(void **state)
{
	(void)state;
	sa_build(&b, "addr", "300.1.2.3", 80, CONV_INET_ADDR, false);
	assert_true(b.conv_failed);
	expect_stages("FF FF FF FF", "00 50 FF FF FF FF");
	sa_build(&b, "addr", "255.255.255.255", 80, CONV_INET_ADDR, false);
	assert_true(b.conv_failed); /* INADDR_NONE: the documented ambiguity */
	expect_stages("FF FF FF FF", "00 50 FF FF FF FF");
	/* inet_pton refuses and leaves the memset zeros. */
	sa_build(&b, "addr", "300.1.2.3", 80, CONV_INET_PTON, false);
	assert_true(b.conv_failed);
	expect_stages("00 00 00 00", "00 50 00 00 00 00");
	/* A leading zero is octal to inet_addr: 010 is 8. */
	sa_build(&b, "addr", "010.0.0.1", 7, CONV_INET_ADDR, false);
	assert_false(b.conv_failed);
	expect_stages("08 00 00 01", "00 07 08 00 00 01");
	assert_int_equal(b.addr_host, 0x08000001u);
}

/* The lecture's printf loop: "[%d]=%X, " for each byte, as tcp_client1b's
 * output reads for ./tcp_client1b 127.0.0.1 hola 1000 (slides, "SO:"). */
static void test_lecture_format(void **state)
{
	static const char *const lecture[SA_NSTAGES] = {
		"[0]=0,[1]=0,[2]=0,[3]=0,[4]=0,[5]=0,[6]=0,[7]=0,[8]=0,[9]=0,[10]=0,[11]=0,[12]=0,[13]=0,[14]=0,[15]=0,",
		"[0]=2,[1]=0,[2]=0,[3]=0,[4]=0,[5]=0,[6]=0,[7]=0,[8]=0,[9]=0,[10]=0,[11]=0,[12]=0,[13]=0,[14]=0,[15]=0,",
		"[0]=2,[1]=0,[2]=0,[3]=0,[4]=7F,[5]=0,[6]=0,[7]=1,[8]=0,[9]=0,[10]=0,[11]=0,[12]=0,[13]=0,[14]=0,[15]=0,",
		"[0]=2,[1]=0,[2]=3,[3]=E8,[4]=7F,[5]=0,[6]=0,[7]=1,[8]=0,[9]=0,[10]=0,[11]=0,[12]=0,[13]=0,[14]=0,[15]=0,",
	};
	const unsigned char all[16] = { 0x00, 0x01, 0x0A, 0x0F, 0x10, 0x7F, 0x80, 0x9B,
					0xA5, 0xC8, 0xDE, 0xAD, 0xBE, 0xEF, 0xFE, 0xFF };
	unsigned char ff[16];
	char out[SA_LECTURE_MAX];

	(void)state;
	if (!sa_little_endian())
		skip(); /* the slides' machine, like this test's expectations, is little-endian */
	sa_build(&b, "echoserver", "127.0.0.1", 1000, CONV_INET_ADDR, false);
	for (int st = 0; st < SA_NSTAGES; st++) {
		sa_lecture(b.bytes[st], out);
		assert_string_equal(out, lecture[st]);
	}
	/* Hex without leading zeros, upper case, every byte value's width. */
	sa_lecture(all, out);
	assert_string_equal(out, "[0]=0,[1]=1,[2]=A,[3]=F,[4]=10,[5]=7F,[6]=80,[7]=9B,[8]=A5,[9]=C8,[10]=DE,"
				 "[11]=AD,[12]=BE,[13]=EF,[14]=FE,[15]=FF,");
	/* The longest line fits. */
	memset(ff, 0xFF, sizeof ff);
	sa_lecture(ff, out);
	assert_int_equal(strlen(out), 10 * 7 + 6 * 8);
	assert_true(strlen(out) < SA_LECTURE_MAX);
}

/* With inet_addr, a form other than the plain dotted quad of the bytes gets
 * a line saying what inet_addr read, and why; a plain quad gets none, and
 * neither does 255.255.255.255: the trap is that nothing is said. */
static void test_inet_addr_notes(void **state)
{
	static const struct {
		const char *text, *note;
	} cases[] = {
		{ "1.2.3", "inet_addr(\"1.2.3\") read 1.2.0.3 (3 parts: the last fills the low 16 bits): bytes 01 02 00 03" },
		{ "1.2", "inet_addr(\"1.2\") read 1.0.0.2 (2 parts: the last fills the low 24 bits): bytes 01 00 00 02" },
		{ "010.0.0.1", "inet_addr(\"010.0.0.1\") read 8.0.0.1 (a leading 0 is octal): bytes 08 00 00 01" },
		{ "0x7f.1", "inet_addr(\"0x7f.1\") read 127.0.0.1 (2 parts: the last fills the low 24 bits; 0x is hex): "
			    "bytes 7F 00 00 01" },
		{ "16909060", "inet_addr(\"16909060\") read 1.2.3.4 (one number: all 32 bits): bytes 01 02 03 04" },
		{ "0xffffffff", "inet_addr(\"0xffffffff\") read 255.255.255.255 (one number: all 32 bits; 0x is hex): "
				"bytes FF FF FF FF" },
		{ "0177.0.0.0x1", "inet_addr(\"0177.0.0.0x1\") read 127.0.0.1 (a leading 0 is octal; 0x is hex): "
				  "bytes 7F 00 00 01" },
		{ "127.0.0.1", "" }, { "0.0.0.0", "" }, { "255.255.255.255", "" }, { "300.1.2.3", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sa_build(&b, "a", cases[i].text, 80, CONV_INET_ADDR, false);
		if (strcmp(b.note, cases[i].note) != 0)
			fail_msg("\"%s\": note \"%s\", expected \"%s\"", cases[i].text, b.note, cases[i].note);
	}
	/* INADDR_NONE: the broadcast address (however spelled) is an address, bad input is not. */
	sa_build(&b, "a", "255.255.255.255", 80, CONV_INET_ADDR, false);
	assert_true(b.conv_failed);
	assert_true(b.none_is_addr);
	sa_build(&b, "a", "0xffffffff", 80, CONV_INET_ADDR, false);
	assert_true(b.none_is_addr);
	sa_build(&b, "a", "300.1.2.3", 80, CONV_INET_ADDR, false);
	assert_true(b.conv_failed);
	assert_false(b.none_is_addr);
	/* inet_pton reads dotted quads only: no note. */
	sa_build(&b, "a", "1.2.3", 80, CONV_INET_PTON, false);
	assert_string_equal(b.note, "");
	assert_false(b.none_is_addr);
}

/* The garbage the structure starts from never shows: memset comes first. */
static void test_extremes(void **state)
{
	(void)state;
	sa_build(&b, "a", "0.0.0.0", 0, CONV_INET_ADDR, false);
	expect_stages("00 00 00 00", "00 00 00 00 00 00");
	sa_build(&b, "a", "1.2.3.4", 65535, CONV_INET_PTON, false);
	expect_stages("01 02 03 04", "FF FF 01 02 03 04");
	/* A long variable name is cut, never overruns the statement. */
	char var[200];
	memset(var, 'v', sizeof var - 1);
	var[sizeof var - 1] = '\0';
	sa_build(&b, var, "1.2.3.4", 1, CONV_INET_ADDR, false);
	for (int st = 0; st < SA_NSTAGES; st++)
		assert_true(strlen(b.code[st]) == SA_CODE_MAX - 1);
	expect_stages("01 02 03 04", "00 01 01 02 03 04");
}

static void test_fields_and_legend(void **state)
{
	static const char *const want[16] = {
		"sin_family", "sin_family", "sin_port", "sin_port", "sin_addr", "sin_addr",
		"sin_addr",   "sin_addr",   "sin_zero", "sin_zero", "sin_zero", "sin_zero",
		"sin_zero",   "sin_zero",   "sin_zero", "sin_zero",
	};
	char legend[128];

	(void)state;
	for (int i = 0; i < 16; i++)
		assert_string_equal(sa_field(i), want[i]);
	assert_string_equal(sa_field(-1), "");
	assert_string_equal(sa_field(16), "");

	/* Each label starts under the first byte of its field: 3 columns a byte. */
	sa_legend(legend, sizeof legend);
	assert_true(strncmp(legend + 0, "fam", 3) == 0);
	assert_true(strncmp(legend + 2 * 3, "port", 4) == 0);
	assert_true(strncmp(legend + 4 * 3, "sin_addr", 8) == 0);
	assert_true(strncmp(legend + 8 * 3, "sin_zero", 8) == 0);
	/* Cut short in a small buffer, still a string. */
	char tiny[8];
	memset(tiny, 'Z', sizeof tiny);
	sa_legend(tiny, 5);
	assert_int_equal(strlen(tiny), 4);
	assert_int_equal(tiny[5], 'Z');
}

static void test_hex(void **state)
{
	const unsigned char all[16] = { 0x00, 0x01, 0x0A, 0x0F, 0x10, 0x7F, 0x80, 0x9B,
					0xA5, 0xC8, 0xDE, 0xAD, 0xBE, 0xEF, 0xFE, 0xFF };
	char hex[SA_HEX_MAX];

	(void)state;
	sa_hex(all, hex);
	assert_string_equal(hex, "00 01 0A 0F 10 7F 80 9B A5 C8 DE AD BE EF FE FF");
	assert_int_equal(strlen(hex), SA_HEX_MAX - 1);
}

/* What the byte-order lines tell a student, on this machine. */
static void test_byte_order_lines(void **state)
{
	char line[256];
	uint16_t one = 1;
	unsigned char first;

	(void)state;
	memcpy(&first, &one, 1);
	assert_int_equal(sa_little_endian(), first == 1);

	/* htons(80): memory 00 50 whatever the CPU. */
	sa_order_port(80, false, line, sizeof line);
	assert_non_null(strstr(line, "htons(80): host value 0x0050, memory 00 50 (network order, big-endian"));
	sa_order_port(1000, false, line, sizeof line);
	assert_non_null(strstr(line, "htons(1000): host value 0x03E8, memory 03 E8"));
	if (sa_little_endian()) {
		assert_non_null(strstr(line, "this CPU is little-endian and would store E8 03"));
		sa_order_port(80, true, line, sizeof line);
		assert_string_equal(line, "sin_port = 80 without htons(): memory 50 00, which the network "
					  "reads as port 20480 (this CPU is little-endian)");
		sa_order_addr(0x7F000001u, line, sizeof line);
		assert_string_equal(line, "sin_addr: host value 0x7F000001, memory 7F 00 00 01 (network "
					  "order; as a plain integer this CPU would store 01 00 00 7F: use htonl)");
	} else {
		assert_non_null(strstr(line, "this CPU is big-endian and would store 03 E8"));
		sa_order_port(80, true, line, sizeof line);
		assert_non_null(strstr(line, "memory 00 50, which the network reads as port 80"));
		sa_order_addr(0x7F000001u, line, sizeof line);
		assert_non_null(strstr(line, "memory 7F 00 00 01 (network order = this CPU's order)"));
	}
	/* A small buffer is cut, never overrun. */
	char tiny[10];
	memset(tiny, 'Z', sizeof tiny);
	sa_order_port(80, false, tiny, 6);
	assert_int_equal(strlen(tiny), 5);
	assert_int_equal(tiny[6], 'Z');
}

/* A sockaddr read from a traced program's memory: what its bytes mean,
 * naming no htons() it may not have called. */
static void test_read_lines(void **state)
{
	(void)state;
	struct sa_build r;
	memset(&r, 0, sizeof r);
	r.read = true;
	const unsigned char nohtons[16] = { 2, 0, 0x50, 0x00, 200, 0, 0, 2 };
	memcpy(r.bytes[SA_NSTAGES - 1], nohtons, 16);
	char port[320], addr[320];
	sa_order_of(&r, port, sizeof port, addr, sizeof addr);
	assert_null(strstr(port, "htons(20480)"));
	assert_non_null(strstr(port, "sin_port: memory 50 00 = port 20480 in network order; the other way round 80"));
	assert_string_equal(addr, "sin_addr: memory C8 00 00 02 = 200.0.0.2 in network order (what "
				  "inet_addr(\"200.0.0.2\") stores)");
	r.bytes[SA_NSTAGES - 1][2] = 0x00;
	r.bytes[SA_NSTAGES - 1][3] = 0x50;
	sa_order_of(&r, port, sizeof port, addr, sizeof addr);
	assert_string_equal(port, "sin_port: memory 00 50 = port 80 in network order (what htons(80) stores)");
	/* One sockstep built keeps its statements' lines. */
	r.read = false;
	r.port_host = 80;
	sa_order_of(&r, port, sizeof port, addr, sizeof addr);
	assert_non_null(strstr(port, "htons(80): host value 0x0050"));
}

/* inet_addr and inet_pton side by side, as the conversion commands show them. */
static void test_conversions(void **state)
{
	struct sa_conv r;

	(void)state;
	sa_inet_addr("192.168.0.1", &r);
	assert_true(r.ok);
	assert_int_equal(r.net, htonl(0xC0A80001u));
	sa_inet_pton("192.168.0.1", &r);
	assert_true(r.ok);
	assert_int_equal(r.ret, 1);
	assert_int_equal(r.net, htonl(0xC0A80001u));

	sa_inet_addr("255.255.255.255", &r); /* valid, yet -1: the man page's warning */
	assert_false(r.ok);
	assert_int_equal(r.net, INADDR_NONE);
	sa_inet_pton("255.255.255.255", &r);
	assert_true(r.ok);
	assert_int_equal(r.net, 0xFFFFFFFFu);

	sa_inet_addr("1.2.3", &r); /* inet_addr's old forms: 1.2.0.3 */
	assert_true(r.ok);
	assert_int_equal(r.net, htonl(0x01020003u));
	sa_inet_pton("1.2.3", &r);
	assert_false(r.ok);
	assert_int_equal(r.ret, 0);
	assert_int_equal(r.net, 0);

	sa_inet_addr("010.0.0.1", &r); /* octal */
	assert_int_equal(r.net, htonl(0x08000001u));
	sa_inet_pton("010.0.0.1", &r);
	assert_false(r.ok);

	sa_inet_addr("localhost", &r);
	assert_false(r.ok);
	sa_inet_pton("", &r);
	assert_false(r.ok);
	assert_int_equal(r.ret, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lecture_127_0_0_1_port_1000),
		cmocka_unit_test(test_lab_server_inet_pton),
		cmocka_unit_test(test_nohtons),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_fields_and_legend),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_lecture_format),
		cmocka_unit_test(test_inet_addr_notes),
		cmocka_unit_test(test_byte_order_lines),
		cmocka_unit_test(test_read_lines),
		cmocka_unit_test(test_conversions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
