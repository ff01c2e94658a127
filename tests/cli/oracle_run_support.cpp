#include "cli/oracle_run_support.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "support/tshark_compare.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/print/json.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::testing {

namespace {

bool has_tag(const OracleCapture& c, const std::string& tag) {
  return std::find(c.tags.begin(), c.tags.end(), tag) != c.tags.end();
}

// tshark lists pcapng blocks that hold no packet (custom blocks and the like) as "data"
// frames without a timestamp; libpcap skips them.
bool is_non_packet_block(const OracleCapture& c, const FieldMap& row) {
  const auto* protocols = test::find_field(row, "frame.protocols");
  return c.path.ends_with(".pcapng") && row.count("frame.time_epoch") == 0 && protocols != nullptr &&
         protocols->at(0) == "data";
}

class CaptureCheck {
 public:
  CaptureCheck(const OracleCapture& capture, const AllowList& allow) : capture_(capture), allow_(allow) {}

  CaptureReport run() {
    if (capture_.error.empty()) check();
    else fail(capture_.error);
    return std::move(report_);
  }

 private:
  void check() {
    const std::string path = shared_pcaps() + "/" + capture_.path;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size != capture_.size) {
      fail("on disk " + std::to_string(ec ? 0 : size) + " bytes, indexed " + std::to_string(capture_.size));
    }
    try {
      rows_ = read_oracle(path);
    } catch (const std::exception& e) {
      return fail(e.what());
    }
    if (rows_.size() != capture_.tshark_packets) {
      fail("the oracle has " + std::to_string(rows_.size()) + " rows, the index says tshark decoded " +
           std::to_string(capture_.tshark_packets));
    }
    read_packets(path);
    check_compares_something();
    check_entries_used();
  }

  void fail(const std::string& what) { report_.failures.push_back(capture_.path + ": " + what); }
  void fail_packet(std::uint64_t n, const std::string& what) { fail("packet " + std::to_string(n) + " " + what); }

  void read_packets(const std::string& path) {
    const UnreadableEntry* unreadable = allow_.unreadable(capture_.path);
    auto reader = io::PcapReader::open(path);
    if (!reader) {
      if (reader.error().find(path) == std::string::npos) fail("the open error does not name the file: " + reader.error());
      if (unreadable == nullptr || unreadable->stage != "open") {
        return fail("libpcap cannot open it and oracle_unreadable.json does not say so: " + reader.error());
      }
      if (reader.error().find(unreadable->error) == std::string::npos) {
        return fail("open error \"" + reader.error() + "\" lacks the listed \"" + unreadable->error + "\"");
      }
      ++report_.used[unreadable->id];
      return;
    }
    if (unreadable != nullptr && unreadable->stage == "open") fail("listed as unreadable at open, but libpcap opened it");

    const auto link = wire::link_type_from_dlt(reader->link_type());
    auto decoded = std::make_unique<wire::DecodedPacket>();
    test::FieldComparer comparer;
    if (has_tag(capture_, "pcap-timestamp-invalid")) comparer.skip_time();
    std::size_t row = 0;               // next oracle row
    std::uint64_t skipped_blocks = 0;  // non-packet rows passed so far
    auto skip_blocks = [&] {
      while (row < rows_.size() && is_non_packet_block(capture_, rows_[row])) {
        ++row;
        ++skipped_blocks;
      }
    };
    while (auto packet = reader->next()) {
      wire::decode_into(*decoded, packet->data, link, packet->wire_len);
      ++report_.packets;
      if (decoded->malformed()) ++report_.flagged;
      if (capture_.tshark_rc != 0) continue;  // tshark could not read the file: no oracle
      skip_blocks();
      if (row >= rows_.size()) return fail_packet(packet->number, "is one more than tshark saw");
      const FieldMap& theirs = rows_[row++];
      // Row alignment, not a decoded field (so not counted): our packet number against
      // tshark's frame number, which also counts the non-packet blocks passed over.
      const std::string tshark_number = test::join_values(test::find_field(theirs, "frame.number"));
      if (tshark_number != std::to_string(packet->number + skipped_blocks)) {
        fail_packet(packet->number, "is tshark's frame " + tshark_number + " (after " + std::to_string(skipped_blocks) +
                                        " non-packet blocks): the rows are out of step");
      }
      const print::FrameInfo frame{packet->number, packet->timestamp, packet->caplen, packet->wire_len};
      const auto ours = test::flatten_to_tshark(print::to_json(frame, *decoded));
      const auto* tshark_caplen = test::find_field(theirs, "frame.cap_len");
      const bool clipped = static_cast<int>(packet->caplen) == reader->snaplen() && tshark_caplen != nullptr &&
                           std::stoull(tshark_caplen->at(0)) > packet->caplen;
      packet_checks(packet->number, theirs, *decoded, comparer.compare(theirs, ours, *decoded, clipped));
    }
    skip_blocks();

    if (const auto& problem = reader->problem()) {
      if (unreadable == nullptr) return fail("libpcap stopped reading and oracle_unreadable.json does not say so: " + problem->message);
      if (problem->message.find(unreadable->error) == std::string::npos) {
        fail("read error \"" + problem->message + "\" lacks the listed \"" + unreadable->error + "\"");
      }
      if (static_cast<std::uint64_t>(report_.packets) != unreadable->packets_read) {
        fail("libpcap read " + std::to_string(report_.packets) + " packets before giving up, listed " +
             std::to_string(unreadable->packets_read));
      }
      ++report_.used[unreadable->id];
      return;
    }
    if (unreadable != nullptr) fail("listed in oracle_unreadable.json, but libpcap read it to the end");
    if (capture_.tshark_rc == 0 && row != rows_.size()) {
      fail("tshark saw " + std::to_string(rows_.size() - row) + " packets more than libpcap");
    }
  }

  void packet_checks(std::uint64_t n, const FieldMap& theirs, const wire::DecodedPacket& decoded,
                     const test::PacketComparison& result) {
    for (const auto& m : result.mismatches) fail_packet(n, m);
    report_.fields_compared += result.compared;
    report_.compared_beyond_frame += result.compared_beyond_frame;
    const auto reasons = test::stop_reasons(decoded);
    const auto* tshark_malformed = test::find_field(theirs, "_ws.malformed");

    // Malformed verdicts agree both ways, except for the named reasons.
    if (decoded.malformed() && tshark_malformed == nullptr) {
      for (const auto& m : decoded.malformations) {
        const std::string reason = std::string(wire::to_string(m.layer)) + "." + std::string(wire::to_string(m.error));
        const auto* entry = allow_.excuse_ours(capture_.path, reason, decoded.truncated, theirs);
        if (entry == nullptr) {
          fail_packet(n, "wirestate flags " + reason + ", tshark calls the packet clean (no verdicts_ours entry)");
        } else {
          ++report_.used[entry->id];
        }
      }
    }
    if (tshark_malformed != nullptr && !decoded.malformed()) {
      const auto* entry = allow_.excuse_tshark(capture_.path, tshark_malformed->at(0), reasons);
      if (entry == nullptr) {
        fail_packet(n, "tshark says " + tshark_malformed->at(0) + ", wirestate calls it clean (no verdicts_tshark entry)");
      } else {
        ++report_.used[entry->id];
      }
    }

    // Fields tshark decoded past our stop: fine when both call the packet malformed (tshark
    // shows what it read before giving up); on a packet tshark decoded cleanly only when
    // the stop is on the allow-list.
    if (result.lost_values == 0) return;
    if (tshark_malformed != nullptr && decoded.malformed()) {
      report_.malformed_stop_values += result.lost_values;
      return;
    }
    if (tshark_malformed != nullptr) return;  // judged by the verdict above
    std::vector<std::string> lost_layers;
    std::string lost_text;
    for (const auto& [layer, values] : result.lost) {
      lost_layers.push_back(layer);
      lost_text += (lost_text.empty() ? "" : ", ") + layer + " (" + std::to_string(values) + ")";
    }
    const auto* entry = allow_.stop_for(capture_.path, n, reasons, lost_layers);
    if (entry == nullptr) {
      std::string why;
      for (const auto& r : reasons) why += (why.empty() ? "" : ", ") + r;
      return fail_packet(n, "decode stopped (" + why + ") where tshark decoded " + lost_text +
                                " cleanly, and no stops entry allows it");
    }
    report_.used[entry->id] += result.lost_values;
    report_.allowed_stop_values += result.lost_values;
  }

  void check_compares_something() {
    const auto* entry = allow_.compares_nothing(capture_.path);
    if (report_.compared_beyond_frame == 0 && entry == nullptr) {
      fail("not one field beyond frame.* was compared, and compares_nothing does not list it");
    } else if (report_.compared_beyond_frame != 0 && entry != nullptr) {
      fail("listed in compares_nothing, but " + std::to_string(report_.compared_beyond_frame) + " fields were compared");
    } else if (entry != nullptr) {
      ++report_.used[entry->id];
    }
  }

  // Entries about this capture must all have matched something here; the any-capture
  // entries are checked over the whole corpus.
  void check_entries_used() {
    for (const auto* e : allow_.entries()) {
      if (e->capture == capture_.path && report_.used.count(e->id) == 0) {
        fail(e->id + " (" + e->why + ") matches nothing: stale");
      }
    }
  }

  const OracleCapture& capture_;
  const AllowList& allow_;
  std::vector<FieldMap> rows_;
  CaptureReport report_;
};

}  // namespace

CaptureReport check_capture(const OracleCapture& capture, const AllowList& allow) {
  return CaptureCheck(capture, allow).run();
}

}  // namespace wirestate::testing
