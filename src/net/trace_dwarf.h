/* trace_dwarf.h - what trace_watch needs of a traced program's debug
 * information: where main() starts and ends, which of its variables (and
 * the program's globals) are a struct sockaddr_in, and main's line table
 * with the text of its source lines. Read by the helper sockstep-dwarf
 * (dwarf_read.c, elfutils' libdw) in a process of its own, and passed to
 * sockstep as a short text answer (tdw_print, tdw_parse) that sockstep
 * validates field by field: the DWARF of any file a user names is parsed
 * outside the process that may hold a capture ring or privileges, and the
 * libraries that parse it are not loaded into an idle sockstep.
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
#include <stdio.h>

#define TDW_MAX_VARS 4
#define TDW_MAX_FILES 8      /* source files in main's lines (its .c, headers it inlines) */
#define TDW_MAX_ROWS 512     /* line table rows in main: a longer main's tail has no lines */
#define TDW_NAME_MAX 64
#define TDW_PATH_MAX 1024
#define TDW_TEXT_MAX 160     /* a source line's text, as shown (tw_hit's stmt) */
#define TDW_ANSWER_MAX (256 * 1024) /* more than the largest answer above */
#define TDW_VERSION 1

/* How main's DW_AT_frame_base is computed. */
enum tdw_fb {
	TDW_FB_CFA, /* DW_OP_call_frame_cfa (gcc) */
	TDW_FB_RBP, /* DW_OP_reg6/breg6 0 (clang -O0): rbp after "push %rbp; mov %rsp,%rbp" = CFA - 16 */
};

struct tdw_var {
	char name[TDW_NAME_MAX];
	bool global;     /* DW_OP_addr: addr is the file's address */
	uint64_t addr;   /* global */
	int64_t off;     /* local: DW_OP_fbreg's offset from the frame base */
};

/* From pc up to the next row's pc: line `line` of files[file]. */
struct tdw_row {
	uint64_t pc;
	int line;
	int file;
	char text[TDW_TEXT_MAX]; /* blanks around it trimmed; "" when the user may not read it */
};

struct tdw_prog {
	bool pie;        /* ET_DYN: add the load bias */
	uint64_t first_load; /* the lowest PT_LOAD's address, page-aligned */
	uint64_t main_lo, main_hi; /* main's code, [lo, hi) */
	enum tdw_fb fb;
	int nvars;
	struct tdw_var vars[TDW_MAX_VARS];
	int nfiles;
	char files[TDW_MAX_FILES][TDW_PATH_MAX];
	int nrows;       /* pc ascending, all in [main_lo, main_hi) */
	struct tdw_row rows[TDW_MAX_ROWS];
};

/* The frame base of main, from the CFA at its first instruction. */
uint64_t tdw_frame_base(const struct tdw_prog *p, uint64_t cfa);

/* The source file, line and its text of the file address pc in main: 0, or
 * -ENOENT. text may be NULL. */
int tdw_line(const struct tdw_prog *p, uint64_t pc, char *file, size_t filelen, int *line, char *text,
	     size_t textlen);

/* The answer sockstep-dwarf writes: p, or (err < 0) the failure -err and
 * its line why. Version line first, "end" last. */
void tdw_print(FILE *f, const struct tdw_prog *p, int err, const char *why);

/* Parse an answer (len bytes, not NUL-terminated) into p: 0, or negative
 * errno with one line in why: the helper's own failure (-ENODATA no debug
 * information, -ENOENT no main() or no struct sockaddr_in, -ENOTSUP a frame
 * base of another kind, -ENOEXEC not an ELF file, ...), or -EPROTO for an
 * answer that is not one (every field checked; nothing trusted). */
int tdw_parse(const char *buf, size_t len, struct tdw_prog *p, char *why, size_t whylen);

#endif
