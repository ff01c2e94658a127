// ICMP view, owned form and builder (RFC 792).
#include "wirestate/wire/icmp.hpp"

#include <algorithm>

#include "sum.hpp"

namespace wirestate::wire {

tl::expected<IcmpView, Error> IcmpView::parse(net::Bytes message) noexcept {
  if (message.size() < kHeaderLen) return tl::unexpected(Error::kTruncated);
  return IcmpView(message);
}

bool IcmpView::is_error() const noexcept {
  switch (type()) {
    case IcmpType::kDestUnreachable:
    case IcmpType::kSourceQuench:
    case IcmpType::kRedirect:
    case IcmpType::kTimeExceeded:
    case IcmpType::kParameterProblem:
      return true;
    default:
      return false;
  }
}

tl::expected<Ipv4View, Error> IcmpView::quoted_ipv4() const noexcept {
  if (!is_error()) return tl::unexpected(Error::kBadIcmpQuote);
  return Ipv4View::parse(data());
}

std::optional<QuotedPorts> IcmpView::quoted_ports() const noexcept {
  const auto ip = quoted_ipv4();
  if (!ip) return std::nullopt;
  if (ip->protocol() != IpProtocol::kTcp && ip->protocol() != IpProtocol::kUdp) return std::nullopt;
  if (ip->frag_offset_raw() != 0) return std::nullopt;
  const net::Bytes p = ip->payload();
  if (p.size() < 4) return std::nullopt;
  return QuotedPorts{net::load_be16(p.data()), net::load_be16(p.data() + 2)};
}

ChecksumStatus IcmpView::verify_checksum(std::size_t message_length) const noexcept {
  if (message_length > bytes_.size() || message_length < kHeaderLen) return ChecksumStatus::kUnverified;
  return detail::fold(detail::sum_bytes(bytes_.first(message_length))) == 0xffff
             ? ChecksumStatus::kGood
             : ChecksumStatus::kBad;
}

IcmpRepr IcmpRepr::echo_request(std::uint16_t id, std::uint16_t seq, std::vector<std::uint8_t> data) {
  return IcmpRepr{IcmpType::kEchoRequest, 0, (std::uint32_t{id} << 16) | seq, std::move(data)};
}

IcmpRepr IcmpRepr::echo_reply(std::uint16_t id, std::uint16_t seq, std::vector<std::uint8_t> data) {
  return IcmpRepr{IcmpType::kEchoReply, 0, (std::uint32_t{id} << 16) | seq, std::move(data)};
}

IcmpRepr IcmpRepr::dest_unreachable(std::uint8_t code, std::vector<std::uint8_t> quoted,
                                    std::uint16_t next_hop_mtu) {
  // RFC 1191 §4: the next-hop MTU sits in the low 16 bits for code 4.
  return IcmpRepr{IcmpType::kDestUnreachable, code, next_hop_mtu, std::move(quoted)};
}

IcmpRepr IcmpRepr::time_exceeded(std::uint8_t code, std::vector<std::uint8_t> quoted) {
  return IcmpRepr{IcmpType::kTimeExceeded, code, 0, std::move(quoted)};
}

std::size_t IcmpRepr::emit(net::MutableBytes out) const noexcept {
  std::uint8_t* p = out.data();
  p[0] = type;
  p[1] = code;
  net::store_be16(p + 2, 0);
  net::store_be32(p + 4, rest_of_header);
  std::copy(data.begin(), data.end(), p + IcmpView::kHeaderLen);
  net::store_be16(p + 2, detail::finish(detail::sum_bytes(out.first(len()))));
  return len();
}

IcmpRepr to_repr(const IcmpView& view) {
  const net::Bytes d = view.data();
  return IcmpRepr{view.type(), view.code(), view.rest_of_header(), {d.begin(), d.end()}};
}

}  // namespace wirestate::wire
