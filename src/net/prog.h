/* prog.h - a side's program: a child process that makes that side's calls.
 *
 * Each program is forked into its host's network namespace and runs the calls
 * it is sent, one at a time, as the C program on the lecture's slide would:
 * blocking sockets, its own descriptors (the first socket is 3), real
 * accept(), connect(), recv() that sleep in the kernel. sockstep sends one
 * request over a SOCK_SEQPACKET socketpair and reads one reply; while the
 * call sleeps, the program can do nothing else, exactly like the lecture's
 * single-threaded programs. SIGUSR1 (installed without SA_RESTART) makes a
 * sleeping call return -1 EINTR.
 *
 * The child execs the runner (prog_runner) before it makes any call: the
 * program's memory is that of a fresh process, never sockstep's.
 *
 * sockstep observes the program's sockets from outside: prog_peek() borrows
 * a descriptor with pidfd_getfd(2) for a getsockname/getpeername/TCP_INFO
 * and gives it back at once, so the program's own system calls (strace -f)
 * are only the lecture's. */
#ifndef SOCKSTEP_PROG_H
#define SOCKSTEP_PROG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/select.h>
#include <sys/types.h>

#include "cmd.h"

#define PROG_SEL_MAX CMD_SEL_MAX

struct prog_req {
	enum verb op;                /* the call (cmd.h): its entry performs it (prog_perform_lookup) */
	int fd;
	int a, b, c;                 /* socket: domain, type, protocol; listen: backlog; shutdown: how;
				      * setsockopt, nonblock: value; flood: count of this chunk */
	struct sockaddr_in addr;     /* bind, connect, sendto, flood */
	size_t len;                  /* send/sendto: bytes in data; recv/recvfrom: the buffer size */
	int sel_n, sel_fd[PROG_SEL_MAX];
	bool sel_rd, sel_wr;
	unsigned long flood_from;    /* flood: the number of the first datagram of the chunk */
	unsigned char data[CMD_DATA_MAX];
};

#define PROG_DATA_MAX 65536

struct prog_rep {
	long ret;
	int err;
	struct sockaddr_in addr;     /* accept, recvfrom: where from; getsockname, getpeername */
	socklen_t addrlen;
	int sel_rd[PROG_SEL_MAX], sel_wr[PROG_SEL_MAX]; /* select: 1 for the descriptors found ready */
	unsigned long sent, failed;  /* flood */
	int flood_err;
	size_t len;                  /* recv/recvfrom, families: bytes in data */
	unsigned char data[PROG_DATA_MAX];
};

/* One call as the runner performs it, in the program's own process: the
 * request, the reply to fill in (ret and err are set from the return
 * value and errno), the control channel and a descriptor passed with the
 * request (fork). no_reply: the process must send nothing (fork's child). */
struct prog_call {
	const struct prog_req *rq;
	struct prog_rep *rp;
	int ctl, passed;
	bool no_reply;
};

/* A call's own code in the runner: the system call, its return value
 * (-1 with errno set on failure). The call entries (src/call.h) hold them. */
typedef long (*prog_perform_fn)(struct prog_call *pc);

/* The perform function of a call, NULL for none: what the runner looks up. */
typedef prog_perform_fn (*prog_perform_lookup)(enum verb op);

struct prog {
	pid_t pid;
	int pidfd;                   /* to borrow descriptors and to signal */
	int ctl;                     /* our end of the socketpair */
	bool alive;
};

/* How sockstep starts a program's runner: "sockstep --prog-runner CTL NAME
 * PARENT-PID". main() looks for it first thing and calls prog_runner. */
#define PROG_RUNNER_FLAG "--prog-runner"

/* The runner: the program itself, in a process that sockstep forked and that
 * then exec'd sockstep's own binary, so that it holds nothing of sockstep's
 * memory (no capture ring, no frames). Checks that CTL is the control
 * channel (else one line on stderr and 2: a person typed the flag), gives up
 * any privilege a set-uid or setcap start would give, takes NAME, says hello
 * on CTL and runs the calls it is sent until sockstep goes away. */
int prog_runner(int argc, char **argv, prog_perform_lookup perform);

/* Every signal at its default action and none blocked, as a freshly
 * started C program has them: a forked child's first act before it execs
 * (runner programs and traced ones alike). */
void prog_signals_fresh(void);

/* Fork a program into the network namespace we are in now (the caller
 * enters the host's first); name is its process name (ps, strace). 0, or
 * negative errno with one line in err. V_FORK's data holds the child's name. */
int prog_spawn(struct prog *p, const char *name, char *err, size_t errlen);

/* Send one request (fork: pass_fd is the new program's end of its own
 * socketpair, else -1). 0 or negative errno. */
int prog_send(struct prog *p, const struct prog_req *rq, int pass_fd);

/* After prog_send: wait until the reply is there (1) or the program sleeps
 * inside the call (0: it is blocked; the reply comes later on p->ctl), or the
 * program is gone (negative errno). "Sleeps inside the call": no reply, and
 * the process is seen sleeping (state S) several times in a row with the
 * reply channel checked in between, so a reply sent just before cannot be
 * missed. Waits at most a few milliseconds for a call that blocks. */
int prog_settle(struct prog *p);

/* Read the reply (blocking read; call when prog_settle said 1 or p->ctl is
 * readable). 0, or negative errno when the program died (-EPIPE). */
int prog_recv(struct prog *p, struct prog_rep *rp);

/* Whether the program is awake (running or runnable, not sleeping in a
 * call): its reply is on its way. */
bool prog_awake(const struct prog *p);

/* Whether the process still runs (not killed behind sockstep's back). */
bool prog_alive(const struct prog *p);

/* Whether it is stopped by a signal (SIGSTOP, SIGTSTP: state T): it makes
 * no call until SIGCONT. */
bool prog_stopped(const struct prog *p);

/* Whether the reply is waiting now (no wait). */
bool prog_ready(const struct prog *p);

/* Borrow the program's descriptor fd (pidfd_getfd): our copy, to close at
 * once after looking, or negative errno. */
int prog_peek(const struct prog *p, int fd);

/* SIGUSR1: a blocked call returns -1 EINTR. 0 or negative errno. */
int prog_interrupt(const struct prog *p);

/* End it: SIGKILL, reap it if it is our child, close our descriptors. */
void prog_kill(struct prog *p, bool our_child);

/* The program's exit, for a line: "exited with status 0", "was killed by
 * signal 9 (Killed)". Reaps it (our child) when it is gone; a program's own
 * forked child (our_child false) is told by its pidfd (Linux 6.15), else
 * "ended (...)" says why it cannot be known. */
void prog_exit_text(struct prog *p, bool our_child, char *out, size_t len);

#endif
