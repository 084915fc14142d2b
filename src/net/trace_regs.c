/* trace_regs.c - a stopped tracee's registers, per architecture (see
 * trace_regs.h). The whole general-purpose set through NT_PRSTATUS, changed
 * in one place, written back. */
#include "trace_regs.h"

#include <elf.h>
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#if defined(__x86_64__)
typedef struct user_regs_struct regs_t;
#define REG_RET(r) ((r).rax)
#define REG_ARG2(r) ((r).rdx)
#elif defined(__aarch64__)
typedef struct user_regs_struct regs_t; /* the kernel's user_pt_regs: regs[31], sp, pc, pstate */
#define REG_RET(r) ((r).regs[0])
#define REG_ARG2(r) ((r).regs[2])
#else
#error "sockstep traces programs on x86_64 and aarch64 only"
#endif

static int regs_get(pid_t tid, regs_t *r)
{
	struct iovec io = { .iov_base = r, .iov_len = sizeof(*r) };
	return ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &io) < 0 ? -errno : 0;
}

static int regs_put(pid_t tid, regs_t *r)
{
	struct iovec io = { .iov_base = r, .iov_len = sizeof(*r) };
	return ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &io) < 0 ? -errno : 0;
}

int trace_regs_skip(pid_t tid, long ret)
{
	regs_t r;
	int e = regs_get(tid, &r);
	if (e < 0)
		return e;
#if defined(__x86_64__)
	r.orig_rax = (unsigned long long)-1; /* the kernel skips a call numbered -1 */
	REG_RET(r) = (unsigned long long)ret;
	return regs_put(tid, &r);
#else
	REG_RET(r) = (unsigned long long)ret;
	e = regs_put(tid, &r);
	int nr = -1; /* aarch64 keeps the number apart, in its own regset */
	struct iovec io = { .iov_base = &nr, .iov_len = sizeof(nr) };
	if (e == 0 && ptrace(PTRACE_SETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL, &io) < 0)
		e = -errno;
	return e;
#endif
}

int trace_regs_set_ret(pid_t tid, long ret)
{
	regs_t r;
	int e = regs_get(tid, &r);
	if (e < 0)
		return e;
	REG_RET(r) = (unsigned long long)ret;
	return regs_put(tid, &r);
}

int trace_regs_set_arg2(pid_t tid, unsigned long v)
{
	regs_t r;
	int e = regs_get(tid, &r);
	if (e < 0)
		return e;
	REG_ARG2(r) = v;
	return regs_put(tid, &r);
}
