#include "wirestate/monitor/checksum_senders.hpp"

#include <algorithm>

namespace wirestate::monitor {

void ChecksumSenders::add(const net::IpAddr& sender, bool bad) {
  // Linear: the table is small and a capture has few senders; the last one found is
  // usually the next one asked for.
  auto it = std::find_if(senders_.begin(), senders_.end(), [&](const SenderChecksums& s) { return s.sender == sender; });
  if (it == senders_.end()) {
    if (senders_.size() >= kMaxSenders) {
      ++untracked_;
      return;
    }
    senders_.push_back({sender, 0, 0});
    it = senders_.end() - 1;
  }
  ++it->segments;
  if (bad) ++it->bad;
}

std::vector<SenderChecksums> ChecksumSenders::offload_suspects() const {
  std::vector<SenderChecksums> out;
  for (const auto& s : senders_) {
    if (s.segments >= kMinSegments && s.bad * 2 > s.segments) out.push_back(s);
  }
  return out;
}

}  // namespace wirestate::monitor
