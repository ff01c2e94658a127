#pragma once
// The station database of a spoof detector, for either address family: per address the
// link-layer addresses seen, current first, with when each was first and last seen
// (arpwatch's db.c, which NDPMon carries over to IPv6). The ARP detector keys it by
// net::Ipv4Addr, the NDP detector by net::Ipv6Addr; both read the same verdicts from it
// (new station, same, changed, flip-flop, reused old address). Bounded: an LRU of
// addresses, and a few MACs per address.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "wirestate/arp/lru_map.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::arp {

// What one (address, MAC) observation is, compared with the station database.
enum class StationChange : std::uint8_t {
  kNew,       // arpwatch "new station": the address was unknown
  kSame,      // the current binding again
  kChanged,   // "changed ethernet address": a MAC never seen for this address
  kFlipFlop,  // "flip flop": back to the MAC before the current one
  kReused,    // "reused old ethernet address": an older remembered MAC
};

// One MAC remembered for an address.
struct MacSeen {
  net::MacAddr mac;
  net::Time first;
  net::Time last;
};

// Extra is per-address state a detector keeps next to the bindings (the ARP detector's
// last reply); it is value-initialised when an address is first learned.
template <class Addr, class Extra = std::monostate>
class StationHistory {
 public:
  struct Record {
    std::vector<MacSeen> macs;             // [0] = current binding; bounded by max_macs_per_addr
    std::optional<net::MacAddr> previous;  // the binding before the current one
    Extra extra{};
  };
  // The outcome of learn(): the change, the binding it replaced (changes only), the record.
  struct Learned {
    StationChange change;
    std::optional<net::MacAddr> old;
    Record* record;
  };

  // At most max_addrs addresses (least recently used forgotten) and max_macs_per_addr MACs
  // per address (at least 2, so a flip-flop can be recognised).
  StationHistory(std::size_t max_addrs, std::size_t max_macs_per_addr)
      : table_(max_addrs), max_macs_(std::max<std::size_t>(max_macs_per_addr, 2)) {}

  // What learn(addr, mac) would report, changing nothing.
  StationChange classify(const Addr& addr, net::MacAddr mac) const {
    const Record* rec = table_.peek(addr);
    if (rec == nullptr) return StationChange::kNew;
    if (rec->macs[0].mac == mac) return StationChange::kSame;
    if (rec->previous && *rec->previous == mac) return StationChange::kFlipFlop;
    const bool seen = std::any_of(rec->macs.begin(), rec->macs.end(), [&](const MacSeen& m) { return m.mac == mac; });
    return seen ? StationChange::kReused : StationChange::kChanged;
  }

  // Records that addr is at mac at now: mac becomes the current binding.
  Learned learn(const Addr& addr, net::MacAddr mac, net::Time now) {
    Record* rec = table_.find(addr);
    if (rec == nullptr) {
      Record fresh;
      fresh.macs.push_back({mac, now, now});
      table_.insert(addr, std::move(fresh));
      return {StationChange::kNew, std::nullopt, table_.peek_mut(addr)};
    }
    if (rec->macs[0].mac == mac) {
      rec->macs[0].last = now;
      return {StationChange::kSame, std::nullopt, rec};
    }
    const StationChange change = classify(addr, mac);
    const net::MacAddr old = rec->macs[0].mac;
    MacSeen moved{mac, now, now};
    auto seen = std::find_if(rec->macs.begin(), rec->macs.end(), [&](const MacSeen& m) { return m.mac == mac; });
    if (seen != rec->macs.end()) {
      moved.first = seen->first;
      rec->macs.erase(seen);
    }
    rec->macs.insert(rec->macs.begin(), moved);
    if (rec->macs.size() > max_macs_) {
      // Forget the least recently seen MAC (never the current one).
      auto oldest = std::min_element(rec->macs.begin() + 1, rec->macs.end(),
                                     [](const MacSeen& x, const MacSeen& y) { return x.last < y.last; });
      rec->macs.erase(oldest);
    }
    rec->previous = old;
    return {change, old, rec};
  }

  // The record of addr without changing the use order; nullptr when unknown.
  const Record* peek(const Addr& addr) const { return table_.peek(addr); }
  Record* peek_mut(const Addr& addr) { return table_.peek_mut(addr); }

  std::size_t size() const noexcept { return table_.size(); }
  // Addresses forgotten because the table was full.
  std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  LruMap<Addr, Record> table_;
  std::size_t max_macs_;
};

}  // namespace wirestate::arp
