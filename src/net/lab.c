/* lab.c - sockstep's private network, in the user namespace of its own that
 * priv_enter_userns made: either one loopback host or two hosts joined by
 * veth pairs to the wire namespace (see lab.h and DESIGN.md "The lab
 * network"). The plan (hosts, names, addresses) is here; the netlink that
 * builds it is netlink.c. Everything is held by descriptors, so it all
 * disappears with the process. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "lab.h"
#include "fdutil.h"
#include "netlink.h"
#include "priv.h"
#include "session.h" /* errno_name */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


/* ------------------------------------------------------------------ modes */

int lab_parse_mode(const char *s, enum net_mode *out)
{
	if (!s || !out)
		return -EINVAL;
	if (strcmp(s, "lab") == 0)
		*out = NET_LAB;
	else if (strcmp(s, "loopback") == 0)
		*out = NET_LOOPBACK;
	else if (strcmp(s, "host") == 0)
		*out = NET_HOST;
	else
		return -EINVAL;
	return 0;
}

const char *lab_mode_name(enum net_mode m)
{
	switch (m) {
	case NET_LAB: return "lab";
	case NET_LOOPBACK: return "loopback";
	case NET_HOST: return "host";
	}
	return "?";
}

/* --------------------------------------------------------- netns helpers */

/* Namespace descriptors live at fd_base() and up, out of the way of the
 * sockets a lesson creates, so that the first socket is 3 as in the
 * lecture's output. */
static int open_self_ns(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd_move_high(fd);
}

/* IPv6 off in the current netns, before links exist, so the capture holds no
 * router solicitations or DAD. A kernel without IPv6 has no such files. */
static int ipv6_off(char *err, size_t errlen, const char *ns)
{
	static const char *const files[] = {
		"/proc/sys/net/ipv6/conf/all/disable_ipv6",
		"/proc/sys/net/ipv6/conf/default/disable_ipv6",
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		int r = file_write_text(files[i], "1");
		if (r < 0 && r != -ENOENT)
			return errno_fail(err, errlen, -r, "writing %s in the %s namespace", files[i], ns);
	}
	return 0;
}

/* A neighbour entry stays REACHABLE for a random 0.5-1.5 times this; the
 * kernel's 30 s made ARP re-probes appear at random points of a lesson.
 * An hour: the lab's hosts learn each other's MAC once, by the ARP the
 * lecture shows. Run inside the host's namespace (/proc/sys/net is the
 * opener's), once its eth0 exists. */
static int neigh_steady(char *err, size_t errlen, const char *ns)
{
	static const char file[] = "/proc/sys/net/ipv4/neigh/eth0/base_reachable_time_ms";
	int r = file_write_text(file, "3600000");
	if (r < 0 && r != -ENOENT)
		return errno_fail(err, errlen, -r, "writing %s in the %s namespace", file, ns);
	return 0;
}

/* TX checksum offload off: otherwise frames read from the wire end carry
 * only partial checksums, and once relayed from userspace the receiver drops
 * them. ctl is any socket in the link's netns. */
static int txcsum_off(int ctl, const char *ifname)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_STXCSUM, .data = 0};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	return ioctl(ctl, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A veth's qdisc is activated asynchronously (linkwatch) after its carrier
 * comes on; until then it drops what is sent, and the lesson's first SYN or
 * ARP would vanish. IFF_RUNNING is reported only after that work is done.
 * 0, 1 when the deadline passed first, or a negative libnl code. */
static int wait_running(struct nl_sock *sk, const char *name, long long deadline)
{
	for (;;) {
		unsigned flags = 0;
		int r = netlink_link_flags(sk, name, &flags);
		if (r < 0)
			return r;
		if (flags & IFF_RUNNING)
			return 0;
		if (mono_ms() >= deadline)
			return 1;
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
}

static int wait_all_running(struct lab *lab, char *err, size_t errlen)
{
	static const struct { enum side side; const char *ns, *name; } links[] = {
		{SIDE_NONE, "wire", "cli"}, {SIDE_NONE, "wire", "srv"},
		{SIDE_CLIENT, "client", "eth0"}, {SIDE_SERVER, "server", "eth0"},
	};
	long long deadline = mono_ms() + 3000;
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		int r = lab_enter(lab, links[i].side), nle = 0;
		if (r < 0)
			return errno_fail(err, errlen, -r, "setns into the %s namespace", links[i].ns);
		struct nl_sock *sk = netlink_open(&nle);
		if (sk) {
			nle = wait_running(sk, links[i].name, deadline);
			netlink_close(sk);
		}
		if ((r = lab_leave(lab)) < 0)
			return errno_fail(err, errlen, -r, "setns back to the wire namespace");
		if (nle == 1)
			return errno_fail(err, errlen, ETIMEDOUT, "waiting for %s in the %s namespace to run", links[i].name,
				    links[i].ns);
		if (nle < 0)
			return netlink_fail(err, errlen, nle, "reading link state", links[i].ns);
	}
	return 0;
}

static void lab_init(struct lab *lab, enum net_mode mode)
{
	memset(lab, 0, sizeof *lab);
	lab->mode = mode;
	lab->userns = priv_in_own_userns();
	lab->wire_ns = -1;
	lab->cur_ns = -1;
	for (int i = 0; i < 3; i++) {
		lab->host_ns[i] = -1;
		lab->wire_ifindex[i] = 0;
	}
}

/* Builds one host in its netns (made by make_host): IPv6 off, lo up, the
 * veth pair, eth0 up with address and route, TX csum off. Returns with the
 * process back in the wire namespace. */
static int build_host(struct lab *lab, struct nl_sock *wsk, int wctl, enum side side,
                      struct in_addr self, struct in_addr peer, char *err, size_t errlen)
{
	const char *ns = side == SIDE_CLIENT ? "client" : "server";
	const char *wname = side == SIDE_CLIENT ? "cli" : "srv";
	const unsigned char n = side == SIDE_CLIENT ? 1 : 2;
	const unsigned char hmac[6] = {0x02, 0, 0, 0, 0, n};
	const unsigned char wmac[6] = {0x02, 0, 0, 0, 1, n};
	struct nl_sock *hsk = NULL;
	int hctl = -1, r = 0, nle = 0;
	const char *step = "";

	int fd = lab->host_ns[side];
	if (setns(fd, CLONE_NEWNET) < 0)
		return errno_fail(err, errlen, errno, "setns into the %s host", ns);
	/* From here on we are inside the host until the setns below. */
	if ((r = ipv6_off(err, errlen, ns)) < 0)
		goto back;
	if (!(hsk = netlink_open(&nle))) {
		r = netlink_fail(err, errlen, nle, "opening a netlink socket", ns);
		goto back;
	}
	hctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (hctl < 0) {
		r = errno_fail(err, errlen, errno, "control socket in the %s namespace", ns);
		goto back;
	}
	if ((nle = netlink_link_up(hsk, "lo", NULL)) < 0) {
		r = netlink_fail(err, errlen, nle, "bringing lo up", ns);
		goto back;
	}
back:
	/* hsk and hctl stay bound to the host netns wherever we are. */
	if (setns(lab->wire_ns, CLONE_NEWNET) < 0 && r == 0)
		r = errno_fail(err, errlen, errno, "setns back to the wire namespace");
	if (r < 0)
		goto out;

	if ((nle = netlink_veth(wsk, wname, wmac, hmac, fd)) < 0) {
		r = netlink_fail(err, errlen, nle, "creating the veth pair", "wire");
		goto out;
	}
	int hidx = 0;
	if ((nle = netlink_link_up(hsk, "eth0", &hidx)) < 0) {
		r = netlink_fail(err, errlen, nle, "bringing eth0 up", ns);
		goto out;
	}
	if ((nle = netlink_link_up(wsk, wname, &lab->wire_ifindex[side])) < 0) {
		r = netlink_fail(err, errlen, nle, "bringing the wire end up", "wire");
		goto out;
	}
	if ((nle = netlink_host_route(hsk, hidx, self, peer, &step)) < 0) {
		r = netlink_fail(err, errlen, nle, step, ns);
		goto out;
	}
	if ((r = txcsum_off(hctl, "eth0")) < 0) {
		r = errno_fail(err, errlen, -r, "turning TX checksum offload off on the %s's eth0", ns);
		goto out;
	}
	if ((r = txcsum_off(wctl, wname)) < 0) {
		r = errno_fail(err, errlen, -r, "turning TX checksum offload off on %s", wname);
		goto out;
	}
	snprintf(lab->wire_if[side], sizeof lab->wire_if[side], "%s", wname);
	lab->ip[side] = self;
	memcpy(lab->mac[side], hmac, 6);
out:
	if (hctl >= 0)
		close(hctl);
	if (hsk)
		netlink_close(hsk);
	return r;
}

/* The two hosts' links, addresses and routes (their namespaces exist). */
static int build_lab(struct lab *lab, struct in_addr cip, struct in_addr sip, char *err, size_t errlen)
{
	int r = ipv6_off(err, errlen, "wire");
	if (r < 0)
		return r;
	int nle = 0;
	struct nl_sock *wsk = netlink_open(&nle);
	if (!wsk)
		return netlink_fail(err, errlen, nle, "opening a netlink socket", "wire");
	int wctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (wctl < 0) {
		r = errno_fail(err, errlen, errno, "control socket in the wire namespace");
		goto out;
	}
	if ((r = build_host(lab, wsk, wctl, SIDE_CLIENT, cip, sip, err, errlen)) < 0)
		goto out;
	if ((r = build_host(lab, wsk, wctl, SIDE_SERVER, sip, cip, err, errlen)) < 0)
		goto out;
	r = wait_all_running(lab, err, errlen);
out:
	if (wctl >= 0)
		close(wctl);
	netlink_close(wsk);
	for (enum side sd = SIDE_SERVER; r == 0 && sd <= SIDE_CLIENT; sd++) {
		const char *ns = sd == SIDE_SERVER ? "server" : "client";
		r = lab_enter(lab, sd);
		if (r < 0)
			r = errno_fail(err, errlen, -r, "entering the %s host", ns);
		else {
			r = neigh_steady(err, errlen, ns);
			int back = lab_leave(lab);
			if (r == 0 && back < 0)
				r = errno_fail(err, errlen, -back, "returning from the %s host", ns);
		}
	}
	return r;
}

/* Loopback mode: lo up; every side's wire is lo. */
static int build_loopback(struct lab *lab, char *err, size_t errlen)
{
	int nle = 0;
	struct nl_sock *sk = netlink_open(&nle);
	if (!sk)
		return netlink_fail(err, errlen, nle, "opening a netlink socket", "loopback");
	int idx = 0;
	nle = netlink_link_up(sk, "lo", &idx);
	netlink_close(sk);
	if (nle < 0)
		return netlink_fail(err, errlen, nle, "bringing lo up", "loopback");
	for (int i = 0; i < 3; i++) {
		snprintf(lab->wire_if[i], sizeof lab->wire_if[i], "lo");
		lab->wire_ifindex[i] = idx;
		lab->ip[i].s_addr = htonl(INADDR_LOOPBACK);
	}
	return 0;
}

/* A host's network namespace, held by a descriptor; the process stays in
 * the wire namespace. */
static int make_host(struct lab *lab, enum side side, char *err, size_t errlen)
{
	const char *ns = side == SIDE_CLIENT ? "client" : "server";
	if (unshare(CLONE_NEWNET) < 0)
		return errno_fail(err, errlen, errno, "unshare(CLONE_NEWNET) for the %s host", ns);
	int fd = open_self_ns();
	if (fd >= 0)
		lab->host_ns[side] = fd;
	if (setns(lab->wire_ns, CLONE_NEWNET) < 0)
		return errno_fail(err, errlen, errno, "setns back to the wire namespace");
	return fd < 0 ? errno_fail(err, errlen, -fd, "opening /proc/self/ns/net of the %s host", ns) : 0;
}

/* What the builder child found, back in one write (PIPE_BUF: whole). */
struct built {
	int r;
	char err[256];
	char wire_if[3][16];
	int wire_ifindex[3];
	struct in_addr ip[3];
	unsigned char mac[3][6];
};

/* The links, addresses and routes are made by a short-lived child that
 * inherits the namespaces' descriptors: libnl-route's code and data are
 * touched by it, and sockstep itself keeps only what ld.so touched while
 * loading the library (about 0.4 MiB less resident in an idle lab). */
static int build_in_child(struct lab *lab, struct in_addr cip, struct in_addr sip, char *err, size_t errlen)
{
	_Static_assert(sizeof(struct built) <= 4096, "one atomic pipe write");
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno_fail(err, errlen, errno, "pipe for the lab's builder");
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return errno_fail(err, errlen, e, "fork of the lab's builder");
	}
	struct built b;
	memset(&b, 0, sizeof b);
	if (pid == 0) {
		close(p[0]);
		b.r = lab->mode == NET_LOOPBACK ? build_loopback(lab, b.err, sizeof b.err)
						 : build_lab(lab, cip, sip, b.err, sizeof b.err);
		memcpy(b.wire_if, lab->wire_if, sizeof b.wire_if);
		memcpy(b.wire_ifindex, lab->wire_ifindex, sizeof b.wire_ifindex);
		memcpy(b.ip, lab->ip, sizeof b.ip);
		memcpy(b.mac, lab->mac, sizeof b.mac);
		_exit(write(p[1], &b, sizeof b) == (ssize_t)sizeof b ? 0 : 1);
	}
	close(p[1]);
	ssize_t got;
	while ((got = read(p[0], &b, sizeof b)) < 0 && errno == EINTR)
		;
	int e = errno;
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof b)
		return errno_fail(err, errlen, got < 0 ? e : EIO, "reading what the lab's builder made");
	if (b.r < 0) {
		snprintf(err, errlen, "%s", b.err);
		return b.r;
	}
	memcpy(lab->wire_if, b.wire_if, sizeof b.wire_if);
	memcpy(lab->wire_ifindex, b.wire_ifindex, sizeof b.wire_ifindex);
	memcpy(lab->ip, b.ip, sizeof b.ip);
	memcpy(lab->mac, b.mac, sizeof b.mac);
	return 0;
}

int lab_setup(struct lab *lab, const struct lab_config *cfg, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!lab || !cfg)
		return -EINVAL;
	lab_init(lab, cfg->mode);
	if (cfg->mode == NET_HOST)
		return 0;
	if (cfg->mode != NET_LAB && cfg->mode != NET_LOOPBACK)
		return errno_fail(err, errlen, EINVAL, "unknown network mode %d", (int)cfg->mode);
	/* Never build links in a netns that might be the host's own. */
	if (!priv_in_own_userns())
		return errno_fail(err, errlen, EPERM, "lab_setup(%s) before priv_enter_userns",
		            lab_mode_name(cfg->mode));

	int fd = open_self_ns();
	if (fd < 0)
		return errno_fail(err, errlen, -fd, "opening /proc/self/ns/net");
	lab->wire_ns = lab->cur_ns = fd;
	for (int i = 0; i < 3; i++)
		lab->host_ns[i] = fd;

	struct in_addr cip = cfg->client_ip, sip = cfg->server_ip;
	if (cip.s_addr == 0)
		inet_pton(AF_INET, "100.0.0.1", &cip);
	if (sip.s_addr == 0)
		inet_pton(AF_INET, "200.0.0.2", &sip);
	int r = 0;
	if (cfg->mode == NET_LAB && cip.s_addr == sip.s_addr)
		r = errno_fail(err, errlen, EINVAL, "client and server need different addresses");
	for (enum side sd = SIDE_SERVER; r == 0 && cfg->mode == NET_LAB && sd <= SIDE_CLIENT; sd++)
		r = make_host(lab, sd, err, errlen);
	if (r == 0)
		r = build_in_child(lab, cip, sip, err, errlen);
	if (r < 0)
		lab_teardown(lab);
	return r;
}

/* ------------------------------------------------------------ switching */

int lab_enter(struct lab *lab, enum side side)
{
	if (!lab || (unsigned)side > 2)
		return -EINVAL;
	int fd = lab->host_ns[side];
	if (fd < 0 || fd == lab->cur_ns)
		return 0;
	if (setns(fd, CLONE_NEWNET) < 0)
		return -errno;
	lab->cur_ns = fd;
	return 0;
}

int lab_leave(struct lab *lab)
{
	if (!lab || lab->wire_ns < 0 || lab->cur_ns == lab->wire_ns)
		return 0;
	if (setns(lab->wire_ns, CLONE_NEWNET) < 0)
		return -errno;
	lab->cur_ns = lab->wire_ns;
	return 0;
}

int lab_socket(struct lab *lab, enum side side, int domain, int type, int protocol)
{
	if (!lab || (unsigned)side > 2)
		return -EINVAL;
	int fd = lab->host_ns[side], here = lab->cur_ns;
	if (fd < 0 || fd == here) {
		int s = socket(domain, type, protocol);
		return s < 0 ? -errno : s;
	}
	if (setns(fd, CLONE_NEWNET) < 0)
		return -errno;
	int s = socket(domain, type, protocol);
	int e = errno;
	if (setns(here, CLONE_NEWNET) < 0) {
		/* Stranded in the wrong namespace: say so rather than carry on. */
		int e2 = errno;
		if (s >= 0)
			close(s);
		lab->cur_ns = fd;
		return -e2;
	}
	return s < 0 ? -e : s;
}

void lab_teardown(struct lab *lab)
{
	if (!lab)
		return;
	lab_leave(lab);
	for (int i = 0; i < 3; i++) {
		if (lab->host_ns[i] >= 0 && lab->host_ns[i] != lab->wire_ns)
			close(lab->host_ns[i]);
		lab->host_ns[i] = -1;
	}
	if (lab->wire_ns >= 0)
		close(lab->wire_ns);
	lab->wire_ns = -1;
	lab->cur_ns = -1;
}
