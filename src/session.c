/* session.c - the session log (see session.h). */
#include "session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

void session_free(struct session *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->ev[i].text);
		free(s->ev[i].sa);
		free(s->ev[i].row);
	}
	free(s->ev);
	memset(s, 0, sizeof(*s));
}

struct event *session_add(struct session *s, enum ev_kind kind, enum side side, int fd,
			  const char *fmt, ...)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct event *ev = realloc(s->ev, cap * sizeof(*ev));
		if (!ev)
			return NULL;
		s->ev = ev;
		s->cap = cap;
	}
	struct event *e = &s->ev[s->n];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->seq = s->seq;
	e->side = side;
	e->fd = fd;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&e->text, fmt, ap) < 0)
			e->text = NULL;
		va_end(ap);
	}
	s->n++;
	return e;
}

void session_truncate(struct session *s, size_t n)
{
	while (s->n > n) {
		struct event *e = &s->ev[--s->n];
		free(e->text);
		free(e->sa);
		free(e->row);
	}
}

int session_attach_sa(struct event *e, const struct sa_build *sa)
{
	e->sa = malloc(sizeof(*sa));
	if (!e->sa)
		return -ENOMEM;
	*e->sa = *sa;
	return 0;
}

int session_attach_row(struct event *e, const struct tuple_row *row)
{
	e->row = malloc(sizeof(*row));
	if (!e->row)
		return -ENOMEM;
	*e->row = *row;
	return 0;
}

const char *errno_name(int err)
{
	static _Thread_local char buf[16];
	const char *n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

void escape_bytes(const unsigned char *p, size_t n, char *out, size_t len)
{
	size_t o = 0;
	if (!len)
		return;
	for (size_t i = 0; i < n; i++) {
		char tmp[5];
		unsigned char c = p[i];
		if (c == '\n')
			strcpy(tmp, "\\n");
		else if (c == '\t')
			strcpy(tmp, "\\t");
		else if (c == '\r')
			strcpy(tmp, "\\r");
		else if (c == '"' || c == '\\')
			snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		else
			snprintf(tmp, sizeof(tmp), "%c", c);
		size_t t = strlen(tmp);
		if (o + t + 4 >= len) { /* leave room for "..." */
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, tmp, t);
		o += t;
	}
	out[o] = '\0';
}
