/* main.c - options, the order of start-up, and the mode: batch or interactive. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "cmd.h"
#include "config.h"
#include "engine.h"
#include "lab.h"
#include "session.h"

struct options {
	bool batch;
	const char *script;
	struct lab_config lab;
	unsigned wait_ms;
};

static void usage(FILE *f)
{
	fputs("Usage: sockstep [OPTION]...\n"
	      "Teach the BSD socket API with real system calls, one step at a time.\n"
	      "\n"
	      "  -b, --batch            run commands without a terminal: from --script, else stdin;\n"
	      "                         print each C call, its result, the sockaddr_in bytes and\n"
	      "                         the 5-tuple rows it changed; exit 1 if any line failed\n"
	      "  -s, --script FILE      read commands from FILE (with --batch)\n"
	      "  -n, --net MODE         where the sockets live (default loopback):\n"
	      "                           loopback  a private network namespace, both sides on 127.0.0.1\n"
	      "                           host      the machine's own network stack\n"
	      "  -w, --wait DURATION    batch: how long a blocked call is waited for before it is\n"
	      "                         reported still blocked (default 2s; e.g. 500ms, 0)\n"
	      "  -h, --help             show this help and exit\n"
	      "  -V, --version          show the version and exit\n"
	      "\n"
	      "Commands (one per line; see sockstep(1)):\n"
	      "  server socket tcp            server bind 127.0.0.1 1000     server listen 5\n"
	      "  server accept                client socket tcp              client connect 127.0.0.1 1000\n"
	      "  client send \"hola\"           server recv                    client close\n"
	      "  server socket udp            server recvfrom                client sendto 127.0.0.1 5000 \"hola\"\n"
	      "  inet_addr 255.255.255.255    htons 1000                     expect client state ESTABLISHED\n"
	      "\n"
	      "Example:\n"
	      "  printf 'server socket tcp\\nserver bind 127.0.0.1 1000\\n' | sockstep --batch\n",
	      f);
}

/* Parse argv; returns 0, or 2 after printing one line for a bad option. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "batch", no_argument, NULL, 'b' },   { "script", required_argument, NULL, 's' },
		{ "net", required_argument, NULL, 'n' }, { "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },    { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->lab.mode = NET_LOOPBACK;
	o->wait_ms = 2000;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, ":bs:n:w:hV", longs, NULL)) != -1) {
		switch (ch) {
		case 'b':
			o->batch = true;
			break;
		case 's':
			o->script = optarg;
			break;
		case 'n':
			if (lab_parse_mode(optarg, &o->lab.mode) < 0 || o->lab.mode == NET_LAB) {
				fprintf(stderr, "sockstep: bad --net \"%s\": expected loopback or host\n", optarg);
				return 2;
			}
			break;
		case 'w':
			if (cmd_parse_ms(optarg, &o->wait_ms) < 0) {
				fprintf(stderr, "sockstep: bad --wait \"%s\": expected a duration such as 2s, 500ms or 0\n",
					optarg);
				return 2;
			}
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
	if (o->script && !o->batch) {
		fprintf(stderr, "sockstep: --script needs --batch\n");
		return 2;
	}
	return 0;
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
	/* Keep the script's descriptor out of the way of the lesson's sockets. */
	int high = fcntl(fileno(f), F_DUPFD_CLOEXEC, 100);
	if (high >= 0) {
		FILE *g = fdopen(high, "r");
		if (g) {
			fclose(f);
			f = g;
		} else
			close(high);
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "sockstep: script \"%s\" is a directory; expected a file of commands\n", path);
		fclose(f);
		return NULL;
	}
	return f;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc;

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

	/* A send on a closed connection is a lesson (EPIPE), not a reason to die. */
	signal(SIGPIPE, SIG_IGN);

	/* Namespaces first: unshare(CLONE_NEWUSER) needs a single-threaded process. */
	char err[256];
	if (o.lab.mode != NET_HOST && lab_enter_userns(err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		fprintf(stderr, "sockstep: falling back to --net host (the machine's own network stack)\n");
		o.lab.mode = NET_HOST;
	}
	struct lab lab;
	if (lab_setup(&lab, &o.lab, err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		return 2;
	}

	struct session log;
	struct engine eng;
	session_init(&log);
	engine_init(&eng, &lab, &log);
	if (o.batch)
		printf("sockstep %s batch, --net %s%s\n", SOCKSTEP_VERSION, lab_mode_name(lab.mode),
		       lab.mode == NET_LOOPBACK ? " (a private network namespace; both sides on 127.0.0.1)"
		       : lab.mode == NET_HOST   ? " (the machine's own network stack)"
						: "");
	else
		printf("sockstep %s, --net %s. Type commands (\"server socket tcp\"), Ctrl-D to quit.\n",
		       SOCKSTEP_VERSION, lab_mode_name(lab.mode));

	struct batch_opts bo = { .wait_ms = o.wait_ms, .interactive = !o.batch };
	int errors = batch_run(in, name, &eng, &log, &bo);
	if (o.batch && errors)
		fprintf(stderr, "sockstep: %d line%s of %s failed\n", errors, errors == 1 ? "" : "s", name);

	engine_free(&eng);
	session_free(&log);
	lab_teardown(&lab);
	if (in != stdin)
		fclose(in);
	return o.batch && errors ? 1 : 0;
}
