/* families.h - the lecture's table of socket families and types (socket(2):
 * "Name, Purpose, Man page" and SOCK_STREAM ... SOCK_PACKET), and the table
 * of what this kernel answers to socket(family, type, 0) for each of them.
 * Pure: the calls are made by a side's program (prog.c, V_FAMILIES); this
 * module only lists what to try and lays out the answers. */
#ifndef SOCKSTEP_FAMILIES_H
#define SOCKSTEP_FAMILIES_H

#include <stddef.h>

#define FAM_NFAMILIES 24 /* AF_UNIX ... AF_XDP, as the lecture lists them */
#define FAM_NTYPES 6     /* SOCK_STREAM ... SOCK_PACKET */
#define FAM_NCALLS (FAM_NFAMILIES * FAM_NTYPES)

struct fam_family {
	const char *name; /* "AF_UNIX" */
	int domain;
};
struct fam_type {
	const char *name; /* "SOCK_STREAM" */
	int type;
};

const struct fam_family *fam_families(void); /* FAM_NFAMILIES entries, the lecture's order */
const struct fam_type *fam_types(void);      /* FAM_NTYPES entries */

/* The table of answers: res[f * FAM_NTYPES + t] is the descriptor that
 * socket(family f, type t, 0) returned (>= 0), or -errno. Families with the
 * same answers share a row, in the lecture's order; a cell is the
 * descriptor or a two-letter code that the legend under the table names by
 * its errno. Lines are separated by '\n', none wider than FAM_WIDTH
 * columns. Returns the number of lines. */
#define FAM_WIDTH 78
int fam_table(const int *res, char *out, size_t len);

#endif
