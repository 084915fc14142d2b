/* trace_prog.c - a small socket program that test_trace.c runs under the
 * tracer: the calls a lecture's client and server make, on 127.0.0.1, and
 * a fork, a thread, an exec, io_uring, the hosts file. Its output says what
 * it saw, so the test checks the program's view as well as the tracer's.
 *   trace_prog net|fork|thread|exec|uring|hosts|block|lines */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* A listening socket on 127.0.0.1 (a port the kernel picks), a client
 * connected to it, the accepted one; "hello" sent, read three times (the
 * test cuts the first read short and fails the second with EINTR). */
static int net(void)
{
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0)
		return 1;
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, len) < 0)
		return 1;
	int s = accept(l, NULL, NULL);
	if (s < 0 || send(c, "hello", 5, 0) != 5 || shutdown(c, SHUT_WR) < 0)
		return 1;
	char buf[64];
	ssize_t n = recv(s, buf, sizeof(buf), 0);
	printf("recv %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);
	fflush(stdout);
	n = recv(s, buf, sizeof(buf), 0);
	printf("recv2 %zd %d\n", n, n < 0 ? errno : 0);
	n = recv(s, buf, sizeof(buf), 0); /* what a skipped call left */
	printf("recv3 %zd %.*s\n", n, n > 0 ? (int)n : 0, buf);
	fflush(stdout);
	close(c);
	close(s);
	close(l);
	return 0;
}

/* A child that makes one call of its own (a UDP socket), then the parent one. */
static int forked(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int u = socket(AF_INET, SOCK_DGRAM, 0);
		_exit(u == 3 ? 7 : 1);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	int t = socket(AF_INET6, SOCK_STREAM, 0);
	printf("child %d socket %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1, t);
	fflush(stdout);
	return 0;
}

static void *thread_main(void *arg)
{
	(void)arg;
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	return (void *)(long)u;
}

static int threaded(void)
{
	pthread_t th;
	void *ret = NULL;
	if (pthread_create(&th, NULL, thread_main, NULL) || pthread_join(th, &ret))
		return 1;
	printf("thread socket %ld\n", (long)ret);
	fflush(stdout);
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig; /* only there so that the blocked recv returns EINTR */
}

/* A recv that blocks until a signal (no SA_RESTART: it returns EINTR). */
static int block(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 1;
	char b;
	ssize_t n = recv(sv[0], &b, 1, 0);
	printf("block %zd %d\n", n, n < 0 ? errno : 0);
	fflush(stdout);
	return 0;
}

/* io_uring refused by the filter: what the program sees. */
static int uring(void)
{
	char params[120];
	memset(params, 0, sizeof(params));
	long r = syscall(SYS_io_uring_setup, 4, params);
	printf("io_uring_setup %ld %d\n", r, r < 0 ? errno : 0);
	fflush(stdout);
	return 0;
}

/* The hosts file the program sees: its first line. */
static int hosts(void)
{
	char line[256] = "";
	FILE *f = fopen("/etc/hosts", "re");
	if (!f || !fgets(line, sizeof(line), f))
		return 1;
	fclose(f);
	printf("hosts %s", line);
	fflush(stdout);
	return 0;
}

/* Lines with no fflush: on a pipe they wait in stdio's buffer until the
 * exit; on a terminal each goes out at its newline. */
static int lines(void)
{
	printf("before\n");
	int s = socket(AF_INET, SOCK_STREAM, 0);
	printf("after %d\n", s);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	if (!strcmp(m, "net"))
		return net();
	if (!strcmp(m, "fork"))
		return forked();
	if (!strcmp(m, "thread"))
		return threaded();
	if (!strcmp(m, "lines"))
		return lines();
	if (!strcmp(m, "block"))
		return block();
	if (!strcmp(m, "uring"))
		return uring();
	if (!strcmp(m, "hosts"))
		return hosts();
	if (!strcmp(m, "exec")) {
		execl("/proc/self/exe", "trace_prog", "uring", (char *)NULL);
		return 1;
	}
	fprintf(stderr, "usage: trace_prog net|fork|thread|exec|uring|hosts|block|lines\n");
	return 2;
}
