#include "wirestate/wire/arp.hpp"

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"

namespace wirestate::wire {

tl::expected<ArpView, Error> ArpView::parse(net::Bytes bytes) noexcept {
  if (bytes.size() < kFixedLen) return tl::unexpected(Error::kTruncated);
  return ArpView(bytes);
}

std::optional<Error> ArpView::check() const noexcept {
  if (htype() != kHtypeEthernet) return Error::kUnsupportedHardware;
  if (ptype() != kPtypeIpv4) return Error::kUnsupportedProtocol;
  if (hlen() != 6) return Error::kBadHardwareLength;
  if (plen() != 4) return Error::kBadProtocolLength;
  if (!addresses_present()) return Error::kTruncated;
  return std::nullopt;
}

bool ArpView::is_ethernet_ipv4() const noexcept { return !check().has_value(); }

std::size_t ArpView::field_offset(Error e) noexcept {
  switch (e) {
    case Error::kUnsupportedHardware: return 0;
    case Error::kUnsupportedProtocol: return 2;
    case Error::kBadHardwareLength: return 4;
    case Error::kBadProtocolLength: return 5;
    default: return kFixedLen;  // the addresses
  }
}

tl::expected<ArpRepr, Error> ArpView::to_repr() const noexcept {
  if (auto e = check()) return tl::unexpected(*e);
  ArpRepr r;
  r.op = static_cast<ArpOp>(op());
  r.sender_mac = net::MacAddr::from_bytes(bytes_.data() + 8);
  r.sender_ip = net::Ipv4Addr::from_bytes(bytes_.data() + 14);
  r.target_mac = net::MacAddr::from_bytes(bytes_.data() + 18);
  r.target_ip = net::Ipv4Addr::from_bytes(bytes_.data() + 24);
  return r;
}

std::size_t emit_arp(const ArpRepr& repr, net::MutableBytes out) noexcept {
  std::uint8_t* p = out.data();
  net::store_be16(p, ArpView::kHtypeEthernet);
  net::store_be16(p + 2, ArpView::kPtypeIpv4);
  p[4] = 6;
  p[5] = 4;
  net::store_be16(p + 6, static_cast<std::uint16_t>(repr.op));
  repr.sender_mac.write_to(p + 8);
  repr.sender_ip.write_to(p + 14);
  repr.target_mac.write_to(p + 18);
  repr.target_ip.write_to(p + 24);
  return ArpView::kEthIpv4Len;
}

}  // namespace wirestate::wire
