/* call.c - what every call entry shares: a call's life (sent to the
 * program, blocked, finished, logged as a call event), its explanations
 * and the lecture's structures (see call.h). */
#include "call.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "engine_flow.h"

static const struct {
	const struct call_entry *rows;
	const size_t *n;
} families[] = {
	{ call_setup_entries, &call_setup_count },	{ call_data_entries, &call_data_count },
	{ call_end_entries, &call_end_count },		{ call_opts_entries, &call_opts_count },
	{ call_lecture_entries, &call_lecture_count },
};

const struct call_entry *call_entry_of(enum verb v)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (size_t i = 0; i < *families[f].n; i++)
			if (families[f].rows[i].verb == v)
				return &families[f].rows[i];
	return NULL;
}

void call_req_init(struct prog_req *rq, enum verb op, int fd)
{
	memset(rq, 0, offsetof(struct prog_req, data));
	rq->op = op;
	rq->fd = fd;
}

void call_log_result(struct engine *e, struct eprog *pr, int fd, long ret, int err, enum call_status st,
		     unsigned origin)
{
	struct event *ev = slot_log(e, EV_CALL, pr, fd, "%s", pr->code);
	if (ev) {
		ev->ret = ret;
		ev->err = err;
		ev->status = st;
		ev->origin = origin;
		ev->call = pr->args;
	}
	if (st != CS_BLOCKED && st != CS_BEFORE) {
		pr->last_set = true;
		pr->last_ret = ret;
		pr->last_err = err;
	}
}

struct esock *call_sock_of_fd(struct engine *e, const struct eprog *pr, int fd)
{
	return slot_lookup(e, pr, fd, false);
}

/* ---- explanations ------------------------------------------------------- */

/* What the socket was, for explaining an error: the kernel's words are the
 * same for different situations (EPIPE: shut down, reset, never connected). */
static struct explain_sit situation_of(const struct engine *e, const struct esock *s)
{
	struct explain_sit x = { .tcp = s->proto == PROTO_TCP, .listening = s->listening,
				 .shut_rd = s->shut_rd, .shut_wr = s->shut_wr, .server = s->side == SIDE_SERVER,
				 .lab = e->lab->mode == NET_LAB };
	if (s->listening)
		x.sit = SIT_LISTENING;
	else if (s->shut_wr || s->shut_rd)
		x.sit = SIT_SHUT;
	else if (s->cur_peer)
		x.sit = SIT_CONNECTED;
	else
		x.sit = s->connected_once ? SIT_WAS_CONNECTED : SIT_FRESH;
	return x;
}

/* The entry's own words for err first (the call s's program is in), else
 * explain.c's by verb. */
const char *call_hint(const struct engine *e, const struct esock *s, enum verb v, int err)
{
	struct explain_sit x = situation_of(e, s);
	const struct call_entry *ce = s->prog >= 0 && s->prog < ENGINE_MAX_PROGS ? e->progs[s->prog].entry : NULL;
	const char *h = ce && ce->verb == v && ce->explain ? ce->explain(err, &x) : NULL;
	return h ? h : explain_errno(v, err, &x);
}

void call_error_hint(struct engine *e, const struct esock *s, enum verb v, int err)
{
	const char *h = call_hint(e, s, v, err);
	if (h)
		slot_log(e, EV_INFO, slot_prog_of(e, s), s->fd, "%s: %s", errno_name(err), h);
}

/* The lecture's variable names: the server binds echoserver and fills
 * echoclient from recvfrom/accept; the client binds echoclient and connects to
 * echoserver. */
const char *call_local_var(enum side side)
{
	return side == SIDE_SERVER ? "echoserver" : "echoclient";
}

const char *call_remote_var(enum side side)
{
	return side == SIDE_SERVER ? "echoclient" : "echoserver";
}

/* Run the four statements of the lecture and log each stage. */
void call_build_sockaddr(struct engine *e, const struct esock *s, const struct cmd *c,
			   const char *var, struct sockaddr_in *out)
{
	struct eprog *pr = slot_prog_of(e, s);
	sa_build(&e->sa, var, c->addr_text, c->port, c->conv, c->nohtons);
	e->sa_set = true;
	struct event *ev = slot_log(e, EV_SOCKADDR, pr, s->fd, NULL);
	if (ev)
		session_attach_sa(ev, &e->sa);
	if (e->sa.conv_failed && c->conv == CONV_INET_ADDR)
		slot_log(e, EV_INFO, pr, s->fd,
			 "inet_addr(\"%.64s\") returned INADDR_NONE (0xFFFFFFFF): the same value it returns "
			 "for bad input, so a program cannot tell them apart; inet_pton can",
			 c->addr_text);
	*out = e->sa.sin;
}

void call_got_data(struct engine *e, struct eprog *pr, struct esock *s, const unsigned char *buf, ssize_t n,
		     const struct sockaddr_in *from)
{
	char esc[256];
	size_t len = n > 0 ? (size_t)n : 0;
	if (len > CMD_DATA_MAX)
		len = CMD_DATA_MAX;
	memcpy(pr->data, buf, len);
	if (n >= 0 && s->proto == PROTO_UDP)
		s->received++; /* a datagram taken off its receive queue */
	pr->data_len = len;
	pr->data_set = true;
	escape_bytes(buf, len, esc, sizeof(esc));
	struct event *ev;
	if (n == 0 && s->proto == PROTO_TCP)
		ev = slot_log(e, EV_DATA, pr, s->fd, "received 0 bytes: the peer closed its side (end of stream)");
	else if (from) {
		char ip[16];
		inet_ntop(AF_INET, &from->sin_addr, ip, sizeof(ip));
		ev = slot_log(e, EV_DATA, pr, s->fd, "received \"%s\" (%zd bytes) from %s:%u", esc, n, ip,
			  (unsigned)ntohs(from->sin_port));
	} else
		ev = slot_log(e, EV_DATA, pr, s->fd, "received \"%s\" (%zd bytes)", esc, n);
	if (ev)
		ev->ret = n;
}

/* Wait until the program's call returns or sleeps. 1: the reply is in
 * e->rep; 0: the program is blocked; <0: it died. */
int call_answer(struct engine *e, struct eprog *pr)
{
	int rc = prog_settle(&pr->p);
	if (rc <= 0)
		return rc;
	return prog_recv(&pr->p, e->rep) < 0 ? -EPIPE : 1;
}

/* Send the program its call and wait as call_answer() does. */
int call_send(struct engine *e, struct eprog *pr, const struct prog_req *rq, int pass_fd)
{
	if (!e->rep)
		return -ENOMEM;
	engine_host_filter(e); /* --net host: the call's frames must find their filter */
	int rc = prog_send(&pr->p, rq, pass_fd);
	return rc < 0 ? rc : call_answer(e, pr);
}

/* ---- a call's life --------------------------------------------------------- */

void call_args_of(struct call_args *a, const struct call_entry *ce, const struct prog_req *rq)
{
	*a = (struct call_args){ .set = true, .verb = ce->verb, .a = rq->a, .b = rq->b, .c = rq->c, .len = rq->len };
	if (ce->flags & CE_SA_IN) {
		memcpy(a->sa, &rq->addr, sizeof(rq->addr));
		a->sa_len = sizeof(rq->addr);
	}
}

void call_begin(struct engine *e, struct eprog *pr, const struct call_entry *ce, struct esock *s)
{
	pr->verb = ce->verb;
	pr->entry = ce;
	pr->sock = s ? (int)(s - e->socks) : -1;
	pr->args = (struct call_args){ .set = true, .verb = ce->verb };
}

bool call_finish(struct engine *e, struct eprog *pr, unsigned origin)
{
	const struct prog_rep *rp = e->rep;
	const struct call_entry *ce = pr->entry;
	struct call_ctx x = { e, pr, pr->sock >= 0 ? &e->socks[pr->sock] : NULL };
	if ((ce->flags & CE_SA_OUT) && rp->addrlen && !rp->err) {
		size_t n = rp->addrlen < CALL_SA_MAX ? rp->addrlen : CALL_SA_MAX;
		memcpy(pr->args.sa, &rp->addr, n);
		pr->args.sa_len = (unsigned char)n;
		pr->args.sa_out = true;
	}
	if (ce->flags & CE_OWN_RESULT)
		return ce->after(&x, rp, origin);
	pr->busy = false;
	if (!x.s)
		return true;
	call_log_result(e, pr, x.s->fd, rp->ret, rp->err, origin ? CS_COMPLETED : CS_DONE, origin);
	if (rp->err)
		call_error_hint(e, x.s, pr->verb, rp->err);
	return ce->after ? ce->after(&x, rp, origin) : true;
}

void call_blocked(struct engine *e, struct eprog *pr)
{
	struct call_ctx x = { e, pr, pr->sock >= 0 ? &e->socks[pr->sock] : NULL };
	pr->busy = true;
	call_log_result(e, pr, x.s ? x.s->fd : -1, 0, 0, CS_BLOCKED, 0);
	if (x.s && pr->entry->waiting)
		pr->entry->waiting(&x);
}

/* What became of the call just made (call_answer's rc): logged as done, or
 * as blocked (a flood goes on in chunks), or the program is gone. */
void call_conclude(struct engine *e, struct eprog *pr, int rc)
{
	if (rc < 0)
		slot_prog_died(e, pr);
	else if (rc == 0 || !call_finish(e, pr, 0))
		call_blocked(e, pr);
}

void call_run(struct engine *e, struct eprog *pr, const struct prog_req *rq)
{
	pr->seq = e->log->seq;
	call_conclude(e, pr, call_send(e, pr, rq, -1));
}

/* A bare "server accept" means the listening socket, when there is one. */
static int default_target(struct engine *e, const struct cmd *c, struct eprog *pr, int *fd, char *err,
			  size_t errlen)
{
	*fd = c->t.fd;
	if (c->t.fd >= 0 || c->verb != V_ACCEPT)
		return 0;
	int n = 0, slot = (int)(pr - e->progs);
	char list[160] = "";
	size_t o = 0;
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *s = &e->socks[i];
		if (s->used && !s->closed && s->prog == slot && s->listening) {
			n++;
			*fd = s->fd;
			if (o < sizeof(list))
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s#%d accept", o ? " or " : "",
						      pr->name, s->fd);
		}
	}
	if (n > 1)
		return ERR("%s has %d listening sockets; expected which one to accept on: %s", pr->name, n, list);
	if (n == 0)
		*fd = -1;
	return 0;
}

int call_on_socket(struct engine *e, struct eprog *pr, const struct call_entry *ce, const struct cmd *c,
		   char *err, size_t errlen)
{
	struct target t = c->t;
	if (default_target(e, c, pr, &t.fd, err, errlen) < 0)
		return -EINVAL;
	struct esock *s = slot_find(e, &t, false, err, errlen);
	if (!s)
		return -EINVAL;
	call_begin(e, pr, ce, s);
	ce->code(pr->code, sizeof(pr->code), s->var, c->t.side, c);
	struct prog_req rq;
	call_req_init(&rq, ce->verb, s->fd);
	struct call_ctx x = { e, pr, s };
	int rc = ce->prepare ? ce->prepare(&x, c, &rq, err, errlen) : 0;
	if (rc)
		return rc < 0 ? rc : 0;
	call_args_of(&pr->args, ce, &rq);
	call_run(e, pr, &rq);
	return 0;
}
