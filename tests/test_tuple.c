/* test_tuple.c - the lecture's 5-tuple table: each row named as the lecture
 * names the step, addresses filled from what getsockname/getpeername return,
 * the cells a step changed marked, and the columns lined up under the header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "tuple.h"

static struct sockaddr_in sin_of(const char *ip, uint16_t port)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof s);
	s.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, ip, &s.sin_addr), 1);
	s.sin_port = htons(port);
	return s;
}

/* The lecture's tables ("SOCKET 5-TUPLE PARAMETERS CONFIGURATION"): the
 * server's steps are 1, 2, 2B and 7, the client's 3 to 6. */
static void test_lecture_step_names(void **state)
{
	(void)state;
	/* TCP, server */
	assert_string_equal(tuple_step_label(TS_SOCKET, SIDE_SERVER, PROTO_TCP), "STEP1 PROTOCOL DEFINITION");
	assert_string_equal(tuple_step_label(TS_BIND, SIDE_SERVER, PROTO_TCP), "STEP 2 SOCKET BINDING");
	assert_string_equal(tuple_step_label(TS_LISTEN, SIDE_SERVER, PROTO_TCP),
			    "STEP 2B READY TO ACCEPT CONNECTIONS");
	assert_string_equal(tuple_step_label(TS_ACCEPTED, SIDE_SERVER, PROTO_TCP),
			    "STEP7 CONNECTION REQUEST ACCEPTED");
	/* TCP, client */
	assert_string_equal(tuple_step_label(TS_SOCKET, SIDE_CLIENT, PROTO_TCP), "STEP3 PROTOCOL DEFINITION");
	assert_string_equal(tuple_step_label(TS_BIND, SIDE_CLIENT, PROTO_TCP),
			    "STEP4 LOCAL PARAMETERS CONFIGURATION");
	assert_string_equal(tuple_step_label(TS_REMOTE, SIDE_CLIENT, PROTO_TCP),
			    "STEP5 REMOTE PARAMETERS CONFIGURATION");
	assert_string_equal(tuple_step_label(TS_CONNECTED, SIDE_CLIENT, PROTO_TCP),
			    "STEP6 CONNECTION REQUEST (ACCEPTED)");
	assert_string_equal(tuple_step_label(TS_FAILED, SIDE_CLIENT, PROTO_TCP),
			    "STEP6 CONNECTION REQUEST (FAILED)");
	/* UDP */
	assert_string_equal(tuple_step_label(TS_SOCKET, SIDE_SERVER, PROTO_UDP), "STEP1 PROTOCOL DEFINITION");
	assert_string_equal(tuple_step_label(TS_WAITMSG, SIDE_SERVER, PROTO_UDP),
			    "STEP 2B WAITING FOR A MESSAGE FROM PEER");
	assert_string_equal(tuple_step_label(TS_RECEIVED, SIDE_SERVER, PROTO_UDP),
			    "STEP7 MESSAGE RECEIVED FROM PEER");
	assert_string_equal(tuple_step_label(TS_SENT, SIDE_CLIENT, PROTO_UDP), "STEP6 SEND MESSAGE TO PEER");
	/* Beyond the lecture's steps. */
	assert_string_equal(tuple_step_label(TS_SHUTDOWN, SIDE_CLIENT, PROTO_TCP), "SHUTDOWN");
	assert_string_equal(tuple_step_label(TS_CLOSE, SIDE_SERVER, PROTO_TCP), "CLOSE");
	assert_string_equal(tuple_step_label(TS_STATE, SIDE_SERVER, PROTO_TCP), "KERNEL STATE CHANGE");

	/* Short forms for narrow panes keep the step number and the outcome:
	 * a connection accepted never reads like one refused. */
	assert_string_equal(tuple_step_short(TS_SOCKET, SIDE_SERVER, PROTO_TCP), "STEP1 PROTOCOL");
	assert_string_equal(tuple_step_short(TS_SOCKET, SIDE_CLIENT, PROTO_TCP), "STEP3 PROTOCOL");
	assert_string_equal(tuple_step_short(TS_BIND, SIDE_CLIENT, PROTO_UDP), "STEP4 LOCAL");
	assert_string_equal(tuple_step_short(TS_LISTEN, SIDE_SERVER, PROTO_TCP), "STEP2B READY");
	assert_string_equal(tuple_step_short(TS_CONNECTED, SIDE_CLIENT, PROTO_TCP), "STEP6 ACCEPTED");
	assert_string_equal(tuple_step_short(TS_FAILED, SIDE_CLIENT, PROTO_TCP), "STEP6 FAILED");
	assert_string_equal(tuple_step_short(TS_ACCEPTED, SIDE_SERVER, PROTO_TCP), "STEP7 ACCEPTED");
	assert_string_equal(tuple_step_tiny(TS_CONNECTED, SIDE_CLIENT), "6");
	assert_string_equal(tuple_step_tiny(TS_FAILED, SIDE_CLIENT), "6 fail");
	assert_string_equal(tuple_step_tiny(TS_LISTEN, SIDE_SERVER), "2B");

	/* Every step has its three forms, for both sides, each within its
	 * width; no two steps share a short form unless they share the
	 * lecture's words too (2B, the UDP and TCP rows of step 6 apart). */
	for (int st = 0; st < TS_COUNT_; st++)
		for (int side = SIDE_SERVER; side <= SIDE_CLIENT; side++) {
			const char *l = tuple_step_label((enum tstep)st, (enum side)side, PROTO_TCP);
			const char *s = tuple_step_short((enum tstep)st, (enum side)side, PROTO_TCP);
			const char *t = tuple_step_tiny((enum tstep)st, (enum side)side);
			assert_true(strlen(l) > 4 && strlen(l) <= 40);
			assert_true(strlen(s) > 4 && strlen(s) <= TUPLE_SHORT_MAX && strlen(s) <= strlen(l));
			assert_true(strlen(t) >= 1 && strlen(t) <= TUPLE_TINY_MAX);
			for (int o = 0; o < st; o++)
				if (strcmp(tuple_step_label((enum tstep)o, (enum side)side, PROTO_TCP), l))
					assert_string_not_equal(tuple_step_short((enum tstep)o, (enum side)side, PROTO_TCP), s);
		}

	/* The widest form that fits. */
	assert_string_equal(tuple_step_fit(TS_FAILED, SIDE_CLIENT, 40), "STEP6 CONNECTION REQUEST (FAILED)");
	assert_string_equal(tuple_step_fit(TS_FAILED, SIDE_CLIENT, 20), "STEP6 FAILED");
	assert_string_equal(tuple_step_fit(TS_FAILED, SIDE_CLIENT, 11), "6 fail");
	assert_string_equal(tuple_step_fit(TS_CONNECTED, SIDE_CLIENT, 13), "6");
	assert_string_equal(tuple_step_fit(TS_CLOSE, SIDE_CLIENT, 5), "CLOSE");
	assert_null(tuple_step_fit(TS_LISTEN, SIDE_SERVER, 1));
	assert_string_equal(tuple_step_label(TS_COUNT_, SIDE_SERVER, PROTO_TCP), "");
	assert_string_equal(tuple_step_short((enum tstep)-1, SIDE_SERVER, PROTO_TCP), "");
}

/* Addresses as the kernel returns them: 0.0.0.0:0 is "not set yet". */
static void test_addresses(void **state)
{
	struct tuple_row r;
	struct sockaddr_in s;

	(void)state;
	memset(&r, 0, sizeof r);
	s = sin_of("200.0.0.2", 80);
	tuple_set_local(&r, &s);
	assert_string_equal(r.lip, "200.0.0.2");
	assert_string_equal(r.lport, "80");
	s = sin_of("100.0.0.1", 9000);
	tuple_set_remote(&r, &s);
	assert_string_equal(r.rip, "100.0.0.1");
	assert_string_equal(r.rport, "9000");

	/* The widest values fit their cells. */
	s = sin_of("255.255.255.255", 65535);
	tuple_set_local(&r, &s);
	assert_string_equal(r.lip, "255.255.255.255");
	assert_string_equal(r.lport, "65535");

	/* Bound to INADDR_ANY: the port is set, the address is 0.0.0.0. */
	s = sin_of("0.0.0.0", 7777);
	tuple_set_local(&r, &s);
	assert_string_equal(r.lip, "0.0.0.0");
	assert_string_equal(r.lport, "7777");

	/* Nothing yet (getsockname before bind, getpeername unconnected). */
	s = sin_of("0.0.0.0", 0);
	tuple_set_local(&r, &s);
	assert_string_equal(r.lip, "");
	assert_string_equal(r.lport, "");
	tuple_set_remote(&r, NULL);
	assert_string_equal(r.rip, "");
	assert_string_equal(r.rport, "");

	/* Listening / waiting: any peer, as the lecture's "?". */
	tuple_set_unknown_remote(&r);
	assert_string_equal(r.rip, "?");
	assert_string_equal(r.rport, "?");
}

/* Which cells a step changed, against the same socket's previous row. */
static void test_diff(void **state)
{
	struct tuple_row a, b2;
	struct sockaddr_in s;

	(void)state;
	memset(&a, 0, sizeof a);
	a.proto = PROTO_TCP;
	tuple_diff(&a, NULL); /* STEP1: only the protocol */
	assert_int_equal(a.changed, TC_PROTO);

	b2 = a;
	s = sin_of("200.0.0.2", 80);
	tuple_set_local(&b2, &s);
	tuple_diff(&b2, &a); /* STEP 2: local address and port */
	assert_int_equal(b2.changed, TC_LIP | TC_LPORT);

	a = b2;
	tuple_set_unknown_remote(&b2);
	strcpy(b2.state, "LISTEN");
	tuple_diff(&b2, &a); /* STEP 2B: ? ? and LISTEN */
	assert_int_equal(b2.changed, TC_RIP | TC_RPORT | TC_STATE);

	a = b2;
	tuple_diff(&b2, &a); /* nothing new */
	assert_int_equal(b2.changed, 0);

	/* A first row counts every filled cell. */
	tuple_diff(&b2, NULL);
	assert_int_equal(b2.changed, TC_PROTO | TC_LIP | TC_LPORT | TC_RIP | TC_RPORT | TC_STATE);

	/* close(): values disappear, which is a change too. */
	a = b2;
	memset(b2.lip, 0, sizeof b2.lip);
	memset(b2.lport, 0, sizeof b2.lport);
	tuple_diff(&b2, &a);
	assert_int_equal(b2.changed, TC_LIP | TC_LPORT);
}

/* TCP states by the names ss and netstat print. */
static void test_tcp_states(void **state)
{
	(void)state;
	assert_string_equal(tuple_tcp_state_name(TCP_ESTABLISHED), "ESTABLISHED");
	assert_string_equal(tuple_tcp_state_name(TCP_SYN_SENT), "SYN_SENT");
	assert_string_equal(tuple_tcp_state_name(TCP_SYN_RECV), "SYN_RECV");
	assert_string_equal(tuple_tcp_state_name(TCP_FIN_WAIT1), "FIN_WAIT1");
	assert_string_equal(tuple_tcp_state_name(TCP_FIN_WAIT2), "FIN_WAIT2");
	assert_string_equal(tuple_tcp_state_name(TCP_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(tuple_tcp_state_name(TCP_CLOSE), "CLOSED");
	assert_string_equal(tuple_tcp_state_name(TCP_CLOSE_WAIT), "CLOSE_WAIT");
	assert_string_equal(tuple_tcp_state_name(TCP_LAST_ACK), "LAST_ACK");
	assert_string_equal(tuple_tcp_state_name(TCP_LISTEN), "LISTEN");
	assert_string_equal(tuple_tcp_state_name(TCP_CLOSING), "CLOSING");
	assert_string_equal(tuple_tcp_state_name(0), "UNKNOWN");
	assert_string_equal(tuple_tcp_state_name(-1), "UNKNOWN");
	assert_string_equal(tuple_tcp_state_name(TCP_CLOSING + 1), "UNKNOWN");
	assert_string_equal(tuple_tcp_state_name(1 << 30), "UNKNOWN");

	/* Every name reads back to its state, in any case. */
	for (int st = TCP_ESTABLISHED; st <= TCP_CLOSING; st++)
		assert_int_equal(tuple_tcp_state_parse(tuple_tcp_state_name(st)), st);
	assert_int_equal(tuple_tcp_state_parse("established"), TCP_ESTABLISHED);
	/* ss's spellings. */
	assert_int_equal(tuple_tcp_state_parse("ESTAB"), TCP_ESTABLISHED);
	assert_int_equal(tuple_tcp_state_parse("SYN-SENT"), TCP_SYN_SENT);
	assert_int_equal(tuple_tcp_state_parse("fin-wait-2"), TCP_FIN_WAIT2);
	assert_int_equal(tuple_tcp_state_parse("TIME-WAIT"), TCP_TIME_WAIT);
	assert_int_equal(tuple_tcp_state_parse("UNCONN"), TCP_CLOSE);
	assert_int_equal(tuple_tcp_state_parse("CLOSE"), TCP_CLOSE);
	assert_int_equal(tuple_tcp_state_parse("UNKNOWN"), -EINVAL);
	assert_int_equal(tuple_tcp_state_parse("ESTABLISHE"), -EINVAL);
	assert_int_equal(tuple_tcp_state_parse(""), -EINVAL);
}

/* Where each column starts in the header line. */
static const char *const cols[] = { "STEP", "PROGRAM", "FD", "PROTO", "LOCAL-IP", "LOCAL-PORT",
				    "REMOTE-IP", "REMOTE-PORT", "STATE" };

static void test_header(void **state)
{
	char h[256];

	(void)state;
	tuple_header(h, sizeof h);
	assert_string_equal(h, "STEP                                     PROGRAM   FD PROTO LOCAL-IP        "
			       "LOCAL-PORT REMOTE-IP       REMOTE-PORT STATE");
	/* The lecture's five columns are all there, in its order. */
	const char *p = h;
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		const char *q = strstr(p, cols[i]);
		assert_non_null(q);
		p = q + strlen(cols[i]);
	}
}

/* A row's cells start where the header's columns start (FD is right-aligned). */
static void aligned(const char *row)
{
	static const size_t starts[] = { 0, 41, 51, 54, 60, 76, 87, 103, 115 };
	char h[256];

	tuple_header(h, sizeof h);
	for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
		assert_true(strncmp(h + starts[i], cols[i], strlen(cols[i])) == 0);
		if (i == 2 || strlen(row) <= starts[i])
			continue;
		if (row[starts[i]] == ' ' || (i > 0 && row[starts[i] - 1] != ' '))
			fail_msg("column %s is not at %zu in \"%s\"", cols[i], starts[i], row);
	}
}

/* The lecture's rows, formatted. */
static void test_rows(void **state)
{
	struct tuple_row r;
	struct sockaddr_in s;
	char out[256];

	(void)state;
	/* STEP 2B on the server: listening, any peer. */
	memset(&r, 0, sizeof r);
	r.step = TS_LISTEN;
	r.side = SIDE_SERVER;
	r.fd = 3;
	r.proto = PROTO_TCP;
	s = sin_of("200.0.0.2", 80);
	tuple_set_local(&r, &s);
	tuple_set_unknown_remote(&r);
	strcpy(r.state, "LISTEN");
	r.changed = TC_RIP | TC_RPORT | TC_STATE;
	tuple_format(&r, out, sizeof out);
	assert_string_equal(out, "STEP 2B READY TO ACCEPT CONNECTIONS      server     3 TCP   200.0.0.2       "
				 "80         ?*              ?*          LISTEN*");
	aligned(out);

	/* The same socket inherited by the forked child names that program. */
	r.prog = 1;
	r.child = 1;
	tuple_format(&r, out, sizeof out);
	assert_string_equal(out, "STEP 2B READY TO ACCEPT CONNECTIONS      server.1   3 TCP   200.0.0.2       "
				 "80         ?*              ?*          LISTEN*");
	aligned(out);
	r.child = 0;

	/* STEP7 on the server: the accepted socket, with the client's address. */
	r.step = TS_ACCEPTED;
	r.fd = 4;
	s = sin_of("100.0.0.1", 9000);
	tuple_set_remote(&r, &s);
	strcpy(r.state, "ESTABLISHED");
	tuple_diff(&r, NULL);
	tuple_format(&r, out, sizeof out);
	assert_string_equal(out, "STEP7 CONNECTION REQUEST ACCEPTED        server     4 TCP*  200.0.0.2*      "
				 "80*        100.0.0.1*      9000*       ESTABLISHED*");
	aligned(out);

	/* STEP3 on a UDP client: only the protocol, no trailing blanks. */
	memset(&r, 0, sizeof r);
	r.step = TS_SOCKET;
	r.side = SIDE_CLIENT;
	r.fd = 3;
	r.proto = PROTO_UDP;
	tuple_diff(&r, NULL);
	tuple_format(&r, out, sizeof out);
	assert_string_equal(out, "STEP3 PROTOCOL DEFINITION                client     3 UDP*");

	/* close(): the vanished cells show "-*" so the change is visible. */
	struct tuple_row prev = r;
	s = sin_of("100.0.0.1", 9000);
	tuple_set_local(&prev, &s);
	r.step = TS_CLOSE;
	tuple_diff(&r, &prev);
	tuple_format(&r, out, sizeof out);
	assert_string_equal(out, "CLOSE                                    client     3 UDP   -*              -*");

	/* A short buffer is cut, never overrun, and stays a string. */
	char tiny[16];
	memset(tiny, 'Z', sizeof tiny);
	tuple_format(&r, tiny, 5);
	assert_string_equal(tiny, "CLOS");
	assert_int_equal(tiny[5], 'Z');
}

/* --compare lines the TCP and UDP tables up by lecture step: STEP3 on the
 * left is level with STEP3 on the right, padded where one has more. */
static void test_align(void **state)
{
	(void)state;
	/* The compare lessons' tables at their last step: TCP has a kernel
	 * state row (SYN_SENT) between STEP5 and STEP6 and a note under STEP7;
	 * UDP has neither. */
	const char *tcp[] = { "1", "2", "2B", "3", "4", "5", "kern", "6", "7", NULL };
	const char *udp[] = { "1", "2", "2B", "3", "4", "5", "6", "7" };
	size_t pa[10], pb[8];
	size_t n = tuple_align(tcp, 10, udp, 8, pa, pb);
	assert_int_equal(n, 10);
	for (int i = 0; i < 6; i++) /* 1 .. 5 */
		assert_int_equal(pa[i], pb[i]);
	assert_int_equal(pa[6], 6);  /* kern: a row of its own, UDP blank there */
	assert_int_equal(pa[7], 7);  /* STEP6 level on both */
	assert_int_equal(pb[6], 7);
	assert_int_equal(pa[8], 8);  /* STEP7 level, its note under it */
	assert_int_equal(pb[7], 8);
	assert_int_equal(pa[9], 9);

	/* Mirror image: the side with fewer rows for a step is the one padded. */
	size_t qa[8], qb[10];
	assert_int_equal(tuple_align(udp, 8, tcp, 10, qa, qb), 10);
	assert_int_equal(qa[6], 7);
	assert_int_equal(qb[7], 7);

	/* Two rows of one step (and a note) against one: the next step starts
	 * below the taller group on both. */
	const char *a[] = { "7", "7", NULL, "close" };
	const char *b[] = { "7", "close" };
	size_t ra[4], rb[2];
	assert_int_equal(tuple_align(a, 4, b, 2, ra, rb), 4);
	assert_int_equal(ra[0], 0);
	assert_int_equal(rb[0], 0);
	assert_int_equal(ra[3], 3);
	assert_int_equal(rb[1], 3);

	/* Nothing in common: one after the other, never on the same row. */
	const char *x[] = { "1", "2" }, *y[] = { "3", "4" };
	size_t xa[2], yb[2];
	assert_int_equal(tuple_align(x, 2, y, 2, xa, yb), 4);
	assert_int_equal(xa[0], 0);
	assert_int_equal(xa[1], 1);
	assert_int_equal(yb[0], 2);
	assert_int_equal(yb[1], 3);

	/* One table empty: the other as it is. */
	size_t za[3];
	assert_int_equal(tuple_align(tcp, 3, NULL, 0, za, NULL), 3);
	assert_int_equal(za[2], 2);
	assert_int_equal(tuple_align(NULL, 0, NULL, 0, NULL, NULL), 0);

	/* The keys the lecture's numbers give. */
	assert_string_equal(tuple_step_key(TS_LISTEN, SIDE_SERVER), "2B");
	assert_string_equal(tuple_step_key(TS_SOCKET, SIDE_CLIENT), "3");
	assert_string_equal(tuple_step_key(TS_SENT, SIDE_CLIENT), "6");
	assert_string_equal(tuple_step_key(TS_COUNT_, SIDE_CLIENT), "");
}

/* Which rows a short table shows: the step's own first, then the sockets
 * it used, those that live on, older rows, and notes in what is left. */
#define PK(sd, f, st, step, nl) { .side = (sd), .fd = (f), .gone = !strcmp((st), "CLOSED"), .in_step = (step), .note_lines = (nl) }
static void test_pick(void **state)
{
	(void)state;
	/* udp, the end of step 7: the server's STEP7 row is the step's
	 * newest; the client's two rows of the step too. Four lines: the
	 * step's three rows and the newest older row (the server's 2B: the
	 * client's STEP4 is older than the step's rows of its socket). */
	struct tuple_pick u[] = {
		PK(SIDE_SERVER, 3, "UNCONN", false, 0), PK(SIDE_SERVER, 3, "UNCONN", false, 0),
		PK(SIDE_SERVER, 3, "UNCONN", false, 0), PK(SIDE_CLIENT, 3, "UNCONN", false, 0),
		PK(SIDE_CLIENT, 3, "UNCONN", false, 0), PK(SIDE_CLIENT, 3, "UNCONN", true, 1),
		PK(SIDE_CLIENT, 3, "UNCONN", true, 2), PK(SIDE_SERVER, 3, "UNCONN", true, 2),
	};
	assert_int_equal(tuple_pick(u, 8, 3), 3);
	for (int i = 0; i < 5; i++)
		assert_false(u[i].show);
	assert_true(u[5].show && u[6].show && u[7].show);
	assert_false(u[5].note || u[6].note || u[7].note);
	assert_int_equal(tuple_pick(u, 8, 4), 4);
	assert_true(u[4].show && !u[3].show);
	/* The rows first, every one; then the notes, newest first, each whole
	 * where it fits (the two-line ones before the one-line one). */
	assert_int_equal(tuple_pick(u, 8, 11), 11);
	for (int i = 0; i < 8; i++)
		assert_true(u[i].show);
	assert_true(u[7].note && !u[6].note && u[5].note);
	assert_int_equal(tuple_pick(u, 8, 13), 13);
	assert_true(u[7].note && u[6].note && u[5].note);
	/* No room at all: nothing shown, nothing counted. */
	assert_int_equal(tuple_pick(u, 8, 0), 0);
	assert_false(u[7].show);

	/* restart, step 3: the server's new socket is the step's only row;
	 * the TIME_WAIT left by the old connection (fd 4) is what makes bind
	 * fail, and comes before the newer rows of closed descriptors. */
	struct tuple_pick r[] = {
		PK(SIDE_SERVER, 3, "LISTEN", false, 0),   PK(SIDE_SERVER, 4, "ESTABLISHED", false, 0),
		PK(SIDE_CLIENT, 3, "CLOSE_WAIT", false, 0), PK(SIDE_SERVER, 4, "FIN_WAIT2", false, 1),
		PK(SIDE_CLIENT, 3, "CLOSED", false, 1),   PK(SIDE_SERVER, 4, "TIME_WAIT", false, 1),
		PK(SIDE_SERVER, 3, "CLOSED", false, 1),   PK(SIDE_SERVER, 3, "CLOSED", true, 0),
	};
	assert_int_equal(tuple_pick(r, 8, 2), 2);
	assert_true(r[7].show && r[5].show);
	assert_int_equal(tuple_pick(r, 8, 3), 3);
	assert_true(r[7].show && r[5].show && r[6].show);
	/* Notes go only under the step's rows. */
	for (int i = 0; i < 8; i++)
		assert_false(r[i].note);

	/* A step with more rows than lines: the step's live rows first (its
	 * newest state of each socket), then its other rows. */
	struct tuple_pick c[] = {
		PK(SIDE_CLIENT, 3, "CLOSED", true, 0), PK(SIDE_CLIENT, 3, "SYN_SENT", true, 0),
		PK(SIDE_CLIENT, 3, "ESTABLISHED", true, 0), PK(SIDE_SERVER, 4, "ESTABLISHED", true, 3),
	};
	assert_int_equal(tuple_pick(c, 4, 2), 2);
	assert_true(c[2].show && c[3].show && !c[0].show && !c[1].show);
	/* concurrent, step 13: the step makes no row, it sends and receives on
	 * server.1's and server.2's connections: their newest rows come before
	 * newer rows of other sockets; the rows the step made before all. */
	struct tuple_pick k[] = {
		{ .side = SIDE_SERVER, .prog = 1, .child = 1, .fd = 4, .used = true },
		{ .side = SIDE_SERVER, .prog = 1, .child = 2, .fd = 4, .used = true },
		{ .side = SIDE_SERVER, .prog = 1, .child = 2, .fd = 3 },
		{ .side = SIDE_SERVER, .prog = 1, .fd = 4 },
	};
	assert_int_equal(tuple_pick(k, 4, 2), 2);
	assert_true(k[0].show && k[1].show && !k[2].show && !k[3].show);
	k[3].in_step = true;
	assert_int_equal(tuple_pick(k, 4, 2), 2);
	assert_true(k[3].show && k[1].show && !k[0].show);

	/* After a flood: the server's row that only tells its receive queue's
	 * drops (no cell changed) takes its note along, before older rows; the
	 * client's row of the step comes next, its note only in what is left. */
	struct tuple_pick f[] = {
		PK(SIDE_SERVER, 3, "UNCONN", false, 0), PK(SIDE_CLIENT, 3, "UNCONN", false, 0),
		PK(SIDE_SERVER, 3, "UNCONN", true, 2), PK(SIDE_CLIENT, 3, "UNCONN", true, 1),
	};
	f[2].kernel = f[3].kernel = f[2].news_in_note = true;
	assert_int_equal(tuple_pick(f, 4, 4), 4);
	assert_true(f[2].show && f[2].note && f[3].show && !f[3].note);
	assert_false(f[0].show || f[1].show);
	assert_int_equal(tuple_pick(f, 4, 2), 2); /* no room for the whole note: the rows */
	assert_true(f[2].show && !f[2].note && f[3].show);
	f[2].news_in_note = false; /* as before: rows first */
	assert_int_equal(tuple_pick(f, 4, 4), 4);
	assert_true(f[0].show && f[1].show && !f[2].note);

	/* Of the step's older rows, those of its calls before the kernel's own
	 * passing states (restart, step 4: STEP3 before SYN_SENT). */
	c[1].kernel = true;
	assert_int_equal(tuple_pick(c, 4, 3), 3);
	assert_true(c[0].show && !c[1].show);
	c[1].kernel = false;

	/* Everything fits: every row and every note of the step. */
	assert_int_equal(tuple_pick(c, 4, 10), 7);
	assert_true(c[0].show && c[1].show && c[3].note);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lecture_step_names),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_tcp_states),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_align),
		cmocka_unit_test(test_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
