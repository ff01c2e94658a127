// TCP header view and checksum (RFC 9293 §3.1).
#include "wirestate/wire/tcp.hpp"

#include "sum.hpp"
#include "wirestate/wire/ipv4.hpp"

namespace wirestate::wire {

tl::expected<TcpView, Error> TcpView::parse(net::Bytes segment) noexcept {
  if (segment.size() < kMinHeaderLen) return tl::unexpected(Error::kTruncated);
  const std::size_t header_len = static_cast<std::size_t>(segment[12] >> 4) * 4;
  // RFC 9293 §3.1: the data offset counts 32-bit words, at least 5.
  if (header_len < kMinHeaderLen || header_len > segment.size()) {
    return tl::unexpected(Error::kBadDataOffset);
  }
  return TcpView(segment);
}

ChecksumStatus TcpView::verify_with_pseudo(std::uint64_t pseudo, std::size_t tcp_length) const noexcept {
  if (tcp_length > bytes_.size() || tcp_length < header_len()) return ChecksumStatus::kUnverified;
  const std::uint64_t s = pseudo + detail::sum_bytes(bytes_.first(tcp_length));
  return detail::fold(s) == 0xffff ? ChecksumStatus::kGood : ChecksumStatus::kBad;
}

ChecksumStatus TcpView::verify_checksum(net::Ipv4Addr src, net::Ipv4Addr dst, std::size_t tcp_length) const noexcept {
  return verify_with_pseudo(detail::sum_pseudo(src, dst, IpProtocol::kTcp, tcp_length), tcp_length);
}

ChecksumStatus TcpView::verify_checksum(const net::Ipv6Addr& src, const net::Ipv6Addr& dst,
                                        std::size_t tcp_length) const noexcept {
  return verify_with_pseudo(detail::sum_pseudo(src, dst, IpProtocol::kTcp, tcp_length), tcp_length);
}

TcpRepr TcpView::to_repr() const {
  TcpRepr r;
  r.src_port = src_port();
  r.dst_port = dst_port();
  r.seq = seq();
  r.ack = ack();
  r.flags = flags();
  r.window = window();
  r.urgent = urgent();
  auto it = option_iterator();
  TcpOption o;
  while (it.next(o)) {
    if (o.kind == TcpOptionKind::kEol) break;
    if (o.kind == TcpOptionKind::kNop) continue;
    const auto problem = o.check();
    if (problem && *problem != Error::kWindowScaleTooLarge) continue;  // flagged by decode()
    switch (o.kind) {
      case TcpOptionKind::kMss: r.options.mss = o.mss(); break;
      case TcpOptionKind::kWindowScale: r.options.window_scale = o.window_scale(); break;
      case TcpOptionKind::kSackPermitted: r.options.sack_permitted = true; break;
      case TcpOptionKind::kSack:
        for (std::size_t i = 0; i < o.sack_count(); ++i) r.options.sack.push_back(o.sack_block(i));
        break;
      case TcpOptionKind::kTimestamps: r.options.timestamps = o.timestamps(); break;
      default:
        r.options.unknown.push_back(RawTcpOption{o.kind, {o.data.begin(), o.data.end()}});
        break;
    }
  }
  return r;
}

}  // namespace wirestate::wire
