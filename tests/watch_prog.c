/* watch_prog.c - a client built with -g -O0 for tests/watch.sh and
 * test_trace_watch.c: it fills a struct sockaddr_in in the lecture's four
 * statements (memset through libc, sin_family, inet_addr, htons) and
 * connects (-DFORGET_HTONS: the port stored without htons).
 *   watch_prog IP PORT */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct sockaddr_in last_peer; /* a global the debug information names too */

int main(int argc, char *argv[])
{
	struct sockaddr_in echoserver;
	if (argc != 3)
		return 2;
	int sock = socket(AF_INET, SOCK_STREAM, 0);
	memset(&echoserver, 0, sizeof(echoserver));
	echoserver.sin_family = AF_INET;
	echoserver.sin_addr.s_addr = inet_addr(argv[1]);
#ifdef FORGET_HTONS
	echoserver.sin_port = (unsigned short)atoi(argv[2]);
#else
	echoserver.sin_port = htons((unsigned short)atoi(argv[2]));
#endif
	int r = connect(sock, (struct sockaddr *)&echoserver, sizeof(echoserver));
	printf("connect gave %d\n", r);
	close(sock);
	return r == 0 ? 0 : 1;
}
