/* pcapout.c - a pcap file written without ever blocking the session (see pcapout.h). */
#include "pcapout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "pcapbuf.h"
#include "session.h"
#include "text.h"

struct pcapout {
	int fd;
	pcap_t *dead;          /* the link type and snapshot length of the file header */
	pcap_dumper_t *d;      /* libpcap writes the format ... */
	FILE *f;               /* ... into this stream, whose bytes go to buf */
	struct pcapbuf buf;
	const char *what;      /* "the --write capture", "wire save" */
	char *name;            /* escaped, for messages */
	unsigned long frames;  /* given to the capture */
	int stopped;           /* 0, or the negative errno that stopped it */
};

static ssize_t cookie_write(void *cookie, const char *p, size_t n)
{
	struct pcapout *o = cookie;
	return pcapbuf_put(&o->buf, p, n) < 0 ? -1 : (ssize_t)n;
}

/* Stop the capture for good, saying why once when say. */
static void stop(struct pcapout *o, int e, bool say)
{
	if (o->stopped)
		return;
	o->stopped = e;
	if (e != -ENOBUFS)
		pcapbuf_clear(&o->buf); /* nobody will read it */
	if (!say)
		return;
	if (e == -ENOBUFS)
		out_lost("%s \"%s\": its reader does not keep up (%u MiB unread): the capture stopped after %lu "
			 "frame%s; the session goes on", o->what, o->name, PCAPOUT_BOUND >> 20, o->frames,
			 o->frames == 1 ? "" : "s");
	else if (e == -EPIPE)
		out_lost("%s \"%s\": its reader went away (EPIPE) after %lu frame%s: the capture stopped; the "
			 "session goes on", o->what, o->name, pcapbuf_out(&o->buf), pcapbuf_out(&o->buf) == 1 ? "" : "s");
	else
		out_lost("%s \"%s\": write error after %lu frame%s: %s (%s): the capture stopped; the session goes "
			 "on", o->what, o->name, pcapbuf_out(&o->buf), pcapbuf_out(&o->buf) == 1 ? "" : "s",
			 strerror(-e), errno_name(-e));
}

/* Write what the descriptor takes now; a failure stops the capture. */
static int flush(struct pcapout *o, bool say)
{
	size_t n;
	const unsigned char *p;
	while ((p = pcapbuf_peek(&o->buf, &n)) && n) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break; /* the reader has not read yet: the poll loop comes back */
		if (w <= 0) {
			stop(o, w < 0 ? -errno : -EIO, say);
			break;
		}
		pcapbuf_drop(&o->buf, (size_t)w);
	}
	return o->stopped == -ENOBUFS ? 0 : o->stopped;
}

struct pcapout *pcapout_open(int fd, bool keep_blocking, const char *what, const char *name, int snaplen,
			     char *err, size_t errlen)
{
	struct pcapout *o = calloc(1, sizeof(*o));
	if (!o || !(o->name = strdup(tesc(name)))) {
		snprintf(err, errlen, "%s \"%s\": out of memory", what, tesc(name));
		free(o);
		close(fd);
		return NULL;
	}
	o->fd = fd;
	o->what = what;
	pcapbuf_init(&o->buf, PCAPOUT_BOUND);
	if (!keep_blocking)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	o->f = fopencookie(o, "w", (cookie_io_functions_t){ .write = cookie_write });
	if (o->f)
		setvbuf(o->f, NULL, _IONBF, 0); /* each record into the buffer at once, whole */
	o->dead = pcap_open_dead(DLT_EN10MB, snaplen);
	o->d = o->f && o->dead ? pcap_dump_fopen(o->dead, o->f) : NULL;
	if (!o->d) {
		snprintf(err, errlen, "%s \"%s\": cannot write a capture: %s", what, o->name,
			 o->dead && o->f ? pcap_geterr(o->dead) : "out of memory");
		if (o->f)
			fclose(o->f);
		o->d = NULL;
		o->f = NULL;
		pcapout_close(o, 0);
		return NULL;
	}
	return o;
}

int pcapout_frame(struct pcapout *o, const struct pcap_pkthdr *h, const unsigned char *p)
{
	if (o->stopped)
		return o->stopped;
	/* A record goes in whole or not at all: the file stays a valid capture
	 * of its first frames whatever happens next. */
	if (!pcapbuf_fits(&o->buf, PCAPBUF_REC_HEADER + (size_t)h->caplen)) {
		flush(o, true); /* the reader may have read since the last turn */
		if (o->stopped)
			return o->stopped;
		if (!pcapbuf_fits(&o->buf, PCAPBUF_REC_HEADER + (size_t)h->caplen)) {
			stop(o, -ENOBUFS, true);
			return o->stopped;
		}
	}
	size_t before = o->buf.len;
	pcap_dump((unsigned char *)o->d, h, p);
	if (ferror(o->f)) { /* out of memory: the cut record is taken back */
		clearerr(o->f);
		o->buf.len = before;
		stop(o, -ENOMEM, true);
		return o->stopped;
	}
	o->frames++;
	return 0;
}

int pcapout_flush(struct pcapout *o)
{
	return flush(o, true);
}

int pcapout_try(struct pcapout *o)
{
	return flush(o, false);
}

int pcapout_pollfd(const struct pcapout *o, struct pollfd *pfd)
{
	if (!o || !pcapbuf_len(&o->buf) || (o->stopped && o->stopped != -ENOBUFS))
		return 0;
	*pfd = (struct pollfd){ .fd = o->fd, .events = POLLOUT };
	return 1;
}

size_t pcapout_waiting(const struct pcapout *o)
{
	return pcapbuf_len(&o->buf);
}

unsigned long pcapout_frames(const struct pcapout *o)
{
	return o->frames;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pcapout_close(struct pcapout *o, unsigned ms)
{
	if (!o)
		return 0;
	/* What is left goes out while the reader reads, for ms at most. */
	long long end = now_ms() + ms;
	flush(o, true);
	for (long long left; pcapbuf_len(&o->buf) && (left = end - now_ms()) > 0;) {
		struct pollfd pfd;
		if (!pcapout_pollfd(o, &pfd))
			break;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			break;
		flush(o, true);
	}
	int r = o->stopped;
	if (pcapbuf_len(&o->buf)) {
		unsigned long lost = o->frames - pcapbuf_out(&o->buf);
		out_lost("%s \"%s\": its reader did not read the last %lu of %lu frame%s within %u s; they were lost",
			 o->what, o->name, lost, o->frames, o->frames == 1 ? "" : "s", (ms + 999) / 1000);
		r = -EAGAIN;
	}
	if (o->d)
		pcap_dump_close(o->d); /* closes the stream (the buffer's), not the descriptor */
	if (o->dead)
		pcap_close(o->dead);
	if (close(o->fd) < 0 && errno != EINTR && !r) {
		/* A file system that reports a failed write only now (NFS). */
		r = -errno;
		out_lost("%s \"%s\": write error: %s (%s)", o->what, o->name, strerror(errno), errno_name(errno));
	}
	pcapbuf_free(&o->buf);
	free(o->name);
	free(o);
	return r;
}
