/* ui.c - the curses shell: start and stop, themes, layout, signals, the one
 * poll loop, key dispatch, the narration and hint lines. The panes
 * (ui_*.c) draw themselves; this file only arranges them and feeds
 * app_exec_line. */
#include "ui.h"
#include "ui_pane.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "lesson.h"
#include "lesson_run.h"
#include "out.h"
#include "text.h"

#define MIN_COLS 80
#define MIN_LINES 24

/* ---- diagnostics ------------------------------------------------------- */

static FILE *log_file;
static bool own_log; /* opened here from log_path: closed here too */

/* One line: the message quotes what the user typed (commands, lesson
 * names, errors), so it is written escaped (text.h), as on a terminal: a log
 * is read with cat and tail -f. A log that cannot be written is said at exit. */
void ui_log(const char *fmt, ...)
{
	if (!log_file)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	fprintf(log_file, "%lld.%03ld ", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	text_fputs(n < 0 ? "(out of memory)" : msg, log_file);
	free(n < 0 ? NULL : msg);
	fputc('\n', log_file);
	if (out_flush(log_file) < 0)
		out_write_error("the --log file", errno);
}

/* ---- signals: a flag and a byte down the self-pipe ---------------------- */

static volatile sig_atomic_t got_quit;   /* a signal that ends the program: its number */
static volatile sig_atomic_t got_winch;
static volatile sig_atomic_t curses_on;
static int sig_pipe[2] = { -1, -1 };
static int saved_stderr = -1;

static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_quit = sig;
	unsigned char b = (unsigned char)sig;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
		/* pipe full: a wake-up is already pending */
	}
	errno = saved;
}

/* A crash: give the terminal back first, then die the way the signal says
 * (core dump and all), as htop's CRT handler does. */
static void on_crash(int sig)
{
	if (curses_on)
		endwin();
	if (saved_stderr >= 0)
		dup2(saved_stderr, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Every signal whose default action ends the process must give the terminal
 * back first. Faults, and SIGQUIT (Ctrl-\, asked for when the program hangs),
 * end it at once through on_crash and are raised again with their default
 * action. Every other one, SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGALRM, the
 * real-time signals..., leaves through the loop like q: exit status 128+N. */
static const int crash_sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGQUIT, SIGTRAP, SIGSYS };

static bool is_crash_sig(int sig)
{
	for (size_t i = 0; i < sizeof(crash_sigs) / sizeof(crash_sigs[0]); i++)
		if (crash_sigs[i] == sig)
			return true;
	return false;
}

/* Signals that do not end the process (or cannot be caught): left alone. */
static bool is_harmless_sig(int sig)
{
	switch (sig) {
	case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGCONT: case SIGTSTP:
	case SIGTTIN: case SIGTTOU: case SIGURG: case SIGWINCH:
		return true;
	default:
		return false;
	}
}

static struct sigaction old_act[NSIG];
static bool installed[NSIG];

static void signals_install(void)
{
	struct sigaction quit, crash, winch;
	memset(&quit, 0, sizeof(quit));
	sigemptyset(&quit.sa_mask);
	quit.sa_handler = on_signal; /* no SA_RESTART: poll must wake up */
	winch = quit;
	crash = quit;
	crash.sa_handler = on_crash;
	crash.sa_flags = SA_RESETHAND | SA_NODEFER;

	/* Installed before newterm, so that ncurses keeps its own hands off
	 * SIGINT, SIGTERM and SIGWINCH. The real-time signals count too; the
	 * two that glibc keeps for itself refuse, and stay as they are. */
	memset(installed, 0, sizeof(installed));
	for (int sig = 1; sig < NSIG; sig++) {
		if (is_harmless_sig(sig) && sig != SIGWINCH)
			continue;
		if (sigaction(sig, NULL, &old_act[sig]) < 0)
			continue;
		/* A signal the caller ignores (nohup's SIGHUP aside: SIGPIPE, an '&'
		 * job's SIGQUIT, SIGUSR1 under a supervisor) stays ignored. SIGINT,
		 * SIGTERM and SIGHUP always leave, as before; faults always count. */
		bool fault = is_crash_sig(sig) && sig != SIGQUIT;
		if (old_act[sig].sa_handler == SIG_IGN && !fault && sig != SIGINT && sig != SIGTERM &&
		    sig != SIGHUP && sig != SIGWINCH)
			continue;
		const struct sigaction *sa = sig == SIGWINCH ? &winch : is_crash_sig(sig) ? &crash : &quit;
		installed[sig] = sigaction(sig, sa, NULL) == 0;
	}
}

static void signals_restore(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (installed[sig]) {
			sigaction(sig, &old_act[sig], NULL);
			installed[sig] = false;
		}
}

/* ---- themes -------------------------------------------------------------- */

enum theme { TH_DEFAULT, TH_PROJECTOR, TH_MONO };

int ui_parse_theme(const char *s)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "default"))
		return TH_DEFAULT;
	if (!strcmp(s, "projector"))
		return TH_PROJECTOR;
	if (!strcmp(s, "mono"))
		return TH_MONO;
	return -EINVAL;
}

struct style {
	short fg, bg;  /* -1: the terminal's own */
	attr_t attr;
};

#define B A_BOLD
#define RV A_REVERSE
#define UL A_UNDERLINE

static const struct style theme_default[R_COUNT_] = {
	[R_TEXT] = { -1, -1, 0 },
	[R_MINOR] = { -1, -1, 0 },
	[R_BORDER] = { -1, -1, 0 },
	[R_TITLE] = { COLOR_CYAN, -1, B },
	[R_FOCUS] = { COLOR_BLACK, COLOR_CYAN, B | RV },
	[R_HEADER] = { COLOR_YELLOW, -1, B | UL },
	[R_CURRENT] = { COLOR_YELLOW, -1, B },
	[R_RET] = { COLOR_GREEN, -1, 0 },
	[R_ERRNO] = { COLOR_RED, -1, B | UL },
	[R_BLOCKED] = { COLOR_MAGENTA, -1, B },
	[R_CHANGED] = { COLOR_YELLOW, -1, B | RV },
	[R_STATE] = { COLOR_CYAN, -1, 0 },
	[R_FAMILY] = { COLOR_MAGENTA, -1, 0 },
	[R_PORT] = { COLOR_YELLOW, -1, 0 },
	[R_ADDR] = { COLOR_CYAN, -1, 0 },
	[R_ZERO] = { -1, -1, 0 },
	[R_NEWBYTE] = { -1, -1, B | RV },
	[R_C2S] = { COLOR_GREEN, -1, 0 },
	[R_S2C] = { COLOR_CYAN, -1, 0 },
	[R_HELD] = { COLOR_YELLOW, -1, B },
	[R_DROPPED] = { COLOR_RED, -1, B | UL },
	[R_SELECTED] = { -1, -1, RV },
	[R_NARRATE] = { -1, -1, B },
	[R_WARN] = { COLOR_WHITE, COLOR_RED, B },
	[R_KEY] = { COLOR_CYAN, -1, B },
	[R_PROMPT] = { -1, -1, B },
};

/* Dark on light, everything bold, no yellow: what survives a washed-out beam. */
static const struct style theme_projector[R_COUNT_] = {
	[R_TEXT] = { COLOR_BLACK, COLOR_WHITE, B },
	[R_MINOR] = { COLOR_BLACK, COLOR_WHITE, 0 },
	[R_BORDER] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_TITLE] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_FOCUS] = { COLOR_WHITE, COLOR_BLUE, B },
	[R_HEADER] = { COLOR_BLACK, COLOR_WHITE, B | UL },
	[R_CURRENT] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_RET] = { COLOR_GREEN, COLOR_WHITE, B },
	[R_ERRNO] = { COLOR_RED, COLOR_WHITE, B | UL },
	[R_BLOCKED] = { COLOR_MAGENTA, COLOR_WHITE, B },
	[R_CHANGED] = { COLOR_BLUE, COLOR_WHITE, B | RV },
	[R_STATE] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_FAMILY] = { COLOR_MAGENTA, COLOR_WHITE, B },
	[R_PORT] = { COLOR_RED, COLOR_WHITE, B },
	[R_ADDR] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_ZERO] = { COLOR_BLACK, COLOR_WHITE, 0 },
	[R_NEWBYTE] = { -2, -2, B | RV },
	[R_C2S] = { COLOR_GREEN, COLOR_WHITE, B },
	[R_S2C] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_HELD] = { COLOR_MAGENTA, COLOR_WHITE, B },
	[R_DROPPED] = { COLOR_RED, COLOR_WHITE, B | UL },
	[R_SELECTED] = { COLOR_WHITE, COLOR_BLACK, B },
	[R_NARRATE] = { COLOR_BLACK, COLOR_WHITE, B },
	[R_WARN] = { COLOR_WHITE, COLOR_RED, B },
	[R_KEY] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_PROMPT] = { COLOR_BLACK, COLOR_WHITE, B },
};

/* No colour at all: attributes carry every distinction. */
static const attr_t theme_mono[R_COUNT_] = {
	[R_TEXT] = 0,          [R_MINOR] = 0,         [R_BORDER] = 0,
	[R_TITLE] = B,         [R_FOCUS] = B | RV,    [R_HEADER] = B | UL,
	[R_CURRENT] = B,       [R_RET] = 0,            [R_ERRNO] = B | UL,
	[R_BLOCKED] = B,       [R_CHANGED] = B | RV,  [R_STATE] = 0,
	[R_FAMILY] = 0,        [R_PORT] = 0,          [R_ADDR] = 0,
	[R_ZERO] = 0,          [R_NEWBYTE] = B | RV,  [R_C2S] = 0,
	[R_S2C] = 0,           [R_HELD] = B,          [R_DROPPED] = B | UL,
	[R_SELECTED] = RV,     [R_NARRATE] = B,       [R_WARN] = B | RV,
	[R_KEY] = B,           [R_PROMPT] = B,
};

static void theme_apply(struct ui *u, enum theme th)
{
	u->color = th != TH_MONO && has_colors();
	if (!u->color) {
		memcpy(u->attr, theme_mono, sizeof(u->attr));
		return;
	}
	start_color();
	bool defaults = use_default_colors() == OK;
	const struct style *t = th == TH_PROJECTOR ? theme_projector : theme_default;
	for (int r = 0; r < R_COUNT_; r++) {
		short fg = t[r].fg, bg = t[r].bg;
		if (fg == -2) { /* attributes only, over whatever colour the cell has */
			u->attr[r] = t[r].attr;
			continue;
		}
		if (fg == -1 && bg == -1) {
			u->attr[r] = t[r].attr;
			continue;
		}
		if (!defaults) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		if (init_pair((short)(r + 1), fg, bg) == OK)
			u->attr[r] = COLOR_PAIR(r + 1) | t[r].attr;
		else
			u->attr[r] = theme_mono[r];
	}
	if (th == TH_PROJECTOR)
		bkgdset(' ' | u->attr[R_TEXT]);
}

/* ---- text output with width and locale awareness ----------------------- */

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
	if (w < 0) {
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
		/* A word longer than a line is cut: the rest would not help. */
		col += ui_put(u, win, y + row, x + lead + col, avail - col, word, attr);
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

bool ui_scroll_key(struct ui_pane *p, int key, int total, int visible)
{
	int maxtop = total > visible ? total - visible : 0;
	int page = visible > 2 ? visible - 1 : 1;
	switch (key) {
	case UI_FKEY(KEY_UP):
		p->top--;
		break;
	case UI_FKEY(KEY_DOWN):
		p->top++;
		break;
	case UI_FKEY(KEY_PPAGE):
		p->top -= page;
		break;
	case UI_FKEY(KEY_NPAGE):
		p->top += page;
		break;
	case UI_FKEY(KEY_HOME):
		p->top = 0;
		break;
	case UI_FKEY(KEY_END):
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

/* ---- narration --------------------------------------------------------- */

void ui_notice(struct ui *u, bool warn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->notice, sizeof(u->notice), fmt, ap);
	va_end(ap);
	u->notice_warn = warn;
	u->notice_at = u->a->log.n;
}

/* The lab that keys and the ':' line act on: in --compare, the focused half's. */
static struct app *target(struct ui *u)
{
	if (u->compare && u->focus >= P_LESSON_B && u->focus < P_TILED_)
		return u->les[1].a;
	return u->a;
}

void ui_run_line(struct ui *u, const char *line)
{
	char err[CMD_ERR_MAX] = "";
	int rc = app_exec_line(target(u), line, err, sizeof(err));
	ui_log("exec \"%s\" -> %d%s%s", line, rc, err[0] ? ": " : "", err);
	/* A call that puts nothing on the wire (closing a UDP socket) wakes no
	 * descriptor of the loop: show its rows now, not at the next event. */
	if (rc > 0)
		app_service(target(u));
	u->notice[0] = '\0';
	if (rc < 0 || rc == 2)
		ui_notice(u, true, "%s", err[0] ? err : "the command was refused");
}

/* What the narration line says now: an error, this command's narration or
 * explanation, else a hint for the situation. */
/* The narration line of a lesson: where it is, what the keys do next. */
static void lesson_line(struct ui *u, char *buf, size_t len)
{
	const struct lesson *l = u->les[0].l;
	int n = lesson_step_count(l);
	if (u->step == 0) {
		const struct lesson_step *first = lesson_step(l, 0);
		if (u->compare)
			snprintf(buf, len, "TCP and UDP side by side, %d steps of the lecture: n runs step 1 on both", n);
		else
			snprintf(buf, len, "lesson %s, %d steps: n (or space) runs step 1: %s", l->name, n,
				 first ? first->title : "");
		return;
	}
	const struct lesson_step *s0 = ui_lesson_current(u, 0);
	if (u->compare) {
		const struct lesson_step *s1 = ui_lesson_current(u, 1);
		snprintf(buf, len, "step %d/%d  TCP: %s  %s  UDP: %s", u->step, n, s0 ? s0->title : "",
			 "\u2502", s1 ? s1->title : "");
		return;
	}
	snprintf(buf, len, "step %d/%d: %s %s %s", u->step, n, s0 ? s0->title : "", ui_glyph(u, G_DOT),
		 u->step < n ? "n next, b back, r restart" : "the end: b back, r restart");
}

static void narration(struct ui *u, char *buf, size_t len, attr_t *attr)
{
	const struct session *s = &u->a->log;
	*attr = u->attr[R_NARRATE];
	if (u->notice[0]) {
		snprintf(buf, len, "%s", u->notice);
		if (u->notice_warn)
			*attr = u->attr[R_WARN];
		return;
	}
	/* A lesson speaks until a command is typed by hand. */
	if (u->nles && u->a->log.seq == u->lesson_seq[0] &&
	    (u->nles < 2 || u->les[1].a->log.seq == u->lesson_seq[1])) {
		lesson_line(u, buf, len);
		return;
	}
	const struct event *say = NULL, *info = NULL, *wire = NULL;
	bool wire_cmd = false; /* the command was a wire command: its answer (saved to FILE) is the news */
	for (size_t i = s->n; i-- > s->first && session_at(s, i)->seq == s->seq && s->seq;) {
		const struct event *e = session_at(s, i);
		if (e->kind == EV_SAY && !say)
			say = e;
		else if ((e->kind == EV_INFO || e->kind == EV_EXPECT || e->kind == EV_DATA) && !info && e->text)
			info = e;
		else if (e->kind == EV_WIRE && e->text && !wire)
			wire = e;
		else if (e->kind == EV_COMMAND && e->text)
			wire_cmd = !strncmp(e->text, "wire ", 5);
	}
	if (!info && wire_cmd)
		info = wire;
	if (say) {
		snprintf(buf, len, "%s", say->text);
		return;
	}
	if (info) {
		const char *who = side_name(info->side);
		snprintf(buf, len, "%s%s%s", who, who[0] ? ": " : "", info->text);
		return;
	}
	*attr = u->attr[R_TEXT];
	if (u->a->wire && wire_held(u->a->wire)) {
		unsigned n = wire_held(u->a->wire);
		snprintf(buf, len, "%u frame%s held on the wire: . releases one, x drops it, p passes all", n,
			 n == 1 ? "" : "s");
		return;
	}
	/* A program blocked in a call: which call, since which step, and the ways on. */
	for (int i = 0; i < ENGINE_MAX_PROGS; i++) {
		const struct eprog *pr = &u->a->eng.progs[i];
		if (!pr->used || !pr->busy)
			continue;
		enum side other = pr->side == SIDE_SERVER ? SIDE_CLIENT : SIDE_SERVER;
		snprintf(buf, len, "%s is blocked in %s() since step %u (%c: %s's steps; interrupt: EINTR)",
			 pr->name, cmd_verb_name(pr->verb), pr->seq, other == SIDE_SERVER ? 's' : 'c',
			 side_name(other));
		return;
	}
	/* The whole session's, even when the log has dropped the events. */
	const char *last_say = session_last_say(s);
	if (last_say) {
		snprintf(buf, len, "%s", last_say);
		*attr = u->attr[R_NARRATE];
	} else if (!session_any_call(s))
		snprintf(buf, len, "Start with the server: press s, type socket tcp, Enter.  ? lists every command");
	else
		snprintf(buf, len, "s or c picks a side, then type its next call; : runs any command; ? help");
}

/* The key hint line: pairs of key and what it does. The essential ones
 * always; the others (extra) where the width allows. */
struct hint {
	const char *key, *what;
	bool extra;
};

static void draw_hints(struct ui *u, int y, int width)
{
	static const struct hint normal[] = {
		{ "?", "help", false },   { ":", "command", false }, { "s", "server", false },
		{ "c", "client", false }, { "h", "hold", false },    { "p", "pass", true },
		{ ".", "step", false },   { "x", "drop", false },    { "Tab", "focus", true },
		{ "z", "zoom", false },   { "w", "save pcap", true }, { "q", "quit", false },
	};
	static const struct hint lesson[] = {
		{ "n", "next", false },   { "b", "back", false },     { "r", "restart", false },
		{ "?", "help", false },   { ":", "command", false },  { "s", "server", true },
		{ "c", "client", true },  { "h", "hold", true },       { ".", "step", true },
		{ "Tab", "focus", true }, { "z", "zoom", false },      { "q", "quit", false },
	};
	static const struct hint prompting[] = {
		{ "Enter", "run", false }, { "Esc", "cancel", false }, { "Tab", "complete", false },
		{ "Up/Down", "history", false },
	};
	const struct hint *h = u->prompting ? prompting : u->nles ? lesson : normal;
	size_t n = u->prompting ? sizeof(prompting) / sizeof(prompting[0])
		 : u->nles	 ? sizeof(lesson) / sizeof(lesson[0])
				 : sizeof(normal) / sizeof(normal[0]);
	bool show[16];
	int used = 1;
	for (size_t i = 0; i < n; i++) {
		show[i] = !h[i].extra;
		used += show[i] ? (int)(strlen(h[i].key) + strlen(h[i].what) + 3) : 0;
	}
	for (size_t i = 0; i < n; i++) {
		int need = (int)(strlen(h[i].key) + strlen(h[i].what) + 3);
		if (h[i].extra && used + need <= width) {
			show[i] = true;
			used += need;
		}
	}
	int x = 1;
	for (size_t i = 0; i < n; i++) {
		if (!show[i])
			continue;
		x += ui_put(u, stdscr, y, x, width - x, h[i].key, u->attr[R_KEY]);
		x += ui_put(u, stdscr, y, x + 1, width - x - 1, h[i].what, u->attr[R_TEXT]) + 3;
	}
}

/* ---- layout and frame ------------------------------------------------- */

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
};

static struct layout lay;

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

/* The explorer: programs over the 5-tuple over sockaddr_in and the wire;
 * with a lesson, its narration between the programs and the table. */
static void layout_explorer(struct ui *u, int W, int F)
{
	int rows = F - 4, lh = 0;
	if (u->nles) {
		rows--; /* one more border: above the lesson pane */
		int want = ui_lesson_rows(u, W - 2), most = rows * 30 / 100;
		lay.lesson_want = want;
		lh = want < 1 ? 1 : want > most ? most : want;
		if (lh < 1)
			lh = 1;
		rows -= lh;
	}
	int ph = rows * 30 / 100, th = rows * 33 / 100;
	if (u->nles) {
		ph = rows * 28 / 100;
		th = rows * 38 / 100;
		ph = ph < 3 ? 3 : ph;
	} else if (ph < 4) {
		ph = 4;
	}
	if (th < 5)
		th = 5;
	int bh = rows - ph - th;
	lay.xs = W / 2;
	int hexw = W * 42 / 100;
	hexw = hexw < 36 ? 36 : hexw > 60 ? 60 : hexw;
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
	pane_place(u, P_WIRE, lay.y_bottom + 1, lay.xh + 1, bh, W - 2 - lay.xh);
}

/* The narration lines the current step needs (--compare: the longer of the halves'). */
static int lesson_want(struct ui *u)
{
	if (!u->compare)
		return ui_lesson_rows(u, COLS - 2);
	int xs = COLS / 2, a = ui_lesson_rows_of(u, 0, xs - 1), b = ui_lesson_rows_of(u, 1, COLS - 2 - xs);
	return a > b ? a : b;
}

/* --compare: the lecture's two tables side by side, TCP on the left and
 * UDP on the right. Each half, top to bottom: its lesson's narration (the
 * pane's title is the half's heading), its server's code, its client's
 * code, its 5-tuple table and a frames slot at the bottom. Both halves have
 * the same rows, so that the tables' steps can be level. The narration gets
 * the lines the longer text needs (up to a fifth), the table the most. */
static void layout_compare(struct ui *u, int W, int F)
{
	int rows = F - 6; /* borders: top, above the programs, between them, above the table and the frames, bottom */
	int xs = W / 2, wl = xs - 1, wr = W - 2 - xs;
	int want = lesson_want(u);
	lay.lesson_want = want;
	int most = rows / 5;
	int lh = want < 1 ? 1 : want > most ? most : want;
	int rest = rows - lh;
	int ph = rest / 6 < 2 ? 2 : rest / 6;
	int wh = rest / 8 < 2 ? 2 : rest / 8;
	int th = rest - 2 * ph - wh;
	lay.xs = xs;
	lay.y_lesson = 0;
	int y = 1;
	static const int ids[2][5] = { { P_LESSON, P_SERVER, P_CLIENT, P_TUPLE, P_WIRE },
				       { P_LESSON_B, P_SERVER_B, P_CLIENT_B, P_TUPLE_B, P_WIRE_B } };
	const int hs[5] = { lh, ph, ph, th, wh };
	for (int i = 0; i < 5; i++) {
		pane_place(u, ids[0][i], y, 1, hs[i], wl);
		pane_place(u, ids[1][i], y, xs + 1, hs[i], wr);
		y += hs[i] + 1;
	}
	lay.y_tuple = u->pane[P_TUPLE].y - 1;
	lay.y_bottom = u->pane[P_WIRE].y - 1;
}

static void layout(struct ui *u)
{
	for (int i = 0; i < P_COUNT_; i++)
		if (u->pane[i].win) {
			delwin(u->pane[i].win);
			u->pane[i].win = NULL;
		}
	memset(&lay, 0, sizeof(lay));
	lay.rows = LINES;
	lay.cols = COLS;
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
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
	ui_log("layout %dx%d%s%s", COLS, LINES, u->zoom ? " zoomed" : "", u->compare ? " compare" : "");
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

/* --compare's frame, derived from the pane rectangles: a line above each
 * pane of the left half (the right half's are level with them), the
 * outer box and the line between the halves. Each half's heading is its
 * narration pane's title. */
static void draw_frame_compare(struct ui *u)
{
	static const int left[] = { P_LESSON, P_SERVER, P_CLIENT, P_TUPLE, P_WIRE },
			 right[] = { P_LESSON_B, P_SERVER_B, P_CLIENT_B, P_TUPLE_B, P_WIRE_B };
	int W = lay.cols;
	wattrset(stdscr, u->attr[R_BORDER]);
	mvwvline(stdscr, 1, 0, ACS_VLINE, lay.y_end - 1);
	mvwvline(stdscr, 1, W - 1, ACS_VLINE, lay.y_end - 1);
	mvwvline(stdscr, 1, lay.xs, ACS_VLINE, lay.y_end - 1);
	for (int i = 0; i < 5; i++) {
		int y = u->pane[left[i]].y - 1;
		mvwhline(stdscr, y, 1, ACS_HLINE, W - 2);
		mvwaddch(stdscr, y, 0, i ? ACS_LTEE : ACS_ULCORNER);
		mvwaddch(stdscr, y, W - 1, i ? ACS_RTEE : ACS_URCORNER);
		mvwaddch(stdscr, y, lay.xs, i ? ACS_PLUS : ACS_TTEE);
	}
	mvwhline(stdscr, lay.y_end, 1, ACS_HLINE, W - 2);
	mvwaddch(stdscr, lay.y_end, 0, ACS_LLCORNER);
	mvwaddch(stdscr, lay.y_end, W - 1, ACS_LRCORNER);
	mvwaddch(stdscr, lay.y_end, lay.xs, ACS_BTEE);
	wattrset(stdscr, A_NORMAL);
	for (int i = 0; i < 5; i++) {
		frame_title(u, left[i], u->pane[left[i]].y - 1);
		frame_title(u, right[i], u->pane[right[i]].y - 1);
	}
}

static void draw_frame(struct ui *u)
{
	int W = lay.cols;
	attr_t b = u->attr[R_BORDER];
	wattrset(stdscr, b);
	if (u->zoom) {
		mvwhline(stdscr, 0, 1, ACS_HLINE, W - 2);
		mvwhline(stdscr, lay.y_end, 1, ACS_HLINE, W - 2);
		mvwvline(stdscr, 1, 0, ACS_VLINE, lay.y_end - 1);
		mvwvline(stdscr, 1, W - 1, ACS_VLINE, lay.y_end - 1);
		mvwaddch(stdscr, 0, 0, ACS_ULCORNER);
		mvwaddch(stdscr, 0, W - 1, ACS_URCORNER);
		mvwaddch(stdscr, lay.y_end, 0, ACS_LLCORNER);
		mvwaddch(stdscr, lay.y_end, W - 1, ACS_LRCORNER);
		wattrset(stdscr, A_NORMAL);
		frame_title(u, u->focus, 0);
		return;
	}
	if (u->compare) {
		draw_frame_compare(u);
		return;
	}
	int rows[] = { 0, lay.y_tuple, lay.y_bottom, lay.y_end, lay.y_lesson };
	for (int i = 0; i < (lay.y_lesson ? 5 : 4); i++)
		mvwhline(stdscr, rows[i], 1, ACS_HLINE, W - 2);
	mvwvline(stdscr, 1, 0, ACS_VLINE, lay.y_end - 1);
	mvwvline(stdscr, 1, W - 1, ACS_VLINE, lay.y_end - 1);
	int y_split = lay.y_lesson ? lay.y_lesson : lay.y_tuple; /* the programs' dividing line ends here */
	mvwvline(stdscr, 1, lay.xs, ACS_VLINE, y_split - 1);
	if (lay.y_lesson) {
		mvwaddch(stdscr, lay.y_lesson, 0, ACS_LTEE);
		mvwaddch(stdscr, lay.y_lesson, W - 1, ACS_RTEE);
		mvwaddch(stdscr, lay.y_lesson, lay.xs, ACS_BTEE);
	}
	mvwvline(stdscr, lay.y_bottom + 1, lay.xh, ACS_VLINE, lay.y_end - lay.y_bottom - 1);
	mvwaddch(stdscr, 0, 0, ACS_ULCORNER);
	mvwaddch(stdscr, 0, W - 1, ACS_URCORNER);
	mvwaddch(stdscr, 0, lay.xs, ACS_TTEE);
	mvwaddch(stdscr, lay.y_tuple, 0, ACS_LTEE);
	mvwaddch(stdscr, lay.y_tuple, W - 1, ACS_RTEE);
	if (!lay.y_lesson)
		mvwaddch(stdscr, lay.y_tuple, lay.xs, ACS_BTEE);
	mvwaddch(stdscr, lay.y_bottom, 0, ACS_LTEE);
	mvwaddch(stdscr, lay.y_bottom, W - 1, ACS_RTEE);
	mvwaddch(stdscr, lay.y_bottom, lay.xh, ACS_TTEE);
	mvwaddch(stdscr, lay.y_end, 0, ACS_LLCORNER);
	mvwaddch(stdscr, lay.y_end, W - 1, ACS_LRCORNER);
	mvwaddch(stdscr, lay.y_end, lay.xh, ACS_BTEE);
	wattrset(stdscr, A_NORMAL);
	frame_title(u, P_SERVER, 0);
	frame_title(u, P_CLIENT, 0);
	if (lay.y_lesson)
		frame_title(u, P_LESSON, lay.y_lesson);
	frame_title(u, P_TUPLE, lay.y_tuple);
	frame_title(u, P_HEX, lay.y_bottom);
	frame_title(u, P_WIRE, lay.y_bottom);
}

/* Below 80x24: say so plainly, on one line when it fits, else on two. */
static void draw_small(struct ui *u)
{
	char need[64], l1[128];
	snprintf(need, sizeof(need), "%dx%d needed, this is %dx%d", MIN_COLS, MIN_LINES, lay.cols, lay.rows);
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

static bool pane_shown(const struct ui *u, int id);

/* Every pane of the screen reads the new events of its log, drawn or not
 * (zoom hides some): the log is bounded, and drops what is not read. */
static void panes_update(struct ui *u)
{
	for (int i = 0; i < P_TILED_; i++)
		if (pane_shown(u, i) && u->pane[i].ops && u->pane[i].ops->update)
			u->pane[i].ops->update(u, &u->pane[i]);
}


static void draw(struct ui *u)
{
	/* The narration box takes the lines its step needs: lay out again when
	 * the step's text needs a different number (not in --compare, whose
	 * halves keep their own layout). */
	if (u->nles && !u->zoom && !lay.small && lesson_want(u) != lay.lesson_want)
		layout(u);
	panes_update(u);
	werase(stdscr);
	if (lay.small) {
		curs_set(0);
		draw_small(u);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	draw_frame(u);
	for (int i = 0; i < P_TILED_; i++) {
		struct ui_pane *p = &u->pane[i];
		if (p->win) {
			werase(p->win);
			p->ops->draw(u, p);
		}
	}
	int W = lay.cols;
	bool hints = true;
	if (u->prompting && u->pane[P_PROMPT].win) {
		werase(u->pane[P_PROMPT].win);
		u->pane[P_PROMPT].ops->draw(u, &u->pane[P_PROMPT]);
	} else {
		char line[CMD_LINE_MAX];
		attr_t at;
		narration(u, line, sizeof(line), &at);
		if (ui_width(u, line) > W - 2 && u->notice[0] && u->notice_warn) {
			/* An error is worth both lines: the key hints come back with the next key. */
			wattrset(stdscr, at);
			mvwhline(stdscr, LINES - 2, 0, ' ', W);
			mvwhline(stdscr, LINES - 1, 0, ' ', W);
			wattrset(stdscr, A_NORMAL);
			ui_wrap(u, stdscr, LINES - 2, 1, W - 2, 2, 2, line, at);
			hints = false;
		} else {
			int used = ui_put(u, stdscr, LINES - 2, 1, W - 2, line, at);
			if (ui_width(u, line) > W - 2) /* say that there is more than fits */
				ui_put(u, stdscr, LINES - 2, used, 1, ui_glyph(u, G_ELLIPSIS), at);
		}
	}
	if (hints)
		draw_hints(u, LINES - 1, W - 1);
	if (u->prompting && !u->help) {
		int cy, cx;
		ui_prompt_cursor(u, &cy, &cx);
		wmove(stdscr, cy, cx);
		curs_set(1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	struct ui_pane *hp = &u->pane[P_HELP];
	if (u->help && hp->win) {
		werase(hp->win);
		hp->ops->draw(u, hp);
		wnoutrefresh(hp->win);
	}
	doupdate();
}

/* ---- keys --------------------------------------------------------------- */

/* Is this tiled pane part of the screen (zoomed or not)? */
static bool pane_shown(const struct ui *u, int id)
{
	if (u->compare) /* two halves of five: narration, server, client, 5-tuple, frames */
		return id != P_HEX && id < P_TILED_;
	if (id == P_LESSON)
		return u->nles > 0;
	return id < P_LESSON_B;
}

static void focus_step(struct ui *u, int d)
{
	do
		u->focus = (u->focus + d + P_TILED_) % P_TILED_;
	while (!pane_shown(u, u->focus));
	if (u->zoom)
		layout(u);
}

/* ---- lessons: n, b, r ------------------------------------------------- */

/* Every pane forgets what it read: the logs were rebuilt from index 0. */
static void panes_forget(struct ui *u)
{
	for (int i = 0; i < P_COUNT_; i++)
		if (u->pane[i].ops && u->pane[i].ops->forget)
			u->pane[i].ops->forget(u, &u->pane[i]);
}

/* After the last step: the lesson's verdict on the narration line (in the
 * warning style when anything failed). Before it, nothing: the lesson's
 * own line speaks. */
static void step_verdict(struct ui *u)
{
	u->notice[0] = '\0';
	if (u->step < lesson_step_count(u->les[0].l))
		return;
	int held = 0, failed = 0;
	for (int k = 0; k < u->nles; k++) {
		unsigned long h, f;
		session_expects(&u->les[k].a->log, &h, &f);
		held += (int)h;
		failed += (int)f;
	}
	int refused = u->fails - failed;
	char more[64] = "";
	if (refused > 0)
		snprintf(more, sizeof(more), ", %d command%s refused", refused, refused == 1 ? "" : "s");
	ui_notice(u, failed || refused > 0, "lesson complete: %d expectation%s held, %d failed%s%s", held,
		  held == 1 ? "" : "s", failed, more, failed || refused > 0 ? "" : "  (b back, r restart)");
}

static void lesson_mark(struct ui *u)
{
	for (int k = 0; k < u->nles; k++)
		u->lesson_seq[k] = u->les[k].a->log.seq;
	if (u->pane[P_LESSON].ops->forget)
		u->pane[P_LESSON].ops->forget(u, &u->pane[P_LESSON]);
}

static void draw(struct ui *u);

/* Run step k (0-based) on every lab; failures are added to u->fails, the
 * first one's line is left in err. */
static void run_step(struct ui *u, int k, char *err, size_t errlen)
{
	for (int i = 0; i < u->nles; i++) {
		char e[CMD_ERR_MAX + CMD_PATH_MAX] = "";
		int f = lesson_run_step(u->les[i].a, u->les[i].l, k, e, sizeof(e));
		ui_log("lesson %s step %d -> %d%s%s", u->les[i].l->name, k + 1, f, e[0] ? ": " : "", e);
		if (f > 0)
			u->fails += f;
		if (f != 0 && !err[0])
			snprintf(err, errlen, "%s", e);
	}
}

static void lesson_next(struct ui *u)
{
	int n = lesson_step_count(u->les[0].l);
	if (u->broken) {
		ui_notice(u, true, "the lab could not be rebuilt: restart sockstep");
		return;
	}
	if (u->step >= n) {
		step_verdict(u);
		if (!u->notice[0])
			ui_notice(u, false, "the lesson is over: b goes back a step, r restarts it");
		return;
	}
	const struct lesson_step *st = lesson_step(u->les[0].l, u->step);
	ui_notice(u, false, "running step %d/%d%s %s", u->step + 1, n, ui_glyph(u, G_ELLIPSIS),
		  st ? st->title : "");
	draw(u); /* before the network settles: a step may wait for it */
	char err[CMD_ERR_MAX + CMD_PATH_MAX] = "";
	int before = u->fails;
	run_step(u, u->step, err, sizeof(err));
	u->step++;
	lesson_mark(u);
	u->notice[0] = '\0';
	if (u->fails > before && err[0])
		ui_notice(u, true, "step %d: %s", u->step, err); /* a failed expect: the warning style */
	else
		step_verdict(u);
}

/* Rebuild every lab and run the first upto steps again. */
static void lesson_goto(struct ui *u, int upto)
{
	int n = lesson_step_count(u->les[0].l);
	if (upto == 0)
		ui_notice(u, false, "restarting the lesson: building the lab%s anew%s", u->nles > 1 ? "s" : "",
			  ui_glyph(u, G_ELLIPSIS));
	else
		ui_notice(u, false, "back to step %d/%d: building the lab%s anew and running steps 1-%d again%s", upto,
			  n, u->nles > 1 ? "s" : "", upto, ui_glyph(u, G_ELLIPSIS));
	draw(u);
	char err[CMD_ERR_MAX + CMD_PATH_MAX] = "";
	for (int i = 0; i < u->nles; i++) {
		char e[CMD_ERR_MAX] = "";
		if (app_reset(u->les[i].a, e, sizeof(e)) < 0) {
			u->broken = true;
			panes_forget(u);
			ui_notice(u, true, "cannot build the lab again: %s", e);
			ui_log("lesson: rebuild failed: %s", e);
			return;
		}
	}
	panes_forget(u);
	u->fails = 0;
	u->step = 0;
	for (int k = 0; k < upto; k++)
		run_step(u, k, err, sizeof(err));
	u->step = upto;
	lesson_mark(u);
	u->notice[0] = '\0';
	if (err[0])
		ui_notice(u, true, "step %d: %s", upto, err);
	else if (upto == 0)
		ui_notice(u, false, "the lesson starts again: n runs step 1");
}

static void lesson_key(struct ui *u, int k)
{
	if (!u->nles) {
		ui_notice(u, false, "no lesson loaded (start with --lesson NAME)");
		return;
	}
	if (k == 'b') {
		if (u->step == 0) {
			ui_notice(u, false, "this is the start of the lesson: n runs step 1");
			return;
		}
		lesson_goto(u, u->step - 1);
	} else if (k == 'r') {
		lesson_goto(u, 0);
	} else {
		lesson_next(u);
	}
}

static void mouse(struct ui *u)
{
	MEVENT me;
	if (getmouse(&me) != OK || !(me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return;
	for (int i = 0; i < P_TILED_; i++) {
		struct ui_pane *p = &u->pane[i];
		/* The title row above the content belongs to the pane too. */
		if (!p->win || me.y < p->y - 1 || me.y >= p->y + p->h || me.x < p->x || me.x >= p->x + p->w)
			continue;
		u->focus = i;
		if (me.y >= p->y && p->ops->click)
			p->ops->click(u, p, me.y - p->y, me.x - p->x);
		return;
	}
}

static void key(struct ui *u, int k)
{
	if (k == UI_FKEY(KEY_RESIZE)) {
		clearok(curscr, TRUE);
		layout(u);
		return;
	}
	if (k == 12) { /* Ctrl-L: repaint everything */
		clearok(curscr, TRUE);
		return;
	}
	if (u->help) {
		struct ui_pane *hp = &u->pane[P_HELP];
		if (!hp->ops->key(u, hp, k))
			u->help = false;
		return;
	}
	if (u->prompting) {
		u->pane[P_PROMPT].ops->key(u, &u->pane[P_PROMPT], k);
		return;
	}
	if (lay.small) {
		if (k == 'q')
			u->quit = true;
		return;
	}
	switch (k) {
	case ':':
		ui_prompt_open(u, "");
		return;
	case 's':
		ui_prompt_open(u, "server ");
		return;
	case 'c':
		ui_prompt_open(u, "client ");
		return;
	case 'w':
		ui_prompt_open(u, "wire save ");
		return;
	case 'h':
		ui_run_line(u, "wire hold");
		return;
	case 'p':
		ui_run_line(u, "wire pass");
		return;
	case '.':
		ui_run_line(u, "wire step");
		return;
	case 'x':
		ui_run_line(u, "wire drop");
		return;
	case '\t':
		focus_step(u, 1);
		return;
	case UI_FKEY(KEY_BTAB):
		focus_step(u, -1);
		return;
	case 'z':
		u->zoom = !u->zoom;
		layout(u);
		return;
	case '?':
		u->help = true;
		u->pane[P_HELP].top = 0;
		u->pane[P_HELP].follow = false;
		return;
	case 'q':
		u->quit = true;
		return;
	case 'n':
	case ' ':
		lesson_key(u, 'n');
		return;
	case 'b':
	case 'r':
		if (!u->nles)
			break; /* without a lesson they are the focused pane's */
		lesson_key(u, k);
		return;
	case UI_FKEY(KEY_MOUSE):
		mouse(u);
		return;
	case 27: /* Esc: forget an error shown */
		u->notice[0] = '\0';
		return;
	default:
		break;
	}
	struct ui_pane *p = &u->pane[u->focus];
	if (p->win && p->ops->key && p->ops->key(u, p, k))
		return;
}

/* Read every key waiting (stdin said it was readable); never blocks. */
static void read_keys(struct ui *u)
{
	wint_t wc;
	int r;
	while (!u->quit && (r = wget_wch(stdscr, &wc)) != ERR) {
		int k = r == KEY_CODE_YES ? UI_FKEY((int)wc) : (int)wc;
		key(u, k);
	}
}

/* SIGWINCH: ask the terminal its size and tell curses. */
static void resize_from_tty(struct ui *u)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	/* What the terminal shows after a resize is anyone's guess (tmux and
	 * xterm reflow differently): repaint all of it. */
	clearok(curscr, TRUE);
	layout(u);
}

/* ---- start, loop, stop ------------------------------------------------ */

static int loop(struct ui *u)
{
	struct app *labs[2] = { u->a, u->compare ? u->les[1].a : NULL };
	bool dirty = true;
	while (!u->quit && !got_quit) {
		if (dirty) {
			draw(u);
			dirty = false;
		}
		struct pollfd pfd[2 * APP_MAX_POLL + 2];
		pfd[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sig_pipe[0], .events = POLLIN };
		int n = 2, end[2] = { 2, 2 }; /* each lab's descriptors end before end[k] */
		for (int k = 0; k < 2; k++) {
			int m = labs[k] ? app_pollfds(labs[k], pfd + n, APP_MAX_POLL) : 0;
			n += m > 0 ? m : 0;
			end[k] = n;
		}
		/* Nothing to time: an idle sockstep sleeps until something happens. */
		int r = poll(pfd, (nfds_t)n, -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ui_log("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[1].revents) {
			unsigned char buf[64];
			while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
				;
			if (got_winch) {
				got_winch = 0;
				resize_from_tty(u);
			}
			dirty = true;
		}
		for (int k = 0, i = 2; k < 2; k++) {
			bool ready = false;
			for (; i < end[k]; i++)
				ready |= pfd[i].revents != 0;
			if (ready) {
				app_service(labs[k]);
				dirty = true;
			}
		}
		if (pfd[0].revents & POLLIN) {
			read_keys(u);
			dirty = true;
		} else if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			ui_log("terminal gone");
			return 1;
		}
	}
	if (got_quit) {
		ui_log("signal %d: leaving", (int)got_quit);
		return 128 + got_quit;
	}
	return 0;
}

static void teardown(struct ui *u, SCREEN *scr)
{
	panes_forget(u);
	for (int i = 0; i < P_COUNT_; i++)
		if (u->pane[i].win) {
			delwin(u->pane[i].win);
			u->pane[i].win = NULL;
		}
	if (scr) {
		mousemask(0, NULL);
		curs_set(1);
		endwin();
		curses_on = 0;
		delscreen(scr);
	}
	if (saved_stderr >= 0) {
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
	signals_restore();
	for (int i = 0; i < 2; i++)
		if (sig_pipe[i] >= 0) {
			close(sig_pipe[i]);
			sig_pipe[i] = -1;
		}
	if (log_file) {
		ui_log("curses stopped");
		if (own_log)
			fclose(log_file);
		log_file = NULL;
	}
}

int ui_run(struct app *a, const struct ui_opts *o)
{
	static struct ui u;
	memset(&u, 0, sizeof(u));
	u.a = a;
	if (o && o->lesson) {
		u.les[0] = (struct ui_lesson){ .l = o->lesson, .a = a };
		u.nles = 1;
		if (o->compare && o->compare_lesson) {
			u.les[1] = (struct ui_lesson){ .l = o->compare_lesson, .a = o->compare };
			u.nles = 2;
			u.compare = true;
		}
	}
	/* On screen a blocked call of a lesson step is waited for briefly: the
	 * screen goes on showing it blocked, and it completes when it can. */
	unsigned saved_wait[2] = { 0, 0 };
	for (int k = 0; k < u.nles; k++) {
		struct app *la = u.les[k].a;
		const struct lesson *l = u.les[k].l;
		saved_wait[k] = la->wait_ms;
		la->wait_ms = o->lesson_wait_ms ? o->lesson_wait_ms : l->wait_set ? l->wait_ms : 300;
		if (!la->live) { /* a screen shows every state change as it happens */
			la->live = true;
			la->eng.live = true;
		}
	}
	int th = ui_parse_theme(o && o->theme ? o->theme : "default");
	if (th < 0)
		th = TH_DEFAULT;
	const char *nc = getenv("NO_COLOR");
	if (nc && nc[0])
		th = TH_MONO;

	own_log = false;
	if (o && o->log) {
		log_file = o->log;
	} else if (o && o->log_path) {
		own_log = true;
		int fd = open(o->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0 || !(log_file = fdopen(fd, "a"))) {
			fprintf(stderr, "sockstep: cannot open --log \"%s\": %s\n", tesc(o->log_path), strerror(errno));
			if (fd >= 0)
				close(fd);
			return 2;
		}
	}
	setlocale(LC_ALL, "");
	u.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		fprintf(stderr, "sockstep: pipe: %s\n", strerror(errno));
		teardown(&u, NULL);
		return 1;
	}
	/* Our own descriptors live at lab_fd_base() and up: the lesson's sockets start at 3. */
	for (int i = 0; i < 2; i++) {
		int high = fcntl(sig_pipe[i], F_DUPFD_CLOEXEC, lab_fd_base());
		if (high >= 0) {
			close(sig_pipe[i]);
			sig_pipe[i] = high;
		}
	}
	got_quit = got_winch = 0;
	signals_install();

	static const struct ui_pane_ops *const ops[P_COUNT_] = {
		[P_SERVER] = &ui_program_ops, [P_CLIENT] = &ui_program_ops, [P_LESSON] = &ui_lesson_ops,
		[P_TUPLE] = &ui_tuple_ops,    [P_HEX] = &ui_hex_ops,        [P_WIRE] = &ui_wire_ops,
		[P_LESSON_B] = &ui_lesson_ops, [P_SERVER_B] = &ui_program_ops, [P_CLIENT_B] = &ui_program_ops,
		[P_TUPLE_B] = &ui_tuple_ops,  [P_WIRE_B] = &ui_wire_ops,    [P_HELP] = &ui_help_ops,
		[P_PROMPT] = &ui_prompt_ops,
	};
	for (int i = 0; i < P_COUNT_; i++) {
		u.pane[i].ops = ops[i];
		u.pane[i].follow = true;
		u.pane[i].a = a;
	}
	if (u.compare)
		for (int i = P_LESSON_B; i < P_TILED_; i++)
			u.pane[i].a = u.les[1].a;
	u.pane[P_SERVER].side = u.pane[P_SERVER_B].side = SIDE_SERVER;
	u.pane[P_CLIENT].side = u.pane[P_CLIENT_B].side = SIDE_CLIENT;
	u.focus = P_TUPLE;

	/* newterm, unlike initscr, returns NULL instead of exiting on a bad TERM. */
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "sockstep: cannot use this terminal (TERM=%s); try TERM=xterm or --batch\n",
			getenv("TERM") ? getenv("TERM") : "");
		teardown(&u, NULL);
		return 1;
	}
	curses_on = 1;
	/* From here on stderr belongs to the log (or nowhere): a stray message
	 * from a library must not scribble over the screen. */
	saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, lab_fd_base());
	int sink = log_file ? fileno(log_file) : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved_stderr >= 0 && sink >= 0)
		dup2(sink, STDERR_FILENO);
	if (!log_file && sink >= 0)
		close(sink);
	ui_log("curses started: TERM=%s utf8=%d theme=%d", getenv("TERM") ? getenv("TERM") : "", u.utf8, th);

	cbreak(); /* Ctrl-C stays a signal: one way out, handled like SIGTERM */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE); /* poll decides when to read; getch never waits */
	set_escdelay(25);
	leaveok(stdscr, FALSE);
	mouseinterval(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	theme_apply(&u, (enum theme)th);
	layout(&u);

	int rc = loop(&u);
	teardown(&u, scr);
	for (int k = 0; k < u.nles; k++)
		u.les[k].a->wait_ms = saved_wait[k];
	return rc;
}
