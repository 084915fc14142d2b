/* trace_resolve.c - PROGRAM as typed to a file sockstep can trace (see trace.h). */
#include "trace.h"

#include <errno.h>
#include <stdio.h>

int trace_resolve(const char *typed, char *path, size_t pathlen, char *err, size_t errlen)
{
	snprintf(path, pathlen, "%s", typed);
	snprintf(err, errlen, "tracing is not built yet");
	return -ENOSYS;
}
