/* cmd_int.h - what the rooms of the command language share (not public:
 * cmd.h is the API). The rooms, each with one job:
 *
 *   cmd_lex.c       a line into words: quoting, escapes, and the error line
 *                   (with its escaped words, "did you mean" and word lists)
 *   cmd_args.c      the values inside a command: numbers, ports, addresses,
 *                   durations, text, and the program ("server", "client2#4")
 *   cmd_verbs.c     the verb table and each verb's argument parser
 *   cmd_expect.c    what expect can check and predict can ask: one table
 *   cmd_parse.c     cmd_parse: a line's words to the verb's row and its parser
 *   cmd_format.c    cmd_format: a parsed command back to its canonical line
 *   cmd_complete.c  cmd_complete: Tab, from the verb and check tables
 *
 * Calls run one way: parse, format and complete read verbs and expect,
 * which read args, which reads lex. Nothing here allocates or does I/O. */
#ifndef SOCKSTEP_CMD_INT_H
#define SOCKSTEP_CMD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"

#define TOK_MAX 40    /* more words than any command takes (run: CMD_RUN_ARGS); extra ones are only counted */
#define SHOW_MAX 40   /* longest token echoed in an error message */
#define EXAMPLE_IP "200.0.0.2"

/* ---- cmd_lex.c: words and the error line ---------------------------------- */

struct cmd_tok {
	const char *s;    /* unescaped text, NUL-terminated (may hold inner NULs from \0) */
	size_t len;
	bool quoted;
	size_t start;     /* byte offset in the line, quote included: say keeps the raw span */
};

struct toks {
	struct cmd_tok v[TOK_MAX];
	size_t n;         /* words seen; only the first TOK_MAX are stored */
	size_t last_end;  /* end offset of the last word, stored or not */
	char store[CMD_LINE_MAX + TOK_MAX + 1]; /* unescaped words: at most the line plus NULs */
	size_t used;
};

/* Parser state shared by the small functions of every room: where errors
 * go, and the words of the command as typed, for messages ("server bind"). */
struct cmd_ctx {
	char *err;
	size_t errlen;
	struct toks tk;
	char who[96];     /* the command as typed so far, e.g. "server#4 bind" */
	char side[32];    /* the side word as typed, for examples, e.g. "server" */
	const char *line; /* the whole line: say keeps its text as typed */
};

/* A word as shown inside an error: escaped so the message stays one line, and
 * cut short so a 4000-byte token cannot crowd out the explanation. */
struct shown {
	char s[SHOW_MAX + 8];
};

/* "a, b or c" */
struct list {
	char s[288];
};

/* A verb's (or a check's) argument parser: a[0..n) are the words after it. */
typedef int (*parse_fn)(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n);

struct shown cmd_show_bytes(const char *s, size_t n);
struct shown cmd_show(const struct cmd_tok *t);
/* One error line into x->err; always -EINVAL. */
__attribute__((format(printf, 2, 3)))
int cmd_fail(struct cmd_ctx *x, const char *fmt, ...);
bool cmd_blank(char ch);
int cmd_hexval(char ch);            /* 0-15, or -1 for no hex digit */
/* Split line[0..len) into x->tk; 0 or -EINVAL with the error line. */
int cmd_lex(struct cmd_ctx *x, const char *line, size_t len);
bool cmd_tok_is(const struct cmd_tok *t, const char *word);
/* "; did you mean "bind"?" when one of words is close to t, else "". */
struct shown cmd_suggest(const struct cmd_tok *t, const char *const *words);
struct list cmd_join(const char *const *words);
/* The index of t in the NULL-terminated words, or -1. */
int cmd_lookup(const struct cmd_tok *t, const char *const *words);

/* ---- cmd_args.c: values ----------------------------------------------------- */

/* How an address of bind, connect and sendto is read: strictly unless the
 * user asked for inet_addr by name (the lesson is then inet_addr itself). */
enum ip_mode {
	IP_STRICT,    /* flood, expect: a dotted quad */
	IP_HINT,      /* bind, connect, sendto: a dotted quad; the error says what inet_addr would read */
	IP_INET_ADDR, /* "... inet_addr": whatever inet_addr() reads */
};

/* The options of bind, connect and sendto: inet_addr, inet_pton, nohtons. */
extern const char *const conv_words[];

bool parse_dec(const char *s, size_t n, unsigned long max, unsigned long *v);
bool parse_num(const char *s, size_t n, unsigned long max, unsigned long *v);
int want_number(struct cmd_ctx *x, const struct cmd_tok *t, const char *what, unsigned long lo,
		unsigned long hi, unsigned long *v);
int want_port(struct cmd_ctx *x, const struct cmd_tok *t, uint16_t *port);
int want_ip(struct cmd_ctx *x, const struct cmd_tok *t, struct in_addr *out);
int want_ip_port(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *ip, const struct cmd_tok *port,
		 enum ip_mode mode);
int want_ms(struct cmd_ctx *x, const struct cmd_tok *t, unsigned *ms);
int want_data(struct cmd_ctx *x, struct cmd *c, const char *s, size_t n);
int want_text(struct cmd_ctx *x, const struct cmd_tok *t, char *dst, size_t size, const char *what);
int want_count(struct cmd_ctx *x, size_t n, const struct cmd_tok *args, int min, int max, const char *needs,
	       const char *example);
int parse_conv(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n);

/* A program word ("server", "client2.1#4"): 1 for a side (tg filled), 0 for
 * any other word, SIDE_BAD_PROG or SIDE_BAD_FD. No messages: completion
 * uses it too. parse_side is the same with the error line. */
enum { SIDE_BAD_PROG = -1, SIDE_BAD_FD = -2 };
int match_side(const char *w, size_t len, struct target *tg);
int parse_side(struct cmd_ctx *x, const struct cmd_tok *t, struct target *tg);
/* x->who = the first n words, as errors quote the command. */
void set_who(struct cmd_ctx *x, const struct cmd_tok *a, size_t n);

/* ---- cmd_verbs.c: the verb table --------------------------------------------- */

extern const char *const wire_words[]; /* enum wire_op's words, in order */

/* The words of one kind of verb (side or top level), NULL-terminated, for
 * errors and completion: made from the table, never written twice. */
struct verb_words {
	const char *w[2 * V_COUNT_ + 3];
};
struct verb_words verb_words(bool side, bool with_sides);
/* The row of a verb word; *bang (when not NULL) tells whether it was the
 * forcing form ("save!"). */
const struct cmd_verb_info *find_verb_bang(const struct cmd_tok *t, bool side, bool *bang);
const struct cmd_verb_info *find_verb(const struct cmd_tok *t, bool side);
/* The word of a fault's call (V_RECV: "recv"), "?" for a verb no fault takes. */
const char *cmd_fault_call_word(enum verb v);

/* ---- cmd_expect.c: what can be checked or predicted ------------------------- */

/* The checks after a first word: "S" (any program: "expect client2 ..."),
 * "wire", or "" for the checks that are their own first word ("sockaddr");
 * pred: only those a prediction may ask (with a side, or bare for "").
 * Fills buf with the NULL-terminated names; returns buf. */
#define CMD_CHECKS_MAX 12
const char *const *cmd_check_words(const char *after, bool pred, const char **buf);
/* The completion words of a check's value ("yes no" after blocked), NULL: none. */
const char *const *cmd_check_values(const char *after, const struct cmd_tok *name);
const char *cmd_check_name(enum expect_what w); /* "state", ..., "?" */
int p_expect(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n);
int p_predict(struct cmd_ctx *x, struct cmd *c, const struct cmd_tok *a, size_t n);

#endif
