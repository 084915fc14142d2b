/* call.h - one entry per socket call (inside the engine; tmux's cmd_entry).
 *
 * An entry is everything sockstep knows of one call: its verb (the grammar
 * is the verb table's row of that verb, cmd.h), how the lecture writes it
 * in C, how the engine prepares it (the sockaddr built, the request), how
 * the program performs it in its own process (prog.c's runner calls
 * perform), what is read back from the kernel after it (rows, data:
 * through observe.h), and its own explanation of an errno. The entries
 * live in files by family: call_setup.c (socket bind listen accept
 * connect getsockname getpeername), call_data.c (send recv sendto
 * recvfrom), call_end.c (shutdown close), call_opts.c (setsockopt nonblock
 * select fork interrupt flood), call_lecture.c (families journey sender);
 * engine.c finds them by verb and runs them, and hands prog_runner their
 * perform functions (engine_perform_of).
 *
 * Adding a call: its row in the verb table (cmd.c, enum verb in cmd.h),
 * its entry here, its tests and its man page line. The entry's hooks are
 * called in this order: code, prepare, perform (in the program), waiting
 * (while it sleeps), after; explain when it failed.
 *
 * call.c holds what every entry shares: a call's life (sent to the
 * program, blocked, finished, logged as a call event) and the rows read
 * back after it. */
#ifndef SOCKSTEP_CALL_H
#define SOCKSTEP_CALL_H

#include <stdbool.h>
#include <stddef.h>

#include "explain.h"
#include "slots.h"

/* What an entry's hooks work on: the program making the call and the
 * socket it names (NULL for calls that name none: socket, select, fork). */
struct call_ctx {
	struct engine *e;
	struct eprog *pr;
	struct esock *s;
};

enum call_flag {
	CE_NEW_FD = 1u << 0,     /* makes a descriptor: a #FD target is refused (socket) */
	CE_STARTS = 1u << 1,     /* may start its program, or names one that ended (socket,
				  * families, journey): run gets pr as found, maybe NULL */
	CE_WHILE_BUSY = 1u << 2, /* allowed while the program sleeps in a call (interrupt) */
	CE_OWN_RESULT = 1u << 3, /* after logs the call's result itself (no socket, or a flood) */
	CE_SA_IN = 1u << 4,      /* passes a sockaddr (request's addr) */
	CE_SA_OUT = 1u << 5,     /* the kernel fills one in (reply's addr) */
};

struct call_entry {
	enum verb verb;
	unsigned flags;          /* CE_* */
	/* The lecture's C text, for socket variable var ("sock", "csock"). */
	void (*code)(char *buf, size_t len, const char *var, enum side side, const struct cmd *c);
	/* Before the call: build what it passes into rq (op and fd are set),
	 * log what the program's structures hold before the kernel does.
	 * 0: run it; 1: the entry started it itself (flood); -EINVAL with err. */
	int (*prepare)(struct call_ctx *x, const struct cmd *c, struct prog_req *rq, char *err, size_t errlen);
	/* In the program's own process: the system call (prog.h). */
	prog_perform_fn perform;
	/* While the program sleeps in it: what the kernel shows meanwhile. */
	void (*waiting)(struct call_ctx *x);
	/* After it returned (the result is logged, with its hint, unless
	 * CE_OWN_RESULT): what is read back from the kernel. false: the call
	 * goes on (a flood's next chunk). */
	bool (*after)(struct call_ctx *x, const struct prog_rep *rp, unsigned origin);
	/* Its own words for an errno, or NULL: explain.c's by verb. */
	const char *(*explain)(int err, const struct explain_sit *sit);
	/* A command that is not one call on a named socket (socket, fork,
	 * select, interrupt, families, journey, sender): runs whole. */
	int (*run)(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen);
};

/* The entries, by family: each file's table and its length. */
extern const struct call_entry call_setup_entries[];
extern const size_t call_setup_count;
extern const struct call_entry call_data_entries[];
extern const size_t call_data_count;
extern const struct call_entry call_end_entries[];
extern const size_t call_end_count;
extern const struct call_entry call_opts_entries[];
extern const size_t call_opts_count;
extern const struct call_entry call_lecture_entries[];
extern const size_t call_lecture_count;

/* The entry of a verb, or NULL for a command that is no call. */
const struct call_entry *call_entry_of(enum verb v);

/* fork()'s copies: ch (a new child of pr) holds every descriptor pr holds;
 * each becomes a slot of ch with its row (call_opts.c). */
void call_fork_inherit(struct engine *e, const struct eprog *pr, struct eprog *ch);

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__), -EINVAL)

/* ---- a call's life (call.c) --------------------------------------------- */

void call_req_init(struct prog_req *rq, enum verb op, int fd);

/* Log the call event of pr's current call (pr->code, pr->args). */
void call_log_result(struct engine *e, struct eprog *pr, int fd, long ret, int err, enum call_status st,
		     unsigned origin);

/* Send the program its call and wait: 1 the reply is in e->rep; 0 the
 * program sleeps in the call; <0 it died. */
int call_send(struct engine *e, struct eprog *pr, const struct prog_req *rq, int pass_fd);
int call_answer(struct engine *e, struct eprog *pr);

/* Start the call set up in pr (entry, sock, code, args) with request rq,
 * and log what became of it. */
void call_run(struct engine *e, struct eprog *pr, const struct prog_req *rq);
void call_conclude(struct engine *e, struct eprog *pr, int rc);

/* The program answered (e->rep): log the result and what it changed.
 * false when the call goes on. */
bool call_finish(struct engine *e, struct eprog *pr, unsigned origin);

/* The program sleeps in its call: say so, and what the kernel shows. */
void call_blocked(struct engine *e, struct eprog *pr);

/* Set up pr's call of entry ce on socket s (NULL: none): code, args. */
void call_begin(struct engine *e, struct eprog *pr, const struct call_entry *ce, struct esock *s);

/* The args of the call event from the request (verb set by call_begin). */
void call_args_of(struct call_args *a, const struct call_entry *ce, const struct prog_req *rq);

/* Run entry ce on the socket command c names (bind, send, close, ...). */
int call_on_socket(struct engine *e, struct eprog *pr, const struct call_entry *ce, const struct cmd *c,
		   char *err, size_t errlen);

/* ---- explanations -------------------------------------------------------- */

const char *call_hint(const struct engine *e, const struct esock *s, enum verb v, int err);
void call_error_hint(struct engine *e, const struct esock *s, enum verb v, int err);

/* ---- the lecture's structures -------------------------------------------- */

/* The lecture's variable names: the server binds echoserver and fills
 * echoclient from recvfrom/accept; the client binds echoclient and
 * connects to echoserver. */
const char *call_local_var(enum side side);
const char *call_remote_var(enum side side);

/* Run the four statements of the lecture and log each stage. */
void call_build_sockaddr(struct engine *e, const struct esock *s, const struct cmd *c, const char *var,
			 struct sockaddr_in *out);

/* Bytes received: remembered for expect, logged as data. */
void call_got_data(struct engine *e, struct eprog *pr, struct esock *s, const unsigned char *buf, ssize_t n,
		   const struct sockaddr_in *from);

struct esock *call_sock_of_fd(struct engine *e, const struct eprog *pr, int fd);

/* ---- rows: the kernel read back (call_rows.c, through observe.h) --------- */

/* What the kernel says of s now: addresses and state, no interpretation.
 * 0, or negative errno when the descriptor could not be borrowed. */
int row_snapshot(struct engine *e, struct esock *s, struct tuple_row *r);

/* Log a row for s; r already holds the values to show. None for a socket
 * the table does not follow (PROTO_NONE: AF_UNIX, AF_INET6, netlink). */
void row_show(struct engine *e, struct esock *s, struct tuple_row *r, enum tstep st);

/* The common case: a row straight from the kernel. */
void row_kernel(struct engine *e, struct esock *s, enum tstep st, const char *note);

/* A UDP row: where the kernel keeps no peer, the address the call used. */
void row_udp(struct engine *e, struct esock *s, const struct sockaddr_in *remote, const char *note,
	     enum tstep st);

/* Another program's open descriptor for the same socket (fork's copies). */
struct esock *row_other_holder(struct engine *e, const struct esock *s);

/* State of a socket whose descriptor is gone, and of any socket now. */
void row_closed_state(struct engine *e, struct esock *s, char *out, size_t len);
void row_state_now(struct engine *e, struct esock *s, char *out, size_t len);

/* A UDP socket's full receive queue dropped datagrams the log has not told:
 * time to tell? In batch at once (the step has settled); on the screen once
 * the count has stood still for a moment (a flood's last frames are still
 * arriving), with a timer that brings the loop back (row_drops_wake). */
bool row_drops_due(struct engine *e, struct esock *s);
/* Tell it: the narration, in the lecture's terms, and the note under the
 * row r about to be shown; every holder of the socket (fork) counts it told. */
void row_drops_tell(struct engine *e, struct esock *s, struct tuple_row *r);
/* Arm the drops' timer for ms (0: read what it brought, so that it is quiet). */
void row_drops_wake(struct engine *e, unsigned ms);

/* ---- floods (call_opts.c) ------------------------------------------------ */

/* A new turn of the relay: the floods' budget, and the waiting floods go on. */
void call_flood_turn(struct engine *e);
/* Every turn: done chunks read, next ones sent on credit; chunks handled. */
int call_flood_serve(struct engine *e);
bool call_flooding(const struct engine *e); /* a flood is under way */

#endif
