/* ui_prompt.c - the ':' command line: editing, history (Up/Down), Tab
 * completion from cmd_complete, Esc to cancel, Enter to run the line
 * (handed back to the shell, which runs it through app_exec_line). Errors
 * land in the narration line. */
#include "ui_shell.h"
#include "ui_notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "linein.h"

#define HIST_MAX 200

/* A line holds at most CMD_LINE_MAX bytes, as a script's line does; a key
 * past that is refused with a notice, never dropped in silence. */
static struct {
	char buf[CMD_LINE_MAX + 1];
	size_t len, cur;       /* bytes; cur always at a character boundary */
	int scroll;            /* first column shown when the line is wider than the screen */
	char *hist[HIST_MAX];
	int nhist;
	int hpos;              /* nhist: the line being typed */
	char draft[CMD_LINE_MAX + 1];
} pr;

void ui_prompt_open(struct ui *u, const char *prefill, bool answering)
{
	snprintf(pr.buf, sizeof(pr.buf), "%s", prefill);
	pr.len = pr.cur = strlen(pr.buf);
	pr.hpos = pr.nhist;
	pr.scroll = 0;
	u->prompting = true;
	u->answering = answering; /* a guess, not a command */
	u->notice[0] = '\0';
}

static bool is_cont(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

static void set_line(const char *s)
{
	snprintf(pr.buf, sizeof(pr.buf), "%s", s);
	pr.len = pr.cur = strlen(pr.buf);
}

static void insert(struct ui *u, const char *s, size_t n)
{
	if (pr.len + n > CMD_LINE_MAX) {
		ui_notice(u, true, "the line is full: at most %d bytes; Enter runs it, Esc cancels", CMD_LINE_MAX);
		return;
	}
	memmove(pr.buf + pr.cur + n, pr.buf + pr.cur, pr.len - pr.cur + 1);
	memcpy(pr.buf + pr.cur, s, n);
	pr.len += n;
	pr.cur += n;
}

static void erase_range(size_t from, size_t to)
{
	memmove(pr.buf + from, pr.buf + to, pr.len - to + 1);
	pr.len -= to - from;
	pr.cur = from;
}

static size_t prev_char(size_t i)
{
	while (i > 0 && is_cont(pr.buf[--i]))
		;
	return i;
}

static size_t next_char(size_t i)
{
	if (i < pr.len)
		i++;
	while (i < pr.len && is_cont(pr.buf[i]))
		i++;
	return i;
}

static void history_add(const char *line)
{
	if (pr.nhist && !strcmp(pr.hist[pr.nhist - 1], line))
		return;
	char *c = strdup(line);
	if (!c)
		return;
	if (pr.nhist == HIST_MAX) {
		free(pr.hist[0]);
		memmove(pr.hist, pr.hist + 1, (HIST_MAX - 1) * sizeof(pr.hist[0]));
		pr.nhist--;
	}
	pr.hist[pr.nhist++] = c;
}

static void history_move(int d)
{
	int to = pr.hpos + d;
	if (to < 0 || to > pr.nhist)
		return;
	if (pr.hpos == pr.nhist)
		snprintf(pr.draft, sizeof(pr.draft), "%s", pr.buf);
	pr.hpos = to;
	set_line(to == pr.nhist ? pr.draft : pr.hist[to]);
}

/* Tab: complete the word before the cursor; with several candidates,
 * extend to what they share and list them in the narration line. */
static void complete(struct ui *u)
{
	char prefix[CMD_LINE_MAX + 1];
	snprintf(prefix, sizeof(prefix), "%.*s", (int)pr.cur, pr.buf);
	const char *w[64];
	int n = cmd_complete(prefix, w, 64);
	size_t start = pr.cur;
	while (start > 0 && pr.buf[start - 1] != ' ' && pr.buf[start - 1] != '\t')
		start--;
	size_t typed = pr.cur - start;
	if (n == 0) {
		ui_notice(u, false, "nothing to complete here");
		return;
	}
	size_t common = strlen(w[0]);
	for (int i = 1; i < n; i++) {
		size_t k = 0;
		while (k < common && w[i][k] == w[0][k])
			k++;
		common = k;
	}
	if (common > typed)
		insert(u, w[0] + typed, common - typed);
	if (n == 1) {
		if (pr.cur == pr.len || pr.buf[pr.cur] != ' ')
			insert(u, " ", 1);
		u->notice[0] = '\0';
		return;
	}
	char list[CMD_ERR_MAX];
	size_t o = 0;
	for (int i = 0; i < n && o + 1 < sizeof(list); i++) {
		int k = snprintf(list + o, sizeof(list) - o, "%s%s", i ? "  " : "", w[i]);
		if (k < 0)
			break;
		o += (size_t)k;
	}
	ui_notice(u, false, "%s", list);
}

static void prompt_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	(void)u;
	(void)p;
	snprintf(buf, len, "command");
}

/* Columns of buf[0..end). */
static int cols_to(struct ui *u, size_t end)
{
	char tmp[CMD_LINE_MAX + 1];
	snprintf(tmp, sizeof(tmp), "%.*s", (int)end, pr.buf);
	return ui_width(u, tmp);
}

static void prompt_draw(struct ui *u, struct ui_pane *p)
{
	int avail = p->w - 3; /* ':' and a margin on both sides */
	/* A warning (the line is full) takes the right of the row, where it is
	 * seen even when the line is scrolled to its end. */
	int warn = 0;
	if (u->notice[0] && u->notice_warn) {
		warn = ui_width(u, u->notice) + 2;
		if (warn > avail / 2)
			warn = avail / 2;
		avail -= warn;
	}
	int cc = cols_to(u, pr.cur);
	if (cc - pr.scroll >= avail)
		pr.scroll = cc - avail + 1;
	if (cc < pr.scroll)
		pr.scroll = cc;
	ui_put(u, p->win, 0, 1, 1, u->answering ? "?" : ":", u->attr[R_PROMPT]); /* ? takes a guess */
	/* Skip the columns scrolled off to the left. */
	size_t i = 0;
	while (i < pr.len && cols_to(u, i) < pr.scroll)
		i = next_char(i);
	ui_put(u, p->win, 0, 2, avail, pr.buf + i, u->attr[R_TEXT]);
	if (warn > 1) {
		ui_put(u, p->win, 0, 2 + avail + 1, warn - 1, u->notice, u->attr[R_WARN]);
	} else if (u->notice[0]) { /* completion candidates go after the line if they fit */
		int x = 3 + cols_to(u, pr.len) - pr.scroll + 2;
		if (x < p->w - 10)
			ui_put(u, p->win, 0, x, p->w - x - 1, u->notice, u->attr[R_MINOR]);
	}
}

void ui_prompt_cursor(const struct ui *u, int *y, int *x)
{
	const struct ui_pane *p = &u->pane[P_PROMPT];
	*y = p->y;
	*x = p->x + 2 + cols_to((struct ui *)u, pr.cur) - pr.scroll;
}

static bool prompt_key(struct ui *u, struct ui_pane *p, int key)
{
	(void)p;
	if (key != '\t')
		u->notice[0] = '\0';
	switch (key) {
	case 27: /* Esc */
	case 7:  /* Ctrl-G */
		u->prompting = false;
		u->answering = false;
		return true;
	case '\r':
	case '\n':
	case UI_FKEY(KEY_ENTER): {
		char line[CMD_LINE_MAX + 1];
		snprintf(line, sizeof(line), "%s", linein_text(pr.buf)); /* a pasted byte order mark */
		u->prompting = false;
		if (strspn(line, " \t") == strlen(line))
			return true;
		/* The shell runs it (ui.c): a guess is judged, a command runs. */
		u->ask = u->answering ? UA_GUESS : UA_RUN;
		snprintf(u->ask_text, sizeof(u->ask_text), "%s", line);
		if (u->answering)
			u->answering = false;
		else
			history_add(line);
		return true;
	}
	case '\t':
		complete(u);
		return true;
	case UI_FKEY(KEY_UP):
	case 16: /* Ctrl-P */
		history_move(-1);
		return true;
	case UI_FKEY(KEY_DOWN):
	case 14: /* Ctrl-N */
		history_move(1);
		return true;
	case UI_FKEY(KEY_LEFT):
	case 2:
		pr.cur = prev_char(pr.cur);
		return true;
	case UI_FKEY(KEY_RIGHT):
	case 6:
		pr.cur = next_char(pr.cur);
		return true;
	case UI_FKEY(KEY_HOME):
	case 1:
		pr.cur = 0;
		return true;
	case UI_FKEY(KEY_END):
	case 5:
		pr.cur = pr.len;
		return true;
	case UI_FKEY(KEY_BACKSPACE):
	case 127:
	case 8:
		if (pr.cur)
			erase_range(prev_char(pr.cur), pr.cur);
		else if (!pr.len)
			u->prompting = false; /* backspace on an empty line leaves, as in vi */
		return true;
	case UI_FKEY(KEY_DC):
	case 4:
		if (pr.cur < pr.len)
			erase_range(pr.cur, next_char(pr.cur));
		return true;
	case 21: /* Ctrl-U */
		erase_range(0, pr.cur);
		return true;
	case 11: /* Ctrl-K */
		pr.buf[pr.cur] = '\0';
		pr.len = pr.cur;
		return true;
	case 23: { /* Ctrl-W: the word before the cursor */
		size_t i = pr.cur;
		while (i > 0 && pr.buf[i - 1] == ' ')
			i--;
		while (i > 0 && pr.buf[i - 1] != ' ')
			i--;
		erase_range(i, pr.cur);
		return true;
	}
	default:
		break;
	}
	if (key >= 0x20 && key != 0x7f && !(key & UI_FKEY(0))) {
		char mb[8];
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		size_t n = wcrtomb(mb, (wchar_t)key, &st);
		if (n != (size_t)-1)
			insert(u, mb, n);
		return true;
	}
	return false;
}

static void prompt_resize(struct ui *u, struct ui_pane *p)
{
	(void)u;
	(void)p;
	pr.scroll = 0;
}

const struct ui_pane_ops ui_prompt_ops = {
	.name = "prompt",
	.title = prompt_title,
	.draw = prompt_draw,
	.key = prompt_key,
	.resize = prompt_resize,
};
