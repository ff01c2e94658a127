#include "cli/detector_options.hpp"

#include <fmt/format.h>

#include "wirestate/arp/static_bindings.hpp"

namespace wirestate::cli {

void add_detector_options(CLI::App& cmd, DetectorArgs& args) {
  cmd.add_option("--bindings", args.bindings,
                 "static IP -> MAC bindings (JSON, IPv4 and IPv6) that the ARP and NDP detectors enforce");
  cmd.add_option("--router", args.routers,
                 "a router of the link (IPv6 link-local address or MAC; repeatable): router advertisements "
                 "from any other source raise ndp_rogue_router");
}

tl::expected<void, std::string> apply(const DetectorArgs& args, monitor::MonitorConfig& config) {
  if (!args.bindings.empty()) {
    auto bindings = arp::load_static_bindings(args.bindings);
    if (!bindings) return tl::make_unexpected(bindings.error());
    config.arp.static_bindings = *bindings;
    config.ndp.static_bindings = std::move(*bindings);
  }
  for (const auto& r : args.routers) {
    if (auto mac = net::MacAddr::parse(r)) {
      config.ndp.routers.macs.insert(*mac);
    } else if (auto ip = net::Ipv6Addr::parse(r)) {
      config.ndp.routers.ips.insert(net::IpAddr(*ip));
    } else {
      return tl::make_unexpected(
          fmt::format("--router {}: expected an IPv6 address or a MAC address like 02:00:00:00:00:01", r));
    }
  }
  return {};
}

}  // namespace wirestate::cli
