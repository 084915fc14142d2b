/* cmd_format.c - cmd_format: a parsed command back to its canonical line,
 * for logs, saved lessons and handouts. The line re-parses to the same
 * command: text is quoted and escaped, defaults are left out. Pure. */
#include "cmd_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

struct out {
	char *buf;
	size_t len, pos;
};

__attribute__((format(printf, 2, 3)))
static void emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (o->pos >= o->len)
		return;
	va_start(ap, fmt);
	k = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->pos += (size_t)k;
}

/* Text always in quotes, escaped so it re-parses to the same bytes. Bytes from
 * 0x80 up stay as they are: UTF-8 text ("año") reads better that way. */
static void emit_quoted(struct out *o, const unsigned char *s, size_t n)
{
	emit(o, " \"");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = s[i];
		switch (ch) {
		case '\n': emit(o, "\\n"); break;
		case '\t': emit(o, "\\t"); break;
		case '\r': emit(o, "\\r"); break;
		case '\\': emit(o, "\\\\"); break;
		case '"': emit(o, "\\\""); break;
		case '\0': emit(o, "\\0"); break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				emit(o, "\\x%02X", ch);
			else
				emit(o, "%c", ch);
		}
	}
	emit(o, "\"");
}

/* A word bare when it can be, quoted when blanks, quotes or a leading '#'
 * would change how it reads back. */
static void emit_word(struct out *o, const char *s)
{
	bool bare = s[0] != '\0' && s[0] != '#';

	for (const char *p = s; *p && bare; p++)
		if (cmd_blank(*p) || *p == '"' || (unsigned char)*p < 0x20 || *p == 0x7f)
			bare = false;
	if (bare)
		emit(o, " %s", s);
	else
		emit_quoted(o, (const unsigned char *)s, strlen(s));
}

static void emit_target(struct out *o, const struct target *t)
{
	char name[24];
	cmd_prog_name(t->side, t->prog, t->child, name, sizeof name);
	emit(o, "%s", name);
	if (t->fd >= 0)
		emit(o, "#%d", t->fd);
}

/* inet_addr is the default, so it is written only where the address needs
 * it: a form other than the plain dotted quad of its bytes ("1.2.3"). */
static void emit_conv(struct out *o, const struct cmd *c)
{
	unsigned char b[4];
	char quad[16];

	memcpy(b, &c->addr.s_addr, 4);
	snprintf(quad, sizeof quad, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (c->conv == CONV_INET_PTON)
		emit(o, " inet_pton");
	else if (strcmp(quad, c->addr_text) != 0)
		emit(o, " inet_addr");
	if (c->nohtons)
		emit(o, " nohtons");
}

static void emit_ms(struct out *o, unsigned ms)
{
	emit(o, " %ums", ms);
}

static void format_expect(struct out *o, const struct cmd *c)
{
	emit(o, "expect");
	switch (c->ex.what) {
	case EX_SOCKADDR:
		emit(o, " sockaddr");
		emit_quoted(o, (const unsigned char *)c->ex.a, strlen(c->ex.a));
		return;
	case EX_WIRE_SAW:
		emit(o, " wire saw");
		emit_quoted(o, c->data, c->data_len);
		return;
	case EX_WIRE_HELD:
		emit(o, " wire held %s", c->ex.a);
		return;
	default:
		break;
	}
	emit(o, " ");
	emit_target(o, &c->t);
	emit(o, " %s", cmd_check_name(c->ex.what)); /* the check table's word (cmd_expect.c) */
	if (c->ex.what == EX_DATA)
		emit_quoted(o, c->data, c->data_len);
	else if (c->ex.what == EX_LOCAL || c->ex.what == EX_REMOTE)
		emit(o, " %s %s", c->ex.a, c->ex.b);
	else
		emit(o, " %s", c->ex.a);
}

/* run PROGRAM ARG...: each word bare or quoted, so it reads back the same. */
static void emit_run(struct out *o, const struct cmd *c)
{
	const char *argv[CMD_RUN_ARGS + 2];
	int n = cmd_run_argv(c, argv, CMD_RUN_ARGS + 2);

	for (int i = 0; i < n; i++)
		emit_word(o, argv[i]);
}

static void format_side(struct out *o, const struct cmd *c)
{
	static const char *const hows[] = { [SHUT_RD] = "rd", [SHUT_WR] = "wr", [SHUT_RDWR] = "both" };

	emit_target(o, &c->t);
	emit(o, " %s", cmd_verb_name(c->verb));
	switch (c->verb) {
	case V_SOCKET:
		emit(o, " %s", c->kind ? c->kind->word : c->proto == PROTO_UDP ? "udp" : "tcp");
		break;
	case V_NONBLOCK:
		emit(o, " %s", c->optval ? "on" : "off");
		break;
	case V_SELECT:
		emit(o, " %s", c->sel_rd && c->sel_wr ? "rdwr" : c->sel_wr ? "wr" : "rd");
		for (size_t i = 0; i < c->sel_n && i < CMD_SEL_MAX; i++)
			emit(o, " %d", c->sel_fd[i]);
		break;
	case V_BIND:
	case V_CONNECT:
		emit(o, " %s %u", c->addr_text, (unsigned)c->port);
		emit_conv(o, c);
		break;
	case V_LISTEN:
		emit(o, " %d", c->backlog);
		break;
	case V_SEND:
		emit_quoted(o, c->data, c->data_len);
		break;
	case V_RECV:
	case V_RECVFROM:
		emit(o, " %zu", c->maxlen);
		break;
	case V_SENDTO:
		emit(o, " %s %u", c->addr_text, (unsigned)c->port);
		emit_quoted(o, c->data, c->data_len);
		emit_conv(o, c);
		break;
	case V_SHUTDOWN:
		emit(o, " %s", (unsigned)c->how < 3 ? hows[c->how] : "?");
		break;
	case V_SETSOCKOPT:
		emit(o, " reuseaddr %s", c->optval ? "on" : "off");
		break;
	case V_FLOOD:
		emit(o, " %lu udp %s %u", c->count, c->addr_text, (unsigned)c->port);
		break;
	case V_SYSCTL:
		emit(o, " %s", c->path);
		break;
	case V_RUN:
		emit_run(o, c);
		break;
	case V_INPUT:
		emit_quoted(o, c->data, c->data_len);
		break;
	case V_FAULT:
		emit(o, " next %s", cmd_fault_call_word(c->fault_call));
		if (c->fault_err == 0)
			emit(o, " short %lu", c->count);
		else
			emit(o, " %s", c->fault_err == EINTR ? "eintr" : c->fault_err == EAGAIN ? "eagain" : "econnreset");
		break;
	default:
		break;
	}
}

void cmd_format(const struct cmd *c, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };

	if (!buf || len == 0)
		return;
	buf[0] = '\0';
	if (!c)
		return;
	switch (c->verb) {
	case V_WIRE:
		emit(&o, "wire %s", (unsigned)c->wop <= W_STATUS ? wire_words[c->wop] : "?");
		if (c->frame != FAULT_NONE)
			emit(&o, " next %s", fault_frame_name(c->frame));
		if (c->wop == W_DELAY)
			emit_ms(&o, c->ms);
		else if (c->wop == W_SAVE)
			emit_word(&o, c->path);
		break;
	case V_SAY:
		emit(&o, "say");
		emit_quoted(&o, c->data, c->data_len);
		break;
	case V_EXPECT:
		format_expect(&o, c);
		break;
	case V_PREDICT:
		emit(&o, "predict");
		if (c->t.side != SIDE_NONE) {
			emit(&o, " ");
			emit_target(&o, &c->t);
		}
		emit(&o, " %s", c->ex.a);
		emit_quoted(&o, c->data, c->data_len);
		break;
	case V_INET_ADDR:
	case V_INET_PTON:
		emit(&o, "%s", cmd_verb_name(c->verb));
		emit_word(&o, c->text);
		break;
	case V_HTONS:
	case V_HTONL:
	case V_NTOHS:
	case V_NTOHL:
		emit(&o, "%s %lu", cmd_verb_name(c->verb), (unsigned long)c->num);
		break;
	case V_WAIT:
		emit(&o, "wait");
		emit_ms(&o, c->ms);
		break;
	case V_SAVE:
		emit(&o, "%s lesson", c->force ? "save!" : "save");
		emit_word(&o, c->path);
		break;
	default:
		format_side(&o, c);
		break;
	}
}
