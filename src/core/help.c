/* help.c - the help overlay's text and --help's command list (see help.h). */
#include "help.h"
#include "cmd.h"

#include <stdio.h>
#include <string.h>

/* What follows the screen's keys (ui_keys.c's table) in the overlay. A line
 * starting with '#' is a heading. */
static const char *const keys[] = {
	"",
	"# On the command line",
	"Tab completes a word, Up/Down walk the history, Esc cancels",
	"",
	"# Commands (SIDE: server, client, client2, server.1 ...; server#4 names one socket)",
};
#define NKEYS (sizeof keys / sizeof keys[0])

size_t help_commands(size_t i, char *buf, size_t len)
{
	size_t n, k = 0;
	const struct cmd_verb_info *t = cmd_verb_table(&n);

	if (buf && len)
		buf[0] = '\0';
	for (size_t v = 0; v < n; v++) {
		for (size_t f = 0; f < CMD_FORMS_MAX && t[v].forms[f].syntax; f++) {
			const struct cmd_form *fm = &t[v].forms[f];
			bool wrap = strlen(fm->syntax) + 2 > HELP_COL;
			if (k == i && buf && len) {
				if (wrap)
					snprintf(buf, len, "%s", fm->syntax);
				else
					snprintf(buf, len, "%-*s%s", HELP_COL, fm->syntax, fm->help);
			}
			if (wrap && k + 1 == i && buf && len)
				snprintf(buf, len, "%*s%s", HELP_COL, "", fm->help);
			k += wrap ? 2 : 1;
		}
	}
	return k;
}

size_t help_overlay(size_t i, char *buf, size_t len)
{
	if (i < NKEYS && buf && len)
		snprintf(buf, len, "%s", keys[i]);
	return NKEYS + help_commands(i >= NKEYS ? i - NKEYS : (size_t)-1, buf, i >= NKEYS ? len : 0);
}
