/* cmd.h - the command language shared by keys, scripts, lessons and tests.
 *
 * Pure: text in, struct cmd (or one error line) out. No I/O, no globals.
 * Every function that can fail returns 0 (or a positive count) on success and a
 * negative errno on error, as everywhere in sockstep. */
#ifndef SOCKSTEP_CMD_H
#define SOCKSTEP_CMD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault_kind.h"
#include "names.h"

#define CMD_LINE_MAX 4096 /* longest accepted line, bytes, without the newline */
#define CMD_DATA_MAX 2048 /* longest payload of send/sendto/say/expect text */
#define CMD_PATH_MAX 1024
#define CMD_ERR_MAX 384   /* room for one error line (the verb list of "unknown command" grows with each call) */
#define CMD_ADDR_MAX 32   /* an address as typed, with its NUL ("0x7f.0x0.0x0.0x1" is 16 bytes) */

enum verb {
	V_SOCKET,     /* SIDE socket tcp|udp                                    */
	V_BIND,       /* SIDE bind IP PORT [inet_addr|inet_pton] [nohtons]       */
	V_LISTEN,     /* SIDE listen [BACKLOG]          (default 5)              */
	V_ACCEPT,     /* SIDE accept                                            */
	V_CONNECT,    /* SIDE connect IP PORT [inet_addr|inet_pton] [nohtons]    */
	V_SEND,       /* SIDE send "TEXT"                                       */
	V_RECV,       /* SIDE recv [MAXBYTES]           (default 1024)           */
	V_SENDTO,     /* SIDE sendto IP PORT "TEXT" [inet_addr|inet_pton] [nohtons] */
	V_RECVFROM,   /* SIDE recvfrom [MAXBYTES]                               */
	V_SHUTDOWN,   /* SIDE shutdown rd|wr|both                               */
	V_CLOSE,      /* SIDE close                                             */
	V_SETSOCKOPT, /* SIDE setsockopt reuseaddr on|off                       */
	V_FLOOD,      /* SIDE flood COUNT udp IP PORT                           */
	V_WIRE,       /* wire pass|hold|step|drop|delay DURATION|save FILE|status; hold|drop next FRAME */
	V_SAY,        /* say "TEXT"                                             */
	V_EXPECT,     /* expect ...                    (see enum expect_what)    */
	V_INET_ADDR,  /* inet_addr TEXT     (shows the conversion; TEXT may be bad) */
	V_INET_PTON,  /* inet_pton TEXT                                         */
	V_HTONS,      /* htons N   (0..65535)                                   */
	V_HTONL,      /* htonl N   (0..4294967295)                              */
	V_WAIT,       /* wait DURATION   (let the network run, e.g. retransmits) */
	V_SYSCTL,     /* SIDE sysctl net.NAME   (show a setting of the side's host) */
	V_INTERRUPT,  /* SIDE interrupt   (a signal: the blocked call returns -1 EINTR) */
	V_NONBLOCK,   /* SIDE nonblock on|off   (fcntl O_NONBLOCK on the socket; optval) */
	V_SELECT,     /* SIDE select [rd|wr|rdwr] [FD ...]   (select() over the program's sockets) */
	V_FORK,       /* SIDE fork   (the program forks: a child "server.1" with its descriptors) */
	V_NTOHS,      /* ntohs N   (0..65535)                                   */
	V_NTOHL,      /* ntohl N   (0..4294967295)                              */
	V_SAVE,       /* save lesson FILE | save! lesson FILE (the session so far as a lesson) */
	V_PREDICT,    /* predict [SIDE] state|local|remote|result|data "QUESTION" (predict.h) */
	V_FAMILIES,   /* SIDE families  (socket() of each family and type of the lecture's table) */
	V_JOURNEY,    /* SIDE journey   (the port's bytes: HOST1, TLI 1, TLI 2, HOST2, as the lecture's table) */
	V_SENDER,     /* SIDE sender    (ntohs/ntohl of the address recvfrom() or accept() filled in) */
	V_GETSOCKNAME, /* SIDE getsockname (the socket's own address, as the kernel fills it in) */
	V_GETPEERNAME, /* SIDE getpeername (its peer's address, as the kernel fills it in) */
	V_RUN,        /* SIDE run PROGRAM [ARG...]  (the user's own program, traced, stopped before a call) */
	V_NEXT,       /* SIDE next       (let the traced program make its call; stop before the next) */
	V_CONTINUE,   /* SIDE continue   (let it run until it blocks in a call or ends) */
	V_DETACH,     /* SIDE detach     (let it run on without stopping) */
	V_KILL,       /* SIDE kill       (end the traced program) */
	V_INPUT,      /* SIDE input "TEXT"  (to the traced program's standard input) */
	V_FAULT,      /* SIDE fault next recv short N | SIDE fault next CALL eintr|eagain|econnreset */
	V_COUNT_
};

enum wire_op { W_PASS, W_HOLD, W_STEP, W_DROP, W_DELAY, W_SAVE, W_STATUS };

enum sockopt_name { OPT_REUSEADDR };

/* expect lines: checked assertions (lessons, tests). */
enum expect_what {
	EX_STATE,    /* expect SIDE state NAME        TCP state or UNCONN/CONNECTED (UDP), CLOSED */
	EX_RESULT,   /* expect SIDE result N|ERRNAME  the side's last call: return value or errno */
	EX_LOCAL,    /* expect SIDE local IP|* PORT|*|LOW-HIGH                 */
	EX_REMOTE,   /* expect SIDE remote IP|?|* PORT|?|*                     */
	EX_DATA,     /* expect SIDE data "TEXT"       last bytes received on the side */
	EX_BLOCKED,  /* expect SIDE blocked yes|no    a call still waiting       */
	EX_SOCKADDR, /* expect sockaddr "02 00 03 E8 ..."  last sockaddr_in built */
	EX_WIRE_SAW, /* expect wire saw "TEXT"    a frame since the previous command has TEXT in its summary */
	EX_WIRE_HELD /* expect wire held N        frames waiting on the wire     */
};

/* The value of an expect: string forms keep wildcards ('*' any, '?' unknown). */
struct expect {
	enum expect_what what;
	char a[64]; /* state name, result text, IP, "yes"/"no", count */
	char b[16]; /* port (local/remote) */
};

/* Which socket a command acts on: a program of a side, and optionally one
 * descriptor. Programs: "client" is program 1 of the client side, "client2"
 * program 2, ...; "server.1" is the first child that "server fork" made. */
#define CMD_PROG_MAX 9   /* programs per side: client .. client9 */
#define CMD_CHILD_MAX 9  /* forked children per program: server.1 .. server.9 */
struct target {
	enum side side;
	int prog;  /* 1..CMD_PROG_MAX: "client" is 1, "client2" is 2 */
	int child; /* 0: the program itself; 1..CMD_CHILD_MAX: its forked child "server.N" */
	int fd;    /* -1: the program's default socket ("server"), else "server#4" */
};

/* socket(): the families and types of the lecture's table. tcp and udp are
 * what the rest of sockstep follows; the others are real socket() calls whose
 * result (a descriptor or an errno) is shown with a line on what they are for. */
struct sock_kind {
	const char *word;      /* as typed: "tcp", "udp", "unix", "inet6", "raw", ... */
	int domain, type, protocol;
	const char *c_domain, *c_type, *c_protocol; /* "PF_INET", "SOCK_STREAM", "IPPROTO_TCP" */
	enum proto proto;      /* PROTO_TCP, PROTO_UDP, or PROTO_NONE for the others */
	const char *purpose;   /* one line: what this family/type is for */
};

#define CMD_SEL_MAX 12 /* descriptors named in one select */
#define CMD_RUN_ARGS 32 /* arguments of "SIDE run PROGRAM ARG..." (a line has at most 40 words) */

struct cmd {
	enum verb verb;
	struct target t;
	enum proto proto;        /* socket, flood */
	const struct sock_kind *kind; /* socket: the family and type (never NULL after parsing socket) */
	bool sel_rd, sel_wr;     /* select: which sets (neither given: rd) */
	int sel_fd[CMD_SEL_MAX]; /* select: the descriptors named; sel_n 0: all the program's open sockets */
	size_t sel_n;
	char addr_text[CMD_ADDR_MAX]; /* the address as typed (validated): a dotted quad, or with the
				       * option inet_addr any form inet_addr() reads ("1.2.3", "0x7f.1") */
	struct in_addr addr;     /* network order */
	uint16_t port;           /* host order, as typed */
	enum conv conv;          /* bind/connect/sendto: inet_addr (default) or inet_pton */
	bool nohtons;            /* store the port without htons() (byte-order lesson) */
	int backlog;             /* listen */
	size_t maxlen;           /* recv/recvfrom */
	unsigned char data[CMD_DATA_MAX]; /* send/sendto payload, say text, expect text */
	size_t data_len;
	int how;                 /* shutdown: SHUT_RD, SHUT_WR, SHUT_RDWR */
	enum sockopt_name opt;   /* setsockopt */
	int optval;              /* setsockopt, nonblock: 1 on, 0 off */
	enum wire_op wop;        /* wire */
	enum fault_frame frame;  /* wire hold|drop next FRAME; FAULT_NONE: now, the oldest held */
	unsigned ms;             /* wire delay, wait: milliseconds */
	char path[CMD_PATH_MAX]; /* wire save, save lesson; sysctl name; run: the PROGRAM as typed */
	bool force;              /* save!: overwrite an existing file */
	unsigned long count;     /* flood; run: the number of ARGs (each NUL-terminated in data, data_len
				  * bytes in all); fault short: N, the most bytes the call returns */
	enum verb fault_call;    /* fault: the call whose next result changes (V_RECV, V_CONNECT, ...) */
	int fault_err;           /* fault: EINTR, EAGAIN or ECONNRESET; 0 for "short N" */
	uint32_t num;            /* htons/htonl argument */
	char text[CMD_LINE_MAX]; /* inet_addr/inet_pton argument exactly as typed */
	struct expect ex;
};

/* Parse one line. Returns 1 and fills *out for a command, 0 for a blank or
 * comment-only line, -EINVAL with one human line in err (no trailing newline)
 * for anything else. Never reads past the terminating NUL; never allocates. */
int cmd_parse(const char *line, struct cmd *out, char *err, size_t errlen);

/* A program word alone ("server", "client2", "server.1#4"), as a command
 * starts with one: 0 and *t filled, or -EINVAL with one line in err. */
int cmd_parse_target(const char *word, struct target *t, char *err, size_t errlen);

/* Canonical one-line text of a parsed command (for logs and handouts). */
void cmd_format(const struct cmd *c, char *buf, size_t len);

const char *cmd_verb_name(enum verb v);   /* "socket", "bind", ... */

/* Whether a parsed command acts on the network (a socket call, the wire, a
 * wait), so that batch mode lets the network settle after it; expect, say,
 * sysctl and the conversions do not. From the verb table (CMD_F_ACTS). */
bool cmd_acts(const struct cmd *c);

/* ---- the verb table ------------------------------------------------------
 * The whole language in one table, one row per enum verb: the parser, the
 * error lines' word lists, Tab completion, the help overlay, --help and
 * cmd_acts() all read it, so none of them can forget a verb. The man page's
 * COMMANDS list is checked against it by a test (tests/test_grammar.c). */

enum cmd_verb_flag {
	CMD_F_SIDE = 1u << 0, /* written after a program: "server bind ...", "client2 send ..." */
	CMD_F_ACTS = 1u << 1, /* acts on the network: batch and lessons let it settle after */
	CMD_F_ROW = 1u << 2,  /* a call that, when it succeeds, adds a row to the 5-tuple table */
	CMD_F_PANE = 1u << 3, /* what it does is drawn in the bottom pane: a sockaddr_in filled
			       * in, a frame on the ladder */
	CMD_F_CONV = 1u << 4, /* a conversion: one line of the conversions pane (the bottom pane) */
	CMD_F_CALL = 1u << 5, /* a socket call the program makes: it returns a result a lesson may predict */
};

#define CMD_FORMS_MAX 9 /* syntax lines of one verb (wire has nine) */
#define CMD_WORD_ARGS 5 /* arguments with completion words: sendto's options are the 4th and 5th */

/* One way of writing a command, as help shows it. A syntax starts with its
 * literal words ("SIDE bind", "expect wire held"); then upper case stands
 * for a value (IP, PORT, "TEXT"), [x] for an option and a|b for a choice. */
struct cmd_form {
	const char *syntax; /* "SIDE bind IP PORT [inet_addr|inet_pton] [nohtons]" */
	const char *help;   /* one short line: what it does */
};

struct cmd_ctx; /* the parser's own state and words (src/cmd_int.h) */
struct cmd_tok;

struct cmd_verb_info {
	const char *name;     /* the word typed: "bind" */
	enum verb verb;
	unsigned flags;       /* CMD_F_* */
	struct cmd_form forms[CMD_FORMS_MAX]; /* ended by a NULL syntax */
	int min, max;         /* argument words after the verb; max -1: the parse function counts */
	const char *needs;    /* for errors: "\"server bind\" needs an address and a port" */
	const char *example;  /* for errors, after the side: "bind 200.0.0.2 80" */
	const char *const *words[CMD_WORD_ARGS]; /* Tab completion of argument i; NULL: none */
	int (*parse)(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n); /* NULL: no arguments */
	const char *bang;     /* the word with a '!' that forces it ("save!": overwrite), or NULL */
};

/* The table, read-only, in the order help lists it; *n gets its length. */
const struct cmd_verb_info *cmd_verb_table(size_t *n);

/* The row of a verb (every enum verb has exactly one), NULL for V_COUNT_. */
const struct cmd_verb_info *cmd_verb_info(enum verb v);

/* Words valid after a given prefix of tokens, for Tab completion: fills up to
 * max words into out (pointers to static strings), returns how many. */
int cmd_complete(const char *prefix, const char **out, int max);

/* The argv of "SIDE run": argv[0] the PROGRAM as typed, then its ARGs, then
 * NULL; the pointers point into c. Returns argc, -EINVAL when c is no run,
 * -E2BIG when max (entries, the NULL included) is too small. */
int cmd_run_argv(const struct cmd *c, const char **argv, int max);

/* Parse a duration: "300", "300ms", "2s", "1.5s". 0 or -EINVAL. */
int cmd_parse_ms(const char *s, unsigned *ms);

#endif
