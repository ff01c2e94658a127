// Neighbor Discovery messages and options (RFC 4861 §4, RFC 8106).
#include "wirestate/wire/ndp.hpp"

#include <algorithm>

namespace wirestate::wire {

std::optional<Error> NdpOption::check() const noexcept {
  switch (type) {
    case NdpOptionType::kSourceLinkAddr:
    case NdpOptionType::kTargetLinkAddr:
    case NdpOptionType::kMtu:
      return length_units == 1 ? std::nullopt : std::optional(Error::kBadOptionLength);
    case NdpOptionType::kPrefixInfo:
      return length_units == 4 ? std::nullopt : std::optional(Error::kBadOptionLength);
    case NdpOptionType::kRdnss:  // RFC 8106 §5.1: 3 + 2 per address, at least one
      return length_units >= 3 && (length_units - 3) % 2 == 0 ? std::nullopt : std::optional(Error::kBadOptionLength);
    default:
      return std::nullopt;
  }
}

std::optional<net::MacAddr> NdpOption::link_addr() const noexcept {
  if ((type != NdpOptionType::kSourceLinkAddr && type != NdpOptionType::kTargetLinkAddr) || length_units != 1) {
    return std::nullopt;
  }
  return net::MacAddr::from_bytes(bytes.data() + 2);
}

bool NdpOptionWalker::next(NdpOption& out) noexcept {
  if (error_ || pos_ >= options_.size()) return false;
  const std::size_t left = options_.size() - pos_;
  if (left < 2) {
    error_ = Error::kOptionOverrun;
    return false;
  }
  const std::uint8_t* p = options_.data() + pos_;
  if (p[1] == 0) {
    error_ = Error::kOptionLengthZero;
    return false;
  }
  const std::size_t length = std::size_t{p[1]} * 8;
  if (length > left) {
    error_ = Error::kOptionOverrun;
    return false;
  }
  out = NdpOption{.type = p[0], .length_units = p[1], .offset = base_ + pos_, .bytes = options_.subspan(pos_, length)};
  pos_ += length;
  return true;
}

std::size_t NdpView::fixed_len(std::uint8_t type) noexcept {
  switch (type) {
    case Icmpv6Type::kRouterSolicitation: return 8;
    case Icmpv6Type::kRouterAdvertisement: return 16;
    case Icmpv6Type::kNeighborSolicitation:
    case Icmpv6Type::kNeighborAdvertisement: return 24;
    case Icmpv6Type::kRedirect: return 40;
    default: return 0;
  }
}

tl::expected<NdpView, Error> NdpView::parse(const Icmpv6View& message) noexcept {
  const std::size_t fixed = fixed_len(message.type());
  if (fixed == 0) return tl::unexpected(Error::kUnsupportedProtocol);
  if (message.bytes().size() < fixed) return tl::unexpected(Error::kTruncated);
  return NdpView(message.bytes());
}

std::optional<net::MacAddr> NdpView::link_addr(std::uint8_t type) const noexcept {
  auto walker = options();
  for (NdpOption o; walker.next(o);) {
    if (o.type == type) {
      if (auto mac = o.link_addr()) return mac;
    }
  }
  return std::nullopt;
}

namespace {

// Appends a link-layer address option (type, length 1, six bytes).
void add_link_addr(std::vector<std::uint8_t>& out, std::uint8_t type, const net::MacAddr& mac) {
  const std::size_t at = out.size();
  out.resize(at + 8, 0);
  out[at] = type;
  out[at + 1] = 1;
  mac.write_to(out.data() + at + 2);
}

void add_address(std::vector<std::uint8_t>& out, const net::Ipv6Addr& a) {
  out.insert(out.end(), a.bytes().begin(), a.bytes().end());
}

void add_be32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  const std::size_t at = out.size();
  out.resize(at + 4);
  net::store_be32(out.data() + at, v);
}

}  // namespace

// In each builder, data is what follows the first 8 bytes of the message (type, code,
// checksum and the 4-byte word in rest_of_header).
Icmpv6Repr neighbor_solicitation(const net::Ipv6Addr& target, std::optional<net::MacAddr> source_link_addr) {
  Icmpv6Repr m{.type = Icmpv6Type::kNeighborSolicitation};
  add_address(m.data, target);
  if (source_link_addr) add_link_addr(m.data, NdpOptionType::kSourceLinkAddr, *source_link_addr);
  return m;
}

Icmpv6Repr neighbor_advertisement(const net::Ipv6Addr& target, bool router, bool solicited, bool override_flag,
                                  std::optional<net::MacAddr> target_link_addr) {
  Icmpv6Repr m{.type = Icmpv6Type::kNeighborAdvertisement};
  m.rest_of_header = (router ? 0x80000000U : 0) | (solicited ? 0x40000000U : 0) | (override_flag ? 0x20000000U : 0);
  add_address(m.data, target);
  if (target_link_addr) add_link_addr(m.data, NdpOptionType::kTargetLinkAddr, *target_link_addr);
  return m;
}

Icmpv6Repr router_solicitation(std::optional<net::MacAddr> source_link_addr) {
  Icmpv6Repr m{.type = Icmpv6Type::kRouterSolicitation};
  if (source_link_addr) add_link_addr(m.data, NdpOptionType::kSourceLinkAddr, *source_link_addr);
  return m;
}

Icmpv6Repr router_advertisement(const RouterAdvertisement& ra) {
  Icmpv6Repr m{.type = Icmpv6Type::kRouterAdvertisement};
  m.rest_of_header = (std::uint32_t{ra.cur_hop_limit} << 24) | (ra.managed ? 0x800000U : 0) |
                     (ra.other_config ? 0x400000U : 0) | (std::uint32_t{ra.preference & 0x03U} << 19) |
                     ra.router_lifetime;
  add_be32(m.data, ra.reachable_time);
  add_be32(m.data, ra.retrans_timer);
  if (ra.source_link_addr) add_link_addr(m.data, NdpOptionType::kSourceLinkAddr, *ra.source_link_addr);
  if (ra.mtu) {
    m.data.insert(m.data.end(), {NdpOptionType::kMtu, 1, 0, 0});
    add_be32(m.data, *ra.mtu);
  }
  for (const auto& p : ra.prefixes) {
    m.data.insert(m.data.end(), {NdpOptionType::kPrefixInfo, 4, p.prefix_length,
                                 static_cast<std::uint8_t>((p.on_link ? 0x80 : 0) | (p.autonomous ? 0x40 : 0))});
    add_be32(m.data, p.valid_lifetime);
    add_be32(m.data, p.preferred_lifetime);
    add_be32(m.data, 0);  // reserved
    add_address(m.data, p.prefix);
  }
  if (!ra.rdnss.empty()) {
    m.data.insert(m.data.end(), {NdpOptionType::kRdnss, static_cast<std::uint8_t>(1 + 2 * ra.rdnss.size()), 0, 0});
    add_be32(m.data, ra.rdnss_lifetime);
    for (const auto& a : ra.rdnss) add_address(m.data, a);
  }
  return m;
}

}  // namespace wirestate::wire
