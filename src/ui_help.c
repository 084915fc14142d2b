/* ui_help.c - the '?' overlay: every key and every command, in one place.
 * Arrows scroll it; any other key closes it. */
#include "ui_pane.h"

#include <stdio.h>

/* A line starting with '#' is a heading. */
static const char *const help[] = {
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
	"n / space    next lesson step (start with --lesson NAME, or --compare)",
	"b / r        lesson: back one step (the lab is built again and the steps replayed) / restart",
	"mouse        click a pane to focus it, a frame to select it",
	"Esc          forget the error line      Ctrl-L   repaint",
	"q            quit (Ctrl-C too)",
	"",
	"# On the command line",
	"Tab completes a word, Up/Down walk the history, Esc cancels",
	"",
	"# Commands (SIDE is server or client; server#4 names one descriptor)",
	"SIDE socket tcp|udp                     sock = socket(PF_INET, ...)",
	"SIDE bind IP PORT [inet_pton] [nohtons] memset, sin_family, sin_addr, sin_port, bind()",
	"SIDE listen [BACKLOG]                   listen(sock, 5)",
	"SIDE accept                             blocks until a client connects",
	"SIDE connect IP PORT                    TCP: the handshake; UDP: sets the peer",
	"SIDE send \"TEXT\"      SIDE recv [MAX]",
	"SIDE sendto IP PORT \"TEXT\"   SIDE recvfrom [MAX]",
	"SIDE shutdown rd|wr|both      SIDE close",
	"SIDE setsockopt reuseaddr on|off",
	"SIDE flood COUNT udp IP PORT            N datagrams, counted on the wire",
	"wire pass | hold | step | drop | delay 300ms | save FILE | status",
	"inet_addr TEXT   inet_pton TEXT   htons N   htonl N",
	"say \"TEXT\"       narration",
	"expect SIDE state|result|local|remote|data|blocked ...   expect wire saw \"TEXT\"",
	"wait DURATION    let the network run (retransmits, timers)",
};

#define NHELP ((int)(sizeof(help) / sizeof(help[0])))

static void help_title(struct ui *u, struct ui_pane *p, char *buf, size_t len)
{
	(void)u;
	(void)p;
	snprintf(buf, len, "help");
}

static void help_draw(struct ui *u, struct ui_pane *p)
{
	WINDOW *w = p->win;
	wbkgdset(w, ' ' | u->attr[R_TEXT]);
	werase(w);
	wattrset(w, u->attr[R_BORDER]);
	box(w, 0, 0);
	wattrset(w, A_NORMAL);
	ui_put(u, w, 0, 2, p->w - 4, " sockstep help: keys and commands ", u->attr[R_FOCUS]);
	int vis = p->h - 3;
	ui_scroll_fix(p, NHELP, vis);
	for (int y = 0; y < vis && p->top + y < NHELP; y++) {
		const char *l = help[p->top + y];
		if (l[0] == '#')
			ui_put(u, w, y + 1, 2, p->w - 4, l + 2, u->attr[R_HEADER]);
		else
			ui_put(u, w, y + 1, 2, p->w - 4, l, u->attr[R_TEXT]);
	}
	const char *foot = NHELP > vis ? "arrows scroll, any other key closes" : "any key closes";
	ui_put(u, w, p->h - 2, 2, p->w - 4, foot, u->attr[R_DIM]);
}

static bool help_key(struct ui *u, struct ui_pane *p, int key)
{
	(void)u;
	return ui_scroll_key(p, key, NHELP, p->h - 3);
}

static void help_resize(struct ui *u, struct ui_pane *p)
{
	(void)u;
	p->follow = false;
	p->top = 0;
}

const struct ui_pane_ops ui_help_ops = {
	.name = "help",
	.title = help_title,
	.draw = help_draw,
	.key = help_key,
	.resize = help_resize,
};
