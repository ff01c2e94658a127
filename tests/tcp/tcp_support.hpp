#pragma once
// Helpers for the endpoint tests: a segment builder in packetdrill's spirit and a fixture
// that drives an Endpoint into a state through real inputs.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "wirestate/tcp/endpoint.hpp"

namespace wirestate::tcp::testing {

inline constexpr std::uint16_t kLocalPort = 40000;
inline constexpr std::uint16_t kRemotePort = 8000;
inline constexpr std::uint32_t kOurIsn = 1000;
inline constexpr std::uint32_t kPeerIsn = 5000;

inline net::Time at_ms(std::int64_t ms) { return net::Time::from_ns(ms * 1000000); }

// Parses tcpdump flag letters: "S", "S.", ".", "F.", "P.", "R", "R.", "FP.".
inline std::uint16_t parse_flags(std::string_view text) {
  std::uint16_t bits = 0;
  for (char c : text) {
    switch (c) {
      case 'S': bits |= wire::TcpFlags::kSyn; break;
      case 'F': bits |= wire::TcpFlags::kFin; break;
      case 'P': bits |= wire::TcpFlags::kPsh; break;
      case 'R': bits |= wire::TcpFlags::kRst; break;
      case '.': bits |= wire::TcpFlags::kAck; break;
      default: ADD_FAILURE() << "bad flag letter " << c;
    }
  }
  return bits;
}

// An arriving segment from the peer (remote port to local port).
class SegBuilder {
 public:
  SegBuilder() {
    seg_.header.src_port = kRemotePort;
    seg_.header.dst_port = kLocalPort;
    seg_.header.window = 65535;
  }
  SegBuilder& seq(std::uint32_t v) { seg_.header.seq = net::SeqNum(v); return *this; }
  SegBuilder& ack(std::uint32_t v) { seg_.header.ack = net::SeqNum(v); return *this; }
  SegBuilder& flags(std::string_view f) { seg_.header.flags.bits = parse_flags(f); return *this; }
  SegBuilder& win(std::uint16_t w) { seg_.header.window = w; return *this; }
  SegBuilder& data(std::string_view text) {
    seg_.payload.assign(text.begin(), text.end());
    return *this;
  }
  SegBuilder& bytes(std::size_t n) { seg_.payload.assign(n, 0x61); return *this; }
  SegBuilder& mss(std::uint16_t m) { seg_.header.options.mss = m; return *this; }
  SegBuilder& wscale(std::uint8_t s) { seg_.header.options.window_scale = s; return *this; }
  SegBuilder& sack_ok() { seg_.header.options.sack_permitted = true; return *this; }
  SegBuilder& sack(std::uint32_t l, std::uint32_t r) {
    seg_.header.options.sack.push_back({net::SeqNum(l), net::SeqNum(r)});
    return *this;
  }
  SegBuilder& ts(std::uint32_t val, std::uint32_t ecr) {
    seg_.header.options.timestamps = wire::TcpTimestamps{val, ecr};
    return *this;
  }
  operator Segment() const { return seg_; }  // NOLINT: builder converts implicitly
  Segment build() const { return seg_; }

 private:
  Segment seg_;
};

inline SegBuilder segment() { return SegBuilder(); }

// A configuration without options or delayed ACKs, so replies are easy to predict.
inline Config plain_config() {
  Config c;
  c.window_scaling = false;
  c.sack = false;
  c.timestamps = false;
  c.delayed_ack = false;
  c.receive_buffer = 65535;
  return c;
}

// "S. seq 1000 ack 5001" style expectation on one sent segment.
inline void expect_segment(const Segment& s, std::string_view flags, std::uint32_t seq,
                           std::optional<std::uint32_t> ack = std::nullopt,
                           std::size_t len = 0) {
  EXPECT_EQ(flag_letters(s.header.flags), std::string(flags)) << summary(s);
  EXPECT_EQ(s.header.seq.value(), seq) << "field seq of: " << summary(s);
  if (ack) {
    EXPECT_EQ(s.header.ack.value(), *ack) << "field ack of: " << summary(s);
  }
  EXPECT_EQ(s.payload.size(), len) << "field len of: " << summary(s);
  EXPECT_EQ(s.header.src_port, kLocalPort);
  EXPECT_EQ(s.header.dst_port, kRemotePort);
}

class EndpointTest : public ::testing::Test {
 protected:
  explicit EndpointTest(Config c = plain_config()) : cfg_(c), ep_(c) {}

  Endpoint& ep() { return ep_; }
  void deliver(const Segment& s, net::Time t) { ep_.on_segment(s, t); }
  std::vector<Segment> sent() { return ep_.take_outgoing(); }
  // Exactly one segment was sent; returns it.
  Segment sent_one() {
    auto out = sent();
    if (out.size() != 1) {
      std::string all;
      for (const auto& s : out) all += summary(s) + "; ";
      ADD_FAILURE() << "expected one segment, got " << out.size() << ": " << all;
    }
    return out.empty() ? Segment{} : out.front();
  }
  void expect_nothing_sent() {
    auto out = sent();
    EXPECT_TRUE(out.empty()) << "sent " << out.size() << ", first: " << (out.empty() ? "" : summary(out[0]));
  }
  // The causes of state changes so far, "FROM->TO".
  std::vector<std::string> transitions() {
    std::vector<std::string> out;
    for (const auto& e : ep_.take_events()) {
      if (e.kind == EventKind::kStateChange) {
        out.push_back(std::string(to_string(e.from)) + "->" + std::string(to_string(e.to)));
      }
    }
    return out;
  }

  // CLOSED -> SYN_SENT -> ESTABLISHED as the active side (our ISS 1000, peer's 5000).
  void establish_active(std::uint16_t peer_window = 65535) {
    ASSERT_TRUE(ep_.open_active(kLocalPort, kRemotePort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0)));
    sent();
    deliver(segment().seq(kPeerIsn).ack(kOurIsn + 1).flags("S.").win(peer_window).mss(1460), at_ms(10));
    ASSERT_EQ(ep_.state(), State::kEstablished);
    sent();
    ep_.take_events();
  }
  // CLOSED -> LISTEN -> SYN_RECEIVED -> ESTABLISHED as the passive side.
  void establish_passive() {
    ep_ = Endpoint::listening(cfg_, kLocalPort, fixed_isn(net::SeqNum(kOurIsn)), at_ms(0));
    deliver(segment().seq(kPeerIsn).flags("S").mss(1460), at_ms(1));
    ASSERT_EQ(ep_.state(), State::kSynReceived);
    sent();
    deliver(segment().seq(kPeerIsn + 1).ack(kOurIsn + 1).flags("."), at_ms(2));
    ASSERT_EQ(ep_.state(), State::kEstablished);
    ep_.take_events();
  }

  Config cfg_;
  Endpoint ep_;
};

}  // namespace wirestate::tcp::testing
