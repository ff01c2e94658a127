// One test per error class: each broken file under data/broken/ is rejected with the
// exact place (JSON pointer or line:column) and the "expected ..." phrase.
#include <string>

#include <gtest/gtest.h>

#include "wirestate/scenario/load.hpp"

namespace wirestate::scenario {
namespace {

struct Case {
  const char* file;       // under tests/scenario/data/broken/, without .json
  const char* location;   // the exact place
  const char* expected;   // a phrase the "expected" part must contain
  const char* got;        // a phrase the "got" part must contain ("" = not checked)
};

std::string path_of(const char* name) {
  return std::string(WIRESTATE_SOURCE_DIR) + "/tests/scenario/data/broken/" + name + ".json";
}

class BrokenScenario : public ::testing::TestWithParam<Case> {};

TEST_P(BrokenScenario, IsRejectedWithPlaceAndExpectation) {
  const Case& c = GetParam();
  const std::string path = path_of(c.file);
  auto loaded = load_file(path);
  ASSERT_FALSE(loaded) << c.file << " loaded";
  const LoadError& e = loaded.error();
  EXPECT_EQ(e.file, path);
  EXPECT_EQ(e.location, c.location) << e.to_string();
  EXPECT_NE(e.expected.find(c.expected), std::string::npos) << e.to_string();
  EXPECT_NE(e.got.find(c.got), std::string::npos) << e.to_string();
}

const Case kCases[] = {
    // JSON itself
    {"syntax_error", "3:3", "valid JSON", "expected '}'"},
    {"empty", "1:1", "valid JSON", "unexpected end of input"},
    {"invalid_utf8", "2:14", "valid UTF-8 text", "byte 0xff"},
    {"duplicate_key", "/steps/0", "each key once in an object", "\"at\" twice"},
    {"duplicate_host_name", "/hosts", "each key once in an object", "\"a\" twice"},
    {"huge_number", "/link/loss", "a finite number", "1e400"},
    {"deep_nesting", "/description/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0",
     "nesting at most 64 levels deep", "deeper"},
    {"top_level_array", "", "an object", "[]"},
    // unknown keys at every level
    {"unknown_top_key", "/nmae", "one of the keys \"name\"", "unknown key \"nmae\""},
    {"unknown_host_key", "/hosts/a/macc", "one of the keys", "unknown key \"macc\""},
    {"unknown_tcp_param", "/hosts/a/tcp/windw", "one of the keys \"window\"", "unknown key \"windw\""},
    {"unknown_step_key", "/steps/0/prot", "one of the keys \"at\"", "unknown key \"prot\""},
    {"unknown_inject_key", "/steps/2/inject/eth/colour", "one of the keys \"src\"", "unknown key \"colour\""},
    {"unknown_expectation", "/expect/0", "exactly one of \"states\"", "none"},
    // wrong types
    {"wrong_type_seed", "/seed", "a seed 0..18446744073709551615", "\"1\""},
    {"wrong_type_at", "/steps/1/at", "a duration like \"15ms\" or \"+5ms\"", "12"},
    {"wrong_type_hosts", "/hosts", "an object of host name -> host", "[\"a\",\"b\"]"},
    {"float_port", "/steps/0/listen", "a port 1..65535", "8000.5"},
    // addresses
    {"bad_mac", "/hosts/a/mac", "a MAC address like", "\"02:00:00:00:00\""},
    {"multicast_mac", "/hosts/a/mac", "a unicast MAC address", "01:00:5e:00:00:01"},
    {"bad_ip", "/hosts/b/ip", "an IPv4 address like", "\"10.0.0.256\""},
    {"bad_netmask", "/hosts/a/netmask", "a contiguous netmask", "255.0.255.0"},
    {"duplicate_mac", "/hosts/b/mac", "a MAC address no other host has (\"a\" has it)", "02:00:00:00:00:01"},
    {"duplicate_ip", "/hosts/b/ip", "an IP address no other host has (\"a\" has it)", "10.0.0.1"},
    // references
    {"undefined_host_in_step", "/steps/0/host", "the name of a host in \"hosts\"", "\"c\""},
    {"undefined_host_in_target", "/steps/1/connect", "(\"server\" is not a host in \"hosts\")", "\"server:8000\""},
    {"conn_before_as", "/steps/1/send/conn", "a connection defined by an earlier step's \"as\"", "\"c\""},
    {"undefined_conn_in_expect", "/expect/0/conn", "a connection defined by a step's \"as\"", "\"d\""},
    {"duplicate_conn_name", "/steps/3/as", "a connection name not defined before (\"c\" is defined at /steps/1)", "\"c\""},
    {"send_from_foreign_host", "/steps/2/send/conn", "a connection with the step's host \"x\" at one end", "between \"a\" and \"b\""},
    {"udp_flow_as_tcp", "/steps/4/close", "a TCP connection (\"u\" is UDP, defined at /steps/3)", "\"u\""},
    {"pattern_unknown_host", "/expect/0/pattern/0", "host names from \"hosts\" in \"a > server S\"", "\"server\""},
    // numbers out of range
    {"port_out_of_range", "/steps/0/listen", "a port 1..65535", "70000"},
    {"seq_out_of_range", "/steps/2/inject/tcp/seq", "a sequence number 0..4294967295", "4294967296"},
    {"negative_latency", "/link/latency", "a duration like \"15ms\"", "\"-1ms\""},
    {"loss_above_one", "/link/loss", "a probability 0..1", "1.5"},
    {"mtu_too_small", "/link/mtu", "an MTU 68..65535", "40"},
    {"duration_too_long", "/steps/2/at", "a duration of at most 86400s", "\"9999999999s\""},
    // values with a syntax of their own
    {"bad_bandwidth", "/link/bandwidth", "a bandwidth like \"100Mbit\"", "\"fast\""},
    {"bad_hex", "/steps/2/send/hex", "an even number of hex digits", "\"abc\""},
    {"bad_state_name", "/expect/0/states/2", "a TCP state name", "\"FIN_WAIT_3\""},
    {"bad_alert_rule", "/expect/0/alerts/1/rule", "an alert rule: one of new_station, mac_changed", "\"arp_spoof\""},
    {"bad_side", "/expect/0/side", "\"client\" or \"server\"", "\"both\""},
    {"bad_pattern_flags", "/expect/0/pattern/1", "TCP flags (S F R P U E W . or none) or udp, arp, icmp in \"b > a SYN\"", "\"SYN\""},
    {"bad_pattern_option", "/expect/0/pattern/0", "an option (mss N, wscale N, sackOK", "\"wscal\""},
    {"arp_cache_bad_key", "/expect/0/arp_cache/entries/10.0.0", "an IPv4 address as the key", "\"10.0.0\""},
    {"inject_bad_flags", "/steps/2/inject/tcp/flags", "TCP flags like \"S\"", "\"SYN\""},
    // structure
    {"time_backwards", "/steps/2/at", "a time not before the previous step's (1ms)", "\"0ms\""},
    {"two_actions", "/steps/0", "exactly one action (listen, connect", "\"listen\" and \"udp_bind\""},
    {"no_action", "/steps/0", "exactly one action", "none"},
    {"as_without_connect", "/steps/0/as", "\"as\" only next to \"connect\"", "listen"},
    {"link_step_with_host", "/steps/3/host", "no \"host\" in a link change", "\"a\""},
    {"missing_ip", "/hosts/a", "a \"ip\" field", "none"},
    {"payload_two_kinds", "/steps/2/send", "exactly one of \"text\", \"hex\" or \"bytes\"", "more than one"},
    {"packets_count_and_min", "/expect/0/packets", "either \"count\" or \"min\"/\"max\"", "both"},
    {"inject_tcp_without_ip", "/steps/2/inject", "an \"ip\" layer under \"tcp\" or \"udp\"", "none"},
};

INSTANTIATE_TEST_SUITE_P(Files, BrokenScenario, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.file); });

TEST(LoadErrors, FormatsFileLocationExpectedAndGot) {
  const LoadError e{"x.json", "/steps/3/at", "a duration like \"15ms\" or \"+5ms\"", "12"};
  EXPECT_EQ(e.to_string(), "x.json: /steps/3/at: expected a duration like \"15ms\" or \"+5ms\", got 12");
  EXPECT_EQ((LoadError{"x.json", "", "an object", ""}).to_string(), "x.json: /: expected an object");
}

TEST(LoadErrors, HugeTextIsRefusedBeforeParsing) {
  const std::string text(kMaxFileBytes + 1, ' ');
  auto loaded = load_string(text, "big.json");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().location, "");
  EXPECT_NE(loaded.error().expected.find("a file of at most 33554432 bytes"), std::string::npos);
}

TEST(LoadErrors, MissingFileIsAnErrorNotACrash) {
  auto loaded = load_file("/nonexistent/wirestate/scenario.json");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().expected, "a readable file");
}

TEST(LoadErrors, PointerTokensAreEscaped) {
  auto loaded = load_string(R"({"name": "x", "hosts": {}, "steps": [], "a/b~c": 1})", "t");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().location, "/a~1b~0c");
}

TEST(LoadErrors, NoHostsIsAnError) {
  auto loaded = load_string(R"({"name": "x", "hosts": {}, "steps": []})", "t");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().location, "/hosts");
  EXPECT_EQ(loaded.error().expected, "at least one host");
}

}  // namespace
}  // namespace wirestate::scenario
