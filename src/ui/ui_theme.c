/* ui_theme.c - the themes: each semantic role (ui_pane.h) mapped to colours
 * and attributes. Never dim (SGR 2): it vanishes on a projector. */
#include "ui_theme.h"
#include "ui_pane.h"

#include <errno.h>
#include <string.h>

int ui_parse_theme(const char *s)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "default"))
		return TH_DEFAULT;
	if (!strcmp(s, "projector"))
		return TH_PROJECTOR;
	if (!strcmp(s, "mono"))
		return TH_MONO;
	return -EINVAL;
}

struct style {
	short fg, bg;  /* -1: the terminal's own */
	attr_t attr;
};

#define B A_BOLD
#define RV A_REVERSE
#define UL A_UNDERLINE

static const struct style theme_default[R_COUNT_] = {
	[R_TEXT] = { -1, -1, 0 },
	[R_MINOR] = { -1, -1, 0 },
	[R_BORDER] = { -1, -1, 0 },
	[R_TITLE] = { COLOR_CYAN, -1, B },
	[R_FOCUS] = { COLOR_BLACK, COLOR_CYAN, B | RV },
	[R_HEADER] = { COLOR_YELLOW, -1, B | UL },
	[R_CURRENT] = { COLOR_YELLOW, -1, B },
	[R_RET] = { COLOR_GREEN, -1, 0 },
	[R_ERRNO] = { COLOR_RED, -1, B | UL },
	[R_BLOCKED] = { COLOR_MAGENTA, -1, B },
	[R_CHANGED] = { COLOR_YELLOW, -1, B | RV },
	[R_STATE] = { COLOR_CYAN, -1, 0 },
	[R_FAMILY] = { COLOR_MAGENTA, -1, 0 },
	[R_PORT] = { COLOR_YELLOW, -1, 0 },
	[R_ADDR] = { COLOR_CYAN, -1, 0 },
	[R_ZERO] = { -1, -1, 0 },
	[R_NEWBYTE] = { -1, -1, B | RV },
	[R_C2S] = { COLOR_GREEN, -1, 0 },
	[R_S2C] = { COLOR_CYAN, -1, 0 },
	[R_HELD] = { COLOR_YELLOW, -1, B },
	[R_DROPPED] = { COLOR_RED, -1, B | UL },
	[R_SELECTED] = { -1, -1, RV },
	[R_NARRATE] = { -1, -1, B },
	[R_WARN] = { COLOR_WHITE, COLOR_RED, B },
	[R_KEY] = { COLOR_CYAN, -1, B },
	[R_PROMPT] = { -1, -1, B },
};

/* Dark on light, everything bold, no yellow: what survives a washed-out beam. */
static const struct style theme_projector[R_COUNT_] = {
	[R_TEXT] = { COLOR_BLACK, COLOR_WHITE, B },
	[R_MINOR] = { COLOR_BLACK, COLOR_WHITE, 0 },
	[R_BORDER] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_TITLE] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_FOCUS] = { COLOR_WHITE, COLOR_BLUE, B },
	[R_HEADER] = { COLOR_BLACK, COLOR_WHITE, B | UL },
	[R_CURRENT] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_RET] = { COLOR_GREEN, COLOR_WHITE, B },
	[R_ERRNO] = { COLOR_RED, COLOR_WHITE, B | UL },
	[R_BLOCKED] = { COLOR_MAGENTA, COLOR_WHITE, B },
	[R_CHANGED] = { COLOR_BLUE, COLOR_WHITE, B | RV },
	[R_STATE] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_FAMILY] = { COLOR_MAGENTA, COLOR_WHITE, B },
	[R_PORT] = { COLOR_RED, COLOR_WHITE, B },
	[R_ADDR] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_ZERO] = { COLOR_BLACK, COLOR_WHITE, 0 },
	[R_NEWBYTE] = { -2, -2, B | RV },
	[R_C2S] = { COLOR_GREEN, COLOR_WHITE, B },
	[R_S2C] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_HELD] = { COLOR_MAGENTA, COLOR_WHITE, B },
	[R_DROPPED] = { COLOR_RED, COLOR_WHITE, B | UL },
	[R_SELECTED] = { COLOR_WHITE, COLOR_BLACK, B },
	[R_NARRATE] = { COLOR_BLACK, COLOR_WHITE, B },
	[R_WARN] = { COLOR_WHITE, COLOR_RED, B },
	[R_KEY] = { COLOR_BLUE, COLOR_WHITE, B },
	[R_PROMPT] = { COLOR_BLACK, COLOR_WHITE, B },
};

/* No colour at all: attributes carry every distinction. */
static const attr_t theme_mono[R_COUNT_] = {
	[R_TEXT] = 0,          [R_MINOR] = 0,         [R_BORDER] = 0,
	[R_TITLE] = B,         [R_FOCUS] = B | RV,    [R_HEADER] = B | UL,
	[R_CURRENT] = B,       [R_RET] = 0,            [R_ERRNO] = B | UL,
	[R_BLOCKED] = B,       [R_CHANGED] = B | RV,  [R_STATE] = 0,
	[R_FAMILY] = 0,        [R_PORT] = 0,          [R_ADDR] = 0,
	[R_ZERO] = 0,          [R_NEWBYTE] = B | RV,  [R_C2S] = 0,
	[R_S2C] = 0,           [R_HELD] = B,          [R_DROPPED] = B | UL,
	[R_SELECTED] = RV,     [R_NARRATE] = B,       [R_WARN] = B | RV,
	[R_KEY] = B,           [R_PROMPT] = B,
};

void ui_theme_apply(struct ui *u, enum ui_theme th)
{
	u->color = th != TH_MONO && has_colors();
	if (!u->color) {
		memcpy(u->attr, theme_mono, sizeof(u->attr));
		return;
	}
	start_color();
	bool defaults = use_default_colors() == OK;
	const struct style *t = th == TH_PROJECTOR ? theme_projector : theme_default;
	for (int r = 0; r < R_COUNT_; r++) {
		short fg = t[r].fg, bg = t[r].bg;
		if (fg == -2) { /* attributes only, over whatever colour the cell has */
			u->attr[r] = t[r].attr;
			continue;
		}
		if (fg == -1 && bg == -1) {
			u->attr[r] = t[r].attr;
			continue;
		}
		if (!defaults) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		if (init_pair((short)(r + 1), fg, bg) == OK)
			u->attr[r] = COLOR_PAIR(r + 1) | t[r].attr;
		else
			u->attr[r] = theme_mono[r];
	}
	if (th == TH_PROJECTOR)
		bkgdset(' ' | u->attr[R_TEXT]);
}
