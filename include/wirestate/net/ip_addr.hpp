#pragma once
// An IP address of either family: the one type the rest of the code uses to name a host.
// IPv4 10.0.0.1 and IPv6 ::ffff:10.0.0.1 are different addresses (different families on the
// wire), so the family is part of the value.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/ipv6_addr.hpp"

namespace wirestate::net {

enum class IpFamily : std::uint8_t { kV4 = 4, kV6 = 6 };

class IpAddr {
 public:
  // 0.0.0.0.
  constexpr IpAddr() = default;
  constexpr IpAddr(Ipv4Addr v4) : bytes_(Ipv6Addr::mapped(v4)), family_(IpFamily::kV4) {}  // NOLINT: implicit on purpose
  constexpr IpAddr(const Ipv6Addr& v6) : bytes_(v6), family_(IpFamily::kV6) {}           // NOLINT

  // Either family's strict text (see Ipv4Addr::parse and Ipv6Addr::parse): a ':' means IPv6.
  static tl::expected<IpAddr, std::string> parse(std::string_view text);

  constexpr IpFamily family() const noexcept { return family_; }
  constexpr bool is_v4() const noexcept { return family_ == IpFamily::kV4; }
  constexpr bool is_v6() const noexcept { return family_ == IpFamily::kV6; }
  // The address as IPv4 (meaningful only when is_v4()).
  constexpr Ipv4Addr v4() const noexcept { return bytes_.low_v4(); }
  // The address as IPv6 (meaningful only when is_v6()).
  constexpr const Ipv6Addr& v6() const noexcept { return bytes_; }

  constexpr bool is_unspecified() const noexcept { return is_v4() ? v4().is_zero() : bytes_.is_unspecified(); }
  constexpr bool is_multicast() const noexcept { return is_v4() ? v4().is_multicast() : bytes_.is_multicast(); }

  // Dotted quad or RFC 5952 text.
  std::string to_string() const { return is_v4() ? v4().to_string() : bytes_.to_string(); }

  // Orders IPv4 before IPv6, then by value.
  constexpr std::strong_ordering operator<=>(const IpAddr& other) const noexcept {
    if (const auto f = family_ <=> other.family_; f != 0) return f;
    return bytes_ <=> other.bytes_;
  }
  constexpr bool operator==(const IpAddr& other) const noexcept {
    return (family_ == other.family_) & (bytes_ == other.bytes_);  // no branch
  }

 private:
  // The sixteen bytes first: a copy of an address (or of an Endpoint or FlowKey holding one)
  // then writes them with one 16-byte store at the start, and the two 8-byte loads that
  // compare and hash them read back from inside that store. With the family byte in front
  // the second load straddled two stores: a store-forwarding stall on every packet (perf
  // showed it in the observer's key compare).
  Ipv6Addr bytes_ = Ipv6Addr::mapped(Ipv4Addr());  // IPv4 kept in its mapped form
  IpFamily family_ = IpFamily::kV4;
};

}  // namespace wirestate::net

template <>
struct std::hash<wirestate::net::IpAddr> {
  std::size_t operator()(const wirestate::net::IpAddr& a) const noexcept {
    const std::size_t h = std::hash<wirestate::net::Ipv6Addr>{}(a.v6());
    return a.is_v4() ? h : h ^ 0x9e3779b97f4a7c15ULL;
  }
};
