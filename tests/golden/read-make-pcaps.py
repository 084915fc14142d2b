#!/usr/bin/env python3
"""Write the --read golden captures whose timestamps are odd (run from the
source tree: python3 tests/golden/read-make-pcaps.py; the .out files are then
made with READ_GOLDEN_UPDATE=1 and checked against tshark by read-golden.sh).

  read-ooo.pcap     microseconds; timestamps out of order, going back 989 s
                    (-989.000001) and by less than a second (-0.000001)
  read-unnorm.pcap  microseconds; ts_usec fields of 1000000 and more, as some
                    writers leave them (1 s + 1 us counts as 1.000001 s)
  read-nano.pcap    nanoseconds (magic a1b23c4d); steps of 1 ns, backwards too
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
MAC_C, MAC_S = bytes([2, 0, 0, 0, 0, 1]), bytes([2, 0, 0, 0, 0, 2])
IP_C, IP_S = bytes([100, 0, 0, 1]), bytes([200, 0, 0, 2])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_frame(payload, ident, reply=False):
    src, dst = (IP_S, IP_C) if reply else (IP_C, IP_S)
    sport, dport = (5000, 9000) if reply else (9000, 5000)
    udp_len = 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, ident, 0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = (MAC_C if reply else MAC_S) + (MAC_S if reply else MAC_C) + b"\x08\x00"
    return eth + ip + udp


def write(name, magic, frames):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, 1))  # DLT_EN10MB
        for i, (sec, frac) in enumerate(frames):
            data = udp_frame(b"frame %d" % (i + 1), 100 + i, reply=i % 2 == 1)
            f.write(struct.pack("<IIII", sec, frac, len(data), len(data)) + data)


MICRO, NANO = 0xA1B2C3D4, 0xA1B23C4D
write("read-ooo.pcap", MICRO, [
    (1000, 0),          # the first frame: time 0
    (1000, 500000),     # 0.500000
    (10, 999999),       # 10.999999 - 1000 = -989.000001
    (1000, 1),          # 0.000001
    (999, 999999),      # -0.000001: less than a second back
    (0, 0),             # -1000
    (4294967295, 999999),  # the last second of an unsigned 32-bit time
])
write("read-unnorm.pcap", MICRO, [
    (100, 0),
    (97, 1000001),      # 98.000001 - 100 = -1.999999
    (99, 1000000),      # 100.000000: 0
    (101, 999999),      # 1.999999
    (98, 2999999),      # 100.999999: 0.999999
])
write("read-nano.pcap", NANO, [
    (1700000000, 123456789),
    (1700000000, 123456790),  # 1 ns later
    (1700000000, 123456788),  # 1 ns before the first
    (1699999999, 999999999),  # -0.123456790
    (1700000001, 0),
])
