/* engine.c - the real calls, one command at a time, made by each side's
 * program (see engine.h and prog.h): the dispatcher that finds a command's
 * call entry (call.h) and runs it, the commands that make no call (expect,
 * sysctl, conversions), and the turn of the loop (blocked calls that
 * returned, what the kernel changed by itself). */
#include "engine.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "call.h"
#include "convert.h"
#include "traced.h"
#include "wire.h"

_Static_assert(offsetof(struct engine, progs) < offsetof(struct engine, socks) &&
		       offsetof(struct engine, socks) < offsetof(struct engine, born),
	       "engine_init clears what lies before the slots and after them");

void engine_init(struct engine *e, struct lab *lab, struct session *log)
{
	/* The slots (most of the engine's 160 kB) are cleared one by one, and
	 * only those a lab before used: the engine is static, so the others are
	 * zero already, and a memset of all of them would make every page of
	 * them resident in a lab that uses a few (reading a page never written
	 * maps the kernel's zero page, which no RSS counts). */
	for (int i = 0; i < ENGINE_MAX_PROGS; i++)
		if (e->progs[i].used)
			memset(&e->progs[i], 0, sizeof(e->progs[i]));
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++)
		if (e->socks[i].used)
			memset(&e->socks[i], 0, sizeof(e->socks[i]));
	memset(e, 0, offsetof(struct engine, progs));
	memset(&e->born, 0, sizeof(*e) - offsetof(struct engine, born));
	e->lab = lab;
	e->log = log;
	observe_init(&e->obs, lab);
	e->rep = malloc(sizeof(*e->rep));
	e->flood_budget = WIRE_CAP_FRAMES / 2; /* call_opts.c's FLOOD_BUDGET */
	e->flood_timer = -1;
	e->drops_timer = -1;
}

void engine_free(struct engine *e)
{
	/* Children first: a forked program dies with its parent anyway. */
	for (int i = ENGINE_MAX_PROGS - 1; i >= 0; i--)
		if (e->progs[i].used)
			prog_kill(&e->progs[i].p, e->progs[i].ours);
	traced_free(e); /* the tracer reaps the programs it traced */
	observe_free(&e->obs);
	if (e->flood_timer >= 0)
		close(e->flood_timer);
	if (e->drops_timer >= 0)
		close(e->drops_timer);
	free(e->rep);
	e->rep = NULL;
	engine_host_free(e);
}

/* ---- the call entries ------------------------------------------------------ */

prog_perform_fn engine_perform_of(enum verb op)
{
	const struct call_entry *ce = call_entry_of(op);
	return ce ? ce->perform : NULL;
}

/* ---- programs that changed behind sockstep's back ---------------------------- */

int engine_watch(struct engine *e)
{
	int n = 0;
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (!pr->used || pr->gone || pr->traced) /* the tracer tells a traced one's end */
			continue;
		if (!prog_alive(&pr->p)) {
			slot_prog_died(e, pr);
			n++;
			continue;
		}
		bool stopped = prog_stopped(&pr->p);
		if (stopped == pr->stopped)
			continue;
		pr->stopped = stopped;
		n++;
		if (stopped)
			slot_log(e, EV_INFO, pr, -1, "%s is stopped (SIGSTOP: state T in /proc/%d/stat): it runs nothing%s%s%s "
				 "until it gets SIGCONT (kill -CONT %d)", pr->name, (int)pr->p.pid,
				 pr->busy ? ", not even its " : "", pr->busy ? cmd_verb_name(pr->verb) : "",
				 pr->busy ? "()," : "", (int)pr->p.pid);
		else
			slot_log(e, EV_INFO, pr, -1, "%s continues (SIGCONT)%s%s%s", pr->name,
				 pr->busy ? ": back in its " : "", pr->busy ? cmd_verb_name(pr->verb) : "",
				 pr->busy ? "()" : "");
	}
	return n;
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

int engine_port_range(struct engine *e, enum side side, unsigned *lo, unsigned *hi)
{
	*lo = *hi = 0;
	int in = lab_enter(e->lab, side);
	FILE *f = in == 0 || e->lab->mode == NET_HOST ? fopen("/proc/sys/net/ipv4/ip_local_port_range", "re") : NULL;
	if (in == 0)
		lab_leave(e->lab);
	if (!f)
		return -ENOENT;
	int n = fscanf(f, "%u %u", lo, hi);
	fclose(f);
	if (n != 2 || *lo > *hi) {
		*lo = *hi = 0;
		return -EINVAL;
	}
	return 0;
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
	struct event *ev = session_add(e->log, EV_INFO, c->t.side, -1, "%s = %s", c->path, val);
	if (ev) {
		ev->prog = (unsigned char)c->t.prog;
		ev->child = (unsigned char)c->t.child;
	}
	return 0;
}

static int do_expect(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	const struct expect *x = &c->ex;
	char have[256] = "", desc[CMD_LINE_MAX];
	bool ok = false;
	struct esock *s = NULL;

	cmd_format(c, desc, sizeof(desc));
	struct eprog *pr = NULL;
	bool wire_or_sa = x->what == EX_SOCKADDR || x->what == EX_WIRE_SAW || x->what == EX_WIRE_HELD;
	if (!wire_or_sa) {
		pr = slot_find_prog(e, c->t.side, c->t.prog, c->t.child);
		if (!pr && (x->what == EX_RESULT || x->what == EX_DATA || x->what == EX_BLOCKED)) {
			slot_target_prog(e, &c->t, err, errlen);
			return -EINVAL;
		}
	}
	if (!wire_or_sa && x->what != EX_RESULT && x->what != EX_DATA && !(x->what == EX_BLOCKED && c->t.fd < 0)) {
		s = slot_find(e, &c->t, true, err, errlen);
		if (!s)
			return -EINVAL;
	}
	bool need_sock = x->what == EX_STATE || x->what == EX_LOCAL || x->what == EX_REMOTE;
	if (need_sock && !s)
		return -EINVAL;
	switch (x->what) {
	case EX_STATE:
		row_state_now(e, s, have, sizeof(have));
		if (s->proto == PROTO_TCP && tuple_tcp_state_parse(x->a) > 0)
			ok = tuple_tcp_state_parse(x->a) == tuple_tcp_state_parse(have);
		else
			ok = !strcasecmp(x->a, have);
		break;
	case EX_RESULT: {
		if (!pr->last_set)
			snprintf(have, sizeof(have), "no call yet");
		else if (pr->last_err)
			snprintf(have, sizeof(have), "-1 %s", errno_name(pr->last_err));
		else
			snprintf(have, sizeof(have), "%ld", pr->last_ret);
		if (pr->last_set && x->a[0] == 'E')
			ok = pr->last_err && (!strcmp(x->a, errno_name(pr->last_err)) ||
					      (!strcmp(x->a, "EWOULDBLOCK") && pr->last_err == EAGAIN));
		else if (pr->last_set)
			ok = !pr->last_err && strtol(x->a, NULL, 10) == pr->last_ret;
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
		if (!pr->data_set)
			snprintf(have, sizeof(have), "nothing received yet");
		else {
			char esc[200];
			escape_bytes(pr->data, pr->data_len, esc, sizeof(esc));
			snprintf(have, sizeof(have), "\"%s\"", esc);
			ok = pr->data_len == c->data_len && !memcmp(pr->data, c->data, c->data_len);
		}
		break;
	case EX_BLOCKED: {
		bool blocked = pr->busy && (!s || pr->sock == (int)(s - e->socks));
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
	struct event *ev = slot_log(e, EV_EXPECT, pr, s ? s->fd : -1, "%s: %s%s%s", desc,
				ok ? "ok" : "FAILED, it is ", ok ? "" : have, "");
	if (ev && !pr)
		ev->side = c->t.side;
	if (ev)
		ev->ret = ok;
	if (!ok) {
		snprintf(err, errlen, "expectation failed: %s; it is %s", desc, have);
		return 1;
	}
	return 0;
}

/* Commands that make no call in a program: 1 when c was one (its result
 * in *rc), 0 otherwise. */
static int no_call(struct engine *e, const struct cmd *c, char *err, size_t errlen, int *rc)
{
	*rc = 0;
	switch (c->verb) {
	case V_SAY:
		session_add(e->log, EV_SAY, SIDE_NONE, -1, "%.*s", (int)c->data_len, (const char *)c->data);
		return 1;
	case V_EXPECT:
		*rc = do_expect(e, c, err, errlen);
		return 1;
	case V_PREDICT: {
		/* Only asked here: the answer is what the next command does (predict.h). */
		struct event *ev = session_add(e->log, EV_PREDICT, c->t.side, c->t.fd, "%.*s", (int)c->data_len,
					       (const char *)c->data);
		if (ev) {
			ev->prog = (unsigned char)c->t.prog;
			ev->child = (unsigned char)c->t.child;
			ev->ret = c->ex.what;
		}
		return 1;
	}
	case V_INET_ADDR:
	case V_INET_PTON:
	case V_HTONS:
	case V_HTONL:
	case V_NTOHS:
	case V_NTOHL:
		do_convert(e, c);
		return 1;
	case V_WAIT:
		session_add(e->log, EV_INFO, SIDE_NONE, -1, "waiting %u ms", c->ms);
		return 1;
	case V_SYSCTL:
		*rc = do_sysctl(e, c, err, errlen);
		return 1;
	default:
		return 0;
	}
}

int engine_exec(struct engine *e, const struct cmd *c, char *err, size_t errlen)
{
	int rc;
	if (no_call(e, c, err, errlen, &rc))
		return rc;
	switch (c->verb) {
	case V_RUN:
	case V_NEXT:
	case V_CONTINUE:
	case V_DETACH:
	case V_KILL:
	case V_INPUT:
	case V_FAULT:
		return traced_exec(e, c, err, errlen);
	default:
		break;
	}
	const struct call_entry *ce = call_entry_of(c->verb);
	if (!ce)
		return ERR("%s is not a socket call", cmd_verb_name(c->verb));
	if ((ce->flags & CE_NEW_FD) && c->t.fd >= 0) {
		char name[16];
		cmd_prog_name(c->t.side, c->t.prog, c->t.child, name, sizeof(name));
		return ERR("%s() makes a new descriptor; expected \"%s %s\" without #%d", cmd_verb_name(c->verb), name,
			   cmd_verb_info(c->verb)->example, c->t.fd);
	}
	/* A blocked program can do nothing else; one killed meanwhile has ended. */
	struct eprog *pr = slot_find_prog(e, c->t.side, c->t.prog, c->t.child);
	if (traced_refuse(pr, c, err, errlen) < 0)
		return -EINVAL;
	if (pr && !pr->gone && !prog_alive(&pr->p))
		slot_prog_died(e, pr);
	if (pr && !pr->gone && prog_stopped(&pr->p))
		return ERR("%s is stopped (SIGSTOP): it makes no call, not even %s, until it gets SIGCONT; "
			   "expected \"kill -CONT %d\" in a shell first", pr->name,
			   (ce->flags & CE_WHILE_BUSY) ? "a signal's" : "this one", (int)pr->p.pid);
	if (pr && pr->busy && !(ce->flags & CE_WHILE_BUSY))
		return ERR("%s is blocked in %s() since step %u: a single-threaded program can do nothing else "
			   "until it returns (try: %s interrupt)", pr->name, cmd_verb_name(pr->verb), pr->seq, pr->name);
	if (ce->flags & CE_STARTS)
		return ce->run(e, pr, c, err, errlen);
	if (!pr || pr->gone)
		return slot_target_prog(e, &c->t, err, errlen) ? 0 : -EINVAL;
	if (!e->rep)
		return ERR("out of memory");
	if (ce->run)
		return ce->run(e, pr, c, err, errlen);
	return call_on_socket(e, pr, ce, c, err, errlen);
}

/* ---- the turn of the loop -------------------------------------------------- */

int engine_pollfds(const struct engine *e, struct pollfd *pfd, int max)
{
	int n = 0;
	if (e->flood_timer >= 0 && n < max)
		pfd[n++] = (struct pollfd){ .fd = e->flood_timer, .events = POLLIN };
	if (e->drops_timer >= 0 && n < max)
		pfd[n++] = (struct pollfd){ .fd = e->drops_timer, .events = POLLIN };
	n += traced_pollfds(e, pfd + n, max - n);
	for (int i = 0; i < ENGINE_MAX_PROGS && n < max; i++) {
		const struct eprog *pr = &e->progs[i];
		if (!pr->used || pr->gone || !pr->p.alive || pr->traced)
			continue;
		/* The pidfd turns readable when the program ends, killed or not. */
		if (pr->p.pidfd >= 0)
			pfd[n++] = (struct pollfd){ .fd = pr->p.pidfd, .events = POLLIN };
		if (pr->busy && n < max)
			pfd[n++] = (struct pollfd){ .fd = pr->p.ctl, .events = POLLIN };
	}
	return n;
}

int engine_serve_floods(struct engine *e)
{
	return call_flood_serve(e);
}

bool engine_flooding(const struct engine *e)
{
	return call_flooding(e);
}

int engine_progress(struct engine *e)
{
	int done = engine_watch(e);
	bool tried[ENGINE_MAX_PROGS] = { false };
	done += traced_progress(e); /* their calls, as they return */
	call_flood_turn(e);
	row_drops_wake(e, 0); /* its turn has come: engine_refresh looks */
	/* A program the kernel has woken is about to answer: wait for it, so
	 * that which answers are logged together, and in which order, does not
	 * depend on how the programs were scheduled. */
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (!pr->used || !pr->busy || pr->verb == V_FLOOD || pr->traced)
			continue;
		for (int k = 0; k < 2000 && pr->p.alive && !prog_ready(&pr->p) && prog_awake(&pr->p); k++) {
			struct pollfd pf = { .fd = pr->p.ctl, .events = POLLIN };
			poll(&pf, 1, 1);
		}
	}
	/* A fixed order, so output does not depend on poll's: connects first (a
	 * handshake completes at the client, STEP6, before the server's accept
	 * sees it, STEP7), then the oldest blocked call first. */
	for (;;) {
		struct eprog *next = NULL;
		for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
			struct eprog *pr = &e->progs[i];
			if (!pr->used || !pr->busy || tried[i] || pr->traced)
				continue;
			bool sc = pr->verb == V_CONNECT, nc = next && next->verb == V_CONNECT;
			if (!next || (sc && !nc) || (sc == nc && pr->seq < next->seq))
				next = pr;
		}
		if (!next)
			break;
		tried[next - e->progs] = true;
		if (!prog_ready(&next->p))
			continue;
		if (!e->rep || prog_recv(&next->p, e->rep) < 0) {
			slot_prog_died(e, next);
			done++;
			continue;
		}
		if (call_finish(e, next, next->seq))
			done++;
	}
	return done;
}

void engine_refresh(struct engine *e)
{
	engine_watch(e);
	for (int i = 0; i < ENGINE_MAX_SOCKS; i++) {
		struct esock *s = &e->socks[i];
		if (!s->used || !s->has_shown || (s->kind && s->kind->proto == PROTO_NONE))
			continue;
		if (s->closed && s->close_row_due) {
			struct tuple_row r = s->close_row;
			const struct esock *o = row_other_holder(e, s);
			row_closed_state(e, s, r.state, sizeof(r.state));
			if (o)
				snprintf(r.note, sizeof(r.note), "descriptor released; %s still holds the socket: no FIN",
					 e->progs[o->prog].name);
			else
				snprintf(r.note, sizeof(r.note), "%s",
					 s->proto == PROTO_TCP && s->connected_once
						 ? "descriptor released; the kernel's state from sock_diag"
						 : "descriptor released");
			s->close_row_due = false;
			row_show(e, s, &r, TS_CLOSE);
			continue;
		}
		if (s->closed) {
			if (!strcmp(s->shown.state, "CLOSED") ||
			    (!(s->proto == PROTO_TCP && s->connected_once) && !row_other_holder(e, s)))
				continue;
			struct tuple_row r = s->shown;
			row_closed_state(e, s, r.state, sizeof(r.state));
			if (strcmp(r.state, s->shown.state)) {
				snprintf(r.note, sizeof(r.note), "%s",
					 !strcmp(r.state, "CLOSED") ? "gone from the kernel"
								    : "no descriptor; state from sock_diag");
				row_show(e, s, &r, TS_STATE);
			}
			continue;
		}
		struct tuple_row r;
		if (row_snapshot(e, s, &r) < 0)
			continue; /* its program just ended: engine_watch tells it */
		bool drops = row_drops_due(e, s);
		if (!drops && !strcmp(r.state, s->kernel.state) && !strcmp(r.lip, s->kernel.lip) &&
		    !strcmp(r.lport, s->kernel.lport) && !strcmp(r.rip, s->kernel.rip) &&
		    !strcmp(r.rport, s->kernel.rport))
			continue;
		s->kernel = r;
		if (r.rip[0])
			s->connected_once = true;
		/* Keep what the table showed for a remote the kernel does not hold. */
		if (!r.rip[0] && s->shown.rip[0]) {
			memcpy(r.rip, s->shown.rip, sizeof(r.rip));
			memcpy(r.rport, s->shown.rport, sizeof(r.rport));
			memcpy(r.note, s->shown.note, sizeof(r.note));
		}
		if (drops)
			row_drops_tell(e, s, &r);
		row_show(e, s, &r, TS_STATE);
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

bool engine_call_pending(const struct engine *e, enum side side, int prog, int child, unsigned seq)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &e->progs[i];
		if (pr->used && !pr->gone && pr->busy && pr->seq == seq && pr->side == side &&
		    (pr->num > 1 ? pr->num : 1) == (prog > 1 ? prog : 1) && pr->child == child)
			return true;
	}
	return false;
}

bool engine_holding(const struct engine *e, bool stopped, struct engine_hold *h)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &e->progs[i];
		if (!pr->used || (stopped ? pr->gone || !pr->stopped : !pr->busy))
			continue;
		*h = (struct engine_hold){ .name = pr->name, .pid = (int)pr->p.pid, .side = pr->side,
					   .busy = pr->busy, .verb = pr->verb, .seq = pr->seq };
		return true;
	}
	return false;
}

int engine_blocked(const struct engine *e, unsigned seq_only)
{
	int n = 0;
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &e->progs[i];
		if (pr->used && pr->busy && (!seq_only || pr->seq == seq_only))
			n++;
	}
	return n;
}

void engine_note_still_blocked(struct engine *e, unsigned seq, unsigned waited_ms)
{
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		struct eprog *pr = &e->progs[i];
		if (!pr->used || !pr->busy || pr->seq != seq)
			continue;
		int fd = pr->sock >= 0 ? e->socks[pr->sock].fd : -1;
		struct event *ev = slot_log(e, EV_CALL, pr, fd, "%s", pr->code);
		if (ev) {
			ev->call = pr->args;
			ev->status = CS_STILL;
			ev->ret = waited_ms;
		}
	}
}
