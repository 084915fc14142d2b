/* test_call_text.c - a call event's result, as batch and handouts print
 * it, comes from the event: which call it was, its result or errno. A
 * fork whose C text is not sockstep's own ("child = fork();", as a traced
 * program would be shown) still prints no pid, and a call whose text only
 * looks like fork's prints its number. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "call_text.h"

static struct event call_ev(enum verb v, const char *text, long ret, int err)
{
	struct event ev = { .kind = EV_CALL, .ret = ret, .err = err, .text = (char *)text };
	ev.call = (struct call_args){ .set = true, .verb = v };
	return ev;
}

static void fork_by_verb(void **state)
{
	(void)state;
	char out[96];
	struct event ev = call_ev(V_FORK, "child = fork();", 4242, 0);
	call_result_text(&ev, CALL_FORM_FULL, out, sizeof(out));
	assert_string_equal(out, "the child's pid (> 0; fork() returns 0 in the child)");
	call_result_text(&ev, CALL_FORM_SHORT, out, sizeof(out));
	assert_string_equal(out, "the child's pid (> 0)");
	call_result_text(&ev, CALL_FORM_WORD, out, sizeof(out));
	assert_string_equal(out, "pid");
}

static void not_fork_by_text(void **state)
{
	(void)state;
	char out[96];
	struct event ev = call_ev(V_SOCKET, "pid = fork(); /* not really */", 3, 0);
	call_result_text(&ev, CALL_FORM_FULL, out, sizeof(out));
	assert_string_equal(out, "3");
	ev = call_ev(V_FORK, "pid = fork();", 0, 0); /* the child's own return */
	call_result_text(&ev, CALL_FORM_WORD, out, sizeof(out));
	assert_string_equal(out, "0");
}

static void errno_forms(void **state)
{
	(void)state;
	char out[96];
	struct event ev = call_ev(V_BIND, "bind(sock, ...);", -1, EADDRINUSE);
	call_result_text(&ev, CALL_FORM_WORD, out, sizeof(out));
	assert_string_equal(out, "EADDRINUSE");
	call_result_text(&ev, CALL_FORM_FULL, out, sizeof(out));
	assert_non_null(strstr(out, "-1 EADDRINUSE ("));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fork_by_verb),
		cmocka_unit_test(not_fork_by_text),
		cmocka_unit_test(errno_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
