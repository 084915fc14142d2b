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
#include "lesson_savefile.h"
#include "handout_md.h"
#include "lesson_run.h"
#include "options.h"
#include "out.h"
#include "priv.h"
#include "prog.h"
#include "trace.h"
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

/* --run's programs, started before any script or lesson line: in batch
 * printed as the script's lines are (errors: the lines that failed); on the
 * screen before it opens (-1 after one line: the start is refused). */
static int run_programs(const struct options *o, struct app *a, int width)
{
	char line[CMD_LINE_MAX + 64], err[CMD_ERR_MAX];
	int errors = 0;
	for (int i = 0; i < o->nrun && options_run_line(o, i, line, sizeof(line)) == 0; i++) {
		if (o->batch) {
			FILE *f = fmemopen(line, strlen(line), "r");
			errors += f ? batch_run_width(f, "--run", a, width) : 1;
			if (f)
				fclose(f);
			continue;
		}
		int rc = app_exec_line(a, line, err, sizeof(err));
		if (rc < 0 || rc == 2) {
			fprintf(stderr, "sockstep: --run %s: %s\n", tesc(o->run[i]), err);
			return -1;
		}
	}
	return errors;
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
		int errors = 0, run_errors = run_programs(o, a, width);
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
		if (run_errors)
			fprintf(stderr, "sockstep: %d of the --run programs failed to start\n", run_errors);
		if (errors)
			fprintf(stderr, "sockstep: %d line%s of %s failed\n", errors, errors == 1 ? "" : "s", name);
		return errors || run_errors ? 1 : 0;
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
	if (run_programs(o, a, 0) < 0)
		return 2;
	int status = ui_run(a, &uo);
	if (lesson_b)
		app_close(&b);
	return status;
}

/* What start-up holds, phase to phase; cleanup() releases it all. */
struct start {
	struct options o;
	struct lesson_file lf[2]; /* the lessons, read but not parsed */
	int nl;
	struct lesson *lesson, *lesson_b;
	FILE *in, *pcapf, *logf;
	const char *name;         /* of the commands' input, for error lines */
	struct app *a;
	bool app_up;              /* a holds a lab (app_close) */
	bool fell_back;           /* the user namespace was refused: --net host */
};

/* One line for what a phase was refused; the status of a refused start. */
static int refused(const char *err)
{
	fprintf(stderr, "sockstep: %s\n", err);
	return 2;
}

/* --list-lessons: with no privilege left, as the lessons are parsed. */
static int list_lessons(void)
{
	char err[256];
	if (priv_drop_all(err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		return 1;
	}
	return lesson_list(stdout) > 0 ? 0 : 1;
}

/* Files: the lessons are found and read now, as the user who asked, but
 * parsed only once the privileges are gone; the script or stdin. */
static int phase_files(struct start *s)
{
	const char *lnames[2] = { s->o.compare ? s->o.compare_with[0] : s->o.lesson, s->o.compare_with[1] };
	s->nl = s->o.compare ? 2 : s->o.lesson ? 1 : 0;
	for (int i = 0; i < s->nl; i++) {
		char lerr[CMD_ERR_MAX + CMD_PATH_MAX];
		if (lesson_read(lnames[i], &s->lf[i], lerr, sizeof(lerr)) < 0)
			return refused(lerr);
	}
	char err[256];
	if (fd_check(err, sizeof(err)) < 0)
		return refused(err);
	if (open_inputs(&s->o, s->lf, s->nl, &s->in, &s->name) < 0)
		return 2;
	/* A send on a closed connection is a lesson (EPIPE), not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	s->a->live = !s->o.batch;
	return 0;
}

/* Privileges. Namespaces first: unshare(CLONE_NEWUSER) needs a
 * single-threaded process, and leaves no privilege outside them. */
static int phase_privileges(struct start *s)
{
	char err[256];
	if (s->o.lab.mode != NET_HOST && priv_enter_userns(err, sizeof(err)) < 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		fprintf(stderr, "sockstep: falling back to --net host (the machine's own network stack)\n");
		s->o.lab.mode = NET_HOST;
		s->fell_back = true;
	}
	/* From here no other process of this uid may read our memory or open
	 * our descriptors: not the capture ring, which --net host opens next
	 * (the lab's uid_map, written above, needs a dumpable process). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (s->o.lab.mode != NET_HOST)
		return 0;
	/* As tcpdump -Z: the capture is opened, then root and every
	 * capability (also those of 'setcap cap_net_raw+ep') go. */
	if (app_init(s->a, &s->o.lab, false, err, sizeof(err)) < 0)
		return refused(err);
	s->app_up = true;
	return priv_drop_all(err, sizeof(err)) < 0 ? refused(err) : 0;
}

/* Lessons: parsed with no privilege left; a screen needs a terminal. */
static int phase_lessons(struct start *s)
{
	if (parse_lessons(&s->o, s->lf, s->nl, s->fell_back, &s->lesson, &s->lesson_b) != 0)
		return 2;
	if (!s->o.batch && !isatty(STDIN_FILENO))
		return refused("stdin is not a terminal; use --batch to run commands from a pipe or --script");
	s->a->wait_ms = s->o.wait_ms;
	return 0;
}

/* The outputs, as the user, once nothing can refuse the run any more; then
 * the lab (in --net host, the capture opened above gets --write). */
static int phase_lab(struct start *s)
{
	struct app *a = s->a;
	char err[256];
	if (s->o.write_path && s->app_up && !a->wire) {
		fprintf(stderr, "sockstep: --write: there is no capture: %s\n", a->wire_why);
		return 2;
	}
	if (open_outputs(&s->o, &s->pcapf, &s->logf) < 0)
		return 2;
	if (!s->app_up) {
		a->pcap = s->pcapf; /* the app owns it now */
		a->pcap_name = s->o.write_path;
		s->pcapf = NULL;
		if (app_init(a, &s->o.lab, false, err, sizeof(err)) < 0)
			return refused(err);
		s->app_up = true;
	} else if (s->pcapf) {
		if (wire_write_to(a->wire, s->pcapf, s->o.write_path, err, sizeof(err)) < 0)
			return refused(err);
		s->pcapf = NULL; /* the wire owns it now */
	}
	if (s->o.write_path && !a->wire) {
		fprintf(stderr, "sockstep: --write: there is no capture: %s\n", a->wire_why);
		return 2;
	}
	if (a->lab.mode == NET_HOST && !a->wire && s->o.batch)
		fprintf(stderr, "sockstep: no capture: %s\n", a->wire_why);
	return 0;
}

/* The one cleanup, whichever phase stopped. */
static void cleanup(struct start *s)
{
	if (s->app_up)
		app_close(s->a);
	else if (s->a->pcap)
		fclose(s->a->pcap);
	s->a->pcap = NULL;
	if (s->pcapf)
		fclose(s->pcapf);
	if (s->in != stdin)
		fclose(s->in);
	for (int i = 0; i < 2; i++)
		lesson_file_free(&s->lf[i]);
	lesson_free(s->lesson);
	lesson_free(s->lesson_b);
	if (s->logf)
		fclose(s->logf);
}

/* Start-up in named phases, as bubblewrap's main: options; files, opened
 * with the user's rights while privileged, nothing parsed; privileges given
 * up (a capture opened first in --net host, else our own user namespace);
 * the lessons parsed; the outputs and the lab; the run. One cleanup. */
int main(int argc, char **argv)
{
	/* A side's program, exec'd by sockstep (prog.c): nothing of sockstep's
	 * start-up runs in it. */
	if (argc > 1 && !strcmp(argv[1], PROG_RUNNER_FLAG))
		return prog_runner(argc, argv, engine_perform_of);
	/* A traced program's trampoline (trace_spawn.c): it becomes the program. */
	if (argc > 1 && !strcmp(argv[1], TRACE_RUNNER_FLAG))
		return trace_runner(argc, argv);
	if (std_fds_open() < 0)
		return 2; /* no /dev/null: nowhere to say so either */
	priv_init();
	out_init(); /* stderr escaped; stdout checked at exit, as close_stdout does */
	app_set_saver(lesson_save_app); /* "save lesson": the engine's layer knows no lesson files */
	static struct app a; /* large; one per process */
	struct start s = { .in = stdin, .name = "stdin", .a = &a };
	int status = options_parse(argc, argv, &s.o);
	if (status)
		return status == 1 ? 0 : status;
	if (s.o.read_path)
		return read_capture(s.o.read_path);
	if (s.o.list_lessons)
		return list_lessons();
	status = phase_files(&s);
	if (!status)
		status = phase_privileges(&s);
	if (!status)
		status = phase_lessons(&s);
	if (!status)
		status = phase_lab(&s);
	if (!status)
		status = run(&s.o, &a, s.lesson, s.lesson_b, s.in, s.name, s.logf);
	cleanup(&s);
	return status;
}
