/* acks.h - which TCP segments the wire saw that the other side has not
 * acknowledged yet: while one is, a frame is still owed (a delayed ACK,
 * 40 ms), so a step is not settled (app.c settles on this evidence, with
 * a timer only as a bound).
 *
 * Pure: decoded frames in, yes or no out. Each conversation's two sides
 * are followed in sequence space: the next sequence number after what a
 * side used (data, SYN and FIN each use it), and how much of it the other
 * side acknowledged. A reset ends a conversation: nothing is owed. */
#ifndef SOCKSTEP_ACKS_H
#define SOCKSTEP_ACKS_H

#include <stdbool.h>
#include <stdint.h>

#include "decode.h"

#define ACKS_FLOWS 32 /* conversations followed; a new one takes a settled slot */

struct acks_flow {
	bool used, sent[2];         /* side 0: the endpoint that sorts first */
	uint8_t ip[2][16];
	uint16_t port[2];
	uint32_t end[2], acked[2];  /* next seq after what a side used; what the other acked of it */
};

struct acks {
	struct acks_flow f[ACKS_FLOWS];
};

/* One frame as the wire saw it (only whole TCP headers count). */
void acks_see(struct acks *a, const struct dec_result *r);
/* A segment seen and not acknowledged yet. */
bool acks_owed(const struct acks *a);

#endif
