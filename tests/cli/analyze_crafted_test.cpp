// `wirestate analyze --json` on captures crafted with the wire frame builders and written
// with io::PcapWriter, one per real-capture situation of issue 6: mid-connection start,
// retransmitted SYN, SYN-ACK with a different ISN, FIN before the last data, lone RST,
// RST in and out of the window, bad checksum, keep-alive with a garbage byte, port reuse,
// simultaneous open and close, half-close. Client 10.0.0.1:40000, server 10.0.0.2:80,
// ISNs 100 (client) and 300 (server) unless a test says otherwise.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_json_support.hpp"
#include "support/process.hpp"
#include "support/scratch.hpp"
#include "wirestate/io/pcap_writer.hpp"
#include "wirestate/wire/frame_builder.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace wirestate;

const net::MacAddr kClientMac({0x02, 0, 0, 0, 0, 0x01});
const net::MacAddr kServerMac({0x02, 0, 0, 0, 0, 0x02});

wire::TcpFlags flags_of(std::string_view text) {
  wire::TcpFlags f;
  for (char c : text) {
    if (c == 'S') f.bits |= wire::TcpFlags::kSyn;
    if (c == 'F') f.bits |= wire::TcpFlags::kFin;
    if (c == 'R') f.bits |= wire::TcpFlags::kRst;
    if (c == 'P') f.bits |= wire::TcpFlags::kPsh;
    if (c == '.') f.bits |= wire::TcpFlags::kAck;
  }
  return f;
}

// A capture under construction: frames at given milliseconds, written on analyze().
class Capture {
 public:
  // One segment: C (client) or S (server) sends it.
  Capture& seg(char from, std::string_view flags, std::uint32_t seq, std::uint32_t ack, std::size_t len = 0,
               double ms = -1, std::uint16_t client_port = 40000, bool bad_checksum = false) {
    const bool c = from == 'C';
    wire::Ipv4Repr ip;
    ip.src = c ? net::Ipv4Addr(10, 0, 0, 1) : net::Ipv4Addr(10, 0, 0, 2);
    ip.dst = c ? net::Ipv4Addr(10, 0, 0, 2) : net::Ipv4Addr(10, 0, 0, 1);
    ip.id = static_cast<std::uint16_t>(frames_.size());
    wire::TcpRepr t;
    t.src_port = c ? client_port : 80;
    t.dst_port = c ? 80 : client_port;
    t.seq = net::SeqNum(seq);
    t.ack = net::SeqNum(ack);
    t.flags = flags_of(flags);
    t.window = 64240;
    const std::vector<std::uint8_t> payload(len, 0x78);
    wire::ChecksumOverrides o;
    if (bad_checksum) o.transport = 0xbad0;
    frames_.push_back(wire::build_tcp_frame({c ? kClientMac : kServerMac, c ? kServerMac : kClientMac, {}, false},
                                            ip, t, payload, o));
    now_ms_ = ms >= 0 ? ms : now_ms_ + 1;
    times_.push_back(now_ms_);
    return *this;
  }
  Capture& handshake() { return seg('C', "S", 100, 0).seg('S', "S.", 300, 101).seg('C', ".", 101, 301); }

  // Writes the capture and returns `analyze --json`'s document (fails the test on errors).
  json analyze(const std::string& name, const std::string& options = "") {
    const fs::path dir = wirestate::test::scratch_dir();
    fs::create_directories(dir);
    const std::string path = (dir / (name + ".pcap")).string();
    {
      auto w = io::PcapWriter::open(path);
      EXPECT_TRUE(w.has_value());
      if (!w) return json();
      for (std::size_t i = 0; i < frames_.size(); ++i) {
        const auto t = net::Time::from_ns(1'700'000'000'000'000'000 + static_cast<std::int64_t>(times_[i] * 1e6));
        EXPECT_TRUE(w->write(t, frames_[i]).has_value());
      }
    }
    const auto o = wirestate::test::run_wirestate("analyze --json " + options + " " + path);
    fs::remove_all(dir);
    EXPECT_EQ(o.rc, 0) << o.out;
    return json::parse(o.out, nullptr, false);
  }

 private:
  std::vector<std::vector<std::uint8_t>> frames_;
  std::vector<double> times_;
  double now_ms_ = 0;
};

std::vector<std::string> path(std::initializer_list<const char*> names) { return {names.begin(), names.end()}; }

using wirestate::test::side_states;

std::uint64_t anomaly(const json& conn, const char* name) {
  const auto& a = conn.at("anomalies");
  return a.contains(name) ? a.at(name).get<std::uint64_t>() : 0;
}

TEST(AnalyzeCrafted, MidConnectionStartIsPartialAndStartsEstablished) {
  Capture c;
  c.seg('S', "P.", 7000, 5000, 100).seg('C', ".", 5000, 7100).seg('C', "F.", 5000, 7100);
  c.seg('S', "F.", 7100, 5001).seg('C', ".", 5001, 7101);
  const auto doc = c.analyze("mid_connection");
  ASSERT_EQ(doc["connections"].size(), 1U);
  const auto& conn = doc["connections"][0];
  EXPECT_TRUE(conn["partial"].get<bool>());
  // No SYN seen: port 80 against 40000 makes 10.0.0.2 the server, although it sent first.
  EXPECT_EQ(conn["client"]["ip"], "10.0.0.1");
  EXPECT_EQ(conn["server"]["port"], 80);
  EXPECT_EQ(side_states(conn, "client"), path({"ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
  EXPECT_EQ(side_states(conn, "server"), path({"ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
  EXPECT_TRUE(conn["handshake_rtt"].is_null());
}

TEST(AnalyzeCrafted, RetransmittedSynIsOneConnection) {
  Capture c;
  c.seg('C', "S", 100, 0, 0, 0).seg('C', "S", 100, 0, 0, 1000).seg('S', "S.", 300, 101).seg('C', ".", 101, 301);
  const auto doc = c.analyze("syn_retransmission");
  ASSERT_EQ(doc["connections"].size(), 1U);
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(anomaly(conn, "syn_retransmission"), 1U);
  EXPECT_EQ(side_states(conn, "client"), path({"CLOSED", "SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(side_states(conn, "server"), path({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
  EXPECT_EQ(conn["history"], "ShA");
}

TEST(AnalyzeCrafted, SynAckWithADifferentIsnIsFlaggedAndFollowed) {
  Capture c;
  c.seg('C', "S", 100, 0).seg('S', "S.", 300, 101).seg('S', "S.", 9000, 101, 0, 1000).seg('C', ".", 101, 9001);
  const auto doc = c.analyze("synack_isn");
  ASSERT_EQ(doc["connections"].size(), 1U);
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(anomaly(conn, "synack_isn_changed"), 1U);
  EXPECT_EQ(side_states(conn, "client"), path({"CLOSED", "SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(side_states(conn, "server"), path({"LISTEN", "SYN_RECEIVED", "ESTABLISHED"}));
}

TEST(AnalyzeCrafted, FinBeforeTheLastDataWaitsForTheData) {
  Capture c;
  c.handshake().seg('C', "F.", 201, 301).seg('S', ".", 301, 101).seg('C', "P.", 101, 301, 100).seg('S', ".", 301, 202);
  const auto doc = c.analyze("fin_before_data");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(side_states(conn, "server"), path({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT"}));
  EXPECT_EQ(side_states(conn, "client"), path({"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2"}));
  EXPECT_EQ(anomaly(conn, "lost_segment"), 1U);
  EXPECT_EQ(conn["client"]["bytes"], 100);
}

TEST(AnalyzeCrafted, LoneRstIsBackscatter) {
  Capture c;
  c.seg('S', "R.", 300, 101);
  const auto doc = c.analyze("lone_rst");
  ASSERT_EQ(doc["connections"].size(), 1U);
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(anomaly(conn, "lone_rst"), 1U);
  EXPECT_EQ(side_states(conn, "client"), path({"CLOSED"}));
  EXPECT_EQ(side_states(conn, "server"), path({"CLOSED"}));
}

TEST(AnalyzeCrafted, RstAtTheNextSequenceNumberClosesBothSides) {
  Capture c;
  c.handshake().seg('S', "R", 301, 0);  // exactly the client's RCV.NXT
  const auto doc = c.analyze("rst_exact");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(conn["client"]["final"], "CLOSED");
  EXPECT_EQ(conn["server"]["final"], "CLOSED");
  EXPECT_EQ(conn["conn_state"], "RSTR");
  EXPECT_EQ(anomaly(conn, "rst_out_of_window"), 0U);
}

// RFC 5961 §3.2: inside the window but not at RCV.NXT, the receiver answers with a challenge
// ACK and keeps the connection.
TEST(AnalyzeCrafted, RstInsideTheWindowButNotExactClosesNothing) {
  Capture c;
  c.handshake().seg('S', "R", 401, 0);
  const auto doc = c.analyze("rst_in_window");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(conn["client"]["final"], "ESTABLISHED");
  EXPECT_EQ(conn["server"]["final"], "ESTABLISHED");
  EXPECT_EQ(anomaly(conn, "rst_not_exact"), 1U);
  EXPECT_EQ(anomaly(conn, "rst_out_of_window"), 0U);
}

TEST(AnalyzeCrafted, RstOutsideTheWindowMovesNoState) {
  Capture c;
  c.handshake().seg('S', "R", 301 + 1'000'000, 0);
  const auto doc = c.analyze("rst_out_of_window");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(conn["client"]["final"], "ESTABLISHED");
  EXPECT_EQ(conn["server"]["final"], "ESTABLISHED");
  EXPECT_EQ(anomaly(conn, "rst_out_of_window"), 1U);
}

// A handshake, then the client's FIN with a bad TCP checksum: `analyze --json OPTIONS`.
json bad_checksum_fin(const std::string& name, const std::string& options) {
  Capture c;
  c.handshake().seg('C', "F.", 101, 301, 0, -1, 40000, /*bad_checksum=*/true);
  return c.analyze(name, options);
}

// tcpdump's and Wireshark's default: a bad checksum is flagged and counted, and the segment
// still counts (the capture may have been taken before checksum offload).
TEST(AnalyzeCrafted, BadChecksumIsFlaggedAndStillMovesState) {
  const auto doc = bad_checksum_fin("bad_checksum", "");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(conn["client"]["final"], "FIN_WAIT_1");
  EXPECT_EQ(anomaly(conn, "bad_checksum"), 1U);
  EXPECT_EQ(doc["malformed"], 1);
  EXPECT_EQ(doc["malformed_by_kind"]["tcp.bad_checksum"], 1);
}

TEST(AnalyzeCrafted, BadChecksumMovesNoStateWithVerifyChecksums) {
  const auto doc = bad_checksum_fin("bad_checksum_enforced", "--verify-checksums");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(conn["client"]["final"], "ESTABLISHED");
  EXPECT_EQ(anomaly(conn, "bad_checksum"), 1U);
}

TEST(AnalyzeCrafted, BadChecksumIsNotLookedAtWithK) {
  const auto doc = bad_checksum_fin("bad_checksum_skipped", "-K");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(conn["client"]["final"], "FIN_WAIT_1");
  EXPECT_EQ(anomaly(conn, "bad_checksum"), 0U);
  EXPECT_EQ(doc["malformed"], 0);
}

TEST(AnalyzeCrafted, KeepAlivesWithAndWithoutAGarbageByteMoveNoState) {
  Capture c;
  c.handshake().seg('C', "P.", 101, 301, 10).seg('S', ".", 301, 111);
  c.seg('C', ".", 110, 301, 0, 7500).seg('S', ".", 301, 111).seg('C', ".", 110, 301, 1, 15000);
  const auto doc = c.analyze("keep_alive");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(anomaly(conn, "keep_alive"), 2U);
  EXPECT_EQ(anomaly(conn, "retransmission"), 0U);
  EXPECT_EQ(conn["client"]["final"], "ESTABLISHED");
  EXPECT_EQ(conn["server"]["final"], "ESTABLISHED");
}

TEST(AnalyzeCrafted, PortReuseAfterTimeWaitIsASecondConnection) {
  Capture c;
  c.handshake().seg('C', "F.", 101, 301).seg('S', "F.", 301, 102).seg('C', ".", 102, 302);
  c.seg('C', "S", 50'000, 0, 0, 1000).seg('S', "S.", 70'000, 50'001).seg('C', ".", 50'001, 70'001);
  const auto doc = c.analyze("port_reuse");
  ASSERT_EQ(doc["connections"].size(), 2U);
  const auto& first = doc["connections"][0];
  const auto& second = doc["connections"][1];
  EXPECT_EQ(first["client"]["final"], "TIME_WAIT");
  EXPECT_EQ(second["client"]["port"], first["client"]["port"]);
  EXPECT_EQ(side_states(second, "client"), path({"CLOSED", "SYN_SENT", "ESTABLISHED"}));
  EXPECT_EQ(anomaly(second, "reused_ports"), 1U);
  EXPECT_EQ(doc["tcp_table"]["retired_reused"], 1);
}

TEST(AnalyzeCrafted, SimultaneousOpenGoesThroughSynReceivedOnBothSides) {
  Capture c;
  c.seg('C', "S", 100, 0).seg('S', "S", 300, 0).seg('C', "S.", 100, 301).seg('S', "S.", 300, 101);
  const auto doc = c.analyze("simultaneous_open");
  const auto& conn = doc["connections"][0];
  const auto expected = path({"CLOSED", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED"});
  EXPECT_EQ(side_states(conn, "client"), expected);
  EXPECT_EQ(side_states(conn, "server"), expected);
}

TEST(AnalyzeCrafted, SimultaneousCloseGoesThroughClosingOnBothSides) {
  Capture c;
  c.handshake().seg('C', "F.", 101, 301).seg('S', "F.", 301, 101).seg('C', ".", 102, 302).seg('S', ".", 302, 102);
  const auto doc = c.analyze("simultaneous_close");
  const auto& conn = doc["connections"][0];
  for (const char* side : {"client", "server"}) {
    const auto s = side_states(conn, side);
    ASSERT_GE(s.size(), 4U);
    EXPECT_EQ(std::vector<std::string>(s.end() - 4, s.end()),
              path({"ESTABLISHED", "FIN_WAIT_1", "CLOSING", "TIME_WAIT"}))
        << side;
  }
}

TEST(AnalyzeCrafted, HalfCloseLetsTheServerKeepSending) {
  Capture c;
  c.handshake().seg('C', "F.", 101, 301).seg('S', ".", 301, 102).seg('S', "P.", 301, 102, 1000);
  c.seg('C', ".", 102, 1301).seg('S', "P.", 1301, 102, 1000).seg('C', ".", 102, 2301);
  c.seg('S', "F.", 2301, 102).seg('C', ".", 102, 2302);
  const auto doc = c.analyze("half_close");
  const auto& conn = doc["connections"][0];
  EXPECT_EQ(side_states(conn, "client"), path({"CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"}));
  EXPECT_EQ(side_states(conn, "server"), path({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"}));
  EXPECT_EQ(conn["server"]["bytes"], 2000);
  EXPECT_EQ(conn["conn_state"], "SF");
}

}  // namespace
