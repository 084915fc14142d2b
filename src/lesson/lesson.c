/* lesson.c - the lesson parser (see lesson.h for the format). Pure: it reads
 * only the text it is given, so a typo in a lesson fails before class starts,
 * in a unit test, with no network or terminal. */
#include "lesson.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "linein.h"
#include "lesson_fit.h"
#include "predict.h"
#include "text.h"

static const char *const header_keys[] = { "title", "summary", "lesson", "net", "wait", "order", "listed", "step" };
#define NKEYS (sizeof(header_keys) / sizeof(header_keys[0]))

const char *lesson_net_name(enum lesson_net n)
{
	return n == LESSON_NET_LOOPBACK ? "loopback" : "lab";
}

void lesson_free(struct lesson *l)
{
	if (!l)
		return;
	for (int i = 0; i < l->nsteps; i++) {
		struct lesson_step *s = &l->steps[i];
		for (size_t j = 0; j < s->nitems; j++)
			free(s->items[j].text);
		free(s->items);
		free(s->title);
	}
	free(l->steps);
	free(l->name);
	free(l->file);
	free(l->title);
	free(l->summary);
	free(l);
}

int lesson_name_of(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n >= 7 && !strcmp(base + n - 7, ".lesson"))
		n -= 7;
	if (n == 0 || n >= LESSON_NAME_MAX || n >= len)
		return -EINVAL;
	memcpy(name, base, n);
	name[n] = '\0';
	return 0;
}

/* ---- error lines ------------------------------------------------------ */

struct parser {
	const char *file;
	unsigned line;
	char *err;
	size_t errlen;
	struct lesson *l;
	struct cmd *cmd;          /* scratch for cmd_parse (large: not on the stack) */
	struct lesson_step *cur;  /* the step being filled, NULL in the header */
	size_t steps_cap, items_cap;
	bool pending_blank;       /* a blank line seen inside a step's narration */
	struct predict_lint lint; /* the questions and what the commands before them made */
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "FILE:LINE: message" and returns -EINVAL. */
static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[CMD_ERR_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->file, p->line, msg);
	return -EINVAL;
}

static int oom(struct parser *p)
{
	snprintf(p->err, p->errlen, "%s:%u: out of memory", p->file, p->line);
	return -ENOMEM;
}

/* Edit distance of two short words, case-insensitive, for "did you mean". */
static unsigned distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[LESSON_NAME_MAX + 1]; /* words as long as a lesson's name */
	if (la > LESSON_NAME_MAX || lb > LESSON_NAME_MAX)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned cost = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			unsigned best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

void lesson_suggest(const char *word, const char *const *cands, size_t n, char *out, size_t len)
{
	const char *best = NULL;
	unsigned bd = 3;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		unsigned d = distance(word, cands[i]);
		if (d < bd && d < strlen(cands[i])) {
			bd = d;
			best = cands[i];
		}
	}
	if (best)
		snprintf(out, len, "; did you mean \"%s\"?", best);
}

void lesson_join(const char *const *words, size_t n, const char *sep, const char *last, char *out, size_t len)
{
	/* Room kept after each word to say how many did not fit. */
	enum { TAIL = sizeof(" and 18446744073709551615 more") };
	size_t o = 0;
	if (!len)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *pre = i == 0 ? "" : i == n - 1 ? last : sep;
		size_t need = strlen(pre) + strlen(words[i]), tail = i == n - 1 ? 0 : TAIL;
		if (o + need + tail >= len) {
			snprintf(out + o, len - o, "%s%zu more", i ? " and " : "", n - i);
			return;
		}
		o += (size_t)snprintf(out + o, len - o, "%s%s", pre, words[i]);
	}
}

/* ---- building --------------------------------------------------------- */

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int add_step(struct parser *p, const char *title)
{
	struct lesson *l = p->l;
	if (l->nsteps >= LESSON_MAX_STEPS)
		return fail(p, "too many steps: expected at most %d in one lesson (split it in two)",
			    LESSON_MAX_STEPS);
	if ((size_t)l->nsteps == p->steps_cap) {
		size_t cap = p->steps_cap ? p->steps_cap * 2 : 16;
		struct lesson_step *s = realloc(l->steps, cap * sizeof(*s));
		if (!s)
			return oom(p);
		l->steps = s;
		p->steps_cap = cap;
	}
	struct lesson_step *s = &l->steps[l->nsteps];
	memset(s, 0, sizeof(*s));
	s->line = p->line;
	if (!(s->title = strdup(title)))
		return oom(p);
	l->nsteps++;
	p->cur = s;
	p->items_cap = 0;
	p->pending_blank = false;
	return 0;
}

static int add_item(struct parser *p, enum lesson_item_kind kind, const char *text, size_t n, bool expect,
		    bool acts, bool pre, enum verb verb)
{
	struct lesson_step *s = p->cur;
	if (s->nitems == p->items_cap) {
		size_t cap = p->items_cap ? p->items_cap * 2 : 8;
		struct lesson_item *it = realloc(s->items, cap * sizeof(*it));
		if (!it)
			return oom(p);
		s->items = it;
		p->items_cap = cap;
	}
	struct lesson_item *it = &s->items[s->nitems];
	it->kind = kind;
	it->line = p->line;
	it->expect = expect;
	it->acts = acts;
	it->pre = pre;
	it->verb = verb;
	it->fails = false;
	if (!(it->text = dup_n(text, n)))
		return oom(p);
	s->nitems++;
	if (kind == LI_COMMAND)
		s->ncommands++;
	return 0;
}

/* A step's narration keeps one blank line between paragraphs, none at its
 * start or end, so the handout and the screen look the same whatever the
 * spacing of the file. */
static int add_text(struct parser *p, const char *text, size_t n, bool pre)
{
	if (n == 0) {
		if (p->cur->nitems)
			p->pending_blank = true;
		return 0;
	}
	if (p->pending_blank) {
		p->pending_blank = false;
		struct lesson_item *last = &p->cur->items[p->cur->nitems - 1];
		/* Only narration is separated by paragraphs; commands need no gap. */
		if (last->kind == LI_TEXT) {
			int r = add_item(p, LI_TEXT, "", 0, false, false, false, V_COUNT_);
			if (r < 0)
				return r;
		}
	}
	return add_item(p, LI_TEXT, text, n, false, false, pre, V_COUNT_);
}

/* "show: table|sockaddr|ladder|conversion": the panes the step is about. */
static int show_line(struct parser *p, const char *v)
{
	static const char *const names[] = { "table", "sockaddr", "ladder", "conversion" };
	if (p->cur->show)
		return fail(p, "a second \"show:\" line in this step: expected one");
	char buf[CMD_LINE_MAX + 1];
	snprintf(buf, sizeof(buf), "%s", v);
	char *save = NULL;
	for (char *w = strtok_r(buf, "| \t", &save); w; w = strtok_r(NULL, "| \t", &save)) {
		size_t i = 0;
		while (i < 4 && strcmp(w, names[i]))
			i++;
		if (i == 4) {
			char hint[96];
			lesson_suggest(w, names, 4, hint, sizeof(hint));
			return fail(p, "unknown pane \"%.40s\" in \"show:\": expected table, sockaddr, ladder or conversion, "
				       "joined by |%s", w, hint);
		}
		p->cur->show |= 1u << i;
	}
	if (!p->cur->show)
		return fail(p, "\"show:\" names no pane: expected e.g. show: table|sockaddr");
	return 0;
}

static int end_step(struct parser *p)
{
	if (p->cur && p->cur->nitems == 0) {
		p->line = p->cur->line;
		return fail(p, "step \"%s\" is empty: expected lines of narration or \"> command\" lines after it",
			    p->cur->title);
	}
	return 0;
}

/* On loopback sockstep only watches the frames (no wire between two hosts):
 * a command that would hold, step, drop or delay one is refused there at
 * run time, so a loopback lesson that has one is refused when loaded. */
static int loopback_wire(struct parser *p, const char *cmdtext)
{
	const struct cmd *c = p->cmd;
	if (p->l->net != LESSON_NET_LOOPBACK)
		return 0;
	if (c->verb == V_WIRE && c->wop != W_SAVE && c->wop != W_STATUS)
		return fail(p, "\"%s\" in a \"net: loopback\" lesson: on loopback sockstep only watches the "
			       "frames; expected \"net: lab\", where sockstep is the wire and can hold, step, drop "
			       "and delay them", cmdtext);
	if (c->verb == V_EXPECT && c->ex.what == EX_WIRE_HELD && c->num > 0)
		return fail(p, "\"%s\" in a \"net: loopback\" lesson never holds: nothing is held on loopback; "
			       "expected \"net: lab\", or \"expect wire held 0\"", cmdtext);
	return 0;
}

/* The step's last call (not an expect) is expected to fail. */
static void mark_fails(struct lesson_step *s)
{
	for (size_t i = s->nitems; i-- > 0;)
		if (s->items[i].kind == LI_COMMAND && !s->items[i].expect) {
			s->items[i].fails = true;
			return;
		}
}

static int command_line(struct parser *p, const char *cmdtext)
{
	char err[CMD_ERR_MAX];
	if (!p->cur)
		return fail(p, "a command before the first step: expected \"step: TITLE\" first, e.g. "
			       "step: STEP1 PROTOCOL DEFINITION (server)");
	int r = cmd_parse(cmdtext, p->cmd, err, sizeof(err));
	if (r < 0)
		return fail(p, "%s", err);
	if (r == 0)
		return fail(p, "nothing after \">\": expected a command, e.g. > server socket tcp");
	if (p->cmd->verb == V_WIRE && p->cmd->wop == W_SAVE)
		return fail(p, "\"wire save\" in a lesson: lessons do not write files; expected another command "
			       "(run sockstep with --write FILE to keep a capture)");
	if (p->cmd->verb == V_SAVE)
		return fail(p, "\"save lesson\" in a lesson: lessons do not write files; expected another command");
	r = loopback_wire(p, cmdtext);
	if (r < 0)
		return r;
	unsigned qline;
	char why[CMD_ERR_MAX];
	if (predict_lint_next(&p->lint, p->cmd, p->line, &qline, why, sizeof(why)) < 0) {
		p->line = qline;
		return fail(p, "%s", why);
	}
	p->pending_blank = false;
	if (p->cmd->verb == V_EXPECT && p->cmd->ex.what == EX_RESULT && !isdigit((unsigned char)p->cmd->ex.a[0]) &&
	    p->cmd->ex.a[0] != '-')
		mark_fails(p->cur); /* an errno expected: that call adds no row */
	return add_item(p, LI_COMMAND, cmdtext, strlen(cmdtext), p->cmd->verb == V_EXPECT, cmd_acts(p->cmd), false,
			p->cmd->verb);
}

static int set_field(struct parser *p, char **field, const char *key, const char *value)
{
	if (*field)
		return fail(p, "a second \"%s:\" line: expected each header field once", key);
	if (!(*field = strdup(value)))
		return oom(p);
	return 0;
}

/* A "key: value" line of the header. */
static int header_line(struct parser *p, const char *key, const char *value, const char *name)
{
	struct lesson *l = p->l;
	if (!value[0])
		return fail(p, "\"%s:\" has no value: expected text after the colon", key);
	if (!strcmp(key, "title"))
		return set_field(p, &l->title, key, value);
	if (!strcmp(key, "summary"))
		return set_field(p, &l->summary, key, value);
	if (!strcmp(key, "lesson")) {
		if (name && strcmp(value, name))
			return fail(p, "lesson: \"%s\" is not this file's name: expected \"%s\" "
				       "(lessons are found by their file name)", value, name);
		return set_field(p, &l->name, key, value);
	}
	if (!strcmp(key, "net")) {
		static const char *const nets[] = { "lab", "loopback" };
		if (l->net_set)
			return fail(p, "a second \"net:\" line: expected each header field once");
		if (!strcmp(value, "lab"))
			l->net = LESSON_NET_LAB;
		else if (!strcmp(value, "loopback"))
			l->net = LESSON_NET_LOOPBACK;
		else {
			char hint[64];
			lesson_suggest(value, nets, 2, hint, sizeof(hint));
			return fail(p, "unknown net \"%s\": expected lab or loopback%s", value, hint);
		}
		l->net_set = true;
		return 0;
	}
	if (!strcmp(key, "wait")) {
		if (l->wait_set)
			return fail(p, "a second \"wait:\" line: expected each header field once");
		if (cmd_parse_ms(value, &l->wait_ms) < 0)
			return fail(p, "bad wait \"%s\": expected a duration such as 200ms, 2s or 0", value);
		l->wait_set = true;
		return 0;
	}
	if (!strcmp(key, "order")) {
		char *end;
		long v = strtol(value, &end, 10);
		if (l->order)
			return fail(p, "a second \"order:\" line: expected each header field once");
		if (*end || value[0] < '0' || value[0] > '9' || v < 1 || v > LESSON_ORDER_MAX)
			return fail(p, "bad order \"%s\": expected the lesson's place in the course, a number from 1 "
				       "to %d", value, LESSON_ORDER_MAX);
		l->order = (int)v;
		return 0;
	}
	if (!strcmp(key, "listed")) {
		if (l->listed_set)
			return fail(p, "a second \"listed:\" line: expected each header field once");
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return fail(p, "bad listed \"%s\": expected yes, or no for a half of a --compare pair", value);
		l->unlisted = !strcmp(value, "no");
		l->listed_set = true;
		return 0;
	}
	char hint[64];
	lesson_suggest(key, header_keys, NKEYS, hint, sizeof(hint));
	return fail(p, "unknown header field \"%s:\": expected title:, summary:, lesson:, net:, wait:, order:, "
		       "listed: or step:%s", key, hint);
}

/* A preformatted line ("    " first, as Markdown's code blocks): kept as
 * written, so it must fit the narration box at 80 columns whole; a tab
 * would be as wide as each terminal makes it. */
static int pre_line(struct parser *p, const char *line)
{
	size_t n = strlen(line);
	int cols = text_cols(line, n);
	if (strchr(line, '\t'))
		return fail(p, "a tab in a preformatted line: expected spaces, which line up on every screen");
	if (cols > LESSON_PRE_COLS)
		return fail(p, "a preformatted line of %d columns: expected at most %d, to fit the narration "
			       "box at 80 columns", cols, LESSON_PRE_COLS);
	return add_text(p, line, n, true);
}

/* Splits "key: value" with key a lower-case word; false when it is not one. */
static bool split_key(char *line, char **key, char **value)
{
	size_t n = 0;
	while ((line[n] >= 'a' && line[n] <= 'z') || (line[n] >= 'A' && line[n] <= 'Z') || line[n] == '_' ||
	       line[n] == '-')
		n++;
	if (n == 0 || line[n] != ':')
		return false;
	line[n] = '\0';
	char *v = line + n + 1;
	v += strspn(v, " \t");
	*key = line;
	*value = v;
	return true;
}

static int one_line(struct parser *p, char *line, const char *name)
{
	/* Trailing blanks mean nothing (CR LF is linein.h's). */
	size_t n = strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	const char *lead = line + strspn(line, " \t");

	if (*lead == '#')
		return 0; /* the teacher's note */
	if (*lead == '>')
		return command_line(p, lead + 1 + strspn(lead + 1, " \t"));
	if (!strncmp(line, "step:", 5)) {
		int r = end_step(p);
		if (r < 0)
			return r;
		const char *title = line + 5 + strspn(line + 5, " \t");
		if (!*title)
			return fail(p, "\"step:\" has no title: expected e.g. step: STEP1 PROTOCOL DEFINITION (server)");
		return add_step(p, title);
	}
	if (!p->cur) {
		if (!*lead)
			return 0;
		char *key, *value;
		char copy[CMD_LINE_MAX + 1];
		snprintf(copy, sizeof(copy), "%s", lead);
		if (split_key(copy, &key, &value))
			return header_line(p, key, value, name);
		return fail(p, "narration before the first step: expected a header line (title:, summary:, "
			       "lesson:, net:, wait:, order:, listed:) or \"step: TITLE\"");
	}
	if (!strncmp(line, "    ", 4))
		return pre_line(p, line);
	if (!strncmp(line, "show:", 5))
		return show_line(p, line + 5);
	if (*lead == '\\')
		lead++; /* escaped narration: "\# ..." */
	else if (*lead)
		lead = line; /* narration keeps its indentation */
	return add_text(p, lead, strlen(lead), false);
}

int lesson_parse(const char *text, size_t len, const char *file, const char *name,
		 struct lesson **out, char *err, size_t errlen)
{
	struct parser p = { .file = file ? file : "lesson", .err = err, .errlen = errlen };
	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (len > LESSON_MAX_BYTES) {
		p.line = 1;
		return fail(&p, "the lesson is %zu bytes: expected at most %d", len, LESSON_MAX_BYTES);
	}
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		p.line = 1;
		for (const char *c = text; c < nul; c++)
			p.line += *c == '\n';
		return fail(&p, "a NUL byte: expected text (is this a binary file?)");
	}
	p.l = calloc(1, sizeof(*p.l));
	p.cmd = malloc(sizeof(*p.cmd));
	char *line = malloc(CMD_LINE_MAX + 1);
	int r = 0;
	if (!p.l || !p.cmd || !line) {
		r = oom(&p);
		goto out;
	}
	/* Lines as linein.h reads every text (a byte order mark, CR LF). */
	FILE *in = len ? fmemopen((void *)text, len, "r") : NULL;
	if (len && !in) {
		r = oom(&p);
		goto out;
	}
	while (in && r == 0) {
		size_t n;
		int rerr;
		enum linein_status st = linein_read(in, p.line == 0, line, CMD_LINE_MAX, &n, &rerr);
		if (st == LINEIN_END)
			break;
		p.line++;
		if (st == LINEIN_LINE)
			r = one_line(&p, line, name);
		else if (st == LINEIN_ERROR)
			r = fail(&p, "cannot read the lesson's text: %s", strerror(rerr));
		else /* no NUL in the text: a long line */
			r = fail(&p, "a line of %zu bytes: expected at most %d", n, CMD_LINE_MAX);
	}
	if (in)
		fclose(in);
	if (r == 0)
		r = end_step(&p);
	if (r == 0) {
		unsigned qline;
		char why[CMD_ERR_MAX];
		if (predict_lint_end(&p.lint, &qline, why, sizeof(why)) < 0) {
			p.line = qline;
			r = fail(&p, "%s", why);
		}
	}
	int fk, fl, fm, fr; /* a step whose narration the screen could only show cut (lesson_fit.h) */
	if (r == 0 && lesson_fit(p.l, &fk, &fl, &fm, &fr) < 0) {
		const struct lesson_step *s = &p.l->steps[fk];
		p.line = s->line;
		if (!s->ncommands)
			r = fail(&p, "step %d's narration takes %d lines at 80x24 (%d columns): expected at most %d for a "
				       "step of narration alone (shorten it, or split the step)", fk + 1, fl, LESSON_FIT_COLS, fm);
		else
			r = fail(&p, "step %d's narration takes %d lines at 80x24 (%d columns) and its rows at least %d: "
				       "expected at most %d together for a step that shows %s (shorten it, or split the step)",
				 fk + 1, fl - fr, LESSON_FIT_COLS, fr, fm,
				 lesson_step_about_pane(s) ? "the sockaddr_in, ladder or conversion pane" : "the table");
	}
	if (r == 0 && p.l->nsteps == 0) {
		if (!p.line)
			p.line = 1;
		r = fail(&p, p.line == 1 && len == 0 ? "the lesson is empty: expected a header (title: ...) and steps "
						       "(step: TITLE)"
						     : "no steps: expected at least one \"step: TITLE\" line");
	}
	if (r == 0 && !p.l->title) {
		p.line = 1;
		r = fail(&p, "no title: expected a \"title: ...\" line before the first step");
	}
	if (r == 0 && !p.l->name && !(p.l->name = strdup(name ? name : p.file)))
		r = oom(&p);
	if (r == 0 && !p.l->summary && !(p.l->summary = strdup(p.l->title)))
		r = oom(&p);
	if (r == 0 && !(p.l->file = strdup(p.file)))
		r = oom(&p);
out:
	free(line);
	free(p.cmd);
	if (r < 0)
		lesson_free(p.l);
	else
		*out = p.l;
	return r;
}
