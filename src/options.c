/* options.c - the command line (see options.h): one table, as htop's
 * CommandLine.c, that drives getopt_long, --help and the refusals of
 * options that cannot go together or need another. */
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "help.h"
#include "text.h"
#include "ui.h"
#include "wrap.h"

/* The rows, in --help's order. */
enum opt_id {
	O_BATCH, O_SCRIPT, O_LESSON, O_HANDOUT, O_WIDTH, O_LIST, O_RUN, O_NET, O_CLIENT_IP, O_SERVER_IP, O_WAIT,
	O_WRITE, O_READ, O_THEME, O_LOG, O_COMPARE, O_HELP, O_VERSION, O_COUNT_
};
#define BIT(id) (1u << (id))
#define ALL_BITS (BIT(O_COUNT_) - 1)

/* Which run an option belongs to: a BATCH option needs --batch, a SCREEN
 * option cannot go with it; an ALONE option (it prints and exits) goes with
 * no other, and its refusals are said before any other. */
enum opt_mode { M_ANY, M_BATCH, M_SCREEN, M_ALONE };

/* How a refusal of two options is said. */
enum clash_form {
	C_WITH, /* "--read cannot go with --batch: WHY" */
	C_BOTH, /* "--script and --lesson both given; WHY" */
	C_SAYS, /* "--compare WHY" */
};

struct opt_row {
	const char *name;      /* the long name, without "--" */
	char letter;           /* the short option, or 0 */
	int arg;               /* no_argument, required_argument, optional_argument */
	const char *value;     /* its value in --help ("FILE"), or "" */
	const char *help;      /* --help text; '\n' starts a continuation line */
	enum opt_mode mode;
	unsigned clash;        /* the rows it cannot go with (BIT), besides its mode's */
	enum clash_form form;
	const char *clash_why;
	unsigned needs;        /* the rows it cannot go without, besides its mode's */
	const char *needs_why; /* after "--width needs --batch", or NULL */
	int (*set)(struct options *o, const char *v); /* 0; 1: exit 0; 2 after one line */
};

/* The --handout values: one line each. */
static const struct {
	const char *name;
	enum handout kind;
} handouts[] = {
	{ "text", HANDOUT_TEXT },
	{ "worksheet", HANDOUT_WORKSHEET },
	{ "md", HANDOUT_MD },
};

/* A lab address: a unicast dotted quad, not 0.0.0.0, loopback or multicast. */
static int parse_lab_ip(const char *opt, const char *s, struct in_addr *out)
{
	if (inet_pton(AF_INET, s, out) != 1) {
		fprintf(stderr, "sockstep: bad %s \"%s\": expected four numbers 0-255 separated by dots, e.g. 100.0.0.1\n",
			opt, s);
		return 2;
	}
	uint32_t h = ntohl(out->s_addr);
	const char *why = h == 0 ? "0.0.0.0 means any address"
			: (h >> 24) == 127 ? "127.0.0.0/8 is loopback (use --net loopback for that)"
			: (h >> 28) == 14 ? "multicast addresses cannot be a host's address"
			: h == 0xFFFFFFFF ? "255.255.255.255 is the broadcast address"
			: (h >> 24) == 0 ? "0.0.0.0/8 means this network"
					  : NULL;
	if (why) {
		fprintf(stderr, "sockstep: bad %s \"%s\": %s; expected a unicast address, e.g. 100.0.0.1\n", opt, s,
			why);
		return 2;
	}
	return 0;
}

/* ---- each option's value ---------------------------------------------- */

static int set_batch(struct options *o, const char *v)
{
	(void)v;
	o->batch = true;
	return 0;
}

static int set_script(struct options *o, const char *v)
{
	o->script = v;
	return 0;
}

/* "--lesson" alone is the menu. */
static int set_lesson(struct options *o, const char *v)
{
	o->lesson = v;
	o->lesson_menu = !v;
	return 0;
}

/* --handout NAME from the table above; 2 after one line naming the values. */
static int set_handout(struct options *o, const char *v)
{
	size_t n = sizeof(handouts) / sizeof(handouts[0]);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v, handouts[i].name)) {
			o->handout = handouts[i].name;
			o->handout_kind = handouts[i].kind;
			return 0;
		}
	const char *names[sizeof(handouts) / sizeof(handouts[0])];
	for (size_t i = 0; i < n; i++)
		names[i] = handouts[i].name;
	char list[128];
	lesson_join(names, n, ", ", " or ", list, sizeof(list));
	fprintf(stderr, "sockstep: bad --handout \"%s\": expected %s\n", tesc(v), list);
	return 2;
}

static int set_width(struct options *o, const char *v)
{
	char *end;
	errno = 0;
	long w = strtol(v, &end, 10);
	if (errno || end == v || *end || w < WRAP_MIN || w > WRAP_MAX) {
		fprintf(stderr, "sockstep: bad --width \"%s\": expected a number of columns from %d to %d\n", tesc(v),
			WRAP_MIN, WRAP_MAX);
		return 2;
	}
	o->width = (int)w;
	return 0;
}

static int set_list(struct options *o, const char *v)
{
	(void)v;
	o->list_lessons = true;
	return 0;
}

int options_run_line(const struct options *o, int i, char *buf, size_t len)
{
	const char *v = o && i >= 0 && i < o->nrun ? o->run[i] : NULL;
	const char *eq = v ? strchr(v, '=') : NULL;

	if (!eq || !buf || len == 0)
		return -EINVAL;
	int k = snprintf(buf, len, "%.*s run %s", (int)(eq - v), v, eq + 1);
	return k < 0 || (size_t)k >= len ? -EINVAL : 0;
}

/* --run 'client=PROGRAM ARG...': the line "client run PROGRAM ARG..." must
 * parse, so that a typo is said now rather than after the lab is built. */
static int set_run(struct options *o, const char *v)
{
	static struct cmd c; /* large */
	char side[32], err[CMD_ERR_MAX], line[CMD_LINE_MAX + 64];
	const char *eq = strchr(v, '=');
	struct target t;

	if (!eq || eq == v || (size_t)(eq - v) >= sizeof(side)) {
		fprintf(stderr, "sockstep: bad --run \"%s\": expected SIDE=PROGRAM [ARG...], e.g. "
			"--run 'client=tcp_client1b 200.0.0.2 80'\n", tesc(v));
		return 2;
	}
	snprintf(side, sizeof(side), "%.*s", (int)(eq - v), v);
	if (cmd_parse_target(side, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: bad --run \"%s\": %s\n", tesc(v), err);
		return 2;
	}
	if (o->nrun >= OPTIONS_RUN_MAX) {
		fprintf(stderr, "sockstep: --run given more than %d times; expected one program per side's slot\n",
			OPTIONS_RUN_MAX);
		return 2;
	}
	o->run[o->nrun++] = v;
	if (options_run_line(o, o->nrun - 1, line, sizeof(line)) < 0 || cmd_parse(line, &c, err, sizeof(err)) != 1 ||
	    c.verb != V_RUN) {
		if (!err[0])
			snprintf(err, sizeof(err), "expected SIDE=PROGRAM [ARG...]");
		fprintf(stderr, "sockstep: bad --run \"%s\": %s\n", tesc(v), err);
		return 2;
	}
	for (int i = 0; i < o->nrun - 1; i++) {
		char other[CMD_LINE_MAX + 64];
		static struct cmd c2;
		if (options_run_line(o, i, other, sizeof(other)) == 0 && cmd_parse(other, &c2, NULL, 0) == 1 &&
		    c2.t.side == c.t.side && c2.t.prog == c.t.prog) {
			fprintf(stderr, "sockstep: --run gives %s two programs; expected one each, e.g. %s2=PROGRAM for "
				"a second\n", side, side_name(c.t.side));
			return 2;
		}
	}
	return 0;
}

static int set_net(struct options *o, const char *v)
{
	o->net_given = true;
	if (lab_parse_mode(v, &o->lab.mode) < 0) {
		fprintf(stderr, "sockstep: bad --net \"%s\": expected lab, loopback or host\n", v);
		return 2;
	}
	return 0;
}

static int set_client_ip(struct options *o, const char *v)
{
	o->ip_given = "--client-ip";
	return parse_lab_ip("--client-ip", v, &o->lab.client_ip);
}

static int set_server_ip(struct options *o, const char *v)
{
	o->ip_given = "--server-ip";
	return parse_lab_ip("--server-ip", v, &o->lab.server_ip);
}

static int set_wait(struct options *o, const char *v)
{
	o->wait_given = true;
	if (cmd_parse_ms(v, &o->wait_ms) < 0) {
		fprintf(stderr, "sockstep: bad --wait \"%s\": expected a duration such as 2s, 500ms or 0\n", v);
		return 2;
	}
	return 0;
}

static int set_write(struct options *o, const char *v)
{
	o->write_path = v;
	return 0;
}

static int set_read(struct options *o, const char *v)
{
	o->read_path = v;
	return 0;
}

static int set_theme(struct options *o, const char *v)
{
	if (ui_parse_theme(v) < 0) {
		fprintf(stderr, "sockstep: bad --theme \"%s\": expected default, projector or mono\n", v);
		return 2;
	}
	o->theme = v;
	return 0;
}

static int set_log(struct options *o, const char *v)
{
	o->log_path = v;
	return 0;
}

static int set_compare(struct options *o, const char *v)
{
	(void)v;
	o->compare = true;
	return 0;
}

static int set_help(struct options *o, const char *v)
{
	(void)o, (void)v;
	options_usage(stdout);
	return 1;
}

static int set_version(struct options *o, const char *v)
{
	(void)o, (void)v;
	printf("sockstep %s\n", SOCKSTEP_VERSION);
	return 1;
}

/* ---- the table ---------------------------------------------------------- */

#define SCREEN_WHY "it is for the screen, and --batch has none"

static const struct opt_row rows[O_COUNT_] = {
	[O_BATCH] = { "batch", 'b', no_argument, "",
		      "run commands without a terminal: from --script, else stdin;\n"
		      "print each C call, its result, the sockaddr_in bytes, the\n"
		      "5-tuple rows it changed and the frames it caused;\n"
		      "exit 1 if any line failed",
		      M_BATCH, 0, C_WITH, NULL, 0, NULL, set_batch },
	[O_SCRIPT] = { "script", 's', required_argument, "FILE", "read commands from FILE (with --batch)",
		       M_BATCH, BIT(O_LESSON), C_BOTH, "expected one of them", 0, NULL, set_script },
	[O_LESSON] = { "lesson", 0, optional_argument, "NAME|FILE",
		       "run a lesson; with --batch print it as a handout, with the\n"
		       "real result of every command (exit 1 if an expect failed);\n"
		       "with no NAME, choose one from the lesson menu (as L does)",
		       M_ANY, 0, C_WITH, NULL, 0, NULL, set_lesson },
	[O_HANDOUT] = { "handout", 0, required_argument, "FORMAT",
			"with --batch --lesson: text (default, for print), worksheet\n"
			"(each prediction a blank, then an answer key from this run)\n"
			"or md (Markdown with a Mermaid diagram, for a course site)",
			M_BATCH, 0, C_WITH, NULL, BIT(O_LESSON), "it is the form of a lesson's handout",
			set_handout },
	[O_WIDTH] = { "width", 0, required_argument, "N",
		      "--batch lines at most N columns (60-1000; a text handout's\n"
		      "default is 100)",
		      M_BATCH, 0, C_WITH, NULL, 0, "the screen takes the terminal's width", set_width },
	[O_LIST] = { "list-lessons", 0, no_argument, "", "list the lessons found, with their summaries, and exit",
		     M_ALONE, 0, C_WITH, "--list-lessons only lists the lessons and exits; expected --list-lessons alone",
		     0, NULL, set_list },
	[O_RUN] = { "run", 0, required_argument, "SIDE=PROG",
		    "start your own program PROG (its arguments in the same\n"
		    "word) as SIDE's program, traced, before any other command,\n"
		    "e.g. --run 'client=tcp_client1b 200.0.0.2 80'; repeatable",
		    M_ANY, BIT(O_COMPARE), C_WITH, "--compare runs two lessons only", 0, NULL, set_run },
	[O_NET] = { "net", 'n', required_argument, "MODE",
		    "where the sockets live:\n"
		    "  lab       (default) two private hosts, client and server,\n"
		    "            joined by sockstep itself as the wire\n"
		    "  loopback  one private host, both sides on 127.0.0.1\n"
		    "  host      the machine's own network stack",
		    M_ANY, 0, C_WITH, NULL, 0, NULL, set_net },
	[O_CLIENT_IP] = { "client-ip", 0, required_argument, "IP", "the lab client's address (default 100.0.0.1)",
			  M_ANY, 0, C_WITH, NULL, 0, NULL, set_client_ip },
	[O_SERVER_IP] = { "server-ip", 0, required_argument, "IP", "the lab server's address (default 200.0.0.2)",
			  M_ANY, 0, C_WITH, NULL, 0, NULL, set_server_ip },
	[O_WAIT] = { "wait", 'w', required_argument, "DURATION",
		     "batch: how long a blocked call is waited for before it is\n"
		     "reported still blocked (default 2s; e.g. 500ms, 0)",
		     M_ANY, 0, C_WITH, NULL, 0, NULL, set_wait },
	[O_WRITE] = { "write", 'W', required_argument, "FILE", "write every frame on the wire to a pcap file",
		      M_ANY, 0, C_WITH, NULL, 0, NULL, set_write },
	[O_READ] = { "read", 'r', required_argument, "FILE",
		     "print the frames of a pcap file, one line each, and exit",
		     M_ALONE, BIT(O_LIST), C_WITH, "--read only prints a saved capture and exits; expected --read FILE alone",
		     0, NULL, set_read },
	[O_THEME] = { "theme", 't', required_argument, "NAME",
		      "screen colours: default, projector (high contrast) or mono;\n"
		      "NO_COLOR in the environment means mono",
		      M_SCREEN, 0, C_WITH, SCREEN_WHY, 0, NULL, set_theme },
	[O_LOG] = { "log", 'l', required_argument, "FILE", "write diagnostics to FILE while the screen is in use",
		    M_SCREEN, 0, C_WITH, SCREEN_WHY, 0, NULL, set_log },
	[O_COMPARE] = { "compare", 0, no_argument, "[A B]",
			"lessons A and B side by side, each in its own lab, one key\n"
			"per step (default: compare-tcp and compare-udp)",
			M_SCREEN, BIT(O_BATCH) | BIT(O_LESSON) | BIT(O_SCRIPT), C_SAYS,
			"is a screen of its own; expected no --batch, --lesson or --script", 0, NULL, set_compare },
	[O_HELP] = { "help", 'h', no_argument, "", "show this help and exit", M_ALONE, 0, C_WITH, NULL, 0, NULL,
		     set_help },
	[O_VERSION] = { "version", 'V', no_argument, "", "show the version and exit", M_ALONE, 0, C_WITH, NULL, 0,
			NULL, set_version },
};

/* The rows that row i cannot go with: a SCREEN option --batch; an ALONE
 * option every option but the other ALONE ones (each of those says so
 * itself, or names them in clash). */
static unsigned clashes(enum opt_id i)
{
	unsigned m = rows[i].clash;
	if (rows[i].mode == M_SCREEN)
		m |= BIT(O_BATCH);
	if (rows[i].mode == M_ALONE)
		for (int j = 0; j < O_COUNT_; j++)
			if (rows[j].mode != M_ALONE)
				m |= BIT(j);
	return m & ~BIT(i);
}

/* The rows that row i cannot go without: a BATCH option --batch. */
static unsigned needs(enum opt_id i)
{
	return (rows[i].needs | (rows[i].mode == M_BATCH ? BIT(O_BATCH) : 0)) & ~BIT(i);
}

/* Options that cannot go together are refused in one line, rather than one
 * of them being ignored without a word: the ALONE options' first (they print
 * and exit: nothing else applies to them), then the others' in the table's
 * order; then an option without one it needs. 0, or 2 after the line. */
static int refuse_table(const struct options *o)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < O_COUNT_; i++) {
			if (!(o->given & BIT(i)) || (rows[i].mode == M_ALONE) != (pass == 0))
				continue;
			/* An ALONE option that another given one refuses leaves the line to it. */
			bool outranked = false;
			for (int j = 0; pass == 0 && j < O_COUNT_; j++)
				outranked |= (o->given & BIT(j)) && rows[j].mode == M_ALONE && (rows[j].clash & BIT(i));
			if (outranked)
				continue;
			unsigned m = clashes(i) & o->given;
			for (int j = 0; m && j < O_COUNT_; j++) {
				if (!(m & BIT(j)))
					continue;
				const char *a = rows[i].name, *b = rows[j].name, *why = rows[i].clash_why;
				if (rows[i].form == C_BOTH)
					fprintf(stderr, "sockstep: --%s and --%s both given; %s\n", a, b, why);
				else if (rows[i].form == C_SAYS)
					fprintf(stderr, "sockstep: --%s %s\n", a, why);
				else
					fprintf(stderr, "sockstep: --%s cannot go with --%s: %s\n", a, b, why);
				return 2;
			}
		}
	for (int i = 0; i < O_COUNT_; i++) {
		unsigned missing = (o->given & BIT(i)) ? needs(i) & ~o->given : 0;
		if (!missing)
			continue;
		fprintf(stderr, "sockstep: --%s needs", rows[i].name);
		const char *sep = " ";
		for (int j = 0; j < O_COUNT_; j++)
			if (needs(i) & BIT(j)) {
				fprintf(stderr, "%s--%s", sep, rows[j].name);
				sep = " and ";
			}
		fprintf(stderr, "%s%s\n", rows[i].needs_why ? ": " : "", rows[i].needs_why ? rows[i].needs_why : "");
		return 2;
	}
	return 0;
}

/* What the table cannot say: refusals that depend on the values. 0, or 2
 * after one line. */
static int refuse_values(const struct options *o)
{
	if (o->ip_given && o->net_given && o->lab.mode != NET_LAB) {
		fprintf(stderr, "sockstep: %s cannot go with --net %s: only the lab has client and server addresses\n",
			o->ip_given, lab_mode_name(o->lab.mode));
		return 2;
	}
	if (o->lesson_menu && o->batch) {
		fprintf(stderr, "sockstep: --batch --lesson needs a lesson's name or file: the menu is for the screen; "
			"expected --lesson NAME (see --list-lessons)\n");
		return 2;
	}
	if (o->width && o->handout_kind == HANDOUT_MD) {
		fprintf(stderr, "sockstep: --width does not go with --handout md: Markdown is laid out by its reader\n");
		return 2;
	}
	if (o->lab.client_ip.s_addr == o->lab.server_ip.s_addr) {
		fprintf(stderr, "sockstep: --client-ip and --server-ip are both %s; expected two different addresses\n",
			inet_ntoa(o->lab.client_ip));
		return 2;
	}
	if (o->nrun && o->handout_kind == HANDOUT_MD) {
		fprintf(stderr, "sockstep: --run does not go with --handout md: the Markdown handout holds the lesson's "
			"own steps; expected --handout text or worksheet\n");
		return 2;
	}
	if (o->compare && o->lab.mode != NET_LAB) {
		fprintf(stderr, "sockstep: --compare runs two labs; expected --net lab or no --net\n");
		return 2;
	}
	return 0;
}

/* The words after the options: --compare's two lesson names (or none), the
 * only words that are not options, so they cannot be read as anything else;
 * any other is refused. 0, or 2 after one line. */
static int take_words(int argc, char **argv, struct options *o)
{
	if (o->compare && optind < argc && argc - optind != 2) {
		fprintf(stderr, "sockstep: --compare takes two lesson names or none, e.g. --compare close shutdown; "
			"got %d name%s\n", argc - optind, argc - optind == 1 ? "" : "s");
		return 2;
	}
	if (o->compare && optind < argc) {
		o->compare_with[0] = argv[optind];
		o->compare_with[1] = argv[optind + 1];
		optind += 2;
	}
	if (optind < argc) {
		fprintf(stderr, "sockstep: unexpected argument \"%s\"; commands go in a --script file or on stdin\n",
			argv[optind]);
		return 2;
	}
	return 0;
}

static void defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->lab.mode = NET_LAB;
	inet_pton(AF_INET, "100.0.0.1", &o->lab.client_ip);
	inet_pton(AF_INET, "200.0.0.2", &o->lab.server_ip);
	o->wait_ms = 2000;
	o->compare_with[0] = "compare-tcp";
	o->compare_with[1] = "compare-udp";
}

/* getopt_long's tables from ours: a row's value is its letter, or 256 and
 * up for a long option alone. */
#define LONG_ONLY 256
static void getopt_tables(struct option longs[O_COUNT_ + 1], char *shorts, size_t len)
{
	size_t n = 0;
	shorts[n++] = ':'; /* a missing value is ':', not '?' */
	for (int i = 0; i < O_COUNT_; i++) {
		longs[i] = (struct option){ rows[i].name, rows[i].arg, NULL, rows[i].letter ? rows[i].letter : LONG_ONLY + i };
		if (rows[i].letter && n + 3 < len) {
			shorts[n++] = rows[i].letter;
			if (rows[i].arg != no_argument)
				shorts[n++] = ':';
			if (rows[i].arg == optional_argument)
				shorts[n++] = ':';
		}
	}
	longs[O_COUNT_] = (struct option){ NULL, 0, NULL, 0 };
	shorts[n] = '\0';
}

static int row_of(int ch)
{
	for (int i = 0; i < O_COUNT_; i++)
		if (ch == (rows[i].letter ? rows[i].letter : LONG_ONLY + i))
			return i;
	return -1;
}

int options_parse(int argc, char **argv, struct options *o)
{
	struct option longs[O_COUNT_ + 1];
	char shorts[1 + 3 * O_COUNT_ + 1];
	getopt_tables(longs, shorts, sizeof(shorts));
	defaults(o);
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		int i = row_of(ch);
		if (ch == ':') {
			fprintf(stderr, "sockstep: option %s needs a value; see sockstep --help\n", argv[optind - 1]);
			return 2;
		}
		if (i < 0) {
			fprintf(stderr, "sockstep: unknown option \"%s\"; see sockstep --help\n", argv[optind - 1]);
			return 2;
		}
		/* An optional value as the next word too ("--lesson tcp" as well
		 * as "--lesson=tcp"); alone, or before another option, none. */
		const char *v = optarg;
		if (rows[i].arg == optional_argument && !v && optind < argc && argv[optind][0] != '-')
			v = argv[optind++];
		o->given |= BIT(i);
		int r = rows[i].set(o, v);
		if (r)
			return r;
	}
	int r = take_words(argc, argv, o);
	if (!r)
		r = refuse_table(o);
	return r ? r : refuse_values(o);
}

void options_usage(FILE *f)
{
	fputs("Usage: sockstep [OPTION]...\n"
	      "Teach the BSD socket API with real system calls, one step at a time.\n"
	      "\n",
	      f);
	/* "  -b, --batch            text", continuation lines under the text. */
	for (int i = 0; i < O_COUNT_; i++) {
		char letter[8] = "    ", opt[32];
		if (rows[i].letter)
			snprintf(letter, sizeof(letter), "-%c, ", rows[i].letter);
		snprintf(opt, sizeof(opt), "--%s%s%s", rows[i].name, *rows[i].value ? " " : "", rows[i].value);
		const char *h = rows[i].help, *nl = strchr(h, '\n');
		fprintf(f, "  %s%-18s %.*s\n", letter, opt, (int)(nl ? nl - h : (long)strlen(h)), h);
		while (nl) {
			h = nl + 1;
			nl = strchr(h, '\n');
			fprintf(f, "%25s%.*s\n", "", (int)(nl ? nl - h : (long)strlen(h)), h);
		}
	}
	fputs("\n"
	      "Commands, one per line (see sockstep(1)). SIDE is server or client; client2 is\n"
	      "a second client program, server.1 a forked child, server#4 one socket:\n",
	      f);
	/* From the verb table, as the '?' overlay: no command can be left out. */
	char line[HELP_LINE_MAX];
	for (size_t i = 0, n = help_commands(0, NULL, 0); i < n; i++) {
		help_commands(i, line, sizeof line);
		fprintf(f, "  %s\n", line);
	}
	fputs("\n"
	      "Example:\n"
	      "  printf 'server socket tcp\\nserver bind 127.0.0.1 1000\\n' | sockstep --batch --net loopback\n",
	      f);
}
