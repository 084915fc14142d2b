/* observe.c - the kernel read back after a call (see observe.h). */
#include "observe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdutil.h"
#include "tcpstate.h"

void observe_init(struct observer *o, struct lab *lab)
{
	o->lab = lab;
	for (int i = 0; i < 3; i++)
		o->diag[i] = -1;
}

void observe_free(struct observer *o)
{
	for (int i = 0; i < 3; i++) {
		if (o->diag[i] >= 0)
			close(o->diag[i]);
		o->diag[i] = -1;
	}
}

int observe_fd(const struct prog *p, int fd, enum proto proto, bool want_cookie, struct obs_sock *o)
{
	struct sockaddr_in sin;
	socklen_t sl;
	memset(o, 0, sizeof(*o));
	o->drops = -1;
	int mine = prog_peek(p, fd);
	if (mine < 0) {
		snprintf(o->state, sizeof(o->state), "?");
		return mine;
	}
	sl = sizeof(sin);
	/* Only an IPv4 address is one: an AF_UNIX path or an IPv6 address read
	 * as a sockaddr_in would be shown as garbage. */
	if (getsockname(mine, (struct sockaddr *)&sin, &sl) == 0 && sin.sin_family == AF_INET) {
		o->local = sin;
		o->has_local = true;
	}
	sl = sizeof(sin);
	if (getpeername(mine, (struct sockaddr *)&sin, &sl) == 0 && sin.sin_family == AF_INET) {
		o->remote = sin;
		o->has_peer = true;
	}
	if (tcpstate_of_fd(mine, proto, o->state, sizeof(o->state)) < 0)
		snprintf(o->state, sizeof(o->state), "?");
	uint64_t ck = 0;
	socklen_t cl = sizeof(ck);
	if (want_cookie && getsockopt(mine, SOL_SOCKET, SO_COOKIE, &ck, &cl) == 0)
		o->cookie = ck;
	/* The socket's own count (sk_drops), on the descriptor itself: no dump
	 * of the host's sockets to search, and no other socket's drops. */
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t ml = sizeof(mem);
	o->drops = getsockopt(mine, SOL_SOCKET, SO_MEMINFO, mem, &ml) == 0 && ml > SK_MEMINFO_DROPS * sizeof(mem[0])
			   ? (long)mem[SK_MEMINFO_DROPS]
			   : -1;
	close(mine);
	return 0;
}

static int diag_of(struct observer *o, enum side side)
{
	if (o->diag[side] < 0) {
		int fd = lab_socket(o->lab, side, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		o->diag[side] = fd_move_high(fd);
	}
	return o->diag[side];
}

int observe_kept(struct observer *o, enum side side, const struct sockaddr_in *local,
		 const struct sockaddr_in *remote, uint64_t cookie, struct sockaddr_in *peer)
{
	int dfd = diag_of(o, side);
	return dfd >= 0 ? tcpstate_diag(dfd, local, remote, cookie, peer) : -ENOENT;
}

long observe_dgram_len(const struct prog *p, int fd)
{
	long n = -1;
	int mine = prog_peek(p, fd);
	struct pollfd pf = { .fd = mine, .events = POLLIN };
	if (mine >= 0 && poll(&pf, 1, 0) == 1 && pf.revents == POLLIN)
		n = recv(mine, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (mine >= 0)
		close(mine);
	return n;
}
