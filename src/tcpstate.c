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

int tcpstate_diag(int diag_fd, const struct sockaddr_in *local, const struct sockaddr_in *remote, uint64_t cookie,
		  struct sockaddr_in *peer)
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
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = ~0u;
	msg.req.id.idiag_sport = local->sin_port;
	msg.req.id.idiag_dport = remote->sin_port;

	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	if (sendto(diag_fd, &msg, sizeof(msg), 0, (struct sockaddr *)&nl, sizeof(nl)) < 0)
		return -errno;

	int found = -ENOENT;
	long buf[8192 / sizeof(long)];
	for (;;) {
		ssize_t n = recv(diag_fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		size_t left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return found;
			if (h->nlmsg_type == NLMSG_ERROR)
				return found == -ENOENT ? -EPROTO : found;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			uint64_t ck = (uint64_t)m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
			if (cookie ? ck == cookie
				   : m->id.idiag_sport == local->sin_port && m->id.idiag_dport == remote->sin_port &&
					     m->id.idiag_src[0] == local->sin_addr.s_addr &&
					     m->id.idiag_dst[0] == remote->sin_addr.s_addr)
			{
				found = m->idiag_state;
				if (peer)
					*peer = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = m->id.idiag_dport,
								      .sin_addr = { m->id.idiag_dst[0] } };
			}
		}
		if (n == 0)
			return found;
	}
}

int tcpstate_dump(int diag_fd, int proto, unsigned states, void (*fn)(void *ctx, const struct diag_sock *d),
		  void *ctx)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} msg;
	memset(&msg, 0, sizeof(msg));
	msg.nh.nlmsg_len = sizeof(msg);
	msg.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nh.nlmsg_seq = 2;
	msg.req.sdiag_family = AF_INET;
	msg.req.sdiag_protocol = (uint8_t)proto;
	msg.req.idiag_states = states;

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
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			struct diag_sock d = {
				.addr = { m->id.idiag_src[0] },
				.port = m->id.idiag_sport,
				.state = m->idiag_state,
				.cookie = (uint64_t)m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32,
			};
			fn(ctx, &d);
		}
	}
}
