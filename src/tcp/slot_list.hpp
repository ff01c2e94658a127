#pragma once
// Private to the observer: the lists its table threads through the connection records
// (least recently used, closed, TIME_WAIT), without allocating.
#include <cstdint>
#include <vector>

#include "conn_record.hpp"

namespace wirestate::tcp {

// An intrusive doubly linked list over table slots, through two members of ConnRecord.
template <std::uint32_t ConnRecord::*Prev, std::uint32_t ConnRecord::*Next>
struct SlotList {
  std::uint32_t head = kNoSlot;
  std::uint32_t tail = kNoSlot;

  void push_back(std::vector<ConnRecord>& v, std::uint32_t i) {
    v[i].*Prev = tail;
    v[i].*Next = kNoSlot;
    if (tail != kNoSlot) v[tail].*Next = i; else head = i;
    tail = i;
  }
  void erase(std::vector<ConnRecord>& v, std::uint32_t i) {
    const std::uint32_t p = v[i].*Prev;
    const std::uint32_t n = v[i].*Next;
    if (p != kNoSlot) v[p].*Next = n; else head = n;
    if (n != kNoSlot) v[n].*Prev = p; else tail = p;
    v[i].*Prev = kNoSlot;
    v[i].*Next = kNoSlot;
  }
};

}  // namespace wirestate::tcp
