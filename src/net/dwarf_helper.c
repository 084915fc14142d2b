/* dwarf_helper.c - sockstep-dwarf run on a program, its answer read (see
 * dwarf_helper.h). */
#include "dwarf_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "priv.h"

#define HELPER "sockstep-dwarf"
#define HELPER_MS 2000 /* reading a student's program takes milliseconds */

/* Beside sockstep's binary (the build tree), else the installed one. */
static int find_helper(char *out, size_t outlen)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if (snprintf(out, outlen, "%s/" HELPER, dirname(self)) < (int)outlen && access(out, X_OK) == 0)
			return 0;
	}
	if (snprintf(out, outlen, "%s/" HELPER, SOCKSTEP_HELPERDIR) < (int)outlen && access(out, X_OK) == 0)
		return 0;
	return -ENOENT;
}

/* In the child: the user's rights (sockstep may still be real root, without
 * its capabilities), no way to gain any, descriptors 0 and 2 /dev/null and
 * 1 the pipe, nothing else. Only system calls: sockstep may have threads. */
static void child(const char *helper, const char *path, int null, int out, uid_t uid, gid_t gid, bool drop)
{
	if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0)
		_exit(126);
	close_range(3, ~0U, 0);
	if (drop && (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0))
		_exit(126); /* never as root */
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	char *const argv[] = { (char *)helper, (char *)path, NULL };
	char *const envp[] = { NULL };
	execve(helper, argv, envp);
	_exit(127);
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The answer, up to TDW_ANSWER_MAX bytes, until the pipe's end or the
 * deadline: its length, or -ETIMEDOUT, -EMSGSIZE. */
static ssize_t read_answer(int fd, char *buf)
{
	size_t len = 0;
	long deadline = now_ms() + HELPER_MS;
	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int r = poll(&pf, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		if (len == TDW_ANSWER_MAX)
			return -EMSGSIZE;
		ssize_t n = read(fd, buf + len, TDW_ANSWER_MAX - len);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (n == 0)
			return (ssize_t)len;
		if (n > 0)
			len += (size_t)n;
	}
}

int tdw_open(const char *path, struct tdw_prog *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	char helper[4200];
	if (find_helper(helper, sizeof(helper)) < 0) {
		snprintf(err, errlen, "no debug information read: its reader " HELPER " is neither beside sockstep "
			 "nor in %s", SOCKSTEP_HELPERDIR);
		return -ENODATA;
	}
	uid_t uid = 0;
	gid_t gid = 0;
	bool drop = getuid() == 0 && priv_real_root();
	if (drop)
		priv_user(&uid, &gid);
	char *buf = malloc(TDW_ANSWER_MAX);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int pfd[2] = { -1, -1 };
	if (!buf || null < 0 || pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0) {
		int e = errno ? errno : ENOMEM;
		free(buf);
		if (null >= 0)
			close(null);
		snprintf(err, errlen, "no debug information read: cannot start " HELPER ": %s", strerror(e));
		return -ENODATA;
	}
	pid_t pid = fork();
	if (pid == 0)
		child(helper, path, null, pfd[1], uid, gid, drop);
	int e = errno;
	close(null);
	close(pfd[1]);
	ssize_t n = pid < 0 ? -e : read_answer(pfd[0], buf);
	close(pfd[0]);
	int status = 0;
	if (pid > 0) {
		kill(pid, SIGKILL); /* done, or out of time */
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	int rc;
	if (n < 0) {
		snprintf(err, errlen, "no debug information read: " HELPER " %s", n == -ETIMEDOUT
			 ? "gave no answer within 2 s" : n == -EMSGSIZE ? "answered too much" : strerror((int)-n));
		rc = -ENODATA;
	} else if (n == 0) {
		snprintf(err, errlen, "no debug information read: " HELPER " (%s) could not run", helper);
		rc = -ENODATA;
	} else {
		rc = tdw_parse(buf, (size_t)n, p, err, errlen);
	}
	free(buf);
	return rc;
}
