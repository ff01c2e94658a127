#pragma once
// One packet as read from a capture: a borrowed view into the reader's buffer.
#include <cstdint>
#include <span>

#include "wirestate/net/time.hpp"

namespace wirestate::io {

// A packet record. `data` points into the reader's buffer and stays valid only until the
// next call to PcapReader::next() (zero-copy, as libpcap's pcap_next_ex promises).
struct Packet {
  std::uint64_t number = 0;          // 1-based position in the file (after filtering: still
                                     // the position in the file, like tshark's frame.number)
  net::Time timestamp;               // nanoseconds since the Unix epoch
  std::uint32_t caplen = 0;          // bytes stored in the file (== data.size())
  std::uint32_t wire_len = 0;        // original length on the wire
  int link_type = 0;                 // libpcap DLT_* value (pcap_datalink)
  std::span<const std::uint8_t> data;
};

}  // namespace wirestate::io
