/* names.c - the names every layer shares (names.h). */
#include "names.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *side_name(enum side s)
{
	return s == SIDE_SERVER ? "server" : s == SIDE_CLIENT ? "client" : "";
}

const char *proto_name(enum proto p)
{
	return p == PROTO_TCP ? "TCP" : p == PROTO_UDP ? "UDP" : "";
}

void cmd_prog_name(enum side side, int prog, int child, char *out, size_t len)
{
	char num[4] = "", ch[4] = "";
	if (prog > 1)
		snprintf(num, sizeof num, "%d", prog % 10);
	if (child > 0)
		snprintf(ch, sizeof ch, ".%d", child % 10);
	snprintf(out, len, "%s%s%s", side_name(side), num, ch);
}

const char *errno_name(int err)
{
	static _Thread_local char buf[16];
	const char *n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

int errno_fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	if (err && errlen) {
		char what[160];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
		snprintf(err, errlen, "%s: %s (%s)", what, errno_name(e), strerror(e));
	}
	return -e;
}
