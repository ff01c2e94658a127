// Hostile JSON for every JSON input of wirestate (scenarios, ARP static bindings): deep
// nesting, huge texts, numbers out of range, duplicate keys, wrong types, invalid UTF-8.
// Each must be an error that names the place (a JSON pointer, or line and column for a
// syntax error), never a crash, an escaped exception or a stack overflow.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "robustness/json_test_support.hpp"
#include "wirestate/arp/static_bindings.hpp"
#include "wirestate/check/capture_checks.hpp"
#include "wirestate/scenario/load.hpp"
#include "support/scratch.hpp"

namespace {

using namespace wirestate;
using robustness::nested_arrays;
using robustness::nested_objects;
using robustness::scenario_with_step;

// The loader's error for text; fails the test when the text was accepted.
scenario::LoadError scenario_error(const std::string& text) {
  auto r = scenario::load_string(text, "hostile.json");
  if (r) {
    ADD_FAILURE() << "accepted: " << text.substr(0, 200);
    return {};
  }
  return r.error();
}

std::string bindings_error(const std::string& text) {
  auto r = arp::parse_static_bindings(text, "bindings.json");
  if (r) {
    ADD_FAILURE() << "accepted: " << text.substr(0, 200);
    return {};
  }
  return r.error();
}

// --- Scenarios: deep nesting -------------------------------------------------------------

TEST(HostileScenario, MillionNestedArraysIsAnErrorNotAStackOverflow) {
  const auto e = scenario_error(R"({"name":)" + nested_arrays(1000000) + "}");
  // The pointer leads down to the level where the limit was passed.
  EXPECT_EQ(e.location.rfind("/name/0/0/0", 0), 0U) << e.to_string();
  EXPECT_NE(e.expected.find("nesting at most"), std::string::npos) << e.to_string();
}

TEST(HostileScenario, HundredThousandNestedObjectsIsAnError) {
  const auto e = scenario_error(R"({"name":"x","hosts":)" + nested_objects(100000) + "}");
  EXPECT_EQ(e.location.rfind("/hosts", 0), 0U) << e.to_string();
}

TEST(HostileScenario, UnclosedNestingAtEndOfInputIsAnError) {
  const auto e = scenario_error(R"({"name":)" + std::string(500000, '['));
  EXPECT_FALSE(e.location.empty()) << e.to_string();
}

// --- Scenarios: size ---------------------------------------------------------------------

TEST(HostileScenario, FileAboveTheSizeLimitIsRefused) {
  const auto path = wirestate::test::scratch_path("huge.json");
  {
    std::ofstream out(path, std::ios::binary);
    out << R"({"name":")";
    const std::string chunk(1 << 20, 'x');
    for (std::size_t i = 0; i <= scenario::kMaxFileBytes >> 20; ++i) out << chunk;
    out << "\"}";
  }
  auto r = scenario::load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().file, path.string());
  EXPECT_NE(r.error().expected.find(std::to_string(scenario::kMaxFileBytes)), std::string::npos)
      << r.error().to_string();
}

TEST(HostileScenario, TooManyHostsIsAnErrorAtHosts) {
  std::string text = R"({"name":"x","hosts":{)";
  for (std::size_t i = 0; i <= scenario::kMaxHosts; ++i) {
    if (i) text += ',';
    text += "\"h" + std::to_string(i) + R"(":{"mac":"02:00:00:00:00:01","ip":"10.0.0.1"})";
  }
  text += R"(},"steps":[]})";
  const auto e = scenario_error(text);
  EXPECT_EQ(e.location, "/hosts") << e.to_string();
}

TEST(HostileScenario, TenMillionCharacterStringIsHandled) {
  const auto e = scenario_error(R"({"name":")" + std::string(10'000'000, 'n') + R"(","hosts":7})");
  EXPECT_EQ(e.location, "/hosts") << e.to_string();
}

// --- Scenarios: numbers out of range -----------------------------------------------------

TEST(HostileScenario, PortOf70000IsAnErrorAtTheStep) {
  const auto e = scenario_error(scenario_with_step(R"({"at":"0ms","host":"b","listen":70000})"));
  EXPECT_EQ(e.location, "/steps/0/listen") << e.to_string();
}

TEST(HostileScenario, NegativePortIsAnError) {
  const auto e = scenario_error(scenario_with_step(R"({"at":"0ms","host":"b","listen":-1})"));
  EXPECT_EQ(e.location, "/steps/0/listen") << e.to_string();
}

TEST(HostileScenario, FractionalPortIsAnError) {
  const auto e = scenario_error(scenario_with_step(R"({"at":"0ms","host":"b","listen":8000.5})"));
  EXPECT_EQ(e.location, "/steps/0/listen") << e.to_string();
}

TEST(HostileScenario, PortOf1e400IsAnError) {
  const auto e = scenario_error(scenario_with_step(R"({"at":"0ms","host":"b","listen":1e400})"));
  EXPECT_FALSE(e.location.empty()) << e.to_string();
}

TEST(HostileScenario, IntegerBeyondUint64IsAnError) {
  const auto e = scenario_error(
      scenario_with_step(R"({"at":"0ms","host":"b","listen":123456789012345678901234567890})"));
  EXPECT_EQ(e.location, "/steps/0/listen") << e.to_string();
}

TEST(HostileScenario, SequenceNumberOf2To32IsAnError) {
  const auto e = scenario_error(scenario_with_step(
      R"({"at":"0ms","host":"a","inject":{"eth":{"dst":"02:00:00:00:00:02"},"ip":{"dst":"10.0.0.2"},)"
      R"("tcp":{"sport":1,"dport":2,"flags":"S","seq":4294967296}}})"));
  EXPECT_EQ(e.location, "/steps/0/inject/tcp/seq") << e.to_string();
}

TEST(HostileScenario, NegativeZeroLossIsAccepted) {
  // -0.0 is a number in range: the loader must not treat its sign bit as "negative".
  auto r = scenario::load_string(
      R"({"name":"x","hosts":{"a":{"mac":"02:00:00:00:00:01","ip":"10.0.0.1"}},"link":{"loss":-0.0},"steps":[]})",
      "z.json");
  EXPECT_TRUE(r) << r.error().to_string();
}

// --- Scenarios: duplicate keys and wrong types -------------------------------------------

TEST(HostileScenario, DuplicateTopLevelKeyIsAnError) {
  const auto e = scenario_error(R"({"name":"x","name":"y","hosts":{},"steps":[]})");
  // The place is the object holding the key twice (the root), the key is in "got".
  EXPECT_EQ(e.location, "") << e.to_string();
  EXPECT_NE(e.got.find("\"name\" twice"), std::string::npos) << e.to_string();
}

TEST(HostileScenario, DuplicateKeyDeepInsideIsAnError) {
  const auto e = scenario_error(
      R"({"name":"x","hosts":{"a":{"mac":"02:00:00:00:00:01","ip":"10.0.0.1","ip":"10.0.0.9"}},"steps":[]})");
  EXPECT_EQ(e.location, "/hosts/a") << e.to_string();
  EXPECT_NE(e.got.find("\"ip\" twice"), std::string::npos) << e.to_string();
}

TEST(HostileScenario, HostsAsArrayIsAWrongType) {
  const auto e = scenario_error(R"({"name":"x","hosts":[],"steps":[]})");
  EXPECT_EQ(e.location, "/hosts") << e.to_string();
}

TEST(HostileScenario, StepsAsObjectIsAWrongType) {
  const auto e = scenario_error(
      R"({"name":"x","hosts":{"a":{"mac":"02:00:00:00:00:01","ip":"10.0.0.1"}},"steps":{}})");
  EXPECT_EQ(e.location, "/steps") << e.to_string();
}

TEST(HostileScenario, MacAsNumberIsAWrongType) {
  const auto e = scenario_error(R"({"name":"x","hosts":{"a":{"mac":2,"ip":"10.0.0.1"}},"steps":[]})");
  EXPECT_EQ(e.location, "/hosts/a/mac") << e.to_string();
}

TEST(HostileScenario, NullEverywhereIsAWrongType) {
  const auto e = scenario_error(R"({"name":null,"hosts":null,"steps":null})");
  EXPECT_EQ(e.location, "/name") << e.to_string();
}

// --- Scenarios: invalid UTF-8 ------------------------------------------------------------

TEST(HostileScenario, InvalidUtf8InAValueIsAnError) {
  const auto e = scenario_error("{\"name\":\"caf\xC3\x28\",\"hosts\":{},\"steps\":[]}");
  EXPECT_FALSE(e.location.empty()) << e.to_string();
}

TEST(HostileScenario, InvalidUtf8InAKeyIsAnError) {
  const auto e = scenario_error("{\"na\xFFme\":\"x\",\"hosts\":{},\"steps\":[]}");
  EXPECT_FALSE(e.location.empty()) << e.to_string();
}

TEST(HostileScenario, OverlongUtf8EncodingIsAnError) {
  const auto e = scenario_error("{\"name\":\"\xC0\xAF\",\"hosts\":{},\"steps\":[]}");
  EXPECT_FALSE(e.location.empty()) << e.to_string();
}

TEST(HostileScenario, UnpairedSurrogateEscapeIsAnError) {
  const auto e = scenario_error(R"({"name":"\ud800","hosts":{},"steps":[]})");
  EXPECT_FALSE(e.location.empty()) << e.to_string();
}

TEST(HostileScenario, Utf8CutAtEndOfInputIsAnError) {
  const auto e = scenario_error("{\"name\":\"\xE4\xBD");
  EXPECT_FALSE(e.location.empty()) << e.to_string();
}

TEST(HostileScenario, NulByteInsideTheTextIsAnError) {
  const auto e = scenario_error(std::string("{\"name\":\"a\0b\",\"hosts\":{},\"steps\":[]}", 34));
  EXPECT_FALSE(e.location.empty()) << e.to_string();
}

// --- ARP static bindings -----------------------------------------------------------------

TEST(HostileBindings, MillionNestedArraysIsAnErrorNotAStackOverflow) {
  const auto e = bindings_error(R"({"bindings":)" + nested_arrays(1000000) + "}");
  EXPECT_NE(e.find("bindings.json: /bindings/0"), std::string::npos) << e.substr(0, 300);
}

TEST(HostileBindings, HundredThousandNestedObjectsIsAnError) {
  const auto e = bindings_error(R"({"bindings":[)" + nested_objects(100000) + "]}");
  EXPECT_NE(e.find("bindings.json: /bindings/0"), std::string::npos) << e.substr(0, 300);
}

TEST(HostileBindings, NumberOf1e400IsAnErrorNotAnEscapedException) {
  const auto e = bindings_error(R"({"bindings":[{"ip":1e400,"mac":"02:00:00:00:00:01"}]})");
  EXPECT_NE(e.find("bindings.json: "), std::string::npos) << e;
}

TEST(HostileBindings, TooManyBindingsIsAnErrorAtBindings) {
  std::string text = R"({"bindings":[)";
  for (std::size_t i = 0; i <= arp::kMaxStaticBindings; ++i) {
    if (i) text += ',';
    text += R"({"ip":"10.)" + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) +
            "." + std::to_string(i & 255) + R"(","mac":"02:00:00:00:00:01"})";
  }
  text += "]}";
  const auto e = bindings_error(text);
  EXPECT_NE(e.find("bindings.json: /bindings:"), std::string::npos) << e.substr(0, 300);
}

// FINDING (arp module, not fixed here): parse_static_bindings parses with nlohmann's DOM
// parser, which keeps the last of duplicate keys silently. These two tests are disabled
// until the loader rejects duplicates (as the scenario loader's SAX reader does); run
// them with --gtest_also_run_disabled_tests.
TEST(HostileBindings, DuplicateKeyIsAnError) {
  const auto e = bindings_error(
      R"({"bindings":[{"ip":"10.0.0.1","ip":"10.0.0.2","mac":"02:00:00:00:00:01"}]})");
  EXPECT_NE(e.find("bindings.json: /bindings/0/ip"), std::string::npos) << e;
}

TEST(HostileBindings, DuplicateTopLevelKeyIsAnError) {
  const auto e = bindings_error(R"({"bindings":[],"bindings":[]})");
  EXPECT_NE(e.find("bindings.json: /bindings"), std::string::npos) << e;
}

TEST(HostileBindings, InvalidUtf8IsAnError) {
  const auto e = bindings_error("{\"bindings\":[{\"ip\":\"10.0.0.\xFF\",\"mac\":\"02:00:00:00:00:01\"}]}");
  EXPECT_NE(e.find("bindings.json: "), std::string::npos) << e;
}

TEST(HostileBindings, MacAsArrayIsAWrongType) {
  const auto e = bindings_error(R"({"bindings":[{"ip":"10.0.0.1","mac":[2,0,0,0,0,1]}]})");
  EXPECT_NE(e.find("bindings.json: /bindings/0/mac"), std::string::npos) << e;
}

TEST(HostileBindings, HugeIntegerIsAnError) {
  const auto e = bindings_error(R"({"bindings":[{"ip":123456789012345678901234567890,"mac":"x"}]})");
  EXPECT_NE(e.find("bindings.json: /bindings/0/ip"), std::string::npos) << e;
}

// --- Capture expectation files (wirestate check CAPTURE --expect FILE) --------------------

// The loader's error for a file holding text; fails the test when it was accepted.
std::string expectations_error(const std::string& text) {
  const auto path = wirestate::test::scratch_path("expect.json");
  std::ofstream(path, std::ios::binary) << text;
  auto r = check::load_capture_expectations(path.string());
  std::filesystem::remove(path);
  if (r) {
    ADD_FAILURE() << "accepted: " << text.substr(0, 200);
    return {};
  }
  EXPECT_NE(r.error().find(path.string()), std::string::npos) << "error does not name the file: " << r.error();
  return r.error();
}

TEST(HostileExpectations, MillionNestedArraysIsAnError) {
  const auto e = expectations_error(R"({"expect":)" + nested_arrays(1000000) + "}");
  EXPECT_NE(e.find("/expect"), std::string::npos) << e.substr(0, 300);
}

TEST(HostileExpectations, NumberOf1e400IsAnError) {
  const auto e = expectations_error(R"({"expect":[{"preset":1e400}]})");
  EXPECT_FALSE(e.empty());
}

TEST(HostileExpectations, DuplicateKeyIsAnError) {
  const auto e = expectations_error(R"({"expect":[],"expect":[]})");
  EXPECT_NE(e.find("twice"), std::string::npos) << e;
}

TEST(HostileExpectations, WrongTopLevelTypeIsAnError) {
  const auto e = expectations_error(R"([{"expect":[]}])");
  EXPECT_FALSE(e.empty());
}

TEST(HostileExpectations, ExpectAsStringIsAWrongType) {
  // Reported at the root, with the shape expected: {"expect": [ ... ]}.
  const auto e = expectations_error(R"({"expect":"handshake"})");
  EXPECT_NE(e.find(": /: expected {\"expect\": ["), std::string::npos) << e;
}

TEST(HostileExpectations, InvalidUtf8IsAnError) {
  const auto e = expectations_error("{\"expect\":[\"hand\xC3\x28shake\"]}");
  EXPECT_FALSE(e.empty());
}

}  // namespace
