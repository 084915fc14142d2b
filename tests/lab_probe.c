/* lab_probe.c - builds the lab as any user and proves it works: lists each
 * namespace's links, addresses and routes, then makes a real TCP connection
 * client -> server across the wire, relayed in userspace by AF_PACKET
 * sockets (as the product's pcap relay does), with TX checksum offload off
 * and, for comparison, on. Optionally also across a kernel bridge.
 *   lab_probe [lab|loopback]
 * Nothing is cleaned up by hand: all namespaces die with the process. */
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

static int failures;

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (cond) {                                                 \
			printf("  ok   ");                                  \
		} else {                                                    \
			printf("  FAIL ");                                  \
			failures++;                                         \
		}                                                           \
		printf(__VA_ARGS__);                                        \
		printf("\n");                                               \
	} while (0)

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void dump_ns(struct lab *lab, enum side side, const char *name)
{
	if (lab_enter(lab, side) < 0) {
		printf("  cannot enter %s\n", name);
		failures++;
		return;
	}
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *links = NULL, *addrs = NULL, *routes = NULL;
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0 ||
	    rtnl_link_alloc_cache(sk, AF_UNSPEC, &links) < 0 ||
	    rtnl_addr_alloc_cache(sk, &addrs) < 0 ||
	    rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &routes) < 0) {
		printf("  cannot read %s via netlink\n", name);
		failures++;
		goto out;
	}
	printf("[%s namespace]\n", name);
	struct nl_dump_params dp = {.dp_type = NL_DUMP_LINE, .dp_fd = stdout};
	nl_cache_dump(links, &dp);
	nl_cache_dump(addrs, &dp);
	nl_cache_dump(routes, &dp);
out:
	if (routes)
		nl_cache_free(routes);
	if (addrs)
		nl_cache_free(addrs);
	if (links)
		nl_cache_free(links);
	if (sk)
		nl_socket_free(sk);
	lab_leave(lab);
}

static int packet_sock(int ifindex)
{
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (s < 0)
		return -errno;
	int one = 1;
	/* Our own injections must not come back to us. */
	setsockopt(s, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
	                          .sll_ifindex = ifindex};
	if (bind(s, (struct sockaddr *)&sll, sizeof sll) < 0) {
		int e = errno;
		close(s);
		return -e;
	}
	return s;
}

static int relay_one(int from, int to, unsigned *n)
{
	unsigned char buf[2048];
	struct sockaddr_ll sll;
	socklen_t sl = sizeof sll;
	ssize_t len = recvfrom(from, buf, sizeof buf, 0, (struct sockaddr *)&sll, &sl);
	if (len <= 0 || sll.sll_pkttype == PACKET_OUTGOING)
		return 0;
	(*n)++;
	return send(to, buf, (size_t)len, 0) < 0 ? -errno : 0;
}

static int set_txcsum(struct lab *lab, enum side side, const char *ifname, unsigned on)
{
	int s = lab_socket(lab, side, AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return s;
	struct ethtool_value ev = {.cmd = ETHTOOL_STXCSUM, .data = on};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	int r = ioctl(s, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
	close(s);
	return r;
}

/* TCP client -> server (port 80), "hola" across. relay: do the AF_PACKET
 * relay in the wire ns (else something else, a bridge, carries frames). */
static int tcp_test(struct lab *lab, bool relay, int port, double timeout_ms, unsigned *frames)
{
	int ls = -1, cs = -1, as = -1, pc = -1, ps = -1, ok = 0;
	*frames = 0;
	if (relay) {
		pc = packet_sock(lab->wire_ifindex[SIDE_CLIENT]);
		ps = packet_sock(lab->wire_ifindex[SIDE_SERVER]);
		if (pc < 0 || ps < 0) {
			printf("  packet socket: %s\n", strerror(-(pc < 0 ? pc : ps)));
			goto out;
		}
	}
	ls = lab_socket(lab, SIDE_SERVER, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cs = lab_socket(lab, SIDE_CLIENT, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (ls < 0 || cs < 0) {
		printf("  lab_socket: %s\n", strerror(-(ls < 0 ? ls : cs)));
		goto out;
	}
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                         .sin_addr = lab->ip[SIDE_SERVER]};
	if (bind(ls, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(ls, 5) < 0) {
		printf("  bind/listen: %s\n", strerror(errno));
		goto out;
	}
	if (connect(cs, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
		printf("  connect: %s\n", strerror(errno));
		goto out;
	}
	bool sent = false;
	double end = now_ms() + timeout_ms;
	while (!ok && now_ms() < end) {
		struct pollfd p[5] = {{.fd = ls, .events = POLLIN},
		                      {.fd = cs, .events = sent ? 0 : POLLOUT},
		                      {.fd = as, .events = POLLIN},
		                      {.fd = pc, .events = POLLIN},
		                      {.fd = ps, .events = POLLIN}};
		if (poll(p, 5, 50) < 0)
			break;
		if (p[3].revents & POLLIN)
			relay_one(pc, ps, frames);
		if (p[4].revents & POLLIN)
			relay_one(ps, pc, frames);
		if (as < 0 && (p[0].revents & POLLIN))
			as = accept(ls, NULL, NULL);
		if (!sent && (p[1].revents & (POLLOUT | POLLERR))) {
			int e = 0;
			socklen_t el = sizeof e;
			getsockopt(cs, SOL_SOCKET, SO_ERROR, &e, &el);
			if (e) {
				printf("  connect: %s\n", strerror(e));
				break;
			}
			sent = send(cs, "hola", 4, 0) == 4;
		}
		if (as >= 0 && (p[2].revents & POLLIN)) {
			char b[16] = {0};
			ok = recv(as, b, sizeof b - 1, 0) == 4 && strcmp(b, "hola") == 0;
		}
	}
out:
	for (int *f = (int[]){ls, cs, as, pc, ps}, i = 0; i < 5; i++)
		if (f[i] >= 0)
			close(f[i]);
	return ok;
}

static int bridge_up(struct lab *lab)
{
	/* Probe only: the product never bridges, sockstep itself is the wire. */
	struct nl_sock *sk = nl_socket_alloc();
	int r = -1;
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0)
		goto out;
	struct rtnl_link *br = rtnl_link_bridge_alloc();
	rtnl_link_set_name(br, "probebr");
	rtnl_link_set_flags(br, IFF_UP);
	r = rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(br);
	if (r < 0)
		goto out;
	struct rtnl_link *b = NULL;
	if ((r = rtnl_link_get_kernel(sk, 0, "probebr", &b)) < 0)
		goto out;
	int bidx = rtnl_link_get_ifindex(b);
	rtnl_link_put(b);
	if ((r = rtnl_link_enslave_ifindex(sk, bidx, lab->wire_ifindex[SIDE_CLIENT])) < 0)
		goto out;
	r = rtnl_link_enslave_ifindex(sk, bidx, lab->wire_ifindex[SIDE_SERVER]);
out:
	if (r < 0)
		printf("  bridge: %s\n", r < 0 ? nl_geterror(r) : "alloc");
	if (sk)
		nl_socket_free(sk);
	return r;
}

int main(int argc, char **argv)
{
	char err[256];
	struct lab lab;
	struct lab_config cfg = {.mode = NET_LAB};
	if (argc > 1 && lab_parse_mode(argv[1], &cfg.mode) < 0) {
		fprintf(stderr, "usage: lab_probe [lab|loopback|host]\n");
		return 2;
	}
	printf("outer: uid=%d gid=%d euid=%d\n", (int)getuid(), (int)getgid(), (int)geteuid());
	double t0 = now_ms();
	if (cfg.mode != NET_HOST) {
		int r = lab_enter_userns(err, sizeof err);
		if (r < 0) {
			printf("lab_enter_userns: %d: %s\n", r, err);
			return 1;
		}
	}
	double t1 = now_ms();
	int r = lab_setup(&lab, &cfg, err, sizeof err);
	double t2 = now_ms();
	if (r < 0) {
		printf("lab_setup(%s): %d: %s\n", lab_mode_name(cfg.mode), r, err);
		return 1;
	}
	printf("inner: uid=%d gid=%d; mode %s; userns %.2f ms, setup %.2f ms\n", (int)getuid(),
	       (int)getgid(), lab_mode_name(lab.mode), t1 - t0, t2 - t1);
	/* The outside identity, as the host sees it. */
	FILE *f = fopen("/proc/self/uid_map", "r");
	char line[128];
	if (f && fgets(line, sizeof line, f))
		printf("uid_map: %s", line);
	if (f)
		fclose(f);

	if (cfg.mode == NET_LOOPBACK) {
		unsigned n;
		CHECK(lab.ip[SIDE_CLIENT].s_addr == htonl(INADDR_LOOPBACK), "ip[] is 127.0.0.1");
		dump_ns(&lab, SIDE_NONE, "loopback");
		CHECK(tcp_test(&lab, false, 80, 1000, &n), "TCP 127.0.0.1:80 on the private lo");
		lab_teardown(&lab);
		printf("%s\n", failures ? "FAILED" : "PASSED");
		return failures != 0;
	}
	if (cfg.mode == NET_HOST) {
		CHECK(lab.wire_ns == -1 && lab.host_ns[1] == -1, "host mode holds no namespaces");
		lab_teardown(&lab);
		printf("%s\n", failures ? "FAILED" : "PASSED");
		return failures != 0;
	}

	char ci[16], si[16];
	inet_ntop(AF_INET, &lab.ip[SIDE_CLIENT], ci, sizeof ci);
	inet_ntop(AF_INET, &lab.ip[SIDE_SERVER], si, sizeof si);
	printf("client %s mac %02x:..:%02x wire %s#%d; server %s mac ..:%02x wire %s#%d\n", ci,
	       lab.mac[SIDE_CLIENT][0], lab.mac[SIDE_CLIENT][5], lab.wire_if[SIDE_CLIENT],
	       lab.wire_ifindex[SIDE_CLIENT], si, lab.mac[SIDE_SERVER][5],
	       lab.wire_if[SIDE_SERVER], lab.wire_ifindex[SIDE_SERVER]);
	dump_ns(&lab, SIDE_NONE, "wire");
	dump_ns(&lab, SIDE_CLIENT, "client");
	dump_ns(&lab, SIDE_SERVER, "server");

	/* IPv6 really off in the hosts. */
	lab_enter(&lab, SIDE_CLIENT);
	FILE *v6 = fopen("/proc/sys/net/ipv6/conf/eth0/disable_ipv6", "r");
	int d = -1;
	if (v6) {
		if (fscanf(v6, "%d", &d) != 1)
			d = -1;
		fclose(v6);
	}
	lab_leave(&lab);
	CHECK(d == 1 || !v6, "client eth0 disable_ipv6=%d", d);

	/* First, right after setup: how soon is the lab usable? */
	unsigned n;
	double t3 = now_ms();
	CHECK(tcp_test(&lab, true, 80, 2000, &n), "relay, TX csum off: TCP %s -> %s:80, 'hola' (%u frames, %.1f ms)",
	      ci, si, n, now_ms() - t3);
	/* Without any relay, nothing crosses: the wire is really in between. */
	CHECK(!tcp_test(&lab, false, 81, 300, &n), "no relay: connect does not complete");
	set_txcsum(&lab, SIDE_CLIENT, "eth0", 1);
	set_txcsum(&lab, SIDE_SERVER, "eth0", 1);
	bool with = tcp_test(&lab, true, 82, 1500, &n);
	printf("  info relay, TX csum ON: %s (%u frames)\n",
	       with ? "connected (offload did not matter)" : "no connection (offload matters)", n);
	set_txcsum(&lab, SIDE_CLIENT, "eth0", 0);
	set_txcsum(&lab, SIDE_SERVER, "eth0", 0);

	/* lab_socket keeps socket()'s errno, and returns to where we were. */
	int bad = lab_socket(&lab, SIDE_CLIENT, 9999, SOCK_STREAM, 0);
	CHECK(bad == -EAFNOSUPPORT, "lab_socket(bogus domain) = %d (-EAFNOSUPPORT)", bad);
	char want[64] = "", got[64] = "";
	lab_enter(&lab, SIDE_SERVER);
	readlink("/proc/self/ns/net", want, sizeof want - 1);
	int cs = lab_socket(&lab, SIDE_CLIENT, AF_INET, SOCK_DGRAM, 0);
	readlink("/proc/self/ns/net", got, sizeof got - 1);
	lab_leave(&lab);
	CHECK(cs >= 0 && strcmp(want, got) == 0, "lab_socket(client) inside lab_enter(server) returns to %s", got);
	if (cs >= 0)
		close(cs);

	if (getenv("LAB_PROBE_HOLD")) {
		printf("holding: pid %d\n", (int)getpid());
		fflush(stdout);
		sleep(3);
	}

	if (bridge_up(&lab) == 0)
		CHECK(tcp_test(&lab, false, 83, 2000, &n), "probe-only bridge: TCP %s -> %s:83", ci, si);
	else
		CHECK(0, "probe-only bridge could not be built");

	lab_teardown(&lab);
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures != 0;
}
