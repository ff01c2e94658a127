#include "wirestate/tcp/rto.hpp"

#include <algorithm>

namespace wirestate::tcp {

namespace {
// RFC 6298 §2: G, the clock granularity. Virtual time is exact; 1 ms like Linux jiffies.
constexpr net::Duration kGranularity = net::Duration::milliseconds(1);
}  // namespace

RtoEstimator::RtoEstimator(net::Duration initial, net::Duration min, net::Duration max) noexcept
    : initial_(initial), min_(min), max_(max), base_(initial) {}

void RtoEstimator::sample(net::Duration rtt) noexcept {
  if (rtt < net::Duration()) rtt = net::Duration();
  if (!has_sample_) {
    // RFC 6298 §2.2: SRTT <- R, RTTVAR <- R/2.
    srtt_ = rtt;
    rttvar_ = rtt / 2;
    has_sample_ = true;
  } else {
    // RFC 6298 §2.3 with alpha = 1/8, beta = 1/4; RTTVAR first, using the old SRTT.
    const net::Duration diff = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
    rttvar_ = (rttvar_ * 3 + diff) / 4;
    srtt_ = (srtt_ * 7 + rtt) / 8;
  }
  // RTO <- SRTT + max(G, K*RTTVAR), K = 4.
  base_ = srtt_ + std::max(kGranularity, rttvar_ * 4);
  backoff_ = 0;
}

void RtoEstimator::back_off() noexcept {
  if (rto() < max_) ++backoff_;
}

net::Duration RtoEstimator::rto() const noexcept {
  net::Duration r = std::clamp(base_, min_, max_);
  for (std::uint32_t i = 0; i < backoff_ && r < max_; ++i) r = r * 2;
  return std::min(r, max_);
}

}  // namespace wirestate::tcp
