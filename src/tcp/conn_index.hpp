#pragma once
// Private to the observer: the index from a connection's key to its slot in the table.
//
// Open addressing with linear probing over a power-of-two array of 8-byte entries (32 bits
// of the key's hash, the slot), at most half full. A lookup compares the stored hash bits
// first and asks the caller to compare keys only on a match, against the record in the
// slot, which the observer reads next anyway; keys are not stored twice. Nothing is
// allocated per connection. std::unordered_map<net::FlowKey, slot> allocated a 64-byte
// node for every connection (the 40-byte key, the slot, a link), divided by a prime on
// every lookup and chased a pointer to a node that shared no cache line with the record:
// at 1000 connections (bench/observer_bench) perf put over a quarter of the observer's
// time in that table and its hash. Erasing moves later entries of the cluster back into the gap
// (Knuth, TAOCP vol. 3, §6.4, Algorithm R), so no tombstones accumulate however many
// connections come and go.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wirestate::tcp {

class ConnIndex {
 public:
  // find()'s answer when no entry matches.
  static constexpr std::uint32_t kNone = 0xffffffffU;

  // Number of entries.
  std::size_t size() const noexcept { return size_; }

  // Makes room for n entries without growing.
  void reserve(std::size_t n) {
    if (2 * n > entries_.size()) rebuild(std::bit_ceil(std::max<std::size_t>(2 * n, kMinCapacity)));
  }

  // The slot of the entry inserted under `hash` for which same(slot) is true, or kNone.
  template <class Same>
  std::uint32_t find(std::uint64_t hash, Same&& same) const {
    if (entries_.empty()) return kNone;
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t i = tag & mask_;; i = (i + 1) & mask_) {
      const Entry& e = entries_[i];
      if (e.slot == kNone) return kNone;
      if (e.tag == tag && same(e.slot)) return e.slot;
    }
  }

  // Adds `slot` under `hash`; the caller has checked that no entry has its key.
  void insert(std::uint64_t hash, std::uint32_t slot) {
    if (2 * (size_ + 1) > entries_.size()) rebuild(std::max(2 * entries_.size(), kMinCapacity));
    place({static_cast<std::uint32_t>(hash), slot});
    ++size_;
  }

  // Removes the entry of `slot`, inserted under `hash` (it must be there).
  void erase(std::uint64_t hash, std::uint32_t slot) noexcept {
    std::size_t gap = static_cast<std::uint32_t>(hash) & mask_;
    while (entries_[gap].slot != slot) gap = (gap + 1) & mask_;
    // Algorithm R: an entry after the gap moves back into it unless its home lies
    // cyclically after the gap (then a lookup from its home would never reach the gap).
    for (std::size_t j = (gap + 1) & mask_; entries_[j].slot != kNone; j = (j + 1) & mask_) {
      const std::size_t home = entries_[j].tag & mask_;
      if (((j - home) & mask_) >= ((j - gap) & mask_)) {
        entries_[gap] = entries_[j];
        gap = j;
      }
    }
    entries_[gap] = Entry{};
    --size_;
  }

 private:
  struct Entry {
    std::uint32_t tag = 0;      // the low 32 bits of the hash (they also choose the home)
    std::uint32_t slot = kNone;  // kNone: empty
  };
  static constexpr std::size_t kMinCapacity = 16;

  void place(Entry e) noexcept {
    std::size_t i = e.tag & mask_;
    while (entries_[i].slot != kNone) i = (i + 1) & mask_;
    entries_[i] = e;
  }
  void rebuild(std::size_t capacity) {
    std::vector<Entry> old(capacity);
    old.swap(entries_);
    mask_ = capacity - 1;
    for (const Entry& e : old) {
      if (e.slot != kNone) place(e);
    }
  }

  std::vector<Entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace wirestate::tcp
