/* ui_layout.c - where the panes go for the terminal's size, the mode
 * (explorer, lesson, --compare) and the zoom, and the frame around them.
 * The frame is derived from the pane rectangles: each placed pane adds
 * its box to a grid of line segments, and where boxes meet the grid gives
 * the joining character (tee, cross, corner), so a new arrangement needs
 * rectangles only, never drawing code of its own. */
#include "ui_shell.h"
#include "ui_notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "lesson_fit.h"
#include "lesson_run.h"

struct layout {
	bool small;
	int rows, cols;
	int xs;          /* column of the line between the program panes (--compare: the halves) */
	int xh;          /* column of the line between the sockaddr and wire panes */
	int y_lesson;    /* border row above the lesson pane, 0 without a lesson */
	int y_tuple;     /* border row above the 5-tuple pane(s) */
	int y_bottom;    /* border row above the bottom panes */
	int y_end;       /* bottom border row */
	int lesson_want; /* the narration lines the current step needed when laid out */
	int hextable_want; /* the rows of the hex pane's table when laid out (0: none) */
	int table_want;  /* the table lines its rows needed then */
	int calls_want;  /* the program lines its current calls needed then */
	int rows_want;   /* the table lines its rows needed, without their notes */
	int xs_want;     /* the explorer: the programs' split its step needed (explorer_calls) */
	int output_want; /* the program lines of a step whose program printed (step_need's output) */
	int status_rows; /* the explorer's step took rows: the narration's rows then (ui_status_rows) */
	/* Boxes that are not panes: --compare's heading lines. */
	int nbox;
	struct box { int y, x, h, w; } box[4];
};

static struct layout lay;

/* The frame's junctions, one cell a byte: sized when laid out, so that
 * drawing the borders allocates nothing. */
static unsigned char *edge_grid;
static size_t edge_cap;

/* From this width the ladder and the frame list both fit beside the hex pane. */
#define WIDE_BOTH 180

static void pane_place(struct ui *u, int id, int y, int x, int h, int w)
{
	struct ui_pane *p = &u->pane[id];
	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
	if (h > 0 && w > 0)
		p->win = derwin(stdscr, h, w, y, x);
	if (p->win && p->ops->resize)
		p->ops->resize(u, p);
}

/* A step that built a table (families, journey: ui_hex_table_size) gets
 * it whole, at the bottom, the full width: where the usual slot is too
 * small, the ladder yields first, then the 5-tuple table, then the
 * programs' panes; the narration keeps the lines it needs. False when the
 * usual layout has room, or even this one has not (then the usual one). */
static bool layout_table(struct ui *u, int W, int F, int trows)
{
	int inner = F - 2, lh = 0;
	if (u->nles) {
		int want = ui_lesson_rows(u, W - 2);
		lay.lesson_want = want;
		lh = want < 1 ? 1 : want;
		if (lh > inner - trows - 1)
			lh = inner - trows - 1;
		if (lh < 1)
			return false;
	}
	int left = inner - trows - (u->nles ? lh + 1 : 0); /* rows for programs and table, borders included */
	if (left < 0)
		return false;
	int ph = 0, th = 0;
	if (left >= 4) /* the programs' current calls: three rows and a border */
		ph = left - 1 < 3 ? left - 1 : 3, left -= ph + 1;
	if (left >= 3) /* the table: a heading and a row at least */
		th = left - 1, left = 0;
	if (!th && ph && left > 0)
		ph += left;
	int y = 1;
	lay.xs = W / 2;
	lay.xh = W - 1;
	if (ph) {
		pane_place(u, P_SERVER, y, 1, ph, lay.xs - 1);
		pane_place(u, P_CLIENT, y, lay.xs + 1, ph, W - 2 - lay.xs);
		y += ph + 1;
	}
	if (u->nles) {
		lay.y_lesson = y - 1;
		pane_place(u, P_LESSON, y, 1, lh, W - 2);
		y += lh + 1;
	}
	lay.y_tuple = y - 1;
	if (th) {
		pane_place(u, P_TUPLE, y, 1, th, W - 2);
		y += th + 1;
	}
	lay.y_bottom = y - 1;
	pane_place(u, P_HEX, y, 1, F - 1 - y, W - 2);
	return true;
}

/* What a lesson's step asks of the screen, read when it is laid out. */
struct step_need {
	int text;      /* narration lines, whole */
	int calls;     /* program lines: the current call whole and what followed it */
	int table;     /* table lines for the rows the step printed (header, rows, their notes) */
	int rows;      /* the same without the notes */
	int bottom;    /* the step is about the sockaddr, conversion or ladder pane: the lines it needs; 0: not */
	int output;    /* a program printed in the step: the program lines of the whole step; 0: none did */
};

/* Table lines of the rows the step has added so far in lab which (each row
 * and its note, a long note on two lines), the header included; *rows: the
 * same without the notes. */
static int step_table_lines(const struct ui *u, int which, int width, int *rows)
{
	const struct session *s = &u->les[which].a->log;
	int n = 1, r = 1, notew = width - 24 > 20 ? width - 24 : 20;
	for (size_t i = u->run->from[which]; i < s->n; i++) {
		const struct event *e = session_at(s, i);
		if (!e || e->kind != EV_ROW || !e->row)
			continue;
		n++;
		r++;
		if (e->row->note[0])
			n += 1 + (int)strlen(e->row->note) / notew;
	}
	*rows = r < 2 ? 2 : r;
	return n < 2 ? 2 : n;
}

static struct step_need step_need(struct ui *u, int which, int width)
{
	struct step_need n = { 0, 0, 0, 0, 0, 0 };
	if (which >= u->nles)
		return n;
	n.text = ui_lesson_rows_of(u, which, width);
	/* --compare's halves are a column each: both programs at the half's width. */
	int ps = which ? P_SERVER_B : P_SERVER, pc = which ? P_CLIENT_B : P_CLIENT;
	int ws = u->compare ? width : COLS / 2 - 1, wc = u->compare ? width : COLS - 2 - COLS / 2;
	int a = ui_program_rows(u, &u->pane[ps], ws, false), b = ui_program_rows(u, &u->pane[pc], wc, false);
	n.calls = a > b ? a : b;
	a = ui_program_output_rows(u, &u->pane[ps], ws);
	b = ui_program_output_rows(u, &u->pane[pc], wc);
	n.output = a > b ? a : b;
	n.table = step_table_lines(u, which, width, &n.rows);
	const struct lesson_step *st = ui_lesson_current(u, which);
	n.bottom = st ? lesson_step_pane_lines(st) : 0; /* lesson_fit.h: what the step shows */
	if (n.bottom == 1)
		n.bottom = 0;
	return n;
}

/* The bottom panes' floor in the explorer's step: three lines when it put
 * frames on the wire (the ladder's newest arrows), else one (the
 * sockaddr's 16 bytes), and the rows a long narration covers. */
static int explorer_bottom(struct ui *u)
{
	const struct session *s = &u->line_app->log;
	/* A long narration covers the frame's bottom border, then pane rows. */
	int n = 1, cover = u->status_rows - 2;
	lay.status_rows = cover + 2;
	for (size_t i = u->line_log > s->first ? u->line_log : s->first; i < s->n; i++) {
		const struct event *e = session_at(s, i);
		if (e && e->kind == EV_FRAME) {
			n = 3;
			break;
		}
	}
	return n + (cover > 0 ? cover : 0);
}

/* The table lines of the rows the explorer's step made, the header included. */
static int explorer_table(const struct ui *u)
{
	if (!u->line_app)
		return 2;
	const struct session *s = &u->line_app->log;
	int n = 1;
	for (size_t i = u->line_log > s->first ? u->line_log : s->first; i < s->n; i++) {
		const struct event *e = session_at(s, i);
		if (e && e->kind == EV_ROW && e->row)
			n++;
	}
	return n < 2 ? 2 : n;
}

/* The explorer's step, the last line typed or stepped (n): the program
 * panes' rows that show what it made whole (ui_program_rows), at the split
 * *xs (the column of the line between them). W / 2 when they fit in the
 * programs' usual rows (fit); else the split, from W / 5 to 4 W / 5, that
 * needs the fewest rows, the nearest W / 2 of those: a program whose output
 * is long takes the wider pane, and the table and bottom panes keep more. */
static int explorer_calls(struct ui *u, int W, int fit, int *xs)
{
	*xs = W / 2;
	if (!u->line_app)
		return 0;
	int best = -1, bx = W / 2;
	for (int d = 0; d <= W / 2 - W / 5; d++) {
		for (int sgn = -1; sgn <= 1; sgn += 2) {
			int x = W / 2 + sgn * d;
			int a = ui_program_rows(u, &u->pane[P_SERVER], x - 1, true);
			int b = ui_program_rows(u, &u->pane[P_CLIENT], W - 2 - x, true);
			int m = a > b ? a : b;
			if (m <= fit && d == 0)
				return m;
			if (best < 0 || m < best) {
				best = m;
				bx = x;
			}
			if (d == 0)
				break;
		}
	}
	*xs = bx;
	return best;
}

/* A lesson's step whose program printed more than its pane of ph rows
 * shows at W / 2: the split, from W / 5 to 4 W / 5, that shows the most of
 * it, each program's current call whole (the nearest W / 2 of those). */
static int lesson_split(struct ui *u, int W, int ph)
{
	int best = -1, bx = W / 2;
	for (int d = 0; d <= W / 2 - W / 5; d++) {
		for (int sgn = -1; sgn <= 1; sgn += 2) {
			int x = W / 2 + sgn * d, ws = x - 1, wc = W - 2 - x;
			int a = ui_program_output_rows(u, &u->pane[P_SERVER], ws);
			int b = ui_program_output_rows(u, &u->pane[P_CLIENT], wc);
			int m = a > b ? a : b;
			if (ui_program_rows(u, &u->pane[P_SERVER], ws, false) <= ph &&
			    ui_program_rows(u, &u->pane[P_CLIENT], wc, false) <= ph && (best < 0 || m < best)) {
				best = m;
				bx = x;
			}
			if (d == 0)
				break;
		}
	}
	return bx;
}

/* Take up to *deficit lines from *h, down to floor. */
static void yield(int *h, int floor, int *deficit)
{
	int take = *h - floor < *deficit ? *h - floor : *deficit;
	if (take > 0) {
		*h -= take;
		*deficit -= take;
	}
}

/* The explorer: programs over the 5-tuple over sockaddr_in and the wire;
 * with a lesson, its narration between the programs and the table.
 *
 * With a lesson the step's content gets the room (README, "What a step
 * shows"): the narration takes every line it needs, the table at least its
 * header and the rows the step printed; the room to spare goes to the pane
 * the step is about (the bottom pane, else the table). When that leaves too
 * little, the others yield in this order:
 *   1. the table's older rows, down to the step's own;
 *   2. the programs' older lines, down to the current call (whole) and the
 *      lines after it (its note, what it received);
 *   3. the bottom pane (sockaddr_in, ladder) down to four lines when the
 *      step is about it (show:, or its commands: an address built, a
 *      frame sent; one line per conversion where it makes more than four),
 *      else to one (lesson_step_pane_lines); the notes under the step's
 *      rows yield before it when the step is about it;
 *   4. the notes under the step's rows (the rows stay);
 *   5. the programs down to three lines (a wrapped current call);
 *   6. the table down to its header and one row;
 *   7. the bottom pane down to one line;
 *   8. the programs down to two lines.
 * A step of narration alone (no command) that still does not fit has the
 * whole frame. Past all of that the narration would be cut: the lesson
 * check at load refuses such a step (lesson_fit.h). */
static void layout_explorer(struct ui *u, int W, int F)
{
	int rows = F - 4, lh = 0;
	int ph, th, xs = W / 2;
	if (u->nles) {
		rows--; /* one more border: above the lesson pane */
		struct step_need need = step_need(u, 0, W - 2);
		lay.lesson_want = need.text;
		lay.table_want = need.table;
		lay.calls_want = need.calls;
		lay.rows_want = need.rows;
		lay.output_want = need.output;
		lh = need.text < 1 ? 1 : need.text;
		int rest = rows - lh;
		int calls = need.calls < 3 ? 3 : need.calls > 6 ? 6 : need.calls;
		ph = rest * 28 / 100 < calls ? calls : rest * 28 / 100;
		th = rest * 38 / 100 < need.table ? need.table : rest * 38 / 100;
		int bfloor = need.bottom ? need.bottom : 1, bwant = need.bottom ? (bfloor > 6 ? bfloor : 6) : 3;
		int deficit = bwant - (rest - ph - th);
		yield(&th, need.table, &deficit);
		yield(&ph, calls, &deficit);
		if (need.bottom) /* the pane the step is about outranks the notes */
			yield(&th, need.rows, &deficit);
		deficit -= bwant - bfloor;
		yield(&th, need.rows, &deficit);
		yield(&ph, 3, &deficit);
		yield(&th, 2, &deficit);
		deficit -= bfloor - 1;
		yield(&ph, 2, &deficit);
		const struct lesson_step *st = ui_lesson_current(u, 0);
		if (deficit > 0 && st && st->ncommands == 0) {
			/* Nothing but words: they have the frame to themselves. */
			lay.y_lesson = 0;
			lay.y_tuple = lay.y_bottom = F - 1;
			pane_place(u, P_LESSON, 1, 1, F - 2, W - 2);
			return;
		}
		/* A program printed in the step (your own program's output): room to
		 * spare goes to the program panes first, up to the whole step. */
		int spare = rest - ph - th - bwant;
		if (deficit <= 0 && need.output > ph && spare > 0)
			ph += spare < need.output - ph ? spare : need.output - ph;
		if (need.output > ph) /* still more: the program with the longer lines takes the wider pane */
			xs = lesson_split(u, W, ph);
		lay.xs_want = xs;
		if (deficit > 0) /* no room left for the whole narration: lesson_fit refuses this at load */
			lh = lh - deficit < 1 ? 1 : lh - deficit;
		else if (!need.bottom && deficit < 0) /* room to spare: the table's older rows have it */
			th += rest - ph - th - bwant > 0 ? rest - ph - th - bwant : 0;
	} else {
		ph = rows * 30 / 100 < 4 ? 4 : rows * 30 / 100;
		th = rows * 33 / 100 < 5 ? 5 : rows * 33 / 100;
		/* The explorer's step (your program's, n): its calls and the
		 * program's output whole. The table yields down to the rows the
		 * step made, the bottom panes down to three lines (one when the
		 * step sent no frame). */
		int need = explorer_calls(u, W, ph, &xs);
		lay.calls_want = need;
		lay.xs_want = xs;
		if (need > ph) {
			int trows = explorer_table(u), most = rows - (trows > th ? th : trows) - explorer_bottom(u);
			int want = need < most ? need : most;
			if (want > ph) {
				int more = want - ph, take = th - trows < more ? th - trows : more;
				ph = want;
				th -= take > 0 ? take : 0;
			}
		}
	}
	rows -= lh;
	int bh = rows - ph - th;
	lay.xs = xs;
	int hexw = W * 42 / 100;
	hexw = hexw < 36 ? 36 : hexw > 60 ? 60 : hexw;
	int tcols, trows = ui_hex_table_size(u, &tcols);
	lay.hextable_want = trows;
	if (trows && (trows > bh || tcols > hexw) && layout_table(u, W, F, trows))
		return;
	lay.xh = hexw + 1;
	lay.y_lesson = u->nles ? ph + 1 : 0;
	lay.y_tuple = u->nles ? lay.y_lesson + lh + 1 : ph + 1;
	lay.y_bottom = lay.y_tuple + th + 1;
	pane_place(u, P_SERVER, 1, 1, ph, lay.xs - 1);
	pane_place(u, P_CLIENT, 1, lay.xs + 1, ph, W - 2 - lay.xs);
	if (u->nles)
		pane_place(u, P_LESSON, lay.y_lesson + 1, 1, lh, W - 2);
	pane_place(u, P_TUPLE, lay.y_tuple + 1, 1, th, W - 2);
	pane_place(u, P_HEX, lay.y_bottom + 1, 1, bh, hexw);
	/* Wide: the ladder and the frame list side by side. Otherwise they
	 * share the slot: the list while it has the focus. */
	int rest = W - 2 - lay.xh;
	if (W >= WIDE_BOTH) {
		int lw = rest * 55 / 100;
		pane_place(u, P_LADDER, lay.y_bottom + 1, lay.xh + 1, bh, lw);
		pane_place(u, P_WIRE, lay.y_bottom + 1, lay.xh + 2 + lw, bh, rest - lw - 1);
	} else {
		pane_place(u, u->focus == P_WIRE ? P_WIRE : P_LADDER, lay.y_bottom + 1, lay.xh + 1, bh, rest);
	}
}

/* What the current step needs (--compare: the larger of the halves'). */
static struct step_need need_now(struct ui *u)
{
	if (!u->compare)
		return step_need(u, 0, COLS - 2);
	int xs = COLS / 2;
	struct step_need a = step_need(u, 0, xs - 1), b = step_need(u, 1, COLS - 2 - xs);
	a.text = a.text > b.text ? a.text : b.text;
	a.table = a.table > b.table ? a.table : b.table;
	a.rows = a.rows > b.rows ? a.rows : b.rows;
	a.calls = a.calls > b.calls ? a.calls : b.calls;
	a.bottom = a.bottom > b.bottom ? a.bottom : b.bottom;
	return a;
}

/* --compare: the lecture's two tables side by side, TCP on the left and
 * UDP on the right. Each half, top to bottom: its lesson's narration (the
 * pane's title is the half's heading), its server's code, its client's
 * code, its 5-tuple table and a frames slot at the bottom. Both halves have
 * the same rows, so that the tables' steps can be level. The narration gets
 * the lines the longer text needs, whole; the code panes the current calls
 * whole; the table the rest, and the rows the step printed if it can: for
 * them the frames slot yields first (down to one line), then what followed
 * the calls (down to three lines); past that the table keeps the step's
 * newest rows. */
static void layout_compare(struct ui *u, int W, int F)
{
	int rows = F - 6; /* borders: top, above the programs, between them, above the table and the frames, bottom */
	int xs = W / 2, wl = xs - 1, wr = W - 2 - xs;
	struct step_need need = need_now(u);
	lay.lesson_want = need.text;
	lay.table_want = need.table;
	lay.calls_want = need.calls;
	lay.rows_want = need.rows;
	int lh = need.text < 1 ? 1 : need.text;
	int rest = rows - lh;
	/* The current calls whole (a connect() or accept() wraps to three rows
	 * in a half at 80x24), with what followed them. */
	int calls = need.calls < 2 ? 2 : need.calls > 4 ? 4 : need.calls;
	int ph = rest / 6 < calls ? calls : rest / 6;
	int wh = rest / 8 < 2 ? 2 : rest / 8;
	if (ph < 3 && rest - 6 - 2 >= 5) /* three rows of code when the table keeps five */
		ph = 3;
	/* The step's rows: a half's table has no room for the notes. */
	int deficit = 2 * ph + wh + need.rows - rest;
	yield(&wh, 1, &deficit);
	while (deficit > 0 && ph > 3) { /* what followed the calls */
		ph--;
		deficit -= 2;
	}
	int th = rest - 2 * ph - wh; /* then the oldest of the step's rows */
	while (th < 2 && ph > 2) { /* then the calls' first lines */
		ph--;
		th += 2;
	}
	if (th < 2 && lh - (2 - th) >= 1) { /* the narration is cut only past all of that */
		lh -= 2 - th;
		th = 2;
	}
	lay.xs = xs;
	int y = 1;
	/* The frames slot: the ladder, or the frame list while it has the focus. */
	int ids[2][5] = { { P_LESSON, P_SERVER, P_CLIENT, P_TUPLE, u->focus == P_WIRE ? P_WIRE : P_LADDER },
			  { P_LESSON_B, P_SERVER_B, P_CLIENT_B, P_TUPLE_B, u->focus == P_WIRE_B ? P_WIRE_B : P_LADDER_B } };
	const int hs[5] = { lh, ph, ph, th, wh };
	for (int i = 0; i < 5; i++) {
		pane_place(u, ids[0][i], y, 1, hs[i], wl);
		pane_place(u, ids[1][i], y, xs + 1, hs[i], wr);
		y += hs[i] + 1;
	}
	lay.y_tuple = u->pane[P_TUPLE].y - 1;
	lay.y_bottom = u->pane[ids[0][4]].y - 1;
}

void ui_layout(struct ui *u)
{
	for (int i = 0; i < P_COUNT_; i++)
		if (u->pane[i].win) {
			delwin(u->pane[i].win);
			u->pane[i].win = NULL;
		}
	memset(&lay, 0, sizeof(lay));
	lay.rows = LINES;
	lay.cols = COLS;
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		lay.small = true;
		return;
	}
	int W = COLS, F = LINES - 2; /* the frame; two lines below it */
	lay.y_end = F - 1;
	if (u->zoom)
		pane_place(u, u->focus, 1, 1, F - 2, W - 2);
	else if (u->compare)
		layout_compare(u, W, F);
	else
		layout_explorer(u, W, F);
	pane_place(u, P_PROMPT, LINES - 2, 0, 1, W);
	/* The help overlay floats over the panes in a window of its own. */
	struct ui_pane *hp = &u->pane[P_HELP];
	int hh = LINES - 4, hw = W - 8 > 100 ? 100 : W - 8;
	hp->h = hh;
	hp->w = hw;
	hp->y = 2;
	hp->x = (W - hw) / 2;
	hp->win = newwin(hh, hw, hp->y, hp->x);
	if (hp->win && hp->ops->resize)
		hp->ops->resize(u, hp);
	/* The lesson menu floats in the same place. */
	struct ui_pane *mp = &u->pane[P_MENU];
	mp->h = hh;
	mp->w = hw;
	mp->y = hp->y;
	mp->x = hp->x;
	mp->win = newwin(hh, hw, mp->y, mp->x);
	size_t cells = (size_t)(lay.y_end + 1 > 0 ? lay.y_end + 1 : 0) * (size_t)(lay.cols > 0 ? lay.cols : 0);
	if (cells > edge_cap) {
		unsigned char *g = realloc(edge_grid, cells);
		if (g) {
			edge_grid = g;
			edge_cap = cells;
		}
	}
	ui_log("layout %dx%d%s%s (step needs: text %d, table %d, rows %d, calls %d)", COLS, LINES, u->zoom ? " zoomed" : "",
	       u->compare ? " compare" : "", lay.lesson_want, lay.table_want, lay.rows_want, lay.calls_want);
}

static void frame_title(struct ui *u, int id, int y)
{
	struct ui_pane *p = &u->pane[id];
	char t[256] = "";
	if (!p->win || !p->ops->title)
		return;
	p->ops->title(u, p, t, sizeof(t));
	bool focus = id == u->focus;
	/* Focus is shown by reverse video and by the brackets, not by colour. */
	char s[300];
	snprintf(s, sizeof(s), focus ? "[ %s ]" : " %s ", t);
	ui_put(u, stdscr, y, p->x + 1, p->w - 2, s, u->attr[focus ? R_FOCUS : R_TITLE]);
}

/* Line segments of the frame, one cell at a time: which of the four
 * directions a line leaves the cell in. */
enum { E_UP = 1, E_DOWN = 2, E_LEFT = 4, E_RIGHT = 8 };

static void edge(unsigned char *g, int rows, int cols, int y, int x, unsigned bits)
{
	if (y >= 0 && y < rows && x >= 0 && x < cols)
		g[y * cols + x] |= (unsigned char)bits;
}

static void edge_box(unsigned char *g, int rows, int cols, int y0, int x0, int y1, int x1)
{
	for (int x = x0; x <= x1; x++) {
		unsigned h = (x > x0 ? E_LEFT : 0) | (x < x1 ? E_RIGHT : 0);
		edge(g, rows, cols, y0, x, h);
		edge(g, rows, cols, y1, x, h);
	}
	for (int y = y0; y <= y1; y++) {
		unsigned v = (y > y0 ? E_UP : 0) | (y < y1 ? E_DOWN : 0);
		edge(g, rows, cols, y, x0, v);
		edge(g, rows, cols, y, x1, v);
	}
}

static chtype edge_char(unsigned e)
{
	switch (e) {
	case E_LEFT | E_RIGHT: case E_LEFT: case E_RIGHT: return ACS_HLINE;
	case E_UP | E_DOWN: case E_UP: case E_DOWN: return ACS_VLINE;
	case E_DOWN | E_RIGHT: return ACS_ULCORNER;
	case E_DOWN | E_LEFT: return ACS_URCORNER;
	case E_UP | E_RIGHT: return ACS_LLCORNER;
	case E_UP | E_LEFT: return ACS_LRCORNER;
	case E_LEFT | E_RIGHT | E_DOWN: return ACS_TTEE;
	case E_LEFT | E_RIGHT | E_UP: return ACS_BTEE;
	case E_UP | E_DOWN | E_RIGHT: return ACS_LTEE;
	case E_UP | E_DOWN | E_LEFT: return ACS_RTEE;
	default: return ACS_PLUS;
	}
}

void ui_draw_borders(struct ui *u)
{
	int rows = lay.y_end + 1, cols = lay.cols;
	unsigned char *g = edge_grid;
	if (rows <= 0 || cols <= 0 || !g || (size_t)rows * (size_t)cols > edge_cap)
		return; /* out of memory when laid out: no frame, the panes still draw */
	memset(g, 0, (size_t)rows * (size_t)cols);
	for (int i = 0; i < P_TILED_; i++) {
		const struct ui_pane *p = &u->pane[i];
		if (p->win)
			edge_box(g, rows, cols, p->y - 1, p->x - 1, p->y + p->h, p->x + p->w);
	}
	for (int i = 0; i < lay.nbox; i++)
		edge_box(g, rows, cols, lay.box[i].y - 1, lay.box[i].x - 1, lay.box[i].y + lay.box[i].h,
			 lay.box[i].x + lay.box[i].w);
	wattrset(stdscr, u->attr[R_BORDER]);
	for (int y = 0; y < rows; y++)
		for (int x = 0; x < cols; x++)
			if (g[y * cols + x])
				mvwaddch(stdscr, y, x, edge_char(g[y * cols + x]));
	wattrset(stdscr, A_NORMAL);
	for (int i = 0; i < P_TILED_; i++)
		frame_title(u, i, u->pane[i].y - 1);
}

void ui_layout_free(void)
{
	free(edge_grid);
	edge_grid = NULL;
	edge_cap = 0;
}

bool ui_layout_small(void)
{
	return lay.small;
}

bool ui_layout_stale(struct ui *u)
{
	/* The narration box takes the lines its step needs (--compare: the
	 * longer of the two halves', both boxes the same height). */
	if (!u->zoom && !lay.small && !u->compare && ui_hex_table_size(u, NULL) != lay.hextable_want)
		return true; /* a table came or went: it takes the room it needs */
	if (!u->nles && !u->zoom && !lay.small && !u->compare) {
		int rows = lay.rows - 6, ph = rows * 30 / 100 < 4 ? 4 : rows * 30 / 100; /* layout_explorer's */
		int xs, need = explorer_calls(u, lay.cols, ph, &xs);
		if (lay.status_rows && u->status_rows != lay.status_rows)
			return true; /* the narration's rows cover the step's bottom panes */
		return need != lay.calls_want || xs != lay.xs_want; /* your program's step takes the room it needs */
	}
	if (!u->nles || u->zoom || lay.small)
		return false;
	struct step_need n = need_now(u);
	if (!u->compare && n.output != lay.output_want)
		return true; /* a program printed: its lines want the room (and the split) */
	return n.text != lay.lesson_want || n.table != lay.table_want || n.calls != lay.calls_want;
}

bool ui_pane_shown(const struct ui *u, int id)
{
	if (u->compare) /* two halves of five: narration, server, client, 5-tuple, frames (ladder or list) */
		return id != P_HEX && id < P_TILED_;
	if (id == P_LESSON)
		return u->nles > 0;
	return id < P_LESSON_B; /* P_LADDER and P_WIRE: one slot, both reachable */
}

/* Below 80x24: say so plainly, on one line when it fits, else on two. */
void ui_draw_small(struct ui *u)
{
	char need[64], l1[128];
	snprintf(need, sizeof(need), "%dx%d needed, this is %dx%d", UI_MIN_COLS, UI_MIN_LINES, lay.cols, lay.rows);
	snprintf(l1, sizeof(l1), "terminal too small: %s", need);
	const char *lines[3] = { l1, "enlarge it, or q to quit", NULL };
	if ((int)strlen(l1) > lay.cols) {
		lines[0] = "terminal too small:";
		lines[1] = need;
		lines[2] = "enlarge it, or q to quit";
	}
	int n = lines[2] ? 3 : 2;
	int y = (lay.rows - n) / 2;
	for (int i = 0; i < n; i++) {
		int w = (int)strlen(lines[i]);
		int x = w < lay.cols ? (lay.cols - w) / 2 : 0;
		ui_put(u, stdscr, y + i < 0 ? 0 : y + i, x, lay.cols - x, lines[i],
		       u->attr[i == n - 1 ? R_TEXT : R_WARN]);
	}
}
