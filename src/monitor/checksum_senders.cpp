#include "wirestate/monitor/checksum_senders.hpp"

namespace wirestate::monitor {

void ChecksumSenders::add(const net::IpAddr& sender, bool bad) {
  auto it = index_.find(sender);
  if (it == index_.end()) {
    if (senders_.size() >= kMaxSenders) {
      ++untracked_;
      return;
    }
    it = index_.emplace(sender, static_cast<std::uint32_t>(senders_.size())).first;
    senders_.push_back({sender, 0, 0});
  }
  SenderChecksums& s = senders_[it->second];
  ++s.segments;
  if (bad) ++s.bad;
}

std::vector<SenderChecksums> ChecksumSenders::offload_suspects() const {
  std::vector<SenderChecksums> out;
  for (const auto& s : senders_) {
    if (s.segments >= kMinSegments && s.bad * 2 > s.segments) out.push_back(s);
  }
  return out;
}

}  // namespace wirestate::monitor
