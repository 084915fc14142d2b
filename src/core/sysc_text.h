/* sysc_text.h - the words of a traced call (sysc.h): a bounded text being
 * written, the names of flags, families, types, levels and options, bytes
 * as a C string literal, and a sockaddr as the lecture says it. Pure; no
 * memory of the program is read here (sysc.c reads, this writes). */
#ifndef SOCKSTEP_SYSC_TEXT_H
#define SOCKSTEP_SYSC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A text written piece by piece; never past len, always NUL-terminated. */
struct stext {
	char *buf;
	size_t len, pos;
};

void st_init(struct stext *o, char *buf, size_t len);
__attribute__((format(printf, 2, 3)))
void st_put(struct stext *o, const char *fmt, ...);

/* A C string literal of b[0..n): "GET / \r\n" with \n \r \t \" \\ \0 and
 * \xHH for the other bytes outside printable ASCII. */
void st_quoted(struct stext *o, const unsigned char *b, size_t n);

/* One table of names of bits or values. */
struct sname {
	long v;
	const char *name;
};

/* The set bits of v by name, "|" between, what is left in hex; zero as
 * zero_text ("0"). */
void st_flags(struct stext *o, unsigned long v, const struct sname *t, size_t n, const char *zero_text);
/* The name of value v in t, or v as a number. */
void st_value(struct stext *o, long v, const struct sname *t, size_t n);

#define SNAMES(t) (t), (sizeof(t) / sizeof((t)[0]))
#define SYSC_TABLE(name) sysc_##name, sysc_n_##name /* the shared tables below */

extern const struct sname sysc_msg_flags[];
extern const size_t sysc_n_msg_flags;
extern const struct sname sysc_sock_flags[]; /* SOCK_NONBLOCK, SOCK_CLOEXEC */
extern const size_t sysc_n_sock_flags;
extern const struct sname sysc_poll_events[];
extern const size_t sysc_n_poll_events;
extern const struct sname sysc_epoll_events[];
extern const size_t sysc_n_epoll_events;
extern const struct sname sysc_shut_hows[];
extern const size_t sysc_n_shut_hows;
extern const struct sname sysc_fcntl_cmds[];
extern const size_t sysc_n_fcntl_cmds;
extern const struct sname sysc_o_flags[];    /* F_SETFL/F_GETFL's, O_ACCMODE apart */
extern const size_t sysc_n_o_flags;

void st_domain(struct stext *o, long domain);     /* AF_INET, or the number */
void st_type(struct stext *o, long type);         /* SOCK_STREAM|SOCK_CLOEXEC */
void st_protocol(struct stext *o, long protocol); /* 0, IPPROTO_TCP, ... */
void st_level(struct stext *o, long level);       /* SOL_SOCKET, IPPROTO_TCP, ... */
void st_optname(struct stext *o, long level, long name); /* SO_REUSEADDR, TCP_NODELAY, ... */
void st_o_flags(struct stext *o, unsigned long v); /* O_RDWR|O_NONBLOCK */

/* "{AF_INET, 200.0.0.2, port 80}" (see sysc_sockaddr_text). */
void st_sockaddr(struct stext *o, const unsigned char *b, size_t len);

#endif
