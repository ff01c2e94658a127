#pragma once
// The type-length-value walk that IPv4 options (RFC 791 §3.1) and TCP options
// (RFC 9293 §3.2) share: kind 0 (EOL) and 1 (NOP) are one octet, every other kind carries
// a length octet counting kind and length. Every call to next() consumes at least one
// byte; the walk stops at EOL (which it returns), at the end, or at the first structural
// error: length 0 (kOptionLengthZero), length 1 (kOptionLengthOne), or past the area
// (kOptionOverrun).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "wirestate/net/bytes.hpp"
#include "wirestate/wire/error.hpp"

namespace wirestate::wire {

// One option as found: kind, total length (1 for EOL/NOP), the bytes after kind and
// length, and the offset of the kind byte from the start of the enclosing header.
struct RawOption {
  std::uint8_t kind = 0;
  std::uint8_t length = 1;
  net::Bytes data;
  std::size_t offset = 0;
};

class OptionWalker {
 public:
  // options: the bytes after the fixed header; base: their offset in the header.
  explicit OptionWalker(net::Bytes options, std::size_t base) noexcept : bytes_(options), base_(base) {}

  // Fills out and returns true, or returns false at the end or on an error.
  bool next(RawOption& out) noexcept;
  std::optional<Error> error() const noexcept { return error_; }
  // Offset (from the header start) of the option that caused error().
  std::size_t error_offset() const noexcept { return error_offset_; }

 private:
  bool fail(Error e, std::size_t offset) noexcept;

  net::Bytes bytes_;
  std::size_t base_;
  std::size_t pos_ = 0;
  bool done_ = false;
  std::optional<Error> error_;
  std::size_t error_offset_ = 0;
};

}  // namespace wirestate::wire
