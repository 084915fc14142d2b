/* wire.c - the relay between the lab's hosts, and the frame log (see wire.h). */
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "acks.h"
#include "fault.h"
#include "fdutil.h"
#include "out.h"
#include "pcapout.h"
#include "priv.h"
#include "text.h"

#define FRAMES_LISTED_PER_STEP 100
#define WIRE_CAP_SNAP 1600 /* bytes captured per frame: a whole veth frame (MTU 1500) */
/* libpcap's slot for a frame: the snapshot plus its tpacket and link headers,
 * aligned (1680 bytes for 1600 with libpcap 1.10; a little more is asked). */
#define WIRE_CAP_SLOT (WIRE_CAP_SNAP + 128)
/* The longest classic BPF program Linux attaches (BPF_MAXINSNS in
 * linux/filter.h, which cannot be included beside pcap/bpf.h). */
#define KERNEL_MAXINSNS 4096
/* The relay's flood rings go back to idle ones after this long without a
 * frame or a flood's chunk. */
#define WIRE_QUIET_MS 1000

/* A frame waiting on the wire (held or delayed): a full copy, for injection. */
struct pending {
	unsigned long no;
	enum wire_dir dir;
	unsigned len;
	unsigned long long due_ms; /* delayed: when it goes */
	unsigned char *data;
};

/* The capture files being written: they go on from one wire to the next
 * (app_reset), so each is one file however often the lab is rebuilt. */
struct wire_files {
	struct pcapout *write; /* --write: every frame */
	struct pcapout *save;  /* a "wire save" whose reader has not read it all yet */
};

struct queue {
	struct pending q[WIRE_HELD_MAX];
	unsigned head, n;
};

struct wire {
	struct lab *lab;
	struct session *log;
	bool relay;                 /* lab: relay between two handles; loopback: observe lo */
	pcap_t *h[2];               /* [WD_C2S]: capture on the client's wire end, [WD_S2C]: server's */
	int fd[2];
	int nh;
	/* The relay's rings (see WIRE_CAP_IDLE): small ones for the whole
	 * session, and flood-sized ones while the wire is busy; h is the one
	 * the kernel fills. Each end's pair is a fanout group: the kernel
	 * hands every frame to one member, the one its program names. */
	bool resizable;             /* false: the rings stay as they are */
	pcap_t *idle[2], *busy[2];  /* busy: NULL while idle */
	unsigned group[2];          /* the fanout groups' ids; 0 before the first grow */
	unsigned long long busy_ms; /* the last frame, or flood chunk announced */
	unsigned long gone_recv, gone_drop; /* counters of the rings closed already */
	int timer;                  /* timerfd for delayed frames */
	enum wire_policy policy;
	unsigned delay_ms;
	struct queue held, delayed;
	enum fault_frame armed;     /* wire hold|drop next FRAME: waits for that frame */
	enum wire_op armed_op;      /* W_HOLD or W_DROP */
	struct wire_frame spare;    /* a frame relayed when the log has no room to keep it */
	unsigned long last_no;
	struct wire_counters cnt;
	struct dec_ctx dec;
	struct wire_files files;    /* --write, and a wire save still being read */
	enum dec_linktype link;     /* Ethernet, or Linux cooked headers ("any") */
	bool cooked;                /* link is a cooked one: the decoder makes it Ethernet */
	wire_keep_fn *keep;         /* host: only our sockets' frames */
	void *keep_ctx;
	unsigned long filters;      /* host: kernel filters installed */
	unsigned listed_seq;        /* frames listed in the log for this command */
	unsigned listed;
	struct acks acks;           /* TCP segments not acknowledged yet */
};

static unsigned long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

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
	 * poll loop can bring (WIRE_CAP_FRAMES, see wire.h), not megabytes. A
	 * snaplen of 1600 keeps a whole veth frame and two slots in a page
	 * (2048 took a page per frame). */
	pcap_set_snaplen(h, WIRE_CAP_SNAP);
	pcap_set_immediate_mode(h, 1);
	pcap_set_promisc(h, 1);
	pcap_set_buffer_size(h, (int)(frames * WIRE_CAP_SLOT));
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

static void close_handles(pcap_t **h, int n);

/* Giving a packet socket its ring waits for an RCU grace period
 * (af_packet.c: packet_set_ring), 10-15 ms: the two relay handles are
 * opened side by side so that their waits overlap, the second by a helper
 * thread that is gone before we return (see close_handles). A thread
 * starts in its creator's namespaces with its credentials, so it opens the
 * same sockets the loop would. If no thread can be made, one after the
 * other. The first failure in order (client's end, then server's) is told;
 * then none is left open. */
static int open_pair(const struct wire *w, unsigned frames, pcap_t *h[2], int fd[2], char *err, size_t errlen)
{
	struct opening o[2];
	for (int d = 0; d < 2; d++)
		o[d] = (struct opening){ .ifname = w->lab->wire_if[d == WD_C2S ? SIDE_CLIENT : SIDE_SERVER],
					 .frames = frames, .fd = -1 };
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

/* The relay's handles: an idle ring on each wire end (a busy one joins
 * it while a flood runs: grow). */
static int open_relay_handles(struct wire *w, char *err, size_t errlen)
{
	if (open_pair(w, WIRE_CAP_IDLE, w->idle, w->fd, err, errlen) < 0)
		return -EIO;
	w->resizable = true;
	w->h[0] = w->idle[0];
	w->h[1] = w->idle[1];
	w->nh = 2;
	return 0;
}

/* Before the first grow: each idle ring goes into a fanout group of its
 * own, whose program names the second member. Alone, the idle ring gets
 * every frame; the moment a busy ring joins, the busy one does, with no
 * program to replace. Not at start-up: a group with a program costs one
 * more grace period when it goes (af_packet.c: fanout_release_data), and
 * most sessions never flood. */
static int make_groups(struct wire *w)
{
	for (int d = 0; d < 2; d++)
		if (!w->group[d] && (fanout_join(w->fd[d], &w->group[d]) < 0 || fanout_to(w->fd[d], 1) < 0))
			return -1;
	return 0;
}

/* The rings' counters, kept before their handle closes. */
static void keep_stats(struct wire *w, pcap_t *h)
{
	struct pcap_stat ps;
	if (h && pcap_stats(h, &ps) == 0) {
		w->gone_recv += ps.ps_recv;
		w->gone_drop += ps.ps_drop;
	}
}

static int dispatch_all(struct wire *w, pcap_t *h, enum wire_dir dir);
static void arm_timer(struct wire *w);

/* Whether the busy rings wait for a quiet second to go. */
static bool shrinking(const struct wire *w)
{
	return w->busy[0] && w->resizable;
}

/* Back to the idle rings: the kernel hands frames to them again, what the
 * busy rings hold is relayed (it came first), and they close; then the
 * program names the second member again, for the next grow. Three grace
 * periods of waiting, on a wire quiet for a second. */
static void shrink(struct wire *w)
{
	for (int d = 0; d < 2; d++)
		if (fanout_to(pcap_fileno(w->idle[d]), 0) < 0) {
			w->resizable = false; /* busy it stays */
			return;
		}
	for (int d = 0; d < 2; d++) {
		if (w->busy[d])
			dispatch_all(w, w->busy[d], (enum wire_dir)d);
		keep_stats(w, w->busy[d]);
		w->h[d] = w->idle[d];
		w->fd[d] = pcap_fileno(w->idle[d]);
	}
	close_handles(w->busy, 2);
	for (int d = 0; d < 2; d++)
		if (fanout_to(pcap_fileno(w->idle[d]), 1) < 0)
			w->resizable = false; /* a busy ring would not get the frames: idle it stays */
}

/* Flood-sized rings for a busy wire: opened beside the idle ones (one
 * grace period, both ends side by side) and joined to their groups, which
 * hands them the frames from then on. What the idle rings took before is
 * read first (wire_service). If that cannot be done, the wire stays as it
 * is: a flood then loses what the idle ring cannot hold, and "missed by the
 * capture" counts it. */
static void grow(struct wire *w)
{
	pcap_t *h[2];
	int fd[2];
	char err[PCAP_ERRBUF_SIZE + 128];
	if (make_groups(w) < 0) {
		w->resizable = false; /* no fanout by program (Linux before 4.2) */
		return;
	}
	int low[FD_HOLD_MAX];
	int nlow = fd_hold_low(low); /* our descriptors live high (fdutil.h) */
	int rc = open_pair(w, WIRE_CAP_FRAMES, h, fd, err, sizeof(err));
	fd_release_low(low, nlow);
	if (rc < 0) {
		w->resizable = false; /* not at every chunk again */
		return;
	}
	int d = 0;
	for (; d < 2; d++) {
		unsigned id = w->group[d];
		if (fanout_join(fd[d], &id) < 0)
			break;
	}
	if (d < 2) { /* undo: what entered a busy ring meanwhile is relayed */
		if (d == 1) {
			w->busy[0] = w->h[0] = h[0];
			w->fd[0] = fd[0];
			pcap_close(h[1]);
			shrink(w);
		} else
			close_handles(h, 2);
		w->resizable = false;
		return;
	}
	for (d = 0; d < 2; d++) {
		w->busy[d] = w->h[d] = h[d];
		w->fd[d] = fd[d];
	}
	w->busy_ms = now_ms();
	arm_timer(w);
}

void wire_expect(struct wire *w, unsigned long frames)
{
	if (!w->relay || !w->resizable)
		return;
	w->busy_ms = now_ms();
	if (!w->busy[0] && frames > WIRE_CAP_IDLE / 2)
		grow(w);
}

struct wire *wire_open(struct lab *lab, struct session *log, char *err, size_t errlen)
{
	struct wire *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory for the wire");
		return NULL;
	}
	w->lab = lab;
	w->log = log;
	w->timer = -1;
	w->relay = lab->mode == NET_LAB;
	w->link = DEC_LINK_ETH;
	dec_init(&w->dec);
	if (w->relay) {
		if (open_relay_handles(w, err, errlen) < 0) {
			wire_close(w);
			return NULL;
		}
		w->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	} else {
		/* Loopback: lo of our own namespace. Host: every interface of the
		 * machine ("any", Linux cooked headers), in both directions. */
		bool host = lab->mode == NET_HOST;
		/* The host's other traffic shares the ring until the filter
		 * drops it: a bigger ring there. */
		w->h[0] = open_handle(host ? "any" : "lo", host ? 4 * WIRE_CAP_FRAMES : WIRE_CAP_FRAMES, host,
				      &w->fd[0], err, errlen);
		if (!w->h[0]) {
			if (host && !strstr(err, "filter"))
				snprintf(err, errlen, "capturing on the host needs root or cap_net_raw: run it with sudo "
					 "(sockstep then drops to your user) or grant it once with "
					 "'sudo setcap cap_net_raw+ep %s'", "build/sockstep");
			wire_close(w);
			return NULL;
		}
		if (host)
			pcap_setdirection(w->h[0], PCAP_D_INOUT);
		int dlt = pcap_datalink(w->h[0]);
		if (dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2) {
			w->link = dlt == DLT_LINUX_SLL ? DEC_LINK_SLL : DEC_LINK_SLL2;
			w->cooked = true;
		}
		w->nh = 1;
	}
	return w;
}

void wire_set_filter(struct wire *w, wire_keep_fn *keep, void *ctx)
{
	w->keep = keep;
	w->keep_ctx = ctx;
}

int wire_kernel_filter(struct wire *w, const char *expr, char *err, size_t errlen)
{
	pcap_t *h = w->h[0];
	if (!h || w->relay)
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
	w->filters++;
	return rc;
}

/* What the kernel's rings took in and dropped so far, the closed ones too. */
static void ring_stats(const struct wire *w, unsigned long *recv, unsigned long *drop)
{
	*recv = w->gone_recv;
	*drop = w->gone_drop;
	for (int i = 0; i < w->nh; i++) {
		pcap_t *both[2] = { w->h[i], w->idle[i] != w->h[i] ? w->idle[i] : NULL };
		for (int k = 0; k < 2; k++) {
			struct pcap_stat ps;
			if (both[k] && pcap_stats(both[k], &ps) == 0) {
				*recv += ps.ps_recv;
				*drop += ps.ps_drop;
			}
		}
	}
}

unsigned long wire_ring_frames(const struct wire *w)
{
	unsigned long recv, drop;
	ring_stats(w, &recv, &drop);
	return recv;
}

unsigned long wire_filters(const struct wire *w)
{
	return w->filters;
}

static void queue_free(struct queue *q)
{
	for (unsigned i = 0; i < q->n; i++)
		free(q->q[(q->head + i) % WIRE_HELD_MAX].data);
	q->n = 0;
}

/* The end of the capture files: what is left is given its reader's time. */
static void files_close(struct wire_files *f)
{
	pcapout_close(f->write, PCAPOUT_CLOSE_MS);
	pcapout_close(f->save, PCAPOUT_CLOSE_MS);
	f->write = f->save = NULL;
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

void wire_close(struct wire *w)
{
	if (!w)
		return;
	/* Every ring at once: the relay's idle and busy ones, or the one. */
	pcap_t *all[4] = { w->relay ? w->idle[0] : w->h[0], w->relay ? w->idle[1] : w->h[1], w->busy[0],
			   w->busy[1] };
	close_handles(all, 4);
	files_close(&w->files);
	if (w->timer >= 0)
		close(w->timer);
	queue_free(&w->held);
	queue_free(&w->delayed);
	free(w);
}

int wire_write_to(struct wire *w, FILE *f, const char *path, char *err, size_t errlen)
{
	/* The stream only held the descriptor (opened with the user's rights,
	 * main.c): the capture writes to the descriptor itself. */
	int fd = fcntl(fileno(f), F_DUPFD_CLOEXEC, fileno(f));
	fclose(f);
	if (fd < 0) {
		snprintf(err, errlen, "--write \"%s\": %s", tesc(path), errno_name(errno));
		return -EIO;
	}
	struct pcapout *o = pcapout_open(fd, false, "the --write capture", path, 65535, err, errlen);
	if (!o)
		return -EIO;
	pcapout_close(w->files.write, PCAPOUT_CLOSE_MS);
	w->files.write = o;
	return 0;
}

void *wire_take_writer(struct wire *w)
{
	if (!w->files.write && !w->files.save)
		return NULL;
	struct wire_files *f = malloc(sizeof(*f));
	if (!f) {
		files_close(&w->files);
		return NULL;
	}
	*f = w->files;
	w->files = (struct wire_files){ 0 };
	return f;
}

void wire_writer_close(void *writer)
{
	if (!writer)
		return;
	files_close(writer);
	free(writer);
}

void wire_give_writer(struct wire *w, void *writer)
{
	if (!writer)
		return;
	files_close(&w->files);
	w->files = *(struct wire_files *)writer;
	free(writer);
}

int wire_pollfds(const struct wire *w, struct pollfd *pfd, int max)
{
	int n = 0;
	for (int i = 0; i < w->nh && n < max; i++)
		pfd[n++] = (struct pollfd){ .fd = w->fd[i], .events = POLLIN };
	if (w->timer >= 0 && (w->delayed.n || shrinking(w)) && n < max)
		pfd[n++] = (struct pollfd){ .fd = w->timer, .events = POLLIN };
	/* A capture file whose reader has bytes to read: woken when it reads. */
	if (n < max)
		n += pcapout_pollfd(w->files.write, &pfd[n]);
	if (n < max)
		n += pcapout_pollfd(w->files.save, &pfd[n]);
	return n;
}

/* A frame the log keeps (the wire sets its fate there). */
static struct wire_frame *slot(const struct wire *w, unsigned long no)
{
	return frames_get_mut(&w->log->frames, no);
}

const struct wire_frame *wire_frame(const struct wire *w, unsigned long no)
{
	return slot(w, no);
}

static void set_fate(struct wire *w, unsigned long no, enum frame_fate f)
{
	struct wire_frame *fr = slot(w, no);
	if (fr)
		fr->fate = f;
}

/* Put a frame on the other host's wire end. */
static bool inject(struct wire *w, enum wire_dir dir, const unsigned char *p, unsigned len)
{
	pcap_t *out = w->h[dir == WD_C2S ? WD_S2C : WD_C2S];
	return pcap_inject(out, p, len) == (int)len;
}

static bool enqueue(struct queue *q, unsigned long no, enum wire_dir dir, const unsigned char *p,
		    unsigned len, unsigned long long due)
{
	if (q->n == WIRE_HELD_MAX)
		return false;
	unsigned char *copy = malloc(len);
	if (!copy)
		return false;
	memcpy(copy, p, len);
	q->q[(q->head + q->n) % WIRE_HELD_MAX] =
		(struct pending){ .no = no, .dir = dir, .len = len, .due_ms = due, .data = copy };
	q->n++;
	return true;
}

static struct pending dequeue(struct queue *q)
{
	struct pending p = q->q[q->head];
	q->head = (q->head + 1) % WIRE_HELD_MAX;
	q->n--;
	return p;
}

/* The timer: for the first delayed frame, and for the busy rings' end. */
static void arm_timer(struct wire *w)
{
	if (w->timer < 0)
		return;
	struct itimerspec its = { 0 };
	unsigned long long due = w->delayed.n ? w->delayed.q[w->delayed.head].due_ms : 0;
	if (shrinking(w) && (!due || w->busy_ms + WIRE_QUIET_MS < due))
		due = w->busy_ms + WIRE_QUIET_MS;
	if (due) {
		unsigned long long now = now_ms();
		unsigned long long in = due > now ? due - now : 1;
		its.it_value.tv_sec = (time_t)(in / 1000);
		its.it_value.tv_nsec = (long)(in % 1000) * 1000000L;
	}
	timerfd_settime(w->timer, 0, &its, NULL);
}

/* A line for the log about one frame: direction, summary, what became of it. */
static void log_frame(struct wire *w, const struct wire_frame *f)
{
	if (w->log->seq != w->listed_seq) {
		w->listed_seq = w->log->seq;
		w->listed = 0;
	}
	if (++w->listed > FRAMES_LISTED_PER_STEP) {
		if (w->listed == FRAMES_LISTED_PER_STEP + 1)
			session_add(w->log, EV_WIRE, SIDE_NONE, -1,
				    "more frames follow; the list stops here (\"wire status\" counts them)");
		return;
	}
	const char *fate = wire_fate_name(f->fate);
	struct event *ev = session_add(w->log, EV_FRAME, f->dir == WD_C2S ? SIDE_CLIENT : SIDE_SERVER, -1,
				       "%-7s %s%s%s%s", wire_dir_name(f->dir), f->dec.summary,
				       fate[0] ? "  (" : "", fate, fate[0] ? ")" : "");
	if (ev)
		ev->ret = (long)f->no;
}

/* The frame as Ethernet, whatever the capture's link layer (the decoder
 * reads cooked headers: decode_sll.c), in buf; NULL when it is to be
 * skipped: lo shows each packet going out and coming in (keep one), and a
 * cooked frame that does not fit. *h is adjusted to the Ethernet form. */
static const unsigned char *as_ethernet(const struct wire *w, struct pcap_pkthdr *h, const unsigned char *p,
					unsigned char *buf, size_t bufcap)
{
	if (!w->cooked)
		return p;
	struct dec_link l;
	if (dec_link(w->link, p, h->caplen, &l) < 0 || h->caplen - l.net_off > bufcap - 14)
		return NULL;
	if (l.dir == DEC_PKT_OUTGOING && l.hatype == 772 /* ARPHRD_LOOPBACK */)
		return NULL;
	size_t n = dec_link_eth(&l, p, h->caplen, buf, bufcap);
	h->len = h->len - (unsigned)l.net_off + (unsigned)(n - (h->caplen - l.net_off));
	h->caplen = (unsigned)n;
	return buf;
}

bool wire_awaits(const struct wire *w)
{
	return acks_owed(&w->acks) || w->delayed.n > 0;
}

/* One frame arrived from a host: decode it once (flow key, summary), keep
 * it in the log's frame store if it is ours, then relay, hold or delay it. */
static void on_frame(struct wire *w, enum wire_dir dir, const struct pcap_pkthdr *ph,
		     const unsigned char *p)
{
	unsigned char eth[WIRE_CAP_SNAP + 14];
	struct pcap_pkthdr hh = *ph, *h = &hh;
	p = as_ethernet(w, h, p, eth, sizeof(eth));
	if (!p)
		return;
	struct dec_result r;
	dec_peek(&w->dec, p, h->caplen, h->len, &r);
	if (w->keep && !w->keep(w->keep_ctx, &r)) {
		w->cnt.foreign++; /* the kernel's filter let it in; ours did not */
		return;
	}
	dec_learn(&w->dec, &r);
	acks_see(&w->acks, &r);
	const char *fired = NULL; /* the armed fault took this frame */
	unsigned long no = ++w->last_no;
	struct wire_frame *f = frames_put(&w->log->frames, no);
	if (!f) {
		f = &w->spare; /* no memory to keep it: relayed all the same */
		f->no = no;
	}
	f->seq = w->log->seq;
	f->dir = w->relay ? dir : w->cooked ? WD_HOST : WD_LOCAL;
	f->ts = h->ts;
	f->len = h->len;
	f->caplen = h->caplen < FRAME_SNAP ? h->caplen : FRAME_SNAP;
	memcpy(f->data, p, f->caplen);
	f->dec = r;
	w->cnt.seen++;
	if (w->files.write)
		pcapout_frame(w->files.write, h, p); /* never blocks; a stop is said there */

	if (!w->relay)
		f->fate = FF_SEEN;
	else if (w->armed != FAULT_NONE && fault_matches(w->armed, &f->dec)) {
		/* The armed fault takes this frame whatever the policy, once. */
		fired = fault_frame_what(w->armed);
		w->armed = FAULT_NONE;
		if (w->armed_op == W_DROP) {
			f->fate = FF_DROPPED;
			w->cnt.dropped++;
		} else {
			bool ok = enqueue(&w->held, no, dir, p, h->caplen, 0);
			f->fate = ok ? FF_HELD : FF_LOST;
			ok ? w->cnt.held++ : w->cnt.lost++;
		}
	} else if (h->caplen < h->len) {
		/* Bigger than the capture keeps (lo's MTU): cannot be relayed whole. */
		f->fate = FF_LOST;
		w->cnt.lost++;
	} else if (w->policy == WP_PASS) {
		bool ok = inject(w, dir, p, h->caplen);
		f->fate = ok ? FF_PASSED : FF_LOST;
		ok ? w->cnt.relayed++ : w->cnt.lost++;
	} else if (w->policy == WP_HOLD) {
		bool ok = enqueue(&w->held, no, dir, p, h->caplen, 0);
		f->fate = ok ? FF_HELD : FF_LOST;
		ok ? w->cnt.held++ : w->cnt.lost++;
	} else {
		bool ok = enqueue(&w->delayed, no, dir, p, h->caplen, now_ms() + w->delay_ms);
		f->fate = ok ? FF_DELAYED : FF_LOST;
		ok ? w->cnt.delayed++ : w->cnt.lost++;
		if (ok && w->delayed.n == 1)
			arm_timer(w);
	}
	log_frame(w, f);
	if (fired)
		session_add(w->log, EV_WIRE, SIDE_NONE, -1, "%s #%lu: the next %s, as armed; the wire passes the others again",
			    f->fate == FF_DROPPED ? "dropped" : f->fate == FF_HELD ? "held" : "lost", no, fired);
}

struct dispatch_ctx {
	struct wire *w;
	enum wire_dir dir;
};

static void pcap_cb(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *p)
{
	struct dispatch_ctx *c = (struct dispatch_ctx *)user;
	on_frame(c->w, c->dir, h, p);
}

/* Relay a frame that waited; log what happened to it. */
static void release(struct wire *w, struct pending *p, const char *why)
{
	bool ok = inject(w, p->dir, p->data, p->len);
	set_fate(w, p->no, ok ? FF_RELEASED : FF_LOST);
	ok ? w->cnt.released++ : w->cnt.lost++;
	const struct wire_frame *f = slot(w, p->no);
	session_add(w->log, EV_WIRE, SIDE_NONE, -1, "%s #%lu %s %s%s", why, p->no, wire_dir_name(p->dir),
		    f ? f->dec.summary : "", ok ? "" : " (inject failed: lost)");
	free(p->data);
}

/* Every frame h holds, in order. The number read. */
static int dispatch_all(struct wire *w, pcap_t *h, enum wire_dir dir)
{
	struct dispatch_ctx c = { w, dir };
	int n = 0, r;
	while ((r = pcap_dispatch(h, 64, pcap_cb, (unsigned char *)&c)) > 0)
		n += r;
	return n;
}

int wire_service(struct wire *w)
{
	/* Counted: the frames kept. Others' frames refused by the keep filter
	 * are no sign of our network moving (they must not hold a step open). */
	unsigned long before = w->last_no;
	bool burst = false;
	for (int i = 0; i < w->nh; i++) {
		/* Busy: what the idle ring took before the switch came first. */
		if (w->busy[i])
			dispatch_all(w, w->idle[i], (enum wire_dir)i);
		/* An idle ring half full in one turn: more may be coming than it
		 * holds (the floods say so before they send: wire_expect). */
		burst |= dispatch_all(w, w->h[i], (enum wire_dir)i) >= WIRE_CAP_IDLE / 2 && w->resizable;
	}
	int n = (int)(w->last_no - before);
	if (n && w->busy[0])
		w->busy_ms = now_ms();
	if (burst && !w->busy[0])
		grow(w);
	uint64_t ticks;
	if (w->timer >= 0 && (w->delayed.n || shrinking(w)) &&
	    (read(w->timer, &ticks, sizeof(ticks)) >= 0 || errno == EAGAIN)) {
		unsigned long long now = now_ms();
		while (w->delayed.n && w->delayed.q[w->delayed.head].due_ms <= now) {
			struct pending p = dequeue(&w->delayed);
			release(w, &p, "delay over:");
			n++;
		}
		if (shrinking(w) && now >= w->busy_ms + WIRE_QUIET_MS)
			shrink(w);
		arm_timer(w);
	}
	/* The capture files take what their readers have room for. */
	if (w->files.write)
		pcapout_flush(w->files.write);
	if (w->files.save && (pcapout_flush(w->files.save) < 0 || !pcapout_waiting(w->files.save))) {
		pcapout_close(w->files.save, 0);
		w->files.save = NULL;
	}
	return n;
}

bool wire_busy(const struct wire *w)
{
	return w->delayed.n > 0;
}

/* Open where "wire save" writes: a file, with the rights of the user who
 * asked (priv.h); "-" is standard output, as in tcpdump -w -, but only where
 * stdout is a file or a pipe: on a terminal (the screen, or --batch on a
 * terminal) the pcap's bytes would be thrown at the terminal. stdout itself
 * is never closed: the pcap goes through a copy of its descriptor, after
 * what was printed before it. A FIFO or a pipe is written without blocking
 * (pcapout.h); standard output blocks, as the transcript does. The
 * descriptor, or -1 with err set. */
static int open_save(const char *path, char *err, size_t errlen)
{
	int fd;
	if (!strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO)) {
			snprintf(err, errlen, "wire save -: standard output is a terminal; expected a file name "
				 "(- is for --batch with stdout sent to a file or a pipe)");
			return -1;
		}
		if (out_flush(stdout) < 0) {
			snprintf(err, errlen, "wire save -: standard output has failed; expected a file name");
			return -1;
		}
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			fd = -errno;
	} else {
		/* Non-blocking open: a FIFO nobody reads fails (ENXIO) instead of
		 * hanging the session; the writes do not block either (pcapout.h). */
		fd = priv_open(path, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY, 0644);
		if (fd >= 0 && isatty(fd)) {
			close(fd);
			snprintf(err, errlen, "wire save: \"%s\" is a terminal; expected a file name", tesc(path));
			return -1;
		}
		/* Emptied only once it is known not to be a file in use: the
		 * --script being read, the --write capture, the --log. */
		const char *same = fd >= 0 ? priv_same_file(fd) : NULL;
		if (same) {
			close(fd);
			snprintf(err, errlen, "wire save: \"%s\" is the same file as %s; expected another file "
				 "(it was left as it was)", tesc(path), same);
			return -1;
		}
		struct stat fst;
		if (fd >= 0 && fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode) && ftruncate(fd, 0) < 0) {
			int e = errno;
			close(fd);
			snprintf(err, errlen, "wire save: cannot empty \"%s\": %s (%s)", tesc(path), strerror(e),
				 errno_name(e));
			return -1;
		}
	}
	struct stat st;
	if (fd == -ENXIO && stat(path, &st) == 0 && S_ISFIFO(st.st_mode)) {
		snprintf(err, errlen, "wire save: \"%s\" is a FIFO that nobody reads; expected a file, or a reader "
			 "on the FIFO first", tesc(path));
	} else if (fd < 0) {
		snprintf(err, errlen, "wire save: cannot write \"%s\": %s (%s)", tesc(path), strerror(-fd),
			 errno_name(-fd));
	}
	return fd < 0 ? -1 : fd;
}

/* "wire save FILE": the frames still in the ring, as a pcap file. What a
 * FIFO's reader has not read yet goes on in the background (wire_service):
 * the ring's frames fit in a capture's bound (FRAMES_KEEP x FRAME_SNAP is under
 * PCAPOUT_BOUND), so a save is never cut short, only read late or never. */
static int save(struct wire *w, const char *path, char *err, size_t errlen)
{
	bool dash = !strcmp(path, "-");
#define shown (dash ? "standard output" : tesc(path))
	if (w->files.save) {
		snprintf(err, errlen, "wire save: the last save's reader has not read it all yet (%zu bytes left); "
			 "expected it to finish first", pcapout_waiting(w->files.save));
		return -EINVAL;
	}
	int fd = open_save(path, err, errlen);
	if (fd < 0)
		return -EINVAL;
	struct pcapout *o = pcapout_open(fd, dash, "wire save", dash ? "standard output" : path, WIRE_SNAP, err,
					 errlen);
	if (!o)
		return -EINVAL;
	unsigned long first = frames_first(&w->log->frames), count = 0;
	for (unsigned long no = first; no && no <= w->last_no; no++) {
		const struct wire_frame *fr = slot(w, no);
		if (!fr)
			continue;
		struct pcap_pkthdr h = { .ts = fr->ts, .caplen = fr->caplen, .len = fr->len };
		if (pcapout_frame(o, &h, fr->data) < 0)
			break;
		count++;
	}
	int r = pcapout_try(o);
	if (r < 0) {
		pcapout_close(o, 0);
		snprintf(err, errlen, "wire save: write error: \"%s\": %s (%s); the capture is incomplete", shown,
			 strerror(-r), errno_name(-r));
		return -EINVAL;
	}
	size_t left = pcapout_waiting(o);
	if (!left) {
		pcapout_close(o, 0);
		session_add(w->log, EV_WIRE, SIDE_NONE, -1, "saved %lu frame%s to %s", count, count == 1 ? "" : "s",
			    shown);
		return 0;
	}
	/* A reader that has not read it all yet: the rest as it reads. */
	w->files.save = o;
	session_add(w->log, EV_WIRE, SIDE_NONE, -1, "saving %lu frame%s to %s: %zu bytes wait for its reader; "
		    "the session goes on", count, count == 1 ? "" : "s", shown, left);
	return 0;
#undef shown
}

static void status(struct wire *w)
{
	const struct wire_counters *c = &w->cnt;
	if (!w->relay && w->cooked) {
		unsigned long ring = wire_ring_frames(w);
		session_add(w->log, EV_WIRE, SIDE_NONE, -1,
			    "observing the host's interfaces: %lu frame%s seen; %lu let into the capture by the "
			    "kernel's filter (%lu filter%s); %lu frame%s of others reached the capture",
			    c->seen, c->seen == 1 ? "" : "s", ring, w->filters, w->filters == 1 ? "" : "s", c->foreign,
			    c->foreign == 1 ? "" : "s");
		return;
	}
	if (!w->relay) {
		session_add(w->log, EV_WIRE, SIDE_NONE, -1, "observing lo: %lu frame%s seen", c->seen,
			    c->seen == 1 ? "" : "s");
		return;
	}
	char pol[64];
	if (w->policy == WP_DELAY)
		snprintf(pol, sizeof(pol), "DELAY %ums", w->delay_ms);
	else
		snprintf(pol, sizeof(pol), "%s", w->policy == WP_HOLD ? "HOLD" : "PASS");
	if (w->armed != FAULT_NONE)
		snprintf(pol + strlen(pol), sizeof(pol) - strlen(pol), ", %s next %s",
			 w->armed_op == W_DROP ? "drop" : "hold", fault_frame_name(w->armed));
	/* Frames the kernel could not hand to the capture are lost too: say so. */
	unsigned long krecv, kdrop;
	ring_stats(w, &krecv, &kdrop);
	session_add(w->log, EV_WIRE, SIDE_NONE, -1,
		    "policy %s; %lu frames: %lu relayed, %lu held (%u waiting), %lu released, %lu delayed, "
		    "%lu dropped, %lu lost; %lu missed by the capture",
		    pol, c->seen, c->relayed, c->held, w->held.n, c->released, c->delayed, c->dropped, c->lost,
		    kdrop);
}

/* "wire hold|drop next FRAME": the next frame of that kind is taken, once. */
static int arm(struct wire *w, enum wire_op op, enum fault_frame frame)
{
	w->armed = frame;
	w->armed_op = op;
	session_add(w->log, EV_WIRE, SIDE_NONE, -1, "armed: the next %s will be %s (the others pass)",
		    fault_frame_what(frame), op == W_DROP ? "dropped" : "held");
	return 0;
}

int wire_exec(struct wire *w, const struct cmd *c, char *err, size_t errlen)
{
	if (c->wop == W_SAVE)
		return save(w, c->path, err, errlen);
	if (c->wop == W_STATUS) {
		status(w);
		return 0;
	}
	if (!w->relay) {
		snprintf(err, errlen, "wire %s: in --net %s sockstep only observes; holding, stepping, "
			 "dropping and delaying frames need --net lab", c->wop == W_PASS ? "pass"
			 : c->wop == W_HOLD ? "hold" : c->wop == W_STEP ? "step" : c->wop == W_DROP ? "drop" : "delay",
			 lab_mode_name(w->lab->mode));
		return -EINVAL;
	}
	switch (c->wop) {
	case W_PASS: {
		unsigned n = w->held.n + w->delayed.n;
		w->policy = WP_PASS;
		w->armed = FAULT_NONE; /* pass means nothing is stopped any more */
		session_add(w->log, EV_WIRE, SIDE_NONE, -1, "policy PASS%s", n ? ": releasing what waits" : "");
		while (w->delayed.n || w->held.n) {
			/* Oldest first, whichever queue it waits in. */
			struct queue *q = !w->held.n ? &w->delayed
					 : !w->delayed.n ? &w->held
					 : w->held.q[w->held.head].no < w->delayed.q[w->delayed.head].no ? &w->held
					 : &w->delayed;
			struct pending p = dequeue(q);
			release(w, &p, "released");
		}
		arm_timer(w);
		return 0;
	}
	case W_HOLD:
		if (c->frame != FAULT_NONE)
			return arm(w, W_HOLD, c->frame);
		w->policy = WP_HOLD;
		session_add(w->log, EV_WIRE, SIDE_NONE, -1, "policy HOLD: frames wait on the wire (step releases one, drop discards one)");
		return 0;
	case W_DELAY:
		w->policy = c->ms ? WP_DELAY : WP_PASS;
		w->delay_ms = c->ms;
		session_add(w->log, EV_WIRE, SIDE_NONE, -1, "policy DELAY %u ms", c->ms);
		return 0;
	case W_STEP:
	case W_DROP: {
		if (c->frame != FAULT_NONE)
			return arm(w, W_DROP, c->frame);
		if (!w->held.n) {
			snprintf(err, errlen, "wire %s: no frame is held; expected \"wire hold\" and a frame on the wire first",
				 c->wop == W_STEP ? "step" : "drop");
			return -EINVAL;
		}
		struct pending p = dequeue(&w->held);
		if (c->wop == W_STEP) {
			release(w, &p, "released");
		} else {
			set_fate(w, p.no, FF_DROPPED);
			w->cnt.dropped++;
			const struct wire_frame *f = slot(w, p.no);
			session_add(w->log, EV_WIRE, SIDE_NONE, -1, "dropped #%lu %s %s", p.no, wire_dir_name(p.dir),
				    f ? f->dec.summary : "");
			free(p.data);
		}
		return 0;
	}
	default:
		snprintf(err, errlen, "unknown wire command");
		return -EINVAL;
	}
}

bool wire_saw_since(const struct wire *w, unsigned long from_no, const char *text)
{
	for (unsigned long no = from_no + 1; no <= w->last_no; no++) {
		const struct wire_frame *f = slot(w, no);
		if (f && strstr(f->dec.summary, text))
			return true;
	}
	return false;
}

enum fault_frame wire_armed(const struct wire *w, bool *drop)
{
	if (drop)
		*drop = w->armed_op == W_DROP;
	return w->armed;
}

unsigned wire_held(const struct wire *w)
{
	return w->held.n;
}

enum wire_policy wire_policy(const struct wire *w, unsigned *delay_ms)
{
	if (delay_ms)
		*delay_ms = w->delay_ms;
	return w->policy;
}

const struct wire_counters *wire_counters(const struct wire *w)
{
	return &w->cnt;
}

unsigned long wire_last_no(const struct wire *w)
{
	return w->last_no;
}

bool wire_relays(const struct wire *w)
{
	return w->relay;
}

