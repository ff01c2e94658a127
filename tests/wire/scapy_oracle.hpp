#pragma once
// scapy (Debian's python3-scapy) as an independent implementation for the wire tests: the
// bytes of a packet a scapy expression builds, checksums and lengths filled in by scapy.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "wire/hex.hpp"

namespace wirestate::wire::testing {

// True when WIRESTATE_PYTHON can import scapy.
inline bool have_scapy() {
  return wirestate::test::sh(std::string(WIRESTATE_PYTHON) + " -c 'import scapy.all'") == 0;
}

// raw(p)[from:] of the packet p = expr (scapy syntax; use double quotes inside), or empty
// when scapy failed.
inline std::vector<std::uint8_t> scapy_bytes(const std::string& expr, std::size_t from = 0) {
  const std::string py = "from scapy.all import *\nimport sys\np=" + expr + "\nsys.stdout.write(raw(p)[" +
                         std::to_string(from) + ":].hex())\n";
  const auto o = wirestate::test::run_command(std::string(WIRESTATE_PYTHON) + " -c '" + py + "'");
  if (o.rc != 0) return {};
  return test::from_hex(o.out);
}

// scapy_bytes of each expression, from one python start (importing scapy takes about a
// second); all empty when scapy failed.
inline std::vector<std::vector<std::uint8_t>> scapy_batch(const std::vector<std::string>& exprs) {
  std::string py = "from scapy.all import *\nimport sys\n";
  for (const auto& expr : exprs) py += "sys.stdout.write(raw(" + expr + ").hex() + \"\\n\")\n";
  const auto o = wirestate::test::run_command(std::string(WIRESTATE_PYTHON) + " -c '" + py + "'");
  std::vector<std::vector<std::uint8_t>> out(exprs.size());
  if (o.rc != 0) return out;
  std::istringstream lines(o.out);
  std::string line;
  for (auto& packet : out) {
    if (!std::getline(lines, line)) break;
    packet = test::from_hex(line);
  }
  return out;
}

}  // namespace wirestate::wire::testing
