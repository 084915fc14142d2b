/* traced_client.c - a small socket client of the tests' own (tests/traced.sh
 * runs it under sockstep, traced): connect to ADDR PORT, say what it does
 * on stdout between its calls, send "hi", close, exit with status 7.
 * "nohtons" as a third argument stores the port without htons(), the
 * lecture's byte-order mistake; "recv" reads a line of its standard input
 * after the send, then one recv() of at most 64 bytes, and prints both;
 * "pipe" reads a line of its input after connecting, then sends "x" five
 * times 0.1 s apart (to a peer that has closed: SIGPIPE).
 *   traced_client ADDR PORT [nohtons|recv|pipe] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: traced_client ADDR PORT [nohtons]\n");
		return 2;
	}
	int s = socket(AF_INET, SOCK_STREAM, 0);
	printf("socket() gave %d\n", s);
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	inet_pton(AF_INET, argv[1], &a.sin_addr);
	unsigned port = (unsigned)atoi(argv[2]);
	a.sin_port = argc > 3 && !strcmp(argv[3], "nohtons") ? (in_port_t)port : htons((in_port_t)port);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		return 3;
	}
	printf("connected to %s\n", argv[1]);
	if (argc > 3 && !strcmp(argv[3], "pipe")) {
		char line[64];
		if (fgets(line, sizeof(line), stdin))
			for (int i = 0; i < 5; i++) {
				printf("send: %zd\n", send(s, "x", 1, 0));
				usleep(100000);
			}
		return 0;
	}
	ssize_t n = send(s, "hi", 2, 0);
	printf("sent %zd bytes\n", n);
	if (argc > 3 && !strcmp(argv[3], "recv")) {
		char line[64], buf[64];
		if (fgets(line, sizeof(line), stdin))
			printf("input: %s", line);
		ssize_t got = recv(s, buf, sizeof(buf), 0);
		printf("got %zd \"%.*s\"\n", got, got > 0 ? (int)got : 0, buf);
	}
	close(s);
	return 7;
}
