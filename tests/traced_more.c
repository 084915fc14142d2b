/* traced_more.c - small programs of the tests' own for tests/traced_more.sh,
 * each a mode, run under sockstep (traced) in the lab:
 *   families          an AF_UNIX connect to a path that does not exist, an
 *                     AF_INET6 socket and a netlink socket, each closed;
 *                     prints "families done", status 0
 *   signal A B restart|eintr|ignore [poll]
 *                     two UDP sockets bound to ports A and B; B is O_ASYNC,
 *                     so a datagram to B sends SIGIO (its handler installed
 *                     with SA_RESTART, or without; ignore: SIGURG instead,
 *                     with no handler, which the kernel ignores), while
 *                     recv() on A sleeps (poll: poll() on A for 60 s, then
 *                     recv()); prints what it returned, then waits for a
 *                     line of its input before it closes A
 *   threads ADDR PORT two threads, each sends "tN" to ADDR:PORT over UDP
 *                     from a socket of its own, one after the other (the
 *                     second starts once the first has ended); prints
 *                     "joined", status 0
 *   together          a thread and the program each make a UDP socket and
 *                     close it, at the same time; prints "joined", status 0
 *   fork              forks; the child prints "child says hi" and makes a
 *                     socket, the parent waits for it and prints "parent
 *                     says bye"
 *   iouring           io_uring_setup(); prints what it returned, status 0
 *   dns NAME          getaddrinfo(NAME, "80"); prints the result
 *   traced_more MODE [ARG...] */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int families(void)
{
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/nonexistent/sockstep-test.sock");
	if (connect(u, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		printf("unix connect: %s\n", strerror(errno));
	close(u);
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(9), .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	if (connect(s6, (struct sockaddr *)&a6, sizeof(a6)) < 0)
		printf("inet6 connect: %s\n", strerror(errno));
	close(s6);
	int nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	if (bind(nl, (struct sockaddr *)&snl, sizeof(snl)) < 0)
		printf("netlink bind: %s\n", strerror(errno));
	close(nl);
	printf("families done\n");
	return 0;
}

static void on_sigio(int sig)
{
	(void)sig;
}

static int udp_bound(unsigned port)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((in_port_t)port) };
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind");
		exit(3);
	}
	return s;
}

static int sig(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigio;
	sa.sa_flags = !strcmp(argv[4], "restart") ? SA_RESTART : 0;
	bool ignore = !strcmp(argv[4], "ignore");
	if (!ignore)
		sigaction(SIGIO, &sa, NULL);
	int a = udp_bound((unsigned)atoi(argv[2]));
	int b = udp_bound((unsigned)atoi(argv[3]));
	fcntl(b, F_SETOWN, getpid());
	if (ignore)
		fcntl(b, F_SETSIG, SIGURG);
	fcntl(b, F_SETFL, O_ASYNC);
	char buf[64];
	if (argc > 5 && !strcmp(argv[5], "poll")) {
		struct pollfd pf = { .fd = a, .events = POLLIN };
		int r = poll(&pf, 1, 60000);
		if (r < 0)
			printf("poll: %s\n", strerror(errno));
		else
			printf("poll gave %d\n", r);
	}
	ssize_t n = recv(a, buf, sizeof(buf), 0);
	if (n < 0)
		printf("recv: %s\n", strerror(errno));
	else
		printf("recv got %zd bytes\n", n);
	fflush(stdout);
	char line[16];
	if (fgets(line, sizeof(line), stdin))
		close(a);
	return 0;
}

static struct sockaddr_in dest;

static void *sender(void *arg)
{
	char msg[4];
	snprintf(msg, sizeof(msg), "t%d", (int)(long)arg);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&dest, sizeof(dest));
	close(s);
	return NULL;
}

static int threads(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	dest.sin_family = AF_INET;
	dest.sin_port = htons((in_port_t)atoi(argv[3]));
	inet_pton(AF_INET, argv[2], &dest.sin_addr);
	for (long i = 1; i <= 2; i++) {
		pthread_t t;
		pthread_create(&t, NULL, sender, (void *)i);
		pthread_join(t, NULL);
	}
	printf("joined\n");
	return 0;
}

static void *one_socket(void *arg)
{
	(void)arg;
	close(socket(AF_INET, SOCK_DGRAM, 0));
	return NULL;
}

static int together(void)
{
	pthread_t t;
	pthread_create(&t, NULL, one_socket, NULL);
	one_socket(NULL);
	pthread_join(t, NULL);
	printf("joined\n");
	return 0;
}

static int forks(void)
{
	pid_t p = fork();
	if (p == 0) {
		printf("child says hi\n");
		fflush(stdout);
		close(socket(AF_INET, SOCK_DGRAM, 0));
		_exit(0);
	}
	waitpid(p, NULL, 0);
	printf("parent says bye\n");
	return 0;
}

static int iouring(void)
{
#ifdef SYS_io_uring_setup
	char params[120];
	memset(params, 0, sizeof(params));
	long r = syscall(SYS_io_uring_setup, 4, params);
	printf("io_uring_setup: %s\n", r < 0 ? strerror(errno) : "a ring");
	if (r >= 0)
		close((int)r);
#endif
	return 0;
}

static int dns(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int r = getaddrinfo(argv[2], "80", &hints, &res);
	printf("getaddrinfo: %s\n", r ? gai_strerror(r) : "found");
	if (!r)
		freeaddrinfo(res);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "families"))
		return families();
	if (!strcmp(m, "signal"))
		return sig(argc, argv);
	if (!strcmp(m, "threads"))
		return threads(argc, argv);
	if (!strcmp(m, "together"))
		return together();
	if (!strcmp(m, "fork"))
		return forks();
	if (!strcmp(m, "iouring"))
		return iouring();
	if (!strcmp(m, "dns"))
		return dns(argc, argv);
	fprintf(stderr, "usage: traced_more families|signal A B restart|eintr|threads ADDR PORT|fork|iouring|dns NAME\n");
	return 2;
}
