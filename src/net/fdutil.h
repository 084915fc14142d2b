/* fdutil.h - sockstep's own descriptors: where they live (above the
 * lesson's), and how one is handed to another process (SCM_RIGHTS).
 * Convention: 0 (or a descriptor, or a length) on success, negative errno
 * on failure. */
#ifndef SOCKSTEP_FDUTIL_H
#define SOCKSTEP_FDUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* sockstep keeps its own descriptors (namespaces, captures, netlink, the
 * files named on the command line) at fd_base() and up, so that the
 * lesson's sockets start at 3 as in the lecture. That is 100 when the limit
 * (ulimit -n) allows, else FD_RESERVE below the limit. Below FD_NEEDED,
 * sockstep cannot run a lab and its lesson: fd_check says so in one line
 * (negative errno), else 0. */
#define FD_RESERVE 24
#define FD_NEEDED 32
int fd_base(void);
int fd_check(char *err, size_t errlen);

/* While libraries open what sockstep keeps (libpcap, libnl), the low
 * descriptors are taken (fds: FD_HOLD_MAX of room), so that theirs land at
 * fd_base() and up and the lesson's first socket is 3, as in the lecture's
 * output. Returns how many are held; fd_release_low gives them back. */
#define FD_HOLD_MAX 100
int fd_hold_low(int *fds);
void fd_release_low(const int *fds, int n);

/* A copy of fd at fd_base() and up (close-on-exec), fd itself left open;
 * -1 when there is none (fd negative, or no room up there). */
int fd_dup_high(int fd);

/* fd moved to fd_base() and up: the copy is returned and fd closed. When
 * no copy can be made, fd is returned as it was (a negative fd too), so a
 * caller always holds exactly one descriptor. */
int fd_move_high(int fd);

/* What a file that is not a regular file is ("a directory", "a FIFO", ...),
 * from fstat's st_mode, for the line that refuses it. */
const char *fd_kind(mode_t m);

/* One message of len bytes over a Unix socket, carrying fd (SCM_RIGHTS)
 * when fd >= 0; flags as sendmsg's (MSG_NOSIGNAL). Retried on EINTR.
 * 0 or negative errno. */
int fd_send(int sock, const void *buf, size_t len, int fd, int flags);

/* One message of at most len bytes; *fd is the descriptor it carried, or
 * -1; flags as recvmsg's (MSG_CMSG_CLOEXEC). Retried on EINTR. The length
 * received (0: the peer is gone), or negative errno. */
ssize_t fd_recv(int sock, void *buf, size_t len, int *fd, int flags);

/* text written to path in one write() (a /proc or /sys file: a sysctl, a
 * uid_map). 0 or negative errno. */
int file_write_text(const char *path, const char *text);

#endif
