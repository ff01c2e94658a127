#pragma once
// Fuzz entry for io::PcapReader (libpcap's pcap and pcapng readers behind it) followed
// by decode of every packet read: the path of `wirestate decode FILE`. The input is the
// whole file; it is handed to libpcap through an in-memory file (memfd) so nothing
// touches the disk.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "decode.hpp"
#include "wirestate/io/pcap_reader.hpp"

namespace wirestate::fuzz {

// Packets read per input at most (a tiny file can hold many empty records).
inline constexpr std::uint64_t kMaxPacketsPerFile = 4096;

// Reads every packet of the capture file at path and decodes it; returns how many
// packets were read. Checks what the reader promises about each record.
inline std::uint64_t read_and_decode(const std::string& path) {
  auto reader = io::PcapReader::open(path);
  if (!reader) {
    WIRESTATE_FUZZ_CHECK(!reader.error().empty());
    return 0;
  }
  std::uint64_t n = 0;
  while (n < kMaxPacketsPerFile) {
    auto packet = reader->next();
    if (!packet) break;
    ++n;
    WIRESTATE_FUZZ_CHECK(packet->caplen == packet->data.size());
    WIRESTATE_FUZZ_CHECK(packet->number == reader->records_read());
    const auto wire_len = packet->wire_len;
    decode_and_print(packet->data, wire::link_type_from_dlt(packet->link_type), wire_len,
                     (n & 1U) == 0);
  }
  if (const auto& problem = reader->problem()) WIRESTATE_FUZZ_CHECK(!problem->message.empty());
  return n;
}

// A file in memory with a path libpcap can fopen (/proc/self/fd/N); closed on destruction.
class MemFile {
 public:
  MemFile(const std::uint8_t* data, std::size_t size) : fd_(memfd_create("wirestate-fuzz", 0)) {
    WIRESTATE_FUZZ_CHECK(fd_ >= 0);
    std::size_t done = 0;
    while (done < size) {
      const auto w = ::write(fd_, data + done, size - done);
      WIRESTATE_FUZZ_CHECK(w > 0);
      done += static_cast<std::size_t>(w);
    }
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  ~MemFile() { ::close(fd_); }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

// One fuzz input: a whole pcap or pcapng file.
inline int fuzz_pcap(const std::uint8_t* data, std::size_t size) {
  MemFile file(data, size);
  read_and_decode(file.path());
  return 0;
}

}  // namespace wirestate::fuzz
