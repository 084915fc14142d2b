/* ui_text.c - text on the screen: display width of UTF-8 text, writing
 * within a width, word wrap, ASCII stand-ins when the locale is not UTF-8,
 * and the scrolling every line list shares. */
#include "ui_pane.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"

static const char *const glyphs[G_COUNT_][2] = {
	[G_CURRENT] = { ">", "\u25b6" },
	[G_DOT] = { "-", "\u00b7" },
	[G_ARROW] = { "->", "\u2192" },
	[G_ELLIPSIS] = { "~", "\u2026" },
};

const char *ui_glyph(const struct ui *u, enum ui_glyph g)
{
	return glyphs[g][u->utf8 ? 1 : 0];
}

/* ASCII stand-ins for the few non-ASCII characters sockstep prints. */
static const struct { const char *utf8, *ascii; } translit[] = {
	{ "\u2192", "->" }, { "\u2190", "<-" }, { "\u25b6", ">" }, { "\u00b7", "-" },
	{ "\u2026", "..." }, { "\u00d7", "x" }, { "\u2500", "-" }, { "\u2502", "|" },
};

/* Length of the UTF-8 sequence starting with byte c (1 for a stray byte). */
static size_t utf8_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* One step through text: the next unit to print (as a string of n bytes
 * of out, or a wide character), its columns, and how far to advance. */
struct unit {
	const char *ascii;  /* non-NULL: print this ASCII string */
	wchar_t wc;
	int cols;
	size_t adv;
};

static void next_unit(const struct ui *u, const char *s, mbstate_t *st, struct unit *un)
{
	unsigned char c = (unsigned char)*s;
	un->ascii = NULL;
	if (c < 0x80) {
		un->wc = (c < 0x20 || c == 0x7f) ? L' ' : (wchar_t)c;
		un->cols = 1;
		un->adv = 1;
		return;
	}
	if (!u->utf8) {
		size_t n = utf8_len(c);
		for (size_t i = 0; i < sizeof(translit) / sizeof(translit[0]); i++)
			if (!strncmp(s, translit[i].utf8, strlen(translit[i].utf8))) {
				un->ascii = translit[i].ascii;
				un->cols = (int)strlen(un->ascii);
				un->adv = strlen(translit[i].utf8);
				return;
			}
		un->ascii = "?";
		un->cols = 1;
		for (un->adv = 1; un->adv < n && s[un->adv]; un->adv++)
			;
		return;
	}
	size_t n = mbrtowc(&un->wc, s, MB_CUR_MAX, st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		memset(st, 0, sizeof(*st));
		un->wc = L'?';
		un->cols = 1;
		un->adv = 1;
		return;
	}
	int w = wcwidth(un->wc);
	if (w < 0 || text_format_control((uint32_t)un->wc)) { /* a C1 control, or one that reorders the line */
		un->wc = L'?';
		w = 1;
	}
	un->cols = w;
	un->adv = n;
}

int ui_width(struct ui *u, const char *text)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	int cols = 0;
	struct unit un;
	for (const char *s = text; s && *s; s += un.adv) {
		next_unit(u, s, &st, &un);
		cols += un.cols;
	}
	return cols;
}

int ui_put(struct ui *u, WINDOW *win, int y, int x, int width, const char *text, attr_t attr)
{
	if (!win || !text || width <= 0)
		return 0;
	int my, mx;
	getmaxyx(win, my, mx);
	if (y < 0 || y >= my || x < 0 || x >= mx)
		return 0;
	if (width > mx - x)
		width = mx - x;
	wmove(win, y, x);
	wattrset(win, attr);
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	int used = 0;
	struct unit un;
	for (const char *s = text; *s; s += un.adv) {
		next_unit(u, s, &st, &un);
		if (used + un.cols > width)
			break;
		if (un.ascii)
			waddstr(win, un.ascii);
		else
			waddnwstr(win, &un.wc, 1);
		used += un.cols;
	}
	wattrset(win, A_NORMAL);
	return used;
}

int ui_putf(struct ui *u, WINDOW *win, int y, int x, int width, attr_t attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ui_put(u, win, y, x, width, buf, attr);
}

int ui_wrap(struct ui *u, WINDOW *win, int y, int x, int width, int maxrows, int indent,
	    const char *text, attr_t attr)
{
	int row = 0, col = 0;
	const char *s = text;
	if (!text || width <= indent + 4 || maxrows <= 0)
		return 0;
	while (*s && row < maxrows) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		size_t wl = strcspn(s, " ");
		char word[512];
		snprintf(word, sizeof(word), "%.*s", (int)(wl < sizeof(word) ? wl : sizeof(word) - 1), s);
		int ww = ui_width(u, word);
		int lead = row ? indent : 0;
		int avail = width - lead;
		if (col && col + 1 + ww > avail) {
			if (++row >= maxrows)
				break;
			col = 0;
			lead = indent;
			avail = width - lead;
		}
		if (col)
			col++;
		/* A word longer than a line is cut: the rest would not help.
		 * Without a window the rows are only counted. */
		col += win ? ui_put(u, win, y + row, x + lead + col, avail - col, word, attr)
			   : (ww < avail - col ? ww : avail - col);
		s += wl;
	}
	return *text ? row + 1 : 0;
}

/* ---- scrolling shared by the line lists ------------------------------- */

void ui_scroll_fix(struct ui_pane *p, int total, int visible)
{
	int maxtop = total > visible ? total - visible : 0;
	if (p->follow || p->top > maxtop)
		p->top = maxtop;
	if (p->top < 0)
		p->top = 0;
}

enum ui_move ui_scroll_move(int key, long page, long *by)
{
	switch (key) {
	case UI_FKEY(KEY_UP): *by = -1; return UM_BY;
	case UI_FKEY(KEY_DOWN): *by = 1; return UM_BY;
	case UI_FKEY(KEY_PPAGE): *by = -page; return UM_BY;
	case UI_FKEY(KEY_NPAGE): *by = page; return UM_BY;
	case UI_FKEY(KEY_HOME): return UM_FIRST;
	case UI_FKEY(KEY_END): return UM_LAST;
	default: return UM_NONE;
	}
}

bool ui_scroll_key(struct ui_pane *p, int key, int total, int visible)
{
	int maxtop = total > visible ? total - visible : 0;
	long by = 0;
	switch (ui_scroll_move(key, visible > 2 ? visible - 1 : 1, &by)) {
	case UM_BY:
		p->top += (int)by;
		break;
	case UM_FIRST:
		p->top = 0;
		break;
	case UM_LAST:
		p->top = maxtop;
		break;
	default:
		return false;
	}
	if (p->top > maxtop)
		p->top = maxtop;
	if (p->top < 0)
		p->top = 0;
	p->follow = p->top >= maxtop;
	return true;
}
