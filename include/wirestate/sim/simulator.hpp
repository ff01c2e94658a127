#pragma once
// The simulator: hosts on one Ethernet segment, a discrete-event queue on a virtual clock
// and one seeded RNG, so the same inputs and seed give the same frames, byte for byte.
// Every frame put on the wire is numbered, summarized, recorded for the pcap and turned
// into a trace::Event, and so is every state change the hosts report.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "wirestate/sim/event_queue.hpp"
#include "wirestate/sim/host.hpp"
#include "wirestate/sim/link.hpp"
#include "wirestate/sim/rng.hpp"
#include "wirestate/sim/segment.hpp"
#include "wirestate/tcp/isn.hpp"
#include "wirestate/trace/event.hpp"

namespace wirestate::sim {

// One frame as it crossed the wire (what the pcap holds).
struct WireFrame {
  std::uint64_t number = 0;
  net::Time time;
  std::string from;  // sending host
  FramePtr bytes;
  bool lost = false;  // at least one copy was lost on the link
};

class Simulator final : public HostEnv {
 public:
  using Action = std::function<void(net::Time now)>;

  Simulator(std::uint64_t seed, LinkParams link);
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Adds a host and attaches its NIC to the segment (before run()).
  Host& add_host(HostConfig config);
  Host* host(const std::string& name);
  Host* host_by_ip(net::Ipv4Addr ip);
  const std::vector<std::unique_ptr<Host>>& hosts() const noexcept { return hosts_; }

  // Runs action at virtual time `at` (steps of a scenario), after the host events due then.
  void at(net::Time at, Action action);
  // Gives connection `key` of host `client` a name from now on (the server host is the
  // one with the other end's address, if any).
  trace::ConnNameId name_connection(const std::string& name, const Host& client, const net::FlowKey& key);
  // The latest connection given this name, nullptr when none was.
  const trace::ConnNames::Entry* connection(const std::string& name) const;
  // The scenario's names for connections (what writers print and checks look up).
  const trace::ConnNames& names() const noexcept { return names_; }
  // Replaces the link's settings from now on.
  void set_link(const LinkParams& params) { segment_.set_params(params); }
  // Settings for frames sent by `from` (to `to`, or to anyone when to is null).
  void set_link_direction(const Host& from, const Host* to, const LinkParams& params);
  // The settings in force for frames from `from` to `to`.
  const LinkParams& link_params(const Host& from, const Host& to);
  // Records an application-level fact (for steps that the runner performs itself).
  void note(trace::Event event) { record(std::move(event)); }

  // Runs until nothing is pending or `end` is reached, whichever comes first.
  void run(net::Time end);
  net::Time now() const noexcept { return queue_.now(); }

  // Everything that happened, in order.
  const std::vector<trace::Event>& events() const noexcept { return events_; }
  const std::vector<WireFrame>& frames() const noexcept { return frames_; }
  const SegmentStats& link_stats() const noexcept { return segment_.stats(); }

  // Called with every event as it is recorded (live timeline printing, monitors).
  void set_listener(std::function<void(const trace::Event&)> fn) { listener_ = std::move(fn); }
  // Called with every frame put on the wire (pcap writer, passive monitor).
  void set_frame_listener(std::function<void(const WireFrame&)> fn) { frame_listener_ = std::move(fn); }

  // HostEnv.
  void transmit(Host& host, std::vector<std::uint8_t> frame, net::Time now) override;
  void tcp_event(Host& host, const trace::ConnRef& conn, net::Side side, const tcp::Event& event) override;
  void host_event(Host& host, trace::Event event) override;

 private:
  struct Attached {
    Host* host = nullptr;
    PortId port = 0;
    EventId wakeup = kNoEvent;
    net::Time wakeup_at = net::Time::max();
  };

  void record(trace::Event event);
  void on_wire(net::Time at, PortId from, const FramePtr& frame);
  void on_drop(const Drop& drop);
  void on_arrival(const Arrival& arrival);
  // Keeps exactly one wake-up scheduled per host, at its next deadline.
  void reschedule(Attached& a);
  Attached& attached(const Host& host);
  // The wire number of a recent frame, 0 when forgotten.
  std::uint64_t frame_number(const FramePtr& frame) const;
  // The connection under each name it has now, with the side `side` of it is under that
  // name (two names in a simultaneous open, where each host named its own connect; the
  // unnamed reference when it has none).
  std::vector<std::pair<trace::ConnRef, net::Side>> named(const trace::ConnRef& conn, net::Side side) const;

  EventQueue queue_;
  Rng rng_;
  tcp::IsnGenerator isn_;
  Segment segment_;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::deque<Attached> attached_;       // by port (a deque: wake-ups keep references)
  std::uint64_t delivering_ = 0;        // number of the frame being delivered, 0 outside
  trace::ConnNames names_;
  std::vector<trace::Event> events_;
  std::vector<WireFrame> frames_;
  std::deque<FramePtr> recent_frames_;  // kept alive so their addresses stay unique
  std::unordered_map<const void*, std::uint64_t> recent_numbers_;  // frame -> wire number
  std::function<void(const trace::Event&)> listener_;
  std::function<void(const WireFrame&)> frame_listener_;
};

}  // namespace wirestate::sim
