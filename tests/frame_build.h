/* frame_build.h - frames built byte by byte for the decoder's and the
 * ladder's unit tests (include after cmocka.h): big-endian puts into a
 * fixed buffer, each byte checked against its size. */
#ifndef SOCKSTEP_TEST_FRAME_BUILD_H
#define SOCKSTEP_TEST_FRAME_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct fb {
	uint8_t b[1600];
	size_t n;
	size_t l3, l4; /* offsets of the IP and transport headers, for who needs them */
};

static inline void put8(struct fb *f, unsigned v)
{
	assert_true(f->n < sizeof f->b);
	f->b[f->n++] = (uint8_t)v;
}

static inline void put16(struct fb *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v & 0xff);
}

static inline void put32(struct fb *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static inline void putn(struct fb *f, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(f, ((const uint8_t *)p)[i]);
}

/* Ethernet + IPv4 + TCP (a 20-byte header) from src:sport to dst:dport
 * with seq, ack, flags and n payload bytes of 'a'. */
static inline void fb_tcp4(struct fb *f, uint32_t src, uint32_t dst, unsigned sport, unsigned dport, uint32_t seq,
			   uint32_t ack, unsigned flags, unsigned n)
{
	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	f->n = 0;
	putn(f, mac, 12);
	put16(f, 0x0800);
	put8(f, 0x45); put8(f, 0); put16(f, 20 + 20 + n); put32(f, 0);
	put8(f, 64); put8(f, 6); put16(f, 0);
	put32(f, src); put32(f, dst);
	put16(f, sport); put16(f, dport);
	put32(f, seq); put32(f, ack);
	put8(f, 5 << 4); put8(f, flags); put16(f, 64240); put16(f, 0); put16(f, 0);
	for (unsigned i = 0; i < n; i++)
		put8(f, 'a');
}

#endif
