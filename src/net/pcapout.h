/* pcapout.h - a pcap file written without ever blocking the session.
 *
 * libpcap writes the pcap format (pcap_dump) into a bounded buffer
 * (pcapbuf.h, PCAPOUT_BOUND); the buffer goes to the file's descriptor,
 * non-blocking, as fast as the descriptor takes it: at each turn of the poll
 * loop (pcapout_flush) and when the descriptor says it is writable
 * (pcapout_pollfd). A regular file takes everything at once. A reader of a
 * FIFO or a pipe that does not keep up fills the buffer: when the next frame
 * would take it over the bound, the capture stops there, on a record
 * boundary (what was buffered still goes out, so the file is a valid capture
 * of its first N frames), with one line; a reader that goes away (EPIPE) or
 * a write error stops it with one line too. The session goes on. At the end
 * (pcapout_close) what is left is given up to PCAPOUT_CLOSE_MS to be read,
 * and what was lost is said. Each line also makes the exit status 1 (out.h).
 *
 * Functions that can fail return 0 or a negative errno. */
#ifndef SOCKSTEP_PCAPOUT_H
#define SOCKSTEP_PCAPOUT_H

#include <pcap/pcap.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#define PCAPOUT_BOUND (4u << 20)   /* bytes that may wait for a reader: 4 MiB */
#define PCAPOUT_CLOSE_MS 2000      /* at the end, how long a reader is waited for */

struct pcapout;

/* Write a capture to fd (taken: closed by pcapout_close), made non-blocking
 * unless keep_blocking (standard output: its descriptor is shared with the
 * transcript). what names it in messages ("the --write capture", "wire
 * save"), name is the file as the user wrote it (escaped when said). The file
 * header is written at once. NULL with one line in err. */
struct pcapout *pcapout_open(int fd, bool keep_blocking, const char *what, const char *name, int snaplen,
			     char *err, size_t errlen);

/* Add one frame. 0, or -EPIPE / -ENOBUFS / -errno once the capture has
 * stopped (the frame was not written; the stop was said once). */
int pcapout_frame(struct pcapout *o, const struct pcap_pkthdr *h, const unsigned char *p);

/* Write what the descriptor takes now. 0, or the negative errno that
 * stopped the capture (said once). */
int pcapout_flush(struct pcapout *o);

/* The same, but a failure is not said: the caller says it (wire save's
 * first go, whose error is the command's). */
int pcapout_try(struct pcapout *o);

/* The descriptor to poll for POLLOUT while bytes wait: 1 (pfd filled) or 0. */
int pcapout_pollfd(const struct pcapout *o, struct pollfd *pfd);

/* Bytes still waiting for the reader. */
size_t pcapout_waiting(const struct pcapout *o);

/* Frames given to the capture (whether or not read yet). */
unsigned long pcapout_frames(const struct pcapout *o);

/* The end: wait up to ms for the reader to take what is left, say what was
 * lost, close the descriptor, free. Returns 0 when every frame given was
 * written whole, else the negative errno of the stop (-EAGAIN: the reader
 * did not read in time). NULL: nothing. */
int pcapout_close(struct pcapout *o, unsigned ms);

#endif
