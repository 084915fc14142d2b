/* trace_dwarf.h - a traced program's debug information, read with elfutils'
 * libdw: where main() starts and which of its variables (and the program's
 * globals) are a struct sockaddr_in, so that trace_watch can watch their 16
 * bytes; and the source line of an address. Reads the ELF file only: no
 * process, no ptrace (unit-tested on a program the build compiles with -g).
 *
 * Addresses are the file's (link-time): a PIE adds its load bias. A local's
 * address is its frame base plus an offset; tdw_frame_base() gives the
 * frame base from the stack pointer at main's first instruction, when the
 * return address has just been pushed: the CFA is then sp + 8 on x86_64. */
#ifndef SOCKSTEP_TRACE_DWARF_H
#define SOCKSTEP_TRACE_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TDW_MAX_VARS 4

/* How main's DW_AT_frame_base is computed. */
enum tdw_fb {
	TDW_FB_CFA, /* DW_OP_call_frame_cfa (gcc) */
	TDW_FB_RBP, /* DW_OP_reg6/breg6 0 (clang -O0): rbp after "push %rbp; mov %rsp,%rbp" = CFA - 16 */
};

struct tdw_var {
	char name[64];
	bool global;     /* DW_OP_addr: addr is the file's address */
	uint64_t addr;   /* global */
	int64_t off;     /* local: DW_OP_fbreg's offset from the frame base */
};

struct tdw_prog {
	void *dw;        /* Dwarf * (libdw.h stays out of the callers) */
	int fd;
	bool pie;        /* ET_DYN: add the load bias */
	uint64_t first_load; /* the lowest PT_LOAD's address, page-aligned */
	uint64_t main_lo, main_hi; /* main's code, [lo, hi) */
	enum tdw_fb fb;
	int nvars;
	struct tdw_var vars[TDW_MAX_VARS];
};

/* Open path and find main and its struct sockaddr_in variables (main's
 * locals first, in their order, then globals). 0, or negative errno with one
 * line in err: -ENODATA no debug information, -ENOENT no main() or no
 * struct sockaddr_in in it, -ENOTSUP a frame base of another kind,
 * -ENOEXEC not an ELF file, other errno the file could not be read. On
 * failure nothing needs closing. */
int tdw_open(const char *path, struct tdw_prog *p, char *err, size_t errlen);
void tdw_close(struct tdw_prog *p);

/* The frame base of main, from the CFA at its first instruction. */
uint64_t tdw_frame_base(const struct tdw_prog *p, uint64_t cfa);

/* The source file and line of the file address pc: 0, or -ENOENT. */
int tdw_line(const struct tdw_prog *p, uint64_t pc, char *file, size_t filelen, int *line);

/* Line `line` of the text file `file`, blanks around it trimmed. Opened
 * with the user's rights (priv_open: sockstep may be root, and a program's
 * debug information must not make it show a file its user cannot read), as
 * the program file is in tdw_open. 0, or negative errno. */
int tdw_source_line(const char *file, int line, char *out, size_t outlen);

#endif
