/* trace_spawn.c - a traced program started: sockstep's side (fork, seize)
 * and the trampoline's (see trace.h). */
#include "trace.h"

#include <errno.h>
#include <stdio.h>

#include "trace_filter.h"

struct tracee *trace_spawn(struct tracer *tr, const struct trace_opts *o, int *in, int *out,
			   char *note, size_t notelen, char *err, size_t errlen)
{
	(void)tr;
	(void)o;
	*in = *out = -1;
	if (note && notelen)
		note[0] = '\0';
	snprintf(err, errlen, "tracing is not built yet");
	return NULL;
}

int trace_runner(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	return trace_filter_load(err, sizeof(err)) < 0 ? 127 : 0;
}
