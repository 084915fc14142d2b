/* tuple.h - the lecture's 5-tuple table: one row per step, named as the
 * lecture names them, with the values the kernel reports. Pure: the engine
 * reads the kernel (getsockname, getpeername, TCP_INFO) and hands the values
 * here to be named, formatted and compared. */
#ifndef SOCKSTEP_TUPLE_H
#define SOCKSTEP_TUPLE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "names.h"

/* Which lecture step a row records. */
enum tstep {
	TS_SOCKET,    /* STEP1 (server) / STEP3 (client) PROTOCOL DEFINITION */
	TS_BIND,      /* STEP 2 SOCKET BINDING / STEP4 LOCAL PARAMETERS */
	TS_LISTEN,    /* STEP 2B ready to accept (TCP) */
	TS_WAITMSG,   /* STEP 2B waiting for a message (UDP recvfrom blocked) */
	TS_REMOTE,    /* STEP5 REMOTE PARAMETERS CONFIGURATION */
	TS_CONNECTED, /* STEP6 CONNECTION REQUEST (ACCEPTED) (TCP) */
	TS_FAILED,    /* STEP6 CONNECTION REQUEST (FAILED): refused, timed out */
	TS_SENT,      /* STEP6 SEND MESSAGE TO PEER (UDP) */
	TS_ACCEPTED,  /* STEP7 CONNECTION REQUEST ACCEPTED (TCP) */
	TS_RECEIVED,  /* STEP7 MESSAGE RECEIVED FROM PEER (UDP) */
	TS_SHUTDOWN,  /* after shutdown() */
	TS_CLOSE,     /* after close(): the descriptor is gone */
	TS_STATE,     /* the kernel changed something by itself (peer's FIN, ...) */
	TS_INHERITED, /* fork(): the child's copy of a descriptor */
	TS_COUNT_
};

/* Column bits, for "which cells did this step change". */
enum tcol { TC_PROTO = 1, TC_LIP = 2, TC_LPORT = 4, TC_RIP = 8, TC_RPORT = 16, TC_STATE = 32 };

struct tuple_row {
	enum tstep step;
	enum side side;
	unsigned char prog, child;  /* the program holding it: "server.1" is 1, 1 */
	int fd;
	enum proto proto;
	char lip[16], lport[8];   /* "" = not set yet */
	char rip[16], rport[8];   /* "" = none, "?" = any peer (listening / waiting) */
	char state[16];
	char note[96];            /* where a value came from, when not the obvious */
	unsigned changed;         /* enum tcol bits vs the socket's previous row */
};

/* "STEP1 PROTOCOL DEFINITION", ... (the lecture's words) and a short form
 * for narrow panes, at most TUPLE_SHORT_MAX columns, that keeps the
 * lecture's step number and the outcome ("STEP6 ACCEPTED", "STEP6 FAILED"). */
#define TUPLE_SHORT_MAX 14
const char *tuple_step_label(enum tstep st, enum side side, enum proto proto);
const char *tuple_step_short(enum tstep st, enum side side, enum proto proto);
/* The narrowest form, at most TUPLE_TINY_MAX columns: the step's key, with
 * the outcome where the number alone would hide it ("6 fail"). */
#define TUPLE_TINY_MAX 6
const char *tuple_step_tiny(enum tstep st, enum side side);
/* The widest of the three forms that fits width columns; NULL if none does. */
const char *tuple_step_fit(enum tstep st, enum side side, int width);

/* Which rows a table of `room` lines shows when it cannot show them all.
 * The caller fills one entry per row, oldest first; tuple_pick sets show
 * (the row) and note (its note under it) and returns the lines they take.
 * The rows come first: those the current step made (those the kernel still
 * holds as they are first of all, its kernel's own changes last), then the
 * rows of the sockets it used, then the newest row of each socket the
 * kernel still holds (the listener, the TIME_WAIT that makes a later bind
 * fail), then the rest, newest first within each; then, in the lines the
 * rows leave, the notes of the rows the step made, each whole or not at all
 * (a row whose news is its note takes its note along where it fits). */
struct tuple_pick {
	enum side side;
	unsigned char prog, child; /* with fd: which socket the row is of */
	int fd;
	bool gone;       /* its state is CLOSED: nothing of it is left in the kernel */
	bool in_step;    /* the current step made it */
	bool kernel;     /* a change the kernel made by itself (TS_STATE), not a call */
	bool used;       /* the newest row of a socket the current step used (send, recv) */
	int note_lines;  /* lines its note takes; 0: no note */
	bool news_in_note; /* it changed no cell, its note is the news (a receive
			    * queue's drops): the note comes with the row */
	bool show, note; /* out */
};
int tuple_pick(struct tuple_pick *p, size_t n, int room);

/* The step's key, for lining up two tables by lecture step: the lecture's
 * number ("1", "2B", "7") or a short word for the rows that have none
 * ("kern", "close"). Also the STEP cell of the narrowest tables. */
const char *tuple_step_key(enum tstep st, enum side side);

/* Two tables side by side (--compare), lined up by lecture step. ka[i] is
 * the step key of line i of the first table, NULL for a line that goes
 * with the one before it (a row's note); kb likewise for the second. Lines
 * in a row with the same key form a group; a group whose key both tables
 * have starts on the same row in both, and the shorter is padded with
 * blank rows. A group only one table has gets rows of its own. Writes each
 * line's row to pa[] and pb[] and returns the rows of the padded tables. */
size_t tuple_align(const char *const *ka, size_t na, const char *const *kb, size_t nb, size_t *pa, size_t *pb);

/* Fill the address columns from a sockaddr_in: port 0 and address 0 mean unset. */
void tuple_set_local(struct tuple_row *r, const struct sockaddr_in *sin);
void tuple_set_remote(struct tuple_row *r, const struct sockaddr_in *sin);
void tuple_set_unknown_remote(struct tuple_row *r); /* "?" "?" as the lecture prints */

/* Set r->changed against prev (NULL: everything non-empty counts as changed). */
void tuple_diff(struct tuple_row *r, const struct tuple_row *prev);

/* TCP states as ss/netstat name them: 1 ESTABLISHED ... 10 LISTEN, 7 CLOSED. */
const char *tuple_tcp_state_name(int st);
/* Inverse (accepts "ESTAB", "SYN-SENT" too); -EINVAL if unknown. */
int tuple_tcp_state_parse(const char *name);

/* Table header and one row as fixed-width text; changed cells get a '*'. */
void tuple_header(char *out, size_t len);
void tuple_format(const struct tuple_row *r, char *out, size_t len);
/* The same in at most 90 columns, for handouts that print: the STEP cell is
 * the step's key (tuple_step_key), LPORT and RPORT the ports. */
void tuple_header_narrow(char *out, size_t len);
void tuple_format_narrow(const struct tuple_row *r, char *out, size_t len);

#endif
