/* dwarf_helper.h - a traced program's debug information, asked of the
 * helper sockstep-dwarf (a process of its own: see trace_dwarf.h). */
#ifndef SOCKSTEP_DWARF_HELPER_H
#define SOCKSTEP_DWARF_HELPER_H

#include <stddef.h>

#include "trace_dwarf.h"

/* Run sockstep-dwarf (beside sockstep's binary, else in the installed
 * SOCKSTEP_HELPERDIR) on path, as the user, with nothing but a pipe for its
 * answer and 2 seconds to give it; parse the answer into *p. 0, or negative
 * errno with one line in err: tdw_parse's, or -ENODATA when the helper is
 * missing, cannot run, or says nothing in time. */
int tdw_open(const char *path, struct tdw_prog *p, char *err, size_t errlen);

#endif
