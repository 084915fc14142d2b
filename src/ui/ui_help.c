/* ui_help.c - the '?' overlay: every key and every command, in one place.
 * Arrows scroll it; any other key closes it. The lines are the key table's
 * (ui_keys.c) and help.c's. */
#include "help.h"
#include "ui_pane.h"
#include "ui_keys.h"

#include <stdio.h>
#include <string.h>

/* The keys from the key table (ui_keys.c), then help.c's text, made from
 * the verb table: every key and every command is in it. */
#define NKEYS ui_keys_help(0, NULL, 0)
#define NHELP ((int)(NKEYS + help_overlay(0, NULL, 0)))

/* Line i of the overlay into l. */
static void help_line(size_t i, char *l, size_t len)
{
	if (i < NKEYS)
		ui_keys_help(i, l, len);
	else
		help_overlay(i - NKEYS, l, len);
}

static void help_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	(void)u;
	(void)p;
	snprintf(buf, len, "help");
}

/* Where a line's continuation goes: under its description (after the
 * key or the command's syntax and the blanks that follow it), else 2. */
static int cont_indent(const char *l, int width)
{
	const char *gap = strstr(l, "  ");
	if (!gap || gap == l)
		return 2;
	int at = (int)(gap - l);
	while (l[at] == ' ')
		at++;
	return l[at] && at < width / 2 ? at : 2;
}

/* A help line at row y of w (NULL: only counted), its key or syntax
 * column kept as written and the description wrapped under itself, never
 * cut. Returns its rows. */
static int put_line(struct ui *u, WINDOW *w, int y, int width, int maxrows, const char *t, attr_t at)
{
	int ind = cont_indent(t, width);
	if (ind == 2)
		return ui_wrap(u, w, y, 2, width, maxrows, 2, t, at);
	char key[HELP_LINE_MAX];
	snprintf(key, sizeof(key), "%.*s", ind, t);
	if (w)
		ui_put(u, w, y, 2, ind, key, at);
	return ui_wrap(u, w, y, 2 + ind, width - ind, maxrows, 0, t + ind, at);
}

/* Rows help line i takes at this width: long lines wrap, never cut. */
static int line_rows(struct ui *u, size_t i, int width)
{
	char l[HELP_LINE_MAX];
	help_line(i, l, sizeof l);
	int r = put_line(u, NULL, 0, width, 1000, l[0] == '#' ? l + 2 : l, 0);
	return r < 1 ? 1 : r;
}

/* Lines from the end that fit in vis rows: how far the top may go. */
static int fit_from_end(struct ui *u, int width, int vis)
{
	int rows = 0, n = 0;
	for (int i = NHELP; i-- > 0; n++) {
		rows += line_rows(u, (size_t)i, width);
		if (rows > vis)
			break;
	}
	return n < 1 ? 1 : n;
}

static void help_draw(struct ui *u, struct ui_pane *p)
{
	WINDOW *w = p->win;
	wbkgdset(w, ' ' | u->attr[R_TEXT]);
	werase(w);
	wattrset(w, u->attr[R_BORDER]);
	box(w, 0, 0);
	wattrset(w, A_NORMAL);
	ui_put(u, w, 0, 2, p->w - 4, " sockstep help: keys and commands ", u->attr[R_FOCUS]);
	int vis = p->h - 3, width = p->w - 4;
	/* p->top is a line; a line that wraps shows whole or not at all. */
	ui_scroll_fix(p, NHELP, fit_from_end(u, width, vis));
	int y = 0;
	for (int i = p->top; y < vis && i < NHELP; i++) {
		if (y + line_rows(u, (size_t)i, width) > vis)
			break;
		char l[HELP_LINE_MAX];
		help_line((size_t)i, l, sizeof l);
		const char *t = l[0] == '#' ? l + 2 : l;
		if (!t[0]) {
			y++;
			continue;
		}
		y += put_line(u, w, y + 1, width, vis - y, t, u->attr[l[0] == '#' ? R_HEADER : R_TEXT]);
	}
	const char *foot = NHELP > fit_from_end(u, width, vis) ? "arrows scroll, any other key closes" : "any key closes";
	ui_put(u, w, p->h - 2, 2, p->w - 4, foot, u->attr[R_MINOR]);
}

static bool help_key(struct ui *u, struct ui_pane *p, int key)
{
	return ui_scroll_key(p, key, NHELP, fit_from_end(u, p->w - 4, p->h - 3));
}

static void help_resize(struct ui *u, struct ui_pane *p)
{
	(void)u;
	p->follow = false;
	p->top = 0;
}

const struct ui_pane_ops ui_help_ops = {
	.name = "help",
	.title = help_title,
	.draw = help_draw,
	.key = help_key,
	.resize = help_resize,
};
