#!/usr/bin/env python3
"""Write a SYN flood capture: N SYNs from N distinct spoofed 4-tuples to 10.0.0.5:443, 1 µs apart
(legacy pcap, Ethernet). For the memory benchmark of the connection cap (BENCHMARKS.md).
Usage: make-synflood.py OUT.pcap [N=1000000]"""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    dst = bytes([10, 0, 0, 5])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        t0 = 1_772_441_000
        for i in range(n):
            src = bytes([198, 18 + (i >> 16) % 2, (i >> 8) & 0xFF, i & 0xFF])
            sport = 1024 + (i * 7919) % 64000
            tcp = struct.pack("!HHIIBBHHH", sport, 443, i * 2654435761 & 0xFFFFFFFF, 0, 5 << 4, 0x02, 64240, 0, 0)
            pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
            tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i & 0xFFFF, 0, 64, 6, 0, src, dst)
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp
            us = i
            f.write(struct.pack("<IIII", t0 + us // 1_000_000, us % 1_000_000, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
