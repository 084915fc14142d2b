/* cmd_verbs.c - the verb table: one row per verb (its word, flags, syntax
 * lines for help, argument count, the words for errors and Tab, and its
 * argument parser), and those parsers. The parser (cmd_parse.c), the error
 * word lists, Tab completion, help (help.c), --help and cmd_acts() all read
 * this table, so none of them can forget a verb; tests/test_grammar.c checks
 * the man page against it. A new verb is a row here (and its enum verb);
 * expect's and predict's words are their own table (cmd_expect.c). Pure. */
#include "cmd_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* ---- side commands: SIDE verb ARGS ------------------------------------- */

/* Words of arguments, for Tab completion (the verb table names them). */
static const char *const sel_words[] = { "rd", "wr", "rdwr", NULL };
static const char *const how_words[] = { "rd", "wr", "both", NULL };
static const char *const opt_words[] = { "reuseaddr", NULL };
static const char *const onoff_words[] = { "on", "off", NULL };
static const char *const udp_words[] = { "udp", NULL };
static const char *const next_words[] = { "next", NULL };

/* The lecture's table of families and types (socket(2)): the words a
 * student types, the call sockstep makes, and what each is for. */
static const struct sock_kind sock_kinds[] = {
	{ "tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP, "PF_INET", "SOCK_STREAM", "IPPROTO_TCP", PROTO_TCP,
	  "IPv4 (ip(7)), connection-oriented byte stream: TCP" },
	{ "udp", AF_INET, SOCK_DGRAM, IPPROTO_UDP, "PF_INET", "SOCK_DGRAM", "IPPROTO_UDP", PROTO_UDP,
	  "IPv4 (ip(7)), datagrams: UDP" },
	{ "unix", AF_UNIX, SOCK_STREAM, 0, "PF_UNIX", "SOCK_STREAM", "0", PROTO_NONE,
	  "AF_UNIX (unix(7)): local communication between processes of one host, named by a file" },
	{ "unix-dgram", AF_UNIX, SOCK_DGRAM, 0, "PF_UNIX", "SOCK_DGRAM", "0", PROTO_NONE,
	  "AF_UNIX (unix(7)) datagrams: local messages, reliable and in order within one host" },
	{ "inet6", AF_INET6, SOCK_STREAM, IPPROTO_TCP, "PF_INET6", "SOCK_STREAM", "IPPROTO_TCP", PROTO_NONE,
	  "AF_INET6 (ipv6(7)): TCP over IPv6 (the lab runs IPv4 only)" },
	{ "inet6-udp", AF_INET6, SOCK_DGRAM, IPPROTO_UDP, "PF_INET6", "SOCK_DGRAM", "IPPROTO_UDP", PROTO_NONE,
	  "AF_INET6 (ipv6(7)): UDP over IPv6 (the lab runs IPv4 only)" },
	{ "raw", AF_INET, SOCK_RAW, IPPROTO_ICMP, "PF_INET", "SOCK_RAW", "IPPROTO_ICMP", PROTO_NONE,
	  "SOCK_RAW (raw(7)): raw network protocol access, here ICMP, as ping uses" },
	{ "seqpacket", AF_INET, SOCK_SEQPACKET, 0, "PF_INET", "SOCK_SEQPACKET", "0", PROTO_NONE,
	  "SOCK_SEQPACKET: sequenced, reliable, connection-based datagrams (SCTP in PF_INET)" },
	{ "unix-seqpacket", AF_UNIX, SOCK_SEQPACKET, 0, "PF_UNIX", "SOCK_SEQPACKET", "0", PROTO_NONE,
	  "SOCK_SEQPACKET in AF_UNIX: reliable, ordered messages between local processes" },
	{ "rdm", AF_INET, SOCK_RDM, 0, "PF_INET", "SOCK_RDM", "0", PROTO_NONE,
	  "SOCK_RDM: reliable datagrams without ordering (no PF_INET protocol provides it)" },
	{ "packet", AF_PACKET, SOCK_RAW, 0, "PF_PACKET", "SOCK_RAW", "0", PROTO_NONE,
	  "AF_PACKET (packet(7)): whole frames at the device level, as tcpdump reads them" },
	{ "netlink", AF_NETLINK, SOCK_RAW, 0, "PF_NETLINK", "SOCK_RAW", "NETLINK_ROUTE", PROTO_NONE,
	  "AF_NETLINK (netlink(7)): talking to the kernel itself, as ip(8) does" },
};
#define N_SOCK_KINDS (sizeof sock_kinds / sizeof sock_kinds[0])

static const char *const sock_words[] = {
	"tcp", "udp", "unix", "unix-dgram", "inet6", "inet6-udp", "raw", "seqpacket", "unix-seqpacket",
	"rdm", "packet", "netlink", NULL,
};

static int p_socket(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	int k = cmd_lookup(&a[0], sock_words);

	(void)n;
	if (k < 0)
		return cmd_fail(x, "bad protocol \"%s\": expected tcp or udp (or one of the lecture's other kinds: "
				"unix, inet6, raw, seqpacket, ...), e.g. %s socket tcp%s",
				cmd_show(&a[0]).s, x->side, cmd_suggest(&a[0], sock_words).s);
	c->kind = &sock_kinds[k];
	c->proto = sock_kinds[k].proto;
	return 0;
}

static int p_onoff(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const char *const onoff[] = { "off", "on", NULL };
	int k = cmd_lookup(&a[0], onoff);

	(void)n;
	if (k < 0)
		return cmd_fail(x, "bad value \"%s\" for \"%s\": expected on or off, e.g. %s nonblock on",
				cmd_show(&a[0]).s, x->who, x->side);
	c->optval = k;
	return 0;
}

/* select [rd|wr|rdwr] [FD ...] ('#' would start a comment) */
static int p_select(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long fd;
		if (i == 0 && (cmd_tok_is(&a[i], "rd") || cmd_tok_is(&a[i], "wr") || cmd_tok_is(&a[i], "rdwr"))) {
			c->sel_rd = !cmd_tok_is(&a[i], "wr");
			c->sel_wr = !cmd_tok_is(&a[i], "rd");
			continue;
		}
		if (!parse_dec(a[i].s, a[i].len, 1023, &fd))
			return cmd_fail(x, "bad word \"%s\" in \"%s\": expected rd, wr or rdwr first, then descriptor "
					"numbers 0-1023, e.g. %s select rd 3 4", cmd_show(&a[i]).s, x->who, x->side);
		if (c->sel_n >= CMD_SEL_MAX)
			return cmd_fail(x, "\"%s\" names more than %d descriptors", x->who, CMD_SEL_MAX);
		c->sel_fd[c->sel_n++] = (int)fd;
	}
	if (!c->sel_rd && !c->sel_wr)
		c->sel_rd = true;
	return 0;
}

/* bind/connect/sendto: inet_addr's own forms only when it is named among
 * the options; inet_pton reads dotted quads only, so no hint goes with it. */
static enum ip_mode addr_mode(const struct cmd_tok *opts, size_t n)
{
	enum ip_mode m = IP_HINT;

	for (size_t i = 0; i < n; i++) {
		if (cmd_tok_is(&opts[i], "inet_addr"))
			return IP_INET_ADDR;
		if (cmd_tok_is(&opts[i], "inet_pton"))
			m = IP_STRICT;
	}
	return m;
}

static int p_addr(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	int r = want_ip_port(x, c, &a[0], &a[1], addr_mode(a + 2, n - 2));

	return r < 0 ? r : parse_conv(x, c, a + 2, n - 2);
}

static int p_listen(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long v;

	if (n == 0)
		return 0;
	if (want_number(x, &a[0], "backlog", 0, 4096, &v) < 0)
		return -EINVAL;
	c->backlog = (int)v;
	return 0;
}

static int p_send(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return want_data(x, c, a[0].s, a[0].len);
}

static int p_recv(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long v;

	if (n == 0)
		return 0;
	if (want_number(x, &a[0], "byte count", 1, 65536, &v) < 0)
		return -EINVAL;
	c->maxlen = v;
	return 0;
}

static int p_sendto(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	int r = want_ip_port(x, c, &a[0], &a[1], addr_mode(a + 3, n - 3));

	if (r == 0)
		r = want_data(x, c, a[2].s, a[2].len);
	return r < 0 ? r : parse_conv(x, c, a + 3, n - 3);
}

static int p_shutdown(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const char *const hows[] = { "rd", "wr", "both", NULL };
	static const int how_val[] = { SHUT_RD, SHUT_WR, SHUT_RDWR };
	int k = cmd_lookup(&a[0], hows);

	(void)n;
	if (k < 0)
		return cmd_fail(x, "bad shutdown direction \"%s\": expected rd, wr or both, e.g. %s shutdown wr%s",
				cmd_show(&a[0]).s, x->side, cmd_suggest(&a[0], hows).s);
	c->how = how_val[k];
	return 0;
}

static int p_setsockopt(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const char *const opts[] = { "reuseaddr", NULL };
	static const char *const onoff[] = { "off", "on", NULL };
	int k;

	(void)n;
	if (cmd_lookup(&a[0], opts) < 0)
		return cmd_fail(x, "unknown socket option \"%s\": expected reuseaddr, e.g. %s setsockopt reuseaddr on%s",
				cmd_show(&a[0]).s, x->side, cmd_suggest(&a[0], opts).s);
	k = cmd_lookup(&a[1], onoff);
	if (k < 0)
		return cmd_fail(x, "bad value \"%s\" for reuseaddr: expected on or off", cmd_show(&a[1]).s);
	c->opt = OPT_REUSEADDR;
	c->optval = k;
	return 0;
}

static int p_flood(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long v;

	(void)n;
	if (want_number(x, &a[0], "datagram count", 1, 10000000, &v) < 0)
		return -EINVAL;
	c->count = v;
	if (!cmd_tok_is(&a[1], "udp"))
		return cmd_fail(x, "bad protocol \"%s\" for flood: expected udp, e.g. %s flood 1000 udp "
				EXAMPLE_IP " 5000", cmd_show(&a[1]).s, x->side);
	c->proto = PROTO_UDP;
	return want_ip_port(x, c, &a[2], &a[3], IP_STRICT);
}

/* A network setting of the side's host: "net." and then [a-z0-9_.] words,
 * so that it can only name a file under /proc/sys/net. */
static int p_sysctl(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *t = &a[0];
	bool ok = t->len > 4 && t->len < 128 && !strncmp(t->s, "net.", 4) && t->s[t->len - 1] != '.';
	for (size_t i = 0; ok && i < t->len; i++) {
		char ch = t->s[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		     (ch == '.' && t->s[i + 1] != '.');
	}
	(void)n;
	if (!ok)
		return cmd_fail(x, "bad setting \"%s\": expected a net.* name such as net.ipv4.ip_local_port_range",
				cmd_show(t).s);
	memcpy(c->path, t->s, t->len + 1);
	return 0;
}

/* ---- your own program, traced: run, next, continue, detach, kill, input, fault -- */

/* A traced program is a side's program, not one of its descriptors: "#FD"
 * names a socket, which these commands have none of. */
static int want_whole_prog(struct cmd_ctx *x, const struct cmd *c)
{
	if (c->t.fd >= 0)
		return cmd_fail(x, "\"%s\" acts on a program, not on one of its sockets: expected it without #%d, "
				"e.g. %s %s", x->who, c->t.fd, side_name(c->t.side), cmd_verb_name(c->verb));
	return 0;
}

/* next, continue, detach, kill: no arguments, a whole program. */
static int p_prog(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)a;
	(void)n;
	return want_whole_prog(x, c);
}

/* run PROGRAM [ARG...]: the words as typed (quotes keep blanks in one ARG),
 * the ARGs one after the other in data, each ended by its NUL. */
static int p_run(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	if (want_whole_prog(x, c) < 0)
		return -EINVAL;
	if (c->t.child)
		return cmd_fail(x, "\"%s\" starts a side's own program: expected %s or %s2-9 (a forked child such "
				"as .%d is made by fork()), e.g. %s run tcp_client1b", x->who, side_name(c->t.side),
				side_name(c->t.side), c->t.child, side_name(c->t.side));
	if (a[0].len == 0)
		return cmd_fail(x, "\"%s\" needs a program: expected a file name or a path, e.g. %s run tcp_client1b "
				EXAMPLE_IP " 80", x->who, side_name(c->t.side));
	if (n - 1 > CMD_RUN_ARGS)
		return cmd_fail(x, "\"%s\" gives %zu arguments to the program; at most %d expected", x->who, n - 1,
				CMD_RUN_ARGS);
	if (want_text(x, &a[0], c->path, sizeof c->path, "program") < 0)
		return -EINVAL;
	c->data_len = 0;
	for (size_t i = 1; i < n; i++) {
		if (memchr(a[i].s, '\0', a[i].len))
			return cmd_fail(x, "argument %zu \"%s\" contains \\0: a C string ends there; expected plain text",
					i, cmd_show(&a[i]).s);
		if (a[i].len + 1 > CMD_DATA_MAX - c->data_len)
			return cmd_fail(x, "the arguments of \"%s\" are over %d bytes; at most %d expected", x->who,
					CMD_DATA_MAX, CMD_DATA_MAX);
		memcpy(c->data + c->data_len, a[i].s, a[i].len + 1);
		c->data_len += a[i].len + 1;
	}
	c->count = n - 1;
	return 0;
}

/* input "TEXT": the bytes as send takes them (C escapes, \n ends a line). */
static int p_input(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	if (want_whole_prog(x, c) < 0)
		return -EINVAL;
	return want_data(x, c, a[0].s, a[0].len);
}

/* The calls a fault may change, and which errno each can really get (the
 * lesson is the program's handling of it, so only errors the call can
 * return: connect() gets no EAGAIN on TCP, send() no short count here). */
static const char *const fault_call_words[] = { "recv", "recvfrom", "send", "sendto", "connect", "accept", NULL };
static const char *const fault_how_words[] = { "short", "eintr", "eagain", "econnreset", NULL };
static const enum verb fault_verbs[] = { V_RECV, V_RECVFROM, V_SEND, V_SENDTO, V_CONNECT, V_ACCEPT };
static const int fault_errs[] = { 0, EINTR, EAGAIN, ECONNRESET };
/* Bit k of fault_allowed[call]: fault_how_words[k] is allowed. */
static const unsigned fault_allowed[] = { 0xF, 0xF, 0xE, 0xE, 0x2, 0x6 };

static struct list fault_hows_of(int call, const char **buf)
{
	int k = 0;

	for (int i = 0; fault_how_words[i]; i++)
		if (fault_allowed[call] & (1u << i))
			buf[k++] = i == 0 ? "short N" : fault_how_words[i];
	buf[k] = NULL;
	return cmd_join(buf);
}

/* fault next CALL short N | fault next CALL eintr|eagain|econnreset */
static int p_fault(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const char *buf[6];
	unsigned long v;
	int call, how;

	if (want_whole_prog(x, c) < 0)
		return -EINVAL;
	if (!cmd_tok_is(&a[0], "next"))
		return cmd_fail(x, "unknown word \"%s\" after \"%s\": expected next, e.g. %s fault next recv short 1",
				cmd_show(&a[0]).s, x->who, side_name(c->t.side));
	if (n < 3)
		return cmd_fail(x, "\"%s next\" needs a call and a fault: expected %s, then %s, e.g. %s fault next "
				"recv short 1", x->who, cmd_join(fault_call_words).s, cmd_join(fault_how_words).s,
				side_name(c->t.side));
	call = cmd_lookup(&a[1], fault_call_words);
	if (call < 0)
		return cmd_fail(x, "unknown call \"%s\" in \"%s next\": expected %s%s", cmd_show(&a[1]).s, x->who,
				cmd_join(fault_call_words).s, cmd_suggest(&a[1], fault_call_words).s);
	how = cmd_lookup(&a[2], fault_how_words);
	if (how < 0 || !(fault_allowed[call] & (1u << how)))
		return cmd_fail(x, "%s fault \"%s\" for %s(): expected %s", how < 0 ? "unknown" : "no",
				cmd_show(&a[2]).s, fault_call_words[call], fault_hows_of(call, buf).s);
	if (how == 0 && n != 4)
		return cmd_fail(x, "\"%s next %s short\" needs one byte count: expected a number from 1 to 65535, "
				"e.g. %s fault next %s short 1", x->who, fault_call_words[call], side_name(c->t.side),
				fault_call_words[call]);
	if (how != 0 && n != 3)
		return cmd_fail(x, "\"%s next %s %s\" takes nothing more; unexpected \"%s\"", x->who,
				fault_call_words[call], fault_how_words[how], cmd_show(&a[3]).s);
	if (how == 0 && want_number(x, &a[3], "byte count", 1, 65535, &v) < 0)
		return -EINVAL;
	c->fault_call = fault_verbs[call];
	c->fault_err = fault_errs[how];
	c->count = how == 0 ? v : 0;
	return 0;
}

const char *cmd_fault_call_word(enum verb v)
{
	for (size_t i = 0; i < sizeof fault_verbs / sizeof fault_verbs[0]; i++)
		if (fault_verbs[i] == v)
			return fault_call_words[i];
	return "?";
}

/* ---- the other top-level commands -------------------------------------- */

const char *const wire_words[] = { "pass", "hold", "step", "drop", "delay", "save", "status", NULL };

/* "wire hold|drop next KIND": the kind, in any case ("syn" is SYN). */
static int want_frame(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const char *op = c->wop == W_HOLD ? "hold" : "drop";

	if (!cmd_tok_is(&a[0], "next"))
		return cmd_fail(x, "unknown word \"%s\" after \"wire %s\": expected next, e.g. wire %s next SYN",
				cmd_show(&a[0]).s, op, op);
	if (n < 2)
		return cmd_fail(x, "\"wire %s next\" needs a kind of frame: expected %s, e.g. wire %s next SYN",
				op, cmd_join(fault_frame_words).s, op);
	if (n > 2)
		return cmd_fail(x, "\"wire %s next\" takes one kind of frame; unexpected \"%s\"", op, cmd_show(&a[2]).s);
	for (int i = 0; fault_frame_words[i]; i++)
		if (a[1].len == strlen(fault_frame_words[i]) &&
		    !strncasecmp(a[1].s, fault_frame_words[i], a[1].len)) {
			c->frame = (enum fault_frame)(i + 1);
			return 0;
		}
	return cmd_fail(x, "unknown kind of frame \"%s\" in \"wire %s next\": expected %s%s", cmd_show(&a[1]).s, op,
			cmd_join(fault_frame_words).s, cmd_suggest(&a[1], fault_frame_words).s);
}

static int p_wire(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	static const int nargs[] = { 0, 0, 0, 0, 1, 1, 0 };
	int k;

	if (n == 0)
		return cmd_fail(x, "\"wire\" needs an operation: expected %s, e.g. wire hold", cmd_join(wire_words).s);
	k = cmd_lookup(&a[0], wire_words);
	if (k < 0)
		return cmd_fail(x, "unknown wire operation \"%s\": expected %s%s", cmd_show(&a[0]).s,
				cmd_join(wire_words).s, cmd_suggest(&a[0], wire_words).s);
	c->wop = (enum wire_op)k;
	c->frame = FAULT_NONE;
	set_who(x, a - 1, 2);
	/* hold and drop alone act now; with "next KIND" they arm the wire. */
	if ((c->wop == W_HOLD || c->wop == W_DROP) && n > 1)
		return want_frame(x, c, a + 1, n - 1);
	if (want_count(x, n - 1, a + 1, nargs[k], nargs[k],
		       k == W_DELAY ? "a duration" : "a file name",
		       k == W_DELAY ? "wire delay 300ms" : "wire save lesson.pcap") < 0)
		return -EINVAL;
	if (c->wop == W_DELAY)
		return want_ms(x, &a[1], &c->ms);
	if (c->wop == W_SAVE)
		return want_text(x, &a[1], c->path, sizeof c->path, "file name");
	return 0;
}

static const char *const save_words[] = { "lesson", NULL };

/* "save lesson FILE": what to save (only lessons so far), and where. */
static int p_save(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const char *verb = c->force ? "save!" : "save";

	if (cmd_lookup(&a[0], save_words) < 0)
		return cmd_fail(x, "unknown thing to save \"%s\": expected lesson, e.g. %s lesson demo.lesson%s",
				cmd_show(&a[0]).s, verb, cmd_suggest(&a[0], save_words).s);
	if (n < 2)
		return cmd_fail(x, "\"%s lesson\" needs a file name, e.g. %s lesson demo.lesson", verb, verb);
	return want_text(x, &a[1], c->path, sizeof c->path, "file name");
}

/* say "TEXT", or the rest of the line as typed (blanks inside kept). */
static int p_say(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const char *line = x->line;

	if (n == 1 && a[0].quoted)
		return want_data(x, c, a[0].s, a[0].len);
	return want_data(x, c, line + a[0].start, x->tk.last_end - a[0].start);
}

static int p_conv_text(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return want_text(x, &a[0], c->text, sizeof c->text, "text");
}

static int p_hton(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long max = c->verb == V_HTONS || c->verb == V_NTOHS ? 65535UL : 4294967295UL, v;

	(void)n;
	if (!parse_num(a[0].s, a[0].len, max, &v))
		return cmd_fail(x, "bad number \"%s\": expected a number from 0 to %lu (or 0x... in hex)",
				cmd_show(&a[0]).s, max);
	c->num = (uint32_t)v;
	return 0;
}

static int p_wait(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return want_ms(x, &a[0], &c->ms);
}

/* ---- the verb table ------------------------------------------------------ */

#define SIDE_ACTS (CMD_F_SIDE | CMD_F_ACTS)
#define CONV_WORDS conv_words, conv_words /* [inet_addr|inet_pton] [nohtons], in either order */

/* Every verb once, in the order help shows them: the programs' calls, then
 * the wire, narration, checks and conversions. A help line has at most 40
 * characters, so that syntax and help fit 80 columns (help.h). */
static const struct cmd_verb_info verbs[] = {
	{ "socket", V_SOCKET, SIDE_ACTS | CMD_F_ROW | CMD_F_CALL,
	  { { "SIDE socket tcp|udp|KIND", "socket(); KIND: unix, inet6, raw, ..." } },
	  1, 1, "a protocol, tcp or udp", "socket tcp", { sock_words }, p_socket },
	{ "bind", V_BIND, SIDE_ACTS | CMD_F_ROW | CMD_F_PANE | CMD_F_CALL,
	  { { "SIDE bind IP PORT [inet_addr|inet_pton] [nohtons]", "fill a sockaddr_in, then bind()" } },
	  2, 4, "an address and a port", "bind " EXAMPLE_IP " 80", { NULL, NULL, CONV_WORDS }, p_addr },
	{ "listen", V_LISTEN, SIDE_ACTS | CMD_F_ROW | CMD_F_CALL,
	  { { "SIDE listen [BACKLOG]", "listen(), backlog 5 unless given" } },
	  0, 1, "nothing or a backlog", "listen 5", { NULL }, p_listen },
	{ "accept", V_ACCEPT, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE accept", "accept(): blocks until a client connects" } },
	  0, 0, "no arguments", "accept", { NULL }, NULL },
	{ "connect", V_CONNECT, SIDE_ACTS | CMD_F_ROW | CMD_F_PANE | CMD_F_CALL,
	  { { "SIDE connect IP PORT [inet_addr|inet_pton] [nohtons]",
	      "TCP: the handshake; UDP: sets the peer" } },
	  2, 4, "an address and a port", "connect " EXAMPLE_IP " 80", { NULL, NULL, CONV_WORDS }, p_addr },
	{ "send", V_SEND, SIDE_ACTS | CMD_F_PANE | CMD_F_CALL,
	  { { "SIDE send \"TEXT\"", "send(); C escapes such as \\r\\n and \\xHH" } },
	  1, 1, "the text to send", "send \"hola\"", { NULL }, p_send },
	{ "recv", V_RECV, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE recv [MAX]", "recv() up to MAX bytes (default 1024)" } },
	  0, 1, "nothing or a byte count", "recv 1024", { NULL }, p_recv },
	{ "sendto", V_SENDTO, SIDE_ACTS | CMD_F_PANE | CMD_F_CALL,
	  { { "SIDE sendto IP PORT \"TEXT\" [inet_addr|inet_pton] [nohtons]", "sendto(): one datagram" } },
	  3, 5, "an address, a port and the text to send", "sendto " EXAMPLE_IP " 5000 \"hola\"",
	  { NULL, NULL, NULL, CONV_WORDS }, p_sendto },
	{ "recvfrom", V_RECVFROM, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE recvfrom [MAX]", "recvfrom(): one datagram and its sender" } },
	  0, 1, "nothing or a byte count", "recvfrom 1024", { NULL }, p_recv },
	{ "shutdown", V_SHUTDOWN, SIDE_ACTS | CMD_F_PANE | CMD_F_CALL,
	  { { "SIDE shutdown rd|wr|both", "shutdown(): wr sends a FIN" } },
	  1, 1, "a direction, rd, wr or both", "shutdown wr", { how_words }, p_shutdown },
	{ "close", V_CLOSE, SIDE_ACTS | CMD_F_ROW | CMD_F_PANE | CMD_F_CALL,
	  { { "SIDE close", "close(); the connection may outlive it" } },
	  0, 0, "no arguments", "close", { NULL }, NULL },
	{ "setsockopt", V_SETSOCKOPT, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE setsockopt reuseaddr on|off", "SO_REUSEADDR: bind a port in TIME_WAIT" } },
	  2, 2, "an option and on or off", "setsockopt reuseaddr on", { opt_words, onoff_words }, p_setsockopt },
	{ "flood", V_FLOOD, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE flood COUNT udp IP PORT", "COUNT datagrams, counted on the wire" } },
	  4, 4, "a count, udp, an address and a port", "flood 1000 udp " EXAMPLE_IP " 5000",
	  { NULL, udp_words }, p_flood },
	{ "sysctl", V_SYSCTL, CMD_F_SIDE,
	  { { "SIDE sysctl net.NAME", "a network setting of the side's host" } },
	  1, 1, "a setting name", "sysctl net.ipv4.ip_local_port_range", { NULL }, p_sysctl },
	{ "interrupt", V_INTERRUPT, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE interrupt", "a signal: the blocked call gets EINTR" } },
	  0, 0, "no arguments", "interrupt", { NULL }, NULL },
	{ "nonblock", V_NONBLOCK, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE nonblock on|off", "O_NONBLOCK: EAGAIN, EINPROGRESS" } },
	  1, 1, "on or off", "nonblock on", { onoff_words }, p_onoff },
	{ "select", V_SELECT, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE select [rd|wr|rdwr] [FD ...]", "select(): wait until a socket is ready" } },
	  0, 1 + CMD_SEL_MAX, "rd, wr or rdwr and descriptors", "select rd 3 4", { sel_words }, p_select },
	{ "fork", V_FORK, SIDE_ACTS | CMD_F_CALL,
	  { { "SIDE fork", "fork(): child server.1 gets the sockets" } },
	  0, 0, "no arguments", "fork", { NULL }, NULL },
	{ "families", V_FAMILIES, CMD_F_SIDE,
	  { { "SIDE families", "socket() of every family and type listed" } },
	  0, 0, "no arguments", "families", { NULL }, NULL },
	{ "journey", V_JOURNEY, CMD_F_SIDE,
	  { { "SIDE journey", "its port's bytes from HOST1 to HOST2" } },
	  0, 0, "no arguments", "journey", { NULL }, NULL },
	{ "sender", V_SENDER, CMD_F_SIDE,
	  { { "SIDE sender", "ntohs/ntohl of recvfrom()'s sender" } },
	  0, 0, "no arguments", "sender", { NULL }, NULL },
	{ "wire", V_WIRE, CMD_F_ACTS | CMD_F_PANE,
	  { { "wire hold", "keep every frame on the wire (lab only)" },
	    { "wire step", "relay the oldest held frame" },
	    { "wire drop", "discard it (TCP retransmits, UDP not)" },
	    { "wire hold next FRAME", "hold the next FRAME, pass the others" },
	    { "wire drop next FRAME", "FRAME: SYN SYN-ACK ACK FIN RST data udp" },
	    { "wire pass", "relay what waits, and all after it" },
	    { "wire delay DURATION", "relay each frame DURATION later" },
	    { "wire save FILE", "write the frames kept to a pcap file" },
	    { "wire status", "frames relayed, held, dropped, lost" } },
	  0, -1, "", "", { wire_words }, p_wire },
	{ "say", V_SAY, 0,
	  { { "say \"TEXT\"", "narration (lessons)" } },
	  1, -1, "the text to show", "say \"STEP 2: SOCKET BINDING\"", { NULL }, p_say },
	{ "expect", V_EXPECT, 0,
	  { { "expect SIDE state|result|local|remote|data|blocked VALUE", "check a socket; the script fails if not" },
	    { "expect sockaddr \"HEX\"", "the last sockaddr_in, e.g. \"02 00 00 50\"" },
	    { "expect wire saw \"TEXT\"", "a frame since the last command has TEXT" },
	    { "expect wire held N", "N frames wait on the wire" } },
	  0, -1, "", "", { NULL }, p_expect },
	{ "predict", V_PREDICT, 0,
	  { { "predict SIDE state|local|remote|result|data \"QUESTION\"",
	      "ask before the next command; it answers" },
	    { "predict result \"QUESTION\"", "the same for a conversion: htons' bytes" } },
	  2, 3, "a side, what to predict and the question", "predict client state \"Which state?\"",
	  { NULL }, p_predict },
	{ "inet_addr", V_INET_ADDR, CMD_F_CONV,
	  { { "inet_addr TEXT", "inet_addr() of TEXT, and its trap" } },
	  1, 1, "the text to convert", "inet_addr 255.255.255.255", { NULL }, p_conv_text },
	{ "inet_pton", V_INET_PTON, CMD_F_CONV,
	  { { "inet_pton TEXT", "inet_pton() of TEXT" } },
	  1, 1, "the text to convert", "inet_pton 192.168.0.1", { NULL }, p_conv_text },
	{ "htons", V_HTONS, CMD_F_CONV,
	  { { "htons N", "16 bits, host to network byte order" } },
	  1, 1, "a number from 0 to 65535", "htons 80", { NULL }, p_hton },
	{ "htonl", V_HTONL, CMD_F_CONV,
	  { { "htonl N", "32 bits, host to network byte order" } },
	  1, 1, "a number from 0 to 4294967295", "htonl 3355443202", { NULL }, p_hton },
	{ "ntohs", V_NTOHS, CMD_F_CONV,
	  { { "ntohs N", "16 bits, network to host byte order" } },
	  1, 1, "a number from 0 to 65535", "ntohs 20480", { NULL }, p_hton },
	{ "ntohl", V_NTOHL, CMD_F_CONV,
	  { { "ntohl N", "32 bits, network to host byte order" } },
	  1, 1, "a number from 0 to 4294967295", "ntohl 33554632", { NULL }, p_hton },
	{ "wait", V_WAIT, CMD_F_ACTS,
	  { { "wait DURATION", "let the network run: timers, retransmits" } },
	  1, 1, "a duration", "wait 1.5s", { NULL }, p_wait },
	{ "save", V_SAVE, 0,
	  { { "save lesson FILE", "the session so far as a lesson file" },
	    { "save! lesson FILE", "the same, over an existing FILE" } },
	  1, 2, "lesson and a file name", "save lesson demo.lesson", { save_words }, p_save, "save!" },
	{ "getsockname", V_GETSOCKNAME, CMD_F_SIDE | CMD_F_CALL,
	  { { "SIDE getsockname", "the address the kernel gave the socket" } },
	  0, 0, "no arguments", "getsockname", { NULL }, NULL },
	{ "getpeername", V_GETPEERNAME, CMD_F_SIDE | CMD_F_CALL,
	  { { "SIDE getpeername", "the peer's address, as the kernel has it" } },
	  0, 0, "no arguments", "getpeername", { NULL }, NULL },
	{ "run", V_RUN, SIDE_ACTS,
	  { { "SIDE run PROGRAM [ARG...]", "your program, stopped before each call" } },
	  1, -1, "a program to run", "run tcp_client1b " EXAMPLE_IP " 80", { NULL }, p_run },
	{ "next", V_NEXT, SIDE_ACTS,
	  { { "SIDE next", "let it make the call, stop at the next" } },
	  0, 0, "no arguments", "next", { NULL }, p_prog },
	{ "continue", V_CONTINUE, SIDE_ACTS,
	  { { "SIDE continue", "run it until it blocks in a call or ends" } },
	  0, 0, "no arguments", "continue", { NULL }, p_prog },
	{ "detach", V_DETACH, CMD_F_SIDE,
	  { { "SIDE detach", "let it run on, no longer stopping" } },
	  0, 0, "no arguments", "detach", { NULL }, p_prog },
	{ "kill", V_KILL, SIDE_ACTS,
	  { { "SIDE kill", "end the program you run (SIGKILL)" } },
	  0, 0, "no arguments", "kill", { NULL }, p_prog },
	{ "input", V_INPUT, SIDE_ACTS,
	  { { "SIDE input \"TEXT\"", "TEXT to its standard input (\\n: Enter)" } },
	  1, 1, "the text for the program's standard input", "input \"hello\\n\"", { NULL }, p_input },
	{ "fault", V_FAULT, CMD_F_SIDE,
	  { { "SIDE fault next recv|recvfrom short N", "its next one gets at most N bytes" },
	    { "SIDE fault next CALL eintr|eagain|econnreset", "its next CALL fails with that errno" } },
	  3, 4, "next, a call and a fault", "fault next recv short 1",
	  { next_words, fault_call_words, fault_how_words }, p_fault },
};
#define N_VERBS (sizeof verbs / sizeof verbs[0])

const struct cmd_verb_info *cmd_verb_table(size_t *n)
{
	if (n)
		*n = N_VERBS;
	return verbs;
}

const struct cmd_verb_info *cmd_verb_info(enum verb v)
{
	for (size_t i = 0; i < N_VERBS; i++)
		if (verbs[i].verb == v)
			return &verbs[i];
	return NULL;
}

struct verb_words verb_words(bool side, bool with_sides)
{
	struct verb_words o;
	size_t k = 0;

	if (with_sides) {
		o.w[k++] = "server";
		o.w[k++] = "client";
	}
	for (size_t i = 0; i < N_VERBS; i++)
		if (!(verbs[i].flags & CMD_F_SIDE) == !side) {
			o.w[k++] = verbs[i].name;
			if (verbs[i].bang)
				o.w[k++] = verbs[i].bang;
		}
	o.w[k] = NULL;
	return o;
}

const struct cmd_verb_info *find_verb_bang(const struct cmd_tok *t, bool side, bool *bang)
{
	for (size_t i = 0; i < N_VERBS; i++) {
		if (!(verbs[i].flags & CMD_F_SIDE) != !side)
			continue;
		bool forced = verbs[i].bang && cmd_tok_is(t, verbs[i].bang);
		if (cmd_tok_is(t, verbs[i].name) || forced) {
			if (bang)
				*bang = forced;
			return &verbs[i];
		}
	}
	return NULL;
}

const struct cmd_verb_info *find_verb(const struct cmd_tok *t, bool side)
{
	return find_verb_bang(t, side, NULL);
}

const char *cmd_verb_name(enum verb v)
{
	const struct cmd_verb_info *d = cmd_verb_info(v);

	return d ? d->name : "?";
}

bool cmd_acts(const struct cmd *c)
{
	const struct cmd_verb_info *d = c ? cmd_verb_info(c->verb) : NULL;

	return d && (d->flags & CMD_F_ACTS);
}

