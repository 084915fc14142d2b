/* priv.h - privileges: every file the user names is opened with the rights
 * of the user who asked, never with root's; capabilities are given up once
 * the capture is open; the lab's own user namespace is entered here (see
 * sockstep(1), PRIVILEGES). */
#ifndef SOCKSTEP_PRIV_H
#define SOCKSTEP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* First thing in main: remember whether sockstep was started as real root
 * (for priv_denied, after the privileges are gone). */
void priv_init(void);

/* Real root: uid 0 of the initial user namespace (not root of a container's
 * or of our own user namespace, which has no power over the host's files). */
bool priv_real_root(void);

/* The user sockstep acts for when started as root: SUDO_UID/SUDO_GID when
 * they name a user other than root, else nobody (65534). */
void priv_user(uid_t *uid, gid_t *gid);

/* Open a file the user named (--script, --lesson, --write, --log, --read,
 * lesson directories, wire save): with the rights of the user who asked.
 * As real root that is priv_user() with its supplementary groups, in a
 * short-lived child that has dropped to it and passes the descriptor back
 * (a file it creates is that user's); otherwise the caller as it is.
 * O_CLOEXEC and O_NOCTTY are always added. Returns the descriptor, or
 * negative errno (EACCES: that user may not open it). */
int priv_open(const char *path, int flags, mode_t mode);

/* The files in use (--script, each --lesson or --compare lesson, stdin,
 * standard output and error, --write, --log): an output opened later must
 * not be one of them, or it would overwrite what is being read or written
 * (`--write o.pcap > o.pcap`, `wire save` onto the transcript). Records fd's
 * file under name (only regular files; a fixed table of PRIV_IN_USE_MAX,
 * enough for every option; 0, or -ENOSPC when it is full). */
#define PRIV_IN_USE_MAX 16
int priv_in_use(const char *name, int fd);

/* Standard output and standard error, as outputs in use (when they are
 * regular files; a terminal or a pipe cannot be overwritten by a name). */
void priv_in_use_std(void);

/* The name of the file in use that fd is (same device and inode), or NULL. */
const char *priv_same_file(int fd);

/* The end of a "cannot open" line for error e, naming the user the file
 * was opened as: "; it was opened as uid 65534 (nobody), the user sockstep
 * acts for, who may not open it" as root or under sudo, "...uid 1000
 * (alice), you, who may not open it" else; "" when e is not a refusal
 * (EACCES, EPERM). A static buffer. */
const char *priv_denied(int e);

/* The user files are opened as, "uid 65534 (nobody)" (the name when the
 * system knows it). A static buffer. */
const char *priv_who(void);

/* Give up every capability: the effective, permitted, inheritable and
 * ambient sets, and the bounding set where allowed; keep the process
 * non-dumpable (no ptrace, no /proc/PID/fd by other processes of the same
 * uid). Called once the capture is open. 0, or negative errno with one line
 * in err. */
int priv_drop_caps(char *err, size_t errlen);

/* As real root: set the supplementary groups to those the system gives
 * priv_user() (root's own, 0 among them, must not survive the drop), so a
 * file the user's group may write opens as it would for them. 0 or -errno. */
int priv_user_groups(void);

/* In a program's runner (prog_runner), first thing: a process whose real
 * uid is not 0 becomes only that uid, with no capability, whatever a
 * set-uid or setcap file gave the exec (sockstep's own runners start under
 * no_new_privs in --net host and gain nothing). Root of its user namespace
 * (the lab) keeps what it has there. 0 or negative errno. */
int priv_runner_drop(void);

/* In a traced program's trampoline (trace_runner), before its exec: as
 * priv_runner_drop, and as root of sockstep's user namespace too: no
 * capability survives the exec (securebits NOROOT, locked; the bounding
 * set emptied), ports below 1024 opened to any user of the side's network
 * namespace instead (ip_unprivileged_port_start 0: the lecture's port 80).
 * Root of the machine is refused. 0, or negative errno with one line in err. */
int priv_traced_drop(char *err, size_t errlen);

/* As real root in --net host once the capture is open: become priv_user()
 * (with its supplementary groups), then priv_drop_caps. 0 or negative errno with
 * one line in err. */
int priv_drop_root(char *err, size_t errlen);

/* Whatever sockstep was started with (sudo, set-uid root, setcap), give it
 * all up now: priv_drop_root as real root, else priv_drop_caps. Before the
 * first byte of an untrusted file (--read, lessons) is parsed. 0 or
 * negative errno with one line in err. */
int priv_drop_all(char *err, size_t errlen);

/* First thing in main(), while the process is still single-threaded:
 * unshare(CLONE_NEWUSER|CLONE_NEWNET) and map the caller to uid/gid 0 inside
 * (setgroups deny). As real root, map to an unprivileged uid outside
 * (SUDO_UID/SUDO_GID, else nobody) and become it (a short-lived forked
 * helper writes the maps: only the parent namespace may map another uid).
 * Root inside a container's user namespace takes the ordinary path (0 -> 0).
 * Not called for NET_HOST.
 * On refusal returns negative errno and writes one line naming the fix. */
int priv_enter_userns(char *err, size_t errlen);

/* Whether priv_enter_userns succeeded: the network namespace is ours. */
bool priv_in_own_userns(void);

#endif
