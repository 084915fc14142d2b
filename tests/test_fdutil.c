/* test_fdutil.c - sockstep's own descriptors (fdutil.c): moved above the
 * lesson's, and handed over a Unix socket as a working descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fdutil.h"

static void move_high_moves_and_closes(void **state)
{
	(void)state;
	int low = open("/dev/null", O_RDONLY);
	assert_true(low >= 0 && low < fd_base());
	int high = fd_move_high(low);
	assert_true(high >= fd_base());
	assert_int_equal(fcntl(low, F_GETFD), -1); /* the low one is free again */
	assert_int_equal(errno, EBADF);
	assert_true(fcntl(high, F_GETFD) & FD_CLOEXEC);
	close(high);
	assert_int_equal(fd_move_high(-EMFILE), -EMFILE); /* an error passes through */
	assert_int_equal(fd_dup_high(-1), -1);
}

static void dup_high_keeps_the_original(void **state)
{
	(void)state;
	int high = fd_dup_high(STDERR_FILENO);
	assert_true(high >= fd_base());
	assert_true(fcntl(STDERR_FILENO, F_GETFD) >= 0);
	close(high);
}

/* A pipe's write end sent over a socket pair arrives as a descriptor that
 * writes into the same pipe. */
static void send_recv_pass_a_working_descriptor(void **state)
{
	(void)state;
	int sv[2], p[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fd_send(sv[0], "hello", 5, p[1], MSG_NOSIGNAL), 0);
	close(p[1]);
	char buf[16];
	int got = -2;
	assert_int_equal(fd_recv(sv[1], buf, sizeof(buf), &got, MSG_CMSG_CLOEXEC), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_true(got >= 0);
	assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(write(got, "x", 1), 1);
	close(got);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'x');
	/* No descriptor: -1; the peer gone: 0. */
	assert_int_equal(fd_send(sv[0], "n", 1, -1, 0), 0);
	assert_int_equal(fd_recv(sv[1], buf, sizeof(buf), &got, 0), 1);
	assert_int_equal(got, -1);
	close(sv[0]);
	assert_int_equal(fd_recv(sv[1], buf, sizeof(buf), &got, 0), 0);
	assert_int_equal(got, -1);
	assert_int_equal(fd_send(sv[1], "n", 1, -1, MSG_NOSIGNAL), -EPIPE);
	close(sv[1]);
	close(p[0]);
}

/* Below FD_NEEDED the start is refused in one line naming the fix; the
 * base is FD_RESERVE below a small limit. */
static void base_and_check_follow_the_limit(void **state)
{
	(void)state;
	struct rlimit old, rl;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	rl = old;
	rl.rlim_cur = 50;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	char err[200] = "";
	assert_int_equal(fd_base(), 50 - FD_RESERVE);
	assert_int_equal(fd_check(err, sizeof(err)), 0);
	rl.rlim_cur = 20;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(fd_check(err, sizeof(err)), -EMFILE);
	assert_non_null(strstr(err, "the limit is 20; raise it with 'ulimit -n 32'"));
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(fd_base(), old.rlim_cur == RLIM_INFINITY || old.rlim_cur > 100 + FD_RESERVE ? 100
											     : (int)old.rlim_cur - FD_RESERVE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(move_high_moves_and_closes),
		cmocka_unit_test(dup_high_keeps_the_original),
		cmocka_unit_test(send_recv_pass_a_working_descriptor),
		cmocka_unit_test(base_and_check_follow_the_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
