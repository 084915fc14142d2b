/* test_lesson.c - the lesson parser as a teacher meets it: a lesson reads as
 * written (header, steps, narration, commands in order), and every mistake is
 * one line naming the file, the line and what was expected. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lesson.h"
#include "lesson_fit.h"

static char err[CMD_ERR_MAX + 128];

static struct lesson *parse_ok(const char *text)
{
	struct lesson *l = NULL;
	int r = lesson_parse(text, strlen(text), "t.lesson", "t", &l, err, sizeof err);
	if (r != 0)
		fail_msg("lesson_parse -> %d: %s", r, err);
	assert_non_null(l);
	return l;
}

/* A bad lesson: -EINVAL, no lesson, and an error line starting "t.lesson:LINE: "
 * that contains phrase. */
static void parse_bad(const char *text, size_t len, unsigned line, const char *phrase)
{
	struct lesson *l = (struct lesson *)1;
	char where[32];
	int r = lesson_parse(text, len, "t.lesson", "t", &l, err, sizeof err);
	if (r != -EINVAL)
		fail_msg("\"%.40s...\" -> %d, expected -EINVAL (%s)", text, r, err);
	assert_null(l);
	snprintf(where, sizeof where, "t.lesson:%u: ", line);
	if (strncmp(err, where, strlen(where)))
		fail_msg("error \"%s\" does not start with \"%s\"", err, where);
	if (!strstr(err, phrase))
		fail_msg("error \"%s\" lacks \"%s\"", err, phrase);
	if (strchr(err, '\n'))
		fail_msg("error \"%s\" is more than one line", err);
}

#define BAD(text, line, phrase) parse_bad(text, strlen(text), line, phrase)

static void test_whole_lesson(void **state)
{
	(void)state;
	struct lesson *l = parse_ok("# a note for the teacher\n"
				    "lesson: t\n"
				    "title: TCP, step by step\n"
				    "summary: the lecture's table\n"
				    "net: loopback\n"
				    "wait: 200ms\n"
				    "\n"
				    "step: STEP1 PROTOCOL DEFINITION (server)\n"
				    "The server asks for a socket.\n"
				    "\n"
				    "\n"
				    "Only the PROTOCOL is known.\n"
				    "> server socket tcp\n"
				    ">expect server state CLOSED\n"
				    "   # not shown\n"
				    "After it.\n"
				    "\n"
				    "step:   STEP 2 SOCKET BINDING\n"
				    "  > server bind 127.0.0.1 1000\n");
	assert_string_equal(l->name, "t");
	assert_string_equal(l->file, "t.lesson");
	assert_string_equal(l->title, "TCP, step by step");
	assert_string_equal(l->summary, "the lecture's table");
	assert_int_equal(l->net, LESSON_NET_LOOPBACK);
	assert_true(l->net_set);
	assert_true(l->wait_set);
	assert_int_equal(l->wait_ms, 200);
	assert_int_equal(l->nsteps, 2);

	const struct lesson_step *s = &l->steps[0];
	assert_string_equal(s->title, "STEP1 PROTOCOL DEFINITION (server)");
	assert_int_equal(s->line, 8);
	assert_int_equal(s->nitems, 6);
	assert_int_equal(s->ncommands, 2);
	assert_int_equal(s->items[0].kind, LI_TEXT);
	assert_string_equal(s->items[0].text, "The server asks for a socket.");
	/* Two blank lines become one paragraph break. */
	assert_int_equal(s->items[1].kind, LI_TEXT);
	assert_string_equal(s->items[1].text, "");
	assert_string_equal(s->items[2].text, "Only the PROTOCOL is known.");
	assert_int_equal(s->items[3].kind, LI_COMMAND);
	assert_string_equal(s->items[3].text, "server socket tcp");
	assert_int_equal(s->items[3].line, 13);
	assert_false(s->items[3].expect);
	assert_true(s->items[3].acts);
	assert_string_equal(s->items[4].text, "expect server state CLOSED");
	assert_true(s->items[4].expect);
	assert_false(s->items[4].acts);
	assert_string_equal(s->items[5].text, "After it.");

	s = &l->steps[1];
	assert_string_equal(s->title, "STEP 2 SOCKET BINDING");
	assert_int_equal(s->nitems, 1);
	assert_string_equal(s->items[0].text, "server bind 127.0.0.1 1000");
	lesson_free(l);
}

/* Whether the network settles after a command comes from the parsed
 * command, never from words found in its text. */
static void test_acts(void **state)
{
	static const struct {
		const char *cmd;
		bool acts;
	} cases[] = {
		{ "client send \"a sysctl b\"", true }, { "client send \"expect\"", true },
		{ "client sysctl net.ipv4.ip_local_port_range", false }, { "say \"server send x\"", false },
		{ "expect client state CLOSED", false }, { "inet_addr 1.2.3.4", false }, { "ntohs 80", false },
		{ "wait 1s", true }, { "wire hold", true }, { "client2 connect 200.0.0.2 80", true },
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "title: T\nstep: one\n> %s\n", cases[i].cmd);
		struct lesson *l = parse_ok(text);
		assert_int_equal(l->steps[0].items[0].kind, LI_COMMAND);
		if (l->steps[0].items[0].acts != cases[i].acts)
			fail_msg("\"%s\": acts is %d, expected %d", cases[i].cmd, l->steps[0].items[0].acts,
				 cases[i].acts);
		lesson_free(l);
	}
}

static void test_defaults_and_escapes(void **state)
{
	(void)state;
	/* No summary: the title. No lesson:, net:, wait:: the defaults. CRLF is fine. */
	struct lesson *l = parse_ok("title: T\r\n"
				    "step: one\r\n"
				    "\\# this is narration, not a note\r\n"
				    "\\> nor a command\r\n"
				    "\\step: nor a step\r\n"
				    "    indented narration keeps its indentation   \r\n");
	assert_string_equal(l->summary, "T");
	assert_string_equal(l->name, "t");
	assert_false(l->net_set);
	assert_int_equal(l->net, LESSON_NET_LAB);
	assert_false(l->wait_set);
	assert_int_equal(l->nsteps, 1);
	assert_int_equal(l->steps[0].nitems, 4);
	assert_int_equal(l->steps[0].ncommands, 0);
	assert_string_equal(l->steps[0].items[0].text, "# this is narration, not a note");
	assert_string_equal(l->steps[0].items[1].text, "> nor a command");
	assert_string_equal(l->steps[0].items[2].text, "step: nor a step");
	assert_string_equal(l->steps[0].items[3].text, "    indented narration keeps its indentation");
	assert_false(l->steps[0].items[0].pre);
	assert_true(l->steps[0].items[3].pre);
	assert_int_equal(l->order, 0);
	assert_false(l->unlisted);
	lesson_free(l);

	/* No newline at the end of the file. */
	l = parse_ok("title: T\nstep: one\n> server socket udp");
	assert_int_equal(l->steps[0].ncommands, 1);
	lesson_free(l);

	/* Lesson NULL-safe. */
	lesson_free(NULL);
}

/* Preformatted lines (four spaces first): kept as written, apart from the
 * paragraph around them, up to 78 display columns, no tab. */
static void test_preformatted(void **state)
{
	(void)state;
	char wide[200], cjk[200];
	/* 4 + 74 = 78 columns: the most; one more is refused. */
	snprintf(wide, sizeof wide, "title: T\nstep: one\nA table:\n    %074d\n   three spaces: a paragraph\n", 0);
	struct lesson *l = parse_ok(wide);
	assert_int_equal(l->steps[0].nitems, 3);
	assert_false(l->steps[0].items[0].pre);
	assert_true(l->steps[0].items[1].pre);
	assert_int_equal(strlen(l->steps[0].items[1].text), 78);
	assert_false(l->steps[0].items[2].pre);
	lesson_free(l);
	snprintf(wide, sizeof wide, "title: T\nstep: one\n    %075d\n", 0);
	BAD(wide, 3, "a preformatted line of 79 columns: expected at most 78");
	/* Columns, not bytes: 37 CJK characters are 74 columns (111 bytes). */
	int o = snprintf(cjk, sizeof cjk, "title: T\nstep: one\n    ");
	for (int i = 0; i < 37; i++)
		o += snprintf(cjk + o, sizeof cjk - (size_t)o, "\xe4\xb8\xad");
	snprintf(cjk + o, sizeof cjk - (size_t)o, "\n");
	l = parse_ok(cjk);
	assert_true(l->steps[0].items[0].pre);
	lesson_free(l);
	BAD("title: T\nstep: one\n    a\tb\n", 3, "a tab in a preformatted line");
	/* A note and a command keep their meaning however indented. */
	l = parse_ok("title: T\nstep: one\n    # a note\n    > server socket tcp\n");
	assert_int_equal(l->steps[0].nitems, 1);
	assert_int_equal(l->steps[0].ncommands, 1);
	lesson_free(l);
}

/* order: places a lesson in the course; listed: no hides a --compare half. */
static void test_order_and_listed(void **state)
{
	(void)state;
	struct lesson *l = parse_ok("title: T\norder: 30\nlisted: no\nstep: one\nx\n");
	assert_int_equal(l->order, 30);
	assert_true(l->unlisted);
	lesson_free(l);
	l = parse_ok("title: T\nlisted: yes\nstep: one\nx\n");
	assert_false(l->unlisted);
	lesson_free(l);
	BAD("title: T\norder: 0\nstep: one\nx\n", 2, "bad order \"0\": expected the lesson's place in the course");
	BAD("title: T\norder: 10000\nstep: one\nx\n", 2, "a number from 1 to 9999");
	BAD("title: T\norder: 2nd\nstep: one\nx\n", 2, "bad order \"2nd\"");
	BAD("title: T\norder: -1\nstep: one\nx\n", 2, "bad order");
	BAD("title: T\norder: 1\norder: 2\nstep: one\nx\n", 3, "a second \"order:\"");
	BAD("title: T\nlisted: maybe\nstep: one\nx\n", 2, "expected yes, or no");
	BAD("title: T\nlisted: no\nlisted: no\nstep: one\nx\n", 3, "a second \"listed:\"");
	BAD("title: T\nordre: 1\nstep: one\nx\n", 2, "did you mean \"order\"?");
}

static void test_command_errors(void **state)
{
	(void)state;
	BAD("title: T\nstep: one\n> server socket tcp\n> server lisen 5\n", 4,
	    "unknown server command \"lisen\": expected");
	BAD("title: T\nstep: one\n> server lisen 5\n", 3, "did you mean \"listen\"?");
	BAD("title: T\nstep: one\n> servr listen\n", 3, "did you mean \"server\"?");
	BAD("title: T\nstep: one\n> server bind 300.1.2.3 80\n", 3, "300.1.2.3");
	BAD("title: T\nstep: one\n> expect server stat LISTEN\n", 3, "did you mean \"state\"?");
	BAD("title: T\nstep: one\n>\n", 3, "expected a command");
	BAD("title: T\nstep: one\n> # only a comment\n", 3, "expected a command");
	BAD("title: T\nstep: one\n> wire save /tmp/x.pcap\n", 3, "lessons do not write files");
	BAD("title: T\n> server socket tcp\nstep: one\n", 2, "expected \"step: TITLE\" first");
}

static void test_header_errors(void **state)
{
	(void)state;
	BAD("titel: T\nstep: one\nx\n", 1, "unknown header field \"titel:\"");
	BAD("titel: T\nstep: one\nx\n", 1, "did you mean \"title\"?");
	BAD("Step: one\nx\n", 1, "did you mean \"step\"?");
	BAD("title: T\ntitle: U\nstep: one\nx\n", 2, "a second \"title:\"");
	BAD("title:\nstep: one\nx\n", 1, "has no value");
	BAD("title: T\nnet: lob\nstep: one\nx\n", 2, "expected lab or loopback; did you mean \"lab\"?");
	BAD("title: T\nnet: host\nstep: one\nx\n", 2, "expected lab or loopback");
	BAD("title: T\nwait: soon\nstep: one\nx\n", 2, "bad wait \"soon\"");
	BAD("lesson: udp\ntitle: T\nstep: one\nx\n", 1, "expected \"t\"");
	BAD("title: T\nSome narration too early.\nstep: one\nx\n", 2, "narration before the first step");
	BAD("summary: S\nstep: one\nx\n", 1, "no title");
}

static void test_structure_errors(void **state)
{
	(void)state;
	parse_bad("", 0, 1, "the lesson is empty");
	BAD("# only notes\n\n", 2, "no steps");
	BAD("title: T\n", 1, "no steps");
	BAD("title: T\nstep: one\nstep: two\nx\n", 2, "step \"one\" is empty");
	BAD("title: T\nstep: one\nx\nstep: two\n# a note only\n", 4, "step \"two\" is empty");
	BAD("title: T\nstep:\nx\n", 2, "has no title");
	BAD("title: T\nstep:   \nx\n", 2, "has no title");

	static const char bin[] = "title: T\nstep: one\nab\0cd\n";
	parse_bad(bin, sizeof bin - 1, 3, "a NUL byte: expected text");

	/* A line longer than CMD_LINE_MAX. */
	size_t n = CMD_LINE_MAX + 40;
	char *big = malloc(n + 64);
	assert_non_null(big);
	int o = snprintf(big, 64, "title: T\nstep: one\n");
	memset(big + o, 'a', CMD_LINE_MAX + 1);
	strcpy(big + o + CMD_LINE_MAX + 1, "\n");
	BAD(big, 3, "expected at most 4096");
	free(big);

	/* At most LESSON_MAX_STEPS steps. */
	size_t cap = (LESSON_MAX_STEPS + 2) * 32 + 32;
	char *many = malloc(cap);
	assert_non_null(many);
	size_t len = (size_t)snprintf(many, cap, "title: T\n");
	for (int i = 0; i <= LESSON_MAX_STEPS; i++)
		len += (size_t)snprintf(many + len, cap - len, "step: %d\nx\n", i + 1);
	BAD(many, 2 + 2 * LESSON_MAX_STEPS, "too many steps");
	/* Exactly the limit is fine. */
	many[strstr(many, "step: 201") - many] = '\0';
	struct lesson *l = parse_ok(many);
	assert_int_equal(l->nsteps, LESSON_MAX_STEPS);
	lesson_free(l);
	free(many);
}

/* "net: loopback" has no wire between two hosts: holding, stepping,
 * dropping and delaying are refused when the lesson loads, not in class. */
static void test_loopback_has_no_wire_faults(void **state)
{
	(void)state;
	static const char *const faults[] = { "wire hold", "wire hold next SYN", "wire drop next data", "wire step",
					      "wire drop", "wire pass", "wire delay 300ms" };
	char text[256];
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		snprintf(text, sizeof text, "title: T\nnet: loopback\nstep: one\n> server socket tcp\n> %s\n", faults[i]);
		BAD(text, 5, "in a \"net: loopback\" lesson: on loopback sockstep only watches the frames; "
			     "expected \"net: lab\"");
		/* The same in the lab is a lesson. */
		snprintf(text, sizeof text, "title: T\nnet: lab\nstep: one\n> server socket tcp\n> %s\n", faults[i]);
		lesson_free(parse_ok(text));
	}
	BAD("title: T\nnet: loopback\nstep: one\n> expect wire held 1\n", 4, "never holds");
	/* Watching is what loopback does. */
	lesson_free(parse_ok("title: T\nnet: loopback\nstep: one\n> wire status\n> expect wire held 0\n"
			     "> expect wire saw \"UDP\"\n"));
}

/* A lesson saved on Windows, as "UTF-8 with BOM", loads as the plain one
 * (linein.h's rule); a CR inside a command is still a control byte. */
static void test_bom_and_crlf(void **state)
{
	(void)state;
	struct lesson *l = parse_ok("\xEF\xBB\xBFtitle: T\r\nnet: loopback\r\n\r\nstep: one\r\nSome text.\r\n"
				    "> server socket tcp\r\n");
	assert_string_equal(l->title, "T");
	assert_int_equal(l->net, LESSON_NET_LOOPBACK);
	assert_int_equal(l->steps[0].nitems, 2);
	assert_string_equal(l->steps[0].items[0].text, "Some text.");
	assert_string_equal(l->steps[0].items[1].text, "server socket tcp");
	lesson_free(l);
	BAD("title: T\nstep: one\n> server\r socket tcp\n", 3, "binary byte 0x0D");
	/* Past the start a BOM is a character: this line is narration (and shown escaped). */
	l = parse_ok("title: T\nstep: one\n\xEF\xBB\xBF> server socket tcp\n");
	assert_int_equal(l->steps[0].items[0].kind, LI_TEXT);
	lesson_free(l);
}

#define HEAD "title: T\nstep: one\n"

/* A prediction is checked against what the command after it can answer
 * (predict.h): one that no run can answer is refused at its own line. */
static void test_unanswerable_predictions(void **state)
{
	(void)state;
	/* The lesson's last command, also behind asides. */
	BAD(HEAD "> client socket tcp\n> predict client state \"Which?\"\n", 4, "has no command after it");
	BAD(HEAD "> client socket tcp\n> predict client state \"Which?\"\n> expect client state CLOSED\n"
		 "> say \"end\"\nstep: two\nnarration only\n", 4, "has no command after it");
	/* About a socket that does not exist yet. */
	BAD(HEAD "> predict client state \"Which?\"\n> server socket tcp\n", 3, "client has none");
	BAD(HEAD "> predict client2 local \"Which?\"\n> client socket tcp\n", 3, "client2 has none");
	/* result: before a socket, about another side's command, after a sysctl. */
	BAD(HEAD "> predict client result \"What?\"\n> client connect 200.0.0.2 80\n", 3,
	    "client has no socket: the command is refused");
	BAD(HEAD "> client socket tcp\n> predict client result \"What?\"\n> server socket tcp\n", 4,
	    "(\"server socket\") is no call of client");
	BAD(HEAD "> client socket tcp\n> predict client result \"What?\"\n> client sysctl net.ipv4.tcp_syn_retries\n",
	    4, "is no call of client");
	/* data: only a receive fills it in ("before a bind", "after a send"). */
	BAD(HEAD "> server socket udp\n> predict server data \"What?\"\n> server bind 200.0.0.2 80\n", 4,
	    "(\"server bind\") receives nothing for server");
	BAD(HEAD "> client socket udp\n> predict client data \"What?\"\n> client sendto 200.0.0.2 80 \"x\"\n", 4,
	    "receives nothing for client");
	/* Without a side: the bytes of htons or htonl. */
	BAD(HEAD "> predict result \"Which bytes?\"\n> inet_addr 1.2.3.4\n", 3, "expected htons or htonl next");
	BAD(HEAD "> predict result \"Which bytes?\"\n> server socket tcp\n", 3, "expected htons or htonl next");
	/* A table question before something that changes no table. */
	BAD(HEAD "> client socket tcp\n> predict client local \"Which?\"\n> htons 80\n", 4, "changes nothing there");
	/* The second of two questions in a row. */
	BAD(HEAD "> client socket tcp\n> predict client state \"A?\"\n> predict server remote \"B?\"\n"
		 "> client connect 200.0.0.2 80\n", 5, "server has none");
}

/* What the shipped lessons ask, and what a blocked call answers later. */
static void test_answerable_predictions(void **state)
{
	(void)state;
	static const char *const ok[] = {
		/* tcp: the client's state and the server's new socket, asked before the client's connect */
		HEAD "> server socket tcp\n> server bind 200.0.0.2 80\n> server listen\n> server accept\n"
		     "> client socket tcp\n> predict client state \"A?\"\n> predict server remote \"B?\"\n"
		     "> client connect 200.0.0.2 80\n",
		/* ephemeral: the port the kernel gives at connect, across an expect and a step */
		HEAD "> client socket tcp\n> predict client local \"Which port?\"\n> expect client state CLOSED\n"
		     "step: two\n> client connect 200.0.0.2 80\n",
		/* udp: recvfrom waits since an earlier step; the client's sendto fills it */
		HEAD "> server socket udp\n> server bind 200.0.0.2 80\n> server recvfrom\n> client socket udp\n"
		     "> predict server data \"What?\"\n> client sendto 200.0.0.2 80 \"hola\"\n",
		/* accept returns during the client's connect; a blocked recv returns EINTR */
		HEAD "> server socket tcp\n> server bind 200.0.0.2 80\n> server listen\n> server accept\n"
		     "> client socket tcp\n> predict server result \"accept()?\"\n> client connect 200.0.0.2 80\n"
		     "> server recv\n> predict server result \"EINTR?\"\n> server interrupt\n",
		/* getpeername's result: ENOTCONN on a listening socket */
		HEAD "> server socket tcp\n> server bind 200.0.0.2 80\n> server listen\n"
		     "> predict server result \"getpeername()?\"\n> server getpeername\n"
		     "> predict server result \"getsockname()?\"\n> server getsockname\n",
		/* its own calls, socket() included; the bytes of htons */
		HEAD "> predict client result \"Which descriptor?\"\n> client socket tcp\n"
		     "> predict client data \"What?\"\n> client recv\n> predict result \"Bytes?\"\n> htons 1001\n",
		/* a state after a wait or a wire step */
		HEAD "> client socket tcp\n> predict client state \"After?\"\n> wait 1s\n"
		     "> predict client state \"Now?\"\n> wire step\n",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		lesson_free(parse_ok(ok[i]));
}

static void test_name_of(void **state)
{
	(void)state;
	char name[LESSON_NAME_MAX];
	assert_int_equal(lesson_name_of("assets/lessons/tcp.lesson", name, sizeof name), 0);
	assert_string_equal(name, "tcp");
	assert_int_equal(lesson_name_of("udp", name, sizeof name), 0);
	assert_string_equal(name, "udp");
	assert_int_equal(lesson_name_of("dir/.lesson", name, sizeof name), -EINVAL);
	assert_int_equal(lesson_name_of("dir/", name, sizeof name), -EINVAL);
	char longname[LESSON_NAME_MAX + 16];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(lesson_name_of(longname, name, sizeof name), -EINVAL);
	assert_string_equal(lesson_net_name(LESSON_NET_LAB), "lab");
	assert_string_equal(lesson_net_name(LESSON_NET_LOOPBACK), "loopback");
}

/* Whatever the bytes, the parser returns 0 or -EINVAL, never crashes. */
static void test_no_crash(void **state)
{
	(void)state;
	static const char *const pieces[] = { "title: T\n", "step: s\n", "> server socket tcp\n", "\n", "#\n",
					      "narration\n", "> \n", "\\\n", "step:\n", ">expect wire held 1\n",
					      "net: lab\n", "\r\n", "wait: 0\n", "summary: x" };
	char buf[512];
	unsigned seed = 1;
	for (int i = 0; i < 3000; i++) {
		size_t len = 0;
		int n = (int)(seed % 12);
		for (int j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			size_t pl = strlen(p);
			if (len + pl >= sizeof buf)
				break;
			memcpy(buf + len, p, pl);
			len += pl;
		}
		seed = seed * 1103515245u + 12345u;
		struct lesson *l = NULL;
		int r = lesson_parse(buf, len, "t.lesson", "t", &l, err, sizeof err);
		assert_true(r == 0 || r == -EINVAL);
		assert_true((r == 0) == (l != NULL));
		lesson_free(l);
	}
}

/* Hundreds of long lesson names (issue 8, item 5: --lesson nosuch crashed
 * with 35 names of 32 characters, reading names it had not filled in): the
 * list of what was expected never runs past its buffer, never cuts a name,
 * and says how many it left out; the suggestion sees every name. */
static void test_many_long_names(void **state)
{
	(void)state;
	enum { N = 600 };
	static char store[N][LESSON_NAME_MAX];
	const char *names[N];
	for (int i = 0; i < N; i++) {
		/* 32 to 63 characters, as a course's files are named. */
		snprintf(store[i], sizeof store[i], "sockets-chapter-%03d-exercise-text%.*s", i, i % 31,
			 "-with-a-longer-tail-for-this-one");
		names[i] = store[i];
	}
	size_t sizes[] = { 0, 1, 5, 40, 64, 100, 1024, 4096, 65536 };
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		for (size_t n = 0; n <= N; n += n < 40 ? 1 : 37) {
			size_t len = sizes[k];
			char *out = malloc(len ? len : 1); /* exact size: ASan sees any write past it */
			assert_non_null(out);
			lesson_join(names, n, ", ", " or ", out, len);
			if (len == 0) {
				free(out);
				continue;
			}
			size_t got = strlen(out);
			assert_true(got < len);
			/* Every name shown is whole, in order; the rest is counted. */
			size_t shown = 0;
			const char *c = out;
			while (shown < n && !strncmp(c, names[shown], strlen(names[shown]))) {
				c += strlen(names[shown++]);
				if (!strncmp(c, ", ", 2))
					c += 2;
				else if (!strncmp(c, " or ", 4))
					c += 4;
				else
					break;
			}
			if (shown < n && len >= 40) {
				char more[64];
				snprintf(more, sizeof more, "%s%zu more", shown ? " and " : "", n - shown);
				assert_string_equal(c, more);
			} else if (len >= 40) {
				assert_string_equal(c, ""); /* all of them */
			}
			free(out);
		}
	}
	/* The last of 600 long names, with a typo, is found. */
	char hint[128];
	char typo[LESSON_NAME_MAX];
	snprintf(typo, sizeof typo, "%s", names[N - 1]);
	typo[3] = 'X';
	lesson_suggest(typo, names, N, hint, sizeof hint);
	char want[128];
	snprintf(want, sizeof want, "; did you mean \"%s\"?", names[N - 1]);
	assert_string_equal(hint, want);
	lesson_suggest("nosuch", names, N, hint, sizeof hint);
	assert_string_equal(hint, "");
	/* Small lists read as a sentence. */
	const char *three[] = { "tcp", "udp", "errors" };
	char out[64];
	lesson_join(three, 3, ", ", " or ", out, sizeof out);
	assert_string_equal(out, "tcp, udp or errors");
	lesson_join(three, 1, ", ", " or ", out, sizeof out);
	assert_string_equal(out, "tcp");
	lesson_join(three, 0, ", ", " or ", out, sizeof out);
	assert_string_equal(out, "");
}

/* Without a file name (a fuzzer, a lesson from a pipe) any lesson: line
 * names the lesson, so the rest of the grammar is parsed. */
static void test_no_file_name(void **state)
{
	(void)state;
	struct lesson *l = NULL;
	const char *t = "lesson: tcp\ntitle: T\nstep: one\n> server socket tcp\n";
	assert_int_equal(lesson_parse(t, strlen(t), "fuzz.lesson", NULL, &l, err, sizeof err), 0);
	assert_string_equal(l->name, "tcp");
	assert_int_equal(l->nsteps, 1);
	lesson_free(l);
	t = "title: T\nstep: one\nnarration\n";
	assert_int_equal(lesson_parse(t, strlen(t), "fuzz.lesson", NULL, &l, err, sizeof err), 0);
	assert_string_equal(l->name, "fuzz.lesson");
	lesson_free(l);
}

/* Lines just under, at and over CMD_LINE_MAX: the limit is exact. */
/* "show:" names what a step is about; a bad one is one line at its line. */
static void test_show(void **state)
{
	(void)state;
	struct lesson *l = parse_ok("title: T\nstep: one\nshow: table|sockaddr\nwords\n"
				    "step: two\nshow: ladder | conversion\n> client socket tcp\nstep: three\nplain\n");
	assert_int_equal(l->steps[0].show, LESSON_SHOW_TABLE | LESSON_SHOW_SOCKADDR);
	assert_int_equal(l->steps[1].show, LESSON_SHOW_LADDER | LESSON_SHOW_CONVERSION);
	assert_int_equal(l->steps[2].show, 0);
	assert_int_equal(l->steps[0].nitems, 1); /* the show: line is not narration */
	lesson_free(l);
	const char *bad = "title: T\nstep: one\nshow: tabel\n";
	parse_bad(bad, strlen(bad), 3, "did you mean \"table\"");
	bad = "title: T\nstep: one\nshow: table\nshow: ladder\n";
	parse_bad(bad, strlen(bad), 4, "a second \"show:\"");
	bad = "title: T\nstep: one\nshow:\n";
	parse_bad(bad, strlen(bad), 3, "names no pane");
}

/* A step whose narration the screen could only show cut at 80x24 is refused
 * at load, naming the step; one line less fits. */
static void test_narration_fits(void **state)
{
	(void)state;
	char t[8192] = "title: T\nstep: one\nwords\nstep: long\n", more[8192];
	for (int i = 0; i < 11; i++)
		strcat(t, "    a preformatted line, kept as it is\n");
	snprintf(more, sizeof more, "%s    one line too many for this step\n> client socket tcp\n", t);
	strcat(t, "> client socket tcp\n");
	struct lesson *l = parse_ok(t);
	lesson_free(l);
	parse_bad(more, strlen(more), 4, "step 2's narration takes 12 lines at 80x24 (76 columns) and its rows at least 1: "
					 "expected at most 12 together for a step that shows the table");
	/* Narration alone has the whole frame: 20 lines. Each paragraph starts
	 * a line; a long one wraps at 76 columns, at a space. */
	char n[8192] = "title: T\nstep: words\n";
	for (int i = 0; i < 17; i++)
		strcat(n, "A short paragraph.\n\n");
	for (int i = 0; i < 11; i++) /* 11 words of 13 columns: 5 to a line, 3 lines */
		strcat(n, i == 10 ? "abcdefghijklm\n" : "abcdefghijklm ");
	l = parse_ok(n);
	assert_int_equal(lesson_step_lines(&l->steps[0], LESSON_FIT_COLS), 20);
	lesson_free(l);
	strcat(n, "\nA new paragraph.\n");
	parse_bad(n, strlen(n), 2, "expected at most 20 for a step of narration alone");
}

/* lines N: a step's narration of N preformatted lines. */
static void pre_lines(char *t, int n)
{
	for (int i = 0; i < n; i++)
		strcat(t, "    a preformatted line\n");
}

/* The step's own rows count too: the table shows them all, beside the
 * narration, the calls and the pane the step is about (lesson_fit.h). */
static void test_rows_fit(void **state)
{
	(void)state;
	const char *calls = "> client socket tcp\n> client bind 100.0.0.1 9000\n> client connect 200.0.0.2 80\n";
	char t[4096] = "title: T\nstep: three rows and a sockaddr_in\n";
	pre_lines(t, 6); /* 6 lines, 3 rows, the sockaddr pane's 4: 17 with the calls and the header */
	strcat(t, calls);
	struct lesson *l = parse_ok(t);
	assert_int_equal(lesson_step_rows(&l->steps[0]), 3);
	assert_true(lesson_step_about_pane(&l->steps[0]));
	assert_int_equal(lesson_step_pane_lines(&l->steps[0]), 4);
	lesson_free(l);
	strcpy(t, "title: T\nstep: one line more\n");
	pre_lines(t, 7);
	strcat(t, calls);
	parse_bad(t, strlen(t), 2, "step 1's narration takes 7 lines at 80x24 (76 columns) and its rows at least 3: "
				   "expected at most 9 together for a step that shows the sockaddr_in");
	/* A call the lesson expects to fail adds no row. */
	strcpy(t, "title: T\nstep: bind fails\n");
	pre_lines(t, 7);
	strcat(t, "> client socket tcp\n> client bind 100.0.0.1 9000\n> expect client result EADDRINUSE\n"
		  "> client connect 200.0.0.2 80\n");
	l = parse_ok(t);
	assert_int_equal(lesson_step_rows(&l->steps[0]), 2);
	lesson_free(l);
	/* show: table: the bottom pane yields to one line. */
	strcpy(t, "title: T\nstep: about the table\nshow: table\n");
	pre_lines(t, 9);
	strcat(t, calls);
	l = parse_ok(t);
	assert_false(lesson_step_about_pane(&l->steps[0]));
	lesson_free(l);
	/* Six conversions: six lines of the conversions pane. */
	strcpy(t, "title: T\nstep: six conversions\n");
	pre_lines(t, 6);
	strcat(t, "> htons 1\n> htons 2\n> htons 3\n> htonl 4\n> ntohs 5\n> ntohl 6\n");
	l = parse_ok(t);
	assert_int_equal(lesson_step_pane_lines(&l->steps[0]), 6);
	assert_int_equal(lesson_step_rows(&l->steps[0]), 0);
	lesson_free(l);
	strcat(t, "> inet_addr 1.2.3.4\n");
	parse_bad(t, strlen(t), 2, "expected at most 5 together");
}

static void test_line_limit(void **state)
{
	(void)state;
	for (size_t n = CMD_LINE_MAX - 1; n <= CMD_LINE_MAX + 1; n++) {
		static char t[CMD_LINE_MAX + 64];
		const char head[] = "title: T\nstep: one\n";
		size_t o = sizeof head - 1;
		memcpy(t, head, o);
		memset(t + o, 'a', n);
		t[o + n] = '\n';
		t[o + n + 1] = '\0';
		struct lesson *l = NULL;
		int r = lesson_parse(t, strlen(t), "t.lesson", "t", &l, err, sizeof err);
		if (n <= CMD_LINE_MAX) {
			assert_int_equal(r, 0);
			assert_int_equal(strlen(l->steps[0].items[0].text), n);
			lesson_free(l);
		} else {
			assert_int_equal(r, -EINVAL);
			assert_non_null(strstr(err, "t.lesson:3: a line of 4097 bytes: expected at most 4096"));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_lesson),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_narration_fits),
		cmocka_unit_test(test_rows_fit),
		cmocka_unit_test(test_acts),
		cmocka_unit_test(test_defaults_and_escapes),
		cmocka_unit_test(test_preformatted),
		cmocka_unit_test(test_order_and_listed),
		cmocka_unit_test(test_command_errors),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_loopback_has_no_wire_faults),
		cmocka_unit_test(test_unanswerable_predictions),
		cmocka_unit_test(test_answerable_predictions),
		cmocka_unit_test(test_name_of),
		cmocka_unit_test(test_no_crash),
		cmocka_unit_test(test_many_long_names),
		cmocka_unit_test(test_no_file_name),
		cmocka_unit_test(test_line_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
