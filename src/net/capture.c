/* capture.c - listing a saved capture (see capture.h). */
#include "capture.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "decode.h"
#include "out.h"

/* Wide enough for any difference of two timestamps in nanoseconds. */
__extension__ typedef __int128 ns_t;
__extension__ typedef unsigned __int128 uns_t;

/* A frame's time in nanoseconds. libpcap hands the fraction as it is in the
 * file (nanoseconds, as asked for), not normalised: 97 s + 1000001 us is
 * 98.000001 s. A classic pcap's seconds are unsigned 32 bits (RFC 9700's
 * format; tshark reads them so), which libpcap sign-extends. */
static ns_t frame_ns(const struct pcap_pkthdr *h, bool classic)
{
	ns_t sec = (ns_t)h->ts.tv_sec;
	if (classic && sec < 0)
		sec += (ns_t)1 << 32;
	return sec * 1000000000 + (ns_t)h->ts.tv_usec;
}

/* "00" to "99": two digits per division. */
static const char dig2[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
			      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
			      "8081828384858687888990919293949596979899";

/* v in decimal, at least width digits (padded with pad), ending at end;
 * returns where it begins. */
static char *digits_back(char *end, uint64_t v, int width, char pad)
{
	char *p = end;
	while (v >= 100) {
		uint64_t q = v / 100;
		p -= 2;
		memcpy(p, dig2 + 2 * (v - q * 100), 2);
		v = q;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, dig2 + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	while (end - p < width)
		*--p = pad;
	return p;
}

/* One listing line, "%6lu %s %s\n" with the relative time as tshark prints
 * frame.time_relative (signed seconds, nine decimals: "-989.000001000",
 * "-0.000000001"), built by hand: printf was a quarter of --read's time
 * (perf). buf holds 96 bytes plus the summary; returns the length. */
static size_t list_line(char *buf, unsigned long no, ns_t d, const char *summary)
{
	char t[96], *e = t + sizeof t, *p;
	bool neg = d < 0;
	uns_t m = neg ? (uns_t)-d : (uns_t)d;
	/* 64-bit division when it fits (always, but for absurd time stamps):
	 * the 128-bit one is a libgcc call per frame */
	uint64_t sec, frac;
	if (m <= UINT64_MAX) {
		sec = (uint64_t)m / 1000000000;
		frac = (uint64_t)m % 1000000000;
	} else {
		sec = (uint64_t)(m / 1000000000);
		frac = (uint64_t)(m % 1000000000);
	}
	p = digits_back(e, frac, 9, '0');
	*--p = '.';
	p = digits_back(p, sec, 1, '0');
	if (neg)
		*--p = '-';
	*--p = ' ';
	p = digits_back(p, no, 6, ' ');
	size_t n = (size_t)(e - p), sl = strlen(summary);
	memcpy(buf, p, n);
	buf[n++] = ' ';
	memcpy(buf + n, summary, sl);
	n += sl;
	buf[n++] = '\n';
	return n;
}

/* The listing being written: lines are built in obuf and written 64 KiB at
 * a time (one fwrite per line was a tenth of the time, perf). */
struct listing {
	FILE *out;
	struct dec_ctx ctx;
	struct dec_result r;
	unsigned long no;
	ns_t t0;
	size_t olen;
	bool failed; /* out took no more: said once, stop */
	char obuf[1 << 16];
};

/* n bytes of the listing to out; false (said once) when it cannot take them:
 * full, or nobody reads any more. */
static bool put(struct listing *l, const char *b, size_t n)
{
	errno = 0;
	if (fwrite(b, 1, n, l->out) == n && !ferror(l->out))
		return true;
	out_write_error(l->out == stdout ? "standard output" : "the listing", errno);
	l->failed = true;
	return false;
}

/* One frame listed; false when out takes no more. */
static bool list_frame(struct listing *l, const uint8_t *data, size_t caplen, size_t len, ns_t t)
{
	if (++l->no == 1)
		l->t0 = t;
	dec_frame(&l->ctx, data, caplen, len, &l->r);
	if (l->olen + 96 + sizeof l->r.summary + 2 > sizeof l->obuf) {
		if (!put(l, l->obuf, l->olen))
			return false;
		l->olen = 0;
	}
	l->olen += list_line(l->obuf + l->olen, l->no, t - l->t0, l->r.summary);
	return true;
}

static uint32_t rd32(const uint8_t *b, bool swap)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* A classic pcap in a regular file, listed from a mapping of it: libpcap
 * freads each header and frame through stdio, two copies that were 40% of
 * --read's time (perf). Only records libpcap would hand over unchanged are
 * listed here (fraction in range, caplen within the snapshot and len); at the first
 * other one, or the end of the mapping, in is put there and libpcap goes
 * on, so its checks and messages stay its own. Returns false when it lists
 * nothing (not a plain classic pcap, a pipe, no mapping). */
static bool list_mapped(struct listing *l, pcap_t *p, FILE *in)
{
	struct stat st;
	int fd = fileno(in);
	if (pcap_major_version(p) != 2 || pcap_minor_version(p) != 4 || fd < 0 || fstat(fd, &st) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_size < 24 || (uint64_t)st.st_size > SIZE_MAX)
		return false;
	size_t size = (size_t)st.st_size;
	const uint8_t *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return false;
	uint32_t magic;
	memcpy(&magic, m, 4);
	bool swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	bool nano = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	if (!swap && !nano && magic != 0xa1b2c3d4) {
		munmap((void *)m, size);
		return false;
	}
	uint32_t frac_lim = nano ? 1000000000u : 1000000u, scale = nano ? 1 : 1000;
	uint32_t snap = (uint32_t)pcap_snapshot(p);
	size_t off = 24;
	while (size - off >= 16) {
		const uint8_t *rh = m + off;
		uint32_t sec = rd32(rh, swap), frac = rd32(rh + 4, swap);
		uint32_t caplen = rd32(rh + 8, swap), len = rd32(rh + 12, swap);
		if (frac >= frac_lim || caplen > snap || caplen > 262144 || caplen > len ||
		    caplen > size - off - 16)
			break;
		ns_t t = (ns_t)sec * 1000000000 + (ns_t)frac * scale;
		if (!list_frame(l, rh + 16, caplen, len, t))
			break;
		off += 16 + (size_t)caplen;
	}
	munmap((void *)m, size);
	if (!l->failed && fseeko(in, (off_t)off, SEEK_SET) < 0) {
		/* cannot happen on a regular file; libpcap would list frames twice */
		fprintf(stderr, "sockstep: cannot seek in the capture: %s\n", strerror(errno));
		l->failed = true;
	}
	return true;
}

int capture_print(FILE *in, const char *path, FILE *out)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	/* libpcap freads each header and frame: read the file in big blocks,
	 * not stdio's 4 KiB (no byte of in is read yet). */
	static char inbuf[1 << 18];
	setvbuf(in, inbuf, _IOFBF, sizeof inbuf);
	/* Nanoseconds whatever the file holds: relative times are computed
	 * exactly, in signed nanoseconds, and nanosecond captures lose nothing. */
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(in, PCAP_TSTAMP_PRECISION_NANO, eb);
	/* pcap_close closes in; on failure it is ours */
	if (!p) {
		fclose(in);
		fprintf(stderr, "sockstep: cannot read capture \"%s\": %s; expected a pcap or pcapng file\n", path,
			eb);
		return -EINVAL;
	}
	int dlt = pcap_datalink(p);
	if (dlt != DLT_EN10MB) {
		const char *n = pcap_datalink_val_to_name(dlt);
		fprintf(stderr, "sockstep: capture \"%s\" has link type %s; expected Ethernet (EN10MB)\n", path,
			n ? n : "unknown");
		pcap_close(p);
		return -EINVAL;
	}
	static struct listing l;
	l = (struct listing){ .out = out };
	dec_init(&l.ctx);
	struct pcap_pkthdr *h;
	const unsigned char *data;
	bool classic = pcap_major_version(p) == 2; /* pcapng reads as 1 */
	int rc = 0;
	list_mapped(&l, p, in);
	while (!l.failed && (rc = pcap_next_ex(p, &h, &data)) == 1)
		if (!list_frame(&l, data, h->caplen, h->len, frame_ns(h, classic)))
			break;
	if (!l.failed && put(&l, l.obuf, l.olen))
		fflush(out);
	int ret = 0;
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "sockstep: capture \"%s\" is damaged after frame %lu: %s\n", path, l.no,
			pcap_geterr(p));
		ret = -EIO;
	}
	pcap_close(p);
	return ret;
}
