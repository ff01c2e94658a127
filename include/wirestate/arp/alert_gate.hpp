#pragma once
// The two filters every spoof-detector alert passes before it is emitted, shared by the
// ARP and the NDP detector: the allow-list (virtual router MACs, proxies, declared
// addresses), then de-duplication, one alert per (rule, address, MAC) per interval, in a
// bounded LRU table.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "wirestate/arp/detector_config.hpp"
#include "wirestate/arp/lru_map.hpp"
#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::arp {

// One alert as the gate sees it. `rule` is the detector's rule enumerator as a number.
struct GateQuery {
  std::uint8_t rule = 0;
  net::IpAddr ip;
  std::optional<net::MacAddr> old_mac;
  std::optional<net::MacAddr> new_mac;
  bool frame_allowed = false;      // the frame's sender is allow-listed
  bool ignores_allow_list = false; // the user's own static bindings outrank the allow-list
};

enum class GateVerdict : std::uint8_t {
  kEmit,        // raise it
  kAllowed,     // silenced by the allow-list
  kSuppressed,  // the same alert was raised within the interval
};

class AlertGate {
 public:
  // At most max_entries remembered alerts; one per key per interval.
  AlertGate(std::size_t max_entries, net::Duration interval) : seen_(max_entries), interval_(interval) {}

  // Decides one alert at time now; an emitted one is remembered.
  GateVerdict admit(const AllowList& allow, const GateQuery& q, net::Time now);

  // Remembered alerts forgotten because the table was full.
  std::uint64_t evictions() const noexcept { return seen_.evictions(); }

 private:
  struct Key {
    std::uint8_t rule;
    net::IpAddr ip;
    std::uint64_t mac;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };
  LruMap<Key, net::Time, KeyHash> seen_;
  net::Duration interval_;
};

}  // namespace wirestate::arp
