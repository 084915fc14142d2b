/* fault_kind.h - the kinds of frame "wire drop next" and "wire hold next"
 * wait for, and their words.
 *
 * Apart from fault.h (which matches a decoded frame against a kind) so that
 * the grammar can name the kinds without the packet decoder. Pure. */
#ifndef SOCKSTEP_FAULT_KIND_H
#define SOCKSTEP_FAULT_KIND_H

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

#endif
