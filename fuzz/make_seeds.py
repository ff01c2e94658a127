#!/usr/bin/python3
"""Builds the seed corpora of the fuzz targets into OUT/<target>/ (default build-fuzz/corpus).

  pcap          every capture under ../shared/pcaps (whole files)
  decode        every packet of those captures, with the decode harness's 6-byte prefix
  ipv6          the IPv6 packet (from its fixed header on) of every IPv6 frame of those
                captures, found behind Ethernet (and VLAN tags), Linux cooked, raw and loopback
  monitor       Ethernet captures as the monitor harness's frame records (up to 400 frames)
  scenario      scenarios/*.json and tests/scenario/data/**/*.json
  bindings      tests/arp/**/*.json and one valid bindings file
  tcp_endpoint, arp   the hand-written seeds in fuzz/corpus/<target>/
plus fuzz/corpus/<target>/ for every target, and tests/regressions/<target>/ (old crashes
are the best seeds). Uses scapy's readers (Debian python3-scapy), not libpcap, so a
capture libpcap rejects still becomes a pcap seed.
"""
import hashlib
import os
import struct
import sys
from pathlib import Path

from scapy.utils import RawPcapNgReader, RawPcapReader

ROOT = Path(__file__).resolve().parent.parent
PCAPS = ROOT.parent / "shared" / "pcaps"
# The decode harness's link selector: index into kFuzzLinkTypes (fuzz/harness/decode.hpp).
LINK_INDEX = {1: 0, 113: 1, 276: 2, 101: 3, 12: 4, 14: 5, 228: 6, 0: 7, 108: 8}


def put(out: Path, data: bytes) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / hashlib.sha1(data).hexdigest()).write_bytes(data)


def packets(path: Path):
    """(linktype, [(data, wire_len)]) of a capture, or None when scapy cannot read it."""
    head = path.read_bytes()[:4]
    try:
        reader = RawPcapNgReader(str(path)) if head == b"\x0a\x0d\x0d\x0a" else RawPcapReader(str(path))
        out = []
        link = getattr(reader, "linktype", 1)
        for data, meta in reader:
            wirelen = getattr(meta, "wirelen", None) or len(data)
            if hasattr(meta, "linktype") and meta.linktype is not None:
                link = meta.linktype
            out.append((bytes(data), wirelen))
        return link, out
    except Exception:  # a deliberately broken capture: it still seeds the pcap target
        return None


def ipv6_part(link: int, data: bytes):
    """The bytes from the IPv6 header on, when the frame carries IPv6 right after its link header."""
    if link == 1:  # Ethernet, with any VLAN tags
        off, etype = 12, None
        while off + 2 <= len(data):
            etype = struct.unpack(">H", data[off:off + 2])[0]
            if etype in (0x8100, 0x88A8, 0x9100):
                off += 4
                continue
            break
        return data[off + 2:] if etype == 0x86DD else None
    if link == 113 and len(data) > 16 and data[14:16] == b"\x86\xdd":
        return data[16:]
    if link == 276 and len(data) > 20 and data[0:2] == b"\x86\xdd":
        return data[20:]
    if link in (101, 12, 14, 229) and data[:1] and data[0] >> 4 == 6:
        return data
    if link in (0, 108) and len(data) > 4 and data[4] >> 4 == 6:
        return data[4:]
    return None


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build-fuzz" / "corpus"
    captures = sorted(p for p in PCAPS.rglob("*") if p.suffix in (".pcap", ".pcapng", ".cap"))
    for cap in captures:
        put(out / "pcap", cap.read_bytes())
        got = packets(cap)
        if got is None:
            continue
        link, pkts = got
        sel = LINK_INDEX.get(link, 9)
        for data, wirelen in pkts[:200]:
            beyond = max(0, min(wirelen - len(data), 0xFFFF))
            put(out / "decode", bytes([sel, 0, 0]) + struct.pack(">H", beyond) + b"\x00" + data)
        for data, _ in pkts[:200]:
            part = ipv6_part(link, data)
            if part:
                put(out / "ipv6", part)
        if link == 1 and pkts:
            records = b"".join(struct.pack(">HB", len(d), 1) + d for d, _ in pkts[:400] if len(d) < 1600)
            put(out / "monitor", records)
    for js in sorted(list((ROOT / "scenarios").glob("*.json")) +
                     list((ROOT / "tests" / "scenario" / "data").rglob("*.json"))):
        put(out / "scenario", js.read_bytes())
    for js in sorted((ROOT / "tests" / "arp").rglob("*.json")):
        put(out / "bindings", js.read_bytes())
    put(out / "bindings", b'{"bindings":[{"ip":"10.0.0.1","mac":"02:00:00:00:00:01"}]}')
    for target in ("decode", "pcap", "scenario", "tcp_endpoint", "arp", "monitor", "bindings", "ipv6"):
        for base in (ROOT / "fuzz" / "corpus" / target, ROOT / "tests" / "regressions" / target):
            if base.is_dir():
                for f in sorted(base.iterdir()):
                    if f.is_file() and f.suffix != ".md":
                        put(out / target, f.read_bytes())
    for target in sorted(p.name for p in out.iterdir()):
        print(f"{target}: {len(os.listdir(out / target))} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
