/* wire.h - sockstep as the wire between the lab's two hosts.
 *
 * A libpcap handle on the wire end of each veth (immediate mode, inbound
 * direction only, non-blocking, its selectable fd in the one poll loop)
 * receives what a host sent; the relay injects it on the other end with
 * pcap_inject, or holds, delays or drops it by policy. In --net loopback one
 * handle on lo only observes. Every frame is decoded, numbered, tied to the
 * command whose step caused it, and kept in the session log's bounded frame
 * store (frames.h: memory stays flat however long the session), where the
 * renderers read it. */
#ifndef SOCKSTEP_WIRE_H
#define SOCKSTEP_WIRE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>

#include "cmd.h"
#include "decode.h"
#include "frames.h"
#include "lab.h"
#include "session.h"

#define WIRE_SNAP FRAME_SNAP /* bytes kept of each frame, and a saved capture's snap length */
#define WIRE_HELD_MAX 1024 /* frames that may wait on a held wire */
/* Frames a busy capture ring holds (RING_FRAMES, ring.h): a flood sends at
 * most half of it per turn of the poll loop (engine.c), so a ring never
 * overflows. */
#define WIRE_CAP_FRAMES 384

enum wire_policy { WP_PASS, WP_HOLD, WP_DELAY };

struct wire_counters {
	unsigned long seen, relayed, held, released, dropped, delayed, lost;
	unsigned long foreign; /* --net host: frames of others that reached sockstep (refused by the keep filter) */
};

struct wire;

/* Open the capture (and, in the lab, the relay). Returns NULL with one line
 * in err when it cannot (no lab, capture refused). */
struct wire *wire_open(struct lab *lab, struct session *log, char *err, size_t errlen);
void wire_close(struct wire *w);

/* Keep only the frames keep() accepts (host mode: the frames of sockstep's
 * own sockets, not the rest of the machine's traffic). keep() is given the
 * frame as decoded (r->key says which socket it is about), before it
 * changes the decoder's TCP conversations; a frame it refuses reaches
 * neither the log, its frame store nor any file. */
typedef bool wire_keep_fn(void *ctx, const struct dec_result *r);
void wire_set_filter(struct wire *w, wire_keep_fn *keep, void *ctx);

/* --net host, the first line: the kernel's filter on the capture, so that
 * only frames of sockstep's sockets enter its ring at all. The capture
 * opens with a filter that lets nothing in; expr (pcap-filter(7), for the
 * "any" device's cooked headers; "" for nothing) replaces it. 0;
 * -E2BIG when the program is longer than the kernel takes (the filter in
 * place stays); another negative errno with one line in err when it cannot
 * be set: the capture then lets nothing in (fail closed). */
int wire_kernel_filter(struct wire *w, const char *expr, char *err, size_t errlen);
unsigned long wire_ring_frames(const struct wire *w); /* frames the kernel let into the rings so far */
unsigned long wire_filters(const struct wire *w);     /* kernel filters installed so far */

/* Write every frame from now on to a pcap file (--write), already opened
 * (before the namespaces: as root sockstep is nobody there). The wire owns f.
 * Never blocks: a FIFO's reader that does not keep up stops the capture
 * with one line (pcapout.h). 0 or -errno. */
int wire_write_to(struct wire *w, FILE *f, const char *path, char *err, size_t errlen);

/* Hand the capture files (--write, and a wire save its reader has not read
 * all yet) from one wire to the next (app_reset), so each goes on as one
 * file: take returns them (or NULL), give installs them, close ends them
 * (giving their readers up to PCAPOUT_CLOSE_MS each). */
void *wire_take_writer(struct wire *w);
void wire_give_writer(struct wire *w, void *writer);
void wire_writer_close(void *writer); /* NULL: nothing */

/* Descriptors to poll: the pcap handles, the delay timer, and the capture
 * files whose readers have bytes waiting (POLLOUT). */
int wire_pollfds(const struct wire *w, struct pollfd *pfd, int max);

/* Read whatever arrived, relay by policy, release delayed frames whose time
 * has come, give the capture files' readers what they have room for.
 * Returns the number of frames kept and released (not those the keep filter
 * refused: others' traffic must not keep a step from settling). */
int wire_service(struct wire *w);

/* A flood is about to send `frames` at once: the relay's rings become
 * flood-sized first, if they are not (a ring set-up, 10-15 ms), and stay so
 * until the wire has been quiet for a second. A no-op outside the lab. */
void wire_expect(struct wire *w, unsigned long frames);

/* The wire commands: pass, hold, step, drop, delay, save, status. 0, or
 * -EINVAL with one line in err (e.g. "wire step: no frame is held"). */
int wire_exec(struct wire *w, const struct cmd *c, char *err, size_t errlen);

/* Expectations about the wire. */
bool wire_saw_since(const struct wire *w, unsigned long from_no, const char *text);
unsigned wire_held(const struct wire *w);
bool wire_busy(const struct wire *w);                      /* delayed frames still to go */
/* A frame is still owed: a TCP segment seen and not acknowledged (a delayed
 * ACK to come), or a delayed frame to go. */
bool wire_awaits(const struct wire *w);
/* The armed fault ("wire drop|hold next FRAME"): its kind, FAULT_NONE when
 * none; *drop says drop (true) or hold. */
enum fault_frame wire_armed(const struct wire *w, bool *drop);

/* State for renderers. */
enum wire_policy wire_policy(const struct wire *w, unsigned *delay_ms);
const struct wire_counters *wire_counters(const struct wire *w);
unsigned long wire_last_no(const struct wire *w);           /* number of the newest frame, 0 if none */
const struct wire_frame *wire_frame(const struct wire *w, unsigned long no); /* the log's (session_frame) */
bool wire_relays(const struct wire *w);                     /* false: observe only (loopback) */

#endif
