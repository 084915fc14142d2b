/* app.c - running command lines and letting the network progress (see app.h). */
#include "app.h"
#include "fdutil.h"
#include "flowkey.h"
#include "traced.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* No frame for this long after a command: the network has settled. Longer
 * than TCP's 40 ms delayed-ACK timer, so a delayed ACK is not left over.
 * This only bounds the wait when the wire knows no frame is owed
 * (wire_awaits): then SETTLE_MS of quiet is enough, for what the last
 * frames set off in the hosts' kernels to come out. */
#define QUIET_MS 60
#define SETTLE_MS 5

static int build(struct app *a, const struct lab_config *cfg, bool new_netns, char *err, size_t errlen);

int app_init(struct app *a, const struct lab_config *cfg, bool new_netns, char *err, size_t errlen)
{
	/* What libpcap and libnl open lands at fd_base() and up. */
	int low[FD_HOLD_MAX];
	int n = fd_hold_low(low);
	int rc = build(a, cfg, new_netns, err, errlen);
	fd_release_low(low, n);
	return rc;
}

static int build(struct app *a, const struct lab_config *cfg, bool new_netns, char *err, size_t errlen)
{
	a->cfg = *cfg;
	/* A namespace of its own for the wire: a rebuilt or second lab must not
	 * meet the links of the one before (their removal is asynchronous). */
	if (new_netns && cfg->mode != NET_HOST && unshare(CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "cannot make a new network namespace for the lab: %s", errno_name(errno));
		return -errno;
	}
	int rc = lab_setup(&a->lab, cfg, err, errlen);
	if (rc < 0)
		return rc;
	session_init(&a->log);
	engine_init(&a->eng, &a->lab, &a->log);
	a->eng.live = a->live;
	a->wire = wire_open(&a->lab, &a->log, a->wire_why, sizeof(a->wire_why));
	if (!a->wire && a->lab.mode == NET_LAB) {
		snprintf(err, errlen, "the lab needs its wire: %s", a->wire_why);
		app_free(a);
		return -EIO;
	}
	a->eng.wire = a->wire;
	if (a->lab.mode == NET_HOST)
		app_filter_host(a);
	if (a->writer && a->wire) {
		wire_give_writer(a->wire, a->writer);
		a->writer = NULL;
	} else if (a->pcap && a->wire) {
		rc = wire_write_to(a->wire, a->pcap, a->pcap_name ? a->pcap_name : "", err, errlen);
		a->pcap = NULL; /* the wire owns it now */
		if (rc < 0) {
			app_free(a);
			return rc;
		}
	}
	return 0;
}

void app_free(struct app *a)
{
	if (a->wire)
		a->writer = wire_take_writer(a->wire);
	wire_close(a->wire);
	a->wire = NULL;
	engine_free(&a->eng);
	session_free(&a->log);
	lab_teardown(&a->lab);
}

static app_saver_fn saver;

void app_set_saver(app_saver_fn fn)
{
	saver = fn;
}

int app_reset(struct app *a, char *err, size_t errlen)
{
	if (a->lab.mode == NET_HOST) {
		/* No lab to rebuild, and the capture cannot be opened again once
		 * root is dropped: keep the wire, start the sockets and log afresh. */
		engine_free(&a->eng);
		session_free(&a->log);
		session_init(&a->log);
		engine_init(&a->eng, &a->lab, &a->log);
		a->eng.live = a->live;
		a->eng.wire = a->wire;
		return 0;
	}
	app_free(a);
	return app_init(a, &a->cfg, true, err, errlen);
}

void app_close(struct app *a)
{
	app_free(a);
	wire_writer_close(a->writer); /* the capture file ends here */
	a->writer = NULL;
	if (a->pcap)
		fclose(a->pcap);
	a->pcap = NULL;
}

int app_exec_line(struct app *a, const char *line, char *err, size_t errlen)
{
	struct cmd *c = calloc(1, sizeof(*c)); /* struct cmd is large: not on the stack */
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int rc = cmd_parse(line, c, err, errlen);
	if (rc <= 0) {
		free(c);
		return rc;
	}
	char text[CMD_LINE_MAX + 64];
	/* A program killed or stopped from a shell since the last command is
	 * told before this one (and stays told if this one is refused), its
	 * closed rows settled like a command's. No blocked call is this
	 * settle's own: seq + 1 belongs to no command yet. */
	if (engine_watch(&a->eng) > 0)
		app_settle(a, a->log.seq + 1, 0);
	size_t mark = a->log.n;
	a->run_ms = c->verb == V_WAIT ? c->ms : 0;
	a->log.seq++;
	cmd_format(c, text, sizeof(text));
	session_add(&a->log, EV_COMMAND, c->t.side, -1, "%s", text);
	if (c->verb != V_EXPECT && a->wire)
		a->eng.frames_seen_from = wire_last_no(a->wire); /* "expect wire saw" looks from here */
	if (c->verb == V_SAVE) {
		/* The session so far as a lesson (the generator skips this line),
		 * written by the layer that knows lessons (app_set_saver). */
		char msg[CMD_ERR_MAX + CMD_PATH_MAX];
		if (saver)
			rc = saver(a, c->path, c->force, msg, sizeof(msg));
		else
			rc = -ENOTSUP, snprintf(msg, sizeof(msg), "\"save lesson\" is not available here");
		if (rc < 0) {
			snprintf(err, errlen, "%s", msg);
			rc = -EINVAL;
		} else {
			session_add(&a->log, EV_INFO, SIDE_NONE, -1, "%s", msg);
		}
	} else if (c->verb == V_WIRE) {
		if (a->wire)
			rc = wire_exec(a->wire, c, err, errlen);
		else {
			snprintf(err, errlen, "there is no wire: %s", a->wire_why);
			rc = -EINVAL;
		}
	} else {
		rc = engine_exec(&a->eng, c, err, errlen);
	}
	if (rc == -EINVAL) {
		/* Refused: nothing happened, so it leaves no trace but its error. */
		session_truncate(&a->log, mark);
		a->log.seq--;
	}
	engine_host_filter(&a->eng); /* what the command changed, before its frames are read */
	free(c);
	return rc == 0 ? 1 : rc == 1 ? 2 : rc;
}

/* --net host, the second line: the kernel's filter let only frames of our
 * sockets into the capture (engine_host_filter); each is checked again here
 * against the same description: the flow key the decoder read when the
 * wire decoded the frame (once; flowkey.h gives it as addresses). A frame
 * refused here reaches neither the log, the screen nor a file; the wire
 * counts it as another's. */
static bool keep_ours(void *ctx, const struct dec_result *r)
{
	struct flowkey k;
	return flowkey_of(&r->key, &k) != FK_NONE && engine_owns_flow(ctx, &k);
}

void app_filter_host(struct app *a)
{
	if (a->wire && a->lab.mode == NET_HOST)
		wire_set_filter(a->wire, keep_ours, &a->eng);
}

/* Relay what the captures hold. In --net host the kernel filter is made
 * first from the sockets as they are now (a no-op when they have not
 * changed), so the frames read are judged by the current set, and again
 * after. */
static int service_wire(struct app *a)
{
	engine_host_filter(&a->eng);
	int n = wire_service(a->wire);
	engine_host_filter(&a->eng); /* handshakes pinned by the frames just read */
	return n;
}

int app_pollfds(const struct app *a, struct pollfd *pfd, int max, bool paused)
{
	int n = engine_pollfds(&a->eng, pfd, max);
	if (a->wire && !paused)
		n += wire_pollfds(a->wire, pfd + n, max - n);
	return n;
}

void app_service(struct app *a, bool paused)
{
	if (a->wire && !paused)
		service_wire(a);
	engine_progress(&a->eng);
	if (a->live)
		engine_refresh(&a->eng);
	engine_host_filter(&a->eng);
}

static unsigned long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000 + (unsigned long)ts.tv_nsec / 1000000;
}

/* Batch output must not depend on timing. So frames are relayed as they come,
 * but blocked calls are finished only once the wire has been quiet for a
 * moment (all at once, oldest first), and states are read at the end.
 *
 * The settling is a state machine turned by whoever polls (batch below, the
 * screen's loop with its keys): each turn reads what the poll brought and
 * says how long the caller may sleep before the next one. */
static int quiet_for(const struct app *a, struct app_settle *st, unsigned long now)
{
	unsigned long el = now - st->start;
	unsigned ms = a->wire && !wire_awaits(a->wire) ? SETTLE_MS : QUIET_MS;
	if (el < st->run_ms && st->run_ms - el < ms)
		ms = (unsigned)(st->run_ms - el);
	st->phase = SP_QUIET;
	st->until = now + ms;
	return (int)ms;
}

int app_settle_begin(struct app *a, struct app_settle *st, unsigned seq, unsigned run_ms)
{
	memset(st, 0, sizeof(*st));
	st->seq = seq;
	st->run_ms = run_ms;
	st->start = now_ms();
	return quiet_for(a, st, st->start);
}

static int left(const struct app_settle *st, unsigned long now)
{
	return st->until > now ? (int)(st->until - now) : 0;
}

/* The last phase: a FIN waiting for its ACK settles within microseconds
 * here; give it a few short chances so that the printed state does not
 * depend on timing. */
static int transient(struct app *a, struct app_settle *st, unsigned long now)
{
	if (st->tries < 5 && engine_transient(&a->eng)) {
		st->phase = SP_TRANSIENT;
		st->until = now + QUIET_MS / 4;
		return QUIET_MS / 4;
	}
	if (engine_blocked(&a->eng, st->seq))
		engine_note_still_blocked(&a->eng, st->seq, a->wait_ms);
	if (traced_unsettled(&a->eng))
		traced_note_running(&a->eng, a->wait_ms);
	st->phase = SP_DONE;
	return -1;
}

int app_settle_turn(struct app *a, struct app_settle *st, bool ready)
{
	unsigned long now = now_ms();
	switch (st->phase) {
	case SP_QUIET:
		if (ready) {
			/* The wire and the floods both, every turn: a flood's next
			 * chunk goes out while the relay relays its last one. */
			int moved = a->wire ? service_wire(a) : 0;
			if (engine_serve_floods(&a->eng) > 0 || moved > 0)
				return quiet_for(a, st, now); /* frames moved: wait for quiet again */
			/* Blocked calls finish when no frame is owed any more (a
			 * delayed ACK comes before the call it would follow). */
			bool owed = a->wire && wire_awaits(a->wire);
			if (!owed && engine_progress(&a->eng) > 0)
				return quiet_for(a, st, now);
			/* A flood under way: its chunk's answer or its frames wake
			 * the poll; a nap would only stall them. */
			if (now < st->until && engine_flooding(&a->eng))
				return left(st, now);
			/* Woken by a timer, a socket whose call is not ready yet or
			 * the reader of a capture file: nothing moved, so the quiet
			 * time goes on (a reader that reads all along must not keep
			 * the step from settling). */
			if (now < st->until) {
				st->phase = SP_NAP;
				st->quiet_until = st->until;
				st->until = now + 1;
				return 1;
			}
		} else if (now < st->until) {
			return left(st, now); /* woken by something else (a key) */
		}
		/* Quiet. Finish what the kernel allows now. */
		if (engine_progress(&a->eng) > 0)
			return quiet_for(a, st, now);
		if (now - st->start < st->run_ms || (a->wire && wire_busy(a->wire)))
			return quiet_for(a, st, now);
		/* A traced program between its calls: its next stop is on its way. */
		if ((engine_blocked(&a->eng, st->seq) || traced_unsettled(&a->eng)) && now - st->start < a->wait_ms) {
			/* Sleep until something happens or the wait is over. */
			st->phase = SP_WAIT;
			st->until = st->start + a->wait_ms;
			return left(st, now);
		}
		engine_refresh(&a->eng);
		return transient(a, st, now);
	case SP_NAP:
		if (now < st->until)
			return left(st, now);
		st->phase = SP_QUIET;
		st->until = st->quiet_until;
		return left(st, now);
	case SP_WAIT:
		if (!ready && now < st->until)
			return left(st, now);
		if (ready && a->wire)
			service_wire(a);
		return quiet_for(a, st, now);
	case SP_TRANSIENT:
		if (now < st->until)
			return left(st, now);
		st->tries++;
		if (a->wire)
			service_wire(a);
		engine_refresh(&a->eng);
		return transient(a, st, now);
	case SP_DONE:
		break;
	}
	return -1;
}

void app_settle(struct app *a, unsigned seq, unsigned run_ms)
{
	struct app_settle st;
	int ms = app_settle_begin(a, &st, seq, run_ms);
	while (ms >= 0) {
		struct pollfd pfd[APP_MAX_POLL];
		/* The naps and the last chances sleep without the descriptors:
		 * one that stays readable must not spin the loop. */
		int n = app_settle_sleeps(&st) ? 0 : app_pollfds(a, pfd, APP_MAX_POLL, false);
		int r = n ? poll(pfd, (nfds_t)n, ms) : poll(NULL, 0, ms);
		if (r < 0 && errno == EINTR)
			continue;
		ms = app_settle_turn(a, &st, r > 0);
	}
}
