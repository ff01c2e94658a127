// Anomalies against tshark on the public captures (../shared/pcaps/public): per packet, the
// set of tcp.analysis flags the monitor raises (as `analyze -K`: see compare()) must equal
// the set in tshark's stored oracle, in both directions (our false positives and the flags
// we miss), unless the difference is listed, with its reason, in anomaly_differences.json.
// A listed difference that no longer occurs fails too, so the list cannot go stale.
// Agreement = packets where both sets are equal / packets flagged by either side.
#include <cctype>
#include <iostream>

#include <gtest/gtest.h>

#include "monitor/anomaly_oracle_support.hpp"
#include "support/param_name.hpp"

namespace wirestate::monitor::testing {
namespace {

// What scanning the oracles finds today (20 captures, 418 packets with at least one
// tcp.analysis flag). Pinned so that an oracle that loses its flags, or a scan that finds
// nothing, cannot turn the comparison into an empty pass.
constexpr std::size_t kFlaggedCaptures = 20;
constexpr std::uint64_t kFlaggedPackets = 418;

void expect_explained(const OracleCapture& capture, const Comparison& result) {
  const auto listed = listed_differences();
  const auto it = listed.find(capture.file);
  static const std::vector<ListedDifference> kNone;
  for (const auto& message : unexplained(capture.file, result, it == listed.end() ? kNone : it->second)) {
    ADD_FAILURE() << message;
  }
  for (const auto& name : result.unclassified) {
    ADD_FAILURE() << capture.file << ": anomaly '" << name << "' is not classified in anomaly_oracle_support.cpp";
  }
}

// The parameter is the file; its oracle is read in the test (see flagged_capture_files).
class FlaggedCapture : public ::testing::TestWithParam<std::string> {};

TEST_P(FlaggedCapture, AnomaliesEqualTsharksOrAreListed) {
  const OracleCapture capture = oracle_capture(GetParam());
  ASSERT_FALSE(capture.flags.empty()) << capture.file << ": the text search found a flag the parse did not";
  const Comparison result = compare(capture);
  ASSERT_TRUE(result.read_ok) << capture.file << ": " << result.error;
  // Frame numbers are compared, so the monitor must have read the same packets tshark did.
  ASSERT_EQ(result.frames, capture.packets) << capture.file;
  expect_explained(capture, result);
  RecordProperty("flagged_by_either", static_cast<int>(result.either_flagged));
  RecordProperty("agreeing", static_cast<int>(result.agreeing()));
  RecordProperty("differences", static_cast<int>(result.differences.size()));
}

// The default path (checksums verified) leaves out of the analysis exactly the segments
// tshark finds a bad TCP or IPv4 checksum in; everything else it analyzes as above.
TEST_P(FlaggedCapture, SegmentsLeftOutForBadChecksumsAreTsharks) {
  const OracleCapture capture = oracle_capture(GetParam());
  EXPECT_EQ(our_bad_checksums(capture), capture.bad_checksums) << capture.file;
}

INSTANTIATE_TEST_SUITE_P(Public, FlaggedCapture, ::testing::ValuesIn(flagged_capture_files()),
                         [](const auto& info) { return wirestate::test::param_name(info.param); });

TEST(AnomalyOracle, EveryFlaggedCaptureIsComparedAndAgreementIsReported) {
  const auto all = oracle_captures();
  const auto flagged = flagged_captures();
  std::uint64_t oracle_flagged = 0;
  for (const auto& c : all) oracle_flagged += c.flags.size();
  EXPECT_EQ(flagged.size(), kFlaggedCaptures);
  // The suite's parameters, found by a text search, are exactly the flagged captures.
  std::vector<std::string> flagged_files;
  for (const auto& c : flagged) flagged_files.push_back(c.file);
  EXPECT_EQ(flagged_capture_files(), flagged_files);
  EXPECT_EQ(oracle_flagged, kFlaggedPackets);

  std::uint64_t compared_flagged = 0, either = 0, agreeing = 0, differing = 0;
  std::size_t listed = 0;
  const auto list = listed_differences();
  for (const auto& c : flagged) {
    const Comparison r = compare(c);
    // Analyzed for real: the file was read whole and its TCP segments reached the observer.
    EXPECT_TRUE(r.read_ok) << c.file << ": " << r.error;
    EXPECT_EQ(r.frames, c.packets) << c.file;
    EXPECT_GT(r.tcp_segments, 0U) << c.file;
    compared_flagged += r.tshark_flagged;
    either += r.either_flagged;
    agreeing += r.agreeing();
    differing += r.differences.size();
    if (const auto it = list.find(c.file); it != list.end()) listed += it->second.size();
    std::cout << "[ anomaly  ] " << c.file << ": " << r.agreeing() << "/" << r.either_flagged
              << " flagged packets agree (tshark " << r.tshark_flagged << ", ours " << r.ours_flagged << ")\n";
  }
  EXPECT_EQ(compared_flagged, oracle_flagged);
  std::cout << "[ anomaly  ] total: " << flagged.size() << " captures, " << compared_flagged
            << " packets flagged by tshark, " << either << " by either side, " << agreeing << " agree, "
            << differing << " differ, " << listed << " differences listed\n";
  RecordProperty("captures", static_cast<int>(flagged.size()));
  RecordProperty("tshark_flagged", static_cast<int>(compared_flagged));
  RecordProperty("flagged_by_either", static_cast<int>(either));
  RecordProperty("agreeing", static_cast<int>(agreeing));
  RecordProperty("listed_differences", static_cast<int>(listed));
}

// Where tshark flags nothing, we must not flag anything it has a name for either.
TEST(AnomalyOracle, CapturesTsharkDoesNotFlagRaiseNoTsharkAnomalies) {
  std::size_t compared = 0;
  for (const auto& c : oracle_captures()) {
    if (!c.flags.empty()) continue;
    const Comparison r = compare(c);
    if (!r.read_ok) continue;  // libpcap refuses it: public_captures_test covers the error
    ++compared;
    if (r.frames != c.packets && !r.differences.empty()) {
      ADD_FAILURE() << c.file << ": " << r.frames << " frames read, tshark " << c.packets
                    << ": frame numbers cannot be compared";
      continue;
    }
    expect_explained(c, r);
  }
  EXPECT_GT(compared, 150U);
}

// The comparison covers exactly the tcp.analysis fields the oracle was generated with.
TEST(AnomalyOracle, ComparedVocabularyIsTheOraclesFields) {
  FlagSet ours;
  for (const auto& name : compared_names()) ours.insert(tshark_name_of(name).value_or("?"));
  EXPECT_EQ(ours, oracle_analysis_fields());
  // zero_window_probe is left out only because the oracle lacks the field.
  EXPECT_FALSE(oracle_analysis_fields().contains("zero_window_probe"));
  EXPECT_EQ(tshark_name_of("zero_window_probe"), std::string());
  EXPECT_EQ(tshark_name_of("no_such_anomaly"), std::nullopt);
}

TEST(AnomalyOracle, ListedDifferencesAreWellFormed) {
  const FlagSet fields = oracle_analysis_fields();
  std::set<std::string> known;
  for (const auto& c : oracle_captures()) known.insert(c.file);
  for (const auto& [file, entries] : listed_differences()) {
    EXPECT_TRUE(known.contains(file)) << file << " is not a public capture with an oracle";
    EXPECT_FALSE(entries.empty()) << file;
    std::set<std::uint64_t> frames;
    for (const auto& e : entries) {
      const auto& d = e.difference;
      EXPECT_TRUE(frames.insert(d.frame).second) << file << " frame " << d.frame << " is listed twice";
      EXPECT_NE(d.ours, d.theirs) << file << " frame " << d.frame;
      EXPECT_GE(e.reason.size(), 20U) << file << " frame " << d.frame << ": say why";
      for (const auto& set : {d.ours, d.theirs}) {
        for (const auto& flag : set) {
          EXPECT_TRUE(fields.contains(flag)) << file << " frame " << d.frame << ": " << flag;
        }
      }
    }
  }
}

}  // namespace
}  // namespace wirestate::monitor::testing
