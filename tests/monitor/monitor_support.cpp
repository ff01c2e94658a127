#include "monitor/monitor_support.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "wirestate/io/pcap_reader.hpp"

namespace wirestate::monitor::testing {

FileRun run_file(const std::string& path, MonitorConfig config) { return run_file(path, std::move(config), {}); }

FileRun run_file(const std::string& path, MonitorConfig config, const AfterFrame& after_frame) {
  FileRun run{Monitor(std::move(config)), {}, 0, true, true, {}};
  auto reader = io::PcapReader::open(path);
  if (!reader) {
    run.read_ok = false;
    run.error = reader.error();
    return run;
  }
  net::Time last;
  if (after_frame) after_frame(0, run.monitor);
  while (auto p = reader->next()) {
    run.monitor.on_frame({p->data, wire::link_type_from_dlt(p->link_type), p->wire_len, p->number, p->timestamp},
                         run.events);
    last = p->timestamp;
    ++run.packets;
    if (after_frame) after_frame(run.packets, run.monitor);
  }
  if (reader->problem()) {
    run.complete = false;
    run.error = reader->problem()->message;
  }
  run.monitor.finish(last, run.events);
  return run;
}

std::vector<std::string> names_of(const std::vector<tcp::State>& path) {
  std::vector<std::string> out;
  for (auto s : path) out.emplace_back(tcp::to_string(s));
  return out;
}

std::vector<trace::TcpStateEvent> state_events(const std::vector<trace::Event>& events, const std::string& conn,
                                               net::Side side) {
  std::vector<trace::TcpStateEvent> out;
  for (const auto& e : events) {
    const auto* s = std::get_if<trace::TcpStateEvent>(&e.body);
    if (s && s->conn.endpoints_text() == conn && s->side == side) {
      out.push_back(*s);
    }
  }
  return out;
}

wire::TcpFlags flags_of(std::string_view text) {
  wire::TcpFlags f;
  for (char c : text) {
    switch (c) {
      case 'S': f.bits |= wire::TcpFlags::kSyn; break;
      case 'F': f.bits |= wire::TcpFlags::kFin; break;
      case 'R': f.bits |= wire::TcpFlags::kRst; break;
      case 'P': f.bits |= wire::TcpFlags::kPsh; break;
      case '.': f.bits |= wire::TcpFlags::kAck; break;
      default: break;
    }
  }
  return f;
}

namespace {
const net::MacAddr kClientMac({0x02, 0, 0, 0, 0, 0x01});
const net::MacAddr kServerMac({0x02, 0, 0, 0, 0, 0x02});
const net::Ipv4Addr kClientIp(10, 0, 0, 1);
const net::Ipv4Addr kServerIp(10, 0, 0, 2);
}  // namespace

std::vector<std::uint8_t> Crafter::tcp(bool from_client, std::string_view flags, std::uint32_t seq,
                                       std::uint32_t ack, std::vector<std::uint8_t> payload,
                                       std::uint16_t client_port, std::uint16_t server_port) {
  wire::EthernetSpec eth{from_client ? kClientMac : kServerMac, from_client ? kServerMac : kClientMac, {}, false};
  wire::Ipv4Repr ip;
  ip.src = from_client ? kClientIp : kServerIp;
  ip.dst = from_client ? kServerIp : kClientIp;
  wire::TcpRepr t;
  t.src_port = from_client ? client_port : server_port;
  t.dst_port = from_client ? server_port : client_port;
  t.seq = net::SeqNum(seq);
  t.ack = net::SeqNum(ack);
  t.flags = flags_of(flags);
  t.window = 64240;
  return wire::build_tcp_frame(eth, ip, t, payload);
}

std::vector<std::uint8_t> Crafter::udp(bool from_client, std::size_t payload_len, std::uint16_t client_port,
                                       std::uint16_t server_port) {
  wire::EthernetSpec eth{from_client ? kClientMac : kServerMac, from_client ? kServerMac : kClientMac, {}, false};
  wire::Ipv4Repr ip;
  ip.src = from_client ? kClientIp : kServerIp;
  ip.dst = from_client ? kServerIp : kClientIp;
  wire::UdpRepr u;
  u.src_port = from_client ? client_port : server_port;
  u.dst_port = from_client ? server_port : client_port;
  std::vector<std::uint8_t> payload(payload_len, 0x61);
  return wire::build_udp_frame(eth, ip, u, payload);
}

void Crafter::feed(Monitor& m, const std::vector<std::uint8_t>& frame, double ms, std::vector<trace::Event>& out) {
  ++packets;
  m.on_frame({frame, wire::LinkType::kEthernet, 0, packets,
              net::Time::from_ns(static_cast<std::int64_t>(ms * 1e6))},
             out);
}

std::filesystem::path kernel_dir() { return std::filesystem::path(WIRESTATE_SHARED_PCAPS) / "kernel"; }

nlohmann::json kernel_sidecar(const std::string& name) {
  std::ifstream in(kernel_dir() / (name + ".json"));
  if (!in) {
    ADD_FAILURE() << "no sidecar " << (kernel_dir() / (name + ".json"));
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(in);
}

}  // namespace wirestate::monitor::testing
