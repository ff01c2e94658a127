#include "wirestate/wire/option_walker.hpp"

namespace wirestate::wire {

namespace {
constexpr std::uint8_t kEol = 0;
constexpr std::uint8_t kNop = 1;
}  // namespace

bool OptionWalker::fail(Error e, std::size_t offset) noexcept {
  error_ = e;
  error_offset_ = offset;
  done_ = true;
  return false;
}

bool OptionWalker::next(RawOption& out) noexcept {
  if (done_ || pos_ >= bytes_.size()) return false;
  const std::size_t offset = base_ + pos_;
  const std::uint8_t kind = bytes_[pos_];
  if (kind == kEol || kind == kNop) {
    out = RawOption{kind, 1, {}, offset};
    ++pos_;  // single-octet options
    if (kind == kEol) done_ = true;
    return true;
  }
  if (pos_ + 1 >= bytes_.size()) return fail(Error::kOptionOverrun, offset);
  const std::uint8_t length = bytes_[pos_ + 1];
  if (length == 0) return fail(Error::kOptionLengthZero, offset);
  if (length == 1) return fail(Error::kOptionLengthOne, offset);
  if (pos_ + length > bytes_.size()) return fail(Error::kOptionOverrun, offset);
  out = RawOption{kind, length, bytes_.subspan(pos_ + 2, length - 2U), offset};
  pos_ += length;
  return true;
}

}  // namespace wirestate::wire
