/* test_acks.c - which TCP segments seen on the wire are still owed an ACK:
 * real frames built byte by byte and run through the decoder (with its
 * conversation context, as the wire runs it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "acks.h"
#include "decode.h"
#include "frame_build.h"

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };
#define CLI 0x64000001u /* 100.0.0.1:9000 */
#define SRV 0xC8000002u /* 200.0.0.2:80 */

static struct dec_ctx ctx;

/* Ethernet + IPv4 + TCP from src to dst with seq, ack, flags and n bytes. */
static void see(struct acks *a, uint32_t src, uint32_t dst, uint32_t seq, uint32_t ack, unsigned flags,
		unsigned n)
{
	struct fb f;
	fb_tcp4(&f, src, dst, src == CLI ? 9000 : 80, src == CLI ? 80 : 9000, seq, ack, flags, n);
	struct dec_result r;
	dec_frame(&ctx, f.b, f.n, f.n, &r);
	acks_see(a, &r);
}

static int fresh(void **state)
{
	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	return 0;
}

/* The handshake: each SYN is owed until the other side acknowledges it. */
static void test_handshake(void **state)
{
	(void)state;
	struct acks a = { 0 };
	assert_false(acks_owed(&a));
	see(&a, CLI, SRV, 1000, 0, SYN, 0);
	assert_true(acks_owed(&a));
	see(&a, SRV, CLI, 5000, 1001, SYN | ACK, 0);
	assert_true(acks_owed(&a)); /* the server's SYN */
	see(&a, CLI, SRV, 1001, 5001, ACK, 0);
	assert_false(acks_owed(&a));
}

/* Data waits for its ACK (the delayed one); a partial ACK is not enough. */
static void test_data_and_fin(void **state)
{
	(void)state;
	struct acks a = { 0 };
	see(&a, CLI, SRV, 1000, 0, SYN, 0);
	see(&a, SRV, CLI, 5000, 1001, SYN | ACK, 0);
	see(&a, CLI, SRV, 1001, 5001, ACK, 0);
	see(&a, CLI, SRV, 1001, 5001, PSH | ACK, 4);
	assert_true(acks_owed(&a));
	see(&a, SRV, CLI, 5001, 1003, ACK, 0);
	assert_true(acks_owed(&a));
	see(&a, SRV, CLI, 5001, 1005, ACK, 0);
	assert_false(acks_owed(&a));
	see(&a, CLI, SRV, 1005, 5001, FIN | ACK, 0); /* a FIN uses a number too */
	assert_true(acks_owed(&a));
	see(&a, SRV, CLI, 5001, 1006, ACK, 0);
	assert_false(acks_owed(&a));
}

/* A reset ends the conversation; a pure ACK of one not followed owes nothing. */
static void test_reset_and_strangers(void **state)
{
	(void)state;
	struct acks a = { 0 };
	see(&a, CLI, SRV, 1000, 0, SYN, 0);
	see(&a, SRV, CLI, 0, 1001, RST | ACK, 0);
	assert_false(acks_owed(&a));
	see(&a, CLI, SRV, 7000, 8000, ACK, 0);
	assert_false(acks_owed(&a));
}

/* Sequence numbers wrap: 0xfffffffe + 4 bytes is acknowledged by 2. */
static void test_wrap(void **state)
{
	(void)state;
	struct acks a = { 0 };
	see(&a, CLI, SRV, 0xfffffffeu, 5001, PSH | ACK, 4);
	assert_true(acks_owed(&a));
	see(&a, SRV, CLI, 5001, 0xffffffffu, ACK, 0);
	assert_true(acks_owed(&a));
	see(&a, SRV, CLI, 5001, 2, ACK, 0);
	assert_false(acks_owed(&a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_handshake, fresh),
		cmocka_unit_test_setup(test_data_and_fin, fresh),
		cmocka_unit_test_setup(test_reset_and_strangers, fresh),
		cmocka_unit_test_setup(test_wrap, fresh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
