// IPv4 header view, owned form and builder (RFC 791 §3.1).
#include "wirestate/wire/ipv4.hpp"

#include <algorithm>

#include "sum.hpp"

namespace wirestate::wire {

tl::expected<Ipv4View, Error> Ipv4View::parse(net::Bytes bytes) noexcept {
  if (bytes.size() < kMinHeaderLen) return tl::unexpected(Error::kTruncated);
  const std::uint8_t version = bytes[0] >> 4;
  if (version != 4) return tl::unexpected(Error::kBadVersion);
  const std::size_t header_len = std::size_t{bytes[0] & 0x0fU} * 4;
  if (header_len < kMinHeaderLen) return tl::unexpected(Error::kBadHeaderLength);
  const std::size_t total = net::load_be16(bytes.data() + 2);
  if (total != 0 && total < header_len) {
    // A total length below 20 is wrong in itself; otherwise the IHL runs past the packet.
    return tl::unexpected(total < kMinHeaderLen ? Error::kBadTotalLength : Error::kBadHeaderLength);
  }
  if (header_len > bytes.size()) return tl::unexpected(Error::kTruncated);
  const std::size_t available = bytes.size() - header_len;
  const std::size_t payload_len = total == 0 ? available : std::min(available, total - header_len);
  return Ipv4View(bytes, payload_len);
}

std::size_t Ipv4View::field_offset(Error e) noexcept {
  switch (e) {
    case Error::kBadTotalLength: return 2;
    default: return 0;  // version / IHL nibbles, or the header start
  }
}

const char* Ipv4View::field_name(Error e) noexcept {
  switch (e) {
    case Error::kBadVersion: return "version";
    case Error::kBadHeaderLength: return "ihl";
    case Error::kBadTotalLength: return "total_length";
    default: return "header";
  }
}

bool Ipv4View::checksum_ok() const noexcept {
  return detail::fold(detail::sum_bytes(header())) == 0xffff;
}

// --- options ---------------------------------------------------------------------------

std::optional<Error> Ipv4Option::check() const noexcept {
  switch (type) {
    case Ipv4OptionType::kRr:
    case Ipv4OptionType::kLsrr:
    case Ipv4OptionType::kSsrr: {
      // RFC 791 §3.1: type, length, pointer, then 4-byte addresses; pointer >= 4.
      if (length < 3 || (length - 3) % 4 != 0) return Error::kBadOptionLength;
      const std::uint8_t ptr = pointer();
      if (ptr < 4 || (ptr - 4) % 4 != 0 || ptr > length + 1) return Error::kBadOptionPointer;
      return std::nullopt;
    }
    case Ipv4OptionType::kTs: {
      // RFC 791 §3.1 "Internet Timestamp": pointer >= 5; entries of 4 (flag 0) or 8 bytes.
      if (length < 4) return Error::kBadOptionLength;
      const std::uint8_t flag = ts_flag();
      if (flag != 0 && flag != 1 && flag != 3) return Error::kBadOptionLength;
      if ((length - 4) % ts_entry_size() != 0) return Error::kBadOptionLength;
      const std::uint8_t ptr = pointer();
      if (ptr < 5 || (ptr - 5) % ts_entry_size() != 0 || ptr > length + 1) {
        return Error::kBadOptionPointer;
      }
      return std::nullopt;
    }
    case Ipv4OptionType::kRa:
      if (length != 4) return Error::kBadOptionLength;  // RFC 2113 §2.1
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

Ipv4TsEntry Ipv4Option::ts_entry(std::size_t i) const noexcept {
  Ipv4TsEntry e;
  const std::uint8_t* p = data.data() + 2 + i * ts_entry_size();
  if (ts_flag() == 0) {
    e.timestamp = net::load_be32(p);
  } else {
    e.address = net::Ipv4Addr::from_bytes(p);
    e.timestamp = net::load_be32(p + 4);
  }
  return e;
}

// --- owned form and builder -------------------------------------------------------------

Ipv4OptionRepr Ipv4OptionRepr::router_alert(std::uint16_t value) {
  return Ipv4OptionRepr{Ipv4OptionType::kRa,
                        {static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)}};
}

Ipv4OptionRepr Ipv4OptionRepr::record_route(std::size_t slots) {
  Ipv4OptionRepr o{Ipv4OptionType::kRr, {}};
  o.data.assign(1 + 4 * slots, 0);
  o.data[0] = 4;  // pointer to the first free slot
  return o;
}

namespace {

constexpr std::size_t kMaxOptionsLen = 40;

std::size_t option_size(const Ipv4OptionRepr& o) noexcept {
  if (o.type == Ipv4OptionType::kEol || o.type == Ipv4OptionType::kNop) return 1;
  return 2 + o.data.size();
}

// Bytes the options take before padding, skipping those that do not fit.
std::size_t options_len(const std::vector<Ipv4OptionRepr>& options) noexcept {
  std::size_t n = 0;
  for (const auto& o : options) {
    const std::size_t s = option_size(o);
    if (s <= 255 && n + s <= kMaxOptionsLen) n += s;
  }
  return n;
}

}  // namespace

std::size_t Ipv4Repr::header_len() const noexcept {
  return Ipv4View::kMinHeaderLen + ((options_len(options) + 3) & ~std::size_t{3});
}

std::size_t Ipv4Repr::emit(net::MutableBytes out) const noexcept {
  const std::size_t hl = header_len();
  std::uint8_t* p = out.data();
  p[0] = static_cast<std::uint8_t>(0x40 | (hl / 4));
  p[1] = static_cast<std::uint8_t>((dscp << 2) | (ecn & 0x03));
  net::store_be16(p + 2, static_cast<std::uint16_t>(hl + payload_len));
  net::store_be16(p + 4, id);
  const std::uint16_t ff = static_cast<std::uint16_t>((dont_fragment ? 0x4000 : 0) |
                                                      (more_fragments ? 0x2000 : 0) |
                                                      (frag_offset & 0x1fff));
  net::store_be16(p + 6, ff);
  p[8] = ttl;
  p[9] = protocol;
  net::store_be16(p + 10, 0);
  src.write_to(p + 12);
  dst.write_to(p + 16);
  std::size_t pos = Ipv4View::kMinHeaderLen;
  std::size_t used = 0;
  for (const auto& o : options) {
    const std::size_t s = option_size(o);
    if (s > 255 || used + s > kMaxOptionsLen) continue;
    p[pos] = o.type;
    if (s > 1) {
      p[pos + 1] = static_cast<std::uint8_t>(s);
      std::copy(o.data.begin(), o.data.end(), p + pos + 2);
    }
    pos += s;
    used += s;
  }
  for (; pos < hl; ++pos) p[pos] = Ipv4OptionType::kEol;  // RFC 791: pad with zeros
  net::store_be16(p + 10, detail::finish(detail::sum_bytes(out.first(hl))));
  return hl;
}

Ipv4Repr to_repr(const Ipv4View& view) {
  Ipv4Repr r;
  r.src = view.src();
  r.dst = view.dst();
  r.protocol = view.protocol();
  r.ttl = view.ttl();
  r.dscp = view.dscp();
  r.ecn = view.ecn();
  r.id = view.id();
  r.dont_fragment = view.dont_fragment();
  r.more_fragments = view.more_fragments();
  r.frag_offset = view.frag_offset_raw();
  auto it = view.option_iterator();
  Ipv4Option o;
  while (it.next(o)) {
    if (o.type == Ipv4OptionType::kEol) break;
    r.options.push_back(Ipv4OptionRepr{o.type, {o.data.begin(), o.data.end()}});
  }
  r.payload_len = static_cast<std::uint16_t>(view.is_tso() ? view.payload().size()
                                                           : view.declared_payload_len());
  return r;
}

}  // namespace wirestate::wire
