#pragma once
// Internal: a fast one's-complement sum (RFC 1071) for the wire views. Sums big-endian
// 32-bit words into a 64-bit accumulator; since 2^16 = 1 (mod 0xffff) this folds to the
// same value as the 16-bit word sum of RFC 1071 §4.1.
#include <cstddef>
#include <cstdint>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/ipv6_addr.hpp"

namespace wirestate::wire::detail {

// The unfolded sum of bytes as 16-bit big-endian words (a trailing odd byte is padded).
inline std::uint64_t sum_bytes(net::Bytes bytes) noexcept {
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  while (n >= 16) {
    a += net::load_be32(p);
    b += net::load_be32(p + 4);
    a += net::load_be32(p + 8);
    b += net::load_be32(p + 12);
    p += 16;
    n -= 16;
  }
  while (n >= 4) {
    a += net::load_be32(p);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    b += net::load_be16(p);
    p += 2;
    n -= 2;
  }
  if (n == 1) b += static_cast<std::uint32_t>(p[0]) << 8;
  return a + b;
}

// The IPv4 pseudo-header of TCP/UDP (RFC 9293 §3.1, RFC 768), unfolded.
inline std::uint64_t sum_pseudo(net::Ipv4Addr src, net::Ipv4Addr dst, std::uint8_t protocol,
                                std::size_t length) noexcept {
  return std::uint64_t{src.value()} + dst.value() + protocol + (length & 0xffffffffU);
}

// The IPv6 pseudo-header of TCP, UDP and ICMPv6 (RFC 8200 §8.1): source, destination, the
// 32-bit upper-layer length, three zero bytes and the next header value; unfolded.
inline std::uint64_t sum_pseudo(const net::Ipv6Addr& src, const net::Ipv6Addr& dst, std::uint8_t next_header,
                                std::size_t length) noexcept {
  const std::uint8_t* s = src.bytes().data();
  const std::uint8_t* d = dst.bytes().data();
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < 16; i += 4) sum += std::uint64_t{net::load_be32(s + i)} + net::load_be32(d + i);
  return sum + (length & 0xffffffffU) + next_header;
}

// The pseudo-header of either family.
inline std::uint64_t sum_pseudo(const net::IpAddr& src, const net::IpAddr& dst, std::uint8_t protocol,
                                std::size_t length) noexcept {
  return src.is_v4() ? sum_pseudo(src.v4(), dst.v4(), protocol, length) : sum_pseudo(src.v6(), dst.v6(), protocol, length);
}

// Folds to 16 bits with end-around carry.
inline std::uint16_t fold(std::uint64_t s) noexcept {
  while (s >> 16) s = (s & 0xffffU) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

// The checksum field value for a sum that excludes the checksum field (holding 0).
inline std::uint16_t finish(std::uint64_t s) noexcept { return static_cast<std::uint16_t>(~fold(s)); }

}  // namespace wirestate::wire::detail
