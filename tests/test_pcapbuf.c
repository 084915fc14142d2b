/* test_pcapbuf.c - a capture waiting for its reader: the buffer never goes
 * over its bound, a record that does not fit changes nothing, the bytes come
 * out in order however they are taken, whole records are counted as they
 * leave, and memory goes back once the reader has caught up. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcapbuf.h"

/* A record as pcap_dump writes it: 16-byte header (caplen at 8, host
 * order), then caplen bytes of fill. Returns its size. */
static size_t record(unsigned char *out, uint32_t caplen, unsigned char fill)
{
	memset(out, 0, PCAPBUF_REC_HEADER);
	memcpy(out + 8, &caplen, 4);
	memcpy(out + 12, &caplen, 4);
	memset(out + PCAPBUF_REC_HEADER, fill, caplen);
	return PCAPBUF_REC_HEADER + caplen;
}

static void the_bound_holds_and_a_refused_put_changes_nothing(void **state)
{
	(void)state;
	struct pcapbuf b;
	pcapbuf_init(&b, 100);
	unsigned char x[101];
	memset(x, 'x', sizeof(x));
	assert_int_equal(pcapbuf_put(&b, x, 60), 0);
	assert_true(pcapbuf_fits(&b, 40));
	assert_false(pcapbuf_fits(&b, 41));
	assert_int_equal(pcapbuf_put(&b, x, 41), -ENOBUFS);
	assert_int_equal(pcapbuf_len(&b), 60);
	assert_int_equal(pcapbuf_put(&b, x, 40), 0);
	assert_int_equal(pcapbuf_len(&b), 100);
	assert_int_equal(pcapbuf_put(&b, x, 1), -ENOBUFS);
	assert_false(pcapbuf_fits(&b, SIZE_MAX)); /* no overflow in the check */
	pcapbuf_free(&b);

	pcapbuf_init(&b, 100);
	assert_int_equal(pcapbuf_put(&b, x, 101), -ENOBUFS);
	assert_int_equal(pcapbuf_len(&b), 0);
	pcapbuf_free(&b);
}

static void bytes_come_out_in_order(void **state)
{
	(void)state;
	struct pcapbuf b;
	pcapbuf_init(&b, 1u << 20);
	/* Bytes 0..N-1 mod 251, put and taken in pieces of different sizes so
	 * that the buffer moves what waits to its front and grows. */
	size_t put = 0, got = 0, total = 300000;
	unsigned char piece[7000];
	while (got < total) {
		size_t n = put < total ? 1 + (put * 7919) % sizeof(piece) : 0;
		if (n > total - put)
			n = total - put;
		for (size_t i = 0; i < n; i++)
			piece[i] = (unsigned char)((put + i) % 251);
		if (n) {
			assert_int_equal(pcapbuf_put(&b, piece, n), 0);
			put += n;
		}
		size_t have;
		const unsigned char *p = pcapbuf_peek(&b, &have);
		size_t take = have < 3333 ? have : 3333;
		for (size_t i = 0; i < take; i++)
			assert_int_equal(p[i], (got + i) % 251);
		/* Not a pcap stream: only the order is checked here. */
		b.rec_left = SIZE_MAX;
		pcapbuf_drop(&b, take);
		got += take;
	}
	assert_int_equal(pcapbuf_len(&b), 0);
	pcapbuf_free(&b);
}

/* Records leave whole: counted only when their last byte has left, however
 * the writes cut the stream. */
static void whole_records_are_counted(void **state)
{
	(void)state;
	static const uint32_t caplens[] = { 10, 0, 100, 1600, 3 };
	unsigned char stream[4096];
	size_t len = PCAPBUF_FILE_HEADER, ends[5];
	memset(stream, 0xA1, PCAPBUF_FILE_HEADER);
	for (int i = 0; i < 5; i++) {
		len += record(stream + len, caplens[i], (unsigned char)i);
		ends[i] = len;
	}
	for (size_t step = 1; step <= 41; step += 8) {
		struct pcapbuf b;
		pcapbuf_init(&b, 1u << 20);
		assert_int_equal(pcapbuf_put(&b, stream, len), 0);
		size_t out = 0;
		while (out < len) {
			size_t n = len - out < step ? len - out : step;
			pcapbuf_drop(&b, n);
			out += n;
			unsigned long want = 0;
			for (int i = 0; i < 5; i++)
				want += ends[i] <= out;
			assert_int_equal(pcapbuf_out(&b), want);
		}
		assert_int_equal(pcapbuf_out(&b), 5);
		pcapbuf_free(&b);
	}
}

static void memory_goes_back_once_read(void **state)
{
	(void)state;
	struct pcapbuf b;
	pcapbuf_init(&b, 4u << 20);
	unsigned char *big = calloc(1, 1u << 20);
	assert_non_null(big);
	assert_int_equal(pcapbuf_put(&b, big, 1u << 20), 0);
	assert_true(b.cap >= 1u << 20);
	assert_true(b.cap <= 4u << 20);
	b.rec_left = SIZE_MAX;
	pcapbuf_drop(&b, 1u << 20);
	assert_int_equal(b.cap, 0);
	assert_null(b.p);
	/* and it is usable again */
	assert_int_equal(pcapbuf_put(&b, big, 10), 0);
	assert_int_equal(pcapbuf_len(&b), 10);
	pcapbuf_free(&b);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_bound_holds_and_a_refused_put_changes_nothing),
		cmocka_unit_test(bytes_come_out_in_order),
		cmocka_unit_test(whole_records_are_counted),
		cmocka_unit_test(memory_goes_back_once_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
