/* ui_panes.c - every pane of the screen through its ops (ui_pane.h): read
 * the log's new events, forget what was read; their state made once at
 * the start and freed at the end. */
#include "ui_shell.h"
#include "ui_notice.h"

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

/* Every pane's ops, lab and side: the tiled ones, then the overlays. */
void ui_panes_init(struct ui *u)
{
	static const struct ui_pane_ops *const ops[P_COUNT_] = {
		[P_SERVER] = &ui_program_ops, [P_CLIENT] = &ui_program_ops, [P_LESSON] = &ui_lesson_ops,
		[P_TUPLE] = &ui_tuple_ops,    [P_HEX] = &ui_hex_ops,        [P_WIRE] = &ui_wire_ops,
		[P_LADDER] = &ui_ladder_ops,
		[P_LESSON_B] = &ui_lesson_ops, [P_SERVER_B] = &ui_program_ops, [P_CLIENT_B] = &ui_program_ops,
		[P_TUPLE_B] = &ui_tuple_ops,  [P_LADDER_B] = &ui_ladder_ops, [P_WIRE_B] = &ui_wire_ops,
		[P_HELP] = &ui_help_ops,
		[P_PROMPT] = &ui_prompt_ops,
		[P_MENU] = &ui_menu_ops,
	};
	for (int i = 0; i < P_COUNT_; i++) {
		u->pane[i].ops = ops[i];
		u->pane[i].follow = true;
		u->pane[i].a = u->a;
	}
	if (u->compare)
		for (int i = P_LESSON_B; i < P_TILED_; i++)
			u->pane[i].a = u->les[1].a;
	u->pane[P_SERVER].side = u->pane[P_SERVER_B].side = SIDE_SERVER;
	u->pane[P_CLIENT].side = u->pane[P_CLIENT_B].side = SIDE_CLIENT;
	u->focus = P_TUPLE;
	for (int i = 0; i < P_COUNT_; i++)
		if (u->pane[i].ops->init && u->pane[i].ops->init(u, &u->pane[i]) < 0)
			ui_log("pane %s: out of memory: it stays empty", u->pane[i].ops->name);
}

/* The screen is closing: every pane forgets, then frees its own state. */
void ui_panes_free(struct ui *u)
{
	ui_panes_forget(u);
	for (int i = 0; i < P_COUNT_; i++)
		if (u->pane[i].ops && u->pane[i].ops->free)
			u->pane[i].ops->free(u, &u->pane[i]);
}
