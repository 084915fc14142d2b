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
#include "ui_hide.h"

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
	/* Drop whatever the pane derived from its app's log (p->priv keeps
	 * its buffers): the log was rebuilt from index 0 (a lesson went back
	 * or restarted). May be NULL. */
	void (*forget)(struct ui *u, struct ui_pane *p);
	/* Make the pane's own state (p->priv) once, before its first update:
	 * 0, or -ENOMEM (then p->priv stays NULL and the pane shows nothing).
	 * Drawing and updating never allocate it. May be NULL. */
	int (*init)(struct ui *u, struct ui_pane *p);
	/* Free p->priv and its buffers: the screen is closing. May be NULL. */
	void (*free)(struct ui *u, struct ui_pane *p);
};

struct ui_pane {
	const struct ui_pane_ops *ops;
	struct app *a;        /* the lab whose log and wire this pane shows (--compare: one of two) */
	void *priv;           /* the pane's own state and buffers: ops->init makes it, ops->free frees it */
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
	struct app *line_app; /* the lab of the last line typed or stepped (n), and its log.n then: */
	size_t line_log;      /* what is newer, that line made (the explorer's step) */
	int status_rows;      /* the narration's rows when last drawn (ui_status_rows): more than 2 cover panes */
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
	/* The shell's state machines (ui_shell.h), opaque to the panes: a lesson
	 * step or replay being run (ui_steps.c), and predict-then-reveal's
	 * scoring (ui_predict.c). */
	struct ui_steps *run;
	struct ui_predict *pred;
	bool stepping;        /* a lesson step or replay runs (ui_steps.c starts and ends it) */
	struct ui_asked asked; /* questions waiting for a guess: their answers are hidden (ui_hide.h) */
	bool answering;       /* the ':' line holds a guess, not a command */
	/* What an overlay (the ':' line, the menu) hands back for the shell to
	 * do after the key: run a line, judge a guess, start a lesson. */
	enum ui_ask { UA_NONE, UA_RUN, UA_GUESS, UA_LESSON } ask;
	char ask_text[CMD_LINE_MAX + CMD_PATH_MAX + 1];
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
int ui_frame_detail_lines(const struct wire_frame *f);

/* The newest table the hex pane shows (families, journey), when it is its
 * newest content: the rows and columns it needs; 0 otherwise (ui_hex.c). */
int ui_hex_table_size(struct ui *u, int *cols);

/* Rows a program pane needs at this content width to show its current
 * call whole and every line after it; step: from the step's first line on,
 * its calls and the program's output whole (ui_program.c): the layout's floor. */
int ui_program_rows(struct ui *u, struct ui_pane *p, int width, bool step);
/* The same from the step's first line, when the program printed in the
 * step (a traced program's output); 0 when it did not. */
int ui_program_output_rows(struct ui *u, struct ui_pane *p, int width);

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

/* The scroll keys, written once: arrows and PgUp/PgDn move by *by (a page
 * is page lines), Home and End go to the first and the last; UM_NONE: not
 * a scroll key. Every list (lines, frames, the menu) reads them here. */
enum ui_move { UM_NONE, UM_BY, UM_FIRST, UM_LAST };
enum ui_move ui_scroll_move(int key, long page, long *by);
/* Shared scrolling for line lists: arrows, PgUp/PgDn, Home/End. true if used. */
bool ui_scroll_key(struct ui_pane *p, int key, int total, int visible);
/* Fix p->top for total lines in visible rows (following the end if asked). */
void ui_scroll_fix(struct ui_pane *p, int total, int visible);

#endif
