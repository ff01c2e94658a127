#pragma once
// Writing pcap files through libpcap (pcap_open_dead + pcap_dump_open).
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <tl/expected.hpp>

#include "wirestate/net/time.hpp"

namespace wirestate::io {

// Timestamp resolution of the written file (the pcap magic says which).
enum class TimePrecision { kMicro, kNano };

// Options for a new capture file.
struct WriterOptions {
  int link_type = 1;                           // libpcap DLT_* value (1 = Ethernet)
  TimePrecision precision = TimePrecision::kMicro;
  std::uint32_t snaplen = 262144;              // written into the file header
  bool flush_each_packet = false;              // valid file after every write (live capture)
};

// A pcap file open for writing. Every packet is complete on disk after flush(), so a
// reader sees a valid file at each packet boundary (live capture's Ctrl-C relies on it).
class PcapWriter {
 public:
  // Creates (truncates) path; "-" is stdout (then path() is "stdout"). The error names
  // the file and libpcap's reason.
  static tl::expected<PcapWriter, std::string> open(const std::string& path,
                                                    const WriterOptions& options = {});

  PcapWriter(PcapWriter&&) noexcept;
  PcapWriter& operator=(PcapWriter&&) noexcept;
  ~PcapWriter();  // flushes and closes

  // Appends one packet: data are the captured bytes, wire_len the original length
  // (>= data.size(); 0 means data.size()). Bytes beyond the snaplen are cut off.
  // Microsecond files round the timestamp down to the microsecond.
  tl::expected<void, std::string> write(net::Time timestamp, std::span<const std::uint8_t> data,
                                        std::uint32_t wire_len = 0);

  // Pushes buffered packets to the file.
  tl::expected<void, std::string> flush();

  // Flushes and closes; later writes fail. Safe to call twice.
  tl::expected<void, std::string> close();

  // Packets written so far.
  std::uint64_t packets_written() const noexcept { return packets_written_; }
  const std::string& path() const noexcept { return path_; }

 private:
  struct Handle;
  PcapWriter(std::unique_ptr<Handle> handle, std::string path, const WriterOptions& options);

  std::unique_ptr<Handle> handle_;
  std::string path_;
  WriterOptions options_;
  std::uint64_t packets_written_ = 0;
};

}  // namespace wirestate::io
