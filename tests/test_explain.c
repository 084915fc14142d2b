/* test_explain.c - the errno notes name the situation the kernel's errno
 * stands for: the same EPIPE, ENOTCONN, EISCONN, EINVAL or EOPNOTSUPP means
 * different things for a socket never connected, listening, shut down, or
 * whose connection the peer reset. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "explain.h"

static const struct explain_sit fresh = { .sit = SIT_FRESH, .tcp = true };
static const struct explain_sit listening = { .sit = SIT_LISTENING, .tcp = true, .listening = true, .server = true };
static const struct explain_sit connected = { .sit = SIT_CONNECTED, .tcp = true };
static const struct explain_sit reset = { .sit = SIT_WAS_CONNECTED, .tcp = true };
static const struct explain_sit shut_wr = { .sit = SIT_SHUT, .tcp = true, .shut_wr = true };
static const struct explain_sit listen_shut = { .sit = SIT_LISTENING, .tcp = true, .listening = true, .shut_rd = true };
static const struct explain_sit udp = { .sit = SIT_FRESH };

/* The note for (verb, errno, situation) says what it must, and each
 * situation's note differs from the others'. */
static void says(enum verb v, int err, const struct explain_sit *s, const char *want)
{
	const char *h = explain_errno(v, err, s);
	assert_non_null(h);
	if (!strstr(h, want))
		fail_msg("note \"%s\" lacks \"%s\"", h, want);
}

static void all_different(enum verb v, int err, const struct explain_sit *const *sits, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(explain_errno(v, err, sits[i]), explain_errno(v, err, sits[j])))
				fail_msg("situations %zu and %zu share the note \"%s\"", i, j, explain_errno(v, err, sits[i]));
}

static void epipe(void **state)
{
	(void)state;
	says(V_SEND, EPIPE, &fresh, "never connected");
	says(V_SEND, EPIPE, &listening, "listening socket");
	says(V_SEND, EPIPE, &shut_wr, "shutdown()");
	says(V_SEND, EPIPE, &reset, "reset");
	const struct explain_sit *s[] = { &fresh, &listening, &shut_wr, &reset };
	all_different(V_SEND, EPIPE, s, 4);
}

static void enotconn(void **state)
{
	(void)state;
	says(V_RECV, ENOTCONN, &fresh, "never connected");
	says(V_RECV, ENOTCONN, &listening, "listening socket has no peer");
	says(V_RECV, ENOTCONN, &reset, "the connection is over");
	says(V_RECV, ENOTCONN, &udp, "sendto()");
	const struct explain_sit *s[] = { &fresh, &listening, &reset, &udp };
	all_different(V_RECV, ENOTCONN, s, 4);
}

static void eisconn(void **state)
{
	(void)state;
	says(V_CONNECT, EISCONN, &connected, "already connected");
	says(V_CONNECT, EISCONN, &listening, "listening socket cannot connect");
	says(V_CONNECT, EISCONN, &reset, "connects only once");
	says(V_SENDTO, EISCONN, &connected, "send() it");
	const struct explain_sit *s[] = { &connected, &listening, &reset };
	all_different(V_CONNECT, EISCONN, s, 3);
}

static void einval(void **state)
{
	(void)state;
	says(V_ACCEPT, EINVAL, &fresh, "listen() first");
	says(V_ACCEPT, EINVAL, &connected, "not a listening socket");
	says(V_ACCEPT, EINVAL, &listen_shut, "accepts no more");
	says(V_BIND, EINVAL, &fresh, "binds once");
	says(V_LISTEN, EINVAL, &connected, "connected socket cannot listen");
}

static void eopnotsupp(void **state)
{
	(void)state;
	says(V_ACCEPT, EOPNOTSUPP, &udp, "recvfrom()");
	says(V_LISTEN, EOPNOTSUPP, &udp, "SOCK_STREAM");
	assert_null(explain_errno(V_SEND, EOPNOTSUPP, &udp));
}

static void others(void **state)
{
	(void)state;
	struct explain_sit lab = fresh, host = fresh;
	lab.lab = true;
	says(V_CONNECT, EHOSTUNREACH, &lab, "ARP");
	says(V_CONNECT, EHOSTUNREACH, &host, "ARP");
	says(V_ACCEPT, EINTR, &listening, "SA_RESTART");
	says(V_ACCEPT, EAGAIN, &listening, "EWOULDBLOCK");
	says(V_CONNECT, EINPROGRESS, &fresh, "select()");
	struct explain_sit srv = fresh, cli = fresh;
	srv.server = true;
	says(V_BIND, EADDRINUSE, &srv, "reuseaddr");
	says(V_BIND, EADDRINUSE, &cli, "lets the kernel pick");
	assert_null(explain_errno(V_SEND, 0, &fresh));
}

/* Counts as the lecture writes them. */
static void counts(void **state)
{
	(void)state;
	static const struct {
		unsigned long n;
		const char *want;
	} c[] = { { 0, "0" }, { 999, "999" }, { 1000, "1,000" }, { 99744, "99,744" }, { 1000000, "1,000,000" },
		  { 18446744073709551615UL, "18,446,744,073,709,551,615" } };
	char out[32];
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		explain_count(c[i].n, out, sizeof(out));
		assert_string_equal(out, c[i].want);
	}
	explain_count(99744, out, 4); /* cut, never overrun */
	assert_string_equal(out, "99,");
}

/* A receive queue that overflowed: the wire's count beside the socket's,
 * why (never read, or read too little), and a later count as "more". */
static void drops(void **state)
{
	(void)state;
	char out[256];
	struct explain_drops d = { .who = "server", .dropped = 99744, .wire = true };
	explain_drops(&d, out, sizeof(out));
	assert_string_equal(out, "the wire lost none; the server's socket dropped 99,744 datagrams: it never read, "
				 "and UDP has no flow control");
	explain_drops_note(&d, out, sizeof(out));
	assert_string_equal(out, "receive buffer full: 99,744 datagrams dropped, as SO_MEMINFO counts");
	d = (struct explain_drops){ .who = "server.1", .dropped = 1, .received = 3, .wire = true, .wire_lost = 2 };
	explain_drops(&d, out, sizeof(out));
	assert_string_equal(out, "the wire lost 2 so far; the server.1's socket dropped 1 datagram: it read only 3, "
				 "and UDP has no flow control");
	d = (struct explain_drops){ .who = "client", .dropped = 99756, .told = 99744 };
	explain_drops(&d, out, sizeof(out));
	assert_string_equal(out, "the client's socket dropped 12 more (99,756 in all): it never read, and UDP has no "
				 "flow control");
	explain_drops_note(&d, out, sizeof(out));
	assert_string_equal(out, "receive buffer full: 12 more dropped, 99,756 in all, as SO_MEMINFO counts");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(epipe),     cmocka_unit_test(enotconn),   cmocka_unit_test(eisconn),
		cmocka_unit_test(einval),    cmocka_unit_test(eopnotsupp), cmocka_unit_test(others),
		cmocka_unit_test(counts),    cmocka_unit_test(drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
