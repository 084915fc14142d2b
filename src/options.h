/* options.h - sockstep's command line: one table of options (options.c),
 * each row its long and short name, its value, its --help text, the mode it
 * belongs to and what it cannot go with; the table drives the parser,
 * --help and the refusals ("--script needs --batch"). */
#ifndef SOCKSTEP_OPTIONS_H
#define SOCKSTEP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "lab.h"
#include "lesson_run.h" /* enum handout */

#define OPTIONS_RUN_MAX 18 /* --run: one program per side's slot, client .. client9, server .. server9 */

struct options {
	bool batch;
	const char *script;
	const char *write_path;
	const char *read_path;
	const char *theme;
	const char *log_path;
	struct lab_config lab;
	unsigned wait_ms;
	const char *lesson;         /* --lesson NAME|FILE */
	bool lesson_menu;           /* --lesson with no name: the lesson menu */
	bool compare;               /* --compare: TCP and UDP labs side by side */
	const char *compare_with[2]; /* --compare A B: these two lessons (default compare-tcp, compare-udp) */
	bool list_lessons;
	bool net_given, wait_given; /* a lesson's net: and wait: apply only when these were not given */
	const char *ip_given;       /* --client-ip or --server-ip, when given */
	const char *handout;        /* --handout, when given */
	enum handout handout_kind;
	int width;                  /* --width N; 0: not given */
	unsigned given;             /* bit i: the table's row i was given */
	const char *run[OPTIONS_RUN_MAX]; /* --run SIDE=PROGRAM ARG..., as given (validated), in order */
	int nrun;
};

/* Parse argv into o (defaults first). 0: run; 1: --help or --version was
 * printed, exit 0; 2 after one line on stderr for a bad option, a missing
 * or bad value, a stray argument or options that cannot go together. */
int options_parse(int argc, char **argv, struct options *o);

/* The command line that --run's i-th value stands for, "client run PROGRAM
 * ARG...", run at start before any script or lesson line. 0, or -EINVAL
 * (no such --run, or a value options_parse did not check). */
int options_run_line(const struct options *o, int i, char *buf, size_t len);

/* The --help text: the options from the table, then the commands from the
 * verb table. */
void options_usage(FILE *f);

#endif
