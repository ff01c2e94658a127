#pragma once
// scapy (Debian's python3-scapy) as an independent implementation for the wire tests: the
// bytes of a packet a scapy expression builds, checksums and lengths filled in by scapy.
#include <cstdint>
#include <string>
#include <vector>

#include "support/process.hpp"

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
  std::vector<std::uint8_t> out;
  if (o.rc != 0) return out;
  for (std::size_t i = 0; i + 1 < o.out.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(o.out.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace wirestate::wire::testing
