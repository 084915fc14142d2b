/* capture.h - reading saved captures (--read): the frames of a pcap or
 * pcapng file, decoded one summary line each, as tcpdump -r would list them. */
#ifndef SOCKSTEP_CAPTURE_H
#define SOCKSTEP_CAPTURE_H

#include <stdio.h>

/* Print every frame of the capture read from in (named path in messages;
 * closed here in every case) to out: number, time since the first frame
 * (signed, in seconds with nine decimals, as tshark's frame.time_relative:
 * a capture's timestamps may go backwards), summary. A file that is empty, not a capture or cut short gets one line
 * on stderr (after the frames that could be read). 0 or -errno. The caller
 * opens the file, with the rights of the user who asked. */
int capture_print(FILE *in, const char *path, FILE *out);

#endif
