// The HTML page in headless Chromium (Debian's `chromium`): its script runs without
// errors, a frame's full decode opens from the page's own code, and the screenshot is
// not blank. Skips when chromium is not installed.
#include "wirestate/render/svg.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "trace_fixture.hpp"
#include "support/scratch.hpp"
#include "support/require.hpp"

namespace wirestate::render {
namespace {

using testing::load_fixture;
using testing::read_file;

// Decodes an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) with the standard
// library only and prints "<width> <height> <distinct colours> <non-white per mille>".
constexpr const char* kPngStats = R"(
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6) and interlace == 0, 'unexpected PNG format'
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, nonwhite = set(), 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp * 3):
        px = bytes(line[x:x + 3])
        colours.add(px)
        if px != b'\xff\xff\xff': nonwhite += 1
    prev = line
print(w, h, len(colours), nonwhite * 1000 // max(1, h * (w // 3)))
)";

std::string chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (access(p, X_OK) == 0) return p;
  return "";
}

class HtmlInChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    browser_ = chromium();
    if (browser_.empty()) WIRESTATE_SKIP_UNLESS_REQUIRED() << "chromium is not installed (apt-get install -y chromium): HTML not rendered";
    dir_ = wirestate::test::scratch_dir().string();
  }

  // Runs chromium on url with extra flags; stdout and stderr go to files in dir_.
  int run(const std::string& url, const std::string& flags, const std::string& tag) {
    const std::string cmd = "timeout 120 " + browser_ +
                            " --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking"
                            " --disable-component-update --disable-sync --disable-quic --enable-logging=stderr --v=0"
                            " --user-data-dir=" + dir_ + "/profile-" + tag + " " + flags + " '" + url + "' > " + dir_ + "/" +
                            tag + ".out 2> " + dir_ + "/" + tag + ".err";
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  std::string write_page(const std::string& fixture, LadderOptions options = {}) {
    const auto f = load_fixture(fixture);
    const std::string path = dir_ + "/" + fixture + ".html";
    std::ofstream(path, std::ios::binary) << to_html(build_ladder(f.events, f.frames, options));
    return path;
  }

  std::string browser_;
  std::string dir_;
};

// Console errors and uncaught exceptions as Chromium logs them to stderr.
bool console_error(const std::string& log) {
  return log.find("Uncaught") != std::string::npos || log.find(":ERROR:CONSOLE") != std::string::npos;
}

TEST_F(HtmlInChromium, ScriptRunsWithoutErrors) {
  const std::string page = write_page("seed", {.title = "seed example"});
  ASSERT_EQ(run("file://" + page, "--dump-dom", "dom"), 0) << read_file(dir_ + "/dom.err");
  const std::string dom = read_file(dir_ + "/dom.out");
  EXPECT_NE(dom.find("data-ready=\"ok\""), std::string::npos) << dom.substr(0, 400);
  EXPECT_NE(dom.find("data-items=\"26\""), std::string::npos) << "14 arrows and 12 states expected to be wired up";
  const auto html = dom.find("<html");
  ASSERT_NE(html, std::string::npos);
  const std::string root_tag = dom.substr(html, dom.find('>', html) - html);
  EXPECT_EQ(root_tag.find("data-error"), std::string::npos) << root_tag;
  EXPECT_NE(root_tag.find("data-ready=\"ok\""), std::string::npos) << root_tag;
  EXPECT_FALSE(console_error(read_file(dir_ + "/dom.err"))) << read_file(dir_ + "/dom.err");
}

TEST_F(HtmlInChromium, ClickingAnArrowShowsTheFullDecode) {
  const std::string page = write_page("seed");
  ASSERT_EQ(run("file://" + page + "#frame=8", "--dump-dom", "click"), 0) << read_file(dir_ + "/click.err");
  const std::string dom = read_file(dir_ + "/click.out");
  const auto panel = dom.find("id=\"panel-text\"");
  ASSERT_NE(panel, std::string::npos);
  const std::string text = dom.substr(panel, dom.find("</pre>", panel) - panel);
  EXPECT_NE(text.find("Transmission Control Protocol, Src Port: 32768, Dst Port: 8000, Len: 6"), std::string::npos) << text;
  EXPECT_NE(text.find("Sequence number: 1 (relative)"), std::string::npos) << text;
  EXPECT_NE(text.find("你好"), std::string::npos) << text;
}

TEST_F(HtmlInChromium, ScreenshotIsNotBlank) {
  const std::string page = write_page("lost_segment");
  const std::string png = dir_ + "/shot.png";
  ASSERT_EQ(run("file://" + page, "--screenshot=" + png + " --window-size=1200,900 --hide-scrollbars", "shot"), 0)
      << read_file(dir_ + "/shot.err");
  EXPECT_FALSE(console_error(read_file(dir_ + "/shot.err"))) << read_file(dir_ + "/shot.err");
  std::ofstream(dir_ + "/png_stats.py") << kPngStats;
  ASSERT_EQ(std::system((std::string(WIRESTATE_PYTHON) + " " + dir_ + "/png_stats.py " + png + " > " + dir_ + "/stats.txt").c_str()), 0);
  int w = 0, h = 0, colours = 0, nonwhite = 0;
  std::ifstream(dir_ + "/stats.txt") >> w >> h >> colours >> nonwhite;
  EXPECT_EQ(w, 1200);
  EXPECT_EQ(h, 900);
  EXPECT_GE(colours, 8) << "a drawing has text, lines and state boxes in several colours";
  EXPECT_GE(nonwhite, 20) << "at least 2 % of the sampled pixels are not white";
}

// The checker must be able to call a blank page blank.
TEST_F(HtmlInChromium, BlankPageIsRecognisedAsBlank) {
  const std::string page = dir_ + "/blank.html";
  std::ofstream(page) << "<!DOCTYPE html><html><body style=\"background:#fff\"></body></html>";
  const std::string png = dir_ + "/blank.png";
  ASSERT_EQ(run("file://" + page, "--screenshot=" + png + " --window-size=1200,900 --hide-scrollbars", "blank"), 0);
  std::ofstream(dir_ + "/png_stats.py") << kPngStats;
  ASSERT_EQ(std::system((std::string(WIRESTATE_PYTHON) + " " + dir_ + "/png_stats.py " + png + " > " + dir_ + "/stats.txt").c_str()), 0);
  int w = 0, h = 0, colours = 0, nonwhite = 0;
  std::ifstream(dir_ + "/stats.txt") >> w >> h >> colours >> nonwhite;
  EXPECT_LT(colours, 8);
  EXPECT_LT(nonwhite, 20);
}

}  // namespace
}  // namespace wirestate::render
