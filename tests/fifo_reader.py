#!/usr/bin/env python3
"""fifo_reader.py - the readers tests/fifo.sh needs.

--slow FIFO OUT READY: open FIFO for reading (without waiting for a writer),
  create READY, then copy it to OUT 16 KiB at a time with a short pause,
  until the writer closes it: a reader slower than a flood, that keeps up.
--count PCAP: the records in a pcap file, and "whole" when it ends on one.
"""
import os
import select
import struct
import sys
import time


def slow(fifo, out, ready):
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    open(ready, "w").write("ready\n")
    # No writer yet: wait for the first bytes (a FIFO that never had a
    # writer does not report a hang-up), then read blocking to the end.
    select.select([fd], [], [])
    os.set_blocking(fd, True)
    with open(out, "wb") as f:
        while True:
            b = os.read(fd, 16384)
            if not b:
                break
            f.write(b)
            time.sleep(0.002)


def count(path):
    d = open(path, "rb").read()
    off, n = 24, 0
    while off + 16 <= len(d):
        off += 16 + struct.unpack_from("<I", d, off + 8)[0]
        n += 1
    print(n, "whole" if off == len(d) and len(d) >= 24 else "cut")


if __name__ == "__main__":
    if sys.argv[1] == "--slow":
        slow(*sys.argv[2:5])
    else:
        count(sys.argv[2])
