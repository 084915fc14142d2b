/* acks.c - TCP segments seen and not acknowledged yet (see acks.h). */
#include "acks.h"

#include <string.h>

static bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static bool owed(const struct acks_flow *t)
{
	return t->used && ((t->sent[0] && before(t->acked[0], t->end[0])) ||
			   (t->sent[1] && before(t->acked[1], t->end[1])));
}

void acks_see(struct acks *a, const struct dec_result *r)
{
	if (r->ipproto != 6 || !r->tcp_rel || r->is_frag)
		return;
	size_t alen = r->ipver == 6 ? 16 : 4;
	int c = memcmp(r->sip, r->dip, alen);
	int d = c < 0 || (c == 0 && r->sport <= r->dport) ? 0 : 1; /* the sender's side */
	const uint8_t *ip0 = d ? r->dip : r->sip, *ip1 = d ? r->sip : r->dip;
	uint16_t p0 = d ? r->dport : r->sport, p1 = d ? r->sport : r->dport;
	struct acks_flow *t = NULL, *spare = NULL;
	for (int i = 0; i < ACKS_FLOWS && !t; i++) {
		struct acks_flow *x = &a->f[i];
		if (x->used && x->port[0] == p0 && x->port[1] == p1 && !memcmp(x->ip[0], ip0, alen) &&
		    !memcmp(x->ip[1], ip1, alen))
			t = x;
		else if (!spare && !owed(x))
			spare = x;
	}
	uint8_t fl = r->tcp_flags;
	if (fl & 0x04) { /* RST */
		if (t)
			t->used = false;
		return;
	}
	uint32_t used = r->payload_len + !!(fl & 0x02) + !!(fl & 0x01); /* data, SYN, FIN */
	if (!t) {
		if (!used) /* a pure ACK of a conversation not followed: nothing owed */
			return;
		t = spare ? spare : &a->f[0]; /* all owe: the first is forgotten (the timer bounds it) */
		*t = (struct acks_flow){ .used = true, .port = { p0, p1 } };
		memcpy(t->ip[0], ip0, alen);
		memcpy(t->ip[1], ip1, alen);
	}
	uint32_t end = r->seq_raw + used;
	if (used && (!t->sent[d] || before(t->end[d], end))) {
		if (!t->sent[d])
			t->acked[d] = r->seq_raw;
		t->sent[d] = true;
		t->end[d] = end;
	}
	if ((fl & 0x10) && t->sent[!d] && before(t->acked[!d], r->ack_raw))
		t->acked[!d] = r->ack_raw;
}

bool acks_owed(const struct acks *a)
{
	for (int i = 0; i < ACKS_FLOWS; i++)
		if (owed(&a->f[i]))
			return true;
	return false;
}
