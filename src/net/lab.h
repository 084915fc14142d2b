/* lab.h - where sockstep's sockets live: its own user namespace and either
 *   NET_LAB       two private hosts (client, server), each its own network
 *                 namespace with eth0, joined by veth pairs to sockstep's own
 *                 namespace, where sockstep relays frames between them (wire.c);
 *   NET_LOOPBACK  one private network namespace, both sides on 127.0.0.1 via lo;
 *   NET_HOST      the machine's own network stack (no namespaces of our own).
 *
 * Namespaces are held by descriptors (no `ip netns`, no bind mounts, no child
 * processes); links, addresses and routes go through libnl-route-3. Nothing of
 * the host is touched, and everything disappears with the process.
 * Convention: 0 on success, negative errno on failure, with one human line in
 * the err buffer naming what was refused and how to fix it. */
#ifndef SOCKSTEP_LAB_H
#define SOCKSTEP_LAB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "names.h" /* enum side */

enum net_mode { NET_LAB = 0, NET_LOOPBACK, NET_HOST };

struct lab_config {
	enum net_mode mode;
	struct in_addr client_ip; /* NET_LAB: default 100.0.0.1 */
	struct in_addr server_ip; /* NET_LAB: default 200.0.0.2 */
};

struct lab {
	enum net_mode mode;
	bool userns;              /* running inside our own user namespace */
	int wire_ns;              /* descriptor of sockstep's own netns (the wire), -1 in NET_HOST */
	int host_ns[3];           /* indexed by enum side; NET_LAB: the host's netns; else == wire_ns */
	char wire_if[3][16];      /* NET_LAB: wire ends in wire_ns ("cli", "srv"); NET_LOOPBACK: "lo" */
	int wire_ifindex[3];
	struct in_addr ip[3];     /* each side's address: lab IPs, or 127.0.0.1 */
	unsigned char mac[3][6];  /* NET_LAB: each host's eth0 MAC (02:00:00:00:00:01 client, :02 server) */
	int cur_ns;               /* descriptor of the netns the process is in now (lab_enter/lab_leave) */
};

/* Parse "--net" values: "lab", "loopback", "host". 0 or -EINVAL. */
int lab_parse_mode(const char *s, enum net_mode *out);
const char *lab_mode_name(enum net_mode m);

/* Build the network for cfg->mode (after priv_enter_userns for LAB/LOOPBACK). */
int lab_setup(struct lab *lab, const struct lab_config *cfg, char *err, size_t errlen);

/* Create a socket inside a side's host: setns(host), socket(), setns(wire).
 * Returns the descriptor or negative errno (errno of socket() itself). */
int lab_socket(struct lab *lab, enum side side, int domain, int type, int protocol);

/* Run inside a side's namespace for a moment (sock_diag queries, sysctls):
 * lab_enter switches, lab_leave switches back to the wire namespace. */
int lab_enter(struct lab *lab, enum side side);
int lab_leave(struct lab *lab);

/* Close namespace descriptors; the kernel removes links and namespaces. */
void lab_teardown(struct lab *lab);

#endif
