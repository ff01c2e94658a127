// arp::AlertGate: allow-list first (it says "never about these"), then de-duplication.
#include "wirestate/arp/alert_gate.hpp"

#include <functional>

namespace wirestate::arp {

namespace {

std::uint64_t mac_bits(const std::optional<net::MacAddr>& mac) {
  if (!mac) return 0;
  std::uint64_t v = 0;
  for (auto o : mac->octets()) v = (v << 8) | o;
  return v;
}

}  // namespace

std::size_t AlertGate::KeyHash::operator()(const Key& k) const noexcept {
  std::uint64_t h = k.mac * 0x9e3779b97f4a7c15ULL;
  h ^= std::hash<net::IpAddr>{}(k.ip) + k.rule + 0x7f4a7c159e3779b9ULL + (h << 6) + (h >> 2);
  return static_cast<std::size_t>(h);
}

GateVerdict AlertGate::admit(const AllowList& allow, const GateQuery& q, net::Time now) {
  if (!q.ignores_allow_list &&
      (q.frame_allowed || allow.contains(q.ip) || (q.old_mac && allow.contains(*q.old_mac)) ||
       (q.new_mac && allow.contains(*q.new_mac)))) {
    return GateVerdict::kAllowed;
  }
  const Key key{q.rule, q.ip, mac_bits(q.new_mac)};
  if (const net::Time* last = seen_.find(key); last != nullptr && now - *last < interval_) {
    return GateVerdict::kSuppressed;
  }
  seen_.insert(key, now);
  return GateVerdict::kEmit;
}

}  // namespace wirestate::arp
