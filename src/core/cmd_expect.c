/* cmd_expect.c - what "expect" can check and "predict" can ask, as one
 * table: each row is a check's word, where it is written (after a program,
 * after "wire", or on its own), whether a prediction may ask it, how many
 * values follow and the parser that reads them, and the words Tab offers
 * for its value. The expect and predict parsers, their error lines, Tab
 * completion (cmd_complete.c) and cmd_format read only this table. Pure. */
#include "cmd_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tuple.h"

/* ---- the checks' values ----------------------------------------------------- */

/* "; did you mean "LISTEN"?" for "listen": lesson authors type states in
 * lower case, the kernel's names are upper case. */
static struct shown upper_hint(const struct cmd_tok *t)
{
	struct shown o = { "" }, u = cmd_show(t);
	bool fixable = true;

	for (char *p = u.s; *p; p++) {
		*p = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			fixable = false;
	}
	if (fixable)
		snprintf(o.s, sizeof o.s, "; did you mean \"%.20s\"?", u.s);
	return o;
}

/* A state name is checked for shape only: the kernel's names (SYN_RECV,
 * FIN_WAIT1) and ss's (ESTAB, SYN-SENT) are matched by the engine. */
/* Socket states an expect may name: TCP's, and UNCONN/CONNECTED for UDP. */
static const char *const state_words[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2",
	"CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT", "UNCONN", "CONNECTED", NULL,
};

static int ex_state(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	for (size_t i = 0; i < a[0].len; i++) {
		char ch = a[0].s[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return cmd_fail(x, "bad state \"%s\": expected an upper-case state name such as LISTEN, "
					"ESTABLISHED, TIME_WAIT, UNCONN or CLOSED%s", cmd_show(&a[0]).s, upper_hint(&a[0]).s);
	}
	if (want_text(x, &a[0], c->ex.a, sizeof c->ex.a, "state") < 0)
		return -EINVAL;
	/* ss's spellings (ESTAB, SYN-SENT, ...) are accepted too. */
	if (tuple_tcp_state_parse(c->ex.a) < 0 && strcmp(c->ex.a, "CONNECTED"))
		return cmd_fail(x, "unknown state \"%s\": expected one of CLOSED, LISTEN, SYN_SENT, SYN_RECV, "
				"ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, UNCONN, CONNECTED",
				cmd_show(&a[0]).s);
	return 0;
}

/* Whether this C library knows the errno name (typos fail at parse time). */
static bool known_errno(const char *name)
{
	/* The same number as EAGAIN, so strerrorname_np never names it. */
	if (!strcmp(name, "EWOULDBLOCK"))
		return true;
	for (int e = 1; e < 200; e++) {
		const char *n = strerrorname_np(e);
		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

/* A return value ("0", "-1", "4") or an errno name ("ECONNREFUSED"). */
static int ex_result(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *t = &a[0];
	unsigned long v;
	bool ok;

	(void)n;
	if (t->len > 1 && t->s[0] == 'E') {
		ok = true;
		for (size_t i = 1; i < t->len; i++)
			if (!((t->s[i] >= 'A' && t->s[i] <= 'Z') || (t->s[i] >= '0' && t->s[i] <= '9')))
				ok = false;
	} else {
		size_t neg = t->len > 0 && t->s[0] == '-';
		ok = parse_dec(t->s + neg, t->len - neg, 2147483647UL, &v);
	}
	if (!ok)
		return cmd_fail(x, "bad result \"%s\": expected a return value or an errno name, e.g. 0, -1 or ECONNREFUSED",
				cmd_show(t).s);
	if (want_text(x, t, c->ex.a, sizeof c->ex.a, "result") < 0)
		return -EINVAL;
	if (t->s[0] == 'E' && !known_errno(c->ex.a))
		return cmd_fail(x, "unknown errno name \"%s\": expected one such as ECONNREFUSED, EADDRINUSE or EINVAL",
				cmd_show(t).s);
	return 0;
}

/* IP|* PORT|* (and '?' for remote: "no peer known", as the lecture prints). */
static int ex_endpoint(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, bool unknown_ok)
{
	struct in_addr ia;
	uint16_t port = 0;
	bool ip_wild = cmd_tok_is(&a[0], "*") || (unknown_ok && cmd_tok_is(&a[0], "?"));
	bool port_wild = cmd_tok_is(&a[1], "*") || (unknown_ok && cmd_tok_is(&a[1], "?"));

	if (!ip_wild && want_ip(x, &a[0], &ia) < 0)
		return -EINVAL;
	const char *dash = memchr(a[1].s, '-', a[1].len);
	if (!port_wild && dash && dash != a[1].s) {
		/* A range, LOW-HIGH: a port the kernel picked (ours, or the
		 * peer's as the server sees it), checked against its range. */
		struct cmd_tok lo = { a[1].s, (size_t)(dash - a[1].s), false, 0 };
		struct cmd_tok hi = { dash + 1, a[1].len - lo.len - 1, false, 0 };
		char lotxt[8], hitxt[8];
		uint16_t l = 0, h = 0;
		if (lo.len >= sizeof lotxt || hi.len >= sizeof hitxt)
			return cmd_fail(x, "bad port range \"%s\": expected LOW-HIGH, e.g. 32768-60999", cmd_show(&a[1]).s);
		memcpy(lotxt, lo.s, lo.len);
		lotxt[lo.len] = '\0';
		memcpy(hitxt, hi.s, hi.len);
		hitxt[hi.len] = '\0';
		lo.s = lotxt;
		hi.s = hitxt;
		if (want_port(x, &lo, &l) < 0 || want_port(x, &hi, &h) < 0)
			return -EINVAL;
		if (l > h)
			return cmd_fail(x, "bad port range \"%s\": the low end is above the high end; expected LOW-HIGH, "
					"e.g. 32768-60999", cmd_show(&a[1]).s);
		memcpy(c->ex.a, a[0].s, a[0].len + 1);
		snprintf(c->ex.b, sizeof c->ex.b, "%u-%u", (unsigned)l, (unsigned)h);
		return 0;
	}
	if (!port_wild && want_port(x, &a[1], &port) < 0)
		return -EINVAL;
	memcpy(c->ex.a, a[0].s, a[0].len + 1); /* validated: short */
	if (port_wild)
		memcpy(c->ex.b, a[1].s, 2);
	else
		snprintf(c->ex.b, sizeof c->ex.b, "%u", (unsigned)port);
	return 0;
}

static int ex_local(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return ex_endpoint(x, c, a, false);
}

static int ex_remote(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return ex_endpoint(x, c, a, true);
}

static int ex_data(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	return want_data(x, c, a[0].s, a[0].len);
}

static const char *const yesno_words[] = { "yes", "no", NULL };

static int ex_blocked(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	(void)n;
	if (cmd_lookup(&a[0], yesno_words) < 0)
		return cmd_fail(x, "bad value \"%s\" for blocked: expected yes or no", cmd_show(&a[0]).s);
	memcpy(c->ex.a, a[0].s, a[0].len + 1);
	return 0;
}

/* The bytes of a sockaddr_in as the lecture prints them: "02 00 00 50 ...".
 * Kept both decoded (data) and in canonical upper-case text (ex.a, the form
 * sa_hex() produces), so the engine can compare either way. */
static int ex_sockaddr(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *t = &a[0];
	size_t i = 0, nb = 0;

	(void)n;
	while (i < t->len) {
		if (cmd_blank(t->s[i])) {
			i++;
			continue;
		}
		int hi = cmd_hexval(t->s[i]), lo = i + 1 < t->len ? cmd_hexval(t->s[i + 1]) : -1;
		if (hi < 0 || lo < 0 || (i + 2 < t->len && !cmd_blank(t->s[i + 2])) || nb == 16)
			break;
		c->data[nb++] = (unsigned char)(hi * 16 + lo);
		i += 2;
	}
	if (i < t->len || nb == 0)
		return cmd_fail(x, "bad sockaddr bytes \"%s\": expected 1 to 16 two-digit hex bytes separated by "
				"blanks, e.g. \"02 00 00 50 C8 00 00 02\"", cmd_show(t).s);
	c->data_len = nb;
	for (i = 0; i < nb; i++) /* "XX", then " XX" each: byte i starts at 3i-1 */
		snprintf(c->ex.a + (i ? 3 * i - 1 : 0), 4, i ? " %02X" : "%02X", c->data[i]);
	return 0;
}

static int ex_held(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	unsigned long v;

	(void)n;
	if (want_number(x, &a[0], "frame count", 0, 1000000, &v) < 0)
		return -EINVAL;
	c->num = (uint32_t)v;
	snprintf(c->ex.a, sizeof c->ex.a, "%lu", v);
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

struct check {
	const char *name;    /* the word: "state" */
	const char *after;   /* "S": after a program ("expect client2 state"); "wire": after
			      * "expect wire"; "": the check is the first word ("expect sockaddr") */
	enum expect_what what;
	int ask;             /* 0: predict cannot ask it; else its place in predict's list,
			      * which follows the lecture: state, local, remote, result, data */
	bool ask_bare;       /* predict may ask it without a side ("predict result", of htons) */
	int nargs;           /* value words after the check's word */
	const char *needs;   /* for errors: what the value is */
	const char *example;
	parse_fn parse;
	const char *const *values; /* Tab completion of the value; NULL: none */
};

/* In the order errors and Tab list them. */
static const struct check checks[] = {
	{ "state", "S", EX_STATE, 1, false, 1, "a state name", "expect client state ESTABLISHED", ex_state,
	  state_words },
	{ "result", "S", EX_RESULT, 4, true, 1, "a return value or an errno name",
	  "expect client result ECONNREFUSED", ex_result, NULL },
	{ "local", "S", EX_LOCAL, 2, false, 2, "an address and a port (or *)",
	  "expect server local " EXAMPLE_IP " 80", ex_local, NULL },
	{ "remote", "S", EX_REMOTE, 3, false, 2, "an address and a port (or * or ?)",
	  "expect client remote " EXAMPLE_IP " 80", ex_remote, NULL },
	{ "data", "S", EX_DATA, 5, false, 1, "the text expected", "expect server data \"hola\"", ex_data, NULL },
	{ "blocked", "S", EX_BLOCKED, 0, false, 1, "yes or no", "expect server blocked yes", ex_blocked,
	  yesno_words },
	{ "sockaddr", "", EX_SOCKADDR, 0, false, 1, "the bytes in hex",
	  "expect sockaddr \"02 00 00 50 C8 00 00 02\"", ex_sockaddr, NULL },
	{ "saw", "wire", EX_WIRE_SAW, 0, false, 1, "the text to look for", "expect wire saw \"SYN\"", ex_data,
	  NULL },
	{ "held", "wire", EX_WIRE_HELD, 0, false, 1, "a frame count", "expect wire held 1", ex_held, NULL },
};
#define N_CHECKS (sizeof checks / sizeof checks[0])
#define ASK_MAX 5 /* the highest place in predict's list */

_Static_assert(N_CHECKS + 3 <= CMD_CHECKS_MAX, "CMD_CHECKS_MAX holds the checks of one place, the sides and NULL");

const char *const *cmd_check_words(const char *after, bool pred, const char **buf)
{
	size_t k = 0;

	if (!after) { /* the first word: a program, or a check or group of its own */
		buf[k++] = "server";
		buf[k++] = "client";
		for (size_t i = 0; i < N_CHECKS; i++) {
			const char *w = checks[i].after[0] && strcmp(checks[i].after, "S") ? checks[i].after
											     : checks[i].name;
			bool first = pred ? checks[i].ask_bare : strcmp(checks[i].after, "S") != 0;
			if (first && (k == 2 || strcmp(buf[k - 1], w)))
				buf[k++] = w;
		}
	} else if (pred) { /* in predict's own order */
		for (int place = 1; place <= ASK_MAX; place++)
			for (size_t i = 0; i < N_CHECKS; i++)
				if (checks[i].ask == place && !strcmp(checks[i].after, after))
					buf[k++] = checks[i].name;
	} else {
		for (size_t i = 0; i < N_CHECKS; i++)
			if (!strcmp(checks[i].after, after))
				buf[k++] = checks[i].name;
	}
	buf[k] = NULL;
	return buf;
}

/* The row of a check word written after `after`, or NULL. */
static const struct check *find_check(const char *after, const struct cmd_tok *t)
{
	for (size_t i = 0; i < N_CHECKS; i++)
		if (!strcmp(checks[i].after, after) && cmd_tok_is(t, checks[i].name))
			return &checks[i];
	return NULL;
}

const char *const *cmd_check_values(const char *after, const struct cmd_tok *name)
{
	const struct check *d = find_check(after, name);

	return d ? d->values : NULL;
}

const char *cmd_check_name(enum expect_what w)
{
	for (size_t i = 0; i < N_CHECKS; i++)
		if (checks[i].what == w)
			return checks[i].name;
	return "?";
}

/* ---- expect ----------------------------------------------------------------- */

/* Run one check once its words are known: a[0] is the first value. */
static int run_expect(struct cmd_ctx *x, struct cmd *c, const struct check *d, const struct cmd_tok *a, size_t n)
{
	c->ex.what = d->what;
	if (want_count(x, n, a, d->nargs, d->nargs, d->needs, d->example) < 0)
		return -EINVAL;
	return d->parse(x, c, a, n);
}

/* "expect SIDE|wire CHECK VALUE...": the check's word after its group. */
static int expect_in(struct cmd_ctx *x, struct cmd *c, const char *after, const struct cmd_tok *all, size_t n)
{
	const char *buf[CMD_CHECKS_MAX];
	const char *const *words = cmd_check_words(after, false, buf);
	const struct check *d;

	set_who(x, all, 2);
	if (n < 3)
		return cmd_fail(x, "\"%s\" needs what to check: expected %s, e.g. %s %s", x->who,
				cmd_join(words).s, x->who, after[0] == 'S' ? "state LISTEN" : "held 1");
	d = find_check(after, &all[2]);
	if (!d)
		return cmd_fail(x, "unknown check \"%s\" in \"%s\": expected %s%s", cmd_show(&all[2]).s, x->who,
				cmd_join(words).s, cmd_suggest(&all[2], words).s);
	set_who(x, all, 3);
	return run_expect(x, c, d, all + 3, n - 3);
}

int p_expect(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *all = a - 1; /* "expect" itself, for who */
	const char *buf[CMD_CHECKS_MAX];
	const char *const *first = cmd_check_words(NULL, false, buf);
	const struct check *d;
	int r;

	if (n == 0)
		return cmd_fail(x, "\"expect\" needs what to check: expected %s, e.g. expect client state ESTABLISHED",
				cmd_join(first).s);
	r = parse_side(x, &a[0], &c->t);
	if (r < 0)
		return r;
	if (r == 1)
		return expect_in(x, c, "S", all, n + 1);
	d = find_check("", &a[0]);
	if (d) {
		set_who(x, all, 2);
		return run_expect(x, c, d, a + 1, n - 1);
	}
	if (cmd_tok_is(&a[0], "wire"))
		return expect_in(x, c, "wire", all, n + 1);
	return cmd_fail(x, "unknown check \"%s\" after \"expect\": expected %s, e.g. expect client state ESTABLISHED%s",
			cmd_show(&a[0]).s, cmd_join(first).s, cmd_suggest(&a[0], first).s);
}

/* ---- predict ---------------------------------------------------------------- */

/* predict SIDE state|local|remote|result|data "QUESTION": a question about
 * the next command, answered by what the kernel does (predict.h). Without a
 * side only the bare ones are taken: "result", of a conversion such as htons. */
int p_predict(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n)
{
	const struct cmd_tok *all = a - 1;
	const struct check *d = NULL;
	size_t i = 0;
	int r = parse_side(x, &a[0], &c->t);
	if (r < 0)
		return r;
	if (r == 1)
		i = 1;
	else
		c->t.side = SIDE_NONE;
	set_who(x, all, i + 2);
	if (i < n)
		d = find_check("S", &a[i]);
	if (!d || !d->ask || (i == 0 && !d->ask_bare)) {
		const char *buf[CMD_CHECKS_MAX];
		return cmd_fail(x, "bad prediction \"%s\": expected a side and %s, then the question in quotes, "
				"e.g. predict client state \"Which state after connect()?\"",
				i < n ? cmd_show(&a[i]).s : "", cmd_join(cmd_check_words("S", true, buf)).s);
	}
	if (n != i + 2 || !a[i + 1].quoted)
		return cmd_fail(x, "\"predict\" needs the question in quotes after \"%s\", e.g. predict client %s "
				"\"What will the kernel say?\"", d->name, d->name);
	c->ex.what = d->what;
	snprintf(c->ex.a, sizeof c->ex.a, "%s", d->name);
	return want_data(x, c, a[i + 1].s, a[i + 1].len);
}
