// The monitor alone over a capture file (no report, events discarded): ns/packet,
// packets/s, the connection table's peak and evictions, and peak RSS. Run it beside
// pcap_loop_tool on the same file to see what the analysis adds to the plain read loop.
//   analyze_throughput_tool FILE [MAX_CONNECTIONS]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/monitor/monitor.hpp"

using namespace wirestate;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [MAX_CONNECTIONS]\n", argv[0]);
    return 2;
  }
  monitor::MonitorConfig config;
  if (argc > 2) config.observer.max_connections = std::strtoull(argv[2], nullptr, 10);
  auto reader = io::PcapReader::open(argv[1]);
  if (!reader) {
    std::fprintf(stderr, "%s\n", reader.error().c_str());
    return 2;
  }
  monitor::Monitor mon(config);
  std::vector<trace::Event> events;
  std::uint64_t packets = 0;
  std::uint64_t event_count = 0;
  net::Time last;
  const auto start = std::chrono::steady_clock::now();  // a benchmark: wall clock is the point
  while (auto p = reader->next()) {
    mon.on_frame({p->data, wire::link_type_from_dlt(p->link_type), p->wire_len, p->number, p->timestamp}, events);
    event_count += events.size();
    events.clear();
    last = p->timestamp;
    ++packets;
  }
  const auto fed = std::chrono::steady_clock::now();
  const std::size_t tracked_at_end = mon.observer().size();
  mon.finish(last, events);
  const double secs = std::chrono::duration<double>(fed - start).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const auto& oc = mon.observer().counters();
  std::printf("packets %llu  events %llu  time %.3f s  %.1f ns/packet  %.0f packets/s\n",
              static_cast<unsigned long long>(packets), static_cast<unsigned long long>(event_count), secs,
              secs * 1e9 / static_cast<double>(packets), static_cast<double>(packets) / secs);
  std::printf("tcp: %llu connections, cap %zu, peak %zu, tracked at end %zu, evicted closed %llu idle %llu\n",
              static_cast<unsigned long long>(oc.connections), mon.observer().config().max_connections,
              oc.peak_connections, tracked_at_end, static_cast<unsigned long long>(oc.evicted_closed),
              static_cast<unsigned long long>(oc.evicted_idle));
  std::printf("udp flows %llu (evicted %llu), malformed %llu, record size %zu bytes/connection\n",
              static_cast<unsigned long long>(mon.udp_table().created()),
              static_cast<unsigned long long>(mon.udp_table().evictions()),
              static_cast<unsigned long long>(mon.counters().malformed), tcp::Observer::connection_record_size());
  std::printf("peak RSS %ld KiB\n", ru.ru_maxrss);
  return 0;
}
