/* trace_event.c - the tracees' stops, read and answered (see trace.h). */
#include "trace.h"

#include <errno.h>

int trace_next_event(struct tracer *tr, struct trace_ev *ev)
{
	(void)tr;
	(void)ev;
	return 0;
}

int trace_step(struct tracer *tr, struct tracee *t)
{
	(void)tr;
	(void)t;
	return -ENOSYS;
}

int trace_resume(struct tracer *tr, struct tracee *t)
{
	(void)tr;
	(void)t;
	return -ENOSYS;
}

int trace_detach(struct tracer *tr, struct tracee *t)
{
	(void)tr;
	(void)t;
	return -ENOSYS;
}

int trace_kill(struct tracer *tr, struct tracee *t)
{
	(void)tr;
	(void)t;
	return -ENOSYS;
}

int trace_fault(struct tracer *tr, struct tracee *t, int err, long short_len)
{
	(void)tr;
	(void)t;
	(void)err;
	(void)short_len;
	return -EINVAL;
}
