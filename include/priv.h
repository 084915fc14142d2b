/* priv.h - privileges: every file the user names is opened with the rights
 * of the user who asked, never with root's; capabilities are given up once
 * the capture is open (see sockstep(1), PRIVILEGES). */
#ifndef SOCKSTEP_PRIV_H
#define SOCKSTEP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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

/* The files in use (--script, --lesson, stdin, --write, --log): an output
 * opened later must not be one of them, or it would overwrite what is being
 * read or written. Records fd's file under name (only regular files; a
 * fixed table of 8, enough for every option). */
void priv_in_use(const char *name, int fd);

/* The name of the file in use that fd is (same device and inode), or NULL. */
const char *priv_same_file(int fd);

/* The end of a "cannot open" line for error e: under sudo "; uid N, the
 * user sockstep acts for, may not open it", else "; you may not open it";
 * "" when e is not a refusal (EACCES, EPERM). A static buffer. */
const char *priv_denied(int e);

/* Give up every capability: the effective, permitted, inheritable and
 * ambient sets, and the bounding set where allowed; keep the process
 * non-dumpable (no ptrace, no /proc/PID/fd by other processes of the same
 * uid). Called once the capture is open. 0, or negative errno with one line
 * in err. */
int priv_drop_caps(char *err, size_t errlen);

/* In a program's runner (prog_runner), first thing: a process whose real
 * uid is not 0 becomes only that uid, with no capability, whatever a
 * set-uid or setcap file gave the exec (sockstep's own runners start under
 * no_new_privs in --net host and gain nothing). Root of its user namespace
 * (the lab) keeps what it has there. 0 or negative errno. */
int priv_runner_drop(void);

/* As real root in --net host once the capture is open: become priv_user()
 * (no supplementary groups), then priv_drop_caps. 0 or negative errno with
 * one line in err. */
int priv_drop_root(char *err, size_t errlen);

#endif
