/* trace_load.c - the load that bench/trace.sh times alone, under sockstep's
 * tracer (bench/trace_bench.c) and under strace: N calls that the filter
 * lets pass (getppid), or N socket()+close() pairs, each of which stops
 * twice (enter and exit) under the tracer.
 *   trace_load plain|socket N */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: trace_load plain|socket N\n");
		return 2;
	}
	long n = strtol(argv[2], NULL, 10);
	bool sock = !strcmp(argv[1], "socket");
	for (long i = 0; i < n; i++) {
		if (!sock) {
			syscall(SYS_getppid); /* a real call each time: no libc cache */
			continue;
		}
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		if (s < 0 || close(s) < 0)
			return 1;
	}
	return 0;
}
