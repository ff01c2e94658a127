#include "wirestate/wire/link_type.hpp"

namespace wirestate::wire {

bool is_supported(LinkType link) noexcept {
  switch (link) {
    case LinkType::kNull:
    case LinkType::kEthernet:
    case LinkType::kRawLinux:
    case LinkType::kRawOpenBsd:
    case LinkType::kRaw:
    case LinkType::kLoop:
    case LinkType::kLinuxSll:
    case LinkType::kIpv4:
    case LinkType::kIpv6:
    case LinkType::kLinuxSll2:
      return true;
  }
  return false;
}

std::string_view to_string(LinkType link) noexcept {
  switch (link) {
    case LinkType::kNull: return "null";
    case LinkType::kEthernet: return "ethernet";
    case LinkType::kRawLinux:
    case LinkType::kRawOpenBsd:
    case LinkType::kRaw: return "raw";
    case LinkType::kLoop: return "loop";
    case LinkType::kLinuxSll: return "linux_sll";
    case LinkType::kIpv4: return "ipv4";
    case LinkType::kIpv6: return "ipv6";
    case LinkType::kLinuxSll2: return "linux_sll2";
  }
  return "unknown";
}

}  // namespace wirestate::wire
