#include "wirestate/wire/ethernet.hpp"

namespace wirestate::wire {

tl::expected<EthernetView, Error> EthernetView::parse(net::Bytes frame) noexcept {
  if (frame.size() < kHeaderLen) return tl::unexpected(Error::kTruncated);
  return EthernetView(frame);
}

tl::expected<VlanTagView, Error> VlanTagView::parse(net::Bytes after_tpid) noexcept {
  if (after_tpid.size() < kTagLen) return tl::unexpected(Error::kTruncated);
  return VlanTagView(after_tpid);
}

tl::expected<LlcView, Error> LlcView::parse(net::Bytes after_length) noexcept {
  if (after_length.size() < kLlcLen) return tl::unexpected(Error::kTruncated);
  const LlcView v(after_length);
  if (v.is_snap() && after_length.size() < kSnapLen) return tl::unexpected(Error::kTruncated);
  return v;
}

std::uint32_t LlcView::oui() const noexcept {
  if (!is_snap()) return 0;
  return (std::uint32_t{bytes_[3]} << 16) | (std::uint32_t{bytes_[4]} << 8) | bytes_[5];
}

void emit_ethernet(net::MacAddr dst, net::MacAddr src, std::uint16_t type,
                   net::MutableBytes out) noexcept {
  dst.write_to(out.data());
  src.write_to(out.data() + 6);
  net::store_be16(out.data() + 12, type);
}

}  // namespace wirestate::wire
