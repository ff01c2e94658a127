#pragma once
// The parts of a one-line summary worded after tcpdump 4.99 that are long enough to live
// in files of their own: ICMP messages (icmp_text.cpp), TCP options (tcp_options_text.cpp),
// and the IPv6 line with its extension headers and ICMPv6 messages (ipv6_text.cpp).
#include <cstddef>
#include <string>

#include "wirestate/wire/decode.hpp"
#include "wirestate/wire/icmp.hpp"
#include "wirestate/wire/tcp.hpp"

namespace wirestate::print {

// Appends what tcpdump -nn prints after "IP a > b: " for an ICMP message:
// "ICMP net 10.0.0.9 unreachable, length 36", or " [|icmp]" when the capture cut bytes the
// wording needs. length: the ICMP message length the IPv4 header declares.
void append_icmp_text(std::string& s, const wire::IcmpView& icmp, std::size_t length);

// Appends ", options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]" (nothing when the
// header has no options).
void append_tcp_options(std::string& s, const wire::TcpView& tcp);

// Appends what tcpdump -nn prints after "IP a.p > b.q: " for a TCP segment ("Flags [S.],
// seq 1, ack 2, win 512, options [...], length 0"), IPv4 or IPv6.
void append_tcp_body(std::string& s, const wire::DecodedPacket& p);

// Appends the whole tcpdump -nn line of an IPv6 packet after the time stamp:
// "IP6 a.p > b.q: Flags [S], ...", "IP6 a > b: HBH 1 > 2: UDP, length 12",
// "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, who has fe80::2, length 32".
void append_ipv6_line(std::string& s, const wire::DecodedPacket& p);

}  // namespace wirestate::print
