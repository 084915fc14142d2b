/* ring.h - the wire's capture handles (libpcap on the wire ends, or on lo,
 * or on "any" for --net host) and their rings: the kernel's memory, mapped
 * into sockstep, resident for as long as a handle is open. So the relay
 * keeps small rings while the lab is idle and flood-sized ones only while a
 * flood runs (ring_grow, ring_shrink). Convention: 0 or negative errno, with
 * a line in err where the caller shows one. */
#ifndef SOCKSTEP_RING_H
#define SOCKSTEP_RING_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>

#define RING_SNAP 1600 /* bytes captured per frame: a whole veth frame (MTU 1500) */
/* Frames a ring holds, two to a 4 KiB page. The poll loop drains the rings
 * at every turn, and a flood sends at most half a ring per turn (engine.c),
 * so a ring never overflows: RING_FRAMES is the relay's ring while the wire
 * is busy; an idle lab has RING_IDLE on each end (a command's own frames, a
 * handshake or a send of at most CMD_DATA_MAX bytes, are a few). */
#define RING_FRAMES 384
#define RING_IDLE 32

/* The open handles: two for the relay ([0] the client's wire end, [1] the
 * server's), one to observe lo or the host. h[] is the ring the kernel
 * fills now, fd[] its descriptor to poll. */
struct rings {
	pcap_t *h[2];
	int fd[2];
	int n;
	/* The relay's: its idle rings for the whole session, and busy ones
	 * beside them while a flood runs. Each end's pair is a packet fanout
	 * group: the kernel hands every frame to one member, the one its
	 * program names. */
	const char *ifname[2];
	bool resizable;             /* false: the rings stay as they are */
	pcap_t *idle[2], *busy[2];  /* busy: NULL while idle */
	unsigned group[2];          /* the fanout groups' ids; 0 before the first grow */
	unsigned long gone_recv, gone_drop; /* counters of the rings closed already */
};

/* The relay's rings on the two wire ends (small: RING_IDLE), or one handle
 * on ifname with a ring of `frames` (closed: nothing let in until a filter
 * says what, for --net host). */
int ring_open_relay(struct rings *r, const char *client_if, const char *server_if, char *err, size_t errlen);
int ring_open_one(struct rings *r, const char *ifname, unsigned frames, bool closed, char *err, size_t errlen);
void ring_close(struct rings *r); /* every handle at once (their waits overlap) */

/* Flood-sized rings beside the idle ones, handed the frames from then on
 * (one ring set-up, 10-15 ms). What the idle rings took before is read first:
 * ring_before. false when that cannot be had: the wire stays as it is. */
bool ring_grow(struct rings *r);
/* Called with each busy ring that goes, for what it still holds. */
typedef void ring_drain_fn(void *ctx, pcap_t *h, int end);
/* Back to the idle rings: what the busy ones hold is drained (it came
 * first), then they close. */
void ring_shrink(struct rings *r, ring_drain_fn *drain, void *ctx);
bool ring_busy(const struct rings *r);              /* busy rings that ring_shrink can give back */
pcap_t *ring_before(const struct rings *r, int end); /* busy: the idle ring, read first; else NULL */

/* Frames the kernel let into the rings so far, and dropped for want of room
 * (the closed rings' too). */
void ring_stats(const struct rings *r, unsigned long *recv, unsigned long *drop);

/* --net host: the kernel's filter on the handle. "" lets nothing in. 0;
 * -E2BIG when the program is longer than the kernel takes (the filter in
 * place stays); -EINVAL or -EIO with err set, and nothing let in. */
int ring_filter(struct rings *r, const char *expr, char *err, size_t errlen);

#endif
