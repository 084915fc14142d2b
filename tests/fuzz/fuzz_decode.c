/* fuzz_decode.c - libFuzzer harness for the packet decoder: every input is one
 * captured Ethernet frame. The context persists across inputs so the flow
 * table (relative sequence numbers, replacement when full) is exercised too.
 * The first input byte, when present, also picks a wirelen larger than the
 * capture so the "cut by the snaplen" paths run. The same frame goes through
 * flowkey_read, --net host's filter, which must never read past it, and
 * through the ladder diagram's labels, which quote its payload. It is also
 * read as a Linux cooked capture (SLL, SLL2: the "any" device) made
 * Ethernet by the decoder, decoded the wire's way (dec_peek, then
 * dec_learn) and shown again as it was decoded (dec_detail_known). */
#include "decode.h"
#include "flowkey.h"
#include "ladder.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dec_ctx ctx;
	static bool init;
	static char detail[4096], hex[8192], small[7], flags[64];
	struct dec_result r;

	if (!init) {
		dec_init(&ctx);
		init = true;
	}
	size_t wirelen = size;
	if (size && (data[0] & 1))
		wirelen += data[0];

	dec_frame(&ctx, data, size, wirelen, &r);
	if (!memchr(r.summary, '\0', sizeof r.summary))
		__builtin_trap();
	size_t n = dec_detail(&ctx, data, size, wirelen, detail, sizeof detail);
	if (n >= sizeof detail || detail[n] != '\0')
		__builtin_trap();
	/* Tiny buffers: the writers must cut, not overflow. */
	dec_detail(NULL, data, size, size, small, sizeof small);
	n = dec_hex(data, size, hex, sizeof hex);
	if (n >= sizeof hex || hex[n] != '\0')
		__builtin_trap();
	dec_hex(data, size, small, sizeof small);
	dec_tcp_flags_str(r.tcp_flags, flags, sizeof flags);
	char labels[LADDER_TIERS][LADDER_LABEL_MAX];
	int nl = ladder_labels(&r, data, size, labels);
	if (nl < 1 || nl > LADDER_TIERS)
		__builtin_trap();
	for (int i = 0; i < nl; i++)
		if (!memchr(labels[i], '\0', LADDER_LABEL_MAX))
			__builtin_trap();
	struct flowkey k;
	if (flowkey_read(data, size, &k) == FK_NONE && (k.src.sin_port || k.dst.sin_addr.s_addr))
		__builtin_trap(); /* nothing is half-filled */
	if (flowkey_of(&r.key, &k) != flowkey_read(data, size, &k))
		__builtin_trap(); /* the key does not depend on the TCP context */
	n = dec_detail_known(&r, data, size, wirelen, detail, sizeof detail);
	if (n >= sizeof detail || detail[n] != '\0')
		__builtin_trap();

	static uint8_t eth[2048];
	for (int t = 0; t < 2; t++) {
		struct dec_link l;
		if (dec_link(t ? DEC_LINK_SLL2 : DEC_LINK_SLL, data, size, &l) < 0)
			continue;
		if (l.net_off > size)
			__builtin_trap();
		size_t m = dec_link_eth(&l, data, size, eth, sizeof eth);
		if (m > sizeof eth)
			__builtin_trap();
		struct dec_result c;
		dec_peek(&ctx, eth, m, m, &c);
		if (c.key.kind != DK_NONE)
			dec_learn(&ctx, &c);
	}
	return 0;
}
