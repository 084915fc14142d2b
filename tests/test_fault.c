/* test_fault.c - which frame "wire drop|hold next FRAME" takes: the matcher
 * on decoded frames, real frames built byte by byte and run through the
 * decoder, so a flag the decoder reads differently fails here too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"
#include "fault.h"
#include "frame_build.h"

/* Ethernet + IPv4 + TCP (20-byte header) with flags and n payload bytes. */
static void tcp(struct dec_result *r, unsigned flags, unsigned n)
{
	struct fb f;
	fb_tcp4(&f, 0x64000001, 0xC8000002, 9000, 80, 1000, flags & 0x10 ? 2000 : 0, flags, n);
	dec_frame(NULL, f.b, f.n, f.n, r);
}

static void udp(struct dec_result *r, unsigned n)
{
	struct fb f = { .n = 0 };
	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	putn(&f, mac, 12);
	put16(&f, 0x0800);
	put8(&f, 0x45); put8(&f, 0); put16(&f, 20 + 8 + n); put32(&f, 0);
	put8(&f, 64); put8(&f, 17); put16(&f, 0);
	put32(&f, 0x64000001); put32(&f, 0xC8000002);
	put16(&f, 9000); put16(&f, 5000); put16(&f, 8 + n); put16(&f, 0);
	for (unsigned i = 0; i < n; i++)
		put8(&f, 'a');
	dec_frame(NULL, f.b, f.n, f.n, r);
}

/* Each frame against each kind: exactly the kinds listed match. */
static void test_matrix(void **state)
{
	static const struct {
		const char *what;
		int tcp_flags; /* -1: UDP */
		unsigned payload;
		const char *kinds; /* the kinds that take it, as words, blank-separated */
	} cases[] = {
		{ "SYN", TF_SYN, 0, "SYN" },
		{ "SYN with ECN bits", TF_SYN | TF_ECE | TF_CWR, 0, "SYN" },
		{ "SYN, ACK", TF_SYN | TF_ACK, 0, "SYN-ACK" },
		{ "a pure ACK", TF_ACK, 0, "ACK" },
		{ "data with PSH, ACK", TF_PSH | TF_ACK, 9, "data" },
		{ "data with ACK alone", TF_ACK, 1448, "data" },
		{ "FIN, ACK", TF_FIN | TF_ACK, 0, "FIN" },
		{ "FIN, PSH, ACK with data", TF_FIN | TF_PSH | TF_ACK, 4, "FIN data" },
		{ "a bare FIN", TF_FIN, 0, "FIN" },
		{ "RST", TF_RST, 0, "RST" },
		{ "RST, ACK", TF_RST | TF_ACK, 0, "RST" },
		{ "a UDP datagram", -1, 4, "udp" },
		{ "an empty UDP datagram", -1, 0, "udp" },
	};
	struct dec_result r;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].tcp_flags < 0)
			udp(&r, cases[i].payload);
		else
			tcp(&r, (unsigned)cases[i].tcp_flags, cases[i].payload);
		assert_int_equal(r.flags, 0);
		for (int k = FAULT_SYN; k < FAULT_COUNT_; k++) {
			const char *name = fault_frame_name((enum fault_frame)k);
			char want[32];
			snprintf(want, sizeof want, " %s ", name);
			char list[64];
			snprintf(list, sizeof list, " %s ", cases[i].kinds);
			bool expected = strstr(list, want) != NULL;
			if (fault_matches((enum fault_frame)k, &r) != expected)
				fail_msg("%s (%s): \"next %s\" %s, expected %s", cases[i].what, r.summary, name,
					 expected ? "does not take it" : "takes it", expected ? "yes" : "no");
		}
		assert_false(fault_matches(FAULT_NONE, &r));
	}
}

/* Not TCP or UDP, cut short, or nothing at all: no kind takes it. */
static void test_never(void **state)
{
	struct dec_result r;
	struct fb f = { .n = 0 };
	static const uint8_t arp[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06,
				       0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 100, 0, 0, 1,
				       0, 0, 0, 0, 0, 0, 200, 0, 0, 2 };

	(void)state;
	putn(&f, arp, sizeof arp);
	dec_frame(NULL, f.b, f.n, f.n, &r);
	for (int k = FAULT_NONE; k < FAULT_COUNT_; k++)
		assert_false(fault_matches((enum fault_frame)k, &r));
	/* A SYN whose capture ends inside the TCP header: its flags are not trusted. */
	tcp(&r, TF_SYN, 0);
	assert_true(fault_matches(FAULT_SYN, &r));
	r.flags |= DEC_TRUNCATED;
	assert_false(fault_matches(FAULT_SYN, &r));
	assert_false(fault_matches(FAULT_SYN, NULL));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fault_frame_name(FAULT_SYNACK), "SYN-ACK");
	assert_string_equal(fault_frame_name(FAULT_UDP), "udp");
	assert_string_equal(fault_frame_name(FAULT_NONE), "");
	assert_string_equal(fault_frame_name(FAULT_COUNT_), "");
	assert_string_equal(fault_frame_what(FAULT_DATA), "data segment");
	assert_string_equal(fault_frame_what(FAULT_UDP), "UDP datagram");
	assert_string_equal(fault_frame_what(FAULT_FIN), "FIN");
	size_t n = 0;
	while (fault_frame_words[n])
		n++;
	assert_int_equal(n, FAULT_COUNT_ - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
