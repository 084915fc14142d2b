/* fault.h - whether a decoded frame is the one "wire drop next" and "wire
 * hold next" wait for.
 *
 * Pure: a decoded frame in, yes or no out. A lesson arms the wire for the
 * next frame of one kind, so the loss it shows happens every run, whatever
 * the timing and whatever else (ARP, pure ACKs) crosses the wire first. The
 * kinds and their words are in fault_kind.h, which the grammar reads
 * without the decoder. */
#ifndef SOCKSTEP_FAULT_H
#define SOCKSTEP_FAULT_H

#include <stdbool.h>

#include "decode.h"
#include "fault_kind.h"

/* Is this decoded frame one of kind k? Malformed or truncated frames never
 * match (their flags cannot be trusted); FAULT_NONE matches nothing. */
bool fault_matches(enum fault_frame k, const struct dec_result *r);

#endif
