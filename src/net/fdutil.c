/* fdutil.c - sockstep's own descriptors (see fdutil.h). */
#include "fdutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int fd_base(void)
{
	struct rlimit rl;
	rlim_t lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
	if (lim == RLIM_INFINITY || lim > 100 + FD_RESERVE)
		return 100;
	return lim > FD_RESERVE + 3 ? (int)(lim - FD_RESERVE) : 3;
}

int fd_check(char *err, size_t errlen)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= FD_NEEDED)
		return 0;
	snprintf(err, errlen, "sockstep needs %d open file descriptors and the limit is %lu; "
		 "raise it with 'ulimit -n %d'", FD_NEEDED, (unsigned long)rl.rlim_cur, FD_NEEDED);
	return -EMFILE;
}

const char *fd_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
	     : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

int fd_hold_low(int *fds)
{
	int n = 0, fd, base = fd_base();
	while (n < FD_HOLD_MAX && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0) {
		if (fd >= base) {
			close(fd);
			break;
		}
		fds[n++] = fd;
	}
	return n;
}

void fd_release_low(const int *fds, int n)
{
	while (n)
		close(fds[--n]);
}

int fd_dup_high(int fd)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, fd_base());
}

int fd_move_high(int fd)
{
	int high = fd_dup_high(fd);
	if (high < 0)
		return fd;
	close(fd);
	return high;
}

int fd_send(int sock, const void *buf, size_t len, int fd, int flags)
{
	union { /* aligned for the cmsghdr */
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} c;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		memset(&c, 0, sizeof(c));
		m.msg_control = c.buf;
		m.msg_controllen = sizeof(c.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	while (sendmsg(sock, &m, flags) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

ssize_t fd_recv(int sock, void *buf, size_t len, int *fd, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} c;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf) };
	ssize_t n;
	*fd = -1;
	while ((n = recvmsg(sock, &m, flags)) < 0)
		if (errno != EINTR)
			return -errno;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

int file_write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int e = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (close(fd) < 0 && e == 0)
		e = errno;
	return -e;
}
