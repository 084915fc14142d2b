/* ui_hide.h - predict, then reveal, as the panes see it: a question of the
 * lesson waits for a guess, and the cells, bytes and words that answer it
 * are shown as "??" meanwhile. ui_predict.c (the shell) asks and reveals
 * and keeps the queue; the panes only ask this narrow interface below them. */
#ifndef SOCKSTEP_UI_HIDE_H
#define SOCKSTEP_UI_HIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

#define UI_PREDICT_QUEUE 16 /* questions of one step */

/* The questions waiting for a guess, oldest first (struct ui's asked). */
struct ui_asked {
	const struct app *lab;       /* the lab they are about (the lesson's first) */
	size_t ev[UI_PREDICT_QUEUE]; /* their EV_PREDICT events in the lesson's lab's log */
	int n;
	unsigned lo, hi;             /* the client host's ephemeral port range, once read */
};

/* Is the cell of this program's socket (fd), from log event `at` of lab a,
 * the answer to a question still waiting for a guess? Then the panes show
 * "??" instead. */
bool ui_hide_cell(const struct ui_asked *asked, const struct app *a, enum side side, int prog, int child, int fd,
		  size_t at, enum expect_what what);
/* The bytes a question still waiting asks for ("htons(1001): which 2 bytes?"),
 * when log event `at` of lab a comes after it: into b (up to 4), their count
 * in *n; the sockaddr_in and conversion panes show "??" for them. */
bool ui_hide_bytes(const struct ui_asked *asked, const struct app *a, size_t at, unsigned char b[4], int *n);
/* Text about what command seq did (a frame's summary, its layers, a
 * ladder label): the answers of the questions still waiting that were asked
 * before it become '?'s of the same width (predict_mask_words). */
void ui_hide_mask(const struct ui_asked *asked, const struct app *a, unsigned seq, char *text);
/* The bytes of frame f that a question still waiting, asked before the
 * command that caused it, asks for (a port, an address, recvfrom's text):
 * flagged in hide (WIRE_SNAP flags, zeroed here) for the hex dump's "??".
 * Returns how many. */
size_t ui_hide_frame(const struct ui_asked *asked, const struct app *a, const struct wire_frame *f,
		     unsigned char *hide);

#endif
