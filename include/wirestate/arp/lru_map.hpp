#pragma once
// A map with a fixed capacity that forgets its least recently used entry when full.
// Every table of the ARP module (cache entries, detector bindings, rate counters,
// de-duplication) is one of these, so an ARP flood costs a fixed ceiling.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

namespace wirestate::arp {

template <class K, class V, class Hash = std::hash<K>>
class LruMap {
 public:
  using Item = std::pair<K, V>;

  // A map that holds at most capacity entries (at least 1).
  explicit LruMap(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
    index_.reserve(capacity_);
  }

  // The value for key, marked most recently used; nullptr when absent.
  V* find(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  // The value for key without changing the use order; nullptr when absent.
  const V* peek(const K& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }
  V* peek_mut(const K& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }

  // Inserts (or replaces) key as most recently used. When the map was full, the least
  // recently used entry is removed first and returned (and counted as an eviction).
  std::optional<Item> insert(const K& key, V value) {
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return std::nullopt;
    }
    std::optional<Item> evicted;
    if (index_.size() >= capacity_) {
      evicted = pop_lru();
      ++evictions_;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    return evicted;
  }

  // Removes key; returns its value when it was present.
  std::optional<V> erase(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    std::optional<V> out(std::move(it->second->second));
    order_.erase(it->second);
    index_.erase(it);
    return out;
  }

  // Removes and returns the least recently used entry (not counted as an eviction).
  std::optional<Item> pop_lru() {
    if (order_.empty()) return std::nullopt;
    Item item = std::move(order_.back());
    index_.erase(item.first);
    order_.pop_back();
    return item;
  }

  // The least recently used key, or nullptr when empty.
  const K* lru_key() const { return order_.empty() ? nullptr : &order_.back().first; }

  // Visits every entry, most recently used first; fn(const K&, V&).
  template <class Fn>
  void for_each(Fn&& fn) {
    for (auto& [k, v] : order_) fn(k, v);
  }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& [k, v] : order_) fn(k, v);
  }

  std::size_t size() const noexcept { return index_.size(); }
  bool empty() const noexcept { return index_.empty(); }
  std::size_t capacity() const noexcept { return capacity_; }
  // Entries removed by insert() because the map was full, since construction.
  std::uint64_t evictions() const noexcept { return evictions_; }

 private:
  std::size_t capacity_;
  std::list<Item> order_;  // front = most recently used
  std::unordered_map<K, typename std::list<Item>::iterator, Hash> index_;
  std::uint64_t evictions_ = 0;
};

}  // namespace wirestate::arp
