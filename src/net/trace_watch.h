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
 * reported is main's line that called it. Once main has returned (its stack
 * is reused by exit's functions), the watches are taken off.
 *
 * The kernel's own writes (accept, recvfrom filling the address) do not
 * fire a watch: those bytes are read at the call's exit, as before. */
#ifndef SOCKSTEP_TRACE_WATCH_H
#define SOCKSTEP_TRACE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace.h"
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
	uint64_t cfa;                 /* main's CFA: above it, main has returned */
	uint64_t addr[TDW_MAX_VARS];  /* each variable's address in memory (0: not watched) */
	int nslots;
	uint64_t slot[TW_SLOTS];
	int slot_var[TW_SLOTS];
	unsigned uid;                 /* the program's user: whose source files may be shown */
};

/* At the tracee's exec stop (path: its /proc/PID/exe): 1 watching from
 * main's start, 0 not asked (spawned without o->watch), negative errno and
 * one line in why. Any former program's watch is dropped. */
int trace_watch_exec(struct tracee *t, const char *path, char *why, size_t whylen);

/* A SIGTRAP signal-delivery stop: -1 not the watch's (a real SIGTRAP: pass
 * it on); 0 the watch's, nothing to tell; 1 and *ev (TEV_WATCH) a statement
 * wrote a watched variable. For 0 and 1 the tracee is still stopped: resume
 * it without the signal. */
int trace_watch_trap(struct tracee *t, struct trace_ev *ev);

void trace_watch_free(struct tracee *t);

#endif
