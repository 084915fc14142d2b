/* slots.h - the engine's state: its programs and their descriptors, in
 * slots that never move (a pointer to one stays valid for the engine's
 * life: a slot is reused in place, never shifted), and the functions that
 * find, make and name them. Below the call entries (call.h) and the
 * dispatcher (engine.h): both read and change the slots, neither is known
 * here. */
#ifndef SOCKSTEP_SLOTS_H
#define SOCKSTEP_SLOTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call_event.h"
#include "cmd.h"
#include "lab.h"
#include "observe.h"
#include "prog.h"
#include "session.h"
#include "sockaddr.h"
#include "tuple.h"

#define ENGINE_SIDE_SOCKS 64 /* open descriptors a side's programs may hold together */
/* Slots: room for both sides' open sockets; closed ones stay for the table
 * until a slot is needed. */
#define ENGINE_MAX_SOCKS (2 * ENGINE_SIDE_SOCKS)
#define ENGINE_MAX_PROGS 24  /* programs and their forked children, both sides */
#define ENGINE_HIDDEN_FDS 1024 /* descriptors below this are remembered when not followed */

struct wire; /* wire.h, NET_LAB only */
struct call_entry; /* call.h */

/* Where a traced program is (traced.h). */
enum eprog_trace {
	TP_RUNNING,  /* running between its socket calls */
	TP_BEFORE,   /* stopped before a socket call, shown: "SIDE next" makes it */
	TP_IN_CALL,  /* in its call (busy when it sleeps there), its exit not seen yet */
	TP_DETACHED, /* runs on by itself: its stops answered at once, none shown */
};

struct tracee; /* trace.h */
struct traced_all; /* traced.c: the tracer and its queue */

/* One program: "server", "client2", "server.1" (forked by "server"). */
struct eprog {
	bool used;
	enum side side;
	int num, child;             /* client2.1: num 2, child 1 */
	char name[16];
	struct prog p;
	bool ours;                  /* our own child (else forked by a program) */
	int children;               /* forks made: the next child is .children+1 */
	bool gone;                  /* exited */
	bool stopped;               /* seen stopped by a signal (SIGSTOP), told once */
	uint64_t hidden[ENGINE_HIDDEN_FDS / 64]; /* descriptors it holds that sockstep does not follow */
	/* the call it is in, while busy (blocked) */
	bool busy;
	enum verb verb;
	const struct call_entry *entry; /* call.h: the entry of that call */
	struct call_args args;      /* its arguments, for the call event */
	unsigned seq;               /* command that started it */
	int sock;                   /* slot of its socket, -1 (select) */
	char code[512];             /* its C text (a traced call's: sysc.h's SYSC_TEXT_MAX) */
	int sel_n, sel_fd[CMD_SEL_MAX];
	bool sel_rd, sel_wr;
	long dgram_len;             /* recvfrom: the waiting datagram's real length, -1 unknown */
	const struct sock_kind *kind; /* socket */
	int how;                    /* shutdown */
	bool nb_on;                 /* nonblock */
	unsigned long flood_from;   /* flood: datagrams sent so far */
	bool flood_waiting;         /* flood: its next chunk waits for the next turn of the relay */
	unsigned flood_out;         /* flood: chunks sent to the program and not answered yet */
	/* what it returned last, and received last (expect) */
	bool last_set;
	long last_ret;
	int last_err;
	unsigned char data[CMD_DATA_MAX];
	size_t data_len;
	bool data_set;
	/* the address its last accept() or recvfrom() filled in (sender) */
	struct sockaddr_in from;
	bool from_set;
	enum verb from_verb;
	/* a program the user compiled, traced (traced.h): its calls are its own */
	bool traced;
	struct tracee *tr;          /* trace.h: the process sockstep traces */
	enum eprog_trace tstate;    /* where it is */
	bool tcont;                 /* "continue": it runs freely until it blocks or ends */
	bool trestart;              /* a signal interrupted its call; the kernel makes it again */
	int tin, tout;              /* its stdin (write end) and its stdout+stderr (read end), -1 */
	unsigned toutn;             /* bytes of a line it has not ended yet, in tline */
	char tline[160];
	enum verb fault_call;       /* "fault next CALL ...": V_COUNT_ when none */
	int fault_err;
	long fault_short;
	int tfd;                    /* the descriptor of its call, -1 none */
	uint64_t tnoted[8];         /* system calls (by number, below 512) whose libc note was given */
	unsigned char tsa_seen[16]; /* the bytes a -g program's watched statements left last, */
	bool tsa_seen_set;          /* shown just now: its next call's read-back would say them again */
	/* a traced program's threads: each an eprog of its own (its calls, its
	 * stops), named "client/t2", whose sockets are its process's */
	int thread;                 /* 0 a process, else its number in the process (2, 3, ...) */
	int leader;                 /* a thread: the slot of its process */
	int threads;                /* a process: the threads it started so far */
};

/* One descriptor of one program, open or closed (closed ones stay for the table). */
struct esock {
	bool used, closed;
	unsigned born;              /* creation order: a program's newest socket is its default */
	int prog;                   /* slot of the program holding the descriptor */
	enum side side;
	int fd;
	enum proto proto;
	const struct sock_kind *kind;
	char var[16];               /* the C variable naming it: sock, csock */
	bool listening, nonblock;
	unsigned closed_at;         /* seq of the close */
	struct sockaddr_in pending_dest; /* connect/sendto/flood destination */
	unsigned long flood_total, flood_sent, flood_fail; /* flood in progress */
	int flood_err;
	/* what the kernel said last (for spotting changes) and the last row shown */
	struct tuple_row kernel;
	struct tuple_row shown;
	bool has_shown;
	uint64_t cookie;            /* SO_COOKIE: the kernel's name for the socket, shared by fork's copies */
	bool shut_rd, shut_wr;      /* shutdown() done on it */
	struct sockaddr_in cur_local, cur_remote; /* the last getsockname/getpeername */
	bool cur_peer;
	/* after close: the 4-tuple, to ask sock_diag what became of it */
	struct sockaddr_in last_local, last_remote;
	bool connected_once;
	struct tuple_row close_row;  /* the row close() leaves, shown by engine_refresh */
	bool close_row_due;
	/* UDP: what its full receive queue dropped (SK_MEMINFO_DROPS, row_drops) */
	long drops_now;              /* at the last row_snapshot; -1 unknown */
	long drops_seen;             /* the screen: the count last looked at, */
	unsigned long drops_at;      /* and when it last changed (CLOCK_MONOTONIC ms) */
	long drops_told;             /* the count the log has told */
	unsigned long received;      /* datagrams its program read from it */
	char resolver;               /* a traced program's libc resolver's: 'n' asking nscd, 'd'
				      * a DNS query, 0 not: its calls are marked, not the program's */
};

struct engine {
	struct lab *lab;
	struct session *log;
	struct wire *wire;          /* NULL without a capture */
	bool live;                  /* a screen: show passing states (SYN_SENT) at once */
	struct eprog progs[ENGINE_MAX_PROGS];
	struct esock socks[ENGINE_MAX_SOCKS];
	unsigned born;              /* sockets made so far (the first field after the slots: engine_init) */
	struct sa_build sa;         /* the last sockaddr_in built */
	bool sa_set;
	struct observer obs;        /* reads the kernel back (sock_diag per host) */
	unsigned long frames_seen_from; /* newest frame before the last non-expect command */
	unsigned flood_budget;      /* datagrams the floods may still send in this turn of the relay */
	unsigned long flood_asked;  /* datagrams asked of the programs since flood_seen_base */
	unsigned long flood_seen_base, flood_seen_prev; /* the wire's frame count then, and at the last turn */
	int flood_timer;            /* timerfd: brings the loop back to a waiting flood, -1 */
	int drops_timer;            /* timerfd: back to a receive queue whose drops may have settled, -1 */
	struct prog_rep *rep;       /* room for one reply (64 KiB: not on the stack) */
	struct engine_host *host;   /* --net host: the filter's state (engine_flow.c), NULL until needed */
	struct traced_all *trace;   /* the tracer of the user's programs (traced.c), NULL until one runs */
};

/* ---- finding and making slots ------------------------------------------ */

/* An event of a program (pr may be NULL for a side-wide line). */
struct event *slot_log(struct engine *e, enum ev_kind kind, const struct eprog *pr, int fd, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The program holding s. */
struct eprog *slot_prog_of(struct engine *e, const struct esock *s);

/* The program of that name: the running one, else one that has ended. */
struct eprog *slot_find_prog(struct engine *e, enum side side, int num, int child);

/* A slot for a new program (a free one, else one that ended), or NULL. */
struct eprog *slot_free_prog(struct engine *e);

/* Start a side's program (not a forked child) in its host; NULL with err. */
struct eprog *slot_start_prog(struct engine *e, enum side side, int num, char *err, size_t errlen);

/* The socket slot of a program's descriptor: the open one, else (with_closed)
 * the newest closed one with that number; fd -1: the program's newest. */
struct esock *slot_lookup(struct engine *e, const struct eprog *pr, int fd, bool with_closed);

/* A program's open descriptors ("3, 5, 19-41"), "none". */
void slot_list_open(struct engine *e, const struct eprog *pr, char *out, size_t len);

/* Descriptors a program holds that sockstep does not follow. */
void slot_fd_hide(struct eprog *pr, int fd);
int slot_fd_hidden_list(const struct eprog *pr, char *out, size_t len);

/* How many open descriptors a side's programs hold. */
int slot_open_socks(const struct engine *e, enum side side);

/* Advice: the command that frees a descriptor on a full side ("server
 * close"), and the one that makes a new forked child ("server fork"). */
void slot_close_advice(struct engine *e, enum side side, const struct eprog *prefer, char *out, size_t len);
void slot_fork_advice(struct engine *e, enum side side, int num, char *out, size_t len);

/* The program a command names, or NULL with one line in err. */
struct eprog *slot_target_prog(struct engine *e, const struct target *t, char *err, size_t errlen);

/* The program a call that may start one (socket, families) runs in: pr, or
 * the side's program started afresh when it has none or it ended (a program
 * that ended starts again). NULL when the call is not made, with *rc what
 * to return (0: t names a forked child that exists, said in err; -EINVAL:
 * refused, err says why). */
struct eprog *slot_prog_for(struct engine *e, struct eprog *pr, const struct target *t, int *rc, char *err,
			    size_t errlen);

/* The socket a command names, or NULL with one line in err saying what was
 * expected. any_state: closed sockets count too (expect looks at them). */
struct esock *slot_find(struct engine *e, const struct target *t, bool any_state, char *err, size_t errlen);

/* A slot for a new descriptor of a program, or NULL when its side holds
 * ENGINE_SIDE_SOCKS open ones already. */
struct esock *slot_new_sock(struct engine *e, const struct eprog *pr, int fd, enum proto proto,
			    const struct sock_kind *kind, const char *var);

/* The program ended (killed, or exited): log it once; its descriptors are
 * closed (their rows follow from engine_refresh). */
void slot_prog_died(struct engine *e, struct eprog *pr);
/* The same, with how it ended said by the caller ("exited with status 0"). */
void slot_prog_ended(struct engine *e, struct eprog *pr, const char *how);

#endif
