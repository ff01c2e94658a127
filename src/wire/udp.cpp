// UDP header view and builder (RFC 768).
#include "wirestate/wire/udp.hpp"

#include <algorithm>

#include "sum.hpp"
#include "wirestate/wire/ipv4.hpp"

namespace wirestate::wire {

tl::expected<UdpView, Error> UdpView::parse(net::Bytes datagram) noexcept {
  if (datagram.size() < kHeaderLen) return tl::unexpected(Error::kTruncated);
  if (net::load_be16(datagram.data() + 4) < kHeaderLen) return tl::unexpected(Error::kBadUdpLength);
  return UdpView(datagram);
}

net::Bytes UdpView::payload() const noexcept {
  const std::size_t end = std::min<std::size_t>(length(), bytes_.size());
  return bytes_.subspan(kHeaderLen, end - kHeaderLen);
}

ChecksumStatus UdpView::verify_with_pseudo(std::uint64_t pseudo) const noexcept {
  const std::uint64_t s = pseudo + detail::sum_bytes(bytes_.first(length()));
  return detail::fold(s) == 0xffff ? ChecksumStatus::kGood : ChecksumStatus::kBad;
}

ChecksumStatus UdpView::verify_checksum(net::Ipv4Addr src, net::Ipv4Addr dst) const noexcept {
  if (checksum() == 0 || is_cut()) return ChecksumStatus::kUnverified;  // RFC 768: 0 = none
  return verify_with_pseudo(detail::sum_pseudo(src, dst, IpProtocol::kUdp, length()));
}

ChecksumStatus UdpView::verify_checksum(const net::Ipv6Addr& src, const net::Ipv6Addr& dst) const noexcept {
  if (is_cut()) return ChecksumStatus::kUnverified;
  if (checksum() == 0) return ChecksumStatus::kBad;  // RFC 8200 §8.1: mandatory over IPv6
  return verify_with_pseudo(detail::sum_pseudo(src, dst, IpProtocol::kUdp, length()));
}

UdpRepr to_repr(const UdpView& view) noexcept { return UdpRepr{view.src_port(), view.dst_port()}; }

std::size_t emit_udp(const UdpRepr& repr, net::Bytes payload, const net::IpAddr& src, const net::IpAddr& dst,
                     net::MutableBytes out, bool compute_checksum) noexcept {
  std::uint8_t* p = out.data();
  const std::size_t len = UdpView::kHeaderLen + payload.size();
  net::store_be16(p, repr.src_port);
  net::store_be16(p + 2, repr.dst_port);
  net::store_be16(p + 4, static_cast<std::uint16_t>(len));
  net::store_be16(p + 6, 0);
  std::copy(payload.begin(), payload.end(), p + UdpView::kHeaderLen);
  if (compute_checksum) {
    std::uint16_t c = detail::finish(detail::sum_pseudo(src, dst, IpProtocol::kUdp, len) +
                                     detail::sum_bytes(out.first(len)));
    if (c == 0) c = 0xffff;  // RFC 768: a computed zero is transmitted as all ones
    net::store_be16(p + 6, c);
  }
  return len;
}

std::vector<std::uint8_t> build_udp(const UdpRepr& repr, net::Bytes payload, const net::IpAddr& src,
                                    const net::IpAddr& dst, bool compute_checksum) {
  std::vector<std::uint8_t> out(UdpView::kHeaderLen + payload.size());
  emit_udp(repr, payload, src, dst, out, compute_checksum);
  return out;
}

}  // namespace wirestate::wire
