/* convert.h - the lecture's conversions as commands: inet_addr, inet_pton,
 * htons, htonl, ntohs and ntohl. Each shows what the real function of this
 * machine's C library makes of its argument: the value, the bytes in memory
 * and which order they are in. Pure: the answer goes into the session log as
 * EV_INFO lines; no socket, no I/O. */
#ifndef SOCKSTEP_CONVERT_H
#define SOCKSTEP_CONVERT_H

#include "cmd.h"
#include "session.h"

/* Log the lines of one conversion command (c->verb one of V_INET_ADDR,
 * V_INET_PTON, V_HTONS, V_HTONL, V_NTOHS, V_NTOHL; anything else logs
 * nothing). */
void convert_run(struct session *log, const struct cmd *c);

/* The two lines of ntohs(net) / ntohl(net) (len bytes each, at least 256
 * for the whole text), e.g. for ntohs(20480) on a little-endian CPU:
 *   ntohs(20480) = 80: the field 0x5000 holds the bytes 00 50 in memory, in network order (big-endian): 0x0050 = 80
 *   this CPU is little-endian: it stores the host value 80 as 50 00, so ntohs swaps the two bytes */
void convert_ntohs(uint16_t net, char *line1, char *line2, size_t len);
void convert_ntohl(uint32_t net, char *line1, char *line2, size_t len);

/* The lecture's table of a port's journey (ENDIANNESS ON SOCKETS): HOST1,
 * its CONVERSION, TLI 1 (the sockaddr given to the kernel), TLI 2 (the
 * bytes on the wire), the receiver's CONVERSION (ntohs) and HOST2, one row
 * per pair of hosts as the lecture orders them: LE to LE, BE to BE, LE to
 * BE, BE to LE. The rows whose sender is this CPU carry the real bytes (the
 * sockaddr built, the frame captured); the other order is computed (what a
 * host of that order would store). A value that arrives changed is marked
 * with the warning sign, as the lecture marks the missing conversions. */
struct journey {
	uint16_t value;         /* the port as the program wrote it: 1000 */
	bool nohtons;           /* stored without htons() */
	unsigned char tli1[2];  /* sin_port as given to the kernel */
	bool wire_set;          /* a captured frame carries the port */
	unsigned char wire[2];  /* its bytes in that frame */
};
#define JOURNEY_LINES 6 /* heading and four rows, then the key */
/* The table's lines, '\n'-separated, none wider than 78 columns. */
void convert_journey(const struct journey *j, char *out, size_t len);

/* The address that recvfrom() or accept() filled in, back in host order: a heading, then the port's and the address's bytes in
 * network order, the call that converts each and the value it gives with
 * its bytes in this CPU's memory. Lines '\n'-separated, at most 78 columns. */
void convert_sender(const struct sockaddr_in *from, char *out, size_t len);

#endif
