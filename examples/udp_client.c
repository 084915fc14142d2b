/* udp_client.c - the lecture's UDP client, written for sockstep from the
 * slides' UDP table (STEP3, STEP5, STEP6): it fills the server's
 * sockaddr_in, sends MESSAGE in one datagram with sendto() (no connect:
 * the address goes with each datagram), and waits for the echo with
 * recvfrom(), which says who sent it.
 *
 *   udp_client [SERVER-IP [PORT [MESSAGE]]]      default: 200.0.0.2 80 hello
 *
 * Alone:          ./udp_client 127.0.0.1 80 hello
 * Under sockstep: client run udp_client 200.0.0.2 80 hello
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

/* PORT as a number from 1 to 65535, or stop with one line saying so. */
static unsigned short port_number(const char *text)
{
	char *end;
	long port = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "udp_client: port \"%s\": expected a number from 1 to 65535\n", text);
		exit(2);
	}
	return (unsigned short)port;
}

/* More than three arguments: say what is expected, and stop. */
static void check_usage(int argc)
{
	if (argc > 4) {
		fprintf(stderr, "usage: udp_client [SERVER-IP [PORT [MESSAGE]]]\n");
		exit(2);
	}
}

int main(int argc, char *argv[])
{
	const char *server_ip = argc > 1 ? argv[1] : "200.0.0.2";
	unsigned short port;
	const char *message = argc > 3 ? argv[3] : "hello";
	struct sockaddr_in echoserver, fromaddr;
	socklen_t fromlen;
	char buffer[BUFSIZE];
	size_t len = strlen(message);
	int sock;

	check_usage(argc);
	port = port_number(argc > 2 ? argv[2] : "80");

	if (inet_addr(server_ip) == INADDR_NONE) {
		fprintf(stderr, "udp_client: \"%s\": expected an IPv4 address like 200.0.0.2\n", server_ip);
		return 2;
	}
	/* Each line leaves at once, even into a pipe (a test, sockstep's pane). */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* STEP3: PROTOCOL DEFINITION. A UDP socket. */
	sock = socket(PF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (sock < 0)
		err_sys("Error socket");

	/* STEP4: LOCAL PARAMETERS: not done here; the first sendto() lets
	 * the OS choose the local IP and an ephemeral port. */

	/* STEP5: REMOTE PARAMETERS CONFIGURATION. */
	memset(&echoserver, 0, sizeof(echoserver));        /* Reset memory */
	echoserver.sin_family = AF_INET;                   /* Internet/IP */
	echoserver.sin_addr.s_addr = inet_addr(server_ip); /* Server address */
	echoserver.sin_port = htons(port);                 /* Server port */

	/* STEP6: SEND MESSAGE TO PEER: one datagram, its address with it. */
	if (sendto(sock, message, len, 0, (struct sockaddr *)&echoserver, sizeof(echoserver)) != (ssize_t)len)
		err_sys("Error sendto");

	/* The echo: recvfrom() says who sent it; any host could have. */
	fromlen = sizeof(fromaddr);
	ssize_t n = recvfrom(sock, buffer, sizeof(buffer) - 1, 0, (struct sockaddr *)&fromaddr, &fromlen);
	if (n < 0)
		err_sys("Error recvfrom");
	buffer[n] = '\0';
	printf("Received %zd bytes from %s port %u: %s\n", n, inet_ntoa(fromaddr.sin_addr),
	       (unsigned)ntohs(fromaddr.sin_port), buffer);
	if (fromaddr.sin_addr.s_addr != echoserver.sin_addr.s_addr || fromaddr.sin_port != echoserver.sin_port)
		printf("(not from the server it was sent to)\n");

	close(sock);
	return 0;
}
