/* decode.h - bounds-checked dissectors for the frames sockstep relays or reads:
 * Ethernet II, ARP, IPv4 (options, fragments), IPv6 (basic), TCP, UDP, ICMP.
 *
 * Pure: bytes in, text and fields out; no I/O, no allocation. One file per
 * protocol (decode_eth.c, decode_arp.c, decode_ipv4.c, decode_ipv6.c,
 * decode_icmp.c, decode_tcp.c, decode_udp.c; the link layers in
 * decode_link.c) behind decode_int.h, whose accessors check the window they
 * are given and mark a read past it as truncation (tcpdump's GET_BE_U_2 and
 * nd_trunc); each layer narrows the window to its own length so padding is
 * never read as payload. A frame cut short is
 * DEC_TRUNCATED, one whose fields contradict each other is DEC_MALFORMED; both
 * are shown as such in the summary ("[truncated]", "[bad length]"). */
#ifndef SOCKSTEP_DECODE_H
#define SOCKSTEP_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEC_SUMMARY_MAX 256
#define DEC_FLOWS 64 /* TCP conversations remembered for relative sequence numbers */

enum dec_flag {
	DEC_TRUNCATED = 1u << 0, /* captured bytes end before a header or stated length */
	DEC_MALFORMED = 1u << 1, /* a length or field is impossible (bad IHL, tot_len < IHL, ...) */
};

/* TCP flag bits as on the wire (byte 13 of the header). */
enum { TF_FIN = 0x01, TF_SYN = 0x02, TF_RST = 0x04, TF_PSH = 0x08, TF_ACK = 0x10,
       TF_URG = 0x20, TF_ECE = 0x40, TF_CWR = 0x80 };

/* Per-direction initial sequence numbers, so that seq/ack are shown relative
 * to the first of each direction, as Wireshark does. The *_isn fields are the
 * base subtracted from that side's numbers, learnt as Wireshark's packet-tcp.c
 * does: the seq of the side's SYN; seq - 1 when its first segment seen is not
 * a SYN (mid-stream starts at 1, e.g. "[RST, ACK] seq=1 ack=1"); ack - 1 of
 * the peer's first ACK when the side has not spoken yet. A SYN carrying a new
 * ISN restarts the conversation. */
struct dec_flow {
	bool used;
	uint8_t a_ip[16], b_ip[16]; /* a = the endpoint seen first as source */
	uint16_t a_port, b_port;
	uint8_t family;             /* 4 or 6 */
	bool a_isn_set, b_isn_set;
	uint32_t a_isn, b_isn;
};

struct dec_ctx {
	struct dec_flow flows[DEC_FLOWS];
	unsigned next_victim;       /* unused: flows are kept most recently used first */
};

/* Where a field whose value a reader may look for lies in the frame: the
 * IP addresses (ARP's sender and target, an ICMP error's quoted header's
 * too) and the TCP/UDP ports. A worksheet's pending answer hides exactly
 * these bytes in the hex dump (predict.h). */
enum dec_field_kind { DF_ADDR = 1, DF_PORT };
#define DEC_FIELDS 8

struct dec_field {
	uint16_t off;               /* from the frame's first byte; the len bytes are captured */
	uint8_t len;                /* 4 or 16 (an address), 2 (a port) */
	uint8_t kind;               /* enum dec_field_kind */
};

/* Which socket a frame is about, read in the same pass (flowkey.h gives it
 * as sockaddr_in for --net host's filter): the IPv4 addresses and ports of
 * a TCP or UDP packet (not a fragment after the first), of the datagram an
 * ICMP error quotes (its header without options), or the sender and target
 * of an Ethernet/IPv4 ARP packet. DK_NONE for anything else: IPv6, VLANs,
 * other protocols, a layer cut short. Read from the captured bytes (as the
 * kernel filter reads them), not narrowed by the stated lengths. */
enum dec_key_kind { DK_NONE, DK_TCP, DK_UDP, DK_ICMP_TCP, DK_ICMP_UDP, DK_ARP };

struct dec_key {
	uint8_t kind;               /* enum dec_key_kind */
	bool has_flags;             /* DK_TCP with its flags byte captured: */
	uint8_t tcp_flags;          /* the flags, and the payload's length by the */
	long payload;               /* IP header (tot - IHL - data offset; < 0 when they lie) */
	uint8_t src[4], dst[4];     /* network byte order */
	uint16_t sport, dport;      /* host byte order */
};

/* The fields tests and renderers need, decoded from one frame. */
struct dec_result {
	unsigned flags;             /* enum dec_flag */
	uint16_t ethertype;         /* 0x0800, 0x0806, 0x86DD, ... (0 if truncated) */
	uint8_t src_mac[6], dst_mac[6];
	uint8_t ipver;              /* 4, 6 or 0 */
	uint8_t ipproto;            /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 0 none */
	char src[46], dst[46];      /* IP addresses as text ("" when none) */
	bool has_ports;
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t seq, ack;          /* relative (Wireshark's "relative sequence number") */
	uint32_t seq_raw, ack_raw;  /* as on the wire */
	uint16_t window;
	unsigned payload_len;       /* TCP/UDP payload bytes within the IP length (UDP:
	                             * its length field - 8; ICMP echo: data bytes) */
	unsigned payload_off;       /* TCP/UDP: where the payload's captured bytes start in
	                             * the frame (< caplen); 0 when none was captured */
	bool is_frag;               /* IPv4 fragment other than a whole datagram */
	uint8_t icmp_type, icmp_code;  /* ICMP, ICMPv6 */
	bool has_vlan;              /* added: an 802.1Q/802.1ad tag was skipped */
	uint16_t vlan_id;           /* added: VLAN ID of the outermost tag */
	struct dec_field field[DEC_FIELDS]; /* addresses and ports, in the order they were read */
	uint8_t nfields;
	uint8_t sip[16], dip[16];   /* the addresses as on the wire (IPv4, ARP: first 4 bytes) */
	struct dec_key key;
	/* TCP: the bases its relative numbers came from, so that a frame kept
	 * with its result is shown again as it was decoded (dec_detail_known). */
	bool tcp_rel;               /* the header was whole: seq/ack were made relative */
	bool peer_known;            /* the peer's base is known: */
	uint32_t peer_base;         /* ack and SACK edges are relative to it */
	int flow_at;                /* the conversation's slot in the ctx, -1 new, DEC_FLOWS
	                             * learnt already (dec_learn) */
	char summary[DEC_SUMMARY_MAX];
};

/* Summary lines (added documentation; "→" is UTF-8 U+2192):
 *   ARP who has 200.0.0.2? tell 100.0.0.1
 *   ARP 200.0.0.2 is at 02:00:00:00:00:02
 *   ARP op 1 hw 6 proto 0x0800                  (not Ethernet/IPv4)
 *   TCP 100.0.0.1:9000 → 200.0.0.2:80 [SYN] seq=0 win=64240 len=0 MSS=1460 SACK_PERM TS WS=128
 *   TCP 100.0.0.1:9000 → 200.0.0.2:80 [ACK] seq=1 ack=1 win=502 len=0 SACK=1001-2001
 *   TCP [2001:db8::1]:9000 → [2001:db8::2]:80 [SYN] ...
 *   UDP 100.0.0.1:9000 → 200.0.0.2:5000 len=4
 *   ICMP 200.0.0.2 → 100.0.0.1 destination unreachable (port unreachable) for UDP a:p → b:q
 *   ICMP 100.0.0.1 → 200.0.0.2 echo request id=1 seq=1
 *   ICMP a → b type 13 code 0                   (no name)
 *   IPv4 1.2.3.4 → 5.6.7.8 proto 47 len=20      (len = IP payload bytes)
 *   IPv4 a → b proto 17 len=528 frag off=1480   (non-first fragment: no L4)
 *   UDP a:p → b:q len=2000 frag off=0 MF        (first fragment: L4 decoded)
 *   IPv6 fe80::1 → ff02::2 ICMPv6 type 133
 *   IPv6 a → b next header 59 len=0
 *   ETH 02:00:00:00:00:01 → ff:ff:ff:ff:ff:ff type 0x88cc len=60
 * ack= only with the ACK flag; urg=N after len= with URG; SYN options only on
 * SYN segments, SACK blocks on any. Problems are appended last, in this order:
 * " [bad length]" or " [malformed: <why>]", then " [truncated]"; a frame cut
 * before a layer's addresses shows just the layer ("ETH [truncated]",
 * "IPv4 [truncated]", "TCP a → b [truncated]"). */

void dec_init(struct dec_ctx *ctx);

/* Decode one Ethernet frame: caplen bytes present at p, wirelen bytes it had
 * on the wire (wirelen > caplen means the capture was cut: DEC_TRUNCATED where
 * that cuts a layer). Fills *r, including r->summary and r->key; returns 0.
 * The context is updated with TCP initial sequence numbers (ctx may be NULL:
 * raw numbers). dec_frame does what dec_peek then dec_learn do. */
int dec_frame(struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
	      struct dec_result *r);

/* The same decoding with the context only read, and then (for a frame that
 * is kept: --net host decides by r->key) what dec_frame would have learnt
 * from it, with nothing changed in ctx between the two. */
int dec_peek(const struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
	     struct dec_result *r);
void dec_learn(struct dec_ctx *ctx, const struct dec_result *r);

/* The link layers a capture gives (pcap-linktype(7)). */
enum dec_linktype { DEC_LINK_ETH = 1, DEC_LINK_SLL = 113, DEC_LINK_SLL2 = 276 };

/* Linux cooked headers' packet types (PACKET_HOST, ... in linux/if_packet.h). */
enum dec_pkttype { DEC_PKT_HOST = 0, DEC_PKT_BROADCAST = 1, DEC_PKT_MULTICAST = 2,
		   DEC_PKT_OTHERHOST = 3, DEC_PKT_OUTGOING = 4, DEC_PKT_NONE = 255 };

/* A frame's link layer: what the network packet is and where it starts. */
struct dec_link {
	enum dec_linktype type;
	unsigned flags;             /* DEC_TRUNCATED: the link header was cut */
	uint16_t ethertype;         /* of the packet after the link header */
	enum dec_pkttype dir;       /* cooked: the way it went; Ethernet: DEC_PKT_NONE */
	uint16_t hatype;            /* cooked: ARPHRD_* of the interface (772 loopback) */
	uint8_t src_mac[6];         /* the sender's link address, as far as given */
	size_t net_off;             /* where the network packet starts in the frame */
};

/* Read the link header of a frame of the given type (caplen bytes at p).
 * 0, or -1 (l->flags DEC_TRUNCATED) when the header is cut or the type is
 * not one of these. */
int dec_link(enum dec_linktype type, const uint8_t *p, size_t caplen, struct dec_link *l);

/* The frame as Ethernet II (zero destination, the sender's address as
 * source, the link's ethertype), so that one dissector, one capture file
 * and one filter serve every link type: the bytes written to out (at most
 * outcap), the packet cut there when it does not fit. */
size_t dec_link_eth(const struct dec_link *l, const uint8_t *p, size_t caplen, uint8_t *out,
		    size_t outcap);

/* Layer-by-layer detail, one line per field group, lines separated by '\n',
 * written into buf (always NUL-terminated, cut at buflen). Returns the number
 * of bytes written without the NUL. ctx as for dec_frame (not updated). */
size_t dec_detail(const struct dec_ctx *ctx, const uint8_t *p, size_t caplen, size_t wirelen,
		  char *buf, size_t buflen);

/* The same detail for a frame decoded before, with the relative numbers its
 * result was given then (no context needed: a kept frame is shown as it was). */
size_t dec_detail_known(const struct dec_result *known, const uint8_t *p, size_t caplen,
			size_t wirelen, char *buf, size_t buflen);

/* Hex dump, 16 bytes per line: "0000  45 00 00 3c ...  E..<" ; returns bytes written. */
size_t dec_hex(const uint8_t *p, size_t len, char *buf, size_t buflen);

/* The same, with "??" for byte i (and '?' in the text column) where hide[i]
 * is set (hide: len flags, or NULL). */
size_t dec_hex_hidden(const uint8_t *p, size_t len, const uint8_t *hide, char *buf, size_t buflen);

/* "SYN", "SYN, ACK", "FIN, ACK", "RST, ACK", ... in Wireshark's order. */
void dec_tcp_flags_str(uint8_t flags, char *buf, size_t len);

#endif
