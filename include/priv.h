/* priv.h - privileges: every file the user names is opened with the rights
 * of the user who asked, never with root's (see sockstep(1), PRIVILEGES). */
#ifndef SOCKSTEP_PRIV_H
#define SOCKSTEP_PRIV_H

#include <sys/types.h>

/* Open a file the user named (--script, --lesson, --write, --log, --read,
 * lesson directories, wire save): with the rights of the user who asked.
 * Under sudo (real root in the initial user namespace) that is
 * SUDO_UID/SUDO_GID, else nobody; otherwise the caller as it is. O_CLOEXEC
 * is always added. Returns the descriptor, or negative errno. */
int priv_open(const char *path, int flags, mode_t mode);

#endif
