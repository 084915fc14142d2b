/* engine_flow.h - --net host: which frames belong to sockstep's own
 * sockets. Reads the engine's slots (slots.h); the dispatcher (engine.h)
 * and the call entries (call.h) call it, it calls neither. */
#ifndef SOCKSTEP_ENGINE_FLOW_H
#define SOCKSTEP_ENGINE_FLOW_H

#include <stdbool.h>

struct engine;

/* --net host, the first line (engine_flow.c): make the capture's kernel
 * filter from our sockets as the engine last read them (hostfilter.h), when
 * they changed since the last one; the host's addresses and the other
 * sockets on our ports are read again at most once a second, or when our
 * ports change. Called before each call a program makes (its frames must
 * find the filter ready) and at every turn of the loop. No-op elsewhere. */
void engine_host_filter(struct engine *e);

/* --net host, the second line: whether a frame read by flowkey_read is one
 * of our sockets', by the set the last filter was made of. A SYN-ACK from
 * one of our listeners pins that handshake's 4-tuple as ours. */
struct flowkey;
bool engine_owns_flow(struct engine *e, const struct flowkey *k);
void engine_host_free(struct engine *e);

#endif
