/* tcp_echo_server.c - the lecture's TCP server, written for sockstep from
 * the slides' server table (STEP1, STEP 2, STEP 2B, STEP7): it binds IP and
 * PORT, listens, and for each of N connections sends back every byte it
 * receives until the client closes; then it exits.
 *
 *   tcp_echo_server [IP [PORT [N]]]      default: 0.0.0.0 80 1
 *
 * Alone:          ./tcp_echo_server 127.0.0.1 80 1
 * Under sockstep: server run tcp_echo_server 200.0.0.2 80
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
#define MAXPENDING 5 /* connection requests the kernel queues before accept() */

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
		fprintf(stderr, "tcp_echo_server: %s \"%s\": expected a number from %ld to %ld\n",
			what, text, lo, hi);
		exit(2);
	}
	return n;
}

/* One connection: send back what arrives, until the client closes (recv 0). */
static void echo(int csock)
{
	char buffer[BUFSIZE];
	ssize_t n;

	while ((n = recv(csock, buffer, sizeof(buffer), 0)) > 0) {
		printf("Received %zd bytes, sending them back\n", n);
		if (send(csock, buffer, (size_t)n, 0) != n)
			err_sys("Error send");
	}
	if (n < 0)
		err_sys("Error recv");
	printf("The client closed its side\n");
}

/* More than three arguments: say what is expected, and stop. */
static void check_usage(int argc)
{
	if (argc > 4) {
		fprintf(stderr, "usage: tcp_echo_server [IP [PORT [N]]]\n");
		exit(2);
	}
}

int main(int argc, char *argv[])
{
	const char *ip = argc > 1 ? argv[1] : "0.0.0.0";
	unsigned short port;
	long connections;
	struct sockaddr_in echoserver, echoclient;
	socklen_t clientlen;
	int sock, csock;

	check_usage(argc);
	port = (unsigned short)number(argc > 2 ? argv[2] : "80", "port", 1, 65535);
	connections = number(argc > 3 ? argv[3] : "1", "N", 1, 1000000);

	if (inet_addr(ip) == INADDR_NONE) {
		fprintf(stderr, "tcp_echo_server: \"%s\": expected an IPv4 address like 200.0.0.2\n", ip);
		return 2;
	}
	/* Each line leaves at once, even into a pipe (a test, sockstep's pane). */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* STEP1: PROTOCOL DEFINITION. Try to create a TCP socket. */
	sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);
	if (sock < 0)
		err_sys("Error socket");

	/* STEP 2: SOCKET BINDING: LOCAL PARAMETERS CONFIGURATION. */
	memset(&echoserver, 0, sizeof(echoserver));   /* Reset memory */
	echoserver.sin_family = AF_INET;              /* Internet/IP */
	echoserver.sin_addr.s_addr = inet_addr(ip);   /* Local address (0.0.0.0: any) */
	echoserver.sin_port = htons(port);            /* Server port */
	if (bind(sock, (struct sockaddr *)&echoserver, sizeof(echoserver)) < 0)
		err_sys("Error bind");

	/* STEP 2B: READY TO ACCEPT CONNECTIONS: the remote columns are "?". */
	if (listen(sock, MAXPENDING) < 0)
		err_sys("Error listen");
	printf("Listening on %s port %u\n", ip, (unsigned)port);

	for (long i = 0; i < connections; i++) {
		/* STEP7: CONNECTION REQUEST ACCEPTED: a NEW socket for this
		 * client; the listening one keeps waiting for others. */
		clientlen = sizeof(echoclient);
		csock = accept(sock, (struct sockaddr *)&echoclient, &clientlen);
		if (csock < 0)
			err_sys("Error accept");
		printf("Client connected: %s port %u\n", inet_ntoa(echoclient.sin_addr),
		       (unsigned)ntohs(echoclient.sin_port));
		echo(csock);
		close(csock);
	}
	close(sock);
	return 0;
}
