/* lesson_run.c - finding, loading, listing and running lessons (see lesson_run.h). */
#include "lesson_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "config.h"

#define MAX_DIRS 16
#define MAX_LESSONS 256

/* ---- where lessons are ------------------------------------------------ */

int lesson_dirs(const char **dirs, int max)
{
	static char env[4096];
	int n = 0;
	const char *e = getenv("SOCKSTEP_LESSONS");
	if (e && *e) {
		snprintf(env, sizeof(env), "%s", e);
		for (char *save = NULL, *d = strtok_r(env, ":", &save); d && n < max; d = strtok_r(NULL, ":", &save))
			dirs[n++] = d;
	}
#ifdef SOCKSTEP_SRC_LESSONDIR
	if (n < max)
		dirs[n++] = SOCKSTEP_SRC_LESSONDIR;
#endif
	if (n < max)
		dirs[n++] = SOCKSTEP_LESSONDIR;
	return n;
}

/* A name with a '/' or ending in ".lesson" is a path, not a name to look up. */
static bool is_path(const char *s)
{
	size_t n = strlen(s);
	return strchr(s, '/') || (n >= 7 && !strcmp(s + n - 7, ".lesson"));
}

struct found {
	char name[LESSON_NAME_MAX];
	char path[CMD_PATH_MAX];
};

static int by_name(const void *x, const void *y)
{
	return strcmp(((const struct found *)x)->name, ((const struct found *)y)->name);
}

/* Every NAME.lesson in the search path, the first of each name only, sorted.
 * Returns how many (at most max). */
static int find_all(struct found *f, int max)
{
	const char *dirs[MAX_DIRS];
	int nd = lesson_dirs(dirs, MAX_DIRS), n = 0;
	for (int i = 0; i < nd; i++) {
		DIR *d = opendir(dirs[i]);
		if (!d)
			continue; /* a missing directory is normal (not installed, no source tree) */
		struct dirent *de;
		while ((de = readdir(d)) && n < max) {
			char name[LESSON_NAME_MAX];
			size_t len = strlen(de->d_name);
			if (de->d_name[0] == '.' || len <= 7 || strcmp(de->d_name + len - 7, ".lesson"))
				continue;
			if (lesson_name_of(de->d_name, name, sizeof(name)) < 0)
				continue;
			bool dup = false;
			for (int j = 0; j < n && !dup; j++)
				dup = !strcmp(f[j].name, name);
			if (dup)
				continue;
			snprintf(f[n].name, sizeof(f[n].name), "%s", name);
			snprintf(f[n].path, sizeof(f[n].path), "%s/%s", dirs[i], de->d_name);
			n++;
		}
		closedir(d);
	}
	qsort(f, (size_t)n, sizeof(*f), by_name);
	return n;
}

/* "no lesson "tpc": expected one of a, b, c; did you mean "tcp"?" */
static int not_found(const char *name, char *err, size_t errlen)
{
	static struct found f[MAX_LESSONS];
	const char *names[MAX_LESSONS];
	int n = find_all(f, MAX_LESSONS);
	char list[1024] = "", hint[96] = "";
	size_t o = 0;
	for (int i = 0; i < n && o < sizeof(list); i++) {
		names[i] = f[i].name;
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
				      f[i].name);
	}
	lesson_suggest(name, names, (size_t)n, hint, sizeof(hint));
	if (n == 0) {
		const char *dirs[MAX_DIRS];
		int nd = lesson_dirs(dirs, MAX_DIRS);
		o = 0;
		for (int i = 0; i < nd && o < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ":" : "", dirs[i]);
		snprintf(err, errlen, "no lesson \"%s\": there are no lessons in %s; expected NAME.lesson files "
			 "there, or set SOCKSTEP_LESSONS to a directory of them", name, list);
	} else {
		snprintf(err, errlen, "no lesson \"%s\": expected one of %s%s (see --list-lessons)", name, list, hint);
	}
	return -ENOENT;
}

/* Read a whole lesson file, refusing directories and files too large to be
 * a lesson. Returns the length, or negative errno with err set. */
static long read_lesson(const char *path, char **out, char *err, size_t errlen)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot open lesson \"%s\": %s (%s); expected a readable .lesson file", path,
			 strerror(e), errno_name(e));
		return -e;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "lesson \"%s\" is a directory; expected a .lesson file", path);
		close(fd);
		return -EISDIR;
	}
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	long r = 0;
	while (buf) {
		if (len == cap) {
			if (cap > LESSON_MAX_BYTES)
				break; /* the parser refuses it with its size */
			char *b = realloc(buf, cap * 2);
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
		ssize_t got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			snprintf(err, errlen, "cannot read lesson \"%s\": %s (%s)", path, strerror(e), errno_name(e));
			r = -e;
			break;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	if (!buf) {
		snprintf(err, errlen, "reading lesson \"%s\": out of memory", path);
		return -ENOMEM;
	}
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	return (long)len;
}

static int load_path(const char *path, struct lesson **out, char *err, size_t errlen)
{
	char name[LESSON_NAME_MAX];
	if (lesson_name_of(path, name, sizeof(name)) < 0) {
		snprintf(err, errlen, "lesson \"%s\": expected a file named NAME.lesson (NAME up to %d characters)",
			 path, LESSON_NAME_MAX - 1);
		return -EINVAL;
	}
	char *text;
	long len = read_lesson(path, &text, err, errlen);
	if (len < 0)
		return (int)len;
	int r = lesson_parse(text, (size_t)len, path, name, out, err, errlen);
	free(text);
	return r;
}

int lesson_load(const char *name_or_path, struct lesson **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!name_or_path || !*name_or_path) {
		snprintf(err, errlen, "no lesson named: expected a name such as tcp, or a path to a .lesson file");
		return -EINVAL;
	}
	if (is_path(name_or_path))
		return load_path(name_or_path, out, err, errlen);
	if (strlen(name_or_path) >= LESSON_NAME_MAX)
		return not_found(name_or_path, err, errlen);
	const char *dirs[MAX_DIRS];
	int nd = lesson_dirs(dirs, MAX_DIRS);
	for (int i = 0; i < nd; i++) {
		char path[CMD_PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s.lesson", dirs[i], name_or_path);
		if (access(path, F_OK) == 0)
			return load_path(path, out, err, errlen);
	}
	return not_found(name_or_path, err, errlen);
}

int lesson_list(FILE *out)
{
	static struct found f[MAX_LESSONS];
	int n = find_all(f, MAX_LESSONS);
	int w = 0;
	for (int i = 0; i < n; i++)
		if ((int)strlen(f[i].name) > w)
			w = (int)strlen(f[i].name);
	for (int i = 0; i < n; i++) {
		struct lesson *l;
		char err[CMD_ERR_MAX + CMD_PATH_MAX];
		if (load_path(f[i].path, &l, err, sizeof(err)) == 0) {
			fprintf(out, "%-*s  %s\n", w, f[i].name, l->summary);
			lesson_free(l);
		} else {
			fprintf(out, "%-*s  (does not load: %s)\n", w, f[i].name, err);
		}
	}
	return n;
}

/* ---- running ---------------------------------------------------------- */

int lesson_step_count(const struct lesson *l)
{
	return l ? l->nsteps : 0;
}

const struct lesson_step *lesson_step(const struct lesson *l, int step)
{
	return l && step >= 0 && step < l->nsteps ? &l->steps[step] : NULL;
}

/* Run one command as --batch does: settle after what acts on the network.
 * Returns 0, or 1 with "FILE:LINE: message" in err (refused, or an expect
 * that did not hold). */
static int run_command(struct app *a, const struct lesson *l, const struct lesson_item *it, char *err,
		       size_t errlen)
{
	char why[CMD_ERR_MAX] = "";
	int rc = app_exec_line(a, it->text, why, sizeof(why));
	if (rc > 0 && app_line_acts(it->text))
		app_settle(a, a->log.seq, a->run_ms);
	if (rc < 0 || rc == 2) {
		snprintf(err, errlen, "%s:%u: %s", l->file, it->line, why);
		return 1;
	}
	return 0;
}

int lesson_run_step(struct app *a, const struct lesson *l, int step, char *err, size_t errlen)
{
	const struct lesson_step *s = lesson_step(l, step);
	if (errlen)
		err[0] = '\0';
	if (!s) {
		snprintf(err, errlen, "no step %d: expected 1 to %d", step + 1, lesson_step_count(l));
		return -EINVAL;
	}
	int fails = 0;
	for (size_t i = 0; i < s->nitems; i++) {
		char e[CMD_ERR_MAX + CMD_PATH_MAX];
		if (s->items[i].kind != LI_COMMAND)
			continue;
		if (run_command(a, l, &s->items[i], e, sizeof(e)) && fails++ == 0)
			snprintf(err, errlen, "%s", e);
	}
	return fails;
}

int lesson_replay(struct app *a, const struct lesson *l, int upto, char *err, size_t errlen)
{
	int r = app_reset(a, err, errlen);
	if (r < 0)
		return r;
	int fails = 0;
	for (int i = 0; i < upto && i < lesson_step_count(l); i++) {
		char e[CMD_ERR_MAX + CMD_PATH_MAX];
		int f = lesson_run_step(a, l, i, e, sizeof(e));
		if (f > 0 && fails == 0)
			snprintf(err, errlen, "%s", e);
		if (f > 0)
			fails += f;
	}
	return fails;
}

static void rule(FILE *out)
{
	fputs("======================================================================\n", out);
}

int lesson_batch(struct app *a, const struct lesson *l, FILE *out)
{
	struct batch_printer p = { .out = out, .next = a->log.n };
	int fails = 0, expects = 0, expects_failed = 0, refused = 0;
	fprintf(out, "\nLESSON %s: %s\n%s\n", l->name, l->title, l->summary);
	for (int i = 0; i < l->nsteps; i++) {
		const struct lesson_step *s = &l->steps[i];
		fputc('\n', out);
		rule(out);
		fprintf(out, "Step %d of %d: %s\n", i + 1, l->nsteps, s->title);
		rule(out);
		bool after_text = false;
		for (size_t j = 0; j < s->nitems; j++) {
			const struct lesson_item *it = &s->items[j];
			if (it->kind == LI_TEXT) {
				if (!after_text)
					fputc('\n', out); /* the narration stands apart from the output */
				fprintf(out, "%s\n", it->text);
				after_text = true;
				p.in_table = false; /* a table after narration needs its header again */
				continue;
			}
			after_text = false;
			size_t mark = a->log.n;
			char err[CMD_ERR_MAX + CMD_PATH_MAX];
			int f = run_command(a, l, it, err, sizeof(err));
			/* An expect prints only its verdict, "expect ...: ok", under the
			 * output it checks: the "[n] expect ..." line would say it twice. */
			const struct event *cmd = session_at(&a->log, mark);
			if (it->expect && cmd && cmd->kind == EV_COMMAND)
				p.next = mark + 1;
			batch_print(&p, &a->log);
			if (it->expect) {
				expects++;
				expects_failed += f;
			} else {
				refused += f;
			}
			if (f && !it->expect)
				fprintf(out, "\n  refused: %s\n", err); /* the handout shows the hole too */
			if (f) {
				fflush(out);
				fprintf(stderr, "sockstep: %s\n", err);
				fails++;
			}
		}
	}
	fprintf(out, "\nLESSON %s: %d step%s, %d expectation%s", l->name, l->nsteps, l->nsteps == 1 ? "" : "s",
		expects, expects == 1 ? "" : "s");
	if (!fails)
		fprintf(out, ", all held\n");
	else
		fprintf(out, ", %d FAILED; %d command%s refused\n", expects_failed, refused, refused == 1 ? "" : "s");
	fflush(out);
	return fails;
}
