/* keylat.c - how long a key takes to reach the screen, measured at the
 * terminal: the program runs on a pseudo-terminal of its own (100x30), a
 * key is written to it, and the clock stops when the bytes the key must
 * bring (a marker, e.g. the help overlay's title) have come back. No tmux
 * in between, so the figure is the program's own (plus the pty).
 *
 * Usage: keylat [options] -- PROGRAM ARGS...
 *   -r N          rounds (default 20)
 *   -k KEY        the key that opens something (default '?')
 *   -m MARKER     the text it brings (default "sockstep help")
 *   -c KEY        the key that closes it again (default Esc)
 *   -s KEYS[:TEXT] before measuring, press KEYS and wait for TEXT, or
 *                 without TEXT until the screen is quiet (repeatable)
 *   -t MS         the rounds start MS after the last -s keys, whether the
 *                 screen is quiet or not (a step still running)
 *   -g MS         gap between rounds in ms (default 150)
 * Prints one line per round and the median and maximum. A benchmark, not a
 * test: it judges nothing. */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* What the program wrote since the last reset, searched for a marker. */
static char buf[1 << 20];
static size_t blen;

static void drain(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (poll(&p, 1, ms) > 0) {
		ssize_t n = read(fd, buf + blen, sizeof(buf) - 1 - blen);
		if (n <= 0)
			return;
		blen += (size_t)n;
		if (blen > sizeof(buf) / 2) { /* keep the tail: a marker may straddle */
			memmove(buf, buf + blen - 4096, 4096);
			blen = 4096;
		}
		buf[blen] = '\0';
	}
}

/* Wait for marker in the output from now on; ms it took, or -1 on timeout. */
static double wait_for(int fd, const char *marker, double t0, int timeout_ms)
{
	for (;;) {
		buf[blen] = '\0';
		if (memmem(buf, blen, marker, strlen(marker)))
			return now_ms() - t0;
		double left = timeout_ms - (now_ms() - t0);
		if (left <= 0)
			return -1;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)left + 1) <= 0)
			continue;
		ssize_t n = read(fd, buf + blen, sizeof(buf) - 1 - blen);
		if (n <= 0)
			return -1;
		blen += (size_t)n;
		if (blen > sizeof(buf) / 2) {
			memmove(buf, buf + blen - 4096, 4096);
			blen = 4096;
		}
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int rounds = 20, gap = 150, during = -1;
	const char *key = "?", *marker = "sockstep help", *close_key = "\033";
	const char *setup[16];
	int nsetup = 0, o;
	while ((o = getopt(argc, argv, "r:k:m:c:s:t:g:")) != -1) {
		switch (o) {
		case 'r': rounds = atoi(optarg); break;
		case 'k': key = optarg; break;
		case 'm': marker = optarg; break;
		case 'c': close_key = optarg; break;
		case 's': if (nsetup < 16) setup[nsetup++] = optarg; break;
		case 't': during = atoi(optarg); break;
		case 'g': gap = atoi(optarg); break;
		default: return 2;
		}
	}
	if (optind >= argc || rounds < 1 || rounds > 1000) {
		fprintf(stderr, "usage: keylat [-r N] [-k KEY] [-m MARKER] [-c KEY] [-s KEYS:TEXT]... [-t MS] [-g MS] -- PROGRAM ARGS...\n");
		return 2;
	}
	struct winsize ws = { .ws_row = 30, .ws_col = 100 };
	int fd;
	pid_t pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		unsetenv("MALLOC_PERTURB_");
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	/* Start-up: until the screen stops changing. */
	drain(fd, 1500);
	for (int i = 0; i < nsetup; i++) {
		char keys[64];
		const char *colon = strchr(setup[i], ':');
		size_t kl = colon ? (size_t)(colon - setup[i]) : strlen(setup[i]);
		snprintf(keys, sizeof(keys), "%.*s", (int)kl, setup[i]);
		blen = 0;
		double t0 = now_ms();
		if (write(fd, keys, strlen(keys)) < 0)
			return 1;
		if (colon && wait_for(fd, colon + 1, t0, 10000) < 0) {
			fprintf(stderr, "keylat: \"%s\" did not show\n", colon + 1);
			kill(pid, SIGKILL);
			return 1;
		}
		if (!colon)
			drain(fd, 700); /* no marker: until the screen is quiet */
	}
	if (during >= 0) { /* the rounds start this long after the last key, quiet or not */
		usleep((useconds_t)during * 1000);
		drain(fd, 0);
	} else {
		drain(fd, 300);
	}
	double *t = calloc((size_t)rounds, sizeof(*t));
	int got = 0;
	for (int r = 0; r < rounds; r++) {
		blen = 0;
		double t0 = now_ms();
		if (write(fd, key, strlen(key)) < 0)
			break;
		double dt = wait_for(fd, marker, t0, 5000);
		printf("  round %2d: %7.2f ms%s\n", r + 1, dt, dt < 0 ? " (marker never came)" : "");
		if (dt >= 0)
			t[got++] = dt;
		if (write(fd, close_key, strlen(close_key)) < 0)
			break;
		drain(fd, gap);
	}
	if (got) {
		qsort(t, (size_t)got, sizeof(*t), cmp);
		printf("  key to screen: median %.2f ms, max %.2f ms over %d rounds\n", t[got / 2], t[got - 1], got);
	}
	free(t);
	kill(pid, SIGTERM);
	drain(fd, 300);
	waitpid(pid, NULL, 0);
	return got ? 0 : 1;
}
