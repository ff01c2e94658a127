#pragma once
// The identity of a connection or flow: its two endpoints in a canonical order, so both
// directions of a connection have the same key, an equal hash, and one text form.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include <fmt/format.h>

#include "wirestate/net/endpoint.hpp"

namespace wirestate::net {

// Which way a packet goes relative to its key: from low() to high(), or back.
enum class FlowDirection : std::uint8_t { kLowToHigh, kHighToLow };

class FlowKey {
 public:
  constexpr FlowKey() = default;
  // The key of a packet from src to dst (either order gives the same key).
  constexpr FlowKey(const Endpoint& src, const Endpoint& dst) : FlowKey(src, dst, src <= dst) {}

  // The smaller and the larger endpoint (IPv4 before IPv6, then address, then port).
  constexpr const Endpoint& low() const noexcept { return low_; }
  constexpr const Endpoint& high() const noexcept { return high_; }
  // The direction of a packet sent from src.
  constexpr FlowDirection direction_from(const Endpoint& src) const noexcept {
    return src == low_ ? FlowDirection::kLowToHigh : FlowDirection::kHighToLow;
  }
  // The endpoint at the other end from `one` (which must be one of the two).
  constexpr const Endpoint& peer_of(const Endpoint& one) const noexcept { return one == low_ ? high_ : low_; }
  constexpr bool contains(const Endpoint& e) const noexcept { return e == low_ || e == high_; }

  // "low-high", e.g. "10.0.0.1:40000-10.0.0.2:80" or "[2001:db8::1]:40000-[2001:db8::2]:80".
  std::string to_string() const;

  constexpr auto operator<=>(const FlowKey&) const = default;

 private:
  // One comparison per key (it runs for every packet). The members are copied one by one:
  // the endpoints are usually temporaries just written member by member, and a whole-struct
  // copy reads the family, the padding byte and the port back with one 4-byte load that
  // straddles two stores (a store-forwarding stall on every packet).
  constexpr FlowKey(const Endpoint& src, const Endpoint& dst, bool in_order)
      : low_{in_order ? src.addr : dst.addr, in_order ? src.port : dst.port},
        high_{in_order ? dst.addr : src.addr, in_order ? dst.port : src.port} {}

  Endpoint low_;
  Endpoint high_;
};

}  // namespace wirestate::net

template <>
struct std::hash<wirestate::net::FlowKey> {
  // Symmetric by construction: the key is already in canonical order. It runs for every
  // packet (and, in a std::unordered_map, again for each node a lookup walks), so it is
  // short and has no branch: each endpoint folded into one word, the two words multiplied
  // by constants of their own, then one xorshift-multiply-xorshift round so that every bit
  // of the key reaches the low bits too (the observer's index takes its home bucket from
  // them; a product alone leaves a port's bits out of them).
  std::size_t operator()(const wirestate::net::FlowKey& k) const noexcept {
    std::uint64_t h = fold(k.low()) * 0x9e3779b97f4a7c15ULL ^ fold(k.high()) * 0xc2b2ae3d27d4eb4fULL;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return static_cast<std::size_t>(h);
  }

 private:
  // The low address word, the high one rotated onto it, the port in the top 16 bits and the
  // family in bits 32-39. In an IPv4 (mapped) address the high word is zero and the low
  // word is 0000:ffff:a.b.c.d, so the port and the family land on bits that are constant
  // there: two IPv4 endpoints fold to the same word only when they are equal.
  static std::uint64_t fold(const wirestate::net::Endpoint& e) noexcept {
    const wirestate::net::Ipv6Addr& a = e.addr.v6();
    return a.word(8) ^ std::rotl(a.word(0), 32) ^ std::uint64_t{e.port} << 48 ^
           std::uint64_t{static_cast<std::uint8_t>(e.addr.family())} << 32;
  }
};

// fmt formatters: {} prints to_string().
template <>
struct fmt::formatter<wirestate::net::IpAddr> : fmt::formatter<std::string> {
  auto format(const wirestate::net::IpAddr& a, format_context& ctx) const {
    return fmt::formatter<std::string>::format(a.to_string(), ctx);
  }
};
template <>
struct fmt::formatter<wirestate::net::Endpoint> : fmt::formatter<std::string> {
  auto format(const wirestate::net::Endpoint& e, format_context& ctx) const {
    return fmt::formatter<std::string>::format(e.to_string(), ctx);
  }
};
template <>
struct fmt::formatter<wirestate::net::FlowKey> : fmt::formatter<std::string> {
  auto format(const wirestate::net::FlowKey& k, format_context& ctx) const {
    return fmt::formatter<std::string>::format(k.to_string(), ctx);
  }
};
