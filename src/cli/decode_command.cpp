#include "cli/decode_command.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/print/json.hpp"
#include "wirestate/print/summary.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::cli {

namespace {

struct DecodeArgs {
  std::string file;
  std::uint64_t count = 0;  // 0 = all
  std::string filter;
  bool json = false;
  bool count_only = false;
  bool nano = false;
  bool line_buffered = false;  // -l: each line written as it is made (tcpdump -l)
};

// stdout in large blocks: one fwrite per ~64 KiB instead of one per line.
// With -l, one write per line, so that a pipe sees each line at once.
class OutputBuffer {
 public:
  explicit OutputBuffer(bool line_buffered) : limit_(line_buffered ? 0 : 64 * 1024) {}
  ~OutputBuffer() { flush(); }
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;
  std::string& text() { return text_; }
  void line_done() {
    text_ += '\n';
    if (text_.size() >= limit_) flush();
  }
  void flush() {
    if (!text_.empty()) std::fwrite(text_.data(), 1, text_.size(), stdout);
    text_.clear();
    std::fflush(stdout);
  }

 private:
  std::string text_;
  std::size_t limit_;
};

int run_decode(const DecodeArgs& args) {
  auto reader = io::PcapReader::open(args.file, {.filter = args.filter});
  if (!reader) {
    std::fprintf(stderr, "wirestate decode: %s\n", reader.error().c_str());
    return 2;
  }
  const wire::LinkType link = wire::link_type_from_dlt(reader->link_type());
  // DecodedPacket is large (fixed-capacity malformation list): reuse one.
  auto decoded = std::make_unique<wire::DecodedPacket>();
  OutputBuffer out(args.line_buffered);
  std::uint64_t packets = 0;
  std::uint64_t malformed = 0;
  const auto time_format = args.nano ? print::TimeFormat::kNano : print::TimeFormat::kMicro;
  while (auto packet = reader->next()) {
    wire::decode_into(*decoded, packet->data, link, packet->wire_len);
    ++packets;
    if (decoded->malformed()) ++malformed;
    if (!args.count_only) {
      const print::FrameInfo frame{packet->number, packet->timestamp, packet->caplen,
                                   packet->wire_len};
      if (args.json) {
        out.text() += print::to_json(frame, *decoded)
                          .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      } else {
        print::append_summary(out.text(), frame, *decoded, time_format);
      }
      out.line_done();
    }
    if (args.count != 0 && packets >= args.count) break;
  }
  if (args.count_only) {
    fmt::format_to(std::back_inserter(out.text()), "packets {}, malformed {}", packets, malformed);
    out.line_done();
  }
  out.flush();
  if (const auto& problem = reader->problem()) {
    std::fprintf(stderr, "wirestate decode: warning: %s\n", problem->message.c_str());
    return 2;
  }
  return 0;
}

}  // namespace

void add_decode_command(CLI::App& app) {
  auto args = std::make_shared<DecodeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "decode", "Decode a pcap/pcapng file: one line per packet, like tcpdump -nn -S");
  cmd->add_option("FILE", args->file, "capture file (pcap or pcapng)")->required();
  cmd->add_option("-c,--count", args->count, "stop after N packets (that pass the filter)");
  cmd->add_option("-f,--filter", args->filter, "BPF filter expression (libpcap syntax)");
  cmd->add_flag("--json", args->json,
                "one JSON object per packet (Wireshark field names, see docs/decode-json.md)");
  cmd->add_flag("--count-only", args->count_only,
                "decode every layer but print only the totals (packets, malformed)");
  cmd->add_flag("--nano", args->nano, "print times with nanoseconds");
  cmd->add_flag("-l", args->line_buffered, "line-buffered output (each line as soon as it is made)");
  cmd->callback([args] { set_exit_code(run_decode(*args)); });
}

}  // namespace wirestate::cli
