#pragma once
// Private to the render module: what one decoded frame says, as ladder text. Labels use
// tcpdump's flag letters and Wireshark's relative sequence numbers (the first sequence
// number seen in each direction of a connection is 0).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "wirestate/render/ladder.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::render::detail {

// tcpdump's flag letters in its order (F S R P . U E W, then e for AE): "S", "S.", "P.",
// "F.", "R.", "."; "none" when no flag is set.
std::string tcp_flags_text(wire::TcpFlags flags);

// One direction of a TCP connection.
struct Flow {
  std::uint32_t src_ip = 0;
  std::uint16_t src_port = 0;
  std::uint32_t dst_ip = 0;
  std::uint16_t dst_port = 0;
  auto operator<=>(const Flow&) const = default;
  Flow reversed() const { return {dst_ip, dst_port, src_ip, src_port}; }
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
  bool retransmission = false;
};

// Connection ids: the first direction seen names the connection unless a SYN without
// ACK shows the other side is the client. Bounded like TcpTracker.
class ConnNames {
 public:
  std::string name(const Flow& flow, bool pure_syn);

 private:
  std::map<Flow, std::string> names_;  // both directions
};

// Labels and the full decode of one frame; the event's summary is used where the frame
// decodes to nothing the ladder knows.
PacketText describe(const FrameBytes& frame, const wire::DecodedPacket& packet, TcpTracker& tcp,
                    ConnNames& conns, net::Time origin);

// "ip:port" of one end.
std::string endpoint_text(std::uint32_t ip, std::uint16_t port);

// At most max_chars characters of printable UTF-8 text in quotes ("\"你好\""), else "".
std::string payload_preview(net::Bytes payload, std::size_t max_chars);

}  // namespace wirestate::render::detail
