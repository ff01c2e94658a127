#pragma once
// Test helper: bytes from a hex dump ("0200 0000 0002 ..."; spaces and newlines ignored).
#include <cstdint>
#include <string_view>
#include <vector>

namespace wirestate::wire::test {

inline std::vector<std::uint8_t> from_hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

// Real frames from ../shared/pcaps/kernel (tcpdump -xx -nn -v), reused across tests.

// tcp_half_close.pcap #3:
// 10.77.0.1.37290 > 10.77.0.2.5000: Flags [S], cksum 0x3597 (correct), seq 3384157437,
// win 64240, options [mss 1460,sackOK,TS val 1530074047 ecr 0,nop,wscale 10], length 0
inline constexpr std::string_view kSynFrame =
    "0200 0000 0002 0200 0000 0001 0800 4500"
    "003c 43a1 4000 4006 e27e 0a4d 0001 0a4d"
    "0002 91aa 1388 c9b6 24fd 0000 0000 a002"
    "faf0 3597 0000 0204 05b4 0402 080a 5b33"
    "13bf 0000 0000 0103 030a";

// tcp_half_close.pcap #1: ARP, Request who-has 10.77.0.2 tell 10.77.0.1, length 28
inline constexpr std::string_view kArpRequestFrame =
    "ffff ffff ffff 0200 0000 0001 0806 0001"
    "0800 0604 0001 0200 0000 0001 0a4d 0001"
    "0000 0000 0000 0a4d 0002";

// udp_icmp_frag.pcap: 10.77.0.1.57080 > 10.77.0.2.47000: UDP, length 10 ("udp hello\n")
// IP (tos 0x0, ttl 64, id 9235, offset 0, flags [none], proto UDP (17), length 38)
inline constexpr std::string_view kUdpFrame =
    "0200 0000 0002 0200 0000 0001 0800 4500"
    "0026 2413 0000 4011 4218 0a4d 0001 0a4d"
    "0002 def8 b798 0012 2b3b 7564 7020 6865"
    "6c6c 6f0a";

// udp_icmp_frag.pcap: 10.77.0.1 > 10.77.0.2: ICMP echo request, id 13242, seq 1, length 64
inline constexpr std::string_view kEchoRequestFrame =
    "0200 0000 0002 0200 0000 0001 0800 4500"
    "0054 1abe 4000 4001 0b4f 0a4d 0001 0a4d"
    "0002 0800 d57d 33ba 0001 de47 076b 0000"
    "0000 3f41 0b00 0000 0000 1011 1213 1415"
    "1617 1819 1a1b 1c1d 1e1f 2021 2223 2425"
    "2627 2829 2a2b 2c2d 2e2f 3031 3233 3435"
    "3637";

// udp_icmp_frag.pcap: 10.77.0.2 > 10.77.0.1: ICMP 10.77.0.2 udp port 47999 unreachable,
// length 44; quoting IP (tos 0x0, ttl 64, id 9053, flags [DF], proto UDP (17), length 36)
// 10.77.0.1.50570 > 10.77.0.2.47999: UDP, length 8
inline constexpr std::string_view kPortUnreachableFrame =
    "0200 0000 0001 0200 0000 0002 0800 45c0"
    "0040 46c3 0000 4001 1e9e 0a4d 0002 0a4d"
    "0001 0303 11bb 0000 0000 4500 0024 235d"
    "4000 4011 02d0 0a4d 0001 0a4d 0002 c58a"
    "bb7f 0010 e1d9 616e 796f 6e65 3f0a";

// zeek tcp/option-sack.pcap #1: 127.0.0.1.20 > 127.0.0.1.80: Flags [S], cksum 0x5c55
// (correct), seq 0, win 8192, options [sack 1 {1:16},eol], length 0
inline constexpr std::string_view kSackFrame =
    "ffff ffff ffff 0000 0000 0000 0800 4500"
    "0034 0001 0000 4006 7cc1 7f00 0001 7f00"
    "0001 0014 0050 0000 0000 0000 0000 8002"
    "2000 5c55 0000 050a 0000 0001 0000 0010"
    "0000";

}  // namespace wirestate::wire::test
