// The tshark oracle: every capture in ../shared/pcaps (public/index.json and kernel/*.pcap)
// is read with io::PcapReader, decoded with wire::decode, printed with print::to_json, and
// every field wirestate decodes must equal what tshark 4.0 printed for that packet.
// One test per capture, named after its path, so a failure names the file; each mismatch
// names the packet number and the field.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <ostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/oracle_support.hpp"
#include "wirestate/io/pcap_reader.hpp"
#include "wirestate/print/json.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate {
namespace {

using testing::FieldMap;
using testing::OracleCapture;

// The tshark fields wirestate decodes and compares, value for value.
const std::vector<std::string> kComparedFields = {
    "frame.number", "frame.time_epoch", "frame.len", "frame.cap_len",
    "eth.src", "eth.dst", "eth.type",
    "vlan.id", "vlan.priority", "vlan.etype",
    "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac",
    "arp.dst.proto_ipv4", "arp.isgratuitous",
    "ip.version", "ip.hdr_len", "ip.src", "ip.dst", "ip.proto", "ip.ttl", "ip.len", "ip.id",
    "ip.flags.df", "ip.flags.mf", "ip.frag_offset", "ip.checksum", "ip.checksum.status",
    "ip.opt.type",
    "icmp.type", "icmp.code", "icmp.checksum.status",
    "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.flags.str",
    "tcp.hdr_len", "tcp.len", "tcp.window_size_value", "tcp.options.mss_val",
    "tcp.options.wscale.shift", "tcp.options.sack_perm", "tcp.options.sack_le",
    "tcp.options.sack_re", "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
    "tcp.checksum.status",
    "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status"};

// Captures whose IPv4/TCP/UDP/ICMP/ARP/link headers are broken: at least one packet must
// be flagged malformed. (Other "malformed" captures are broken in layers wirestate does
// not decode: IPv6, AppleTalk ARP, ICMP extensions, or only cut by the snapshot length.)
const std::set<std::string> kMustBeFlagged = {
    "public/tcpdump/LINKTYPE_IPV4_invalid.pcap", "public/tcpdump/arp-oobr.pcap",
    "public/tcpdump/arp-too-long-tha.pcap", "public/tcpdump/bad-ipv4-version-pgm-heapoverflow.pcap",
    "public/tcpdump/heap-overflow-1.pcap", "public/tcpdump/heapoverflow-in_checksum.pcap",
    "public/tcpdump/heapoverflow-ip_demux_print.pcap", "public/tcpdump/heapoverflow-tcp_print.pcap",
    "public/tcpdump/icmp-cksum-oobr-1.pcap", "public/tcpdump/icmp-cksum-oobr-3.pcapng",
    "public/tcpdump/icmp-icmp_print-oobr-1.pcap", "public/tcpdump/icmp-length-zero.pcapng",
    "public/tcpdump/ip_printroute_asan.pcap", "public/tcpdump/ip_ts_opts_asan.pcap",
    "public/tcpdump/ipv4_invalid_hdr_length.pcap", "public/tcpdump/ipv4_invalid_length.pcap",
    "public/tcpdump/ipv4_invalid_total_length.pcap", "public/tcpdump/ipv4_invalid_total_length_2.pcap",
    "public/tcpdump/kday2.pcap", "public/tcpdump/kday3.pcap", "public/tcpdump/kday4.pcap",
    "public/tcpdump/kday5.pcap", "public/tcpdump/kday7.pcap", "public/tcpdump/kday8.pcap",
    "public/tcpdump/scps_invalid.pcap", "public/tcpdump/tcp-auth-heapoverflow.pcap",
    "public/tcpdump/tcp_header_heapoverflow.pcap", "public/tcpdump/udp-length-heapoverflow.pcap",
    "public/zeek/arp-leak.pcap", "public/zeek/icmp/icmp-destunreach-no-context.pcap",
    "public/zeek/ip-bogus-header-len.pcap", "public/zeek/tcp/truncated-header.pcap",
    "public/zeek/tcp/window-scale-range.pcap", "public/zeek/trunc/icmp-header-trunc.pcap",
    "public/zeek/trunc/ip4-trunc.pcap", "public/zeek/trunc/ipv4-internally-truncated-header.pcap",
    "public/zeek/trunc/ipv4-truncated-broken-header.pcap", "public/zeek/trunc/trunc-hdr.pcap"};

// libpcap 1.10 cannot read some pcapng files tshark reads: several interfaces with
// different link types or snapshot lengths, no Interface Description Block, or a section
// header of version 2. Reading must stop cleanly with a message; the packets read before
// are still compared.
bool is_known_libpcap_limit(const std::string& message) {
  return message.find("different from the") != std::string::npos ||
         message.find("no Interface Description Blocks") != std::string::npos ||
         message.find("major version number") != std::string::npos;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

const std::vector<std::string>* find(const FieldMap& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

std::string join(const std::vector<std::string>* v) {
  if (v == nullptr) return "<absent>";
  std::string s;
  for (const auto& x : *v) s += (s.empty() ? "" : ",") + x;
  return s;
}

// tshark's protocol name for the layer of a field ("ip.ttl" -> "ip").
std::string layer_of(const std::string& field) { return field.substr(0, field.find('.')); }

// Compares one capture; returns the number of fields compared.
class OracleComparison {
 public:
  explicit OracleComparison(std::string path) : path_(std::move(path)) {}

  // clipped: libpcap cut the record to the file's snapshot length (tshark reads it whole).
  void packet(const FieldMap& row, const FieldMap& ours, const wire::DecodedPacket& decoded,
              bool clipped) {
    const std::string number = join(find(ours, "frame.number"));
    const bool tshark_malformed = row.count("_ws.malformed") != 0;
    // Wireshark verifies transport checksums over a segment clamped to the frame when the
    // IPv4 total length exceeds the packet; wirestate refuses to verify a checksum over
    // bytes the header says are missing (status 2), and flags the packet malformed.
    bool ip_length_exceeds_packet = false;
    if (const auto* experts = find(row, "_ws.expert.message")) {
      for (const auto& m : *experts) {
        if (m.find("IPv4 total length exceeds packet length") != std::string::npos) {
          ip_length_exceeds_packet = true;
        }
      }
    }
    const auto* tshark_protocols = find(row, "frame.protocols");
    const std::vector<std::string> tshark_layers =
        tshark_protocols ? split(tshark_protocols->at(0), ':') : std::vector<std::string>{};
    // We stopped early on purpose (a protocol we do not decode: IPv6, PPP, frame relay,
    // other EtherTypes or link types) or because the bytes were malformed.
    const bool we_stopped = decoded.not_decoded != wire::NotDecoded::kNone || decoded.malformed();

    // Our protocol chain must be a prefix of tshark's (tshark goes on into applications).
    const std::string our_protocols = join(find(ours, "frame.protocols"));
    if (!tshark_malformed && tshark_protocols != nullptr && !we_stopped) {
      const std::string& theirs = tshark_protocols->at(0);
      const bool prefix = theirs == our_protocols ||
                          (theirs.rfind(our_protocols + ":", 0) == 0);
      EXPECT_TRUE(prefix) << path_ << " packet " << number << " frame.protocols: ours "
                          << our_protocols << ", tshark " << theirs;
    }

    for (const auto& field : kComparedFields) {
      const auto* theirs = find(row, field);
      const auto* mine = find(ours, field);
      if (theirs == nullptr && mine == nullptr) continue;
      const std::string layer = layer_of(field);
      if (mine == nullptr) {
        // tshark decoded a layer we do not reach: fine only when we stopped on purpose
        // or on malformed bytes (tshark then shows what it read before giving up).
        if (we_stopped) continue;
        ADD_FAILURE() << path_ << " packet " << number << " field " << field
                      << ": tshark has " << join(theirs) << ", wirestate has nothing";
        continue;
      }
      if (theirs == nullptr) {
        // tshark did not produce the field: its dissector gave up (malformed) or it never
        // reached the layer (it decoded the payload as something else).
        const bool tshark_has_layer =
            std::find(tshark_layers.begin(), tshark_layers.end(), layer) != tshark_layers.end();
        if (tshark_malformed || !tshark_has_layer) continue;
        // SACK-permitted: tshark prints it only when well-formed; we only say true.
        ADD_FAILURE() << path_ << " packet " << number << " field " << field
                      << ": wirestate has " << join(mine) << ", tshark has nothing";
        continue;
      }
      if (clipped && (field == "frame.cap_len" || field.ends_with("checksum.status"))) {
        continue;  // our bytes are a prefix of tshark's: checksums cannot be verified
      }
      if (ip_length_exceeds_packet && decoded.malformed() &&
          (field == "tcp.checksum.status" || field == "udp.checksum.status" ||
           field == "icmp.checksum.status")) {
        continue;
      }
      if (skip_time_ && field == "frame.time_epoch") continue;
      ++compared_;
      if (field == "tcp.options.sack_perm") continue;  // presence compared above; tshark prints the option bytes
      if (field == "tcp.flags.str" && theirs->at(0).find('-') != std::string::npos) {
        continue;  // tshark shows the AccECN ACE counter ("-5-") once AccECN was negotiated
      }
      if (field == "tcp.options.sack_le" || field == "tcp.options.sack_re") {
        compare_sack(field, number, ours, *mine, *theirs);
        continue;
      }
      if (tshark_malformed && mine->size() != theirs->size()) continue;
      EXPECT_EQ(join(mine), join(theirs)) << path_ << " packet " << number << " field " << field;
    }
  }

  int compared() const { return compared_; }
  // Files with deliberately invalid record timestamps (sub-second field out of range):
  // libpcap normalises them, tshark prints them raw ("1418145370.1000000000").
  void skip_time() { skip_time_ = true; }

 private:
  // tshark prints SACK edges relative to the peer's initial sequence number; we print
  // the raw 32-bit values. The difference must be one constant per direction of a flow.
  void compare_sack(const std::string& field, const std::string& number, const FieldMap& ours,
                    const std::vector<std::string>& mine, const std::vector<std::string>& theirs) {
    ASSERT_EQ(mine.size(), theirs.size()) << path_ << " packet " << number << " field " << field;
    const std::string flow = join(find(ours, "ip.src")) + ":" + join(find(ours, "tcp.srcport")) +
                             ">" + join(find(ours, "ip.dst")) + ":" + join(find(ours, "tcp.dstport"));
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const auto delta = static_cast<std::uint32_t>(std::stoull(mine[i]) - std::stoull(theirs[i]));
      auto [it, inserted] = sack_base_.emplace(flow, delta);
      EXPECT_EQ(it->second, delta) << path_ << " packet " << number << " field " << field
                                   << ": raw " << mine[i] << " vs tshark relative " << theirs[i];
    }
  }

  std::string path_;
  int compared_ = 0;
  bool skip_time_ = false;
  std::map<std::string, std::uint32_t> sack_base_;
};

}  // namespace
}  // namespace wirestate

namespace wirestate::testing {
// gtest prints a failing parameter with this (instead of its bytes).
void PrintTo(const OracleCapture& capture, std::ostream* os) { *os << capture.path; }
}  // namespace wirestate::testing

namespace wirestate {
namespace {

class Oracle : public ::testing::TestWithParam<OracleCapture> {};

TEST_P(Oracle, EveryDecodedFieldMatchesTshark) {
  const OracleCapture& capture = GetParam();
  const std::string path = std::string(WIRESTATE_SHARED_PCAPS) + "/" + capture.path;
  auto oracle = testing::read_oracle(path);
  if (capture.path.ends_with(".pcapng")) {
    // tshark lists pcapng blocks that hold no packet (custom blocks and the like) as
    // "data" frames without a timestamp; libpcap skips them.
    std::erase_if(oracle, [](const FieldMap& row) {
      const auto* protocols = find(row, "frame.protocols");
      return row.count("frame.time_epoch") == 0 && protocols != nullptr &&
             protocols->at(0) == "data";
    });
  }

  auto reader = io::PcapReader::open(path);
  if (!reader) {
    EXPECT_NE(reader.error().find(path), std::string::npos) << reader.error();
    EXPECT_TRUE(is_known_libpcap_limit(reader.error()) || oracle.empty())
        << "cannot open a capture tshark read: " << reader.error();
    return;
  }
  const auto link = wire::link_type_from_dlt(reader->link_type());
  auto decoded = std::make_unique<wire::DecodedPacket>();
  OracleComparison comparison(capture.path);
  if (std::find(capture.tags.begin(), capture.tags.end(), "pcap-timestamp-invalid") !=
      capture.tags.end()) {
    comparison.skip_time();
  }
  std::size_t i = 0;
  std::size_t flagged = 0;
  while (auto packet = reader->next()) {
    wire::decode_into(*decoded, packet->data, link, packet->wire_len);
    if (decoded->malformed()) ++flagged;
    if (capture.tshark_rc != 0) continue;  // tshark could not read the file: no oracle
    ASSERT_LT(i, oracle.size()) << capture.path << ": more packets than tshark saw";
    const print::FrameInfo frame{packet->number, packet->timestamp, packet->caplen,
                                 packet->wire_len};
    const auto ours = testing::flatten_to_tshark(print::to_json(frame, *decoded));
    FieldMap row = oracle[i++];
    // frame.number: tshark counts non-packet pcapng blocks too; compare our position.
    row["frame.number"] = {std::to_string(packet->number)};
    const auto* tshark_caplen = find(row, "frame.cap_len");
    const bool clipped = static_cast<int>(packet->caplen) == reader->snaplen() &&
                         tshark_caplen != nullptr &&
                         std::stoull(tshark_caplen->at(0)) > packet->caplen;
    comparison.packet(row, ours, *decoded, clipped);
  }
  if (const auto& problem = reader->problem()) {
    EXPECT_TRUE(is_known_libpcap_limit(problem->message)) << problem->message;
  } else if (capture.tshark_rc == 0) {
    EXPECT_EQ(i, oracle.size()) << capture.path << ": tshark saw more packets";
  }
  if (kMustBeFlagged.count(capture.path) != 0) {
    EXPECT_GT(flagged, 0U) << capture.path << ": a malformed capture decoded as clean";
  }
  RecordProperty("fields_compared", comparison.compared());
  RecordProperty("packets_flagged_malformed", static_cast<int>(flagged));
}

INSTANTIATE_TEST_SUITE_P(Captures, Oracle, ::testing::ValuesIn(testing::oracle_captures()),
                         [](const auto& info) { return testing::test_name_for(info.param.path); });

}  // namespace
}  // namespace wirestate
