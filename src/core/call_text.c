/* call_text.c - a call event's result as text (see call_text.h). */
#include "call_text.h"

#include <stdio.h>
#include <string.h>

void call_result_text(const struct event *ev, enum call_form form, char *out, size_t len)
{
	/* A process id differs from run to run; the text must not. */
	bool pid = ev->call.set && ev->call.verb == V_FORK && ev->ret > 0;
	if (ev->err && form == CALL_FORM_WORD)
		snprintf(out, len, "%s", errno_name(ev->err));
	else if (ev->err)
		snprintf(out, len, "-1 %s (%s)", errno_name(ev->err), strerror(ev->err));
	else if (pid && form == CALL_FORM_WORD)
		snprintf(out, len, "pid");
	else if (pid)
		snprintf(out, len, "the child's pid (> 0%s)", form == CALL_FORM_FULL ? "; fork() returns 0 in the child" : "");
	else
		snprintf(out, len, "%ld", ev->ret);
}
