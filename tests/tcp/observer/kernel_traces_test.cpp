// The observer against real Linux TCP traces (../shared/pcaps/kernel/tcp_*.pcap): the
// inferred state paths and final states must equal the sidecar's ground truth, and the
// anomaly flags must equal tshark's (the kernel traces are clean, so both are empty).
// Packets come from the tshark JSONL oracle, not from wirestate's decoder.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tcp/observer/observer_support.hpp"

namespace wirestate::tcp::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kKernel = fs::path(WIRESTATE_SHARED_PCAPS) / "kernel";

std::vector<std::string> trace_names() {
  std::vector<std::string> names;
  if (!fs::exists(kKernel)) return names;
  for (const auto& e : fs::directory_iterator(kKernel)) {
    const auto name = e.path().filename().string();
    if (name.starts_with("tcp_") && e.path().extension() == ".pcap") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> names_of(const std::vector<State>& path) {
  std::vector<std::string> out;
  for (auto s : path) out.emplace_back(to_string(s));
  return out;
}

class KernelTrace : public ::testing::TestWithParam<std::string> {};

TEST_P(KernelTrace, StatesAndFinalStatesMatchTheSidecar) {
  const std::string name = GetParam();
  std::ifstream in(kKernel / (name + ".json"));
  ASSERT_TRUE(in.good()) << name;
  const auto sidecar = nlohmann::json::parse(in);
  const auto packets = load_oracle((kKernel / (name + ".pcap.tshark.jsonl")).string());
  ASSERT_FALSE(packets.empty());

  Harness h;
  for (const auto& p : packets) h.feed(p.seg);
  const auto conns = h.observer.connections();
  ASSERT_EQ(conns.size(), sidecar["connections"].size()) << name;

  for (const auto& expected : sidecar["connections"]) {
    const auto cip = net::Ipv4Addr::parse(expected["client"]["ip"].get<std::string>()).value();
    const auto cport = expected["client"]["port"].get<std::uint16_t>();
    const auto it = std::find_if(conns.begin(), conns.end(), [&](const ConnectionSummary& c) {
      return c.client.addr == net::IpAddr(cip) && c.client.port == cport;
    });
    ASSERT_NE(it, conns.end()) << name << ": no connection with client port " << cport;
    const auto& es = expected["expected_states"];
    EXPECT_EQ(names_of(it->client_states), es["client"].get<std::vector<std::string>>()) << name << " client";
    EXPECT_EQ(names_of(it->server_states), es["server"].get<std::vector<std::string>>()) << name << " server";
    EXPECT_EQ(std::string(to_string(it->client_states.back())), expected["expected_final"]["client"].get<std::string>());
    EXPECT_EQ(std::string(to_string(it->server_states.back())), expected["expected_final"]["server"].get<std::string>());
    EXPECT_FALSE(it->partial);

    // Each FIN the capture facts list moves its sender at exactly that packet; each RST
    // moves some endpoint there (a refused SYN's RST closes only the client).
    const auto& facts = expected["capture_facts"];
    std::set<std::uint64_t> any_side;
    for (auto side : {ConnSide::kClient, ConnSide::kServer}) {
      for (const auto& e : h.transitions(it->id, side)) any_side.insert(e.packet);
    }
    for (const auto& [dir, side] : {std::pair{"c2s", ConnSide::kClient}, std::pair{"s2c", ConnSide::kServer}}) {
      std::set<std::uint64_t> own;
      for (const auto& e : h.transitions(it->id, side)) own.insert(e.packet);
      for (const auto& frame : facts[dir]["fin"]) {
        EXPECT_TRUE(own.count(frame.get<std::uint64_t>()))
            << name << ": " << to_string(side) << " FIN at frame " << frame << " moved no state of its sender";
      }
      for (const auto& frame : facts[dir]["rst"]) {
        EXPECT_TRUE(any_side.count(frame.get<std::uint64_t>())) << name << ": RST at frame " << frame << " moved no state";
      }
    }
  }
}

TEST_P(KernelTrace, AnomalyFlagsMatchTshark) {
  const std::string name = GetParam();
  const auto packets = load_oracle((kKernel / (name + ".pcap.tshark.jsonl")).string());
  Harness h;
  for (const auto& p : packets) h.feed(p.seg);
  static const std::set<Anomaly> kOurOwn = {Anomaly::kBadChecksum, Anomaly::kRstOutOfWindow, Anomaly::kLoneRst,
                                            Anomaly::kSynAckIsnChanged, Anomaly::kSynRetransmission};
  for (const auto& p : packets) {
    std::set<Anomaly> ours;
    for (auto a : h.anomalies_of(p.seg.packet)) {
      if (!kOurOwn.count(a)) ours.insert(a);
    }
    const std::set<Anomaly> theirs(p.tshark_flags.begin(), p.tshark_flags.end());
    EXPECT_EQ(ours, theirs) << name << " frame " << p.seg.packet;
  }
}

TEST_P(KernelTrace, ZeekConnStateFollowsTheCloseType) {
  const std::string name = GetParam();
  std::ifstream in(kKernel / (name + ".json"));
  const auto sidecar = nlohmann::json::parse(in);
  const auto packets = load_oracle((kKernel / (name + ".pcap.tshark.jsonl")).string());
  Harness h;
  for (const auto& p : packets) h.feed(p.seg);
  for (const auto& c : h.observer.connections()) {
    const auto it = std::find_if(sidecar["connections"].begin(), sidecar["connections"].end(), [&](const auto& e) {
      return e["client"]["port"].template get<std::uint16_t>() == c.client.port;
    });
    ASSERT_NE(it, sidecar["connections"].end());
    const std::string type = (*it)["close_type"].get<std::string>();
    // Zeek's letters come in packet order: who sent the first FIN shows in the history.
    const std::string closer = (*it)["first_closer"].get<std::string>();
    if (type == "fin") {
      EXPECT_EQ(c.conn_state, "SF") << name;
      EXPECT_EQ(c.history, closer == "client" ? "ShADadFf" : "ShADadfF") << name;
    } else if (type == "fin_half_close") {
      EXPECT_EQ(c.conn_state, "SF") << name;
      EXPECT_EQ(c.history, "ShADFadf") << name;  // the client's FIN follows its request
    } else if (type == "rst_refused") {
      EXPECT_EQ(c.conn_state, "REJ") << name;
      EXPECT_EQ(c.history, "Sr") << name;
    } else if (type == "rst_abort_linger0") {
      EXPECT_EQ(c.conn_state, "RSTO") << name;
      EXPECT_EQ(c.history, "ShADadR") << name;
    } else {
      ADD_FAILURE() << "unknown close_type " << type;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernel, KernelTrace, ::testing::ValuesIn(trace_names()),
                         [](const auto& info) { return info.param; });

TEST(KernelTraces, AllFiveTcpTracesArePresent) {
  EXPECT_EQ(trace_names().size(), 5U) << kKernel;
}

}  // namespace
}  // namespace wirestate::tcp::testing
