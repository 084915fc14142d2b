/* pcapbuf.h - a pcap stream waiting for its reader (pure: no I/O).
 *
 * What sockstep writes to a capture file goes through a bounded buffer, so
 * that a reader that does not keep up (a FIFO, a pipe) never blocks the
 * relay: the buffer takes whole records while they fit under its bound, and
 * gives its bytes to whoever writes them out, as the descriptor takes them.
 * It also counts the records that have left it whole, so that a capture cut
 * short can say how many frames its reader got (pcapbuf_out).
 *
 * Memory: the buffer grows as needed up to the bound and gives back what it
 * grew once its reader has caught up. */
#ifndef SOCKSTEP_PCAPBUF_H
#define SOCKSTEP_PCAPBUF_H

#include <stdbool.h>
#include <stddef.h>

#define PCAPBUF_FILE_HEADER 24   /* the pcap file header (pcap_dump_fopen) */
#define PCAPBUF_REC_HEADER 16    /* each record's header: ts, caplen, len */

struct pcapbuf {
	unsigned char *p;
	size_t cap;        /* bytes allocated */
	size_t head, len;  /* the bytes waiting: p[head .. head + len) */
	size_t bound;      /* len never exceeds it */
	/* The record the next bytes out belong to, for pcapbuf_out. */
	size_t rec_left;   /* its bytes still in the buffer, 0: the next begins */
	bool header_out;   /* the file header has left */
	unsigned long out; /* whole records that have left */
};

void pcapbuf_init(struct pcapbuf *b, size_t bound);
void pcapbuf_free(struct pcapbuf *b);

/* Whether n more bytes fit under the bound. */
bool pcapbuf_fits(const struct pcapbuf *b, size_t n);

/* Append n bytes: 0, -ENOBUFS when they do not fit under the bound, -ENOMEM.
 * Nothing is appended when it fails. */
int pcapbuf_put(struct pcapbuf *b, const void *p, size_t n);

/* The bytes waiting, oldest first: *n of them at the pointer returned. */
const unsigned char *pcapbuf_peek(const struct pcapbuf *b, size_t *n);

/* n of the bytes waiting (n <= len) have been written out: forget them,
 * counting the records that left whole. The bytes must be a pcap stream:
 * the file header, then records whose caplen is read from their header. */
void pcapbuf_drop(struct pcapbuf *b, size_t n);

/* Forget everything waiting (the reader went away). */
void pcapbuf_clear(struct pcapbuf *b);

static inline size_t pcapbuf_len(const struct pcapbuf *b)
{
	return b->len;
}

/* Records that have left the buffer whole (frames the reader was given). */
static inline unsigned long pcapbuf_out(const struct pcapbuf *b)
{
	return b->out;
}

#endif
