/* ui_keys.c - the shell's keys, one table (ui_keys.h): the key handler, the
 * '?' overlay's key lines and the hint line below the frame read the same
 * rows. The panes' own keys (arrows, Enter, the ':' line's editing) are
 * theirs; a row without a function only documents one of them. */
#include "ui_keys.h"
#include "ui_shell.h"
#include "ui_notice.h"

#include <stdio.h>
#include <string.h>

/* UH_IGNORED and more: the key is not the shell's here, the focused pane's. */
#define UH_PANE (-1)

/* When a row applies: always (before the overlays); a step or replay runs; a PREDICT question waits (and
 * no step runs); otherwise. */
enum ui_key_when { UW_ALWAYS, UW_BUSY, UW_PREDICT, UW_NORMAL };

struct ui_key {
	int keys[6];             /* the keys that do it (0 ends the list) */
	enum ui_key_when when;
	int (*run)(struct ui *u, int k);
	const char *label, *hint; /* on the hint line: "n" "next" */
	/* Where the hint stands in each situation (enum ui_hint_mode): 1 is
	 * first; negative: only where the width allows; 0: not shown. */
	signed char at[UK_MODES_];
	const char *help;        /* its line in the '?' overlay (NULL: on another row's) */
};

/* The lab that keys and the ':' line act on: in --compare, the focused half's. */
struct app *ui_target(struct ui *u)
{
	if (u->compare && u->focus >= P_LESSON_B && u->focus < P_TILED_)
		return u->les[1].a;
	return u->a;
}

int ui_run_line(struct ui *u, const char *line)
{
	char err[CMD_ERR_MAX] = "";
	/* What the line makes is the explorer's step (ui_program.c shows it whole). */
	u->line_app = ui_target(u);
	u->line_log = u->line_app->log.n;
	int rc = app_exec_line(ui_target(u), line, err, sizeof(err));
	ui_log("exec \"%s\" -> %d%s%s", line, rc, err[0] ? ": " : "", err);
	/* A call that puts nothing on the wire (closing a UDP socket) wakes no
	 * descriptor of the loop: show its rows now, not at the next event. */
	if (rc > 0)
		app_service(ui_target(u), false);
	u->notice[0] = '\0';
	if (rc < 0 || rc == 2)
		ui_notice(u, true, "%s", err[0] ? err : "the command was refused");
	/* Lines pasted or typed ahead run many to one draw: the panes read
	 * each line's events now, before the bounded log drops them. */
	ui_panes_update(u);
	return rc;
}

static void focus_step(struct ui *u, int d)
{
	do
		u->focus = (u->focus + d + P_TILED_) % P_TILED_;
	while (!ui_pane_shown(u, u->focus));
}

/* ---- what the keys do ---------------------------------------------------- */

/* Ctrl-L repaints everything; a resize lays out again too. */
static int k_repaint(struct ui *u, int k)
{
	(void)u;
	clearok(curscr, TRUE);
	return k == UI_FKEY(KEY_RESIZE) ? UH_RELAYOUT : UH_REDRAW;
}

static int k_stop(struct ui *u, int k)
{
	(void)k;
	ui_steps_cancel(u);
	return UH_REDRAW;
}

/* A step runs: what would run commands of its own waits. */
static int k_wait(struct ui *u, int k)
{
	(void)k;
	if (u->nles)
		ui_notice(u, false, "step %d is running: commands wait until it ends (Esc stops it)", u->step);
	else
		ui_notice(u, false, "your program's step is settling: commands wait until it ends (Esc stops waiting)");
	return UH_REDRAW;
}

static int k_guess(struct ui *u, int k)
{
	(void)k;
	ui_prompt_open(u, "", true);
	return UH_REDRAW;
}

static int k_skip(struct ui *u, int k)
{
	(void)k;
	ui_predict_skip(u, false);
	return UH_REDRAW;
}

/* The ':' line, with what the key types for you. */
static int k_prompt(struct ui *u, int k)
{
	const char *typed = k == 's' ? "server " : k == 'c' ? "client " : k == 'w' ? "wire save " : k == 'S' ? "save lesson " : "";
	ui_prompt_open(u, typed, false);
	return UH_REDRAW;
}

static int k_wire(struct ui *u, int k)
{
	ui_run_line(u, k == 'h' ? "wire hold" : k == 'p' ? "wire pass" : k == '.' ? "wire step" : "wire drop");
	return UH_REDRAW;
}

static int k_menu(struct ui *u, int k)
{
	(void)k;
	ui_menu_open(u);
	return UH_REDRAW;
}

/* Tab: zoomed, or the ladder's slot changes hands with the frame list. */
static int k_focus(struct ui *u, int k)
{
	focus_step(u, k == '\t' ? 1 : -1);
	return UH_RELAYOUT;
}

static int k_zoom(struct ui *u, int k)
{
	(void)k;
	u->zoom = !u->zoom;
	return UH_RELAYOUT;
}

static int k_help(struct ui *u, int k)
{
	(void)k;
	u->help = true;
	u->pane[P_HELP].top = 0;
	u->pane[P_HELP].follow = false;
	return UH_REDRAW;
}

static int k_quit(struct ui *u, int k)
{
	(void)k;
	u->quit = true;
	return UH_REDRAW;
}

/* The program of side (SIDE_NONE: any) that a run, next or continue acted
 * on last, from the log's commands (their canonical lines: "client2 next"). */
static bool last_stepped(const struct session *s, enum side side, char *name, size_t len)
{
	for (size_t i = s->n; i-- > s->first;) {
		const struct event *ev = session_at(s, i);
		char prog[24], verb[16];
		if (!ev || ev->kind != EV_COMMAND || !ev->text || (side != SIDE_NONE && ev->side != side) ||
		    sscanf(ev->text, "%23s %15s", prog, verb) != 2)
			continue;
		if (!strcmp(verb, "run") || !strcmp(verb, "next") || !strcmp(verb, "continue")) {
			snprintf(name, len, "%s", prog);
			return true;
		}
	}
	return false;
}

/* n with no lesson: your own program's next call ("SIDE next"), for the
 * program of the focused side's pane, else for the one last run or stepped. */
static void step_own(struct ui *u)
{
	enum side side = u->focus == P_SERVER || u->focus == P_SERVER_B ? SIDE_SERVER
			 : u->focus == P_CLIENT || u->focus == P_CLIENT_B ? SIDE_CLIENT : SIDE_NONE;
	char prog[24], line[48];

	if (!last_stepped(&ui_target(u)->log, side, prog, sizeof(prog))) {
		if (side == SIDE_NONE) {
			ui_notice(u, false, "nothing to step: L opens a lesson; client run PROGRAM starts your program");
			return;
		}
		snprintf(prog, sizeof(prog), "%s", side_name(side));
	}
	snprintf(line, sizeof(line), "%s next", prog);
	/* As --batch does, the network settles after it: the step's end is
	 * what the screen shows, and the --log says when. */
	int rc = ui_run_line(u, line);
	ui_steps_own(u, ui_target(u), rc, line);
}

/* n, b, r; without a lesson n steps your own program, b and r are the focused pane's. */
static int k_step(struct ui *u, int k)
{
	if (!u->nles && (k == 'n' || k == ' ')) {
		if (!ui_steps_own_queue(u)) /* one settling: this n comes after it */
			step_own(u);
		return UH_REDRAW;
	}
	if (k != 'n' && k != ' ' && !u->nles)
		return UH_PANE;
	ui_steps_key(u, k == ' ' ? 'n' : k);
	return UH_REDRAW;
}

static int k_mouse(struct ui *u, int k)
{
	(void)k;
	MEVENT me;
	if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return UH_REDRAW;
	for (int i = 0; i < P_TILED_; i++) {
		struct ui_pane *p = &u->pane[i];
		/* The title row above the content belongs to the pane too. */
		if (!p->win || me.y < p->y - 1 || me.y >= p->y + p->h || me.x < p->x || me.x >= p->x + p->w)
			continue;
		/* the ladder takes its slot back */
		bool relay = (u->focus == P_WIRE || u->focus == P_WIRE_B) && i != u->focus;
		u->focus = i;
		if (relay)
			ui_layout(u);
		if (me.y >= p->y && p->ops->click)
			p->ops->click(u, p, me.y - p->y, me.x - p->x);
		break;
	}
	return UH_REDRAW;
}

/* Esc: forget an error shown. */
static int k_forget(struct ui *u, int k)
{
	(void)k;
	if (!u->notice[0])
		return UH_IGNORED;
	u->notice[0] = '\0';
	return UH_REDRAW;
}

#define F(k) UI_FKEY(k)

/* The rows: in the order of the overlay's lines. */
static const struct ui_key table[] = {
	{ { 12, F(KEY_RESIZE) }, UW_ALWAYS, k_repaint, NULL, NULL, { 0 }, NULL }, /* Ctrl-L: on Esc's line */
	{ { 'q', 27 }, UW_BUSY, k_stop, NULL, NULL, { 0 }, NULL },
	{ { ':', 's', 'c', 'S', 'L' }, UW_BUSY, k_wait, NULL, NULL, { 0 }, NULL },
	{ { '?' }, UW_NORMAL, k_help, "?", "help", { 1, 4, 5 }, "?            this help (any key closes it)" },
	{ { ':' }, UW_NORMAL, k_prompt, ":", "command", { 2, 5 },
	  ":            command line: type any command below, Enter runs it" },
	{ { 's' }, UW_NORMAL, k_prompt, "s", "server", { 3, -6 },
	  "s / c        command line for the server / the client (\"server \" typed for you)" },
	{ { 'c' }, UW_NORMAL, k_prompt, "c", "client", { 4, -7 }, NULL },
	{ { 'h' }, UW_NORMAL, k_wire, "h", "hold", { 5, -8 }, "h / p        wire: hold every frame / pass them again" },
	{ { 'p' }, UW_NORMAL, k_wire, "p", "pass", { -6 }, NULL },
	{ { '.' }, UW_NORMAL, k_wire, ".", "step", { 7, -9 }, ".            wire: release one held frame (step)" },
	{ { 'x' }, UW_NORMAL, k_wire, "x", "drop", { 8 },
	  "x            wire: drop the first held frame (TCP retransmits, UDP does not)" },
	{ { 'w' }, UW_NORMAL, k_prompt, "w", "save pcap", { -11 },
	  "w            write the capture to a pcap file (\"wire save \" typed for you)" },
	{ { '\t', F(KEY_BTAB) }, UW_NORMAL, k_focus, "Tab", "focus", { -9, -10, -6 },
	  "Tab S-Tab    focus the next / previous pane" },
	{ { 0 }, UW_NORMAL, NULL, NULL, NULL, { 0 }, /* the panes' (ui_text.c's ui_scroll_move) */
	  "arrows PgUp PgDn Home End   scroll the focused pane; in the wire pane: select a frame" },
	{ { 'z' }, UW_NORMAL, k_zoom, "z", "zoom", { 10, 11, -7 },
	  "z            zoom the focused pane to the whole screen (z again: back)" },
	{ { 'L' }, UW_NORMAL, k_menu, NULL, NULL, { 0 },
	  "L            lesson menu: every lesson and its summary; Enter starts one" },
	{ { 'S' }, UW_NORMAL, k_prompt, NULL, NULL, { 0 },
	  "S            save the session as a lesson (\"save lesson \" typed for you)" },
	{ { 'n', ' ' }, UW_NORMAL, k_step, "n", "next", { 0, 1, 3 },
	  "n / space    lesson: next step; none: your program's next call (SIDE next)" },
	{ { 'b' }, UW_NORMAL, k_step, "b", "back", { 0, 2, 4 },
	  "b / r        lesson: back one step (the lab is built again and the steps replayed) / restart" },
	{ { 'r' }, UW_NORMAL, k_step, "r", "restart", { 0, 3 }, NULL },
	{ { ':' }, UW_PREDICT, k_guess, ":", "answer", { 0, 0, 1 },
	  ": / s        lesson, a PREDICT question waiting: type your guess / skip it" },
	{ { 's' }, UW_PREDICT, k_skip, "s", "skip", { 0, 0, 2 }, NULL },
	{ { F(KEY_MOUSE) }, UW_NORMAL, k_mouse, NULL, NULL, { 0 },
	  "mouse        click a pane to focus it, a frame to select it" },
	{ { 27 }, UW_NORMAL, k_forget, NULL, NULL, { 0 }, "Esc          forget the error line      Ctrl-L   repaint" },
	{ { 'q' }, UW_NORMAL, k_quit, "q", "quit", { 12, 12, 8 }, "q            quit (Ctrl-C too)" },
	/* The ':' line's own keys (ui_prompt.c), for its hint line. */
	{ { 0 }, UW_NORMAL, NULL, "Enter", "run", { [UK_PROMPT] = 1 }, NULL },
	{ { 0 }, UW_NORMAL, NULL, "Esc", "cancel", { [UK_PROMPT] = 2 }, NULL },
	{ { 0 }, UW_NORMAL, NULL, "Tab", "complete", { [UK_PROMPT] = 3 }, NULL },
	{ { 0 }, UW_NORMAL, NULL, "Up/Down", "history", { [UK_PROMPT] = 4 }, NULL },
};
#define NTABLE (sizeof table / sizeof table[0])

static bool row_has(const struct ui_key *r, int k)
{
	for (size_t i = 0; i < sizeof r->keys / sizeof r->keys[0] && r->keys[i]; i++)
		if (r->keys[i] == k)
			return true;
	return false;
}

/* The first row of this kind that has the key runs it. */
static int run_when(struct ui *u, enum ui_key_when w, int k)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].when == w && table[i].run && row_has(&table[i], k))
			return table[i].run(u, k);
	return UH_PANE;
}

int ui_keys_always(struct ui *u, int k)
{
	int r = run_when(u, UW_ALWAYS, k);
	return r == UH_PANE ? UH_IGNORED : r;
}

bool ui_keys_is_always(int k)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].when == UW_ALWAYS && row_has(&table[i], k))
			return true;
	return false;
}

int ui_keys_run(struct ui *u, int k)
{
	int r = UH_PANE;
	if (ui_steps_busy(u))
		r = run_when(u, UW_BUSY, k); /* looking around and the wire keys go on */
	else if (ui_predict_pending(u))
		r = run_when(u, UW_PREDICT, k); /* Enter stays the panes' */
	if (r == UH_PANE)
		r = run_when(u, UW_NORMAL, k);
	if (r != UH_PANE)
		return r;
	struct ui_pane *p = &u->pane[u->focus];
	return p->win && p->ops->key && p->ops->key(u, p, k) ? UH_REDRAW : UH_IGNORED;
}

size_t ui_keys_help(size_t i, char *buf, size_t len)
{
	size_t n = 1;
	if (i == 0 && buf && len)
		snprintf(buf, len, "# Keys");
	for (size_t r = 0; r < NTABLE; r++) {
		if (!table[r].help)
			continue;
		if (n == i && buf && len)
			snprintf(buf, len, "%s", table[r].help);
		n++;
	}
	return n;
}

bool ui_keys_hint(enum ui_hint_mode m, size_t i, const char **key, const char **what, bool *extra)
{
	for (size_t r = 0; r < NTABLE; r++) {
		int at = table[r].at[m];
		if ((size_t)(at < 0 ? -at : at) == i + 1) {
			*key = table[r].label;
			*what = table[r].hint;
			*extra = at < 0;
			return true;
		}
	}
	return false;
}
