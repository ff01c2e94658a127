#include "cli/checksum_options.hpp"

#include <fmt/format.h>

namespace wirestate::cli {

void add_checksum_options(CLI::App& cmd, ChecksumArgs& args) {
  auto* skip = cmd.add_flag("-K,--dont-verify-checksums", args.skip, "do not verify IP/TCP/UDP checksums (tcpdump -K)");
  auto* enforce = cmd.add_flag("--verify-checksums", args.enforce,
                               "a segment with a bad checksum moves no state and counts as an error "
                               "(by default it is flagged and counted, as Wireshark does)");
  skip->excludes(enforce);
}

monitor::ChecksumPolicy checksum_policy(const ChecksumArgs& args) {
  if (args.skip) return monitor::ChecksumPolicy::kSkip;
  return args.enforce ? monitor::ChecksumPolicy::kEnforce : monitor::ChecksumPolicy::kFlag;
}

void note_offloaded_senders(const monitor::Monitor& mon, const char* command) {
  // Zeek's and Wireshark's reading of the pattern: one sender's segments nearly all bad
  // while its peer's verify is a capture taken on that sender, before the NIC filled the
  // checksums in.
  const bool dropped = mon.config().checksums == monitor::ChecksumPolicy::kEnforce;
  for (const auto& s : mon.checksum_senders().offload_suspects()) {
    fmt::print(stderr,
               "wirestate {}: note: {} of {} TCP segments from {} have bad checksums: likely checksum offload on "
               "the capturing host ({}; -K skips verification)\n",
               command, s.bad, s.segments, s.sender,
               dropped ? "--verify-checksums dropped them from state inference" : "they still count for the states");
  }
}

}  // namespace wirestate::cli
