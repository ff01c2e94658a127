#include "wirestate/io/pcap_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <pcap/pcap.h>

namespace wirestate::io {

struct PcapWriter::Handle {
  pcap_t* pcap = nullptr;
  pcap_dumper_t* dumper = nullptr;
  ~Handle() {
    if (dumper != nullptr) pcap_dump_close(dumper);
    if (pcap != nullptr) pcap_close(pcap);
  }
};

tl::expected<PcapWriter, std::string> PcapWriter::open(const std::string& path,
                                                       const WriterOptions& options) {
  auto handle = std::make_unique<Handle>();
  const int precision = options.precision == TimePrecision::kNano ? PCAP_TSTAMP_PRECISION_NANO
                                                                  : PCAP_TSTAMP_PRECISION_MICRO;
  handle->pcap = pcap_open_dead_with_tstamp_precision(
      options.link_type, static_cast<int>(options.snaplen), precision);
  if (handle->pcap == nullptr) {
    return tl::unexpected(fmt::format("{}: cannot create a capture with link type {}", path,
                                      options.link_type));
  }
  if (path == "-") {
    // stdout through a duplicate of its descriptor: pcap_dump_close() closes the stream
    // it was given, and the process's stdout must stay valid (messages, atexit flushes).
    const int fd = ::dup(STDOUT_FILENO);
    std::FILE* out = fd >= 0 ? ::fdopen(fd, "wb") : nullptr;
    if (out == nullptr) {
      if (fd >= 0) ::close(fd);
      return tl::unexpected(fmt::format("stdout: cannot write: {}", std::strerror(errno)));
    }
    handle->dumper = pcap_dump_fopen(handle->pcap, out);
    if (handle->dumper == nullptr) {
      std::fclose(out);
      return tl::unexpected(fmt::format("stdout: cannot write: {}", pcap_geterr(handle->pcap)));
    }
    return PcapWriter(std::move(handle), "stdout", options);
  }
  handle->dumper = pcap_dump_open(handle->pcap, path.c_str());
  if (handle->dumper == nullptr) {
    return tl::unexpected(fmt::format("{}: cannot write: {}", path, pcap_geterr(handle->pcap)));
  }
  return PcapWriter(std::move(handle), path, options);
}

PcapWriter::PcapWriter(std::unique_ptr<Handle> handle, std::string path,
                       const WriterOptions& options)
    : handle_(std::move(handle)), path_(std::move(path)), options_(options) {}

PcapWriter::PcapWriter(PcapWriter&&) noexcept = default;
PcapWriter& PcapWriter::operator=(PcapWriter&&) noexcept = default;
PcapWriter::~PcapWriter() = default;

tl::expected<void, std::string> PcapWriter::write(net::Time timestamp,
                                                  std::span<const std::uint8_t> data,
                                                  std::uint32_t wire_len) {
  if (!handle_ || handle_->dumper == nullptr) {
    return tl::unexpected(fmt::format("{}: write after close", path_));
  }
  const std::int64_t ns = timestamp.ns();
  std::int64_t sec = ns / 1'000'000'000;
  std::int64_t frac = ns % 1'000'000'000;
  if (frac < 0) {  // floor, so times before the epoch keep 0 <= frac < 1 s
    frac += 1'000'000'000;
    sec -= 1;
  }
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<decltype(header.ts.tv_sec)>(sec);
  // pcap_dump writes tv_usec as is: nanoseconds for a nanosecond dumper.
  header.ts.tv_usec = static_cast<decltype(header.ts.tv_usec)>(
      options_.precision == TimePrecision::kNano ? frac : frac / 1000);
  const auto size = static_cast<std::uint32_t>(std::min<std::size_t>(data.size(), UINT32_MAX));
  header.caplen = std::min(size, options_.snaplen);
  header.len = std::max(wire_len == 0 ? size : wire_len, header.caplen);
  pcap_dump(reinterpret_cast<u_char*>(handle_->dumper), &header, data.data());
  ++packets_written_;
  if (options_.flush_each_packet) return flush();
  return {};
}

tl::expected<void, std::string> PcapWriter::flush() {
  if (!handle_ || handle_->dumper == nullptr) return {};
  if (pcap_dump_flush(handle_->dumper) != 0) {
    return tl::unexpected(fmt::format("{}: cannot flush to disk", path_));
  }
  return {};
}

tl::expected<void, std::string> PcapWriter::close() {
  if (!handle_ || handle_->dumper == nullptr) return {};
  auto flushed = flush();
  pcap_dump_close(handle_->dumper);
  handle_->dumper = nullptr;
  return flushed;
}

}  // namespace wirestate::io
