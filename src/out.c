/* out.c - standard output and error, checked and safe (see out.h). */
#include "out.h"

#include <errno.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"
#include "text.h"

/* Write errors seen so far, said at exit: one per target. */
#define OUT_ERRORS 4
struct out_error {
	const char *what; /* a literal: kept until exit */
	int err;
};
static struct out_error errors[OUT_ERRORS];
static int nerrors;
static bool stdout_failed;

void out_write_error(const char *what, int err)
{
	for (int i = 0; i < nerrors; i++)
		if (!strcmp(errors[i].what, what))
			return;
	if (nerrors < OUT_ERRORS)
		errors[nerrors++] = (struct out_error){ what, err ? err : EIO };
}

static void stdout_error(int err)
{
	stdout_failed = true;
	out_write_error("standard output", err);
}

int out_flush(FILE *f)
{
	errno = 0;
	int r = fflush(f);
	if (r == 0 && !ferror(f))
		return 0;
	if (f == stdout)
		stdout_error(errno); /* ferror without a failed fflush: an earlier write, errno unknown (EIO) */
	return -1;
}

bool out_stopped(void)
{
	return stdout_failed;
}

/* ---- stderr: escaped on its way out ------------------------------------ */

/* The bytes of a UTF-8 character cut at the end of one write, kept for the next. */
struct err_state {
	char carry[4];
	size_t ncarry;
};

static int write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A valid start of a UTF-8 character that the buffer cuts short. */
static bool cut_short(const unsigned char *p, size_t n)
{
	size_t need = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		    : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	if (n >= need)
		return false;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return false;
	return true;
}

/* Escape p[0..n) into fd 2: controls (but newline and tab), C1 and invalid
 * UTF-8 as \xNN. With final unset, a character cut short at the end is kept. */
static int escape_out(struct err_state *st, const char *p, size_t n, bool final)
{
	char out[1024];
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t t = text_printable_len(p + i, n - i);
		if (!t && !final && cut_short((const unsigned char *)p + i, n - i)) {
			memcpy(st->carry, p + i, n - i);
			st->ncarry = n - i;
			break;
		}
		if (o + 4 > sizeof(out)) {
			if (write_all(out, o) < 0)
				return -1;
			o = 0;
		}
		if (t) {
			memcpy(out + o, p + i, t);
			o += t;
			i += t;
		} else if (p[i] == '\n' || p[i] == '\t') {
			out[o++] = p[i++];
		} else {
			o += (size_t)snprintf(out + o, 5, "\\x%02x", (unsigned char)p[i++]);
		}
	}
	return write_all(out, o);
}

static ssize_t err_write(void *cookie, const char *buf, size_t size)
{
	struct err_state *st = cookie;
	size_t taken = 0;
	if (st->ncarry) { /* complete the cut character first */
		char c[8];
		size_t k = st->ncarry;
		memcpy(c, st->carry, k);
		while (k < 4 && taken < size && ((unsigned char)buf[taken] & 0xc0) == 0x80)
			c[k++] = buf[taken++];
		st->ncarry = 0;
		size_t t = text_printable_len(c, k);
		if (!t && k < 4 && taken == size && cut_short((unsigned char *)c, k)) {
			memcpy(st->carry, c, k); /* still cut short */
			st->ncarry = k;
			return (ssize_t)size;
		}
		if (escape_out(st, c, k, true) < 0)
			return -1;
	}
	if (escape_out(st, buf + taken, size - taken, false) < 0)
		return -1;
	return (ssize_t)size;
}

static int err_close(void *cookie)
{
	struct err_state *st = cookie;
	int r = st->ncarry ? escape_out(st, st->carry, st->ncarry, true) : 0;
	st->ncarry = 0;
	return r;
}

static struct err_state err_st;

static void escape_stderr(void)
{
#ifdef __GLIBC__ /* glibc's stderr can be replaced; elsewhere the callers' escaping stays */
	FILE *f = fopencookie(&err_st, "w", (cookie_io_functions_t){ .write = err_write, .close = err_close });
	if (!f)
		return;
	setvbuf(f, NULL, _IONBF, 0); /* as stderr: every message out at once */
	stderr = f;
#endif
}

/* ---- at exit: close_stdout ------------------------------------------- */

static void at_exit(void)
{
	/* Close stdout as close_stdout does: a closed descriptor with nothing
	 * left to write is no error. */
	bool pending = __fpending(stdout) > 0, was_bad = ferror(stdout);
	errno = 0;
	if (fclose(stdout) != 0 && (was_bad || pending || errno != EBADF))
		stdout_error(errno);
	else if (was_bad)
		stdout_error(0);
	for (int i = 0; i < nerrors; i++)
		fprintf(stderr, "sockstep: write error: %s: %s (%s)\n", errors[i].what, strerror(errors[i].err),
			errno_name(errors[i].err));
	bool err_bad = fflush(stderr) != 0 || ferror(stderr) || err_close(&err_st) < 0;
	if (nerrors || err_bad)
		_exit(EXIT_FAILURE);
}

void out_init(void)
{
	escape_stderr();
	atexit(at_exit);
}
