/* test_families.c - the lecture's families and types, and the table of
 * what the kernel answered, as a student reads it: every family and type of
 * the lecture listed once, families that answered alike on one row, each
 * cell a descriptor or a code the legend names by its errno, 78 columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <errno.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "families.h"

static int res[FAM_NCALLS];

static int fam_index(const char *name)
{
	for (int f = 0; f < FAM_NFAMILIES; f++)
		if (!strcmp(fam_families()[f].name, name))
			return f;
	fail_msg("the lecture's family %s is not listed", name);
	return -1;
}

/* The lecture's list, exactly: 24 families from AF_UNIX to AF_XDP, 6 types. */
static void test_lists(void **state)
{
	static const char *const lecture[] = { "AF_UNIX", "AF_LOCAL", "AF_INET", "AF_AX25", "AF_IPX",
		"AF_APPLETALK", "AF_X25", "AF_INET6", "AF_DECnet", "AF_KEY", "AF_NETLINK", "AF_PACKET", "AF_RDS",
		"AF_PPPOX", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC", "AF_BLUETOOTH", "AF_ALG", "AF_VSOCK",
		"AF_KCM", "AF_XDP" };
	(void)state;
	for (int f = 0; f < FAM_NFAMILIES; f++)
		assert_string_equal(fam_families()[f].name, lecture[f]);
	assert_int_equal(fam_families()[fam_index("AF_INET")].domain, AF_INET);
	assert_int_equal(fam_families()[fam_index("AF_LOCAL")].domain, AF_UNIX);
	assert_string_equal(fam_types()[0].name, "SOCK_STREAM");
	assert_int_equal(fam_types()[1].type, SOCK_DGRAM);
	assert_string_equal(fam_types()[5].name, "SOCK_PACKET");
}

static void line_of(const char *t, int n, char *out, size_t len)
{
	for (; n > 0 && t; n--)
		t = (t = strchr(t, '\n')) ? t + 1 : NULL;
	snprintf(out, len, "%.*s", t ? (int)strcspn(t, "\n") : 0, t ? t : "");
}

static void test_table(void **state)
{
	char t[4096], l[256];
	(void)state;
	/* Every family without support but two, as a kernel built small. */
	for (int i = 0; i < FAM_NCALLS; i++)
		res[i] = -EAFNOSUPPORT;
	int inet = fam_index("AF_INET"), unx = fam_index("AF_UNIX"), loc = fam_index("AF_LOCAL");
	int row_inet[FAM_NTYPES] = { 3, 3, -ESOCKTNOSUPPORT, -EPROTONOSUPPORT, -ESOCKTNOSUPPORT, 3 };
	int row_unix[FAM_NTYPES] = { 3, 3, 3, 3, -ESOCKTNOSUPPORT, -ESOCKTNOSUPPORT };
	memcpy(res + inet * FAM_NTYPES, row_inet, sizeof row_inet);
	memcpy(res + unx * FAM_NTYPES, row_unix, sizeof row_unix);
	memcpy(res + loc * FAM_NTYPES, row_unix, sizeof row_unix);
	int n = fam_table(res, t, sizeof t);
	line_of(t, 0, l, sizeof l);
	assert_string_equal(l, "FAMILY (AF_...)                         STREAM DGRAM SEQPACKET RAW RDM PACKET");
	line_of(t, 1, l, sizeof l); /* the synonym answers alike: one row */
	assert_string_equal(l, "UNIX LOCAL                              3      3     3         3   ST  ST");
	line_of(t, 2, l, sizeof l);
	assert_string_equal(l, "INET                                    3      3     ST        PR  ST  3");
	line_of(t, 3, l, sizeof l); /* all the others: one row, its names wrapped */
	assert_string_equal(l, "AX25 IPX APPLETALK X25 INET6 DECnet KEY AF     AF    AF        AF  AF  AF");
	assert_non_null(strstr(t, "\nN: the descriptor (closed at once)  AF: EAFNOSUPPORT  ST: ESOCKTNOSUPPORT\n"
				  "PR: EPROTONOSUPPORT"));
	assert_null(strstr(t, "ENODEV")); /* the legend names only the codes used */
	/* Every family is named once below the heading (whose PACKET is the
	 * type), and every line fits 78 columns. */
	for (int f = 0; f < FAM_NFAMILIES; f++) {
		char w[32];
		snprintf(w, sizeof w, " %s ", fam_families()[f].name + 3);
		char padded[4200];
		snprintf(padded, sizeof padded, " %s ", strchr(t, '\n') + 1);
		for (char *p = padded; *p; p++)
			if (*p == '\n')
				*p = ' ';
		char *a = strstr(padded, w);
		assert_non_null(a);
		assert_null(strstr(a + 1, w));
	}
	for (int i = 0; i < n; i++) {
		line_of(t, i, l, sizeof l);
		assert_true(strlen(l) <= FAM_WIDTH);
	}
	/* An errno without a code of its own: its name's letters after the E. */
	res[0] = -EMFILE;
	fam_table(res, t, sizeof t);
	line_of(t, 1, l, sizeof l);
	assert_string_equal(l, "UNIX                                    MF     3     3         3   ST  ST");
	assert_non_null(strstr(t, "others: the errno's letters after E"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
