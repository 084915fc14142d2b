/* ui.c - the curses shell, the top of the screen's files: start and stop,
 * signals, the one poll loop, and each key to the open overlay or the key
 * table (ui_keys.c). Where panes go is ui_layout.c, the lines below the
 * frame ui_status.c, a lesson's steps ui_steps.c, the colours ui_theme.c,
 * text and width ui_text.c, the notice and --log ui_notice.c; the panes
 * (ui_*.c) draw themselves. Nothing below calls back up into this file. */
#include "ui.h"
#include "ui_shell.h"
#include "ui_notice.h"
#include "ui_keys.h"

#include "fdutil.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "lesson.h"
#include "lesson_align.h"
#include "lesson_run.h"
#include "out.h"

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
static void draw(struct ui *u)
{
	u->status_rows = ui_status_rows(u); /* the layout gives the rows a long narration covers */
	if (ui_layout_stale(u))
		ui_layout(u);
	ui_panes_update(u);
	werase(stdscr);
	if (ui_layout_small()) {
		curs_set(0);
		ui_draw_small(u);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	ui_draw_borders(u);
	for (int i = 0; i < P_TILED_; i++) {
		struct ui_pane *p = &u->pane[i];
		if (p->win) {
			werase(p->win);
			p->ops->draw(u, p);
		}
	}
	ui_draw_status(u);
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
	struct ui_pane *mp = &u->pane[P_MENU];
	if (u->menu && !u->help && mp->win) {
		werase(mp->win);
		mp->ops->draw(u, mp);
		wnoutrefresh(mp->win);
	}
	doupdate();
}

/* ---- keys --------------------------------------------------------------- */

/* What an overlay handed back (ui_pane.h's ask): the shell does it. */
static void answer_ask(struct ui *u)
{
	enum ui_ask what = u->ask;
	u->ask = UA_NONE;
	if (what == UA_RUN)
		ui_run_line(u, u->ask_text);
	else if (what == UA_GUESS)
		ui_predict_guess(u, u->ask_text);
	else if (what == UA_LESSON)
		ui_lesson_start(u, u->ask_text);
}

/* One key: the open overlay's (help, menu, the ':' line), else the key
 * table's (ui_keys.c), which hands the rest to the focused pane. */
static int key(struct ui *u, int k)
{
	if (ui_keys_is_always(k))
		return ui_keys_always(u, k);
	if (u->help) {
		struct ui_pane *hp = &u->pane[P_HELP];
		if (!hp->ops->key(u, hp, k))
			u->help = false;
		return UH_REDRAW;
	}
	if (u->menu) {
		struct ui_pane *mp = &u->pane[P_MENU];
		mp->ops->key(u, mp, k);
		answer_ask(u);
		/* Closed, a lesson perhaps started: its narration pane takes rows. */
		return u->menu ? UH_REDRAW : UH_RELAYOUT;
	}
	if (u->prompting) {
		u->pane[P_PROMPT].ops->key(u, &u->pane[P_PROMPT], k);
		answer_ask(u);
		return UH_REDRAW;
	}
	if (ui_layout_small()) {
		if (k == 'q')
			u->quit = true;
		return UH_IGNORED;
	}
	return ui_keys_run(u, k);
}

/* Read every key waiting (stdin said it was readable); never blocks. */
static int read_keys(struct ui *u)
{
	wint_t wc;
	int r, did = UH_IGNORED;
	while (!u->quit && (r = wget_wch(stdscr, &wc)) != ERR) {
		int k = r == KEY_CODE_YES ? UI_FKEY((int)wc) : (int)wc;
		int d = key(u, k);
		if (d & UH_RELAYOUT) /* at once: the next key may be for a pane this one showed */
			ui_layout(u);
		did |= d;
	}
	return did;
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
	ui_layout(u);
}

/* ---- start, loop, stop ------------------------------------------------ */

static int loop(struct ui *u)
{
	struct app *labs[2] = { u->a, u->compare ? u->les[1].a : NULL };
	bool dirty = true;
	while (!u->quit && !got_quit) {
		if (ui_steps_busy(u) && !ui_steps_settling(u)) {
			ui_steps_advance(u); /* commands up to the next that must settle */
			dirty = true;
		}
		if (ui_steps_own_again(u)) { /* an n pressed while your program's last step settled */
			ui_keys_run(u, 'n');
			dirty = true;
		}
		if (dirty) {
			draw(u);
			dirty = false;
		}
		/* A state for whoever watches the --log (the screen tests): the end
		 * of a step or replay, once the screen shows it. */
		if (u->run->drawn != u->run->finished && !ui_steps_busy(u)) {
			u->run->drawn = u->run->finished;
			ui_log("screen: idle at step %d (run %u)", u->step, u->run->finished);
		}
		struct app *settling = ui_steps_settling(u);
		bool paused = ui_steps_paused(u); /* between two steps: the wire waits for n */
		struct pollfd pfd[2 * APP_MAX_POLL + 2];
		pfd[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sig_pipe[0], .events = POLLIN };
		int n = 2, end[2] = { 2, 2 }; /* each lab's descriptors end before end[k] */
		for (int k = 0; k < 2; k++) {
			/* A settle that naps leaves its lab's descriptors alone. */
			bool skip = labs[k] == settling && app_settle_sleeps(&u->run->st);
			int m = labs[k] && !skip ? app_pollfds(labs[k], pfd + n, APP_MAX_POLL, paused) : 0;
			n += m > 0 ? m : 0;
			end[k] = n;
		}
		/* Nothing to time: an idle sockstep sleeps until something happens;
		 * a step that settles says when it wants its next turn. */
		int r = poll(pfd, (nfds_t)n, ui_steps_timeout(u));
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
			if (labs[k] && labs[k] == settling) {
				ui_steps_settle(u, ready); /* the step's own settling serves its lab */
				dirty |= ready || !ui_steps_settling(u);
			} else if (ready) {
				app_service(labs[k], paused);
				dirty = true;
			}
		}
		if (pfd[0].revents & POLLIN) {
			if (read_keys(u) != UH_IGNORED)
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
	ui_panes_free(u);
	ui_layout_free();
	for (int i = 0; i < P_COUNT_; i++)
		if (u->pane[i].win) {
			delwin(u->pane[i].win);
			u->pane[i].win = NULL;
		}
	out_set_notice(NULL, NULL); /* from here on, such lines go to stderr */
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
	ui_log_close();
}

/* The lesson (two in --compare) that n walks, and its labs' waits on
 * screen (saved_wait: the labs' own, given back at the end). */
static void lessons_begin(struct ui *u, const struct ui_opts *o, unsigned saved_wait[2])
{
	if (o && o->lesson) {
		u->les[0] = (struct ui_lesson){ .l = o->lesson, .a = u->a };
		u->nles = 1;
		if (o->compare && o->compare_lesson) {
			u->les[1] = (struct ui_lesson){ .l = o->compare_lesson, .a = o->compare };
			u->nles = 2;
			u->compare = true;
			/* Which steps share a row: in step, by title, or by position. */
			static int rows[LESSON_ALIGN_MAX][2];
			enum lesson_align_how how;
			u->nrows = lesson_align(o->lesson, o->compare_lesson, rows, LESSON_ALIGN_MAX, &how);
			u->row = rows;
			u->row_how = (int)how;
		}
	}
	/* On screen a blocked call of a lesson step is waited for briefly: the
	 * screen goes on showing it blocked, and it completes when it can. */
	for (int k = 0; k < u->nles; k++) {
		struct app *la = u->les[k].a;
		const struct lesson *l = u->les[k].l;
		saved_wait[k] = la->wait_ms;
		la->wait_ms = o->lesson_wait_ms ? o->lesson_wait_ms : l->wait_set ? l->wait_ms : 300;
		if (!la->live) { /* a screen shows every state change as it happens */
			la->live = true;
			la->eng.live = true;
		}
	}
}

int ui_run(struct app *a, const struct ui_opts *o)
{
	static struct ui u;
	static struct ui_steps run;
	static struct ui_predict pred;
	memset(&u, 0, sizeof(u));
	memset(&run, 0, sizeof(run));
	memset(&pred, 0, sizeof(pred));
	u.run = &run;
	u.pred = &pred;
	u.a = a;
	unsigned saved_wait[2] = { 0, 0 };
	lessons_begin(&u, o, saved_wait);
	int th = ui_parse_theme(o && o->theme ? o->theme : "default");
	if (th < 0)
		th = TH_DEFAULT;
	const char *nc = getenv("NO_COLOR");
	if (nc && nc[0])
		th = TH_MONO;

	if (ui_log_open(o ? o->log : NULL, o ? o->log_path : NULL))
		return 2;
	setlocale(LC_ALL, "");
	u.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
		fprintf(stderr, "sockstep: pipe: %s\n", strerror(errno));
		teardown(&u, NULL);
		return 1;
	}
	/* Our own descriptors live at fd_base() and up: the lesson's sockets start at 3. */
	for (int i = 0; i < 2; i++) {
		sig_pipe[i] = fd_move_high(sig_pipe[i]);
	}
	got_quit = got_winch = 0;
	signals_install();

	ui_panes_init(&u);

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
	saved_stderr = fd_dup_high(STDERR_FILENO);
	FILE *log = ui_log_stream();
	int sink = log ? fileno(log) : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved_stderr >= 0 && sink >= 0)
		dup2(sink, STDERR_FILENO);
	if (!log && sink >= 0)
		close(sink);
	out_set_notice(ui_notice_lost, &u);
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
	ui_theme_apply(&u, (enum ui_theme)th);
	ui_layout(&u);
	if (o && o->menu)
		ui_menu_open(&u); /* --lesson with no name */

	int rc = loop(&u);
	teardown(&u, scr);
	for (int k = 0; k < u.nles; k++)
		u.les[k].a->wait_ms = saved_wait[k] ? saved_wait[k] : u.les[k].a->wait_ms;
	lesson_free(u.owned); /* a lesson started from the menu */
	u.owned = NULL;
	return rc;
}
