/* decode_sll.c - the link layers a capture gives: Ethernet II, and Linux
 * cooked headers (SLL, 16 bytes; SLL2, 20 bytes), which the "any" device
 * gives: which way the packet went, the interface's hardware type, the
 * sender's link address and the protocol (pcap-linktype(7)). */
#include "decode_int.h"

static int link_eth(const struct win *w, struct dec_link *l)
{
	if (!w_has(w, 0, ETH_HDR))
		return -1;
	w_copy(w, ETH_OFF_SRC, l->src_mac, ETH_ALEN);
	l->ethertype = w_be16(w, ETH_OFF_TYPE);
	l->net_off = ETH_HDR;
	return 0;
}

static int link_sll(const struct win *w, struct dec_link *l)
{
	if (!w_has(w, 0, SLL_HDR))
		return -1;
	l->dir = (enum dec_pkttype)w_be16(w, SLL_OFF_PKTTYPE);
	l->hatype = w_be16(w, SLL_OFF_HATYPE);
	w_copy(w, SLL_OFF_ADDR, l->src_mac, ETH_ALEN); /* the first 6 of its 8 address bytes */
	l->ethertype = w_be16(w, SLL_OFF_PROTO);
	l->net_off = SLL_HDR;
	return 0;
}

static int link_sll2(const struct win *w, struct dec_link *l)
{
	if (!w_has(w, 0, SLL2_HDR))
		return -1;
	l->ethertype = w_be16(w, SLL2_OFF_PROTO);
	l->hatype = w_be16(w, SLL2_OFF_HATYPE);
	l->dir = (enum dec_pkttype)w_u8(w, SLL2_OFF_PKTTYPE);
	w_copy(w, SLL2_OFF_ADDR, l->src_mac, ETH_ALEN);
	l->net_off = SLL2_HDR;
	return 0;
}

int dec_link(enum dec_linktype type, const uint8_t *p, size_t caplen, struct dec_link *l)
{
	memset(l, 0, sizeof *l);
	l->type = type;
	l->dir = DEC_PKT_NONE;
	struct win w = { p, p ? caplen : 0, caplen, &l->flags };
	int rc;
	switch (type) {
	case DEC_LINK_ETH: rc = link_eth(&w, l); break;
	case DEC_LINK_SLL: rc = link_sll(&w, l); break;
	case DEC_LINK_SLL2: rc = link_sll2(&w, l); break;
	default: return -1;
	}
	if (rc < 0)
		l->flags |= DEC_TRUNCATED;
	return rc;
}

size_t dec_link_eth(const struct dec_link *l, const uint8_t *p, size_t caplen, uint8_t *out,
		    size_t outcap)
{
	if (!p || l->net_off > caplen || outcap < ETH_HDR || (l->flags & DEC_TRUNCATED))
		return 0;
	size_t n = caplen - l->net_off;
	if (l->type == DEC_LINK_ETH) {
		n = caplen < outcap ? caplen : outcap;
		memcpy(out, p, n);
		return n;
	}
	if (n > outcap - ETH_HDR)
		n = outcap - ETH_HDR;
	memset(out + ETH_OFF_DST, 0, ETH_ALEN);
	memcpy(out + ETH_OFF_SRC, l->src_mac, ETH_ALEN);
	out[ETH_OFF_TYPE] = (uint8_t)(l->ethertype >> 8);
	out[ETH_OFF_TYPE + 1] = (uint8_t)l->ethertype;
	memcpy(out + ETH_HDR, p + l->net_off, n);
	return ETH_HDR + n;
}
