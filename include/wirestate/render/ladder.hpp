#pragma once
// The ladder diagram model: one lifeline per host, one arrow per frame, the TCP states
// written where they change, ordered top to bottom in time. Built once from the event
// trace (and, when given, the frames' bytes for full labels and decodes); the SVG, HTML
// and terminal renderers only draw it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wirestate/net/time.hpp"
#include "wirestate/tcp/state.hpp"
#include "wirestate/trace/event.hpp"
#include "wirestate/wire/link_type.hpp"

namespace wirestate::render {

// The captured bytes of one frame (what a pcap record holds), matched to its
// PacketEvent by number.
struct FrameBytes {
  std::uint64_t number = 0;
  net::Time time;
  std::vector<std::uint8_t> bytes;
  wire::LinkType link = wire::LinkType::kEthernet;
};

// What to draw and the limits of one build.
struct LadderOptions {
  // Connection selectors (`--conn`): a 1-based connection number in order of first
  // packet, a connection name ("c", "10.0.0.1:32768-10.0.0.2:8000"), an address
  // ("10.0.0.2"), an address and port ("10.0.0.2:8000") or a port (":8000"). Empty: all.
  std::vector<std::string> select;
  // One section per TCP connection (captures) instead of one diagram of everything.
  bool per_connection = false;
  // Draw ARP frames (with connections selected: those about the connections' addresses).
  bool arp = true;
  // Title of the diagram (scenario name or file name).
  std::string title;
  // The scenario's connection names (a run), nullptr for a capture.
  const trace::ConnNames* names = nullptr;
  // Limits: arrows drawn per section (the rest are counted in Section::omitted) and
  // sections (connections beyond it are counted in Ladder::omitted_sections).
  std::size_t max_arrows = 2000;
  std::size_t max_sections = 64;
};

// A vertical line: one host (simulation) or one address (capture).
struct Lifeline {
  std::string name;   // "client", or "10.0.0.1" (or a MAC that never sent IPv4)
  std::string ip;     // learned from the frames, "" when unknown
  std::string mac;    // learned from the frames, "" when unknown
};

// What an arrow carries.
enum class ArrowKind { kTcp, kArp, kUdp, kIcmp, kOther };

// One frame from its sender to its receiver (or to everyone: broadcast).
struct Arrow {
  std::uint64_t number = 0;
  std::size_t from = 0;                // lifeline index
  std::optional<std::size_t> to;       // lifeline index; empty for broadcast
  net::Time sent;
  ArrowKind kind = ArrowKind::kOther;
  std::string label;       // "[S] seq 0 win 65535 len 0" (tcpdump flags, relative seq/ack)
  std::string preview;     // the payload as quoted text when it is printable UTF-8: "\"你好\""
  std::string options;     // tcpdump's option list: "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7"
  std::string summary;     // the event's tcpdump -nn line
  std::string detail;      // the full decode, one field per line (HTML hover/click)
  std::uint32_t length = 0;
  bool lost = false;       // at least one copy never arrived
  std::vector<std::size_t> lost_to;  // lifelines a lost copy was meant for
  std::string drop_reason;
  bool retransmission = false;
  bool malformed = false;
  std::vector<std::string> alerts;     // "warning mac_changed: 10.0.0.2 moved from ..."
  bool alert = false;      // a warning or critical alert names this frame (highlighted)
  std::vector<std::string> anomalies;  // "retransmission: ..."
  std::string conn;        // TCP connection id "a:p-b:q" (client first), "" otherwise
};

// Where a state change is drawn relative to an arrow.
enum class Anchor { kOwnRow, kArrowStart, kArrowEnd };

// One TCP state change on one lifeline.
struct StateMark {
  std::size_t lifeline = 0;
  tcp::State from = tcp::State::kClosed;
  tcp::State to = tcp::State::kClosed;
  std::string conn;
  std::string cause;
  net::Time time;
  trace::Origin origin = trace::Origin::kEndpoint;
  Anchor anchor = Anchor::kOwnRow;
  std::size_t arrow = 0;   // index into Section::arrows when anchored to one
};

// A line of text across the diagram (an alert or anomaly tied to no drawn frame).
struct Note {
  net::Time time;
  std::string text;
  bool alert = false;
};

// One entry of the top-to-bottom order.
struct Row {
  enum class Kind { kArrow, kState, kNote, kGap };
  Kind kind = Kind::kArrow;
  std::size_t index = 0;   // into arrows, states or notes
  net::Time time;
  net::Duration skipped;   // kGap: the time left out
};

// One diagram: its lifelines and what happens between them, in order.
struct Section {
  std::string title;                 // "" for a single diagram, else the connection
  std::vector<Lifeline> lifelines;
  std::vector<Arrow> arrows;         // in wire order
  std::vector<StateMark> states;     // in trace order
  std::vector<Note> notes;
  // Arrows, states, notes and gaps top to bottom: by time, then trace order (a state the
  // passive observer inferred goes right before or after its frame). A gap row stands
  // where the time to the next row is at least ten times the section's median step (and
  // 50 ms): renderers draw it as a marked break instead of to scale.
  std::vector<Row> rows;
  net::Time origin;                  // the trace's first event: times are shown relative to it
  std::size_t omitted = 0;           // arrows beyond LadderOptions::max_arrows
};

// The whole diagram.
struct Ladder {
  std::string title;
  std::vector<Section> sections;
  std::size_t omitted_sections = 0;
  std::vector<std::string> unmatched;  // selectors that chose no connection
};

// Builds the diagram from the trace; frames (any order, may be empty) give the labels
// their relative seq/ack, window and options and the arrows their full decode. Never
// throws on odd traces: unknown frames get the event's summary as label.
Ladder build_ladder(const std::vector<trace::Event>& events, const std::vector<FrameBytes>& frames,
                    const LadderOptions& options = {});

}  // namespace wirestate::render
