/* sysc.c - a traced program's socket call as the lecture writes it (see
 * sysc.h): one table of the calls, what each reads of the program's memory
 * at its entry and at its exit, and the C text. Every read goes through
 * mem_read, which accepts only a whole read of at most what was asked. */
#include "sysc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>

#include "names.h"
#include "sysc_text.h"

/* What a call is, for its text: the shape of its arguments. */
enum kind {
	K_SOCKET, K_SOCKETPAIR, K_ADDR_IN, K_LISTEN, K_ACCEPT, K_NAME, K_SENDTO, K_RECVFROM, K_SENDMSG,
	K_RECVMSG, K_MMSG, K_SHUTDOWN, K_SETSOCKOPT, K_GETSOCKOPT, K_CLOSE, K_READ, K_WRITE, K_POLL, K_PPOLL,
	K_SELECT, K_PSELECT, K_EPOLL, K_FCNTL,
};

struct def {
	int nr;
	const char *name;
	enum verb verb;
	enum kind kind;
	bool net; /* strace's trace=network */
};

#define D(call, verb, kind, net) { SYS_##call, #call, verb, kind, net }

/* The native numbers: a call this architecture lacks (poll, select and
 * epoll_wait on aarch64, whose libc uses ppoll, pselect6, epoll_pwait) is
 * left out by its #ifdef. */
static const struct def defs[] = {
	D(socket, V_SOCKET, K_SOCKET, true),
	D(socketpair, V_SOCKET, K_SOCKETPAIR, true),
	D(bind, V_BIND, K_ADDR_IN, true),
	D(listen, V_LISTEN, K_LISTEN, true),
	D(accept, V_ACCEPT, K_ACCEPT, true),
	D(accept4, V_ACCEPT, K_ACCEPT, true),
	D(connect, V_CONNECT, K_ADDR_IN, true),
	D(getsockname, V_GETSOCKNAME, K_NAME, true),
	D(getpeername, V_GETPEERNAME, K_NAME, true),
	D(sendto, V_SENDTO, K_SENDTO, true),
	D(recvfrom, V_RECVFROM, K_RECVFROM, true),
	D(sendmsg, V_SEND, K_SENDMSG, true),
	D(recvmsg, V_RECV, K_RECVMSG, true),
	D(sendmmsg, V_SEND, K_MMSG, true),
	D(recvmmsg, V_RECV, K_MMSG, true),
	D(shutdown, V_SHUTDOWN, K_SHUTDOWN, true),
	D(setsockopt, V_SETSOCKOPT, K_SETSOCKOPT, true),
	D(getsockopt, V_SETSOCKOPT, K_GETSOCKOPT, true),
	D(close, V_CLOSE, K_CLOSE, false),
	D(read, V_RECV, K_READ, false),
	D(write, V_SEND, K_WRITE, false),
#ifdef SYS_poll
	D(poll, V_SELECT, K_POLL, false),
#endif
	D(ppoll, V_SELECT, K_PPOLL, false),
#ifdef SYS_select
	D(select, V_SELECT, K_SELECT, false),
#endif
	D(pselect6, V_SELECT, K_PSELECT, false),
#ifdef SYS_epoll_wait
	D(epoll_wait, V_SELECT, K_EPOLL, false),
#endif
	D(epoll_pwait, V_SELECT, K_EPOLL, false),
	D(fcntl, V_SETSOCKOPT, K_FCNTL, false),
};
#undef D
#define N_DEFS (sizeof defs / sizeof defs[0])

static const struct def *def_of(int nr)
{
	for (size_t i = 0; i < N_DEFS; i++)
		if (defs[i].nr == nr)
			return &defs[i];
	return NULL;
}

bool sysc_is_network(int nr)
{
	const struct def *d = def_of(nr);

	return d && d->net;
}

bool sysc_known(int nr)
{
	return def_of(nr) != NULL;
}

size_t sysc_calls(int *out, size_t max)
{
	for (size_t i = 0; out && i < N_DEFS && i < max; i++)
		out[i] = defs[i].nr;
	return N_DEFS;
}

const char *sysc_name(int nr)
{
	const struct def *d = def_of(nr);

	return d ? d->name : "?";
}

void sysc_sockaddr_text(const unsigned char *b, size_t len, char *out, size_t outlen)
{
	struct stext o;

	if (!out || !outlen)
		return;
	st_init(&o, out, outlen);
	if (b)
		st_sockaddr(&o, b, len);
}

/* ---- the program's memory ------------------------------------------------- */

struct mem {
	sysc_reader rd;
	void *ctx;
};

/* All len bytes at addr, or false: NULL, no reader, a failed or short read,
 * or a reader that claims more than it was asked for. */
static bool mem_read(const struct mem *m, uint64_t addr, void *buf, size_t len)
{
	if (!m->rd || addr == 0 || len == 0)
		return false;
	long r = m->rd(m->ctx, addr, buf, len);
	return r >= 0 && (size_t)r == len;
}

static void put_ptr(struct stext *o, uint64_t addr, bool unreadable)
{
	if (addr == 0)
		st_put(o, "NULL");
	else
		st_put(o, "%#llx%s", (unsigned long long)addr, unreadable ? " (unreadable)" : "");
}

/* Bytes given or received: at most SYSC_SHOW of them, "..." when there are more. */
static void put_data(struct stext *o, const struct mem *m, uint64_t addr, size_t len)
{
	unsigned char b[SYSC_SHOW] = { 0 };
	size_t n = len < SYSC_SHOW ? len : SYSC_SHOW;

	if (addr == 0 || (n && !mem_read(m, addr, b, n))) {
		put_ptr(o, addr, addr != 0);
		return;
	}
	st_quoted(o, b, n);
	if (len > n)
		st_put(o, "...");
}

/* A sockaddr of len bytes at addr (the program's length: any value) into
 * sc->sa_full and sc->ca.sa, and its text; the address when unreadable. */
static void put_sa(struct stext *o, struct sysc_call *sc, const struct mem *m, uint64_t addr, uint64_t len,
		   bool out)
{
	size_t n = len < SYSC_SA_MAX ? (size_t)len : SYSC_SA_MAX;

	sc->sa_full_len = 0;
	if (addr == 0 || n == 0 || !mem_read(m, addr, sc->sa_full, n)) {
		put_ptr(o, addr, addr != 0 && n != 0);
		return;
	}
	sc->sa_full_len = (unsigned)n;
	sc->ca.sa_len = (unsigned char)(n < CALL_SA_MAX ? n : CALL_SA_MAX);
	memcpy(sc->ca.sa, sc->sa_full, sc->ca.sa_len);
	sc->ca.sa_out = out;
	st_sockaddr(o, sc->sa_full, n);
}

/* The sockaddr the kernel filled in at *addr, its length at *lenp (in and
 * out: the room given, then the size of the address). */
static void put_sa_out(struct stext *o, struct sysc_call *sc, const struct mem *m, uint64_t addr, uint64_t lenp)
{
	uint32_t len;

	if (addr == 0)
		return;
	if (!mem_read(m, lenp, &len, sizeof len)) {
		st_put(o, " ");
		put_ptr(o, lenp, lenp != 0);
		return;
	}
	st_put(o, " ");
	/* The kernel wrote at most the room the program gave at the entry. */
	put_sa(o, sc, m, addr, sc->sa_room && sc->sa_room < len ? sc->sa_room : len, true);
}

/* ---- at the entry ------------------------------------------------------------ */

/* libc's send() and recv() are sendto() and recvfrom() with no address; so
 * are poll(), select() and epoll_wait() on architectures without them. */
static void kernel_saw(struct sysc_call *sc, const char *what, const char *libc)
{
	struct stext o;

	st_init(&o, sc->note, sizeof sc->note);
	st_put(&o, "the kernel saw %s(%s): libc's %s() is %s", sc->name, what, sc->c_name, libc);
}

static void enter_socket(struct sysc_call *sc, struct stext *o, const struct mem *m)
{
	const uint64_t *a = sc->args;

	(void)m;
	sc->fd = -1;
	sc->ca.a = (long)(int)a[0];
	sc->ca.b = (long)(int)a[1];
	sc->ca.c = (long)(int)a[2];
	st_put(o, "%s(", sc->name);
	st_domain(o, sc->ca.a);
	st_put(o, ", ");
	st_type(o, sc->ca.b);
	st_put(o, ", ");
	st_protocol(o, sc->ca.c);
	if (sc->nr == SYS_socketpair)
		st_put(o, ", sv");
	st_put(o, ")");
}

/* bind, connect, listen, accept, accept4, getsockname, getpeername,
 * shutdown, close: a descriptor and at most a sockaddr. */
static void enter_fd(struct sysc_call *sc, const struct def *d, struct stext *o, const struct mem *m)
{
	const uint64_t *a = sc->args;
	uint32_t room;

	st_put(o, "%s(%d", sc->name, sc->fd);
	switch (d->kind) {
	case K_ADDR_IN:
		st_put(o, ", ");
		put_sa(o, sc, m, a[1], (uint32_t)a[2], false);
		st_put(o, ", %u", (unsigned)(uint32_t)a[2]);
		sc->ca.len = (uint32_t)a[2];
		break;
	case K_LISTEN:
		sc->ca.a = (long)(int)a[1];
		st_put(o, ", %d", (int)a[1]);
		break;
	case K_ACCEPT:
	case K_NAME:
		/* The room the program gives, kept for the exit. */
		room = 0;
		if (a[1] && mem_read(m, a[2], &room, sizeof room))
			sc->sa_room = room;
		st_put(o, ", %s, %s", a[1] ? "&addr" : "NULL", a[2] ? "&len" : "NULL");
		if (sc->nr == SYS_accept4) {
			sc->ca.a = (long)(int)a[3];
			st_put(o, ", ");
			st_flags(o, (uint32_t)a[3], SYSC_TABLE(sock_flags), "0");
		}
		break;
	case K_SHUTDOWN:
		sc->ca.a = (long)(int)a[1];
		st_put(o, ", ");
		st_value(o, (int)a[1], SYSC_TABLE(shut_hows));
		break;
	default:
		break;
	}
	st_put(o, ")");
}

/* sendto, recvfrom, read, write: send() and recv() when there is no address. */
static void enter_data(struct sysc_call *sc, const struct def *d, struct stext *o, const struct mem *m)
{
	const uint64_t *a = sc->args;
	bool to = d->kind == K_SENDTO || d->kind == K_RECVFROM;
	bool out = d->kind == K_SENDTO || d->kind == K_WRITE;
	uint32_t room = 0;

	sc->ca.len = (size_t)a[2];
	if (to && a[4] == 0) {
		sc->c_name = out ? "send" : "recv";
		sc->ca.verb = out ? V_SEND : V_RECV;
	}
	st_put(o, "%s(%d, ", sc->c_name, sc->fd);
	if (out) {
		put_data(o, m, a[1], (size_t)a[2]);
		sc->data_addr = a[1];
		sc->data_len = (size_t)a[2];
	} else {
		st_put(o, "buf");
	}
	st_put(o, ", %llu", (unsigned long long)a[2]);
	if (!to) {
		st_put(o, ")");
		return;
	}
	st_put(o, ", ");
	st_flags(o, (uint32_t)a[3], SYSC_TABLE(msg_flags), "0");
	if (a[4] == 0) {
		st_put(o, ")");
		kernel_saw(sc, out ? "..., NULL, 0" : "..., NULL, NULL",
			   out ? "sendto() with no address" : "recvfrom() with no address");
	} else if (out) {
		st_put(o, ", ");
		put_sa(o, sc, m, a[4], (uint32_t)a[5], false);
		st_put(o, ", %u)", (unsigned)(uint32_t)a[5]);
	} else {
		if (mem_read(m, a[5], &room, sizeof room))
			sc->sa_room = room;
		st_put(o, ", &addr, &len)");
	}
}

/* sendmsg, recvmsg: the header's address and first buffer. */
static void enter_msg(struct sysc_call *sc, const struct def *d, struct stext *o, const struct mem *m)
{
	const uint64_t *a = sc->args;
	struct msghdr h;
	struct iovec iov;
	bool out = d->kind == K_SENDMSG;

	st_put(o, "%s(%d, ", sc->name, sc->fd);
	if (!mem_read(m, a[1], &h, sizeof h)) {
		put_ptr(o, a[1], a[1] != 0);
	} else {
		st_put(o, "{");
		if (h.msg_name && out) {
			put_sa(o, sc, m, (uintptr_t)h.msg_name, h.msg_namelen, false);
			st_put(o, ", ");
			sc->ca.verb = V_SENDTO;
		} else if (h.msg_name) {
			sc->sa_room = h.msg_namelen;
			sc->ca.verb = V_RECVFROM;
			st_put(o, "&addr, ");
		}
		if (h.msg_iovlen > 0 && mem_read(m, (uintptr_t)h.msg_iov, &iov, sizeof iov)) {
			sc->data_addr = (uintptr_t)iov.iov_base;
			sc->data_len = iov.iov_len;
			sc->ca.len = iov.iov_len;
			st_put(o, "[");
			if (out)
				put_data(o, m, (uintptr_t)iov.iov_base, iov.iov_len);
			else
				st_put(o, "buf");
			st_put(o, ", %zu]%s", iov.iov_len, h.msg_iovlen > 1 ? "..." : "");
		} else {
			put_ptr(o, (uintptr_t)h.msg_iov, h.msg_iovlen > 0);
		}
		st_put(o, ", %zu iovec%s}", (size_t)h.msg_iovlen, h.msg_iovlen == 1 ? "" : "s");
	}
	st_put(o, ", ");
	st_flags(o, (uint32_t)a[2], SYSC_TABLE(msg_flags), "0");
	st_put(o, ")");
}

/* setsockopt's value: an int in brackets as strace, a linger or a timeout
 * as its fields, else the bytes. */
static void put_optval(struct stext *o, const struct mem *m, long level, long name, uint64_t addr, uint32_t len,
		       long *value)
{
	int v[2];
	long long tv[2];

	if (len == sizeof(int) && mem_read(m, addr, v, sizeof(int))) {
		*value = v[0];
		st_put(o, "[%d]", v[0]);
	} else if (level == SOL_SOCKET && name == SO_LINGER && len == sizeof v && mem_read(m, addr, v, sizeof v)) {
		st_put(o, "{onoff %d, linger %d}", v[0], v[1]);
	} else if (len == sizeof tv && (name == 20 || name == 21) && level == SOL_SOCKET &&
		   mem_read(m, addr, tv, sizeof tv)) {
		st_put(o, "{%lld, %lld}", tv[0], tv[1]);
	} else {
		put_data(o, m, addr, len);
	}
}

static void enter_opt(struct sysc_call *sc, const struct def *d, struct stext *o, const struct mem *m)
{
	const uint64_t *a = sc->args;
	long level = (long)(int)a[1], name = (long)(int)a[2];

	st_put(o, "%s(%d, ", sc->name, sc->fd);
	if (d->kind == K_FCNTL) {
		sc->ca.b = (long)(int)a[1];
		sc->ca.a = (long)a[2];
		st_value(o, (int)a[1], SYSC_TABLE(fcntl_cmds));
		if ((int)a[1] == F_SETFL) {
			st_put(o, ", ");
			st_o_flags(o, (unsigned long)a[2]);
		} else if ((int)a[1] == F_SETFD) {
			st_put(o, ", %s", a[2] == FD_CLOEXEC ? "FD_CLOEXEC" : a[2] ? "?" : "0");
		} else if ((int)a[1] != F_GETFL && (int)a[1] != F_GETFD) {
			st_put(o, ", %lld", (long long)a[2]);
		}
		st_put(o, ")");
		return;
	}
	sc->ca.b = level;
	sc->ca.c = name;
	st_level(o, level);
	st_put(o, ", ");
	st_optname(o, level, name);
	if (d->kind == K_GETSOCKOPT) {
		st_put(o, ", &val, &len)");
		return;
	}
	st_put(o, ", ");
	put_optval(o, m, level, name, a[3], (uint32_t)a[4], &sc->ca.a);
	st_put(o, ", %u)", (unsigned)(uint32_t)a[4]);
}

#define WAIT_SHOW 8 /* descriptors of a poll or select shown, then "..." */

static void put_pollfds(struct stext *o, const struct mem *m, uint64_t addr, uint64_t nfds, bool revents)
{
	struct pollfd p[WAIT_SHOW];
	size_t n = nfds < WAIT_SHOW ? (size_t)nfds : WAIT_SHOW;
	bool any = false;

	if (n && !mem_read(m, addr, p, n * sizeof p[0])) {
		put_ptr(o, addr, addr != 0);
		return;
	}
	st_put(o, "[");
	for (size_t i = 0; i < n; i++) {
		if (revents && !p[i].revents)
			continue;
		st_put(o, "%s{%d, ", any ? ", " : "", p[i].fd);
		st_flags(o, (unsigned short)(revents ? p[i].revents : p[i].events), SYSC_TABLE(poll_events), "0");
		st_put(o, "}");
		any = true;
	}
	st_put(o, "%s]", nfds > n ? ", ..." : "");
}

/* A timespec or timeval as milliseconds, poll's way; the fields when odd. */
static void put_timeout(struct stext *o, const struct mem *m, uint64_t addr, long div)
{
	long long t[2];

	if (addr == 0) {
		st_put(o, "-1");
	} else if (!mem_read(m, addr, t, sizeof t)) {
		put_ptr(o, addr, true);
	} else if (t[0] >= 0 && t[0] < 1000000000LL && t[1] >= 0 && t[1] < 1000000000LL) {
		st_put(o, "%lld", t[0] * 1000 + t[1] / div);
	} else {
		st_put(o, "{%lld, %lld}", t[0], t[1]);
	}
}

static void put_fdset(struct stext *o, const struct mem *m, uint64_t addr, int nfds)
{
	unsigned long set[1024 / (8 * sizeof(unsigned long))];
	size_t words = ((size_t)nfds + 8 * sizeof set[0] - 1) / (8 * sizeof set[0]);
	int shown = 0;

	if (addr == 0 || nfds <= 0) {
		st_put(o, addr ? "[]" : "NULL");
		return;
	}
	if (!mem_read(m, addr, set, words * sizeof set[0])) {
		put_ptr(o, addr, true);
		return;
	}
	st_put(o, "[");
	for (int fd = 0; fd < nfds; fd++)
		if (set[fd / (8 * sizeof set[0])] >> (fd % (8 * sizeof set[0])) & 1) {
			if (shown++ == WAIT_SHOW) {
				st_put(o, " ...");
				break;
			}
			st_put(o, "%s%d", shown > 1 ? " " : "", fd);
		}
	st_put(o, "]");
}

/* pselect6's sixth argument: {const sigset_t *, size_t}; a NULL set is select(). */
static bool no_sigmask(const struct mem *m, uint64_t addr)
{
	uint64_t w[2];

	return addr == 0 || (mem_read(m, addr, w, sizeof w) && w[0] == 0);
}

static void enter_wait(struct sysc_call *sc, const struct def *d, struct stext *o, const struct mem *m)
{
	const uint64_t *a = sc->args;

	sc->fd = -1;
	if (d->kind == K_POLL || d->kind == K_PPOLL) {
		sc->ca.a = (long)(uint32_t)a[1];
		bool plain = d->kind == K_POLL || a[3] == 0;
		sc->c_name = plain ? "poll" : "ppoll";
		st_put(o, "%s(", sc->c_name);
		put_pollfds(o, m, a[0], (uint32_t)a[1], false);
		st_put(o, ", %u, ", (unsigned)(uint32_t)a[1]);
		if (d->kind == K_POLL)
			st_put(o, "%d", (int)a[2]);
		else
			put_timeout(o, m, a[2], 1000000);
		st_put(o, "%s)", plain ? "" : ", sigmask");
		if (d->kind == K_PPOLL && plain)
			kernel_saw(sc, "..., NULL", "ppoll() with no signal mask here");
		return;
	}
	if (d->kind == K_EPOLL) {
		bool plain = sc->nr != SYS_epoll_pwait || a[4] == 0;
		sc->fd = (int)a[0];
		sc->ca.a = (long)(int)a[2];
		sc->c_name = plain ? "epoll_wait" : "epoll_pwait";
		st_put(o, "%s(%d, events, %d, %d%s)", sc->c_name, (int)a[0], (int)a[2], (int)a[3],
		       plain ? "" : ", sigmask");
		if (sc->nr == SYS_epoll_pwait && plain)
			kernel_saw(sc, "..., NULL", "epoll_pwait() with no signal mask here");
		return;
	}
	int nfds = (int)a[0] < 0 ? 0 : (int)a[0] > 1024 ? 1024 : (int)a[0];
	bool plain = d->kind == K_SELECT || no_sigmask(m, a[5]);
	sc->ca.a = (long)(int)a[0];
	sc->c_name = plain ? "select" : "pselect";
	st_put(o, "%s(%d, ", sc->c_name, (int)a[0]);
	for (int i = 1; i <= 3; i++) {
		put_fdset(o, m, a[i], nfds);
		st_put(o, ", ");
	}
	if (a[4] == 0)
		st_put(o, "NULL");
	else
		put_timeout(o, m, a[4], d->kind == K_SELECT ? 1000 : 1000000);
	st_put(o, "%s)", plain ? "" : ", sigmask");
	if (d->kind == K_PSELECT && plain)
		kernel_saw(sc, "..., NULL", "pselect6() with no signal mask here");
}

void sysc_enter(struct sysc_call *sc, int nr, const uint64_t args[6], sysc_reader rd, void *ctx)
{
	const struct def *d = def_of(nr);
	struct mem m = { rd, ctx };
	struct stext o;

	if (!sc)
		return;
	memset(sc, 0, sizeof *sc);
	sc->nr = nr;
	if (args)
		memcpy(sc->args, args, sizeof sc->args);
	sc->fd = (int)sc->args[0];
	st_init(&o, sc->text, sizeof sc->text);
	if (!d) {
		sc->name = sc->c_name = "?";
		sc->fd = -1;
		st_put(&o, "syscall %d(%#llx, %#llx, %#llx, ...)", nr, (unsigned long long)sc->args[0],
		       (unsigned long long)sc->args[1], (unsigned long long)sc->args[2]);
		return;
	}
	sc->name = sc->c_name = d->name;
	sc->network = d->net;
	sc->ca = (struct call_args){ .set = true, .verb = d->verb };
	switch (d->kind) {
	case K_SOCKET:
	case K_SOCKETPAIR:
		enter_socket(sc, &o, &m);
		break;
	case K_SENDTO:
	case K_RECVFROM:
	case K_READ:
	case K_WRITE:
		enter_data(sc, d, &o, &m);
		break;
	case K_SENDMSG:
	case K_RECVMSG:
		enter_msg(sc, d, &o, &m);
		break;
	case K_MMSG:
		st_put(&o, "%s(%d, msgvec, %u, ", sc->name, sc->fd, (unsigned)(uint32_t)sc->args[2]);
		st_flags(&o, (uint32_t)sc->args[3], SYSC_TABLE(msg_flags), "0");
		st_put(&o, "%s)", nr == SYS_recvmmsg ? ", timeout" : "");
		break;
	case K_SETSOCKOPT:
	case K_GETSOCKOPT:
	case K_FCNTL:
		enter_opt(sc, d, &o, &m);
		break;
	case K_POLL:
	case K_PPOLL:
	case K_SELECT:
	case K_PSELECT:
	case K_EPOLL:
		enter_wait(sc, d, &o, &m);
		break;
	default:
		enter_fd(sc, d, &o, &m);
		break;
	}
}

/* ---- at the exit --------------------------------------------------------------- */

/* The kernel's own codes for a call a signal interrupted: the program sees
 * either the call restarted or EINTR, never these. */
static const char *restart_name(int e)
{
	switch (e) {
	case 512: return "ERESTARTSYS";
	case 513: return "ERESTARTNOINTR";
	case 514: return "ERESTARTNOHAND";
	case 516: return "ERESTART_RESTARTBLOCK";
	default: return NULL;
	}
}

/* recvmsg: the first buffer's bytes, and the sender when asked for. */
static void exit_msg(struct sysc_call *sc, struct stext *o, const struct mem *m)
{
	struct msghdr h;

	if (sc->data_addr) {
		sc->data_len = (uint64_t)sc->ret < sc->data_len ? (size_t)sc->ret : sc->data_len;
		st_put(o, " ");
		put_data(o, m, sc->data_addr, sc->data_len);
	}
	if (sc->ca.verb == V_RECVFROM && mem_read(m, sc->args[1], &h, sizeof h) && h.msg_name) {
		st_put(o, " from ");
		put_sa(o, sc, m, (uintptr_t)h.msg_name, sc->sa_room < h.msg_namelen ? sc->sa_room : h.msg_namelen,
		       true);
	}
}

/* What a successful call wrote back: bytes, a sockaddr, descriptors, a value. */
static void exit_out(struct sysc_call *sc, const struct def *d, struct stext *o, const struct mem *m)
{
	const uint64_t *a = sc->args;
	int v[2];

	switch (d->kind) {
	case K_ACCEPT:
	case K_NAME:
		put_sa_out(o, sc, m, a[1], a[2]);
		break;
	case K_READ:
	case K_RECVFROM:
		/* A datagram longer than the buffer returns its length (MSG_TRUNC):
		 * the bytes written are at most the buffer. */
		sc->data_addr = a[1];
		sc->data_len = (uint64_t)sc->ret < a[2] ? (size_t)sc->ret : (size_t)a[2];
		st_put(o, " ");
		put_data(o, m, a[1], sc->data_len);
		if (d->kind == K_RECVFROM && a[4]) {
			st_put(o, " from");
			put_sa_out(o, sc, m, a[4], a[5]);
		}
		break;
	case K_RECVMSG:
		exit_msg(sc, o, m);
		break;
	case K_SOCKETPAIR:
		if (mem_read(m, a[3], v, sizeof v))
			st_put(o, " [%d, %d]", v[0], v[1]);
		break;
	case K_GETSOCKOPT:
		if (mem_read(m, a[3], v, sizeof(int))) {
			sc->ca.a = v[0];
			if (sc->ca.b == SOL_SOCKET && sc->ca.c == SO_ERROR && v[0] > 0)
				st_put(o, " [%s]", errno_name(v[0]));
			else
				st_put(o, " [%d]", v[0]);
		}
		break;
	case K_FCNTL:
		if (sc->ca.b == F_GETFL) {
			st_put(o, " ");
			st_o_flags(o, (unsigned long)sc->ret);
		} else if (sc->ca.b == F_GETFD) {
			st_put(o, " %s", sc->ret & FD_CLOEXEC ? "FD_CLOEXEC" : "0");
		}
		break;
	case K_POLL:
	case K_PPOLL:
		if (sc->ret > 0) {
			st_put(o, " ");
			put_pollfds(o, m, a[0], (uint32_t)a[1], true);
		}
		break;
	case K_SELECT:
	case K_PSELECT:
		if (sc->ret > 0) {
			int nfds = (int)a[0] < 0 ? 0 : (int)a[0] > 1024 ? 1024 : (int)a[0];
			st_put(o, " (in ");
			put_fdset(o, m, a[1], nfds);
			st_put(o, ", out ");
			put_fdset(o, m, a[2], nfds);
			st_put(o, ")");
		}
		break;
	case K_EPOLL:
		if (sc->ret > 0) {
			struct epoll_event ev[WAIT_SHOW];
			size_t n = (size_t)sc->ret < WAIT_SHOW ? (size_t)sc->ret : WAIT_SHOW;
			if (!mem_read(m, a[1], ev, n * sizeof ev[0]))
				break;
			st_put(o, " [");
			for (size_t i = 0; i < n; i++) {
				st_put(o, "%s{", i ? ", " : "");
				st_flags(o, ev[i].events, SYSC_TABLE(epoll_events), "0");
				st_put(o, ", data %llu}", (unsigned long long)ev[i].data.u64);
			}
			st_put(o, "%s]", (size_t)sc->ret > n ? ", ..." : "");
		}
		break;
	default:
		break;
	}
}

void sysc_exit(struct sysc_call *sc, long ret, sysc_reader rd, void *ctx)
{
	const struct def *d;
	struct mem m = { rd, ctx };
	struct stext o;

	if (!sc)
		return;
	d = def_of(sc->nr);
	sc->done = true;
	st_init(&o, sc->result, sizeof sc->result);
	if (ret < 0 && ret >= -4095) {
		sc->err = (int)-ret;
		sc->ret = -1;
		const char *rn = restart_name(sc->err);
		sc->restart = rn != NULL;
		if (rn)
			st_put(&o, "-> %s (a signal interrupted it: restarted, or -1 EINTR, as the next stop shows)", rn);
		else
			st_put(&o, "-> -1 %s", errno_name(sc->err));
		return;
	}
	sc->ret = ret;
	sc->err = 0;
	if (d && d->kind == K_FCNTL && (sc->ca.b == F_GETFL || sc->ca.b == F_GETFD))
		st_put(&o, "-> %#lx", ret);
	else
		st_put(&o, "-> %ld", ret);
	if (d)
		exit_out(sc, d, &o, &m);
}
