/* test_text.c - user text reaches a terminal only in a visible form: no
 * control character, C1 control or invalid UTF-8 byte passes through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static void is(const char *in, const char *want)
{
	char out[256];
	text_escape(in, out, sizeof(out));
	assert_string_equal(out, want);
}

static void plain_text_is_kept(void **state)
{
	(void)state;
	is("STEP 2: SOCKET BINDING", "STEP 2: SOCKET BINDING");
	is("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80");
	is("", "");
	assert_true(text_is_safe("socket() \xe2\x86\x92 3"));
}

static void escape_sequences_are_shown(void **state)
{
	(void)state;
	/* The attack from the issue: retitle, clear, colour. */
	is("\x1b]2;TITLE\x07\x1b[2J\x1b[31mred", "\\x1b]2;TITLE\\x07\\x1b[2J\\x1b[31mred");
	is("a\rb\nc\td\x7f", "a\\x0db\\x0ac\\x09d\\x7f");
	assert_false(text_is_safe("\x1b[2J"));
}

static void c1_and_invalid_utf8_are_shown(void **state)
{
	(void)state;
	is("\xc2\x9b" "2J", "\\xc2\\x9b2J");        /* U+009B, CSI */
	is("\x9b" "2J", "\\x9b2J");                  /* a lone C1 byte */
	is("\xc0\xaf", "\\xc0\\xaf");                /* overlong '/' */
	is("\xed\xa0\x80", "\\xed\\xa0\\x80");       /* a surrogate */
	is("\xe2\x86", "\\xe2\\x86");                /* cut short */
	is("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
	is("\xff", "\\xff");
}

/* Bidi and other invisible format controls would show the rest of a line
 * reversed or hide text: shown as their bytes, as C1 controls are, by every
 * writer (escape, fputs, stream, Markdown). The joiners that emoji and
 * Persian need stay. */
static void format_controls_are_shown(void **state)
{
	(void)state;
	is("a\xe2\x80\xae" "b", "a\\xe2\\x80\\xaeb");                 /* U+202E RIGHT-TO-LEFT OVERRIDE */
	is("\xe2\x81\xa6x\xe2\x81\xa9", "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9"); /* U+2066 ... U+2069 */
	is("\xe2\x80\x8e\xe2\x80\x8f", "\\xe2\\x80\\x8e\\xe2\\x80\\x8f"); /* LRM, RLM */
	is("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	   "\\xe2\\x80\\xaa\\xe2\\x80\\xab\\xe2\\x80\\xac\\xe2\\x80\\xad"); /* LRE, RLE, PDF, LRO */
	is("\xd8\x9c", "\\xd8\\x9c");                              /* U+061C ARABIC LETTER MARK */
	is("\xef\xbb\xbfsay", "\\xef\\xbb\\xbfsay");                /* U+FEFF inside a line */
	is("\xe2\x80\xa8", "\\xe2\\x80\\xa8");                      /* U+2028 LINE SEPARATOR */
	/* Kept: ZWJ in an emoji, ZWNJ in Persian, U+202F NARROW NO-BREAK SPACE. */
	is("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb");
	is("\xd9\x85\xe2\x80\x8c\xd8\xa7 1\xe2\x80\xaf" "000", "\xd9\x85\xe2\x80\x8c\xd8\xa7 1\xe2\x80\xaf" "000");
	assert_false(text_is_safe("\xe2\x80\xae"));
	assert_true(text_format_control(0x202e) && text_format_control(0x2066) && text_format_control(0xfeff));
	assert_false(text_format_control(0x200d) || text_format_control(0x202f) || text_format_control(0x20));

	char buf[256] = "";
	FILE *f = fmemopen(buf, sizeof buf, "w");
	assert_non_null(f);
	assert_int_equal(text_fputs("x\xe2\x80\xaey", f), 0);
	fclose(f);
	assert_string_equal(buf, "x\\xe2\\x80\\xaey");
	md_inline("x\xe2\x81\xa7y", buf, sizeof buf);
	assert_string_equal(buf, "x\\\\xe2\\\\x81\\\\xa7y"); /* the escape's backslash escaped for Markdown */
}

static void every_byte_is_safe_after_escaping(void **state)
{
	(void)state;
	/* The class of bug, not one input: all byte pairs, then all bytes in
	 * random strings; the output never holds a control byte. */
	char in[4], out[64];
	for (int a = 1; a < 256; a++)
		for (int b = 1; b < 256; b++) {
			in[0] = (char)a, in[1] = (char)b, in[2] = 0;
			text_escape(in, out, sizeof(out));
			assert_true(text_is_safe(out));
		}
	srand(1);
	for (int i = 0; i < 20000; i++) {
		char s[33], o[200];
		for (int k = 0; k < 32; k++)
			s[k] = (char)(1 + rand() % 255);
		s[32] = 0;
		text_escape(s, o, sizeof(o));
		assert_true(text_is_safe(o));
	}
}

static void long_text_is_cut_visibly(void **state)
{
	(void)state;
	char out[12];
	size_t n = text_escape("\x1b\x1b\x1b\x1b\x1b", out, sizeof(out));
	assert_true(n < sizeof(out));
	assert_non_null(strstr(out, "..."));
	assert_true(text_is_safe(out));
	const char *a = tesc("\x1b"), *b = tesc("x");
	assert_string_equal(a, "\\x1b"); /* rotating buffers: both stay valid */
	assert_string_equal(b, "x");
}

static void fputs_matches_escape(void **state)
{
	(void)state;
	const char *in = "ok \x1b[2J caf\xc3\xa9 \x9b end";
	char want[128], got[128] = "";
	text_escape(in, want, sizeof(want));
	FILE *f = fmemopen(got, sizeof(got), "w");
	assert_non_null(f);
	assert_int_equal(text_fputs(in, f), 0);
	fclose(f);
	assert_string_equal(got, want);
}

/* text_stream's output, collected. */
struct collect {
	char buf[8192];
	size_t n;
	int fail_after; /* put fails from this call on (0: never) */
	int calls;
};

static int collect_put(void *ctx, const char *p, size_t len)
{
	struct collect *c = ctx;
	if (c->fail_after && ++c->calls >= c->fail_after)
		return -5;
	assert_true(c->n + len < sizeof(c->buf));
	memcpy(c->buf + c->n, p, len);
	c->n += len;
	c->buf[c->n] = '\0';
	return 0;
}

/* s given in pieces cut at the offsets in cuts (ascending, ncuts of them). */
static void stream_pieces(const char *s, size_t n, const size_t *cuts, int ncuts, struct collect *c)
{
	struct text_stream st = { .ncarry = 0 };
	size_t from = 0;
	memset(c, 0, sizeof(*c));
	for (int i = 0; i <= ncuts; i++) {
		size_t to = i < ncuts ? cuts[i] : n;
		assert_int_equal(text_stream(&st, s + from, to - from, 0, collect_put, c), 0);
		from = to;
	}
	assert_int_equal(text_stream(&st, "", 0, 1, collect_put, c), 0);
}

static void stream_keeps_lines_and_escapes_the_rest(void **state)
{
	(void)state;
	struct collect c;
	const char *in = "sockstep: bad \"\x1b]2;T\x07\"\n\tcaf\xc3\xa9 \xc2\x9b \x9b \xff\n";
	stream_pieces(in, strlen(in), NULL, 0, &c);
	assert_string_equal(c.buf, "sockstep: bad \"\\x1b]2;T\\x07\"\n\tcaf\xc3\xa9 \\xc2\\x9b \\x9b \\xff\n");
	/* A character cut at the very end is shown once nothing follows. */
	stream_pieces("ab\xe2\x86", 4, NULL, 0, &c);
	assert_string_equal(c.buf, "ab\\xe2\\x86");
}

/* The class of bug: wherever a writer splits its text (fprintf pieces,
 * buffer boundaries), the result is the same as in one piece, and safe. */
static void stream_split_anywhere_is_the_same(void **state)
{
	(void)state;
	static const char *const ins[] = {
		"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80 end",
		"\x1b]2;PWNED\x07\x1b[2J\x1b[31mred\xc2\x9b" "c1\x9blone\xff" "bad\xed\xa0\x80sur\xe2\x82",
		"\xe2\x86x\xf0\x9f\x98y\xc3\n\xc3",
		"rlo\xe2\x80\xae|\xe2\x81\xa6iso\xe2\x81\xa9 \xef\xbb\xbf",
	};
	struct collect whole, c;
	for (size_t k = 0; k < sizeof(ins) / sizeof(ins[0]); k++) {
		size_t n = strlen(ins[k]);
		stream_pieces(ins[k], n, NULL, 0, &whole);
		for (size_t a = 0; a <= n; a++) /* every cut in two */
			for (size_t b = a; b <= n; b++) { /* and in three */
				size_t cuts[2] = { a, b };
				stream_pieces(ins[k], n, cuts, 2, &c);
				assert_string_equal(c.buf, whole.buf);
			}
		size_t every[128]; /* byte by byte */
		for (size_t i = 0; i < n; i++)
			every[i] = i;
		stream_pieces(ins[k], n, every, (int)n, &c);
		assert_string_equal(c.buf, whole.buf);
	}
	srand(2);
	for (int i = 0; i < 5000; i++) {
		char s[40];
		size_t cuts[4];
		for (size_t j = 0; j < sizeof(s); j++)
			s[j] = (char)(rand() % 256);
		for (int j = 0; j < 4; j++)
			cuts[j] = (size_t)(rand() % 41);
		for (int x = 0; x < 4; x++) /* ascending */
			for (int y = x + 1; y < 4; y++)
				if (cuts[y] < cuts[x]) {
					size_t t = cuts[x];
					cuts[x] = cuts[y];
					cuts[y] = t;
				}
		stream_pieces(s, sizeof(s), NULL, 0, &whole);
		stream_pieces(s, sizeof(s), cuts, 4, &c);
		assert_string_equal(c.buf, whole.buf);
		for (char *p = c.buf; *p; p++) /* newline and tab are the only controls left */
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		assert_true(text_is_safe(c.buf));
	}
}

static void stream_stops_when_put_fails(void **state)
{
	(void)state;
	struct collect c;
	struct text_stream st = { .ncarry = 0 };
	char big[3000];
	memset(&c, 0, sizeof(c));
	memset(big, 0x1b, sizeof(big)); /* 12000 bytes escaped: several puts */
	c.fail_after = 2;
	assert_int_equal(text_stream(&st, big, sizeof(big), 1, collect_put, &c), -5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_is_kept),
		cmocka_unit_test(escape_sequences_are_shown),
		cmocka_unit_test(c1_and_invalid_utf8_are_shown),
		cmocka_unit_test(format_controls_are_shown),
		cmocka_unit_test(every_byte_is_safe_after_escaping),
		cmocka_unit_test(long_text_is_cut_visibly),
		cmocka_unit_test(fputs_matches_escape),
		cmocka_unit_test(stream_keeps_lines_and_escapes_the_rest),
		cmocka_unit_test(stream_split_anywhere_is_the_same),
		cmocka_unit_test(stream_stops_when_put_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
