/* out.c - standard output and error, checked and safe (see out.h). */
#include "out.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "names.h"
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

/* out_lost: lines shown on the screen, said again at exit. */
#define OUT_LOST_KEEP 4
static char lost_lines[OUT_LOST_KEEP][512];
static int nlost_lines;
static bool lost_any;
static out_notice_fn *notice_fn;
static void *notice_ctx;

void out_set_notice(out_notice_fn *fn, void *ctx)
{
	notice_fn = fn;
	notice_ctx = ctx;
}

void out_lost(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	lost_any = true;
	if (!notice_fn) {
		fprintf(stderr, "sockstep: %s\n", line);
		return;
	}
	notice_fn(notice_ctx, line);
	if (nlost_lines < OUT_LOST_KEEP)
		memcpy(lost_lines[nlost_lines++], line, sizeof(line));
}

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

static int write_all(void *ctx, const char *p, size_t n)
{
	(void)ctx;
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

static ssize_t err_write(void *cookie, const char *buf, size_t size)
{
	return text_stream(cookie, buf, size, 0, write_all, NULL) < 0 ? -1 : (ssize_t)size;
}

/* What is left at exit: a character still cut short is shown as \xNN. */
static int err_close(void *cookie)
{
	return text_stream(cookie, "", 0, 1, write_all, NULL);
}

static struct text_stream err_st;

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
	for (int i = 0; i < nlost_lines; i++)
		fprintf(stderr, "sockstep: %s\n", lost_lines[i]);
	for (int i = 0; i < nerrors; i++)
		fprintf(stderr, "sockstep: write error: %s: %s (%s)\n", errors[i].what, strerror(errors[i].err),
			errno_name(errors[i].err));
	bool err_bad = fflush(stderr) != 0 || ferror(stderr) || err_close(&err_st) < 0;
	if (nerrors || lost_any || err_bad)
		_exit(EXIT_FAILURE);
}

void out_init(void)
{
	escape_stderr();
	atexit(at_exit);
}
