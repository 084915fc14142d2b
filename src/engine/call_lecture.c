/* call_lecture.c - the lecture's tables, made from real calls: families
 * (socket() of every family and type), journey (a port's bytes from HOST1
 * to HOST2), sender (ntohs/ntohl of the address a call filled in). One
 * entry each, see call.h. */
#include "call.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "convert.h"
#include "families.h"
#include "wire.h"

static int families_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen);
static int journey_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen);
static int sender_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen);

/* In the program: the lecture's families and types, tried one by one:
 * each answer is a descriptor, closed at once, or -errno. */
static long families_perform(struct prog_call *pc)
{
	const struct prog_req *rq = pc->rq;
	int pairs[2];
	size_t n = rq->len / sizeof pairs;
	if (n > sizeof rq->data / sizeof pairs)
		n = sizeof rq->data / sizeof pairs;
	for (size_t i = 0; i < n; i++) {
		memcpy(pairs, rq->data + i * sizeof pairs, sizeof pairs);
		int fd = socket(pairs[0], pairs[1], 0);
		int a = fd >= 0 ? fd : -errno;
		if (fd >= 0)
			close(fd);
		memcpy(pc->rp->data + i * sizeof a, &a, sizeof a);
	}
	pc->rp->len = n * sizeof(int);
	return (long)n;
}

const struct call_entry call_lecture_entries[] = {
	{ .verb = V_FAMILIES, .flags = CE_STARTS, .perform = families_perform, .run = families_run },
	{ .verb = V_JOURNEY, .flags = CE_STARTS, .run = journey_run },
	{ .verb = V_SENDER, .run = sender_run },
};
const size_t call_lecture_count = sizeof(call_lecture_entries) / sizeof(call_lecture_entries[0]);

/* SIDE families: the program tries socket() for each family and type of
 * the lecture's table, in its own host, and closes each descriptor at once;
 * the answers become one table. */
static int families_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	int rc;
	if (!(pr = slot_prog_for(e, pr, &c->t, &rc, err, errlen)))
		return rc;
	const struct fam_family *fa = fam_families();
	const struct fam_type *ty = fam_types();
	struct prog_req rq;
	call_req_init(&rq, V_FAMILIES, -1);
	rq.len = sizeof(int[2]) * FAM_NCALLS;
	for (int f = 0; f < FAM_NFAMILIES; f++)
		for (int t = 0; t < FAM_NTYPES; t++) {
			int pair[2] = { fa[f].domain, ty[t].type };
			memcpy(rq.data + (size_t)(f * FAM_NTYPES + t) * sizeof pair, pair, sizeof pair);
		}
	call_begin(e, pr, &call_lecture_entries[0], NULL);
	pr->args.set = false; /* one EV_CALL for many socket() calls: no single call's arguments */
	snprintf(pr->code, sizeof(pr->code), "for each family f and type t listed: s = socket(f, t, 0); "
		 "if (s >= 0) close(s);");
	rc = call_send(e, pr, &rq, -1);
	if (rc <= 0) { /* socket() never sleeps: only a program gone ends here */
		slot_prog_died(e, pr);
		return ERR("%s ended before it answered; expected \"%s families\" again", pr->name, pr->name);
	}
	struct prog_rep *rp = e->rep;
	int res[FAM_NCALLS], ok = 0;
	if (rp->len < sizeof res)
		return ERR("%s answered %zu of the %d calls; expected all of them", pr->name, rp->len / sizeof(int),
			   FAM_NCALLS);
	memcpy(res, rp->data, sizeof res);
	for (int i = 0; i < FAM_NCALLS; i++)
		ok += res[i] >= 0;
	call_log_result(e, pr, -1, ok, 0, CS_DONE, 0);
	char table[4096];
	fam_table(res, table, sizeof table);
	slot_log(e, EV_TABLE, pr, -1, "socket(AF_..., SOCK_..., 0) in the %s host: what this kernel answered\n%s",
		 side_name(pr->side), table);
	slot_log(e, EV_INFO, pr, -1, "%d of the %d socket() calls gave a descriptor: the lecture's PF_INET with "
		 "SOCK_STREAM (TCP) and SOCK_DGRAM (UDP) among them; \"some socket types may not be implemented by "
		 "all protocol families\"", ok, FAM_NCALLS);
	return 0;
}

/* The newest sockaddr_in a program built (bind, connect, sendto), or NULL. */
static const struct sa_build *newest_sa_of(struct engine *e, const struct eprog *pr)
{
	for (size_t i = e->log->n; i-- > e->log->first;) {
		const struct event *ev = session_at(e->log, i);
		if (ev && ev->kind == EV_SOCKADDR && ev->sa && ev->side == pr->side &&
		    (ev->prog ? ev->prog : 1) == pr->num && ev->child == pr->child)
			return ev->sa;
	}
	return NULL;
}

/* The newest captured frame whose TCP or UDP header carries the port of
 * sin (at its address, any address for INADDR_ANY) as its source port
 * (src true) or its destination port: its number, and the two bytes as
 * they are in the frame. 0 when none. */
static unsigned long frame_with_port(struct engine *e, const struct sockaddr_in *sin, bool src, unsigned char b[2])
{
	if (!e->wire)
		return 0;
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
	bool any = sin->sin_addr.s_addr == htonl(INADDR_ANY);
	uint16_t port = ntohs(sin->sin_port);
	for (unsigned long no = wire_last_no(e->wire); no > 0; no--) {
		const struct wire_frame *f = wire_frame(e->wire, no);
		if (!f)
			break; /* older ones rolled out of the ring */
		const struct dec_result *d = &f->dec;
		if (!d->has_ports || d->ipver != 4 || f->caplen < 34 || f->data[12] != 0x08 || f->data[13] != 0x00)
			continue;
		if (src ? d->sport != port || !(any || !strcmp(d->src, ip))
			: d->dport != port || !(any || !strcmp(d->dst, ip)))
			continue;
		/* The port's own bytes: after Ethernet (14) and the IPv4 header (IHL words). */
		size_t off = 14 + (size_t)(f->data[14] & 0x0F) * 4 + (src ? 0 : 2);
		if (off + 2 > f->caplen)
			continue;
		memcpy(b, f->data + off, 2);
		return no;
	}
	return 0;
}

/* SIDE journey: the lecture's HOST1 / TLI 1 / TLI 2 / HOST2 table for the
 * port of the program's newest sockaddr_in. */
static int journey_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	if (!pr)
		return slot_target_prog(e, &c->t, err, errlen) ? 0 : -EINVAL;
	const struct sa_build *b = newest_sa_of(e, pr);
	if (!b)
		return ERR("%s has built no sockaddr_in yet (or it left the session log); expected \"%s bind IP PORT\", "
			   "connect or sendto first", pr->name, pr->name);
	struct journey j = { .value = b->port_host, .nohtons = b->nohtons };
	memcpy(j.tli1, &b->sin.sin_port, 2);
	/* The frame that took the port away from HOST1: a local address (bind)
	 * leaves as the source port, a remote one (connect, sendto) as the
	 * destination; else the other way. */
	char var[24];
	const char *amp = strchr(b->code[SA_MEMSET], '&');
	snprintf(var, sizeof var, "%.*s", amp ? (int)strcspn(amp + 1, ",) ") : 0, amp ? amp + 1 : "");
	bool local = !strcmp(var, call_local_var(pr->side));
	unsigned long no = frame_with_port(e, &b->sin, local, j.wire);
	if (!no)
		no = frame_with_port(e, &b->sin, !local, j.wire);
	j.wire_set = no != 0;
	char table[1024];
	convert_journey(&j, table, sizeof table);
	unsigned kport = (unsigned)ntohs(b->sin.sin_port);
	slot_log(e, EV_TABLE, pr, -1, "port %u, as %s wrote it%s: the kernel has %u\n%s", (unsigned)b->port_host,
		 pr->name, b->nohtons ? " without htons()" : " with htons()", kport, table);
	if (no) {
		const struct wire_frame *f = wire_frame(e->wire, no);
		slot_log(e, EV_INFO, pr, -1, "TLI 2: frame #%lu as captured, bytes %02X %02X: %s", no, j.wire[0], j.wire[1],
			 f ? f->dec.summary : "");
	} else {
		slot_log(e, EV_INFO, pr, -1, "TLI 2: no frame has carried port %u yet%s", kport,
			 e->wire ? "" : " (no capture here)");
	}
	if (kport != b->port_host)
		slot_log(e, EV_INFO, pr, -1, "without htons() this %s-endian host gave the kernel %02X %02X: the network and "
			 "every receiver read %u, not %u", sa_little_endian() ? "little" : "big", j.tli1[0], j.tli1[1],
			 kport, (unsigned)b->port_host);
	return 0;
}

/* SIDE sender: the address that the program's last recvfrom() (or
 * accept()) filled in, back in host order with ntohs() and ntohl(). */
static int sender_run(struct engine *e, struct eprog *pr, const struct cmd *c, char *err, size_t errlen)
{
	(void)c;
	if (!pr->from_set)
		return ERR("%s has received nothing that names a sender yet; expected \"%s recvfrom\" (UDP) or "
			   "\"%s accept\" (TCP) first", pr->name, pr->name, pr->name);
	const char *var = call_remote_var(pr->side);
	uint16_t netport = pr->from.sin_port, port = ntohs(netport);
	unsigned char ab[4];
	memcpy(ab, &pr->from.sin_addr.s_addr, 4);
	char table[1024];
	convert_sender(&pr->from, table, sizeof table);
	slot_log(e, EV_TABLE, pr, -1, "%s() filled in %s: ntohs() and ntohl() bring it back\n%s",
		 cmd_verb_name(pr->from_verb), var, table);
	slot_log(e, EV_INFO, pr, -1, "ntohs(%s.sin_port) = %u; ntohl(%s.sin_addr.s_addr) = %u.%u.%u.%u (inet_ntoa's text)",
		 var, (unsigned)port, var, ab[0], ab[1], ab[2], ab[3]);
	char l1[320], l2[320];
	convert_ntohs(netport, l1, l2, sizeof l1);
	slot_log(e, EV_INFO, pr, -1, "%s", l2);
	return 0;
}
