/* flowkey.c - which socket a frame is about (see flowkey.h): the decoder's
 * key (decode_ipv4.c, decode_arp.c) as sockaddr_in. */
#include "flowkey.h"

#include <string.h>

_Static_assert((int)FK_NONE == (int)DK_NONE && (int)FK_TCP == (int)DK_TCP && (int)FK_UDP == (int)DK_UDP &&
		       (int)FK_ICMP_TCP == (int)DK_ICMP_TCP && (int)FK_ICMP_UDP == (int)DK_ICMP_UDP &&
		       (int)FK_ARP == (int)DK_ARP,
	       "flowkey_kind follows dec_key_kind");

static void addr(struct sockaddr_in *sa, const uint8_t a4[4], unsigned port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	memcpy(&sa->sin_addr, a4, 4);
}

enum flowkey_kind flowkey_of(const struct dec_key *dk, struct flowkey *k)
{
	memset(k, 0, sizeof(*k));
	if (dk->kind == DK_NONE || dk->kind > DK_ARP)
		return FK_NONE;
	k->kind = (enum flowkey_kind)dk->kind;
	addr(&k->src, dk->src, dk->sport);
	addr(&k->dst, dk->dst, dk->dport);
	k->has_flags = dk->has_flags;
	k->tcp_flags = dk->tcp_flags;
	k->payload = dk->payload;
	return k->kind;
}

enum flowkey_kind flowkey_read(const uint8_t *p, size_t caplen, struct flowkey *k)
{
	struct dec_result r;
	dec_peek(NULL, p, caplen, caplen, &r);
	return flowkey_of(&r.key, k);
}
