/* libFuzzer harness for --read (src/net/capture.c): any bytes as a capture
 * file must list, or give one error line, and never read out of bounds.
 * The bytes are a regular file (memfd), so that the mapped path for classic
 * pcaps (list_mapped, which walks the record headers itself) runs as well
 * as libpcap's. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	/* capture_print says why a capture is refused on stderr: run.sh gives
	 * this harness -close_fd_mask=2 (libFuzzer keeps its own reports). */
	static FILE *out;
	if (!out && !(out = fopen("/dev/null", "w")))
		abort();
	int fd = memfd_create("fuzz.pcap", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (n && write(fd, d, n) != (ssize_t)n)
		abort();
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	FILE *in = fdopen(fd, "rb");
	if (!in)
		abort();
	capture_print(in, "fuzz.pcap", out); /* it closes in */
	return 0;
}
