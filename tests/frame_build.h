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

#endif
