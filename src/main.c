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
#include "options.h"
#include "out.h"
#include "priv.h"
#include "prog.h"
#include "session.h"
#include "text.h"
#include "ui.h"
#include "wrap.h"

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
	int rc = options_parse(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
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
