/* test_bounded.c - the bounded list (bounded.c): it grows, keeps at most
 * its bound, drops the oldest quarter at once and says how many went. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "bounded.h"

struct item {
	int no;
	char *text; /* owned: freed when dropped */
};

static int freed;

static void drop_item(void *p)
{
	struct item *it = p;
	free(it->text);
	freed++;
}

/* 1000 appends to a list bounded at 100: the newest stay, in order, and
 * every one dropped was counted and handed to drop. */
static void test_keeps_the_newest(void **state)
{
	(void)state;
	struct item *v = NULL;
	size_t n = 0, cap = 0;
	unsigned long dropped = 0;
	freed = 0;
	for (int i = 0; i < 1000; i++) {
		struct item *t = bounded_room(v, sizeof(*t), &n, &cap, 100, &dropped, drop_item);
		assert_non_null(t);
		v = t;
		v[n++] = (struct item){ .no = i, .text = malloc(8) };
		assert_true(n <= 100);
	}
	/* Full at 100, a quarter gone each time: 75 after a drop, refilled to 100. */
	assert_int_equal(n, 100);
	assert_int_equal(dropped, 900);
	assert_int_equal(freed, 900);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].no, 900 + (int)i);
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

/* A quarter at once: after the first drop, 24 more appends move nothing. */
static void test_drops_a_quarter(void **state)
{
	(void)state;
	int *v = NULL;
	size_t n = 0, cap = 0;
	unsigned long dropped = 0;
	for (int i = 0; i < 101; i++) {
		v = bounded_room(v, sizeof(*v), &n, &cap, 100, &dropped, NULL);
		assert_non_null(v);
		v[n++] = i;
	}
	assert_int_equal(n, 76);
	assert_int_equal(dropped, 25);
	assert_int_equal(v[0], 25);
	for (int i = 101; i < 125; i++) {
		v = bounded_room(v, sizeof(*v), &n, &cap, 100, &dropped, NULL);
		v[n++] = i;
	}
	assert_int_equal(n, 100);
	assert_int_equal(dropped, 25);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_the_newest),
		cmocka_unit_test(test_drops_a_quarter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
