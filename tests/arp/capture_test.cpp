// Real Linux captures (../shared/pcaps/kernel): the detector against their sidecars.
// The ARP frames are read from the independent tshark oracle X.pcap.tshark.jsonl, so
// this test needs neither the wire decoder nor the pcap reader (tests/arp links only
// wirestate_arp).
#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "wirestate/arp/spoof_detector.hpp"

namespace wirestate::arp {
namespace {

using nlohmann::json;

const std::string kDir = std::string(WIRESTATE_SHARED_PCAPS) + "/kernel/";

net::Time parse_epoch(const std::string& s) {
  // "1795639264.894844000" (tshark prints 9 decimals)
  const auto dot = s.find('.');
  std::int64_t secs = std::stoll(s.substr(0, dot));
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  frac.resize(9, '0');
  return net::Time::from_ns(secs * 1000000000 + std::stoll(frac));
}

std::string first(const json& row, const char* field) { return row.at(field).at(0).get<std::string>(); }

net::MacAddr mac_of(const std::string& s) { return *net::MacAddr::parse(s); }
net::Ipv4Addr ip_of(const std::string& s) { return *net::Ipv4Addr::parse(s); }

// The ARP frames of a capture, from its tshark oracle.
std::vector<ArpFrame> arp_frames(const std::string& pcap) {
  std::ifstream in(kDir + pcap + ".tshark.jsonl");
  EXPECT_TRUE(in) << "cannot open " << kDir + pcap + ".tshark.jsonl";
  std::vector<ArpFrame> frames;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json row = json::parse(line);
    if (!row.contains("arp.opcode")) continue;
    ArpFrame f;
    f.number = std::stoull(first(row, "frame.number"));
    f.time = parse_epoch(first(row, "frame.time_epoch"));
    f.eth_src = mac_of(first(row, "eth.src"));
    f.eth_dst = mac_of(first(row, "eth.dst"));
    f.arp.op = first(row, "arp.opcode") == "2" ? wire::ArpOp::kReply : wire::ArpOp::kRequest;
    f.arp.sender_mac = mac_of(first(row, "arp.src.hw_mac"));
    f.arp.sender_ip = ip_of(first(row, "arp.src.proto_ipv4"));
    f.arp.target_mac = mac_of(first(row, "arp.dst.hw_mac"));
    f.arp.target_ip = ip_of(first(row, "arp.dst.proto_ipv4"));
    frames.push_back(f);
  }
  return frames;
}

json sidecar(const std::string& name) {
  std::ifstream in(kDir + name);
  EXPECT_TRUE(in) << "cannot open " << kDir + name;
  return json::parse(in);
}

std::vector<Alert> run(const std::vector<ArpFrame>& frames) {
  SpoofDetector d;
  std::vector<Alert> alerts;
  for (const auto& f : frames) d.observe(f, alerts);
  return alerts;
}

std::set<std::uint64_t> frame_set(const json& list) {
  std::set<std::uint64_t> out;
  for (const auto& e : list) out.insert(e.at("frame").get<std::uint64_t>());
  return out;
}

TEST(KernelCapture, ArpBasicRaisesNothingButNewStation) {
  const auto frames = arp_frames("arp_basic.pcap");
  ASSERT_EQ(frames.size(), 29u);  // 33 packets, 4 of them ICMP
  const auto alerts = run(frames);
  const json arp = sidecar("arp_basic.json").at("arp");
  ASSERT_TRUE(arp.at("expected_alerts").empty());
  std::set<net::Ipv4Addr> stations;
  for (const auto& a : alerts) {
    EXPECT_EQ(a.rule, Rule::kNewStation) << "frame " << a.packet << ": " << a.message;
    stations.insert(a.ip);
  }
  // One new_station per true binding, and nothing on the benign frames.
  EXPECT_EQ(stations.size(), arp.at("true_bindings").size());
  const auto benign = frame_set(arp.at("benign_frames_must_not_alert"));
  EXPECT_EQ(benign.size(), 4u);
  for (const auto& a : alerts) EXPECT_FALSE(benign.contains(a.packet)) << a.message;
}

TEST(KernelCapture, ArpSpoofBasicRaisesTheSidecarsExpectedAlerts) {
  const auto frames = arp_frames("arp_spoof_basic.pcap");
  ASSERT_EQ(frames.size(), 11u);
  const auto alerts = run(frames);
  const json arp = sidecar("arp_spoof_basic.json").at("arp");
  const auto& expected = arp.at("expected_alerts");
  ASSERT_FALSE(expected.empty());
  for (const auto& e : expected) {
    const auto frame = e.at("frame").get<std::uint64_t>();
    const auto ip = ip_of(e.at("ip").get<std::string>());
    const auto old_mac = mac_of(e.at("old_mac").get<std::string>());
    const auto new_mac = mac_of(e.at("new_mac").get<std::string>());
    const bool found = std::any_of(alerts.begin(), alerts.end(), [&](const Alert& a) {
      return a.packet == frame && a.rule == Rule::kMacChanged && a.ip == ip &&
             a.old_mac == old_mac && a.new_mac == new_mac;
    });
    EXPECT_TRUE(found) << "no mac_changed at frame " << frame << " for " << e.dump();
  }
  // Every non-informational alert is on a forged frame, or is the owner restoring its
  // binding (which alert_semantics allows to be flagged as flip_flop).
  const auto forged = frame_set(arp.at("forged_frames"));
  std::set<std::uint64_t> restores;
  for (const auto& c : arp.at("binding_changes")) {
    if (c.at("restores_true_binding").get<bool>()) restores.insert(c.at("frame").get<std::uint64_t>());
  }
  const auto benign = frame_set(arp.at("benign_frames_must_not_alert"));
  for (const auto& a : alerts) {
    if (a.severity == Severity::kInfo) continue;
    EXPECT_FALSE(benign.contains(a.packet)) << a.message;
    if (forged.contains(a.packet)) continue;
    EXPECT_TRUE(restores.contains(a.packet) && a.rule == Rule::kFlipFlop)
        << "unexpected " << to_string(a.rule) << " at frame " << a.packet << ": " << a.message;
  }
}

}  // namespace
}  // namespace wirestate::arp
