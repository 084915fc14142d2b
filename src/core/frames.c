/* frames.c - the session's bounded frame store (see frames.h). */
#include "frames.h"

#include <stdlib.h>
#include <string.h>

static struct wire_frame *slot(const struct frame_store *fs, unsigned long no)
{
	if (!fs->ring || !no || no > fs->last || fs->last - no >= FRAMES_KEEP)
		return NULL;
	struct wire_frame *f = &fs->ring[no % FRAMES_KEEP];
	return f->no == no ? f : NULL; /* numbers may skip (a refused frame, a log begun afresh) */
}

struct wire_frame *frames_put(struct frame_store *fs, unsigned long no)
{
	if (!fs->ring) {
		fs->ring = calloc(FRAMES_KEEP, sizeof(*fs->ring));
		if (!fs->ring)
			return NULL;
	}
	if (no <= fs->last)
		return NULL;
	struct wire_frame *f = &fs->ring[no % FRAMES_KEEP];
	f->no = no;
	fs->last = no;
	return f;
}

const struct wire_frame *frames_get(const struct frame_store *fs, unsigned long no)
{
	return slot(fs, no);
}

struct wire_frame *frames_get_mut(struct frame_store *fs, unsigned long no)
{
	return slot(fs, no);
}

unsigned long frames_last(const struct frame_store *fs)
{
	return fs->last;
}

unsigned long frames_first(const struct frame_store *fs)
{
	unsigned long no = fs->last > FRAMES_KEEP ? fs->last - FRAMES_KEEP + 1 : 1;
	while (no <= fs->last && !slot(fs, no))
		no++;
	return no <= fs->last ? no : 0;
}

void frames_free(struct frame_store *fs)
{
	free(fs->ring);
	memset(fs, 0, sizeof(*fs));
}

const char *wire_dir_name(enum wire_dir d)
{
	return d == WD_C2S ? "cli→srv" : d == WD_S2C ? "srv→cli" : d == WD_LOCAL ? "lo" : "host";
}

const char *wire_fate_name(enum frame_fate f)
{
	static const char *const names[] = {
		[FF_PASSED] = "", [FF_HELD] = "held", [FF_DELAYED] = "delayed",
		[FF_RELEASED] = "released", [FF_DROPPED] = "dropped", [FF_LOST] = "lost", [FF_SEEN] = "",
	};
	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "";
}
