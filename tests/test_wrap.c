/* test_wrap.c - handouts that print: lines wrapped to a width, the ARP
 * frames a compact handout lists, and the Markdown escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "wrap.h"

struct buf {
	char s[4096];
	size_t n;
};

static void put(void *ctx, const char *p, size_t len)
{
	struct buf *b = ctx;
	memcpy(b->s + b->n, p, len);
	b->n += len;
	b->s[b->n] = '\0';
}

static const char *wrap(const char *line, int width)
{
	static struct buf b;
	b.n = 0;
	b.s[0] = '\0';
	wrap_line(line, strlen(line), width, put, &b);
	return b.s;
}

static void short_lines_are_kept(void **state)
{
	(void)state;
	assert_string_equal(wrap("  server  listen(sock, 5);  -> 0", 60), "  server  listen(sock, 5);  -> 0\n");
	assert_string_equal(wrap("", 60), "\n");
}

static void a_call_continues_under_its_text(void **state)
{
	(void)state;
	assert_string_equal(wrap("  server  csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);  -> blocked", 64),
			    "  server  csock = accept(sock, (struct sockaddr *)&echoclient,\n"
			    "          &clientlen);  -> blocked\n");
}

static void arrows_are_one_column(void **state)
{
	(void)state;
	/* 60 columns with three arrows of 3 bytes each: kept whole. */
	char line[128] = "  wire    #3   cli→srv TCP 1.0.0.1:9 → 2.0.0.2:80 →";
	while (text_cols(line, strlen(line)) < 60)
		strcat(line, "x");
	assert_int_equal(strlen(line), 60 + 3 * 2);
	assert_int_equal(strchr(wrap(line, 60), '\n') - wrap(line, 60), (long)strlen(line));
}

/* Display columns, as a terminal or a printer shows them, in the process's
 * locale (the test never calls setlocale: "C"): a CJK character takes two,
 * a combining accent none. */
static void cjk_takes_two_columns_and_accents_none(void **state)
{
	(void)state;
	char line[512] = "", want[512] = "";
	for (int i = 0; i < 40; i++) /* 40 characters, 80 columns, no blank */
		strcat(line, "\xe4\xb8\xad");
	for (int i = 0; i < 30; i++)
		strcat(want, "\xe4\xb8\xad");
	strcat(want, "\n");
	for (int i = 0; i < 10; i++)
		strcat(want, "\xe4\xb8\xad");
	strcat(want, "\n");
	assert_string_equal(wrap(line, 60), want);
	assert_int_equal(text_cols(line, strlen(line)), 80);
	/* Words: the break falls at the last blank that fits in 60 columns. */
	strcpy(line, "");
	for (int i = 0; i < 9; i++)
		strcat(line, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e ");  /* 3 characters and a blank: 7 columns */
	strcat(line, "end");
	const char *s = wrap(line, 60);
	const char *nl = strchr(s, '\n');
	assert_non_null(nl);
	assert_int_equal(text_cols(s, (size_t)(nl - s)), 55); /* 8 words; the 9th ends at column 62 */
	/* 50 letters with a combining acute: 50 columns, kept whole at 60. */
	strcpy(line, "");
	for (int i = 0; i < 50; i++)
		strcat(line, "e\xcc\x81");
	assert_int_equal(text_cols(line, strlen(line)), 50);
	assert_int_equal(strchr(wrap(line, 60), '\n') - wrap(line, 60), (long)strlen(line));
}

static void index_lines_break_after_a_comma(void **state)
{
	(void)state;
	const char *s = wrap("            [0]=2,[1]=0,[2]=0,[3]=50,[4]=C8,[5]=0,[6]=0,[7]=2,[8]=0,[9]=0,", 60);
	assert_string_equal(s, "            [0]=2,[1]=0,[2]=0,[3]=50,[4]=C8,[5]=0,[6]=0,\n"
			       "              [7]=2,[8]=0,[9]=0,\n");
}

static void every_piece_fits(void **state)
{
	(void)state;
	const char *s = wrap("The client closed its side: it is not able to talk any more (EPIPE), and a word "
			     "longerthananylinecanholdatallwhateverthewidthmaybeinthishandout at the end", 60);
	for (const char *l = s; *l;) {
		const char *e = strchr(l, '\n');
		assert_non_null(e);
		assert_true(text_cols(l, (size_t)(e - l)) <= 60);
		l = e + 1;
	}
}

static void the_first_arp_exchange_is_listed(void **state)
{
	(void)state;
	bool done = false;
	assert_true(wrap_frame_listed(&done, "cli→srv ARP who has 200.0.0.2? tell 100.0.0.1"));
	assert_true(wrap_frame_listed(&done, "cli→srv TCP 100.0.0.1:9000 → 200.0.0.2:80 [SYN]"));
	assert_true(wrap_frame_listed(&done, "srv→cli ARP 200.0.0.2 is at 02:00:00:00:00:02"));
	assert_true(done);
	/* Later: the kernels refreshing their caches, counted not listed. */
	assert_false(wrap_frame_listed(&done, "srv→cli ARP who has 100.0.0.1? tell 200.0.0.2"));
	assert_false(wrap_frame_listed(&done, "cli→srv ARP 100.0.0.1 is at 02:00:00:00:00:01"));
	assert_true(wrap_frame_listed(&done, "cli→srv UDP 100.0.0.1:9000 → 200.0.0.2:80 len=4"));
	assert_true(wrap_frame_listed(&done, NULL) || true);
}

static void markdown_specials_are_escaped(void **state)
{
	(void)state;
	char out[256];
	md_inline("a | b `c` *d* _e_ [f](g) <h> #i \\j", out, sizeof(out));
	assert_string_equal(out, "a \\| b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\<h\\> \\#i \\\\j");
	md_inline("1. not a list", out, sizeof(out));
	assert_string_equal(out, "1\\. not a list");
	md_inline("- not a list either", out, sizeof(out));
	assert_string_equal(out, "\\- not a list either");
	md_inline("    not code  ", out, sizeof(out));
	assert_string_equal(out, "not code");
	md_inline("200.0.0.2 stays as it is", out, sizeof(out));
	assert_string_equal(out, "200.0.0.2 stays as it is");
	md_inline("\x1b[2J", out, sizeof(out)); /* no escape sequence reaches a terminal */
	assert_string_equal(out, "\\\\x1b\\[2J");
}

static void fences_are_longer_than_any_backtick_run(void **state)
{
	(void)state;
	assert_int_equal(md_fence_len("send \"a\"", 3), 3);
	assert_int_equal(md_fence_len("say ```` x", 3), 5);
	assert_int_equal(md_fence_len("a`b", 1), 2);
	assert_int_equal(md_fence_len("plain", 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_lines_are_kept),
		cmocka_unit_test(a_call_continues_under_its_text),
		cmocka_unit_test(arrows_are_one_column),
		cmocka_unit_test(cjk_takes_two_columns_and_accents_none),
		cmocka_unit_test(index_lines_break_after_a_comma),
		cmocka_unit_test(every_piece_fits),
		cmocka_unit_test(the_first_arp_exchange_is_listed),
		cmocka_unit_test(markdown_specials_are_escaped),
		cmocka_unit_test(fences_are_longer_than_any_backtick_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
