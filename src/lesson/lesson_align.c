/* lesson_align.c - which steps of two lessons share a row in --compare. */
#include "lesson_align.h"

#include <ctype.h>
#include <string.h>

/* Titles equal without case and outer blanks. */
static bool same_title(const char *x, const char *y)
{
	while (*x == ' ' || *x == '\t')
		x++;
	while (*y == ' ' || *y == '\t')
		y++;
	size_t nx = strlen(x), ny = strlen(y);
	while (nx && (x[nx - 1] == ' ' || x[nx - 1] == '\t'))
		nx--;
	while (ny && (y[ny - 1] == ' ' || y[ny - 1] == '\t'))
		ny--;
	if (nx != ny)
		return false;
	for (size_t i = 0; i < nx; i++)
		if (tolower((unsigned char)x[i]) != tolower((unsigned char)y[i]))
			return false;
	return true;
}

static int put(int row[][2], int n, int max, int ia, int ib)
{
	if (n < max) {
		row[n][0] = ia;
		row[n][1] = ib;
		n++;
	}
	return n;
}

const char *lesson_align_name(enum lesson_align_how how)
{
	return how == LA_BY_TITLE ? "lined up by step title" : how == LA_BY_POSITION ? "lined up by position" : "in step";
}

int lesson_align(const struct lesson *a, const struct lesson *b, int row[][2], int max,
		 enum lesson_align_how *how)
{
	int na = a ? a->nsteps : 0, nb = b ? b->nsteps : 0, n = 0;
	/* lcs[i][j]: titles in common between a's steps i.. and b's steps j.. */
	static unsigned short lcs[LESSON_MAX_STEPS + 1][LESSON_MAX_STEPS + 1];

	if (na > LESSON_MAX_STEPS)
		na = LESSON_MAX_STEPS;
	if (nb > LESSON_MAX_STEPS)
		nb = LESSON_MAX_STEPS;
	*how = na == nb ? LA_IN_STEP : LA_BY_POSITION;
	if (na != nb) {
		for (int i = na; i >= 0; i--)
			for (int j = nb; j >= 0; j--)
				lcs[i][j] = i == na || j == nb ? 0
					    : same_title(a->steps[i].title, b->steps[j].title) ? lcs[i + 1][j + 1] + 1
					    : lcs[i + 1][j] > lcs[i][j + 1] ? lcs[i + 1][j] : lcs[i][j + 1];
		if (lcs[0][0] > 0)
			*how = LA_BY_TITLE;
	}
	if (*how != LA_BY_TITLE) {
		for (int i = 0; i < na || i < nb; i++)
			n = put(row, n, max, i < na ? i : -1, i < nb ? i : -1);
		return n;
	}
	/* Walk the table: a shared title is one row; a step the other lacks is a
	 * row alone, in the order the lessons have them (a's first). */
	int i = 0, j = 0;
	while (i < na || j < nb) {
		if (i < na && j < nb && same_title(a->steps[i].title, b->steps[j].title) &&
		    lcs[i][j] == lcs[i + 1][j + 1] + 1)
			n = put(row, n, max, i++, j++);
		else if (j >= nb || (i < na && lcs[i + 1][j] >= lcs[i][j + 1]))
			n = put(row, n, max, i++, -1);
		else
			n = put(row, n, max, -1, j++);
	}
	return n;
}
