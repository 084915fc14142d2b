/* call_data.c - the calls that move data: send, recv, sendto, recvfrom
 * (one entry each, see call.h). */
#include "call.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* ---- send ------------------------------------------------------------------ */

static void send_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)side;
	char esc[96];
	escape_bytes(c->data, c->data_len, esc, sizeof(esc));
	snprintf(buf, len, "send(%s, \"%s\", %zu, 0);", var, esc, c->data_len);
}

static int send_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)x;
	(void)err;
	(void)errlen;
	memcpy(rq->data, c->data, c->data_len);
	rq->len = c->data_len;
	return 0;
}

static long send_perform(struct prog_call *pc)
{
	return send(pc->rq->fd, pc->rq->data, pc->rq->len, 0);
}

/* ---- recv ------------------------------------------------------------------ */

static void recv_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)side;
	snprintf(buf, len, "recv(%s, buffer, %zu, 0);", var, c->maxlen);
}

static int recv_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	rq->len = c->maxlen;
	x->pr->dgram_len = -1;
	return 0;
}

static long recv_perform(struct prog_call *pc)
{
	long r = recv(pc->rq->fd, pc->rp->data, pc->rq->len, 0);
	pc->rp->len = r > 0 ? (size_t)r : 0;
	return r;
}

static bool recv_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	if (!rp->err)
		call_got_data(x->e, x->pr, x->s, rp->data, rp->ret, NULL);
	return true;
}

/* ---- sendto ---------------------------------------------------------------- */

static void sendto_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	char esc[96];
	escape_bytes(c->data, c->data_len, esc, sizeof(esc));
	snprintf(buf, len, "sendto(%s, \"%s\", %zu, 0, (struct sockaddr *)&%s, sizeof(%s));", var, esc,
		 c->data_len, call_remote_var(side), call_remote_var(side));
}

/* UDP: the lecture's table has REMOTE as soon as the structure holds it. */
static int sendto_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	struct esock *s = x->s;
	call_build_sockaddr(x->e, s, c, call_remote_var(s->side), &rq->addr);
	s->pending_dest = rq->addr;
	send_prepare(x, c, rq, err, errlen);
	if (s->proto == PROTO_UDP) {
		char note[64];
		snprintf(note, sizeof(note), "remote set in %s (sockaddr_in)", call_remote_var(s->side));
		row_udp(x->e, s, &rq->addr, note, TS_REMOTE);
	}
	return 0;
}

static long sendto_perform(struct prog_call *pc)
{
	const struct prog_req *rq = pc->rq;
	return sendto(rq->fd, rq->data, rq->len, 0, (const struct sockaddr *)&rq->addr, sizeof(rq->addr));
}

static bool sendto_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	if (!rp->err && x->s->proto == PROTO_UDP)
		row_udp(x->e, x->s, &x->s->pending_dest,
			"remote = sendto()'s destination; the datagram carries both addresses, the kernel keeps no peer",
			TS_SENT);
	return true;
}

/* ---- recvfrom -------------------------------------------------------------- */

static void recvfrom_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	snprintf(buf, len, "recvfrom(%s, buffer, %zu, 0, (struct sockaddr *)&%s, &clientlen);", var, c->maxlen,
		 call_remote_var(side));
}

/* The waiting datagram's real length, to show what a short buffer loses. */
static int recvfrom_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	recv_prepare(x, c, rq, err, errlen);
	if (x->s->proto == PROTO_UDP)
		x->pr->dgram_len = observe_dgram_len(&x->pr->p, x->s->fd);
	return 0;
}

static long recvfrom_perform(struct prog_call *pc)
{
	pc->rp->addrlen = sizeof(pc->rp->addr);
	long r = recvfrom(pc->rq->fd, pc->rp->data, pc->rq->len, 0, (struct sockaddr *)&pc->rp->addr,
			  &pc->rp->addrlen);
	pc->rp->len = r > 0 ? (size_t)r : 0;
	return r;
}

/* While recvfrom() sleeps on a UDP socket: the row waits for a message. */
static void recvfrom_waiting(struct call_ctx *x)
{
	struct esock *s = x->s;
	if (s->proto != PROTO_UDP)
		return;
	struct tuple_row r;
	row_snapshot(x->e, s, &r);
	s->kernel = r;
	if (!r.rip[0])
		tuple_set_unknown_remote(&r);
	row_show(x->e, s, &r, TS_WAITMSG);
}

static bool recvfrom_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	struct eprog *pr = x->pr;
	struct esock *s = x->s;
	long ret = rp->ret;
	if (rp->err)
		return true;
	bool udp = s->proto == PROTO_UDP;
	call_got_data(x->e, pr, s, rp->data, ret, udp ? &rp->addr : NULL);
	if (udp) {
		pr->from = rp->addr;
		pr->from_set = true;
		pr->from_verb = V_RECVFROM;
	}
	if (pr->dgram_len > ret && udp)
		slot_log(x->e, EV_INFO, pr, s->fd,
			 "the datagram had %ld bytes and the buffer holds %ld: the other %ld bytes are discarded "
			 "(MSG_TRUNC; a datagram is read whole or cut, never in pieces)",
			 pr->dgram_len, ret, pr->dgram_len - ret);
	if (udp) /* exact where the lecture simplifies: the kernel keeps no peer */
		row_udp(x->e, s, &rp->addr, "remote from recvfrom()'s source; no peer in the kernel (getpeername: ENOTCONN)",
			TS_RECEIVED);
	return true;
}

const struct call_entry call_data_entries[] = {
	{ .verb = V_SEND, .code = send_code, .prepare = send_prepare, .perform = send_perform },
	{ .verb = V_RECV, .code = recv_code, .prepare = recv_prepare, .perform = recv_perform,
	  .after = recv_after },
	{ .verb = V_SENDTO, .flags = CE_SA_IN, .code = sendto_code, .prepare = sendto_prepare,
	  .perform = sendto_perform, .after = sendto_after },
	{ .verb = V_RECVFROM, .flags = CE_SA_OUT, .code = recvfrom_code,
	  .prepare = recvfrom_prepare, .perform = recvfrom_perform, .waiting = recvfrom_waiting,
	  .after = recvfrom_after },
};
const size_t call_data_count = sizeof(call_data_entries) / sizeof(call_data_entries[0]);
