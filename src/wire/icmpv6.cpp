// ICMPv6 view, owned form and builder (RFC 4443).
#include "wirestate/wire/icmpv6.hpp"

#include <algorithm>

#include "sum.hpp"

namespace wirestate::wire {

std::string_view icmpv6_type_name(std::uint8_t type) noexcept {
  switch (type) {
    case Icmpv6Type::kDestUnreachable: return "destination_unreachable";
    case Icmpv6Type::kPacketTooBig: return "packet_too_big";
    case Icmpv6Type::kTimeExceeded: return "time_exceeded";
    case Icmpv6Type::kParameterProblem: return "parameter_problem";
    case Icmpv6Type::kEchoRequest: return "echo_request";
    case Icmpv6Type::kEchoReply: return "echo_reply";
    case Icmpv6Type::kMldQuery: return "mld_query";
    case Icmpv6Type::kMldReport: return "mld_report";
    case Icmpv6Type::kMldDone: return "mld_done";
    case Icmpv6Type::kRouterSolicitation: return "router_solicitation";
    case Icmpv6Type::kRouterAdvertisement: return "router_advertisement";
    case Icmpv6Type::kNeighborSolicitation: return "neighbor_solicitation";
    case Icmpv6Type::kNeighborAdvertisement: return "neighbor_advertisement";
    case Icmpv6Type::kRedirect: return "redirect";
    case Icmpv6Type::kMldv2Report: return "mldv2_report";
    default: return "unknown";
  }
}

tl::expected<Icmpv6View, Error> Icmpv6View::parse(net::Bytes message) noexcept {
  if (message.size() < kHeaderLen) return tl::unexpected(Error::kTruncated);
  return Icmpv6View(message);
}

tl::expected<Ipv6View, Error> Icmpv6View::quoted_ipv6() const noexcept {
  if (!is_error()) return tl::unexpected(Error::kBadIcmpQuote);
  return Ipv6View::parse(data());
}

std::optional<QuotedPorts> Icmpv6View::quoted_ports() const noexcept {
  const auto ip = quoted_ipv6();
  if (!ip) return std::nullopt;
  Ipv6ExtensionWalker chain(ip->next_header(), ip->payload());
  chain.run();
  if (chain.error() || chain.stopped_at_fragment_data()) return std::nullopt;
  const std::uint8_t upper = chain.upper_protocol();
  if (upper != Ipv6NextHeader::kTcp && upper != Ipv6NextHeader::kUdp) return std::nullopt;
  const net::Bytes p = ip->payload().subspan(chain.upper_offset());
  if (p.size() < 4) return std::nullopt;
  return QuotedPorts{net::load_be16(p.data()), net::load_be16(p.data() + 2)};
}

ChecksumStatus Icmpv6View::verify_checksum(const net::Ipv6Addr& src, const net::Ipv6Addr& dst,
                                           std::size_t message_length) const noexcept {
  if (message_length > bytes_.size() || message_length < kHeaderLen) return ChecksumStatus::kUnverified;
  const std::uint64_t s = detail::sum_pseudo(src, dst, Ipv6NextHeader::kIcmpv6, message_length) +
                          detail::sum_bytes(bytes_.first(message_length));
  return detail::fold(s) == 0xffff ? ChecksumStatus::kGood : ChecksumStatus::kBad;
}

Icmpv6Repr Icmpv6Repr::echo_request(std::uint16_t id, std::uint16_t seq, std::vector<std::uint8_t> data) {
  return Icmpv6Repr{Icmpv6Type::kEchoRequest, 0, (std::uint32_t{id} << 16) | seq, std::move(data)};
}

Icmpv6Repr Icmpv6Repr::echo_reply(std::uint16_t id, std::uint16_t seq, std::vector<std::uint8_t> data) {
  return Icmpv6Repr{Icmpv6Type::kEchoReply, 0, (std::uint32_t{id} << 16) | seq, std::move(data)};
}

Icmpv6Repr Icmpv6Repr::dest_unreachable(std::uint8_t code, std::vector<std::uint8_t> quoted) {
  return Icmpv6Repr{Icmpv6Type::kDestUnreachable, code, 0, std::move(quoted)};
}

Icmpv6Repr Icmpv6Repr::packet_too_big(std::uint32_t mtu, std::vector<std::uint8_t> quoted) {
  return Icmpv6Repr{Icmpv6Type::kPacketTooBig, 0, mtu, std::move(quoted)};
}

Icmpv6Repr Icmpv6Repr::time_exceeded(std::uint8_t code, std::vector<std::uint8_t> quoted) {
  return Icmpv6Repr{Icmpv6Type::kTimeExceeded, code, 0, std::move(quoted)};
}

Icmpv6Repr Icmpv6Repr::parameter_problem(std::uint8_t code, std::uint32_t pointer, std::vector<std::uint8_t> quoted) {
  return Icmpv6Repr{Icmpv6Type::kParameterProblem, code, pointer, std::move(quoted)};
}

std::size_t Icmpv6Repr::emit(net::MutableBytes out, const net::Ipv6Addr& src, const net::Ipv6Addr& dst) const noexcept {
  std::uint8_t* p = out.data();
  p[0] = type;
  p[1] = code;
  net::store_be16(p + 2, 0);
  net::store_be32(p + 4, rest_of_header);
  std::copy(data.begin(), data.end(), p + Icmpv6View::kHeaderLen);
  const std::uint64_t s = detail::sum_pseudo(src, dst, Ipv6NextHeader::kIcmpv6, len()) + detail::sum_bytes(out.first(len()));
  net::store_be16(p + 2, detail::finish(s));
  return len();
}

Icmpv6Repr to_repr(const Icmpv6View& view) {
  const net::Bytes d = view.data();
  return Icmpv6Repr{view.type(), view.code(), view.rest_of_header(), {d.begin(), d.end()}};
}

}  // namespace wirestate::wire
