/* ui_menu.c - the lesson menu (L, or --lesson with no name): an overlay like
 * the help, listing every lesson with its summary, as --list-lessons does
 * (lesson_catalog). Keyboard only: arrows, PgUp/PgDn, Home/End move, Enter
 * starts the lesson chosen, Esc or q closes. At 80x24 a summary too long for
 * its row is cut with an ellipsis, and the chosen one is shown whole below
 * the list. */
#include "ui_shell.h"
#include "ui_notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_run.h"

struct menu {
	struct lesson_entry *e;
	int n;
	int sel;
};

static struct menu *menu_of(struct ui_pane *p)
{
	return p->priv;
}

static void menu_forget(struct ui *u, struct ui_pane *p)
{
	(void)u;
	struct menu *m = menu_of(p);
	if (m)
		lesson_catalog_free(m->e, m->n);
	free(m);
	p->priv = NULL;
}

void ui_menu_open(struct ui *u)
{
	struct ui_pane *p = &u->pane[P_MENU];
	if (u->compare) {
		ui_notice(u, true, "the lesson menu is not for --compare: it runs its two lessons side by side; "
			  "start sockstep without --compare to choose a lesson");
		return;
	}
	menu_forget(u, p);
	struct menu *m = calloc(1, sizeof(*m));
	char err[CMD_ERR_MAX + 1024] = "";
	int n = m ? lesson_catalog(&m->e, NULL, err, sizeof(err)) : -1;
	if (n <= 0) {
		free(m);
		ui_notice(u, true, "no lesson menu: %s", m ? err : "out of memory");
		return;
	}
	m->n = n;
	/* The lesson running now is the one chosen first. */
	const char *now = u->nles ? u->les[0].l->name : NULL;
	for (int i = 0; now && i < n; i++)
		if (!strcmp(m->e[i].name, now))
			m->sel = i;
	p->priv = m;
	p->top = 0;
	p->follow = false;
	u->menu = true;
}

static void menu_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	(void)u;
	(void)p;
	snprintf(buf, len, "lessons");
}

/* Rows of the list: as many as there are lessons, leaving the box, a rule
 * and three rows for the chosen lesson's whole summary below it. */
static int list_rows(const struct ui_pane *p)
{
	const struct menu *m = p->priv;
	int most = p->h - 6;
	return m && m->n < most ? m->n : most;
}

/* text at (y, x) in width columns; cut with an ellipsis when longer. */
static void put_cut(struct ui *u, WINDOW *w, int y, int x, int width, const char *text, attr_t at)
{
	if (width <= 0)
		return;
	if (ui_width(u, text) <= width) {
		ui_put(u, w, y, x, width, text, at);
		return;
	}
	int used = ui_put(u, w, y, x, width - 1, text, at);
	ui_put(u, w, y, x + used, 1, ui_glyph(u, G_ELLIPSIS), at);
}

static void menu_draw(struct ui *u, struct ui_pane *p)
{
	WINDOW *w = p->win;
	struct menu *m = menu_of(p);
	wbkgdset(w, ' ' | u->attr[R_TEXT]);
	werase(w);
	wattrset(w, u->attr[R_BORDER]);
	box(w, 0, 0);
	wattrset(w, A_NORMAL);
	if (!m)
		return;
	char head[96];
	snprintf(head, sizeof(head), " lessons: %d, as sockstep --list-lessons lists them ", m->n);
	ui_put(u, w, 0, 2, p->w - 4, head, u->attr[R_FOCUS]);
	int vis = list_rows(p), width = p->w - 4;
	if (vis < 1)
		return;
	/* Keep the chosen lesson in view. */
	if (m->sel < p->top)
		p->top = m->sel;
	if (m->sel >= p->top + vis)
		p->top = m->sel - vis + 1;
	int nw = 0;
	for (int i = 0; i < m->n; i++)
		if (ui_width(u, m->e[i].name) > nw)
			nw = ui_width(u, m->e[i].name);
	if (nw > width / 3)
		nw = width / 3;
	for (int y = 0; y < vis && p->top + y < m->n; y++) {
		int i = p->top + y;
		const struct lesson_entry *e = &m->e[i];
		bool sel = i == m->sel;
		attr_t at = sel ? u->attr[R_SELECTED] : u->attr[R_TEXT];
		if (sel) /* the whole row, so that it shows on a washed-out projector too */
			mvwchgat(w, y + 1, 1, p->w - 2, at, 0, NULL);
		ui_put(u, w, y + 1, 2, 2, sel ? ui_glyph(u, G_CURRENT) : " ", at);
		put_cut(u, w, y + 1, 4, nw, e->name, sel ? at : u->attr[R_HEADER]);
		int sx = 4 + nw + 2;
		if (e->summary)
			put_cut(u, w, y + 1, sx, width + 2 - sx, e->summary, at);
		else
			put_cut(u, w, y + 1, sx, width + 2 - sx, "(does not load)", sel ? at : u->attr[R_WARN]);
	}
	/* The chosen lesson, whole: its summary (or why it does not load) wrapped. */
	const struct lesson_entry *e = &m->e[m->sel];
	char info[CMD_ERR_MAX + CMD_PATH_MAX + 128];
	if (e->summary)
		snprintf(info, sizeof(info), "%s: %s (%d step%s, net %s)", e->name, e->summary, e->steps,
			 e->steps == 1 ? "" : "s", lesson_net_name(e->net));
	else
		snprintf(info, sizeof(info), "%s does not load: %s", e->name, e->error ? e->error : "");
	mvwhline(w, vis + 1, 1, ACS_HLINE, p->w - 2);
	ui_wrap(u, w, vis + 2, 2, width, p->h - vis - 3, 2, info, e->summary ? u->attr[R_TEXT] : u->attr[R_WARN]);
	char foot[96];
	snprintf(foot, sizeof(foot), " Enter start  arrows PgUp PgDn Home End move  Esc close  %d/%d ", m->sel + 1,
		 m->n);
	ui_put(u, w, p->h - 1, 2, p->w - 4, foot, u->attr[R_KEY]);
}

/* Enter starts the lesson chosen, Esc or q close the menu (false); other
 * keys do nothing while it is open. */
static bool menu_act(struct ui *u, struct ui_pane *p, struct menu *m, int key)
{
	switch (key) {
	case '\r':
	case '\n':
	case UI_FKEY(KEY_ENTER):
		/* The shell starts it (ui_lesson_start) once the menu is closed. */
		u->ask = UA_LESSON;
		snprintf(u->ask_text, sizeof(u->ask_text), "%s", m->e[m->sel].path);
		u->menu = false;
		menu_forget(u, p);
		return false;
	case 27:
	case 'q':
		u->menu = false;
		menu_forget(u, p);
		return false;
	default:
		return true;
	}
}

/* Keys of the open menu: false when it closes. */
static bool menu_key(struct ui *u, struct ui_pane *p, int key)
{
	struct menu *m = menu_of(p);
	if (!m)
		return false;
	int vis = list_rows(p) > 0 ? list_rows(p) : 1, page = vis > 2 ? vis - 1 : 1;
	long by = 0;
	/* j and k move as the arrows do (less, vi). */
	switch (ui_scroll_move(key == 'k' ? UI_FKEY(KEY_UP) : key == 'j' ? UI_FKEY(KEY_DOWN) : key, page, &by)) {
	case UM_BY:
		m->sel += (int)by;
		break;
	case UM_FIRST:
		m->sel = 0;
		break;
	case UM_LAST:
		m->sel = m->n - 1;
		break;
	case UM_NONE:
		return menu_act(u, p, m, key);
	}
	if (m->sel < 0)
		m->sel = 0;
	if (m->sel >= m->n)
		m->sel = m->n - 1;
	return true;
}

const struct ui_pane_ops ui_menu_ops = {
	.name = "menu",
	.title = menu_title,
	.draw = menu_draw,
	.key = menu_key,
	.forget = menu_forget,
};
