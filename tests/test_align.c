/* test_align.c - --compare A B: which steps of two lessons share a row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "lesson.h"
#include "lesson_align.h"

/* A lesson whose steps have these titles ('|' between them), one command each. */
static struct lesson *steps(const char *titles)
{
	static char text[8192], err[CMD_ERR_MAX + 128];
	size_t o = (size_t)snprintf(text, sizeof text, "title: t\n");
	char copy[1024];
	snprintf(copy, sizeof copy, "%s", titles);
	for (char *save = NULL, *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save))
		o += (size_t)snprintf(text + o, sizeof text - o, "step: %s\n> server socket tcp\n", t);
	struct lesson *l = NULL;
	if (lesson_parse(text, o, "t.lesson", "t", &l, err, sizeof err) != 0)
		fail_msg("%s", err);
	return l;
}

/* The rows as text: "0-0 1-1 2-" (a's step, '-', b's step; nothing for none). */
static void check(const char *ta, const char *tb, enum lesson_align_how want_how, const char *want)
{
	struct lesson *a = steps(ta), *b = steps(tb);
	static int row[LESSON_ALIGN_MAX][2];
	enum lesson_align_how how;
	int n = lesson_align(a, b, row, LESSON_ALIGN_MAX, &how);
	char got[512] = "";
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		char x[12] = "", y[12] = "";
		if (row[i][0] >= 0)
			snprintf(x, sizeof x, "%d", row[i][0]);
		if (row[i][1] >= 0)
			snprintf(y, sizeof y, "%d", row[i][1]);
		o += (size_t)snprintf(got + o, sizeof got - o, "%s%s-%s", i ? " " : "", x, y);
	}
	if (how != want_how || strcmp(got, want))
		fail_msg("%s / %s: \"%s\" %s, expected \"%s\" %s", ta, tb, got, lesson_align_name(how), want,
			 lesson_align_name(want_how));
	lesson_free(a);
	lesson_free(b);
}

static void test_align(void **state)
{
	(void)state;
	/* The same length: in step, whatever the titles. */
	check("a|b|c", "x|y|z", LA_IN_STEP, "0-0 1-1 2-2");
	check("a|b", "b|a", LA_IN_STEP, "0-0 1-1");
	/* Different lengths, titles in common: those on one row, the rest alone. */
	check("socket|bind|close|the end", "socket|bind|shutdown|peer sends|the end", LA_BY_TITLE,
	      "0-0 1-1 2- -2 -3 3-4");
	check("Socket |BIND", "intro|socket|bind", LA_BY_TITLE, "-0 0-1 1-2");
	check("a|b|c|d", "d", LA_BY_TITLE, "0- 1- 2- 3-0");
	/* Different lengths, nothing in common: by position, the shorter ends early. */
	check("a|b|c", "x", LA_BY_POSITION, "0-0 1- 2-");
	check("a", "x|y", LA_BY_POSITION, "0-0 -1");
	assert_string_equal(lesson_align_name(LA_IN_STEP), "in step");
	assert_string_equal(lesson_align_name(LA_BY_TITLE), "lined up by step title");
	assert_string_equal(lesson_align_name(LA_BY_POSITION), "lined up by position");
}

/* Never more rows than asked for. */
static void test_bounded(void **state)
{
	struct lesson *a = steps("a|b|c|d|e"), *b = steps("x");
	int row[3][2];
	enum lesson_align_how how;
	(void)state;
	assert_int_equal(lesson_align(a, b, row, 3, &how), 3);
	assert_int_equal(row[2][0], 2);
	assert_int_equal(row[2][1], -1);
	lesson_free(a);
	lesson_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_align),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
