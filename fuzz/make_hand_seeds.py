#!/usr/bin/python3
"""Writes the hand-written seeds of fuzz/corpus/tcp_endpoint, fuzz/corpus/arp and fuzz/corpus/ipv6.

Each seed is a short program in the harness's input layout (see the harness headers);
they start the fuzzer inside interesting situations: data in order and out of order,
a 1-byte out-of-order flood, RST/SYN in ESTABLISHED, close and timers; ARP bindings that
change, flip back, gratuitous replies, probes and a host resolving through its cache;
IPv6 packets (built with Debian's scapy) of every NDP message with its options, ICMPv6
errors quoting packets with extension headers, fragments and a long extension chain.
"""
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent / "corpus"


def seg(sel, seq, ack, flags, win=0xFFFF, length=0, payload=b"", options=b""):
    # kind 0: a segment; sel bit 0x40 means `length` is the exact payload length.
    return bytes([0, sel]) + struct.pack(">hhHH", seq, ack, flags, win) + bytes([length]) + payload + options


def timer(step):
    return bytes([4]) + struct.pack(">H", step)


def tcp_seeds():
    ack, psh_ack, fin_ack, rst, syn = 0x10, 0x18, 0x11, 0x04, 0x02
    out = {}
    # cfg 0x0f: wscale, sack, ts, delayed ack; peer options: mss + wscale + sack + ts.
    hello = bytes([0x0F, 0x0F]) + struct.pack(">H", 1460) + bytes([7]) + struct.pack(">I", 100)
    out["in_order_then_close"] = hello + (
        seg(0x40, 0, 0, psh_ack, length=100, payload=b"x" * 100) + timer(1) +
        bytes([6]) + struct.pack(">H", 1000) + bytes([5, 10]) +
        seg(0x48, 100, 640, ack) + seg(0x40, 0, 0, fin_ack) + bytes([7, 1]) + timer(1) + timer(1))
    # plain config, out-of-order segments then the one that fills the hole
    out["out_of_order_fill"] = bytes([0x10, 0]) + (
        seg(0x41, 20, 0, psh_ack, length=10, payload=b"b" * 10) +
        seg(0x41, 40, 0, psh_ack, length=10, payload=b"c" * 10) +
        seg(0x40, 0, 0, psh_ack, length=20, payload=b"a" * 20) + timer(1))
    # a flood of 1-byte out-of-order segments with a tiny queue (cfg: max 1 + 4*1)
    flood = b"".join(seg(0x42, 2 + 2 * i, 0, psh_ack, length=1, payload=b"z") for i in range(200))
    out["one_byte_ooo_flood"] = bytes([0x12, 0]) + flood + seg(0x40, 0, 0, psh_ack, length=1, payload=b"y")
    # RFC 5961: RST in window (not exact), RST exact, SYN in ESTABLISHED
    out["rst_and_syn"] = bytes([0x00, 0]) + (
        seg(0x60, 0, 0, syn) + seg(0x61, 5, 0, rst) + seg(0x60, 0, 0, rst))
    # we send, the peer's window closes, persist probes and retransmissions run
    out["zero_window_timers"] = bytes([0x00, 0]) + (
        bytes([5, 200]) + seg(0x48, 0, 100, ack, win=0) + timer(1) + timer(1) + timer(1) +
        seg(0x48, 0, 12800, ack, win=8192) + timer(0x0801))
    # SACK blocks from the peer (options present: sel 0x80)
    sack_opt = bytes([0x01 | (2 << 1)]) + struct.pack(">II", 7, 7) + (
        bytes([2]) + struct.pack(">hH", 1000, 500) + bytes([2]) + struct.pack(">hH", 3000, 500))
    out["sack_from_peer"] = bytes([0x07, 0x0C]) + struct.pack(">I", 5) + (
        bytes([5, 255, 5, 255]) + seg(0xC8, 0, 0, ack, options=sack_opt) +
        seg(0xC8, 0, 0, ack, options=sack_opt) + seg(0xC8, 0, 0, ack, options=sack_opt) + timer(1))
    return out


def arp_rec(step, op, *fields):
    return struct.pack(">H", step) + bytes([op]) + bytes(fields)


def arp_seeds():
    out = {}
    # who-has 10.0.0.1 tell 10.0.0.5 (mac 5); then 10.0.0.5 is-at mac 6 (changed), then 5 again
    out["binding_flip_flop"] = bytes([0, 1]) + (
        arp_rec(10, 0x00, 5, 5, 1) + arp_rec(10, 0x01, 6, 5, 1) + arp_rec(2000, 0x01, 5, 5, 1) +
        arp_rec(10, 0x05, 7, 2))
    # RFC 5227 probing host: probes from others (sender 0.0.0.0), a conflict for our address
    out["probe_conflict"] = bytes([2, 3]) + (
        arp_rec(100, 0x00, 4, 0xE0, 1) + arp_rec(1500, 0x01, 9, 1, 1) + arp_rec(3000, 0x05, 9, 1))
    # our host resolves 10.0.0.7 (queued), the reply arrives; an unanswered one times out
    out["resolve_and_timeout"] = bytes([0, 0]) + (
        arp_rec(1, 0xF0, 7) + arp_rec(1, 0xF0, 7) + arp_rec(100, 0x01, 7, 7, 1) +
        arp_rec(1, 0xF0, 8) + arp_rec(1000, 0xF0, 8) + arp_rec(1000, 0x00, 3, 3, 1) +
        arp_rec(4000, 0xE8, 7))
    # Ethernet/ARP source mismatch, unicast request, static binding violated (10.0.0.2)
    out["mismatch_and_static"] = bytes([0, 0]) + (
        arp_rec(5, 0x08, 4, 4, 1, 5) + arp_rec(5, 0x10, 4, 4, 1, 1) + arp_rec(5, 0x05, 9, 2))
    # a flood of new stations over a table of 8 (eviction)
    out["station_flood"] = bytes([0, 0]) + b"".join(arp_rec(1, 0x01, i % 16, 0xF0, 1, 10, 0, 1, i) for i in range(64))
    return out


def ipv6_seeds():
    from scapy.all import (ICMPv6DestUnreach, ICMPv6EchoRequest, ICMPv6MLReport2, ICMPv6ND_NA, ICMPv6ND_NS,
                           ICMPv6ND_RA, ICMPv6ND_Redirect, ICMPv6ND_RS, ICMPv6NDOptDstLLAddr, ICMPv6NDOptMTU,
                           ICMPv6NDOptPrefixInfo, ICMPv6NDOptRDNSS, ICMPv6NDOptSrcLLAddr, ICMPv6PacketTooBig,
                           IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                           Raw, RouterAlert, TCP, UDP, raw)
    a, b = "2001:db8::1", "2001:db8::2"
    pkts = {
        "ns": IPv6(src="fe80::1", dst="ff02::1:ff00:2") / ICMPv6ND_NS(tgt="fe80::2") /
              ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01"),
        "na": IPv6(src="fe80::2", dst="fe80::1") / ICMPv6ND_NA(tgt="fe80::2", S=1, O=1) /
              ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:02"),
        "rs": IPv6(src="fe80::1", dst="ff02::2") / ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:01"),
        "ra": IPv6(src="fe80::9", dst="ff02::1") / ICMPv6ND_RA() / ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:09") /
              ICMPv6NDOptMTU(mtu=1500) / ICMPv6NDOptPrefixInfo(prefix="2001:db8::") / ICMPv6NDOptRDNSS(dns=[a]),
        "redirect": IPv6(src="fe80::9", dst="fe80::1") / ICMPv6ND_Redirect(tgt="fe80::7", dst="2001:db8::99") /
                    ICMPv6NDOptDstLLAddr(lladdr="02:00:00:00:00:07"),
        "unreachable_quoting_ext": IPv6(src=b, dst=a) / ICMPv6DestUnreach(code=4) / IPv6(src=a, dst=b) /
                                   IPv6ExtHdrDestOpt() / UDP(sport=40000, dport=53),
        "too_big": IPv6(src=b, dst=a) / ICMPv6PacketTooBig(mtu=1280) / IPv6(src=a, dst=b) / TCP(),
        "chain_to_first_fragment": IPv6(src=a, dst=b) / IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting(addresses=[a]) /
                                   IPv6ExtHdrDestOpt() / IPv6ExtHdrFragment(m=1, id=7) / TCP(),
        "later_fragment": IPv6(src=a, dst=b) / IPv6ExtHdrFragment(offset=185, id=7) / Raw(b"x" * 64),
        "echo": IPv6(src=a, dst=b) / ICMPv6EchoRequest(id=1, seq=2, data=b"hello"),
        "mldv2": IPv6(src="::", dst="ff02::16") / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / ICMPv6MLReport2(),
    }
    return {name: raw(p) for name, p in pkts.items()}


def main():
    for target, seeds in (("tcp_endpoint", tcp_seeds()), ("arp", arp_seeds()), ("ipv6", ipv6_seeds())):
        d = HERE / target
        d.mkdir(parents=True, exist_ok=True)
        for name, data in seeds.items():
            (d / name).write_bytes(data)
            print(f"{target}/{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
