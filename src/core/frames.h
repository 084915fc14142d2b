/* frames.h - the frames of a session, as the log keeps them: each decoded
 * once, when the wire caught it (its summary and fields, with the relative
 * TCP numbers of that moment), and its first FRAME_SNAP bytes. The wire
 * puts them here and updates their fate; renderers (the ladder and frame
 * panes, the hex pane's frame detail, batch and handouts) read them here,
 * never from the wire. A bounded store, like the log's events: the newest
 * FRAMES_KEEP frames, allocated once, at the first frame (memory stays flat
 * however long a session runs). Frames keep their number for life. */
#ifndef SOCKSTEP_FRAMES_H
#define SOCKSTEP_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "decode.h"

#define FRAMES_KEEP 2048  /* frames kept for display and "wire save" */
#define FRAME_SNAP 1600   /* bytes kept of each frame (veth MTU 1500 + headers) */

/* Which way a frame went: sent by the client's host, or by the server's. */
enum wire_dir { WD_C2S = 0, WD_S2C = 1, WD_LOCAL = 2 /* loopback: seen on lo */,
		WD_HOST = 3 /* --net host: seen on the machine's interfaces */ };

enum frame_fate {
	FF_PASSED,  /* relayed at once */
	FF_HELD,    /* waiting on the wire */
	FF_DELAYED, /* will be relayed when its delay ends */
	FF_RELEASED,/* was held or delayed, then relayed */
	FF_DROPPED, /* discarded on purpose (wire drop) */
	FF_LOST,    /* could not be relayed (inject failed, held queue full) */
	FF_SEEN,    /* observed only (loopback) */
};

struct wire_frame {
	unsigned long no;          /* 1-based, in order of capture */
	unsigned seq;              /* the command whose step caused it */
	enum wire_dir dir;
	enum frame_fate fate;
	struct timeval ts;
	unsigned caplen, len;      /* bytes kept here (<= FRAME_SNAP), bytes on the wire */
	unsigned char data[FRAME_SNAP];
	struct dec_result dec;     /* decoded at capture, with relative TCP numbers */
};

struct frame_store {
	struct wire_frame *ring;   /* FRAMES_KEEP slots, allocated at the first frame */
	unsigned long last;        /* number of the newest frame kept, 0 if none */
};

/* The slot for frame no (newer than any kept), its number, seq, bytes and
 * decoding still to fill in by the caller; NULL when memory ran out. It
 * replaces the oldest frame when the store is full. */
struct wire_frame *frames_put(struct frame_store *fs, unsigned long no);

/* Frame no, or NULL when it was never kept or has rolled out. */
const struct wire_frame *frames_get(const struct frame_store *fs, unsigned long no);
struct wire_frame *frames_get_mut(struct frame_store *fs, unsigned long no); /* the wire: its fate */

/* The oldest frame kept (0 if none) and the newest (0 if none). */
unsigned long frames_first(const struct frame_store *fs);
unsigned long frames_last(const struct frame_store *fs);

void frames_free(struct frame_store *fs);

const char *wire_dir_name(enum wire_dir d);                 /* "cli→srv", "srv→cli", "lo", "host" */
const char *wire_fate_name(enum frame_fate f);              /* "", "held", "dropped", ... */

#endif
