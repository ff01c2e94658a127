// TCP options: the iterator, per-option checks (RFC 9293 §3.2, RFC 7323, RFC 2018) and
// their emission in the layout Linux uses.
#include <algorithm>

#include "sum.hpp"
#include "wirestate/wire/ipv4.hpp"
#include "wirestate/wire/tcp.hpp"

namespace wirestate::wire {

std::optional<Error> TcpOption::check() const noexcept {
  switch (kind) {
    case TcpOptionKind::kMss:
      if (length != 4) return Error::kBadOptionLength;  // RFC 9293 §3.2
      return std::nullopt;
    case TcpOptionKind::kWindowScale:
      if (length != 3) return Error::kBadOptionLength;  // RFC 7323 §2.2
      if (data[0] > kMaxWindowScale) return Error::kWindowScaleTooLarge;  // RFC 7323 §2.3
      return std::nullopt;
    case TcpOptionKind::kSackPermitted:
      if (length != 2) return Error::kBadOptionLength;  // RFC 2018 §2
      return std::nullopt;
    case TcpOptionKind::kSack:
      if (length < 2 || (length - 2) % 8 != 0) return Error::kBadSackLength;  // RFC 2018 §3
      return std::nullopt;
    case TcpOptionKind::kTimestamps:
      if (length != 10) return Error::kBadOptionLength;  // RFC 7323 §3.2
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

namespace {

constexpr std::size_t kMaxOptionsLen = 40;

// Appends bytes if they fit in the 40-byte option area.
struct OptionWriter {
  std::uint8_t* p;
  std::size_t pos = 0;
  bool fits(std::size_t n) const noexcept { return pos + n <= kMaxOptionsLen; }
  void put(std::uint8_t b) noexcept { p[pos++] = b; }
  void put16(std::uint16_t v) noexcept { net::store_be16(p + pos, v); pos += 2; }
  void put32(std::uint32_t v) noexcept { net::store_be32(p + pos, v); pos += 4; }
};

// Writes the options into buf (40 bytes), padded to a multiple of 4. Returns the length.
std::size_t write_options(const TcpOptions& o, std::uint8_t* buf) noexcept {
  OptionWriter w{buf};
  if (o.mss && w.fits(4)) {
    w.put(TcpOptionKind::kMss); w.put(4); w.put16(*o.mss);
  }
  if (o.timestamps && w.fits(12)) {
    if (o.sack_permitted) {
      w.put(TcpOptionKind::kSackPermitted); w.put(2);
    } else {
      w.put(TcpOptionKind::kNop); w.put(TcpOptionKind::kNop);
    }
    w.put(TcpOptionKind::kTimestamps); w.put(10);
    w.put32(o.timestamps->value); w.put32(o.timestamps->echo_reply);
  } else if (o.sack_permitted && w.fits(4)) {
    w.put(TcpOptionKind::kNop); w.put(TcpOptionKind::kNop);
    w.put(TcpOptionKind::kSackPermitted); w.put(2);
  }
  if (o.window_scale && w.fits(4)) {
    w.put(TcpOptionKind::kNop); w.put(TcpOptionKind::kWindowScale); w.put(3); w.put(*o.window_scale);
  }
  if (!o.sack.empty() && w.fits(12)) {
    const std::size_t room = (kMaxOptionsLen - w.pos - 4) / 8;
    const std::size_t n = std::min(room, o.sack.size());
    w.put(TcpOptionKind::kNop); w.put(TcpOptionKind::kNop);
    w.put(TcpOptionKind::kSack); w.put(static_cast<std::uint8_t>(2 + 8 * n));
    for (std::size_t i = 0; i < n; ++i) {
      w.put32(o.sack[i].left.value()); w.put32(o.sack[i].right.value());
    }
  }
  for (const auto& u : o.unknown) {
    const std::size_t s = 2 + u.data.size();
    if (s > 255 || !w.fits(s)) continue;
    w.put(u.kind); w.put(static_cast<std::uint8_t>(s));
    for (auto b : u.data) w.put(b);
  }
  while (w.pos % 4 != 0) w.put(TcpOptionKind::kEol);
  return w.pos;
}

}  // namespace

std::size_t tcp_options_len(const TcpOptions& options) noexcept {
  std::uint8_t scratch[kMaxOptionsLen];
  return write_options(options, scratch);
}

std::size_t tcp_header_len(const TcpRepr& repr) noexcept {
  return TcpView::kMinHeaderLen + tcp_options_len(repr.options);
}

std::size_t emit_tcp(const TcpRepr& repr, net::Bytes payload, const net::IpAddr& src,
                     const net::IpAddr& dst, net::MutableBytes out) noexcept {
  std::uint8_t* p = out.data();
  const std::size_t hl = TcpView::kMinHeaderLen + write_options(repr.options, p + TcpView::kMinHeaderLen);
  net::store_be16(p, repr.src_port);
  net::store_be16(p + 2, repr.dst_port);
  net::store_be32(p + 4, repr.seq.value());
  net::store_be32(p + 8, repr.ack.value());
  net::store_be16(p + 12, static_cast<std::uint16_t>(((hl / 4) << 12) | (repr.flags.bits & 0x01ff)));
  net::store_be16(p + 14, repr.window);
  net::store_be16(p + 16, 0);
  net::store_be16(p + 18, repr.urgent);
  std::copy(payload.begin(), payload.end(), p + hl);
  const std::size_t len = hl + payload.size();
  const std::uint64_t s = detail::sum_pseudo(src, dst, IpProtocol::kTcp, len) +
                          detail::sum_bytes(out.first(len));
  net::store_be16(p + 16, detail::finish(s));
  return len;
}

std::vector<std::uint8_t> build_tcp(const TcpRepr& repr, net::Bytes payload, const net::IpAddr& src,
                                    const net::IpAddr& dst) {
  std::vector<std::uint8_t> out(tcp_header_len(repr) + payload.size());
  emit_tcp(repr, payload, src, dst, out);
  return out;
}

}  // namespace wirestate::wire
