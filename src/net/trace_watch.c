/* trace_watch.c - a struct sockaddr_in watched by the debug registers (see
 * trace_watch.h). */
#include "trace_watch.h"

#include "dwarf_helper.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

/* A write in a function main called is stepped back to main at most this
 * many instructions (memset and inet_pton take tens); beyond, it is told
 * without a line. */
#define STEP_MAX 100000

int tw_cover(uint64_t addr, size_t len, uint64_t slot[TW_SLOTS], int *n)
{
	uint64_t first = addr & ~(uint64_t)7, end = addr + len;
	int need = (int)((end - first + 7) / 8);
	if (len == 0 || *n + need > TW_SLOTS)
		return -ENOSPC;
	for (int i = 0; i < need; i++)
		slot[(*n)++] = first + 8 * (uint64_t)i;
	return 0;
}

uint64_t tw_dr7(int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n && i < TW_SLOTS; i++) {
		v |= (uint64_t)1 << (2 * i);          /* L0..L3: enabled for this task */
		v |= (uint64_t)0x1 << (16 + 4 * i);   /* RW: 01 data writes */
		v |= (uint64_t)0x2 << (18 + 4 * i);   /* LEN: 10 eight bytes */
	}
	return v;
}

struct trace_watch *trace_watch_fork(const struct trace_watch *w)
{
	if (!w || !w->ret_set)
		return NULL;
	struct trace_watch *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	/* no debug information of its own (nrows 0): it watches nothing */
	c->ret = w->ret;
	c->ret_word = w->ret_word;
	c->ret_set = true;
	return c;
}

void trace_watch_free(struct trace_watch **w)
{
	if (!*w)
		return;
	free(*w);
	*w = NULL;
}

#if defined(__x86_64__)

#define DR_OFF(i) (offsetof(struct user, u_debugreg) + (size_t)(i) * sizeof(long))

/* Its memory (process_vm_readv: trace_read's way, kept here so that
 * trace.c, which frees a watch, is not called back). */
static void read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)len)
		memset(buf, 0, len);
}

static int dr_set(pid_t pid, int i, uint64_t v)
{
	return ptrace(PTRACE_POKEUSER, pid, (void *)DR_OFF(i), (void *)(uintptr_t)v) < 0 ? -errno : 0;
}

/* The program's load bias: where its first PT_LOAD was mapped, from /proc/PID/maps. */
static int load_bias(pid_t pid, const char *path, const struct tdw_prog *p, uint64_t *bias)
{
	*bias = 0;
	if (!p->pie)
		return 0;
	char fn[64], line[4400];
	snprintf(fn, sizeof(fn), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(fn, "re");
	if (!f)
		return -errno;
	int rc = -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		uint64_t lo, off;
		int pos = 0;
		if (sscanf(line, "%" SCNx64 "-%*x %*s %" SCNx64 " %*s %*s%n", &lo, &off, &pos) < 2 || off != 0)
			continue;
		const char *name = line + pos;
		name += strspn(name, " ");
		if (strncmp(name, path, strlen(path)) == 0 && (name[strlen(path)] == '\n' || !name[strlen(path)])) {
			*bias = lo - p->first_load;
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

int trace_watch_exec(struct trace_watch **wp, pid_t pid, const char *path, char *why, size_t whylen)
{
	trace_watch_free(wp); /* an exec took the former program's memory and debug registers */
	why[0] = '\0';
	struct trace_watch *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(why, whylen, "out of memory for the sockaddr's watch");
		return -ENOMEM;
	}
	int rc = tdw_open(path, &w->prog, why, whylen);
	if (rc == 0 && (rc = load_bias(pid, path, &w->prog, &w->bias)) < 0)
		snprintf(why, whylen, "cannot find where %s is loaded: %s", path, strerror(-rc));
	if (rc == 0) {
		w->bp = w->prog.main_lo + w->bias;
		errno = 0;
		w->bp_word = ptrace(PTRACE_PEEKTEXT, pid, (void *)(uintptr_t)w->bp, 0);
		long patched = (long)(((unsigned long)w->bp_word & ~0xfful) | 0xcc);
		if (errno || ptrace(PTRACE_POKETEXT, pid, (void *)(uintptr_t)w->bp, (void *)patched) < 0) {
			rc = -errno;
			snprintf(why, whylen, "cannot set a breakpoint at main(): %s", strerror(-rc));
		}
	}
	if (rc < 0) {
		free(w);
		return rc;
	}
	w->bp_set = true;
	*wp = w;
	return 1;
}

static void disarm(struct trace_watch *w, pid_t pid)
{
	if (w->armed)
		dr_set(pid, 7, 0);
	w->armed = false;
}

/* main is entered: its instruction put back, its variables located and watched. */
static int on_main(struct trace_watch *w, pid_t pid, struct user_regs_struct *r)
{
	if (ptrace(PTRACE_POKETEXT, pid, (void *)(uintptr_t)w->bp, (void *)w->bp_word) < 0)
		return 0;
	w->bp_set = false;
	r->rip = w->bp;
	if (ptrace(PTRACE_SETREGS, pid, 0, r) < 0)
		return 0;
	w->cfa = r->rsp + 8; /* the return address was just pushed */
	errno = 0;
	long ret = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)r->rsp, 0);
	if (errno == 0) {
		w->ret = (uint64_t)ret;
		w->ret_word = ptrace(PTRACE_PEEKTEXT, pid, (void *)(uintptr_t)w->ret, 0);
		long patched = (long)(((unsigned long)w->ret_word & ~0xfful) | 0xcc);
		w->ret_set = errno == 0 &&
			     ptrace(PTRACE_POKETEXT, pid, (void *)(uintptr_t)w->ret, (void *)patched) == 0;
	}
	if (!w->ret_set)
		return 0; /* main's end would not be seen: nothing watched */
	uint64_t fb = tdw_frame_base(&w->prog, w->cfa);
	for (int i = 0; i < w->prog.nvars; i++) {
		const struct tdw_var *v = &w->prog.vars[i];
		uint64_t a = v->global ? v->addr + w->bias : fb + (uint64_t)v->off;
		int first = w->nslots;
		if (tw_cover(a, 16, w->slot, &w->nslots) < 0)
			continue; /* the debug registers are all taken */
		w->addr[i] = a;
		for (int k = first; k < w->nslots; k++)
			w->slot_var[k] = i;
	}
	for (int k = 0; k < w->nslots; k++)
		if (dr_set(pid, k, w->slot[k]) < 0)
			return 0;
	w->armed = dr_set(pid, 7, tw_dr7(w->nslots)) == 0;
	return 0;
}

/* main returned: its instruction put back, the watches taken off. */
static int on_return(struct trace_watch *w, pid_t pid, struct user_regs_struct *r)
{
	if (ptrace(PTRACE_POKETEXT, pid, (void *)(uintptr_t)w->ret, (void *)w->ret_word) < 0)
		return 0;
	w->ret_set = false;
	r->rip = w->ret;
	ptrace(PTRACE_SETREGS, pid, 0, r);
	disarm(w, pid);
	return 0;
}

/* The write was made in a function main called: step until back in main
 * (its line is the call's), or until main has returned. Any other stop met
 * on the way is held for trace_next_event. -1 main has returned, 0 in
 * main, 1 not reached. */
static int step_to_main(struct trace_watch *w, pid_t pid, struct user_regs_struct *r, bool *held, int *held_status)
{
	uint64_t lo = w->prog.main_lo + w->bias, hi = w->prog.main_hi + w->bias;
	for (int n = 0; n < STEP_MAX; n++) {
		if (r->rsp > w->cfa)
			return -1;
		if (r->rip >= lo && r->rip < hi)
			return 0;
		int st;
		if (ptrace(PTRACE_SINGLESTEP, pid, 0, 0) < 0)
			return 1;
		while (waitpid(pid, &st, __WALL) < 0)
			if (errno != EINTR)
				return 1;
		if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP || (st >> 16) != 0) {
			*held = true; /* a signal, an event or its end: told next */
			*held_status = st;
			return 1;
		}
		if (ptrace(PTRACE_GETREGS, pid, 0, r) < 0)
			return 1;
	}
	return 1;
}

static void fill_hit(struct trace_watch *w, pid_t pid, int var, const struct user_regs_struct *r, bool in_main,
		     struct tw_hit *ev)
{
	memset(ev, 0, sizeof(*ev));
	snprintf(ev->var, sizeof(ev->var), "%s", w->prog.vars[var].name);
	read_mem(pid, w->addr[var], ev->bytes, sizeof(ev->bytes));
	char file[TDW_PATH_MAX];
	int line;
	/* rip is past the writing instruction (or the call's): rip - 1 is in it. */
	if (!in_main ||
	    tdw_line(&w->prog, r->rip - 1 - w->bias, file, sizeof(file), &line, ev->stmt, sizeof(ev->stmt)) < 0)
		return;
	const char *base = strrchr(file, '/');
	snprintf(ev->where, sizeof(ev->where), "%.80s:%d", base ? base + 1 : file, line);
}

int trace_watch_trap(struct trace_watch *w, pid_t pid, bool quiet, struct tw_hit *hit, bool *held,
		     int *held_status)
{
	siginfo_t si;
	struct user_regs_struct r;
	if (!w || ptrace(PTRACE_GETSIGINFO, pid, 0, &si) < 0 || ptrace(PTRACE_GETREGS, pid, 0, &r) < 0)
		return -1;
	if (w->bp_set && si.si_code == SI_KERNEL && r.rip == w->bp + 1)
		return on_main(w, pid, &r);
	if (w->ret_set && si.si_code == SI_KERNEL && r.rip == w->ret + 1)
		return on_return(w, pid, &r);
	if (!w->armed || si.si_code != TRAP_HWBKPT)
		return -1;
	errno = 0;
	long dr6 = ptrace(PTRACE_PEEKUSER, pid, (void *)DR_OFF(6), 0);
	if (errno || !(dr6 & 0xf))
		return -1;
	dr_set(pid, 6, 0);
	int var = -1;
	for (int k = 0; k < w->nslots; k++)
		if (dr6 & (1L << k)) {
			var = w->slot_var[k];
			break;
		}
	if (var < 0 || quiet)
		return 0;
	int where = step_to_main(w, pid, &r, held, held_status);
	if (where < 0) { /* main returned: its frame is exit's now */
		disarm(w, pid);
		return 0;
	}
	fill_hit(w, pid, var, &r, where == 0, hit);
	return 1;
}

#else /* the debug registers are x86_64's: elsewhere the program runs unwatched */

int trace_watch_exec(struct trace_watch **w, pid_t pid, const char *path, char *why, size_t whylen)
{
	(void)path;
	(void)pid;
	trace_watch_free(w);
	snprintf(why, whylen, "the sockaddr's bytes statement by statement need x86_64's debug registers");
	return -ENOTSUP;
}

int trace_watch_trap(struct trace_watch *w, pid_t pid, bool quiet, struct tw_hit *hit, bool *held,
		     int *held_status)
{
	(void)w, (void)pid, (void)quiet, (void)hit, (void)held, (void)held_status;
	return -1;
}

#endif
