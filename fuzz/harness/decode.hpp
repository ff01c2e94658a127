#pragma once
// Fuzz entry for wire::decode and the printers behind `wirestate decode`.
// Input layout: [link selector][2 bytes: bytes cut from the end][2 bytes: wire length
// beyond the captured length][flags] frame...  So the captured length is often below
// the wire length (a snaplen cut), as in real captures.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "input.hpp"
#include "wirestate/print/json.hpp"
#include "wirestate/print/summary.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::fuzz {

// The link types decode() knows, plus one it does not.
inline constexpr wire::LinkType kFuzzLinkTypes[] = {
    wire::LinkType::kEthernet, wire::LinkType::kLinuxSll, wire::LinkType::kLinuxSll2,
    wire::LinkType::kRaw,      wire::LinkType::kRawLinux, wire::LinkType::kRawOpenBsd,
    wire::LinkType::kIpv4,     wire::LinkType::kNull,     wire::LinkType::kLoop,
    static_cast<wire::LinkType>(160)};

// Checks that every view decode() returned lies inside the frame and reads all of it.
inline void check_decoded(const wire::DecodedPacket& d, net::Bytes frame) {
  std::uint32_t sink = 0;
  WIRESTATE_FUZZ_CHECK(within(d.payload, frame));
  sink += touch(d.payload);
  WIRESTATE_FUZZ_CHECK(d.network_offset <= frame.size());
  WIRESTATE_FUZZ_CHECK(d.transport_offset <= frame.size());
  if (d.ethernet) {
    WIRESTATE_FUZZ_CHECK(within(d.ethernet->bytes(), frame));
    sink += touch(d.ethernet->bytes());
  }
  if (d.ipv4) {
    WIRESTATE_FUZZ_CHECK(within(d.ipv4->header(), frame));
    WIRESTATE_FUZZ_CHECK(within(d.ipv4->payload(), frame));
    sink += touch(d.ipv4->header()) + touch(d.ipv4->options()) + touch(d.ipv4->payload());
  }
  if (d.tcp) {
    WIRESTATE_FUZZ_CHECK(within(d.tcp->bytes(), frame));
    sink += touch(d.tcp->options()) + touch(d.tcp->payload());
    const auto repr = d.tcp->to_repr();
    sink += repr.options.sack.size() + repr.options.unknown.size();
  }
  if (d.udp) sink += touch(d.udp->payload());
  if (d.icmp) {
    WIRESTATE_FUZZ_CHECK(within(d.icmp->bytes(), frame));
    sink += touch(d.icmp->data());
  }
  if (d.arp) {
    WIRESTATE_FUZZ_CHECK(within(d.arp->bytes(), frame));
    sink += touch(d.arp->sender_hw()) + touch(d.arp->target_proto());
    if (auto r = d.arp->to_repr()) sink += r->sender_ip.value();
  }
  WIRESTATE_FUZZ_CHECK(d.malformations.size() <= wire::Malformations::kCapacity);
  for (const auto& m : d.malformations) sink += static_cast<std::uint32_t>(m.offset);
  // Keeps the reads from being optimised away.
  volatile std::uint32_t keep = sink;
  (void)keep;
}

// Decodes one frame of the given link type and prints it both ways (text and JSON).
inline void decode_and_print(net::Bytes frame, wire::LinkType link, std::uint32_t wire_len,
                             bool verify) {
  wire::DecodeOptions options;
  options.verify_checksums = verify;
  const auto d = wire::decode(frame, link, wire_len, options);
  WIRESTATE_FUZZ_CHECK(d.caplen == frame.size());
  check_decoded(d, frame);
  print::FrameInfo info;
  info.number = 1;
  info.cap_len = static_cast<std::uint32_t>(frame.size());
  info.len = wire_len;
  std::string line;
  print::append_summary(line, info, d);
  WIRESTATE_FUZZ_CHECK(!line.empty());
  const auto json = print::to_json(info, d);
  WIRESTATE_FUZZ_CHECK(json.is_object());
  (void)json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// One fuzz input: see the layout above.
inline int fuzz_decode(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  const auto link = kFuzzLinkTypes[in.u8() % std::size(kFuzzLinkTypes)];
  const std::size_t cut = in.u16();
  const std::uint32_t beyond = in.u16();
  const bool verify = (in.u8() & 1U) == 0;
  auto frame = in.rest();
  // Copy into an exactly-sized heap buffer so ASan catches any read past its end.
  const std::size_t keep = cut >= frame.size() ? 0 : frame.size() - cut;
  std::vector<std::uint8_t> buffer(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(keep));
  const auto wire_len = static_cast<std::uint32_t>(frame.size() + beyond);
  decode_and_print(buffer, link, wire_len, verify);
  return 0;
}

}  // namespace wirestate::fuzz
