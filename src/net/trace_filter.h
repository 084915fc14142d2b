/* trace_filter.h - the seccomp filter of a traced program: which calls stop
 * (see trace.h for the list). */
#ifndef SOCKSTEP_TRACE_FILTER_H
#define SOCKSTEP_TRACE_FILTER_H

#include <stddef.h>

/* Install it in the calling process (sets no_new_privs). 0, or negative
 * errno and one line in err. */
int trace_filter_load(char *err, size_t errlen);

#endif
