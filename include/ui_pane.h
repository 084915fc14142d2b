/* ui_pane.h - the contract between the curses shell (ui.c) and its panes
 * (ui_*.c). A pane is one const ops table, like tmux's window modes: it
 * draws itself from the session log and the wire accessors (read only),
 * handles the keys of the focused pane, and learns its new size. Only ui.c
 * talks to the engine, through app_exec_line. */
#ifndef SOCKSTEP_UI_PANE_H
#define SOCKSTEP_UI_PANE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "app.h"

/* Colours by semantic role (htop's ColorElements); a theme maps each role
 * to an attribute. Meaning never rests on colour alone: every role that
 * marks something also carries bold, reverse or a glyph. */
enum ui_role {
	R_TEXT,       /* ordinary text */
	R_MINOR,      /* secondary: comments, notes, empty cells (never dim: it vanishes on a projector) */
	R_BORDER,     /* pane frames */
	R_TITLE,      /* pane title */
	R_FOCUS,      /* title of the focused pane */
	R_HEADER,     /* table headers */
	R_CURRENT,    /* the current line of a program (with the ▶ mark) */
	R_RET,         /* a call's return value */
	R_ERRNO,      /* a failed call's errno */
	R_BLOCKED,    /* a call waiting for the peer */
	R_CHANGED,    /* cells the last step changed (with bold+reverse) */
	R_STATE,      /* kernel socket state */
	R_FAMILY,     /* sockaddr_in fields, byte by byte */
	R_PORT,
	R_ADDR,
	R_ZERO,
	R_NEWBYTE,    /* bytes the stage's statement wrote */
	R_C2S,        /* frame direction: sent by the client */
	R_S2C,        /* sent by the server */
	R_HELD,       /* held or delayed on the wire */
	R_DROPPED,    /* dropped or lost */
	R_SELECTED,   /* the selected frame */
	R_NARRATE,    /* narration line */
	R_WARN,       /* an error line from the command line */
	R_KEY,        /* key names in the hint line */
	R_PROMPT,     /* the ':' command line */
	R_COUNT_
};

/* Glyphs that degrade to ASCII when the locale is not UTF-8. */
enum ui_glyph { G_CURRENT, G_DOT, G_ARROW, G_ELLIPSIS, G_COUNT_ };

/* The tiled panes take focus in this order (those shown: the lesson pane
 * only with a lesson; the ladder and the frame list share a slot, the list
 * placed only while it has the focus; in --compare each half is, top to
 * bottom, its lesson's narration, its server's and its client's code, its
 * 5-tuple table and its frames slot: P_LESSON, P_SERVER, P_CLIENT, P_TUPLE,
 * P_WIRE of the first lab on the left, the _B panes of the second on the
 * right); the help overlay and the ':' line are panes too, shown on demand. */
enum ui_pane_id { P_SERVER, P_CLIENT, P_LESSON, P_TUPLE, P_HEX, P_LADDER, P_WIRE, P_LESSON_B, P_SERVER_B,
		  P_CLIENT_B, P_TUPLE_B, P_LADDER_B, P_WIRE_B, P_TILED_, P_HELP = P_TILED_, P_PROMPT, P_MENU,
		  P_COUNT_ };

/* Keys reach panes as ints: characters as their code point, curses
 * function keys (KEY_UP, ...) with this bit, so that no character can be
 * mistaken for a function key. */
#define UI_FKEY(k) ((k) | 0x1000000)

struct ui_pane;
struct ui;

struct ui_pane_ops {
	const char *name;
	/* Title text for the pane's frame. */
	void (*title)(struct ui *u, struct ui_pane *p, char *buf, size_t len);
	/* Draw the content into p->win (already erased). */
	void (*draw)(struct ui *u, struct ui_pane *p);
	/* A key for the focused pane: true when it was used. */
	bool (*key)(struct ui *u, struct ui_pane *p, int key);
	/* The pane got a new size (p->win is new); may be NULL. */
	void (*resize)(struct ui *u, struct ui_pane *p);
	/* A mouse click at (y, x) inside the content; may be NULL. */
	void (*click)(struct ui *u, struct ui_pane *p, int y, int x);
	/* The log may have grown: read its new events into the pane's own
	 * state (p->priv). Called before every redraw for each pane of the
	 * screen, drawn or not (zoom hides some), so that no pane misses the
	 * events the bounded log then drops. May be NULL. */
	void (*update)(struct ui *u, struct ui_pane *p);
	/* Drop whatever the pane derived from its app's log (p->priv): the log
	 * was rebuilt from index 0 (a lesson went back or restarted), or the
	 * screen is closing. May be NULL. */
	void (*forget)(struct ui *u, struct ui_pane *p);
};

struct ui_pane {
	const struct ui_pane_ops *ops;
	struct app *a;        /* the lab whose log and wire this pane shows (--compare: one of two) */
	void *priv;           /* the pane's own cache of its log, freed by ops->forget */
	enum side side;       /* program panes: whose program */
	WINDOW *win;          /* content area (inside the frame), NULL when hidden */
	int y, x, h, w;       /* content rectangle on the screen */
	int top;              /* first visible line */
	bool follow;          /* keep the newest line in view */
	unsigned long sel;    /* wire pane: selected frame number, 0 = follow the newest */
};

struct lesson;
struct lesson_step;

/* A lesson being walked with n / b / r: one lab and its lesson (two in --compare). */
struct ui_lesson {
	const struct lesson *l;   /* NULL: no lesson */
	struct app *a;
};

#define UI_PREDICT_QUEUE 16 /* questions of one step */
#define UI_PREDICT_MAX 256  /* questions of one lesson that are scored */

struct ui {
	struct app *a;        /* the lab the keys and the ':' line act on */
	struct ui_lesson les[2];  /* [0] the lesson (TCP in --compare), [1] --compare's second (UDP) */
	int nles;             /* 0 no lesson, 1 a lesson, 2 --compare */
	bool compare;         /* --compare: two labs side by side */
	/* --compare: row i runs step row[i][0] of the first lesson and
	 * row[i][1] of the second (-1: none on that row); lesson_align.h. */
	int (*row)[2];
	int nrows;
	int row_how;          /* enum lesson_align_how: the screen says which */
	int step;             /* lesson steps run so far (the next one is step + 1, 1-based) */
	int fails;            /* failures of the steps run (refused lines, expects not held) */
	unsigned lesson_seq[2];   /* each lab's log.seq after the last step: a command typed since? */
	size_t step_log[2];   /* each lab's log.n when the step shown began: what is newer, that step made */
	bool broken;          /* a lab could not be rebuilt: the lesson cannot go on */
	attr_t attr[R_COUNT_];
	bool utf8;
	bool color;
	struct ui_pane pane[P_COUNT_];
	int focus;            /* enum ui_pane_id */
	bool zoom;
	bool help;            /* the '?' overlay is open */
	bool menu;            /* the lesson menu (L) is open (ui_menu.c) */
	struct lesson *owned; /* a lesson started from the menu: freed when replaced or at the end */
	bool prompting;       /* the ':' line is open */
	bool quit;            /* leave the loop */
	/* A lesson step, or a replay (b, r), in progress: the loop turns it,
	 * command by command and settle by settle, answering keys between
	 * (ui_steps.c). */
	struct ui_steps {
		bool active;
		bool replay;          /* b or r: the labs were rebuilt, steps 1..upto run again */
		int k;                /* the step running (0-based); u->step is k + 1 meanwhile */
		int upto;             /* run steps until k reaches this */
		int lab;              /* whose commands run now: 0, then 1 in --compare */
		size_t item;          /* that lab's next item of step k */
		bool settling;        /* the last command acts on the network: it settles */
		int ms;               /* settling: how long the loop may sleep before the next turn */
		struct app_settle st;
		int fails_before;
		size_t from[2];       /* each lab's log length when step k began: its rows are after it */
		int queued;           /* n pressed meanwhile: steps to run after it */
		unsigned finished;    /* runs ended (each step or replay), counted for the --log */
		unsigned drawn;       /* the last of them the screen has drawn, idle */
		char err[CMD_ERR_MAX + CMD_PATH_MAX];
	} run;
	/* Predict, then reveal (ui_predict.c): the questions of the lesson's
	 * steps, each waiting for a guess; their cells show "??" meanwhile. */
	struct ui_predict {
		size_t scan;          /* the next event of les[0]'s log to look at */
		int seen;             /* questions met in that log: the ordinal of the next */
		size_t ev[UI_PREDICT_QUEUE]; /* waiting questions (EV_PREDICT), oldest first */
		int ord[UI_PREDICT_QUEUE];
		int nq;
		bool answering;       /* the ':' line holds a guess, not a command */
		bool range_read;
		unsigned lo, hi;      /* the client host's ephemeral port range */
		signed char verdict[UI_PREDICT_MAX]; /* per question: 0 not yet, 1 right, 2 wrong, 3 skipped */
	} pred;
	/* the narration line */
	char notice[CMD_ERR_MAX + CMD_PATH_MAX + 64];
	bool notice_warn;
	size_t notice_at;     /* log length when the notice was set: newer events replace it */
};

extern const struct ui_pane_ops ui_program_ops, ui_tuple_ops, ui_hex_ops, ui_wire_ops, ui_help_ops,
	ui_prompt_ops, ui_lesson_ops, ui_ladder_ops, ui_menu_ops;

/* A frame's layers and bytes (dec_detail, dec_hex) from row y of the pane
 * down, under a heading line, the first skip lines left out (ui_wire.c);
 * and how many lines they are. */
void ui_frame_detail(struct ui *u, struct ui_pane *p, int y, const struct wire_frame *f, int skip);
int ui_frame_detail_lines(const struct wire_frame *f, const struct wire *w);

/* The newest table the hex pane shows (families, journey), when it is its
 * newest content: the rows and columns it needs; 0 otherwise (ui_hex.c). */
int ui_hex_table_size(struct ui *u, int *cols);

/* Rows a program pane needs at this content width to show its current
 * call whole and every line after it (ui_program.c): the layout's floor. */
int ui_program_rows(struct ui *u, struct ui_pane *p, int width);

/* Rows the lesson pane wants at this content width: the current step's
 * narration (ui_lesson.c), so that the box takes only the lines it needs. */
int ui_lesson_rows(struct ui *u, int width);
/* The same for one lesson of --compare's two (which: 0 TCP, 1 UDP). */
int ui_lesson_rows_of(struct ui *u, int which, int width);
/* The lesson step shown now (the last one run; NULL before the first). */
const struct lesson_step *ui_lesson_current(const struct ui *u, int which);
/* Steps n walks: the lesson's, or --compare's rows. */
int ui_lesson_steps(const struct ui *u);
/* The step of lesson which that row k (0-based) runs; NULL when none
 * (--compare: the other lesson has a step there that this one lacks). */
const struct lesson_step *ui_lesson_step_at(const struct ui *u, int which, int k);
/* Its number in its own lesson (1-based), 0 for NULL. */
int ui_lesson_step_no(const struct ui *u, int which, const struct lesson_step *s);

/* Write text at (y, x) of win, at most width columns, in attr; UTF-8 is
 * transliterated to ASCII on a non-UTF-8 locale. Returns the columns used. */
int ui_put(struct ui *u, WINDOW *win, int y, int x, int width, const char *text, attr_t attr);
/* printf into ui_put. */
int ui_putf(struct ui *u, WINDOW *win, int y, int x, int width, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Word-wrap text into rows y..y+maxrows-1 of win, indent for continuation
 * lines. Returns the rows used (win NULL: only counts them). */
int ui_wrap(struct ui *u, WINDOW *win, int y, int x, int width, int maxrows, int indent,
	    const char *text, attr_t attr);
/* Columns text takes on screen. */
int ui_width(struct ui *u, const char *text);
const char *ui_glyph(const struct ui *u, enum ui_glyph g);

/* Shared scrolling for line lists: arrows, PgUp/PgDn, Home/End. true if used. */
bool ui_scroll_key(struct ui_pane *p, int key, int total, int visible);
/* Fix p->top for total lines in visible rows (following the end if asked). */
void ui_scroll_fix(struct ui_pane *p, int total, int visible);

/* Open the ':' line with text already typed (ui_prompt.c). */
void ui_prompt_open(struct ui *u, const char *prefill);
/* Where the prompt wants the cursor (screen coordinates). */
void ui_prompt_cursor(const struct ui *u, int *y, int *x);
/* Run one command line as the user typed it (ui.c): errors go to the narration. */
void ui_run_line(struct ui *u, const char *line);

/* Predict, then reveal (ui_predict.c). Is the cell of this program's socket
 * (fd), from log event `at` of lab a, the answer to a question still
 * waiting for a guess? Then the panes show "??" instead. */
bool ui_predict_hides(const struct ui *u, const struct app *a, enum side side, int prog, int child, int fd,
		      size_t at, enum expect_what what);
/* The bytes a question still waiting asks for ("htons(1001): which 2 bytes?"),
 * when log event `at` of lab a comes after it: into b (up to 4), their count
 * in *n; the sockaddr_in and conversion panes show "??" for them. */
bool ui_predict_hidden_bytes(const struct ui *u, const struct app *a, size_t at, unsigned char b[4], int *n);
/* Text about what command seq did (a frame's summary, its layers, a
 * ladder label): the answers of the questions still waiting that were asked
 * before it become '?'s of the same width (predict_mask_words). */
void ui_predict_mask(const struct ui *u, const struct app *a, unsigned seq, char *text);
/* The step's new questions (a replay's are met, not asked again). */
void ui_predict_collect(struct ui *u, bool replay);
/* A question waits: the narration line's text for it. */
bool ui_predict_line(struct ui *u, char *buf, size_t len);
bool ui_predict_pending(const struct ui *u);
/* The student's guess (the ':' line in answer mode): judged, revealed, scored. */
void ui_predict_guess(struct ui *u, const char *guess);
/* s: reveal the oldest question without scoring it; all: every one (n goes on). */
void ui_predict_skip(struct ui *u, bool all);
/* The lab was rebuilt (b, r): forget the questions waiting; restart: the score too. */
void ui_predict_reset(struct ui *u, bool restart);
/* "2 of 3 predicted" for the lesson's end, "" when the lesson asks nothing. */
void ui_predict_score(struct ui *u, char *buf, size_t len);

#endif
