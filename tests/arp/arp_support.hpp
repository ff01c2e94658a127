#pragma once
// Builders for ARP frames in tests.
#include <cstdint>

#include "wirestate/arp/frame.hpp"

namespace wirestate::arp::testing {

inline net::MacAddr mac(std::uint8_t last) { return net::MacAddr({0x02, 0, 0, 0, 0, last}); }
inline net::Ipv4Addr ip(std::uint8_t last) { return net::Ipv4Addr(10, 77, 0, last); }
inline net::Time at_ms(std::int64_t ms) { return net::Time::from_ns(ms * 1000000); }
inline net::Time at_s(std::int64_t s) { return at_ms(s * 1000); }

// Broadcast who-has `target` from (smac, sip), Ethernet source = ARP sender.
inline ArpFrame request(net::MacAddr smac, net::Ipv4Addr sip, net::Ipv4Addr target,
                        net::Time t = {}, std::uint64_t number = 0) {
  return {{wire::ArpOp::kRequest, smac, sip, net::MacAddr{}, target}, smac,
          net::MacAddr::broadcast(), number, t};
}
// Unicast who-has `target` sent to eth_dst.
inline ArpFrame unicast_request(net::MacAddr smac, net::Ipv4Addr sip, net::Ipv4Addr target,
                                net::MacAddr eth_dst, net::Time t = {}, std::uint64_t number = 0) {
  return {{wire::ArpOp::kRequest, smac, sip, net::MacAddr{}, target}, smac, eth_dst, number, t};
}
// Unicast reply "sip is-at smac" to (tmac, tip).
inline ArpFrame reply(net::MacAddr smac, net::Ipv4Addr sip, net::MacAddr tmac, net::Ipv4Addr tip,
                      net::Time t = {}, std::uint64_t number = 0) {
  return {{wire::ArpOp::kReply, smac, sip, tmac, tip}, smac, tmac, number, t};
}
// RFC 5227 announcement / arping -U: request with SPA == TPA, broadcast.
inline ArpFrame announcement(net::MacAddr smac, net::Ipv4Addr sip, net::Time t = {},
                             std::uint64_t number = 0) {
  return {{wire::ArpOp::kRequest, smac, sip, net::MacAddr{}, sip}, smac,
          net::MacAddr::broadcast(), number, t};
}
// RFC 5227 probe: sender IP 0.0.0.0.
inline ArpFrame probe(net::MacAddr smac, net::Ipv4Addr target, net::Time t = {},
                      std::uint64_t number = 0) {
  return {{wire::ArpOp::kRequest, smac, net::Ipv4Addr{}, net::MacAddr{}, target}, smac,
          net::MacAddr::broadcast(), number, t};
}

}  // namespace wirestate::arp::testing
