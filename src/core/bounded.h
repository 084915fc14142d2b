/* bounded.h - a growing array with a bound, for the lists the screen keeps
 * of a log it reads (a program's lines, the 5-tuple rows, the ladder): when
 * full, the oldest quarter goes at once, so that one move pays for a
 * quarter's appends. Pure: no I/O. */
#ifndef SOCKSTEP_BOUNDED_H
#define SOCKSTEP_BOUNDED_H

#include <stddef.h>

/* Room for one more item at the end of the array v of *n items of size
 * bytes (*cap of them allocated): at keep items the oldest keep / 4 are
 * dropped first (drop, when not NULL, is called on each; *dropped counts
 * them), then the array doubles (from 64) when full. Returns the array,
 * perhaps moved, its slot *n free; NULL when out of memory (v is still the
 * array then, and the item must be left out). */
void *bounded_room(void *v, size_t size, size_t *n, size_t *cap, size_t keep, unsigned long *dropped,
		   void (*drop)(void *item));

#endif
