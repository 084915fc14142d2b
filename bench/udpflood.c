/* udpflood.c - the peer of sockstep's `client flood N udp IP PORT` for
 * bench/veth.sh: COUNT datagrams of the same 8-byte payload (the datagram's
 * number), sent by one socket with sendto() in a loop, as the flood's program
 * does, and the time the loop took.
 *
 * Usage: udpflood IP PORT COUNT
 * Prints "SENT FAILED SECONDS". A benchmark's tool: it judges nothing. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	char *end;
	unsigned long count = argc == 4 ? strtoul(argv[3], &end, 10) : 0;
	if (argc != 4 || *end || !count || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 || !atoi(argv[2])) {
		fprintf(stderr, "usage: udpflood IP PORT COUNT (an IPv4 address, a port, a count above 0)\n");
		return 2;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* ends with the script that started it, even killed */
	to.sin_port = htons((unsigned short)atoi(argv[2]));
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0) {
		perror("udpflood: socket");
		return 1;
	}
	unsigned long sent = 0, failed = 0;
	double t0 = now_s();
	for (unsigned long n = 0; n < count; n++) {
		unsigned char payload[8];
		memcpy(payload, &n, sizeof(payload));
		if (sendto(fd, payload, sizeof(payload), 0, (const struct sockaddr *)&to, sizeof(to)) < 0)
			failed++;
		else
			sent++;
	}
	printf("%lu %lu %.6f\n", sent, failed, now_s() - t0);
	close(fd);
	return 0;
}
