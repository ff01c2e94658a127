#include "wirestate/io/pcap_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <sys/stat.h>

#include <fmt/format.h>
#include <pcap/pcap.h>

namespace wirestate::io {

struct PcapReader::Handle {
  pcap_t* pcap = nullptr;
  bpf_program program{};
  bool has_filter = false;
  ~Handle() {
    if (has_filter) pcap_freecode(&program);
    if (pcap != nullptr) pcap_close(pcap);
  }
};

namespace {

// libpcap's open errors are terse ("unknown file format", "truncated dump file; ...");
// say in plain words what was expected, keeping libpcap's text for the details.
std::string describe_open_error(const std::string& path, std::string_view libpcap_message) {
  struct stat st {};
  if (path == "-") {
    // libpcap reads "-" as stdin: a pipe has no size to stat, but libpcap says it got no
    // byte of the file header.
    const bool regular = ::fstat(0, &st) == 0 && S_ISREG(st.st_mode);
    if ((regular && st.st_size == 0) || libpcap_message.find("only got 0") != std::string_view::npos) {
      return "stdin: empty input, expected a pcap or pcapng capture";
    }
    if (libpcap_message.find("unknown file format") != std::string_view::npos) {
      return fmt::format("stdin: not a capture (bad magic number; expected pcap or pcapng): {}", libpcap_message);
    }
    return fmt::format("stdin: cannot read capture: {}", libpcap_message);
  }
  if (::stat(path.c_str(), &st) != 0) {
    return fmt::format("{}: cannot open: {}", path, std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return fmt::format("{}: cannot read: is a directory", path);
  if (st.st_size == 0) return fmt::format("{}: empty file, expected a pcap or pcapng capture", path);
  if (libpcap_message.find("unknown file format") != std::string_view::npos) {
    return fmt::format("{}: not a capture file (bad magic number; expected pcap or pcapng): {}",
                       path, libpcap_message);
  }
  if (libpcap_message.find("truncated") != std::string_view::npos) {
    return fmt::format("{}: file header is truncated ({} bytes in the file): {}", path,
                       static_cast<long long>(st.st_size), libpcap_message);
  }
  return fmt::format("{}: cannot read capture: {}", path, libpcap_message);
}

}  // namespace

tl::expected<PcapReader, std::string> PcapReader::open(const std::string& path,
                                                       const ReaderOptions& options) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto handle = std::make_unique<Handle>();
  handle->pcap = pcap_open_offline_with_tstamp_precision(path.c_str(),
                                                         PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle->pcap == nullptr) return tl::unexpected(describe_open_error(path, errbuf));
  if (!options.filter.empty()) {
    // The filter runs in user space on each record (pcap_offline_filter), so packet
    // numbers stay positions in the file, as tshark's frame.number.
    if (pcap_compile(handle->pcap, &handle->program, options.filter.c_str(), 1,
                     PCAP_NETMASK_UNKNOWN) != 0) {
      return tl::unexpected(fmt::format("bad filter '{}': {}", options.filter,
                                        pcap_geterr(handle->pcap)));
    }
    handle->has_filter = true;
  }
  const int link_type = pcap_datalink(handle->pcap);
  return PcapReader(std::move(handle), path, link_type);
}

PcapReader::PcapReader(std::unique_ptr<Handle> handle, std::string path, int link_type)
    : handle_(std::move(handle)), path_(std::move(path)), link_type_(link_type) {
  // pcap files have major version 2 and a 24-byte file header; pcapng reports 1.
  is_pcap_ = pcap_major_version(handle_->pcap) == 2;
  snaplen_ = pcap_snapshot(handle_->pcap);
  FILE* file = pcap_file(handle_->pcap);
  next_record_offset_ = file != nullptr ? std::ftell(file) : -1;
  // A pipe cannot tell its position: count bytes instead (classic pcap: a 24-byte header,
  // then 16 bytes and caplen per record); pcapng blocks are not counted.
  seekable_ = next_record_offset_ >= 0;
  if (!seekable_ && is_pcap_) next_record_offset_ = 24;
}

PcapReader::PcapReader(PcapReader&&) noexcept = default;
PcapReader& PcapReader::operator=(PcapReader&&) noexcept = default;
PcapReader::~PcapReader() = default;

int PcapReader::snaplen() const noexcept {
  return handle_ ? pcap_snapshot(handle_->pcap) : 0;
}

std::optional<Packet> PcapReader::next() {
  if (done_ || !handle_) return std::nullopt;
  pcap_t* p = handle_->pcap;
  FILE* file = pcap_file(p);
  for (;;) {
    const std::int64_t record_start = next_record_offset_;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(p, &header, &data);
    if (rc == 1) {
      ++records_read_;
      // Track where the next record starts without ftell() per packet (glibc's ftell
      // is an lseek system call). pcap records are 16 bytes + caplen; when libpcap cut a
      // record to the snapshot length, or for pcapng blocks, ask the file.
      if (is_pcap_ && header->caplen < static_cast<std::uint32_t>(snaplen_) && next_record_offset_ >= 0) {
        next_record_offset_ += 16 + static_cast<std::int64_t>(header->caplen);
      } else if (!seekable_) {
        next_record_offset_ = -1;  // a record cut to the snaplen: its stored size is not known
      } else if (file != nullptr) {
        next_record_offset_ = std::ftell(file);
      }
      if (handle_->has_filter && pcap_offline_filter(&handle_->program, header, data) == 0) {
        continue;
      }
      Packet packet;
      packet.number = records_read_;
      // With PCAP_TSTAMP_PRECISION_NANO, tv_usec holds nanoseconds.
      // pcapng timestamps are 64-bit: a damaged one can be past net::Time's range (year
      // 2262). Seconds are clamped to +-2^62 ns (years 1824..2116, beyond any classic
      // pcap's 32-bit seconds) before scaling, so neither this product nor a later
      // time + timeout in the monitor can overflow.
      constexpr std::int64_t kMaxSeconds = (INT64_MAX / 2) / 1'000'000'000;
      const std::int64_t sec =
          std::clamp<std::int64_t>(header->ts.tv_sec, -kMaxSeconds, kMaxSeconds);
      const std::int64_t frac = std::clamp<std::int64_t>(header->ts.tv_usec, 0, 4'000'000'000);
      packet.timestamp = net::Time::from_ns(sec * 1'000'000'000 + frac);
      packet.caplen = header->caplen;
      packet.wire_len = header->len;
      packet.link_type = link_type_;
      packet.data = std::span<const std::uint8_t>(data, header->caplen);
      return packet;
    }
    done_ = true;
    if (rc == PCAP_ERROR_BREAK) return std::nullopt;  // -2: clean end of file
    // PCAP_ERROR: libpcap could not read the next record. Where it stopped reading is
    // where the file was cut (or where the bad record is).
    ReadProblem problem;
    problem.packet_number = records_read_ + 1;
    problem.record_offset = record_start;
    if (file != nullptr && seekable_) problem.byte_offset = std::ftell(file);
    const std::string name = path_ == "-" ? "stdin" : path_;
    // Offsets a pipe cannot give are left out rather than printed as -1.
    const std::string cut_at = problem.byte_offset >= 0 ? fmt::format(" at byte offset {}", problem.byte_offset) : "";
    const std::string record_at =
        problem.record_offset >= 0 ? fmt::format(" (record at byte offset {})", problem.record_offset) : "";
    const std::string_view reason = pcap_geterr(p);
    problem.kind = reason.find("truncated") != std::string_view::npos
                       ? ReadProblem::Kind::kTruncated
                       : ReadProblem::Kind::kBadRecord;
    if (problem.kind == ReadProblem::Kind::kTruncated) {
      problem.message = fmt::format(
          "{}: {} is truncated{}: packet {}{} is incomplete; {} packet(s) read before the cut ({})", name,
          path_ == "-" ? "input" : "file", cut_at, problem.packet_number, record_at, records_read_, reason);
    } else {
      problem.message = fmt::format("{}: unreadable record for packet {}{}; {} packet(s) read before it ({})", name,
                                    problem.packet_number,
                                    problem.record_offset >= 0 ? fmt::format(" at byte offset {}", problem.record_offset)
                                                               : "",
                                    records_read_, reason);
    }
    problem_ = std::move(problem);
    return std::nullopt;
  }
}

}  // namespace wirestate::io
