/* test_lesson_save.c - the session log as a lesson file (lesson_save.c):
 * steps titled as the 5-tuple table titles them, expect lines for results,
 * blocked calls, errnos, states and addresses, the kernel's ports as "*",
 * timers apart from what a command caused; and the text reads back as a
 * lesson. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lesson.h"
#include "lesson_save.h"
#include "session.h"
#include "tuple.h"

static unsigned long clock_ms = 1000;

/* A command as app_exec_line logs it. */
static void command(struct session *s, enum side side, const char *text)
{
	s->seq++;
	struct event *e = session_add(s, EV_COMMAND, side, -1, "%s", text);
	assert_non_null(e);
	e->ms = clock_ms += 2000; /* a person types: seconds apart */
}

static struct event *ev(struct session *s, enum ev_kind k, enum side side, int prog, int fd, const char *text)
{
	struct event *e = text ? session_add(s, k, side, fd, "%s", text) : session_add(s, k, side, fd, NULL);
	assert_non_null(e);
	e->prog = (unsigned char)prog;
	e->ms = clock_ms += 5;
	return e;
}

static void call(struct session *s, enum side side, int fd, long ret, int err, enum call_status st)
{
	struct event *e = ev(s, EV_CALL, side, 1, fd, "code();");
	e->ret = ret;
	e->err = err;
	e->status = st;
}

static void row(struct session *s, enum side side, int fd, enum tstep step, const char *lip, const char *lport,
		const char *rip, const char *rport, const char *state)
{
	struct tuple_row r;
	memset(&r, 0, sizeof r);
	r.step = step;
	r.side = side;
	r.prog = 1;
	r.fd = fd;
	r.proto = PROTO_TCP;
	snprintf(r.lip, sizeof r.lip, "%s", lip);
	snprintf(r.lport, sizeof r.lport, "%s", lport);
	snprintf(r.rip, sizeof r.rip, "%s", rip);
	snprintf(r.rport, sizeof r.rport, "%s", rport);
	snprintf(r.state, sizeof r.state, "%s", state);
	struct event *e = ev(s, EV_ROW, side, 1, fd, NULL);
	assert_int_equal(session_attach_row(e, &r), 0);
}

static char *save(struct session *s, const char *net)
{
	struct lesson_save_in in = { .name = "demo", .net = net };
	char *out = NULL, err[256];
	int r = lesson_save_text(s, &in, &out, err, sizeof err);
	if (r < 0)
		fail_msg("lesson_save_text: %s", err);
	/* Whatever it writes reads back as a lesson. */
	struct lesson *l = NULL;
	if (lesson_parse(out, strlen(out), "demo.lesson", "demo", &l, err, sizeof err) < 0)
		fail_msg("the saved lesson does not parse: %s\n%s", err, out);
	lesson_free(l);
	return out;
}

/* text may be NULL when saving failed (fail_msg is not known to return). */
static void has(const char *text, const char *want)
{
	if (!text || !strstr(text, want))
		fail_msg("expected \"%s\" in:\n%s", want, text ? text : "(nothing)");
}

static void lacks(const char *text, const char *bad)
{
	if (!text || strstr(text, bad))
		fail_msg("did not expect \"%s\" in:\n%s", bad, text ? text : "(nothing)");
}

/* The server's steps of the lecture, and a client whose connect completes
 * the server's blocked accept. */
static void build_tcp(struct session *s)
{
	command(s, SIDE_SERVER, "server socket tcp");
	call(s, SIDE_SERVER, 3, 3, 0, CS_DONE);
	row(s, SIDE_SERVER, 3, TS_SOCKET, "", "", "", "", "CLOSED");
	command(s, SIDE_SERVER, "server bind 200.0.0.2 80");
	call(s, SIDE_SERVER, 3, 0, 0, CS_DONE);
	row(s, SIDE_SERVER, 3, TS_BIND, "200.0.0.2", "80", "", "", "CLOSED");
	command(s, SIDE_SERVER, "server listen 5");
	call(s, SIDE_SERVER, 3, 0, 0, CS_DONE);
	row(s, SIDE_SERVER, 3, TS_LISTEN, "200.0.0.2", "80", "?", "?", "LISTEN");
	command(s, SIDE_SERVER, "server accept");
	call(s, SIDE_SERVER, 3, 0, 0, CS_BLOCKED);
	command(s, SIDE_CLIENT, "client socket tcp");
	call(s, SIDE_CLIENT, 3, 3, 0, CS_DONE);
	row(s, SIDE_CLIENT, 3, TS_SOCKET, "", "", "", "", "CLOSED");
	command(s, SIDE_CLIENT, "client connect 200.0.0.2 80");
	call(s, SIDE_CLIENT, 3, 0, 0, CS_BLOCKED);
	row(s, SIDE_CLIENT, 3, TS_REMOTE, "", "", "200.0.0.2", "80", "CLOSED");
	row(s, SIDE_CLIENT, 3, TS_STATE, "100.0.0.1", "41234", "200.0.0.2", "80", "SYN_SENT");
	ev(s, EV_FRAME, SIDE_NONE, 0, -1, "[SYN]");
	call(s, SIDE_CLIENT, 3, 0, 0, CS_COMPLETED);
	row(s, SIDE_CLIENT, 3, TS_CONNECTED, "100.0.0.1", "41234", "200.0.0.2", "80", "ESTABLISHED");
	call(s, SIDE_SERVER, 4, 4, 0, CS_COMPLETED);
	row(s, SIDE_SERVER, 4, TS_ACCEPTED, "200.0.0.2", "80", "100.0.0.1", "41234", "ESTABLISHED");
}

static void test_steps_and_expectations(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	build_tcp(&s);
	char *t = save(&s, "lab");
	has(t, "title: demo: a session saved from sockstep\n");
	has(t, "net: lab\n");
	/* Step titles: the 5-tuple table's, with the program; else the command. */
	has(t, "\nstep: STEP1 PROTOCOL DEFINITION (server)\n> server socket tcp\n"
	       "> expect server result 3\n> expect server#3 state CLOSED\n");
	has(t, "\nstep: STEP 2 SOCKET BINDING (server)\n");
	has(t, "> expect server#3 local 200.0.0.2 80\n");
	has(t, "> expect server#3 remote ? ?\n");
	has(t, "\nstep: server accept\n> server accept\n> expect server blocked yes\n");
	/* connect: its own row names the step; the accept it completed is checked there. */
	has(t, "\nstep: STEP6 CONNECTION REQUEST (ACCEPTED) (client)\n> client connect 200.0.0.2 80\n"
	       "> expect client result 0\n> expect server result 4\n");
	has(t, "> expect client#3 state ESTABLISHED\n");
	/* The kernel's port is "*": another run gets another; typed ports stay. */
	has(t, "> expect client#3 local 100.0.0.1 *\n");
	has(t, "> expect server#4 remote 100.0.0.1 *\n");
	has(t, "> expect server#4 local 200.0.0.2 80\n");
	lacks(t, "41234");
	lacks(t, "SYN_SENT"); /* only the state it settled in */
	free(t);
	session_free(&s);
}

/* A lesson ran on the screen: its commands met in the log are grouped in
 * its steps, each step's title once and its narration (preformatted lines
 * as written); its own expect lines are not doubled by the observed ones;
 * a command typed by hand after a step's last command is a step of its own;
 * a step of narration only that ran is kept; one that did not run is not. */
static void test_running_lesson(void **state)
{
	(void)state;
	static const char text[] = "title: L\n"
				   "step: STEP1 PROTOCOL DEFINITION (server)\n"
				   "The server asks for a socket.\n"
				   "    PROTO  LOCAL-IP\n"
				   "    TCP    -\n"
				   "> server socket tcp\n"
				   "> expect server result 3\n"
				   "Only the PROTOCOL is known.\n"
				   "> server bind 200.0.0.2 80\n"
				   "After the bind.\n"
				   "step: narration only\n"
				   "Nothing runs here.\n"
				   "step: not run\n"
				   "Never shown.\n"
				   "> server listen 5\n";
	char e[256];
	struct lesson *l = NULL;
	assert_int_equal(lesson_parse(text, strlen(text), "l.lesson", "l", &l, e, sizeof e), 0);
	struct session s;
	session_init(&s);
	command(&s, SIDE_SERVER, "server socket tcp");
	call(&s, SIDE_SERVER, 3, 3, 0, CS_DONE);
	row(&s, SIDE_SERVER, 3, TS_SOCKET, "", "", "", "", "CLOSED");
	command(&s, SIDE_SERVER, "expect server result 3");
	ev(&s, EV_EXPECT, SIDE_NONE, 0, -1, "server result 3")->ret = 1;
	command(&s, SIDE_SERVER, "server bind 200.0.0.2 80");
	call(&s, SIDE_SERVER, 3, 0, 0, CS_DONE);
	row(&s, SIDE_SERVER, 3, TS_BIND, "200.0.0.2", "80", "", "", "CLOSED");
	command(&s, SIDE_CLIENT, "client socket tcp"); /* typed by hand */
	call(&s, SIDE_CLIENT, 3, 3, 0, CS_DONE);
	row(&s, SIDE_CLIENT, 3, TS_SOCKET, "", "", "", "", "CLOSED");

	struct lesson_save_in in = { .name = "demo", .net = "lab", .lesson = l, .lesson_steps = 2 };
	char *t = NULL;
	assert_int_equal(lesson_save_text(&s, &in, &t, e, sizeof e), 0);
	struct lesson *back = NULL;
	if (lesson_parse(t, strlen(t), "demo.lesson", "demo", &back, e, sizeof e) < 0)
		fail_msg("the saved lesson does not parse: %s\n%s", e, t);
	assert_int_equal(back->nsteps, 3);
	lesson_free(back);
	has(t, "summary: the lesson l as run in a sockstep session");
	has(t, "\nstep: STEP1 PROTOCOL DEFINITION (server)\n"
	       "The server asks for a socket.\n"
	       "    PROTO  LOCAL-IP\n"
	       "    TCP    -\n"
	       "> server socket tcp\n"
	       "> expect server result 3\n"
	       "> expect server#3 state CLOSED\n"
	       "Only the PROTOCOL is known.\n"
	       "> server bind 200.0.0.2 80\n");
	has(t, "After the bind.\n\nstep: STEP3 PROTOCOL DEFINITION (client)\n> client socket tcp\n");
	has(t, "\nstep: narration only\nNothing runs here.\n");
	lacks(t, "STEP 2 SOCKET BINDING"); /* the bind is in the lesson's step, under its title */
	lacks(t, "Never shown.");
	lacks(t, "> expect server result 3\n> expect server result 3\n");
	free(t);

	/* No step ran: a session saved as before. */
	in.lesson_steps = 0;
	assert_int_equal(lesson_save_text(&s, &in, &t, e, sizeof e), 0);
	has(t, "\nstep: STEP 2 SOCKET BINDING (server)\n");
	lacks(t, "The server asks");
	free(t);
	session_free(&s);
	lesson_free(l);
}

static void test_errno_and_data(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	command(&s, SIDE_CLIENT, "client socket tcp");
	call(&s, SIDE_CLIENT, 3, 3, 0, CS_DONE);
	command(&s, SIDE_CLIENT, "client connect 200.0.0.2 81");
	call(&s, SIDE_CLIENT, 3, -1, ECONNREFUSED, CS_DONE);
	command(&s, SIDE_SERVER, "server recv 1024");
	call(&s, SIDE_SERVER, 4, 0, 0, CS_BLOCKED);
	command(&s, SIDE_SERVER, "server interrupt");
	call(&s, SIDE_SERVER, 4, -1, EINTR, CS_COMPLETED);
	command(&s, SIDE_CLIENT, "client recv 1024");
	call(&s, SIDE_CLIENT, 3, 5, 0, CS_DONE);
	ev(&s, EV_DATA, SIDE_CLIENT, 1, 3, "received \"hola\\n\" (5 bytes)");
	char *t = save(&s, "loopback");
	has(t, "net: loopback\n");
	has(t, "> client connect 200.0.0.2 81\n> expect client result ECONNREFUSED\n");
	has(t, "> server interrupt\n> expect server result EINTR\n");
	has(t, "> expect client data \"hola\\n\"\n");
	free(t);
	session_free(&s);
}

/* What a timer did long after the command is not the command's; a timer
 * that ended TIME_WAIT becomes a wait step where it was noticed. */
static void test_timers(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	command(&s, SIDE_CLIENT, "client socket tcp");
	call(&s, SIDE_CLIENT, 3, 3, 0, CS_DONE);
	command(&s, SIDE_CLIENT, "client close");
	call(&s, SIDE_CLIENT, 3, 0, 0, CS_DONE);
	row(&s, SIDE_CLIENT, 3, TS_CLOSE, "100.0.0.1", "9000", "200.0.0.2", "80", "TIME_WAIT");
	clock_ms += LESSON_SAVE_GAP_MS + 60000; /* a minute later, a timer */
	row(&s, SIDE_CLIENT, 3, TS_STATE, "100.0.0.1", "9000", "200.0.0.2", "80", "CLOSED");
	command(&s, SIDE_CLIENT, "client socket tcp");
	call(&s, SIDE_CLIENT, 3, 3, 0, CS_DONE);
	char *t = save(&s, "lab");
	has(t, "> expect client#3 state TIME_WAIT\n");
	lacks(t, "> expect client#3 state CLOSED\n> expect client#3 local");
	free(t);

	/* Noticed only with the next command (the screen reads states as
	 * events come): a wait step before it, and no expectation of it. */
	session_free(&s);
	session_init(&s);
	command(&s, SIDE_CLIENT, "client socket tcp");
	call(&s, SIDE_CLIENT, 3, 3, 0, CS_DONE);
	command(&s, SIDE_CLIENT, "client close");
	call(&s, SIDE_CLIENT, 3, 0, 0, CS_DONE);
	row(&s, SIDE_CLIENT, 3, TS_CLOSE, "100.0.0.1", "9000", "200.0.0.2", "80", "TIME_WAIT");
	command(&s, SIDE_CLIENT, "client socket tcp");
	row(&s, SIDE_CLIENT, 3, TS_STATE, "100.0.0.1", "9000", "200.0.0.2", "80", "CLOSED");
	call(&s, SIDE_CLIENT, 3, 3, 0, CS_DONE);
	t = save(&s, "lab");
	has(t, "> wait 61s\n\nstep: client socket tcp\n> client socket tcp\n> expect client result 3\n");
	lacks(t, "state CLOSED");
	free(t);
	session_free(&s);
}

/* Typed checks: those that held are kept, the others are notes; say is the
 * next step's narration; save and wire save are not steps. */
static void test_typed_lines(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	command(&s, SIDE_NONE, "say \"# STEP 1: the server\"");
	ev(&s, EV_SAY, SIDE_NONE, 0, -1, "# STEP 1: the server");
	command(&s, SIDE_SERVER, "server socket tcp");
	call(&s, SIDE_SERVER, 3, 3, 0, CS_DONE);
	command(&s, SIDE_SERVER, "expect server state CLOSED");
	ev(&s, EV_EXPECT, SIDE_SERVER, 1, 3, "expect server state CLOSED: ok")->ret = 1;
	command(&s, SIDE_SERVER, "expect server state LISTEN");
	ev(&s, EV_EXPECT, SIDE_SERVER, 1, 3, "expect server state LISTEN: FAILED, it is CLOSED")->ret = 0;
	command(&s, SIDE_NONE, "wire save x.pcap");
	command(&s, SIDE_NONE, "save lesson demo.lesson");
	char *t = save(&s, NULL);
	lacks(t, "net:");
	has(t, "--net host");
	has(t, "\nstep: server socket tcp\n\\# STEP 1: the server\n> server socket tcp\n");
	has(t, "> expect server state CLOSED\n");
	has(t, "# expect server state LISTEN (did not hold here:");
	lacks(t, "> expect server state LISTEN");
	has(t, "# wire save x.pcap (left out");
	lacks(t, "> save");
	lacks(t, "> wire save");
	free(t);
	session_free(&s);
}

/* fork()'s result is the child's pid: not expected. A descriptor closed
 * and reused names the new socket: the kernel's rows about it are not
 * expected (they may be the old socket's). */
static void test_fork_and_reuse(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	command(&s, SIDE_SERVER, "server fork");
	call(&s, SIDE_SERVER, -1, 12345, 0, CS_DONE);
	command(&s, SIDE_SERVER, "server#4 close");
	call(&s, SIDE_SERVER, 4, 0, 0, CS_DONE);
	row(&s, SIDE_SERVER, 4, TS_CLOSE, "200.0.0.2", "80", "100.0.0.1", "9000", "ESTABLISHED");
	command(&s, SIDE_SERVER, "server accept");
	call(&s, SIDE_SERVER, 4, 4, 0, CS_DONE);
	row(&s, SIDE_SERVER, 4, TS_ACCEPTED, "200.0.0.2", "80", "100.0.0.1", "9001", "ESTABLISHED");
	command(&s, SIDE_CLIENT, "client close");
	call(&s, SIDE_CLIENT, 3, 0, 0, CS_DONE);
	row(&s, SIDE_SERVER, 4, TS_STATE, "200.0.0.2", "80", "100.0.0.1", "9000", "CLOSE_WAIT");
	char *t = save(&s, "lab");
	has(t, "> server fork\n");
	lacks(t, "12345");
	has(t, "> expect server#4 state ESTABLISHED\n");
	lacks(t, "CLOSE_WAIT");
	free(t);
	session_free(&s);
}

/* A question the session answered is saved; one it never answered (the
 * session's last line) is left out as a note, so the lesson loads. */
static void test_predictions(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	command(&s, SIDE_CLIENT, "client socket tcp");
	call(&s, SIDE_CLIENT, 3, 3, 0, CS_DONE);
	row(&s, SIDE_CLIENT, 3, TS_SOCKET, "", "", "", "", "CLOSED");
	command(&s, SIDE_CLIENT, "predict client local \"Which port?\"");
	ev(&s, EV_PREDICT, SIDE_CLIENT, 1, -1, "Which port?")->ret = EX_LOCAL;
	command(&s, SIDE_CLIENT, "client connect 200.0.0.2 80");
	call(&s, SIDE_CLIENT, 3, 0, 0, CS_DONE);
	row(&s, SIDE_CLIENT, 3, TS_CONNECTED, "100.0.0.1", "41234", "200.0.0.2", "80", "ESTABLISHED");
	command(&s, SIDE_CLIENT, "predict client state \"And now?\"");
	ev(&s, EV_PREDICT, SIDE_CLIENT, 1, -1, "And now?")->ret = EX_STATE;
	char *out = save(&s, "lab");
	has(out, "\n> predict client local \"Which port?\"\n");
	has(out, "\n# predict client state \"And now?\" (left out: nothing in the session answered it)\n");
	lacks(out, "\n> predict client state");
	free(out);
	session_free(&s);
}

static void test_refusals(void **state)
{
	(void)state;
	struct session s;
	char *out = (char *)1, err[256];
	struct lesson_save_in in = { .name = "demo", .net = "lab" };
	session_init(&s);
	assert_int_equal(lesson_save_text(&s, &in, &out, err, sizeof err), -EINVAL);
	assert_null(out);
	has(err, "nothing to save yet");
	command(&s, SIDE_NONE, "save lesson demo.lesson"); /* itself is not a command to save */
	assert_int_equal(lesson_save_text(&s, &in, &out, err, sizeof err), -EINVAL);
	/* A log that dropped its start cannot be replayed from the start. */
	for (int i = 0; i < SESSION_KEEP_EVENTS + 10; i++)
		command(&s, SIDE_SERVER, "server listen 5");
	assert_true(s.first > 0);
	assert_int_equal(lesson_save_text(&s, &in, &out, err, sizeof err), -EINVAL);
	has(err, "longer than the log keeps");
	session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_and_expectations),
		cmocka_unit_test(test_running_lesson),
		cmocka_unit_test(test_errno_and_data),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_typed_lines),
		cmocka_unit_test(test_fork_and_reuse),
		cmocka_unit_test(test_predictions),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
