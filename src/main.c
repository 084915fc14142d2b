/* main.c - options, the order of start-up, and the mode: batch, read or the screen. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "batch.h"
#include "capture.h"
#include "cmd.h"
#include "config.h"
#include "fdutil.h"
#include "help.h"
#include "lab.h"
#include "handout_md.h"
#include "lesson_run.h"
#include "out.h"
#include "priv.h"
#include "prog.h"
#include "session.h"
#include "text.h"
#include "ui.h"
#include "wrap.h"

struct options {
	bool batch;
	const char *script;
	const char *write_path;
	const char *read_path;
	const char *theme;
	const char *log_path;
	struct lab_config lab;
	unsigned wait_ms;
	const char *lesson;         /* --lesson NAME|FILE */
	bool lesson_menu;           /* --lesson with no name: the lesson menu */
	bool compare;               /* --compare: TCP and UDP labs side by side */
	const char *compare_with[2]; /* --compare A B: these two lessons (default compare-tcp, compare-udp) */
	bool list_lessons;
	bool net_given, wait_given; /* a lesson's net: and wait: apply only when these were not given */
	const char *ip_given;       /* --client-ip or --server-ip, when given */
	const char *handout;        /* --handout, when given */
	enum handout handout_kind;
	int width;                  /* --width N; 0: not given */
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

static void usage(FILE *f)
{
	fputs("Usage: sockstep [OPTION]...\n"
	      "Teach the BSD socket API with real system calls, one step at a time.\n"
	      "\n"
	      "  -b, --batch            run commands without a terminal: from --script, else stdin;\n"
	      "                         print each C call, its result, the sockaddr_in bytes, the\n"
	      "                         5-tuple rows it changed and the frames it caused;\n"
	      "                         exit 1 if any line failed\n"
	      "  -s, --script FILE      read commands from FILE (with --batch)\n"
	      "      --lesson NAME|FILE run a lesson; with --batch print it as a handout, with the\n"
	      "                         real result of every command (exit 1 if an expect failed);\n"
	      "                         with no NAME, choose one from the lesson menu (as L does)\n"
	      "      --handout FORMAT   with --batch --lesson: text (default, for print), worksheet\n"
	      "                         (each prediction a blank, then an answer key from this run)\n"
	      "                         or md (Markdown with a Mermaid diagram, for a course site)\n"
	      "      --width N          --batch lines at most N columns (60-1000; a text handout's\n"
	      "                         default is 100)\n"
	      "      --list-lessons     list the lessons found, with their summaries, and exit\n"
	      "  -n, --net MODE         where the sockets live:\n"
	      "                           lab       (default) two private hosts, client and server,\n"
	      "                                     joined by sockstep itself as the wire\n"
	      "                           loopback  one private host, both sides on 127.0.0.1\n"
	      "                           host      the machine's own network stack\n"
	      "      --client-ip IP     the lab client's address (default 100.0.0.1)\n"
	      "      --server-ip IP     the lab server's address (default 200.0.0.2)\n"
	      "  -w, --wait DURATION    batch: how long a blocked call is waited for before it is\n"
	      "                         reported still blocked (default 2s; e.g. 500ms, 0)\n"
	      "  -W, --write FILE       write every frame on the wire to a pcap file\n"
	      "  -r, --read FILE        print the frames of a pcap file, one line each, and exit\n"
	      "  -t, --theme NAME       screen colours: default, projector (high contrast) or mono;\n"
	      "                         NO_COLOR in the environment means mono\n"
	      "  -l, --log FILE         write diagnostics to FILE while the screen is in use\n"
	      "      --compare [A B]    lessons A and B side by side, each in its own lab, one key\n"
	      "                         per step (default: compare-tcp and compare-udp)\n"
	      "  -h, --help             show this help and exit\n"
	      "  -V, --version          show the version and exit\n"
	      "\n"
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

/* A lab address: a unicast dotted quad, not 0.0.0.0, loopback or multicast. */
static int parse_lab_ip(const char *opt, const char *s, struct in_addr *out)
{
	if (inet_pton(AF_INET, s, out) != 1) {
		fprintf(stderr, "sockstep: bad %s \"%s\": expected four numbers 0-255 separated by dots, e.g. 100.0.0.1\n",
			opt, s);
		return -EINVAL;
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
		return -EINVAL;
	}
	return 0;
}

/* Options that cannot go together are refused in one line, rather than one
 * of them being ignored without a word. --read and --list-lessons print and
 * exit: nothing else applies to them. --theme and --log are the screen's. */
static int refuse_contradictions(const struct options *o)
{
	const struct {
		bool given;
		const char *name;
	} opts[] = {
		{ o->batch, "--batch" },          { o->script, "--script" },
		{ o->lesson || o->lesson_menu, "--lesson" }, { o->list_lessons, "--list-lessons" },
		{ o->compare, "--compare" },      { o->net_given, "--net" },
		{ o->ip_given, o->ip_given },     { o->wait_given, "--wait" },
		{ o->write_path, "--write" },     { o->read_path, "--read" },
		{ o->theme, "--theme" },          { o->log_path, "--log" },
		{ o->handout, "--handout" },      { o->width, "--width" },
	};
	const char *alone = o->read_path ? "--read" : o->list_lessons ? "--list-lessons" : NULL;
	for (size_t i = 0; alone && i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (opts[i].given && strcmp(opts[i].name, alone)) {
			fprintf(stderr, "sockstep: %s cannot go with %s: %s; expected %s alone\n", alone, opts[i].name,
				o->read_path ? "--read only prints a saved capture and exits"
					     : "--list-lessons only lists the lessons and exits",
				o->read_path ? "--read FILE" : "--list-lessons");
			return -EINVAL;
		}
	}
	if (o->batch && (o->theme || o->log_path)) {
		fprintf(stderr, "sockstep: %s cannot go with --batch: it is for the screen, and --batch has none\n",
			o->theme ? "--theme" : "--log");
		return -EINVAL;
	}
	if (o->ip_given && o->net_given && o->lab.mode != NET_LAB) {
		fprintf(stderr, "sockstep: %s cannot go with --net %s: only the lab has client and server addresses\n",
			o->ip_given, lab_mode_name(o->lab.mode));
		return -EINVAL;
	}
	return 0;
}

/* --handout NAME from the table above; -1 after one line naming the values. */
static int parse_handout(const char *v, struct options *o)
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
	return -1;
}

/* Parse argv; returns 0, or 2 after printing one line for a bad option. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CLIENT_IP = 256, OPT_SERVER_IP, OPT_LESSON, OPT_LIST_LESSONS, OPT_COMPARE, OPT_HANDOUT, OPT_WIDTH };
	static const struct option longs[] = {
		{ "batch", no_argument, NULL, 'b' },         { "script", required_argument, NULL, 's' },
		{ "net", required_argument, NULL, 'n' },     { "wait", required_argument, NULL, 'w' },
		{ "write", required_argument, NULL, 'W' },   { "read", required_argument, NULL, 'r' },
		{ "client-ip", required_argument, NULL, OPT_CLIENT_IP },
		{ "server-ip", required_argument, NULL, OPT_SERVER_IP },
		{ "lesson", optional_argument, NULL, OPT_LESSON },
		{ "list-lessons", no_argument, NULL, OPT_LIST_LESSONS },
		{ "compare", no_argument, NULL, OPT_COMPARE },
		{ "handout", required_argument, NULL, OPT_HANDOUT },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ "theme", required_argument, NULL, 't' },   { "log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },          { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->lab.mode = NET_LAB;
	inet_pton(AF_INET, "100.0.0.1", &o->lab.client_ip);
	inet_pton(AF_INET, "200.0.0.2", &o->lab.server_ip);
	o->wait_ms = 2000;
	o->compare_with[0] = "compare-tcp";
	o->compare_with[1] = "compare-udp";
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, ":bs:n:w:W:r:t:l:hV", longs, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->batch = true;
			break;
		case 's':
			o->script = optarg;
			break;
		case OPT_LESSON:
			/* "--lesson tcp" as well as "--lesson=tcp"; "--lesson" alone, or
			 * before another option, is the menu. */
			if (!optarg && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			o->lesson = optarg;
			o->lesson_menu = !optarg;
			break;
		case OPT_COMPARE:
			o->compare = true;
			break;
		case OPT_LIST_LESSONS:
			o->list_lessons = true;
			break;
		case OPT_HANDOUT:
			if (parse_handout(optarg, o) < 0)
				return 2;
			break;
		case OPT_WIDTH: {
			char *end;
			errno = 0;
			long w = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || w < WRAP_MIN || w > WRAP_MAX) {
				fprintf(stderr, "sockstep: bad --width \"%s\": expected a number of columns from %d to %d\n",
					tesc(optarg), WRAP_MIN, WRAP_MAX);
				return 2;
			}
			o->width = (int)w;
			break;
		}
		case 'n':
			o->net_given = true;
			if (lab_parse_mode(optarg, &o->lab.mode) < 0) {
				fprintf(stderr, "sockstep: bad --net \"%s\": expected lab, loopback or host\n", optarg);
				return 2;
			}
			break;
		case 'w':
			o->wait_given = true;
			if (cmd_parse_ms(optarg, &o->wait_ms) < 0) {
				fprintf(stderr, "sockstep: bad --wait \"%s\": expected a duration such as 2s, 500ms or 0\n",
					optarg);
				return 2;
			}
			break;
		case 'W':
			o->write_path = optarg;
			break;
		case 'r':
			o->read_path = optarg;
			break;
		case 't':
			if (ui_parse_theme(optarg) < 0) {
				fprintf(stderr, "sockstep: bad --theme \"%s\": expected default, projector or mono\n", optarg);
				return 2;
			}
			o->theme = optarg;
			break;
		case 'l':
			o->log_path = optarg;
			break;
		case OPT_CLIENT_IP:
			o->ip_given = "--client-ip";
			if (parse_lab_ip("--client-ip", optarg, &o->lab.client_ip) < 0)
				return 2;
			break;
		case OPT_SERVER_IP:
			o->ip_given = "--server-ip";
			if (parse_lab_ip("--server-ip", optarg, &o->lab.server_ip) < 0)
				return 2;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("sockstep %s\n", SOCKSTEP_VERSION);
			exit(0);
		case ':':
			fprintf(stderr, "sockstep: option %s needs a value; see sockstep --help\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "sockstep: unknown option \"%s\"; see sockstep --help\n", argv[optind - 1]);
			return 2;
		}
	}
	/* --compare takes two lesson names or none: the only words that are
	 * not options, so they cannot be read as anything else. */
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
	if (refuse_contradictions(o) < 0)
		return 2;
	if (o->lesson_menu && o->batch) {
		fprintf(stderr, "sockstep: --batch --lesson needs a lesson's name or file: the menu is for the screen; "
			"expected --lesson NAME (see --list-lessons)\n");
		return 2;
	}
	if (o->script && (o->lesson || o->lesson_menu)) {
		fprintf(stderr, "sockstep: --script and --lesson both given; expected one of them\n");
		return 2;
	}
	if (o->compare && (o->batch || o->lesson || o->lesson_menu || o->script)) {
		fprintf(stderr, "sockstep: --compare is a screen of its own; expected no --batch, --lesson or --script\n");
		return 2;
	}
	if (o->script && !o->batch) {
		fprintf(stderr, "sockstep: --script needs --batch\n");
		return 2;
	}
	if (o->handout && !(o->batch && o->lesson)) {
		fprintf(stderr, "sockstep: --handout needs --batch and --lesson: it is the form of a lesson's handout\n");
		return 2;
	}
	if (o->width && !o->batch) {
		fprintf(stderr, "sockstep: --width needs --batch: the screen takes the terminal's width\n");
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
	return 0;
}

/* One line for a file that could not be opened. Under sudo the file was
 * opened as the user who asked: say so when that user may not open it. */
static void open_failed(const char *what, const char *path, int e, const char *expected)
{
	fprintf(stderr, "sockstep: cannot open %s \"%s\": %s (%s)%s; expected %s\n", what, tesc(path), strerror(e),
		errno_name(e), priv_denied(e), expected);
}

/* Open the script with the user's rights, refusing what is not a regular
 * file (a FIFO or a device would block or never end). */
static FILE *open_script(const char *path)
{
	int fd = priv_open(path, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0) {
		open_failed("script", path, -fd, "a readable file of commands");
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "sockstep: script \"%s\" is %s; expected a file of commands\n", tesc(path),
			fstat(fd, &st) < 0 ? "unreadable" : fd_kind(st.st_mode));
		close(fd);
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	fd = fd_move_high(fd);
	FILE *f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* Open an output (--write, --log) with the user's rights. Nothing is
 * truncated before it is known not to be an input: --write S --script S
 * must leave S as it was. Returns the descriptor, or -1 after one line. */
static int open_output(const char *opt, const char *path, bool append)
{
	int fd = priv_open(path, O_WRONLY | O_CREAT | O_NONBLOCK | (append ? O_APPEND : 0), 0666);
	if (fd < 0) {
		open_failed(append ? "log" : "capture file", path, -fd,
			    -fd == ENXIO ? "a file, or a FIFO with a reader" : "a file you may write");
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	const char *same = priv_same_file(fd);
	if (same) {
		fprintf(stderr, "sockstep: %s \"%s\" is the same file as %s; expected another file "
			"(it was left as it was)\n", opt, tesc(path), same);
		close(fd);
		return -1;
	}
	if (!append && S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) {
		fprintf(stderr, "sockstep: cannot empty %s \"%s\": %s\n", opt, tesc(path), errno_name(errno));
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* Nor may two outputs be one file (--write S --log S, wire save S). */
	priv_in_use(opt, fd);
	return fd_move_high(fd);
}

/* An output that exists already and is a file in use: refused before any
 * output is opened for writing, so that a refusal changes nothing (--write B
 * --log A with lessons A and B: neither is touched). 0, or -1 after one line. */
static int output_free(const char *opt, const char *path)
{
	int fd = path ? priv_open(path, O_PATH, 0) : -1;
	if (fd < 0)
		return 0; /* not there yet (or not ours to open): open_output says */
	const char *same = priv_same_file(fd);
	close(fd);
	if (!same)
		return 0;
	fprintf(stderr, "sockstep: %s \"%s\" is the same file as %s; expected another file (it was left as it was)\n",
		opt, tesc(path), same);
	return -1;
}

/* Descriptors 0, 1 and 2 must be open before anything else is: else the
 * first file or socket opened becomes "stdout", and the transcript would be
 * written into it (as OpenBSD's daemons and git do, /dev/null fills them). */
static int std_fds_open(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (n != fd) {
			if (n >= 0)
				close(n);
			return -1;
		}
	}
	return 0;
}

/* Register an input; an input that is standard output or error (`--script S
 * >> S` would read its own transcript for ever) is refused. 0, or -1 after
 * one line. */
static int input_in_use(const char *opt, const char *path, int fd)
{
	const char *same = priv_same_file(fd);
	if (same) {
		fprintf(stderr, "sockstep: %s \"%s\" is the same file as %s; expected another file\n", opt,
			tesc(path), same);
		return -1;
	}
	priv_in_use(opt, fd);
	return 0;
}

/* The inputs named on the command line, opened now with the rights of the
 * user who asked (priv_open), and registered as files in use with standard
 * output and error: the lessons (read by lesson_read, not parsed yet), the
 * script or stdin. 0, or -1 after one line, with nothing left open. */
static int open_inputs(const struct options *o, const struct lesson_file *lf, int nl, FILE **in, const char **name)
{
	priv_in_use_std();
	for (int i = 0; i < nl; i++) {
		int lfd = priv_open(lf[i].path, O_PATH, 0);
		int r = lfd >= 0 ? input_in_use(o->compare ? "a --compare lesson" : "--lesson", lf[i].path, lfd) : 0;
		if (lfd >= 0)
			close(lfd);
		if (r < 0)
			return -1;
	}
	if (o->script) {
		FILE *f = open_script(o->script);
		if (!f)
			return -1;
		if (input_in_use("--script", o->script, fileno(f)) < 0) {
			fclose(f);
			return -1;
		}
		*in = f;
		*name = o->script;
	} else if (o->batch && !nl && input_in_use("stdin", "-", STDIN_FILENO) < 0) {
		return -1;
	}
	return 0;
}

/* The outputs (--write, --log), each checked against every file in use
 * before any is opened, so that a refusal changes nothing; then opened with
 * the user's rights. 0, or -1 after one line, with nothing left open. */
static int open_outputs(const struct options *o, FILE **pcapf, FILE **logf)
{
	if (output_free("--write", o->write_path) < 0 || output_free("--log", o->log_path) < 0)
		return -1;
	if (o->write_path) {
		int fd = open_output("--write", o->write_path, false);
		if (fd >= 0 && !(*pcapf = fdopen(fd, "w")))
			close(fd);
		if (!*pcapf)
			return -1;
	}
	if (o->log_path) {
		int fd = open_output("--log", o->log_path, true);
		if (fd >= 0 && !(*logf = fdopen(fd, "a")))
			close(fd);
		if (!*logf) {
			if (*pcapf)
				fclose(*pcapf);
			*pcapf = NULL;
			return -1;
		}
	}
	return 0;
}

static const char *mode_blurb(const struct lab *lab)
{
	static char buf[128];
	char c[16], s[16];
	switch (lab->mode) {
	case NET_LAB:
		inet_ntop(AF_INET, &lab->ip[SIDE_CLIENT], c, sizeof(c));
		inet_ntop(AF_INET, &lab->ip[SIDE_SERVER], s, sizeof(s));
		snprintf(buf, sizeof(buf), " (client %s, server %s, sockstep is the wire)", c, s);
		return buf;
	case NET_LOOPBACK:
		return " (a private network namespace; both sides on 127.0.0.1)";
	default:
		return " (the machine's own network stack)";
	}
}

/* --read: the file is opened with the user's rights, then every privilege
 * goes before the first byte of it is parsed (it is untrusted input). */
static int read_capture(const char *path)
{
	/* "-" is stdin; a FIFO is a capture source too (as in tcpdump). */
	int fd = strcmp(path, "-") ? priv_open(path, O_RDONLY, 0) : dup(STDIN_FILENO);
	FILE *rf = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!rf) {
		open_failed("capture", path, fd < 0 ? -fd : errno, "a pcap or pcapng file");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	char err[256];
	if (priv_drop_all(err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		fclose(rf);
		return 1;
	}
	return capture_print(rf, path, stdout) < 0 ? 1 : 0;
}

/* The lessons, parsed now that no privilege is left; their net: and wait:
 * lines are defaults that --net and --wait override, and a --net that
 * contradicts a lesson's net: line is refused rather than failing in class.
 * fell_back: the user namespace was refused, --net host it is. 0, or 2
 * after one line. */
static int parse_lessons(struct options *o, const struct lesson_file *lf, int nl, bool fell_back,
			 struct lesson **lesson, struct lesson **lesson_b)
{
	char lerr[CMD_ERR_MAX + CMD_PATH_MAX];
	if (nl > 0 && lesson_parse_file(&lf[0], lesson, lerr, sizeof(lerr)) < 0) {
		fprintf(stderr, "sockstep: %s\n", lerr);
		return 2;
	}
	if (nl > 1 && lesson_parse_file(&lf[1], lesson_b, lerr, sizeof(lerr)) < 0) {
		fprintf(stderr, "sockstep: %s\n", lerr);
		return 2;
	}
	if (o->compare) {
		const struct lesson *lo = (*lesson)->net_set && (*lesson)->net == LESSON_NET_LOOPBACK ? *lesson
					  : (*lesson_b)->net_set && (*lesson_b)->net == LESSON_NET_LOOPBACK ? *lesson_b
													     : NULL;
		if (lo) {
			fprintf(stderr, "sockstep: lesson %s is written for --net loopback; --compare runs each lesson in a lab\n",
				lo->name);
			return 2;
		}
	} else if (*lesson) {
		const struct lesson *l = *lesson;
		enum net_mode want = l->net == LESSON_NET_LOOPBACK ? NET_LOOPBACK : NET_LAB;
		if (!o->net_given) {
			if (!fell_back)
				o->lab.mode = want;
		} else if (l->net_set && o->lab.mode != want) {
			fprintf(stderr, "sockstep: lesson %s is written for --net %s (its net: line); expected --net %s or no --net\n",
				l->name, lesson_net_name(l->net), lesson_net_name(l->net));
			return 2;
		}
		if (l->wait_set && !o->wait_given)
			o->wait_ms = l->wait_ms;
	}
	if (*lesson && o->ip_given && o->lab.mode != NET_LAB) {
		fprintf(stderr, "sockstep: %s cannot go with lesson %s: it runs on --net %s, where there are no "
			"client and server addresses\n", o->ip_given, tesc((*lesson)->name), lab_mode_name(o->lab.mode));
		return 2;
	}
	return 0;
}

/* The run itself: batch, or the screen (with --compare's second lab). */
static int run(struct options *o, struct app *a, struct lesson *lesson, struct lesson *lesson_b, FILE *in,
	       const char *name, FILE *logf)
{
	char err[256];
	if (o->batch) {
		int width = o->width ? o->width : lesson ? WRAP_DEFAULT : 0;
		char head[256];
		snprintf(head, sizeof(head), "sockstep %s batch, --net %s%s", SOCKSTEP_VERSION, lab_mode_name(a->lab.mode),
			 mode_blurb(&a->lab));
		if (!(lesson && o->handout_kind == HANDOUT_MD)) /* Markdown starts with its title */
			wrap_fputs(head, width, stdout);
		int errors;
		if (lesson) {
			name = lesson->file;
			if (o->handout_kind == HANDOUT_MD)
				errors = handout_md(a, lesson, stdout);
			else
				errors = lesson_batch(a, lesson, stdout, width, o->handout_kind == HANDOUT_WORKSHEET);
		} else {
			errors = batch_run_width(in, name, a, o->width);
		}
		if (a->lab.mode == NET_HOST && a->wire) {
			/* The kernel filter at work: frames of other sockets that got as far as sockstep. */
			unsigned long f = wire_counters(a->wire)->foreign;
			snprintf(head, sizeof(head), "  wire    %lu frame%s of others reached the capture", f,
				 f == 1 ? "" : "s");
			wrap_fputs(head, width, stdout);
		}
		if (errors)
			fprintf(stderr, "sockstep: %d line%s of %s failed\n", errors, errors == 1 ? "" : "s", name);
		return errors ? 1 : 0;
	}
	struct ui_opts uo = { .theme = o->theme, .log_path = o->log_path, .log = logf, .lesson = lesson,
			      .menu = o->lesson_menu };
	static struct app b; /* --compare: the second lab */
	if (lesson_b) {
		b.wait_ms = o->wait_ms;
		b.live = true;
		if (app_init(&b, &o->lab, true, err, sizeof(err)) < 0) {
			fprintf(stderr, "sockstep: %s\n", err);
			return 2;
		}
		uo.compare = &b;
		uo.compare_lesson = lesson_b;
	}
	int status = ui_run(a, &uo);
	if (lesson_b)
		app_close(&b);
	return status;
}

/* Start-up in named phases, as bubblewrap's main: options; files, opened
 * with the user's rights while privileged, nothing parsed; privileges given
 * up (a capture opened first in --net host, else our own user namespace);
 * the lessons parsed; the lab; the run. One cleanup. */
int main(int argc, char **argv)
{
	/* A side's program, exec'd by sockstep (prog.c): nothing of sockstep's
	 * start-up runs in it. */
	if (argc > 1 && !strcmp(argv[1], PROG_RUNNER_FLAG))
		return prog_runner(argc, argv);
	if (std_fds_open() < 0)
		return 2; /* no /dev/null: nowhere to say so either */
	priv_init();
	out_init(); /* stderr escaped; stdout checked at exit, as close_stdout does */
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;
	char err[256];
	if (o.read_path)
		return read_capture(o.read_path);
	if (o.list_lessons) {
		if (priv_drop_all(err, sizeof(err)) < 0) {
			fprintf(stderr, "sockstep: %s\n", err);
			return 1;
		}
		return lesson_list(stdout) > 0 ? 0 : 1;
	}
	if (o.compare && o.lab.mode != NET_LAB) {
		fprintf(stderr, "sockstep: --compare runs two labs; expected --net lab or no --net\n");
		return 2;
	}

	/* Files: the lessons are found and read now, as the user who asked, but
	 * parsed only once the privileges are gone. */
	struct lesson_file lf[2];
	memset(lf, 0, sizeof(lf));
	const char *lnames[2] = { o.compare ? o.compare_with[0] : o.lesson, o.compare_with[1] };
	int nl = o.compare ? 2 : o.lesson ? 1 : 0;
	struct lesson *lesson = NULL, *lesson_b = NULL;
	FILE *in = stdin, *pcapf = NULL, *logf = NULL;
	const char *name = "stdin";
	static struct app a; /* large; one per process */
	bool app_up = false, fell_back = false;
	int status = 2;
	for (int i = 0; i < nl; i++) {
		char lerr[CMD_ERR_MAX + CMD_PATH_MAX];
		if (lesson_read(lnames[i], &lf[i], lerr, sizeof(lerr)) < 0) {
			fprintf(stderr, "sockstep: %s\n", lerr);
			goto out;
		}
	}
	if (fd_check(err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		goto out;
	}
	if (open_inputs(&o, lf, nl, &in, &name) < 0)
		goto out;
	/* A send on a closed connection is a lesson (EPIPE), not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	a.live = !o.batch;

	/* Privileges. Namespaces first: unshare(CLONE_NEWUSER) needs a
	 * single-threaded process, and leaves no privilege outside them. */
	if (o.lab.mode != NET_HOST && lab_enter_userns(err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		fprintf(stderr, "sockstep: falling back to --net host (the machine's own network stack)\n");
		o.lab.mode = NET_HOST;
		fell_back = true;
	}
	/* From here no other process of this uid may read our memory or open
	 * our descriptors: not the capture ring, which --net host opens next
	 * (the lab's uid_map, written above, needs a dumpable process). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (o.lab.mode == NET_HOST) {
		/* As tcpdump -Z: the capture is opened, then root and every
		 * capability (also those of 'setcap cap_net_raw+ep') go. */
		if (app_init(&a, &o.lab, false, err, sizeof(err)) < 0) {
			fprintf(stderr, "sockstep: %s\n", err);
			goto out;
		}
		app_up = true;
		if (priv_drop_all(err, sizeof(err)) < 0) {
			fprintf(stderr, "sockstep: %s\n", err);
			goto out;
		}
	}

	/* Lessons: parsed with no privilege left; then the outputs, as the user,
	 * once nothing can refuse the run any more. */
	if ((status = parse_lessons(&o, lf, nl, fell_back, &lesson, &lesson_b)) != 0)
		goto out;
	status = 2;
	if (!o.batch && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "sockstep: stdin is not a terminal; use --batch to run commands from a pipe or --script\n");
		goto out;
	}
	a.wait_ms = o.wait_ms;
	if (o.write_path && app_up && !a.wire) {
		fprintf(stderr, "sockstep: --write: there is no capture: %s\n", a.wire_why);
		goto out;
	}
	if (open_outputs(&o, &pcapf, &logf) < 0)
		goto out;
	if (!app_up) {
		a.pcap = pcapf; /* the app owns it now */
		a.pcap_name = o.write_path;
		pcapf = NULL;
		if (app_init(&a, &o.lab, false, err, sizeof(err)) < 0) {
			fprintf(stderr, "sockstep: %s\n", err);
			goto out;
		}
		app_up = true;
	} else if (pcapf) {
		if (wire_write_to(a.wire, pcapf, o.write_path, err, sizeof(err)) < 0) {
			fprintf(stderr, "sockstep: %s\n", err);
			goto out;
		}
		pcapf = NULL; /* the wire owns it now */
	}
	if (o.write_path && !a.wire) {
		fprintf(stderr, "sockstep: --write: there is no capture: %s\n", a.wire_why);
		goto out;
	}
	if (a.lab.mode == NET_HOST && !a.wire && o.batch)
		fprintf(stderr, "sockstep: no capture: %s\n", a.wire_why);
	status = run(&o, &a, lesson, lesson_b, in, name, logf);
out:
	if (app_up)
		app_close(&a);
	else if (a.pcap)
		fclose(a.pcap);
	a.pcap = NULL;
	if (pcapf)
		fclose(pcapf);
	if (in != stdin)
		fclose(in);
	for (int i = 0; i < 2; i++)
		lesson_file_free(&lf[i]);
	lesson_free(lesson);
	lesson_free(lesson_b);
	if (logf)
		fclose(logf);
	return status;
}
