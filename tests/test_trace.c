/* test_trace.c - the tracing mechanism (src/net/trace*.c) on a real
 * program (tests/trace_prog.c): the socket calls it makes, stopped at,
 * read and stepped in order; faults; fork, threads, exec; io_uring refused;
 * its output in order with its calls; the hosts file; detach and kill; and
 * trace_resolve's refusals. Runs in a user and network namespace of its
 * own where the system allows one (as sockstep's lab does), else on the
 * machine's loopback (or with TRACE_TEST_NO_USERNS set: to check the path
 * of a user in --net host). Usage: test_trace PATH-OF-trace_prog */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace.h"

static const char *prog; /* trace_prog, built beside this test */
static bool in_userns;    /* in a user namespace of our own (own_namespaces) */

struct run {
	struct tracer tr;
	pid_t pid;
	int in, out;
	char note[300], err[300];
	char outbuf[4096];
	size_t outlen;
};

static struct run R;

/* ptrace refused by the system: a SKIP, except in CI (root), where it fails. */
static void refused(void)
{
	if (getenv("CI"))
		fail_msg("ptrace refused in CI: %s", R.err);
	print_message("SKIP: %s\n", R.err);
	skip();
}

/* Start trace_prog MODE under the tracer; SKIP only where ptrace is refused. */
static void start_as(const char *mode, const char *hosts, bool tty)
{
	memset(&R, 0, sizeof(R));
	if (trace_init(&R.tr, R.err, sizeof(R.err)) == -EPERM)
		refused();
	char *argv[] = { "trace_prog", (char *)mode, NULL };
	struct trace_opts o = { .path = prog, .argv = argv, .hosts = hosts, .name = "client", .tty = tty };
	struct tracee *t = trace_spawn(&R.tr, &o, &R.in, &R.out, R.note, sizeof(R.note), R.err, sizeof(R.err));
	if (!t && strstr(R.err, "EPERM"))
		refused();
	if (!t)
		fail_msg("trace_spawn: %s", R.err);
	R.pid = t->pid;
}

static void start(const char *mode, const char *hosts)
{
	start_as(mode, hosts, false);
}

static void finish(void)
{
	trace_free(&R.tr);
	close(R.in);
	close(R.out);
}

/* What the program wrote so far. */
static const char *output(void)
{
	ssize_t n;
	while (R.outlen < sizeof(R.outbuf) - 1 &&
	       (n = read(R.out, R.outbuf + R.outlen, sizeof(R.outbuf) - 1 - R.outlen)) > 0)
		R.outlen += (size_t)n;
	R.outbuf[R.outlen] = '\0';
	return R.outbuf;
}

/* The next event, waiting for it on the signalfd (60 s at most). */
static void next(struct trace_ev *ev)
{
	for (;;) {
		int n = trace_next_event(&R.tr, ev);
		assert_true(n >= 0);
		if (n == 1)
			return;
		struct pollfd pf = { .fd = R.tr.sigfd, .events = POLLIN };
		if (poll(&pf, 1, 60000) == 0)
			fail_msg("no event from the traced program in 60 s");
	}
}

static bool on_descriptor(int nr)
{
	return nr == SYS_read || nr == SYS_write || nr == SYS_readv || nr == SYS_writev || nr == SYS_close ||
	       nr == SYS_fcntl;
}

/* The next event that is not a stop on a file's descriptor (the loader's
 * reads of libc, as the engine answers them: resumed at once). */
static void next_call(struct trace_ev *ev)
{
	for (;;) {
		next(ev);
		if (ev->kind != TEV_ENTER || !on_descriptor(ev->nr))
			return;
		struct tracee *t = trace_find(&R.tr, ev->pid);
		assert_non_null(t);
		if (trace_fd_is_socket(t, (int)ev->args[0]))
			return;
		assert_int_equal(trace_resume(&R.tr, t), 0);
	}
}

/* The next socket call must be nr: stepped to its exit (after the fault,
 * if any), resumed; its return value. */
static long call(int nr, int fault_err, long fault_short, struct trace_ev *enter)
{
	struct trace_ev ev;
	next_call(&ev);
	if (ev.kind != TEV_ENTER || ev.nr != nr)
		fail_msg("expected the call %d, got event %d (call %d, signal %d, pid %d)", nr, ev.kind, ev.nr, ev.signo, (int)ev.pid);
	if (enter)
		*enter = ev;
	struct tracee *t = trace_find(&R.tr, ev.pid);
	assert_non_null(t);
	assert_true(t->at_enter);
	if (fault_err || fault_short)
		assert_int_equal(trace_fault(&R.tr, t, fault_err, fault_short), 0);
	assert_int_equal(trace_step(&R.tr, t), 0);
	struct trace_ev ex;
	next(&ex);
	assert_int_equal(ex.kind, TEV_EXIT_CALL);
	assert_int_equal(ex.pid, ev.pid);
	assert_int_equal(ex.nr, nr);
	assert_true(t->at_exit);
	assert_int_equal(trace_resume(&R.tr, t), 0);
	return ex.ret;
}

static void expect_kind(enum trace_ev_kind kind, struct trace_ev *ev)
{
	next_call(ev);
	if (ev->kind != kind)
		fail_msg("expected event %d, got %d (call %d)", kind, ev->kind, ev->nr);
}

static void expect_exec(void)
{
	struct trace_ev ev;
	expect_kind(TEV_EXEC, &ev);
	assert_int_equal(ev.pid, R.pid);
	assert_non_null(strstr(ev.text, "trace_prog"));
}

static void expect_gone(pid_t pid, int code)
{
	struct trace_ev ev;
	expect_kind(TEV_GONE, &ev);
	assert_int_equal(ev.pid, pid);
	assert_int_equal(ev.signo, 0);
	assert_int_equal(ev.code, code);
}

/* The lecture's calls in order, with their arguments read from the
 * program's memory and their results; a short read and an EINTR. */
static void calls_in_order(void **state)
{
	(void)state;
	start("net", NULL);
	expect_exec();
	struct trace_ev e;
	assert_int_equal(call(SYS_socket, 0, 0, &e), 3);
	assert_int_equal(e.args[0], AF_INET);
	assert_int_equal(e.args[1], SOCK_STREAM);
	assert_int_equal(call(SYS_bind, 0, 0, &e), 0);
	struct sockaddr_in sa;
	assert_int_equal(e.args[2], sizeof(sa));
	struct tracee *t = trace_find(&R.tr, R.pid);
	assert_int_equal(trace_read(t, e.args[1], &sa, sizeof(sa)), sizeof(sa));
	assert_int_equal(sa.sin_family, AF_INET);
	assert_int_equal(ntohl(sa.sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(call(SYS_listen, 0, 0, &e), 0);
	assert_int_equal(call(SYS_getsockname, 0, 0, &e), 0);
	assert_int_equal(trace_read(t, e.args[1], &sa, sizeof(sa)), sizeof(sa));
	assert_true(ntohs(sa.sin_port) > 0); /* the port the kernel picked, read back at the exit */
	assert_int_equal(call(SYS_socket, 0, 0, NULL), 4);
	assert_int_equal(call(SYS_connect, 0, 0, &e), 0);
	struct sockaddr_in to;
	assert_int_equal(trace_read(t, e.args[1], &to, sizeof(to)), sizeof(to));
	assert_int_equal(to.sin_port, sa.sin_port);
	struct trace_ev acc;
	next_call(&acc); /* accept or accept4, as this libc makes it */
	assert_int_equal(acc.kind, TEV_ENTER);
	assert_true(acc.nr == SYS_accept || acc.nr == SYS_accept4);
	assert_int_equal(trace_step(&R.tr, t), 0);
	next(&acc);
	assert_int_equal(acc.kind, TEV_EXIT_CALL);
	assert_int_equal(acc.ret, 5);
	assert_int_equal(trace_resume(&R.tr, t), 0);
	assert_int_equal(call(SYS_sendto, 0, 0, &e), 5); /* send() is sendto with no address */
	char buf[8] = "";
	assert_int_equal(trace_read(t, e.args[1], buf, 5), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(e.args[4], 0);
	assert_int_equal(call(SYS_shutdown, 0, 0, NULL), 0);
	/* recv short 2: two bytes of five, as the program sees. */
	assert_int_equal(call(SYS_recvfrom, 0, 2, &e), 2);
	assert_int_equal(e.args[0], 5);
	assert_int_equal(e.args[2], 64); /* the length as the program asked */
	/* recv eintr: the call is skipped; stopped before it, the program has
	 * already written (and flushed) its line about the first recv. */
	struct trace_ev ev;
	next_call(&ev);
	assert_int_equal(ev.kind, TEV_ENTER);
	assert_int_equal(ev.nr, SYS_recvfrom);
	assert_string_equal(output(), "recv 2 he\n");
	assert_int_equal(trace_fault(&R.tr, t, EINTR, 0), 0);
	assert_int_equal(trace_step(&R.tr, t), 0);
	next(&ev);
	assert_int_equal(ev.kind, TEV_EXIT_CALL);
	assert_int_equal(ev.ret, -EINTR);
	assert_true(ev.faulted);
	assert_false(ev.restarted);
	assert_int_equal(trace_resume(&R.tr, t), 0);
	/* Skipped, not performed: the three bytes are still there. */
	assert_int_equal(call(SYS_recvfrom, 0, 0, NULL), 3);
	assert_int_equal(call(SYS_close, 0, 0, &e), 0);
	assert_int_equal(e.args[0], 4);
	assert_int_equal(call(SYS_close, 0, 0, NULL), 0);
	assert_int_equal(call(SYS_close, 0, 0, NULL), 0);
	expect_gone(R.pid, 0);
	assert_string_equal(output(), "recv 2 he\nrecv2 -1 4\nrecv3 3 llo\n");
	assert_int_equal(trace_next_event(&R.tr, &ev), 0);
	finish();
}

/* A fault that does not fit is refused and changes nothing. */
static void fault_refusals(void **state)
{
	(void)state;
	start("net", NULL);
	expect_exec();
	struct trace_ev ev;
	next_call(&ev);
	assert_int_equal(ev.nr, SYS_socket);
	struct tracee *t = trace_find(&R.tr, R.pid);
	assert_int_equal(trace_fault(&R.tr, t, 0, 3), -EINVAL);      /* no length to cut in socket() */
	assert_int_equal(trace_fault(&R.tr, t, EINTR, 3), -EINVAL);  /* one fault at a time */
	assert_int_equal(trace_fault(&R.tr, t, -1, 0), -EINVAL);
	assert_int_equal(trace_step(&R.tr, t), 0);
	next(&ev);
	assert_int_equal(ev.ret, 3);
	assert_false(ev.faulted);
	assert_int_equal(trace_fault(&R.tr, t, EINTR, 0), -EINVAL); /* at the exit: too late */
	assert_int_equal(trace_step(&R.tr, t), -EINVAL);
	assert_int_equal(trace_kill(&R.tr, t), 0);
	expect_kind(TEV_GONE, &ev);
	assert_int_equal(ev.signo, SIGKILL);
	finish();
}

/* fork: the child is followed, its call stops too, each ends on its own. */
static void fork_followed(void **state)
{
	(void)state;
	start("fork", NULL);
	expect_exec();
	struct trace_ev ev;
	expect_kind(TEV_NEW, &ev);
	assert_int_equal(ev.parent, R.pid);
	assert_false(ev.thread);
	pid_t child = ev.pid;
	struct trace_ev e;
	assert_int_equal(call(SYS_socket, 0, 0, &e), 3);
	assert_int_equal(e.pid, child);
	assert_int_equal(e.args[1], SOCK_DGRAM);
	expect_gone(child, 7);
	/* Its parent learns of it once the tracer has reaped it: SIGCHLD. */
	expect_kind(TEV_SIGNAL, &ev);
	assert_int_equal(ev.pid, R.pid);
	assert_int_equal(ev.signo, SIGCHLD);
	assert_int_equal(call(SYS_socket, 0, 0, &e), 3);
	assert_int_equal(e.pid, R.pid);
	assert_int_equal(e.args[0], AF_INET6);
	expect_gone(R.pid, 0);
	assert_string_equal(output(), "child 7 socket 3\n");
	finish();
}

/* A thread: a new tracee of the same process, named as a thread. */
static void thread_followed(void **state)
{
	(void)state;
	start("thread", NULL);
	expect_exec();
	struct trace_ev ev;
	expect_kind(TEV_NEW, &ev);
	assert_true(ev.thread);
	pid_t tid = ev.pid;
	assert_int_equal(trace_find(&R.tr, tid)->tgid, R.pid);
	struct trace_ev e;
	assert_int_equal(call(SYS_socket, 0, 0, &e), 3);
	assert_int_equal(e.pid, tid);
	expect_gone(tid, 0);
	expect_gone(R.pid, 0);
	assert_string_equal(output(), "thread socket 3\n");
	finish();
}

/* exec keeps the filter and the tracing; io_uring_setup fails ENOSYS,
 * told as refused. */
static void exec_followed_io_uring_refused(void **state)
{
	(void)state;
	start("exec", NULL);
	expect_exec();
	expect_exec(); /* the program exec'd itself */
	struct trace_ev ev;
	expect_kind(TEV_REFUSED, &ev);
	assert_int_equal(ev.nr, SYS_io_uring_setup);
	expect_gone(R.pid, 0);
	char want[64];
	snprintf(want, sizeof(want), "io_uring_setup -1 %d\n", ENOSYS);
	assert_string_equal(output(), want);
	finish();
}

/* A stepped call that blocks: told as blocked, in that call; a signal
 * interrupts it: the exit says restarted, the signal follows, the program
 * sees EINTR (its handler has no SA_RESTART). */
static void blocked_then_signal(void **state)
{
	(void)state;
	start("block", NULL);
	expect_exec();
	assert_int_equal(call(SYS_socketpair, 0, 0, NULL), 0);
	struct trace_ev ev;
	next_call(&ev);
	assert_int_equal(ev.nr, SYS_recvfrom);
	struct tracee *t = trace_find(&R.tr, R.pid);
	assert_int_equal(trace_step(&R.tr, t), 0);
	/* Wait on the state: asleep in recvfrom (10 s at most). */
	struct timespec ms = { 0, 1000000 };
	int i = 0;
	while (!(trace_blocked(t) && trace_syscall_now(t) == SYS_recvfrom) && i++ < 10000)
		nanosleep(&ms, NULL);
	assert_true(trace_blocked(t));
	assert_int_equal(trace_syscall_now(t), SYS_recvfrom);
	assert_int_equal(trace_next_event(&R.tr, &ev), 0); /* nothing to tell while it sleeps */
	assert_int_equal(kill(R.pid, SIGUSR1), 0);
	next(&ev);
	assert_int_equal(ev.kind, TEV_EXIT_CALL);
	assert_true(ev.restarted);
	assert_int_equal(trace_resume(&R.tr, t), 0);
	expect_kind(TEV_SIGNAL, &ev);
	assert_int_equal(ev.signo, SIGUSR1);
	expect_gone(R.pid, 0);
	char want[64];
	snprintf(want, sizeof(want), "block -1 %d\n", EINTR);
	assert_string_equal(output(), want);
	finish();
}

/* Detached: it runs on by itself, its calls work (no ENOSYS), no more
 * stops are told. */
static void detach_runs_free(void **state)
{
	(void)state;
	start("net", NULL);
	expect_exec();
	struct trace_ev ev;
	next_call(&ev);
	assert_int_equal(ev.nr, SYS_socket);
	assert_int_equal(trace_detach(&R.tr, trace_find(&R.tr, R.pid)), 0);
	expect_gone(R.pid, 0);
	assert_string_equal(output(), "recv 5 hello\nrecv2 0 0\nrecv3 0 \n");
	finish();
}

/* The lab's names: the hosts text over /etc/hosts, for the program only. */
static void hosts_file(void **state)
{
	(void)state;
	start("hosts", "10.9.8.7\tlabserver\n");
	expect_exec();
	FILE *f = fopen("/etc/hosts", "re"); /* ours is untouched */
	char line[256] = "", want[300];
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_null(strstr(line, "labserver"));
	bool may = in_userns || getuid() == 0;
	if (may && R.note[0])
		fail_msg("the hosts file was not put in place: %s", R.note);
	if (!may) /* outside a user namespace, as a user: told, not failed */
		assert_non_null(strstr(R.note, "the lab's names are not in the program's /etc/hosts (unshare(CLONE_NEWNS): EPERM"));
	expect_gone(R.pid, 0);
	snprintf(want, sizeof(want), "hosts %s", may ? "10.9.8.7\tlabserver\n" : line);
	assert_string_equal(output(), want);
	finish();
}

/* Output on a pseudo-terminal: stdio writes each line at its newline, so
 * the line before a call is there when the call stops; on a pipe it is not
 * (the buffer waits for the exit). */
static void output_on_tty_in_order(void **state)
{
	(void)state;
	for (int tty = 0; tty <= 1; tty++) {
		start_as("lines", NULL, tty);
		expect_exec();
		struct trace_ev ev;
		next_call(&ev);
		assert_int_equal(ev.nr, SYS_socket);
		assert_string_equal(output(), tty ? "before\n" : "");
		assert_int_equal(trace_resume(&R.tr, trace_find(&R.tr, R.pid)), 0);
		expect_gone(R.pid, 0);
		assert_string_equal(output(), "before\nafter 3\n");
		finish();
	}
}

/* trace_free with a process stopped in two threads: both ended and
 * reaped, nothing left behind. */
static void free_ends_all(void **state)
{
	(void)state;
	start("thread", NULL);
	expect_exec();
	struct trace_ev ev;
	expect_kind(TEV_NEW, &ev);
	next_call(&ev);
	assert_int_equal(ev.nr, SYS_socket);
	pid_t pid = R.pid;
	trace_free(&R.tr);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	close(R.in);
	close(R.out);
}

/* A file made for a refusal: mode and first bytes. */
static void make_file(const char *path, mode_t mode, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	chmod(path, mode);
}

/* An ELF header's first 20 bytes: class, and machine (little-endian). */
static void elf_header(unsigned char *h, int cls, unsigned machine)
{
	memset(h, 0, 20);
	memcpy(h, "\177ELF", 4);
	h[4] = (unsigned char)cls;
	h[5] = 1;
	h[18] = (unsigned char)(machine & 0xff);
	h[19] = (unsigned char)(machine >> 8);
}

static void resolve_refusals(void **state)
{
	(void)state;
	char path[4096], err[300], dir[] = "/tmp/trace-resolve-XXXXXX", f[4200];
	assert_non_null(mkdtemp(dir));
	assert_int_equal(trace_resolve(prog, path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, prog);
	assert_int_equal(trace_resolve("sh", path, sizeof(path), err, sizeof(err)), 0); /* from PATH */
	assert_string_equal(strrchr(path, '/'), "/sh");
	assert_int_equal(trace_resolve("no-such-program-here", path, sizeof(path), err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no-such-program-here: not found in PATH nor among sockstep's examples"));
	assert_int_equal(trace_resolve(dir, path, sizeof(path), err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, "is a directory: expected a program file"));
	snprintf(f, sizeof(f), "%s/nofile", dir);
	assert_int_equal(trace_resolve(f, path, sizeof(path), err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no such file"));
	unsigned char h[20];
	elf_header(h, 2, 62);
	snprintf(f, sizeof(f), "%s/noexec", dir);
	make_file(f, 0644, h, sizeof(h));
	assert_int_equal(trace_resolve(f, path, sizeof(path), err, sizeof(err)), -EACCES);
	assert_non_null(strstr(err, "is not executable"));
	snprintf(f, sizeof(f), "%s/text", dir);
	make_file(f, 0755, "hello there, world!!", 20);
	assert_int_equal(trace_resolve(f, path, sizeof(path), err, sizeof(err)), -ENOEXEC);
	assert_non_null(strstr(err, "is not a program: expected an ELF executable or a script starting with #!"));
	snprintf(f, sizeof(f), "%s/i386", dir);
	elf_header(h, 1, 3);
	make_file(f, 0755, h, sizeof(h));
	assert_int_equal(trace_resolve(f, path, sizeof(path), err, sizeof(err)), -ENOEXEC);
	assert_non_null(strstr(err, "is a 32-bit program: sockstep traces"));
	assert_non_null(strstr(err, "(socketcall is not traced)"));
	snprintf(f, sizeof(f), "%s/arm", dir);
#if defined(__x86_64__)
	elf_header(h, 2, 183); /* aarch64 */
#else
	elf_header(h, 2, 62); /* x86_64 */
#endif
	make_file(f, 0755, h, sizeof(h));
	assert_int_equal(trace_resolve(f, path, sizeof(path), err, sizeof(err)), -ENOEXEC);
	assert_non_null(strstr(err, "is a program for"));
	snprintf(f, sizeof(f), "%s/script", dir);
	make_file(f, 0755, "#!/bin/sh\nexit 0\n", 17);
	assert_int_equal(trace_resolve(f, path, sizeof(path), err, sizeof(err)), 0);
	/* A bare name among the examples beside the binary (build/examples/). */
	char self[4096];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(sl > 0);
	self[sl] = '\0';
	*strrchr(self, '/') = '\0';
	char ex[4200], exf[4300];
	snprintf(ex, sizeof(ex), "%s/examples", self);
	bool made = mkdir(ex, 0755) == 0;
	snprintf(exf, sizeof(exf), "%s/trace-test-example", ex);
	if (access(ex, W_OK) < 0) { /* a user who may not write the build folder */
		print_message("the examples folder %s is not writable: its lookup untested\n", ex);
		goto out;
	}
	make_file(exf, 0755, "#!/bin/sh\nexit 0\n", 17);
	assert_int_equal(trace_resolve("trace-test-example", path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, exf);
	unlink(exf);
out:
	if (made)
		rmdir(ex);
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -r %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* A user and network namespace of our own, loopback up, as sockstep's
 * lab: root there (so the hosts file may be mounted), nobody outside. */
static void own_namespaces(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (getenv("TRACE_TEST_NO_USERNS") || unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return; /* not allowed here: the machine's loopback then */
	in_userns = true;
	char map[64];
	int fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, "deny", 4);
		close(fd);
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, map, strlen(map));
		close(fd);
	}
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	fd = open("/proc/self/gid_map", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, map, strlen(map));
		close(fd);
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (s >= 0)
		close(s);
}

int main(int argc, char **argv)
{
	/* The trampoline: trace_spawn execs /proc/self/exe, this test. */
	if (argc > 1 && !strcmp(argv[1], TRACE_RUNNER_FLAG))
		return trace_runner(argc, argv);
	if (argc != 2) {
		fprintf(stderr, "usage: test_trace PATH-OF-trace_prog\n");
		return 2;
	}
	prog = argv[1];
	own_namespaces();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calls_in_order),
		cmocka_unit_test(fault_refusals),
		cmocka_unit_test(fork_followed),
		cmocka_unit_test(thread_followed),
		cmocka_unit_test(exec_followed_io_uring_refused),
		cmocka_unit_test(blocked_then_signal),
		cmocka_unit_test(detach_runs_free),
		cmocka_unit_test(hosts_file),
		cmocka_unit_test(output_on_tty_in_order),
		cmocka_unit_test(free_ends_all),
		cmocka_unit_test(resolve_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
