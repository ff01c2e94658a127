// Structural tests on the SVG: it parses as XML (python3's xml.etree, a real parser), has
// one lifeline per host, one arrow per frame, and the state labels in order.
#include "wirestate/render/svg.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "trace_fixture.hpp"
#include "support/scratch.hpp"

namespace wirestate::render {
namespace {

using testing::load_fixture;
using testing::read_file;

// Prints what the document holds, as JSON: lifelines, arrows (number, classes), states
// per host in document order. Exits 3 when the XML does not parse.
constexpr const char* kChecker = R"(
import json, sys
import xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'
try:
    root = ET.parse(sys.argv[1]).getroot()
except ET.ParseError as e:
    print('parse error:', e)
    sys.exit(3)
out = {'root': root.tag, 'lifelines': [], 'arrows': [], 'states': {}}
for el in root.iter():
    cls = (el.get('class') or '').split()
    if el.tag == NS + 'line' and 'lifeline' in cls:
        out['lifelines'].append(el.get('data-host'))
    if el.tag == NS + 'g' and 'arrow' in cls:
        out['arrows'].append({'number': int(el.get('data-number')), 'classes': cls,
                              'from': el.get('data-from'), 'to': el.get('data-to'),
                              'text': ''.join(t for e in el.iter() if e.tag != NS + 'title' for t in [e.text or ''])})
    if el.tag == NS + 'g' and 'state' in cls:
        out['states'].setdefault(el.get('data-host'), []).append(el.get('data-state'))
print(json.dumps(out))
)";

struct Checked {
  int exit_code = -1;
  nlohmann::json doc;
};

Checked check(const std::string& svg, const std::string& name) {
  const std::string dir = wirestate::test::scratch_dir().string();
  const std::string file = dir + "/render_" + name + ".svg";
  const std::string script = dir + "/render_svg_check.py";
  const std::string out = dir + "/render_" + name + ".json";
  std::ofstream(file, std::ios::binary) << svg;
  std::ofstream(script) << kChecker;
  Checked c;
  const int rc = std::system((std::string(WIRESTATE_PYTHON) + " " + script + " " + file + " > " + out).c_str());
  c.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  if (c.exit_code == 0) c.doc = nlohmann::json::parse(read_file(out));
  return c;
}

TEST(Svg, SeedIsValidXmlWithOneLifelinePerHostAndOneArrowPerFrame) {
  const auto f = load_fixture("seed");
  const auto svg = to_svg(build_ladder(f.events, f.frames, {.title = "seed <example> & \"quotes\""}));
  EXPECT_EQ(svg.rfind("<?xml version=\"1.0\"", 0), 0U);
  const auto c = check(svg, "seed");
  ASSERT_EQ(c.exit_code, 0);
  EXPECT_EQ(c.doc["root"], "{http://www.w3.org/2000/svg}svg");
  EXPECT_EQ(c.doc["lifelines"], nlohmann::json::array({"client", "server"}));
  ASSERT_EQ(c.doc["arrows"].size(), f.frames.size());
  for (std::size_t i = 0; i < f.frames.size(); ++i) EXPECT_EQ(c.doc["arrows"][i]["number"], i + 1);
  EXPECT_EQ(c.doc["arrows"][0]["to"], "*");
  EXPECT_NE(c.doc["arrows"][7]["text"].get<std::string>().find("你好"), std::string::npos);
}

TEST(Svg, SeedStateLabelsInOrder) {
  const auto f = load_fixture("seed");
  const auto c = check(to_svg(build_ladder(f.events, f.frames)), "seed_states");
  ASSERT_EQ(c.exit_code, 0);
  EXPECT_EQ(c.doc["states"]["client"], nlohmann::json::array({"SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                                                               "TIME_WAIT", "CLOSED"}));
  EXPECT_EQ(c.doc["states"]["server"], nlohmann::json::array({"LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT",
                                                               "LAST_ACK", "CLOSED"}));
}

TEST(Svg, LostAndRetransmittedFramesAreMarked) {
  const auto f = load_fixture("lost_segment");
  const auto c = check(to_svg(build_ladder(f.events, f.frames)), "lost");
  ASSERT_EQ(c.exit_code, 0);
  std::map<int, std::vector<std::string>> classes;
  for (const auto& a : c.doc["arrows"]) classes[a["number"].get<int>()] = a["classes"].get<std::vector<std::string>>();
  auto has = [&](int n, const std::string& cls) {
    return std::find(classes[n].begin(), classes[n].end(), cls) != classes[n].end();
  };
  EXPECT_TRUE(has(8, "lost"));
  EXPECT_FALSE(has(8, "retrans"));
  EXPECT_TRUE(has(9, "retrans"));
  EXPECT_FALSE(has(9, "lost"));
  EXPECT_TRUE(has(1, "arp"));
  EXPECT_TRUE(has(1, "bcast"));
}

TEST(Svg, ThreeHostsThreeLifelinesAndAlertHighlighted) {
  const auto f = load_fixture("attacker_capture");
  const auto c = check(to_svg(build_ladder(f.events, f.frames, {.per_connection = true})), "attacker");
  ASSERT_EQ(c.exit_code, 0);
  EXPECT_EQ(c.doc["lifelines"], nlohmann::json::array({"10.0.0.1", "10.0.0.2", "02:00:00:00:00:42"}));
  bool alert8 = false;
  for (const auto& a : c.doc["arrows"])
    if (a["number"] == 8) alert8 = std::find(a["classes"].begin(), a["classes"].end(), "alert") != a["classes"].end();
  EXPECT_TRUE(alert8);
}

// The checker itself must reject what is not XML, or the tests above prove nothing.
TEST(Svg, CheckerRejectsBrokenXml) {
  EXPECT_EQ(check("<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>", "broken").exit_code, 3);
}

TEST(Svg, EmptyLadderIsStillAValidDocument) {
  const auto c = check(to_svg(build_ladder({}, {})), "empty");
  ASSERT_EQ(c.exit_code, 0);
  EXPECT_TRUE(c.doc["arrows"].empty());
}

}  // namespace
}  // namespace wirestate::render
