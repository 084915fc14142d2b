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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_is_kept),
		cmocka_unit_test(escape_sequences_are_shown),
		cmocka_unit_test(c1_and_invalid_utf8_are_shown),
		cmocka_unit_test(every_byte_is_safe_after_escaping),
		cmocka_unit_test(long_text_is_cut_visibly),
		cmocka_unit_test(fputs_matches_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
