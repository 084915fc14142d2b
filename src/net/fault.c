/* fault.c - which frame an armed "wire drop|hold next KIND" takes. */
#include "fault.h"

#include <stddef.h>

bool fault_matches(enum fault_frame k, const struct dec_result *r)
{
	if (!r || r->flags & (DEC_TRUNCATED | DEC_MALFORMED))
		return false;
	if (k == FAULT_UDP)
		return r->ipproto == 17 && r->has_ports;
	if (r->ipproto != 6 || !r->has_ports)
		return false;
	/* The flags that name a segment; PSH, URG, ECE and CWR do not change what it is. */
	unsigned f = r->tcp_flags & (TF_SYN | TF_ACK | TF_FIN | TF_RST);
	switch (k) {
	case FAULT_SYN:
		return f == TF_SYN;
	case FAULT_SYNACK:
		return f == (TF_SYN | TF_ACK);
	case FAULT_ACK:
		return f == TF_ACK && r->payload_len == 0;
	case FAULT_FIN:
		return (f & ~(unsigned)TF_ACK) == TF_FIN;
	case FAULT_RST:
		return (f & ~(unsigned)TF_ACK) == TF_RST;
	case FAULT_DATA:
		return r->payload_len > 0 && !(f & (TF_SYN | TF_RST));
	default:
		return false;
	}
}
