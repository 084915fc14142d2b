/* sockstep_dwarf.c - sockstep-dwarf PROGRAM: the program's debug information
 * that sockstep needs (main, its struct sockaddr_in variables, its lines),
 * written on standard output as trace_dwarf.h's answer. sockstep runs it as
 * the user, in a process of its own, so that libdw's parsing of any file a
 * user names happens outside sockstep (see dwarf_helper.c). */
#include <stdio.h>
#include <stdlib.h>

#include "dwarf_read.h"
#include "priv.h"
#include "trace_dwarf.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sockstep-dwarf PROGRAM (run by sockstep: it prints what sockstep reads)\n");
		return 2;
	}
	priv_init();
	static struct tdw_prog p; /* about 100 kB */
	char why[512] = "";
	int rc = tdw_read(argv[1], &p, why, sizeof(why));
	tdw_print(stdout, &p, rc, why);
	return fflush(stdout) == 0 && rc == 0 ? 0 : 1;
}
