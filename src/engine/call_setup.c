/* call_setup.c - the calls that set a socket up: socket, bind, listen,
 * accept, connect, and the two that show what the kernel set up:
 * getsockname, getpeername (one entry each, see call.h). */
#include "call.h"

#include "convert.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* ---- socket ------------------------------------------------------------- */

static const struct sock_kind tcp_kind = { "tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP, "PF_INET", "SOCK_STREAM",
					   "IPPROTO_TCP", PROTO_TCP, "" };

static void socket_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)var;
	(void)side;
	const struct sock_kind *k = c->kind ? c->kind : &tcp_kind;
	snprintf(buf, len, "sock = socket(%s, %s, %s);", k->c_domain, k->c_type, k->c_protocol);
}

static long socket_perform(struct prog_call *pc)
{
	return socket(pc->rq->a, pc->rq->b, pc->rq->c);
}

/* The new descriptor becomes a slot, and its first row. */
static bool socket_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	struct engine *e = x->e;
	struct eprog *pr = x->pr;
	long ret = rp->ret;
	int er = rp->err;
	pr->busy = false;
	call_log_result(e, pr, ret >= 0 ? (int)ret : -1, ret, er, origin ? CS_COMPLETED : CS_DONE, origin);
	const struct sock_kind *k = pr->kind;
	if (er) {
		struct esock tmp = { .proto = k->proto, .side = pr->side, .prog = (int)(pr - e->progs), .fd = -1 };
		const char *h = call_hint(e, &tmp, V_SOCKET, er);
		slot_log(e, EV_INFO, pr, -1, "%s: %s%s%s", errno_name(er), k->purpose, h ? "; " : "", h ? h : "");
		return true;
	}
	struct esock *ns = slot_new_sock(e, pr, (int)ret, k->proto, k, "sock");
	if (!ns)
		return true; /* counted before the call: cannot happen */
	if (k->proto == PROTO_NONE)
		slot_log(e, EV_INFO, pr, ns->fd, "%s: %s (sockstep shows its descriptor; the 5-tuple table follows "
			 "TCP and UDP over IPv4)", k->word, k->purpose);
	else
		row_kernel(e, ns, TS_SOCKET, NULL);
	return true;
}

/* socket() may start its program (a program that ended starts afresh). */
static int socket_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen);

/* ---- bind ------------------------------------------------------------------ */

static void bind_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)c;
	snprintf(buf, len, "bind(%s, (struct sockaddr *)&%s, sizeof(%s));", var, call_local_var(side),
		 call_local_var(side));
}

static int bind_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	call_build_sockaddr(x->e, x->s, c, call_local_var(x->s->side), &rq->addr);
	return 0;
}

static long bind_perform(struct prog_call *pc)
{
	return bind(pc->rq->fd, (const struct sockaddr *)&pc->rq->addr, sizeof(pc->rq->addr));
}

static bool bind_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	if (!rp->err)
		row_kernel(x->e, x->s, TS_BIND, NULL);
	return true;
}

/* ---- listen ---------------------------------------------------------------- */

static void listen_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)side;
	snprintf(buf, len, "listen(%s, %d);", var, c->backlog);
}

static int listen_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)x;
	(void)err;
	(void)errlen;
	rq->a = c->backlog;
	return 0;
}

static long listen_perform(struct prog_call *pc)
{
	return listen(pc->rq->fd, pc->rq->a);
}

static bool listen_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	struct esock *s = x->s;
	if (rp->err)
		return true;
	s->listening = true;
	struct tuple_row r;
	row_snapshot(x->e, s, &r);
	s->kernel = r;
	tuple_set_unknown_remote(&r);
	if (!r.lport[0] || !strcmp(r.lip, "0.0.0.0"))
		snprintf(r.note, sizeof(r.note), "%s", r.lport[0] ? "listening on every address of the host" : "");
	row_show(x->e, s, &r, TS_LISTEN);
	if (!s->kernel.lport[0])
		slot_log(x->e, EV_INFO, x->pr, s->fd, "%s", "listen() without bind(): the kernel picked a port for it");
	return true;
}

/* ---- accept ---------------------------------------------------------------- */

static void accept_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)c;
	snprintf(buf, len, "csock = accept(%s, (struct sockaddr *)&%s, &clientlen);", var, call_remote_var(side));
}

static long accept_perform(struct prog_call *pc)
{
	pc->rp->addrlen = sizeof(pc->rp->addr);
	return accept(pc->rq->fd, (struct sockaddr *)&pc->rp->addr, &pc->rp->addrlen);
}

/* The new descriptor: a slot and its row (or, on a full side, hidden). */
static bool accept_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	struct eprog *pr = x->pr;
	long ret = rp->ret;
	if (rp->err)
		return true;
	struct esock *ns = slot_new_sock(x->e, pr, (int)ret, x->s->proto, x->s->kind, "csock");
	if (!ns) {
		slot_fd_hide(pr, (int)ret);
		slot_log(x->e, EV_INFO, pr, (int)ret, "%s's side holds %d open sockets already, the most sockstep "
			 "shows: descriptor %ld is not shown", pr->name, ENGINE_SIDE_SOCKS, ret);
		return true;
	}
	row_kernel(x->e, ns, TS_ACCEPTED, "a new socket: the listening one keeps waiting");
	pr->from = rp->addr;
	pr->from_set = true;
	pr->from_verb = V_ACCEPT;
	return true;
}

/* ---- connect --------------------------------------------------------------- */

static void connect_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)c;
	snprintf(buf, len, "connect(%s, (struct sockaddr *)&%s, sizeof(%s));", var, call_remote_var(side),
		 call_remote_var(side));
}

/* The remote parameters exist in the structure before the kernel has them
 * (the lecture's STEP5). */
static int connect_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	struct engine *e = x->e;
	struct esock *s = x->s;
	call_build_sockaddr(e, s, c, call_remote_var(s->side), &rq->addr);
	s->pending_dest = rq->addr;
	struct tuple_row r;
	row_snapshot(e, s, &r);
	s->kernel = r;
	if (e->lab->mode == NET_LAB && ntohl(rq->addr.sin_addr.s_addr) >> 24 == 127)
		slot_log(e, EV_INFO, x->pr, s->fd, "127.0.0.1 is this host's own loopback: in the lab each host has "
			 "its own, so this connect() reaches the %s host's kernel, not the %s",
			 side_name(s->side), s->side == SIDE_CLIENT ? "server" : "client");
	if (s->proto == PROTO_TCP && !r.rip[0] && strcmp(r.state, "LISTEN")) {
		tuple_set_remote(&r, &rq->addr);
		snprintf(r.note, sizeof(r.note), "remote set in %s (sockaddr_in), not yet in the kernel",
			 call_remote_var(s->side));
		row_show(e, s, &r, TS_REMOTE);
	}
	return 0;
}

static long connect_perform(struct prog_call *pc)
{
	return connect(pc->rq->fd, (const struct sockaddr *)&pc->rq->addr, sizeof(pc->rq->addr));
}

/* While connect() sleeps: the kernel's state now (SYN_SENT), before any
 * answer can arrive (on a screen only: batch shows the end). */
static void connect_waiting(struct call_ctx *x)
{
	struct esock *s = x->s;
	if (s->proto != PROTO_TCP || !x->e->live)
		return;
	struct tuple_row r;
	row_snapshot(x->e, s, &r);
	s->kernel = r;
	tuple_set_remote(&r, &s->pending_dest);
	snprintf(r.note, sizeof(r.note), "%s",
		 x->e->lab->mode == NET_LAB ? "connect() sleeps; the SYN leaves once ARP has found the peer's MAC"
					    : "connect() sleeps until the handshake ends");
	row_show(x->e, s, &r, TS_STATE);
}

static bool connect_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	struct esock *s = x->s;
	int er = rp->err;
	if (s->proto != PROTO_TCP) {
		row_kernel(x->e, s, TS_REMOTE, er ? NULL : "UDP connect(): the peer is stored in the kernel; nothing was sent");
		return true;
	}
	if (er == EISCONN || er == EALREADY || er == EBADF)
		return true; /* nothing changed */
	if (er == EINPROGRESS || er == EINTR) {
		struct tuple_row r;
		row_snapshot(x->e, s, &r);
		s->kernel = r;
		if (!r.rip[0] && !strcmp(r.state, "SYN_SENT"))
			tuple_set_remote(&r, &s->pending_dest); /* the kernel has it; getpeername waits for ESTABLISHED */
		snprintf(r.note, sizeof(r.note), "%s",
			 er == EINTR ? "connect() gave up waiting; the handshake goes on in the kernel"
				     : "connect() returned at once; the handshake goes on in the kernel");
		row_show(x->e, s, &r, TS_STATE);
		return true;
	}
	row_kernel(x->e, s, er ? TS_FAILED : TS_CONNECTED, NULL);
	return true;
}

/* ---- getsockname, getpeername --------------------------------------------- */

/* The structure each fills in, by the lecture's names: a program's own
 * address is its local one, the peer's the remote one. */
static const char *name_var(enum verb v, enum side side)
{
	return v == V_GETSOCKNAME ? call_local_var(side) : call_remote_var(side);
}

static void name_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	snprintf(buf, len, "%s(%s, (struct sockaddr *)&%s, &addrlen);", cmd_verb_name(c->verb), var,
		 name_var(c->verb, side));
}

static long getsockname_perform(struct prog_call *pc)
{
	pc->rp->addrlen = sizeof(pc->rp->addr);
	return getsockname(pc->rq->fd, (struct sockaddr *)&pc->rp->addr, &pc->rp->addrlen);
}

static long getpeername_perform(struct prog_call *pc)
{
	pc->rp->addrlen = sizeof(pc->rp->addr);
	return getpeername(pc->rq->fd, (struct sockaddr *)&pc->rp->addr, &pc->rp->addrlen);
}

/* The sockaddr_in the kernel filled in: its 16 bytes as bind's are shown,
 * then ntohs() and ntohl() bring port and address back to host order. */
static bool name_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	if (rp->err)
		return true;
	enum verb v = x->pr->verb;
	const char *var = name_var(v, x->s->side);
	const struct sockaddr_in *sin = &rp->addr;
	unsigned char b[16] = { 0 };
	memcpy(b, sin, sizeof(b) < sizeof(*sin) ? sizeof(b) : sizeof(*sin));
	char hex[SA_HEX_MAX], legend[64], fields[512];
	sa_hex(b, hex);
	sa_legend(legend, sizeof(legend));
	convert_sender(sin, fields, sizeof(fields));
	slot_log(x->e, EV_TABLE, x->pr, x->s->fd, "%s() filled in %s: %s, %u bytes\n%s\n%s\n%s",
		 cmd_verb_name(v), var, v == V_GETSOCKNAME ? "the socket's own address" : "the peer's address",
		 (unsigned)rp->addrlen, hex, legend, fields);
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	unsigned port = ntohs(sin->sin_port);
	slot_log(x->e, EV_INFO, x->pr, x->s->fd, "ntohs(%s.sin_port) = %u; inet_ntoa(%s.sin_addr) = \"%s\"%s", var,
		 port, var, ip,
		 v == V_GETSOCKNAME && !port
			 ? ": nothing bound yet (bind(), connect(), listen() or a first sendto() has the kernel choose)"
		 : v == V_GETSOCKNAME && !sin->sin_addr.s_addr ? ": every address of the host (INADDR_ANY)"
							      : "");
	return true;
}

/* getpeername() on a socket with no peer. */
static const char *getpeername_explain(int err, const struct explain_sit *sit)
{
	if (err != ENOTCONN)
		return NULL;
	if (sit->listening)
		return "a listening socket has no peer: each connection gets its own socket from accept(), ask that one";
	if (!sit->tcp)
		return "this UDP socket has no peer: without connect() the kernel keeps no remote address (each "
		       "sendto() names one, each recvfrom() reports one)";
	return "no peer: the connection is not established (never connected, or the handshake has not ended)";
}

const struct call_entry call_setup_entries[] = {
	{ .verb = V_SOCKET, .flags = CE_NEW_FD | CE_STARTS | CE_OWN_RESULT, .code = socket_code,
	  .perform = socket_perform, .after = socket_after, .run = socket_run },
	{ .verb = V_BIND, .flags = CE_SA_IN, .code = bind_code, .prepare = bind_prepare,
	  .perform = bind_perform, .after = bind_after },
	{ .verb = V_LISTEN, .code = listen_code, .prepare = listen_prepare,
	  .perform = listen_perform, .after = listen_after },
	{ .verb = V_ACCEPT, .flags = CE_SA_OUT, .code = accept_code, .perform = accept_perform,
	  .after = accept_after },
	{ .verb = V_CONNECT, .flags = CE_SA_IN, .code = connect_code, .prepare = connect_prepare,
	  .perform = connect_perform, .waiting = connect_waiting, .after = connect_after },
	{ .verb = V_GETSOCKNAME, .flags = CE_SA_OUT, .code = name_code, .perform = getsockname_perform,
	  .after = name_after },
	{ .verb = V_GETPEERNAME, .flags = CE_SA_OUT, .code = name_code, .perform = getpeername_perform,
	  .after = name_after, .explain = getpeername_explain },
};
const size_t call_setup_count = sizeof(call_setup_entries) / sizeof(call_setup_entries[0]);

static int socket_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	if (slot_open_socks(e, c->t.side) >= ENGINE_SIDE_SOCKS) {
		char how[96];
		slot_close_advice(e, c->t.side, slot_find_prog(e, c->t.side, c->t.prog, c->t.child), how, sizeof(how));
		return ERR("the %s side holds %d open sockets already, the most sockstep follows; expected %s first",
			   side_name(c->t.side), ENGINE_SIDE_SOCKS, how);
	}
	int rc;
	if (!(pr = slot_prog_for(e, pr, &c->t, &rc, err, errlen)))
		return rc;
	const struct sock_kind *k = c->kind ? c->kind : &tcp_kind;
	call_begin(e, pr, &call_setup_entries[0], NULL);
	pr->kind = k;
	socket_code(pr->code, sizeof(pr->code), "sock", pr->side, c);
	struct prog_req rq;
	call_req_init(&rq, V_SOCKET, -1);
	rq.a = k->domain;
	rq.b = k->type;
	rq.c = k->protocol;
	call_args_of(&pr->args, &call_setup_entries[0], &rq);
	call_run(e, pr, &rq);
	return 0;
}
