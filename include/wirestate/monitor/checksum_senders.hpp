#pragma once
// Bad TCP checksums counted per sender, to tell checksum offload from corruption: a host
// that offloads checksumming hands its outgoing segments to the capture before the NIC
// fills the checksum in, so (nearly) all of one sender's segments fail while its peer's
// verify. Corruption on a link is rare and spread over both directions.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "wirestate/net/ip_addr.hpp"

namespace wirestate::monitor {

// What a monitor does with checksums (the habits of tcpdump and Wireshark by default).
enum class ChecksumPolicy : std::uint8_t {
  kSkip,     // not verified at all (tcpdump -K)
  kFlag,     // verified; a bad one is flagged and counted, the segment still moves state
  kEnforce,  // verified; a bad one moves no state, as a receiver drops it (--verify-checksums)
};

// One sender's TCP segments and how many of them had a bad checksum.
struct SenderChecksums {
  net::IpAddr sender;
  std::uint64_t segments = 0;
  std::uint64_t bad = 0;
};

// The table. Bounded: past kMaxSenders, new senders are only counted in untracked()
// (the first senders of a capture are the ones a verdict is about; a scan's thousands
// of sources would each have a few segments, too few to judge).
class ChecksumSenders {
 public:
  static constexpr std::size_t kMaxSenders = 256;
  // A sender is an offload suspect with at least this many segments, most of them bad.
  static constexpr std::uint64_t kMinSegments = 4;

  // Counts one TCP segment from `sender`.
  void add(const net::IpAddr& sender, bool bad);
  // The senders most of whose segments (at least kMinSegments) had bad checksums.
  std::vector<SenderChecksums> offload_suspects() const;
  const std::vector<SenderChecksums>& senders() const noexcept { return senders_; }
  std::uint64_t untracked() const noexcept { return untracked_; }

 private:
  std::vector<SenderChecksums> senders_;
  // Where each tracked sender is in senders_: add() runs for every TCP segment, and a scan
  // of a full table cost up to kMaxSenders compares per segment (an untracked sender's
  // every time).
  std::unordered_map<net::IpAddr, std::uint32_t> index_;
  std::uint64_t untracked_ = 0;
};

}  // namespace wirestate::monitor
