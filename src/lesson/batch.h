/* batch.h - the plain-text renderer and the script runner (--batch).
 * Reads the session log and prints what each command did: the C call and its
 * result, the sockaddr_in bytes, the changed 5-tuple rows, the frames. */
#ifndef SOCKSTEP_BATCH_H
#define SOCKSTEP_BATCH_H

#include <stdio.h>

#include "app.h"
#include "session.h"

struct predict_hide;

/* Prints the events appended since its last call (errors are not printed
 * here: the runner reports them on stderr with the file and line). */
#define BATCH_WIDE 132 /* the widest line of the wide 5-tuple table */

struct batch_printer {
	FILE *out;
	size_t next;           /* index of the first event not printed */
	bool in_table;         /* the last line printed was a table row */
	/* Handouts that print (set by their maker; zero: as --batch always was) */
	bool narrow;           /* the 5-tuple table in at most 90 columns (tuple_format_narrow) */
	bool compact;          /* a lesson: sockaddr dumps after the first folded, ARP after the first exchange counted */
	bool sa_seen;          /* compact: a sockaddr was dumped whole */
	bool arp_done;         /* compact: the first ARP reply was listed */
	unsigned arp_hidden;   /* compact: ARP frames counted, not yet said */
	/* Worksheets (lesson_run.c): the answers hidden (predict.h), and no
	 * "expect ...: ok" line */
	const struct predict_hide *hide;
	size_t nhide;
	bool no_held;
};

/* Returns 0, or -1 when the output failed (see out.h: the failure is said
 * at exit; on stdout out_stopped() then says to stop). Text from the user is
 * written escaped (text.h). */
int batch_print(struct batch_printer *p, const struct session *s);

/* Run every line of `in` (named `name` in error lines) through parser and
 * engine. Returns the number of errors (bad lines, failed expectations). */
int batch_run(FILE *in, const char *name, struct app *a);
/* The same with lines at most width columns (wrap.h; 0: no limit). */
int batch_run_width(FILE *in, const char *name, struct app *a, int width);

#endif
