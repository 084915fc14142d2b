/* trace_dwarf.c - the debug information's answer: written by sockstep-dwarf,
 * parsed by sockstep, and looked up (see trace_dwarf.h).
 *
 * The answer, one item a line ('\n'), fields apart by one space:
 *   sockstep-dwarf 1
 *   prog PIE FIRST_LOAD            PIE 0 or 1; hex without 0x
 *   main LO HI cfa|rbp
 *   var local NAME OFFSET          decimal, signed (from the frame base)
 *   var global NAME ADDR           hex
 *   file PATH                      the rest of the line; numbered from 0
 *   row PC FILE LINE TEXT          TEXT the rest of the line, may be empty
 *   end
 * or, when the program could not be read:
 *   sockstep-dwarf 1
 *   error ERRNO WHY
 *   end
 * Words are ASCII; PATH, TEXT and WHY have no control character. */
#include "trace_dwarf.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

uint64_t tdw_frame_base(const struct tdw_prog *p, uint64_t cfa)
{
	return p->fb == TDW_FB_RBP ? cfa - 16 : cfa;
}

int tdw_line(const struct tdw_prog *p, uint64_t pc, char *file, size_t filelen, int *line, char *text,
	     size_t textlen)
{
	if (pc < p->main_lo || pc >= p->main_hi)
		return -ENOENT;
	int lo = 0, hi = p->nrows; /* the last row at or before pc */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (p->rows[mid].pc <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -ENOENT;
	const struct tdw_row *r = &p->rows[lo - 1];
	snprintf(file, filelen, "%s", p->files[r->file]);
	*line = r->line;
	if (text)
		snprintf(text, textlen, "%s", r->text);
	return 0;
}

/* s with its control characters as spaces (a tab in a source line). */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

void tdw_print(FILE *f, const struct tdw_prog *p, int err, const char *why)
{
	fprintf(f, "sockstep-dwarf %d\n", TDW_VERSION);
	if (err < 0) {
		fprintf(f, "error %d ", -err);
		put_text(f, why);
		fputs("\nend\n", f);
		return;
	}
	fprintf(f, "prog %d %" PRIx64 "\n", p->pie ? 1 : 0, p->first_load);
	fprintf(f, "main %" PRIx64 " %" PRIx64 " %s\n", p->main_lo, p->main_hi, p->fb == TDW_FB_RBP ? "rbp" : "cfa");
	for (int i = 0; i < p->nvars; i++) {
		const struct tdw_var *v = &p->vars[i];
		if (v->global)
			fprintf(f, "var global %s %" PRIx64 "\n", v->name, v->addr);
		else
			fprintf(f, "var local %s %" PRId64 "\n", v->name, v->off);
	}
	for (int i = 0; i < p->nfiles; i++) {
		fputs("file ", f);
		put_text(f, p->files[i]);
		fputc('\n', f);
	}
	for (int i = 0; i < p->nrows; i++) {
		const struct tdw_row *r = &p->rows[i];
		fprintf(f, "row %" PRIx64 " %d %d ", r->pc, r->file, r->line);
		put_text(f, r->text);
		fputc('\n', f);
	}
	fputs("end\n", f);
}

/* Parsing: each field read from a cursor over one line, bounded by its end. */
struct cur {
	const char *s, *end;
};

/* The next word (up to a space or the line's end): its length, 0 if none. */
static size_t word(struct cur *c, const char **w)
{
	*w = c->s;
	const char *e = memchr(c->s, ' ', (size_t)(c->end - c->s));
	if (!e)
		e = c->end;
	size_t n = (size_t)(e - c->s);
	c->s = e < c->end ? e + 1 : e;
	return n;
}

static bool is_word(struct cur *c, const char *want)
{
	const char *w;
	size_t n = word(c, &w);
	return n == strlen(want) && memcmp(w, want, n) == 0;
}

/* Hex without 0x, 1 to 16 digits. */
static bool hex(struct cur *c, uint64_t *v)
{
	const char *w;
	size_t n = word(c, &w);
	if (n == 0 || n > 16)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = w[i] >= '0' && w[i] <= '9' ? w[i] - '0' : w[i] >= 'a' && w[i] <= 'f' ? w[i] - 'a' + 10 : -1;
		if (d < 0)
			return false;
		*v = *v << 4 | (uint64_t)d;
	}
	return true;
}

/* Decimal, optionally negative, within [min, max]. */
static bool dec(struct cur *c, int64_t min, int64_t max, int64_t *v)
{
	const char *w;
	size_t n = word(c, &w), i = 0;
	bool neg = n > 0 && w[0] == '-';
	i = neg;
	if (n == i || n - i > 18)
		return false;
	int64_t x = 0;
	for (; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return false;
		x = x * 10 + (w[i] - '0');
	}
	*v = neg ? -x : x;
	return *v >= min && *v <= max;
}

/* The rest of the line into out (size outlen): no control character, and it fits. */
static bool rest(struct cur *c, char *out, size_t outlen)
{
	size_t n = (size_t)(c->end - c->s);
	if (n >= outlen)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)c->s[i] < 0x20 || c->s[i] == 0x7f)
			return false;
	memcpy(out, c->s, n);
	out[n] = '\0';
	c->s = c->end;
	return true;
}

static bool done(const struct cur *c)
{
	return c->s == c->end;
}

static bool parse_var(struct cur *c, struct tdw_prog *p)
{
	const char *w;
	if (p->nvars >= TDW_MAX_VARS)
		return false;
	struct tdw_var *v = &p->vars[p->nvars];
	size_t kn = word(c, &w);
	if (kn == 6 && memcmp(w, "global", 6) == 0)
		v->global = true;
	else if (!(kn == 5 && memcmp(w, "local", 5) == 0))
		return false;
	size_t n = word(c, &w);
	if (n == 0 || n >= sizeof(v->name))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(w[i] == '_' || (w[i] >= '0' && w[i] <= '9') || (w[i] >= 'a' && w[i] <= 'z') ||
		      (w[i] >= 'A' && w[i] <= 'Z')))
			return false;
	memcpy(v->name, w, n);
	v->name[n] = '\0';
	/* A local lies within a frame of at most 1 GiB. */
	if (v->global ? !hex(c, &v->addr) : !dec(c, -(1 << 30), 1 << 30, &v->off))
		return false;
	p->nvars++;
	return true;
}

static bool parse_row(struct cur *c, struct tdw_prog *p)
{
	int64_t file, line;
	if (p->nrows >= TDW_MAX_ROWS)
		return false;
	struct tdw_row *r = &p->rows[p->nrows];
	if (!hex(c, &r->pc) || !dec(c, 0, p->nfiles - 1, &file) || !dec(c, 1, 10000000, &line) ||
	    !rest(c, r->text, sizeof(r->text)))
		return false;
	/* In main, ascending. */
	if (r->pc < p->main_lo || r->pc >= p->main_hi || (p->nrows > 0 && r->pc <= p->rows[p->nrows - 1].pc))
		return false;
	r->file = (int)file;
	r->line = (int)line;
	p->nrows++;
	return true;
}

/* One line of the answer after the version: 1 more to come, 0 its end,
 * -1 not an answer. have: "prog" and "main" seen (bits 1, 2). */
static int parse_line(struct cur *c, struct tdw_prog *p, int *have, int *err, char *why, size_t whylen)
{
	const char *w;
	size_t n = word(c, &w);
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(w, lit, n) == 0)
	if (IS("end"))
		return done(c) && (*err || *have == 3) ? 0 : -1;
	if (*err)
		return -1; /* after "error" only "end" */
	if (IS("error") && *have == 0) {
		int64_t e;
		if (!dec(c, 1, 4095, &e) || !rest(c, why, whylen))
			return -1;
		*err = (int)e;
		return 1;
	}
	if (IS("prog") && *have == 0) {
		int64_t pie;
		if (!dec(c, 0, 1, &pie) || !hex(c, &p->first_load) || !done(c))
			return -1;
		p->pie = pie == 1;
		*have |= 1;
		return 1;
	}
	if (IS("main") && *have == 1) {
		if (!hex(c, &p->main_lo) || !hex(c, &p->main_hi) || p->main_lo >= p->main_hi)
			return -1;
		const char *fb;
		size_t fn = word(c, &fb);
		if (fn == 3 && memcmp(fb, "cfa", 3) == 0)
			p->fb = TDW_FB_CFA;
		else if (fn == 3 && memcmp(fb, "rbp", 3) == 0)
			p->fb = TDW_FB_RBP;
		else
			return -1;
		*have |= 2;
		return done(c) ? 1 : -1;
	}
	if (*have != 3)
		return -1;
	if (IS("var"))
		return parse_var(c, p) && done(c) ? 1 : -1;
	if (IS("file")) {
		if (p->nfiles >= TDW_MAX_FILES || p->nrows > 0 || !rest(c, p->files[p->nfiles], TDW_PATH_MAX) ||
		    !p->files[p->nfiles][0])
			return -1;
		p->nfiles++;
		return 1;
	}
	if (IS("row"))
		return parse_row(c, p) ? 1 : -1;
#undef IS
	return -1;
}

int tdw_parse(const char *buf, size_t len, struct tdw_prog *p, char *why, size_t whylen)
{
	memset(p, 0, sizeof(*p));
	why[0] = '\0';
	const char *s = buf, *end = buf + len;
	int have = 0, err = 0, rc = -1, n = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			break; /* a line cut short */
		struct cur c = { s, nl };
		s = nl + 1;
		if (n++ == 0) {
			char v[16];
			snprintf(v, sizeof(v), "%d", TDW_VERSION);
			if (!is_word(&c, "sockstep-dwarf") || !is_word(&c, v) || !done(&c))
				break;
		} else if ((rc = parse_line(&c, p, &have, &err, why, whylen)) <= 0) {
			break;
		}
	}
	if (rc == 0 && s == end && err) {
		if (!why[0])
			snprintf(why, whylen, "no debug information read (error %d)", err);
		memset(p, 0, sizeof(*p));
		return -err;
	}
	if (rc == 0 && s == end && p->nvars > 0)
		return 0;
	memset(p, 0, sizeof(*p));
	snprintf(why, whylen, "no debug information: sockstep-dwarf's answer is not one (a version %d answer "
		 "expected)", TDW_VERSION);
	return -EPROTO;
}
