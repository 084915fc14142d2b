/* call_rows.c - the 5-tuple rows read back from the kernel after a call
 * (through observe.h), and what the table shows of them (see call.h). */
#include "call.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "explain.h"
#include "wire.h"

/* The screen tells a receive queue's drops once the count has not moved
 * for this long: a flood's frames come in bursts, one relay turn apart. */
#define DROPS_QUIET_MS 60

/* A connection that ended while its descriptor is still open: the kernel
 * hands it to a TIME_WAIT socket of its own (tcp_time_wait), which keeps
 * the cookie and the peer, and the descriptor's socket says CLOSED with no
 * peer. What the connection is in the kernel is what the table shows (the
 * TIME_WAIT that makes a later bind fail), with its peer. */
static void time_wait_of(struct engine *e, struct esock *s, struct tuple_row *r)
{
	struct sockaddr_in peer;
	int st = observe_kept(&e->obs, s->side, &s->cur_local, &s->cur_remote, s->cookie, &peer);
	if (st <= 0)
		return;
	snprintf(r->state, sizeof(r->state), "%s", tuple_tcp_state_name(st));
	tuple_set_remote(r, &peer);
	s->cur_remote = peer;
}

int row_snapshot(struct engine *e, struct esock *s, struct tuple_row *r)
{
	struct eprog *pr = slot_prog_of(e, s);
	struct obs_sock o;
	memset(r, 0, sizeof(*r));
	r->side = s->side;
	r->prog = (unsigned char)pr->num;
	r->child = (unsigned char)pr->child;
	r->fd = s->fd;
	r->proto = s->proto;
	int rc = observe_fd(&pr->p, s->fd, s->proto, !s->cookie, &o);
	if (rc < 0) {
		snprintf(r->state, sizeof(r->state), "?");
		return rc;
	}
	memset(&s->cur_local, 0, sizeof(s->cur_local));
	if (o.has_local) {
		tuple_set_local(r, &o.local);
		s->cur_local = o.local;
	}
	s->cur_peer = o.has_peer;
	if (o.has_peer) {
		tuple_set_remote(r, &o.remote);
		s->cur_remote = o.remote;
	}
	snprintf(r->state, sizeof(r->state), "%s", o.state);
	s->drops_now = o.drops;
	if (!s->cookie && o.cookie)
		s->cookie = o.cookie;
	if (s->proto == PROTO_TCP && s->connected_once && s->cookie && !s->cur_peer && !strcmp(r->state, "CLOSED"))
		time_wait_of(e, s, r);
	return 0;
}

/* Log a row for s; `r` already holds the values to show. The table follows
 * TCP and UDP over IPv4: another family's socket (AF_UNIX, AF_INET6,
 * netlink: PROTO_NONE) never gets a row, whatever call is made on it. */
void row_show(struct engine *e, struct esock *s, struct tuple_row *r, enum tstep st)
{
	if (s->proto == PROTO_NONE)
		return;
	if (s->resolver && !r->note[0]) /* a traced program's getaddrinfo() asking DNS */
		snprintf(r->note, sizeof(r->note), "libc resolver's socket (getaddrinfo), not the program's own");
	struct eprog *pr = slot_prog_of(e, s);
	r->step = st;
	r->prog = (unsigned char)pr->num;
	r->child = (unsigned char)pr->child;
	tuple_diff(r, s->has_shown ? &s->shown : NULL);
	s->shown = *r;
	s->has_shown = true;
	struct event *ev = slot_log(e, EV_ROW, pr, s->fd, NULL);
	if (ev)
		session_attach_row(ev, r);
}

/* The common case: a row straight from the kernel. */
void row_kernel(struct engine *e, struct esock *s, enum tstep st, const char *note)
{
	struct tuple_row r;
	row_snapshot(e, s, &r);
	s->kernel = r;
	if (r.rip[0])
		s->connected_once = true;
	if (note)
		snprintf(r.note, sizeof(r.note), "%s", note);
	row_show(e, s, &r, st);
}

/* A UDP row: the kernel's values, and where the kernel keeps no peer, the
 * address the call used (sendto's destination, recvfrom's source) with a
 * note that says so: the lecture's table fills REMOTE in, the kernel does not. */
void row_udp(struct engine *e, struct esock *s, const struct sockaddr_in *remote, const char *note,
		    enum tstep st)
{
	struct tuple_row r;
	row_snapshot(e, s, &r);
	s->kernel = r;
	if (!r.rip[0]) {
		tuple_set_remote(&r, remote);
		snprintf(r.note, sizeof(r.note), "%s", note);
	}
	row_show(e, s, &r, st);
}

/* Another program's open descriptor for the same socket (fork's copies). */
struct esock *row_other_holder(struct engine *e, const struct esock *s)
{
	for (int i = 0; s->cookie && i < ENGINE_MAX_SOCKS; i++) {
		struct esock *o = &e->socks[i];
		if (o != s && o->used && !o->closed && o->cookie == s->cookie)
			return o;
	}
	return NULL;
}

/* State of a socket whose descriptor is gone: another program may still
 * hold the socket (then it is that one's), else sock_diag says what the
 * kernel keeps of it (FIN_WAIT2, TIME_WAIT), found by its cookie. */
void row_closed_state(struct engine *e, struct esock *s, char *out, size_t len)
{
	struct esock *o = row_other_holder(e, s);
	if (o) {
		struct tuple_row r;
		row_snapshot(e, o, &r);
		snprintf(out, len, "%s", r.state);
		return;
	}
	int st = s->proto == PROTO_TCP && (s->connected_once || s->cookie)
			 ? observe_kept(&e->obs, s->side, &s->last_local, &s->last_remote, s->cookie, NULL)
			 : -ENOENT;
	snprintf(out, len, "%s", st > 0 ? tuple_tcp_state_name(st) : "CLOSED");
}

/* The state of an open socket now, without logging anything. */
void row_state_now(struct engine *e, struct esock *s, char *out, size_t len)
{
	struct tuple_row r;
	if (s->closed) {
		row_closed_state(e, s, out, len);
		return;
	}
	row_snapshot(e, s, &r);
	snprintf(out, len, "%s", r.state);
}

/* ---- a receive queue's drops ------------------------------------------------ */

static unsigned long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000 + (unsigned long)ts.tv_nsec / 1000000;
}

void row_drops_wake(struct engine *e, unsigned ms)
{
	uint64_t ticks;
	if (!ms) { /* one-shot: once read, it is spent */
		if (e->drops_timer >= 0 && read(e->drops_timer, &ticks, sizeof(ticks)) < 0)
			ticks = 0; /* not expired: EAGAIN */
		return;
	}
	if (e->drops_timer < 0)
		e->drops_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec it = { .it_value = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 } };
	if (e->drops_timer >= 0)
		timerfd_settime(e->drops_timer, 0, &it, NULL);
}

/* Another open descriptor of the same socket made before s (fork's copies):
 * that one tells the socket's drops, once. */
static bool elder_holder(const struct engine *e, const struct esock *s)
{
	for (int i = 0; s->cookie && i < ENGINE_MAX_SOCKS; i++) {
		const struct esock *o = &e->socks[i];
		if (o != s && o->used && !o->closed && o->cookie == s->cookie && o->born < s->born)
			return true;
	}
	return false;
}

bool row_drops_due(struct engine *e, struct esock *s)
{
	if (s->proto != PROTO_UDP || s->drops_now <= s->drops_told || elder_holder(e, s))
		return false;
	if (!e->live)
		return true;
	unsigned long now = now_ms();
	if (s->drops_now != s->drops_seen) {
		s->drops_seen = s->drops_now;
		s->drops_at = now;
	}
	if (now - s->drops_at >= DROPS_QUIET_MS)
		return true;
	row_drops_wake(e, (unsigned)(DROPS_QUIET_MS - (now - s->drops_at)));
	return false;
}

void row_drops_tell(struct engine *e, struct esock *s, struct tuple_row *r)
{
	const struct wire_counters *wc = e->wire && wire_relays(e->wire) ? wire_counters(e->wire) : NULL;
	struct explain_drops d = { .who = slot_prog_of(e, s)->name, .dropped = (unsigned long)s->drops_now,
				   .told = (unsigned long)s->drops_told, .wire = wc != NULL,
				   .wire_lost = wc ? wc->lost + wc->dropped : 0 };
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		struct esock *o = &e->socks[i];
		if (o == s || (s->cookie && o->used && o->cookie == s->cookie)) {
			d.received += o->received;
			o->drops_told = s->drops_now;
		}
	}
	char text[256];
	explain_drops(&d, text, sizeof(text));
	slot_log(e, EV_INFO, slot_prog_of(e, s), s->fd, "%s", text);
	explain_drops_note(&d, r->note, sizeof(r->note));
}
