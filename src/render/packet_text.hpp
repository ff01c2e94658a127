#pragma once
// Private to the render module: what one decoded frame says, as ladder text. Labels use
// tcpdump's flag letters and Wireshark's relative sequence numbers (the first sequence
// number seen in each direction of a connection is 0).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "wirestate/net/flow_key.hpp"

#include "wirestate/render/ladder.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::render::detail {

// tcpdump's flag letters in its order (F S R P . U E W, then e for AE): "S", "S.", "P.",
// "F.", "R.", "."; "none" when no flag is set.
std::string tcp_flags_text(wire::TcpFlags flags);

// One direction of a TCP connection (either address family): its key and which way.
struct Flow {
  net::FlowKey key;
  net::FlowDirection dir = net::FlowDirection::kLowToHigh;

  // The direction from src to dst.
  static Flow of(const net::Endpoint& src, const net::Endpoint& dst) {
    const net::FlowKey k{src, dst};
    return {k, k.direction_from(src)};
  }
  const net::Endpoint& src() const { return dir == net::FlowDirection::kLowToHigh ? key.low() : key.high(); }
  const net::Endpoint& dst() const { return dir == net::FlowDirection::kLowToHigh ? key.high() : key.low(); }
  Flow reversed() const {
    return {key, dir == net::FlowDirection::kLowToHigh ? net::FlowDirection::kHighToLow : net::FlowDirection::kLowToHigh};
  }
  auto operator<=>(const Flow&) const = default;
};

// Per direction: the base for relative numbers and the highest sequence end sent, for
// spotting retransmissions. At most kMaxFlows directions are tracked; beyond that new
// directions print absolute numbers.
class TcpTracker {
 public:
  static constexpr std::size_t kMaxFlows = 65536;

  struct Seen {
    std::optional<std::uint32_t> seq_base;  // of this direction
    std::optional<std::uint32_t> ack_base;  // of the reverse direction
    bool retransmission = false;            // all of its sequence space was sent before
  };
  // Registers one segment (call in wire order).
  Seen observe(const Flow& flow, const wire::TcpView& tcp, std::size_t payload_len);

 private:
  struct Direction {
    std::uint32_t base = 0;
    std::uint32_t end = 0;  // highest seq + len (+SYN/FIN) sent
  };
  std::map<Flow, Direction> flows_;
};

// What the ladder shows of one frame.
struct PacketText {
  ArrowKind kind = ArrowKind::kOther;
  std::string label;
  std::string preview;
  std::string options;
  std::string detail;
  std::string conn;  // "a:p-b:q", client (SYN sender, else first sender) first
  std::optional<net::FlowKey> flow;  // a TCP segment's connection key
  bool retransmission = false;
};

// Connection ids: the first direction seen names the connection unless a SYN without
// ACK shows the other side is the client. Bounded like TcpTracker.
class ConnNames {
 public:
  std::string name(const Flow& flow, bool pure_syn);

 private:
  std::map<net::FlowKey, std::string> names_;  // one entry per connection
};

// Labels and the full decode of one frame; the event's summary is used where the frame
// decodes to nothing the ladder knows.
PacketText describe(const FrameBytes& frame, const wire::DecodedPacket& packet, TcpTracker& tcp,
                    ConnNames& conns, net::Time origin);

// At most max_chars characters of printable UTF-8 text in quotes ("\"你好\""), else "".
std::string payload_preview(net::Bytes payload, std::size_t max_chars);

}  // namespace wirestate::render::detail
