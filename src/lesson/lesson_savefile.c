/* lesson_savefile.c - "save lesson FILE": a session's lesson text
 * (lesson_save.c) written to a file with the user's rights. */
#include "lesson_savefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "fdutil.h"
#include "lesson.h"
#include "priv.h"
#include "text.h"

/* Write all of text to fd; 0 or negative errno. */
static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t w = write(fd, text, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		text += w;
		len -= (size_t)w;
	}
	return 0;
}

int lesson_save_file(const char *path, bool force, const struct session *log, const struct lesson_save_in *from,
		     char *msg, size_t len)
{
	const char *verb = force ? "save! lesson" : "save lesson";
	char name[LESSON_NAME_MAX];
	size_t pl = strlen(path);
	if (pl < 8 || strcmp(path + pl - 7, ".lesson") || path[pl - 8] == '/' ||
	    lesson_name_of(path, name, sizeof(name)) < 0) {
		snprintf(msg, len, "%s \"%s\": expected a file name ending in .lesson (NAME up to %d characters), "
			 "so that --lesson FILE reads it back; nothing was written", verb, tesc(path), LESSON_NAME_MAX - 1);
		return -EINVAL;
	}
	/* The text first: nothing is opened, let alone written, for a session
	 * that cannot be saved. */
	struct lesson_save_in in = *from;
	in.name = name;
	char *text, why[CMD_ERR_MAX];
	int r = lesson_save_text(log, &in, &text, why, sizeof(why));
	if (r < 0) {
		snprintf(msg, len, "%s: %s", verb, why);
		return r;
	}
	/* With the user's rights (priv.h); never over an existing file unless
	 * forced, and even then only over a regular file that is not in use. */
	int fd = priv_open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY | (force ? 0 : O_EXCL), 0644);
	if (fd == -EEXIST) {
		snprintf(msg, len, "%s: \"%s\" exists; expected a new file name, or save! lesson %s to overwrite it",
			 verb, tesc(path), tesc(path));
		free(text);
		return -EEXIST;
	}
	struct stat st;
	if (fd == -ENXIO && stat(path, &st) == 0 && S_ISFIFO(st.st_mode)) { /* a FIFO nobody reads */
		snprintf(msg, len, "%s: \"%s\" is a FIFO; expected a regular file (it was left as it was)", verb,
			 tesc(path));
		free(text);
		return -EINVAL;
	}
	if (fd == -EACCES || fd == -EPERM) { /* who was refused, before a narrow line cuts it */
		snprintf(msg, len, "%s: %s may not write \"%s\": %s (%s); nothing was written", verb, priv_who(),
			 tesc(path), strerror(-fd), errno_name(-fd));
		free(text);
		return fd;
	}
	if (fd < 0) {
		snprintf(msg, len, "%s: cannot write \"%s\": %s (%s); nothing was written", verb, tesc(path),
			 strerror(-fd), errno_name(-fd));
		free(text);
		return fd;
	}
	const char *same = priv_same_file(fd);
	if (same) {
		snprintf(msg, len, "%s: \"%s\" is the same file as %s; expected another file (it was left as it was)",
			 verb, tesc(path), same);
		close(fd);
		free(text);
		return -EINVAL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(msg, len, "%s: \"%s\" is %s; expected a regular file (it was left as it was)", verb,
			 tesc(path), fd_kind(st.st_mode));
		close(fd);
		free(text);
		return -EINVAL;
	}
	if (force && ftruncate(fd, 0) < 0) {
		int e = errno;
		snprintf(msg, len, "%s: cannot empty \"%s\": %s (%s)", verb, tesc(path), strerror(e), errno_name(e));
		close(fd);
		free(text);
		return -e;
	}
	size_t tl = strlen(text);
	r = write_all(fd, text, tl);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	int steps = 0;
	for (const char *p = text; (p = strstr(p, "\nstep: ")); p++)
		steps++;
	free(text);
	if (r < 0) {
		if (!force)
			unlink(path); /* ours, and half written: gone, as nothing was saved */
		snprintf(msg, len, "%s: writing \"%s\" failed: %s (%s)", verb, tesc(path), strerror(-r), errno_name(-r));
		return r;
	}
	snprintf(msg, len, "saved %d step%s to %s; replay: sockstep --batch --lesson %s", steps,
		 steps == 1 ? "" : "s", tesc(path), tesc(path));
	return 0;
}

int lesson_save_app(const struct app *a, const char *path, bool force, char *msg, size_t len)
{
	struct lesson_save_in from = {
		.net = a->lab.mode == NET_LAB ? "lab" : a->lab.mode == NET_LOOPBACK ? "loopback" : NULL,
		.lesson = a->lesson,
		.lesson_steps = a->lesson_steps,
	};
	return lesson_save_file(path, force, &a->log, &from, msg, len);
}
