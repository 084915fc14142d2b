/* netlink.h - the lab's links, addresses and routes through libnl-route-3,
 * in the network namespace the calling thread is in (or the one sk was
 * opened in). The lab (lab.c) holds the plan: which hosts, which names and
 * addresses; this file only speaks netlink.
 * Convention: 0 on success, else a negative libnl code (NLE_*), which
 * netlink_fail turns into one line and a negative errno. */
#ifndef SOCKSTEP_NETLINK_H
#define SOCKSTEP_NETLINK_H

#include <netinet/in.h>
#include <stddef.h>

struct nl_sock; /* libnl's */

/* A NETLINK_ROUTE socket in the current namespace, or NULL with the code in
 * *nle. netlink_close frees it (NULL is fine). */
struct nl_sock *netlink_open(int *nle);
void netlink_close(struct nl_sock *sk);

/* Bring link name up (when it is not) and give its index (ifindex may be
 * NULL). */
int netlink_link_up(struct nl_sock *sk, const char *name, int *ifindex);

/* The link's IFF_* flags, as the kernel reports them now. */
int netlink_link_flags(struct nl_sock *sk, const char *name, unsigned *flags);

/* One veth pair: the end wname (MAC wmac, up) in sk's namespace, the peer
 * "eth0" (MAC hmac, down) created directly in the namespace of host_fd. */
int netlink_veth(struct nl_sock *sk, const char *wname, const unsigned char wmac[6], const unsigned char hmac[6],
		 int host_fd);

/* A host's eth0 (ifindex): its own address self/32, and a link-scope route
 * to peer, so that it ARPs for the peer directly. *step names what was being
 * done, for the error line. */
int netlink_host_route(struct nl_sock *sk, int ifindex, struct in_addr self, struct in_addr peer, const char **step);

/* "WHAT in the NS namespace: ENAME (netlink: libnl's text)" in err; returns
 * the negative errno that nle stands for (EIO when none does). */
int netlink_fail(char *err, size_t errlen, int nle, const char *what, const char *ns);

#endif
