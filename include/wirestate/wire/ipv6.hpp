#pragma once
// IPv6 (RFC 8200): a zero-copy view of the fixed header, a walker over the extension-header
// chain that always advances and has a bound, the fragment header, and builders.
#include <cstddef>
#include <cstdint>
#include <optional>

#include <tl/expected.hpp>

#include "wirestate/net/bytes.hpp"
#include "wirestate/net/ipv6_addr.hpp"
#include "wirestate/wire/error.hpp"

namespace wirestate::wire {

// Next Header values (IANA "Assigned Internet Protocol Numbers"); those of the extension
// headers RFC 8200 §4 lists, and the upper layers wirestate decodes.
struct Ipv6NextHeader {
  static constexpr std::uint8_t kHopByHop = 0;
  static constexpr std::uint8_t kTcp = 6;
  static constexpr std::uint8_t kUdp = 17;
  static constexpr std::uint8_t kRouting = 43;
  static constexpr std::uint8_t kFragment = 44;
  static constexpr std::uint8_t kEsp = 50;
  static constexpr std::uint8_t kAh = 51;
  static constexpr std::uint8_t kIcmpv6 = 58;
  static constexpr std::uint8_t kNoNextHeader = 59;
  static constexpr std::uint8_t kDestinationOptions = 60;
  static constexpr std::uint8_t kMobility = 135;  // RFC 6275
  static constexpr std::uint8_t kHip = 139;       // RFC 7401
  static constexpr std::uint8_t kShim6 = 140;     // RFC 5533
};

// True for the Next Header values that are extension headers with the common
// (next header, length) layout the walker can skip (all of RFC 8200 §4 but ESP and fragment,
// whose length is fixed, and AH, whose length unit differs; the walker handles those too).
bool is_ipv6_extension(std::uint8_t next_header) noexcept;

// The fixed 40-byte header. parse() checks: 40 bytes present (kTruncated), version 6
// (kBadVersion). A payload length beyond the capture is allowed: payload() is cut there and
// is_cut() says so. Payload length 0 with a hop-by-hop header may be a jumbogram (RFC 2675):
// payload() is then the rest of the captured bytes, as for IPv4's total length 0.
class Ipv6View {
 public:
  static constexpr std::size_t kHeaderLen = 40;

  static tl::expected<Ipv6View, Error> parse(net::Bytes bytes) noexcept;
  // Byte offset (from the header start) and name of the field parse() complained about.
  static std::size_t field_offset(Error e) noexcept;
  static const char* field_name(Error e) noexcept;

  std::uint8_t version() const noexcept { return bytes_[0] >> 4; }
  std::uint8_t traffic_class() const noexcept {
    return static_cast<std::uint8_t>(((bytes_[0] & 0x0f) << 4) | (bytes_[1] >> 4));
  }
  std::uint8_t dscp() const noexcept { return traffic_class() >> 2; }
  std::uint8_t ecn() const noexcept { return traffic_class() & 0x03; }
  std::uint32_t flow_label() const noexcept {
    return (std::uint32_t{bytes_[1] & 0x0fU} << 16) | net::load_be16(bytes_.data() + 2);
  }
  std::uint16_t payload_length() const noexcept { return net::load_be16(bytes_.data() + 4); }
  std::uint8_t next_header() const noexcept { return bytes_[6]; }
  std::uint8_t hop_limit() const noexcept { return bytes_[7]; }
  net::Ipv6Addr src() const noexcept { return net::Ipv6Addr::from_bytes(bytes_.data() + 8); }
  net::Ipv6Addr dst() const noexcept { return net::Ipv6Addr::from_bytes(bytes_.data() + 24); }

  net::Bytes header() const noexcept { return bytes_.first(kHeaderLen); }
  // Everything after the fixed header (extension headers and the upper layer), up to the
  // payload length and cut at the capture.
  net::Bytes payload() const noexcept { return bytes_.subspan(kHeaderLen, payload_len_); }
  // True when the payload length runs past the captured bytes.
  bool is_cut() const noexcept { return !is_jumbo() && payload_len_ < payload_length(); }
  // Payload length 0 with a hop-by-hop header: a jumbogram candidate (RFC 2675).
  bool is_jumbo() const noexcept { return payload_length() == 0 && next_header() == Ipv6NextHeader::kHopByHop; }

 private:
  Ipv6View(net::Bytes b, std::size_t payload_len) noexcept : bytes_(b), payload_len_(payload_len) {}
  net::Bytes bytes_;
  std::size_t payload_len_;
};

// One extension header as found in the chain; data points into the packet.
struct Ipv6Extension {
  std::uint8_t type = 0;         // the Next Header value that named this header
  std::uint8_t next_header = 0;  // what follows it
  std::size_t offset = 0;        // from the start of the IPv6 payload (after the fixed header)
  std::size_t length = 0;        // whole header in bytes
  net::Bytes bytes;              // the whole header
};

// The fragment header (RFC 8200 §4.5).
struct Ipv6Fragment {
  std::uint8_t next_header = 0;
  std::uint16_t offset_raw = 0;  // 13-bit field in 8-byte units
  bool more = false;             // the M flag
  std::uint32_t identification = 0;
  std::uint32_t offset_bytes() const noexcept { return std::uint32_t{offset_raw} * 8; }
  // RFC 6946: offset 0 and M clear, a fragment header on an unfragmented packet.
  bool is_atomic() const noexcept { return offset_raw == 0 && !more; }

  // The fragment header at bytes (at least 8 bytes: the caller checks).
  static Ipv6Fragment from_bytes(const std::uint8_t* p) noexcept;
};

// Walks the extension-header chain of one packet. Every next() consumes a whole header or
// stops; the walk ends at an upper-layer protocol (TCP, UDP, ICMPv6 or any Next Header value
// that is not an extension), at No Next Header (59), at ESP (50, the rest is encrypted), at a
// non-first fragment (what follows is not a header), at kMaxHeaders headers (bound_hit()), or
// at the first header that does not fit (error() = kTruncated).
class Ipv6ExtensionWalker {
 public:
  // A bound on the chain (RFC 8200 §4.1 expects each header at most once, destination
  // options at most twice; the 8 kinds fit in 10). Longer chains are hostile.
  static constexpr std::size_t kMaxHeaders = 16;

  Ipv6ExtensionWalker(std::uint8_t first_next_header, net::Bytes payload) noexcept
      : payload_(payload), next_(first_next_header) {}

  // Fills out with the next extension header and returns true, or returns false at the end.
  bool next(Ipv6Extension& out) noexcept;
  // Walks to the end (for callers that only want where it stopped).
  void run() noexcept {
    Ipv6Extension ignored;
    while (next(ignored)) {
    }
  }

  // Where the walk stopped: the Next Header value there and its offset in the payload (the
  // upper-layer header when there is one).
  std::uint8_t upper_protocol() const noexcept { return next_; }
  std::size_t upper_offset() const noexcept { return offset_; }
  // The first fragment header seen, if any.
  const std::optional<Ipv6Fragment>& fragment() const noexcept { return fragment_; }
  // True when the walk stopped at a non-first fragment: no upper-layer header follows.
  bool stopped_at_fragment_data() const noexcept { return fragment_ && fragment_->offset_raw != 0; }
  std::size_t header_count() const noexcept { return count_; }
  bool bound_hit() const noexcept { return bound_hit_; }
  std::optional<Error> error() const noexcept { return error_; }

 private:
  net::Bytes payload_;
  std::uint8_t next_;
  std::size_t offset_ = 0;
  std::size_t count_ = 0;
  bool done_ = false;
  bool bound_hit_ = false;
  std::optional<Error> error_;
  std::optional<Ipv6Fragment> fragment_;
};

// An IPv6 fixed header in owned form; the builder writes payload_len as given.
struct Ipv6Repr {
  net::Ipv6Addr src;
  net::Ipv6Addr dst;
  std::uint8_t next_header = 0;
  std::uint8_t hop_limit = 64;
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;   // 20 bits
  std::uint16_t payload_len = 0;  // bytes after the fixed header (extension headers included)
  bool operator==(const Ipv6Repr&) const = default;

  // Writes the 40-byte header into out (out.size() >= 40); returns 40.
  std::size_t emit(net::MutableBytes out) const noexcept;
};

// An 8-byte fragment header in owned form.
struct Ipv6FragmentRepr {
  std::uint8_t next_header = 0;
  std::uint16_t offset_raw = 0;
  bool more = false;
  std::uint32_t identification = 0;
  static constexpr std::size_t kLen = 8;
  // Writes the header into out (out.size() >= 8); returns 8.
  std::size_t emit(net::MutableBytes out) const noexcept;
};

// The owned form of a parsed fixed header.
Ipv6Repr to_repr(const Ipv6View& view);

}  // namespace wirestate::wire
