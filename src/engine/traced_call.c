/* traced_call.c - a traced program's socket call through the call
 * entries (see traced_call.h). */
#include "traced_call.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>

#include "call.h"
#include "sysc.h"

/* socket()'s kinds as the table follows them; another family or type is
 * shown with its descriptor only. */
static const struct sock_kind kind_tcp = { "tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP, "AF_INET", "SOCK_STREAM",
					   "0", PROTO_TCP, "" };
static const struct sock_kind kind_udp = { "udp", AF_INET, SOCK_DGRAM, IPPROTO_UDP, "AF_INET", "SOCK_DGRAM",
					   "0", PROTO_UDP, "" };
static const struct sock_kind kind_unix = { "AF_UNIX", AF_UNIX, 0, 0, "AF_UNIX", "", "", PROTO_NONE,
					    "a local socket, between processes of one host (no network)" };
static const struct sock_kind kind_inet6 = { "AF_INET6", AF_INET6, 0, 0, "AF_INET6", "", "", PROTO_NONE,
					     "an IPv6 socket" };
static const struct sock_kind kind_other = { "socket", 0, 0, 0, "", "", "", PROTO_NONE,
					     "a socket of another family or type" };

static const struct sock_kind *kind_of(uint64_t domain, uint64_t type, uint64_t proto)
{
	int t = (int)type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (domain == AF_INET && t == SOCK_STREAM && (proto == 0 || proto == IPPROTO_TCP))
		return &kind_tcp;
	if (domain == AF_INET && t == SOCK_DGRAM && (proto == 0 || proto == IPPROTO_UDP))
		return &kind_udp;
	return domain == AF_UNIX ? &kind_unix : domain == AF_INET6 ? &kind_inet6 : &kind_other;
}

static long reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return (long)trace_read(ctx, addr, buf, len);
}

/* The sockaddr_in the program passed, its 16 bytes as read from its
 * memory: the hex pane and batch show them as the lecture does. A port
 * whose bytes read as a small number the other way round was most likely
 * stored without htons(). */
static void log_sockaddr(struct engine *e, struct eprog *pr, const struct call_args *a)
{
	struct sockaddr_in sin;
	bool seen = pr->tsa_seen_set && a->sa_len >= 16 && !memcmp(pr->tsa_seen, a->sa, 16);
	pr->tsa_seen_set = false;
	if (a->sa_out || a->sa_len < sizeof(sin) || seen) /* seen: its statements just showed these bytes */
		return;
	memcpy(&sin, a->sa, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return;
	struct sa_build b;
	memset(&b, 0, sizeof(b));
	for (int i = 0; i < SA_NSTAGES; i++)
		memcpy(b.bytes[i], a->sa, 16);
	/* Only the last statement: the program's own were not seen. */
	snprintf(b.code[SA_PORT], sizeof(b.code[SA_PORT]), "/* %s(): the %u bytes %s passed, read from its memory */",
		 cmd_verb_name(a->verb), (unsigned)a->sa_len, pr->name);
	b.sin = sin;
	b.read = true;
	b.addr_host = ntohl(sin.sin_addr.s_addr);
	b.port_host = ntohs(sin.sin_port);
	b.port_stored = sin.sin_port;
	struct event *ev = slot_log(e, EV_SOCKADDR, pr, pr->tfd, NULL);
	if (ev)
		session_attach_sa(ev, &b);
	/* A port stored without htons() is told by the line under the bytes
	 * (sa_order_of): a note as well would say it twice, and take the rows
	 * a step at 80x24 needs. */
}

/* libc's resolver (getaddrinfo, gethostbyname) asks the name service
 * cache daemon first over an AF_UNIX socket, then, for a name /etc/hosts
 * does not hold, the name server of /etc/resolv.conf (DNS: UDP, port 53).
 * Those calls are the resolver's, not ones the program wrote: the socket is
 * marked from that call on, and each of its calls says so. True when pr's
 * call is the resolver's. */
/* Whether one of pr's sockets was the resolver's already, for kind
 * ('n' nscd, 'd' DNS): each note is said once. */
static bool resolver_told(const struct engine *e, const struct eprog *pr, char kind)
{
	int slot = pr->thread ? pr->leader : (int)(pr - e->progs); /* a thread's sockets are its process's */
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		if (e->socks[i].used && e->socks[i].prog == slot && e->socks[i].resolver == kind)
			return true;
	return false;
}

static bool resolver_mark(struct engine *e, struct eprog *pr, struct esock *s, const struct sysc_call *sc)
{
	static const char nscd[] = "/var/run/nscd/socket";
	const unsigned char *a = sc->sa_full;
	bool dest = (pr->verb == V_CONNECT || pr->verb == V_SENDTO) && !sc->ca.sa_out;
	char kind = 'n';
	if (dest && sc->sa_full_len >= 2 + sizeof(nscd) - 1 && a[0] == AF_UNIX && !memcmp(a + 2, nscd, sizeof(nscd) - 1)) {
		if (!resolver_told(e, pr, kind))
			slot_log(e, EV_INFO, pr, pr->tfd, "libc resolver: getaddrinfo() asks nscd, the name service cache, "
				 "first; where none runs it reads /etc/hosts (in the lab, a hosts file naming server and "
				 "client)");
	} else if (dest && sc->sa_full_len >= 4 && (a[0] == AF_INET || a[0] == AF_INET6) && a[2] == 0 && a[3] == 53) {
		kind = 'd';
		if (!resolver_told(e, pr, kind))
			slot_log(e, EV_INFO, pr, pr->tfd, "libc resolver: a DNS query (port 53) to the name server of "
				 "/etc/resolv.conf, for a name /etc/hosts does not hold: descriptor %d is the resolver's until "
				 "its close (the socket() and setsockopt() just before it were the resolver's too)", pr->tfd);
	} else {
		return s && s->resolver;
	}
	if (s)
		s->resolver = kind;
	return true;
}

/* What the entry's prepare would have set up, from the real arguments. */
static void setup(struct engine *e, struct eprog *pr, struct esock *s, const struct trace_ev *ev)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof(sin));
	memcpy(&sin, pr->args.sa, pr->args.sa_len < sizeof(sin) ? pr->args.sa_len : sizeof(sin));
	switch (pr->verb) {
	case V_SOCKET:
		pr->kind = kind_of(ev->args[0], ev->args[1], ev->args[2]);
		break;
	case V_CONNECT:
	case V_SENDTO:
		if (s && pr->args.sa_len && !pr->args.sa_out)
			s->pending_dest = sin;
		break;
	case V_SHUTDOWN:
		pr->how = (int)ev->args[1];
		break;
	case V_RECV:
	case V_RECVFROM:
		pr->dgram_len = s && s->proto == PROTO_UDP ? observe_dgram_len(&pr->p, s->fd) : -1;
		break;
	case V_SELECT:
		pr->sel_n = 0;
		break;
	case V_CLOSE:
		if (s && pr->entry && pr->entry->prepare) { /* close's reads its socket only */
			struct call_ctx x = { e, pr, s };
			struct prog_req rq;
			char err[8];
			call_req_init(&rq, V_CLOSE, s->fd);
			pr->entry->prepare(&x, NULL, &rq, err, sizeof(err));
		}
		break;
	default:
		break;
	}
}

bool tcall_enter(struct engine *e, struct eprog *pr, const struct trace_ev *ev, struct sysc_call *sc)
{
	sysc_enter(sc, ev->nr, ev->args, reader, pr->tr);
	if (!sysc_known(ev->nr))
		return false;
	int fd = sc->fd;
	struct esock *s = fd >= 0 ? call_sock_of_fd(e, pr, fd) : NULL;
	if (fd >= 0 && !s && !trace_fd_is_socket(pr->tr, fd))
		return false; /* a file, a pipe, the terminal: not the lecture's */
	pr->verb = sc->ca.verb;
	pr->entry = call_entry_of(sc->ca.verb);
	pr->sock = s ? (int)(s - e->socks) : -1;
	pr->args = sc->ca;
	pr->tfd = fd;
	snprintf(pr->code, sizeof(pr->code), "%s", sc->text);
	setup(e, pr, s, ev);
	log_sockaddr(e, pr, &sc->ca);
	/* libc's names (send() is sendto() with no address ...): said once per
	 * program and system call, not at every call. */
	unsigned nr = (unsigned)ev->nr;
	if (sc->note[0] && (nr >= 512 || !(pr->tnoted[nr / 64] & (1ull << (nr % 64))))) {
		slot_log(e, EV_INFO, pr, fd, "%s", sc->note);
		if (nr < 512)
			pr->tnoted[nr / 64] |= 1ull << (nr % 64);
	}
	if (resolver_mark(e, pr, s, sc)) /* after the call, where a C comment goes */
		snprintf(pr->code + strnlen(pr->code, sizeof(pr->code) - 24), 24, "  /* libc resolver */");
	return true;
}

void tcall_before(struct engine *e, struct eprog *pr)
{
	call_log_result(e, pr, pr->tfd, 0, 0, CS_BEFORE, 0);
}

/* The real result as sockstep's own program would have answered it: the
 * sockaddr the kernel filled in, the bytes received. */
static void make_rep(struct eprog *pr, const struct sysc_call *sc, struct prog_rep *rp)
{
	memset(rp, 0, offsetof(struct prog_rep, data));
	rp->ret = sc->ret;
	rp->err = sc->err;
	if (sc->err)
		return;
	if (sc->ca.sa_out && sc->sa_full_len) {
		size_t n = sc->sa_full_len < sizeof(rp->addr) ? sc->sa_full_len : sizeof(rp->addr);
		memcpy(&rp->addr, sc->sa_full, n);
		rp->addrlen = (socklen_t)n;
	}
	bool in = pr->verb == V_RECV || pr->verb == V_RECVFROM;
	if (in && sc->data_addr && sc->data_len) {
		size_t want = sc->data_len < sizeof(rp->data) ? sc->data_len : sizeof(rp->data);
		ssize_t got = trace_read(pr->tr, sc->data_addr, rp->data, want);
		rp->len = got > 0 ? (size_t)got : 0;
		if (rp->ret > (long)rp->len) /* what could not be read is not shown as received */
			rp->ret = (long)rp->len;
	}
}

void tcall_exit(struct engine *e, struct eprog *pr, struct sysc_call *sc, long ret, unsigned origin)
{
	struct prog_rep *rp = e->rep;
	if (!rp)
		return;
	sysc_exit(sc, ret, reader, pr->tr);
	make_rep(pr, sc, rp);
	const struct call_entry *ce = pr->entry;
	struct esock *s = pr->sock >= 0 ? &e->socks[pr->sock] : NULL;
	/* The entries log through call_finish; a call on a socket sockstep does
	 * not follow (or one with no entry) is logged with its result alone. */
	if (ce && (s || (ce->flags & CE_OWN_RESULT))) {
		call_finish(e, pr, origin);
		pr->busy = false;
	} else {
		pr->busy = false;
		call_log_result(e, pr, pr->tfd, rp->ret, rp->err, origin ? CS_COMPLETED : CS_DONE, origin);
	}
	if (pr->verb == V_SOCKET || pr->verb == V_ACCEPT) {
		/* The table names a program's socket by its descriptor. */
		struct esock *ns = rp->ret >= 0 ? call_sock_of_fd(e, pr, (int)rp->ret) : NULL;
		if (ns)
			snprintf(ns->var, sizeof(ns->var), "fd%d", ns->fd);
	}
}

bool tcall_fault_matches(enum verb want, enum verb have)
{
	return want == have || (want == V_RECV && have == V_RECVFROM) || (want == V_SEND && have == V_SENDTO) ||
	       (want == V_RECVFROM && have == V_RECV) || (want == V_SENDTO && have == V_SEND);
}
