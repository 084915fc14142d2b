/* engine.c - the real calls, one command at a time (see engine.h). */
#include "engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "convert.h"
#include "tcpstate.h"
#include "wire.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__), -EINVAL)

void engine_init(struct engine *e, struct lab *lab, struct session *log)
{
	memset(e, 0, sizeof(*e));
	e->lab = lab;
	e->log = log;
	for (int i = 0; i < 3; i++)
		e->diag_fd[i] = -1;
}

void engine_free(struct engine *e)
{
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		if (e->socks[i].used && !e->socks[i].closed)
			close(e->socks[i].fd);
	for (int i = 0; i < 3; i++)
		if (e->diag_fd[i] >= 0)
			close(e->diag_fd[i]);
}

/* ---- finding sockets ------------------------------------------------- */

/* List a side's open descriptors, for error lines ("open: 3, 5"). */
static void list_open(const struct engine *e, enum side side, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < ENGINE_MAX_SOCKS && o < len; i++) {
		const struct esock *s = &e->socks[i];
		if (s->used && !s->closed && s->side == side)
			o += (size_t)snprintf(out + o, len - o, "%s%s#%d", o ? ", " : "",
					      side_name(side), s->fd);
	}
	if (!out[0])
		snprintf(out, len, "none");
}

/* The socket of a side that a target names, or NULL. A bare side (fd -1) is
 * the newest socket: the newest open one, or with with_closed the newest of
 * all (expect looks at a socket just closed). With a number, an open socket
 * wins over a closed one that had the same number. Slots are in creation order. */
static struct esock *lookup(struct engine *e, enum side side, int fd, bool with_closed)
{
	struct esock *best = NULL;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		struct esock *s = &e->socks[i];
		if (!s->used || s->side != side || (fd >= 0 && s->fd != fd))
			continue;
		if (s->closed && !with_closed)
			continue;
		if (fd < 0 || !best || !s->closed || best->closed)
			best = s;
	}
	return best;
}

/* The socket a command names, or NULL with one line in err saying what was
 * expected. any_state: closed sockets count too (expect looks at them). */
static struct esock *find(struct engine *e, const struct target *t, bool any_state, char *err,
			  size_t errlen)
{
	struct esock *s = lookup(e, t->side, t->fd, any_state || t->fd >= 0);
	char open[128];
	list_open(e, t->side, open, sizeof(open));
	if (!s) {
		enum side other = t->side == SIDE_SERVER ? SIDE_CLIENT : SIDE_SERVER;
		if (t->fd < 0)
			snprintf(err, errlen,
				 "%s has no open socket; expected \"%s socket tcp\" or \"%s socket udp\" first",
				 side_name(t->side), side_name(t->side), side_name(t->side));
		else if (lookup(e, other, t->fd, true))
			snprintf(err, errlen, "descriptor %d belongs to %s, not %s; %s's open sockets: %s",
				 t->fd, side_name(other), side_name(t->side), side_name(t->side), open);
		else
			snprintf(err, errlen, "%s has no socket %d; expected one of its open sockets: %s",
				 side_name(t->side), t->fd, open);
		return NULL;
	}
	if (s->closed && !any_state) {
		snprintf(err, errlen, "%s#%d was closed at command %u; expected an open socket (open: %s)",
			 side_name(t->side), s->fd, s->closed_at, open);
		return NULL;
	}
	return s;
}

/* ---- logging helpers ------------------------------------------------- */

static void log_result(struct engine *e, const struct esock *s, const char *code, long ret, int err,
		       enum call_status st, unsigned origin)
{
	struct event *ev = session_add(e->log, EV_CALL, s->side, s->fd, "%s", code);
	if (!ev)
		return;
	ev->ret = ret;
	ev->err = err;
	ev->status = st;
	ev->origin = origin;
	if (st != CS_BLOCKED) {
		e->last[s->side].set = true;
		e->last[s->side].ret = ret;
		e->last[s->side].err = err;
	}
}

/* One line that explains a kernel error in the lecture's terms. */
static const char *hint(enum verb v, int err, enum proto proto)
{
	switch (err) {
	case EADDRINUSE:
		return v == V_BIND ? "another socket already holds this address and port "
				     "(\"setsockopt reuseaddr on\" before bind lets a new listener reuse it)"
				   : "this local address and port are taken";
	case ECONNREFUSED:
		return proto == PROTO_UDP ? "the peer's kernel answered an earlier datagram with ICMP port unreachable"
					  : "nobody listens on that address and port: the server's kernel answered with RST";
	case EACCES:
		return v == V_BIND ? "ports below 1024 need privilege (CAP_NET_BIND_SERVICE); the lab and loopback modes have it"
				   : "permission denied (a broadcast address needs SO_BROADCAST)";
	case EOPNOTSUPP:
		return v == V_ACCEPT || v == V_LISTEN ? "listen() and accept() exist only for connection-oriented (TCP) sockets"
						      : NULL;
	case EINVAL:
		if (v == V_ACCEPT)
			return "accept() needs a socket in LISTEN state: call listen() first";
		if (v == V_LISTEN)
			return "listen() is not valid for this socket in its current state";
		if (v == V_BIND)
			return "this socket is already bound: a socket binds once";
		return NULL;
	case EISCONN:
		return "this socket is already connected";
	case ENOTCONN:
		return "this socket has no peer: TCP needs connect()/accept() first, UDP needs sendto() or connect()";
	case EADDRNOTAVAIL:
		return "no interface of this host has that address";
	case ENETUNREACH:
		return "this host has no route to that address";
	case EPIPE:
		return "the connection is closed for sending (shutdown or the peer reset it)";
	case EDESTADDRREQ:
		return "a UDP socket without a peer needs sendto() with an address";
	default:
		return NULL;
	}
}

static void log_error_hint(struct engine *e, const struct esock *s, enum verb v, int err)
{
	const char *h = hint(v, err, s->proto);
	if (h)
		session_add(e->log, EV_INFO, s->side, s->fd, "%s: %s", errno_name(err), h);
}

/* ---- reading the kernel ------------------------------------------------ */

/* What the kernel says of s now: addresses and state, no interpretation. */
static void snapshot(const struct esock *s, struct tuple_row *r)
{
	struct sockaddr_in sin;
	socklen_t sl;
	memset(r, 0, sizeof(*r));
	r->side = s->side;
	r->fd = s->fd;
	r->proto = s->proto;
	sl = sizeof(sin);
	if (getsockname(s->fd, (struct sockaddr *)&sin, &sl) == 0)
		tuple_set_local(r, &sin);
	sl = sizeof(sin);
	if (getpeername(s->fd, (struct sockaddr *)&sin, &sl) == 0)
		tuple_set_remote(r, &sin);
	if (tcpstate_of_fd(s->fd, s->proto, r->state, sizeof(r->state)) < 0)
		snprintf(r->state, sizeof(r->state), "?");
}

/* Log a row for s; `r` already holds the values to show. */
static void show_row(struct engine *e, struct esock *s, struct tuple_row *r, enum tstep st)
{
	r->step = st;
	tuple_diff(r, s->has_shown ? &s->shown : NULL);
	s->shown = *r;
	s->has_shown = true;
	struct event *ev = session_add(e->log, EV_ROW, s->side, s->fd, NULL);
	if (ev)
		session_attach_row(ev, r);
}

/* The common case: a row straight from the kernel. */
static void kernel_row(struct engine *e, struct esock *s, enum tstep st, const char *note)
{
	struct tuple_row r;
	snapshot(s, &r);
	s->kernel = r;
	if (r.rip[0])
		s->connected_once = true;
	if (note)
		snprintf(r.note, sizeof(r.note), "%s", note);
	show_row(e, s, &r, st);
}

static int diag_fd(struct engine *e, enum side side)
{
	if (e->diag_fd[side] < 0) {
		int fd = lab_socket(e->lab, side, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		/* Out of the way of the lesson's own descriptors (see lab.c). */
		int high = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, lab_fd_base()) : -1;
		if (high >= 0) {
			close(fd);
			fd = high;
		}
		e->diag_fd[side] = fd;
	}
	return e->diag_fd[side];
}

/* State of a socket whose descriptor is gone, from sock_diag. */
static void closed_state(struct engine *e, struct esock *s, char *out, size_t len)
{
	int fd = s->proto == PROTO_TCP && s->connected_once ? diag_fd(e, s->side) : -1;
	int st = fd >= 0 ? tcpstate_diag(fd, &s->last_local, &s->last_remote) : -ENOENT;
	snprintf(out, len, "%s", st > 0 ? tuple_tcp_state_name(st) : "CLOSED");
}

/* ---- building addresses -------------------------------------------------- */

/* Run the four statements of the lecture and log each stage. */
static void build_sockaddr(struct engine *e, const struct esock *s, const struct cmd *c,
			   const char *var, struct sockaddr_in *out)
{
	sa_build(&e->sa, var, c->addr_text, c->port, c->conv, c->nohtons);
	e->sa_set = true;
	struct event *ev = session_add(e->log, EV_SOCKADDR, s->side, s->fd, NULL);
	if (ev)
		session_attach_sa(ev, &e->sa);
	if (e->sa.conv_failed && c->conv == CONV_INET_ADDR)
		session_add(e->log, EV_INFO, s->side, s->fd,
			    "inet_addr(\"%.64s\") returned INADDR_NONE (0xFFFFFFFF): the same value it returns "
			    "for bad input, so a program cannot tell them apart; inet_pton can",
			    c->addr_text);
	*out = e->sa.sin;
}

/* The lecture's variable names: the server binds echoserver and fills
 * echoclient from recvfrom/accept; the client binds echoclient and connects to
 * echoserver. */
static const char *local_var(enum side side)
{
	return side == SIDE_SERVER ? "echoserver" : "echoclient";
}
static const char *remote_var(enum side side)
{
	return side == SIDE_SERVER ? "echoclient" : "echoserver";
}

/* ---- the calls ---------------------------------------------------------- */

/* How many open sockets a side holds. */
static int open_socks(const struct engine *e, enum side side)
{
	int n = 0;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		n += e->socks[i].used && !e->socks[i].closed && e->socks[i].side == side;
	return n;
}

/* A slot for a new socket of a side, or NULL when that side holds
 * ENGINE_SIDE_SOCKS open ones already. The limit is per side, so that one
 * side's sockets never take the other's room: with both sides at most at
 * their limit, a free or closed slot is always left. */
static struct esock *new_sock(struct engine *e, enum side side)
{
	if (open_socks(e, side) >= ENGINE_SIDE_SOCKS)
		return NULL;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		if (!e->socks[i].used)
			return &e->socks[i];
	/* Reuse the oldest closed slot: the table keeps what fits. */
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		if (e->socks[i].closed) {
			memmove(&e->socks[i], &e->socks[i + 1],
				(size_t)(ENGINE_MAX_SOCKS - 1 - i) * sizeof(e->socks[0]));
			memset(&e->socks[ENGINE_MAX_SOCKS - 1], 0, sizeof(e->socks[0]));
			return &e->socks[ENGINE_MAX_SOCKS - 1];
		}
	return NULL;
}

static int do_socket(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	struct esock *s = new_sock(e, c->t.side);
	if (!s)
		return ERR("%s holds %d open sockets already, the most one side may hold; expected "
			   "\"%s close\" first", side_name(c->t.side), ENGINE_SIDE_SOCKS, side_name(c->t.side));
	bool tcp = c->proto == PROTO_TCP;
	int fd = lab_socket(e->lab, c->t.side, AF_INET,
			    (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    tcp ? IPPROTO_TCP : IPPROTO_UDP);
	const char *code = tcp ? "sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);"
			       : "sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);";
	struct esock tmp = { .side = c->t.side, .fd = -1, .proto = c->proto };
	if (fd < 0) {
		log_result(e, &tmp, code, -1, -fd, CS_DONE, 0);
		return 0;
	}
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->side = c->t.side;
	s->fd = fd;
	s->proto = c->proto;
	s->pending = V_COUNT_;
	snprintf(s->var, sizeof(s->var), "sock");
	log_result(e, s, code, fd, 0, CS_DONE, 0);
	kernel_row(e, s, TS_SOCKET, NULL);
	return 0;
}

static void call_code(char *buf, size_t len, const struct esock *s, const struct cmd *c)
{
	const char *v = s->var;
	char esc[96];
	switch (c->verb) {
	case V_BIND:
		snprintf(buf, len, "bind(%s, (struct sockaddr *)&%s, sizeof(%s));", v,
			 local_var(s->side), local_var(s->side));
		break;
	case V_LISTEN:
		snprintf(buf, len, "listen(%s, %d);", v, c->backlog);
		break;
	case V_ACCEPT:
		snprintf(buf, len, "csock = accept(%s, (struct sockaddr *)&%s, &clientlen);", v,
			 remote_var(s->side));
		break;
	case V_CONNECT:
		snprintf(buf, len, "connect(%s, (struct sockaddr *)&%s, sizeof(%s));", v,
			 remote_var(s->side), remote_var(s->side));
		break;
	case V_SEND:
		escape_bytes(c->data, c->data_len, esc, sizeof(esc));
		snprintf(buf, len, "send(%s, \"%s\", %zu, 0);", v, esc, c->data_len);
		break;
	case V_SENDTO:
		escape_bytes(c->data, c->data_len, esc, sizeof(esc));
		snprintf(buf, len, "sendto(%s, \"%s\", %zu, 0, (struct sockaddr *)&%s, sizeof(%s));", v,
			 esc, c->data_len, remote_var(s->side), remote_var(s->side));
		break;
	case V_RECV:
		snprintf(buf, len, "recv(%s, buffer, %zu, 0);", v, c->maxlen);
		break;
	case V_RECVFROM:
		snprintf(buf, len, "recvfrom(%s, buffer, %zu, 0, (struct sockaddr *)&%s, &clientlen);", v,
			 c->maxlen, remote_var(s->side));
		break;
	case V_SHUTDOWN:
		snprintf(buf, len, "shutdown(%s, %s);", v,
			 c->how == SHUT_RD ? "SHUT_RD" : c->how == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR");
		break;
	case V_CLOSE:
		snprintf(buf, len, "close(%s);", v);
		break;
	case V_FLOOD:
		snprintf(buf, len, "for (i = 0; i < %lu; i++) sendto(%s, &i, 8, 0, (struct sockaddr *)&%s, sizeof(%s));",
			 s->flood_total, v, remote_var(s->side), remote_var(s->side));
		break;
	case V_SETSOCKOPT:
		snprintf(buf, len, "setsockopt(%s, SOL_SOCKET, SO_REUSEADDR, &(int){%d}, sizeof(int));", v,
			 c->optval);
		break;
	default:
		snprintf(buf, len, "%s(%s);", cmd_verb_name(c->verb), v);
	}
}

/* Pretend-free record of the code text a pending call will log again. */
static void pending_code(const struct esock *s, char *buf, size_t len)
{
	struct cmd c;
	memset(&c, 0, sizeof(c));
	c.verb = s->pending;
	c.maxlen = s->pending_max;
	memcpy(c.data, s->pending_data, s->pending_len);
	c.data_len = s->pending_len;
	call_code(buf, len, s, &c);
}

static void got_data(struct engine *e, struct esock *s, const unsigned char *buf, ssize_t n,
		     const struct sockaddr_in *from)
{
	char esc[256];
	size_t len = n > 0 ? (size_t)n : 0;
	if (len > CMD_DATA_MAX)
		len = CMD_DATA_MAX;
	memcpy(e->data[s->side], buf, len);
	e->data_len[s->side] = len;
	e->data_set[s->side] = true;
	escape_bytes(buf, len, esc, sizeof(esc));
	if (n == 0 && s->proto == PROTO_TCP)
		session_add(e->log, EV_DATA, s->side, s->fd,
			    "received 0 bytes: the peer closed its side (end of stream)");
	else if (from) {
		char ip[16];
		inet_ntop(AF_INET, &from->sin_addr, ip, sizeof(ip));
		struct event *ev = session_add(e->log, EV_DATA, s->side, s->fd,
					       "received \"%s\" (%zd bytes) from %s:%u", esc, n, ip,
					       (unsigned)ntohs(from->sin_port));
		if (ev)
			ev->ret = n;
	} else {
		struct event *ev = session_add(e->log, EV_DATA, s->side, s->fd,
					       "received \"%s\" (%zd bytes)", esc, n);
		if (ev)
			ev->ret = n;
	}
}

/* The common ending of a data call: would it block (false, still pending),
 * or log its result (and a hint for an error). *ok says it succeeded. */
static bool settled(struct engine *e, struct esock *s, const char *code, ssize_t n, enum verb v,
		    enum call_status done, unsigned origin, bool *ok)
{
	*ok = false;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	if (n < 0) {
		int er = errno;
		log_result(e, s, code, -1, er, done, origin);
		log_error_hint(e, s, v, er);
		return true;
	}
	log_result(e, s, code, n, 0, done, origin);
	*ok = true;
	return true;
}

/* Try the call once; returns true when it finished (successfully or not). */
static bool attempt(struct engine *e, struct esock *s, enum verb v, unsigned origin)
{
	char code[256];
	pending_code(s, code, sizeof(code));
	enum call_status done = origin ? CS_COMPLETED : CS_DONE;
	unsigned char buf[65536];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	bool ok;

	switch (v) {
	case V_ACCEPT: {
		int fd = accept4(s->fd, (struct sockaddr *)&from, &fl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (!settled(e, s, code, fd, V_ACCEPT, done, origin, &ok))
			return false;
		if (!ok)
			return true;
		struct esock *ns = new_sock(e, s->side);
		if (!ns) {
			close(fd);
			session_add(e->log, EV_INFO, s->side, fd,
				    "%s holds %d open sockets already, the most one side may hold: "
				    "descriptor %d that accept() returned is closed again",
				    side_name(s->side), ENGINE_SIDE_SOCKS, fd);
			return true;
		}
		memset(ns, 0, sizeof(*ns));
		ns->used = true;
		ns->side = s->side;
		ns->fd = fd;
		ns->proto = s->proto;
		ns->pending = V_COUNT_;
		snprintf(ns->var, sizeof(ns->var), "csock");
		kernel_row(e, ns, TS_ACCEPTED, "a new socket: the listening one keeps waiting");
		return true;
	}
	case V_RECV:
		n = recv(s->fd, buf, s->pending_max, 0);
		if (!settled(e, s, code, n, v, done, origin, &ok))
			return false;
		if (ok)
			got_data(e, s, buf, n, NULL);
		return true;
	case V_RECVFROM: {
		memset(&from, 0, sizeof(from));
		n = recvfrom(s->fd, buf, s->pending_max, 0, (struct sockaddr *)&from, &fl);
		if (!settled(e, s, code, n, v, done, origin, &ok))
			return false;
		if (!ok)
			return true;
		got_data(e, s, buf, n, s->proto == PROTO_UDP ? &from : NULL);
		if (s->proto == PROTO_UDP) {
			struct tuple_row r;
			snapshot(s, &r);
			s->kernel = r;
			if (!r.rip[0]) {
				/* Be exact where the lecture simplifies: the kernel keeps no peer. */
				tuple_set_remote(&r, &from);
				snprintf(r.note, sizeof(r.note),
					 "remote from recvfrom()'s source; no peer in the kernel (getpeername: ENOTCONN)");
			}
			show_row(e, s, &r, TS_RECEIVED);
		}
		return true;
	}
	case V_CONNECT: {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		if (origin && poll(&p, 1, 0) <= 0)
			return false;
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		log_result(e, s, code, soerr ? -1 : 0, soerr, done, origin);
		if (soerr)
			log_error_hint(e, s, V_CONNECT, soerr);
		kernel_row(e, s, soerr ? TS_FAILED : TS_CONNECTED, NULL);
		return true;
	}
	case V_SEND:
	case V_SENDTO:
		if (v == V_SEND)
			n = send(s->fd, s->pending_data, s->pending_len, 0);
		else
			n = sendto(s->fd, s->pending_data, s->pending_len, 0,
				   (struct sockaddr *)&s->pending_dest, sizeof(s->pending_dest));
		if (!settled(e, s, code, n, v, done, origin, &ok))
			return false;
		if (ok && v == V_SENDTO && s->proto == PROTO_UDP) {
			struct tuple_row r;
			snapshot(s, &r);
			s->kernel = r;
			if (!r.rip[0]) {
				tuple_set_remote(&r, &s->pending_dest);
				snprintf(r.note, sizeof(r.note),
					 "remote = sendto()'s destination; the datagram carries both addresses, the kernel keeps no peer");
			}
			show_row(e, s, &r, TS_SENT);
		}
		return true;
	case V_FLOOD:
		/* A chunk at a time, so the wire relays between chunks (one poll
		 * loop): all floods together send at most half a capture ring per
		 * turn (engine_progress), so that the ring never overflows. */
		for (; e->flood_budget && s->flood_left; e->flood_budget--) {
			unsigned long i = s->flood_total - s->flood_left;
			unsigned char payload[8];
			memcpy(payload, &i, sizeof(payload));
			n = sendto(s->fd, payload, sizeof(payload), 0, (struct sockaddr *)&s->pending_dest,
				   sizeof(s->pending_dest));
			if (n < 0 && (errno == EAGAIN || errno == ENOBUFS))
				return false;
			if (n < 0) {
				s->flood_fail++;
				s->flood_err = errno;
			} else
				s->flood_sent++;
			s->flood_left--;
		}
		if (s->flood_left)
			return false;
		log_result(e, s, code, (long)s->flood_sent, s->flood_fail ? s->flood_err : 0, done, origin);
		session_add(e->log, EV_INFO, s->side, s->fd, "flood: %lu datagrams sent, %lu failed%s%s",
			    s->flood_sent, s->flood_fail, s->flood_fail ? " with " : "",
			    s->flood_fail ? errno_name(s->flood_err) : "");
		return true;
	default:
		return true;
	}
}

/* Start a call that may block; record it as pending when it does. */
static void start(struct engine *e, struct esock *s, const struct cmd *c)
{
	s->pending = c->verb;
	s->pending_seq = e->log->seq;
	s->pending_max = c->maxlen;
	memcpy(s->pending_data, c->data, c->data_len);
	s->pending_len = c->data_len;
	if (attempt(e, s, c->verb, 0)) {
		s->pending = V_COUNT_;
		return;
	}
	char code[256];
	pending_code(s, code, sizeof(code));
	log_result(e, s, code, 0, 0, CS_BLOCKED, 0);
	if (c->verb == V_RECVFROM && s->proto == PROTO_UDP) {
		struct tuple_row r;
		snapshot(s, &r);
		s->kernel = r;
		if (!r.rip[0])
			tuple_set_unknown_remote(&r);
		show_row(e, s, &r, TS_WAITMSG);
	}
}

static void do_connect(struct engine *e, struct esock *s, const struct cmd *c)
{
	struct sockaddr_in dst;
	build_sockaddr(e, s, c, remote_var(s->side), &dst);
	s->pending_dest = dst;
	char code[256];
	call_code(code, sizeof(code), s, c);

	if (s->proto == PROTO_TCP) {
		/* STEP5: the remote parameters exist only in the structure so far. */
		struct tuple_row r;
		snapshot(s, &r);
		s->kernel = r;
		tuple_set_remote(&r, &dst);
		snprintf(r.note, sizeof(r.note), "remote set in %s (sockaddr_in), not yet in the kernel",
			 remote_var(s->side));
		show_row(e, s, &r, TS_REMOTE);
	}
	int rc = connect(s->fd, (struct sockaddr *)&dst, sizeof(dst));
	int er = rc < 0 ? errno : 0;
	if (rc < 0 && er == EINPROGRESS) {
		s->pending = V_CONNECT;
		s->pending_seq = e->log->seq;
		log_result(e, s, code, 0, 0, CS_BLOCKED, 0);
		if (!e->live)
			return; /* batch: engine_refresh shows the state once settled */
		/* The kernel's state now (SYN_SENT), before any answer can arrive. */
		struct tuple_row r;
		snapshot(s, &r);
		s->kernel = r;
		tuple_set_remote(&r, &dst);
		snprintf(r.note, sizeof(r.note), "the SYN is sent; connect() waits for the answer");
		show_row(e, s, &r, TS_STATE);
		return;
	}
	log_result(e, s, code, rc, er, CS_DONE, 0);
	if (er)
		log_error_hint(e, s, V_CONNECT, er);
	if (s->proto == PROTO_UDP)
		kernel_row(e, s, TS_REMOTE, er ? NULL : "UDP connect(): the peer is stored in the kernel; nothing was sent");
	else
		kernel_row(e, s, er ? TS_FAILED : TS_CONNECTED, NULL);
}

static void do_close(struct engine *e, struct esock *s)
{
	socklen_t sl = sizeof(s->last_local);
	getsockname(s->fd, (struct sockaddr *)&s->last_local, &sl);
	sl = sizeof(s->last_remote);
	if (getpeername(s->fd, (struct sockaddr *)&s->last_remote, &sl) == 0)
		s->connected_once = true;
	struct tuple_row r;
	snapshot(s, &r);
	if (s->listening)
		tuple_set_unknown_remote(&r);
	char code[64];
	snprintf(code, sizeof(code), "close(%s);", s->var);
	if (s->pending != V_COUNT_) {
		session_add(e->log, EV_INFO, s->side, s->fd, "the blocked %s() ends with the socket",
			    cmd_verb_name(s->pending));
		s->pending = V_COUNT_;
	}
	int rc = close(s->fd);
	int er = rc < 0 ? errno : 0;
	log_result(e, s, code, rc, er, CS_DONE, 0);
	s->closed = true;
	s->closed_at = e->log->seq;
	/* The row comes from engine_refresh: what close() starts (FIN, ACK) takes
	 * a moment, and the state shown must not depend on how long. */
	s->close_row = r;
	s->close_row_due = true;
}

/* ---- conversions and expectations ------------------------------------- */

static void do_convert(struct engine *e, const struct cmd *c)
{
	convert_run(e->log, c);
}

static bool match(const char *want, const char *have)
{
	unsigned lo, hi, v;
	char end;
	/* "32768-60999": a port in the range (the parser checked the numbers). */
	if (sscanf(want, "%u-%u%c", &lo, &hi, &end) == 2)
		return sscanf(have, "%u%c", &v, &end) == 1 && v >= lo && v <= hi;
	return !strcmp(want, "*") || !strcmp(want, have);
}

/* "client sysctl net.ipv4.ip_local_port_range": read in the side's host. */
static int do_sysctl(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	char path[CMD_PATH_MAX + 16], val[256] = "";
	snprintf(path, sizeof(path), "/proc/sys/%s", c->path);
	for (char *p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	/* /proc/sys/net shows the namespace of whoever opens it. */
	int in = lab_enter(e->lab, c->t.side);
	FILE *f = in == 0 || e->lab->mode == NET_HOST ? fopen(path, "re") : NULL;
	int er = errno;
	if (in == 0)
		lab_leave(e->lab);
	if (!f)
		return ERR("%s sysctl %s: %s (%s); expected a setting under /proc/sys/net",
			   side_name(c->t.side), c->path, strerror(er), errno_name(er));
	size_t n = fread(val, 1, sizeof(val) - 1, f);
	fclose(f);
	val[n] = '\0';
	for (char *p = val; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	while (n && val[n - 1] == ' ')
		val[--n] = '\0';
	session_add(e->log, EV_INFO, c->t.side, -1, "%s = %s", c->path, val);
	return 0;
}

static int do_expect(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	const struct expect *x = &c->ex;
	char have[256] = "", desc[CMD_LINE_MAX];
	bool ok = false;
	struct esock *s = NULL;

	cmd_format(c, desc, sizeof(desc));
	if (x->what != EX_SOCKADDR && x->what != EX_WIRE_SAW && x->what != EX_WIRE_HELD &&
	    x->what != EX_RESULT && x->what != EX_DATA && !(x->what == EX_BLOCKED && c->t.fd < 0)) {
		s = find(e, &c->t, true, err, errlen);
		if (!s)
			return -EINVAL;
	}
	bool need_sock = x->what == EX_STATE || x->what == EX_LOCAL || x->what == EX_REMOTE;
	if (need_sock && !s)
		return -EINVAL;
	switch (x->what) {
	case EX_STATE:
		if (s->closed)
			closed_state(e, s, have, sizeof(have));
		else if (tcpstate_of_fd(s->fd, s->proto, have, sizeof(have)) < 0)
			snprintf(have, sizeof(have), "?");
		if (s->proto == PROTO_TCP && tuple_tcp_state_parse(x->a) > 0)
			ok = tuple_tcp_state_parse(x->a) == tuple_tcp_state_parse(have);
		else
			ok = !strcasecmp(x->a, have);
		break;
	case EX_RESULT: {
		const struct side_result *r = &e->last[c->t.side];
		if (!r->set)
			snprintf(have, sizeof(have), "no call yet");
		else if (r->err)
			snprintf(have, sizeof(have), "-1 %s", errno_name(r->err));
		else
			snprintf(have, sizeof(have), "%ld", r->ret);
		if (r->set && x->a[0] == 'E')
			ok = r->err && !strcmp(x->a, errno_name(r->err));
		else if (r->set)
			ok = !r->err && strtol(x->a, NULL, 10) == r->ret;
		break;
	}
	case EX_LOCAL:
		snprintf(have, sizeof(have), "%s %s", s->shown.lip[0] ? s->shown.lip : "(none)",
			 s->shown.lport[0] ? s->shown.lport : "(none)");
		ok = match(x->a, s->shown.lip) && match(x->b, s->shown.lport);
		break;
	case EX_REMOTE:
		snprintf(have, sizeof(have), "%s %s", s->shown.rip[0] ? s->shown.rip : "(none)",
			 s->shown.rport[0] ? s->shown.rport : "(none)");
		ok = match(x->a, s->shown.rip) && match(x->b, s->shown.rport);
		break;
	case EX_DATA:
		if (!e->data_set[c->t.side])
			snprintf(have, sizeof(have), "nothing received yet");
		else {
			char esc[200];
			escape_bytes(e->data[c->t.side], e->data_len[c->t.side], esc, sizeof(esc));
			snprintf(have, sizeof(have), "\"%s\"", esc);
			ok = e->data_len[c->t.side] == c->data_len &&
			     !memcmp(e->data[c->t.side], c->data, c->data_len);
		}
		break;
	case EX_BLOCKED: {
		bool blocked = false;
		for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
			const struct esock *o = &e->socks[i];
			if (o->used && !o->closed && o->side == c->t.side && o->pending != V_COUNT_ &&
			    (!s || o == s))
				blocked = true;
		}
		snprintf(have, sizeof(have), "%s", blocked ? "yes" : "no");
		ok = !strcmp(x->a, have);
		break;
	}
	case EX_SOCKADDR: {
		char hex[SA_HEX_MAX];
		if (!e->sa_set) {
			snprintf(have, sizeof(have), "no sockaddr_in built yet");
			break;
		}
		sa_hex(e->sa.bytes[SA_PORT], hex);
		snprintf(have, sizeof(have), "%s", hex);
		/* The parser gives the bytes; a prefix of the 16 is enough. */
		ok = c->data_len <= 16 && !memcmp(e->sa.bytes[SA_PORT], c->data, c->data_len);
		break;
	}
	case EX_WIRE_SAW:
	case EX_WIRE_HELD:
		if (!e->wire) {
			snprintf(have, sizeof(have), "no wire in --net %s", lab_mode_name(e->lab->mode));
			break;
		}
		if (x->what == EX_WIRE_HELD) {
			snprintf(have, sizeof(have), "%u held", wire_held(e->wire));
			ok = wire_held(e->wire) == c->num;
		} else {
			char want[CMD_DATA_MAX + 1];
			memcpy(want, c->data, c->data_len);
			want[c->data_len] = '\0';
			ok = wire_saw_since(e->wire, e->frames_seen_from, want);
			snprintf(have, sizeof(have), "not among the %lu frame%s since the last command",
				 wire_last_no(e->wire) - e->frames_seen_from,
				 wire_last_no(e->wire) - e->frames_seen_from == 1 ? "" : "s");
		}
		break;
	}
	struct event *ev = session_add(e->log, EV_EXPECT, c->t.side, s ? s->fd : -1, "%s: %s%s%s", desc,
				       ok ? "ok" : "FAILED, it is ", ok ? "" : have, "");
	if (ev)
		ev->ret = ok;
	if (!ok) {
		snprintf(err, errlen, "expectation failed: %s; it is %s", desc, have);
		return 1;
	}
	return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

int engine_exec(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	struct esock *s = NULL;
	char code[256];

	switch (c->verb) {
	case V_SOCKET:
		return do_socket(e, c, err, errlen);
	case V_SAY:
		session_add(e->log, EV_SAY, SIDE_NONE, -1, "%.*s", (int)c->data_len, (const char *)c->data);
		return 0;
	case V_EXPECT:
		return do_expect(e, c, err, errlen);
	case V_INET_ADDR:
	case V_INET_PTON:
	case V_HTONS:
	case V_HTONL:
	case V_NTOHS:
	case V_NTOHL:
		do_convert(e, c);
		return 0;
	case V_WAIT:
		session_add(e->log, EV_INFO, SIDE_NONE, -1, "waiting %u ms", c->ms);
		return 0;
	case V_SYSCTL:
		return do_sysctl(e, c, err, errlen);
	default:
		break;
	}

	s = find(e, &c->t, false, err, errlen);
	if (!s)
		return -EINVAL;
	if (s->pending != V_COUNT_ && c->verb != V_CLOSE && c->verb != V_SHUTDOWN)
		return ERR("%s#%d is blocked in %s() since command %u; expected it to finish first "
			   "(or close it, or use another socket)",
			   side_name(s->side), s->fd, cmd_verb_name(s->pending), s->pending_seq);

	switch (c->verb) {
	case V_BIND: {
		struct sockaddr_in sin;
		build_sockaddr(e, s, c, local_var(s->side), &sin);
		call_code(code, sizeof(code), s, c);
		int rc = bind(s->fd, (struct sockaddr *)&sin, sizeof(sin));
		int er = rc < 0 ? errno : 0;
		log_result(e, s, code, rc, er, CS_DONE, 0);
		if (er)
			log_error_hint(e, s, V_BIND, er);
		else
			kernel_row(e, s, TS_BIND, NULL);
		return 0;
	}
	case V_LISTEN: {
		call_code(code, sizeof(code), s, c);
		int rc = listen(s->fd, c->backlog);
		int er = rc < 0 ? errno : 0;
		log_result(e, s, code, rc, er, CS_DONE, 0);
		if (er) {
			log_error_hint(e, s, V_LISTEN, er);
			return 0;
		}
		s->listening = true;
		struct tuple_row r;
		snapshot(s, &r);
		s->kernel = r;
		tuple_set_unknown_remote(&r);
		if (!r.lport[0] || !strcmp(r.lip, "0.0.0.0"))
			snprintf(r.note, sizeof(r.note), "%s", r.lport[0] ? "listening on every address of the host"
								  : "");
		show_row(e, s, &r, TS_LISTEN);
		if (!s->kernel.lport[0])
			session_add(e->log, EV_INFO, s->side, s->fd, "%s",
				    "listen() without bind(): the kernel picked a port for it");
		return 0;
	}
	case V_CONNECT:
		do_connect(e, s, c);
		return 0;
	case V_SENDTO: {
		struct sockaddr_in dst;
		build_sockaddr(e, s, c, remote_var(s->side), &dst);
		s->pending_dest = dst;
		if (s->proto == PROTO_UDP) {
			struct tuple_row r;
			snapshot(s, &r);
			s->kernel = r;
			if (!r.rip[0]) {
				tuple_set_remote(&r, &dst);
				snprintf(r.note, sizeof(r.note), "remote set in %s (sockaddr_in)",
					 remote_var(s->side));
			}
			show_row(e, s, &r, TS_REMOTE);
		}
		start(e, s, c);
		return 0;
	}
	case V_ACCEPT:
	case V_RECV:
	case V_RECVFROM:
	case V_SEND:
		start(e, s, c);
		return 0;
	case V_SHUTDOWN: {
		call_code(code, sizeof(code), s, c);
		int rc = shutdown(s->fd, c->how);
		int er = rc < 0 ? errno : 0;
		log_result(e, s, code, rc, er, CS_DONE, 0);
		if (er)
			log_error_hint(e, s, V_SHUTDOWN, er);
		else
			kernel_row(e, s, TS_SHUTDOWN, c->how == SHUT_RD ? "no more receiving on this side"
						       : "this side will send no more (FIN)");
		return 0;
	}
	case V_CLOSE:
		do_close(e, s);
		return 0;
	case V_SETSOCKOPT: {
		call_code(code, sizeof(code), s, c);
		int v = c->optval;
		int rc = setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v));
		int er = rc < 0 ? errno : 0;
		log_result(e, s, code, rc, er, CS_DONE, 0);
		return 0;
	}
	case V_FLOOD:
		s->pending_dest = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(c->port),
							.sin_addr = c->addr };
		s->flood_total = s->flood_left = c->count;
		s->flood_sent = s->flood_fail = 0;
		s->flood_err = 0;
		start(e, s, c);
		return 0;
	default:
		return ERR("%s is not a socket call", cmd_verb_name(c->verb));
	}
}

int engine_pollfds(const struct engine *e, struct pollfd *pfd, int max)
{
	int n = 0;
	for (int i = 0; i < ENGINE_MAX_SOCKS && n < max; i++) {
		const struct esock *s = &e->socks[i];
		if (!s->used || s->closed || s->pending == V_COUNT_)
			continue;
		bool out = s->pending == V_CONNECT || s->pending == V_SEND || s->pending == V_SENDTO ||
			   s->pending == V_FLOOD;
		pfd[n].fd = s->fd;
		pfd[n].events = out ? POLLOUT : POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

int engine_progress(struct engine *e)
{
	int done = 0;
	e->flood_budget = WIRE_CAP_FRAMES / 2; /* the wire has just been drained */
	/* A fixed order, so output does not depend on poll's: connects first (a
	 * handshake completes at the client, STEP6, before the server's accept
	 * sees it, STEP7), then the oldest blocked call first. */
	for (;;) {
		struct esock *next = NULL;
		for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
			struct esock *s = &e->socks[i];
			if (!s->used || s->closed || s->pending == V_COUNT_ || s->pending_max_tried)
				continue;
			bool sc = s->pending == V_CONNECT, nc = next && next->pending == V_CONNECT;
			if (!next || (sc && !nc) || (sc == nc && s->pending_seq < next->pending_seq))
				next = s;
		}
		if (!next)
			break;
		next->pending_max_tried = true;
		enum verb v = next->pending;
		if (attempt(e, next, v, next->pending_seq)) {
			next->pending = V_COUNT_;
			done++;
		}
	}
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		e->socks[i].pending_max_tried = false;
	return done;
}

void engine_refresh(struct engine *e)
{
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		struct esock *s = &e->socks[i];
		if (!s->used || !s->has_shown)
			continue;
		if (s->closed && s->close_row_due) {
			struct tuple_row r = s->close_row;
			closed_state(e, s, r.state, sizeof(r.state));
			snprintf(r.note, sizeof(r.note), "%s",
				 s->proto == PROTO_TCP && s->connected_once
					 ? "descriptor released; the kernel's state from sock_diag"
					 : "descriptor released");
			s->close_row_due = false;
			show_row(e, s, &r, TS_CLOSE);
			continue;
		}
		if (s->closed) {
			if (s->proto != PROTO_TCP || !s->connected_once || !strcmp(s->shown.state, "CLOSED"))
				continue;
			struct tuple_row r = s->shown;
			closed_state(e, s, r.state, sizeof(r.state));
			if (strcmp(r.state, s->shown.state)) {
				snprintf(r.note, sizeof(r.note), "%s",
					 !strcmp(r.state, "CLOSED") ? "gone from the kernel"
								    : "no descriptor; state from sock_diag");
				show_row(e, s, &r, TS_STATE);
			}
			continue;
		}
		struct tuple_row r;
		snapshot(s, &r);
		if (!strcmp(r.state, s->kernel.state) && !strcmp(r.lip, s->kernel.lip) &&
		    !strcmp(r.lport, s->kernel.lport) && !strcmp(r.rip, s->kernel.rip) &&
		    !strcmp(r.rport, s->kernel.rport))
			continue;
		s->kernel = r;
		if (r.rip[0])
			s->connected_once = true;
		/* Keep what the table showed for a remote the kernel does not hold. */
		if (!r.rip[0] && s->shown.rip[0]) {
			strcpy(r.rip, s->shown.rip);
			strcpy(r.rport, s->shown.rport);
			if (s->proto == PROTO_TCP && !strcmp(r.state, "SYN_SENT"))
				snprintf(r.note, sizeof(r.note), "the SYN is sent; connect() waits for the answer");
			else
				strcpy(r.note, s->shown.note);
		}
		show_row(e, s, &r, TS_STATE);
	}
}

/* States that end by themselves within a round trip (a FIN waiting for its
 * ACK): the batch printer waits a moment for them so output is stable. */
bool engine_transient(const struct engine *e)
{
	static const char *const passing[] = { "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "CLOSING", "LAST_ACK" };
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		if (!s->used || !s->has_shown || s->proto != PROTO_TCP)
			continue;
		for (size_t k = 0; k < sizeof(passing) / sizeof(passing[0]); k++)
			if (!strcmp(s->shown.state, passing[k]))
				return true;
	}
	return false;
}

/* --net host: which frames are ours. A socket is known by its protocol, its
 * local address and port (0.0.0.0 standing for any address of this host) and
 * its remote one: the peer when connected (or connecting), any peer for a
 * listening or unconnected UDP socket, which the kernel gives whatever
 * arrives at its address. */
struct flow_end {
	struct sockaddr_in local, remote;
	bool any_remote;
};

static bool flow_of(const struct engine *e, const struct esock *s, struct flow_end *f)
{
	memset(f, 0, sizeof(*f));
	socklen_t sl = sizeof(f->local);
	if (s->closed) {
		/* A closed TCP connection still has frames (FIN, the last ACK)
		 * while the kernel holds it, and in the step that closed it. */
		if (s->proto != PROTO_TCP || !s->connected_once ||
		    (!strcmp(s->shown.state, "CLOSED") && s->closed_at != e->log->seq))
			return false;
		f->local = s->last_local;
		f->remote = s->last_remote;
	} else {
		if (getsockname(s->fd, (struct sockaddr *)&f->local, &sl) < 0)
			return false;
		sl = sizeof(f->remote);
		if (getpeername(s->fd, (struct sockaddr *)&f->remote, &sl) == 0)
			;
		else if (s->listening || s->proto == PROTO_UDP)
			f->any_remote = true;
		else if (s->pending_dest.sin_family == AF_INET)
			f->remote = s->pending_dest; /* connecting, or a connect refused */
		else
			return false;
	}
	return f->local.sin_port != 0;
}

static bool addr_is(struct in_addr want, struct in_addr got, bool (*is_local)(struct in_addr))
{
	return want.s_addr == htonl(INADDR_ANY) ? is_local(got) : want.s_addr == got.s_addr;
}

/* Does the socket's flow hold a frame from a to b (in either direction)? */
static bool flow_has(const struct flow_end *f, const struct sockaddr_in *ours, const struct sockaddr_in *theirs,
		     bool (*is_local)(struct in_addr))
{
	if (ours->sin_port != f->local.sin_port || !addr_is(f->local.sin_addr, ours->sin_addr, is_local))
		return false;
	return f->any_remote ||
	       (theirs->sin_port == f->remote.sin_port && theirs->sin_addr.s_addr == f->remote.sin_addr.s_addr);
}

bool engine_owns_flow(const struct engine *e, enum proto proto, const struct sockaddr_in *src,
		      const struct sockaddr_in *dst, bool (*is_local)(struct in_addr))
{
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		struct flow_end f;
		if (!s->used || s->proto != proto || !flow_of(e, s, &f))
			continue;
		if (flow_has(&f, src, dst, is_local) || flow_has(&f, dst, src, is_local))
			return true;
	}
	return false;
}

bool engine_talks_to(const struct engine *e, struct in_addr addr)
{
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		struct flow_end f;
		if (!s->used || !flow_of(e, s, &f))
			continue;
		if ((!f.any_remote && f.remote.sin_addr.s_addr == addr.s_addr) ||
		    (s->pending_dest.sin_family == AF_INET && s->pending_dest.sin_addr.s_addr == addr.s_addr))
			return addr.s_addr != htonl(INADDR_ANY);
	}
	return false;
}

int engine_blocked(const struct engine *e, unsigned seq_only)
{
	int n = 0;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		if (s->used && !s->closed && s->pending != V_COUNT_ && (!seq_only || s->pending_seq == seq_only))
			n++;
	}
	return n;
}

void engine_note_still_blocked(struct engine *e, unsigned seq, unsigned waited_ms)
{
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		struct esock *s = &e->socks[i];
		if (!s->used || s->closed || s->pending == V_COUNT_ || s->pending_seq != seq)
			continue;
		char code[256];
		pending_code(s, code, sizeof(code));
		struct event *ev = session_add(e->log, EV_CALL, s->side, s->fd, "%s", code);
		if (ev) {
			ev->status = CS_STILL;
			ev->ret = waited_ms;
		}
	}
}
