/* tcp_client_name.c - the lecture's TCP client with a name instead of an
 * address, written for sockstep: getaddrinfo() turns NAME and PORT into
 * ready-made sockaddr_in structures (inet_addr and htons done for you), the
 * way the inet_addr man page advises. Then connect, send MESSAGE, print the
 * echo, close. In sockstep's lab the names "server" and "client" are the
 * lab's hosts (a hosts file only its programs see; no DNS).
 *
 *   tcp_client_name [NAME [PORT [MESSAGE]]]      default: server 80 hello
 *
 * Alone:          ./tcp_client_name localhost 80 hello
 * Under sockstep: client run tcp_client_name server 80 hello
 */
#define _POSIX_C_SOURCE 200809L /* getaddrinfo with cc -std=c17 */
#include <arpa/inet.h>
#include <netdb.h>
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

int main(int argc, char *argv[])
{
	const char *name = argc > 1 ? argv[1] : "server";
	const char *port = argc > 2 ? argv[2] : "80";
	const char *message = argc > 3 ? argv[3] : "hello";
	struct addrinfo hints, *result;
	char buffer[BUFSIZE];
	size_t len = strlen(message);
	size_t received = 0;
	int sock, rc;

	if (argc > 4) {
		fprintf(stderr, "usage: tcp_client_name [NAME [PORT [MESSAGE]]]\n");
		return 2;
	}
	/* Each line leaves at once, even into a pipe (a test, sockstep's pane). */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* The name and the port, looked up: IPv4, TCP. */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	rc = getaddrinfo(name, port, &hints, &result);
	if (rc != 0) {
		fprintf(stderr, "tcp_client_name: %s port %s: %s\n", name, port, gai_strerror(rc));
		return 1;
	}
	struct sockaddr_in *echoserver = (struct sockaddr_in *)result->ai_addr;
	printf("%s is %s, port %u\n", name, inet_ntoa(echoserver->sin_addr),
	       (unsigned)ntohs(echoserver->sin_port));

	/* STEP3: PROTOCOL DEFINITION, as getaddrinfo() describes it. */
	sock = socket(result->ai_family, result->ai_socktype, result->ai_protocol);
	if (sock < 0)
		err_sys("Error socket");

	/* STEP6: CONNECTION REQUEST, to the first address found. */
	if (connect(sock, result->ai_addr, result->ai_addrlen) < 0)
		err_sys("Error connect");
	freeaddrinfo(result);

	if (send(sock, message, len, 0) != (ssize_t)len)
		err_sys("Error send");

	/* The echo, in as many pieces as the byte stream brings it. */
	while (received < len) {
		ssize_t n = recv(sock, buffer, sizeof(buffer) - 1, 0);
		if (n < 0)
			err_sys("Error recv");
		if (n == 0) {
			printf("The server closed after %zu of %zu bytes\n", received, len);
			break;
		}
		buffer[n] = '\0';
		received += (size_t)n;
		printf("Received %zd bytes: %s\n", n, buffer);
	}

	close(sock);
	return 0;
}
