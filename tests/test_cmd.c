/* test_cmd.c - the command language as a user meets it: every form parses to
 * what the engine needs, prints back to text that parses to the same command
 * (compared field by field) and prints the same again, and every mistake gets
 * one line naming what was expected. */
#include <errno.h>
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

#include "cmd.h"

/* struct cmd is large (a line and a payload): keep the working copies static. */
static struct cmd c, c2;
static char err[CMD_ERR_MAX];

static void round_trip(const char *line);

static void ok(const char *line)
{
	int r = cmd_parse(line, &c, err, sizeof err);

	if (r != 1)
		fail_msg("\"%s\" -> %d: %s", line, r, err);
}

/* A bad line: -EINVAL, one line naming what was expected. */
static void bad(const char *line, const char *phrase)
{
	int r = cmd_parse(line, &c, err, sizeof err);

	if (r != -EINVAL)
		fail_msg("\"%.60s\" -> %d, expected -EINVAL", line, r);
	if (!strstr(err, phrase))
		fail_msg("\"%.60s\": error \"%s\" lacks \"%s\"", line, err, phrase);
	assert_null(strchr(err, '\n'));
	assert_null(strchr(err, '\r'));
	assert_true(strlen(err) > 10);
}

static void ip_is(const char *text)
{
	struct in_addr want;

	assert_int_equal(inet_pton(AF_INET, text, &want), 1);
	assert_string_equal(c.addr_text, text);
	assert_int_equal(c.addr.s_addr, want.s_addr);
}

static void data_is(const char *text, size_t len)
{
	assert_int_equal(c.data_len, len);
	assert_memory_equal(c.data, text, len);
}

static void test_socket_bind_listen_accept(void **state)
{
	(void)state;
	ok("server socket tcp");
	assert_int_equal(c.verb, V_SOCKET);
	assert_int_equal(c.t.side, SIDE_SERVER);
	assert_int_equal(c.t.fd, -1);
	assert_int_equal(c.proto, PROTO_TCP);
	ok("client socket udp");
	assert_int_equal(c.t.side, SIDE_CLIENT);
	assert_int_equal(c.proto, PROTO_UDP);

	ok("server bind 200.0.0.2 80");
	assert_int_equal(c.verb, V_BIND);
	ip_is("200.0.0.2");
	assert_int_equal(c.port, 80);
	assert_int_equal(c.conv, CONV_INET_ADDR);
	assert_false(c.nohtons);
	ok("server bind 0.0.0.0 65535 nohtons inet_pton");
	ip_is("0.0.0.0");
	assert_int_equal(c.port, 65535);
	assert_int_equal(c.conv, CONV_INET_PTON);
	assert_true(c.nohtons);
	ok("server bind 255.255.255.255 0 inet_addr");
	ip_is("255.255.255.255");
	assert_int_equal(c.port, 0);
	assert_int_equal(c.conv, CONV_INET_ADDR);

	ok("server listen");
	assert_int_equal(c.verb, V_LISTEN);
	assert_int_equal(c.backlog, 5);
	ok("server listen 0");
	assert_int_equal(c.backlog, 0);
	ok("server listen 4096");
	assert_int_equal(c.backlog, 4096);
	ok("server accept");
	assert_int_equal(c.verb, V_ACCEPT);
	ok("server close");
	assert_int_equal(c.verb, V_CLOSE);
}

/* With the option inet_addr named, an address may be anything inet_addr()
 * reads; the bytes are what the C library makes of it, and the text prints
 * back with the option, so it reads the same again. */
static void inet_addr_form(const char *line, const char *text, uint32_t host, const char *canon)
{
	char out[CMD_LINE_MAX];

	ok(line);
	assert_string_equal(c.addr_text, text);
	assert_int_equal(ntohl(c.addr.s_addr), host);
	assert_int_equal(c.conv, CONV_INET_ADDR);
	cmd_format(&c, out, sizeof out);
	assert_string_equal(out, canon);
	round_trip(line);
}

static void test_inet_addr_forms(void **state)
{
	(void)state;
	inet_addr_form("server bind 1.2.3 80 inet_addr", "1.2.3", 0x01020003, "server bind 1.2.3 80 inet_addr");
	inet_addr_form("server bind 010.0.0.1 80 inet_addr", "010.0.0.1", 0x08000001,
		       "server bind 010.0.0.1 80 inet_addr");
	inet_addr_form("client connect 0x7f.1 1000 inet_addr", "0x7f.1", 0x7F000001,
		       "client connect 0x7f.1 1000 inet_addr");
	inet_addr_form("client connect 0X7F.0x0.0x0.0x1 1000 nohtons inet_addr", "0X7F.0x0.0x0.0x1", 0x7F000001,
		       "client connect 0X7F.0x0.0x0.0x1 1000 inet_addr nohtons");
	inet_addr_form("client sendto 1.2 53 \"q\" inet_addr", "1.2", 0x01000002,
		       "client sendto 1.2 53 \"q\" inet_addr");
	inet_addr_form("server bind 16909060 80 inet_addr", "16909060", 0x01020304,
		       "server bind 16909060 80 inet_addr");
	inet_addr_form("server bind 1.2.65535 80 inet_addr", "1.2.65535", 0x0102FFFF,
		       "server bind 1.2.65535 80 inet_addr");
	/* The lecture's trap: the broadcast address is INADDR_NONE's bytes, and
	 * goes into the socket as such, without a word from the parser. */
	inet_addr_form("server bind 255.255.255.255 80 inet_addr", "255.255.255.255", 0xFFFFFFFF,
		       "server bind 255.255.255.255 80");
	inet_addr_form("server bind 0xffffffff 80 inet_addr", "0xffffffff", 0xFFFFFFFF,
		       "server bind 0xffffffff 80 inet_addr");
	/* A plain dotted quad needs no option to read back. */
	inet_addr_form("server bind 200.0.0.2 80 inet_addr", "200.0.0.2", 0xC8000002, "server bind 200.0.0.2 80");
	/* 31 bytes fit. */
	inet_addr_form("server bind 0x00000000000000000000000000001 80 inet_addr",
		       "0x00000000000000000000000000001", 1, "server bind 0x00000000000000000000000000001 80 inet_addr");

	/* What inet_addr does not read is refused, naming its forms. */
	static const char *const nope[] = {
		"server bind 1.2.3.4.5 80 inet_addr", "server bind 08.0.0.1 80 inet_addr",
		"server bind 1.2.3.256 80 inet_addr", "server bind 1.2.65536 80 inet_addr",
		"server bind localhost 80 inet_addr", "server bind \"1.2.3.4 x\" 80 inet_addr",
		"server bind 1.2.3. 80 inet_addr", "server bind .1 80 inet_addr", "server bind 0xg 80 inet_addr",
		"server bind \"\" 80 inet_addr", "client connect -1 80 inet_addr", "server bind 4294967296 80 inet_addr",
		"client sendto 1..2 9 x inet_addr",
	};
	for (size_t i = 0; i < sizeof nope / sizeof nope[0]; i++)
		bad(nope[i], "for inet_addr: expected 1 to 4 numbers separated by dots, each decimal, octal "
		    "(leading 0) or hex (0x), e.g. 1.2.3, 010.0.0.1 or 0x7f.1");
	bad("server bind 0x000000000000000000000000000000001 80 inet_addr",
	    "bad address \"0x000000000000000000000000000000001\" for inet_addr: 35 bytes; at most 31 expected");
	bad("server bind 1.2.3 80 inet_addr inet_pton", "both given");
	bad("server bind 1.2.3 80 inet_addr x", "unknown option \"x\"");

	/* Without it, a dotted quad; the line says what inet_addr would make of it. */
	bad("server bind 1.2.3 80", "bad address \"1.2.3\": expected four numbers 0-255 separated by dots, e.g. "
	    "200.0.0.2 (with the option inet_addr it means 1.2.0.3)");
	bad("client connect 010.0.0.1 80", "(with the option inet_addr it means 8.0.0.1)");
	bad("client sendto 0x7f.1 80 x nohtons", "(with the option inet_addr it means 127.0.0.1)");
	/* inet_pton, flood and expect take dotted quads only: no such hint. */
	bad("server bind 1.2.3 80 inet_pton", "bad address \"1.2.3\"");
	assert_null(strstr(err, "with the option"));
	bad("client flood 1 udp 1.2.3 80", "bad address \"1.2.3\"");
	assert_null(strstr(err, "with the option"));
	bad("expect client local 1.2.3 80", "bad address \"1.2.3\"");
	assert_null(strstr(err, "with the option"));
	bad("server bind 1.2.3.4.5 80", "bad address");
	assert_null(strstr(err, "with the option"));
}

static void test_connect_send_recv(void **state)
{
	(void)state;
	ok("client connect 200.0.0.2 80");
	assert_int_equal(c.verb, V_CONNECT);
	ip_is("200.0.0.2");
	assert_int_equal(c.port, 80);
	ok("client connect 10.1.2.3 8080 inet_pton");
	assert_int_equal(c.conv, CONV_INET_PTON);

	ok("client send \"hola\"");
	assert_int_equal(c.verb, V_SEND);
	data_is("hola", 4);
	ok("client send hola");
	data_is("hola", 4);
	ok("client send \"\"");
	data_is("", 0);
	ok("client send \"GET / HTTP/1.0\\r\\n\\r\\n\"");
	data_is("GET / HTTP/1.0\r\n\r\n", 18);

	ok("server recv");
	assert_int_equal(c.verb, V_RECV);
	assert_int_equal(c.maxlen, 1024);
	ok("server recv 1");
	assert_int_equal(c.maxlen, 1);
	ok("server recv 65536");
	assert_int_equal(c.maxlen, 65536);
}

static void test_udp_forms(void **state)
{
	(void)state;
	ok("client sendto 200.0.0.2 5000 \"hola\"");
	assert_int_equal(c.verb, V_SENDTO);
	ip_is("200.0.0.2");
	assert_int_equal(c.port, 5000);
	data_is("hola", 4);
	ok("client sendto 200.0.0.2 5000 hi nohtons inet_pton");
	data_is("hi", 2);
	assert_true(c.nohtons);
	assert_int_equal(c.conv, CONV_INET_PTON);

	ok("server recvfrom");
	assert_int_equal(c.verb, V_RECVFROM);
	assert_int_equal(c.maxlen, 1024);
	ok("server recvfrom 512");
	assert_int_equal(c.maxlen, 512);

	ok("client flood 100000 udp 200.0.0.2 5000");
	assert_int_equal(c.verb, V_FLOOD);
	assert_int_equal(c.count, 100000);
	assert_int_equal(c.proto, PROTO_UDP);
	ip_is("200.0.0.2");
	assert_int_equal(c.port, 5000);
	ok("client flood 1 udp 1.2.3.4 1");
	assert_int_equal(c.count, 1);
	ok("client flood 10000000 udp 1.2.3.4 1");
	assert_int_equal(c.count, 10000000);
}

static void test_shutdown_setsockopt(void **state)
{
	(void)state;
	ok("client shutdown rd");
	assert_int_equal(c.verb, V_SHUTDOWN);
	assert_int_equal(c.how, SHUT_RD);
	ok("client shutdown wr");
	assert_int_equal(c.how, SHUT_WR);
	ok("client shutdown both");
	assert_int_equal(c.how, SHUT_RDWR);

	ok("server setsockopt reuseaddr on");
	assert_int_equal(c.verb, V_SETSOCKOPT);
	assert_int_equal(c.opt, OPT_REUSEADDR);
	assert_int_equal(c.optval, 1);
	ok("server setsockopt reuseaddr off");
	assert_int_equal(c.optval, 0);
}

static void test_targets(void **state)
{
	(void)state;
	ok("server#4 recv");
	assert_int_equal(c.t.side, SIDE_SERVER);
	assert_int_equal(c.t.fd, 4);
	ok("client#0 close");
	assert_int_equal(c.t.side, SIDE_CLIENT);
	assert_int_equal(c.t.fd, 0);
	ok("server#65535 close");
	assert_int_equal(c.t.fd, 65535);
	ok("srv accept");
	assert_int_equal(c.t.side, SIDE_SERVER);
	ok("cli#7 send x");
	assert_int_equal(c.t.side, SIDE_CLIENT);
	assert_int_equal(c.t.fd, 7);
	ok("\tserver   \t close   ");
	assert_int_equal(c.verb, V_CLOSE);
	assert_int_equal(c.t.prog, 1);
	assert_int_equal(c.t.child, 0);
}

/* Programs: "client2" is a second client program, "server.1" the first
 * child "server fork" made, "client2.3#4" descriptor 4 of a child of client2. */
static void target_is(const char *line, enum side side, int prog, int child, int fd, const char *canon)
{
	char text[CMD_LINE_MAX];

	ok(line);
	assert_int_equal(c.t.side, side);
	assert_int_equal(c.t.prog, prog);
	assert_int_equal(c.t.child, child);
	assert_int_equal(c.t.fd, fd);
	cmd_format(&c, text, sizeof text);
	assert_string_equal(text, canon);
	round_trip(line);
}

static void test_programs(void **state)
{
	char name[32];

	(void)state;
	target_is("client2 connect 200.0.0.2 80", SIDE_CLIENT, 2, 0, -1, "client2 connect 200.0.0.2 80");
	target_is("server.1 close", SIDE_SERVER, 1, 1, -1, "server.1 close");
	target_is("client2.3#4 recv", SIDE_CLIENT, 2, 3, 4, "client2.3#4 recv 1024");
	target_is("server9.9#65535 close", SIDE_SERVER, 9, 9, 65535, "server9.9#65535 close");
	target_is("srv.2#3 send hi", SIDE_SERVER, 1, 2, 3, "server.2#3 send \"hi\"");
	target_is("cli7 socket udp", SIDE_CLIENT, 7, 0, -1, "client7 socket udp");
	target_is("expect client2 state ESTABLISHED", SIDE_CLIENT, 2, 0, -1, "expect client2 state ESTABLISHED");
	target_is("expect server.1#4 blocked no", SIDE_SERVER, 1, 1, 4, "expect server.1#4 blocked no");

	/* Bad programs and children: one line each, naming the forms. */
	static const char *const progs[] = {
		"client0 close", "client1 close", "client10 close", "server.0 close", "server.x close",
		"server.1.2 close", "server. close", "server.10 close", "client2x close", "srv0 close",
		"server.#4 close", "expect client0 state LISTEN", "client22.1 close",
	};
	for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++)
		bad(progs[i], "expected server or client, then a program number 2-9 and \".N\" for a forked "
		    "child 1-9, e.g. client2, server.1, client2.1#4");
	bad("client10 close", "bad program \"client10\"");
	bad("server.1.2 close", "bad program \"server.1.2\"");
	/* A bad descriptor after a good program is about the descriptor. */
	bad("client2#x close", "bad descriptor in \"client2#x\": expected a number from 0 to 65535 after '#'");
	bad("server.1#70000 close", "bad descriptor in \"server.1#70000\"");
	/* Words that only start like a side are other words. */
	bad("clientx close", "unknown command \"clientx\"");
	bad("servers close", "unknown command \"servers\"");

	/* The names the engine and the screen print. */
	cmd_prog_name(SIDE_CLIENT, 1, 0, name, sizeof name);
	assert_string_equal(name, "client");
	cmd_prog_name(SIDE_CLIENT, 2, 0, name, sizeof name);
	assert_string_equal(name, "client2");
	cmd_prog_name(SIDE_SERVER, 1, 1, name, sizeof name);
	assert_string_equal(name, "server.1");
	cmd_prog_name(SIDE_CLIENT, 2, 3, name, sizeof name);
	assert_string_equal(name, "client2.3");
	cmd_prog_name(SIDE_SERVER, 2, 0, name, 4);
	assert_string_equal(name, "ser");
}

/* The program verbs: interrupt, nonblock, select, fork. */
static void test_program_verbs(void **state)
{
	char text[CMD_LINE_MAX];

	(void)state;
	ok("server interrupt");
	assert_int_equal(c.verb, V_INTERRUPT);
	ok("client2 fork");
	assert_int_equal(c.verb, V_FORK);
	assert_int_equal(c.t.prog, 2);
	ok("client nonblock on");
	assert_int_equal(c.verb, V_NONBLOCK);
	assert_int_equal(c.optval, 1);
	ok("client#3 nonblock off");
	assert_int_equal(c.optval, 0);
	assert_int_equal(c.t.fd, 3);
	bad("client nonblock yes", "bad value \"yes\" for \"client nonblock\": expected on or off");
	bad("client nonblock", "\"client nonblock\" needs on or off");
	bad("server interrupt now", "\"server interrupt\" takes no arguments; unexpected \"now\"");
	bad("server fork 2", "\"server fork\" takes no arguments");

	/* select: the sets (rd when none is named) and the descriptors. */
	static const struct {
		const char *line;
		bool rd, wr;
		size_t n;
		int fd0, fdl;
		const char *canon;
	} sel[] = {
		{ "server select", true, false, 0, 0, 0, "server select rd" },
		{ "server select rd", true, false, 0, 0, 0, "server select rd" },
		{ "server select wr", false, true, 0, 0, 0, "server select wr" },
		{ "server select rdwr", true, true, 0, 0, 0, "server select rdwr" },
		{ "server select 3", true, false, 1, 3, 3, "server select rd 3" },
		{ "server select wr 3 4", false, true, 2, 3, 4, "server select wr 3 4" },
		{ "server.1 select rdwr 0 1023", true, true, 2, 0, 1023, "server.1 select rdwr 0 1023" },
		{ "server select 1 2 3 4 5 6 7 8 9 10 11 12", true, false, 12, 1, 12,
		  "server select rd 1 2 3 4 5 6 7 8 9 10 11 12" },
	};
	for (size_t i = 0; i < sizeof sel / sizeof sel[0]; i++) {
		ok(sel[i].line);
		assert_int_equal(c.verb, V_SELECT);
		assert_int_equal(c.sel_rd, sel[i].rd);
		assert_int_equal(c.sel_wr, sel[i].wr);
		assert_int_equal(c.sel_n, sel[i].n);
		if (sel[i].n) {
			assert_int_equal(c.sel_fd[0], sel[i].fd0);
			assert_int_equal(c.sel_fd[sel[i].n - 1], sel[i].fdl);
		}
		cmd_format(&c, text, sizeof text);
		assert_string_equal(text, sel[i].canon);
		round_trip(sel[i].line);
	}
	bad("server select rw", "bad word \"rw\" in \"server select\": expected rd, wr or rdwr first, then "
	    "descriptor numbers 0-1023, e.g. server select rd 3 4");
	bad("server select 3 rd", "bad word \"rd\"");
	bad("server select rd wr", "bad word \"wr\"");
	bad("server select 1024", "bad word \"1024\"");
	bad("server select -1", "bad word \"-1\"");
	bad("server select 1 2 3 4 5 6 7 8 9 10 11 12 13", "\"server select\" names more than 12 descriptors");
	bad("server select rd 1 2 3 4 5 6 7 8 9 10 11 12 13", "takes at most 13 arguments");
}

/* socket: the lecture's table of families and types. */
/* Your own program: run's words, the commands that step it, its input and
 * the faults at its calls (i20-common.md's grammar). */
static void test_traced(void **state)
{
	const char *argv[CMD_RUN_ARGS + 2];
	static char line[CMD_LINE_MAX];

	(void)state;
	ok("client run tcp_client1b 200.0.0.2 80");
	assert_int_equal(c.verb, V_RUN);
	assert_int_equal(c.t.side, SIDE_CLIENT);
	assert_string_equal(c.path, "tcp_client1b");
	assert_int_equal(c.count, 2);
	data_is("200.0.0.2\0" "80", 13);
	assert_true(cmd_acts(&c));
	assert_int_equal(cmd_run_argv(&c, argv, CMD_RUN_ARGS + 2), 3);
	assert_string_equal(argv[0], "tcp_client1b");
	assert_string_equal(argv[1], "200.0.0.2");
	assert_string_equal(argv[2], "80");
	assert_null(argv[3]);
	assert_int_equal(cmd_run_argv(&c, argv, 3), -E2BIG); /* no room for the NULL */
	ok("server2 run /usr/bin/nc -l \"\" \"two words\"");
	assert_int_equal(c.t.prog, 2);
	assert_int_equal(cmd_run_argv(&c, argv, CMD_RUN_ARGS + 2), 4);
	assert_string_equal(argv[2], "");
	assert_string_equal(argv[3], "two words");
	ok("client run ./prog");
	assert_int_equal(c.count, 0);
	assert_int_equal(c.data_len, 0);
	assert_int_equal(cmd_run_argv(&c, argv, 2), 1);
	assert_null(argv[1]);
	ok("client send x");
	assert_int_equal(cmd_run_argv(&c, argv, 4), -EINVAL);
	/* CMD_RUN_ARGS arguments, and one more. */
	strcpy(line, "client run p");
	for (int i = 0; i < CMD_RUN_ARGS; i++)
		strcat(line, " a");
	ok(line);
	assert_int_equal(cmd_run_argv(&c, argv, CMD_RUN_ARGS + 2), CMD_RUN_ARGS + 1);
	strcat(line, " z");
	bad(line, "at most 32 expected");

	static const struct { const char *line; enum verb v; bool acts; } steps[] = {
		{ "server next", V_NEXT, true }, { "client continue", V_CONTINUE, true },
		{ "client2 detach", V_DETACH, false }, { "server.1 kill", V_KILL, true },
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		ok(steps[i].line);
		assert_int_equal(c.verb, steps[i].v);
		assert_int_equal(cmd_acts(&c), steps[i].acts);
	}
	ok("client input \"GET / HTTP/1.0\\r\\n\"");
	assert_int_equal(c.verb, V_INPUT);
	data_is("GET / HTTP/1.0\r\n", 16);
	assert_true(cmd_acts(&c));

	ok("client fault next recv short 3");
	assert_int_equal(c.verb, V_FAULT);
	assert_int_equal(c.fault_call, V_RECV);
	assert_int_equal(c.fault_err, 0);
	assert_int_equal(c.count, 3);
	assert_false(cmd_acts(&c));
	ok("server fault next recvfrom eagain");
	assert_int_equal(c.fault_call, V_RECVFROM);
	assert_int_equal(c.fault_err, EAGAIN);
	ok("client fault next send econnreset");
	assert_int_equal(c.fault_call, V_SEND);
	assert_int_equal(c.fault_err, ECONNRESET);
	ok("client fault next connect eintr");
	assert_int_equal(c.fault_call, V_CONNECT);
	assert_int_equal(c.fault_err, EINTR);
	ok("server fault next accept eagain");
	assert_int_equal(c.fault_call, V_ACCEPT);
	ok("client fault next sendto eintr");
	assert_int_equal(c.fault_call, V_SENDTO);

	/* Each mistake: one line naming what was expected. */
	bad("client run", "\"client run\" needs a program to run, e.g. client run tcp_client1b");
	bad("client run \"\"", "needs a program: expected a file name or a path");
	bad("client run \"a\\0b\"", "contains \\0");
	bad("client run p \"x\\0\"", "argument 1 \"x\\x00\" contains \\0");
	bad("client#3 run p", "acts on a program, not on one of its sockets: expected it without #3");
	bad("server.1 run p", "starts a side's own program");
	bad("client#4 next", "without #4");
	bad("client next 3", "\"client next\" takes no arguments; unexpected \"3\"");
	bad("client continue now", "takes no arguments");
	bad("client input", "\"client input\" needs the text for the program's standard input");
	bad("client input a b", "unexpected \"b\"");
	bad("client fault", "\"client fault\" needs next, a call and a fault");
	bad("client fault next recv", "needs next, a call and a fault");
	bad("client fault now recv eintr", "unknown word \"now\" after \"client fault\": expected next");
	bad("client fault next recv short 0", "bad byte count \"0\": expected a number from 1 to 65535");
	bad("client fault next recv short 65536", "from 1 to 65535");
	bad("client fault next recv short", "needs one byte count");
	bad("client fault next recv short 1 2", "takes at most 4 arguments");
	bad("client fault next bind eintr", "unknown call \"bind\" in \"client fault next\": expected recv, recvfrom");
	bad("client fault next recv eperm", "unknown fault \"eperm\" for recv(): expected short N, eintr, eagain or "
	    "econnreset");
	bad("client fault next connect eagain", "no fault \"eagain\" for connect(): expected eintr");
	bad("client fault next send short 1", "no fault \"short\" for send(): expected eintr, eagain or econnreset");
	bad("client fault next recv eintr x", "takes nothing more; unexpected \"x\"");
	bad("run ./a.out", "\"run\" needs a side first");
}

static void test_socket_kinds(void **state)
{
	static const struct {
		const char *word;
		int domain, type;
		enum proto proto;
		const char *c_domain, *c_type;
	} kinds[] = {
		{ "tcp", AF_INET, SOCK_STREAM, PROTO_TCP, "PF_INET", "SOCK_STREAM" },
		{ "udp", AF_INET, SOCK_DGRAM, PROTO_UDP, "PF_INET", "SOCK_DGRAM" },
		{ "unix", AF_UNIX, SOCK_STREAM, PROTO_NONE, "PF_UNIX", "SOCK_STREAM" },
		{ "unix-dgram", AF_UNIX, SOCK_DGRAM, PROTO_NONE, "PF_UNIX", "SOCK_DGRAM" },
		{ "inet6", AF_INET6, SOCK_STREAM, PROTO_NONE, "PF_INET6", "SOCK_STREAM" },
		{ "inet6-udp", AF_INET6, SOCK_DGRAM, PROTO_NONE, "PF_INET6", "SOCK_DGRAM" },
		{ "raw", AF_INET, SOCK_RAW, PROTO_NONE, "PF_INET", "SOCK_RAW" },
		{ "seqpacket", AF_INET, SOCK_SEQPACKET, PROTO_NONE, "PF_INET", "SOCK_SEQPACKET" },
		{ "unix-seqpacket", AF_UNIX, SOCK_SEQPACKET, PROTO_NONE, "PF_UNIX", "SOCK_SEQPACKET" },
		{ "rdm", AF_INET, SOCK_RDM, PROTO_NONE, "PF_INET", "SOCK_RDM" },
		{ "packet", AF_PACKET, SOCK_RAW, PROTO_NONE, "PF_PACKET", "SOCK_RAW" },
		{ "netlink", AF_NETLINK, SOCK_RAW, PROTO_NONE, "PF_NETLINK", "SOCK_RAW" },
	};
	char line[64], text[CMD_LINE_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		snprintf(line, sizeof line, "server socket %s", kinds[i].word);
		ok(line);
		assert_int_equal(c.verb, V_SOCKET);
		assert_non_null(c.kind);
		assert_string_equal(c.kind->word, kinds[i].word);
		assert_int_equal(c.kind->domain, kinds[i].domain);
		assert_int_equal(c.kind->type, kinds[i].type);
		assert_int_equal(c.proto, kinds[i].proto);
		assert_int_equal(c.kind->proto, kinds[i].proto);
		assert_string_equal(c.kind->c_domain, kinds[i].c_domain);
		assert_string_equal(c.kind->c_type, kinds[i].c_type);
		assert_non_null(c.kind->c_protocol);
		assert_true(strlen(c.kind->purpose) > 20);
		cmd_format(&c, text, sizeof text);
		assert_string_equal(text, line);
		round_trip(line);
	}
	bad("server socket sctp", "bad protocol \"sctp\": expected tcp or udp (or one of the lecture's other "
	    "kinds: unix, inet6, raw, seqpacket, ...), e.g. server socket tcp");
	bad("server socket unx", "did you mean \"unix\"?");
	bad("server socket UDP", "did you mean \"udp\"?");
	bad("server socket inet6 tcp", "unexpected \"tcp\"");
}

static void test_wire(void **state)
{
	static const struct { const char *line; enum wire_op op; } ops[] = {
		{ "wire pass", W_PASS }, { "wire hold", W_HOLD }, { "wire step", W_STEP },
		{ "wire drop", W_DROP }, { "wire status", W_STATUS },
	};

	(void)state;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		ok(ops[i].line);
		assert_int_equal(c.verb, V_WIRE);
		assert_int_equal(c.wop, ops[i].op);
	}
	ok("wire delay 300ms");
	assert_int_equal(c.wop, W_DELAY);
	assert_int_equal(c.ms, 300);
	ok("wire delay 2s");
	assert_int_equal(c.ms, 2000);
	ok("wire save lesson1.pcap");
	assert_int_equal(c.wop, W_SAVE);
	assert_string_equal(c.path, "lesson1.pcap");
	ok("wire save \"/tmp/my capture.pcap\"");
	assert_string_equal(c.path, "/tmp/my capture.pcap");
	/* Armed faults: hold and drop with "next FRAME"; alone they act now. */
	ok("wire drop");
	assert_int_equal(c.frame, FAULT_NONE);
	ok("wire drop next SYN");
	assert_int_equal(c.wop, W_DROP);
	assert_int_equal(c.frame, FAULT_SYN);
	ok("wire hold next SYN-ACK");
	assert_int_equal(c.wop, W_HOLD);
	assert_int_equal(c.frame, FAULT_SYNACK);
	ok("wire drop next data");
	assert_int_equal(c.frame, FAULT_DATA);
	ok("wire hold next udp");
	assert_int_equal(c.frame, FAULT_UDP);
	ok("wire drop next rst"); /* any case; written back as RST */
	assert_int_equal(c.frame, FAULT_RST);
}

static void test_say_conversions_wait(void **state)
{
	(void)state;
	ok("say \"STEP 2: SOCKET BINDING\"");
	assert_int_equal(c.verb, V_SAY);
	data_is("STEP 2: SOCKET BINDING", 22);
	ok("say STEP 2:   SOCKET BINDING   # narration");
	data_is("STEP 2:   SOCKET BINDING", 24);
	ok("say \"\"");
	data_is("", 0);

	ok("inet_addr 255.255.255.255");
	assert_int_equal(c.verb, V_INET_ADDR);
	assert_string_equal(c.text, "255.255.255.255");
	ok("inet_addr 010.0.0.1"); /* the trap is the lesson: not validated */
	assert_string_equal(c.text, "010.0.0.1");
	ok("inet_addr \"\"");
	assert_string_equal(c.text, "");
	ok("inet_pton 192.168.0.1");
	assert_int_equal(c.verb, V_INET_PTON);
	assert_string_equal(c.text, "192.168.0.1");
	ok("inet_pton 300.1.2.3");
	assert_string_equal(c.text, "300.1.2.3");

	ok("htons 80");
	assert_int_equal(c.verb, V_HTONS);
	assert_int_equal(c.num, 80);
	ok("htons 65535");
	assert_int_equal(c.num, 65535);
	ok("htonl 4294967295");
	assert_int_equal(c.verb, V_HTONL);
	assert_int_equal(c.num, 4294967295u);
	ok("htonl 0x7F000001");
	assert_int_equal(c.num, 0x7F000001u);

	/* ntohs/ntohl: the same ranges as htons/htonl, decimal or 0x. */
	ok("ntohs 20480");
	assert_int_equal(c.verb, V_NTOHS);
	assert_int_equal(c.num, 20480);
	ok("ntohs 0");
	assert_int_equal(c.num, 0);
	ok("ntohs 65535");
	assert_int_equal(c.num, 65535);
	ok("ntohs 0x5000");
	assert_int_equal(c.num, 0x5000);
	ok("ntohl 33554632");
	assert_int_equal(c.verb, V_NTOHL);
	assert_int_equal(c.num, 33554632u);
	ok("ntohl 4294967295");
	assert_int_equal(c.num, 4294967295u);
	ok("ntohl 0xFFFFFFFF");
	assert_int_equal(c.num, 0xFFFFFFFFu);
	ok("ntohl 0x0100007f");
	assert_int_equal(c.num, 0x0100007Fu);
	bad("ntohs 65536", "bad number \"65536\": expected a number from 0 to 65535 (or 0x... in hex)");
	bad("ntohs 0x10000", "expected a number from 0 to 65535");
	bad("ntohl 4294967296", "bad number \"4294967296\": expected a number from 0 to 4294967295");
	bad("ntohl 0x100000000", "expected a number from 0 to 4294967295");
	bad("ntohs -1", "bad number \"-1\"");
	bad("ntohl x", "bad number \"x\"");
	bad("ntohs", "\"ntohs\" needs a number from 0 to 65535, e.g. ntohs 20480");
	bad("ntohl", "\"ntohl\" needs a number from 0 to 4294967295, e.g. ntohl 33554632");
	bad("ntohs 1 2", "unexpected \"2\"");

	ok("wait 1.5s");
	assert_int_equal(c.verb, V_WAIT);
	assert_int_equal(c.ms, 1500);
	ok("wait 0");
	assert_int_equal(c.ms, 0);
}

static void test_expect(void **state)
{
	(void)state;
	ok("expect client state ESTABLISHED");
	assert_int_equal(c.verb, V_EXPECT);
	assert_int_equal(c.ex.what, EX_STATE);
	assert_int_equal(c.t.side, SIDE_CLIENT);
	assert_string_equal(c.ex.a, "ESTABLISHED");
	ok("expect server#3 state SYN_RECV");
	assert_int_equal(c.t.fd, 3);

	ok("expect client result ECONNREFUSED");
	assert_int_equal(c.ex.what, EX_RESULT);
	assert_string_equal(c.ex.a, "ECONNREFUSED");
	ok("expect client result -1");
	assert_string_equal(c.ex.a, "-1");
	ok("expect server result 4");
	assert_string_equal(c.ex.a, "4");

	ok("expect server local 200.0.0.2 80");
	assert_int_equal(c.ex.what, EX_LOCAL);
	assert_string_equal(c.ex.a, "200.0.0.2");
	assert_string_equal(c.ex.b, "80");
	ok("expect client local * *");
	assert_string_equal(c.ex.a, "*");
	assert_string_equal(c.ex.b, "*");
	ok("expect server remote ? ?");
	assert_int_equal(c.ex.what, EX_REMOTE);
	assert_string_equal(c.ex.a, "?");
	assert_string_equal(c.ex.b, "?");
	ok("expect client remote 200.0.0.2 *");
	assert_string_equal(c.ex.a, "200.0.0.2");
	assert_string_equal(c.ex.b, "*");

	ok("expect server data \"hola\\n\"");
	assert_int_equal(c.ex.what, EX_DATA);
	data_is("hola\n", 5);
	ok("expect server blocked yes");
	assert_int_equal(c.ex.what, EX_BLOCKED);
	assert_string_equal(c.ex.a, "yes");
	ok("expect client blocked no");
	assert_string_equal(c.ex.a, "no");

	ok("expect sockaddr \"02 00 00 50 c8 00 00 02\"");
	assert_int_equal(c.ex.what, EX_SOCKADDR);
	data_is("\x02\x00\x00\x50\xc8\x00\x00\x02", 8);
	assert_string_equal(c.ex.a, "02 00 00 50 C8 00 00 02");
	ok("expect sockaddr \"02 00 03 E8 7F 00 00 01 00 00 00 00 00 00 00 00\"");
	assert_int_equal(c.data_len, 16);
	assert_string_equal(c.ex.a, "02 00 03 E8 7F 00 00 01 00 00 00 00 00 00 00 00");

	ok("expect wire saw \"SYN, ACK\"");
	assert_int_equal(c.ex.what, EX_WIRE_SAW);
	data_is("SYN, ACK", 8);
	ok("expect wire held 2");
	assert_int_equal(c.ex.what, EX_WIRE_HELD);
	assert_string_equal(c.ex.a, "2");
	assert_int_equal(c.num, 2);
}

/* A host's setting and a port range: what the ephemeral lesson checks. */
static void test_sysctl_and_port_range(void **state)
{
	char text[CMD_LINE_MAX];

	(void)state;
	ok("client sysctl net.ipv4.ip_local_port_range");
	assert_int_equal(c.verb, V_SYSCTL);
	assert_int_equal(c.t.side, SIDE_CLIENT);
	assert_string_equal(c.path, "net.ipv4.ip_local_port_range");
	cmd_format(&c, text, sizeof text);
	assert_string_equal(text, "client sysctl net.ipv4.ip_local_port_range");
	bad("client sysctl kernel.hostname", "expected a net.* name");
	bad("client sysctl net.ipv4.../x", "expected a net.* name");
	bad("client sysctl net.", "expected a net.* name");
	bad("client sysctl", "needs a setting name");

	ok("expect client local 100.0.0.1 32768-60999");
	assert_int_equal(c.ex.what, EX_LOCAL);
	assert_string_equal(c.ex.b, "32768-60999");
	cmd_format(&c, text, sizeof text);
	assert_string_equal(text, "expect client local 100.0.0.1 32768-60999");
	bad("expect client local 100.0.0.1 9-8", "the low end is above the high end");
	bad("expect client local 100.0.0.1 1-70000", "expected a number from 0 to 65535");
}

static void test_lexing(void **state)
{
	(void)state;
	/* Nothing to do: 0, not an error. */
	assert_int_equal(cmd_parse("", &c, err, sizeof err), 0);
	assert_int_equal(cmd_parse("   \t ", &c, err, sizeof err), 0);
	assert_int_equal(cmd_parse("# a comment", &c, err, sizeof err), 0);
	assert_int_equal(cmd_parse("   # indented comment \"unbalanced", &c, err, sizeof err), 0);
	assert_int_equal(cmd_parse("\n", &c, err, sizeof err), 0);
	assert_int_equal(cmd_parse("\r\n", &c, err, sizeof err), 0);

	/* Lines straight from fgets. */
	ok("server close\n");
	assert_int_equal(c.verb, V_CLOSE);
	ok("server close\r\n");
	ok("server close # done");
	ok("client send \"a # not a comment\" # comment");
	data_is("a # not a comment", 17);

	/* Every escape. */
	ok("client send \"\\n\\t\\r\\\\\\\"\\0\\x41\\xff\"");
	data_is("\n\t\r\\\"\0A\xff", 8);

	/* The longest line and the biggest payload still fit. */
	static char line[CMD_LINE_MAX + 8];
	memset(line, ' ', CMD_LINE_MAX);
	memcpy(line, "server close", 12);
	line[CMD_LINE_MAX] = '\0';
	ok(line);
	strcpy(line, "client send \"");
	memset(line + 13, 'x', CMD_DATA_MAX);
	strcpy(line + 13 + CMD_DATA_MAX, "\"");
	ok(line);
	assert_int_equal(c.data_len, CMD_DATA_MAX);
	/* UTF-8 text is text. */
	ok("say \"año\"");
	data_is("año", 4);
}

static void test_parse_ms(void **state)
{
	static const struct { const char *s; unsigned ms; } good[] = {
		{ "300", 300 }, { "300ms", 300 }, { "2s", 2000 }, { "1.5s", 1500 }, { "0", 0 },
		{ "0.001s", 1 }, { "600000", 600000 }, { "600s", 600000 }, { "0ms", 0 },
	};
	static const char *const nope[] = {
		"", "ms", "s", "-1", "+1", "1.5", "1.5ms", "1.2345s", "600001", "601s", "1m", "1 s",
		"abc", "1e3", "99999999999999999999", ".5s", "1.s", "2S", "300 ms",
	};
	unsigned ms;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		ms = 12345;
		assert_int_equal(cmd_parse_ms(good[i].s, &ms), 0);
		assert_int_equal(ms, good[i].ms);
	}
	for (size_t i = 0; i < sizeof nope / sizeof nope[0]; i++) {
		ms = 12345;
		if (cmd_parse_ms(nope[i], &ms) != -EINVAL)
			fail_msg("duration \"%s\" accepted", nope[i]);
		assert_int_equal(ms, 12345);
	}
	assert_int_equal(cmd_parse_ms(NULL, &ms), -EINVAL);
}

/* The first field in which two parsed commands differ, or NULL. Field by
 * field, so that a failure names what the printed text lost; then the whole
 * struct, so that a field added later and not listed here still counts
 * (cmd_parse clears the struct first, padding included). */
static const char *cmd_diff(const struct cmd *a, const struct cmd *b)
{
#define SAME(f) if (memcmp(&a->f, &b->f, sizeof a->f) != 0) return #f
	SAME(verb);
	SAME(t.side);
	SAME(t.fd);
	SAME(t.prog);
	SAME(t.child);
	SAME(proto);
	SAME(kind);
	SAME(sel_rd);
	SAME(sel_wr);
	SAME(sel_n);
	SAME(sel_fd);
	SAME(addr_text);
	SAME(addr);
	SAME(port);
	SAME(conv);
	SAME(nohtons);
	SAME(backlog);
	SAME(maxlen);
	SAME(data_len);
	SAME(data);
	SAME(how);
	SAME(opt);
	SAME(optval);
	SAME(wop);
	SAME(frame);
	SAME(ms);
	SAME(path);
	SAME(count);
	SAME(num);
	SAME(fault_call);
	SAME(fault_err);
	SAME(text);
	SAME(ex.what);
	SAME(ex.a);
	SAME(ex.b);
#undef SAME
	if (memcmp(a, b, sizeof *a) != 0)
		return "(a field cmd_diff does not list)";
	return NULL;
}

/* parse(line) -> format -> parse again: the two parsed commands must be the
 * same, field by field, and the printed text must print back to itself. */
static void round_trip(const char *line)
{
	static char text[CMD_LINE_MAX + 64], again[CMD_LINE_MAX + 64];
	const char *field;

	if (cmd_parse(line, &c, err, sizeof err) != 1)
		fail_msg("\"%.200s\" does not parse: %s", line, err);
	cmd_format(&c, text, sizeof text);
	if (cmd_parse(text, &c2, err, sizeof err) != 1)
		fail_msg("\"%.200s\" formats as \"%.200s\", which fails: %s", line, text, err);
	if ((field = cmd_diff(&c, &c2)) != NULL)
		fail_msg("\"%.200s\" formats as \"%.200s\", which parses with a different %s", line, text,
			 field);
	cmd_format(&c2, again, sizeof again);
	if (strcmp(text, again) != 0)
		fail_msg("\"%.200s\" formats as \"%.200s\", then as \"%.200s\"", line, text, again);
}

/* parse -> format -> parse gives the same struct, and formatting is stable. */
static void test_round_trip(void **state)
{
	static const char *const lines[] = {
		"server socket tcp", "client socket udp", "server bind 200.0.0.2 80",
		"srv bind 0.0.0.0 0 nohtons inet_pton", "server#4 listen 12", "server listen",
		"server accept", "client connect 200.0.0.2 80 inet_pton", "client send \"hola\"",
		"client send \"\\x01\\0 \\\"q\\\" \\\\ \\r\\n\\t#x\"", "client send \"\"", "server recv",
		"server recvfrom 99", "client sendto 200.0.0.2 5000 \"hi there\" nohtons",
		"client shutdown rd", "client shutdown wr", "client#9 shutdown both", "client close",
		"server setsockopt reuseaddr on", "server setsockopt reuseaddr off",
		"client flood 100000 udp 200.0.0.2 5000", "wire pass", "wire hold", "wire step",
		"wire drop", "wire status", "wire delay 1.5s", "wire save out.pcap",
		"wire save \"#odd name.pcap\"", "say \"STEP 2: SOCKET BINDING\"", "say words   with gaps",
		"inet_addr 255.255.255.255", "inet_addr \"1.2.3.4 junk\"", "inet_addr \"\"",
		"inet_pton 192.168.0.1", "inet_addr \"#hash\"", "htons 80", "htonl 0xC8000002", "wait 2s",
		"expect client state ESTABLISHED", "expect server#4 result EAGAIN",
		"expect client result -1", "expect server local 200.0.0.2 80", "expect client local * *",
		"expect client remote ? ?", "expect client remote 200.0.0.2 080",
		"expect server data \"GET /\\r\\n\"", "expect server blocked yes",
		"expect sockaddr \"02 00 00 50\"", "expect wire saw \"RST\"", "expect wire held 0",
		"client sysctl net.ipv4.ip_local_port_range", "server#3 sysctl net.core.somaxconn",
		"expect client local 100.0.0.1 32768-60999", "server#5 recv 1", "client#3 connect 1.2.3.4 65535",
		"client sendto 10.0.0.1 53 \"\\xff\\x80 a\\xc3\\xb1o\" inet_pton", "expect client state CONNECTED",
		"expect server state SYN-RECV", "expect client remote * ?", "expect server data \"\"",
		"expect client blocked no", "expect wire saw \"[SYN, ACK]\"", "expect wire held 12",
		"htons 0", "htonl 0", "wait 0", "wire delay 0", "inet_pton \"\\x1b[2J\"",
		"server interrupt", "client2 interrupt", "client nonblock on", "client#3 nonblock off",
		"server select", "server select wr 3 4", "server.1 select rdwr", "server select 5",
		"server fork", "server.1#4 close", "client2.3#4 recv 8", "ntohs 20480", "ntohs 0x50",
		"ntohl 33554632", "ntohl 0xFFFFFFFF", "server socket unix", "client socket inet6-udp",
		"server socket raw", "server socket seqpacket", "expect client2 state ESTABLISHED",
		"save lesson demo.lesson", "save! lesson \"my demo.lesson\"",
		"wire drop next SYN", "wire drop next SYN-ACK", "wire hold next ACK", "wire drop next FIN",
		"wire hold next RST", "wire drop next data", "wire hold next udp",
		"predict client local \"Which port?\"", "predict result \"Bytes?\"",
		"server families", "client2 journey", "server.1 sender", "client getsockname", "server#4 getpeername",
		"client run tcp_client1b 200.0.0.2 80", "server run ./a.out", "client2 run \"my prog\" \"\" \"#x\" a\\b",
		"server next", "server.1 next", "client continue", "client2 detach", "server kill",
		"client input \"hello\\n\"", "client input \"\"", "client fault next recv short 1",
		"server fault next recvfrom short 65535", "client fault next send econnreset",
		"server fault next accept eagain", "client fault next connect eintr",
	};
	char text[CMD_LINE_MAX + 64];
	bool verb[V_COUNT_] = { false }, wop[W_STATUS + 1] = { false }, ex[EX_WIRE_HELD + 1] = { false };
	bool how[3] = { false }, conv[2] = { false }, nohtons = false, opt[2] = { false }, fd = false;

	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		round_trip(lines[i]);
		verb[c.verb] = true;
		if (c.verb == V_WIRE)
			wop[c.wop] = true;
		if (c.verb == V_EXPECT)
			ex[c.ex.what] = true;
		if (c.verb == V_SHUTDOWN)
			how[c.how] = true;
		if (c.verb == V_SETSOCKOPT)
			opt[c.optval] = true;
		if (c.verb == V_BIND || c.verb == V_CONNECT || c.verb == V_SENDTO) {
			conv[c.conv] = true;
			nohtons |= c.nohtons;
		}
		fd |= c.t.fd >= 0;
	}
	/* Every form of the language is in the list: a new verb, wire operation
	 * or check needs its line here. */
	for (int v = 0; v < V_COUNT_; v++)
		if (!verb[v])
			fail_msg("no round-trip line for the verb \"%s\"", cmd_verb_name((enum verb)v));
	for (int w = 0; w <= W_STATUS; w++)
		if (!wop[w])
			fail_msg("no round-trip line for wire operation %d", w);
	for (int e = 0; e <= EX_WIRE_HELD; e++)
		if (!ex[e])
			fail_msg("no round-trip line for expect check %d", e);
	assert_true(how[SHUT_RD] && how[SHUT_WR] && how[SHUT_RDWR]);
	assert_true(conv[CONV_INET_ADDR] && conv[CONV_INET_PTON] && nohtons && opt[0] && opt[1] && fd);
	/* Canonical forms: defaults spelled out, one blank between words. */
	ok("server   listen");
	cmd_format(&c, text, sizeof text);
	assert_string_equal(text, "server listen 5");
	ok("srv#2 bind 200.0.0.2 80 inet_addr");
	cmd_format(&c, text, sizeof text);
	assert_string_equal(text, "server#2 bind 200.0.0.2 80");
	ok("wait 1.5s");
	cmd_format(&c, text, sizeof text);
	assert_string_equal(text, "wait 1500ms");
	ok("client send hola");
	cmd_format(&c, text, sizeof text);
	assert_string_equal(text, "client send \"hola\"");

	/* A short buffer is cut, never overrun, and stays a string. */
	char small[12];
	memset(small, 'Z', sizeof small);
	ok("client sendto 200.0.0.2 5000 \"a long payload\"");
	cmd_format(&c, small, 8);
	assert_int_equal(strlen(small), 7);
	assert_int_equal(small[8], 'Z');
}

/* ---- random lines of every form, for the round trip ---------------------- */

static unsigned rng = 2024;

static unsigned rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return ((rng >> 8) ^ (rng << 7)) % n;
}

struct buf {
	char s[CMD_LINE_MAX];
	size_t n;
};

__attribute__((format(printf, 2, 3)))
static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
	va_end(ap);
	assert_true(k >= 0 && (size_t)k < sizeof b->s - b->n);
	b->n += (size_t)k;
}

static void put_target(struct buf *b)
{
	static const char *const sides[] = { "server", "client", "srv", "cli" };
	put(b, "%s", sides[rnd(4)]);
	if (rnd(4) == 0)
		put(b, "%u", 2 + rnd(8));
	if (rnd(4) == 0)
		put(b, ".%u", 1 + rnd(9));
	if (rnd(3) == 0)
		put(b, "#%u", rnd(4) ? rnd(100) : rnd(65536));
}

static void put_ip(struct buf *b)
{
	put(b, " %u.%u.%u.%u", rnd(256), rnd(256), rnd(256), rnd(256));
}

static unsigned some_port(void)
{
	switch (rnd(4)) {
	case 0: return rnd(1024);
	case 1: return 65535 - rnd(4);
	default: return rnd(65536);
	}
}

/* Quoted text of any bytes (but \0 where nul is false): plain, escaped the
 * ways the lexer knows, or \xHH. */
static void put_text(struct buf *b, size_t max, bool nul)
{
	size_t n = rnd(4) == 0 ? 0 : rnd((unsigned)max + 1);
	put(b, " \"");
	for (size_t i = 0; i < n; i++) {
		unsigned ch = rnd(3) ? 0x20 + rnd(95) : nul ? rnd(256) : 1 + rnd(255);
		if (ch == '"' || ch == '\\')
			put(b, "\\%c", (char)ch);
		else if (ch == '\n' && rnd(2))
			put(b, "\\n");
		else if (ch == 0 && rnd(2))
			put(b, "\\0");
		else if (ch >= 0x20 && ch < 0x7f)
			put(b, "%c", (char)ch);
		else
			put(b, rnd(2) ? "\\x%02x" : "\\x%02X", ch);
	}
	put(b, "\"");
}

/* A bare word of printable text (no quote, no blank, no leading '#'). */
static void put_word(struct buf *b, const char *extra)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,+%@";
	size_t n = 1 + rnd(20);
	put(b, " ");
	for (size_t i = 0; i < n; i++)
		put(b, "%c", chars[rnd(sizeof chars - 1)]);
	put(b, "%s", extra);
}

static void put_duration(struct buf *b)
{
	switch (rnd(4)) {
	case 0: put(b, " %u", rnd(600001)); break;
	case 1: put(b, " %ums", rnd(600001)); break;
	case 2: put(b, " %us", rnd(601)); break;
	default: put(b, " %u.%us", rnd(600), rnd(10)); break;
	}
}

static void put_opts(struct buf *b)
{
	switch (rnd(6)) {
	case 0: put(b, " inet_pton"); break;
	case 1: put(b, " inet_addr"); break;
	case 2: put(b, " nohtons"); break;
	case 3: put(b, " nohtons inet_pton"); break;
	case 4: put(b, " inet_addr nohtons"); break;
	default: break;
	}
}

static void put_port_pattern(struct buf *b, bool remote)
{
	unsigned lo;

	switch (rnd(remote ? 3 : 4)) {
	case 0:
		put(b, " *");
		break;
	case 1:
		put(b, " %s", remote ? "?" : "*");
		break;
	case 2:
		put(b, " %u", some_port());
		break;
	default: /* a range: local only */
		lo = some_port();
		put(b, " %u-%u", lo, lo + rnd(65536 - lo));
		break;
	}
}

/* One valid line of a random form, with random values. */
static void random_line(struct buf *b, int form)
{
	static const char *const states[] = { "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED",
					      "FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT", "CLOSING", "LAST_ACK",
					      "TIME_WAIT", "UNCONN", "CONNECTED", "ESTAB", "SYN-SENT" };
	static const char *const errs[] = { "ECONNREFUSED", "EAGAIN", "EADDRINUSE", "EINVAL", "ETIMEDOUT" };
	static const char *const wires[] = { "pass", "hold", "step", "drop", "status" };

	b->n = 0;
	b->s[0] = '\0';
	if (form <= 10) /* SIDE verb ... */
		put_target(b);
	switch (form) {
	case 0: {
		static const char *const kinds[] = { "tcp", "udp", "unix", "unix-dgram", "inet6", "inet6-udp",
						     "raw", "seqpacket", "unix-seqpacket", "rdm", "packet", "netlink" };
		put(b, " socket %s", rnd(3) ? kinds[rnd(2)] : kinds[rnd(12)]);
		break;
	}
	case 1:
		put(b, rnd(2) ? " bind" : " connect");
		if (rnd(4) == 0) { /* one of inet_addr's own forms */
			static const char *const forms[] = { "1.2.3", "010.0.0.1", "0x7f.1", "16909060", "0xFFFFFFFF",
							     "1.2.65535", "0377.0.0.01", "255.255.255.255" };
			put(b, " %s %u inet_addr%s", forms[rnd(8)], some_port(), rnd(2) ? " nohtons" : "");
			break;
		}
		put_ip(b);
		put(b, " %u", some_port());
		put_opts(b);
		break;
	case 2:
		put(b, " listen");
		if (rnd(2))
			put(b, " %u", rnd(4097));
		break;
	case 3: {
		static const char *const bare[] = { " accept", " close", " interrupt", " fork" };
		if (rnd(5) == 0)
			put(b, " nonblock %s", rnd(2) ? "on" : "off");
		else
			put(b, "%s", bare[rnd(4)]);
		break;
	}
	case 4:
		put(b, " send");
		if (rnd(4))
			put_text(b, 60, true);
		else
			put_word(b, "");
		break;
	case 5:
		put(b, rnd(2) ? " recv" : " recvfrom");
		if (rnd(2))
			put(b, " %u", 1 + rnd(65536));
		break;
	case 6:
		put(b, " sendto");
		put_ip(b);
		put(b, " %u", some_port());
		put_text(b, 60, true);
		put_opts(b);
		break;
	case 7:
		put(b, " shutdown %s", rnd(3) == 0 ? "rd" : rnd(2) ? "wr" : "both");
		break;
	case 8:
		put(b, " setsockopt reuseaddr %s", rnd(2) ? "on" : "off");
		break;
	case 9:
		put(b, " flood %u udp", 1 + rnd(10000000));
		put_ip(b);
		put(b, " %u", some_port());
		break;
	case 10:
		put(b, " sysctl net.%s.x_%u", rnd(2) ? "ipv4" : "core", rnd(1000));
		break;
	case 11:
		put(b, "wire %s", wires[rnd(5)]);
		break;
	case 12:
		put(b, "wire delay");
		put_duration(b);
		break;
	case 13:
		put(b, "wire save");
		if (rnd(2))
			put_word(b, ".pcap");
		else
			put(b, " \"%s dir/#%u capture.pcap\"", rnd(2) ? "/tmp/my" : "ño", rnd(100));
		break;
	case 14:
		put(b, "say");
		put_text(b, 200, true);
		break;
	case 15:
		put(b, "%s", rnd(2) ? "inet_addr" : "inet_pton");
		if (rnd(2))
			put_word(b, "");
		else
			put_text(b, 30, false);
		break;
	case 16:
		put(b, rnd(2) ? "htons %u" : "ntohs %u", rnd(65536));
		break;
	case 17:
		put(b, rnd(2) ? "%s %u" : "%s 0x%X", rnd(2) ? "htonl" : "ntohl", rnd(0xFFFFFFFFu) + rnd(2));
		break;
	case 18:
		put(b, "wait");
		put_duration(b);
		break;
	case 19:
		put(b, "expect ");
		put_target(b);
		put(b, " state %s", states[rnd(15)]);
		break;
	case 20:
		put(b, "expect ");
		put_target(b);
		if (rnd(2))
			put(b, " result %s", errs[rnd(5)]);
		else
			put(b, " result %d", (int)rnd(70000) - 1);
		break;
	case 21:
		put(b, "expect ");
		put_target(b);
		put(b, " local");
		if (rnd(3))
			put_ip(b);
		else
			put(b, " *");
		put_port_pattern(b, false);
		break;
	case 22:
		put(b, "expect ");
		put_target(b);
		put(b, " remote");
		if (rnd(3))
			put_ip(b);
		else
			put(b, rnd(2) ? " *" : " ?");
		put_port_pattern(b, true);
		break;
	case 23:
		put(b, "expect ");
		put_target(b);
		put(b, " data");
		put_text(b, 60, true);
		break;
	case 24:
		put(b, "expect ");
		put_target(b);
		put(b, " blocked %s", rnd(2) ? "yes" : "no");
		break;
	case 25: {
		unsigned n = 1 + rnd(16);
		put(b, "expect sockaddr \"");
		for (unsigned i = 0; i < n; i++)
			put(b, rnd(2) ? "%s%02x" : "%s%02X", i ? " " : "", rnd(256));
		put(b, "\"");
		break;
	}
	case 26:
		put(b, "expect wire saw");
		put_text(b, 40, true);
		break;
	case 27: {
		static const char *const sets[] = { "", " rd", " wr", " rdwr" };
		unsigned n = rnd(13);
		put_target(b);
		put(b, " select%s", sets[rnd(4)]);
		for (unsigned i = 0; i < n; i++)
			put(b, " %u", rnd(4) ? rnd(10) : rnd(1024));
		break;
	}
	default:
		put(b, "expect wire held %u", rnd(3) ? rnd(10) : rnd(100000));
		break;
	}
	if (rnd(8) == 0)
		put(b, "   # a comment");
}
#define FORMS 29

/* Thousands of random lines of every form: what parses prints back to the
 * same command, field by field, and the printed text is stable. */
static void test_round_trip_random(void **state)
{
	static struct buf b;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		random_line(&b, round % FORMS);
		round_trip(b.s);
	}
}

/* At least thirty mistakes, each with the phrase a user needs to fix it. */
static void test_bad_inputs(void **state)
{
	static char line[6000];

	(void)state;
	/* Words the parser does not know. */
	bad("foo", "unknown command \"foo\": expected one of server, client, wire");
	bad("sever socket tcp", "did you mean \"server\"?");
	bad("server bnd 1.2.3.4 80", "unknown server command \"bnd\": expected socket, bind");
	bad("server bnd 1.2.3.4 80", "did you mean \"bind\"?");
	bad("SERVER socket tcp", "did you mean \"server\"?");
	bad("server", "\"server\" needs a command: expected socket, bind");
	bad("client#3", "needs a command");
	bad("bind 1.2.3.4 80", "\"bind\" needs a side first: expected server or client");
	bad("accept", "needs a side first");

	/* Missing and extra arguments. */
	bad("server bind", "\"server bind\" needs an address and a port, e.g. server bind 200.0.0.2 80");
	bad("server bind 1.2.3.4", "needs an address and a port");
	bad("server socket", "\"server socket\" needs a protocol");
	bad("client sendto 1.2.3.4 80", "needs an address, a port and the text");
	bad("server accept now", "\"server accept\" takes no arguments; unexpected \"now\"");
	bad("server accept on 200.0.0.2", "takes no arguments");
	bad("server close 3", "takes no arguments; unexpected \"3\"");
	bad("server listen 5 6", "takes at most 1 argument; unexpected \"6\"");
	bad("server socket tcp udp", "unexpected \"udp\"");
	bad("client send hola amigo", "unexpected \"amigo\"");
	bad("server bind 1.2.3.4 80 inet_pton nohtons extra", "unexpected \"extra\"");
	bad("server bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", "takes at most 4 arguments");

	/* Addresses: strict dotted quads. */
	bad("server bind 300.1.2.3 80", "bad address \"300.1.2.3\": 300 is more than 255");
	bad("server bind 300.1.2.3 80", "expected four numbers 0-255 separated by dots, e.g. 200.0.0.2");
	bad("server bind 1.2.3 80", "bad address \"1.2.3\": expected four numbers 0-255");
	bad("server bind 1.2.3.4.5 80", "bad address \"1.2.3.4.5\"");
	bad("server bind 01.2.3.4 80", "\"01\" has a leading zero, which inet_addr reads as octal");
	bad("server bind \"\" 80", "bad address \"\": expected four numbers");
	bad("server bind 1..2.3 80", "bad address \"1..2.3\"");
	bad("server bind 1.2.3. 80", "bad address \"1.2.3.\"");
	bad("server bind .1.2.3 80", "bad address");
	bad("server bind +1.2.3.4 80", "bad address");
	bad("server bind 0x7f.0.0.1 80", "bad address");
	bad("server bind localhost 80", "bad address \"localhost\"");
	bad("client connect 1.2.3.4\\0 80", "bad address");
	bad("expect client remote 1.2.3 80", "bad address \"1.2.3\"");

	/* Ports. */
	bad("server bind 1.2.3.4 -1", "bad port \"-1\": expected a number from 0 to 65535");
	bad("server bind 1.2.3.4 65536", "bad port \"65536\": expected a number from 0 to 65535");
	bad("server bind 1.2.3.4 abc", "bad port \"abc\": expected a number from 0 to 65535");
	bad("server bind 1.2.3.4 80x", "bad port \"80x\": expected a number from 0 to 65535");
	bad("server bind 1.2.3.4 \"\"", "bad port \"\": expected a number from 0 to 65535");
	bad("server bind 1.2.3.4 99999999999999999999999", "expected a number from 0 to 65535");
	bad("expect server local * 70000", "bad port \"70000\"");
	bad("expect server local ? 80", "bad address \"?\""); /* '?' is only for remote */

	/* Descriptors. */
	bad("server#x close", "bad descriptor in \"server#x\": expected a number from 0 to 65535 after '#'");
	bad("server#99999 close", "expected a number from 0 to 65535 after '#', e.g. server#4");
	bad("server# close", "bad descriptor");
	bad("server#-1 close", "bad descriptor");

	/* Options and values. */
	bad("server socket sctp", "bad protocol \"sctp\": expected tcp or udp");
	bad("server socket tpc", "did you mean \"tcp\"?");
	bad("server bind 1.2.3.4 80 pton", "unknown option \"pton\" for \"server bind\": expected inet_addr, inet_pton or nohtons");
	bad("server bind 1.2.3.4 80 inet_addr inet_pton", "both given");
	bad("server bind 1.2.3.4 80 nohtons nohtons", "given twice");
	bad("client shutdown write", "bad shutdown direction \"write\": expected rd, wr or both");
	bad("server setsockopt reuseport on", "unknown socket option \"reuseport\": expected reuseaddr");
	bad("server setsockopt reuseaddr yes", "expected on or off");
	bad("client flood 0 udp 1.2.3.4 80", "bad datagram count \"0\": expected a number from 1 to 10000000");
	bad("client flood 10000001 udp 1.2.3.4 80", "expected a number from 1 to 10000000");
	bad("client flood 10 tcp 1.2.3.4 80", "expected udp");
	bad("server listen -1", "bad backlog \"-1\": expected a number from 0 to 4096");
	bad("server listen 4097", "expected a number from 0 to 4096");
	bad("server recv 0", "bad byte count \"0\": expected a number from 1 to 65536");
	bad("server recvfrom 65537", "expected a number from 1 to 65536");
	bad("htons 65536", "expected a number from 0 to 65535");
	bad("htonl 4294967296", "expected a number from 0 to 4294967295");
	bad("htons -1", "bad number \"-1\"");
	bad("htons", "\"htons\" needs a number");
	bad("inet_addr", "\"inet_addr\" needs the text to convert");
	bad("inet_pton 1.2.3.4 5.6.7.8", "unexpected \"5.6.7.8\"");
	bad("inet_addr \"1.2\\0.3\"", "contains \\0");

	/* Durations. */
	bad("wait 5 minutes", "unexpected \"minutes\"");
	bad("wait soon", "bad duration \"soon\": expected milliseconds or seconds from 0 to 600000 ms");
	bad("wire delay 1h", "bad duration \"1h\"");
	bad("wire delay -5ms", "bad duration");
	bad("wire delay 601s", "bad duration");
	bad("wait", "\"wait\" needs a duration");

	/* wire. */
	bad("wire", "\"wire\" needs an operation: expected pass, hold, step, drop, delay, save or status");
	bad("wire jam", "unknown wire operation \"jam\": expected pass, hold");
	bad("wire hodl", "did you mean \"hold\"?");
	bad("wire hold now", "unknown word \"now\" after \"wire hold\": expected next, e.g. wire hold next SYN");
	bad("wire delay", "\"wire delay\" needs a duration");
	bad("wire save", "\"wire save\" needs a file name");
	bad("wire save a b", "unexpected \"b\"");
	bad("wire drop next", "\"wire drop next\" needs a kind of frame: expected SYN, SYN-ACK, ACK, FIN, RST, data or udp");
	bad("wire hold next SIN", "unknown kind of frame \"SIN\" in \"wire hold next\": expected SYN, SYN-ACK, ACK, "
				  "FIN, RST, data or udp; did you mean \"SYN\"?");
	bad("wire drop SYN", "unknown word \"SYN\" after \"wire drop\": expected next, e.g. wire drop next SYN");
	bad("wire hold next SYN ACK", "\"wire hold next\" takes one kind of frame; unexpected \"ACK\"");
	bad("wire step next SYN", "\"wire step\" takes no arguments; unexpected \"next\"");

	/* say. */
	bad("say", "\"say\" needs the text to show");

	/* expect. */
	bad("expect", "\"expect\" needs what to check: expected server, client, sockaddr or wire");
	bad("expect moon", "unknown check \"moon\" after \"expect\": expected server, client, sockaddr or wire");
	bad("expect client", "\"expect client\" needs what to check: expected state, result");
	bad("expect client color blue", "unknown check \"color\" in \"expect client\"");
	bad("expect client stat LISTEN", "did you mean \"state\"?");
	bad("expect client state", "\"expect client state\" needs a state name");
	bad("expect client state established now", "unexpected \"now\"");
	bad("expect client state \"NOT A STATE\"", "bad state");
	bad("expect client state established", "did you mean \"ESTABLISHED\"?");
	bad("expect client result maybe", "bad result \"maybe\": expected a return value or an errno name");
	bad("expect client result E", "bad result");
	bad("expect client result Econnrefused", "bad result");
	bad("expect client result 1.5", "bad result");
	bad("expect client result --1", "bad result");
	bad("expect client local 1.2.3.4", "needs an address and a port");
	bad("expect client blocked maybe", "bad value \"maybe\" for blocked: expected yes or no");
	bad("expect sockaddr \"02 0\"", "bad sockaddr bytes \"02 0\": expected 1 to 16 two-digit hex bytes");
	bad("expect sockaddr \"0200\"", "bad sockaddr bytes");
	bad("expect sockaddr \"zz\"", "bad sockaddr bytes");
	bad("expect sockaddr \"\"", "bad sockaddr bytes");
	bad("expect sockaddr \"00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\"", "1 to 16");
	bad("expect wire", "\"expect wire\" needs what to check: expected saw or held");
	bad("expect wire seen SYN", "unknown check \"seen\" in \"expect wire\": expected saw or held");
	bad("expect wire held lots", "bad frame count \"lots\"");

	/* The line itself. */
	bad("client send \"hola", "unterminated quote starting at column 13: expected a closing \"");
	bad("say \"abc\\", "unterminated quote");
	bad("client send \"bad \\q escape\"", "bad escape \"\\q\" at column 18: expected \\n, \\t, \\r");
	bad("client send \"\\x4\"", "bad escape");
	bad("client send \"\\xZZ\"", "bad escape");
	bad("client send \"a\"b", "expected a blank after the closing quote at column 16");
	bad("client send ab\"c\"", "unexpected quote at column 15 inside the word \"ab\"");
	bad("server\x01 close", "line contains a binary byte 0x01 at column 7; expected text");
	bad("server close\x7f", "binary byte 0x7F at column 13");
	bad("server close\r", "binary byte 0x0D");
	bad("server close\n\n", "binary byte 0x0A");
	memset(line, 'a', 5000);
	line[5000] = '\0';
	bad(line, "line is 5000 bytes; at most 4096 expected");
	memset(line, ' ', CMD_LINE_MAX + 1);
	line[CMD_LINE_MAX + 1] = '\0';
	bad(line, "line is 4097 bytes");
	strcpy(line, "client send \"");
	memset(line + 13, 'x', CMD_DATA_MAX + 1);
	strcpy(line + 14 + CMD_DATA_MAX, "\"");
	bad(line, "\"client send\" text is 2049 bytes; at most 2048 expected");
	strcpy(line, "say ");
	memset(line + 4, 'w', 3000);
	line[3004] = '\0';
	bad(line, "text is 3000 bytes");
}

/* The messages themselves: bounded, one line, readable with hostile tokens. */
static void test_error_messages(void **state)
{
	static char line[CMD_LINE_MAX + 1];
	char tiny[16];

	(void)state;
	/* predict: a field it can answer, and the question in quotes. */
	bad("predict client colour \"?\"", "bad prediction \"colour\"");
	bad("predict state \"Which?\"", "expected a side and state");
	bad("predict client state Which", "needs the question in quotes");
	bad("predict client state", "needs the question in quotes");
	/* A huge token is shown cut short, not at the cost of the explanation. */
	strcpy(line, "server bind ");
	memset(line + 12, '9', 3000);
	strcpy(line + 3012, " 80");
	bad(line, "expected four numbers");
	assert_true(strlen(err) < CMD_ERR_MAX - 1);
	assert_non_null(strstr(err, "..."));

	/* Escaped newlines in a token do not break the one-line rule. */
	bad("server socket \"t\\ncp\"", "bad protocol \"t\\x0Acp\"");

	/* A small buffer is never overrun and stays a string. */
	memset(tiny, 'Z', sizeof tiny);
	assert_int_equal(cmd_parse("foo", &c, tiny, 8), -EINVAL);
	assert_int_equal(strlen(tiny), 7);
	assert_int_equal(tiny[8], 'Z');
	assert_int_equal(cmd_parse("foo", &c, NULL, 0), -EINVAL);
	assert_int_equal(cmd_parse("server close", &c, NULL, 0), 1);
	assert_int_equal(cmd_parse(NULL, &c, err, sizeof err), -EINVAL);
	assert_int_equal(cmd_parse("server close", NULL, err, sizeof err), -EINVAL);

	/* No suggestion when nothing is close. */
	bad("xyzzy", "unknown command");
	assert_null(strstr(err, "did you mean"));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(cmd_verb_name(V_SOCKET), "socket");
	assert_string_equal(cmd_verb_name(V_SETSOCKOPT), "setsockopt");
	assert_string_equal(cmd_verb_name(V_INET_PTON), "inet_pton");
	assert_string_equal(cmd_verb_name(V_WAIT), "wait");
	for (int v = 0; v < V_COUNT_; v++)
		assert_true(strlen(cmd_verb_name((enum verb)v)) > 2);
	assert_string_equal(cmd_verb_name(V_COUNT_), "?");
	assert_string_equal(side_name(SIDE_SERVER), "server");
	assert_string_equal(side_name(SIDE_CLIENT), "client");
	assert_string_equal(side_name(SIDE_NONE), "");
	assert_string_equal(proto_name(PROTO_TCP), "TCP");
	assert_string_equal(proto_name(PROTO_UDP), "UDP");
	assert_string_equal(proto_name(PROTO_NONE), "");
}

/* Completion returns exactly these words, in this order. */
static void completes(const char *prefix, const char *want)
{
	const char *w[32];
	char got[512] = "";
	int n = cmd_complete(prefix, w, 32);

	for (int i = 0; i < n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, w[i]);
	}
	if (strcmp(got, want) != 0)
		fail_msg("complete \"%s\": got \"%s\", want \"%s\"", prefix, got, want);
}

static void test_complete(void **state)
{
	const char *w[4];

	(void)state;
	completes("", "server client wire say expect predict inet_addr inet_pton htons htonl ntohs ntohl wait save save!");
	completes("n", "ntohs ntohl");
	completes("s", "server say save save!");
	completes("save! ", "lesson");
	completes("inet_", "inet_addr inet_pton");
	completes("server ", "socket bind listen accept connect send recv sendto recvfrom shutdown close setsockopt "
		  "flood sysctl interrupt nonblock select fork families journey sender getsockname getpeername "
		  "run next continue detach kill input fault");
	completes("client fault ", "next");
	completes("client fault next ", "recv recvfrom send sendto connect accept");
	completes("client fault next recv e", "eintr eagain econnreset");
	completes("client run ", "");
	completes("server b", "bind");
	completes("server s", "socket send sendto shutdown setsockopt sysctl select sender");
	completes("client2 f", "flood fork families fault");
	completes("server.1#4 i", "interrupt input");
	completes("client nonblock ", "on off");
	completes("server select ", "rd wr rdwr");
	completes("expect client2.1 ", "state result local remote data blocked");
	completes("client0 ", "");
	completes("server#4 re", "recv recvfrom");
	completes("  cli   c", "connect close continue");
	completes("server socket ", "tcp udp unix unix-dgram inet6 inet6-udp raw seqpacket unix-seqpacket rdm packet netlink");
	completes("server socket u", "udp unix unix-dgram unix-seqpacket");
	completes("server bind 1.2.3.4 80 ", "inet_addr inet_pton nohtons");
	completes("client shutdown ", "rd wr both");
	completes("server setsockopt ", "reuseaddr");
	completes("server setsockopt reuseaddr o", "on off");
	completes("client flood 10 ", "udp");
	completes("wire ", "pass hold step drop delay save status");
	completes("wire d", "drop delay");
	completes("expect ", "server client sockaddr wire");
	completes("expect client ", "state result local remote data blocked");
	completes("expect client state EST", "ESTABLISHED");
	completes("expect server blocked ", "yes no");
	completes("expect wire ", "saw held");
	completes("expect wire saw ", "");
	completes("expect sockaddr ", "");
	/* predict reads the same check table as expect, in the lecture's order. */
	completes("predict ", "server client result");
	completes("predict client2 ", "state local remote result data");
	completes("predict client state ", "");
	completes("predict result ", ""); /* the question follows, no check word */
	completes("predict wire ", "");
	completes("server bogus ", "");
	completes("foo ", "");
	completes("server close ", "");
	completes("server socket tcp ", "");
	completes("zzz", "");
	/* Bounded by max, and harmless with nothing to fill. */
	assert_int_equal(cmd_complete("", w, 4), 4);
	assert_string_equal(w[3], "say");
	assert_int_equal(cmd_complete("", w, 0), 0);
	assert_int_equal(cmd_complete(NULL, w, 4), 0);
}

/* Every prefix of every valid line, and junk: an answer, never a crash. */
static void test_no_crash(void **state)
{
	static const char *const lines[] = {
		"client sendto 200.0.0.2 5000 \"h\\x41\\\"la\" inet_pton nohtons",
		"expect sockaddr \"02 00 03 E8 7F 00 00 01\"", "server#4 setsockopt reuseaddr on",
		"expect client remote 200.0.0.2 80", "say \"unterminated \\", "wire save \"x y\"",
	};
	char buf[256];
	unsigned seed = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		size_t n = strlen(lines[i]);
		for (size_t k = 0; k <= n; k++) {
			memcpy(buf, lines[i], k);
			buf[k] = '\0';
			int r = cmd_parse(buf, &c, err, sizeof err);
			assert_true(r == 0 || r == 1 || r == -EINVAL);
			assert_null(strchr(err, '\n'));
		}
	}
	for (int round = 0; round < 20000; round++) {
		static const char alphabet[] = "server client wire expect say 0123456789.#\"\\x *?abcnrt\t";
		size_t n = (seed = seed * 1103515245u + 12345u) >> 16 & 63;
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		buf[n] = '\0';
		int r = cmd_parse(buf, &c, err, sizeof err);
		assert_true(r == 0 || r == 1 || r == -EINVAL);
		if (r == 1) /* whatever parses must print back to itself */
			round_trip(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_socket_bind_listen_accept),
		cmocka_unit_test(test_inet_addr_forms),
		cmocka_unit_test(test_connect_send_recv),
		cmocka_unit_test(test_udp_forms),
		cmocka_unit_test(test_shutdown_setsockopt),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_programs),
		cmocka_unit_test(test_program_verbs),
		cmocka_unit_test(test_traced),
		cmocka_unit_test(test_socket_kinds),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_say_conversions_wait),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_sysctl_and_port_range),
		cmocka_unit_test(test_lexing),
		cmocka_unit_test(test_parse_ms),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_random),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_no_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
