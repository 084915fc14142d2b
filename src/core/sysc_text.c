/* sysc_text.c - the words of a traced call (see sysc_text.h). */
#include "sysc_text.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "families.h"

void st_init(struct stext *o, char *buf, size_t len)
{
	o->buf = buf;
	o->len = len;
	o->pos = 0;
	if (len)
		buf[0] = '\0';
}

void st_put(struct stext *o, const char *fmt, ...)
{
	va_list ap;

	if (o->pos + 1 >= o->len)
		return;
	va_start(ap, fmt);
	int k = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->pos = o->pos + (size_t)k < o->len ? o->pos + (size_t)k : o->len - 1;
}

void st_quoted(struct stext *o, const unsigned char *b, size_t n)
{
	st_put(o, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = b[i];
		const char *e = ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : ch == '"' ? "\\\""
			      : ch == '\\' ? "\\\\" : ch == '\0' ? "\\0" : NULL;
		if (e)
			st_put(o, "%s", e);
		else if (ch < 0x20 || ch >= 0x7f)
			st_put(o, "\\x%02X", ch);
		else
			st_put(o, "%c", ch);
	}
	st_put(o, "\"");
}

void st_flags(struct stext *o, unsigned long v, const struct sname *t, size_t n, const char *zero_text)
{
	bool any = false;

	if (v == 0) {
		st_put(o, "%s", zero_text);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (t[i].v && ((unsigned long)t[i].v & v) == (unsigned long)t[i].v) {
			st_put(o, "%s%s", any ? "|" : "", t[i].name);
			v &= ~(unsigned long)t[i].v;
			any = true;
		}
	if (v)
		st_put(o, "%s%#lx", any ? "|" : "", v);
}

void st_value(struct stext *o, long v, const struct sname *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v) {
			st_put(o, "%s", t[i].name);
			return;
		}
	st_put(o, "%ld", v);
}

/* ---- the tables --------------------------------------------------------- */

#define N(x) { x, #x }

const struct sname sysc_msg_flags[] = {
	N(MSG_OOB), N(MSG_PEEK), N(MSG_DONTROUTE), N(MSG_CTRUNC), N(MSG_TRUNC), N(MSG_DONTWAIT), N(MSG_EOR),
	N(MSG_WAITALL), N(MSG_CONFIRM), N(MSG_ERRQUEUE), N(MSG_NOSIGNAL), N(MSG_MORE), N(MSG_WAITFORONE),
	N(MSG_FASTOPEN), N(MSG_CMSG_CLOEXEC),
};
const size_t sysc_n_msg_flags = sizeof sysc_msg_flags / sizeof sysc_msg_flags[0];

const struct sname sysc_sock_flags[] = { N(SOCK_NONBLOCK), N(SOCK_CLOEXEC) };
const size_t sysc_n_sock_flags = 2;

const struct sname sysc_poll_events[] = {
	N(POLLIN), N(POLLPRI), N(POLLOUT), N(POLLERR), N(POLLHUP), N(POLLNVAL), N(POLLRDNORM), N(POLLRDBAND),
	N(POLLWRNORM), N(POLLWRBAND), N(POLLRDHUP),
};
const size_t sysc_n_poll_events = sizeof sysc_poll_events / sizeof sysc_poll_events[0];

const struct sname sysc_epoll_events[] = {
	N(EPOLLIN), N(EPOLLPRI), N(EPOLLOUT), N(EPOLLERR), N(EPOLLHUP), N(EPOLLRDNORM), N(EPOLLRDBAND),
	N(EPOLLWRNORM), N(EPOLLWRBAND), N(EPOLLRDHUP), N(EPOLLEXCLUSIVE), N(EPOLLWAKEUP), N(EPOLLONESHOT),
	{ (long)(unsigned)EPOLLET, "EPOLLET" },
};
const size_t sysc_n_epoll_events = sizeof sysc_epoll_events / sizeof sysc_epoll_events[0];

const struct sname sysc_shut_hows[] = { N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR) };
const size_t sysc_n_shut_hows = 3;

const struct sname sysc_fcntl_cmds[] = {
	N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL), N(F_GETLK), N(F_SETLK), N(F_SETLKW),
	N(F_SETOWN), N(F_GETOWN), N(F_DUPFD_CLOEXEC),
};
const size_t sysc_n_fcntl_cmds = sizeof sysc_fcntl_cmds / sizeof sysc_fcntl_cmds[0];

const struct sname sysc_o_flags[] = {
	N(O_CREAT), N(O_EXCL), N(O_NOCTTY), N(O_TRUNC), N(O_APPEND), N(O_NONBLOCK), N(O_DSYNC), N(O_ASYNC),
	N(O_DIRECTORY), N(O_NOFOLLOW), N(O_CLOEXEC), N(O_NOATIME),
};
const size_t sysc_n_o_flags = sizeof sysc_o_flags / sizeof sysc_o_flags[0];

static const struct sname protocols[] = {
	N(IPPROTO_ICMP), N(IPPROTO_TCP), N(IPPROTO_UDP), N(IPPROTO_IPV6), N(IPPROTO_ICMPV6), N(IPPROTO_SCTP),
	N(IPPROTO_UDPLITE), N(IPPROTO_RAW), N(IPPROTO_MPTCP),
};

static const struct sname levels[] = {
	N(SOL_SOCKET), { IPPROTO_IP, "IPPROTO_IP" }, N(IPPROTO_TCP), N(IPPROTO_UDP), N(IPPROTO_IPV6),
};

static const struct sname so_names[] = {
	N(SO_DEBUG), N(SO_REUSEADDR), N(SO_TYPE), N(SO_ERROR), N(SO_DONTROUTE), N(SO_BROADCAST), N(SO_SNDBUF),
	N(SO_RCVBUF), N(SO_KEEPALIVE), N(SO_OOBINLINE), N(SO_LINGER), N(SO_REUSEPORT), N(SO_RCVLOWAT),
	N(SO_SNDLOWAT), { 20, "SO_RCVTIMEO" }, { 21, "SO_SNDTIMEO" }, N(SO_BINDTODEVICE), N(SO_TIMESTAMP),
	N(SO_ACCEPTCONN), N(SO_PEERCRED), N(SO_PRIORITY), N(SO_PROTOCOL), N(SO_DOMAIN), N(SO_SNDBUFFORCE),
	N(SO_RCVBUFFORCE), N(SO_MARK), N(SO_COOKIE),
};

static const struct sname tcp_names[] = {
	N(TCP_NODELAY), N(TCP_MAXSEG), N(TCP_CORK), N(TCP_KEEPIDLE), N(TCP_KEEPINTVL), N(TCP_KEEPCNT),
	N(TCP_SYNCNT), N(TCP_LINGER2), N(TCP_DEFER_ACCEPT), N(TCP_WINDOW_CLAMP), N(TCP_INFO), N(TCP_QUICKACK),
	N(TCP_CONGESTION), N(TCP_USER_TIMEOUT), N(TCP_FASTOPEN), N(TCP_NOTSENT_LOWAT),
	N(TCP_FASTOPEN_CONNECT),
};

static const struct sname ip_names[] = {
	N(IP_TOS), N(IP_TTL), N(IP_HDRINCL), N(IP_OPTIONS), N(IP_RECVERR), N(IP_MTU_DISCOVER), N(IP_MTU),
	N(IP_PKTINFO), N(IP_MULTICAST_TTL), N(IP_MULTICAST_LOOP), N(IP_ADD_MEMBERSHIP), N(IP_BIND_ADDRESS_NO_PORT),
};

static const struct sname ipv6_names[] = {
	N(IPV6_V6ONLY), N(IPV6_RECVERR), N(IPV6_UNICAST_HOPS), N(IPV6_MTU_DISCOVER), N(IPV6_TCLASS),
};

#undef N

void st_domain(struct stext *o, long domain)
{
	const struct fam_family *f = fam_families();

	if (domain == AF_UNSPEC) {
		st_put(o, "AF_UNSPEC");
		return;
	}
	for (int i = 0; i < FAM_NFAMILIES; i++)
		if (f[i].domain == domain) {
			st_put(o, "%s", f[i].name);
			return;
		}
	st_put(o, "%ld", domain);
}

void st_type(struct stext *o, long type)
{
	const struct fam_type *t = fam_types();
	long base = type & 0xf;
	bool named = false;

	for (int i = 0; i < FAM_NTYPES && !named; i++)
		if (t[i].type == base) {
			st_put(o, "%s", t[i].name);
			named = true;
		}
	if (!named)
		st_put(o, "%ld", base);
	if ((unsigned long)type & ~0xfUL) {
		st_put(o, "|");
		st_flags(o, (unsigned long)type & ~0xfUL, SNAMES(sysc_sock_flags), "0");
	}
}

void st_protocol(struct stext *o, long protocol)
{
	if (protocol == 0)
		st_put(o, "0");
	else
		st_value(o, protocol, SNAMES(protocols));
}

void st_level(struct stext *o, long level)
{
	st_value(o, level, SNAMES(levels));
}

void st_optname(struct stext *o, long level, long name)
{
	if (level == SOL_SOCKET)
		st_value(o, name, SNAMES(so_names));
	else if (level == IPPROTO_TCP)
		st_value(o, name, SNAMES(tcp_names));
	else if (level == IPPROTO_IP)
		st_value(o, name, SNAMES(ip_names));
	else if (level == IPPROTO_IPV6)
		st_value(o, name, SNAMES(ipv6_names));
	else
		st_put(o, "%ld", name);
}

void st_o_flags(struct stext *o, unsigned long v)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "3" };

	st_put(o, "%s", modes[v & O_ACCMODE]);
	if (v & ~(unsigned long)O_ACCMODE) {
		st_put(o, "|");
		st_flags(o, v & ~(unsigned long)O_ACCMODE, SNAMES(sysc_o_flags), "0");
	}
}

/* ---- sockaddrs ------------------------------------------------------------ */

/* AF_UNIX: a path up to its NUL, "@name" for the abstract namespace (its
 * first byte 0), nothing for an unnamed socket. */
static void st_sun(struct stext *o, const unsigned char *b, size_t len)
{
	size_t n = len > 2 ? len - 2 : 0;
	const unsigned char *p = b + 2;

	if (n == 0) {
		st_put(o, "{AF_UNIX}");
		return;
	}
	st_put(o, "{AF_UNIX, ");
	if (p[0] == '\0') {
		st_put(o, "@");
		st_quoted(o, p + 1, n - 1 > 64 ? 64 : n - 1);
	} else {
		const unsigned char *z = memchr(p, '\0', n);
		size_t k = z ? (size_t)(z - p) : n;
		st_quoted(o, p, k > 108 ? 108 : k);
	}
	st_put(o, "}");
}

void st_sockaddr(struct stext *o, const unsigned char *b, size_t len)
{
	sa_family_t fam;
	char ip[INET6_ADDRSTRLEN];

	if (len < sizeof fam) {
		st_put(o, "{%zu byte%s: no family}", len, len == 1 ? "" : "s");
		return;
	}
	memcpy(&fam, b, sizeof fam);
	if (fam == AF_INET && len >= 8) {
		/* The port is read as the kernel reads it, in network order: a
		 * forgotten htons(80) stored 0x0050 on a little-endian CPU, bytes
		 * 50 00, which say 20480. */
		inet_ntop(AF_INET, b + 4, ip, sizeof ip);
		st_put(o, "{AF_INET, %s, port %u}", ip, (unsigned)b[2] << 8 | b[3]);
	} else if (fam == AF_INET6 && len >= 24) {
		inet_ntop(AF_INET6, b + 8, ip, sizeof ip);
		st_put(o, "{AF_INET6, %s, port %u}", ip, (unsigned)b[2] << 8 | b[3]);
	} else if (fam == AF_UNIX) {
		st_sun(o, b, len);
	} else if (fam == AF_UNSPEC) {
		st_put(o, "{AF_UNSPEC}");
	} else if (fam == AF_NETLINK && len >= 12) {
		uint32_t pid, groups;
		memcpy(&pid, b + 4, 4);
		memcpy(&groups, b + 8, 4);
		st_put(o, "{AF_NETLINK, pid %u, groups %#x}", pid, groups);
	} else {
		st_put(o, "{");
		st_domain(o, fam);
		if (fam == AF_INET || fam == AF_INET6 || fam == AF_NETLINK)
			st_put(o, ", %zu bytes: too short", len);
		st_put(o, "}");
	}
}
