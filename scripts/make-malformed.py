#!/usr/bin/env python3
"""Builds tests/malformed/: broken and hostile variants of a valid sample, each with the outcome a
user should get (tests/malformed/expected.tsv, checked by tests/malformed.rs).

Columns: file, exit code, packets read (or '-' when the file is refused), warning kinds expected
(comma-separated, '-' for none), and what the user sees, in words.
Run from the repository root: python3 scripts/make-malformed.py
"""
import os
import struct

SRC = "samples/refused.pcap"  # 14 packets, little-endian µs pcap
OUT = "tests/malformed"

raw = open(SRC, "rb").read()
hdr, body = raw[:24], raw[24:]

# Split the legacy pcap into records.
records = []
at = 0
while at < len(body):
    ts_s, ts_us, cap, orig = struct.unpack_from("<IIII", body, at)
    records.append((ts_s, ts_us, body[at + 16: at + 16 + cap], orig))
    at += 16 + cap
N = len(records)


def pcap(recs, header=hdr):
    out = bytearray(header)
    for ts_s, ts_us, data, orig in recs:
        out += struct.pack("<IIII", ts_s, ts_us, len(data), orig) + data
    return bytes(out)


def ng_block(typ, payload, be=False):
    e = ">" if be else "<"
    payload += b"\0" * (-len(payload) % 4)
    n = 12 + len(payload)
    return struct.pack(e + "II", typ, n) + payload + struct.pack(e + "I", n)


def shb(be=False):
    e = ">" if be else "<"
    return ng_block(0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1), be)


def idb(be=False, linktype=1):
    e = ">" if be else "<"
    return ng_block(1, struct.pack(e + "HHI", linktype, 0, 0), be)


def epb(rec, if_id=0, be=False):
    e = ">" if be else "<"
    ts_s, ts_us, data, orig = rec
    t = ts_s * 1_000_000 + ts_us
    return ng_block(6, struct.pack(e + "IIIII", if_id, t >> 32, t & 0xFFFFFFFF, len(data), orig) + data, be)


def pcapng(recs, be=False):
    return shb(be) + idb(be) + b"".join(epb(r, be=be) for r in recs)


cases = []


def case(name, data, code, packets, warnings, words):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    cases.append((name, str(code), str(packets), warnings, words))


full = pcap(records)
ends = [24]
for r in records:
    ends.append(ends[-1] + 16 + len(r[2]))

case("cut-mid-header.pcap", full[:10], 1, "-", "-", "refused: too short for a capture header")
case("cut-after-header.pcap", full[:24], 0, 0, "-", "an empty capture: no packets, no warning")
case("cut-mid-record-header.pcap", full[: ends[5] + 7], 0, 5, "truncated", "5 packets, then 'capture truncated at byte N'")
case("cut-mid-packet.pcap", full[: ends[9] + 16 + 10], 0, 9, "truncated", "9 packets, then 'capture truncated at byte N'")
flipped = bytearray(full)
for i in range(ends[3] + 16, ends[3] + 16 + 54):  # every header byte of packet 4, bits flipped
    flipped[i] ^= 0x5A
case("bit-flips-in-headers.pcap", bytes(flipped), 0, N, "not_decoded", "every packet read; the garbled one is counted as not decodable and said (its EtherType is unknown)")
lying = bytearray(full[: ends[6]])
lying += struct.pack("<IIII", 0, 0, 0xFFFFFFF0, 0xFFFFFFF0) + b"\0" * 64
case("length-4gib.pcap", bytes(lying), 0, 6, "bad_length", "6 packets, then 'claims 4294967280 bytes, more than the file can hold'")
zero_snap = bytearray(full)
zero_snap[16:20] = b"\0\0\0\0"
case("zero-snaplen.pcap", bytes(zero_snap), 0, N, "-", "every packet read (snaplen 0 is treated as no limit)")
small_snap = bytearray(full)
small_snap[16:20] = struct.pack("<I", 40)
case("caplen-above-snaplen.pcap", bytes(small_snap), 0, N, "snaplen_exceeded", "every packet read as stored, one warning counting them")
backwards = list(records)
backwards[5], backwards[6] = backwards[6], backwards[5]
case("timestamps-backwards.pcap", pcap(backwards), 0, N, "out_of_order", "every packet read, modelled in capture order, warned")
dup = records[:4] + [records[3]] + records[4:]
case("duplicated-packet.pcap", pcap(dup), 0, N + 1, "duplicates", "every packet read, the copy counted once, warned")
case("pcapng-unknown-blocks.pcapng", shb() + idb() + ng_block(0x0BAD0BAD, b"hello") + b"".join(epb(r) for r in records), 0, N, "-", "unknown blocks skipped silently (legal pcapng)")
case("pcapng-bad-interface-id.pcapng", shb() + idb() + epb(records[0]) + epb(records[1], if_id=7) + b"".join(epb(r) for r in records[2:]), 0, N - 1, "unknown_interface", "the packet naming interface 7 is skipped, warned")
case("pcapng-new-byte-order-section.pcapng", pcapng(records[:7]) + pcapng(records[7:], be=True), 0, N, "-", "a big-endian section after a little-endian one reads through")
bad_block = bytearray(pcapng(records))
# Corrupt the trailing length of the 3rd EPB so the block no longer matches itself.
pos = len(shb()) + len(idb())
for r in records[:2]:
    pos += len(epb(r))
third = len(epb(records[2]))
bad_block[pos + third - 4: pos + third] = b"\xde\xad\xbe\xef"
case("pcapng-corrupt-block.pcapng", bytes(bad_block), 0, N - 1, "bad_block", "the corrupt block is skipped with 'malformed pcapng block at byte N skipped'")
case("pcapng-cut-mid-block.pcapng", pcapng(records)[:-30], 0, N - 1, "truncated", "every whole packet, then 'capture truncated at byte N'")
case("not-a-capture.txt", b"GET / HTTP/1.1\r\nHost: lab\r\n\r\n", 1, "-", "-", "refused: 'not a pcap or pcapng file'")
case("empty.pcap", b"", 1, "-", "-", "refused: 'empty file'")
case("random-bytes.bin", bytes((i * 7919 + 13) % 251 for i in range(4096)), 1, "-", "-", "refused: 'not a pcap or pcapng file'")

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# file\texit\tpackets\twarnings\twhat the user sees (made by scripts/make-malformed.py)\n")
    for c in cases:
        f.write("\t".join(c) + "\n")
print(f"wrote {len(cases)} cases to {OUT}")
