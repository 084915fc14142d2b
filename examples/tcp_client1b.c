/* tcp_client1b.c - the lecture's TCP client, written for sockstep from the
 * slides "C FUNCTIONS FOR SOCKETS". It fills a struct sockaddr_in in the
 * lecture's four statements and prints its 16 bytes after each one, as the
 * slides do; then it asks the server for a connection, sends MESSAGE, prints
 * what the server sends back, and closes.
 *
 *   tcp_client1b [SERVER-IP [PORT [MESSAGE]]]      default: 200.0.0.2 80 hello
 *
 * (The slides' run was "./tcp_client1b 127.0.0.1 hola 1000", the port last;
 * here the port comes second, as in "connect to IP PORT".)
 *
 * The build makes it twice: tcp_client1b_nohtons (-DFORGET_HTONS) is the
 * same program with htons() left out, the mistake the lecture warns of: on
 * a little-endian CPU port 80 is stored 50 00, which the network reads as
 * port 20480.
 *
 * Alone:          ./tcp_client1b 127.0.0.1 80 hello
 * Under sockstep: client run tcp_client1b 200.0.0.2 80 hello
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

/* The 16 bytes of the structure, as the lecture prints them:
 * [0]=2,[1]=0,[2]=0,[3]=50,[4]=C8,... (hexadecimal, byte by byte). */
static void dump(const struct sockaddr_in *addr)
{
	const unsigned char *pointer = (const unsigned char *)addr;
	for (size_t cont = 0; cont < sizeof(*addr); cont++)
		printf("[%zu]=%X,", cont, pointer[cont]);
	printf("\n");
}

/* PORT as a number from 1 to 65535, or stop with one line saying so. */
static unsigned short port_number(const char *text)
{
	char *end;
	long port = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "tcp_client1b: port \"%s\": expected a number from 1 to 65535\n", text);
		exit(2);
	}
	return (unsigned short)port;
}

/* More than three arguments: say what is expected, and stop. */
static void check_usage(int argc)
{
	if (argc > 4) {
		fprintf(stderr, "usage: tcp_client1b [SERVER-IP [PORT [MESSAGE]]]\n");
		exit(2);
	}
}

int main(int argc, char *argv[])
{
	const char *server_ip = argc > 1 ? argv[1] : "200.0.0.2";
	unsigned short port;
	const char *message = argc > 3 ? argv[3] : "hello";
	struct sockaddr_in echoserver;
	char buffer[BUFSIZE];
	size_t len = strlen(message);
	size_t received = 0;
	int sock;

	check_usage(argc);
	port = port_number(argc > 2 ? argv[2] : "80");

	if (inet_addr(server_ip) == INADDR_NONE) {
		fprintf(stderr, "tcp_client1b: \"%s\": expected an IPv4 address like 200.0.0.2\n", server_ip);
		return 2;
	}
	/* Each line leaves at once, even into a pipe (a test, sockstep's pane),
	 * so it shows between the calls it was printed between. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* STEP3: PROTOCOL DEFINITION. Try to create a TCP socket. */
	sock = socket(PF_INET, SOCK_STREAM, IPPROTO_TCP);
	if (sock < 0)
		err_sys("Error socket");

	/* STEP4: LOCAL PARAMETERS CONFIGURATION: not done here. You need not
	 * know your own phone number to make a call: connect() lets the OS
	 * choose the local IP and an ephemeral port. */

	/* STEP5: REMOTE PARAMETERS CONFIGURATION: the server's IP and port,
	 * and the 16 bytes after each statement. */
	memset(&echoserver, 0, sizeof(echoserver));       /* Reset memory */
	dump(&echoserver);
	echoserver.sin_family = AF_INET;                  /* Internet/IP */
	dump(&echoserver);
	echoserver.sin_addr.s_addr = inet_addr(server_ip); /* Server address */
	dump(&echoserver);
#ifdef FORGET_HTONS
	echoserver.sin_port = port;                       /* Server port, htons() forgotten! */
#else
	echoserver.sin_port = htons(port);                /* Server port */
#endif
	dump(&echoserver);

	/* What the network will read from those bytes (ntohs undoes htons). */
	printf("Connecting to %s port %u\n", inet_ntoa(echoserver.sin_addr),
	       (unsigned)ntohs(echoserver.sin_port));

	/* STEP6: CONNECTION REQUEST: SYN, SYN+ACK, ACK on the wire. */
	if (connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver)) < 0)
		err_sys("Error connect");

	/* Send the message: one send() of len bytes. */
	if (send(sock, message, len, 0) != (ssize_t)len)
		err_sys("Error send");

	/* Receive the echo: a byte stream, so it may come in several pieces
	 * (one send() is not one recv()); read until all len bytes are back
	 * or the server closes, and say what each recv() brought. */
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

	/* Close: FIN on the wire. */
	close(sock);
	return 0;
}
