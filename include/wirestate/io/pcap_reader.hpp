#pragma once
// Reading pcap and pcapng files through libpcap (never parsing the format ourselves).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "wirestate/io/packet.hpp"

namespace wirestate::io {

// Why reading stopped before the end of the file: the file was cut in the middle of a
// record (kTruncated) or libpcap rejected a record or block (kBadRecord, e.g. a caplen
// beyond the maximum snapshot length, or a pcapng block libpcap cannot read).
struct ReadProblem {
  enum class Kind { kTruncated, kBadRecord };
  Kind kind = Kind::kTruncated;
  std::uint64_t packet_number = 0;  // the record that could not be read (1-based)
  std::int64_t byte_offset = -1;    // ftell() on the file when libpcap gave up: the cut (-1 on a pipe)
  std::int64_t record_offset = -1;  // where the unreadable record starts (-1: unknown)
  std::string message;              // names the file, the packet and libpcap's reason
};

// Options for opening a capture.
struct ReaderOptions {
  std::string filter;  // a BPF expression compiled by libpcap; empty = every packet
};

// A capture file opened for reading. Timestamps are read with nanosecond precision, so
// nanosecond files keep their nanoseconds and microsecond files are scaled exactly.
class PcapReader {
 public:
  // Opens path (pcap or pcapng). Errors name the file and say what is wrong: missing or
  // unreadable, empty, not a capture (bad magic), bad header, or a filter that libpcap
  // does not compile (the message quotes the filter and libpcap's reason).
  static tl::expected<PcapReader, std::string> open(const std::string& path,
                                                    const ReaderOptions& options = {});

  PcapReader(PcapReader&&) noexcept;
  PcapReader& operator=(PcapReader&&) noexcept;
  ~PcapReader();

  // The next packet that passes the filter, or nullopt at the end of the file or when
  // reading stopped early (then problem() says why). The returned data stays valid
  // until the next call.
  std::optional<Packet> next();

  // Set when reading stopped before a clean end of file (truncation or a bad record).
  const std::optional<ReadProblem>& problem() const noexcept { return problem_; }

  // The file's link type (libpcap DLT_* value; one per file in libpcap).
  int link_type() const noexcept { return link_type_; }
  // The file's snapshot length: libpcap cuts records with a larger caplen to it.
  int snaplen() const noexcept;
  // The file name as given to open().
  const std::string& path() const noexcept { return path_; }
  // Packets read so far, including those the filter rejected.
  std::uint64_t records_read() const noexcept { return records_read_; }

 private:
  struct Handle;
  PcapReader(std::unique_ptr<Handle> handle, std::string path, int link_type);

  std::unique_ptr<Handle> handle_;
  std::string path_;
  int link_type_ = 0;
  std::uint64_t records_read_ = 0;
  bool done_ = false;
  bool is_pcap_ = false;               // classic pcap (not pcapng)
  bool seekable_ = true;               // a file (ftell works), not a pipe
  int snaplen_ = 0;
  std::int64_t next_record_offset_ = -1;  // file offset of the next record
  std::optional<ReadProblem> problem_;
};

}  // namespace wirestate::io
