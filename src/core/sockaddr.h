/* sockaddr.h - struct sockaddr_in built one C statement at a time, as the
 * lecture prints it: after memset, after sin_family, after sin_addr, after
 * sin_port, each stage as the 16 bytes in memory. Pure: the real memset,
 * inet_addr/inet_pton and htons run on a real struct and the bytes are copied
 * out, so the dump is what this machine's C library and CPU produce. */
#ifndef SOCKSTEP_SOCKADDR_H
#define SOCKSTEP_SOCKADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h" /* enum conv */

enum sa_stage { SA_MEMSET, SA_FAMILY, SA_ADDR, SA_PORT, SA_NSTAGES };

#define SA_CODE_MAX 96
#define SA_HEX_MAX 48      /* "02 00 ... 00" : 16*3 */
#define SA_LECTURE_MAX 136 /* "[0]=2,[1]=0,...,[15]=0,": at most 16 * 8 */
#define SA_NOTE_MAX 192

struct sa_build {
	unsigned char bytes[SA_NSTAGES][16];  /* memory after each statement */
	char code[SA_NSTAGES][SA_CODE_MAX];   /* the statement itself */
	struct sockaddr_in sin;               /* the finished structure */
	uint32_t addr_host;                   /* address as a host-order integer, 0x7F000001 */
	uint16_t port_host;                   /* port as typed, 1000 */
	uint16_t port_stored;                 /* sin_port read as a host integer */
	enum conv conv;
	bool nohtons;
	bool read;                            /* read whole from a traced program's memory: its
					       * statements were not seen (no htons() call known) */
	bool conv_failed;                     /* inet_addr gave INADDR_NONE / inet_pton gave 0 */
	bool none_is_addr;                    /* inet_addr's INADDR_NONE was an address it read
					       * (255.255.255.255, the lecture's trap), not bad input */
	char note[SA_NOTE_MAX];               /* "" or, when inet_addr read a form other than a
					       * plain dotted quad, what it made of it, e.g.
					       * inet_addr("010.0.0.1") read 8.0.0.1 (a leading 0 is octal): bytes 08 00 00 01 */
};

/* Run the four statements for variable `var` ("addr", "echoserver"). */
void sa_build(struct sa_build *b, const char *var, const char *addr_text, uint16_t port,
	      enum conv conv, bool nohtons);

/* Which field byte i (0..15) of sockaddr_in belongs to. */
const char *sa_field(int i);

/* "02 00 03 E8 7F 00 00 01 00 00 00 00 00 00 00 00" (upper case, as the lecture). */
void sa_hex(const unsigned char b[16], char out[SA_HEX_MAX]);

/* The same bytes as the lecture's tcp_client1b prints them with
 * printf("[%d]=%X, "): "[0]=2,[1]=0,[2]=3,[3]=E8,[4]=7F,...,[15]=0," (hex
 * without leading zeros, each entry followed by a comma, as its output reads). */
void sa_lecture(const unsigned char b[16], char out[SA_LECTURE_MAX]);

/* The line under a dump naming each byte's field, aligned with sa_hex:
 * "fam.. port. addr....... zero..................." */
void sa_legend(char *out, size_t len);

/* What the byte-order functions do on this machine, one line each, e.g.
 * "htons(1000) = 0x03E8 -> bytes 03 E8 in memory (host order would be E8 03: little-endian)". */
void sa_order_port(uint16_t port, bool nohtons, char *out, size_t len);
void sa_order_addr(uint32_t addr_host, char *out, size_t len);

/* The two lines under a sockaddr's dump: sa_order_port and sa_order_addr
 * for one sockstep built; for one read from a program's memory (b->read),
 * what its bytes mean, naming no call it may not have made: "sin_port:
 * memory 50 00 = port 20480 in network order; the other way round 80 ...". */
void sa_order_of(const struct sa_build *b, char *port, size_t plen, char *addr, size_t alen);

bool sa_little_endian(void);

/* The lecture's conversions, shown side by side. */
struct sa_conv {
	bool ok;          /* inet_pton: returned 1; inet_addr: result != INADDR_NONE */
	uint32_t net;     /* network-order result (INADDR_NONE for inet_addr failure) */
	int ret;          /* inet_pton's return value */
};
void sa_inet_addr(const char *text, struct sa_conv *r);
void sa_inet_pton(const char *text, struct sa_conv *r);

/* A conversion as the hex pane draws it: what was called, and the bytes
 * each result holds in memory, with a line on what they mean ("network
 * order", "this CPU's order", "INADDR_NONE: the same bytes as the error"). */
#define CONV_ROWS 3
struct conv_row {
	char label[16];           /* "htons", "host", "inet_addr", "inet_pton" */
	int n;                    /* bytes: 2 or 4; 0 for a failed call (no bytes) */
	unsigned char b[4];
	char what[112];
};
struct conv_view {
	char title[112];          /* "htons(80) = 0x0050" */
	int nrows;
	struct conv_row row[CONV_ROWS];
};

#endif
