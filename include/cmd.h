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

#define CMD_LINE_MAX 4096 /* longest accepted line, bytes, without the newline */
#define CMD_DATA_MAX 2048 /* longest payload of send/sendto/say/expect text */
#define CMD_PATH_MAX 1024
#define CMD_ERR_MAX 256   /* room for one error line */

enum side { SIDE_NONE = 0, SIDE_SERVER, SIDE_CLIENT };
enum proto { PROTO_NONE = 0, PROTO_TCP, PROTO_UDP };

enum verb {
	V_SOCKET,     /* SIDE socket tcp|udp                                    */
	V_BIND,       /* SIDE bind IP PORT [inet_pton] [nohtons]                 */
	V_LISTEN,     /* SIDE listen [BACKLOG]          (default 5)              */
	V_ACCEPT,     /* SIDE accept                                            */
	V_CONNECT,    /* SIDE connect IP PORT [inet_pton] [nohtons]              */
	V_SEND,       /* SIDE send "TEXT"                                       */
	V_RECV,       /* SIDE recv [MAXBYTES]           (default 1024)           */
	V_SENDTO,     /* SIDE sendto IP PORT "TEXT" [inet_pton] [nohtons]        */
	V_RECVFROM,   /* SIDE recvfrom [MAXBYTES]                               */
	V_SHUTDOWN,   /* SIDE shutdown rd|wr|both                               */
	V_CLOSE,      /* SIDE close                                             */
	V_SETSOCKOPT, /* SIDE setsockopt reuseaddr on|off                       */
	V_FLOOD,      /* SIDE flood COUNT udp IP PORT                           */
	V_WIRE,       /* wire pass|hold|step|drop|delay DURATION|save FILE|status */
	V_SAY,        /* say "TEXT"                                             */
	V_EXPECT,     /* expect ...                    (see enum expect_what)    */
	V_INET_ADDR,  /* inet_addr TEXT     (shows the conversion; TEXT may be bad) */
	V_INET_PTON,  /* inet_pton TEXT                                         */
	V_HTONS,      /* htons N   (0..65535)                                   */
	V_HTONL,      /* htonl N   (0..4294967295)                              */
	V_WAIT,       /* wait DURATION   (let the network run, e.g. retransmits) */
	V_SYSCTL,     /* SIDE sysctl net.NAME   (show a setting of the side's host) */
	V_COUNT_
};

/* How a textual IPv4 address becomes sin_addr: the lecture uses inet_addr. */
enum conv { CONV_INET_ADDR = 0, CONV_INET_PTON };

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

/* Which socket a command acts on: a side, and optionally one descriptor. */
struct target {
	enum side side;
	int fd; /* -1: the side's most recent socket ("server"), else "server#4" */
};

struct cmd {
	enum verb verb;
	struct target t;
	enum proto proto;        /* socket, flood */
	char addr_text[16];      /* dotted quad as typed (validated) */
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
	int optval;
	enum wire_op wop;        /* wire */
	unsigned ms;             /* wire delay, wait: milliseconds */
	char path[CMD_PATH_MAX]; /* wire save; sysctl name */
	unsigned long count;     /* flood */
	uint32_t num;            /* htons/htonl argument */
	char text[CMD_LINE_MAX]; /* inet_addr/inet_pton argument exactly as typed */
	struct expect ex;
};

/* Parse one line. Returns 1 and fills *out for a command, 0 for a blank or
 * comment-only line, -EINVAL with one human line in err (no trailing newline)
 * for anything else. Never reads past the terminating NUL; never allocates. */
int cmd_parse(const char *line, struct cmd *out, char *err, size_t errlen);

/* Canonical one-line text of a parsed command (for logs and handouts). */
void cmd_format(const struct cmd *c, char *buf, size_t len);

const char *cmd_verb_name(enum verb v);   /* "socket", "bind", ... */
const char *side_name(enum side s);       /* "server", "client", "" */
const char *proto_name(enum proto p);     /* "TCP", "UDP", "" */

/* Words valid after a given prefix of tokens, for Tab completion: fills up to
 * max words into out (pointers to static strings), returns how many. */
int cmd_complete(const char *prefix, const char **out, int max);

/* Parse a duration: "300", "300ms", "2s", "1.5s". 0 or -EINVAL. */
int cmd_parse_ms(const char *s, unsigned *ms);

#endif
