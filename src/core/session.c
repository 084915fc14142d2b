/* session.c - the session log (see session.h). */
#include "session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

/* The kept event at absolute index i (first <= i < n). */
static struct event *slot(const struct session *s, size_t i)
{
	return &s->ring[(s->head + (i - s->first)) % s->cap];
}

/* What an event holds besides its slot: text and attachments. */
static size_t cost(const struct event *e)
{
	return (e->text ? strlen(e->text) + 1 : 0) + (e->sa ? sizeof(*e->sa) : 0) +
	       (e->row ? sizeof(*e->row) : 0) + (e->conv ? sizeof(*e->conv) : 0);
}

static void event_free(struct event *e)
{
	free(e->text);
	free(e->sa);
	free(e->row);
	free(e->conv);
	memset(e, 0, sizeof(*e));
}

void session_free(struct session *s)
{
	for (size_t i = s->first; i < s->n; i++)
		event_free(slot(s, i));
	free(s->ring);
	free(s->gone.say);
	frames_free(&s->frames);
	memset(s, 0, sizeof(*s));
}

const struct wire_frame *session_frame(const struct session *s, unsigned long no)
{
	return frames_get(&s->frames, no);
}

unsigned long session_frames_first(const struct session *s)
{
	return frames_first(&s->frames);
}

unsigned long session_frames_last(const struct session *s)
{
	return frames_last(&s->frames);
}

/* Count what the events appended so far hold: an event is final once the
 * next one is appended (its caller may attach to it until then). */
static void settle(struct session *s)
{
	for (; s->settled < s->n; s->settled++)
		s->bytes += cost(slot(s, s->settled));
}

/* Drop the oldest kept event, keeping what readers ask about the whole session. */
static void drop_oldest(struct session *s)
{
	struct event *e = slot(s, s->first);
	if (s->first < s->settled)
		s->bytes -= cost(e);
	if (e->kind == EV_CALL)
		s->gone.calls++;
	else if (e->kind == EV_EXPECT)
		e->ret == 1 ? s->gone.held++ : s->gone.failed++;
	else if (e->kind == EV_SAY) {
		free(s->gone.say);
		s->gone.say = e->text; /* moved, not copied */
		e->text = NULL;
	}
	event_free(e);
	s->head = (s->head + 1) % s->cap;
	s->first++;
	if (s->settled < s->first)
		s->settled = s->first;
}

/* Room for one more slot: the ring grows up to SESSION_KEEP_EVENTS, in order. */
static int grow(struct session *s)
{
	size_t kept = s->n - s->first;
	size_t cap = s->cap ? s->cap * 2 : 256;
	if (cap > SESSION_KEEP_EVENTS)
		cap = SESSION_KEEP_EVENTS;
	struct event *ring = malloc(cap * sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	for (size_t i = 0; i < kept; i++)
		ring[i] = *slot(s, s->first + i);
	free(s->ring);
	s->ring = ring;
	s->cap = cap;
	s->head = 0;
	return 0;
}

struct event *session_add(struct session *s, enum ev_kind kind, enum side side, int fd,
			  const char *fmt, ...)
{
	char *text = NULL;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&text, fmt, ap) < 0)
			text = NULL;
		va_end(ap);
	}
	settle(s);
	/* What this event will hold: its text, and the attachment its kind gets. */
	size_t need = (text ? strlen(text) + 1 : 0) + (kind == EV_SOCKADDR ? sizeof(struct sa_build) : 0) +
		      (kind == EV_ROW ? sizeof(struct tuple_row) : 0) +
		      (kind == EV_CONVERT ? sizeof(struct conv_view) : 0);
	while (s->n > s->first &&
	       (s->n - s->first >= SESSION_KEEP_EVENTS || s->bytes + need > SESSION_KEEP_BYTES))
		drop_oldest(s);
	if (s->n - s->first == s->cap && grow(s) < 0) {
		free(text);
		return NULL;
	}
	struct event *e = slot(s, s->n);
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->seq = s->seq;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	e->ms = (unsigned long)ts.tv_sec * 1000 + (unsigned long)ts.tv_nsec / 1000000;
	e->side = side;
	e->fd = fd;
	e->text = text;
	s->n++;
	return e;
}

void session_truncate(struct session *s, size_t n)
{
	if (n < s->first)
		n = s->first; /* dropped events cannot be taken back */
	while (s->n > n) {
		struct event *e = slot(s, --s->n);
		if (s->n < s->settled)
			s->bytes -= cost(e);
		event_free(e);
	}
	if (s->settled > s->n)
		s->settled = s->n;
}

const struct event *session_at(const struct session *s, size_t i)
{
	return i >= s->first && i < s->n ? slot(s, i) : NULL;
}

size_t session_dropped(const struct session *s)
{
	return s->first;
}

const char *session_last_say(const struct session *s)
{
	for (size_t i = s->n; i-- > s->first;)
		if (slot(s, i)->kind == EV_SAY)
			return slot(s, i)->text;
	return s->gone.say;
}

bool session_any_call(const struct session *s)
{
	if (s->gone.calls)
		return true;
	for (size_t i = s->first; i < s->n; i++)
		if (slot(s, i)->kind == EV_CALL)
			return true;
	return false;
}

void session_expects(const struct session *s, unsigned long *held, unsigned long *failed)
{
	*held = s->gone.held;
	*failed = s->gone.failed;
	for (size_t i = s->first; i < s->n; i++) {
		const struct event *e = slot(s, i);
		if (e->kind == EV_EXPECT)
			e->ret == 1 ? (*held)++ : (*failed)++;
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

int session_attach_conv(struct event *e, const struct conv_view *cv)
{
	e->conv = malloc(sizeof(*cv));
	if (!e->conv)
		return -ENOMEM;
	*e->conv = *cv;
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
