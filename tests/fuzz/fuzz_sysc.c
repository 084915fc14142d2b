/* libFuzzer harness for the rendering of a traced call (sysc.h): any call
 * number, any six arguments and a program memory of any bytes, served by a
 * reader that may fail, read short or lie about what it read. Nothing may
 * crash, every text must end inside its buffer, no sockaddr or payload may
 * be copied past its field, and no single read may ask for more than a
 * bounded number of bytes, whatever length the "program" passed.
 *
 * Input: [0] the call (an index into sysc_calls, or 255: a raw number from
 * [1..2]); [3] the reader's mood; [4..57] six arguments of 9 bytes, a mark
 * and a value: a pointer into the memory (BASE + value modulo its size and
 * a little more) when the mark is below 0x80, else the value itself;
 * [58..65] the return value at the exit; the rest is the program's memory
 * at BASE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sysc.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define BASE 0x10000ULL
#define READ_BOUND 256 /* more than any one read sysc makes: fd_set 128, sockaddr 128 */

struct fake {
	const uint8_t *mem;
	size_t len;
	int mood; /* 0 honest, 1 fails, 2 half, 3 claims one byte more, 4 honest at the entry only */
	bool exited;
};

static long rd(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = ctx;

	if (len > READ_BOUND)
		abort(); /* a length the program chose reached the reader */
	if (f->mood == 1 || (f->mood == 4 && f->exited))
		return -14;
	if (addr < BASE || addr - BASE >= f->len)
		return -14;
	size_t off = (size_t)(addr - BASE), k = f->len - off < len ? f->len - off : len;
	if (f->mood == 2)
		k /= 2;
	memcpy(buf, f->mem + off, k);
	return f->mood == 3 ? (long)len + 1 : (long)k;
}

static void check(const struct sysc_call *sc)
{
	if (!memchr(sc->text, '\0', sizeof sc->text) || !memchr(sc->note, '\0', sizeof sc->note) ||
	    !memchr(sc->result, '\0', sizeof sc->result))
		abort();
	if (sc->ca.sa_len > CALL_SA_MAX || sc->sa_full_len > SYSC_SA_MAX || !sc->name || !sc->c_name)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct sysc_call sc;
	int nrs[64];
	uint64_t args[6];
	int64_t ret;
	size_t count = sysc_calls(nrs, 64);

	if (n < 66 || count == 0 || count > 64)
		return 0;
	int nr = d[0] == 255 ? d[1] | d[2] << 8 : nrs[d[0] % count];
	struct fake f = { d + 66, n - 66, d[3] % 5, false };
	for (int i = 0; i < 6; i++) {
		memcpy(&args[i], d + 5 + 9 * i, 8);
		if (d[4 + 9 * i] < 0x80)
			args[i] = BASE + args[i] % (f.len + 16);
	}
	memcpy(&ret, d + 58, 8);
	sysc_enter(&sc, nr, args, rd, &f);
	check(&sc);
	f.exited = true;
	sysc_exit(&sc, (long)ret, rd, &f);
	check(&sc);
	/* The same call seen with no reader at all. */
	sysc_enter(&sc, nr, args, NULL, NULL);
	sysc_exit(&sc, (long)(ret % 70000), NULL, NULL);
	check(&sc);
	return 0;
}
