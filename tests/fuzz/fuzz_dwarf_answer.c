/* libFuzzer harness for sockstep-dwarf's answer as sockstep parses it
 * (trace_dwarf.h): the helper read an untrusted file, so its answer is any
 * bytes. Nothing may crash; a refused answer leaves nothing behind; an
 * accepted one keeps every invariant trace_watch relies on (rows ascending
 * inside main, file numbers and names in bounds, texts ended), and printed
 * again it parses back to the same program. FUZZ_SEEDS_MUST_PARSE=1: every
 * input must be an answer (the seed test). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_dwarf.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void check(const struct tdw_prog *p)
{
	if (p->nvars < 1 || p->nvars > TDW_MAX_VARS || p->nfiles < 0 || p->nfiles > TDW_MAX_FILES ||
	    p->nrows < 0 || p->nrows > TDW_MAX_ROWS || p->main_lo >= p->main_hi)
		abort();
	for (int i = 0; i < p->nvars; i++)
		if (!memchr(p->vars[i].name, '\0', sizeof(p->vars[i].name)) || !p->vars[i].name[0])
			abort();
	for (int i = 0; i < p->nfiles; i++)
		if (!memchr(p->files[i], '\0', TDW_PATH_MAX))
			abort();
	for (int i = 0; i < p->nrows; i++) {
		const struct tdw_row *r = &p->rows[i];
		if (r->file < 0 || r->file >= p->nfiles || r->line < 1 || r->pc < p->main_lo || r->pc >= p->main_hi ||
		    (i > 0 && r->pc <= p->rows[i - 1].pc) || !memchr(r->text, '\0', sizeof(r->text)))
			abort();
	}
	char file[TDW_PATH_MAX], text[TDW_TEXT_MAX];
	int line;
	uint64_t pcs[] = { p->main_lo, p->main_hi - 1, p->main_hi, p->main_lo + (p->main_hi - p->main_lo) / 2 };
	for (size_t i = 0; i < sizeof(pcs) / sizeof(pcs[0]); i++)
		if (tdw_line(p, pcs[i], file, sizeof(file), &line, text, sizeof(text)) == 0 && line < 1)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct tdw_prog p, q;
	char why[256];
	int rc = tdw_parse((const char *)d, n, &p, why, sizeof(why));
	if (!memchr(why, '\0', sizeof(why)))
		abort();
	if (rc == -EPROTO && n && getenv("FUZZ_SEEDS_MUST_PARSE")) { /* libFuzzer tries an empty input first */
		fprintf(stderr, "a seed does not parse: %s\n", why);
		abort();
	}
	if (rc < 0) {
		if (p.nvars != 0 || p.nrows != 0 || !why[0])
			abort(); /* a refused answer leaves nothing */
		return 0;
	}
	check(&p);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return 0;
	tdw_print(f, &p, 0, "");
	fclose(f);
	if (tdw_parse(buf, len, &q, why, sizeof(why)) != 0 || memcmp(&p, &q, sizeof(p)) != 0)
		abort();
	free(buf);
	return 0;
}
