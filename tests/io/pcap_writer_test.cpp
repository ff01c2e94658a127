#include "wirestate/io/pcap_writer.hpp"

#include <filesystem>
#include <vector>

#include <gtest/gtest.h>

#include "io/pcap_bytes_support.hpp"
#include "wirestate/io/pcap_reader.hpp"

namespace wirestate::io {
namespace {

using testing::temp_path;

std::vector<std::uint8_t> frame(std::size_t n, std::uint8_t fill) {
  return std::vector<std::uint8_t>(n, fill);
}

TEST(PcapWriter, MicrosecondRoundTrip) {
  const auto path = temp_path("micro.pcap");
  {
    auto writer = PcapWriter::open(path.string());
    ASSERT_TRUE(writer) << writer.error();
    ASSERT_TRUE(writer->write(net::Time::from_ns(1'700'000'000'123'456'789LL), frame(60, 1)));
    ASSERT_TRUE(writer->write(net::Time::from_ns(1'700'000'001'000'000'000LL), frame(100, 2), 1500));
    EXPECT_EQ(writer->packets_written(), 2U);
  }
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  EXPECT_EQ(reader->link_type(), 1);
  auto a = reader->next();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->timestamp.ns(), 1'700'000'000'123'456'000LL);  // rounded down to the us
  EXPECT_EQ(a->caplen, 60U);
  EXPECT_EQ(a->wire_len, 60U);
  EXPECT_EQ(a->data[0], 1);
  auto b = reader->next();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->caplen, 100U);
  EXPECT_EQ(b->wire_len, 1500U);
  EXPECT_EQ(b->data[99], 2);
  EXPECT_FALSE(reader->next());
  EXPECT_FALSE(reader->problem());
}

TEST(PcapWriter, NanosecondRoundTripKeepsNanoseconds) {
  const auto path = temp_path("nano.pcap");
  {
    auto writer = PcapWriter::open(path.string(), {.precision = TimePrecision::kNano});
    ASSERT_TRUE(writer) << writer.error();
    ASSERT_TRUE(writer->write(net::Time::from_ns(1'700'000'000'123'456'789LL), frame(42, 7)));
  }
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  auto a = reader->next();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->timestamp.ns(), 1'700'000'000'123'456'789LL);
}

TEST(PcapWriter, AnyLinkTypeIsKept) {
  const auto path = temp_path("raw.pcap");
  {
    auto writer = PcapWriter::open(path.string(), {.link_type = 228});  // DLT_IPV4
    ASSERT_TRUE(writer) << writer.error();
    ASSERT_TRUE(writer->write(net::Time::from_ns(0), frame(20, 0x45)));
  }
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  EXPECT_EQ(reader->link_type(), 228);
}

TEST(PcapWriter, SnaplenCutsLongPacketsButKeepsWireLength) {
  const auto path = temp_path("snap.pcap");
  {
    auto writer = PcapWriter::open(path.string(), {.snaplen = 64});
    ASSERT_TRUE(writer) << writer.error();
    ASSERT_TRUE(writer->write(net::Time::from_ns(0), frame(200, 3)));
  }
  auto reader = PcapReader::open(path.string());
  ASSERT_TRUE(reader) << reader.error();
  auto a = reader->next();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->caplen, 64U);
  EXPECT_EQ(a->wire_len, 200U);
}

TEST(PcapWriter, FileIsValidAfterEachFlushWhileStillOpen) {
  const auto path = temp_path("live.pcap");
  auto writer = PcapWriter::open(path.string(), {.flush_each_packet = true});
  ASSERT_TRUE(writer) << writer.error();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(writer->write(net::Time::from_ns(i * 1'000'000'000LL), frame(60, 0)));
    // Read the file while the writer still holds it open.
    auto reader = PcapReader::open(path.string());
    ASSERT_TRUE(reader) << reader.error();
    int n = 0;
    while (reader->next()) ++n;
    EXPECT_EQ(n, i);
    EXPECT_FALSE(reader->problem()) << reader->problem()->message;
  }
}

TEST(PcapWriter, WriteAfterCloseFails) {
  const auto path = temp_path("closed.pcap");
  auto writer = PcapWriter::open(path.string());
  ASSERT_TRUE(writer) << writer.error();
  ASSERT_TRUE(writer->close());
  EXPECT_TRUE(writer->close());
  EXPECT_FALSE(writer->write(net::Time::from_ns(0), frame(60, 0)));
}

TEST(PcapWriter, UnwritablePathIsAnErrorNamingIt) {
  const std::string path = "/nonexistent-dir-for-wirestate/x.pcap";
  auto writer = PcapWriter::open(path);
  ASSERT_FALSE(writer);
  EXPECT_NE(writer.error().find(path), std::string::npos) << writer.error();
}

}  // namespace
}  // namespace wirestate::io
