/* netlink.c - links, addresses and routes through libnl-route-3 (see
 * netlink.h): the lab's plan (lab.c) says which, this says how. */
#include "netlink.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "session.h" /* errno_name */

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

int netlink_fail(char *err, size_t errlen, int nle, const char *what, const char *ns)
{
	int e = nl2errno(nle);
	if (e == 0)
		e = EIO;
	if (err && errlen)
		snprintf(err, errlen, "%s in the %s namespace: %s (netlink: %s)", what, ns,
		         errno_name(e), nl_geterror(nle));
	return -e;
}

struct nl_sock *netlink_open(int *nle)
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

int netlink_link_up(struct nl_sock *sk, const char *name, int *ifindex)
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

int netlink_link_flags(struct nl_sock *sk, const char *name, unsigned *flags)
{
	struct rtnl_link *link = NULL;
	int r = rtnl_link_get_kernel(sk, 0, name, &link);
	if (r < 0)
		return r;
	*flags = rtnl_link_get_flags(link);
	rtnl_link_put(link);
	return 0;
}

void netlink_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
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
int netlink_host_route(struct nl_sock *sk, int ifindex, struct in_addr self, struct in_addr peer, const char **step)
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
int netlink_veth(struct nl_sock *sk, const char *wname, const unsigned char wmac[6], const unsigned char hmac[6],
		 int host_fd)
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
