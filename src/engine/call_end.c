/* call_end.c - the calls that end a socket: shutdown, close (one entry
 * each, see call.h). */
#include "call.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- shutdown -------------------------------------------------------------- */

static void shutdown_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)side;
	snprintf(buf, len, "shutdown(%s, %s);", var,
		 c->how == SHUT_RD ? "SHUT_RD" : c->how == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR");
}

static int shutdown_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	rq->a = c->how;
	x->pr->how = c->how;
	return 0;
}

static long shutdown_perform(struct prog_call *pc)
{
	return shutdown(pc->rq->fd, pc->rq->a);
}

static bool shutdown_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	struct esock *s = x->s;
	int how = x->pr->how;
	if (rp->err)
		return true;
	if (how != SHUT_WR)
		s->shut_rd = true;
	if (how != SHUT_RD)
		s->shut_wr = true;
	row_kernel(x->e, s, TS_SHUTDOWN, how == SHUT_RD ? "no more receiving on this side"
							: "this side will send no more (FIN)");
	return true;
}

/* ---- close ----------------------------------------------------------------- */

static void close_code(char *buf, size_t len, const char *var, enum side side, const struct cmd *c)
{
	(void)side;
	(void)c;
	snprintf(buf, len, "close(%s);", var);
}

/* What the socket was, to follow it in sock_diag once the descriptor is gone. */
static int close_prepare(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen)
{
	(void)c;
	(void)rq;
	(void)err;
	(void)errlen;
	struct esock *s = x->s;
	struct tuple_row r;
	row_snapshot(x->e, s, &r);
	s->last_local = s->cur_local;
	if (s->cur_peer || (s->proto == PROTO_TCP && r.rip[0])) { /* a peer, or a TIME_WAIT's */
		s->last_remote = s->cur_remote;
		s->connected_once = true;
	}
	if (s->listening)
		tuple_set_unknown_remote(&r);
	s->close_row = r;
	return 0;
}

static long close_perform(struct prog_call *pc)
{
	return close(pc->rq->fd);
}

static bool close_after(struct call_ctx *x, const struct prog_rep *rp, unsigned origin)
{
	(void)origin;
	struct esock *s = x->s;
	if (rp->err)
		return true;
	s->closed = true;
	s->closed_at = x->e->log->seq;
	/* The row comes from engine_refresh: what close() starts (FIN, ACK)
	 * takes a moment, and the state shown must not depend on how long. */
	s->close_row_due = true;
	return true;
}

const struct call_entry call_end_entries[] = {
	{ .verb = V_SHUTDOWN, .code = shutdown_code, .prepare = shutdown_prepare,
	  .perform = shutdown_perform, .after = shutdown_after },
	{ .verb = V_CLOSE, .code = close_code, .prepare = close_prepare, .perform = close_perform,
	  .after = close_after },
};
const size_t call_end_count = sizeof(call_end_entries) / sizeof(call_end_entries[0]);
