/* test_linein.c - a line is read in bounded memory: lines just under, at and
 * over the limit, a line without an end, binary input, a read error; and
 * nothing of this ever looks like the end of the input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linein.h"

#define MAX 16

/* A stream holding len bytes of text. */
static FILE *input(const char *text, size_t len)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	rewind(f);
	return f;
}

static void expect_at(FILE *f, bool first, enum linein_status want, size_t want_len, const char *want_text)
{
	char buf[MAX + 1];
	memset(buf, 'Z', sizeof buf);
	size_t len = 99;
	int err = -1;
	enum linein_status st = linein_read(f, first, buf, MAX, &len, &err);
	if (st != want) print_message("status %d, expected %d (len %zu)\n", st, want, len);
	assert_int_equal(st, want);
	if (st == LINEIN_LINE || st == LINEIN_LONG || st == LINEIN_BINARY)
		assert_int_equal(len, want_len);
	if (want_text) {
		assert_memory_equal(buf, want_text, strlen(want_text));
		assert_true(memchr(buf, '\0', sizeof buf) != NULL); /* always terminated */
	}
	if (st != LINEIN_ERROR)
		assert_int_equal(err, 0);
}

/* A line that is not the input's first. */
static void expect(FILE *f, enum linein_status want, size_t want_len, const char *want_text)
{
	expect_at(f, false, want, want_len, want_text);
}

static void lines_under_at_and_over(void **state)
{
	(void)state;
	const char *t = "fifteen chars..\n"   /* 15: under */
			"sixteen chars...\n"  /* 16: at */
			"seventeen chars..\n" /* 17: over, and the next line still reads */
			"\n"
			"last, no newline";
	FILE *f = input(t, strlen(t));
	expect(f, LINEIN_LINE, 15, "fifteen chars..");
	expect(f, LINEIN_LINE, 16, "sixteen chars...");
	expect(f, LINEIN_LONG, 17, "seventeen chars.");
	expect(f, LINEIN_LINE, 0, "");
	expect(f, LINEIN_LINE, 16, "last, no newline");
	expect(f, LINEIN_END, 0, NULL);
	expect(f, LINEIN_END, 0, NULL);
	fclose(f);
}

static void a_long_line_is_counted_not_kept(void **state)
{
	(void)state;
	size_t n = 10 * 1024 * 1024; /* 10 MB in one line: only MAX bytes are ever held */
	char *t = malloc(n + 8);
	assert_non_null(t);
	memset(t, 'a', n);
	memcpy(t + n, "\nnext\n", 6);
	FILE *f = input(t, n + 6);
	free(t);
	expect(f, LINEIN_LONG, n, "aaaaaaaaaaaaaaaa");
	expect(f, LINEIN_LINE, 4, "next");
	expect(f, LINEIN_END, 0, NULL);
	fclose(f);
	/* The same without an end: the end of the input ends it. */
	f = input("0123456789abcdefXYZ", 19);
	expect(f, LINEIN_LONG, 19, "0123456789abcdef");
	expect(f, LINEIN_END, 0, NULL);
	fclose(f);
}

static void binary_input_stops(void **state)
{
	(void)state;
	/* A short line with a NUL is a line: the caller sees the NUL. */
	FILE *f = input("ab\0cd\nnext\n", 11);
	expect(f, LINEIN_LINE, 5, "ab");
	expect(f, LINEIN_LINE, 4, "next");
	fclose(f);
	/* /dev/zero: a NUL in the first MAX + 1 bytes ends the reading at once. */
	f = fopen("/dev/zero", "r");
	assert_non_null(f);
	expect(f, LINEIN_BINARY, MAX + 1, NULL);
	fclose(f);
	/* A NUL found while skipping a long line. */
	char t[100];
	memset(t, 'x', sizeof t);
	t[60] = '\0';
	f = input(t, sizeof t);
	expect(f, LINEIN_BINARY, 61, "xxxxxxxxxxxxxxxx");
	fclose(f);
}

static void a_read_error_is_not_the_end(void **state)
{
	(void)state;
	/* A directory opened as a stream: read() fails with EISDIR. */
	FILE *f = fopen("/", "r");
	assert_non_null(f);
	char buf[MAX + 1];
	size_t len;
	int err = 0;
	assert_int_equal(linein_read(f, false, buf, MAX, &len, &err), LINEIN_ERROR);
	assert_int_equal(err, EISDIR);
	fclose(f);
	/* A write-only stream. */
	f = fopen("/dev/null", "w");
	assert_non_null(f);
	err = 0;
	assert_int_equal(linein_read(f, false, buf, MAX, &len, &err), LINEIN_ERROR);
	assert_int_not_equal(err, 0);
	fclose(f);
}

/* A file saved on Windows reads as the same file saved on Linux: CR LF ends
 * a line, also at the limit, and the limit counts the line's own bytes. */
static void crlf_is_a_line_end(void **state)
{
	(void)state;
	const char *t = "socket tcp\r\n"
			"sixteen chars...\r\n" /* 16 + CR LF: at the limit, not over */
			"fifteen chars..\r\n"  /* 15 + CR LF: the CR lands on byte 16 */
			"\r\n"
			"a\rb\n"   /* a CR inside a line is a byte of it */
			"seventeen chars..\r\n"
			"cr at the end\r";
	FILE *f = input(t, strlen(t));
	expect(f, LINEIN_LINE, 10, "socket tcp");
	expect(f, LINEIN_LINE, 16, "sixteen chars...");
	expect(f, LINEIN_LINE, 15, "fifteen chars..");
	expect(f, LINEIN_LINE, 0, "");
	expect(f, LINEIN_LINE, 3, "a\rb");
	expect(f, LINEIN_LONG, 18, "seventeen chars.");
	expect(f, LINEIN_LINE, 14, "cr at the end\r"); /* no LF after it: not a line end */
	expect(f, LINEIN_END, 0, NULL);
	fclose(f);
	/* At the limit, a CR that no LF follows is the 17th byte. */
	f = input("sixteen chars...\rX\nnext\n", 24);
	expect(f, LINEIN_LONG, 18, "sixteen chars...");
	expect(f, LINEIN_LINE, 4, "next");
	fclose(f);
}

/* A byte order mark (an editor's "UTF-8 with BOM") is skipped at the start
 * of the input only; begun and not finished, its bytes are the line's. */
static void a_byte_order_mark_is_skipped(void **state)
{
	(void)state;
	FILE *f = input("\xEF\xBB\xBFsixteen chars...\r\n\xEF\xBB\xBFsay\n", 27);
	expect_at(f, true, LINEIN_LINE, 16, "sixteen chars...");
	expect(f, LINEIN_LINE, 6, "\xEF\xBB\xBFsay"); /* not the first line: kept (and refused by the parser) */
	fclose(f);
	f = input("\xEF\xBB\xBF", 3);
	expect_at(f, true, LINEIN_END, 0, NULL);
	fclose(f);
	f = input("\xEF\xBBx\n", 4);
	expect_at(f, true, LINEIN_LINE, 3, "\xEF\xBBx");
	fclose(f);
	f = input("\xEF\n", 2);
	expect_at(f, true, LINEIN_LINE, 1, "\xEF");
	fclose(f);
	f = input("plain\n", 6);
	expect_at(f, true, LINEIN_LINE, 5, "plain");
	fclose(f);
	assert_string_equal(linein_text("\xEF\xBB\xBFserver socket tcp"), "server socket tcp");
	assert_string_equal(linein_text("server\xEF\xBB\xBF"), "server\xEF\xBB\xBF");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_under_at_and_over),
		cmocka_unit_test(a_long_line_is_counted_not_kept),
		cmocka_unit_test(binary_input_stops),
		cmocka_unit_test(a_read_error_is_not_the_end),
		cmocka_unit_test(crlf_is_a_line_end),
		cmocka_unit_test(a_byte_order_mark_is_skipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
