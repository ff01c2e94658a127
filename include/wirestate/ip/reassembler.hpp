#pragma once
// IP fragment reassembly for both families, one mechanism: IPv4 (RFC 791 §3.2) and IPv6
// (RFC 8200 §4.5), hole bookkeeping in the spirit of RFC 815, bounded memory, a timeout per
// family and the overlap policy of RFC 5722 (which Linux applies to IPv4 too). Time is
// passed in.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::ip {

// Which fragments belong to one datagram. IPv4 (RFC 791 §3.2): source, destination, protocol
// and the 16-bit identification. IPv6 (RFC 8200 §4.5): source, destination and the 32-bit
// identification; protocol is 0 (the next header is not part of the identity).
struct FragmentKey {
  net::IpAddr src;
  net::IpAddr dst;
  std::uint8_t protocol = 0;
  std::uint32_t id = 0;
  constexpr bool operator==(const FragmentKey&) const = default;
  bool is_v6() const noexcept { return src.is_v6(); }
};

// Hashes all four fields of a FragmentKey.
struct FragmentKeyHash {
  std::size_t operator()(const FragmentKey& k) const noexcept;
};

// One received fragment, as the caller decoded it. The spans are only read during add().
struct Fragment {
  FragmentKey key;
  std::uint32_t offset = 0;          // byte offset of the payload (fragment offset field * 8)
  bool more_fragments = false;       // the MF flag
  std::span<const std::uint8_t> payload;  // the fragmentable part this fragment carries
  // This fragment's IP header (kept from offset 0): IPv4 header with options, or the IPv6
  // header and the extension headers before the fragment header (the unfragmentable part).
  std::span<const std::uint8_t> header;
  std::uint64_t packet = 0;          // capture packet number, echoed in events
};

// A whole datagram rebuilt from its fragments.
struct Datagram {
  FragmentKey key;
  std::vector<std::uint8_t> header;   // the header (unfragmentable part) of the offset-0 fragment, as received
  std::vector<std::uint8_t> payload;  // the reassembled IP payload
  std::size_t fragments = 0;          // how many fragments were used
  std::uint64_t first_packet = 0;     // packet number of the first fragment seen
  std::uint64_t last_packet = 0;      // packet number of the fragment that completed it
};

// Why a fragment or a whole partial datagram was dropped.
enum class ReassemblyEventKind : std::uint8_t {
  kTimeout,            // not complete within the timeout after its first fragment
  kOverlap,            // a fragment overlapped another one: datagram dropped (RFC 5722 §4, Linux)
  kDuplicate,          // an exact duplicate fragment: the copy is dropped, the datagram kept
  kTooLarge,           // IPv4 header + payload, or IPv6 payload, would exceed 65535 bytes
  kInconsistentEnd,    // a second last fragment, or data beyond the last fragment's end
  kBadLength,          // a non-last fragment whose length is not a multiple of 8 (RFC 791 §3.1, RFC 8200 §4.5)
  kEvictedCount,       // dropped (oldest first) to stay within max_datagrams
  kEvictedBytes,       // dropped (oldest first) to stay within max_bytes
  kFragmentTooBig,     // a single fragment larger than max_bytes: the fragment is dropped
};

// The event's snake_case name ("timeout", "overlap", ...).
std::string_view to_string(ReassemblyEventKind kind) noexcept;

// Something the reassembler dropped; each eviction and timeout yields exactly one.
struct ReassemblyEvent {
  ReassemblyEventKind kind;
  FragmentKey key;
  net::Time at;
  std::uint64_t packet = 0;       // the fragment that triggered it (0 for timeouts)
  std::size_t fragments = 0;      // fragments held for the datagram when it was dropped
  std::size_t bytes = 0;          // payload bytes held for it
  // True when the whole partial datagram was discarded (false: only the fragment).
  bool datagram_dropped = true;
};

// Limits, shared by both families but for the timeout; the defaults follow Linux (ipfrag_time
// 30 s, ip6frag_time 60 s as RFC 8200 §4.5 asks, ipfrag_high_thresh 4 MiB).
struct ReassemblerConfig {
  net::Duration timeout = net::Duration::seconds(30);     // IPv4
  std::size_t max_datagrams = 1024;      // concurrent partial datagrams
  std::size_t max_bytes = 4 * 1024 * 1024;  // payload bytes held over all partial datagrams
  net::Duration timeout_v6 = net::Duration::seconds(60);  // IPv6
};

// Running totals since construction.
struct ReassemblyCounters {
  std::uint64_t fragments = 0;     // fragments offered
  std::uint64_t completed = 0;     // datagrams rebuilt
  std::uint64_t timeouts = 0;
  std::uint64_t overlaps = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t evictions = 0;     // kEvictedCount + kEvictedBytes
  std::uint64_t other_drops = 0;   // too large, inconsistent end, bad length, fragment too big
};

// What one add() produced: perhaps a complete datagram, and the events it caused
// (timeouts noticed at `now` first, then anything about this fragment).
struct AddResult {
  std::optional<Datagram> datagram;
  std::vector<ReassemblyEvent> events;
};

// Rebuilds fragmented IPv4 and IPv6 datagrams. Memory is bounded by max_datagrams and max_bytes
// (plus a fixed overhead per partial datagram); when a limit would be passed the oldest
// partial datagrams are evicted, each with an event. Unlike Linux, which refuses new
// fragments above ipfrag_high_thresh, we evict the oldest: a monitor prefers fresh
// traffic, and a flood of never-completed sets cannot starve new datagrams.
class Reassembler {
 public:
  explicit Reassembler(ReassemblerConfig config = {});

  // Offers one fragment received at `now`. A packet that is not a fragment (offset 0
  // and MF clear, for IPv6 an atomic fragment, RFC 6946) is returned as a datagram at once.
  AddResult add(const Fragment& fragment, net::Time now);

  // Drops every partial datagram whose timeout has passed at `now`; one event each.
  std::vector<ReassemblyEvent> expire(net::Time now);

  // When the next partial datagram times out (Time::max() when none is pending).
  net::Time next_deadline() const noexcept;

  // Partial datagrams held now.
  std::size_t pending() const noexcept { return table_.size(); }
  // Payload bytes held now over all partial datagrams.
  std::size_t bytes_held() const noexcept { return bytes_held_; }
  // Totals since construction.
  const ReassemblyCounters& counters() const noexcept { return counters_; }
  // The limits in force.
  const ReassemblerConfig& config() const noexcept { return config_; }

 private:
  struct Piece {
    std::uint32_t offset;
    std::vector<std::uint8_t> bytes;
  };
  struct Partial {
    std::vector<Piece> pieces;  // sorted by offset, never overlapping
    std::vector<std::uint8_t> header;
    std::optional<std::uint32_t> total;  // payload length, known once the last fragment came
    std::size_t bytes = 0;
    std::size_t received = 0;
    net::Time created;
    std::uint64_t first_packet = 0;
    std::list<FragmentKey>::iterator age;  // in the age list of its family
  };
  using Table = std::unordered_map<FragmentKey, Partial, FragmentKeyHash>;

  ReassemblyEvent drop(Table::iterator it, ReassemblyEventKind kind, net::Time now,
                       std::uint64_t packet);
  // The oldest partial datagram of either family (the table must not be empty).
  Table::iterator oldest();
  std::list<FragmentKey>& ages_of(const FragmentKey& k) { return k.is_v6() ? age_v6_ : age_v4_; }
  net::Duration timeout_of(const FragmentKey& k) const { return k.is_v6() ? config_.timeout_v6 : config_.timeout; }
  static bool complete(const Partial& p) noexcept;
  Datagram assemble(Table::iterator it, std::uint64_t packet);

  ReassemblerConfig config_;
  Table table_;
  // Oldest first, one list per family: with one timeout per family, creation order is
  // expiry order within each list.
  std::list<FragmentKey> age_v4_;
  std::list<FragmentKey> age_v6_;
  std::size_t bytes_held_ = 0;
  ReassemblyCounters counters_;
};

}  // namespace wirestate::ip
