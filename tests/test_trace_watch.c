/* test_trace_watch.c - a -g program's struct sockaddr_in found in its debug
 * information (dwarf_read.c), passed as sockstep-dwarf's answer and parsed
 * back (trace_dwarf.c), the watches that cover it (trace_watch.c).
 *   test_trace_watch WATCH_PROG WATCH_PROG_NOG WATCH_PROG_SOURCE */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dwarf_read.h"
#include "priv.h"
#include "trace_dwarf.h"
#include "trace_watch.h"

static const char *prog, *prog_nog, *source;

static void covers_an_aligned_struct_with_two_watches(void **state)
{
	(void)state;
	uint64_t slot[TW_SLOTS];
	int n = 0;
	assert_int_equal(tw_cover(0x7ffd1000, 16, slot, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(slot[0], 0x7ffd1000);
	assert_int_equal(slot[1], 0x7ffd1008);
}

static void covers_an_unaligned_struct_with_three(void **state)
{
	(void)state;
	uint64_t slot[TW_SLOTS];
	int n = 0;
	assert_int_equal(tw_cover(0x1004, 16, slot, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(slot[0], 0x1000);
	assert_int_equal(slot[2], 0x1010);
	/* a second unaligned one does not fit in the one register left */
	assert_int_equal(tw_cover(0x2004, 16, slot, &n), -ENOSPC);
	assert_int_equal(n, 3);
	assert_int_equal(tw_cover(0x3000, 8, slot, &n), 0);
	assert_int_equal(n, 4);
}

static void dr7_enables_write_watches_of_eight_bytes(void **state)
{
	(void)state;
	/* slot 0: L0 (bit 0), RW0 = 01 (bits 16-17), LEN0 = 10 (bits 18-19); slot 1 likewise at 2, 20, 22 */
	assert_int_equal(tw_dr7(1), 0x90001);
	assert_int_equal(tw_dr7(2), 0x990005);
	assert_int_equal(tw_dr7(0), 0);
}

/* The line of source holding text, 1-based. */
static int line_of(const char *text)
{
	FILE *f = fopen(source, "r");
	char buf[512];
	int n = 0, found = 0;
	while (f && fgets(buf, sizeof(buf), f)) {
		n++;
		if (!found && strstr(buf, text))
			found = n;
	}
	if (f)
		fclose(f);
	return found;
}

static void finds_mains_sockaddr_in_and_the_global(void **state)
{
	(void)state;
	static struct tdw_prog p;
	char err[256] = "";
	assert_int_equal(tdw_read(prog, &p, err, sizeof(err)), 0);
	assert_int_equal(p.nvars, 2);
	assert_string_equal(p.vars[0].name, "echoserver");
	assert_false(p.vars[0].global);
	assert_true(p.vars[0].off < 0); /* in main's frame, below the CFA */
	assert_string_equal(p.vars[1].name, "last_peer");
	assert_true(p.vars[1].global);
	assert_true(p.vars[1].addr != 0);
	assert_true(p.main_lo < p.main_hi);
	assert_true(p.pie);
	assert_int_equal(tdw_frame_base(&p, 0x7ffd2000), p.fb == TDW_FB_RBP ? 0x7ffd1ff0 : 0x7ffd2000);

	char file[4096], code[160];
	int line = 0;
	assert_int_equal(tdw_line(&p, p.main_lo, file, sizeof(file), &line, NULL, 0), 0);
	assert_non_null(strstr(file, "watch_prog.c"));
	assert_true(file[0] == '/'); /* the compiler's folder joined: read from any folder */
	/* the prologue's line: the signature (clang) or its opening brace (gcc) */
	assert_true(line == line_of("int main(") || line == line_of("int main(") + 1);
	assert_int_equal(tdw_source_line(file, line_of("echoserver.sin_port = htons"), code, sizeof(code)), 0);
	assert_string_equal(code, "echoserver.sin_port = htons((unsigned short)atoi(argv[2]));");
	assert_int_equal(tdw_line(&p, 1, file, sizeof(file), &line, NULL, 0), -ENOENT);
}

/* The answer sockstep-dwarf prints, parsed back as sockstep does: the same
 * variables, and the statement's line and text found from its address. */
static void the_answer_parses_back_to_the_same_program(void **state)
{
	(void)state;
	static struct tdw_prog p, q;
	char err[256] = "", *buf = NULL;
	size_t len = 0;
	assert_int_equal(tdw_read(prog, &p, err, sizeof(err)), 0);
	FILE *f = open_memstream(&buf, &len);
	tdw_print(f, &p, 0, "");
	fclose(f);
	assert_true(len < TDW_ANSWER_MAX);
	assert_int_equal(tdw_parse(buf, len, &q, err, sizeof(err)), 0);
	assert_memory_equal(&p, &q, sizeof(p));
	int want = line_of("echoserver.sin_port = htons"), line = 0, i;
	for (i = 0; i < q.nrows && q.rows[i].line != want; i++)
		;
	assert_true(i < q.nrows);
	char file[TDW_PATH_MAX], text[TDW_TEXT_MAX];
	assert_int_equal(tdw_line(&q, q.rows[i].pc + 1, file, sizeof(file), &line, text, sizeof(text)), 0);
	assert_int_equal(line, want);
	assert_string_equal(text, "echoserver.sin_port = htons((unsigned short)atoi(argv[2]));");
	/* cut anywhere before its "end": not an answer */
	assert_int_equal(tdw_parse(buf, len - 1, &q, err, sizeof(err)), -EPROTO);
	assert_int_equal(tdw_parse(buf, len / 2, &q, err, sizeof(err)), -EPROTO);
	assert_int_equal(q.nvars, 0);
	free(buf);
}

static int parse(const char *text)
{
	static struct tdw_prog p;
	char why[256];
	return tdw_parse(text, strlen(text), &p, why, sizeof(why));
}

/* The answer comes from a process that read an untrusted file: each field is checked. */
static void an_answer_out_of_bounds_is_refused(void **state)
{
	(void)state;
	const char *head = "sockstep-dwarf 1\nprog 1 0\nmain 1000 1100 cfa\nvar local sa -32\nfile /s.c\n";
	char a[512];
	snprintf(a, sizeof(a), "%srow 1000 0 3 int x;\nend\n", head);
	assert_int_equal(parse(a), 0);
	const char *bad[] = {
		"row 1100 0 3 x\n",       /* past main */
		"row 1000 1 3 x\n",       /* no file 1 */
		"row 1000 0 0 x\n",       /* line 0 */
		"row 1000 0 3 a\tb\n",   /* a control character */
		"row 1010 0 3 x\nrow 1008 0 4 y\n", /* descending */
		"row 1000 0 3 x\nvar global g 1\nvar global g 2\nvar global g 3\nvar global g 4\n", /* five */
		"var local s a -1\n",     /* a name with a space */
		"row 10000000000000000 0 3 x\n", /* 17 digits */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(a, sizeof(a), "%s%send\n", head, bad[i]);
		assert_int_equal(parse(a), -EPROTO);
	}
	assert_int_equal(parse("sockstep-dwarf 2\nprog 1 0\nmain 1000 1100 cfa\nvar local sa -32\nend\n"), -EPROTO);
	assert_int_equal(parse("sockstep-dwarf 1\nmain 1000 1100 cfa\nvar local sa -32\nend\n"), -EPROTO);
	assert_int_equal(parse("sockstep-dwarf 1\nprog 1 0\nmain 1000 1000 cfa\nvar local sa -32\nend\n"), -EPROTO);
	assert_int_equal(parse("sockstep-dwarf 1\nprog 1 0\nmain 1000 1100 cfa\nend\n"), -EPROTO); /* no variable */
	snprintf(a, sizeof(a), "%send\nend\n", head); /* more after its end */
	assert_int_equal(parse(a), -EPROTO);
	/* the helper's own failure, with its line */
	static struct tdw_prog p;
	char why[256];
	const char *e = "sockstep-dwarf 1\nerror 61 no debug information: build with -g\nend\n";
	assert_int_equal(tdw_parse(e, strlen(e), &p, why, sizeof(why)), -ENODATA);
	assert_string_equal(why, "no debug information: build with -g");
	assert_int_equal(parse("sockstep-dwarf 1\nerror 0 x\nend\n"), -EPROTO);
}

static void a_program_without_g_says_build_with_g(void **state)
{
	(void)state;
	static struct tdw_prog p;
	char err[256] = "";
	assert_int_equal(tdw_read(prog_nog, &p, err, sizeof(err)), -ENODATA);
	assert_string_equal(err, "no debug information: build with -g to see the sockaddr's bytes statement by "
			    "statement");
	assert_int_equal(tdw_read("/nonexistent/prog", &p, err, sizeof(err)), -ENOENT);
}

/* sockstep may be root: a source file named by a program's debug
 * information is opened with the user's rights (as root without SUDO_UID,
 * uid 65534's): a file only root may read is not shown. */
static void a_source_the_user_cannot_read_is_not_shown(void **state)
{
	(void)state;
	if (!priv_real_root())
		skip(); /* as a user, sockstep reads what that user may: nothing to refuse here */
	char path[] = "/tmp/sockstep-watch-XXXXXX", out[64] = "";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "secret\n", 7), 7);
	close(fd);
	chmod(path, 0600);
	assert_int_equal(tdw_source_line(path, 1, out, sizeof(out)), -EACCES);
	assert_string_equal(out, "");
	chmod(path, 0644);
	assert_int_equal(tdw_source_line(path, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "secret");
	assert_int_equal(tdw_source_line(path, 2, out, sizeof(out)), -ENOENT);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: test_trace_watch WATCH_PROG WATCH_PROG_NOG SOURCE\n");
		return 2;
	}
	unsetenv("SUDO_UID"); /* as root: files are opened as uid 65534 */
	unsetenv("SUDO_GID");
	priv_init();
	prog = argv[1];
	prog_nog = argv[2];
	source = argv[3];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(covers_an_aligned_struct_with_two_watches),
		cmocka_unit_test(covers_an_unaligned_struct_with_three),
		cmocka_unit_test(dr7_enables_write_watches_of_eight_bytes),
		cmocka_unit_test(finds_mains_sockaddr_in_and_the_global),
		cmocka_unit_test(the_answer_parses_back_to_the_same_program),
		cmocka_unit_test(an_answer_out_of_bounds_is_refused),
		cmocka_unit_test(a_program_without_g_says_build_with_g),
		cmocka_unit_test(a_source_the_user_cannot_read_is_not_shown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
