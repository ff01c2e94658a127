// More malformed inputs, written inline: invalid UTF-8 sequences (RFC 3629 §4), limits,
// and reference checks that need a small scenario around them.
#include <string>

#include <gtest/gtest.h>

#include "wirestate/scenario/load.hpp"

namespace wirestate::scenario {
namespace {

const std::string kHosts =
    R"("hosts": {"a": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1"}, "b": {"mac": "02:00:00:00:00:02", "ip": "10.0.0.2"}})";

// A scenario with the given steps (and expectations) around the two hosts above.
std::string with_steps(const std::string& steps, const std::string& expect = "[]") {
  return R"({"name": "t", )" + kHosts + R"(, "steps": )" + steps + R"(, "expect": )" + expect + "}";
}

LoadError error_of(const std::string& text) {
  auto loaded = load_string(text, "t.json");
  EXPECT_FALSE(loaded) << "loaded";
  return loaded ? LoadError{} : loaded.error();
}

LoadError utf8_error(const std::string& bad_bytes) {
  return error_of("{\"name\": \"x" + bad_bytes + "\"}");
}

TEST(StrictUtf8, LoneContinuationByte) {
  const auto e = utf8_error("\x80");
  EXPECT_EQ(e.location, "1:12");
  EXPECT_EQ(e.expected, "valid UTF-8 text");
  EXPECT_EQ(e.got, "byte 0x80");
}

TEST(StrictUtf8, OverlongEncoding) { EXPECT_EQ(utf8_error("\xc0\xaf").got, "byte 0xc0"); }
TEST(StrictUtf8, OverlongThreeBytes) { EXPECT_EQ(utf8_error("\xe0\x80\xaf").got, "byte 0xe0"); }
TEST(StrictUtf8, Surrogate) { EXPECT_EQ(utf8_error("\xed\xa0\x80").got, "byte 0xed"); }
TEST(StrictUtf8, AboveU10FFFF) { EXPECT_EQ(utf8_error("\xf4\x90\x80\x80").got, "byte 0xf4"); }
TEST(StrictUtf8, TruncatedSequence) { EXPECT_EQ(utf8_error("\xe4\xbd").got, "byte 0xe4"); }

TEST(StrictUtf8, TruncatedAtEndOfText) {
  const auto e = error_of("{\"name\": \"x\"} \xe4\xbd");
  EXPECT_EQ(e.location, "1:15");
  EXPECT_EQ(e.expected, "valid UTF-8 text");
}

TEST(StrictUtf8, ColumnsCountCharactersNotBytes) {
  const auto e = error_of("{\"name\": \"你好\xff\"}");
  EXPECT_EQ(e.location, "1:13");
}

TEST(StrictJson, ControlCharacterInString) {
  const auto e = error_of("{\"name\": \"a\x01\"}");
  EXPECT_EQ(e.expected, "valid JSON");
  EXPECT_EQ(e.location.substr(0, 2), "1:");
}

TEST(StrictJson, CommentsAreNotJson) {
  const auto e = error_of("{\"name\": \"x\" // hi\n}");
  EXPECT_EQ(e.expected, "valid JSON");
}

TEST(StrictJson, TrailingGarbage) {
  const auto e = error_of(R"({"name": "x"} x)");
  EXPECT_EQ(e.expected, "valid JSON");
  EXPECT_EQ(e.location, "1:15");
}

TEST(StrictJson, DepthJustUnderTheLimitIsFine) {
  // 63 nested arrays under "description" reach depth 64 with the top object.
  const std::string nested = std::string(63, '[') + std::string(63, ']');
  const auto e = error_of(R"({"name": "x", "description": )" + nested + "}");
  // Not a depth error: the loader then refuses the array where a string belongs.
  EXPECT_EQ(e.location, "/description");
  EXPECT_EQ(e.expected, "a string");
}

TEST(StrictJson, TooManyKeysInOneObject) {
  std::string text = R"({"name": "x", "hosts": {"a": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1", "arp": {"static": {)";
  for (int i = 0; i < 5000; ++i) text += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\": 1";
  text += "}}}}, \"steps\": []}";
  const auto e = error_of(text);
  EXPECT_EQ(e.location, "/hosts/a/arp/static");
  EXPECT_EQ(e.expected, "an object with at most 4096 keys");
}

TEST(StrictJson, HugeIntegerIsOutOfRangeNotWrapped) {
  const auto e = error_of(with_steps(R"([{"at": "0ms", "host": "a", "listen": 18446744073709551616}])"));
  EXPECT_EQ(e.location, "/steps/0/listen");
  EXPECT_EQ(e.expected, "a port 1..65535");
}

TEST(StrictJson, NegativeSeed) {
  const auto e = error_of(R"({"name": "x", "seed": -1, )" + kHosts + R"(, "steps": []})");
  EXPECT_EQ(e.location, "/seed");
}

TEST(StrictReferences, ConnectToItself) {
  const auto e = error_of(with_steps(R"([{"at": "0ms", "host": "a", "connect": "a:80", "as": "c"}])"));
  EXPECT_EQ(e.location, "/steps/0/connect");
  EXPECT_EQ(e.expected, "a target on another host (loopback is not simulated)");
}

TEST(StrictReferences, ConnectWithoutAs) {
  const auto e = error_of(with_steps(R"([{"at": "0ms", "host": "a", "connect": "b:80"}])"));
  EXPECT_EQ(e.location, "/steps/0");
  EXPECT_EQ(e.expected, "a \"as\" field");
}

TEST(StrictReferences, TargetWithoutPort) {
  const auto e = error_of(with_steps(R"([{"at": "0ms", "host": "a", "connect": "b", "as": "c"}])"));
  EXPECT_EQ(e.location, "/steps/0/connect");
  EXPECT_EQ(e.got, "\"b\"");
}

TEST(StrictReferences, LinkDirectionUnknownHost) {
  const auto e = error_of(R"({"name": "x", )" + kHosts +
                          R"(, "link": {"directions": [{"from": "z"}]}, "steps": []})");
  EXPECT_EQ(e.location, "/link/directions/0/from");
  EXPECT_EQ(e.expected, "the name of a host in \"hosts\"");
}

TEST(StrictReferences, LinkDirectionTwice) {
  const auto e = error_of(R"({"name": "x", )" + kHosts +
                          R"(, "link": {"directions": [{"from": "a"}, {"from": "a", "loss": 0.1}]}, "steps": []})");
  EXPECT_EQ(e.location, "/link/directions/1");
  EXPECT_EQ(e.expected, "each direction (from, to) once");
}

TEST(StrictReferences, StatesOfAUdpFlow) {
  const auto e = error_of(
      with_steps(R"([{"at": "0ms", "host": "a", "udp_send": {"from_port": 1, "to": "b:2", "bytes": 1, "as": "u"}}])",
                 R"([{"conn": "u", "side": "client", "states": ["CLOSED"]}])"));
  EXPECT_EQ(e.location, "/expect/0/conn");
  EXPECT_EQ(e.expected, "a TCP connection (defined by \"connect\")");
}

TEST(StrictReferences, DeliveredToAStranger) {
  const auto e = error_of(with_steps(R"([{"at": "0ms", "host": "a", "connect": "b:80", "as": "c"}])",
                                     R"([{"delivered": {"conn": "c", "to": "z", "bytes": 1}}])"));
  EXPECT_EQ(e.location, "/expect/0/delivered/to");
  EXPECT_EQ(e.expected, "\"client\", \"server\" or a host of connection \"c\" (\"a\", \"b\")");
}

TEST(StrictReferences, UdpFlowNameReusedForAnotherFlow) {
  const auto e = error_of(with_steps(
      R"([{"at": "0ms", "host": "a", "udp_send": {"from_port": 1, "to": "b:2", "bytes": 1, "as": "u"}},
          {"at": "1ms", "host": "a", "udp_send": {"from_port": 1, "to": "b:3", "bytes": 1, "as": "u"}}])"));
  EXPECT_EQ(e.location, "/steps/1/udp_send/as");
}

TEST(StrictValues, StateNamesAcceptSsSpellings) {
  auto loaded = load_string(with_steps(R"([{"at": "0ms", "host": "a", "connect": "b:80", "as": "c"}])",
                                       R"([{"conn": "c", "side": "client", "states": ["SYN-SENT", "ESTAB"]}])"),
                            "t");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  const auto& s = std::get<ExpectStates>(loaded->expect[0].what);
  EXPECT_EQ(s.states[1], tcp::State::kEstablished);
}

TEST(StrictValues, FirstRelativeTimeCountsFromZero) {
  auto loaded = load_string(with_steps(R"([{"at": "+5ms", "host": "a", "listen": 1}])"), "t");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->steps[0].at, net::Time() + net::Duration::milliseconds(5));
}

TEST(StrictValues, BadRelativeTime) {
  const auto e = error_of(with_steps(R"([{"at": "+5xs", "host": "a", "listen": 1}])"));
  EXPECT_EQ(e.location, "/steps/0/at");
  EXPECT_EQ(e.expected, "a duration like \"15ms\" or \"+5ms\"");
  EXPECT_EQ(e.got, "\"+5xs\"");
}

TEST(StrictValues, RtoMinAboveMax) {
  const auto e = error_of(R"({"name": "x", "hosts": {"a": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1",
      "tcp": {"rto_min": "2s", "rto_max": "1s"}}}, "steps": []})");
  EXPECT_EQ(e.location, "/hosts/a/tcp/rto_min");
}

TEST(StrictValues, WscaleAboveFourteen) {
  const auto e = error_of(R"({"name": "x", "hosts": {"a": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1",
      "tcp": {"wscale": 15}}}, "steps": []})");
  EXPECT_EQ(e.location, "/hosts/a/tcp/wscale");
  EXPECT_EQ(e.expected, "a window scale shift 0..14");
}

TEST(StrictValues, HostNameThatIsAnIp) {
  const auto e = error_of(R"({"name": "x", "hosts": {"10.0.0.1": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1"}}, "steps": []})");
  EXPECT_EQ(e.location, "/hosts/10.0.0.1");
}

TEST(StrictValues, NetmaskAndPrefixBoth) {
  const auto e = error_of(R"({"name": "x", "hosts": {"a": {"mac": "02:00:00:00:00:01", "ip": "10.0.0.1",
      "netmask": "255.0.0.0", "prefix": 8}}, "steps": []})");
  EXPECT_EQ(e.location, "/hosts/a/prefix");
}

TEST(StrictValues, BandwidthUnits) {
  for (auto [text, bps] : {std::pair{"10kbit", 10000ULL}, {"1Gbit", 1000000000ULL}, {"1.5Mbit", 1500000ULL},
                           {"9600bit", 9600ULL}, {"100mbps", 100000000ULL}}) {
    auto loaded = load_string(R"({"name": "x", )" + kHosts + R"(, "link": {"bandwidth": ")" + text + R"("}, "steps": []})", "t");
    ASSERT_TRUE(loaded) << text << ": " << loaded.error().to_string();
    EXPECT_EQ(loaded->link.settings.bandwidth_bps, bps) << text;
  }
}

TEST(StrictValues, ZeroBandwidthRefused) {
  const auto e = error_of(R"({"name": "x", )" + kHosts + R"(, "link": {"bandwidth": "0bit"}, "steps": []})");
  EXPECT_EQ(e.location, "/link/bandwidth");
}

}  // namespace
}  // namespace wirestate::scenario

namespace wirestate::scenario {
namespace {

TEST(StrictJson, InvalidLiteralPointsAtTheOffendingCharacter) {
  auto loaded = load_string("{\"name\": tru}", "t");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().location, "1:13");
  EXPECT_NE(loaded.error().got.find("invalid literal"), std::string::npos);
}

TEST(StrictJson, UnexpectedTokenPointsAtItsStart) {
  auto loaded = load_string("{\"name\": \"x\"\n  \"hosts\": 1}", "t");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().location, "2:3");
}

}  // namespace
}  // namespace wirestate::scenario
