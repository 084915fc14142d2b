/* libFuzzer harness for the lesson parser: any bytes must give a lesson or
 * one error line, and never a crash, a leak or a read past the input. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "lesson.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char err[CMD_ERR_MAX + CMD_PATH_MAX];
	struct lesson *l = NULL;
	/* An exact-size copy: ASan sees any read past the end. */
	char *text = malloc(n ? n : 1);
	if (!text)
		return 0;
	memcpy(text, d, n);
	int r = lesson_parse(text, n, "fuzz.lesson", "fuzz", &l, err, sizeof(err));
	if (r == 0) {
		if (!l || l->nsteps < 1)
			abort();
		lesson_free(l);
	} else if ((r != -EINVAL && r != -ENOMEM) || !err[0] || strchr(err, '\n')) {
		abort();
	}
	free(text);
	return 0;
}
