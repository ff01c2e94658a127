#pragma once
// IPv4 (RFC 791): a zero-copy view with an option iterator that always advances, the
// owned Ipv4Repr, and a builder that computes IHL, total length and the header checksum.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/wire/error.hpp"
#include "wirestate/wire/option_walker.hpp"

namespace wirestate::wire {

// IP protocol numbers wirestate decodes (others are kept as numbers).
struct IpProtocol {
  static constexpr std::uint8_t kIcmp = 1;
  static constexpr std::uint8_t kTcp = 6;
  static constexpr std::uint8_t kUdp = 17;
};

// IPv4 option types (RFC 791 §3.1, RFC 2113 for Router Alert). The type byte includes
// the copied flag and class.
struct Ipv4OptionType {
  static constexpr std::uint8_t kEol = 0;
  static constexpr std::uint8_t kNop = 1;
  static constexpr std::uint8_t kRr = 7;
  static constexpr std::uint8_t kTs = 68;
  static constexpr std::uint8_t kLsrr = 131;
  static constexpr std::uint8_t kSsrr = 137;
  static constexpr std::uint8_t kRa = 148;
};

// One timestamp-option entry (RFC 791 §3.1 "Internet Timestamp").
struct Ipv4TsEntry {
  std::optional<net::Ipv4Addr> address;  // present for flags 1 and 3
  std::uint32_t timestamp = 0;
};

// One option as found in the header; data points into the packet.
struct Ipv4Option {
  std::uint8_t type = 0;
  std::uint8_t length = 1;   // total length incl. type and length bytes (1 for EOL/NOP)
  net::Bytes data;           // the bytes after type and length (empty for EOL/NOP)
  std::size_t offset = 0;    // offset of the type byte from the start of the IPv4 header

  // The semantic problem with a known option, if any: kBadOptionLength (RR/LSRR/SSRR
  // length not 3 + 4n, TS shorter than 4 or entries not whole, RA != 4) or
  // kBadOptionPointer (pointer < 4 / 5, or not on an entry boundary). Unknown: none.
  std::optional<Error> check() const noexcept;

  // RR/LSRR/SSRR (RFC 791 §3.1): the pointer byte and the route addresses.
  std::uint8_t pointer() const noexcept { return data.empty() ? 0 : data[0]; }
  std::size_t route_count() const noexcept { return data.size() < 1 ? 0 : (data.size() - 1) / 4; }
  net::Ipv4Addr route_address(std::size_t i) const noexcept {
    return net::Ipv4Addr::from_bytes(data.data() + 1 + 4 * i);
  }
  // TS: overflow (high nibble of byte 3) and flag (low nibble).
  std::uint8_t ts_overflow() const noexcept { return data.size() < 2 ? 0 : data[1] >> 4; }
  std::uint8_t ts_flag() const noexcept { return data.size() < 2 ? 0 : data[1] & 0x0f; }
  std::size_t ts_entry_size() const noexcept { return ts_flag() == 0 ? 4 : 8; }
  std::size_t ts_entry_count() const noexcept {
    return data.size() < 2 ? 0 : (data.size() - 2) / ts_entry_size();
  }
  Ipv4TsEntry ts_entry(std::size_t i) const noexcept;
};

// Walks the option area with the TLV walk IPv4 and TCP share (wire/option_walker.hpp):
// every call to next() consumes at least one byte; it stops at EOL (which it returns), at
// the end, or at the first structural error (length 0, length 1, past the area).
class Ipv4OptionIterator {
 public:
  // options: the bytes after the fixed 20-byte header; base: their offset in the header.
  explicit Ipv4OptionIterator(net::Bytes options, std::size_t base = 20) noexcept : walker_(options, base) {}

  // Fills out and returns true, or returns false at the end or on an error.
  bool next(Ipv4Option& out) noexcept {
    RawOption raw;
    if (!walker_.next(raw)) return false;
    out = Ipv4Option{raw.kind, raw.length, raw.data, raw.offset};
    return true;
  }
  std::optional<Error> error() const noexcept { return walker_.error(); }
  // Offset (from the IPv4 header start) of the option that caused error().
  std::size_t error_offset() const noexcept { return walker_.error_offset(); }

 private:
  OptionWalker walker_;
};

// An IPv4 header. parse() checks: 20 bytes present (kTruncated), version 4 (kBadVersion),
// IHL >= 5 and within the total length (kBadHeaderLength), header within the captured
// bytes (kTruncated), total length >= header length unless 0 (kBadTotalLength).
// Total length beyond the capture is allowed: payload() is cut at the capture and
// is_cut() says so. Total length 0 (TSO / big TCP) is allowed: payload() is the rest
// of the bytes, as Wireshark does; decode() flags it as kTotalLengthZero.
class Ipv4View {
 public:
  static constexpr std::size_t kMinHeaderLen = 20;

  static tl::expected<Ipv4View, Error> parse(net::Bytes bytes) noexcept;
  // Byte offset of the field parse() complained about (from the header start).
  static std::size_t field_offset(Error e) noexcept;
  // Field name of parse()'s error ("version", "ihl", "total_length").
  static const char* field_name(Error e) noexcept;

  std::uint8_t version() const noexcept { return bytes_[0] >> 4; }
  std::uint8_t ihl() const noexcept { return bytes_[0] & 0x0f; }  // 32-bit words
  std::size_t header_len() const noexcept { return std::size_t{ihl()} * 4; }
  std::uint8_t tos() const noexcept { return bytes_[1]; }
  std::uint8_t dscp() const noexcept { return bytes_[1] >> 2; }
  std::uint8_t ecn() const noexcept { return bytes_[1] & 0x03; }
  std::uint16_t total_length() const noexcept { return net::load_be16(bytes_.data() + 2); }
  std::uint16_t id() const noexcept { return net::load_be16(bytes_.data() + 4); }
  std::uint16_t flags_fragment() const noexcept { return net::load_be16(bytes_.data() + 6); }
  bool reserved_flag() const noexcept { return (flags_fragment() & 0x8000) != 0; }
  bool dont_fragment() const noexcept { return (flags_fragment() & 0x4000) != 0; }
  bool more_fragments() const noexcept { return (flags_fragment() & 0x2000) != 0; }
  // The raw 13-bit field, in 8-byte units (tshark's ip.frag_offset).
  std::uint16_t frag_offset_raw() const noexcept {
    return static_cast<std::uint16_t>(flags_fragment() & 0x1fff);
  }
  std::uint32_t frag_offset_bytes() const noexcept { return std::uint32_t{frag_offset_raw()} * 8; }
  // True for any fragment (MF set or offset != 0).
  bool is_fragment() const noexcept { return more_fragments() || frag_offset_raw() != 0; }
  std::uint8_t ttl() const noexcept { return bytes_[8]; }
  std::uint8_t protocol() const noexcept { return bytes_[9]; }
  std::uint16_t checksum() const noexcept { return net::load_be16(bytes_.data() + 10); }
  net::Ipv4Addr src() const noexcept { return net::Ipv4Addr::from_bytes(bytes_.data() + 12); }
  net::Ipv4Addr dst() const noexcept { return net::Ipv4Addr::from_bytes(bytes_.data() + 16); }

  // RFC 791 §3.1 / RFC 1071: the header sums to 0xffff.
  bool checksum_ok() const noexcept;
  ChecksumStatus checksum_status() const noexcept {
    return checksum_ok() ? ChecksumStatus::kGood : ChecksumStatus::kBad;
  }

  net::Bytes header() const noexcept { return bytes_.first(header_len()); }
  net::Bytes options() const noexcept { return bytes_.subspan(kMinHeaderLen, header_len() - kMinHeaderLen); }
  Ipv4OptionIterator option_iterator() const noexcept { return Ipv4OptionIterator(options()); }
  // The payload: up to total length, cut at the capture (or the rest when total length is 0).
  net::Bytes payload() const noexcept { return bytes_.subspan(header_len(), payload_len_); }
  // The payload length the header declares (total length - header; 0 when total length is 0).
  std::size_t declared_payload_len() const noexcept {
    return total_length() == 0 ? 0 : total_length() - header_len();
  }
  // True when total length runs past the captured bytes (payload() is shorter than declared).
  bool is_cut() const noexcept { return total_length() != 0 && payload_len_ < declared_payload_len(); }
  // True when total length is 0 (TSO): payload() is the rest of the captured bytes.
  bool is_tso() const noexcept { return total_length() == 0; }

 private:
  Ipv4View(net::Bytes b, std::size_t payload_len) noexcept : bytes_(b), payload_len_(payload_len) {}
  net::Bytes bytes_;
  std::size_t payload_len_;
};

// One option in owned form: type and the bytes after type and length. EOL/NOP have no data.
struct Ipv4OptionRepr {
  std::uint8_t type = Ipv4OptionType::kNop;
  std::vector<std::uint8_t> data;
  bool operator==(const Ipv4OptionRepr&) const = default;

  // RFC 2113 Router Alert with value 0 ("examine packet").
  static Ipv4OptionRepr router_alert(std::uint16_t value = 0);
  // An empty Record Route with room for slots addresses (pointer 4).
  static Ipv4OptionRepr record_route(std::size_t slots);
};

// An IPv4 header in owned form. The builder derives IHL, total length and checksum.
struct Ipv4Repr {
  net::Ipv4Addr src;
  net::Ipv4Addr dst;
  std::uint8_t protocol = 0;
  std::uint8_t ttl = 64;
  std::uint8_t dscp = 0;
  std::uint8_t ecn = 0;
  std::uint16_t id = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  std::uint16_t frag_offset = 0;                // raw 13-bit field, in 8-byte units
  std::vector<Ipv4OptionRepr> options;          // in order; EOL padding is implied
  std::uint16_t payload_len = 0;                // bytes after the header
  bool operator==(const Ipv4Repr&) const = default;

  // Header length in bytes: 20 + options padded to a multiple of 4 (at most 60).
  std::size_t header_len() const noexcept;
  // Writes the header into out (out.size() >= header_len()): IHL, total length
  // (header + payload_len) and checksum computed; options padded with EOL (0) bytes.
  // Options that do not fit in 40 bytes are dropped. Returns the bytes written.
  std::size_t emit(net::MutableBytes out) const noexcept;
};

// The owned form of a parsed header: options up to (excluding) EOL or the first error;
// payload_len = the declared payload length (the captured payload size when total length is 0).
Ipv4Repr to_repr(const Ipv4View& view);

}  // namespace wirestate::wire
