/* priv.c - privileges (see priv.h). As tcpdump -Z does: root is used only
 * for what needs it (the capture), never to open a file a user named; and,
 * as bubblewrap keeps them in one place, the entry into our own user
 * namespace (uid/gid maps, setgroups) is here too. */
#include "priv.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdutil.h"
#include "names.h" /* errno_name */

#define NOBODY 65534

bool priv_real_root(void)
{
	if (getuid() != 0 && geteuid() != 0)
		return false;
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned long in = 1, out = 1, count = 0;
	if (!f)
		return true; /* no user namespaces at all: this is the only one */
	if (fscanf(f, "%lu %lu %lu", &in, &out, &count) != 3)
		count = 0;
	fclose(f);
	return in == 0 && out == 0 && count == 4294967295UL;
}

/* A decimal id other than 0 (sudo run by root names root: act as nobody). */
static bool parse_id(const char *s, unsigned long *out)
{
	char *end;
	if (!s || !*s)
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v >= 4294967295UL)
		return false;
	*out = v;
	return true;
}

void priv_user(uid_t *uid, gid_t *gid)
{
	unsigned long u = NOBODY, g = NOBODY;
	/* A real uid other than root (a set-uid start) is the user who asked. */
	if (getuid() != 0) {
		u = getuid();
		g = getgid();
	} else if (parse_id(getenv("SUDO_UID"), &u)) {
		if (!parse_id(getenv("SUDO_GID"), &g))
			g = NOBODY;
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
}

#define GROUPS_MAX 256

/* The groups the system gives uid (gid its primary one), as initgroups
 * would: the count, none for an unknown user or more than GROUPS_MAX. */
static int lookup_groups(uid_t uid, gid_t gid, gid_t groups[GROUPS_MAX])
{
	int n = 0;
	struct passwd *pw = getpwuid(uid);
	if (pw) {
		n = GROUPS_MAX;
		if (getgrouplist(pw->pw_name, gid, groups, &n) < 0)
			n = 0; /* more than GROUPS_MAX: the primary group only */
	}
	return n;
}

/* lookup_groups in a short-lived child. The lookup goes through NSS, which
 * loads its modules into the process that asks and never unloads them
 * (nsswitch.conf's "systemd": libnss_systemd, libsystemd and theirs, about
 * 0.5 MiB resident for the whole session); we need the answer once. The
 * count, or -errno; a child that cannot be made does it here. */
static int lookup_groups_apart(uid_t uid, gid_t gid, gid_t groups[GROUPS_MAX])
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return lookup_groups(uid, gid, groups);
	}
	if (pid == 0) {
		close(p[0]);
		int n = lookup_groups(uid, gid, groups);
		/* One write of at most 1 KiB: whole, never interleaved (PIPE_BUF). */
		gid_t msg[1 + GROUPS_MAX];
		msg[0] = (gid_t)n;
		memcpy(msg + 1, groups, (size_t)n * sizeof(gid_t));
		_exit(write(p[1], msg, (size_t)(n + 1) * sizeof(gid_t)) == (ssize_t)((size_t)(n + 1) * sizeof(gid_t)) ? 0 : 1);
	}
	close(p[1]);
	gid_t msg[1 + GROUPS_MAX];
	ssize_t got;
	while ((got = read(p[0], msg, sizeof(msg))) < 0 && errno == EINTR)
		;
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (got < (ssize_t)sizeof(gid_t) || msg[0] > GROUPS_MAX || (size_t)got != (msg[0] + 1) * sizeof(gid_t))
		return -EIO; /* the child died before it answered: drop nothing half-way */
	memcpy(groups, msg + 1, msg[0] * sizeof(gid_t));
	return (int)msg[0];
}

int priv_user_groups(void)
{
	uid_t uid;
	gid_t gid;
	priv_user(&uid, &gid);
	gid_t groups[GROUPS_MAX];
	int n = lookup_groups_apart(uid, gid, groups);
	if (n < 0)
		return n;
	return setgroups((size_t)n, groups) < 0 ? -errno : 0;
}

/* In the child: become the user, with the supplementary groups the system
 * gives them (so a file their group may read opens, as it would for them).
 * Looked up here: this child is short-lived already. */
static int become_user(void)
{
	uid_t uid;
	gid_t gid;
	priv_user(&uid, &gid);
	gid_t groups[GROUPS_MAX];
	int n = lookup_groups(uid, gid, groups);
	if (setgroups((size_t)n, groups) < 0)
		return -errno;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	return 0;
}

/* Fork a child that drops to the user, opens path and passes the descriptor
 * back over a socket pair (SCM_RIGHTS), or its errno. */
static int open_as_user(const char *path, int flags, mode_t mode)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return -e;
	}
	if (pid == 0) {
		close(sv[0]);
		int r = become_user();
		int fd = r < 0 ? -1 : open(path, flags, mode);
		int e = r < 0 ? -r : fd < 0 ? errno : 0;
		_exit(fd_send(sv[1], &e, sizeof(e), fd, 0) < 0 ? 1 : 0);
	}
	close(sv[1]);
	int e = EIO, fd = -1;
	if (fd_recv(sv[0], &e, sizeof(e), &fd, MSG_CMSG_CLOEXEC) != (ssize_t)sizeof(e)) {
		e = EIO;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	close(sv[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (fd >= 0)
		return fd;
	return -(e ? e : EIO);
}

int priv_open(const char *path, int flags, mode_t mode)
{
	flags |= O_CLOEXEC | O_NOCTTY;
	if (priv_real_root())
		return open_as_user(path, flags, mode);
	int fd = open(path, flags, mode);
	return fd < 0 ? -errno : fd;
}

static int fail(char *err, size_t errlen, int e, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, errno_name(e));
	return -e;
}

/* Every capability set of the process emptied: ambient first (it needs the
 * capability still permitted to matter), then the others. A kernel without
 * ambient capabilities (before 4.3) says EINVAL: there is nothing to clear
 * then. 0, or negative errno with what failed in *what. */
static int clear_caps(const char **what)
{
	*what = "cannot clear the ambient capabilities";
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	*what = "cannot drop the capabilities (capset)";
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	memset(data, 0, sizeof(data));
	return syscall(SYS_capset, &hdr, data) < 0 ? -errno : 0;
}

int priv_drop_caps(char *err, size_t errlen)
{
	const char *what;
	int rc = clear_caps(&what);
	if (rc < 0)
		return fail(err, errlen, -rc, what);
	/* No exec may give any back, and no other process of this uid may read
	 * the capture's memory or descriptors. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, errlen, errno, "cannot set no_new_privs");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fail(err, errlen, errno, "cannot make the process non-dumpable");
	return 0;
}

int priv_runner_drop(void)
{
	/* Root of its user namespace: the lab's programs, which may bind the
	 * lecture's port 80 there and nowhere else. Real root has nothing to gain. */
	if (getuid() == 0)
		return 0;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	const char *what;
	return clear_caps(&what);
}

/* uid 0 here: root of the machine, or of a user namespace (sockstep's, in
 * a fresh exec that has no priv_in_own_userns): the uid map says which. */
static bool machine_root(void)
{
	unsigned long in, out, count;
	FILE *f = fopen("/proc/self/uid_map", "re");
	bool own = f && fscanf(f, "%lu %lu %lu", &in, &out, &count) == 3 && !(in == 0 && out == 0 && count > 1);
	if (f)
		fclose(f);
	return !own;
}

int priv_traced_drop(char *err, size_t errlen)
{
	if (getuid() != 0) {
		int rc = priv_runner_drop();
		return rc < 0 ? fail(err, errlen, -rc, "cannot drop privileges") : 0;
	}
	if (machine_root())
		return fail(err, errlen, EPERM, "it would run as root (sockstep drops to your user first)");
	/* The lecture's server binds port 80 in the lab: allowed to every
	 * user of this network namespace (the side's), not by a capability.
	 * Where it cannot be written the bind fails EACCES, explained. */
	int fd = open("/proc/sys/net/ipv4/ip_unprivileged_port_start", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "0\n", 2) < 0) { /* the bind's EACCES tells */
		}
		close(fd);
	}
	/* Root of a user namespace regains every capability at exec, unless
	 * NOROOT says no (locked, with the bounding set emptied). */
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
			  SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
			  SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) < 0)
		return fail(err, errlen, errno, "cannot set the securebits");
	for (int c = 0; c <= 63; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL)
			break; /* past the last capability this kernel knows */
	const char *what;
	int rc = clear_caps(&what);
	return rc < 0 ? fail(err, errlen, -rc, what) : 0;
}

int priv_drop_root(char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;
	priv_user(&uid, &gid);
	/* While still root: empty the bounding set, so that nothing can come back. */
	for (int c = 0; c <= 63; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EINVAL)
			break; /* past the last capability this kernel knows */
	int r = priv_user_groups();
	if (r < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
		int e = r < 0 ? -r : errno;
		snprintf(err, errlen, "cannot drop root to uid %lu: %s", (unsigned long)uid, errno_name(e));
		return -e;
	}
	return priv_drop_caps(err, errlen);
}

int priv_drop_all(char *err, size_t errlen)
{
	return priv_real_root() ? priv_drop_root(err, errlen) : priv_drop_caps(err, errlen);
}

/* Whether sockstep was started as real root: the privileges go early, and
 * a refusal later still names the user sockstep acts for. */
static bool started_as_root;

void priv_init(void)
{
	started_as_root = priv_real_root();
}

/* The uid of the user who started sockstep, seen from inside its own user
 * namespace too (where getuid() is 0): the uid that 0 maps to. */
static unsigned long caller_uid(void)
{
	unsigned long in, out, count, uid = getuid();
	FILE *f = fopen("/proc/self/uid_map", "re");
	if (f && fscanf(f, "%lu %lu %lu", &in, &out, &count) == 3 && in == 0 && count == 1)
		uid = out;
	if (f)
		fclose(f);
	return uid;
}

const char *priv_who(void)
{
	static char who[96];
	unsigned long uid;
	if (!started_as_root && !priv_real_root()) {
		uid = caller_uid();
	} else {
		uid_t u;
		gid_t g;
		priv_user(&u, &g);
		uid = u;
	}
	struct passwd *pw = getpwuid((uid_t)uid);
	snprintf(who, sizeof(who), "uid %lu%s%s%s", uid, pw ? " (" : "", pw ? pw->pw_name : "", pw ? ")" : "");
	return who;
}

const char *priv_denied(int e)
{
	static char line[160];
	if (e != EACCES && e != EPERM)
		return "";
	/* Which user was refused: the file was opened as them. */
	bool root = started_as_root || priv_real_root();
	snprintf(line, sizeof(line), "; it was opened as %s, %s, who may not open it", priv_who(),
		 root ? "the user sockstep acts for" : "you");
	return line;
}

static struct {
	const char *name;
	dev_t dev;
	ino_t ino;
} in_use[PRIV_IN_USE_MAX];
static int n_in_use;

int priv_in_use(const char *name, int fd)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (n_in_use == PRIV_IN_USE_MAX)
		return -ENOSPC;
	in_use[n_in_use].name = name;
	in_use[n_in_use].dev = st.st_dev;
	in_use[n_in_use++].ino = st.st_ino;
	return 0;
}

void priv_in_use_std(void)
{
	priv_in_use("standard output", STDOUT_FILENO);
	priv_in_use("standard error", STDERR_FILENO);
}

const char *priv_same_file(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	for (int i = 0; i < n_in_use; i++)
		if (st.st_dev == in_use[i].dev && st.st_ino == in_use[i].ino)
			return in_use[i].name;
	return NULL;
}

/* ---- our own user namespace (the lab's) ---------------------------------- */

/* Set once priv_enter_userns succeeded: only then may lab_setup create
 * links, because only then are we sure the netns we are in is ours and not
 * the host's. */
static bool in_own_userns;


/* Reads a small integer sysctl; -1 if absent or unreadable. */
static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int userns_refused(char *err, size_t errlen, int e)
{
	const char *how;
	if (e == ENOSPC || e == EUSERS)
		how = "the namespace limit is reached; raise /proc/sys/user/max_user_namespaces "
		      "(and max_net_namespaces), e.g. 'sysctl -w user.max_user_namespaces=15000', "
		      "or run with --net host";
	else if (e == EINVAL)
		how = "the process is multi-threaded or chrooted; call it first thing in main(), "
		      "or run with --net host";
	else if (e == EPERM && read_long("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		how = "enable them with 'sysctl -w kernel.unprivileged_userns_clone=1', "
		      "or run with --net host";
	else if (e == EPERM && read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		how = "enable them with 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0', "
		      "or run with --net host";
	else if (e == EPERM && read_long("/proc/sys/user/max_user_namespaces") == 0)
		how = "/proc/sys/user/max_user_namespaces is 0; raise it with "
		      "'sysctl -w user.max_user_namespaces=15000', or run with --net host";
	else if (e == EPERM)
		how = "perhaps a container's seccomp policy forbids unshare(); "
		      "allow it (e.g. docker --security-opt seccomp=unconfined), or run with --net host";
	else
		how = "run with --net host";
	if (err && errlen)
		snprintf(err, errlen, "user namespaces are refused here (unshare: %s); %s",
		         errno_name(e), how);
	return -e;
}

static int write_maps(pid_t pid, uid_t outer_uid, gid_t outer_gid, const char **step)
{
	char path[64], line[64];
	int r;

	/* "deny" is required before an unprivileged gid_map, and keeps the
	 * outside groups out of reach in any case. */
	snprintf(path, sizeof path, "/proc/%ld/setgroups", (long)pid);
	*step = "writing setgroups";
	if ((r = file_write_text(path, "deny")) < 0 && r != -ENOENT)
		return r;
	snprintf(path, sizeof path, "/proc/%ld/uid_map", (long)pid);
	snprintf(line, sizeof line, "0 %lu 1", (unsigned long)outer_uid);
	*step = "writing uid_map";
	if ((r = file_write_text(path, line)) < 0)
		return r;
	snprintf(path, sizeof path, "/proc/%ld/gid_map", (long)pid);
	snprintf(line, sizeof line, "0 %lu 1", (unsigned long)outer_gid);
	*step = "writing gid_map";
	return file_write_text(path, line);
}

/* As real root: a process in a new user namespace can only map ids it holds
 * itself, so a short-lived child still in the parent namespace (where it has
 * CAP_SETUID) writes our maps. Then we become ns-uid 0, i.e. the unprivileged
 * outer uid, keeping all capabilities over our own namespaces. */
static int enter_as_root(char *err, size_t errlen)
{
	uid_t ou;
	gid_t og;
	priv_user(&ou, &og); /* never 0: mapping root would give the namespace root's power outside */
	pid_t self = getpid();
	int go[2], back[2];

	/* Supplementary groups (root's 0 among them) would survive the uid
	 * change and setgroups() is denied inside: the user's own, now. */
	int gr = priv_user_groups();
	if (gr < 0)
		return errno_fail(err, errlen, -gr, "setting the user's supplementary groups");
	if (pipe2(go, O_CLOEXEC) < 0)
		return errno_fail(err, errlen, errno, "pipe for the uid-map helper");
	if (pipe2(back, O_CLOEXEC) < 0) {
		int e = errno;
		close(go[0]);
		close(go[1]);
		return errno_fail(err, errlen, e, "pipe for the uid-map helper");
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(go[0]); close(go[1]); close(back[0]); close(back[1]);
		return errno_fail(err, errlen, e, "fork of the uid-map helper");
	}
	if (pid == 0) {
		char c;
		int res[2] = {0, 0};
		const char *step = "";
		close(go[1]);
		close(back[0]);
		/* EOF means the parent's unshare failed: nothing to do. */
		if (read(go[0], &c, 1) == 1) {
			res[1] = -write_maps(self, ou, og, &step);
			res[0] = step[8]; /* 's', 'u', 'g': which file */
			if (write(back[1], res, sizeof res) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(go[0]);
	close(back[1]);

	int r = 0, res[2] = {0, 0};
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		r = userns_refused(err, errlen, errno);
	else if (write(go[1], "x", 1) != 1)
		r = errno_fail(err, errlen, errno, "waking the uid-map helper");
	close(go[1]);
	if (r == 0 && read(back[0], res, sizeof res) != (ssize_t)sizeof res)
		r = errno_fail(err, errlen, EIO, "uid-map helper died");
	close(back[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return r;
	if (res[1] != 0)
		return errno_fail(err, errlen, res[1], "writing %s for uid %lu",
		            res[0] == 'u' ? "uid_map" : res[0] == 'g' ? "gid_map" : "setgroups",
		            (unsigned long)ou);
	if (setresgid(0, 0, 0) < 0)
		return errno_fail(err, errlen, errno, "setresgid(0) inside the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return errno_fail(err, errlen, errno, "setresuid(0) inside the user namespace");
	return 0;
}

bool priv_in_own_userns(void)
{
	return in_own_userns;
}

int priv_enter_userns(char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (priv_real_root()) {
		int r = enter_as_root(err, errlen);
		if (r == 0)
			in_own_userns = true;
		return r;
	}
	uid_t ou = geteuid();
	gid_t og = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return userns_refused(err, errlen, errno);
	const char *step = "";
	int r = write_maps(getpid(), ou, og, &step);
	if (r < 0)
		return errno_fail(err, errlen, -r, "%s in the new user namespace", step);
	in_own_userns = true;
	return 0;
}
