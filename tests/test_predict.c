/* test_predict.c - predict, then reveal: the answer comes from the log of
 * what the next command really did, and guesses are judged against it
 * (ports the kernel chose by range, states by name or alias). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <errno.h>

#include <cmocka.h>

#include "predict.h"

#include "frame_build.h"

static void ask(struct session *s, enum side side, enum expect_what w, const char *q)
{
	struct event *e = session_add(s, EV_PREDICT, side, -1, "%s", q);
	assert_non_null(e);
	e->ret = w;
}

static void command(struct session *s, const char *text)
{
	s->seq++;
	assert_non_null(session_add(s, EV_COMMAND, SIDE_NONE, -1, "%s", text));
}

static void row(struct session *s, enum side side, int fd, const char *lip, const char *lport, const char *rip,
		const char *rport, const char *state)
{
	struct tuple_row r;
	memset(&r, 0, sizeof(r));
	r.side = side;
	r.prog = 1;
	r.fd = fd;
	r.proto = PROTO_TCP;
	snprintf(r.lip, sizeof(r.lip), "%s", lip);
	snprintf(r.lport, sizeof(r.lport), "%s", lport);
	snprintf(r.rip, sizeof(r.rip), "%s", rip);
	snprintf(r.rport, sizeof(r.rport), "%s", rport);
	snprintf(r.state, sizeof(r.state), "%s", state);
	struct event *e = session_add(s, EV_ROW, side, fd, NULL);
	assert_non_null(e);
	assert_int_equal(session_attach_row(e, &r), 0);
}

static void call(struct session *s, enum side side, long ret, int err)
{
	struct event *e = session_add(s, EV_CALL, side, 3, "connect(...);");
	assert_non_null(e);
	e->prog = 1;
	e->ret = ret;
	e->err = err;
}

/* A client connects without bind: the local port is the kernel's choice. */
static void test_ephemeral_port(void **st)
{
	(void)st;
	struct session s;
	session_init(&s);
	command(&s, "client socket tcp");
	row(&s, SIDE_CLIENT, 3, "", "", "", "", "CLOSED");
	command(&s, "predict client local \"Which local port?\"");
	ask(&s, SIDE_CLIENT, EX_LOCAL, "Which local port?");
	size_t q = s.n - 1;
	struct predict_answer a;
	assert_int_equal(predict_answer(&s, q, 32768, 60999, &a), -ENOENT); /* not run yet */
	command(&s, "client connect 200.0.0.2 80");
	call(&s, SIDE_CLIENT, 0, 0);
	row(&s, SIDE_CLIENT, 3, "100.0.0.1", "41234", "200.0.0.2", "80", "ESTABLISHED");
	command(&s, "expect client state ESTABLISHED");
	assert_int_equal(predict_answer(&s, q, 32768, 60999, &a), 0);
	assert_true(a.ephemeral);
	assert_string_equal(a.port, "41234");
	assert_non_null(strstr(a.value, "100.0.0.1 41234"));
	assert_true(predict_check(&a, "random above 32767", 32768, 60999));
	assert_true(predict_check(&a, "Random", 32768, 60999));
	assert_true(predict_check(&a, "ephemeral", 32768, 60999));
	assert_true(predict_check(&a, "32768-60999", 32768, 60999));
	assert_true(predict_check(&a, "32768 60999", 32768, 60999));
	assert_true(predict_check(&a, "40000-42000", 32768, 60999));
	assert_true(predict_check(&a, "100.0.0.1 41234", 32768, 60999));
	assert_true(predict_check(&a, "41234", 32768, 60999));
	assert_false(predict_check(&a, "9000", 32768, 60999));
	assert_false(predict_check(&a, "1-1023", 32768, 60999));
	assert_false(predict_check(&a, "200.0.0.2 41234", 32768, 60999));
	assert_false(predict_check(&a, "", 32768, 60999));
	session_free(&s);
}

/* A port given to bind is no kernel's choice: "random" is wrong there. */
static void test_bound_port(void **st)
{
	(void)st;
	struct session s;
	session_init(&s);
	command(&s, "client bind 100.0.0.1 40000");
	row(&s, SIDE_CLIENT, 3, "100.0.0.1", "40000", "", "", "CLOSED");
	command(&s, "predict client local \"Which local port?\"");
	ask(&s, SIDE_CLIENT, EX_LOCAL, "Which local port?");
	size_t q = s.n - 1;
	command(&s, "client connect 200.0.0.2 80");
	row(&s, SIDE_CLIENT, 3, "100.0.0.1", "40000", "200.0.0.2", "80", "ESTABLISHED");
	struct predict_answer a;
	assert_int_equal(predict_answer(&s, q, 32768, 60999, &a), 0);
	assert_false(a.ephemeral);
	assert_false(predict_check(&a, "random", 32768, 60999));
	assert_true(predict_check(&a, "40000", 32768, 60999));
	session_free(&s);
}

static void test_state_and_remote(void **st)
{
	(void)st;
	struct session s;
	session_init(&s);
	command(&s, "predict client state \"State after connect?\"");
	ask(&s, SIDE_CLIENT, EX_STATE, "State after connect?");
	size_t q1 = s.n - 1;
	command(&s, "predict server remote \"Remote after accept?\"");
	ask(&s, SIDE_SERVER, EX_REMOTE, "Remote after accept?");
	size_t q2 = s.n - 1;
	command(&s, "client connect 200.0.0.2 80");
	row(&s, SIDE_CLIENT, 3, "100.0.0.1", "9000", "200.0.0.2", "80", "SYN_SENT");
	row(&s, SIDE_SERVER, 4, "200.0.0.2", "80", "100.0.0.1", "9000", "ESTABLISHED");
	row(&s, SIDE_CLIENT, 3, "100.0.0.1", "9000", "200.0.0.2", "80", "ESTABLISHED");
	command(&s, "client send \"x\"");
	row(&s, SIDE_CLIENT, 3, "100.0.0.1", "9000", "200.0.0.2", "80", "FIN_WAIT1"); /* not this command's */
	struct predict_answer a;
	assert_int_equal(predict_answer(&s, q1, 0, 0, &a), 0);
	assert_string_equal(a.value, "ESTABLISHED");
	assert_true(predict_check(&a, "established", 0, 0));
	assert_true(predict_check(&a, "ESTAB", 0, 0));
	assert_false(predict_check(&a, "SYN_SENT", 0, 0));
	assert_int_equal(predict_answer(&s, q2, 0, 0, &a), 0);
	assert_string_equal(a.value, "100.0.0.1 9000");
	assert_true(predict_check(&a, "100.0.0.1:9000", 0, 0));
	assert_true(predict_check(&a, " 100.0.0.1 9000 ", 0, 0));
	assert_false(predict_check(&a, "9000", 0, 0)); /* the peer's address too */
	assert_false(predict_check(&a, "200.0.0.2 80", 0, 0));
	session_free(&s);
}

static void test_result_and_bytes(void **st)
{
	(void)st;
	struct session s;
	session_init(&s);
	command(&s, "predict client result \"What does connect return?\"");
	ask(&s, SIDE_CLIENT, EX_RESULT, "What does connect return?");
	size_t q1 = s.n - 1;
	command(&s, "client connect 127.0.0.1 5001");
	call(&s, SIDE_CLIENT, -1, ECONNREFUSED);
	command(&s, "predict result \"Bytes?\"");
	ask(&s, SIDE_NONE, EX_RESULT, "Bytes?");
	size_t q2 = s.n - 1;
	command(&s, "htons 1000");
	session_add(&s, EV_INFO, SIDE_NONE, -1, "htons(1000): host value 0x03E8, memory 03 E8 (network order)");
	struct predict_answer a;
	assert_int_equal(predict_answer(&s, q1, 0, 0, &a), 0);
	assert_string_equal(a.value, "-1 ECONNREFUSED");
	assert_true(predict_check(&a, "econnrefused", 0, 0));
	assert_true(predict_check(&a, "-1", 0, 0));
	assert_false(predict_check(&a, "0", 0, 0));
	assert_int_equal(predict_answer(&s, q2, 0, 0, &a), 0);
	assert_string_equal(a.value, "03 E8");
	assert_true(predict_check(&a, "03 e8", 0, 0));
	assert_true(predict_check(&a, "03E8", 0, 0));
	assert_false(predict_check(&a, "E8 03", 0, 0));
	session_free(&s);
}

static void test_recvfrom_data(void **st)
{
	(void)st;
	struct session s;
	session_init(&s);
	command(&s, "predict server data \"What does recvfrom fill in?\"");
	ask(&s, SIDE_SERVER, EX_DATA, "What does recvfrom fill in?");
	size_t q = s.n - 1;
	command(&s, "client sendto 200.0.0.2 80 \"hola\"");
	struct event *e = session_add(&s, EV_DATA, SIDE_SERVER, 3, "received \"hola\" (4 bytes) from 100.0.0.1:9000");
	e->prog = 1;
	struct predict_answer a;
	assert_int_equal(predict_answer(&s, q, 0, 0, &a), 0);
	assert_string_equal(a.value, "\"hola\" from 100.0.0.1 9000");
	assert_true(predict_check(&a, "\"hola\" from 100.0.0.1 9000", 0, 0));
	assert_true(predict_check(&a, "hola 100.0.0.1:9000", 0, 0));
	assert_false(predict_check(&a, "hola", 0, 0)); /* recvfrom also says who sent it */
	assert_false(predict_check(&a, "HOLA 100.0.0.1 9000", 0, 0));
	assert_int_equal(predict_answer(&s, 0, 0, 0, &a), -EINVAL); /* index 0 is a command */
	session_free(&s);
}

/* A worksheet hides exactly the answer: the question's row's cells and the
 * step's frames; never what was typed nor the other programs' rows. */
static void test_hide(void **st)
{
	(void)st;
	struct predict_hide h;
	memset(&h, 0, sizeof(h));
	h.ans.what = EX_DATA;
	snprintf(h.ans.ip, sizeof(h.ans.ip), "100.0.0.1");
	snprintf(h.ans.port, sizeof(h.ans.port), "9000");
	snprintf(h.ans.text, sizeof(h.ans.text), "hola");
	h.side = SIDE_SERVER;
	h.prog = 1;
	h.fd = -1;
	h.in_step = true;
	struct tuple_row r;
	memset(&r, 0, sizeof(r));
	r.side = SIDE_CLIENT;
	r.prog = 1;
	r.fd = 3;
	snprintf(r.lip, sizeof(r.lip), "100.0.0.1");
	snprintf(r.lport, sizeof(r.lport), "9000");
	snprintf(r.rip, sizeof(r.rip), "200.0.0.2");
	snprintf(r.rport, sizeof(r.rport), "80");
	predict_hide_row(&h, &r); /* the client's own bind: never hidden */
	assert_string_equal(r.lip, "100.0.0.1");
	assert_string_equal(r.lport, "9000");
	r.side = SIDE_SERVER;
	snprintf(r.lip, sizeof(r.lip), "200.0.0.2");
	snprintf(r.lport, sizeof(r.lport), "80");
	snprintf(r.rip, sizeof(r.rip), "100.0.0.1");
	snprintf(r.rport, sizeof(r.rport), "9000");
	predict_hide_row(&h, &r); /* the server's row: recvfrom's source */
	assert_string_equal(r.rip, "?????????");
	assert_string_equal(r.rport, "????");
	assert_string_equal(r.lport, "80");
	snprintf(r.rip, sizeof(r.rip), "?");
	snprintf(r.rport, sizeof(r.rport), "?");
	predict_hide_row(&h, &r); /* the listening socket's "?" is no answer */
	assert_string_equal(r.rip, "?");

	struct event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_CALL;
	ev.side = SIDE_CLIENT;
	ev.prog = 1;
	ev.fd = 3;
	char call[] = "  client  sendto(sock, \"hola\", 4, 0, ...);  -> 4\n";
	predict_hide_text(&h, &ev, call); /* what sendto sent */
	assert_string_equal(call, "  client  sendto(sock, \"hola\", 4, 0, ...);  -> 4\n");
	ev.kind = EV_DATA;
	ev.side = SIDE_SERVER;
	char data[] = "  server  received \"hola\" (4 bytes) from 100.0.0.1:9000\n";
	predict_hide_text(&h, &ev, data);
	assert_string_equal(data, "  server  received ?????? (4 bytes) from ?????????:????\n");
	ev.kind = EV_FRAME;
	char frame[] = "  wire    #3   cli→srv UDP 100.0.0.1:9000 → 200.0.0.2:80 len=4 win=19000\n";
	predict_hide_text(&h, &ev, frame);
	assert_string_equal(frame, "  wire    #3   cli→srv UDP ?????????:???? → 200.0.0.2:80 len=4 win=19000\n");
	char narration[] = "who sent it: 100.0.0.1 port 9000, not 100.0.0.10";
	predict_hide_text(&h, NULL, narration);
	assert_string_equal(narration, "who sent it: ????????? port ????, not 100.0.0.10");
	h.in_step = false; /* later steps: narration and notes only */
	char later[] = "  wire    #4   srv→cli UDP 200.0.0.2:80 → 100.0.0.1:9000 len=4\n";
	ev.kind = EV_FRAME;
	predict_hide_text(&h, &ev, later);
	assert_string_equal(later, "  wire    #4   srv→cli UDP 200.0.0.2:80 → 100.0.0.1:9000 len=4\n");

	/* A result: the call's value, not the line; a bytes answer either way round. */
	memset(&h.ans, 0, sizeof(h.ans));
	h.in_step = true;
	h.side = SIDE_CLIENT;
	h.ans.what = EX_RESULT;
	snprintf(h.ans.value, sizeof(h.ans.value), "-1 ECONNREFUSED");
	ev.kind = EV_CALL;
	ev.side = SIDE_CLIENT;
	char refused[] = "  client  recv(sock, buffer, 1024, 0);  -> -1 ECONNREFUSED (Connection refused)\n";
	predict_hide_text(&h, &ev, refused);
	assert_string_equal(refused, "  client  recv(sock, buffer, 1024, 0);  -> ????????????????????????????????????\n");
	h.ans.bytes = true;
	snprintf(h.ans.value, sizeof(h.ans.value), "03 E9");
	ev.kind = EV_INFO;
	ev.side = SIDE_NONE;
	char note[] = "note: htons(1001): host value 0x03E9, memory 03 E9 (this CPU would store E9 03)";
	predict_hide_text(&h, &ev, note);
	assert_string_equal(note, "note: htons(1001): host value 0x03E9, memory ????? (this CPU would store ????\?)");
}

/* An Ethernet/IPv4/UDP frame 100.0.0.1:sport -> 200.0.0.2:80 carrying data
 * (checksums 0: the decoder does not check them). */
static void udp_frame(struct fb *f, unsigned sport, const char *data)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 2 }, src[6] = { 2, 0, 0, 0, 0, 1 };
	size_t n = strlen(data);
	memset(f, 0, sizeof(*f));
	putn(f, dst, 6);
	putn(f, src, 6);
	put16(f, 0x0800);
	put8(f, 0x45), put8(f, 0), put16(f, (unsigned)(20 + 8 + n)), put32(f, 0);
	put8(f, 64), put8(f, 17), put16(f, 0);
	put32(f, 0x64000001), put32(f, 0xC8000002);
	put16(f, sport), put16(f, 80), put16(f, (unsigned)(8 + n)), put16(f, 0);
	putn(f, data, n);
}

/* The flags predict_hide_frame set, as "26-29 34-35" (runs of hidden bytes). */
static void runs(const uint8_t *hide, size_t n, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!hide[i] || (i && hide[i - 1]))
			continue;
		size_t j = i;
		while (j + 1 < n && hide[j + 1])
			j++;
		size_t o = strlen(out);
		snprintf(out + o, len - o, "%s%zu-%zu", o ? " " : "", i, j);
	}
}

/* A frame's hex dump hides exactly the fields that hold the answer, found
 * by the decoder's offsets: never the same bytes elsewhere in the frame. */
static void test_hide_frame(void **st)
{
	(void)st;
	struct fb f;
	struct dec_result r;
	uint8_t hide[sizeof(f.b)];
	char got[64], hex[1024];
	udp_frame(&f, 9000, "hola");
	dec_frame(NULL, f.b, f.n, f.n, &r);
	assert_int_equal(r.nfields, 4); /* the two addresses, the two ports */

	/* recvfrom's sender and text: 100.0.0.1, 9000, "hola". */
	struct predict_answer a;
	memset(&a, 0, sizeof(a));
	a.what = EX_DATA;
	snprintf(a.ip, sizeof(a.ip), "100.0.0.1");
	snprintf(a.port, sizeof(a.port), "9000");
	snprintf(a.text, sizeof(a.text), "hola");
	memset(hide, 0, sizeof(hide));
	assert_int_equal(predict_hide_frame(&a, &r, f.b, f.n, hide), 10);
	runs(hide, f.n, got, sizeof(got));
	assert_string_equal(got, "26-29 34-35 42-45"); /* ip.src, udp.sport, the payload */
	dec_hex_hidden(f.b, f.n, hide, hex, sizeof(hex));
	assert_non_null(strstr(hex, "0010  00 20 00 00 00 00 40 11 00 00 ?? ?? ?? ?? c8 00"));
	assert_non_null(strstr(hex, "0020  00 02 ?? ?? 00 50 00 0c 00 00 ?? ?? ?? ??"));
	assert_null(strstr(hex, "hola"));
	assert_non_null(strstr(hex, "..??.P....????"));
	/* Another text: the payload stays. */
	snprintf(a.text, sizeof(a.text), "adeu");
	memset(hide, 0, sizeof(hide));
	assert_int_equal(predict_hide_frame(&a, &r, f.b, f.n, hide), 6);

	/* The server's port (a local answer): that field only, the address stays. */
	memset(&a, 0, sizeof(a));
	a.what = EX_LOCAL;
	snprintf(a.ip, sizeof(a.ip), "200.0.0.2");
	snprintf(a.port, sizeof(a.port), "80");
	memset(hide, 0, sizeof(hide));
	assert_int_equal(predict_hide_frame(&a, &r, f.b, f.n, hide), 2);
	runs(hide, f.n, got, sizeof(got));
	assert_string_equal(got, "36-37");

	/* A conversion's bytes: a field of their width holding them. */
	memset(&a, 0, sizeof(a));
	a.what = EX_RESULT;
	a.bytes = true;
	snprintf(a.value, sizeof(a.value), "23 28");
	memset(hide, 0, sizeof(hide));
	assert_int_equal(predict_hide_frame(&a, &r, f.b, f.n, hide), 2);
	runs(hide, f.n, got, sizeof(got));
	assert_string_equal(got, "34-35");
	snprintf(a.value, sizeof(a.value), "64 00 00 01");
	memset(hide, 0, sizeof(hide));
	assert_int_equal(predict_hide_frame(&a, &r, f.b, f.n, hide), 4);
	runs(hide, f.n, got, sizeof(got));
	assert_string_equal(got, "26-29");

	/* 9000's bytes (23 28, "#(") in the payload of a datagram from port
	 * 9001: no field holds 9000, nothing is hidden. */
	udp_frame(&f, 9001, "#(");
	dec_frame(NULL, f.b, f.n, f.n, &r);
	memset(&a, 0, sizeof(a));
	a.what = EX_LOCAL;
	snprintf(a.port, sizeof(a.port), "9000");
	memset(hide, 0, sizeof(hide));
	assert_int_equal(predict_hide_frame(&a, &r, f.b, f.n, hide), 0);
	a.what = EX_STATE; /* a state is in no field */
	snprintf(a.value, sizeof(a.value), "ESTABLISHED");
	assert_int_equal(predict_hide_frame(&a, &r, f.b, f.n, hide), 0);
}

/* recvfrom's sender through ntohs/ntohl: the bytes say the answer too. */
static void test_mask_bytes(void **st)
{
	(void)st;
	struct predict_answer a;
	memset(&a, 0, sizeof(a));
	a.what = EX_DATA;
	snprintf(a.ip, sizeof(a.ip), "100.0.0.1");
	snprintf(a.port, sizeof(a.port), "9000");
	snprintf(a.text, sizeof(a.text), "hola");
	char t[] = "  sin_port  23 28        ntohs()  9000        28 23\n"
		   "  sin_addr  64 00 00 01  ntohl()  0x64000001  01 00 00 64  (100.0.0.1)\n"
		   "  LE 28 23 = 9000, 123 28, 23 280, 0x23281";
	predict_mask_words(t, &a);
	assert_string_equal(t, "  sin_port  ?????        ntohs()  ????        ?????\n"
			       "  sin_addr  ???????????  ntohl()  ??????????  ???????????  (????????\?)\n"
			       "  LE ????? = ????, 123 28, 23 280, 0x23281");
	a.what = EX_LOCAL; /* the port only: the address is the host's */
	char l[] = "port 9000 (23 28, 0x2328), address 64 00 00 01";
	predict_mask_words(l, &a);
	assert_string_equal(l, "port ???? (?????, ?????\?), address 64 00 00 01");
}

/* A range the lecture taught is judged with its reason: the kernel's own
 * range, not IANA's. */
static void test_iana_range(void **st)
{
	(void)st;
	struct predict_answer a;
	memset(&a, 0, sizeof(a));
	a.what = EX_LOCAL;
	a.ephemeral = true;
	snprintf(a.ip, sizeof(a.ip), "100.0.0.1");
	snprintf(a.port, sizeof(a.port), "48244");
	char why[200];
	assert_false(predict_judge(&a, "49152-65535", 32768, 60999, why, sizeof(why)));
	assert_non_null(strstr(why, "IANA"));
	assert_non_null(strstr(why, "32768-60999"));
	assert_string_equal(why, "49152-65535 is IANA's range; this kernel's is 32768-60999: 48244 is in it, not in IANA's");
	snprintf(a.port, sizeof(a.port), "50000"); /* in both: still not by IANA's range */
	assert_false(predict_judge(&a, "49152-65535", 32768, 60999, why, sizeof(why)));
	assert_non_null(strstr(why, "50000 is in both by chance"));
	assert_true(predict_judge(&a, "49152-65535", 49152, 65535, why, sizeof(why))); /* set so by an admin */
	assert_true(predict_judge(&a, "32768-60999", 32768, 60999, why, sizeof(why)));
	assert_false(predict_judge(&a, "1-1023", 32768, 60999, why, sizeof(why)));
	assert_non_null(strstr(why, "50000 is not in 1-1023"));
}

/* A skip is not scored. */
static void test_score(void **st)
{
	(void)st;
	char buf[80];
	predict_score(0, 1, 1, buf, sizeof(buf));
	assert_string_equal(buf, "0 of 1 predicted (1 skipped, not scored)");
	predict_score(2, 0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "2 of 2 predicted");
	predict_score(0, 0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ephemeral_port), cmocka_unit_test(test_bound_port),
		cmocka_unit_test(test_state_and_remote), cmocka_unit_test(test_result_and_bytes),
		cmocka_unit_test(test_recvfrom_data), cmocka_unit_test(test_hide),
		cmocka_unit_test(test_iana_range), cmocka_unit_test(test_score),
		cmocka_unit_test(test_hide_frame), cmocka_unit_test(test_mask_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
