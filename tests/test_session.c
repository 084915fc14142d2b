/* test_session.c - the session log is a bounded history: however many
 * events a session appends, it keeps at most SESSION_KEEP_EVENTS of them
 * and SESSION_KEEP_BYTES of their text and attachments, counts what it
 * dropped, keeps absolute indices, and still answers for the whole
 * session (the last narration, any call, the expectations' verdicts). */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session.h"

/* What the kept events hold, computed from the outside. */
static size_t kept_bytes(const struct session *s)
{
	size_t b = 0;
	for (size_t i = s->first; i < s->n; i++) {
		const struct event *e = session_at(s, i);
		b += (e->text ? strlen(e->text) + 1 : 0) + (e->sa ? sizeof(*e->sa) : 0) + (e->row ? sizeof(*e->row) : 0);
	}
	return b;
}

static void empty_log_has_nothing(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	assert_null(session_at(&s, 0));
	assert_int_equal(session_dropped(&s), 0);
	assert_null(session_last_say(&s));
	assert_false(session_any_call(&s));
	unsigned long held = 9, failed = 9;
	session_expects(&s, &held, &failed);
	assert_int_equal(held, 0);
	assert_int_equal(failed, 0);
	session_truncate(&s, 0);
	assert_int_equal(s.n, 0);
	session_free(&s);
}

static void events_are_read_by_index(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	s.seq = 7;
	struct event *e = session_add(&s, EV_CALL, SIDE_SERVER, 3, "bind(%s, %d);", "sock", 80);
	assert_non_null(e);
	e->ret = 0;
	assert_non_null(session_add(&s, EV_INFO, SIDE_CLIENT, -1, NULL));
	assert_int_equal(s.n, 2);
	const struct event *r = session_at(&s, 0);
	assert_non_null(r);
	assert_int_equal(r->kind, EV_CALL);
	assert_int_equal(r->seq, 7);
	assert_int_equal(r->side, SIDE_SERVER);
	assert_int_equal(r->fd, 3);
	assert_string_equal(r->text, "bind(sock, 80);");
	assert_null(session_at(&s, 1)->text);
	assert_null(session_at(&s, 2));
	session_free(&s);
}

/* The ring grows, wraps and drops, and index i is always the i-th event. */
static void order_survives_growth_and_wrap(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	for (long i = 0; i < 3 * SESSION_KEEP_EVENTS + 77; i++) {
		struct event *e = session_add(&s, EV_INFO, SIDE_NONE, -1, "%ld", i);
		assert_non_null(e);
		e->ret = i;
		if (i % 97 == 0 || i == 300) {
			for (size_t k = s.first; k < s.n; k++) {
				assert_int_equal(session_at(&s, k)->ret, (long)k);
				assert_int_equal(strtol(session_at(&s, k)->text, NULL, 10), (long)k);
			}
		}
	}
	session_free(&s);
}

/* The case, a million events: the count bound holds, the dropped
 * count is exact, and the newest events are the ones kept. */
static void a_million_events_stay_bounded(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	const size_t total = 1000000;
	for (size_t i = 0; i < total; i++) {
		struct event *e = session_add(&s, i % 3 ? EV_INFO : EV_DATA, SIDE_CLIENT, 3, "event %zu", i);
		assert_non_null(e);
		e->ret = (long)i;
		assert_true(s.n - s.first <= SESSION_KEEP_EVENTS);
	}
	assert_int_equal(s.n, total);
	assert_int_equal(s.n - s.first, SESSION_KEEP_EVENTS); /* small events: the count bound is reached */
	assert_int_equal(session_dropped(&s), total - SESSION_KEEP_EVENTS);
	assert_null(session_at(&s, s.first - 1));
	assert_null(session_at(&s, 0));
	assert_string_equal(session_at(&s, total - 1)->text, "event 999999");
	assert_int_equal(session_at(&s, s.first)->ret, (long)s.first);
	assert_true(kept_bytes(&s) <= SESSION_KEEP_BYTES);
	session_free(&s);
}

/* Long text: the byte bound comes first, and it is used (not far from full). */
static void long_text_hits_the_byte_bound(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	char big[4001];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 20000; i++) {
		assert_non_null(session_add(&s, i % 2 ? EV_SAY : EV_COMMAND, SIDE_NONE, -1, "%s", big));
		if (i % 499 == 0)
			assert_true(kept_bytes(&s) <= SESSION_KEEP_BYTES);
	}
	size_t kept = s.n - s.first;
	assert_true(kept_bytes(&s) <= SESSION_KEEP_BYTES);
	assert_true(kept < SESSION_KEEP_EVENTS);
	assert_true(kept >= SESSION_KEEP_BYTES / sizeof(big) - 1);
	assert_int_equal(session_dropped(&s), 20000 - kept);
	session_free(&s);
}

/* Attachments count towards the byte bound too (rows and sockaddr builds). */
static void attachments_count(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	struct tuple_row row = { .step = TS_SOCKET, .side = SIDE_SERVER, .fd = 3, .proto = PROTO_TCP };
	struct sa_build sa;
	memset(&sa, 0, sizeof(sa));
	char text[1500];
	memset(text, 'y', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (int i = 0; i < 30000; i++) {
		struct event *e;
		if (i % 3 == 0) {
			e = session_add(&s, EV_ROW, SIDE_SERVER, 3, NULL);
			assert_non_null(e);
			assert_int_equal(session_attach_row(e, &row), 0);
		} else if (i % 3 == 1) {
			e = session_add(&s, EV_SOCKADDR, SIDE_SERVER, 3, NULL);
			assert_non_null(e);
			assert_int_equal(session_attach_sa(e, &sa), 0);
		} else {
			assert_non_null(session_add(&s, EV_DATA, SIDE_SERVER, 3, "%s", text));
		}
		if (i % 501 == 0 || i > 29990)
			assert_true(kept_bytes(&s) <= SESSION_KEEP_BYTES);
		assert_true(s.n - s.first <= SESSION_KEEP_EVENTS);
	}
	const struct event *last = session_at(&s, s.n - 1);
	assert_int_equal(last->kind, EV_DATA);
	assert_int_equal(session_at(&s, s.n - 2)->kind, EV_SOCKADDR);
	assert_non_null(session_at(&s, s.n - 2)->sa);
	assert_non_null(session_at(&s, s.n - 3)->row);
	session_free(&s);
}

/* What the screen asks about the whole session outlives the events. */
static void whole_session_facts_survive_dropping(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	assert_non_null(session_add(&s, EV_SAY, SIDE_NONE, -1, "first narration"));
	assert_non_null(session_add(&s, EV_SAY, SIDE_NONE, -1, "the lecture's narration"));
	assert_non_null(session_add(&s, EV_CALL, SIDE_SERVER, 3, "socket();"));
	for (int i = 0; i < 5; i++) {
		struct event *e = session_add(&s, EV_EXPECT, SIDE_SERVER, 3, "expect %d", i);
		assert_non_null(e);
		e->ret = i < 3; /* set after the append, as the engine does */
	}
	for (int i = 0; i < 3 * SESSION_KEEP_EVENTS; i++)
		assert_non_null(session_add(&s, EV_INFO, SIDE_NONE, -1, "filler %d", i));
	assert_null(session_at(&s, 0));
	assert_string_equal(session_last_say(&s), "the lecture's narration");
	assert_true(session_any_call(&s));
	unsigned long held, failed;
	session_expects(&s, &held, &failed);
	assert_int_equal(held, 3);
	assert_int_equal(failed, 2);
	/* A kept narration is newer than a dropped one. */
	assert_non_null(session_add(&s, EV_SAY, SIDE_NONE, -1, "a newer one"));
	assert_string_equal(session_last_say(&s), "a newer one");
	/* Kept expectations add to the dropped ones. */
	struct event *e = session_add(&s, EV_EXPECT, SIDE_NONE, -1, "kept");
	e->ret = 0;
	session_expects(&s, &held, &failed);
	assert_int_equal(held, 3);
	assert_int_equal(failed, 3);
	session_free(&s);
}

/* A refused command takes back its events: only kept ones can go, indices
 * never go back below the dropped ones, and the bounds still hold after. */
static void truncate_after_dropping(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	for (int i = 0; i < SESSION_KEEP_EVENTS + 500; i++)
		assert_non_null(session_add(&s, EV_INFO, SIDE_NONE, -1, "%d", i));
	size_t first = s.first, n = s.n;
	session_truncate(&s, n - 10);
	assert_int_equal(s.n, n - 10);
	assert_null(session_at(&s, n - 10));
	assert_string_equal(session_at(&s, n - 11)->text, "2537");
	session_truncate(&s, 0); /* below the dropped ones: everything kept goes */
	assert_int_equal(s.first, first);
	assert_int_equal(s.n, first);
	assert_null(session_at(&s, first));
	struct event *e = session_add(&s, EV_SAY, SIDE_NONE, -1, "after");
	assert_non_null(e);
	assert_ptr_equal(session_at(&s, first), e);
	/* Appends and take-backs mixed: the bounds hold, the accounting does not drift. */
	char text[3000];
	memset(text, 'z', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	unsigned r = 1;
	for (int i = 0; i < 200000; i++) {
		r = r * 1103515245u + 12345u;
		if ((r >> 16) % 7 == 0) {
			size_t back = (r >> 8) % 5;
			session_truncate(&s, s.n > back ? s.n - back : 0);
		} else {
			assert_non_null(session_add(&s, EV_DATA, SIDE_CLIENT, 4, "%.*s", (int)((r >> 4) % sizeof(text)), text));
		}
		if (i % 997 == 0)
			assert_true(kept_bytes(&s) <= SESSION_KEEP_BYTES);
		assert_true(s.n - s.first <= SESSION_KEEP_EVENTS);
	}
	/* Once every kept event is final, the log's own count is exact. */
	session_add(&s, EV_INFO, SIDE_NONE, -1, NULL);
	session_truncate(&s, s.n - 1);
	assert_int_equal(s.bytes, kept_bytes(&s));
	session_free(&s);
}

/* Flat memory, asked of the allocator: 200,000 events of 1 KB (200 MB if
 * nothing were dropped) leave the heap in use under 16 MiB. */
static void heap_stays_flat(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	char text[1024];
	memset(text, 'w', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	size_t before = mallinfo2().uordblks;
	size_t most = 0;
	for (int i = 0; i < 50000; i++) { /* 50 MB of text unbounded */
		assert_non_null(session_add(&s, EV_SAY, SIDE_NONE, -1, "%s", text));
		if (i % 1000 == 0) {
			size_t used = mallinfo2().uordblks - before;
			most = used > most ? used : most;
		}
	}
	print_message("heap in use: at most %zu KiB for 50,000 events of 1 KB\n", most >> 10);
	assert_true(most < (16u << 20));
	session_free(&s);
}

/* The frame store: frames by number, the newest FRAMES_KEEP kept, memory
 * allocated once (at the first frame) however many frames pass; numbers
 * that skip (a frame refused) are not found; session_free gives it back. */
static void frames_stay_bounded(void **state)
{
	(void)state;
	struct session s;
	session_init(&s);
	assert_null(session_frame(&s, 1));
	assert_int_equal(session_frames_first(&s), 0);
	assert_int_equal(session_frames_last(&s), 0);
	size_t before = mallinfo2().uordblks, most = 0;
	unsigned long no = 0;
	for (int i = 0; i < 5 * FRAMES_KEEP; i++) {
		no += i % 7 == 3 ? 2 : 1; /* every seventh number refused by the keep filter */
		struct wire_frame *f = frames_put(&s.frames, no);
		assert_non_null(f);
		assert_int_equal(f->no, no);
		f->caplen = 4;
		memcpy(f->data, &no, 4);
		snprintf(f->dec.summary, sizeof(f->dec.summary), "frame %lu", no);
		size_t used = mallinfo2().uordblks - before;
		most = used > most ? used : most;
	}
	assert_true(most <= FRAMES_KEEP * sizeof(struct wire_frame) + 4096);
	assert_int_equal(session_frames_last(&s), no);
	const struct wire_frame *f = session_frame(&s, no);
	assert_non_null(f);
	char want[32];
	snprintf(want, sizeof(want), "frame %lu", no);
	assert_string_equal(f->dec.summary, want);
	assert_memory_equal(f->data, &no, 4);
	assert_null(session_frame(&s, no - FRAMES_KEEP)); /* rolled out */
	assert_null(session_frame(&s, no + 1));              /* not yet */
	assert_null(session_frame(&s, 0));
	unsigned long first = session_frames_first(&s);
	assert_true(first > no - FRAMES_KEEP && first <= no);
	assert_non_null(session_frame(&s, first));
	assert_null(frames_put(&s.frames, no)); /* numbers only grow */
	/* Dropping the log's events keeps the frames: each has its own bound. */
	for (int i = 0; i < SESSION_KEEP_EVENTS + 10; i++)
		session_add(&s, EV_INFO, SIDE_NONE, -1, "x");
	assert_non_null(session_frame(&s, no));
	session_free(&s);
	assert_null(s.frames.ring);
	assert_null(session_frame(&s, no));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_log_has_nothing),
		cmocka_unit_test(events_are_read_by_index),
		cmocka_unit_test(order_survives_growth_and_wrap),
		cmocka_unit_test(a_million_events_stay_bounded),
		cmocka_unit_test(long_text_hits_the_byte_bound),
		cmocka_unit_test(attachments_count),
		cmocka_unit_test(whole_session_facts_survive_dropping),
		cmocka_unit_test(truncate_after_dropping),
		cmocka_unit_test(heap_stays_flat),
		cmocka_unit_test(frames_stay_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
