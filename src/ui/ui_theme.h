/* ui_theme.h - the themes: each semantic role (ui_pane.h) mapped to an
 * attribute (ui_theme.c). */
#ifndef SOCKSTEP_UI_THEME_H
#define SOCKSTEP_UI_THEME_H

struct ui;

enum ui_theme { TH_DEFAULT, TH_PROJECTOR, TH_MONO };

/* Validate a --theme value: its enum ui_theme, or -EINVAL. */
int ui_parse_theme(const char *s);
/* Map every role to an attribute for the theme (mono without colours). */
void ui_theme_apply(struct ui *u, enum ui_theme th);

#endif
