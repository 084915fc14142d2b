/* test_grammar.c - one language, told the same everywhere. The verb table
 * (cmd.h) is the grammar; --help, the '?' overlay, Tab completion and the man
 * page's COMMANDS list must name exactly its commands: a form missing from
 * one of them, or one that is not in the table, fails here by name.
 *
 * A command is named by its key: the literal words its syntax starts with,
 * "SIDE" included ("SIDE bind", "wire delay", "expect wire held"), up to the
 * first value, option or choice (IP, [nohtons], tcp|udp).
 *
 * Arguments: the sockstep binary (for --help) and sockstep.1. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "help.h"

static const char *sockstep_bin, *man_page;

#define KEYS_MAX 96
#define KEY_LEN 64

struct keys {
	char k[KEYS_MAX][KEY_LEN];
	size_t n;
};

static bool literal(const char *w, size_t n)
{
	if (n == 4 && !memcmp(w, "SIDE", 4))
		return true;
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9') || w[i] == '_' ||
		      (w[i] == '!' && i == n - 1 && i > 0))) /* "save!": the forcing form of a verb */
			return false;
	return n > 0;
}

/* The key of a syntax: its leading literal words, one blank apart. */
static void key_of(const char *syntax, char *key, size_t len)
{
	size_t k = 0;
	const char *p = syntax;

	key[0] = '\0';
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *b = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p == b || !literal(b, (size_t)(p - b)))
			return;
		int w = snprintf(key + k, len - k, "%s%.*s", k ? " " : "", (int)(p - b), b);
		assert_true(w > 0 && (size_t)w < len - k);
		k += (size_t)w;
	}
}

/* A line of a command list: its syntax ends at the first two blanks (the
 * help follows), and its key is added to the set (once). */
static void add_line(struct keys *s, const char *line, const char *where)
{
	char syntax[HELP_LINE_MAX], key[KEY_LEN];
	const char *gap = strstr(line, "  ");
	size_t n = gap ? (size_t)(gap - line) : strlen(line);

	assert_true(n < sizeof syntax);
	memcpy(syntax, line, n);
	syntax[n] = '\0';
	key_of(syntax, key, sizeof key);
	if (!key[0])
		fail_msg("%s: the line \"%s\" names no command", where, line);
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->k[i], key))
			return;
	assert_true(s->n < KEYS_MAX);
	strcpy(s->k[s->n++], key);
}

static bool has(const struct keys *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->k[i], key))
			return true;
	return false;
}

/* Both ways: every command of the table is in got, and got has no other. */
static void same_set(const struct keys *table, const struct keys *got, const char *where)
{
	int bad = 0;

	for (size_t i = 0; i < table->n; i++)
		if (!has(got, table->k[i])) {
			print_message("%s lacks the command \"%s\"\n", where, table->k[i]);
			bad++;
		}
	for (size_t i = 0; i < got->n; i++)
		if (!has(table, got->k[i])) {
			print_message("%s lists \"%s\", which is not in the verb table\n", where, got->k[i]);
			bad++;
		}
	if (bad)
		fail_msg("%s and the verb table disagree on %d command%s", where, bad, bad == 1 ? "" : "s");
}

static void table_keys(struct keys *s)
{
	size_t n;
	const struct cmd_verb_info *t = cmd_verb_table(&n);

	s->n = 0;
	for (size_t v = 0; v < n; v++)
		for (size_t f = 0; f < CMD_FORMS_MAX && t[v].forms[f].syntax; f++)
			add_line(s, t[v].forms[f].syntax, "the verb table");
}

/* The table itself: one row per verb, every form starting with its verb,
 * help that fits the 80 columns help.h promises. */
static void test_table(void **state)
{
	size_t n;
	const struct cmd_verb_info *t = cmd_verb_table(&n);
	int rows[V_COUNT_] = { 0 };
	struct keys all;

	(void)state;
	assert_int_equal(n, V_COUNT_);
	for (size_t v = 0; v < n; v++) {
		char want[64], key[KEY_LEN];
		assert_true((unsigned)t[v].verb < V_COUNT_);
		rows[t[v].verb]++;
		assert_ptr_equal(cmd_verb_info(t[v].verb), &t[v]);
		assert_string_equal(cmd_verb_name(t[v].verb), t[v].name);
		assert_non_null(t[v].forms[0].syntax);
		snprintf(want, sizeof want, "%s%s", t[v].flags & CMD_F_SIDE ? "SIDE " : "", t[v].name);
		for (size_t f = 0; f < CMD_FORMS_MAX && t[v].forms[f].syntax; f++) {
			key_of(t[v].forms[f].syntax, key, sizeof key);
			/* The forcing form ("save! lesson FILE") starts with the verb and a '!'. */
			size_t wl = strlen(want);
			if (t[v].bang && !(t[v].flags & CMD_F_SIDE) && !strncmp(key, t[v].bang, strlen(t[v].bang)))
				wl = strlen(t[v].bang);
			if (strncmp(key, want, strlen(want)) || (key[wl] && key[wl] != ' '))
				fail_msg("the form \"%s\" of \"%s\" does not start with \"%s\"", t[v].forms[f].syntax,
					 t[v].name, want);
			assert_non_null(t[v].forms[f].help);
			if (strlen(t[v].forms[f].help) > 40)
				fail_msg("the help of \"%s\" is %zu characters; at most 40 fit", t[v].forms[f].syntax,
					 strlen(t[v].forms[f].help));
		}
		for (size_t u = 0; u < v; u++)
			if (!strcmp(t[u].name, t[v].name))
				fail_msg("\"%s\" is in the table twice", t[v].name);
	}
	for (int v = 0; v < V_COUNT_; v++)
		if (rows[v] != 1)
			fail_msg("verb %d has %d rows in the table; expected one", v, rows[v]);
	assert_null(cmd_verb_info(V_COUNT_));
	table_keys(&all);
	assert_true(has(&all, "SIDE sysctl"));
	assert_true(has(&all, "expect sockaddr"));
	assert_true(has(&all, "expect wire held"));
	assert_true(has(&all, "ntohs"));
	assert_true(has(&all, "SIDE fork"));
}

/* cmd_acts() reads the table: the settle loop waits after these only. */
static void test_acts(void **state)
{
	static const struct {
		const char *line;
		bool acts;
	} cases[] = {
		{ "server socket tcp", true }, { "client connect 200.0.0.2 80", true },
		{ "client send \"a sysctl b\"", true }, { "client send \"expect\"", true },
		{ "client2.1#4 recv", true }, { "server select rd 3", true }, { "server fork", true },
		{ "server interrupt", true }, { "client nonblock on", true }, { "wire hold", true },
		{ "wait 1s", true }, { "client sysctl net.ipv4.ip_local_port_range", false },
		{ "say \"server send x\"", false }, { "expect client state CLOSED", false },
		{ "inet_addr 1.2.3.4", false }, { "inet_pton 1.2.3.4", false }, { "htons 80", false },
		{ "htonl 80", false }, { "ntohs 80", false }, { "ntohl 80", false },
	};
	static struct cmd c;
	char err[CMD_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cmd_parse(cases[i].line, &c, err, sizeof err) != 1)
			fail_msg("\"%s\": %s", cases[i].line, err);
		if (cmd_acts(&c) != cases[i].acts)
			fail_msg("\"%s\": cmd_acts %d, expected %d", cases[i].line, cmd_acts(&c), cases[i].acts);
	}
	assert_false(cmd_acts(NULL));
}

/* The '?' overlay: the lines after its "# Commands" heading. */
static void test_overlay(void **state)
{
	struct keys table, got = { .n = 0 };
	char line[HELP_LINE_MAX];
	size_t n = help_overlay(0, NULL, 0);
	bool in = false;

	(void)state;
	table_keys(&table);
	for (size_t i = 0; i < n; i++) {
		help_overlay(i, line, sizeof line);
		assert_true(strlen(line) < sizeof line - 1);
		if (line[0] == '#') {
			in = !strncmp(line, "# Commands", 10);
			continue;
		}
		if (in && line[0] && line[0] != ' ')
			add_line(&got, line, "the help overlay");
		/* The overlay has the screen's width less its border: 76 on 80 columns. */
		if (in && strlen(line) > 76)
			fail_msg("help overlay line of %zu columns: \"%s\"", strlen(line), line);
	}
	same_set(&table, &got, "the help overlay");
}

/* sockstep --help: the lines after "Commands", up to the blank line. */
static void test_usage(void **state)
{
	struct keys table, got = { .n = 0 };
	char cmdline[1024], line[512];
	bool in = false;

	(void)state;
	table_keys(&table);
	snprintf(cmdline, sizeof cmdline, "'%s' --help", sockstep_bin);
	FILE *f = popen(cmdline, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "Commands", 8)) {
			in = true;
			continue;
		}
		if (in && !line[0])
			break;
		if (in && strlen(line) > 80)
			fail_msg("--help line of %zu columns: \"%s\"", strlen(line), line);
		if (in && !strncmp(line, "  ", 2) && line[2] != ' ')
			add_line(&got, line + 2, "sockstep --help");
	}
	assert_int_equal(pclose(f), 0);
	assert_true(in);
	same_set(&table, &got, "sockstep --help");
}

/* A man page line as it reads: the macro dropped, font changes and quotes
 * gone, \- and \(dq as the characters they are, one blank between words. */
static void man_text(const char *in, char *out, size_t len)
{
	size_t k = 0;
	const char *p = in;

	if (*p == '.')
		p += strcspn(p, " ");
	for (; *p && k + 1 < len; p++) {
		if (p[0] == '\\' && p[1] == 'f' && p[2]) {
			p += 2;
			continue;
		}
		if (p[0] == '\\' && p[1] == '-') {
			out[k++] = '-';
			p++;
			continue;
		}
		if (p[0] == '\\' && p[1] == '(' && p[2] == 'd' && p[3] == 'q') {
			out[k++] = '"';
			p += 3;
			continue;
		}
		if (*p == ' ' && (k == 0 || out[k - 1] == ' '))
			continue; /* one blank between words: two would end the syntax */
		if (*p != '"')
			out[k++] = *p;
	}
	out[k] = '\0';
}

/* sockstep.1: the tag line of every .TP of the COMMANDS section. */
static void test_man_page(void **state)
{
	struct keys table, got = { .n = 0 };
	char line[1024], text[1024];
	bool in = false, tag = false;
	FILE *f = fopen(man_page, "r");

	(void)state;
	table_keys(&table);
	if (!f)
		fail_msg("cannot open %s: %s", man_page, strerror(errno));
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, ".SH", 3)) {
			in = !strcmp(line, ".SH COMMANDS");
			continue;
		}
		if (!in)
			continue;
		if (tag) {
			man_text(line, text, sizeof text);
			add_line(&got, text, "sockstep.1's COMMANDS");
		}
		tag = !strcmp(line, ".TP");
	}
	fclose(f);
	same_set(&table, &got, "sockstep.1's COMMANDS");
}

/* Whether complete(prefix) offers word. */
static bool completes(const char *prefix, const char *word)
{
	const char *w[64];
	int n = cmd_complete(prefix, w, 64);

	for (int i = 0; i < n; i++)
		if (!strcmp(w[i], word))
			return true;
	return false;
}

/* Completion: each word of each key is offered after the words before it
 * (SIDE as "server" and as "client2"), and what completion offers where a
 * command's words are still being chosen belongs to some command. */
static void test_completion(void **state)
{
	struct keys table;
	static const char *const sides[] = { "server", "client2" };

	(void)state;
	table_keys(&table);
	for (size_t i = 0; i < table.n; i++) {
		for (size_t s = 0; s < 2; s++) {
			char prefix[KEY_LEN * 2] = "", key[KEY_LEN];
			strcpy(key, table.k[i]);
			for (char *save = NULL, *w = strtok_r(key, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
				/* A side is offered as server and client; client2 is typed. */
				const char *word = strcmp(w, "SIDE") ? w : s ? "client" : "server";
				if (!completes(prefix, word))
					fail_msg("Tab after \"%s\" does not offer \"%s\" (the command \"%s\")", prefix, word,
						 table.k[i]);
				strcat(prefix, strcmp(w, "SIDE") ? w : sides[s]);
				strcat(prefix, " ");
			}
		}
	}
	/* The other way: after each proper prefix of a key, every word offered
	 * continues some key. */
	for (size_t i = 0; i < table.n; i++) {
		char key[KEY_LEN], prefix[KEY_LEN] = "", pkey[KEY_LEN] = "";
		strcpy(key, table.k[i]);
		for (char *save = NULL, *w = strtok_r(key, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			const char *out[64];
			int n = cmd_complete(prefix, out, 64);
			for (int j = 0; j < n; j++) {
				char want[KEY_LEN * 2];
				bool side = !strcmp(out[j], "server") || !strcmp(out[j], "client");
				snprintf(want, sizeof want, "%s%s%s", pkey, pkey[0] ? " " : "", side ? "SIDE" : out[j]);
				bool found = false;
				for (size_t k = 0; k < table.n && !found; k++)
					found = !strncmp(table.k[k], want, strlen(want)) &&
						(!table.k[k][strlen(want)] || table.k[k][strlen(want)] == ' ');
				if (!found)
					fail_msg("Tab after \"%s\" offers \"%s\", which no command of the table has there",
						 prefix, out[j]);
			}
			strcat(prefix, strcmp(w, "SIDE") ? w : "server");
			strcat(prefix, " ");
			strcat(pkey, pkey[0] ? " " : "");
			strcat(pkey, w);
		}
	}
	/* The kinds of frame an armed fault takes, after "next" only. */
	assert_true(completes("wire drop next ", "SYN-ACK") && completes("wire hold next ", "udp"));
	assert_true(completes("wire hold ", "next") && !completes("wire pass ", "next"));
	assert_false(completes("wire pass next ", "SYN"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_acts),
		cmocka_unit_test(test_overlay),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_man_page),
		cmocka_unit_test(test_completion),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: %s SOCKSTEP SOCKSTEP.1\n", argv[0]);
		return 2;
	}
	sockstep_bin = argv[1];
	man_page = argv[2];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
