/* ui_panes.c - every pane of the screen through its ops (ui_pane.h): read
 * the log's new events, forget what was read. */
#include "ui_shell.h"

/* Every pane of the screen reads the new events of its log, drawn or not
 * (zoom hides some): the log is bounded, and drops what is not read. */
void ui_panes_update(struct ui *u)
{
	for (int i = 0; i < P_TILED_; i++)
		if (ui_pane_shown(u, i) && u->pane[i].ops && u->pane[i].ops->update)
			u->pane[i].ops->update(u, &u->pane[i]);
}

/* Every pane forgets what it read: the logs were rebuilt from index 0. */
void ui_panes_forget(struct ui *u)
{
	for (int i = 0; i < P_COUNT_; i++)
		if (u->pane[i].ops && u->pane[i].ops->forget)
			u->pane[i].ops->forget(u, &u->pane[i]);
}
