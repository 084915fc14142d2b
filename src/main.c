/* main.c - options, the order of start-up, and the mode: batch, read or the screen. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "batch.h"
#include "capture.h"
#include "cmd.h"
#include "config.h"
#include "lab.h"
#include "lesson_run.h"
#include "out.h"
#include "session.h"
#include "ui.h"

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
	bool compare;               /* --compare: TCP and UDP labs side by side */
	bool list_lessons;
	bool net_given, wait_given; /* a lesson's net: and wait: apply only when these were not given */
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
	      "                         real result of every command (exit 1 if an expect failed)\n"
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
	      "      --compare          TCP and UDP side by side: two labs, one key per lecture step\n"
	      "  -h, --help             show this help and exit\n"
	      "  -V, --version          show the version and exit\n"
	      "\n"
	      "Commands (one per line; see sockstep(1)):\n"
	      "  server socket tcp            server bind 200.0.0.2 80       server listen 5\n"
	      "  server accept                client socket tcp              client connect 200.0.0.2 80\n"
	      "  client send \"hola\"           server recv                    client close\n"
	      "  server socket udp            server recvfrom                client sendto 200.0.0.2 5000 \"hola\"\n"
	      "  wire hold | step | drop | pass | delay 300ms | save FILE | status\n"
	      "  inet_addr 255.255.255.255    htons 1000                     expect client state ESTABLISHED\n"
	      "\n"
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

/* Parse argv; returns 0, or 2 after printing one line for a bad option. */
static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_CLIENT_IP = 256, OPT_SERVER_IP, OPT_LESSON, OPT_LIST_LESSONS, OPT_COMPARE };
	static const struct option longs[] = {
		{ "batch", no_argument, NULL, 'b' },         { "script", required_argument, NULL, 's' },
		{ "net", required_argument, NULL, 'n' },     { "wait", required_argument, NULL, 'w' },
		{ "write", required_argument, NULL, 'W' },   { "read", required_argument, NULL, 'r' },
		{ "client-ip", required_argument, NULL, OPT_CLIENT_IP },
		{ "server-ip", required_argument, NULL, OPT_SERVER_IP },
		{ "lesson", required_argument, NULL, OPT_LESSON },
		{ "list-lessons", no_argument, NULL, OPT_LIST_LESSONS },
		{ "compare", no_argument, NULL, OPT_COMPARE },
		{ "theme", required_argument, NULL, 't' },   { "log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },          { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->lab.mode = NET_LAB;
	inet_pton(AF_INET, "100.0.0.1", &o->lab.client_ip);
	inet_pton(AF_INET, "200.0.0.2", &o->lab.server_ip);
	o->wait_ms = 2000;
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
			o->lesson = optarg;
			break;
		case OPT_COMPARE:
			o->compare = true;
			break;
		case OPT_LIST_LESSONS:
			o->list_lessons = true;
			break;
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
			if (parse_lab_ip("--client-ip", optarg, &o->lab.client_ip) < 0)
				return 2;
			break;
		case OPT_SERVER_IP:
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
	if (optind < argc) {
		fprintf(stderr, "sockstep: unexpected argument \"%s\"; commands go in a --script file or on stdin\n",
			argv[optind]);
		return 2;
	}
	if (o->script && o->lesson) {
		fprintf(stderr, "sockstep: --script and --lesson both given; expected one of them\n");
		return 2;
	}
	if (o->compare && (o->batch || o->lesson || o->script)) {
		fprintf(stderr, "sockstep: --compare is a screen of its own; expected no --batch, --lesson or --script\n");
		return 2;
	}
	if (o->script && !o->batch) {
		fprintf(stderr, "sockstep: --script needs --batch\n");
		return 2;
	}
	if (o->lab.client_ip.s_addr == o->lab.server_ip.s_addr) {
		fprintf(stderr, "sockstep: --client-ip and --server-ip are both %s; expected two different addresses\n",
			inet_ntoa(o->lab.client_ip));
		return 2;
	}
	return 0;
}

/* A file opened before the lab moves to descriptor 100 and up, out of the way
 * of the lesson's sockets (the first one is 3, as in the lecture). */
static FILE *keep_high(FILE *f, const char *mode)
{
	int high = f ? fcntl(fileno(f), F_DUPFD_CLOEXEC, 100) : -1;
	FILE *g = high >= 0 ? fdopen(high, mode) : NULL;
	if (!g) {
		if (high >= 0)
			close(high);
		return f;
	}
	fclose(f);
	return g;
}

/* Open the script, refusing what is not a file of text lines. */
static FILE *open_script(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int er = errno;
		fprintf(stderr, "sockstep: cannot open script \"%s\": %s (%s); expected a readable file of commands\n",
			path, strerror(er), errno_name(er));
		return NULL;
	}
	f = keep_high(f, "r");
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sockstep: script \"%s\" is a directory; expected a file of commands\n", path);
		fclose(f);
		return NULL;
	}
	return f;
}

/* Real root, or root of a user namespace (a container, "unshare -r") whose
 * uid 0 has no power over the host and no other uid to become? */
static bool in_initial_userns(void)
{
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long inside = 1, outside = 1, count = 0;
	if (!f)
		return true;
	int n = fscanf(f, "%lu %lu %lu", &inside, &outside, &count);
	fclose(f);
	return n == 3 && inside == 0 && outside == 0 && count == 4294967295UL;
}

/* Become SUDO_UID/SUDO_GID (else nobody), with no supplementary groups;
 * leaving uid 0 clears every capability. */
static int drop_root(char *err, size_t errlen)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	char *end;
	unsigned long uid = 65534, gid = 65534;
	if (su && *su) {
		unsigned long v = strtoul(su, &end, 10);
		if (!*end && v > 0)
			uid = v;
	}
	if (sg && *sg) {
		unsigned long v = strtoul(sg, &end, 10);
		if (!*end && v > 0)
			gid = v;
	}
	if (setgroups(0, NULL) < 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0 ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0) {
		snprintf(err, errlen, "cannot drop root to uid %lu: %s", uid, errno_name(errno));
		return -errno;
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

int main(int argc, char **argv)
{
	out_init(); /* stderr escaped; stdout checked at exit, as close_stdout does */
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;
	if (o.read_path) {
		FILE *rf = strcmp(o.read_path, "-") ? fopen(o.read_path, "re") : stdin;
		if (!rf) {
			fprintf(stderr, "sockstep: cannot read capture \"%s\": %s (%s); expected a pcap or pcapng file\n",
				o.read_path, strerror(errno), errno_name(errno));
			return 1;
		}
		return capture_print(rf, o.read_path, stdout) < 0 ? 1 : 0;
	}
	if (o.list_lessons)
		return lesson_list(stdout) > 0 ? 0 : 1;

	/* The lesson is read now, as the user who started sockstep: once in the
	 * namespaces, as root we are nobody. Its net: and wait: lines are
	 * defaults that --net and --wait override; a --net that contradicts the
	 * lesson's net: line is refused rather than failing in class. */
	struct lesson *lesson = NULL, *lesson_b = NULL;
	if (o.compare) {
		char lerr[CMD_ERR_MAX + CMD_PATH_MAX];
		if (lesson_load("compare-tcp", &lesson, lerr, sizeof(lerr)) < 0 ||
		    lesson_load("compare-udp", &lesson_b, lerr, sizeof(lerr)) < 0) {
			fprintf(stderr, "sockstep: %s\n", lerr);
			lesson_free(lesson);
			return 2;
		}
		if (o.lab.mode != NET_LAB) {
			fprintf(stderr, "sockstep: --compare runs two labs; expected --net lab or no --net\n");
			lesson_free(lesson);
			lesson_free(lesson_b);
			return 2;
		}
	} else if (o.lesson) {
		char lerr[CMD_ERR_MAX + CMD_PATH_MAX];
		if (lesson_load(o.lesson, &lesson, lerr, sizeof(lerr)) < 0) {
			fprintf(stderr, "sockstep: %s\n", lerr);
			return 2;
		}
		enum net_mode want = lesson->net == LESSON_NET_LOOPBACK ? NET_LOOPBACK : NET_LAB;
		if (!o.net_given) {
			o.lab.mode = want;
		} else if (lesson->net_set && o.lab.mode != want) {
			fprintf(stderr, "sockstep: lesson %s is written for --net %s (its net: line); expected --net %s or no --net\n",
				lesson->name, lesson_net_name(lesson->net), lesson_net_name(lesson->net));
			lesson_free(lesson);
			return 2;
		}
		if (lesson->wait_set && !o.wait_given)
			o.wait_ms = lesson->wait_ms;
	}

	FILE *in = stdin;
	const char *name = "stdin";
	if (o.script) {
		in = open_script(o.script);
		if (!in)
			return 2;
		name = o.script;
	}
	bool tty = isatty(STDIN_FILENO) && !o.script;
	if (!o.batch && !tty) {
		fprintf(stderr, "sockstep: stdin is not a terminal; use --batch to run commands from a pipe or --script\n");
		return 2;
	}
	/* Files are opened now: once in the namespaces, as root we are nobody. */
	FILE *pcapf = NULL;
	if (o.write_path && !(pcapf = keep_high(fopen(o.write_path, "we"), "w"))) {
		fprintf(stderr, "sockstep: cannot write capture \"%s\": %s (%s)\n", o.write_path, strerror(errno),
			errno_name(errno));
		return 2;
	}
	FILE *logf = NULL;
	if (o.log_path && !(logf = keep_high(fopen(o.log_path, "ae"), "a"))) {
		fprintf(stderr, "sockstep: cannot write log \"%s\": %s (%s)\n", o.log_path, strerror(errno),
			errno_name(errno));
		return 2;
	}
	/* A send on a closed connection is a lesson (EPIPE), not a reason to die. */
	signal(SIGPIPE, SIG_IGN);

	/* Namespaces first: unshare(CLONE_NEWUSER) needs a single-threaded process. */
	char err[256];
	if (o.lab.mode != NET_HOST && lab_enter_userns(err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		fprintf(stderr, "sockstep: falling back to --net host (the machine's own network stack)\n");
		o.lab.mode = NET_HOST;
	}
	static struct app a; /* large; one per process */
	a.wait_ms = o.wait_ms;
	a.live = !o.batch;
	a.pcap = pcapf;
	if (app_init(&a, &o.lab, false, err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		return 2;
	}
	if (o.write_path && !a.wire) {
		fprintf(stderr, "sockstep: --write: there is no capture: %s\n", a.wire_why);
		return 2;
	}
	if (a.lab.mode == NET_HOST) {
		if (!a.wire && o.batch)
			fprintf(stderr, "sockstep: no capture: %s\n", a.wire_why);
		/* As tcpdump -Z: the capture is open, root is no longer needed. */
		if (geteuid() == 0 && in_initial_userns() && drop_root(err, sizeof(err)) < 0) {
			fprintf(stderr, "sockstep: %s\n", err);
			return 2;
		}
	}
	int status = 0;
	if (o.batch) {
		printf("sockstep %s batch, --net %s%s\n", SOCKSTEP_VERSION, lab_mode_name(a.lab.mode),
		       mode_blurb(&a.lab));
		int errors;
		if (lesson) {
			name = lesson->file;
			errors = lesson_batch(&a, lesson, stdout);
		} else {
			errors = batch_run(in, name, &a);
		}
		if (errors)
			fprintf(stderr, "sockstep: %d line%s of %s failed\n", errors, errors == 1 ? "" : "s", name);
		status = errors ? 1 : 0;
	} else {
		struct ui_opts uo = { .theme = o.theme, .log_path = o.log_path, .log = logf, .lesson = lesson };
		static struct app b; /* --compare: the second lab, UDP */
		if (lesson_b) {
			b.wait_ms = o.wait_ms;
			b.live = true;
			int r = app_init(&b, &o.lab, true, err, sizeof(err));
			if (r < 0) {
				fprintf(stderr, "sockstep: %s\n", err);
				app_close(&a);
				return 2;
			}
			uo.compare = &b;
			uo.compare_lesson = lesson_b;
		}
		status = ui_run(&a, &uo);
		if (lesson_b)
			app_close(&b);
	}

	app_close(&a);
	if (in != stdin)
		fclose(in);
	lesson_free(lesson);
	lesson_free(lesson_b);
	if (logf)
		fclose(logf);
	return status;
}
