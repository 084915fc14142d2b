/* trace_regs.h - a stopped tracee's registers where a fault changes a call:
 * its number (to skip it), its return value, its third argument (a
 * length). One file per concern: the architectures differ only here. */
#ifndef SOCKSTEP_TRACE_REGS_H
#define SOCKSTEP_TRACE_REGS_H

#include <sys/types.h>

/* At a seccomp stop: skip the call (its number set to -1) and make it
 * return ret. 0 or negative errno. */
int trace_regs_skip(pid_t tid, long ret);

/* At a syscall-exit stop: the value the call returns. 0 or negative errno. */
int trace_regs_set_ret(pid_t tid, long ret);

/* At a seccomp stop: the third argument (a length: read's count, recvfrom's len). */
int trace_regs_set_arg2(pid_t tid, unsigned long v);

#endif
