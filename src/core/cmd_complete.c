/* cmd_complete.c - cmd_complete: the words Tab may offer after a prefix,
 * from the verb table (cmd_verbs.c) and the check table (cmd_expect.c), so
 * completion knows exactly the words the parser takes. Pure. */
#include "cmd_int.h"

#include <string.h>

/* What follows "wire hold|drop", which depends on the word before. expect
 * and predict read the check table (check_next); everything else comes
 * from the verb table. */
static const char *const next_word[] = { "next", NULL };

static const struct {
	const char *pattern;
	const char *const *words;
} wire_completions[] = {
	{ "wire hold", next_word },
	{ "wire drop", next_word },
	{ "wire hold next", fault_frame_words },
	{ "wire drop next", fault_frame_words },
};

static bool word_matches(const char *pat, size_t pn, const char *w, size_t wn)
{
	return pn == wn && memcmp(pat, w, wn) == 0;
}

/* Do the finished words of prefix[0..end) match pattern word by word? */
static bool pattern_matches(const char *pat, const char *prefix, size_t end)
{
	size_t i = 0, p = 0;

	for (;;) {
		while (i < end && cmd_blank(prefix[i]))
			i++;
		while (pat[p] == ' ')
			p++;
		if (i >= end || !pat[p])
			return i >= end && !pat[p];
		size_t wi = i, pi = p;
		while (i < end && !cmd_blank(prefix[i]))
			i++;
		while (pat[p] && pat[p] != ' ')
			p++;
		if (!word_matches(pat + pi, p - pi, prefix + wi, i - wi))
			return false;
	}
}

/* The finished words of prefix[0..end), at most max of them; how many there are. */
static size_t split_words(const char *prefix, size_t end, struct cmd_tok *w, size_t max)
{
	size_t n = 0, i = 0;

	for (;;) {
		while (i < end && cmd_blank(prefix[i]))
			i++;
		if (i >= end)
			return n;
		size_t b = i;
		while (i < end && !cmd_blank(prefix[i]))
			i++;
		if (n < max)
			w[n] = (struct cmd_tok){ prefix + b, i - b, false, b };
		n++;
	}
}

/* The words after "expect" or "predict" (w[0]), from the check table: the
 * first word, a check after a program or "wire", then the check's values. */
static const char *const *check_next(const struct cmd_tok *w, size_t n, bool pred, const char **buf)
{
	struct target tg;
	const char *after = NULL;

	if (n == 1)
		return cmd_check_words(NULL, pred, buf);
	if (match_side(w[1].s, w[1].len, &tg) == 1)
		after = "S";
	else if (!pred && cmd_tok_is(&w[1], "wire"))
		after = "wire";
	if (!after || n > 3)
		return NULL;
	if (n == 2)
		return cmd_check_words(after, pred, buf);
	return pred ? NULL : cmd_check_values(after, &w[2]);
}

/* The words that may come next after the finished words, from the tables. */
static const char *const *next_words(const char *prefix, size_t end, struct verb_words *buf,
				     const char **checks)
{
	struct cmd_tok w[CMD_WORD_ARGS + 2];
	size_t n = split_words(prefix, end, w, sizeof w / sizeof w[0]);
	const struct cmd_verb_info *d;
	struct target tg;
	size_t arg;

	for (size_t i = 0; i < sizeof wire_completions / sizeof wire_completions[0]; i++)
		if (pattern_matches(wire_completions[i].pattern, prefix, end))
			return wire_completions[i].words;
	if (n > 0 && (cmd_tok_is(&w[0], "expect") || cmd_tok_is(&w[0], "predict")))
		return check_next(w, n, cmd_tok_is(&w[0], "predict"), checks);
	if (n == 0) {
		*buf = verb_words(false, true);
		return buf->w;
	}
	if (match_side(w[0].s, w[0].len, &tg) == 1) {
		if (n == 1) {
			*buf = verb_words(true, false);
			return buf->w;
		}
		d = find_verb(&w[1], true);
		arg = n - 2;
	} else {
		d = find_verb(&w[0], false);
		arg = n - 1;
	}
	return d && arg < CMD_WORD_ARGS ? d->words[arg] : NULL;
}

int cmd_complete(const char *prefix, const char **out, int max)
{
	size_t len, cut;
	const char *partial;
	const char *const *words;
	struct verb_words buf;
	const char *checks[CMD_CHECKS_MAX];
	int n = 0;

	if (!prefix || !out || max <= 0)
		return 0;
	len = strlen(prefix);
	cut = len;
	while (cut > 0 && !cmd_blank(prefix[cut - 1]))
		cut--;
	partial = prefix + cut; /* the word being typed, "" after a blank */
	words = next_words(prefix, cut, &buf, checks);
	for (size_t i = 0; words && words[i] && n < max; i++)
		if (strncmp(words[i], partial, len - cut) == 0)
			out[n++] = words[i];
	return n;
}
