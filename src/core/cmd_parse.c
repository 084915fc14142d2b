/* cmd_parse.c - cmd_parse: one line of text in, one struct cmd (or one
 * error line) out. The line is checked for length and binary bytes, split
 * into words (cmd_lex.c), and its verb is found in the verb table
 * (cmd_verbs.c), whose row says how many words follow and which parser
 * reads them. Every error names what was expected, because the same parser
 * answers a student at the ':' prompt and a teacher writing a lesson file.
 * Pure and table-driven: no I/O, no allocation, no mutable globals. */
#include "cmd_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* SIDE verb ARGS: "server bind 200.0.0.2 80". */
static int parse_side_cmd(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_verb_info *d;
	char example[128];
	struct verb_words words = verb_words(true, false);
	struct list list = cmd_join(words.w);

	snprintf(x->side, sizeof x->side, "%.31s", cmd_show(&a[0]).s);
	if (n < 2)
		return cmd_fail(x, "\"%s\" needs a command: expected %s, e.g. %s socket tcp", x->side,
				list.s, x->side);
	d = find_verb(&a[1], true);
	if (!d)
		return cmd_fail(x, "unknown %s command \"%s\": expected %s%s", side_name(c->t.side),
				cmd_show(&a[1]).s, list.s, cmd_suggest(&a[1], words.w).s);
	set_who(x, a, 2);
	snprintf(example, sizeof example, "%s %s", x->side, d->example);
	c->verb = d->verb;
	if (want_count(x, n - 2, a + 2, d->min, d->max, d->needs, example) < 0)
		return -EINVAL;
	return d->parse ? d->parse(x, c, a + 2, n - 2) : 0;
}

/* The words of a line that is not blank: a side command or a top-level one. */
static int parse_words(struct cmd_ctx *x, struct cmd *c)
{
	const struct cmd_tok *a = x->tk.v;
	size_t n = x->tk.n;
	int r = parse_side(x, &a[0], &c->t);
	const struct cmd_verb_info *d;

	if (r != 0)
		return r < 0 ? r : parse_side_cmd(x, c, a, n);
	d = find_verb_bang(&a[0], false, &c->force);
	if (d) {
		c->verb = d->verb;
		set_who(x, a, 1);
		if (want_count(x, n - 1, a + 1, d->min, d->max, d->needs, d->example) < 0)
			return -EINVAL;
		return d->parse(x, c, a + 1, n - 1);
	}
	d = find_verb(&a[0], true);
	if (d)
		return cmd_fail(x, "\"%s\" needs a side first: expected server or client, e.g. server %s",
				d->name, d->example);
	struct verb_words top = verb_words(false, true);
	return cmd_fail(x, "unknown command \"%s\": expected one of %s%s", cmd_show(&a[0]).s,
			cmd_join(top.w).s, cmd_suggest(&a[0], top.w).s);
}

int cmd_parse(const char *line, struct cmd *out, char *err, size_t errlen)
{
	struct cmd_ctx x;
	size_t len;
	int r;

	x.err = err;
	x.errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	if (!line || !out)
		return cmd_fail(&x, "no line to parse");
	x.tk.n = 0;
	x.who[0] = x.side[0] = '\0';
	x.line = line;

	/* A line read with fgets still carries its end; a CRLF file its '\r'. */
	len = strlen(line);
	if (len > 0 && line[len - 1] == '\n') {
		len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
	}
	if (len > CMD_LINE_MAX)
		return cmd_fail(&x, "line is %zu bytes; at most %d expected", len, CMD_LINE_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return cmd_fail(&x, "line contains a binary byte 0x%02X at column %zu; expected text", ch, i + 1);
	}

	r = cmd_lex(&x, line, len);
	if (r < 0)
		return r;
	if (x.tk.n == 0)
		return 0;

	memset(out, 0, sizeof *out);
	out->t.fd = -1;
	out->t.prog = 1;
	out->conv = CONV_INET_ADDR;
	out->backlog = 5;
	out->maxlen = 1024;
	r = parse_words(&x, out);
	return r < 0 ? r : 1;
}

int cmd_parse_target(const char *word, struct target *t, char *err, size_t errlen)
{
	struct cmd_ctx x = { .err = err, .errlen = errlen };
	struct cmd_tok w;

	if (err && errlen)
		err[0] = '\0';
	if (!word || !t)
		return cmd_fail(&x, "no program to parse");
	w = (struct cmd_tok){ word, strlen(word), false, 0 };
	int r = parse_side(&x, &w, t);
	if (r == 0)
		return cmd_fail(&x, "\"%s\" is no program: expected server or client, or a further program of "
				"a side, e.g. client2", cmd_show(&w).s);
	return r < 0 ? r : 0;
}
