#include "wirestate/io/pcap_reader.hpp"

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/pcap_bytes_support.hpp"

namespace wirestate::io {
namespace {

using testing::append;
using testing::pcap_file_header;
using testing::pcap_record;
using testing::temp_path;
using testing::write_file;

const std::string kShared = WIRESTATE_SHARED_PCAPS;

std::vector<nlohmann::json> read_oracle(const std::string& capture) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(capture + ".tshark.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

std::string field(const nlohmann::json& row, const char* name) {
  if (!row.contains(name)) return "<absent>";
  return row.at(name).at(0).get<std::string>();
}

// A 60-byte Ethernet frame of zeros: content does not matter to the reader.
const std::vector<std::uint8_t> kFrame(60, 0);

// --- Real captures ------------------------------------------------------------------

class KernelCapture : public ::testing::TestWithParam<std::string> {};

TEST_P(KernelCapture, MatchesTsharkFrameFields) {
  const std::string path = kShared + "/kernel/" + GetParam() + ".pcap";
  auto reader = PcapReader::open(path);
  ASSERT_TRUE(reader) << reader.error();
  EXPECT_EQ(reader->link_type(), 1);  // DLT_EN10MB
  const auto oracle = read_oracle(path);
  ASSERT_FALSE(oracle.empty());
  std::size_t i = 0;
  while (auto packet = reader->next()) {
    ASSERT_LT(i, oracle.size()) << "more packets than tshark saw";
    const auto& row = oracle[i++];
    EXPECT_EQ(std::to_string(packet->number), field(row, "frame.number"));
    EXPECT_EQ(packet->timestamp.to_epoch_string(), field(row, "frame.time_epoch"))
        << "packet " << packet->number;
    EXPECT_EQ(std::to_string(packet->wire_len), field(row, "frame.len"));
    EXPECT_EQ(std::to_string(packet->caplen), field(row, "frame.cap_len"));
    EXPECT_EQ(packet->data.size(), packet->caplen);
  }
  EXPECT_EQ(i, oracle.size());
  EXPECT_FALSE(reader->problem());
}

INSTANTIATE_TEST_SUITE_P(Kernel, KernelCapture,
                         ::testing::Values("arp_basic", "arp_spoof_basic", "tcp_abortive_close",
                                           "tcp_client_close_first", "tcp_half_close",
                                           "tcp_rst_closed_port", "tcp_server_close_first",
                                           "udp_icmp_frag"));

TEST(PcapReader, NanosecondFileKeepsNanoseconds) {
  const std::string path = kShared + "/public/tcpdump/tcp-handshake-nano.pcap";
  auto reader = PcapReader::open(path);
  ASSERT_TRUE(reader) << reader.error();
  EXPECT_EQ(reader->link_type(), 113);  // DLT_LINUX_SLL
  auto first = reader->next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->timestamp.ns(), 1418145369'924505488LL);
  EXPECT_EQ(first->caplen, 76U);
  auto second = reader->next();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->timestamp.to_epoch_string(), "1418145370.052027262");
  ASSERT_TRUE(reader->next());
  EXPECT_FALSE(reader->next());
  EXPECT_FALSE(reader->problem());
}

// gopacket's pcapng reader tests, little- and big-endian: files with one interface.
class GopacketPcapng : public ::testing::TestWithParam<std::string> {};

TEST_P(GopacketPcapng, MatchesTsharkFrameFields) {
  const std::string path = kShared + "/public/gopacket/pcapgo/tests/" + GetParam();
  auto reader = PcapReader::open(path);
  ASSERT_TRUE(reader) << reader.error();
  const auto oracle = read_oracle(path);
  std::size_t i = 0;
  while (auto packet = reader->next()) {
    ASSERT_LT(i, oracle.size());
    const auto& row = oracle[i++];
    EXPECT_EQ(std::to_string(packet->wire_len), field(row, "frame.len"));
    EXPECT_EQ(std::to_string(packet->caplen), field(row, "frame.cap_len"));
    // tshark prints no time for Simple Packet Blocks; libpcap gives them time 0.
    const std::string t = field(row, "frame.time_epoch");
    EXPECT_EQ(packet->timestamp.to_epoch_string(), t == "<absent>" ? "0.000000000" : t);
  }
  EXPECT_EQ(i, oracle.size());
  EXPECT_FALSE(reader->problem());
}

INSTANTIATE_TEST_SUITE_P(Pcapng, GopacketPcapng,
                         ::testing::Values("le/test001.pcapng", "be/test001.pcapng",
                                           "le/test003.pcapng", "be/test003.pcapng",
                                           "le/test007.pcapng", "be/test007.pcapng",
                                           "le/test009.pcapng", "be/test009.pcapng",
                                           "le/test010.pcapng", "be/test010.pcapng",
                                           "le/test016.pcapng", "be/test016.pcapng"),
                         [](const auto& info) {
                           std::string name = info.param.substr(0, info.param.find('.'));
                           name[name.find('/')] = '_';
                           return name;
                         });

// libpcap 1.10 accepts only one link type and snapshot length per pcapng file: a second
// interface that differs is reported as an unreadable record, after the packets before it.
TEST(PcapReader, PcapngWithMixedInterfacesStopsWithAProblem) {
  const std::string path = kShared + "/public/gopacket/pcapgo/tests/le/test005.pcapng";
  auto reader = PcapReader::open(path);
  ASSERT_TRUE(reader) << reader.error();
  ASSERT_TRUE(reader->next());
  EXPECT_FALSE(reader->next());
  ASSERT_TRUE(reader->problem());
  EXPECT_EQ(reader->problem()->kind, ReadProblem::Kind::kBadRecord);
  EXPECT_EQ(reader->problem()->packet_number, 2U);
  EXPECT_NE(reader->problem()->message.find(path), std::string::npos);
}

TEST(PcapReader, FilterKeepsFilePositionsAsNumbers) {
  const std::string path = kShared + "/kernel/arp_basic.pcap";
  auto reader = PcapReader::open(path, {.filter = "icmp"});
  ASSERT_TRUE(reader) << reader.error();
  std::vector<std::uint64_t> numbers;
  while (auto packet = reader->next()) numbers.push_back(packet->number);
  EXPECT_EQ(numbers, (std::vector<std::uint64_t>{3, 4, 11, 12}));  // as `tcpdump -r FILE icmp`
  EXPECT_FALSE(reader->problem());
}

TEST(PcapReader, BadFilterIsAnErrorQuotingIt) {
  auto reader = PcapReader::open(kShared + "/kernel/arp_basic.pcap", {.filter = "tcp port"});
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().find("'tcp port'"), std::string::npos) << reader.error();
  EXPECT_NE(reader.error().find("syntax error"), std::string::npos) << reader.error();
}

// --- Broken files, one test each -----------------------------------------------------

TEST(PcapReader, MissingFileIsAnErrorNamingIt) {
  const auto path = temp_path("missing.pcap");
  auto reader = PcapReader::open(path.string());
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().find(path.string()), std::string::npos) << reader.error();
  EXPECT_NE(reader.error().find("No such file"), std::string::npos) << reader.error();
}

TEST(PcapReader, EmptyFileIsAnError) {
  const auto path = temp_path("empty.pcap");
  write_file(path, {});
  auto reader = PcapReader::open(path.string());
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().find(path.string()), std::string::npos);
  EXPECT_NE(reader.error().find("empty file"), std::string::npos) << reader.error();
}

TEST(PcapReader, TenByteFileIsATruncatedHeader) {
  const auto path = temp_path("ten.pcap");
  auto bytes = pcap_file_header();
  bytes.resize(10);
  write_file(path, bytes);
  auto reader = PcapReader::open(path.string());
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().find(path.string()), std::string::npos);
  EXPECT_NE(reader.error().find("truncated"), std::string::npos) << reader.error();
}

TEST(PcapReader, BadMagicIsNotACapture) {
  const auto path = temp_path("magic.pcap");
  auto bytes = pcap_file_header();
  bytes[0] = 0x12;
  bytes[1] = 0x34;
  write_file(path, bytes);
  auto reader = PcapReader::open(path.string());
  ASSERT_FALSE(reader);
  EXPECT_NE(reader.error().find(path.string()), std::string::npos);
  EXPECT_NE(reader.error().find("bad magic"), std::string::npos) << reader.error();
}

TEST(PcapReader, HeaderOnlyFileHasNoPacketsAndNoProblem) {
  const auto path = temp_path("header_only.pcap");
  write_file(path, pcap_file_header());
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  EXPECT_FALSE(reader->next());
  EXPECT_FALSE(reader->problem());
}

TEST(PcapReader, HugeCaplenIsReportedAfterGoodPackets) {
  const auto path = temp_path("huge.pcap");
  auto bytes = pcap_file_header();
  append(bytes, pcap_record(1, 0, 60, 60, kFrame));
  append(bytes, pcap_record(2, 0, 0x7fffffffU, 60, kFrame));
  write_file(path, bytes);
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  ASSERT_TRUE(reader->next());
  EXPECT_FALSE(reader->next());
  ASSERT_TRUE(reader->problem());
  EXPECT_EQ(reader->problem()->packet_number, 2U);
  EXPECT_EQ(reader->problem()->record_offset, 24 + 16 + 60);
  EXPECT_NE(reader->problem()->message.find(path.string()), std::string::npos);
}

TEST(PcapReader, CaplenAboveWireLengthDoesNotCrash) {
  const auto path = temp_path("caplen_gt_len.pcap");
  auto bytes = pcap_file_header();
  append(bytes, pcap_record(1, 0, 60, 20, kFrame));
  append(bytes, pcap_record(2, 0, 60, 60, kFrame));
  write_file(path, bytes);
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  // libpcap 1.10 passes such a record through as stored; the data span is caplen bytes.
  auto first = reader->next();
  if (first) {
    EXPECT_EQ(first->data.size(), first->caplen);
    EXPECT_EQ(first->wire_len, 20U);
    auto second = reader->next();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->number, 2U);
    EXPECT_FALSE(reader->problem());
  } else {
    ASSERT_TRUE(reader->problem());  // or rejected cleanly, naming the record
    EXPECT_EQ(reader->problem()->packet_number, 1U);
  }
}

TEST(PcapReader, FileCutInsidePacketYieldsGoodPacketsThenTheOffset) {
  const auto path = temp_path("cut.pcap");
  auto bytes = pcap_file_header(1, false);
  append(bytes, pcap_record(10, 1, 60, 60, kFrame));
  append(bytes, pcap_record(11, 2, 60, 60, kFrame));
  append(bytes, pcap_record(12, 3, 60, 60, kFrame));
  const std::size_t cut = bytes.size() - 25;  // inside the third packet's data
  bytes.resize(cut);
  write_file(path, bytes);
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  auto a = reader->next();
  auto b = reader->next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->timestamp.ns(), 10'000'001'000LL);
  EXPECT_EQ(b->number, 2U);
  EXPECT_FALSE(reader->next());
  ASSERT_TRUE(reader->problem());
  const auto& problem = *reader->problem();
  EXPECT_EQ(problem.kind, ReadProblem::Kind::kTruncated);
  EXPECT_EQ(problem.packet_number, 3U);
  EXPECT_EQ(problem.byte_offset, static_cast<std::int64_t>(cut));
  EXPECT_EQ(problem.record_offset, 24 + 2 * (16 + 60));
  EXPECT_NE(problem.message.find(path.string()), std::string::npos);
  EXPECT_NE(problem.message.find("byte offset " + std::to_string(cut)), std::string::npos)
      << problem.message;
}

TEST(PcapReader, FileCutInsideRecordHeaderIsTruncation) {
  const auto path = temp_path("cut_header.pcap");
  auto bytes = pcap_file_header();
  append(bytes, pcap_record(10, 0, 60, 60, kFrame));
  append(bytes, pcap_record(11, 0, 60, 60, kFrame));
  bytes.resize(24 + 76 + 7);  // 7 bytes of the second record header
  write_file(path, bytes);
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  ASSERT_TRUE(reader->next());
  EXPECT_FALSE(reader->next());
  ASSERT_TRUE(reader->problem());
  EXPECT_EQ(reader->problem()->kind, ReadProblem::Kind::kTruncated);
  EXPECT_EQ(reader->problem()->byte_offset, 24 + 76 + 7);
}

}  // namespace
}  // namespace wirestate::io
