/* wire.c - the relay between the lab's hosts, and the frame log (see wire.h). */
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
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
#include "out.h"
#include "pcapout.h"
#include "priv.h"
#include "ring.h"
#include "text.h"

#define FRAMES_LISTED_PER_STEP 100
_Static_assert(WIRE_CAP_FRAMES == RING_FRAMES, "the floods' budget is half a busy ring");
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
	struct rings r;             /* the capture handles: [WD_C2S] on the client's wire end, [WD_S2C] the server's */
	unsigned long long busy_ms; /* the relay's last frame, or flood chunk announced */
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

static void arm_timer(struct wire *w);

/* Flood-sized rings, and the timer that gives them back. */
static void grow(struct wire *w)
{
	if (!ring_grow(&w->r))
		return;
	w->busy_ms = now_ms();
	arm_timer(w);
}

void wire_expect(struct wire *w, unsigned long frames)
{
	if (!w->relay || !w->r.resizable)
		return;
	w->busy_ms = now_ms();
	if (!w->r.busy[0] && frames > RING_IDLE / 2)
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
		if (ring_open_relay(&w->r, lab->wire_if[SIDE_CLIENT], lab->wire_if[SIDE_SERVER], err, errlen) < 0) {
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
		if (ring_open_one(&w->r, host ? "any" : "lo", host ? 4 * RING_FRAMES : RING_FRAMES, host, err,
				  errlen) < 0) {
			if (host && !strstr(err, "filter"))
				snprintf(err, errlen, "capturing on the host needs root or cap_net_raw: run it with sudo "
					 "(sockstep then drops to your user) or grant it once with "
					 "'sudo setcap cap_net_raw+ep %s'", "build/sockstep");
			wire_close(w);
			return NULL;
		}
		if (host)
			pcap_setdirection(w->r.h[0], PCAP_D_INOUT);
		int dlt = pcap_datalink(w->r.h[0]);
		if (dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2) {
			w->link = dlt == DLT_LINUX_SLL ? DEC_LINK_SLL : DEC_LINK_SLL2;
			w->cooked = true;
		}
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
	if (w->relay)
		return -EINVAL;
	int rc = ring_filter(&w->r, expr, err, errlen);
	if (expr[0] && (rc == 0 || rc == -EIO)) /* compiled, and given to the kernel */
		w->filters++;
	return rc;
}

unsigned long wire_ring_frames(const struct wire *w)
{
	unsigned long recv, drop;
	ring_stats(&w->r, &recv, &drop);
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

void wire_close(struct wire *w)
{
	if (!w)
		return;
	ring_close(&w->r);
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
	for (int i = 0; i < w->r.n && n < max; i++)
		pfd[n++] = (struct pollfd){ .fd = w->r.fd[i], .events = POLLIN };
	if (w->timer >= 0 && (w->delayed.n || ring_busy(&w->r)) && n < max)
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
	pcap_t *out = w->r.h[dir == WD_C2S ? WD_S2C : WD_C2S];
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
	if (ring_busy(&w->r) && (!due || w->busy_ms + WIRE_QUIET_MS < due))
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
	unsigned char eth[RING_SNAP + 14];
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

static void drain(void *ctx, pcap_t *h, int end)
{
	dispatch_all(ctx, h, (enum wire_dir)end);
}

int wire_service(struct wire *w)
{
	/* Counted: the frames kept. Others' frames refused by the keep filter
	 * are no sign of our network moving (they must not hold a step open). */
	unsigned long before = w->last_no;
	bool burst = false;
	for (int i = 0; i < w->r.n; i++) {
		/* Busy: what the idle ring took before the switch came first. */
		if (ring_before(&w->r, i))
			dispatch_all(w, ring_before(&w->r, i), (enum wire_dir)i);
		/* An idle ring half full in one turn: more may be coming than it
		 * holds (the floods say so before they send: wire_expect). */
		burst |= dispatch_all(w, w->r.h[i], (enum wire_dir)i) >= RING_IDLE / 2 && w->r.resizable;
	}
	int n = (int)(w->last_no - before);
	if (n && w->r.busy[0])
		w->busy_ms = now_ms();
	if (burst && !w->r.busy[0])
		grow(w);
	uint64_t ticks;
	if (w->timer >= 0 && (w->delayed.n || ring_busy(&w->r)) &&
	    (read(w->timer, &ticks, sizeof(ticks)) >= 0 || errno == EAGAIN)) {
		unsigned long long now = now_ms();
		while (w->delayed.n && w->delayed.q[w->delayed.head].due_ms <= now) {
			struct pending p = dequeue(&w->delayed);
			release(w, &p, "delay over:");
			n++;
		}
		if (ring_busy(&w->r) && now >= w->busy_ms + WIRE_QUIET_MS)
			ring_shrink(&w->r, drain, w);
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
	ring_stats(&w->r, &krecv, &kdrop);
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

