/* capture.c - listing a saved capture (see capture.h). */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>

#include "decode.h"

int capture_print(FILE *in, const char *path, FILE *out)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_fopen_offline(in, eb); /* pcap_close closes in; on failure it is ours */
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
	static char buf[1 << 16];
	setvbuf(out, buf, _IOFBF, sizeof(buf));
	struct dec_ctx ctx;
	dec_init(&ctx);
	struct dec_result r;
	struct pcap_pkthdr *h;
	const unsigned char *data;
	unsigned long no = 0;
	struct timeval t0 = { 0, 0 };
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		if (++no == 1)
			t0 = h->ts;
		struct timeval d;
		timersub(&h->ts, &t0, &d);
		dec_frame(&ctx, data, h->caplen, h->len, &r);
		fprintf(out, "%6lu %ld.%06ld %s\n", no, (long)d.tv_sec, (long)d.tv_usec, r.summary);
	}
	fflush(out);
	int ret = 0;
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "sockstep: capture \"%s\" is damaged after frame %lu: %s\n", path, no, pcap_geterr(p));
		ret = -EIO;
	}
	pcap_close(p);
	return ret;
}
