/* lesson_types.h - a parsed lesson: its steps and their items, as
 * lesson_parse (lesson.h, which describes the file format) returns it. A
 * header of its own so that what reads a parsed lesson (lesson_fit.h, the
 * loader's check) does not depend on the parser. */
#ifndef SOCKSTEP_LESSON_TYPES_H
#define SOCKSTEP_LESSON_TYPES_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h" /* enum verb */

#define LESSON_MAX_STEPS 200
#define LESSON_MAX_BYTES (1024 * 1024) /* a lesson file larger than this is refused */
#define LESSON_NAME_MAX 64             /* bytes of a lesson's name */
#define LESSON_PRE_COLS 78             /* a preformatted line fits the narration box at 80 columns */
#define LESSON_ORDER_MAX 9999          /* order: 1 to this; a lesson without one comes after */

enum lesson_net { LESSON_NET_LAB = 0, LESSON_NET_LOOPBACK };

enum lesson_item_kind {
	LI_TEXT,    /* narration: one line as written ("" for a paragraph break) */
	LI_COMMAND, /* a command line (without "> "), validated with cmd_parse */
};

struct lesson_item {
	enum lesson_item_kind kind;
	unsigned line;    /* line number in the file, for error lines */
	bool expect;      /* LI_COMMAND: an expect line (checked, not acted) */
	bool acts;        /* LI_COMMAND: cmd_acts() of the parsed command: the network settles after it */
	bool pre;         /* LI_TEXT: preformatted (four spaces first): shown verbatim, never joined */
	enum verb verb;   /* LI_COMMAND: its verb (V_COUNT_ for text), for what the step shows */
	bool fails;       /* LI_COMMAND: an "expect SIDE result ERRNAME" follows it: the call fails */
	char *text;       /* the command as written, for app_exec_line; the parsed struct cmd
			   * is not kept: it is 7 KiB, and a 1 MiB lesson may hold 100000 commands */
};

/* What a step is about (a "show:" line): the screen gives those panes room
 * first (ui_layout.c); 0: read from its commands. */
enum { LESSON_SHOW_TABLE = 1, LESSON_SHOW_SOCKADDR = 2, LESSON_SHOW_LADDER = 4, LESSON_SHOW_CONVERSION = 8 };

struct lesson_step {
	char *title;
	unsigned line;    /* the "step:" line */
	unsigned show;    /* LESSON_SHOW_* of its "show:" line, 0 without one */
	struct lesson_item *items;
	size_t nitems;
	size_t ncommands; /* how many items are commands */
};

struct lesson {
	char *name;       /* "tcp" */
	char *file;       /* as given to the parser, for error lines ("tcp.lesson") */
	char *title;
	char *summary;
	enum lesson_net net;
	bool net_set;     /* the lesson has a net: line */
	unsigned wait_ms;
	bool wait_set;    /* the lesson has a wait: line */
	int order;        /* order: N, or 0: none (listed after those that have one) */
	bool unlisted;    /* listed: no (a half of a --compare pair) */
	bool listed_set;  /* the lesson has a listed: line */
	struct lesson_step *steps;
	int nsteps;
};

#endif
