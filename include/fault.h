/* fault.h - the frames "wire drop next" and "wire hold next" wait for.
 *
 * Pure: a decoded frame in, yes or no out. A lesson arms the wire for the
 * next frame of one kind, so the loss it shows happens every run, whatever
 * the timing and whatever else (ARP, pure ACKs) crosses the wire first. */
#ifndef SOCKSTEP_FAULT_H
#define SOCKSTEP_FAULT_H

#include <stdbool.h>

#include "decode.h"

enum fault_frame {
	FAULT_NONE,   /* not armed */
	FAULT_SYN,    /* TCP SYN without ACK: a connection request */
	FAULT_SYNACK, /* TCP SYN with ACK: the answer to it */
	FAULT_ACK,    /* TCP ACK alone (no SYN, FIN, RST) and no payload */
	FAULT_FIN,    /* TCP FIN (with or without ACK) */
	FAULT_RST,    /* TCP RST (with or without ACK) */
	FAULT_DATA,   /* a TCP segment with payload */
	FAULT_UDP,    /* a UDP datagram (its first fragment when fragmented) */
	FAULT_COUNT_
};

/* The words a lesson writes, indexed by enum fault_frame from FAULT_SYN;
 * NULL-terminated: "SYN", "SYN-ACK", "ACK", "FIN", "RST", "data", "udp". */
extern const char *const fault_frame_words[];

/* The word of k ("SYN-ACK"), "" for FAULT_NONE. */
const char *fault_frame_name(enum fault_frame k);

/* The kind as a sentence says it: "SYN", "data segment", "UDP datagram". */
const char *fault_frame_what(enum fault_frame k);

/* Is this decoded frame one of kind k? Malformed or truncated frames never
 * match (their flags cannot be trusted); FAULT_NONE matches nothing. */
bool fault_matches(enum fault_frame k, const struct dec_result *r);

#endif
