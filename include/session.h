/* session.h - the session log: everything that happened, as events, in
 * order. The engine and the wire append; renderers (batch printer, curses
 * panes) only read. Events point nowhere outside themselves, so a renderer
 * can start reading at any index. */
#ifndef SOCKSTEP_SESSION_H
#define SOCKSTEP_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"
#include "sockaddr.h"
#include "tuple.h"

enum ev_kind {
	EV_COMMAND,  /* a command was accepted: text = its canonical line */
	EV_ERROR,    /* bad input or a refused action: text = one line */
	EV_CALL,     /* a C call: text = the code; ret/err/status */
	EV_SOCKADDR, /* a sockaddr_in was built: sa */
	EV_ROW,      /* a 5-tuple row: row */
	EV_DATA,     /* bytes moved: text = escaped payload, ret = byte count */
	EV_INFO,     /* an explanation: text (conversions, byte order, hints) */
	EV_SAY,      /* narration: text */
	EV_EXPECT,   /* an expectation: ret = 1 held / 0 failed, text = what */
	EV_FRAME,    /* a frame crossed the wire: ret = frame number, text = summary */
	EV_WIRE,     /* the wire's policy or queue changed: text */
};

enum call_status {
	CS_DONE,      /* returned at once */
	CS_BLOCKED,   /* would block: waiting for poll */
	CS_COMPLETED, /* a blocked call finished */
	CS_STILL,     /* batch: still blocked after --wait */
};

struct event {
	enum ev_kind kind;
	unsigned seq;         /* the command that caused it (1-based; 0 = start-up) */
	enum side side;
	int fd;
	long ret;             /* EV_CALL return value, EV_DATA bytes, EV_EXPECT 1/0, EV_FRAME number */
	int err;              /* errno of a failed call, 0 otherwise */
	enum call_status status;
	unsigned origin;      /* EV_CALL completed later: the seq of the command that blocked */
	char *text;           /* owned, may be NULL */
	struct sa_build *sa;  /* EV_SOCKADDR, owned */
	struct tuple_row *row;/* EV_ROW, owned */
};

struct session {
	struct event *ev;
	size_t n, cap;
	unsigned seq;         /* number of the command being executed */
};

void session_init(struct session *s);
void session_free(struct session *s);

/* Append an event; text is printf-formatted (NULL for none). Returns the
 * event (valid until the next append) or NULL when memory ran out. */
struct event *session_add(struct session *s, enum ev_kind kind, enum side side, int fd,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Drop the events from index n on (a refused command leaves no trace). */
void session_truncate(struct session *s, size_t n);

/* Attach copies of a sockaddr build or a row to the last event. */
int session_attach_sa(struct event *e, const struct sa_build *sa);
int session_attach_row(struct event *e, const struct tuple_row *row);

/* "EADDRINUSE" for EADDRINUSE, "E123" when unknown. */
const char *errno_name(int err);

/* Payload as a C string literal body: printable ASCII kept, others escaped. */
void escape_bytes(const unsigned char *p, size_t n, char *out, size_t len);

#endif
