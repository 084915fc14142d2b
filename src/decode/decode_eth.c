/* decode_eth.c - Ethernet II with IEEE 802.1Q / 802.1ad tags: the link
 * layer every frame is dissected from (cooked captures are made Ethernet
 * first, decode_sll.c). */
#include "decode_int.h"

static const char *ethertype_name(unsigned t)
{
	switch (t) {
	case ETHERTYPE_IPV4: return "IPv4";
	case ETHERTYPE_ARP: return "ARP";
	case ETHERTYPE_IPV6: return "IPv6";
	case ETHERTYPE_VLAN: return "802.1Q";
	case ETHERTYPE_QINQ: return "802.1ad";
	default: return NULL;
	}
}

static void detail_ethertype(struct dis *d, unsigned t)
{
	const char *n = ethertype_name(t);
	sb_str(d->det, ", type ");
	if (n) {
		sb_str(d->det, n);
		sb_str(d->det, " (0x");
		sb_hex(d->det, t, 4);
		sb_ch(d->det, ')');
	} else {
		sb_str(d->det, "0x");
		sb_hex(d->det, t, 4);
	}
}

static void sum_macs(struct dis *d)
{
	sb_str(&d->sum, "ETH ");
	sb_mac(&d->sum, d->r->src_mac);
	sb_str(&d->sum, ARROW);
	sb_mac(&d->sum, d->r->dst_mac);
}

/* IEEE 802.1Q tags (and 802.1ad outer tags): 2 bytes TCI, then the real
 * type. Advances *off 4 bytes a tag within the window; false when a tag
 * is cut. */
static bool vlan_tags(struct dis *d, const struct win *w, size_t *off, unsigned *type)
{
	struct dec_result *r = d->r;
	while (*type == ETHERTYPE_VLAN || *type == ETHERTYPE_QINQ) {
		if (!w_has(w, *off, VLAN_TAG)) {
			dis_truncated(d);
			sum_macs(d);
			sb_str(&d->sum, " VLAN");
			return false;
		}
		unsigned tci = w_be16(w, *off + VLAN_OFF_TCI);
		if (!r->has_vlan) {
			r->has_vlan = true;
			r->vlan_id = (uint16_t)(tci & 0xfff);
		}
		*type = w_be16(w, *off + VLAN_OFF_TYPE);
		*off += VLAN_TAG;
		if (d->det) {
			dis_line(d, "802.1Q: VLAN ");
			sb_u(d->det, tci & 0xfff);
			sb_str(d->det, ", priority ");
			sb_u(d->det, tci >> 13);
			sb_str(d->det, ", DEI ");
			sb_u(d->det, (tci >> 12) & 1);
			detail_ethertype(d, *type);
		}
	}
	return true;
}

void dis_eth(struct dis *d, const struct win *w)
{
	struct dec_result *r = d->r;
	struct sb *s = &d->sum;

	if (!w_has(w, 0, ETH_HDR)) {
		w_copy(w, ETH_OFF_DST, r->dst_mac, ETH_ALEN); /* as much as there is: zeros, marked */
		w_copy(w, ETH_OFF_SRC, r->src_mac, ETH_ALEN);
		dis_truncated(d);
		sb_str(s, "ETH");
		dis_line(d, "Ethernet II: [header cut]");
		return;
	}
	w_copy(w, ETH_OFF_DST, r->dst_mac, ETH_ALEN);
	w_copy(w, ETH_OFF_SRC, r->src_mac, ETH_ALEN);
	unsigned type = w_be16(w, ETH_OFF_TYPE);
	size_t off = ETH_HDR;
	if (d->det) {
		dis_line(d, "Ethernet II: ");
		sb_mac(d->det, r->src_mac);
		sb_str(d->det, ARROW);
		sb_mac(d->det, r->dst_mac);
		detail_ethertype(d, type);
	}
	if (!vlan_tags(d, w, &off, &type))
		return;
	r->ethertype = (uint16_t)type;
	struct win l3 = w_sub(w, off, w->stated - off);
	size_t used;
	switch (type) {
	case ETHERTYPE_IPV4: used = dis_ipv4(d, &l3); break;
	case ETHERTYPE_IPV6: used = dis_ipv6(d, &l3); break;
	case ETHERTYPE_ARP: used = dis_arp(d, &l3); break;
	default:
		sum_macs(d);
		sb_str(s, " type 0x");
		sb_hex(s, type, 4);
		sb_str(s, " len=");
		sb_u(s, w->stated);
		return;
	}
	if (d->det && used < l3.len) {
		dis_line(d, "Ethernet padding: ");
		sb_u(d->det, l3.len - used);
		sb_str(d->det, " bytes (not payload)");
	}
}
