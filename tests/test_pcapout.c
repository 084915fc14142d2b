/* test_pcapout.c - a capture written into a real pipe never blocks: a
 * reader that does not read stops it at the bound with one line, a reader
 * that went away stops it with EPIPE, a reader that keeps up gets every
 * frame whole, and what is left unread at the end is said. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "out.h"
#include "pcapbuf.h"
#include "pcapout.h"

/* The lines out_lost says, as the screen would take them. */
static char said[8][512];
static int nsaid;

static void take_line(void *ctx, const char *line)
{
	(void)ctx;
	if (nsaid < 8)
		snprintf(said[nsaid++], sizeof(said[0]), "%s", line);
}

static int setup(void **state)
{
	(void)state;
	nsaid = 0;
	out_set_notice(take_line, NULL);
	signal(SIGPIPE, SIG_IGN); /* as sockstep: a reader gone is EPIPE */
	return 0;
}

static struct pcapout *open_pipe(int fds[2])
{
	assert_int_equal(pipe(fds), 0);
	char err[256] = "";
	struct pcapout *o = pcapout_open(fds[1], false, "the --write capture", "f", 65535, err, sizeof(err));
	assert_non_null(o);
	assert_string_equal(err, "");
	return o;
}

static const unsigned char frame[1000]; /* 1016 bytes a record */

static int add(struct pcapout *o)
{
	struct pcap_pkthdr h = { .caplen = sizeof(frame), .len = sizeof(frame) };
	return pcapout_frame(o, &h, frame);
}

static void a_reader_that_does_not_read_stops_it_at_the_bound(void **state)
{
	(void)state;
	int fds[2];
	struct pcapout *o = open_pipe(fds);
	unsigned long n = 0;
	int r;
	/* Never blocks: the loop ends at the bound (a pipe holds 64 KiB). */
	while ((r = add(o)) == 0) {
		n++;
		pcapout_flush(o);
		assert_true(n < 2 * PCAPOUT_BOUND / 1016);
	}
	assert_int_equal(r, -ENOBUFS);
	assert_int_equal(pcapout_frames(o), n);
	assert_true(pcapout_waiting(o) <= PCAPOUT_BOUND);
	assert_true(pcapout_waiting(o) > PCAPOUT_BOUND - 1016 - 65536);
	assert_int_equal(nsaid, 1);
	char want[128];
	snprintf(want, sizeof(want), "the capture stopped after %lu frames", n);
	assert_non_null(strstr(said[0], "the --write capture \"f\": its reader does not keep up"));
	assert_non_null(strstr(said[0], want));
	assert_int_equal(add(o), -ENOBUFS); /* stays stopped, said once */
	assert_int_equal(nsaid, 1);
	/* It wants to be polled while bytes wait. */
	struct pollfd pfd;
	assert_int_equal(pcapout_pollfd(o, &pfd), 1);
	assert_int_equal(pfd.fd, fds[1]);
	assert_int_equal(pfd.events, POLLOUT);
	/* The end: nobody reads in 50 ms, what is left is said lost. */
	assert_int_equal(pcapout_close(o, 50), -EAGAIN);
	assert_int_equal(nsaid, 2);
	assert_non_null(strstr(said[1], "its reader did not read the last"));
	close(fds[0]);
}

static void a_reader_gone_is_epipe(void **state)
{
	(void)state;
	int fds[2];
	struct pcapout *o = open_pipe(fds);
	for (int i = 0; i < 3; i++)
		assert_int_equal(add(o), 0);
	assert_int_equal(pcapout_flush(o), 0);
	close(fds[0]);
	assert_int_equal(add(o), 0);
	assert_int_equal(pcapout_flush(o), -EPIPE);
	assert_int_equal(nsaid, 1);
	assert_non_null(strstr(said[0], "its reader went away (EPIPE) after 3 frames"));
	assert_int_equal(add(o), -EPIPE);
	struct pollfd pfd;
	assert_int_equal(pcapout_pollfd(o, &pfd), 0);
	assert_int_equal(pcapout_close(o, 1000), -EPIPE);
	assert_int_equal(nsaid, 1); /* nothing more to say */
}

/* Read what is in the pipe now into buf (non-blocking). */
static size_t drain(int fd, unsigned char *buf, size_t have, size_t cap)
{
	ssize_t r;
	while (have < cap && (r = read(fd, buf + have, cap - have)) > 0)
		have += (size_t)r;
	return have;
}

static void a_reader_that_keeps_up_gets_every_frame(void **state)
{
	(void)state;
	int fds[2];
	struct pcapout *o = open_pipe(fds);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	enum { N = 20000 }; /* 20 MB through a 64 KiB pipe, five times the bound */
	size_t cap = PCAPBUF_FILE_HEADER + (size_t)N * 1016, have = 0;
	unsigned char *got = malloc(cap);
	assert_non_null(got);
	for (int i = 0; i < N; i++) {
		assert_int_equal(add(o), 0);
		pcapout_flush(o);
		if (i % 64 == 0) /* the reader reads now and then */
			have = drain(fds[0], got, have, cap);
	}
	while (pcapout_waiting(o)) {
		have = drain(fds[0], got, have, cap);
		pcapout_flush(o);
	}
	assert_int_equal(pcapout_close(o, 1000), 0);
	have = drain(fds[0], got, have, cap);
	assert_int_equal(have, cap);
	/* A pcap file: its header, then N records of 1000 bytes. */
	uint32_t magic;
	memcpy(&magic, got, 4);
	assert_int_equal(magic, 0xa1b2c3d4);
	for (size_t off = PCAPBUF_FILE_HEADER; off < cap; off += 1016) {
		uint32_t caplen;
		memcpy(&caplen, got + off + 8, 4);
		assert_int_equal(caplen, 1000);
	}
	assert_int_equal(nsaid, 0);
	free(got);
	close(fds[0]);
}

static void a_write_error_is_said_by_name(void **state)
{
	(void)state;
	int fd = open("/dev/full", O_WRONLY);
	if (fd < 0)
		skip();
	char err[256];
	struct pcapout *o = pcapout_open(fd, false, "wire save", "/dev/full", 65535, err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(add(o), 0);
	assert_int_equal(pcapout_try(o), -ENOSPC); /* the caller says it */
	assert_int_equal(nsaid, 0);
	assert_int_equal(pcapout_close(o, 0), -ENOSPC);
	assert_int_equal(nsaid, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_reader_that_does_not_read_stops_it_at_the_bound, setup),
		cmocka_unit_test_setup(a_reader_gone_is_epipe, setup),
		cmocka_unit_test_setup(a_reader_that_keeps_up_gets_every_frame, setup),
		cmocka_unit_test_setup(a_write_error_is_said_by_name, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
