/* batch.h - the plain-text renderer and the script runner (--batch).
 * Reads the session log and prints what each command did: the C call and its
 * result, the sockaddr_in bytes, the changed 5-tuple rows, the frames. */
#ifndef SOCKSTEP_BATCH_H
#define SOCKSTEP_BATCH_H

#include <stdio.h>

#include "app.h"
#include "session.h"

/* Prints the events appended since its last call (errors are not printed
 * here: the runner reports them on stderr with the file and line). */
struct batch_printer {
	FILE *out;
	size_t next;           /* index of the first event not printed */
	bool in_table;         /* the last line printed was a table row */
};

/* Returns 0, or -1 when the output failed (see out.h: the failure is said
 * at exit; on stdout out_stopped() then says to stop). Text from the user is
 * written escaped (text.h). */
int batch_print(struct batch_printer *p, const struct session *s);

/* Run every line of `in` (named `name` in error lines) through parser and
 * engine. Returns the number of errors (bad lines, failed expectations). */
int batch_run(FILE *in, const char *name, struct app *a);

#endif
