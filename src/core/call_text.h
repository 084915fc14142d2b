/* call_text.h - a call event's result as the text renderers write it
 * (batch.c's output, handout_md.c's code block and diagram), from the
 * event alone: which call it was (call_event.h), its return value or
 * errno. One function, so that the renderers cannot disagree on a call
 * whose result is not a number to print (fork's pid differs every run). */
#ifndef SOCKSTEP_CALL_TEXT_H
#define SOCKSTEP_CALL_TEXT_H

#include <stddef.h>

#include "session.h"

enum call_form {
	CALL_FORM_FULL,  /* "-1 EADDRINUSE (Address already in use)", "the child's pid (> 0; fork() returns 0 in the child)" */
	CALL_FORM_SHORT, /* as FULL, fork's pid said briefly: "the child's pid (> 0)" */
	CALL_FORM_WORD,  /* one word: "EADDRINUSE", "pid", "3" */
};

/* The result of the EV_CALL ev (a call that returned) in out. */
void call_result_text(const struct event *ev, enum call_form form, char *out, size_t len);

#endif
