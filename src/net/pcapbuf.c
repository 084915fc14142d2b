/* pcapbuf.c - a pcap stream waiting for its reader (see pcapbuf.h). */
#include "pcapbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Below this the buffer is kept when it empties; above, given back. */
#define PCAPBUF_KEEP (64u << 10)

void pcapbuf_init(struct pcapbuf *b, size_t bound)
{
	memset(b, 0, sizeof(*b));
	b->bound = bound;
	b->rec_left = PCAPBUF_FILE_HEADER; /* the stream starts with the file header */
}

void pcapbuf_free(struct pcapbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->cap = b->head = b->len = 0;
}

bool pcapbuf_fits(const struct pcapbuf *b, size_t n)
{
	return n <= b->bound && b->len <= b->bound - n;
}

int pcapbuf_put(struct pcapbuf *b, const void *p, size_t n)
{
	if (!pcapbuf_fits(b, n))
		return -ENOBUFS;
	if (b->head + b->len + n > b->cap) {
		/* Move what waits to the front first: the room behind it is free. */
		if (b->head) {
			memmove(b->p, b->p + b->head, b->len);
			b->head = 0;
		}
		if (b->len + n > b->cap) {
			size_t cap = b->cap ? b->cap : PCAPBUF_KEEP;
			while (cap < b->len + n)
				cap *= 2;
			if (cap > b->bound)
				cap = b->bound;
			unsigned char *np = realloc(b->p, cap);
			if (!np)
				return -ENOMEM;
			b->p = np;
			b->cap = cap;
		}
	}
	memcpy(b->p + b->head + b->len, p, n);
	b->len += n;
	return 0;
}

const unsigned char *pcapbuf_peek(const struct pcapbuf *b, size_t *n)
{
	*n = b->len;
	return b->p ? b->p + b->head : NULL;
}

/* The size of the record that starts at q (avail bytes of it are here):
 * its header and the caplen bytes the header announces (host order, as
 * pcap_dump writes it). A header cut short counts as what is here. */
static size_t record_size(const unsigned char *q, size_t avail)
{
	if (avail < PCAPBUF_REC_HEADER)
		return avail;
	uint32_t caplen;
	memcpy(&caplen, q + 8, sizeof(caplen));
	return PCAPBUF_REC_HEADER + (size_t)caplen;
}

void pcapbuf_drop(struct pcapbuf *b, size_t n)
{
	if (n > b->len)
		n = b->len;
	for (size_t pos = 0; pos < n;) {
		if (!b->rec_left)
			b->rec_left = record_size(b->p + b->head + pos, b->len - pos);
		size_t take = b->rec_left < n - pos ? b->rec_left : n - pos;
		b->rec_left -= take;
		pos += take;
		if (!b->rec_left) {
			if (b->header_out)
				b->out++;
			b->header_out = true;
		}
	}
	b->head += n;
	b->len -= n;
	if (!b->len) {
		b->head = 0;
		if (b->cap > PCAPBUF_KEEP) /* the reader caught up: memory back to flat */
			pcapbuf_free(b);
	}
}

void pcapbuf_clear(struct pcapbuf *b)
{
	pcapbuf_free(b);
}
