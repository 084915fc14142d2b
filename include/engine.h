/* engine.h - executes commands with the real calls, in the hosts of the lab.
 *
 * Each side is a program (prog.h): a process of its own in its host's network
 * namespace that makes that side's calls with blocking sockets, one at a time.
 * A call either returns at once (its result is logged by engine_exec) or the
 * program sleeps in it: the call is logged as blocked, the program can do
 * nothing else, and the event loop polls engine_pollfds(); engine_progress()
 * logs the result when the program's reply arrives. sockstep looks at the
 * sockets from outside (pidfd_getfd, sock_diag). Everything that happens is
 * appended to the session log; the engine never prints.
 *
 * Sockets and programs live in slots that never move: a pointer to one stays
 * valid for the engine's life (a slot is reused in place, never shifted). */
#ifndef SOCKSTEP_ENGINE_H
#define SOCKSTEP_ENGINE_H

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"
#include "lab.h"
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
	unsigned seq;               /* command that started it */
	int sock;                   /* slot of its socket, -1 (select) */
	char code[256];             /* its C text */
	int sel_n, sel_fd[CMD_SEL_MAX];
	bool sel_rd, sel_wr;
	long dgram_len;             /* recvfrom: the waiting datagram's real length, -1 unknown */
	const struct sock_kind *kind; /* socket */
	int how;                    /* shutdown */
	bool nb_on;                 /* nonblock */
	unsigned long flood_from;   /* flood: datagrams sent so far */
	bool flood_waiting;         /* flood: its next chunk waits for the next turn of the relay */
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
};

struct engine {
	struct lab *lab;
	struct session *log;
	struct wire *wire;          /* NULL without a capture */
	bool live;                  /* a screen: show passing states (SYN_SENT) at once */
	struct eprog progs[ENGINE_MAX_PROGS];
	struct esock socks[ENGINE_MAX_SOCKS];
	unsigned born;              /* sockets made so far */
	struct sa_build sa;         /* the last sockaddr_in built */
	bool sa_set;
	int diag_fd[3];             /* NETLINK_SOCK_DIAG socket per host, -1 if none */
	unsigned long frames_seen_from; /* newest frame before the last non-expect command */
	unsigned flood_budget;      /* datagrams the floods may still send in this turn of the relay */
	unsigned long flood_asked;  /* datagrams asked of the programs since flood_seen_base */
	unsigned long flood_seen_base, flood_seen_prev; /* the wire's frame count then, and at the last turn */
	int flood_timer;            /* timerfd: brings the loop back to a waiting flood, -1 */
	struct prog_rep *rep;       /* room for one reply (64 KiB: not on the stack) */
	struct engine_host *host;   /* --net host: the filter's state (engine_flow.c), NULL until needed */
};

void engine_init(struct engine *e, struct lab *lab, struct session *log);
void engine_free(struct engine *e);

/* Execute one parsed command. Returns 0 when it ran (a kernel error is a
 * result, not a failure), -EINVAL when it was refused (bad target, nothing
 * changed; one line in err), 1 when it was an expect that did not hold. */
int engine_exec(struct engine *e, const struct cmd *c, char *err, size_t errlen);

/* Descriptors to poll: the reply channels of the busy programs. */
int engine_pollfds(const struct engine *e, struct pollfd *pfd, int max);

/* Log every blocked call whose program has answered: connects first, then
 * oldest first. Returns how many completed. (engine_refresh notices what the
 * kernel changed by itself.) */
int engine_progress(struct engine *e);

/* Programs that ended or were stopped or continued behind sockstep's back
 * (kill -9, kill -STOP, kill -CONT from a shell): log it once, and mark an
 * ended program's descriptors closed (their rows follow from
 * engine_refresh). Returns how many were noticed. engine_progress and
 * engine_refresh call it first; the command runner calls it before each
 * command, so that what happened is told before what comes next. */
int engine_watch(struct engine *e);

/* Re-read every socket and log the rows that changed (peer's FIN, timers). */
void engine_refresh(struct engine *e);

/* --net host, the first line (engine_flow.c): make the capture's kernel
 * filter from our sockets as the engine last read them (hostfilter.h), when
 * they changed since the last one; the host's addresses and the other
 * sockets on our ports are read again at most once a second, or when our
 * ports change. Called before each call a program makes (its frames must
 * find the filter ready) and at every turn of the loop. No-op elsewhere. */
void engine_host_filter(struct engine *e);

/* --net host, the second line: whether a frame read by flowkey_read is one
 * of our sockets', by the set the last filter was made of. A SYN-ACK from
 * one of our listeners pins that handshake's 4-tuple as ours. */
struct flowkey;
bool engine_owns_flow(struct engine *e, const struct flowkey *k);
void engine_host_free(struct engine *e);

/* A TCP socket is in a state that normally ends within a round trip. */
bool engine_transient(const struct engine *e);

/* Whether a program of that name still waits in the call that command seq
 * made (false once it returned, or once the program ended in it). */
bool engine_call_pending(const struct engine *e, enum side side, int prog, int child, unsigned seq);

/* How many programs are still blocked; seq_only: only in the call of command seq. */
int engine_blocked(const struct engine *e, unsigned seq_only);

/* What a reader outside the engine (the screen's narration) may know of a
 * program that holds a session up, without reading the slots. */
struct engine_hold {
	const char *name;   /* "server", "client2", "server.1" */
	int pid;
	enum side side;
	bool busy;          /* in a call: */
	enum verb verb;     /* which, */
	unsigned seq;       /* since which command */
};
/* The first program stopped by a signal (SIGSTOP) and not gone (stopped),
 * or the first one blocked in a call (!stopped): true and *h, or false. */
bool engine_holding(const struct engine *e, bool stopped, struct engine_hold *h);

/* Batch: mark still-blocked calls of command seq as such in the log. */
void engine_note_still_blocked(struct engine *e, unsigned seq, unsigned waited_ms);

/* The side host's net.ipv4.ip_local_port_range (ephemeral ports), for
 * judging predictions: 0, or negative errno with *lo = *hi = 0. */
int engine_port_range(struct engine *e, enum side side, unsigned *lo, unsigned *hi);

#endif
