/* trace_runner.c - a traced program's trampoline: sockstep's own binary,
 * exec'd clean (sockstep --trace-runner), becomes the program: the lab's
 * hosts file put in place, privileges dropped, the handshake, the seccomp
 * filter, the exec (see trace.h). */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "names.h" /* errno_name */
#include "priv.h"
#include "trace_filter.h"

/* The control socket sockstep hands the trampoline at 3: a Unix
 * SOCK_SEQPACKET socket. Anything else means a person typed the flag. */
static bool is_ctl(int fd)
{
	int type = 0, domain = 0;
	socklen_t tl = sizeof(type), dl = sizeof(domain);
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_SEQPACKET &&
	       getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) == 0 && domain == AF_UNIX;
}

static bool write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* The lab's names for this program only: a mount namespace of its own in
 * which a file on a private tmpfs (mounted on /tmp a moment, then taken
 * off: the bind mount keeps it) covers /etc/hosts. Allowed inside sockstep's
 * user namespace (the lab, loopback), not to a user in --net host: then a
 * note, and names resolve as on this machine. */
static void hosts_mount(const char *text, size_t len, char *note, size_t notelen)
{
	const char *step = "unshare(CLONE_NEWNS)";
	bool tmp = false;
	int e = unshare(CLONE_NEWNS) < 0 ? errno : 0;
	if (!e && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		step = "mount --make-rprivate /";
		e = errno;
	}
	if (!e && mount("sockstep-hosts", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=256k,mode=755") < 0) {
		step = "mount tmpfs /tmp";
		e = errno;
	}
	tmp = !e;
	int fd = e ? -1 : open("/tmp/hosts", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (!e && (fd < 0 || !write_all(fd, text, len))) {
		step = "writing the hosts file";
		e = errno ? errno : EIO;
	}
	if (fd >= 0)
		close(fd);
	if (!e && mount("/tmp/hosts", "/etc/hosts", NULL, MS_BIND, NULL) < 0) {
		step = "mount --bind over /etc/hosts";
		e = errno;
	}
	if (tmp)
		umount2("/tmp", MNT_DETACH);
	if (e)
		snprintf(note, notelen, "the lab's names are not in the program's /etc/hosts (%s: %s; allowed "
			 "only inside sockstep's user namespace): names resolve as on this machine", step, errno_name(e));
}

/* A decimal pid, whole. */
static bool parse_pid(const char *s, pid_t *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return false;
	*out = (pid_t)v;
	return true;
}

/* Before the go: the hosts file, the drop, the check that the user may
 * run the program. The hello says how it went. */
static void get_ready(char **argv, struct trace_hello *h)
{
	static char hosts[TRACE_HOSTS_MAX + 2];
	ssize_t n = recv(3, hosts, sizeof(hosts) - 1, 0);
	if (n <= 0 || hosts[0] != 'H')
		_exit(127); /* sockstep is gone */
	if (n > 1)
		hosts_mount(hosts + 1, (size_t)n - 1, h->text, sizeof(h->text));
	char why[200];
	int rc = priv_traced_drop(why, sizeof(why));
	if (rc < 0) {
		h->err = -rc;
		snprintf(h->text, sizeof(h->text), "cannot start the program: %s", why);
		return;
	}
	/* sockstep reads its memory and takes copies of its sockets: that
	 * needs a dumpable process; it holds nothing of sockstep's. */
	prctl(PR_SET_DUMPABLE, 1);
	prctl(PR_SET_NAME, argv[3]);
	if (access(argv[5], X_OK) < 0) {
		h->err = errno;
		snprintf(h->text, sizeof(h->text), "cannot run %.200s as uid %u: %s", argv[5], (unsigned)getuid(),
			 errno_name(h->err));
	}
}

/* A program built with -fsanitize=address checks for leaks at its exit by
 * stopping its threads with ptrace, which a traced process cannot do: it
 * would fail ("LeakSanitizer has encountered a fatal error") and exit 1.
 * The leak check is turned off in its environment; the rest of ASan works. */
static void leaks_off(void)
{
	const char *cur = getenv("ASAN_OPTIONS");
	char v[1024];
	if (cur && *cur && snprintf(v, sizeof(v), "%s:detect_leaks=0", cur) < (int)sizeof(v))
		setenv("ASAN_OPTIONS", v, 1);
	else if (!cur || !*cur)
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
}

int trace_runner(int argc, char **argv)
{
	pid_t parent;
	if (argc < 7 || strcmp(argv[2], "3") || !*argv[3] || strlen(argv[3]) > 15 || !parse_pid(argv[4], &parent) ||
	    !is_ctl(3)) {
		fputs("sockstep: " TRACE_RUNNER_FLAG " is how sockstep starts a traced program, not an option to "
		      "type; expected sockstep without it (see sockstep --help)\n", stderr);
		return 2;
	}
	/* The exec may have cleared the parent-death signal (a setcap binary
	 * does): set it again, then check that the parent is still there. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	fcntl(3, F_SETFD, FD_CLOEXEC);
	struct trace_hello h;
	memset(&h, 0, sizeof(h));
	get_ready(argv, &h);
	if (send(3, &h, sizeof(h), MSG_NOSIGNAL) != (ssize_t)sizeof(h) || h.err)
		_exit(127);
	char go;
	if (recv(3, &go, 1, 0) != 1)
		_exit(127);
	/* Seized now. From the filter on, a read or close of 3 would stop:
	 * nothing but the exec comes after it (3 closes on exec). */
	char err[256];
	if (trace_filter_load(err, sizeof(err)) < 0) {
		dprintf(2, "sockstep: %s\n", err);
		_exit(127);
	}
	leaks_off();
	execv(argv[5], argv + 6);
	dprintf(2, "sockstep: cannot run %s: %s\n", argv[5], errno_name(errno));
	_exit(127);
}
