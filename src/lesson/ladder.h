/* ladder.h - the ladder diagram (the textbook time-sequence figure) as pure
 * logic: frames and the calls and states around them go in, rows of text
 * for a given width come out. No curses: the pane (ui_ladder.c) feeds it
 * from the session log and the wire and paints the segments it returns.
 *
 * A client lane on the left, a server lane on the right; each frame is an
 * arrow between them labelled flags first ("[SYN, ACK] seq=0 ack=1"); the
 * call that caused a frame or returned because of it, and the socket state
 * a side entered, stand beside that side's lane at the height they happened.
 * Rows are placed afresh for every width (ladder_layout), so a resize
 * reflows the figure. */
#ifndef SOCKSTEP_LADDER_H
#define SOCKSTEP_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define LADDER_KEEP 1024     /* items kept; older ones are dropped (and counted) */
#define LADDER_TIERS 5       /* label forms, richest first */
#define LADDER_LABEL_MAX 96
#define LADDER_NOTE_MAX 48
#define LADDER_ARROW_MIN 14  /* columns between the lanes, at least */
#define LADDER_ARROW_MAX 72  /* wider panes get margins, not endless shafts */
#define LADDER_ROOMY 16      /* note columns at least this wide: "accept() → 4"; narrower: "accept()→4" */

enum ladder_side { LS_CLIENT, LS_SERVER };
enum ladder_fate { LF_PASSED, LF_HELD, LF_DROPPED };
enum ladder_note { LN_CALL, LN_BLOCKED, LN_STATE };

struct ladder_item {
	bool frame;              /* an arrow; else a note beside a lane */
	unsigned seq;            /* the command that caused it (the log's seq) */
	enum ladder_side side;   /* frame: who sent it; note: whose lane */
	/* frame */
	unsigned long no;        /* the wire's frame number */
	enum ladder_fate fate;   /* as logged; the pane looks the current one up when drawing */
	bool retrans;            /* same direction, seq, flags and length as an earlier segment */
	int ntiers;
	char label[LADDER_TIERS][LADDER_LABEL_MAX];
	bool tcp;                /* what a retransmission is recognised by */
	uint8_t tflags;
	uint32_t seq_raw;
	unsigned plen;
	uint16_t sport, dport;
	/* note */
	enum ladder_note note;
	char text[LADDER_NOTE_MAX];   /* "accept()", "client2: recv()", "ESTABLISHED" */
	char result[24];              /* a call's return: "4", "ECONNREFUSED"; "" none */
};

struct ladder {
	struct ladder_item *it;
	size_t n, cap;
	unsigned long dropped;   /* items dropped to keep LADDER_KEEP */
};

void ladder_init(struct ladder *l);
void ladder_free(struct ladder *l);

/* The label forms of a frame, richest first, into labels[LADDER_TIERS]
 * (returns how many): TCP "[PSH, ACK] seq=1 ack=1 len=4 \"hola\"" down to
 * "[PSH, ACK]" (seq/ack go before the payload), UDP "UDP len=4 \"hola\"",
 * "ARP who-has 200.0.0.2", "ARP reply", "ICMP port unreachable". The
 * payload is quoted from data (caplen bytes) at d->payload_off, never past
 * caplen. */
int ladder_labels(const struct dec_result *d, const uint8_t *data, size_t caplen,
		  char labels[][LADDER_LABEL_MAX]);

/* Append a frame (its labels built here); marks a TCP retransmission.
 * A frame goes before the notes just above it that its own command logged
 * on return (the result of a connect() or accept(), a state entered):
 * on loopback the capture is read after the call has returned, but the
 * call returned because of the frame. 0 or -ENOMEM (nothing added). */
int ladder_add_frame(struct ladder *l, unsigned seq, unsigned long no, enum ladder_side from,
		     enum ladder_fate fate, const struct dec_result *d, const uint8_t *data, size_t caplen);
/* Append a note: text, and a result for a call ("" none). 0 or -ENOMEM. */
int ladder_add_note(struct ladder *l, unsigned seq, enum ladder_side side, enum ladder_note kind,
		    const char *text, const char *result);

/* The name of the call in a line of C ("csock = accept(sock, ...);" is
 * "accept") when it is one the ladder shows (listen, connect, accept,
 * send*, recv*, close, shutdown); false otherwise. */
bool ladder_call_name(const char *code, char *name, size_t len);

/* A note as drawn: "accept() → 4", compact "accept()→4", blocked
 * "accept()…", state "ESTABLISHED" (ASCII forms without utf8). */
void ladder_note_text(const struct ladder_item *it, bool compact, bool utf8, char *out, size_t len);

/* Columns a string takes (utf8: one per code point; else its ASCII form's). */
int ladder_cols(const char *s, bool utf8);

/* One row of the figure: item indices (-1 none). A note too long for its
 * column is wrapped beside its own lane, never across the wire: it breaks
 * after "→" or ": " (else at the column), one piece a row; lpiece/rpiece
 * is the piece a slot shows (0: the first, or the whole note). A row that
 * carries a later piece (wide) takes no arrow. */
struct ladder_row {
	int frame, left, right;
	bool wide;
	signed char lpiece, rpiece;
};

#define LADDER_PIECES 4 /* a note wraps to this many rows at most; the last is cut */

/* The pieces a note is drawn in, each at most cap columns, into
 * out[LADDER_PIECES]; returns how many (1: it fits whole). */
int ladder_note_pieces(const struct ladder_item *it, int cap, bool utf8, char out[][LADDER_LABEL_MAX]);

/* The widest a note may be beside its lane at this width. */
int ladder_note_cap(int width);

/* Place the items in rows for this width: a note takes the newest row's
 * slot for its side if free (beside an arrow only when the same command
 * caused both), else starts a row that the next arrow may fill; a frame
 * fills such a row or starts its own. rows has room for
 * LADDER_PIECES * l->n rows; returns how many. */
size_t ladder_layout(const struct ladder *l, int width, bool utf8, struct ladder_row *rows);

/* Where things go for the rows shown: note columns and lane columns. */
struct ladder_geom {
	int width;
	int lw, rw;     /* note columns beside the client and server lanes */
	int cl, sl;     /* the lanes' columns */
};
void ladder_geom(const struct ladder *l, const struct ladder_row *rows, size_t nrows, int width, bool utf8,
		 struct ladder_geom *g);

/* A drawn row: segments of text at columns, each with a part that the
 * pane maps to a colour role. */
enum ladder_part { LP_LANE, LP_CALL, LP_BLOCKED, LP_STATE, LP_ARROW, LP_MARK };
#define LADDER_SEGS 10
struct ladder_line {
	int nseg;
	struct {
		int x, cols;
		enum ladder_part part;
		size_t off;        /* text at buf + off, NUL-terminated */
	} seg[LADDER_SEGS];
	char buf[2048];
	size_t used;
};

/* Draw one row; fate is the frame's fate now (the wire may have released
 * or dropped a held frame since it was logged). */
void ladder_render(const struct ladder *l, const struct ladder_row *r, const struct ladder_geom *g,
		   enum ladder_fate fate, bool utf8, struct ladder_line *out);

/* The row as one string, segments at their columns (tests, batch). */
void ladder_line_text(const struct ladder_line *ln, bool utf8, char *out, size_t len);

#endif
