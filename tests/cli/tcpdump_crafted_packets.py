#!/usr/bin/python3
# Writes a capture of crafted packets for tests/cli/tcpdump_oracle_test.cpp: every ICMP
# type and code tcpdump 4.99 words (RFC 792, 950, 1191, 1256), the TCP option kinds it
# names (and some it does not), the ARP operations, flags, fragments and VLAN tags, so that
# wirestate's wording is compared with tcpdump's beyond what the shared captures contain.
# Made with scapy, independently of wirestate's own encoder. Usage: tcpdump_crafted_packets.py OUT.pcap
import struct
import sys

from scapy.all import ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, Raw, wrpcap
from scapy.utils import checksum


def eth():
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


def ip(**fields):
    return IP(src="10.0.0.1", dst="10.0.0.2", **fields)


def icmp_raw(header, body=b""):
    """An ICMP message from raw bytes (type, code, checksum, 4 bytes), body appended; the
    checksum is filled in."""
    message = bytearray(bytes(header) + body)
    message[2:4] = checksum(bytes(message)).to_bytes(2, "big")
    return eth() / ip(proto=1) / Raw(bytes(message))


packets = []
quoted_udp = bytes(IP(src="10.0.0.2", dst="10.0.0.9") / UDP(sport=1, dport=53))
quoted_tcp = bytes(IP(src="10.0.0.2", dst="10.0.0.9") / TCP(sport=1, dport=80))
quoted_gre = bytes(IP(src="10.0.0.2", dst="10.0.0.9", proto=47) / Raw(b"\0" * 8))

# Destination unreachable, every code (16 is past tcpdump's table), and port unreachable
# for TCP and another protocol; need-to-frag with and without a next-hop MTU.
for code in range(17):
    packets.append(eth() / ip() / ICMP(type=3, code=code) / Raw(quoted_udp))
packets.append(eth() / ip() / ICMP(type=3, code=3) / Raw(quoted_tcp))
packets.append(eth() / ip() / ICMP(type=3, code=3) / Raw(quoted_gre))
packets.append(eth() / ip() / ICMP(type=3, code=4, nexthopmtu=1400) / Raw(quoted_udp))
# Other types and codes; 42 and 200 are unknown to tcpdump 4.99.
for icmp_type, code in [(0, 0), (4, 0), (5, 0), (5, 1), (5, 2), (5, 3), (5, 7), (8, 0), (10, 0), (11, 0),
                        (11, 1), (11, 5), (12, 0), (12, 1), (13, 0), (15, 0), (16, 0), (17, 0), (42, 0),
                        (200, 3)]:
    packets.append(eth() / ip() / ICMP(type=icmp_type, code=code) / Raw(quoted_udp))
# Timestamp replies (hours do not wrap), mask reply, router advertisements.
packets.append(eth() / ip() / ICMP(type=14, ts_ori=0, ts_rx=86399999, ts_tx=100000000))
packets.append(eth() / ip() / ICMP(type=14, ts_ori=4294967295, ts_rx=1, ts_tx=3723004))
packets.append(icmp_raw([18, 0, 0, 0, 0, 5, 0, 7], b"\xff\xff\xff\x00"))
packets.append(icmp_raw([9, 0, 0, 0, 2, 2, 0, 30], b"\x0a\0\0\x01\0\0\0\x05\x0a\0\0\x02\xff\xff\xff\xff"))
packets.append(icmp_raw([9, 0, 0, 0, 1, 2, 0x0e, 0x10], b"\x0a\0\0\x01\0\0\0\x05"))
packets.append(icmp_raw([9, 0, 0, 0, 3, 3, 0x01, 0x2c], b"\x0a\0\0\x01\0\0\0"))
packets.append(icmp_raw([12, 0, 0, 0, 7, 0, 0, 0], quoted_udp))
packets.append(icmp_raw([5, 1, 0, 0, 9, 9, 9, 9], quoted_udp))
packets.append(icmp_raw([13, 0, 0, 0, 0, 5, 0, 7]))
# Messages cut before a field tcpdump needs: it prints " [|icmp]".
packets.append(icmp_raw([14, 0, 0, 0, 0, 5, 0, 7], b"\0\0\0\x01"))
packets.append(icmp_raw([18, 0, 0, 0, 0, 5, 0, 7], b"\xff\xff\xff"))
packets.append(icmp_raw([9, 0, 0, 0, 1, 2, 0x01, 0x2c], b"\x0a\0\0\x01\0\0\0"))
packets.append(icmp_raw([3, 1, 0, 0, 0, 0, 0, 0], quoted_udp[:18]))
packets.append(icmp_raw([3, 3, 0, 0, 0, 0, 0, 0], quoted_udp[:22]))
packets.append(icmp_raw([5, 9, 0, 0, 9, 9, 9, 9]))
packets.append(icmp_raw([11, 0, 0, 0, 0, 0, 0, 0], quoted_udp[:12]))

# TCP options, one kind per segment, each with the length its kind wants.
for options in [[(27, b"\x00\x01\x02\x00\x00\x00")], [(6, b"\x01\x02\x03\x04")], [(7, b"\0\0\0\x01")],
                [(11, b"\0\0\0\x01")], [(12, b"\0\0\0\x01")], [(13, b"\0\0\0\x07")], [(99, b"")],
                [(99, b"\xab\xcd")], [(9, b"")], [(14, b"\x01")], [(15, b"")], [(253, b"\xf9\x89")],
                [(28, b"\x00\x01")], [(28, b"\x80\x05")], [(28, b"\x00\x0a")],
                [(254, b"\x12\x34\x56")], [(254, b"\xf9\x89")], [(254, b"\xf9\x89\x01\x02")],
                [(254, b"\xf9\x89\x01\x02\x03\x04\x05\x06")], [(254, b"\xf9\x89" + b"\x01" * 18)],
                [(34, b"")], [(34, b"\x01\x02\x03\x04")], [(34, b"\x01")], [(34, b"\x01\x02\x03\x04\x05")],
                [(29, b"\x01")], [(29, b"\x01\x02")], [(29, b"\x01\x02\x03\x04")],
                [(30, b"\x01\x01")], [(20, b"\0\0")], [(19, b"\0" * 16)],
                [("SAck", (1, 2, 3, 4, 5, 6, 7, 8))], [("NOP", None), ("NOP", None), ("Timestamp", (1, 2))],
                [("MSS", 1460), ("WScale", 14), ("SAckOK", b""), ("EOL", None)]]:
    packets.append(eth() / ip() / TCP(sport=1000, dport=2000, flags="S", seq=1, options=options))
# Flags, urgent data, resets.
for flags in ["FSRPAUEC", "", "R", "RA", "F", "FA", "PA"]:
    packets.append(eth() / ip() / TCP(sport=1, dport=2, flags=flags, seq=5, ack=9, urgptr=7))
packets.append(eth() / ip() / TCP(sport=1, dport=2, flags="U", urgptr=3, seq=5) / Raw(b"xy"))

# ARP: request with and without a target hardware address, reply, RARP (RFC 903),
# InARP (RFC 2390), NAK and an unknown operation (named only: tcpdump hex-dumps the rest).
for op in [1, 2, 3, 4, 8, 9, 10, 25]:
    packets.append(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") /
                   ARP(op=op, hwsrc="02:00:00:00:00:01", psrc="10.0.0.1", hwdst="02:00:00:00:00:09",
                       pdst="10.0.0.9"))
packets.append(Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") /
               ARP(op=1, hwsrc="02:00:00:00:00:01", psrc="0.0.0.0", hwdst="00:00:00:00:00:00", pdst="10.0.0.1"))

# ARP over other hardware and for other protocols, from raw bytes: tcpdump prints the
# operation for IPv4 whatever the hardware and its address length, and otherwise names
# the types (hardware 99 and protocol 0x0801 it does not know).
def raw_arp(hardware, protocol, hlen, plen, op, addresses):
    return (Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff", type=0x0806) /
            Raw(struct.pack("!HHBBH", hardware, protocol, hlen, plen, op) + addresses))


for hardware in [1, 6, 7, 15, 23, 24, 32, 99]:
    packets.append(raw_arp(hardware, 0x0800, 6, 5, 1, b"\x01" * 22))
for protocol in [0x86dd, 0x8100, 0x9200, 0x0806, 0x8035, 0x88a8, 0x9100, 0x0801]:
    packets.append(raw_arp(1, protocol, 6, 6, 1, b"\x01" * 24))
ieee802 = b"\x0a\x0b\x0c\x0d\x0e\x0f" + b"\x0a\0\0\x01" + b"\0" * 6 + b"\x0a\0\0\x02"
packets.append(raw_arp(6, 0x0800, 6, 4, 1, ieee802))
packets.append(raw_arp(6, 0x0800, 6, 4, 2, ieee802))
packets.append(raw_arp(1, 0x0800, 3, 4, 1, b"\x0a\x0b\x0c\x0a\0\0\x01\x01\x02\x03\x0a\0\0\x02"))
packets.append(raw_arp(1, 0x0800, 3, 4, 2, b"\x0a\x0b\x0c\x0a\0\0\x01\x01\x02\x03\x0a\0\0\x02"))
packets.append(raw_arp(1, 0x0800, 0, 4, 1, b"\x0a\0\0\x01\x0a\0\0\x02"))
packets.append(raw_arp(1, 0x1000, 6, 4, 1, ieee802))  # RFC 893 trailers: read as IPv4
packets.append(raw_arp(1, 0x0800, 6, 4, 1, ieee802[:-2]))  # the target address cut

# UDP, fragments (first and later), IP options, unknown protocols, a VLAN tag.
packets.append(eth() / ip() / UDP(sport=1, dport=2) / Raw(b"abc"))
packets.append(eth() / ip() / UDP(sport=1, dport=2))
packets.append(eth() / ip(flags="MF") / UDP(sport=1, dport=2) / Raw(b"abcdefgh"))
packets.append(eth() / ip(frag=1) / Raw(b"abcdefgh"))
packets.append(eth() / ip(frag=1, proto=6) / Raw(b"abcdefgh"))
packets.append(eth() / ip(options=[b"\x07\x07\x04\0\0\0\0\0"]) / UDP(sport=1, dport=2))
packets.append(eth() / ip(proto=240) / Raw(b"x" * 20))
packets.append(eth() / ip(proto=63) / Raw(b"x" * 20))
packets.append(eth() / Dot1Q(vlan=5) / ip() / UDP(sport=1, dport=2))

wrpcap(sys.argv[1], packets)
