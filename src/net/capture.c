/* capture.c - listing a saved capture (see capture.h). */
#include "capture.h"

#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <string.h>

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

/* The most list_line() writes for a result r. */
#define LINE_MAX_BYTES(r) (96 + sizeof(r).summary + 2)

/* n bytes of the listing to out; false (said once) when it cannot take them:
 * full, or nobody reads any more. */
static bool put(FILE *out, const char *b, size_t n)
{
	errno = 0;
	if (fwrite(b, 1, n, out) == n && !ferror(out))
		return true;
	out_write_error(out == stdout ? "standard output" : "the listing", errno);
	return false;
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
	/* Lines are built in obuf and written 64 KiB at a time: one fwrite per
	 * line was a tenth of the time (perf). */
	static char obuf[1 << 16];
	size_t olen = 0;
	bool failed = false;
	struct dec_ctx ctx;
	dec_init(&ctx);
	struct dec_result r;
	struct pcap_pkthdr *h;
	const unsigned char *data;
	unsigned long no = 0;
	bool classic = pcap_major_version(p) == 2; /* pcapng reads as 1 */
	ns_t t0 = 0;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		ns_t t = frame_ns(h, classic);
		if (++no == 1)
			t0 = t;
		dec_frame(&ctx, data, h->caplen, h->len, &r);
		if (olen + LINE_MAX_BYTES(r) > sizeof obuf && !(failed = !put(out, obuf, olen)))
			olen = 0;
		if (failed)
			break;
		olen += list_line(obuf + olen, no, t - t0, r.summary);
	}
	if (!failed && put(out, obuf, olen))
		fflush(out);
	int ret = 0;
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "sockstep: capture \"%s\" is damaged after frame %lu: %s\n", path, no, pcap_geterr(p));
		ret = -EIO;
	}
	pcap_close(p);
	return ret;
}
