/* fault_kind.c - the words of the kinds of frame a wire fault waits for
 * (fault_kind.h). */
#include "fault_kind.h"

#include <stddef.h>

const char *const fault_frame_words[] = { "SYN", "SYN-ACK", "ACK", "FIN", "RST", "data", "udp", NULL };

const char *fault_frame_name(enum fault_frame k)
{
	return k > FAULT_NONE && k < FAULT_COUNT_ ? fault_frame_words[k - 1] : "";
}

const char *fault_frame_what(enum fault_frame k)
{
	return k == FAULT_DATA ? "data segment" : k == FAULT_UDP ? "UDP datagram" : fault_frame_name(k);
}
