/* lesson_run.c - finding, loading, listing and running lessons (see lesson_run.h). */
#include "lesson_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "config.h"
#include "fdutil.h"
#include "predict.h"
#include "priv.h"
#include "out.h"
#include "text.h"
#include "wrap.h"

/* ---- where lessons are ------------------------------------------------ */

/* No limit on the directories or the lessons in them: a limit reached in
 * silence drops lessons without a word (issue 8). Only memory bounds them,
 * and running out of it is said. */
int lesson_dirs(const char *const **dirs)
{
	static char *env;
	static const char **d;
	free(env);
	free(d);
	env = NULL;
	d = NULL;
	*dirs = NULL;
	const char *e = getenv("SOCKSTEP_LESSONS");
	size_t max = 2 + 1;
	if (e && *e) {
		if (!(env = strdup(e)))
			return -ENOMEM;
		for (const char *c = e; *c; c++)
			max += *c == ':';
	}
	if (!(d = malloc(max * sizeof(*d))))
		return -ENOMEM;
	int n = 0;
	if (env)
		for (char *save = NULL, *t = strtok_r(env, ":", &save); t; t = strtok_r(NULL, ":", &save))
			d[n++] = t;
#ifdef SOCKSTEP_SRC_LESSONDIR
	d[n++] = SOCKSTEP_SRC_LESSONDIR;
#endif
	d[n++] = SOCKSTEP_LESSONDIR;
	*dirs = d;
	return n;
}

/* A name with a '/' or ending in ".lesson" is a path, not a name to look up. */
static bool is_path(const char *s)
{
	size_t n = strlen(s);
	return strchr(s, '/') || (n >= 7 && !strcmp(s + n - 7, ".lesson"));
}

struct found {
	char *name;
	char *path;
	int dir; /* index in the search path: the first directory wins */
};

/* By name, then by place in the search path. */
static int by_name(const void *x, const void *y)
{
	const struct found *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : a->dir - b->dir;
}

/* Frees what find_all returned. */
static void free_found(struct found *f, int n)
{
	for (int i = 0; i < n && f; i++) {
		free(f[i].name);
		free(f[i].path);
	}
	free(f);
}

/* One directory's NAME.lesson files appended to *f. The directory is opened
 * with the user's rights (priv_open), and without blocking on what is not a
 * directory. Returns 0, or negative errno (a missing directory is 0: not
 * installed, no source tree). */
static int read_dir(const char *dir, int di, struct found **f, int *n, size_t *cap)
{
	int fd = priv_open(dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK, 0);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		return -e;
	}
	int r = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 7 || strcmp(de->d_name + len - 7, ".lesson"))
			continue;
		if ((size_t)*n == *cap) {
			size_t c = *cap ? *cap * 2 : 64;
			struct found *g = realloc(*f, c * sizeof(*g));
			if (!g) {
				r = -ENOMEM;
				break;
			}
			*f = g;
			*cap = c;
		}
		struct found *x = &(*f)[*n];
		x->dir = di;
		x->name = strndup(de->d_name, len - 7);
		if (!x->name || asprintf(&x->path, "%s/%s", dir, de->d_name) < 0) {
			free(x->name);
			r = -ENOMEM;
			break;
		}
		(*n)++;
		errno = 0;
	}
	if (!de && errno && !r)
		r = -errno;
	closedir(d);
	return r;
}

/* Every NAME.lesson in the search path, the first of each name only, sorted
 * by name. Returns how many, in *out (free with free_found), or negative
 * errno with one line in err. A directory that cannot be read is said on
 * warn (when not NULL) and the others are still read. */
static int find_all(struct found **out, FILE *warn, char *err, size_t errlen)
{
	const char *const *dirs;
	int nd = lesson_dirs(&dirs), n = 0;
	size_t cap = 0;
	struct found *f = NULL;
	*out = NULL;
	for (int i = 0; i < nd; i++) {
		int r = read_dir(dirs[i], i, &f, &n, &cap);
		if (r == -ENOMEM) {
			nd = -ENOMEM;
			break;
		}
		if (r < 0 && warn)
			fprintf(warn, "sockstep: cannot read lesson directory \"%s\": %s (%s); its lessons are "
				"left out\n", dirs[i], strerror(-r), errno_name(-r));
	}
	if (nd < 0) {
		free_found(f, n);
		snprintf(err, errlen, "out of memory while looking for lessons");
		return -ENOMEM;
	}
	if (n)
		qsort(f, (size_t)n, sizeof(*f), by_name);
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (k && !strcmp(f[k - 1].name, f[i].name)) { /* found earlier in the path */
			free(f[i].name);
			free(f[i].path);
			continue;
		}
		f[k++] = f[i];
	}
	*out = f;
	return k;
}

/* "there are no lessons in DIR:DIR:...; expected ..." */
static void no_lessons(char *err, size_t errlen)
{
	const char *const *dirs;
	char list[1024];
	int nd = lesson_dirs(&dirs);
	lesson_join(dirs, nd < 0 ? 0 : (size_t)nd, ":", ":", list, sizeof(list));
	snprintf(err, errlen, "there are no lessons in %s; expected NAME.lesson files there, or set "
		 "SOCKSTEP_LESSONS to a directory of them", nd < 0 ? "(out of memory)" : list);
}

/* "no lesson "tpc": expected one of a, b or c; did you mean "tcp"?" */
static int not_found(const char *name, char *err, size_t errlen)
{
	struct found *f;
	int n = find_all(&f, NULL, err, errlen);
	if (n < 0)
		return n;
	const char **names = malloc(((size_t)n + 1) * sizeof(*names));
	if (!names) {
		free_found(f, n);
		snprintf(err, errlen, "out of memory while looking for lessons");
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++)
		names[i] = f[i].name; /* every name, however many the list below can show */
	char list[1024], hint[96] = "";
	lesson_join(names, (size_t)n, ", ", " or ", list, sizeof(list));
	lesson_suggest(name, names, (size_t)n, hint, sizeof(hint));
	free(names);
	free_found(f, n);
	if (n == 0) {
		char why[sizeof(list) + 128];
		no_lessons(why, sizeof(why));
		snprintf(err, errlen, "no lesson \"%s\": %s", name, why);
	} else {
		snprintf(err, errlen, "no lesson \"%s\": expected one of %s%s (see --list-lessons)", name, list, hint);
	}
	return -ENOENT;
}

/* Read a whole lesson file, refusing what is not a regular file (a FIFO
 * would block, /dev/zero never ends) and files too large to be a lesson.
 * Opened with the user's rights, without blocking. Returns the length, or
 * negative errno with err set. */
static long read_lesson(const char *path, char **out, char *err, size_t errlen)
{
	*out = NULL;
	int fd = priv_open(path, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open lesson \"%s\": %s (%s)%s; expected a readable .lesson file", path,
			 strerror(-fd), errno_name(-fd), priv_denied(-fd));
		return fd;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		snprintf(err, errlen, "cannot read lesson \"%s\": %s (%s)", path, strerror(e), errno_name(e));
		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "lesson \"%s\" is %s: expected a regular .lesson file", path,
			 fd_kind(st.st_mode));
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if (st.st_size > LESSON_MAX_BYTES) {
		snprintf(err, errlen, "%s:1: the lesson is %lld bytes: expected at most %d", path,
			 (long long)st.st_size, LESSON_MAX_BYTES);
		close(fd);
		return -EFBIG;
	}
	/* One byte more than the limit: a file that grew since fstat is refused
	 * by the parser with its size. */
	size_t cap = (size_t)st.st_size + 1, len = 0;
	if (cap > LESSON_MAX_BYTES + 1)
		cap = LESSON_MAX_BYTES + 1;
	char *buf = malloc(cap);
	long r = 0;
	while (buf && len < cap) {
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
		if (len == cap && cap <= LESSON_MAX_BYTES) { /* it grew: room for one byte past the limit */
			char *b = realloc(buf, LESSON_MAX_BYTES + 1);
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap = LESSON_MAX_BYTES + 1;
		}
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

/* Read the file at path (not parsed): its name checked, its bytes kept. */
static int read_path(const char *path, struct lesson_file *f, char *err, size_t errlen)
{
	if (lesson_name_of(path, f->name, sizeof(f->name)) < 0) {
		snprintf(err, errlen, "lesson \"%s\": expected a file named NAME.lesson (NAME up to %d characters)",
			 path, LESSON_NAME_MAX - 1);
		return -EINVAL;
	}
	if (!(f->path = strdup(path))) {
		snprintf(err, errlen, "out of memory while reading lesson \"%s\"", path);
		return -ENOMEM;
	}
	long len = read_lesson(path, &f->text, err, errlen);
	if (len < 0) {
		lesson_file_free(f);
		return (int)len;
	}
	f->len = (size_t)len;
	return 0;
}

int lesson_read(const char *name_or_path, struct lesson_file *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	if (!name_or_path || !*name_or_path) {
		snprintf(err, errlen, "no lesson named: expected a name such as tcp, or a path to a .lesson file");
		return -EINVAL;
	}
	if (is_path(name_or_path))
		return read_path(name_or_path, f, err, errlen);
	if (strlen(name_or_path) >= LESSON_NAME_MAX)
		return not_found(name_or_path, err, errlen);
	const char *const *dirs;
	int nd = lesson_dirs(&dirs);
	for (int i = 0; i < nd; i++) {
		char *path;
		if (asprintf(&path, "%s/%s.lesson", dirs[i], name_or_path) < 0) {
			nd = -ENOMEM;
			break;
		}
		/* Here or not (as the real user); read_path opens it with the user's rights. */
		int r = faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ? read_path(path, f, err, errlen) : 1;
		free(path);
		if (r <= 0)
			return r;
	}
	if (nd < 0) {
		snprintf(err, errlen, "out of memory while looking for lesson \"%s\"", name_or_path);
		return -ENOMEM;
	}
	return not_found(name_or_path, err, errlen);
}

int lesson_parse_file(const struct lesson_file *f, struct lesson **out, char *err, size_t errlen)
{
	*out = NULL;
	return lesson_parse(f->text, f->len, f->path, f->name, out, err, errlen);
}

void lesson_file_free(struct lesson_file *f)
{
	free(f->path);
	free(f->text);
	f->path = f->text = NULL;
	f->len = 0;
}

int lesson_load(const char *name_or_path, struct lesson **out, char *err, size_t errlen)
{
	struct lesson_file f;
	*out = NULL;
	int r = lesson_read(name_or_path, &f, err, errlen);
	if (r < 0)
		return r;
	r = lesson_parse_file(&f, out, err, errlen);
	lesson_file_free(&f);
	return r;
}

/* Lessons with an order: first, by it; then the others, by name. */
static int by_order(const void *x, const void *y)
{
	const struct lesson_entry *a = x, *b = y;
	unsigned oa = a->order ? (unsigned)a->order : UINT_MAX, ob = b->order ? (unsigned)b->order : UINT_MAX;
	if (oa != ob)
		return oa < ob ? -1 : 1;
	return strcmp(a->name, b->name);
}

void lesson_catalog_free(struct lesson_entry *e, int n)
{
	for (int i = 0; i < n && e; i++) {
		free(e[i].name);
		free(e[i].path);
		free(e[i].summary);
		free(e[i].error);
	}
	free(e);
}

int lesson_catalog(struct lesson_entry **out, FILE *warn, char *err, size_t errlen)
{
	struct found *f;
	*out = NULL;
	int n = find_all(&f, warn, err, errlen);
	if (n < 0)
		return n;
	if (n == 0) {
		free_found(f, n);
		no_lessons(err, errlen);
		return 0;
	}
	struct lesson_entry *e = calloc((size_t)n, sizeof(*e));
	if (!e) {
		free_found(f, n);
		snprintf(err, errlen, "out of memory while looking for lessons");
		return -ENOMEM;
	}
	bool oom = false;
	int k = 0;
	for (int i = 0; i < n; i++) {
		/* The names and paths move over; the found array is freed empty. */
		e[i].name = f[i].name;
		e[i].path = f[i].path;
		f[i].name = f[i].path = NULL;
		struct lesson *l;
		char why[CMD_ERR_MAX + CMD_PATH_MAX];
		if (lesson_load(e[i].path, &l, why, sizeof(why)) == 0) {
			bool unlisted = l->unlisted;
			e[i].summary = strdup(l->summary);
			e[i].net = l->net;
			e[i].steps = l->nsteps;
			e[i].order = l->order;
			lesson_free(l);
			oom |= !e[i].summary;
			if (unlisted) { /* a half of a --compare pair: run by name, not listed */
				free(e[i].name);
				free(e[i].path);
				free(e[i].summary);
				memset(&e[i], 0, sizeof(e[i]));
				continue;
			}
		} else {
			e[i].error = strdup(why);
			oom |= !e[i].error;
		}
		if (k != i) {
			e[k] = e[i];
			memset(&e[i], 0, sizeof(e[i]));
		}
		k++;
	}
	free_found(f, n);
	if (oom) {
		lesson_catalog_free(e, n);
		snprintf(err, errlen, "out of memory while looking for lessons");
		return -ENOMEM;
	}
	if (k == 0) {
		lesson_catalog_free(e, n);
		no_lessons(err, errlen);
		return 0;
	}
	/* The course's order (order:), then the others by name. */
	qsort(e, (size_t)k, sizeof(*e), by_order);
	*out = e;
	return k;
}

int lesson_list(FILE *out)
{
	struct lesson_entry *e;
	char err[CMD_ERR_MAX + 1024];
	int n = lesson_catalog(&e, stderr, err, sizeof(err));
	if (n <= 0) {
		fprintf(stderr, "sockstep: %s\n", err);
		return n;
	}
	int w = 0;
	for (int i = 0; i < n; i++)
		if ((int)strlen(e[i].name) > w)
			w = (int)strlen(e[i].name);
	for (int i = 0; i < n; i++) {
		fprintf(out, "%-*s  ", w, tesc(e[i].name));
		if (e[i].summary) {
			text_fputs(e[i].summary, out);
			fputc('\n', out);
		} else {
			fputs("(does not load: ", out);
			text_fputs(e[i].error, out);
			fputs(")\n", out);
		}
	}
	lesson_catalog_free(e, n);
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

int lesson_command(struct app *a, const struct lesson *l, const struct lesson_item *it, bool *settle, char *err,
		   size_t errlen)
{
	char why[CMD_ERR_MAX] = "";
	int rc = app_exec_line(a, it->text, why, sizeof(why));
	*settle = rc > 0 && it->acts;
	if (rc < 0 || rc == 2) {
		snprintf(err, errlen, "%s:%u: %s", l->file, it->line, why);
		return 1;
	}
	return 0;
}

/* Run one command as --batch does: settle after what acts on the network.
 * Returns 0, or 1 with "FILE:LINE: message" in err (refused, or an expect
 * that did not hold). */
static int run_command(struct app *a, const struct lesson *l, const struct lesson_item *it, char *err,
		       size_t errlen)
{
	bool settle;
	int f = lesson_command(a, l, it, &settle, err, errlen);
	if (settle)
		app_settle(a, a->log.seq, a->run_ms);
	return f;
}

static void rule(FILE *out)
{
	fputs("======================================================================\n", out);
}

/* ---- worksheets: each prediction a blank, the answers at the end --------- */

struct ws_pred {
	size_t ev;                  /* the EV_PREDICT event */
	int step;
	bool known;                 /* the command after it ran: ans holds the kernel's answer */
	struct predict_answer ans;
	enum side side;             /* the question's program and socket */
	int prog, child, fd;
	char who[16];               /* "client" */
	char *question;
};

struct worksheet {
	struct ws_pred *v;
	int n;
	struct predict_hide *hide;  /* what the printer hides now (predict.h) */
	unsigned lo, hi;            /* the client host's ephemeral port range */
};

/* A prediction of this step was just logged: print its blank. */
static void ws_blank(struct worksheet *w, const struct event *e, int step, FILE *out)
{
	struct ws_pred *v = realloc(w->v, (size_t)(w->n + 1) * sizeof(*v));
	struct predict_hide *h = realloc(w->hide, (size_t)(w->n + 1) * sizeof(*h));
	if (h)
		w->hide = h;
	if (!v || !h) {
		if (v)
			w->v = v;
		return;
	}
	w->v = v;
	struct ws_pred *pr = &v[w->n++];
	memset(pr, 0, sizeof(*pr));
	pr->step = step;
	pr->side = e->side;
	pr->prog = e->prog;
	pr->child = e->child;
	pr->fd = e->fd;
	if (e->side != SIDE_NONE)
		cmd_prog_name(e->side, e->prog ? e->prog : 1, e->child, pr->who, sizeof(pr->who));
	pr->question = strdup(e->text ? e->text : "");
	fprintf(out, "\n  PREDICTION %d (%s%s%s): ", w->n, pr->who, pr->who[0] ? " " : "",
		predict_field_name((enum expect_what)e->ret));
	text_fputs(pr->question ? pr->question : "", out);
	fputs("\n  your answer: ________________________________________\n", out);
}

/* What is hidden in step `step`: every answer known so far, its row, call,
 * data and frames in its own step, its words in narration and notes after. */
static void ws_hides(struct worksheet *w, struct batch_printer *p, struct app *a, int step)
{
	size_t n = 0;
	for (int i = 0; i < w->n; i++) {
		struct ws_pred *pr = &w->v[i];
		if (!pr->known)
			pr->known = predict_answer(&a->log, pr->ev, w->lo, w->hi, &pr->ans) == 0;
		if (!pr->known)
			continue;
		w->hide[n++] = (struct predict_hide){ .ans = pr->ans, .side = pr->side, .prog = pr->prog,
						      .child = pr->child, .fd = pr->fd, .in_step = pr->step == step };
	}
	p->hide = w->hide;
	p->nhide = n;
}

/* A narration line of a worksheet: the answers known so far not stated. */
static void ws_text(const struct batch_printer *p, const char *text, FILE *out)
{
	char *t = p->nhide ? strdup(text) : NULL;
	if (t)
		for (size_t i = 0; i < p->nhide; i++)
			predict_hide_text(&p->hide[i], NULL, t);
	text_fputs(t ? t : text, out);
	free(t);
}

/* After the last step: the answers this run's kernel gave. */
static void ws_key(struct worksheet *w, FILE *out)
{
	if (!w->n)
		return;
	fputc('\n', out);
	rule(out);
	fputs("ANSWER KEY: what the kernel did in this run\n", out);
	rule(out);
	for (int i = 0; i < w->n; i++) {
		struct ws_pred *pr = &w->v[i];
		fprintf(out, "\n  %d. ", i + 1);
		text_fputs(pr->question ? pr->question : "", out);
		fprintf(out, "\n     %s%s%s: ", pr->who, pr->who[0] ? " " : "", predict_field_name(pr->ans.what));
		text_fputs(pr->known ? pr->ans.value : "(the command after it did not answer)", out);
		fputc('\n', out);
		if (pr->known && pr->ans.ephemeral) {
			if (w->lo)
				fprintf(out, "     right too: \"random above 32767\", \"ephemeral\" or %u-%u\n"
					"     not IANA's 49152-65535: this kernel picks from its own range\n", w->lo, w->hi);
			else
				fprintf(out, "     right too: \"random above 32767\" or \"ephemeral\"\n");
		}
	}
	for (int i = 0; i < w->n; i++)
		free(w->v[i].question);
	free(w->v);
	free(w->hide);
	w->v = NULL;
	w->hide = NULL;
	w->n = 0;
}

int lesson_batch(struct app *a, const struct lesson *l, FILE *dest, int width, bool worksheet)
{
	/* At most width columns: long lines wrapped on their way out (wrap.h),
	 * the 5-tuple table narrow, repeated dumps folded. */
	FILE *out = width ? wrap_open(dest, width) : dest;
	if (!out) {
		fprintf(stderr, "sockstep: out of memory\n");
		return 1;
	}
	struct batch_printer p = { .out = out, .next = a->log.n, .compact = true,
				   .narrow = width && width < BATCH_WIDE, .no_held = worksheet };
	struct worksheet ws = { 0 };
	if (worksheet)
		engine_port_range(&a->eng, SIDE_CLIENT, &ws.lo, &ws.hi);
	int fails = 0, expects = 0, expects_failed = 0, refused = 0;
	/* Title, summary, step titles and narration are the lesson file's
	 * text: written escaped (text.h), as everything a user wrote. */
	fprintf(out, "\nLESSON %s: ", tesc(l->name));
	text_fputs(l->title, out);
	fputc('\n', out);
	text_fputs(l->summary, out);
	fputc('\n', out);
	for (int i = 0; i < l->nsteps && !out_stopped(); i++) {
		const struct lesson_step *s = &l->steps[i];
		fputc('\n', out);
		rule(out);
		fprintf(out, "Step %d of %d: ", i + 1, l->nsteps);
		text_fputs(s->title, out);
		fputc('\n', out);
		rule(out);
		bool after_text = false;
		for (size_t j = 0; j < s->nitems; j++) {
			const struct lesson_item *it = &s->items[j];
			if (it->kind == LI_TEXT) {
				if (!after_text)
					fputc('\n', out); /* the narration stands apart from the output */
				ws_text(&p, it->text, out);
				fputc('\n', out);
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
			const struct event *q = session_at(&a->log, mark + 1);
			bool predict = q && q->kind == EV_PREDICT;
			if ((it->expect || predict) && cmd && cmd->kind == EV_COMMAND)
				p.next = mark + 1; /* a prediction too: its question, not the line */
			if (predict && worksheet) {
				ws_blank(&ws, q, i, out);
				ws.v[ws.n - 1].ev = mark + 1;
				p.next = a->log.n;
			}
			if (worksheet)
				ws_hides(&ws, &p, a, i);
			if (batch_print(&p, &a->log) < 0 && out_stopped())
				break; /* nobody reads the handout any more (| head): stop */
			if (it->expect) {
				expects++;
				expects_failed += f;
			} else {
				refused += f;
			}
			if (f && !it->expect) { /* the handout shows the hole too */
				fputs("\n  refused: ", out);
				text_fputs(err, out);
				fputc('\n', out);
			}
			if (f) {
				out_flush(out);
				fputs("sockstep: ", stderr);
				text_fputs(err, stderr);
				fputc('\n', stderr);
				fails++;
			}
		}
	}
	ws_key(&ws, out);
	fprintf(out, "\nLESSON %s: %d step%s, %d expectation%s", tesc(l->name), l->nsteps, l->nsteps == 1 ? "" : "s",
		expects, expects == 1 ? "" : "s");
	if (!fails)
		fprintf(out, ", all held\n");
	else
		fprintf(out, ", %d FAILED; %d command%s refused\n", expects_failed, refused, refused == 1 ? "" : "s");
	out_flush(out);
	if (out != dest)
		fclose(out);
	return fails;
}
