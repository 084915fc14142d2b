/* dwarf_read.h - a program's debug information read with elfutils' libdw
 * into a struct tdw_prog (trace_dwarf.h). Linked into the helper
 * sockstep-dwarf and the unit test only, never into sockstep: it parses an
 * untrusted file. Reads the ELF file only: no process, no ptrace. */
#ifndef SOCKSTEP_DWARF_READ_H
#define SOCKSTEP_DWARF_READ_H

#include <stddef.h>

#include "trace_dwarf.h"

/* Read path: main, its struct sockaddr_in variables (main's locals first,
 * in their order, then globals), its line table and source lines. 0, or
 * negative errno with one line in err: -ENODATA no debug information,
 * -ENOENT no main() or no struct sockaddr_in in it, -ENOTSUP a frame base
 * of another kind, -ENOEXEC not an ELF file, other errno the file could
 * not be read. */
int tdw_read(const char *path, struct tdw_prog *p, char *err, size_t errlen);

/* Line `line` of the text file `file`, blanks around it trimmed. Opened
 * with the user's rights (priv_open: a program's debug information must not
 * make it show a file its user cannot read), as the program file is in
 * tdw_read. 0, or negative errno. */
int tdw_source_line(const char *file, int line, char *out, size_t outlen);

#endif
