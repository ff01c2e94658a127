#pragma once
// The retransmission timeout of RFC 6298: SRTT, RTTVAR, min/max bounds and backoff.
#include <cstdint>

#include "wirestate/net/time.hpp"

namespace wirestate::tcp {

class RtoEstimator {
 public:
  RtoEstimator(net::Duration initial, net::Duration min, net::Duration max) noexcept;

  // Feeds one RTT measurement (callers apply Karn's rule: never a retransmitted segment).
  // RFC 6298 §2.2 for the first sample, §2.3 after; clears the backoff.
  void sample(net::Duration rtt) noexcept;
  // Doubles the RTO after a timeout, up to the maximum (RFC 6298 §5.5).
  void back_off() noexcept;
  // Forgets the backoff (an ACK of new data arrived), keeping SRTT and RTTVAR.
  void reset_backoff() noexcept { backoff_ = 0; }

  // The current timeout, bounded by [min, max] and backed off.
  net::Duration rto() const noexcept;
  net::Duration srtt() const noexcept { return srtt_; }
  net::Duration rttvar() const noexcept { return rttvar_; }
  bool has_sample() const noexcept { return has_sample_; }
  std::uint32_t backoff() const noexcept { return backoff_; }

 private:
  net::Duration initial_, min_, max_;
  net::Duration srtt_{}, rttvar_{};
  net::Duration base_;  // RTO before backoff, before bounds
  std::uint32_t backoff_ = 0;
  bool has_sample_ = false;
};

}  // namespace wirestate::tcp
