/* libFuzzer harness for the command parser: any bytes must parse or give one
 * error line, and what parses must format back to text that parses to the
 * same command. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
static struct cmd c, c2;
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char line[CMD_LINE_MAX + 16], err[CMD_ERR_MAX], text[CMD_LINE_MAX * 4];
	const char *w[8];
	if (n > sizeof line - 1) n = sizeof line - 1;
	memcpy(line, d, n); line[n] = 0;
	int r = cmd_parse(line, &c, err, sizeof err);
	if (r != 0 && r != 1 && r != -EINVAL) abort();
	if (r == -EINVAL && (strchr(err, '\n') || !err[0])) abort();
	if (r == 1) {
		cmd_format(&c, text, sizeof text);
		if (cmd_parse(text, &c2, err, sizeof err) != 1) abort();
		if (memcmp(&c, &c2, sizeof c)) abort();
	}
	cmd_complete(line, w, 8);
	return 0;
}
