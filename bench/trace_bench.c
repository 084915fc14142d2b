/* trace_bench.c - bench/trace.sh's tracer: runs PROGRAM ARG... under
 * sockstep's tracing mechanism (src/net/trace*.c) as the engine does in
 * "continue": every socket call stepped to its exit and resumed at once,
 * every other stop answered. Prints the wall time in seconds and the
 * number of calls stopped at.
 *   trace_bench PROGRAM [ARG...] */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "trace.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct tracer tr;

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], TRACE_RUNNER_FLAG))
		return trace_runner(argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: trace_bench PROGRAM [ARG...]\n");
		return 2;
	}
	char err[300], note[300];
	int in, out;
	if (trace_init(&tr, err, sizeof(err)) < 0) {
		fprintf(stderr, "trace_bench: %s\n", err);
		return 77;
	}
	double t0 = now();
	struct trace_opts o = { .path = argv[1], .argv = argv + 1, .name = "bench" };
	if (!trace_spawn(&tr, &o, &in, &out, note, sizeof(note), err, sizeof(err))) {
		fprintf(stderr, "trace_bench: %s\n", err);
		return strstr(err, "EPERM") ? 77 : 1;
	}
	long calls = 0;
	int code = -1;
	for (;;) {
		struct trace_ev ev;
		int r = trace_next_event(&tr, &ev);
		if (r < 0)
			return 1;
		if (r == 0) {
			struct pollfd pf = { .fd = tr.sigfd, .events = POLLIN };
			poll(&pf, 1, 1000);
			continue;
		}
		struct tracee *t = trace_find(&tr, ev.pid);
		if (ev.kind == TEV_ENTER) {
			calls++;
			trace_step(&tr, t);
		} else if (ev.kind == TEV_EXIT_CALL) {
			trace_resume(&tr, t);
		} else if (ev.kind == TEV_GONE) {
			code = ev.signo ? 128 + ev.signo : ev.code;
			bool any = false;
			for (int i = 0; i < TRACE_MAX; i++)
				any = any || tr.t[i].used;
			if (!any)
				break;
		}
	}
	printf("%.3f %ld\n", now() - t0, calls);
	trace_free(&tr);
	return code;
}
