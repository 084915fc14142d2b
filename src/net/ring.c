/* ring.c - the wire's capture handles and their rings (see ring.h). */
#include "ring.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fdutil.h"

/* libpcap's slot for a frame: the snapshot plus its tpacket and link headers,
 * aligned (1680 bytes for 1600 with libpcap 1.10; a little more is asked). */
#define RING_SLOT (RING_SNAP + 128)
/* The longest classic BPF program Linux attaches (BPF_MAXINSNS in
 * linux/filter.h, which cannot be included beside pcap/bpf.h). */
#define KERNEL_MAXINSNS 4096

/* The kernel's filter on h: whether one of `insns` instructions is
 * attached. libpcap falls back to filtering in user space, and takes the
 * kernel filter off, when the kernel refuses a program (too long, no
 * memory): then every frame would enter the ring again. */
static bool kernel_filters(pcap_t *h, unsigned insns)
{
	socklen_t n = 0; /* 0: the kernel says how many instructions, copies none */
	return getsockopt(pcap_fileno(h), SOL_SOCKET, SO_GET_FILTER, NULL, &n) == 0 && n == insns;
}

/* Let no frame into h's ring: a one-instruction program, "ret #0". */
static int deny_all(pcap_t *h)
{
	struct bpf_insn ret0 = BPF_STMT(BPF_RET | BPF_K, 0);
	struct bpf_program p = { 1, &ret0 };
	if (pcap_setfilter(h, &p) == 0 && kernel_filters(h, 1))
		return 0;
	/* libpcap took it in user space only: attach it ourselves (struct
	 * sock_fprog: a count, then instructions laid out as bpf_insn). */
	struct {
		unsigned short len;
		struct bpf_insn *filter;
	} kp = { 1, &ret0 };
	if (setsockopt(pcap_fileno(h), SOL_SOCKET, SO_ATTACH_FILTER, &kp, sizeof(kp)) == 0 && kernel_filters(h, 1))
		return 0;
	return -EIO;
}

/* Open one capture handle: immediate, inbound only, non-blocking, with a
 * ring of `frames` slots. closed: let nothing in until a filter says what
 * (--net host: the machine's traffic is not ours to see). */
static pcap_t *open_handle(const char *ifname, unsigned frames, bool closed, int *fd, char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *h = pcap_create(ifname, eb);
	if (!h) {
		snprintf(err, errlen, "cannot capture on %s: %s", ifname, eb);
		return NULL;
	}
	/* In immediate mode libpcap's ring (TPACKET_V2) has one slot per frame,
	 * of snaplen plus headers, two to a 4 KiB page. The ring is resident
	 * for as long as the capture is open, so it holds what one turn of the
	 * poll loop can bring (RING_FRAMES and RING_IDLE, see ring.h), not megabytes. A
	 * snaplen of 1600 keeps a whole veth frame and two slots in a page
	 * (2048 took a page per frame). */
	pcap_set_snaplen(h, RING_SNAP);
	pcap_set_immediate_mode(h, 1);
	pcap_set_promisc(h, 1);
	pcap_set_buffer_size(h, (int)(frames * RING_SLOT));
	int rc = pcap_activate(h);
	if (rc < 0) {
		snprintf(err, errlen, "cannot capture on %s: %s%s", ifname, pcap_statustostr(rc),
			 rc == PCAP_ERROR_PERM_DENIED ? " (capturing needs root or cap_net_raw)" : "");
		pcap_close(h);
		return NULL;
	}
	/* The ring fills from the moment the socket is bound, inside
	 * pcap_activate: close it before anything else. What entered in that
	 * window is not handed to us: on a new filter, libpcap (pcap-linux.c,
	 * pcap_setfilter_linux) marks every slot already filled to be
	 * filtered again in user space with the new program, which refuses
	 * everything here. */
	if (closed && deny_all(h) < 0) {
		snprintf(err, errlen, "cannot filter the capture on %s in the kernel; without a filter it would "
			 "take in every user's traffic", ifname);
		pcap_close(h);
		return NULL;
	}
	/* Only what the host sent: what we inject goes out, and must not loop. */
	if (pcap_setdirection(h, PCAP_D_IN) < 0 || pcap_setnonblock(h, 1, eb) < 0) {
		snprintf(err, errlen, "cannot set up the capture on %s: %s", ifname, pcap_geterr(h));
		pcap_close(h);
		return NULL;
	}
	*fd = pcap_get_selectable_fd(h);
	if (*fd < 0) {
		snprintf(err, errlen, "the capture on %s has no descriptor to poll", ifname);
		pcap_close(h);
		return NULL;
	}
	return h;
}

/* One relay capture handle, opened by a helper thread (open_pair). */
struct opening {
	const char *ifname;
	unsigned frames;
	pcap_t *h;
	int fd;
	char err[PCAP_ERRBUF_SIZE + 128];
};

static void *open_one(void *arg)
{
	struct opening *o = arg;
	o->h = open_handle(o->ifname, o->frames, false, &o->fd, o->err, sizeof(o->err));
	return NULL;
}

static void *close_handle(void *h)
{
	pcap_close(h);
	return NULL;
}

/* Closing a packet socket that has a ring waits for two RCU grace periods
 * (af_packet.c: packet_release, then packet_set_ring for the ring), 15 ms
 * each or more, and nothing here can shorten one. Closed one after the
 * other, the two handles wait for four; closed at the same time, their
 * waits share grace periods: helper threads close the others while this
 * one closes the first, and are gone before we return (a lab rebuilt later
 * may unshare, which a threaded process cannot). Signals stay with the main
 * thread. The n handles (NULL: none) are NULL after. */
static void close_handles(pcap_t **h, int n)
{
	pthread_t t[4];
	bool spawned[4] = { false };
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (int i = 1; i < n && i < 4; i++)
		spawned[i] = h[i] && pthread_create(&t[i], NULL, close_handle, h[i]) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (int i = 0; i < n; i++)
		if (h[i] && (i >= 4 || !spawned[i]))
			pcap_close(h[i]);
	for (int i = 1; i < n && i < 4; i++)
		if (spawned[i])
			pthread_join(t[i], NULL);
	for (int i = 0; i < n; i++)
		h[i] = NULL;
}

/* Giving a packet socket its ring waits for an RCU grace period
 * (af_packet.c: packet_set_ring), 10-15 ms: the two relay handles are
 * opened side by side so that their waits overlap, the second by a helper
 * thread that is gone before we return (see close_handles). A thread
 * starts in its creator's namespaces with its credentials, so it opens the
 * same sockets the loop would. If no thread can be made, one after the
 * other. The first failure in order (client's end, then server's) is told;
 * then none is left open. */
static int open_pair(const struct rings *r, unsigned frames, pcap_t *h[2], int fd[2], char *err, size_t errlen)
{
	struct opening o[2];
	for (int d = 0; d < 2; d++)
		o[d] = (struct opening){ .ifname = r->ifname[d], .frames = frames, .fd = -1 };
	pthread_t t;
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	bool spawned = pthread_create(&t, NULL, open_one, &o[1]) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	open_one(&o[0]);
	if (spawned)
		pthread_join(t, NULL);
	else if (o[0].h)
		open_one(&o[1]);
	for (int d = 0; d < 2; d++) {
		h[d] = o[d].h;
		fd[d] = o[d].fd;
	}
	for (int d = 0; d < 2; d++)
		if (!o[d].h) {
			snprintf(err, errlen, "%s", o[d].err);
			close_handles(h, 2);
			return -EIO;
		}
	return 0;
}

/* The member of fd's fanout group that gets every frame from now on: k
 * in order of joining (a classic BPF program "ret #k"; the kernel takes
 * it modulo the members, so one member alone gets them all). Replacing a
 * program waits for a grace period (af_packet.c: __fanout_set_data_bpf);
 * the first one does not. */
static int fanout_to(int fd, unsigned k)
{
	struct bpf_insn ret = BPF_STMT(BPF_RET | BPF_K, k);
	struct { /* struct sock_fprog, as in deny_all */
		unsigned short len;
		struct bpf_insn *filter;
	} prog = { 1, &ret };
	return setsockopt(fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog, sizeof(prog)) == 0 ? 0 : -errno;
}

/* fd joins the fanout group *id, or a new one (*id 0: the kernel picks
 * its id, which goes into *id). */
static int fanout_join(int fd, unsigned *id)
{
	unsigned flags = *id ? 0 : PACKET_FANOUT_FLAG_UNIQUEID;
	int arg = (int)(*id | (unsigned)(PACKET_FANOUT_CBPF | flags) << 16);
	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0)
		return -errno;
	if (!*id) {
		socklen_t len = sizeof(arg);
		if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0)
			return -errno;
		*id = (unsigned)arg & 0xffff;
	}
	return 0;
}

int ring_open_relay(struct rings *r, const char *client_if, const char *server_if, char *err, size_t errlen)
{
	*r = (struct rings){ .ifname = { client_if, server_if }, .fd = { -1, -1 } };
	if (open_pair(r, RING_IDLE, r->idle, r->fd, err, errlen) < 0)
		return -EIO;
	r->resizable = true;
	r->h[0] = r->idle[0];
	r->h[1] = r->idle[1];
	r->n = 2;
	return 0;
}

int ring_open_one(struct rings *r, const char *ifname, unsigned frames, bool closed, char *err, size_t errlen)
{
	*r = (struct rings){ .ifname = { ifname, NULL }, .fd = { -1, -1 } };
	r->h[0] = open_handle(ifname, frames, closed, &r->fd[0], err, errlen);
	if (!r->h[0])
		return -EIO;
	r->n = 1;
	return 0;
}

void ring_close(struct rings *r)
{
	pcap_t *all[4] = { r->idle[0] ? r->idle[0] : r->h[0], r->idle[1] ? r->idle[1] : r->h[1], r->busy[0],
			   r->busy[1] };
	close_handles(all, 4);
	*r = (struct rings){ .fd = { -1, -1 } };
}

/* Before the first grow: each idle ring goes into a fanout group of its
 * own, whose program names the second member. Alone, the idle ring gets
 * every frame; the moment a busy ring joins, the busy one does, with no
 * program to replace. Not at start-up: a group with a program costs one
 * more grace period when it goes (af_packet.c: fanout_release_data), and
 * most sessions never flood. */
static int make_groups(struct rings *r)
{
	for (int d = 0; d < 2; d++)
		if (!r->group[d] && (fanout_join(r->fd[d], &r->group[d]) < 0 || fanout_to(r->fd[d], 1) < 0))
			return -1;
	return 0;
}

/* The rings' counters, kept before their handle closes. */
static void keep_stats(struct rings *r, pcap_t *h)
{
	struct pcap_stat ps;
	if (h && pcap_stats(h, &ps) == 0) {
		r->gone_recv += ps.ps_recv;
		r->gone_drop += ps.ps_drop;
	}
}

bool ring_busy(const struct rings *r)
{
	return r->busy[0] && r->resizable;
}

pcap_t *ring_before(const struct rings *r, int end)
{
	return r->busy[end] ? r->idle[end] : NULL;
}

/* Three grace periods of waiting (the program replaced twice, the busy
 * rings closed side by side), on a wire quiet for a second. Then the
 * program names the second member again, for the next grow. */
void ring_shrink(struct rings *r, ring_drain_fn *drain, void *ctx)
{
	for (int d = 0; d < 2; d++)
		if (fanout_to(pcap_fileno(r->idle[d]), 0) < 0) {
			r->resizable = false; /* busy it stays */
			return;
		}
	for (int d = 0; d < 2; d++) {
		if (r->busy[d])
			drain(ctx, r->busy[d], d);
		keep_stats(r, r->busy[d]);
		r->h[d] = r->idle[d];
		r->fd[d] = pcap_fileno(r->idle[d]);
	}
	close_handles(r->busy, 2);
	for (int d = 0; d < 2; d++)
		if (fanout_to(pcap_fileno(r->idle[d]), 1) < 0)
			r->resizable = false; /* a busy ring would not get the frames: idle it stays */
}

/* If the busy rings cannot be had, the wire stays as it is: a flood then
 * loses what the idle ring cannot hold, and "missed by the capture" counts
 * it. A busy ring that joined its group before the other failed is drained
 * by the next ring_shrink (the caller's timer). */
bool ring_grow(struct rings *r)
{
	if (!r->resizable || r->n != 2 || r->busy[0])
		return false;
	if (make_groups(r) < 0) {
		r->resizable = false; /* no fanout by program (Linux before 4.2) */
		return false;
	}
	pcap_t *h[2];
	int fd[2];
	char err[PCAP_ERRBUF_SIZE + 128];
	int low[FD_HOLD_MAX];
	int nlow = fd_hold_low(low); /* our descriptors live high (fdutil.h) */
	int rc = open_pair(r, RING_FRAMES, h, fd, err, sizeof(err));
	fd_release_low(low, nlow);
	if (rc < 0) {
		r->resizable = false; /* not at every chunk again */
		return false;
	}
	for (int d = 0; d < 2; d++) {
		unsigned id = r->group[d];
		if (fanout_join(fd[d], &id) < 0) {
			if (d == 0) {
				close_handles(h, 2);
				r->resizable = false;
				return false;
			}
			pcap_close(h[1]); /* the client's end is busy: it goes back at the shrink */
			h[1] = NULL;
			break;
		}
	}
	for (int d = 0; d < 2; d++) {
		r->busy[d] = h[d];
		if (h[d]) {
			r->h[d] = h[d];
			r->fd[d] = fd[d];
		}
	}
	return true;
}

void ring_stats(const struct rings *r, unsigned long *recv, unsigned long *drop)
{
	*recv = r->gone_recv;
	*drop = r->gone_drop;
	pcap_t *all[4] = { r->h[0], r->h[1], r->idle[0] != r->h[0] ? r->idle[0] : NULL,
			   r->idle[1] != r->h[1] ? r->idle[1] : NULL };
	for (int k = 0; k < 4; k++) {
		struct pcap_stat ps;
		if (all[k] && pcap_stats(all[k], &ps) == 0) {
			*recv += ps.ps_recv;
			*drop += ps.ps_drop;
		}
	}
}

int ring_filter(struct rings *r, const char *expr, char *err, size_t errlen)
{
	pcap_t *h = r->h[0];
	if (!h || r->n != 1)
		return -EINVAL;
	if (!expr[0]) {
		if (deny_all(h) == 0)
			return 0;
		snprintf(err, errlen, "the kernel refused the filter that lets nothing in");
		return -EIO;
	}
	struct bpf_program p;
	if (pcap_compile(h, &p, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "the capture's filter does not compile: %s", pcap_geterr(h));
		deny_all(h);
		return -EINVAL;
	}
	if (p.bf_len > KERNEL_MAXINSNS) {
		pcap_freecode(&p);
		return -E2BIG; /* the filter in place stays */
	}
	int rc = 0;
	if (pcap_setfilter(h, &p) < 0 || !kernel_filters(h, p.bf_len)) {
		/* Fail closed: rather nothing than everyone's frames. */
		snprintf(err, errlen, "the kernel refused the capture's filter (%u instructions)%s%s", p.bf_len,
			 pcap_geterr(h)[0] ? ": " : "", pcap_geterr(h));
		deny_all(h);
		rc = -EIO;
	}
	pcap_freecode(&p);
	return rc;
}

