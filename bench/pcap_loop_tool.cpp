// The baseline for `wirestate decode --count-only`: a plain libpcap read loop over a file
// (pcap_next_ex, touching each packet's first and last byte) that prints ns/packet.
//   pcap_loop_tool FILE [REPEAT]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <pcap/pcap.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [REPEAT]\n", argv[0]);
    return 2;
  }
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 1;
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::uint64_t touch = 0;
  const auto start = std::chrono::steady_clock::now();  // a benchmark: wall clock is the point
  for (int r = 0; r < repeat; ++r) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (p == nullptr) {
      std::fprintf(stderr, "%s: %s\n", argv[1], errbuf);
      return 2;
    }
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(p, &header, &data) == 1) {
      ++packets;
      bytes += header->caplen;
      if (header->caplen > 0) touch += data[0] + data[header->caplen - 1];
    }
    pcap_close(p);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const double ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
  std::printf("packets %llu bytes %llu touch %llu\n", static_cast<unsigned long long>(packets),
              static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(touch));
  std::printf("%.1f ns/packet\n", packets == 0 ? 0.0 : ns / static_cast<double>(packets));
  return 0;
}
