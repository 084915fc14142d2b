/* trace_watch.h - a traced program's struct sockaddr_in, watched statement
 * by statement with the CPU's debug registers (x86_64: DR0-DR3 addresses,
 * DR7 enables, DR6 says which fired), set through ptrace.
 *
 * At the program's exec (trace_watch_exec) its debug information is read
 * (trace_dwarf.h) and a breakpoint (int3) is written over main's first
 * instruction. When main is entered (trace_watch_trap sees the int3) the
 * instruction is put back, the variables' addresses are computed from the
 * stack pointer (main's locals live in its frame) and the load bias (a
 * PIE), and each variable's 16 bytes are watched for writes: 8-byte aligned
 * watches, two for an aligned structure, three otherwise, at most four in
 * all. Each write stops the program with SIGTRAP (never passed on to it);
 * when the write was made in a function main called (memset, inet_pton),
 * the program is single-stepped back into main, so that the statement
 * reported is main's line that called it. A second breakpoint at the
 * address main returns to takes the watches off when it returns (its stack
 * is reused by exit's functions then).
 *
 * The kernel's own writes (accept, recvfrom filling the address) do not
 * fire a watch: those bytes are read at the call's exit, as before. */
#ifndef SOCKSTEP_TRACE_WATCH_H
#define SOCKSTEP_TRACE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "trace_dwarf.h"

#define TW_SLOTS 4

/* Pure: the 8-byte aligned watches covering [addr, addr + len), appended
 * to slot[*n..TW_SLOTS); 0, or -ENOSPC when they do not all fit (nothing
 * appended). */
int tw_cover(uint64_t addr, size_t len, uint64_t slot[TW_SLOTS], int *n);

/* Pure: DR7 for the first n slots: each enabled locally, on writes, 8 bytes. */
uint64_t tw_dr7(int n);

struct trace_watch {
	struct tdw_prog prog;
	uint64_t bias;                /* load bias: file address + bias = address in memory */
	uint64_t bp;                  /* main's first instruction, in memory */
	long bp_word;                 /* the word the int3 replaced */
	bool bp_set, armed;
	uint64_t ret;                 /* where main returns to (a breakpoint too: its frame is gone then) */
	long ret_word;
	bool ret_set;
	uint64_t cfa;                 /* main's CFA: above it, main has returned */
	uint64_t addr[TDW_MAX_VARS];  /* each variable's address in memory (0: not watched) */
	int nslots;
	uint64_t slot[TW_SLOTS];
	int slot_var[TW_SLOTS];
};

/* A statement wrote a watched variable (trace.h's TEV_WATCH carries it). */
struct tw_hit {
	char var[64];
	unsigned char bytes[16];
	char where[96];               /* "file.c:42", "" when not in main's lines */
	char stmt[160];               /* the source line, "" when not readable by the user */
};

/* At the exec stop of tracee pid (path: its /proc/PID/exe): *w (allocated)
 * and 1: watching from main's start; negative errno and one line in why
 * (-ENODATA: no debug information). */
int trace_watch_exec(struct trace_watch **w, pid_t pid, const char *path, char *why, size_t whylen);

/* A SIGTRAP signal-delivery stop of pid: -1 not the watch's (a real
 * SIGTRAP: pass it on); 0 the watch's, nothing to tell (quiet: a detached
 * program's); 1 and *hit. For 0 and 1 the tracee is still stopped: resume
 * it without the signal, unless *held: stepping back to main met another
 * stop (*held_status, as waitpid gave it), to be handled as if waited for. */
int trace_watch_trap(struct trace_watch *w, pid_t pid, bool quiet, struct tw_hit *hit, bool *held,
		     int *held_status);

void trace_watch_free(struct trace_watch **w);

/* A fork's child: its memory is a copy, with the breakpoint where main
 * returns, but not the debug registers; the child's watch (unarmed) takes
 * that breakpoint away when it is hit. NULL when there is none to copy. */
struct trace_watch *trace_watch_fork(const struct trace_watch *w);

#endif
