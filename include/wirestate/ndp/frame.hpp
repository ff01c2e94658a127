#pragma once
// The owned NDP message the NDP spoof detector reads (the ArpFrame of IPv6): the RFC 4861
// fields a detector needs, the IPv6 and Ethernet addresses around it, its packet number and
// time. Made from a decoded frame by from_decoded(), or filled in directly by a simulated
// host that wants its own traffic checked.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::wire {
class Ipv6View;
class NdpView;
}  // namespace wirestate::wire

namespace wirestate::ndp {

// RFC 4861 §4 message types (the ICMPv6 type numbers).
enum class MessageType : std::uint8_t {
  kRouterSolicitation = 133,
  kRouterAdvertisement = 134,
  kNeighborSolicitation = 135,
  kNeighborAdvertisement = 136,
  kRedirect = 137,
};

// One prefix information option (RFC 4861 §4.6.2) of a router advertisement.
struct PrefixSeen {
  net::Ipv6Addr prefix;
  std::uint8_t length = 0;
  bool operator==(const PrefixSeen&) const = default;
};

// What a router advertisement says about the link (RFC 4861 §4.2, §4.6.2, §4.6.4).
struct RouterInfo {
  bool managed = false;        // M flag
  bool other_config = false;   // O flag
  std::uint16_t lifetime = 0;  // router lifetime, seconds (0: not a default router)
  std::optional<std::uint32_t> mtu;
  // Prefix options, at most kMaxPrefixes (more are counted in prefixes_dropped).
  static constexpr std::size_t kMaxPrefixes = 8;
  std::array<PrefixSeen, kMaxPrefixes> prefixes{};
  std::uint8_t prefix_count = 0;
  std::uint8_t prefixes_dropped = 0;
};

struct NdpFrame {
  MessageType type = MessageType::kNeighborSolicitation;
  net::MacAddr eth_src;
  net::MacAddr eth_dst;
  net::Ipv6Addr src;
  net::Ipv6Addr dst;
  std::uint8_t hop_limit = 255;  // RFC 4861 requires 255 on every NDP message
  std::uint8_t code = 0;
  std::optional<net::Ipv6Addr> target;       // NS, NA, redirect
  std::optional<net::Ipv6Addr> destination;  // redirect
  bool router_flag = false;                  // NA R
  bool solicited = false;                    // NA S
  bool override_flag = false;                // NA O
  std::optional<net::MacAddr> source_link_addr;
  std::optional<net::MacAddr> target_link_addr;
  RouterInfo ra;                             // RA only
  std::uint64_t number = 0;                  // 1-based packet number
  net::Time time;

  // The link-layer address the message asserts for its subject: SLLA of NS/RS/RA, TLLA of NA.
  std::optional<net::MacAddr> claimed_link_addr() const noexcept {
    return type == MessageType::kNeighborAdvertisement ? target_link_addr : source_link_addr;
  }
};

// The NdpFrame of a decoded NDP message; nullopt when the message is not NDP.
std::optional<NdpFrame> from_decoded(const wire::Ipv6View& ip, const wire::NdpView& ndp, net::MacAddr eth_src,
                                     net::MacAddr eth_dst, std::uint64_t number, net::Time time);

}  // namespace wirestate::ndp
