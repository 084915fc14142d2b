/* noptrace.c - run a command where ptrace is forbidden, as in a container
 * whose seccomp profile denies it (Docker's default on older kernels): a
 * filter makes every ptrace() fail with EPERM, then COMMAND is exec'd with
 * it (filters are inherited and survive exec). tests/traced_modes.sh runs
 * sockstep under it: its refusal is then the kernel's, not a simulation.
 *   noptrace COMMAND [ARG...] */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: noptrace COMMAND [ARG...]\n", stderr);
		return 2;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx ? seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ptrace), 0) : -ENOMEM;
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		fprintf(stderr, "noptrace: cannot load the filter: %s\n", strerror(-rc));
		return 125;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "noptrace: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
