/* session.h - the session log: everything that happened, as events, in
 * order. The engine and the wire append; renderers (batch printer, curses
 * panes) only read. Events point nowhere outside themselves, so a renderer
 * can start reading at any index.
 *
 * The log is a bounded history, like its frame store (frames.h): it keeps the
 * newest SESSION_KEEP_EVENTS events and at most SESSION_KEEP_BYTES of their
 * text and attachments, whichever bound comes first, so that memory stays
 * flat however long a session runs. Events keep their absolute index for
 * life: index i is the i-th event appended (0-based); the oldest kept one is
 * s->first, one past the newest is s->n. A reader keeps the index of the
 * next event it wants and reads through session_at(), which returns NULL
 * for an event already dropped; a reader that finds its index below
 * s->first has missed s->first - index events and should say so. What the
 * screen must show for ever (the table's rows, the sockaddr_in, the program
 * lines) the panes copy out as they read; the few facts about the whole
 * session that readers ask for (the last narration, whether any call was
 * made, the expectations' verdicts) survive dropping here. */
#ifndef SOCKSTEP_SESSION_H
#define SOCKSTEP_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "call_event.h"
#include "frames.h"
#include "names.h"
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
	EV_FRAME,    /* a frame crossed the wire: ret = frame number (session_frame), text = summary */
	EV_WIRE,     /* the wire's policy or queue changed: text */
	EV_CONVERT,  /* a conversion's bytes, for the hex pane: conv (its lines are EV_INFO) */
	EV_PREDICT,  /* a question about the next command: text = question, ret = enum expect_what */
	EV_TABLE,    /* a table to show as it is (families, journey): text = title '\n' lines */
	EV_OUTPUT,   /* a traced program wrote to its stdout or stderr: text = one line, escaped
		      * like EV_DATA's payload (no '\n'), ret = its bytes; in order with its calls */
};

enum call_status {
	CS_DONE,      /* returned at once */
	CS_BLOCKED,   /* would block: waiting for poll */
	CS_COMPLETED, /* a blocked call finished */
	CS_STILL,     /* batch: still blocked after --wait */
	CS_BEFORE,    /* a traced program is stopped before this call ("SIDE next" makes it);
		       * the call is logged again when it is made */
};

struct event {
	enum ev_kind kind;
	unsigned seq;         /* the command that caused it (1-based; 0 = start-up) */
	enum side side;
	unsigned char prog, child; /* the program: "client2.1" is 2, 1; 0 or 1 is the side's first */
	unsigned char thread; /* a traced program's thread: "client/t2" is 2; 0 a process */
	int fd;
	long ret;             /* EV_CALL return value, EV_DATA bytes, EV_EXPECT 1/0, EV_FRAME number */
	int err;              /* errno of a failed call, 0 otherwise */
	enum call_status status;
	unsigned origin;      /* EV_CALL completed later: the seq of the command that blocked */
	struct call_args call; /* EV_CALL: which call, and its arguments (call_event.h) */
	char *text;           /* owned, may be NULL */
	struct sa_build *sa;  /* EV_SOCKADDR, owned */
	struct tuple_row *row;/* EV_ROW, owned */
	struct conv_view *conv; /* EV_CONVERT, owned */
	unsigned long ms;     /* when it was appended (CLOCK_MONOTONIC, ms): what a command caused at
			       * once, apart from what timers did long after (lesson_save.h) */
};

#define SESSION_KEEP_EVENTS 2048
#define SESSION_KEEP_BYTES (2u << 20) /* text and attachments of the events kept */

/* What the dropped events leave behind for the readers that ask about the
 * whole session. */
struct session_gone {
	unsigned long calls;          /* EV_CALL events */
	unsigned long held, failed;   /* EV_EXPECT verdicts */
	char *say;                    /* the newest EV_SAY text dropped (owned), or NULL */
};

struct session {
	struct event *ring;   /* cap slots; the oldest kept event is at ring[head] */
	size_t cap, head;
	size_t first;         /* absolute index of the oldest event kept = events dropped */
	size_t n;             /* absolute index one past the newest event */
	size_t settled;       /* events below it are final and counted in bytes */
	size_t bytes;         /* text and attachments of the settled events kept */
	struct session_gone gone;
	unsigned seq;         /* number of the command being executed */
	struct frame_store frames; /* the frames the wire caught, decoded (frames.h) */
};

void session_init(struct session *s);
void session_free(struct session *s);

/* Append an event; text is printf-formatted (NULL for none). Returns the
 * event (valid until the next append, which may drop the oldest events to
 * keep the bounds) or NULL when memory ran out. */
struct event *session_add(struct session *s, enum ev_kind kind, enum side side, int fd,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Drop the events from absolute index n on (a refused command leaves no
 * trace); events already dropped stay counted, so s->n never goes below
 * s->first. */
void session_truncate(struct session *s, size_t n);

/* The event at absolute index i, or NULL when it was dropped (i < s->first)
 * or does not exist yet (i >= s->n). */
const struct event *session_at(const struct session *s, size_t i);

/* How many events were dropped from the start of the session. */
size_t session_dropped(const struct session *s);

/* Facts about the whole session, dropped events included: the newest
 * narration (EV_SAY) text or NULL, whether any C call was made, and the
 * expectations that held and failed. */
const char *session_last_say(const struct session *s);
bool session_any_call(const struct session *s);
void session_expects(const struct session *s, unsigned long *held, unsigned long *failed);

/* The frame numbered no (an EV_FRAME's ret), decoded when it was caught,
 * or NULL when it has rolled out of the store; the oldest and newest kept
 * (0 when none). The wire puts them (frames_put). */
const struct wire_frame *session_frame(const struct session *s, unsigned long no);
unsigned long session_frames_first(const struct session *s);
unsigned long session_frames_last(const struct session *s);

/* Attach copies of a sockaddr build or a row to the last event. */
int session_attach_sa(struct event *e, const struct sa_build *sa);
int session_attach_row(struct event *e, const struct tuple_row *row);
int session_attach_conv(struct event *e, const struct conv_view *cv);

/* Payload as a C string literal body: printable ASCII kept, others escaped. */
void escape_bytes(const unsigned char *p, size_t n, char *out, size_t len);

#endif
