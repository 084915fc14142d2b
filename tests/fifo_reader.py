#!/usr/bin/env python3
"""fifo_reader.py - the readers tests/fifo.sh needs.

--late FIFO OUT READY GO: open FIFO for reading (without waiting for a
  writer), create READY; once the first bytes came, read no more until GO
  exists (60 s at most), then copy the rest to OUT until the writer closes
  it: a reader that falls behind, then catches up.
--count PCAP: the records in a pcap file, and "whole" when it ends on one.
"""
import os
import select
import struct
import sys
import time


def late(fifo, out, ready, go):
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    open(ready, "w").write("ready\n")
    # No writer yet: wait for the first bytes (a FIFO that never had a
    # writer does not report a hang-up), then for GO, then read to the end.
    select.select([fd], [], [])
    for _ in range(1200):
        if os.path.exists(go):
            break
        time.sleep(0.05)
    os.set_blocking(fd, True)
    with open(out, "wb") as f:
        while True:
            b = os.read(fd, 65536)
            if not b:
                break
            f.write(b)


def count(path):
    d = open(path, "rb").read()
    off, n = 24, 0
    while off + 16 <= len(d):
        off += 16 + struct.unpack_from("<I", d, off + 8)[0]
        n += 1
    print(n, "whole" if off == len(d) and len(d) >= 24 else "cut")


if __name__ == "__main__":
    if sys.argv[1] == "--late":
        late(*sys.argv[2:6])
    else:
        count(sys.argv[2])
