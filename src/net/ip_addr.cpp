#include "wirestate/net/ip_addr.hpp"

namespace wirestate::net {

tl::expected<IpAddr, std::string> IpAddr::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    auto v6 = Ipv6Addr::parse(text);
    if (!v6) return tl::unexpected(v6.error());
    return IpAddr(*v6);
  }
  auto v4 = Ipv4Addr::parse(text);
  if (!v4) return tl::unexpected(v4.error());
  return IpAddr(*v4);
}

}  // namespace wirestate::net
