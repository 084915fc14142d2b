/* trace.h - a program the user compiled, run under ptrace with a seccomp
 * filter that stops it at its socket calls only (strace --seccomp-bpf's
 * technique). Mechanism only: nothing here knows commands, slots or rows.
 * One tracer per sockstep; every ptrace call from the thread that seized.
 *
 * Life of a traced program:
 *   trace_resolve() PROGRAM as typed -> a path, or one line saying why not.
 *   trace_spawn()  fork (in the netns the caller entered) -> the child execs
 *                  sockstep's own binary as a clean trampoline
 *                  (TRACE_RUNNER_FLAG, trace_runner()), which drops
 *                  privileges (priv_runner_drop), optionally enters a mount
 *                  namespace with the lab's hosts file over /etc/hosts, says
 *                  it is ready on a control socket and waits; the parent
 *                  seizes it (PTRACE_SEIZE, EXITKILL|TRACESYSGOOD|TRACEFORK|
 *                  TRACEVFORK|TRACECLONE|TRACEEXEC|TRACESECCOMP) and says
 *                  "go"; the trampoline installs the libseccomp filter and
 *                  execs PROG. (A handshake on the socket rather than
 *                  raise(SIGSTOP): no group-stop to undo with SIGCONT, and a
 *                  refusal in the trampoline travels back as one line.)
 *   trace_next_event() non-blocking: the next event of any tracee, or 0.
 *   At TEV_ENTER the tracee is stopped before the call (seccomp stop);
 *   trace_step() lets the call run and stop at its exit (TEV_EXIT_CALL);
 *   trace_resume() lets it run to its next socket call.
 *
 * The filter (trace_filter.c): every call allowed at native speed except
 * these, which stop (SECCOMP_RET_TRACE): socket, socketpair, bind, listen,
 * accept, accept4, connect, sendto, recvfrom, sendmsg, recvmsg, sendmmsg,
 * recvmmsg, shutdown, getsockname, getpeername, setsockopt, getsockopt,
 * poll, ppoll, select, pselect6, epoll_wait, epoll_pwait; read, write, readv,
 * writev, close and fcntl only on a descriptor above 2 (a file too: the
 * caller asks trace_fd_is_socket() and resumes at once if not).
 * io_uring_setup stops too, and is answered at once with ENOSYS (its calls
 * would bypass the filter: the program falls back to plain calls, or says
 * io_uring is missing), told as TEV_REFUSED so that the user learns why. A call of
 * another architecture (int 0x80 on x86_64) fails with ENOSYS. The filter
 * sets no_new_privs: a set-uid file the program execs gains nothing.
 *
 * Detaching: SECCOMP_RET_TRACE with no tracer makes the call fail ENOSYS,
 * and a filter cannot be removed, so trace_detach() does not PTRACE_DETACH:
 * the tracee stays attached, "free running": every stop is answered at once
 * and no TEV_ENTER/TEV_EXIT_CALL is reported for it or its children (NEW,
 * EXEC, SIGNAL, GONE still are). gdb cannot attach to it (one tracer per
 * process); to debug, run the program outside sockstep.
 *
 * A program built with -fsanitize=address gets detect_leaks=0 added to its
 * ASAN_OPTIONS: LeakSanitizer stops threads with ptrace at exit, which a
 * traced process cannot; it would fail and exit 1.
 *
 * Waiting for input: its reads of stdin (descriptor 0) do not stop; a
 * program asleep there shows as trace_blocked() with trace_syscall_now()
 * == SYS_read while no call is stepped. Writes to *in (trace_spawn) of a
 * program that has ended give EPIPE (sockstep ignores SIGPIPE).
 *
 * Signals: trace_init() blocks SIGCHLD in the calling thread (threads
 * started later inherit that; a thread started before that leaves SIGCHLD
 * unblocked may swallow the wake-up: start threads after trace_init, or
 * call trace_next_event now and then too) and makes a signalfd of it.
 */
#ifndef SOCKSTEP_TRACE_H
#define SOCKSTEP_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TRACE_MAX 32          /* tracees (processes and threads) at once */

/* How sockstep starts the trampoline: "sockstep --trace-runner CTL NAME
 * PARENT-PID PATH ARGV0 [ARG...]". main() looks for it first thing. */
#define TRACE_RUNNER_FLAG "--trace-runner"

enum trace_ev_kind {
	TEV_NONE = 0,
	TEV_ENTER,     /* stopped before a socket call: nr, args; waits for trace_step/resume */
	TEV_EXIT_CALL, /* the call returned: ret; waits for trace_resume */
	TEV_NEW,       /* a new tracee: pid is the child, parent its parent; thread: a CLONE_THREAD.
			* It runs on by itself (stopping at its first socket call) */
	TEV_EXEC,      /* it exec'd: the new program's path in text (first exec = the program itself
			* started); runs on by itself */
	TEV_SIGNAL,    /* a signal is delivered to it (signo): it is passed on at once, and
			* the tracee runs on by itself */
	TEV_GONE,      /* it ended: exited (code) or killed (signo), dumped: core dumped */
	TEV_REFUSED,   /* a call tracing cannot follow (nr: io_uring_setup, whose ring's
			* submissions would bypass the filter) was answered -1 ENOSYS without
			* running; it runs on by itself */
	TEV_OUTPUT,    /* never returned here: the caller polls the *out fd of trace_spawn */
	TEV_WATCH,     /* a statement wrote a watched struct sockaddr_in (trace_watch.h): var, bytes,
			* where, code; the tracee runs on by itself */
};

struct trace_ev {
	enum trace_ev_kind kind;
	pid_t pid, parent;            /* tid for threads; parent: TEV_NEW only */
	bool thread;                  /* TEV_NEW: a thread of parent's process */
	int nr;                       /* TEV_ENTER, TEV_EXIT_CALL: system call number (native arch) */
	uint64_t args[6];             /* TEV_ENTER, TEV_EXIT_CALL: as at the enter */
	long ret;                     /* TEV_EXIT_CALL: the return value as the kernel left it:
				       * >= 0, or -errno (-ERESTARTSYS etc. too: see restarted) */
	bool restarted;               /* TEV_EXIT_CALL: ret is -512..-516 (ERESTARTSYS, ERESTARTNOINTR,
				       * ERESTARTNOHAND, ERESTART_RESTARTBLOCK): a signal came; the
				       * program sees either EINTR or the call entered again (the
				       * next TEV_ENTER of the same nr): the next event tells */
	bool faulted;                 /* TEV_EXIT_CALL: ret is the fault's (trace_fault), not the kernel's */
	int code, signo;              /* TEV_GONE: exit code, or killing signal (0 if exited);
				       * TEV_SIGNAL: signo */
	bool dumped;
	char text[256];               /* TEV_EXEC: path of the new program */
	int watch;                    /* TEV_EXEC of a tracee spawned with o->watch: 1 main's (or a
				       * global) struct sockaddr_in is watched from main's start on;
				       * negative errno: not (-ENODATA no debug information) */
	char var[64];                 /* TEV_WATCH: the variable's name */
	unsigned char bytes[16];      /* TEV_WATCH: its 16 bytes after the statement */
	char where[96];               /* TEV_WATCH: "file.c:42", or "" (not in the program's lines) */
	char stmt[160];               /* TEV_WATCH: that source line, or "" (source not readable);
				       * TEV_EXEC with watch < 0: why its sockaddr_in is not watched */
};

struct trace_opts {
	const char *path;             /* PROG as resolved by trace_resolve */
	char *const *argv;            /* argv[0] = as typed; NULL-terminated */
	char *const *envp;            /* its environment; NULL: sockstep's own (environ) */
	const char *hosts;            /* a hosts(5) text to put over /etc/hosts, or NULL */
	const char *name;             /* sockstep's name for it ("client"): the trampoline's comm
				       * (the exec gives the program its own) */
	bool tty;                     /* stdout and stderr on a pseudo-terminal, not a pipe: C stdio
				       * is then line-buffered, so printf's lines arrive in order with
				       * the calls (on a pipe they wait in the buffer until exit or
				       * fflush). Raw mode: bytes as written. stdin stays a pipe. */
	bool watch;                   /* watch the program's struct sockaddr_in from its debug
				       * information (trace_watch.h): TEV_EXEC's watch, TEV_WATCH */
};

struct trace_watch;                   /* trace_watch.h */

struct tracee {                       /* one process or thread being traced */
	bool used;
	pid_t pid, tgid;
	int pidfd;                    /* of the process (a thread: -1) */
	bool in_call;                 /* between TEV_ENTER and TEV_EXIT_CALL (or its resume) */
	bool at_enter;                /* stopped at TEV_ENTER, waiting for trace_step/resume */
	bool at_exit;                 /* stopped at TEV_EXIT_CALL, waiting for trace_resume */
	bool stepping;                /* resumed by trace_step: the exit will stop */
	bool fresh;                   /* auto-attached, its first stop not seen yet */
	bool free_running;            /* trace_detach: every stop answered at once */
	int nr;
	uint64_t args[6];
	/* a fault to apply to this call (trace_fault) */
	int fault_err;                /* >0: the call is skipped and returns -fault_err */
	long fault_short;             /* >0: the length argument is cut to this before the call */
	bool watch_want;              /* spawned with o->watch */
	struct trace_watch *watch;    /* its watched variables (trace_watch.h), or NULL */
	bool held;                    /* held_status is a status waitpid gave trace_watch while it
				       * single-stepped: trace_next_event takes it before waiting */
	int held_status;
};

struct tracer {
	struct tracee t[TRACE_MAX];
	int sigfd;                    /* signalfd of SIGCHLD (SIGCHLD blocked): poll it for POLLIN,
				       * then call trace_next_event until it returns 0 */
	int next;                     /* where trace_next_event looks first (round robin) */
};

/* PROGRAM as typed: with a '/', a path; else looked up in PATH, then in
 * <folder of sockstep's binary>/examples/, then the installed examples
 * folder (SOCKSTEP_EXAMPLEDIR). 0 and the path, or negative errno and one
 * line in err: ENOENT not found, EISDIR a directory, EACCES not executable,
 * ENOEXEC neither an ELF program nor a #! script, or an ELF of another
 * machine or 32-bit (socketcall is not traced). */
int trace_resolve(const char *typed, char *path, size_t pathlen, char *err, size_t errlen);

/* The signalfd, SIGCHLD blocked; refuses (-EPERM and one line with what to
 * do) where ptrace is forbidden (kernel.yama.ptrace_scope 3, or 2 without
 * CAP_SYS_PTRACE). 0 or negative errno. */
int trace_init(struct tracer *tr, char *err, size_t errlen);
void trace_free(struct tracer *tr);  /* kills and reaps every tracee, closes the signalfd */

/* Start PROG; fds: *in (write end of its stdin), *out (read end of its
 * stdout and stderr together, one pipe or pty so that their order is kept;
 * EOF or EIO once it and its children have all closed them), both
 * non-blocking and close-on-exec. Returns the tracee, running towards its
 * TEV_EXEC and then its first socket call, or NULL with err (EPERM: ptrace
 * refused, with what to do). A note that is no failure (the hosts file
 * could not be put in place: outside sockstep's user namespace) goes in
 * note (may be NULL), else note is "". */
struct tracee *trace_spawn(struct tracer *tr, const struct trace_opts *o, int *in, int *out,
			   char *note, size_t notelen, char *err, size_t errlen);

/* Next event, non-blocking: 1 and *ev, 0 none now, negative errno. Reads the
 * signalfd and waitpid(pid, __WALL|WNOHANG) for each known tracee only (never
 * waitpid(-1): the engine's own runner programs are reaped by it). Stops that
 * need no decision (a new child's first stop, fork/clone/exec events,
 * signals, group-stops, a free-running tracee's calls) are answered here. */
int trace_next_event(struct tracer *tr, struct trace_ev *ev);

int trace_step(struct tracer *tr, struct tracee *t);    /* at enter: run the call to its exit */
int trace_resume(struct tracer *tr, struct tracee *t);  /* at enter or exit: to the next socket call */
int trace_detach(struct tracer *tr, struct tracee *t);  /* free running: see the note above */
int trace_kill(struct tracer *tr, struct tracee *t);    /* SIGKILL its process; TEV_GONE follows */

/* At TEV_ENTER: change this call's result: err > 0 skips it and makes it
 * return -err; short_len > 0 cuts its length argument (read, recvfrom: the
 * third) to short_len if larger. Applied by the next trace_step or
 * trace_resume. 0, or -EINVAL (not at enter, or no length to cut). */
int trace_fault(struct tracer *tr, struct tracee *t, int err, long short_len);

/* Read len bytes of its memory at addr (process_vm_readv); bytes read or negative errno. */
ssize_t trace_read(const struct tracee *t, uint64_t addr, void *buf, size_t len);

/* Is it sleeping inside its call now (/proc/TID/stat state S or D, after
 * trace_step)? */
bool trace_blocked(const struct tracee *t);

/* The system call it is in, /proc/TID/syscall's first word: the number,
 * -1 running in user space, -2 not known ("running" or unreadable). */
long trace_syscall_now(const struct tracee *t);

/* Does its process catch signal sig (a handler: /proc/PID/status SigCgt)?
 * Without one, an interrupted call is always made again by the kernel. */
bool trace_sig_caught(const struct tracee *t, int sig);

/* Is its descriptor fd a socket (/proc/TID/fd/FD links to "socket:[")? */
bool trace_fd_is_socket(const struct tracee *t, int fd);

struct tracee *trace_find(struct tracer *tr, pid_t pid);

/* The trampoline (in the forked child, after the exec of sockstep's own
 * binary): never returns on success (it becomes PROG). main() calls it
 * when argv[1] is TRACE_RUNNER_FLAG; 127 on failure, 2 when typed by hand. */
int trace_runner(int argc, char **argv);

/* Between the trace*.c files only: a slot for a new tracee (its pidfd
 * opened when it is a process), NULL when all TRACE_MAX are taken; and the
 * slot given back. */
struct tracee *trace_add(struct tracer *tr, pid_t pid, pid_t tgid);
void trace_forget(struct tracee *t);

/* The handshake on the control socket (descriptor 3 in the trampoline):
 * sockstep sends 'H' and the hosts text (nothing after the 'H': none); the
 * trampoline answers with a trace_hello (err 0: ready, text a note or "";
 * else an errno and one line, and it exits); sockstep seizes it and sends
 * one byte, "go". */
#define TRACE_HOSTS_MAX 65536
struct trace_hello {
	int err;
	char text[300];
};

#endif
