// IPv6 fixed header, extension-header chain and fragment header (RFC 8200 §3, §4).
#include "wirestate/wire/ipv6.hpp"

#include <algorithm>

namespace wirestate::wire {

bool is_ipv6_extension(std::uint8_t nh) noexcept {
  switch (nh) {
    case Ipv6NextHeader::kHopByHop:
    case Ipv6NextHeader::kRouting:
    case Ipv6NextHeader::kFragment:
    case Ipv6NextHeader::kAh:
    case Ipv6NextHeader::kDestinationOptions:
    case Ipv6NextHeader::kMobility:
    case Ipv6NextHeader::kHip:
    case Ipv6NextHeader::kShim6:
      return true;
    default:
      return false;  // ESP (50) and No Next Header (59) end the chain; the rest are upper layers
  }
}

tl::expected<Ipv6View, Error> Ipv6View::parse(net::Bytes bytes) noexcept {
  if (bytes.size() < kHeaderLen) return tl::unexpected(Error::kTruncated);
  if ((bytes[0] >> 4) != 6) return tl::unexpected(Error::kBadVersion);
  const std::size_t available = bytes.size() - kHeaderLen;
  const std::size_t declared = net::load_be16(bytes.data() + 4);
  const bool jumbo = declared == 0 && bytes[6] == Ipv6NextHeader::kHopByHop;
  return Ipv6View(bytes, jumbo ? available : std::min(available, declared));
}

// Both checks concern the first byte (the version nibble) or the header as a whole.
std::size_t Ipv6View::field_offset(Error) noexcept { return 0; }

const char* Ipv6View::field_name(Error e) noexcept { return e == Error::kBadVersion ? "version" : "header"; }

Ipv6Fragment Ipv6Fragment::from_bytes(const std::uint8_t* p) noexcept {
  const std::uint16_t off_flags = net::load_be16(p + 2);
  return Ipv6Fragment{.next_header = p[0],
                      .offset_raw = static_cast<std::uint16_t>(off_flags >> 3),
                      .more = (off_flags & 1) != 0,
                      .identification = net::load_be32(p + 4)};
}

bool Ipv6ExtensionWalker::next(Ipv6Extension& out) noexcept {
  if (done_) return false;
  if (!is_ipv6_extension(next_) || stopped_at_fragment_data()) {
    done_ = true;
    return false;
  }
  if (count_ == kMaxHeaders) {
    bound_hit_ = true;
    done_ = true;
    return false;
  }
  const std::size_t left = payload_.size() - offset_;
  // Every extension header is at least 8 bytes; its first two are next header and length.
  if (left < 8) {
    error_ = Error::kTruncated;
    done_ = true;
    return false;
  }
  const std::uint8_t* p = payload_.data() + offset_;
  std::size_t length = 0;
  switch (next_) {
    case Ipv6NextHeader::kFragment: length = 8; break;                    // §4.5: fixed
    case Ipv6NextHeader::kAh: length = (std::size_t{p[1]} + 2) * 4; break;  // RFC 4302 §2.2: 4-byte units, minus 2
    default: length = (std::size_t{p[1]} + 1) * 8; break;                  // §4.3-4.6: 8-byte units, not counting the first 8
  }
  if (length > left) {
    error_ = Error::kTruncated;
    done_ = true;
    return false;
  }
  out = Ipv6Extension{.type = next_, .next_header = p[0], .offset = offset_, .length = length,
                      .bytes = payload_.subspan(offset_, length)};
  if (next_ == Ipv6NextHeader::kFragment && !fragment_) fragment_ = Ipv6Fragment::from_bytes(p);
  next_ = p[0];
  offset_ += length;
  ++count_;
  return true;
}

std::size_t Ipv6Repr::emit(net::MutableBytes out) const noexcept {
  const std::uint32_t word0 = (6U << 28) | (std::uint32_t{traffic_class} << 20) | (flow_label & 0xfffffU);
  net::store_be32(out.data(), word0);
  net::store_be16(out.data() + 4, payload_len);
  out[6] = next_header;
  out[7] = hop_limit;
  src.write_to(out.data() + 8);
  dst.write_to(out.data() + 24);
  return Ipv6View::kHeaderLen;
}

std::size_t Ipv6FragmentRepr::emit(net::MutableBytes out) const noexcept {
  out[0] = next_header;
  out[1] = 0;
  net::store_be16(out.data() + 2, static_cast<std::uint16_t>((offset_raw << 3) | (more ? 1 : 0)));
  net::store_be32(out.data() + 4, identification);
  return kLen;
}

Ipv6Repr to_repr(const Ipv6View& v) {
  return Ipv6Repr{.src = v.src(),
                  .dst = v.dst(),
                  .next_header = v.next_header(),
                  .hop_limit = v.hop_limit(),
                  .traffic_class = v.traffic_class(),
                  .flow_label = v.flow_label(),
                  .payload_len = v.payload_length()};
}

}  // namespace wirestate::wire
