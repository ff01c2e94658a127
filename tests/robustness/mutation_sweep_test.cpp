// The mutation sweep: every capture under ../shared/pcaps is mutated the way
// `editcap -E` mutates (seeded), then decoded, printed and analyzed by the Monitor, in
// two ways per mutant: (1) packet bytes mutated, the capture's records kept; (2) the
// whole file image mutated (pcap/pcapng headers too) and read back through libpcap.
// Nothing may crash or trip a sanitizer; per file, what is read and kept is bounded by
// the file's size and the monitor's caps (asserted on counts, never on times).
//
// WIRESTATE_MUTANTS (default 10) sets the mutants of each kind per capture, so the
// default run processes 2 * 10 * (number of captures) mutated files.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "robustness/harnesses_support.hpp"
#include "robustness/mutation_support.hpp"
#include "support/param_name.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/monitor/monitor.hpp"
#include "wirestate/wire/decode.hpp"
#include "support/scratch.hpp"

namespace {

namespace fs = std::filesystem;
using namespace wirestate;

constexpr double kByteErrorProbability = 0.02;  // editcap -E 0.02

int mutants_per_kind() {
  const char* v = std::getenv("WIRESTATE_MUTANTS");
  const int n = v != nullptr ? std::atoi(v) : 10;
  return n > 0 ? n : 10;
}

std::vector<fs::path> captures() {
  std::vector<fs::path> out;
  const fs::path root(WIRESTATE_SHARED_PCAPS);
  if (!fs::is_directory(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".pcap" || ext == ".pcapng" || ext == ".cap")) {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Record {
  std::vector<std::uint8_t> data;
  std::uint32_t wire_len = 0;
  int link_type = 1;
  net::Time time;
};

// The records libpcap reads from a file (up to the first problem).
std::vector<Record> read_records(const std::string& path) {
  std::vector<Record> out;
  auto reader = io::PcapReader::open(path);
  if (!reader) return out;
  while (auto p = reader->next()) {
    out.push_back({{p->data.begin(), p->data.end()}, p->wire_len, p->link_type, p->timestamp});
  }
  return out;
}

// What one mutated file cost: the frames the monitor analyzed (its own count), and the
// connections it kept at the end.
struct SweepResult {
  std::uint64_t frames = 0;
  std::size_t connections = 0;
};

// Decodes and prints every record, runs them through a Monitor with default limits, and
// checks the limits after every frame.
SweepResult analyze(const std::vector<Record>& records) {
  monitor::Monitor m;
  std::vector<trace::Event> events;
  net::Time last;
  std::uint64_t n = 0;
  for (const auto& r : records) {
    fuzz::decode_and_print(r.data, wire::link_type_from_dlt(r.link_type), r.wire_len, true);
    monitor::FrameIn f;
    f.data = r.data;
    f.link = wire::link_type_from_dlt(r.link_type);
    f.wire_len = r.wire_len;
    f.number = ++n;
    f.time = std::max(last, r.time);  // the monitor wants time order; mutated stamps may not be
    last = f.time;
    events.clear();
    m.on_frame(f, events);
    fuzz::check_monitor(m);
  }
  events.clear();
  m.finish(last + net::Duration::seconds(300), events);
  return {m.counters().frames, m.connections().size()};
}

// A file name made of a capture's relative path.
std::string capture_file_stem(std::string name) {
  for (auto& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

class MutationSweep : public ::testing::TestWithParam<fs::path> {};

TEST_P(MutationSweep, MutantsDecodeAndAnalyzeWithinBounds) {
  const auto path = GetParam();
  const auto name = fs::relative(path, WIRESTATE_SHARED_PCAPS).string();
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> image{std::istreambuf_iterator<char>(in), {}};
  const auto original = read_records(path.string());
  const int k = mutants_per_kind();
  // files counts the mutants the monitor analyzed frame by frame to the end (and, for file
  // mutants, that were written whole and read back); every one of the 2·k must be.
  std::size_t files = 0, changed = 0;

  // (1) packet bytes mutated, records kept.
  for (int i = 0; i < k; ++i) {
    std::mt19937_64 rng(robustness::seed_of(name, static_cast<std::uint64_t>(i)));
    auto records = original;
    for (auto& r : records) changed += robustness::mutate(r.data, kByteErrorProbability, rng);
    const auto res = analyze(records);
    // One connection needs at least one TCP segment.
    EXPECT_LE(res.connections, original.size()) << name << " packet mutant " << i;
    EXPECT_EQ(res.frames, records.size()) << name << " packet mutant " << i;
    if (res.frames == records.size()) ++files;
  }

  // (2) the whole file image mutated, read back through libpcap.
  for (int i = 0; i < k; ++i) {
    std::mt19937_64 rng(robustness::seed_of(name, 1000U + static_cast<std::uint64_t>(i)));
    auto bytes = image;
    changed += robustness::mutate(bytes, kByteErrorProbability, rng);
    // WIRESTATE_KEEP_MUTANTS=DIR writes each file mutant there before it is read, so the
    // one that made a run fail is the last file written (copy it to tests/regressions/pcap/).
    if (const char* keep = std::getenv("WIRESTATE_KEEP_MUTANTS")) {
      std::ofstream(fs::path(keep) / (capture_file_stem(name) + "_mutant" + std::to_string(i)), std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    fuzz::MemFile file(bytes.data(), bytes.size());
    const bool written = fs::file_size(file.path()) == bytes.size();
    EXPECT_TRUE(written) << name << " file mutant " << i << " is " << fs::file_size(file.path()) << " bytes, not "
                         << bytes.size();
    const auto records = read_records(file.path());
    // A pcap record takes at least its 16-byte header, a pcapng block at least 12 bytes.
    EXPECT_LE(records.size(), bytes.size() / 12 + 1) << name << " file mutant " << i;
    std::size_t held = 0;
    for (const auto& r : records) held += r.data.size();
    EXPECT_LE(held, bytes.size()) << "records hold more bytes than the file " << name;
    const auto res = analyze(records);
    EXPECT_LE(res.connections, records.size());
    EXPECT_EQ(res.frames, records.size()) << name << " file mutant " << i;
    EXPECT_EQ(fuzz::read_and_decode(file.path()), std::min<std::uint64_t>(records.size(), fuzz::kMaxPacketsPerFile));
    if (written && res.frames == records.size()) ++files;
  }
  EXPECT_EQ(files, static_cast<std::size_t>(2 * k)) << name;
  // The mutants differ from the capture (at 2% per byte, over 2·k copies of the file).
  EXPECT_GT(changed, 0U) << name;
  RecordProperty("mutated_files", static_cast<int>(files));
  RecordProperty("bytes_changed", static_cast<int>(changed));
}

std::string capture_name(const ::testing::TestParamInfo<fs::path>& info) {
  return wirestate::test::param_name(fs::relative(info.param, WIRESTATE_SHARED_PCAPS).string());
}

INSTANTIATE_TEST_SUITE_P(SharedPcaps, MutationSweep, ::testing::ValuesIn(captures()), capture_name);

// `wirestate analyze` itself on mutated files (one file mutant of every fifth capture):
// it ends with an exit code (0, 1 or 2), never a signal.
TEST(MutationSweepCli, AnalyzeExitsCleanlyOnMutatedFiles) {
  const auto all = captures();
  const auto dir = wirestate::test::scratch_dir();
  fs::create_directories(dir);
  std::size_t runs = 0;  // mutants analyzed to an exit code 0..2
  std::size_t tried = 0;
  for (std::size_t i = 0; i < all.size(); i += 5) {
    ++tried;
    const auto name = fs::relative(all[i], WIRESTATE_SHARED_PCAPS).string();
    std::ifstream in(all[i], std::ios::binary);
    std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
    std::mt19937_64 rng(robustness::seed_of(name, 5000));
    robustness::mutate(bytes, kByteErrorProbability, rng);
    const auto file = dir / ("m" + std::to_string(i) + all[i].extension().string());
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    ASSERT_EQ(fs::file_size(file), bytes.size()) << "mutant of " << name << " not written whole";
    const std::string cmd = std::string(WIRESTATE_CLI_PATH) + " analyze " + file.string() + " >/dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(status)) << "wirestate analyze died on a mutant of " << name
                                   << " (kept at " << file << ")";
    EXPECT_LE(WEXITSTATUS(status), 2) << name;
    if (WEXITSTATUS(status) <= 2) ++runs;
    fs::remove(file);
  }
  fs::remove_all(dir);
  EXPECT_GE(tried, 20U) << "captures under " << WIRESTATE_SHARED_PCAPS;
  EXPECT_EQ(runs, tried);
}

// The sweep has something to sweep (an empty ../shared/pcaps would pass vacuously).
TEST(MutationSweepCorpus, HasAtLeastOneHundredCaptures) {
  EXPECT_GE(captures().size(), 100U) << "captures under " << WIRESTATE_SHARED_PCAPS;
}

// IPv6 captures are in the sweep too (its decoder, extension-header chain and the
// monitor's IPv6 tables get mutated input, not only the IPv4 ones).
TEST(MutationSweepCorpus, HoldsIpv6Captures) {
  std::size_t with_ipv6 = 0;
  std::size_t with_ipv6_tcp = 0;
  for (const auto& path : captures()) {
    bool v6 = false, v6_tcp = false;
    for (const auto& r : read_records(path.string())) {
      const auto d = wire::decode(r.data, wire::link_type_from_dlt(r.link_type), r.wire_len);
      v6 = v6 || d.ipv6.has_value();
      v6_tcp = v6_tcp || (d.ipv6.has_value() && d.tcp.has_value());
      if (v6_tcp) break;
    }
    with_ipv6 += v6 ? 1 : 0;
    with_ipv6_tcp += v6_tcp ? 1 : 0;
  }
  RecordProperty("captures_with_ipv6", static_cast<int>(with_ipv6));
  EXPECT_GE(with_ipv6, 20U);
  EXPECT_GE(with_ipv6_tcp, 3U);  // the public set has three with IPv6 TCP
}

// The mutator changes about prob of the bytes and is reproducible from its seed.
TEST(MutationSweepCorpus, MutatorIsSeededAndNearItsRate) {
  std::vector<std::uint8_t> a(100000, 0x55), b(100000, 0x55);
  std::mt19937_64 r1(robustness::seed_of("x", 1)), r2(robustness::seed_of("x", 1));
  const auto n = robustness::mutate(a, 0.02, r1);
  robustness::mutate(b, 0.02, r2);
  EXPECT_EQ(a, b);
  EXPECT_GT(n, 1500U);
  EXPECT_LT(n, 2500U);
}

}  // namespace
