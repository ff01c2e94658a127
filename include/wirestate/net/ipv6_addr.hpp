#pragma once
// An IPv6 address (RFC 4291): sixteen bytes in network order.
#include <array>
#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

#include <tl/expected.hpp>

#include "wirestate/net/ipv4_addr.hpp"

namespace wirestate::net {

class Ipv6Addr {
 public:
  using Bytes16 = std::array<std::uint8_t, 16>;

  constexpr Ipv6Addr() = default;
  constexpr explicit Ipv6Addr(const Bytes16& bytes) : bytes_(bytes) {}
  // From eight 16-bit groups, most significant first (2001:db8::1 = {0x2001, 0xdb8, 0, ..., 1}).
  static constexpr Ipv6Addr from_groups(const std::array<std::uint16_t, 8>& groups) {
    Bytes16 b{};
    for (std::size_t i = 0; i < 8; ++i) {
      b[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
      b[2 * i + 1] = static_cast<std::uint8_t>(groups[i]);
    }
    return Ipv6Addr(b);
  }
  // ::ffff:a.b.c.d, the IPv4-mapped form (RFC 4291 §2.5.5.2).
  static constexpr Ipv6Addr mapped(Ipv4Addr v4) {
    Bytes16 b{};
    b[10] = b[11] = 0xff;
    const std::uint32_t v = v4.value();
    b[12] = static_cast<std::uint8_t>(v >> 24);
    b[13] = static_cast<std::uint8_t>(v >> 16);
    b[14] = static_cast<std::uint8_t>(v >> 8);
    b[15] = static_cast<std::uint8_t>(v);
    return Ipv6Addr(b);
  }

  // Builds from 16 network-order bytes at p (the caller guarantees they exist).
  static Ipv6Addr from_bytes(const std::uint8_t* p) noexcept;

  // Strict RFC 4291 §2.2 text: up to eight groups of 1-4 hex digits separated by ':', at most
  // one "::" standing for one or more zero groups, optionally a dotted quad as the last 32
  // bits. No zone index ("%eth0"), no brackets, no prefix length, no surrounding spaces; the
  // error quotes the text and names what is wrong.
  static tl::expected<Ipv6Addr, std::string> parse(std::string_view text);

  // RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups
  // (the first of equal runs) as "::", and ::ffff:a.b.c.d for IPv4-mapped addresses.
  std::string to_string() const;
  void write_to(std::uint8_t* p) const noexcept;

  constexpr const Bytes16& bytes() const noexcept { return bytes_; }
  constexpr std::uint16_t group(std::size_t i) const noexcept {
    return static_cast<std::uint16_t>((bytes_[2 * i] << 8) | bytes_[2 * i + 1]);
  }

  constexpr bool is_unspecified() const noexcept { return *this == Ipv6Addr(); }   // ::
  constexpr bool is_loopback() const noexcept {                                    // ::1
    Bytes16 one{};
    one[15] = 1;
    return bytes_ == one;
  }
  constexpr bool is_multicast() const noexcept { return bytes_[0] == 0xff; }       // ff00::/8
  constexpr bool is_link_local() const noexcept {                                  // fe80::/10
    return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
  }
  constexpr bool is_v4_mapped() const noexcept {                                   // ::ffff:0:0/96
    for (std::size_t i = 0; i < 10; ++i) {
      if (bytes_[i] != 0) return false;
    }
    return bytes_[10] == 0xff && bytes_[11] == 0xff;
  }
  // The embedded IPv4 address of a mapped address (the low 32 bits; meaningful only when
  // is_v4_mapped()).
  constexpr Ipv4Addr low_v4() const noexcept {
    return Ipv4Addr(bytes_[12], bytes_[13], bytes_[14], bytes_[15]);
  }
  // ff02::1:ffXX:XXXX, the solicited-node multicast address of this one (RFC 4291 §2.7.1).
  constexpr Ipv6Addr solicited_node() const noexcept {
    Bytes16 b{};
    b[0] = 0xff;
    b[1] = 0x02;
    b[11] = 0x01;
    b[12] = 0xff;
    b[13] = bytes_[13];
    b[14] = bytes_[14];
    b[15] = bytes_[15];
    return Ipv6Addr(b);
  }
  // True when both are inside the same prefix of prefix_len bits.
  constexpr bool same_prefix(const Ipv6Addr& other, int prefix_len) const noexcept {
    for (std::size_t i = 0; i < 16 && prefix_len > 0; ++i, prefix_len -= 8) {
      const std::uint8_t mask = prefix_len >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - prefix_len));
      if ((bytes_[i] & mask) != (other.bytes_[i] & mask)) return false;
    }
    return true;
  }

  // Byte order (what a defaulted comparison gives), compared as two big-endian words: two
  // integer compares on the per-packet path (flow keys order their endpoints) instead of a
  // byte loop.
  constexpr std::strong_ordering operator<=>(const Ipv6Addr& other) const noexcept {
    if (const auto hi = word(0) <=> other.word(0); hi != 0) return hi;
    return word(8) <=> other.word(8);
  }
  constexpr bool operator==(const Ipv6Addr& other) const noexcept {
    return ((word(0) ^ other.word(0)) | (word(8) ^ other.word(8))) == 0;  // no branch
  }

  // Bytes at..at+7 as a big-endian word: one load and a byte swap. (A loop of eight shifts
  // stays a loop at -O2, and even eight shifts written out became byte loads once inlined
  // into the observer, making every flow-key compare and hash a loop over bytes.)
  constexpr std::uint64_t word(std::size_t at) const noexcept {
    if (std::is_constant_evaluated()) {
      std::uint64_t w = 0;
      for (std::size_t i = 0; i < 8; ++i) w = (w << 8) | bytes_[at + i];
      return w;
    }
    std::uint64_t w;
    std::memcpy(&w, bytes_.data() + at, sizeof w);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }

 private:
  Bytes16 bytes_{};
};

}  // namespace wirestate::net

template <>
struct std::hash<wirestate::net::Ipv6Addr> {
  // The two words, each multiplied, then splitmix64's final mix: a few instructions (every
  // flow lookup hashes two addresses) whose low bits depend on every byte.
  std::size_t operator()(const wirestate::net::Ipv6Addr& a) const noexcept {
    std::uint64_t h = a.word(0) * 0x9e3779b97f4a7c15ULL ^ a.word(8) * 0xc2b2ae3d27d4eb4fULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return static_cast<std::size_t>(h);
  }
};
