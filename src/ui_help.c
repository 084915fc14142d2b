/* ui_help.c - the '?' overlay: every key and every command, in one place.
 * Arrows scroll it; any other key closes it. The lines are help.c's. */
#include "help.h"
#include "ui_pane.h"

#include <stdio.h>

/* The text is help.c's, made from the verb table: every command is in it. */
#define NHELP ((int)help_overlay(0, NULL, 0))

static void help_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	(void)u;
	(void)p;
	snprintf(buf, len, "help");
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
	int vis = p->h - 3;
	ui_scroll_fix(p, NHELP, vis);
	for (int y = 0; y < vis && p->top + y < NHELP; y++) {
		char l[HELP_LINE_MAX];
		help_overlay((size_t)(p->top + y), l, sizeof l);
		if (l[0] == '#')
			ui_put(u, w, y + 1, 2, p->w - 4, l + 2, u->attr[R_HEADER]);
		else
			ui_put(u, w, y + 1, 2, p->w - 4, l, u->attr[R_TEXT]);
	}
	const char *foot = NHELP > vis ? "arrows scroll, any other key closes" : "any key closes";
	ui_put(u, w, p->h - 2, 2, p->w - 4, foot, u->attr[R_MINOR]);
}

static bool help_key(struct ui *u, struct ui_pane *p, int key)
{
	(void)u;
	return ui_scroll_key(p, key, NHELP, p->h - 3);
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
