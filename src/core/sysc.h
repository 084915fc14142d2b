/* sysc.h - a traced program's socket call as the lecture writes it. From
 * the system call's number, its six raw arguments and a reader of the
 * program's memory: which call it is (struct call_args, as sockstep's own
 * calls fill it), the C the program most likely wrote, with its real
 * arguments ("connect(3, {AF_INET, 200.0.0.2, port 80}, 16)"; libc's send()
 * arrives as sendto() with no address and is shown as send(), with a note of
 * what the kernel saw), and at the call's exit its result ("-> 3",
 * "-> -1 ECONNREFUSED", "-> 5 \"hello\"", the sockaddr the kernel filled in).
 *
 * Pure: no I/O but the reader. The reader is the attack surface: a program
 * may pass any pointer and any length, so every read is bounded, and a short
 * or failed read shows the address as unreadable; nothing here trusts a
 * length the program gave. Native numbers (sys/syscall.h): x86_64 and
 * aarch64 (no socketcall on either). */
#ifndef SOCKSTEP_SYSC_H
#define SOCKSTEP_SYSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "call_event.h"

/* Read len bytes of the program's memory at addr into buf: the number of
 * bytes read (fewer at an unmapped page), or a negative errno. */
typedef long (*sysc_reader)(void *ctx, uint64_t addr, void *buf, size_t len);

#define SYSC_TEXT_MAX 512 /* the call's C text, or its result */
#define SYSC_NOTE_MAX 192
#define SYSC_SHOW 32      /* payload bytes shown in a text before "..." */
#define SYSC_SA_MAX 128   /* sizeof(struct sockaddr_storage): what is read of a sockaddr */

struct sysc_call {
	int nr;                    /* the system call's number */
	uint64_t args[6];          /* as at the entry */
	const char *name;          /* the kernel's name: "sendto" */
	const char *c_name;        /* what the program most likely called: "send" */
	int fd;                    /* the descriptor it acts on, -1 for none (socket, poll, select) */
	bool network;              /* in strace's trace=network set */
	struct call_args ca;       /* verb (the nearest command's: V_SELECT for poll, V_SETSOCKOPT
				    * for getsockopt and fcntl), a/b/c, len, the sockaddr's bytes.
				    * a/b/c: socket domain, type, protocol; listen backlog;
				    * shutdown how; setsockopt/getsockopt the int value (when 4
				    * bytes), level, name; fcntl the argument, command; accept4
				    * flags; poll/select/epoll the count of descriptors */
	char text[SYSC_TEXT_MAX];  /* "send(3, \"GET / HTTP/1.0\\r\\n\"..., 16, 0)" */
	char note[SYSC_NOTE_MAX];  /* "" or "the kernel saw sendto(3, ..., 16, 0, NULL, 0): ..." */
	/* The payload, for the engine to read in full: the bytes given (send,
	 * sendto, write, sendmsg's first iovec) from the entry, the bytes
	 * received (recv, recvfrom, read, recvmsg's first iovec) from the exit. */
	uint64_t data_addr;
	size_t data_len;
	uint32_t sa_room;          /* accept, getsockname, recvfrom, recvmsg: the room the program
				    * gave for the sockaddr the kernel fills in */
	/* At the exit (sysc_exit): */
	bool done;
	long ret;                  /* the return value as the program sees it: -1 on an error */
	int err;                   /* its errno, 0 for none */
	bool restart;              /* ERESTARTSYS & co: the program does not see this return */
	unsigned char sa_full[SYSC_SA_MAX]; /* the sockaddr passed in or filled in, as read */
	unsigned sa_full_len;      /* bytes in sa_full; 0: none or unreadable */
	char result[SYSC_TEXT_MAX]; /* "-> 3", "-> -1 ECONNREFUSED (Connection refused)",
				     * "-> 5 \"hello\"", "-> 4 {AF_INET, 100.0.0.1, port 40000}" */
};

/* At the call's entry: fill sc (all of it cleared first). rd may be NULL: no
 * memory is read, every pointer shows as its address. */
void sysc_enter(struct sysc_call *sc, int nr, const uint64_t args[6], sysc_reader rd, void *ctx);

/* At its exit, ret as the kernel returns it (a negative errno on failure):
 * ret/err, the result text, what the kernel wrote back (sockaddr, bytes). */
void sysc_exit(struct sysc_call *sc, long ret, sysc_reader rd, void *ctx);

/* strace's trace=network set: socket socketpair bind listen accept accept4
 * connect getsockname getpeername sendto recvfrom sendmsg recvmsg sendmmsg
 * recvmmsg shutdown setsockopt getsockopt. */
bool sysc_is_network(int nr);

/* Whether sysc renders nr: the network set, and the calls a socket program
 * makes on its sockets (close, read, write, poll, ppoll, select, pselect6,
 * epoll_wait, epoll_pwait, fcntl). */
bool sysc_known(int nr);

/* The numbers sysc_known is true for, into out (at most max): a filter's
 * list. Returns how many there are. */
size_t sysc_calls(int *out, size_t max);

/* The kernel's name of a call ("sendto"), "?" for one sysc does not know. */
const char *sysc_name(int nr);

/* A sockaddr as the lecture says it: "{AF_INET, 200.0.0.2, port 80}" (the
 * port is ntohs of the bytes: a forgotten htons shows 80 as 20480),
 * "{AF_INET6, ::1, port 80}", "{AF_UNIX, \"/run/x\"}", "{AF_UNSPEC}";
 * len: the bytes of b that are valid. */
void sysc_sockaddr_text(const unsigned char *b, size_t len, char *out, size_t outlen);

#endif
