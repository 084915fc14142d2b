/* libFuzzer harness for the lesson parser: any bytes must give a lesson or
 * one error line, and never a crash, a leak or a read past the input.
 * tests/fuzz/run.sh checks that the fuzzing reaches the step parser. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
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
	/* No file name to agree with: a "lesson:" line must not stop the parser
	 * at the header (with a name, every seed did, and the steps were never
	 * fuzzed). */
	int r = lesson_parse(text, n, "fuzz.lesson", NULL, &l, err, sizeof(err));
	/* FUZZ_SEEDS_MUST_PARSE=1 (run.sh, the seed test): every seed is a valid
	 * lesson, and a seed the harness refuses fuzzes nothing past that line. */
	static int strict = -1;
	if (strict < 0)
		strict = getenv("FUZZ_SEEDS_MUST_PARSE") != NULL;
	if (strict && n && r != 0) { /* libFuzzer tries an empty input first */
		fprintf(stderr, "fuzz_lesson: a seed does not parse: %s\n", err);
		abort();
	}
	if (r == 0) {
		/* What the parser promises of a lesson it accepts. */
		if (!l || l->nsteps < 1 || !l->name || !l->title || !l->summary)
			abort();
		for (int i = 0; i < l->nsteps; i++) {
			const struct lesson_step *s = &l->steps[i];
			if (!s->title[0] || s->nitems < 1 || s->ncommands > s->nitems)
				abort();
			for (size_t j = 0; j < s->nitems; j++)
				if (strchr(s->items[j].text, '\n') || strlen(s->items[j].text) > CMD_LINE_MAX)
					abort();
		}
		lesson_free(l);
	} else if ((r != -EINVAL && r != -ENOMEM) || !err[0] || strchr(err, '\n')) {
		abort();
	}
	free(text);
	return 0;
}
