#pragma once
// A FIFO of bytes for the send and receive buffers: append at the back, consume from
// the front, read at an offset. Storage is compacted lazily so each byte moves O(1) times.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace wirestate::tcp {

class ByteQueue {
 public:
  // Bytes held.
  std::size_t size() const noexcept { return data_.size() - head_; }
  bool empty() const noexcept { return size() == 0; }
  // Appends bytes at the back.
  void append(std::span<const std::uint8_t> bytes) {
    data_.insert(data_.end(), bytes.begin(), bytes.end());
  }
  // The n bytes starting offset bytes from the front (the caller keeps offset+n <= size()).
  std::span<const std::uint8_t> peek(std::size_t offset, std::size_t n) const noexcept {
    return std::span<const std::uint8_t>(data_).subspan(head_ + offset, n);
  }
  // Drops n bytes (at most size()) from the front.
  void consume(std::size_t n) {
    head_ += std::min(n, size());
    if (head_ == data_.size()) {
      data_.clear();
      head_ = 0;
    } else if (head_ >= 65536 && head_ * 2 >= data_.size()) {
      data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  // Heap bytes reserved (for memory accounting).
  std::size_t capacity() const noexcept { return data_.capacity(); }

 private:
  std::vector<std::uint8_t> data_;
  std::size_t head_ = 0;
};

}  // namespace wirestate::tcp
