#pragma once
// Matching frames against packetdrill-style patterns ("client > server S.", "seq 1:6",
// "<mss 1460,sackOK,nop,wscale 7>"). Sequence numbers in patterns are relative to each
// side's initial sequence number, as tcpdump prints them; the matcher learns the ISNs from
// the SYNs it sees, in wire order, so frames must be offered in order.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wirestate/net/endpoint.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/scenario/pattern.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::check {

// How a host name in a pattern maps to addresses.
struct NamedHost {
  std::string name;
  net::Ipv4Addr ip;
  net::MacAddr mac;
};

class PatternMatcher {
 public:
  explicit PatternMatcher(std::vector<NamedHost> hosts) : hosts_(std::move(hosts)) {}

  // Learns from one frame (ISNs); call for every frame in wire order before matching it.
  void observe(const wire::DecodedPacket& pkt);
  // True when the frame matches the pattern (after observe()).
  bool matches(const scenario::PacketPattern& pattern, const wire::DecodedPacket& pkt) const;
  // The frame in the pattern language, for failure messages: "client > server S. seq 0 ack 0 win 64240".
  std::string describe(const wire::DecodedPacket& pkt) const;

 private:
  // One direction: (source, destination).
  using Flow = std::pair<net::Endpoint, net::Endpoint>;
  bool end_matches(const scenario::PatternEnd& end, std::optional<net::Ipv4Addr> ip,
                   std::optional<net::MacAddr> mac, std::optional<std::uint16_t> port) const;
  std::string name_of(net::Ipv4Addr ip) const;
  std::optional<std::uint32_t> isn(const Flow& flow) const;

  std::vector<NamedHost> hosts_;
  std::map<Flow, std::uint32_t> isns_;  // (source, destination) -> ISN
};

}  // namespace wirestate::check
