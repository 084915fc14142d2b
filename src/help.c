/* help.c - the help overlay's text and --help's command list (see help.h). */
#include "help.h"
#include "cmd.h"

#include <stdio.h>
#include <string.h>

/* The keys: the screen's own, not the command language. A line starting
 * with '#' is a heading. */
static const char *const keys[] = {
	"# Keys",
	"?            this help (any key closes it)",
	":            command line: type any command below, Enter runs it",
	"s / c        command line for the server / the client (\"server \" typed for you)",
	"h / p        wire: hold every frame / pass them again",
	".            wire: release one held frame (step)",
	"x            wire: drop the first held frame (TCP retransmits, UDP does not)",
	"w            write the capture to a pcap file (\"wire save \" typed for you)",
	"Tab S-Tab    focus the next / previous pane",
	"arrows PgUp PgDn Home End   scroll the focused pane; in the wire pane: select a frame",
	"z            zoom the focused pane to the whole screen (z again: back)",
	"L            lesson menu: every lesson and its summary; Enter starts one",
	"S            save the session as a lesson (\"save lesson \" typed for you)",
	"n / space    next lesson step (start with L, --lesson NAME, or --compare)",
	"b / r        lesson: back one step (the lab is built again and the steps replayed) / restart",
	": / s        lesson, a PREDICT question waiting: type your guess / skip it",
	"mouse        click a pane to focus it, a frame to select it",
	"Esc          forget the error line      Ctrl-L   repaint",
	"q            quit (Ctrl-C too)",
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
