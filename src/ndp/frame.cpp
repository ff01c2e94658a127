// ndp::from_decoded: the fields of a decoded NDP message that the detector reads.
#include "wirestate/ndp/frame.hpp"

#include "wirestate/wire/icmpv6.hpp"
#include "wirestate/wire/ipv6.hpp"
#include "wirestate/wire/ndp.hpp"

namespace wirestate::ndp {

std::optional<NdpFrame> from_decoded(const wire::Ipv6View& ip, const wire::NdpView& ndp, net::MacAddr eth_src,
                                     net::MacAddr eth_dst, std::uint64_t number, net::Time time) {
  const std::uint8_t t = ndp.type();
  if (t < static_cast<std::uint8_t>(MessageType::kRouterSolicitation) ||
      t > static_cast<std::uint8_t>(MessageType::kRedirect)) {
    return std::nullopt;
  }
  NdpFrame f;
  f.type = static_cast<MessageType>(t);
  f.eth_src = eth_src;
  f.eth_dst = eth_dst;
  f.src = ip.src();
  f.dst = ip.dst();
  f.hop_limit = ip.hop_limit();
  f.code = ndp.code();
  f.target = ndp.target();
  f.destination = ndp.destination();
  f.number = number;
  f.time = time;
  if (f.type == MessageType::kNeighborAdvertisement) {
    f.router_flag = ndp.router();
    f.solicited = ndp.solicited();
    f.override_flag = ndp.override_flag();
  }
  f.source_link_addr = ndp.source_link_addr();
  f.target_link_addr = ndp.target_link_addr();
  if (f.type == MessageType::kRouterAdvertisement) {
    f.ra.managed = ndp.managed();
    f.ra.other_config = ndp.other_config();
    f.ra.lifetime = ndp.router_lifetime();
    auto walker = ndp.options();
    wire::NdpOption opt;
    while (walker.next(opt)) {
      if (opt.check()) continue;  // a known option with the wrong length says nothing
      if (opt.type == wire::NdpOptionType::kMtu) {
        f.ra.mtu = opt.mtu();
      } else if (opt.type == wire::NdpOptionType::kPrefixInfo) {
        if (f.ra.prefix_count < RouterInfo::kMaxPrefixes) {
          f.ra.prefixes[f.ra.prefix_count++] = {opt.prefix(), opt.prefix_length()};
        } else if (f.ra.prefixes_dropped < 255) {
          ++f.ra.prefixes_dropped;
        }
      }
    }
  }
  return f;
}

}  // namespace wirestate::ndp
