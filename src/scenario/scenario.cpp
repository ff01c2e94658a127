#include "wirestate/scenario/scenario.hpp"

#include "wirestate/net/payload_stream.hpp"

namespace wirestate::scenario {

std::vector<std::uint8_t> Payload::materialize() const {
  if (kind != Kind::kCount) return bytes;
  return net::stream_bytes(stream_key, stream_offset, count);
}

std::string_view action_name(const Action& action) noexcept {
  struct Names {
    std::string_view operator()(const Listen&) const { return "listen"; }
    std::string_view operator()(const Connect&) const { return "connect"; }
    std::string_view operator()(const Send&) const { return "send"; }
    std::string_view operator()(const Shutdown&) const { return "shutdown"; }
    std::string_view operator()(const Close&) const { return "close"; }
    std::string_view operator()(const Abort&) const { return "abort"; }
    std::string_view operator()(const UdpBind&) const { return "udp_bind"; }
    std::string_view operator()(const UdpSend&) const { return "udp_send"; }
    std::string_view operator()(const Ping&) const { return "ping"; }
    std::string_view operator()(const GratuitousArp&) const { return "gratuitous_arp"; }
    std::string_view operator()(const LinkChange&) const { return "link"; }
    std::string_view operator()(const Inject&) const { return "inject"; }
  };
  return std::visit(Names{}, action);
}

const Host* Scenario::find_host(std::string_view host_name) const noexcept {
  for (const Host& h : hosts) {
    if (h.name == host_name) return &h;
  }
  return nullptr;
}

}  // namespace wirestate::scenario
