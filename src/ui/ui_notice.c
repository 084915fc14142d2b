/* ui_notice.c - the narration line's notice and the --log diagnostics: the
 * lowest UI file, which every other may call (ui_notice.h). */
#include "ui_notice.h"
#include "ui_pane.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "text.h"

void ui_notice(struct ui *u, bool warn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->notice, sizeof(u->notice), fmt, ap);
	va_end(ap);
	u->notice_warn = warn;
	u->notice_at = u->a->log.n;
}

/* An output cut short while the screen is up (out_lost: a capture file's
 * reader that does not keep up or went away): on the status line, and in the log. */
void ui_notice_lost(void *ctx, const char *line)
{
	ui_notice(ctx, true, "%s", line);
	ui_log("%s", line);
}

/* ---- diagnostics ------------------------------------------------------- */

static FILE *log_file;
static bool own_log; /* opened here from log_path: closed here too */
static unsigned long log_dropped; /* lines a slow reader of the log had no room for */
static bool log_gone;             /* the log failed (its reader went away): no more lines */

/* Write one whole line to the log, or nothing: a FIFO's or a pipe's reader
 * that does not keep up must not freeze the screen (the descriptor is
 * non-blocking, see ui_run), and a line cut in two would be worse than one
 * left out. Lines up to PIPE_BUF go into a pipe whole or not at all. */
static bool log_line(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fileno(log_file), p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (w < 0) {
			out_write_error("the --log file", errno);
			log_gone = true;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* One line: the message quotes what the user typed (commands, lesson
 * names, errors), so it is written escaped (text.h), as on a terminal: a log
 * is read with cat and tail -f. A log that cannot be written is said at exit;
 * lines a slow reader had no room for are counted in the next line. */
void ui_log(const char *fmt, ...)
{
	if (!log_file || log_gone)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char *msg = NULL, *line = NULL;
	size_t len = 0;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	FILE *m = open_memstream(&line, &len);
	if (m) {
		fprintf(m, "%lld.%03ld ", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
		if (log_dropped)
			fprintf(m, "(%lu line%s left out: the log's reader did not keep up) ", log_dropped,
				log_dropped == 1 ? "" : "s");
		text_fputs(n < 0 ? "(out of memory)" : msg, m);
		fclose(m);
	}
	free(n < 0 ? NULL : msg);
	if (!line)
		return;
	if (len > PIPE_BUF - 1) { /* cut where a UTF-8 character begins */
		len = PIPE_BUF - 1;
		while (len && ((unsigned char)line[len] & 0xC0) == 0x80)
			len--;
	}
	line[len++] = '\n';
	if (log_line(line, len))
		log_dropped = 0;
	else if (!log_gone)
		log_dropped++;
	free(line);
}

int ui_log_open(FILE *given, const char *path)
{
	own_log = false;
	if (given) {
		log_file = given;
	} else if (path) {
		own_log = true;
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0 || !(log_file = fdopen(fd, "a"))) {
			fprintf(stderr, "sockstep: cannot open --log \"%s\": %s\n", tesc(path), strerror(errno));
			if (fd >= 0)
				close(fd);
			log_file = NULL;
			return 2;
		}
	}
	/* A FIFO or a pipe: written without blocking (ui_log). */
	struct stat lst;
	log_dropped = 0;
	log_gone = false;
	if (log_file && fstat(fileno(log_file), &lst) == 0 && !S_ISREG(lst.st_mode))
		fcntl(fileno(log_file), F_SETFL, fcntl(fileno(log_file), F_GETFL) | O_NONBLOCK);
	return 0;
}

FILE *ui_log_stream(void)
{
	return log_file;
}

void ui_log_close(void)
{
	if (!log_file)
		return;
	ui_log("curses stopped");
	if (own_log)
		fclose(log_file);
	log_file = NULL;
}
