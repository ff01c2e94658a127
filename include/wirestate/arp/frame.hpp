#pragma once
// The owned ARP packet the ARP module speaks: the parsed ARP body plus the Ethernet
// addresses of the frame that carried it, its packet number and time.
#include <cstdint>

#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/wire/arp_repr.hpp"

namespace wirestate::arp {

struct ArpFrame {
  wire::ArpRepr arp;
  net::MacAddr eth_src;
  net::MacAddr eth_dst;
  std::uint64_t number = 0;  // 1-based packet number; 0 for frames the cache wants sent
  net::Time time;
  bool operator==(const ArpFrame&) const = default;
};

}  // namespace wirestate::arp
