/* udp_server.c - the lecture's UDP server, written for sockstep from the
 * slides' UDP table (STEP1, STEP 2, STEP 2B, STEP7): it binds IP and PORT,
 * waits for a datagram, learns from recvfrom() who sent it, and sends it
 * back to that sender; after N datagrams it exits. No listen, no accept:
 * UDP has no connection.
 *
 *   udp_server [IP [PORT [N]]]      default: 0.0.0.0 80 1
 *
 * Alone:          ./udp_server 127.0.0.1 80 1
 * Under sockstep: server run udp_server 200.0.0.2 80
 */
#define _POSIX_C_SOURCE 200809L /* inet_addr and friends with cc -std=c17 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSIZE 1024

/* The lecture's error helper: which call failed and why (errno), then stop. */
static void err_sys(const char *mess)
{
	perror(mess);
	exit(1);
}

/* TEXT as a number from lo to hi, or stop with one line naming WHAT. */
static long number(const char *text, const char *what, long lo, long hi)
{
	char *end;
	long n = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || n < lo || n > hi) {
		fprintf(stderr, "udp_server: %s \"%s\": expected a number from %ld to %ld\n", what, text, lo, hi);
		exit(2);
	}
	return n;
}

/* More than three arguments: say what is expected, and stop. */
static void check_usage(int argc)
{
	if (argc > 4) {
		fprintf(stderr, "usage: udp_server [IP [PORT [N]]]\n");
		exit(2);
	}
}

int main(int argc, char *argv[])
{
	const char *ip = argc > 1 ? argv[1] : "0.0.0.0";
	unsigned short port;
	long datagrams;
	struct sockaddr_in echoserver, echoclient;
	socklen_t clientlen;
	char buffer[BUFSIZE];
	int sock;

	check_usage(argc);
	port = (unsigned short)number(argc > 2 ? argv[2] : "80", "port", 1, 65535);
	datagrams = number(argc > 3 ? argv[3] : "1", "N", 1, 1000000);

	if (inet_addr(ip) == INADDR_NONE) {
		fprintf(stderr, "udp_server: \"%s\": expected an IPv4 address like 200.0.0.2\n", ip);
		return 2;
	}
	/* Each line leaves at once, even into a pipe (a test, sockstep's pane). */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* STEP1: PROTOCOL DEFINITION. A UDP socket: datagrams, no connection. */
	sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (sock < 0)
		err_sys("Error socket");

	/* STEP 2: SOCKET BINDING: LOCAL PARAMETERS CONFIGURATION. */
	memset(&echoserver, 0, sizeof(echoserver));   /* Reset memory */
	echoserver.sin_family = AF_INET;              /* Internet/IP */
	echoserver.sin_addr.s_addr = inet_addr(ip);   /* Local address (0.0.0.0: any) */
	echoserver.sin_port = htons(port);            /* Server port */
	if (bind(sock, (struct sockaddr *)&echoserver, sizeof(echoserver)) < 0)
		err_sys("Error bind");
	printf("Waiting on %s port %u\n", ip, (unsigned)port);

	for (long i = 0; i < datagrams; i++) {
		/* STEP 2B: READY TO READ MESSAGES; STEP7: MESSAGE RECEIVED.
		 * recvfrom() fills echoclient with the sender's IP and port. */
		clientlen = sizeof(echoclient);
		ssize_t n = recvfrom(sock, buffer, sizeof(buffer), 0,
				     (struct sockaddr *)&echoclient, &clientlen);
		if (n < 0)
			err_sys("Error recvfrom");
		printf("Received %zd bytes from %s port %u, sending them back\n", n,
		       inet_ntoa(echoclient.sin_addr), (unsigned)ntohs(echoclient.sin_port));
		/* The answer goes to the address the datagram came from. */
		if (sendto(sock, buffer, (size_t)n, 0, (struct sockaddr *)&echoclient, clientlen) != n)
			err_sys("Error sendto");
	}
	close(sock);
	return 0;
}
