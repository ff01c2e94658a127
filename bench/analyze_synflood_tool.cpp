// Writes a pcap of N TCP SYNs, each from a distinct source address (a SYN flood with
// spoofed sources), 1 µs apart, for the connection-table cap run of `analyze`.
//   analyze_synflood_tool OUT.pcap [N]   (default N = 1,000,000)
#include <cstdio>
#include <cstdlib>
#include <string>

#include "wirestate/io/pcap_writer.hpp"
#include "wirestate/wire/frame_builder.hpp"

using namespace wirestate;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.pcap [N]\n", argv[0]);
    return 2;
  }
  const std::uint64_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  auto writer = io::PcapWriter::open(argv[1]);
  if (!writer) {
    std::fprintf(stderr, "%s\n", writer.error().c_str());
    return 2;
  }
  const wire::EthernetSpec eth{net::MacAddr({0x02, 0, 0, 0, 0, 0x66}), net::MacAddr({0x02, 0, 0, 0, 0, 0x02}), {}, false};
  for (std::uint64_t i = 0; i < n; ++i) {
    wire::Ipv4Repr ip;
    ip.src = net::Ipv4Addr(static_cast<std::uint32_t>(0x0b000000U + i));  // 11.0.0.0 + i: distinct sources
    ip.dst = net::Ipv4Addr(10, 0, 0, 2);
    ip.id = static_cast<std::uint16_t>(i);
    wire::TcpRepr syn;
    syn.src_port = static_cast<std::uint16_t>(1024 + i % 60000);
    syn.dst_port = 80;
    syn.seq = net::SeqNum(static_cast<std::uint32_t>(i * 2654435761U));
    syn.flags.bits = wire::TcpFlags::kSyn;
    syn.window = 64240;
    const auto frame = wire::build_tcp_frame(eth, ip, syn, {});
    const auto t = net::Time::from_ns(1'700'000'000'000'000'000 + static_cast<std::int64_t>(i) * 1000);
    if (auto w = writer->write(t, frame); !w) {
      std::fprintf(stderr, "%s\n", w.error().c_str());
      return 2;
    }
  }
  std::printf("wrote %llu SYNs to %s\n", static_cast<unsigned long long>(n), argv[1]);
  return 0;
}
