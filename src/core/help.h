/* help.h - the words of help, made from the verb table (cmd.h): the '?'
 * overlay's lines and --help's command list. A verb added to the table is
 * in both at once; tests/test_grammar.c checks them, completion and the man
 * page against the table. Pure: text out, no I/O. */
#ifndef SOCKSTEP_HELP_H
#define SOCKSTEP_HELP_H

#include <stddef.h>

#define HELP_LINE_MAX 160 /* longest line either list holds, with its NUL */
#define HELP_COL 36       /* where a command's help starts (a long syntax puts it on the next line) */

/* The command list: each form of each verb, "SYNTAX  HELP", the help at
 * column HELP_COL, or alone on the next line (indented to HELP_COL) when the
 * syntax is longer. Fills buf with line i (when i is below the count and len
 * is not 0) and returns how many lines there are. */
size_t help_commands(size_t i, char *buf, size_t len);

/* The '?' overlay after the screen's keys (ui_keys.c's table): the command
 * line's keys, then "# Commands" and the command list. A line that starts
 * with '#' is a heading. Same contract as help_commands. */
size_t help_overlay(size_t i, char *buf, size_t len);

#endif
