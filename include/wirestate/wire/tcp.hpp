#pragma once
// TCP (RFC 9293 §3.1): a zero-copy view with an option iterator that always advances,
// checksum verification over the IPv4 pseudo-header, and the builder for TcpRepr.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/ip_addr.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/net/seq_num.hpp"
#include "wirestate/wire/error.hpp"
#include "wirestate/wire/option_walker.hpp"
#include "wirestate/wire/tcp_repr.hpp"

namespace wirestate::wire {

// TCP option kinds (RFC 9293 §3.2, RFC 7323, RFC 2018).
struct TcpOptionKind {
  static constexpr std::uint8_t kEol = 0;
  static constexpr std::uint8_t kNop = 1;
  static constexpr std::uint8_t kMss = 2;
  static constexpr std::uint8_t kWindowScale = 3;
  static constexpr std::uint8_t kSackPermitted = 4;
  static constexpr std::uint8_t kSack = 5;
  static constexpr std::uint8_t kTimestamps = 8;
};

// RFC 7323 §2.3: a shift above 14 is used as 14 (Wireshark flags it).
inline constexpr std::uint8_t kMaxWindowScale = 14;

// One option as found in the header; data points into the packet.
struct TcpOption {
  std::uint8_t kind = 0;
  std::uint8_t length = 1;   // total length incl. kind and length bytes (1 for EOL/NOP)
  net::Bytes data;           // the bytes after kind and length
  std::size_t offset = 0;    // offset of the kind byte from the start of the TCP header

  // The semantic problem with a known option, if any: kBadOptionLength (MSS != 4,
  // window scale != 3, SACK-permitted != 2, timestamps != 10), kBadSackLength (SACK
  // not 2 + 8n), kWindowScaleTooLarge (shift > 14). Unknown kinds: none.
  std::optional<Error> check() const noexcept;

  std::uint16_t mss() const noexcept { return net::load_be16(data.data()); }         // kind 2, valid
  std::uint8_t window_scale() const noexcept { return data[0]; }                      // kind 3, valid
  std::size_t sack_count() const noexcept { return data.size() / 8; }                 // kind 5
  SackBlock sack_block(std::size_t i) const noexcept {
    return {net::SeqNum(net::load_be32(data.data() + 8 * i)),
            net::SeqNum(net::load_be32(data.data() + 8 * i + 4))};
  }
  TcpTimestamps timestamps() const noexcept {                                         // kind 8, valid
    return {net::load_be32(data.data()), net::load_be32(data.data() + 4)};
  }
};

// Walks the option area with the TLV walk IPv4 and TCP share (wire/option_walker.hpp):
// every call to next() consumes at least one byte; it stops at EOL (which it returns), at
// the end, or at the first structural error (length 0, length 1, past the area).
class TcpOptionIterator {
 public:
  // options: the bytes after the fixed 20-byte header; base: their offset in the header.
  explicit TcpOptionIterator(net::Bytes options, std::size_t base = 20) noexcept : walker_(options, base) {}

  // Fills out and returns true, or returns false at the end or on an error.
  bool next(TcpOption& out) noexcept {
    RawOption raw;
    if (!walker_.next(raw)) return false;
    out = TcpOption{raw.kind, raw.length, raw.data, raw.offset};
    return true;
  }
  std::optional<Error> error() const noexcept { return walker_.error(); }
  // Offset (from the TCP header start) of the option that caused error().
  std::size_t error_offset() const noexcept { return walker_.error_offset(); }

 private:
  OptionWalker walker_;
};

// A TCP header. parse() checks: 20 bytes present (kTruncated), data offset >= 5 and
// within the bytes given (kBadDataOffset).
class TcpView {
 public:
  static constexpr std::size_t kMinHeaderLen = 20;
  static constexpr std::size_t kDataOffsetOffset = 12;

  static tl::expected<TcpView, Error> parse(net::Bytes segment) noexcept;

  std::uint16_t src_port() const noexcept { return net::load_be16(bytes_.data()); }
  std::uint16_t dst_port() const noexcept { return net::load_be16(bytes_.data() + 2); }
  net::SeqNum seq() const noexcept { return net::SeqNum(net::load_be32(bytes_.data() + 4)); }
  net::SeqNum ack() const noexcept { return net::SeqNum(net::load_be32(bytes_.data() + 8)); }
  std::uint8_t data_offset() const noexcept { return bytes_[12] >> 4; }  // 32-bit words
  std::size_t header_len() const noexcept { return std::size_t{data_offset()} * 4; }
  // The 9 control bits (FIN..CWR and AE), RFC 9293 §3.1 and RFC 3540/AccECN.
  TcpFlags flags() const noexcept {
    return TcpFlags{static_cast<std::uint16_t>(net::load_be16(bytes_.data() + 12) & 0x01ff)};
  }
  // The 3 reserved bits above AE.
  std::uint8_t reserved() const noexcept { return (bytes_[12] >> 1) & 0x07; }
  std::uint16_t window() const noexcept { return net::load_be16(bytes_.data() + 14); }
  std::uint16_t checksum() const noexcept { return net::load_be16(bytes_.data() + 16); }
  std::uint16_t urgent() const noexcept { return net::load_be16(bytes_.data() + 18); }

  net::Bytes header() const noexcept { return bytes_.first(header_len()); }
  net::Bytes options() const noexcept { return bytes_.subspan(kMinHeaderLen, header_len() - kMinHeaderLen); }
  TcpOptionIterator option_iterator() const noexcept { return TcpOptionIterator(options()); }
  net::Bytes payload() const noexcept { return bytes_.subspan(header_len()); }
  net::Bytes bytes() const noexcept { return bytes_; }

  // RFC 9293 §3.1: verifies the checksum over the pseudo-header (IPv4's, or IPv6's of
  // RFC 8200 §8.1) and the segment. tcp_length is the segment length the IP header
  // declares; when fewer bytes were captured the result is kUnverified.
  ChecksumStatus verify_checksum(net::Ipv4Addr src, net::Ipv4Addr dst, std::size_t tcp_length) const noexcept;
  ChecksumStatus verify_checksum(const net::Ipv6Addr& src, const net::Ipv6Addr& dst,
                                 std::size_t tcp_length) const noexcept;
  ChecksumStatus verify_checksum(const net::IpAddr& src, const net::IpAddr& dst, std::size_t tcp_length) const noexcept {
    return src.is_v4() ? verify_checksum(src.v4(), dst.v4(), tcp_length) : verify_checksum(src.v6(), dst.v6(), tcp_length);
  }
  template <typename Addr>
  ChecksumStatus verify_checksum(const Addr& src, const Addr& dst) const noexcept {
    return verify_checksum(src, dst, bytes_.size());
  }

  // The owned header. Known options with a bad length are skipped; window scale is kept
  // as sent; unknown kinds land in options.unknown; parsing stops at EOL or an error.
  TcpRepr to_repr() const;

 private:
  // The status given the unfolded pseudo-header sum.
  ChecksumStatus verify_with_pseudo(std::uint64_t pseudo, std::size_t tcp_length) const noexcept;
  explicit TcpView(net::Bytes b) noexcept : bytes_(b) {}
  net::Bytes bytes_;
};

// Bytes the options of repr take once emitted, padded to a multiple of 4 (at most 40).
std::size_t tcp_options_len(const TcpOptions& options) noexcept;
// Header length of repr: 20 + tcp_options_len().
std::size_t tcp_header_len(const TcpRepr& repr) noexcept;

// Writes header + payload into out (out.size() >= tcp_header_len(repr) + payload.size()),
// computing data offset, option padding and the checksum over the pseudo-header of src and
// dst (either family).
// Options are emitted as Linux does (MSS, SACK-permitted + timestamps, NOP + window
// scale, NOP NOP + SACK, then unknown ones), padded with EOL; what does not fit in 40
// bytes is dropped. Returns the bytes written.
std::size_t emit_tcp(const TcpRepr& repr, net::Bytes payload, const net::IpAddr& src,
                     const net::IpAddr& dst, net::MutableBytes out) noexcept;

// emit_tcp into a new vector.
std::vector<std::uint8_t> build_tcp(const TcpRepr& repr, net::Bytes payload, const net::IpAddr& src,
                                    const net::IpAddr& dst);

}  // namespace wirestate::wire
