/* families.c - the lecture's families and types, and the table of what
 * this kernel answered (see families.h). */
#include "families.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "session.h" /* errno_name */

/* The lecture's list (socket(2)'s table), AF_LOCAL included: a synonym is
 * a family a student will meet in code. */
static const struct fam_family families[FAM_NFAMILIES] = {
	{ "AF_UNIX", AF_UNIX },       { "AF_LOCAL", AF_LOCAL },     { "AF_INET", AF_INET },
	{ "AF_AX25", AF_AX25 },       { "AF_IPX", AF_IPX },         { "AF_APPLETALK", AF_APPLETALK },
	{ "AF_X25", AF_X25 },         { "AF_INET6", AF_INET6 },     { "AF_DECnet", AF_DECnet },
	{ "AF_KEY", AF_KEY },         { "AF_NETLINK", AF_NETLINK }, { "AF_PACKET", AF_PACKET },
	{ "AF_RDS", AF_RDS },         { "AF_PPPOX", AF_PPPOX },     { "AF_LLC", AF_LLC },
	{ "AF_IB", AF_IB },           { "AF_MPLS", AF_MPLS },       { "AF_CAN", AF_CAN },
	{ "AF_TIPC", AF_TIPC },       { "AF_BLUETOOTH", AF_BLUETOOTH }, { "AF_ALG", AF_ALG },
	{ "AF_VSOCK", AF_VSOCK },     { "AF_KCM", AF_KCM },         { "AF_XDP", AF_XDP },
};

static const struct fam_type types[FAM_NTYPES] = {
	{ "SOCK_STREAM", SOCK_STREAM }, { "SOCK_DGRAM", SOCK_DGRAM }, { "SOCK_SEQPACKET", SOCK_SEQPACKET },
	{ "SOCK_RAW", SOCK_RAW },       { "SOCK_RDM", SOCK_RDM },     { "SOCK_PACKET", SOCK_PACKET },
};

const struct fam_family *fam_families(void)
{
	return families;
}

const struct fam_type *fam_types(void)
{
	return types;
}

/* The errnos socket() gives for a family or type it lacks, each with a
 * code short enough for a cell. */
static const struct {
	int err;
	const char *code;
} codes[] = {
	{ EAFNOSUPPORT, "AF" },
	{ ESOCKTNOSUPPORT, "ST" },
	{ EPROTONOSUPPORT, "PR" },
	{ EPROTOTYPE, "PT" },
	{ EINVAL, "IN" },
	{ EPERM, "PE" },
	{ EACCES, "AC" },
	{ ENODEV, "ND" },
};
#define NCODES (sizeof codes / sizeof codes[0])

/* A cell: the descriptor, or the errno's code (an errno without one: its
 * name's first two letters after the E). */
static void cell(int r, char *out, size_t len)
{
	if (r >= 0) {
		snprintf(out, len, "%d", r);
		return;
	}
	for (size_t i = 0; i < NCODES; i++)
		if (codes[i].err == -r) {
			snprintf(out, len, "%s", codes[i].code);
			return;
		}
	const char *n = errno_name(-r);
	snprintf(out, len, "%.2s", n[0] == 'E' ? n + 1 : n);
}

struct out {
	char *p;
	size_t len, w;
	int lines;
};

/* s appended, or t then s (t a separator: " ", "; "). */
static void put2(struct out *o, const char *t, const char *s)
{
	if (o->w >= o->len)
		return;
	int k = snprintf(o->p + o->w, o->len - o->w, "%s%s", t, s);
	if (k > 0)
		o->w = o->w + (size_t)k < o->len ? o->w + (size_t)k : o->len - 1;
}

static void newline(struct out *o)
{
	put2(o, "", "\n");
	o->lines++;
}

/* Type columns: the name without SOCK_, each as wide as its heading. */
#define LABEL_W (FAM_WIDTH - 38) /* "STREAM DGRAM SEQPACKET RAW RDM PACKET" and a blank before it */

int fam_table(const int *res, char *out, size_t len)
{
	struct out o = { out, len, 0, 0 };
	bool done[FAM_NFAMILIES] = { false }, used[NCODES + 1] = { false };
	char buf[96];

	if (!out || !len)
		return 0;
	out[0] = '\0';
	snprintf(buf, sizeof buf, "%-*s", LABEL_W, "FAMILY (AF_...)");
	put2(&o, "", buf);
	for (int t = 0; t < FAM_NTYPES; t++)
		put2(&o, t ? " " : "", types[t].name + 5);
	newline(&o);
	for (int f = 0; f < FAM_NFAMILIES; f++) {
		if (done[f])
			continue;
		/* The families that answered exactly as f did, in the lecture's order. */
		char label[256] = "";
		size_t lw = 0;
		for (int g = f; g < FAM_NFAMILIES; g++) {
			if (done[g] || memcmp(res + g * FAM_NTYPES, res + f * FAM_NTYPES, sizeof(int) * FAM_NTYPES))
				continue;
			done[g] = true;
			int k = snprintf(label + lw, sizeof label - lw, "%s%s", lw ? " " : "", families[g].name + 3);
			if (k > 0 && lw + (size_t)k < sizeof label)
				lw += (size_t)k;
		}
		/* The label wraps at a blank; the cells go on its first line. */
		const char *l = label;
		bool first = true;
		while (*l || first) {
			size_t n = strlen(l);
			if (n > LABEL_W - 1) {
				n = LABEL_W - 1;
				while (n > 0 && l[n] != ' ')
					n--;
				if (!n)
					n = LABEL_W - 1;
			}
			snprintf(buf, sizeof buf, "%-*.*s", LABEL_W, (int)n, l);
			put2(&o, "", buf);
			l += n;
			while (*l == ' ')
				l++;
			if (first)
				for (int t = 0; t < FAM_NTYPES; t++) {
					char c[16];
					int r = res[f * FAM_NTYPES + t];
					cell(r, c, sizeof c);
					snprintf(buf, sizeof buf, "%-*s", (int)strlen(types[t].name + 5), c);
					put2(&o, t ? " " : "", buf);
					size_t ci = NCODES;
					for (size_t i = 0; i < NCODES; i++)
						if (r < 0 && codes[i].err == -r)
							ci = i;
					if (r < 0)
						used[ci] = true;
				}
			/* no trailing blanks */
			while (o.w > 0 && out[o.w - 1] == ' ')
				out[--o.w] = '\0';
			newline(&o);
			first = false;
		}
	}
	/* The legend: what a number and each code used mean, wrapped at FAM_WIDTH. */
	char item[128];
	size_t col = 0;
	const char *first_item = "N: the descriptor (closed at once)";
	put2(&o, "", first_item);
	col = strlen(first_item);
	for (size_t i = 0; i <= NCODES; i++) {
		if (!used[i])
			continue;
		if (i < NCODES)
			snprintf(item, sizeof item, "%s: %s", codes[i].code, errno_name(codes[i].err));
		else
			snprintf(item, sizeof item, "others: the errno's letters after E");
		if (col + 2 + strlen(item) > FAM_WIDTH) {
			newline(&o);
			col = 0;
		} else {
			put2(&o, "", "  ");
			col += 2;
		}
		put2(&o, "", item);
		col += strlen(item);
	}
	newline(&o);
	if (o.w > 0 && out[o.w - 1] == '\n')
		out[--o.w] = '\0';
	return o.lines;
}
