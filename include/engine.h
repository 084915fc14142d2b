/* engine.h - executes commands with the real calls, in the hosts of the lab.
 *
 * Every socket is non-blocking underneath. A call that would block (accept
 * with no client, recv with no data, connect in progress) is recorded as
 * blocked; the event loop polls engine_pollfds() and calls engine_progress(),
 * which finishes whatever the kernel now allows. Everything that happens is
 * appended to the session log; the engine never prints. */
#ifndef SOCKSTEP_ENGINE_H
#define SOCKSTEP_ENGINE_H

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>

#include "cmd.h"
#include "lab.h"
#include "session.h"
#include "sockaddr.h"
#include "tuple.h"

#define ENGINE_SIDE_SOCKS 64 /* open sockets a side may hold */
/* Slots: room for both sides' open sockets; closed ones stay for the table
 * until a slot is needed. */
#define ENGINE_MAX_SOCKS (2 * ENGINE_SIDE_SOCKS)

struct wire; /* wire.h, NET_LAB only */

/* One socket of one side, open or closed (closed ones stay for the table). */
struct esock {
	bool used, closed;
	enum side side;
	int fd;
	enum proto proto;
	char var[16];               /* the C variable naming it: sock, csock */
	bool listening;
	unsigned closed_at;         /* seq of the close */
	/* the call waiting on this socket, if any */
	enum verb pending;          /* V_COUNT_ when none */
	unsigned pending_seq;
	size_t pending_max;
	struct sockaddr_in pending_dest; /* connect/sendto destination */
	unsigned char pending_data[CMD_DATA_MAX];
	size_t pending_len;
	unsigned long flood_total, flood_left, flood_sent, flood_fail; /* flood in progress */
	int flood_err;
	/* what the kernel said last (for spotting changes) and the last row shown */
	struct tuple_row kernel;
	struct tuple_row shown;
	bool has_shown;
	/* after close: the 4-tuple, to ask sock_diag what became of it */
	struct sockaddr_in last_local, last_remote;
	bool connected_once;
	struct tuple_row close_row;  /* the row close() leaves, shown by engine_refresh */
	bool close_row_due;
	bool pending_max_tried;       /* engine_progress: tried in this round */
};

struct side_result {
	bool set;
	long ret;
	int err;
};

struct engine {
	struct lab *lab;
	struct session *log;
	struct wire *wire;          /* NULL without a capture */
	bool live;                  /* a screen: show passing states (SYN_SENT) at once */
	struct esock socks[ENGINE_MAX_SOCKS];
	struct side_result last[3]; /* per side: the last finished call */
	unsigned char data[3][CMD_DATA_MAX]; /* per side: the last bytes received */
	size_t data_len[3];
	bool data_set[3];
	struct sa_build sa;         /* the last sockaddr_in built */
	bool sa_set;
	int diag_fd[3];             /* NETLINK_SOCK_DIAG socket per host, -1 if none */
	unsigned long frames_seen_from; /* newest frame before the last non-expect command */
	unsigned flood_budget;      /* datagrams the floods may still send before the wire is drained */
};

void engine_init(struct engine *e, struct lab *lab, struct session *log);
void engine_free(struct engine *e);

/* Execute one parsed command. Returns 0 when it ran (a kernel error is a
 * result, not a failure), -EINVAL when it was refused (bad target, nothing
 * changed; one line in err), 1 when it was an expect that did not hold. */
int engine_exec(struct engine *e, const struct cmd *c, char *err, size_t errlen);

/* Descriptors the blocked calls wait on; returns how many were written. */
int engine_pollfds(const struct engine *e, struct pollfd *pfd, int max);

/* Finish every blocked call the kernel now allows, oldest first. Returns how
 * many completed. (engine_refresh notices what the kernel changed by itself.) */
int engine_progress(struct engine *e);

/* Re-read every socket and log the rows that changed (peer's FIN, timers). */
void engine_refresh(struct engine *e);

/* --net host: whether a TCP or UDP frame from src to dst belongs to one of
 * our sockets: same protocol, and the full local and remote address and
 * port, in either direction (is_local says which addresses 0.0.0.0 stands
 * for). A closed TCP socket counts while the kernel holds its connection. */
bool engine_owns_flow(const struct engine *e, enum proto proto, const struct sockaddr_in *src,
		      const struct sockaddr_in *dst, bool (*is_local)(struct in_addr));

/* Whether one of our sockets talks to (or last sent to) this address: for ARP. */
bool engine_talks_to(const struct engine *e, struct in_addr addr);

/* A TCP socket is in a state that normally ends within a round trip. */
bool engine_transient(const struct engine *e);

/* How many calls are still blocked; seq_only: only the one of command seq. */
int engine_blocked(const struct engine *e, unsigned seq_only);

/* Batch: mark still-blocked calls of command seq as such in the log. */
void engine_note_still_blocked(struct engine *e, unsigned seq, unsigned waited_ms);

#endif
