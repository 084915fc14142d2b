/* test_sysc.c - a traced program's calls as the user reads them (sysc.h):
 * the C text with its real arguments, from raw system call arguments and a
 * fake memory of the program; libc's send/recv behind sendto/recvfrom; the
 * sockaddr's bytes (a forgotten htons shows port 20480); the results at the
 * exit; and memory that cannot be read, shown as such, never trusted. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <cmocka.h>

#include "sysc.h"

/* The program's memory: one mapped page at BASE; anything else faults. A
 * read that runs past the page's end stops there (a short read), as
 * process_vm_readv does at an unmapped page. */
#define BASE 0x7f0000001000ULL
#define PAGE 4096
static unsigned char page[PAGE];
static size_t used;
static bool liar; /* the reader claims more bytes than asked */

static long reader(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (addr < BASE || addr >= BASE + PAGE)
		return -EFAULT;
	size_t off = (size_t)(addr - BASE), n = PAGE - off < len ? PAGE - off : len;
	memcpy(buf, page + off, n);
	return liar ? (long)len + 1 : (long)n;
}

/* Put bytes in the program's memory; their address. */
static uint64_t put(const void *b, size_t n)
{
	uint64_t a = BASE + used;
	memcpy(page + used, b, n);
	used += (n + 7) & ~(size_t)7;
	return a;
}

static uint64_t put_sin(const char *ip, uint16_t port_bytes)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = port_bytes;
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return put(&sin, sizeof sin);
}

static struct sysc_call sc;

static void enter(int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };
	sysc_enter(&sc, nr, args, reader, NULL);
}

static int setup(void **state)
{
	(void)state;
	memset(page, 0, sizeof page);
	used = 0;
	liar = false;
	return 0;
}

static void test_connect(void **state)
{
	(void)state;
	uint64_t sa = put_sin("200.0.0.2", htons(80));
	enter(SYS_connect, 3, sa, 16, 0, 0, 0);
	assert_string_equal(sc.text, "connect(3, {AF_INET, 200.0.0.2, port 80}, 16)");
	assert_string_equal(sc.name, "connect");
	assert_int_equal(sc.fd, 3);
	assert_true(sc.network);
	assert_true(sc.ca.set);
	assert_int_equal(sc.ca.verb, V_CONNECT);
	assert_int_equal(sc.ca.sa_len, 16);
	assert_false(sc.ca.sa_out);
	assert_memory_equal(sc.ca.sa, page + (sa - BASE), 16);
	assert_string_equal(sc.note, "");
	sysc_exit(&sc, -ECONNREFUSED, reader, NULL);
	assert_string_equal(sc.result, "-> -1 ECONNREFUSED");
	assert_int_equal(sc.ret, -1);
	assert_int_equal(sc.err, ECONNREFUSED);
	assert_false(sc.restart);
	sysc_exit(&sc, 0, reader, NULL);
	assert_string_equal(sc.result, "-> 0");
	assert_int_equal(sc.err, 0);
}

/* The lecture's warning: sin_port = 80 without htons() is 20480 on the wire
 * of a little-endian machine; the bytes decide, not the number typed. */
static void test_forgotten_htons(void **state)
{
	char want[64];
	(void)state;
	uint64_t sa = put_sin("127.0.0.1", 80);
	enter(SYS_bind, 3, sa, 16, 0, 0, 0);
	snprintf(want, sizeof want, "bind(3, {AF_INET, 127.0.0.1, port %u}, 16)", (unsigned)ntohs(80));
	assert_string_equal(sc.text, want);
	if (htons(1) != 1)
		assert_non_null(strstr(sc.text, "port 20480"));
	assert_int_equal(sc.ca.verb, V_BIND);
}

static void test_send_recv(void **state)
{
	(void)state;
	uint64_t buf = put("GET / HTTP/1.0\r\n", 16);
	enter(SYS_sendto, 3, buf, 16, MSG_NOSIGNAL, 0, 0);
	assert_string_equal(sc.text, "send(3, \"GET / HTTP/1.0\\r\\n\", 16, MSG_NOSIGNAL)");
	assert_string_equal(sc.c_name, "send");
	assert_string_equal(sc.name, "sendto");
	assert_int_equal(sc.ca.verb, V_SEND);
	assert_non_null(strstr(sc.note, "the kernel saw sendto("));
	assert_non_null(strstr(sc.note, "libc's send() is sendto() with no address"));
	assert_int_equal(sc.data_addr, buf);
	assert_int_equal(sc.data_len, 16);
	assert_int_equal(sc.ca.len, 16);
	sysc_exit(&sc, 16, reader, NULL);
	assert_string_equal(sc.result, "-> 16");

	/* Long payloads are cut at SYSC_SHOW bytes. */
	char big[100];
	memset(big, 'a', sizeof big);
	buf = put(big, sizeof big);
	enter(SYS_sendto, 4, buf, sizeof big, 0, 0, 0);
	assert_string_equal(sc.text, "send(4, \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"..., 100, 0)");

	buf = put("hello, world", 12);
	enter(SYS_recvfrom, 3, buf, 1024, 0, 0, 0);
	assert_string_equal(sc.text, "recv(3, buf, 1024, 0)");
	assert_int_equal(sc.ca.verb, V_RECV);
	assert_int_equal(sc.ca.len, 1024);
	assert_non_null(strstr(sc.note, "the kernel saw recvfrom("));
	sysc_exit(&sc, 5, reader, NULL);
	assert_string_equal(sc.result, "-> 5 \"hello\"");
	assert_int_equal(sc.data_addr, buf);
	assert_int_equal(sc.data_len, 5);
	sysc_exit(&sc, 0, reader, NULL);
	assert_string_equal(sc.result, "-> 0 \"\"");

	/* A truncated datagram returns its whole length: only the buffer was written. */
	enter(SYS_recvfrom, 3, buf, 4, MSG_TRUNC, 0, 0);
	sysc_exit(&sc, 12, reader, NULL);
	assert_string_equal(sc.result, "-> 12 \"hell\"");
	assert_int_equal(sc.data_len, 4);

	enter(SYS_write, 5, buf, 5, 0, 0, 0);
	assert_string_equal(sc.text, "write(5, \"hello\", 5)");
	assert_int_equal(sc.ca.verb, V_SEND);
	assert_false(sc.network);
	enter(SYS_read, 0, buf, 64, 0, 0, 0);
	assert_string_equal(sc.text, "read(0, buf, 64)");
	sysc_exit(&sc, -EAGAIN, reader, NULL);
	assert_string_equal(sc.result, "-> -1 EAGAIN");
}

static void test_udp(void **state)
{
	(void)state;
	uint64_t sa = put_sin("200.0.0.2", htons(5000));
	uint64_t buf = put("hola", 4);
	enter(SYS_sendto, 3, buf, 4, 0, sa, 16);
	assert_string_equal(sc.text, "sendto(3, \"hola\", 4, 0, {AF_INET, 200.0.0.2, port 5000}, 16)");
	assert_int_equal(sc.ca.verb, V_SENDTO);
	assert_string_equal(sc.note, "");
	assert_int_equal(sc.ca.sa_len, 16);

	uint32_t room = 16;
	uint64_t from = put_sin("0.0.0.0", 0), lenp = put(&room, sizeof room);
	enter(SYS_recvfrom, 3, buf, 1024, 0, from, lenp);
	assert_string_equal(sc.text, "recvfrom(3, buf, 1024, 0, &addr, &len)");
	assert_int_equal(sc.ca.verb, V_RECVFROM);
	/* The kernel fills in the sender. */
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40000) };
	inet_pton(AF_INET, "100.0.0.1", &sin.sin_addr);
	memcpy(page + (from - BASE), &sin, sizeof sin);
	sysc_exit(&sc, 4, reader, NULL);
	assert_string_equal(sc.result, "-> 4 \"hola\" from {AF_INET, 100.0.0.1, port 40000}");
	assert_true(sc.ca.sa_out);
	assert_memory_equal(sc.ca.sa, &sin, 16);
}

static void test_socket_listen_accept(void **state)
{
	(void)state;
	enter(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0, 0);
	assert_string_equal(sc.text, "socket(AF_INET, SOCK_STREAM, 0)");
	assert_int_equal(sc.fd, -1);
	assert_int_equal(sc.ca.verb, V_SOCKET);
	assert_int_equal(sc.ca.a, AF_INET);
	assert_int_equal(sc.ca.b, SOCK_STREAM);
	sysc_exit(&sc, 3, reader, NULL);
	assert_string_equal(sc.result, "-> 3");
	enter(SYS_socket, AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP, 0, 0, 0);
	assert_string_equal(sc.text, "socket(AF_INET6, SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC, IPPROTO_UDP)");
	enter(SYS_socket, 12345, 99, 7, 0, 0, 0);
	assert_string_equal(sc.text, "socket(12345, SOCK_RAW|0x60, 7)");

	enter(SYS_listen, 3, 5, 0, 0, 0, 0);
	assert_string_equal(sc.text, "listen(3, 5)");
	assert_int_equal(sc.ca.a, 5);

	uint32_t room = 16;
	uint64_t addr = put_sin("0.0.0.0", 0), lenp = put(&room, sizeof room);
	enter(SYS_accept, 3, addr, lenp, 0, 0, 0);
	assert_string_equal(sc.text, "accept(3, &addr, &len)");
	assert_int_equal(sc.ca.verb, V_ACCEPT);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40000) };
	inet_pton(AF_INET, "100.0.0.1", &sin.sin_addr);
	memcpy(page + (addr - BASE), &sin, sizeof sin);
	sysc_exit(&sc, 4, reader, NULL);
	assert_string_equal(sc.result, "-> 4 {AF_INET, 100.0.0.1, port 40000}");
	assert_true(sc.ca.sa_out);
	assert_int_equal(sc.ca.sa_len, 16);
	assert_int_equal(sc.sa_full_len, 16);
	enter(SYS_accept4, 3, 0, 0, SOCK_CLOEXEC, 0, 0);
	assert_string_equal(sc.text, "accept4(3, NULL, NULL, SOCK_CLOEXEC)");
	sysc_exit(&sc, 5, reader, NULL);
	assert_string_equal(sc.result, "-> 5");

	enter(SYS_getsockname, 4, addr, lenp, 0, 0, 0);
	assert_string_equal(sc.text, "getsockname(4, &addr, &len)");
	assert_int_equal(sc.ca.verb, V_GETSOCKNAME);
	sysc_exit(&sc, 0, reader, NULL);
	assert_string_equal(sc.result, "-> 0 {AF_INET, 100.0.0.1, port 40000}");
	enter(SYS_getpeername, 4, addr, lenp, 0, 0, 0);
	assert_int_equal(sc.ca.verb, V_GETPEERNAME);

	enter(SYS_shutdown, 4, SHUT_WR, 0, 0, 0, 0);
	assert_string_equal(sc.text, "shutdown(4, SHUT_WR)");
	assert_int_equal(sc.ca.a, SHUT_WR);
	enter(SYS_close, 4, 0, 0, 0, 0, 0);
	assert_string_equal(sc.text, "close(4)");
	assert_int_equal(sc.ca.verb, V_CLOSE);
	assert_false(sc.network);

	int sv[2] = { 3, 4 };
	uint64_t svp = put(sv, sizeof sv);
	enter(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, svp, 0, 0);
	assert_string_equal(sc.text, "socketpair(AF_UNIX, SOCK_STREAM, 0, sv)");
	sysc_exit(&sc, 0, reader, NULL);
	assert_string_equal(sc.result, "-> 0 [3, 4]");
}

static void test_options(void **state)
{
	(void)state;
	int one = 1;
	uint64_t v = put(&one, sizeof one);
	enter(SYS_setsockopt, 3, SOL_SOCKET, SO_REUSEADDR, v, 4, 0);
	assert_string_equal(sc.text, "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4)");
	assert_int_equal(sc.ca.verb, V_SETSOCKOPT);
	assert_int_equal(sc.ca.a, 1);
	assert_int_equal(sc.ca.b, SOL_SOCKET);
	assert_int_equal(sc.ca.c, SO_REUSEADDR);
	enter(SYS_setsockopt, 3, IPPROTO_TCP, 1 /* TCP_NODELAY */, v, 4, 0);
	assert_string_equal(sc.text, "setsockopt(3, IPPROTO_TCP, TCP_NODELAY, [1], 4)");

	int e = ECONNREFUSED, four = 4;
	uint64_t ev = put(&e, sizeof e), lenp = put(&four, sizeof four);
	enter(SYS_getsockopt, 3, SOL_SOCKET, SO_ERROR, ev, lenp, 0);
	assert_string_equal(sc.text, "getsockopt(3, SOL_SOCKET, SO_ERROR, &val, &len)");
	sysc_exit(&sc, 0, reader, NULL);
	assert_string_equal(sc.result, "-> 0 [ECONNREFUSED]");
	assert_int_equal(sc.ca.a, ECONNREFUSED);

	enter(SYS_fcntl, 3, F_SETFL, O_RDWR | O_NONBLOCK, 0, 0, 0);
	assert_string_equal(sc.text, "fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK)");
	assert_int_equal(sc.ca.verb, V_SETSOCKOPT);
	assert_int_equal(sc.ca.a, O_RDWR | O_NONBLOCK);
	enter(SYS_fcntl, 3, F_GETFL, 0, 0, 0, 0);
	assert_string_equal(sc.text, "fcntl(3, F_GETFL)");
	sysc_exit(&sc, O_RDWR | O_NONBLOCK, reader, NULL);
	assert_string_equal(sc.result, "-> 0x802 O_RDWR|O_NONBLOCK");
}

static void test_waits(void **state)
{
	(void)state;
	struct pollfd p[2] = { { 3, POLLIN, 0 }, { 4, POLLOUT, 0 } };
	uint64_t pp = put(p, sizeof p);
#ifdef SYS_poll
	enter(SYS_poll, pp, 2, (uint64_t)-1, 0, 0, 0);
	assert_string_equal(sc.text, "poll([{3, POLLIN}, {4, POLLOUT}], 2, -1)");
	assert_int_equal(sc.ca.verb, V_SELECT);
	assert_string_equal(sc.note, "");
#endif
	long long ts[2] = { 1, 500000000 };
	uint64_t tp = put(ts, sizeof ts);
	enter(SYS_ppoll, pp, 2, tp, 0, 8, 0);
	assert_string_equal(sc.text, "poll([{3, POLLIN}, {4, POLLOUT}], 2, 1500)");
	assert_string_equal(sc.name, "ppoll");
	assert_non_null(strstr(sc.note, "the kernel saw ppoll("));
	p[1].revents = POLLOUT | POLLHUP;
	memcpy(page + (pp - BASE), p, sizeof p);
	sysc_exit(&sc, 1, reader, NULL);
	assert_string_equal(sc.result, "-> 1 [{4, POLLOUT|POLLHUP}]");

	unsigned long set[16] = { 1UL << 3 };
	uint64_t sp = put(set, sizeof set);
#ifdef SYS_select
	enter(SYS_select, 4, sp, 0, 0, 0, 0);
	assert_string_equal(sc.text, "select(4, [3], NULL, NULL, NULL)");
	sysc_exit(&sc, 1, reader, NULL);
	assert_string_equal(sc.result, "-> 1 (in [3], out NULL)");
#endif
	enter(SYS_pselect6, 4, sp, 0, 0, 0, 0);
	assert_string_equal(sc.text, "select(4, [3], NULL, NULL, NULL)");
	assert_non_null(strstr(sc.note, "the kernel saw pselect6("));
	enter(SYS_epoll_pwait, 5, BASE, 10, (uint64_t)-1, 0, 8);
	assert_string_equal(sc.text, "epoll_wait(5, events, 10, -1)");
	assert_int_equal(sc.fd, 5);
}

static void test_unix_inet6_msg(void **state)
{
	(void)state;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	strcpy(sun.sun_path, "/var/run/nscd/socket");
	uint64_t su = put(&sun, sizeof sun);
	enter(SYS_connect, 3, su, sizeof sun, 0, 0, 0);
	assert_string_equal(sc.text, "connect(3, {AF_UNIX, \"/var/run/nscd/socket\"}, 110)");
	assert_int_equal(sc.ca.sa_len, 16); /* call_args keeps the first 16 bytes */
	assert_int_equal(sc.sa_full_len, sizeof sun);

	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	inet_pton(AF_INET6, "::1", &s6.sin6_addr);
	uint64_t a6 = put(&s6, sizeof s6);
	enter(SYS_connect, 3, a6, sizeof s6, 0, 0, 0);
	assert_string_equal(sc.text, "connect(3, {AF_INET6, ::1, port 443}, 28)");

	uint64_t sa = put_sin("200.0.0.2", htons(53));
	uint64_t data = put("query", 5);
	struct iovec iov = { (void *)(uintptr_t)data, 5 };
	uint64_t iovp = put(&iov, sizeof iov);
	struct msghdr h = { .msg_name = (void *)(uintptr_t)sa, .msg_namelen = 16,
			    .msg_iov = (struct iovec *)(uintptr_t)iovp, .msg_iovlen = 1 };
	uint64_t hp = put(&h, sizeof h);
	enter(SYS_sendmsg, 3, hp, MSG_DONTWAIT, 0, 0, 0);
	assert_string_equal(sc.text, "sendmsg(3, {{AF_INET, 200.0.0.2, port 53}, [\"query\", 5], 1 iovec}, MSG_DONTWAIT)");
	assert_int_equal(sc.ca.verb, V_SENDTO);
	assert_int_equal(sc.data_addr, data);
	enter(SYS_recvmsg, 3, hp, 0, 0, 0, 0);
	assert_string_equal(sc.text, "recvmsg(3, {&addr, [buf, 5], 1 iovec}, 0)");
	sysc_exit(&sc, 3, reader, NULL);
	assert_string_equal(sc.result, "-> 3 \"que\" from {AF_INET, 200.0.0.2, port 53}");
}

/* A program may pass any pointer: what cannot be read whole is said so. */
static void test_unreadable(void **state)
{
	(void)state;
	enter(SYS_connect, 3, 0xdead0000, 16, 0, 0, 0);
	assert_string_equal(sc.text, "connect(3, 0xdead0000 (unreadable), 16)");
	assert_int_equal(sc.ca.sa_len, 0);
	assert_int_equal(sc.sa_full_len, 0);
	/* Eight bytes before the page's end: a short read. */
	enter(SYS_connect, 3, BASE + PAGE - 8, 16, 0, 0, 0);
	assert_non_null(strstr(sc.text, "(unreadable)"));
	enter(SYS_connect, 3, 0, 16, 0, 0, 0);
	assert_string_equal(sc.text, "connect(3, NULL, 16)");
	enter(SYS_sendto, 3, BASE + PAGE - 2, 100, 0, 0, 0);
	assert_non_null(strstr(sc.text, "(unreadable)"));
	/* A huge length is not trusted: at most SYSC_SA_MAX bytes are read. */
	uint64_t sa = put_sin("1.2.3.4", htons(1));
	enter(SYS_bind, 3, sa, 0xffffffff, 0, 0, 0);
	assert_int_equal(sc.sa_full_len, SYSC_SA_MAX);
	assert_non_null(strstr(sc.text, "{AF_INET, 1.2.3.4, port 1}"));
	/* A sockaddr too short for its family. */
	enter(SYS_bind, 3, sa, 4, 0, 0, 0);
	assert_string_equal(sc.text, "bind(3, {AF_INET, 4 bytes: too short}, 4)");
	/* A reader that claims more than it was asked for is not believed. */
	liar = true;
	enter(SYS_connect, 3, sa, 16, 0, 0, 0);
	assert_non_null(strstr(sc.text, "(unreadable)"));
	liar = false;
	/* No reader at all: addresses only. */
	const uint64_t args[6] = { 3, sa, 16, 0, 0, 0 };
	sysc_enter(&sc, SYS_connect, args, NULL, NULL);
	assert_non_null(strstr(sc.text, "(unreadable)"));
	sysc_exit(&sc, 3, NULL, NULL);
	assert_string_equal(sc.result, "-> 3");
}

static void test_names(void **state)
{
	(void)state;
	int nrs[64];
	size_t n = sysc_calls(nrs, 64);
	static const int net[] = { SYS_socket, SYS_socketpair, SYS_bind, SYS_listen, SYS_accept, SYS_accept4,
				   SYS_connect, SYS_getsockname, SYS_getpeername, SYS_sendto, SYS_recvfrom,
				   SYS_sendmsg, SYS_recvmsg, SYS_sendmmsg, SYS_recvmmsg, SYS_shutdown,
				   SYS_setsockopt, SYS_getsockopt };
	for (size_t i = 0; i < sizeof net / sizeof net[0]; i++)
		assert_true(sysc_is_network(net[i]));
	size_t count = 0;
	for (size_t i = 0; i < n && i < 64; i++)
		count += sysc_is_network(nrs[i]);
	assert_int_equal(count, sizeof net / sizeof net[0]); /* exactly strace's set */
	assert_false(sysc_is_network(SYS_close));
	assert_false(sysc_is_network(SYS_read));
	assert_true(sysc_known(SYS_close));
	assert_true(sysc_known(SYS_fcntl));
	assert_false(sysc_known(SYS_getpid));
	assert_string_equal(sysc_name(SYS_sendto), "sendto");
	assert_string_equal(sysc_name(SYS_epoll_pwait), "epoll_pwait");
	assert_string_equal(sysc_name(SYS_getpid), "?");
	enter(SYS_getpid, 1, 2, 3, 0, 0, 0);
	assert_false(sc.ca.set);
	assert_int_equal(sc.fd, -1);
	assert_non_null(strstr(sc.text, "syscall "));
	sysc_exit(&sc, 42, reader, NULL);
	assert_string_equal(sc.result, "-> 42");
	/* A signal: the kernel's restart code, which the program never sees. */
	enter(SYS_accept, 3, 0, 0, 0, 0, 0);
	sysc_exit(&sc, -512, reader, NULL);
	assert_true(sc.restart);
	assert_non_null(strstr(sc.result, "ERESTARTSYS"));
	char text[64];
	unsigned char b[16] = { 0 };
	sysc_sockaddr_text(b, 16, text, sizeof text);
	assert_string_equal(text, "{AF_UNSPEC}");
	sysc_sockaddr_text(b, 1, text, sizeof text);
	assert_string_equal(text, "{1 byte: no family}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_connect, setup),
		cmocka_unit_test_setup(test_forgotten_htons, setup),
		cmocka_unit_test_setup(test_send_recv, setup),
		cmocka_unit_test_setup(test_udp, setup),
		cmocka_unit_test_setup(test_socket_listen_accept, setup),
		cmocka_unit_test_setup(test_options, setup),
		cmocka_unit_test_setup(test_waits, setup),
		cmocka_unit_test_setup(test_unix_inet6_msg, setup),
		cmocka_unit_test_setup(test_unreadable, setup),
		cmocka_unit_test_setup(test_names, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
