#pragma once
// monitor::Monitor: the passive analyzer behind `analyze`, `capture` and the simulator's
// observer view. Frames in (capture order); decode -> IPv4/IPv6 reassembly -> tcp::Observer,
// arp::SpoofDetector, ndp::SpoofDetector, UDP flows, ICMP/ICMPv6 counts -> trace::Events out. Both address
// families share one connection table and one UDP table (keyed by net::FlowKey). Malformed frames are
// counted and flagged, never fatal. Every table is bounded (see MonitorConfig).
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wirestate/arp/alert.hpp"
#include "wirestate/arp/spoof_detector.hpp"
#include "wirestate/ip/reassembler.hpp"
#include "wirestate/monitor/checksum_senders.hpp"
#include "wirestate/ndp/alert.hpp"
#include "wirestate/ndp/spoof_detector.hpp"
#include "wirestate/monitor/udp_flows.hpp"
#include "wirestate/net/bytes.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/tcp/observer.hpp"
#include "wirestate/trace/event.hpp"
#include "wirestate/wire/decode.hpp"
#include "wirestate/wire/link_type.hpp"

namespace wirestate::monitor {

// One captured (or simulated) frame. `data` is only read during on_frame().
struct FrameIn {
  net::Bytes data;
  wire::LinkType link = wire::LinkType::kEthernet;
  std::uint32_t wire_len = 0;  // original length; 0 = data.size()
  std::uint64_t number = 0;    // 1-based packet number (tshark's frame.number)
  net::Time time;
};

// Turns a decoded frame into a one-line summary for packet events (the CLI passes the
// print module's tcpdump-style line; the monitor does not depend on print).
using Summarizer = std::function<std::string(const FrameIn&, const wire::DecodedPacket&)>;

// Limits and switches of the monitor.
struct MonitorConfig {
  tcp::ObserverConfig observer;          // connection table cap, MSL
  ip::ReassemblerConfig reassembly;    // fragment memory, timeout
  arp::DetectorConfig arp;               // ARP tables, windows, allow-list
  ndp::DetectorConfig ndp;               // NDP tables, windows, allow-list, routers
  std::size_t max_udp_flows = 65536;     // UDP flow table cap (LRU)
  // Finished TCP connections / UDP flows kept for connections() / udp_flows(); beyond
  // this they are only counted (MonitorCounters::*_not_kept), except that a connection
  // that reached ESTABLISHED replaces a kept half-open one (a SYN flood's).
  std::size_t max_kept_connections = 100000;
  std::size_t max_kept_udp_flows = 100000;
  std::size_t max_kept_arp_alerts = 10000;  // alerts kept for arp_alerts()
  // A bad checksum is flagged and counted but still moves state (kFlag, as Wireshark and
  // tcpdump); kEnforce drops the segment as a receiver would; kSkip does not verify.
  ChecksumPolicy checksums = ChecksumPolicy::kFlag;
  std::size_t max_kept_ndp_alerts = 10000;  // alerts kept for ndp_alerts()
  bool packet_events = false;            // emit one PacketEvent per frame
  Summarizer summarize;                  // summary text of packet events (empty: none)
};

// Running totals.
struct MonitorCounters {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;               // wire bytes
  std::uint64_t malformed = 0;           // frames with at least one malformation
  std::uint64_t arp = 0;
  std::uint64_t ipv4 = 0;                // IPv4 packets (fragments counted each)
  std::uint64_t tcp = 0;                 // TCP segments given to the observer
  std::uint64_t udp = 0;
  std::uint64_t icmp = 0;
  std::uint64_t ipv6 = 0;                // IPv6 packets (fragments counted each)
  std::uint64_t icmpv6 = 0;              // ICMPv6 messages (NDP included)
  std::uint64_t ndp = 0;                 // NDP messages given to the NDP detector
  std::uint64_t other = 0;               // other EtherTypes / IP protocols / link types
  std::uint64_t fragments = 0;           // IPv4 and IPv6 fragments given to the reassembler
  std::uint64_t reassembled = 0;         // datagrams rebuilt from fragments
  std::uint64_t connections_not_kept = 0;  // finished connections beyond max_kept_connections
  std::uint64_t udp_flows_not_kept = 0;
  std::uint64_t arp_alerts_not_kept = 0;
  std::uint64_t ndp_alerts_not_kept = 0;
  std::map<std::string, std::uint64_t> malformed_by_kind;  // "ipv4.bad_checksum" -> frames
};

// ICMP messages by type (RFC 792); ICMPv6 errors (RFC 4443 §3) count as the IPv4 kind
// they correspond to (destination unreachable, time exceeded), the rest as other.
struct IcmpCounters {
  std::uint64_t echo_request = 0;
  std::uint64_t echo_reply = 0;
  std::uint64_t dest_unreachable = 0;
  std::uint64_t time_exceeded = 0;
  std::uint64_t other = 0;
  std::uint64_t bad_checksum = 0;
};

class Monitor {
 public:
  explicit Monitor(MonitorConfig config = {});
  ~Monitor();
  Monitor(Monitor&&) noexcept;
  Monitor& operator=(Monitor&&) noexcept;

  // Analyzes one frame (frames must come in time order) and appends the events it caused:
  // tcp_state (Origin::kObserver), anomaly, alert and, when enabled, packet.
  void on_frame(const FrameIn& frame, std::vector<trace::Event>& out);

  // Ends the run at `now`: expires fragment sets and TIME_WAITs due by then, and moves
  // every tracked connection and flow to the finished lists. Call once, after the last frame.
  void finish(net::Time now, std::vector<trace::Event>& out);

  // Every connection seen (finished ones first, then those still tracked), in id order.
  std::vector<tcp::ConnectionSummary> connections() const;
  // Every UDP flow seen (same rules), in id order.
  std::vector<UdpFlow> udp_flows() const;
  // The ARP alerts raised so far (at most max_kept_arp_alerts), in order.
  const std::vector<arp::Alert>& arp_alerts() const noexcept { return arp_alerts_; }
  // The NDP alerts raised so far (at most max_kept_ndp_alerts), in order.
  const std::vector<ndp::Alert>& ndp_alerts() const noexcept { return ndp_alerts_; }

  const MonitorCounters& counters() const noexcept { return counters_; }
  const IcmpCounters& icmp() const noexcept { return icmp_; }
  const tcp::Observer& observer() const noexcept { return observer_; }
  // Overlapping-fragment alerts raised so far.
  std::uint64_t ip_alerts() const noexcept { return ip_alerts_; }
  const arp::SpoofDetector& arp_detector() const noexcept { return detector_; }
  const ndp::SpoofDetector& ndp_detector() const noexcept { return ndp_detector_; }
  const ip::Reassembler& reassembler() const noexcept { return reassembler_; }
  const UdpFlowTable& udp_table() const noexcept { return udp_; }
  const MonitorConfig& config() const noexcept { return config_; }
  // TCP segments and bad checksums per sender (empty with ChecksumPolicy::kSkip).
  const ChecksumSenders& checksum_senders() const noexcept { return checksum_senders_; }

 private:
  struct Finished;  // retired summaries, shared with the sinks (stable address)

  void on_decoded(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void on_arp(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void on_fragment(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void on_fragment6(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void on_reassembled(const FrameIn& frame, const ip::Datagram& dg, std::vector<trace::Event>& out);
  void on_transport(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void on_tcp(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void on_udp(const FrameIn& frame, const wire::DecodedPacket& d);
  void on_icmp(const wire::DecodedPacket& d);
  void on_icmpv6(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void on_ndp(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void on_reassembly_events(const std::vector<ip::ReassemblyEvent>& events,
                            std::vector<trace::Event>& out);
  void on_observer_events(const tcp::ObservedSegment* seg, std::vector<trace::Event>& out);
  void packet_event(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);
  void sync_counters() noexcept;
  void count_malformed(const FrameIn& frame, const wire::DecodedPacket& d, std::vector<trace::Event>& out);

  MonitorConfig config_;
  MonitorCounters counters_;
  IcmpCounters icmp_;
  tcp::Observer observer_;
  arp::SpoofDetector detector_;
  ndp::SpoofDetector ndp_detector_;
  ip::Reassembler reassembler_;
  UdpFlowTable udp_;
  ChecksumSenders checksum_senders_;
  std::unique_ptr<Finished> finished_;
  std::unordered_map<std::uint64_t, trace::ConnRef> conns_;  // by observer id, live connections only
  std::vector<arp::Alert> arp_alerts_;
  std::vector<ndp::Alert> ndp_alerts_;
  // Scratch space reused across frames (DecodedPacket is large).
  std::unique_ptr<wire::DecodedPacket> decoded_;
  std::unique_ptr<wire::DecodedPacket> inner_;
  std::vector<std::uint8_t> datagram_;
  std::vector<std::uint8_t> frag_header_;  // an IPv6 unfragmentable part, Next Header fixed
  std::vector<tcp::ObserverEvent> obs_events_;
  std::vector<arp::Alert> alert_scratch_;
  std::vector<ndp::Alert> ndp_scratch_;
  net::Time last_time_;
  std::uint64_t ip_alerts_ = 0;
};

}  // namespace wirestate::monitor
