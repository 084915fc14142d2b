/* bounded.c - a growing array that drops its oldest quarter when full (bounded.h). */
#include "bounded.h"

#include <stdlib.h>
#include <string.h>

void *bounded_room(void *v, size_t size, size_t *n, size_t *cap, size_t keep, unsigned long *dropped,
		   void (*drop)(void *item))
{
	unsigned char *b = v;
	if (*n >= keep) {
		size_t k = keep / 4 ? keep / 4 : 1;
		for (size_t i = 0; drop && i < k; i++)
			drop(b + i * size);
		memmove(b, b + k * size, (*n - k) * size);
		*n -= k;
		*dropped += k;
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		unsigned char *t = realloc(b, c * size);
		if (!t)
			return NULL;
		b = t;
		*cap = c;
	}
	return b;
}
