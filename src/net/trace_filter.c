/* trace_filter.c - the seccomp filter of a traced program, with libseccomp
 * (see trace_filter.h and trace.h for what stops). */
#include "trace_filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>

/* The calls that stop whatever their arguments. Names, not numbers: one
 * that this architecture does not have (select, poll on aarch64) is left out. */
static const char *const always[] = {
	"socket", "socketpair", "bind", "listen", "accept", "accept4", "connect",
	"sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
	"getsockname", "getpeername", "setsockopt", "getsockopt",
	"poll", "ppoll", "select", "pselect6", "epoll_wait", "epoll_pwait",
};

/* The calls that stop only on a descriptor above 2: a socket's read or
 * close is a lesson, the terminal's is not (a file's costs one stop, which
 * the caller answers at once). */
static const char *const above2[] = { "read", "write", "readv", "writev", "close", "fcntl" };

static int add_rules(scmp_filter_ctx ctx, const char **bad)
{
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
		int nr = seccomp_syscall_resolve_name(always[i]);
		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue; /* not a call of this architecture */
		*bad = always[i];
		int r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 0);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < sizeof(above2) / sizeof(above2[0]); i++) {
		int nr = seccomp_syscall_resolve_name(above2[i]);
		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue;
		*bad = above2[i];
		/* The descriptor is an int: its low 32 bits, compared
		 * unsigned (close(-1) stops too, and is answered at once). */
		int r = seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 1, SCMP_A0_32(SCMP_CMP_GT, 2));
		if (r < 0)
			return r;
	}
	/* io_uring's submissions would bypass the filter: the ring is refused
	 * (the tracer answers ENOSYS, and says so; with no tracer, a traced
	 * call fails ENOSYS too), so that a program falls back to plain calls
	 * (or says why it cannot). */
	*bad = "io_uring_setup";
	int nr = seccomp_syscall_resolve_name("io_uring_setup");
	return nr < 0 ? 0 : seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 0);
}

int trace_filter_load(char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		snprintf(err, errlen, "cannot build the seccomp filter: out of memory");
		return -ENOMEM;
	}
	const char *bad = "";
	/* A call of another ABI (int 0x80, socketcall) fails, rather than
	 * killing the program (libseccomp's default) or passing untraced. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	if (r == 0)
		r = add_rules(ctx, &bad);
	if (r == 0) {
		bad = NULL;
		r = seccomp_load(ctx);
	}
	seccomp_release(ctx);
	if (r < 0) {
		if (bad)
			snprintf(err, errlen, "cannot build the seccomp filter (the rule for %s): %s", bad, strerror(-r));
		else
			snprintf(err, errlen, "cannot install the seccomp filter: %s (the kernel needs "
				 "CONFIG_SECCOMP_FILTER; a container may forbid seccomp)", strerror(-r));
	}
	return r;
}
