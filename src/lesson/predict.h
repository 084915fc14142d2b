/* predict.h - predict, then reveal: the kernel is the answer key. Pure: it
 * reads the session log and compares text; no I/O.
 *
 * A lesson asks before a command: `predict client local "Which port?"`
 * (the engine logs it as EV_PREDICT). The answer is never stored: it is what
 * the next command really did, read from the log after it ran:
 *   state   the side's socket state in its newest 5-tuple row (EV_ROW)
 *   local   LOCAL-IP and LOCAL-PORT of that row
 *   remote  REMOTE-IP and REMOTE-PORT of that row
 *   result  the side's call's return value or errno name (EV_CALL); with no
 *           side, the bytes in memory of a conversion: "htons 1000" -> 03 E8
 *   data    what recv/recvfrom filled in: the text, and for recvfrom the
 *           source address (EV_DATA)
 * A guess is right when it says the same thing: states case-insensitively
 * with ss's aliases (ESTAB), addresses as "IP PORT" or "IP:PORT", results as
 * the number or the errno name, bytes with or without blanks. A port the
 * kernel chose (ephemeral: not given to bind) is right when the guess says
 * "random", "ephemeral" (e.g. "random above 32767"), or gives a range LOW-HIGH
 * that holds it, such as the host's net.ipv4.ip_local_port_range. */
#ifndef SOCKSTEP_PREDICT_H
#define SOCKSTEP_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "cmd.h"
#include "decode.h"
#include "session.h"

struct predict_answer {
	enum expect_what what;    /* EX_STATE, EX_LOCAL, EX_REMOTE, EX_RESULT or EX_DATA */
	char value[160];          /* the answer as the reveal shows it: "ESTABLISHED", "100.0.0.1 40312" */
	char ip[16], port[8];     /* local/remote: the columns; data: the source of recvfrom ("" for recv) */
	char text[CMD_DATA_MAX + 16]; /* data: the payload as logged (escaped), without quotes */
	bool ephemeral;           /* local: the kernel chose the port */
	bool tcp;                 /* state: of a TCP socket */
	bool bytes;               /* result: the bytes of a conversion (no side) */
};

/* "state", "local", "remote", "result", "data" ("?" for anything else). */
const char *predict_field_name(enum expect_what w);

/* The answer to the question logged at absolute index q (an EV_PREDICT),
 * from the command after it: the first command that is not an expect, say or
 * predict, and the events up to the command after that (or the log's end).
 * lo-hi: the host's ephemeral port range (0 0: unknown), to tell a port the
 * kernel chose. Returns 0, -ENOENT when that command has not run yet or left
 * no such value (a recv that is still blocked), -EINVAL when q is no
 * question. */
int predict_answer(const struct session *s, size_t q, unsigned lo, unsigned hi, struct predict_answer *out);

/* Is the guess right? lo-hi as above: "32768-60999" is right for an
 * ephemeral port in it. */
bool predict_check(const struct predict_answer *a, const char *guess, unsigned lo, unsigned hi);

/* The same, and why when the guess is a range of ports (why may be NULL):
 * the kernel picks an ephemeral port from its own range (lo-hi, Linux's
 * net.ipv4.ip_local_port_range), so IANA's 49152-65535, the range a lecture
 * teaches, is wrong with its reason even when it happens to hold the port;
 * another range is right when it holds the port, its why naming the
 * kernel's range. */
bool predict_judge(const struct predict_answer *a, const char *guess, unsigned lo, unsigned hi, char *why,
		   size_t wl);

/* "R of S predicted": a skipped question (revealed without a guess) is not
 * scored; the skips are said after the score. buf is "" when there was no
 * question. */
void predict_score(int right, int wrong, int skipped, char *buf, size_t len);

/* ---- worksheets: the answers hidden until the answer key --------------
 *
 * A printed worksheet hides exactly the answer, '?'s of the same width so
 * that columns stay where they were: in the question's own step, the answer
 * cells of the question's row (predict_hide_row), the result of its call,
 * what its recv filled in, and the same values in the step's frames and in
 * a bytes answer's sockaddr; in that step and every later one, the words
 * that state it in narration and notes. What the student typed (the
 * commands, the sockaddr a bind or sendto fills, the other rows) is never
 * hidden. */
struct predict_hide {
	struct predict_answer ans;
	enum side side;      /* the question's program */
	int prog, child, fd; /* fd < 0: any socket of it */
	bool in_step;        /* the question's own step (else: narration and notes only) */
};

/* Mask in text, as printed for ev (NULL: a narration line), what h hides. */
void predict_hide_text(const struct predict_hide *h, const struct event *ev, char *text);

/* Blank the cells of r (a copy of an EV_ROW's row) that hold the answer, if
 * it is a row of the question's program in its step: the STEP5 row's CLOSED
 * stays when the question is the state after connect(). */
void predict_hide_row(const struct predict_hide *h, struct tuple_row *r);

/* Every whole word of text that states the answer, masked (state, address
 * and port, "data", errno name, bytes in either order); an address's and a
 * port's bytes too, as the tables print them ("23 28", "28 23",
 * "64 00 00 01", "0x64000001"): they say the same number. */
void predict_mask_words(char *text, const struct predict_answer *a);

/* The bytes of a frame (p, caplen captured) that hold the answer, for its
 * hex dump: the decoder's fields (r->field) whose value it is, never a
 * search of the whole frame. local: a port field holding the port; remote
 * and data: the address and port fields holding them, and data's payload
 * when it is the text; a conversion's bytes: a field of their width
 * holding them. Flags hide[i] (caplen flags; set, never cleared, so that
 * several questions add up). Returns how many bytes it flagged. */
size_t predict_hide_frame(const struct predict_answer *a, const struct dec_result *r, const uint8_t *p,
			  size_t caplen, uint8_t *hide);

/* ---- a lesson's questions, checked when it is loaded (lesson.c) --------
 *
 * A question that no run can answer would load, and be printed as a blank
 * on every worksheet; the lesson is refused instead, naming the question's
 * line. lesson.c hands over the lesson's commands in order; the question
 * is about the next command that is not an expect, say or predict (as
 * predict_answer reads it), and that command must be able to give what the
 * question reads:
 *   state, local, remote  the program has a socket by the end of it (its
 *                         5-tuple row), and it is not a conversion or a
 *                         sysctl, which change nothing in the table
 *   result (a side)       a call of that program, on a socket it already has
 *                         (or socket() itself); or any other command while the
 *                         program may still wait in accept, connect, recv,
 *                         recvfrom, select or send
 *   result (no side)      htons or htonl: the bytes they store
 *   data                  a recv or recvfrom of that program; or any other
 *                         command while it may still wait in one
 * and a question needs a command after it. What a run decides (a call
 * that fails, a recv that returns before the data is sent) is not judged. */
#define PREDICT_LINT_MAX 32 /* questions in a row before the command they ask about */

struct predict_lint {
	struct {
		struct target t;
		enum expect_what what;
		unsigned line;
	} q[PREDICT_LINT_MAX];         /* the questions waiting for their command */
	size_t nq;
	bool sock[3][CMD_PROG_MAX + 1];  /* [side][prog]: a socket command seen */
	unsigned char wait[3][CMD_PROG_MAX + 1][CMD_CHILD_MAX + 1]; /* its last call may block: 1, in a receive: 2 */
};

/* The lesson's next command c, on line line (a zeroed predict_lint before the
 * first). Returns 0, or -EINVAL with *qline the line of the question that can
 * never be answered and why it cannot, in one line, in why. */
int predict_lint_next(struct predict_lint *pl, const struct cmd *c, unsigned line, unsigned *qline, char *why,
		      size_t len);

/* The lesson's end: a question with no command after it is refused alike. */
int predict_lint_end(const struct predict_lint *pl, unsigned *qline, char *why, size_t len);

#endif
