#pragma once
// Fuzz entry for tcp::Endpoint: a passive endpoint is driven into ESTABLISHED through a
// real handshake, then the input is a program of operations: segments from the peer
// whose fields are mutated around the connection's sequence space (so most are near the
// window, where the interesting checks are), timer advances, and user calls.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "input.hpp"
#include "wirestate/tcp/endpoint.hpp"

namespace wirestate::fuzz {

inline constexpr std::uint16_t kFuzzLocalPort = 8000;
inline constexpr std::uint16_t kFuzzRemotePort = 40000;
inline constexpr std::uint32_t kFuzzOurIsn = 1000;
inline constexpr std::uint32_t kFuzzPeerIsn = 0xfffff000;  // wraps after 4 KiB of data
inline constexpr std::size_t kFuzzMaxOps = 2000;

// A segment from the peer with the given header fields.
inline tcp::Segment fuzz_segment(std::uint32_t seq, std::uint32_t ack, std::uint16_t flags,
                                 std::uint16_t window) {
  tcp::Segment s;
  s.header.src_port = kFuzzRemotePort;
  s.header.dst_port = kFuzzLocalPort;
  s.header.seq = net::SeqNum(seq);
  s.header.ack = net::SeqNum(ack);
  s.header.flags.bits = flags;
  s.header.window = window;
  return s;
}

// A sequence number near base: the selector picks the scale of the offset.
inline std::uint32_t near(std::uint32_t base, std::uint8_t scale, std::uint16_t raw) {
  const auto delta = static_cast<std::int16_t>(raw);
  switch (scale & 3U) {
    case 0: return base;
    case 1: return base + static_cast<std::uint32_t>(static_cast<std::int32_t>(delta % 64));
    case 2: return base + static_cast<std::uint32_t>(static_cast<std::int32_t>(delta));
    default: return base + static_cast<std::uint32_t>(static_cast<std::int32_t>(delta) * 4096);
  }
}

// What the endpoint must hold however it was driven: its buffers stay bounded.
inline void check_endpoint(const tcp::Endpoint& ep) {
  const auto st = ep.status();
  const auto& cfg = ep.config();
  WIRESTATE_FUZZ_CHECK(st.receive_queued <= std::size_t{cfg.receive_buffer} + 65535);
  WIRESTATE_FUZZ_CHECK(st.out_of_order_bytes <= std::size_t{cfg.receive_buffer} + 65535);
  WIRESTATE_FUZZ_CHECK(st.send_queued <= std::size_t{cfg.send_buffer});
}

// One fuzz input: [config byte] then operations until the input ends.
inline int fuzz_tcp_endpoint(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  tcp::Config cfg;
  const auto c = in.u8();
  cfg.window_scaling = (c & 1U) != 0;
  cfg.sack = (c & 2U) != 0;
  cfg.timestamps = (c & 4U) != 0;
  cfg.delayed_ack = (c & 8U) != 0;
  cfg.out_of_order_max_segments = 1U + ((c >> 4) & 7U) * 4U;
  cfg.receive_buffer = (c & 0x80U) != 0 ? 4096 : 65535;
  cfg.send_buffer = 16384;

  // The handshake, with the peer's options chosen by the next byte.
  net::Time now = net::Time::from_ns(1000000);
  auto ep = tcp::Endpoint::listening(cfg, kFuzzLocalPort, tcp::fixed_isn(net::SeqNum(kFuzzOurIsn)), now);
  const auto o = in.u8();
  auto syn = fuzz_segment(kFuzzPeerIsn, 0, wire::TcpFlags::kSyn, 65535);
  if (o & 1U) syn.header.options.mss = static_cast<std::uint16_t>(in.u16() | 1U);
  if (o & 2U) syn.header.options.window_scale = static_cast<std::uint8_t>(in.u8() % 16);
  if (o & 4U) syn.header.options.sack_permitted = true;
  if (o & 8U) syn.header.options.timestamps = wire::TcpTimestamps{in.u32(), 0};
  ep.on_segment(syn, now);
  ep.take_outgoing();
  now += net::Duration::milliseconds(1);
  auto ack = fuzz_segment(kFuzzPeerIsn + 1, kFuzzOurIsn + 1, wire::TcpFlags::kAck, 65535);
  if (o & 8U) ack.header.options.timestamps = wire::TcpTimestamps{1, 1};
  ep.on_segment(ack, now);
  ep.take_outgoing();
  ep.take_events();

  std::vector<std::uint8_t> filler;
  for (std::size_t op = 0; op < kFuzzMaxOps && !in.empty(); ++op) {
    const auto kind = in.u8();
    switch (kind % 8) {
      case 0: case 1: case 2: case 3: {  // a segment from the peer
        const auto st = ep.status();
        const auto sel = in.u8();
        const auto seq = near(st.rcv_nxt.value(), sel, in.u16());
        const auto ackn = near(st.snd_una.value(), static_cast<std::uint8_t>(sel >> 2), in.u16());
        auto flags = static_cast<std::uint16_t>(in.u16() & 0x1ffU);
        if ((sel & 0x10U) == 0) flags |= wire::TcpFlags::kAck;
        if ((sel & 0x20U) == 0) flags &= static_cast<std::uint16_t>(~(wire::TcpFlags::kSyn | wire::TcpFlags::kRst));
        auto seg = fuzz_segment(seq, ackn, flags, in.u16());
        const std::size_t len = (sel & 0x40U) != 0 ? in.u8() : (in.u8() % 4U) * 700U;
        const auto bytes = in.bytes(len);
        seg.payload.assign(bytes.begin(), bytes.end());
        seg.payload.resize(len, 0x61);
        if ((sel & 0x80U) != 0) {  // options
          const auto opt = in.u8();
          if (opt & 1U) seg.header.options.timestamps = wire::TcpTimestamps{in.u32(), in.u32()};
          for (unsigned i = 0; i < ((opt >> 1) & 7U) && i < 4; ++i) {
            const auto left = near(st.snd_una.value(), in.u8(), in.u16());
            seg.header.options.sack.push_back({net::SeqNum(left), net::SeqNum(left + in.u16())});
          }
          if (opt & 0x10U) seg.header.options.mss = in.u16();
          if (opt & 0x20U) seg.header.options.window_scale = in.u8();
        }
        ep.on_segment(seg, now);
        break;
      }
      case 4: {  // time passes: either a few ms or straight to the next deadline
        const auto step = in.u16();
        if ((step & 1U) != 0 && ep.next_deadline() != net::Time::max()) {
          now = std::max(now, ep.next_deadline());
        } else {
          now += net::Duration::milliseconds(step >> 1);
        }
        if (ep.next_deadline() <= now) ep.on_timer(now);
        break;
      }
      case 5: {  // the application sends
        filler.assign(std::size_t{in.u8()} * 64U, 0x62);
        (void)ep.send(filler, now);
        break;
      }
      case 6:  // the application reads
        (void)ep.receive(in.u16(), now);
        break;
      default: {  // close, or (rarely) abort
        if ((in.u8() & 0x0fU) == 0) ep.abort(now); else (void)ep.close(now);
        break;
      }
    }
    for (const auto& s : ep.take_outgoing()) {
      WIRESTATE_FUZZ_CHECK(s.header.src_port == kFuzzLocalPort);
      WIRESTATE_FUZZ_CHECK(s.payload.size() <= 65535);
    }
    ep.take_events();
    check_endpoint(ep);
  }
  return 0;
}

}  // namespace wirestate::fuzz
