#pragma once
// The owned, parsed form of an ARP packet for Ethernet/IPv4 (RFC 826): what ArpView
// yields and the ARP builder emits. The ARP cache and the spoof detector use this type.
#include <cstdint>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"

namespace wirestate::wire {

enum class ArpOp : std::uint16_t { kRequest = 1, kReply = 2 };

struct ArpRepr {
  ArpOp op = ArpOp::kRequest;
  net::MacAddr sender_mac;   // SHA
  net::Ipv4Addr sender_ip;   // SPA
  net::MacAddr target_mac;   // THA (zero in most requests)
  net::Ipv4Addr target_ip;   // TPA
  bool operator==(const ArpRepr&) const = default;

  // RFC 5227 §2.1.1: a probe has sender IP 0.0.0.0.
  constexpr bool is_probe() const noexcept { return op == ArpOp::kRequest && sender_ip.is_zero(); }
  // Gratuitous ARP (RFC 5227 announcement or unsolicited reply): SPA == TPA, non-zero.
  constexpr bool is_gratuitous() const noexcept {
    return !sender_ip.is_zero() && sender_ip == target_ip;
  }
};

}  // namespace wirestate::wire
