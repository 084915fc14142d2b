/* names.h - the few names every layer shares: the two sides, the two
 * protocols, the two address conversions, a program's name and an errno's
 * name.
 *
 * The base of the house: it includes nothing of sockstep's, so the grammar
 * (cmd.h), the tables (tuple.h), the sockaddr stages, the session log, the
 * lab and the privilege code can all say "server", "inet_pton" or
 * "ECONNREFUSED" without pulling in one another. Pure: no I/O, no allocation. */
#ifndef SOCKSTEP_NAMES_H
#define SOCKSTEP_NAMES_H

#include <stddef.h>

enum side { SIDE_NONE = 0, SIDE_SERVER, SIDE_CLIENT };
enum proto { PROTO_NONE = 0, PROTO_TCP, PROTO_UDP };

/* How a textual IPv4 address becomes sin_addr: the lecture uses inet_addr.
 * The grammar reads it from a command, sockaddr.c performs it. */
enum conv { CONV_INET_ADDR = 0, CONV_INET_PTON };

const char *side_name(enum side s);   /* "server", "client", "" */
const char *proto_name(enum proto p); /* "TCP", "UDP", "" */

/* A program's name as commands and the screen write it: "server", "client2",
 * "server.1" (prog 1 is the side's first program, child 0 the program itself). */
void cmd_prog_name(enum side side, int prog, int child, char *out, size_t len);

/* The C name of an errno ("ECONNREFUSED"), or "E<number>" for one this C
 * library does not name. The returned text lives until the thread's next call. */
const char *errno_name(int err);

/* A system call's refusal as one line in err: "<what>: ENAME (strerror)".
 * Returns -e, so that a caller can return it at once. */
int errno_fail(char *err, size_t errlen, int e, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
