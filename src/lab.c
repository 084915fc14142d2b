/* lab.c - sockstep's private network: a user namespace of its own, and in it
 * either one loopback host or two hosts joined by veth pairs to the wire
 * namespace (see lab.h and DESIGN.md "The lab network"). Everything is held
 * by descriptors, so it all disappears with the process. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "lab.h"
#include "fdutil.h"
#include "priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

/* Set once lab_enter_userns succeeded: only then may lab_setup create links,
 * because only then are we sure the netns we are in is ours and not the host's. */
static bool in_own_userns;

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case EBADF: return "EBADF";
	case ECHILD: return "ECHILD";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case ENOTDIR: return "ENOTDIR";
	case EINVAL: return "EINVAL";
	case ENFILE: return "ENFILE";
	case EMFILE: return "EMFILE";
	case ENOSPC: return "ENOSPC";
	case EROFS: return "EROFS";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case EUSERS: return "EUSERS";
	case ENOBUFS: return "ENOBUFS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case ENETUNREACH: return "ENETUNREACH";
	case ENETDOWN: return "ENETDOWN";
	case ETIMEDOUT: return "ETIMEDOUT";
	default: return "errno";
	}
}

static int fail(char *err, size_t errlen, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Writes "<what>: ENAME (strerror)" and returns -e. */
static int fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	if (err && errlen) {
		char what[160];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
		snprintf(err, errlen, "%s: %s (%s)", what, errname(e), strerror(e));
	}
	return -e;
}

/* libnl speaks NLE_* codes and loses the kernel's errno; map back the ones
 * that can come from the kernel so callers still see a real errno. */
static int nl2errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS: return 0;
	case NLE_INTR: return EINTR;
	case NLE_BAD_SOCK: return EBADF;
	case NLE_AGAIN: return EAGAIN;
	case NLE_NOMEM: return ENOMEM;
	case NLE_EXIST: return EEXIST;
	case NLE_INVAL: return EINVAL;
	case NLE_RANGE: return ERANGE;
	case NLE_OPNOTSUPP: return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND: return ENOENT;
	case NLE_NOATTR: return ENOENT;
	case NLE_PERM: return EPERM;
	case NLE_NOACCESS: return EACCES;
	case NLE_NODEV: return ENODEV;
	case NLE_BUSY: return EBUSY;
	case NLE_NOADDR: return EADDRNOTAVAIL;
	case NLE_PROTO_MISMATCH: return EPROTONOSUPPORT;
	case NLE_IMMUTABLE: return EPERM;
	default: return EIO;
	}
}

static int nlfail(char *err, size_t errlen, int nle, const char *what, const char *ns)
{
	int e = nl2errno(nle);
	if (e == 0)
		e = EIO;
	if (err && errlen)
		snprintf(err, errlen, "%s in the %s namespace: %s (netlink: %s)", what, ns,
		         errname(e), nl_geterror(nle));
	return -e;
}

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

/* ------------------------------------------------------- user namespace */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int e = n < 0 ? errno : (size_t)n != len ? EIO : 0;
	if (close(fd) < 0 && e == 0)
		e = errno;
	return -e;
}

/* Reads a small integer sysctl; -1 if absent or unreadable. */
static long read_long(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int refused(char *err, size_t errlen, int e)
{
	const char *how;
	if (e == ENOSPC || e == EUSERS)
		how = "the namespace limit is reached; raise /proc/sys/user/max_user_namespaces "
		      "(and max_net_namespaces), e.g. 'sysctl -w user.max_user_namespaces=15000', "
		      "or run with --net host";
	else if (e == EINVAL)
		how = "the process is multi-threaded or chrooted; call it first thing in main(), "
		      "or run with --net host";
	else if (e == EPERM && read_long("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		how = "enable them with 'sysctl -w kernel.unprivileged_userns_clone=1', "
		      "or run with --net host";
	else if (e == EPERM && read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		how = "enable them with 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0', "
		      "or run with --net host";
	else if (e == EPERM && read_long("/proc/sys/user/max_user_namespaces") == 0)
		how = "/proc/sys/user/max_user_namespaces is 0; raise it with "
		      "'sysctl -w user.max_user_namespaces=15000', or run with --net host";
	else if (e == EPERM)
		how = "perhaps a container's seccomp policy forbids unshare(); "
		      "allow it (e.g. docker --security-opt seccomp=unconfined), or run with --net host";
	else
		how = "run with --net host";
	if (err && errlen)
		snprintf(err, errlen, "user namespaces are refused here (unshare: %s); %s",
		         errname(e), how);
	return -e;
}

static int write_maps(pid_t pid, uid_t outer_uid, gid_t outer_gid, const char **step)
{
	char path[64], line[64];
	int r;

	/* "deny" is required before an unprivileged gid_map, and keeps the
	 * outside groups out of reach in any case. */
	snprintf(path, sizeof path, "/proc/%ld/setgroups", (long)pid);
	*step = "writing setgroups";
	if ((r = write_file(path, "deny")) < 0 && r != -ENOENT)
		return r;
	snprintf(path, sizeof path, "/proc/%ld/uid_map", (long)pid);
	snprintf(line, sizeof line, "0 %lu 1", (unsigned long)outer_uid);
	*step = "writing uid_map";
	if ((r = write_file(path, line)) < 0)
		return r;
	snprintf(path, sizeof path, "/proc/%ld/gid_map", (long)pid);
	snprintf(line, sizeof line, "0 %lu 1", (unsigned long)outer_gid);
	*step = "writing gid_map";
	return write_file(path, line);
}

/* As real root: a process in a new user namespace can only map ids it holds
 * itself, so a short-lived child still in the parent namespace (where it has
 * CAP_SETUID) writes our maps. Then we become ns-uid 0, i.e. the unprivileged
 * outer uid, keeping all capabilities over our own namespaces. */
static int enter_as_root(char *err, size_t errlen)
{
	uid_t ou;
	gid_t og;
	priv_user(&ou, &og); /* never 0: mapping root would give the namespace root's power outside */
	pid_t self = getpid();
	int go[2], back[2];

	/* Supplementary groups (root's 0 among them) would survive the uid
	 * change and setgroups() is denied inside: the user's own, now. */
	int gr = priv_user_groups();
	if (gr < 0)
		return fail(err, errlen, -gr, "setting the user's supplementary groups");
	if (pipe2(go, O_CLOEXEC) < 0)
		return fail(err, errlen, errno, "pipe for the uid-map helper");
	if (pipe2(back, O_CLOEXEC) < 0) {
		int e = errno;
		close(go[0]);
		close(go[1]);
		return fail(err, errlen, e, "pipe for the uid-map helper");
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(go[0]); close(go[1]); close(back[0]); close(back[1]);
		return fail(err, errlen, e, "fork of the uid-map helper");
	}
	if (pid == 0) {
		char c;
		int res[2] = {0, 0};
		const char *step = "";
		close(go[1]);
		close(back[0]);
		/* EOF means the parent's unshare failed: nothing to do. */
		if (read(go[0], &c, 1) == 1) {
			res[1] = -write_maps(self, ou, og, &step);
			res[0] = step[8]; /* 's', 'u', 'g': which file */
			if (write(back[1], res, sizeof res) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(go[0]);
	close(back[1]);

	int r = 0, res[2] = {0, 0};
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		r = refused(err, errlen, errno);
	else if (write(go[1], "x", 1) != 1)
		r = fail(err, errlen, errno, "waking the uid-map helper");
	close(go[1]);
	if (r == 0 && read(back[0], res, sizeof res) != (ssize_t)sizeof res)
		r = fail(err, errlen, EIO, "uid-map helper died");
	close(back[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return r;
	if (res[1] != 0)
		return fail(err, errlen, res[1], "writing %s for uid %lu",
		            res[0] == 'u' ? "uid_map" : res[0] == 'g' ? "gid_map" : "setgroups",
		            (unsigned long)ou);
	if (setresgid(0, 0, 0) < 0)
		return fail(err, errlen, errno, "setresgid(0) inside the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return fail(err, errlen, errno, "setresuid(0) inside the user namespace");
	return 0;
}

int lab_enter_userns(char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (priv_real_root()) {
		int r = enter_as_root(err, errlen);
		if (r == 0)
			in_own_userns = true;
		return r;
	}
	uid_t ou = geteuid();
	gid_t og = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return refused(err, errlen, errno);
	const char *step = "";
	int r = write_maps(getpid(), ou, og, &step);
	if (r < 0)
		return fail(err, errlen, -r, "%s in the new user namespace", step);
	in_own_userns = true;
	return 0;
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

static struct nl_sock *nl_open(int *nle)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk) {
		*nle = -NLE_NOMEM;
		return NULL;
	}
	int r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sk);
		*nle = r;
		return NULL;
	}
	return sk;
}

static int link_up(struct nl_sock *sk, const char *name, int *ifindex)
{
	struct rtnl_link *link = NULL, *change;
	int r = rtnl_link_get_kernel(sk, 0, name, &link);
	if (r < 0)
		return r;
	if (ifindex)
		*ifindex = rtnl_link_get_ifindex(link);
	if (rtnl_link_get_flags(link) & IFF_UP) {
		rtnl_link_put(link);
		return 0;
	}
	if (!(change = rtnl_link_alloc())) {
		rtnl_link_put(link);
		return -NLE_NOMEM;
	}
	rtnl_link_set_flags(change, IFF_UP);
	r = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(link);
	return r;
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
		int r = write_file(files[i], "1");
		if (r < 0 && r != -ENOENT)
			return fail(err, errlen, -r, "writing %s in the %s namespace", files[i], ns);
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
	int r = write_file(file, "3600000");
	if (r < 0 && r != -ENOENT)
		return fail(err, errlen, -r, "writing %s in the %s namespace", file, ns);
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

static struct nl_addr *v4addr(struct in_addr a)
{
	struct nl_addr *na = nl_addr_build(AF_INET, &a, sizeof a);
	if (na)
		nl_addr_set_prefixlen(na, 32);
	return na;
}

/* Host's eth0: its own /32, and a link-scope route to the other host, so it
 * ARPs for the peer directly across the wire: two hosts on different
 * networks joined by one cable, as in the lecture. */
static int host_addressing(struct nl_sock *sk, int ifindex, struct in_addr self,
                           struct in_addr peer, const char **step)
{
	int r = -NLE_NOMEM;
	struct rtnl_addr *ad = rtnl_addr_alloc();
	struct nl_addr *local = v4addr(self), *dst = v4addr(peer), *src = v4addr(self);
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();

	*step = "allocating netlink objects";
	if (!ad || !local || !dst || !src || !rt || !nh)
		goto out;

	*step = "adding the address to eth0";
	rtnl_addr_set_family(ad, AF_INET);
	rtnl_addr_set_ifindex(ad, ifindex);
	if ((r = rtnl_addr_set_local(ad, local)) < 0)
		goto out;
	rtnl_addr_set_scope(ad, RT_SCOPE_UNIVERSE);
	if ((r = rtnl_addr_add(sk, ad, 0)) < 0)
		goto out;

	*step = "adding the route to the other host";
	rtnl_route_set_family(rt, AF_INET);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	rtnl_route_set_scope(rt, RT_SCOPE_LINK);
	rtnl_route_set_type(rt, RTN_UNICAST);
	if ((r = rtnl_route_set_dst(rt, dst)) < 0)
		goto out;
	if ((r = rtnl_route_set_pref_src(rt, src)) < 0)
		goto out;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(rt, nh);
	nh = NULL; /* owned by the route now */
	r = rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_EXCL);
out:
	if (nh)
		rtnl_route_nh_free(nh);
	if (rt)
		rtnl_route_put(rt);
	if (ad)
		rtnl_addr_put(ad);
	if (local)
		nl_addr_put(local);
	if (dst)
		nl_addr_put(dst);
	if (src)
		nl_addr_put(src);
	return r;
}

/* One veth pair: wire end `wname` stays here (the wire ns, where sk lives),
 * the peer "eth0" is created directly inside the host's netns. */
static int make_veth(struct nl_sock *sk, const char *wname, const unsigned char wmac[6],
                     const unsigned char hmac[6], int host_fd)
{
	int r = -NLE_NOMEM;
	struct rtnl_link *veth = rtnl_link_veth_alloc();
	struct nl_addr *wa = nl_addr_build(AF_LLC, wmac, 6);
	struct nl_addr *ha = nl_addr_build(AF_LLC, hmac, 6);
	if (!veth || !wa || !ha)
		goto out;
	struct rtnl_link *peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(veth, wname);
	rtnl_link_set_addr(veth, wa);
	rtnl_link_set_flags(veth, IFF_UP);
	rtnl_link_set_name(peer, "eth0");
	rtnl_link_set_addr(peer, ha);
	/* No IFF_UP on the peer here: Linux 6.18 refuses bringing up a peer
	 * created in another netns with ENOTCONN; build_host brings it up. */
	rtnl_link_set_ns_fd(peer, host_fd);
	rtnl_link_put(peer);
	r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
out:
	if (veth)
		rtnl_link_veth_release(veth);
	if (wa)
		nl_addr_put(wa);
	if (ha)
		nl_addr_put(ha);
	return r;
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A veth's qdisc is activated asynchronously (linkwatch) after its carrier
 * comes on; until then it drops what is sent, and the lesson's first SYN or
 * ARP would vanish. IFF_RUNNING is reported only after that work is done. */
static int wait_running(struct nl_sock *sk, const char *name, long long deadline)
{
	for (;;) {
		struct rtnl_link *link = NULL;
		int r = rtnl_link_get_kernel(sk, 0, name, &link);
		if (r < 0)
			return r;
		unsigned flags = rtnl_link_get_flags(link);
		rtnl_link_put(link);
		if (flags & IFF_RUNNING)
			return 0;
		if (mono_ms() >= deadline)
			return -NLE_BUSY;
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
			return fail(err, errlen, -r, "setns into the %s namespace", links[i].ns);
		struct nl_sock *sk = nl_open(&nle);
		if (sk) {
			nle = wait_running(sk, links[i].name, deadline);
			nl_socket_free(sk);
		}
		if ((r = lab_leave(lab)) < 0)
			return fail(err, errlen, -r, "setns back to the wire namespace");
		if (nle < 0)
			return nle == -NLE_BUSY
			               ? fail(err, errlen, ETIMEDOUT, "waiting for %s in the %s namespace to run",
			                      links[i].name, links[i].ns)
			               : nlfail(err, errlen, nle, "reading link state", links[i].ns);
	}
	return 0;
}

static void lab_init(struct lab *lab, enum net_mode mode)
{
	memset(lab, 0, sizeof *lab);
	lab->mode = mode;
	lab->userns = in_own_userns;
	lab->wire_ns = -1;
	lab->cur_ns = -1;
	for (int i = 0; i < 3; i++) {
		lab->host_ns[i] = -1;
		lab->wire_ifindex[i] = 0;
	}
}

/* Builds one host: a fresh netns (made by unshare, held by fd), IPv6 off,
 * lo up, the veth pair, eth0 up with address and route, TX csum off.
 * Returns with the process back in the wire namespace. */
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

	if (unshare(CLONE_NEWNET) < 0)
		return fail(err, errlen, errno, "unshare(CLONE_NEWNET) for the %s host", ns);
	/* From here on we are inside the new host until the setns below. */
	int fd = open_self_ns();
	if (fd < 0) {
		r = fail(err, errlen, -fd, "opening /proc/self/ns/net of the %s host", ns);
		goto back;
	}
	lab->host_ns[side] = fd;
	if ((r = ipv6_off(err, errlen, ns)) < 0)
		goto back;
	if (!(hsk = nl_open(&nle))) {
		r = nlfail(err, errlen, nle, "opening a netlink socket", ns);
		goto back;
	}
	hctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (hctl < 0) {
		r = fail(err, errlen, errno, "control socket in the %s namespace", ns);
		goto back;
	}
	if ((nle = link_up(hsk, "lo", NULL)) < 0) {
		r = nlfail(err, errlen, nle, "bringing lo up", ns);
		goto back;
	}
back:
	/* hsk and hctl stay bound to the host netns wherever we are. */
	if (setns(lab->wire_ns, CLONE_NEWNET) < 0 && r == 0)
		r = fail(err, errlen, errno, "setns back to the wire namespace");
	if (r < 0)
		goto out;

	if ((nle = make_veth(wsk, wname, wmac, hmac, fd)) < 0) {
		r = nlfail(err, errlen, nle, "creating the veth pair", "wire");
		goto out;
	}
	int hidx = 0;
	if ((nle = link_up(hsk, "eth0", &hidx)) < 0) {
		r = nlfail(err, errlen, nle, "bringing eth0 up", ns);
		goto out;
	}
	if ((nle = link_up(wsk, wname, &lab->wire_ifindex[side])) < 0) {
		r = nlfail(err, errlen, nle, "bringing the wire end up", "wire");
		goto out;
	}
	if ((nle = host_addressing(hsk, hidx, self, peer, &step)) < 0) {
		r = nlfail(err, errlen, nle, step, ns);
		goto out;
	}
	if ((r = txcsum_off(hctl, "eth0")) < 0) {
		r = fail(err, errlen, -r, "turning TX checksum offload off on the %s's eth0", ns);
		goto out;
	}
	if ((r = txcsum_off(wctl, wname)) < 0) {
		r = fail(err, errlen, -r, "turning TX checksum offload off on %s", wname);
		goto out;
	}
	snprintf(lab->wire_if[side], sizeof lab->wire_if[side], "%s", wname);
	lab->ip[side] = self;
	memcpy(lab->mac[side], hmac, 6);
out:
	if (hctl >= 0)
		close(hctl);
	if (hsk)
		nl_socket_free(hsk);
	return r;
}

static int setup_lab(struct lab *lab, const struct lab_config *cfg, char *err, size_t errlen)
{
	struct in_addr cip = cfg->client_ip, sip = cfg->server_ip;
	if (cip.s_addr == 0)
		inet_pton(AF_INET, "100.0.0.1", &cip);
	if (sip.s_addr == 0)
		inet_pton(AF_INET, "200.0.0.2", &sip);
	if (cip.s_addr == sip.s_addr)
		return fail(err, errlen, EINVAL, "client and server need different addresses");

	int r = ipv6_off(err, errlen, "wire");
	if (r < 0)
		return r;
	int nle = 0;
	struct nl_sock *wsk = nl_open(&nle);
	if (!wsk)
		return nlfail(err, errlen, nle, "opening a netlink socket", "wire");
	int wctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (wctl < 0) {
		r = fail(err, errlen, errno, "control socket in the wire namespace");
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
	nl_socket_free(wsk);
	return r;
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
		return fail(err, errlen, EINVAL, "unknown network mode %d", (int)cfg->mode);
	/* Never build links in a netns that might be the host's own. */
	if (!in_own_userns)
		return fail(err, errlen, EPERM, "lab_setup(%s) before lab_enter_userns",
		            lab_mode_name(cfg->mode));

	int fd = open_self_ns();
	if (fd < 0)
		return fail(err, errlen, -fd, "opening /proc/self/ns/net");
	lab->wire_ns = lab->cur_ns = fd;
	for (int i = 0; i < 3; i++)
		lab->host_ns[i] = fd;

	int r;
	if (cfg->mode == NET_LOOPBACK) {
		int nle = 0;
		struct nl_sock *sk = nl_open(&nle);
		if (!sk) {
			r = nlfail(err, errlen, nle, "opening a netlink socket", "loopback");
		} else {
			int idx = 0;
			nle = link_up(sk, "lo", &idx);
			r = nle < 0 ? nlfail(err, errlen, nle, "bringing lo up", "loopback") : 0;
			nl_socket_free(sk);
			for (int i = 0; i < 3; i++) {
				snprintf(lab->wire_if[i], sizeof lab->wire_if[i], "lo");
				lab->wire_ifindex[i] = idx;
				lab->ip[i].s_addr = htonl(INADDR_LOOPBACK);
			}
		}
	} else {
		r = setup_lab(lab, cfg, err, errlen);
		for (enum side sd = SIDE_SERVER; r == 0 && sd <= SIDE_CLIENT; sd++) {
			const char *ns = sd == SIDE_SERVER ? "server" : "client";
			r = lab_enter(lab, sd);
			if (r < 0)
				r = fail(err, errlen, -r, "entering the %s host", ns);
			else {
				r = neigh_steady(err, errlen, ns);
				int back = lab_leave(lab);
				if (r == 0 && back < 0)
					r = fail(err, errlen, -back, "returning from the %s host", ns);
			}
		}
	}
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
