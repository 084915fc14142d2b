/* tcpstate.c - socket states from TCP_INFO and sock_diag (see tcpstate.h). */
#include "tcpstate.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tuple.h"

int tcpstate_of_fd(int fd, enum proto proto, char *out, size_t len)
{
	if (proto == PROTO_TCP) {
		struct tcp_info ti;
		socklen_t sl = sizeof(ti);
		memset(&ti, 0, sizeof(ti));
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &sl) < 0)
			return -errno;
		snprintf(out, len, "%s", tuple_tcp_state_name(ti.tcpi_state));
		return 0;
	}
	struct sockaddr_in peer;
	socklen_t pl = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &pl) == 0)
		snprintf(out, len, "CONNECTED");
	else if (errno == ENOTCONN)
		snprintf(out, len, "UNCONN");
	else
		return -errno;
	return 0;
}

/* One sock_diag dump of proto's IPv4 sockets in states (a port of 0 is not
 * filtered on), each socket given to fn; 0 at the dump's end, or negative
 * errno. */
static int diag_walk(int diag_fd, int proto, unsigned states, uint16_t sport, uint16_t dport,
		     void (*fn)(void *ctx, const struct inet_diag_msg *m), void *ctx)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} msg;
	memset(&msg, 0, sizeof(msg));
	msg.nh.nlmsg_len = sizeof(msg);
	msg.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	/* A dump filtered here, not an exact lookup: the kernel's exact lookup
	 * needs the cookie, and a namespace of ours holds only a few sockets. */
	msg.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nh.nlmsg_seq = 1;
	msg.req.sdiag_family = AF_INET;
	msg.req.sdiag_protocol = (uint8_t)proto;
	msg.req.idiag_states = states;
	msg.req.id.idiag_sport = sport;
	msg.req.id.idiag_dport = dport;

	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	if (sendto(diag_fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nl, sizeof(nl)) < 0)
		return -errno;
	long buf[8192 / sizeof(long)];
	for (;;) {
		ssize_t n = recv(diag_fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPROTO; /* the dump ended without its NLMSG_DONE */
		size_t left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EPROTO;
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				fn(ctx, NLMSG_DATA(h));
		}
	}
}

static uint64_t cookie_of(const struct inet_diag_msg *m)
{
	return (uint64_t)m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
}

struct find {
	const struct sockaddr_in *local, *remote;
	uint64_t cookie;
	int found;
	struct sockaddr_in *peer; /* where found, its peer (NULL: not wanted) */
};

static void find_one(void *ctx, const struct inet_diag_msg *m)
{
	struct find *f = ctx;
	if (f->cookie ? cookie_of(m) == f->cookie
		      : m->id.idiag_sport == f->local->sin_port && m->id.idiag_dport == f->remote->sin_port &&
				m->id.idiag_src[0] == f->local->sin_addr.s_addr &&
				m->id.idiag_dst[0] == f->remote->sin_addr.s_addr) {
		f->found = m->idiag_state;
		if (f->peer)
			*f->peer = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = m->id.idiag_dport,
							 .sin_addr = { m->id.idiag_dst[0] } };
	}
}

int tcpstate_diag(int diag_fd, const struct sockaddr_in *local, const struct sockaddr_in *remote, uint64_t cookie,
		  struct sockaddr_in *peer)
{
	struct find f = { local, remote, cookie, -ENOENT, peer };
	int r = diag_walk(diag_fd, IPPROTO_TCP, ~0u, local->sin_port, remote->sin_port, find_one, &f);
	if (r < 0 && f.found == -ENOENT)
		return r;
	return f.found;
}

struct each {
	void (*fn)(void *ctx, const struct diag_sock *d);
	void *ctx;
};

static void each_one(void *ctx, const struct inet_diag_msg *m)
{
	struct each *e = ctx;
	struct diag_sock d = {
		.addr = { m->id.idiag_src[0] },
		.port = m->id.idiag_sport,
		.state = m->idiag_state,
		.cookie = cookie_of(m),
	};
	e->fn(e->ctx, &d);
}

int tcpstate_dump(int diag_fd, int proto, unsigned states, void (*fn)(void *ctx, const struct diag_sock *d),
		  void *ctx)
{
	struct each e = { fn, ctx };
	return diag_walk(diag_fd, proto, states, 0, 0, each_one, &e);
}
