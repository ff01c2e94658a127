// The rules under which a `wirestate decode` line counts as tcpdump's
// (tcpdump_lines_support.hpp): each one accepts what it was written for and nothing
// looser, so the oracle test cannot pass by a rule that matches anything.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/tcpdump_lines_support.hpp"
#include "support/scratch.hpp"

namespace wirestate::tcpdump_lines {
namespace {

const std::string kT = "20:40:24.720675 ";
const std::string kSyn = kT + "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S], seq 5, win 8192, options [mss 1460], length 0";

Verdict verdict(const std::string& tcpdump, const std::string& wirestate) {
  return compare_line(tcpdump, wirestate).verdict;
}

TEST(TcpdumpLineRules, IdenticalLinesAreIdentical) {
  EXPECT_EQ(verdict(kSyn, kSyn), Verdict::kIdentical);
  EXPECT_EQ(verdict(kSyn, kSyn + " "), Verdict::kDiffers);
}

TEST(TcpdumpLineRules, AnnotationsAreWirestatesOwn) {
  EXPECT_EQ(verdict(kSyn, kSyn + " [malformed: tcp checksum bad_checksum @50] [malformed: ipv4 checksum bad_checksum @24]"),
            Verdict::kByRule);
  const std::string arp = "ARP, Reply 10.0.0.1 is-at 02:00:00:00:00:01, length 28";
  EXPECT_EQ(verdict(kT + arp, kT + "vlan 10, vlan 20, " + arp), Verdict::kByRule);
  // Only in front, and only tags: the rest must still be identical.
  EXPECT_EQ(verdict(kT + arp, kT + "vlan 10, ARP, Reply 10.0.0.1 is-at 02:00:00:00:00:02, length 28"), Verdict::kDiffers);
  EXPECT_EQ(verdict(kT + arp, kT + arp + " [malformed"), Verdict::kDiffers);
}

TEST(TcpdumpLineRules, AeLetterOnlyWhenTheRestOfTheFlagsAgree) {
  const std::string t = kT + "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [SEW], seq 5, win 8192, length 0";
  EXPECT_EQ(verdict(t, kT + "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [SEWe], seq 5, win 8192, length 0"), Verdict::kByRule);
  EXPECT_EQ(verdict(t, kT + "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [SEe], seq 5, win 8192, length 0"), Verdict::kDiffers);
  EXPECT_EQ(verdict(t, kT + "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [SEWe], seq 6, win 8192, length 0"), Verdict::kDiffers);
}

TEST(TcpdumpLineRules, NamedOptionsMatchByNameAndTheOthersExactly) {
  const std::string head = kT + "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S], seq 5, win 8192, options [";
  const std::string t = head + "mss 1460,mptcp 20 capable v1 {0x1f,0x29},nop], length 0";
  EXPECT_EQ(verdict(t, head + "mss 1460,mptcp 0x0101,nop], length 0"), Verdict::kByRule);
  EXPECT_EQ(verdict(t, head + "mss 1461,mptcp 0x0101,nop], length 0"), Verdict::kDiffers);
  EXPECT_EQ(verdict(t, head + "mss 1460,scps 0x0101,nop], length 0"), Verdict::kDiffers);
  EXPECT_EQ(verdict(t, head + "mss 1460,mptcp 0x0101], length 0"), Verdict::kDiffers);
  EXPECT_EQ(verdict(t, head + "mss 1460,mptcp 0x0101,nop], length 1"), Verdict::kDiffers);
  const std::string md5 = "md5 shared secret not supplied with -M, can't check - 00";
  EXPECT_EQ(verdict(head + md5 + ",eol], length 0", head + "md5 0x00,eol], length 0"), Verdict::kByRule);
  EXPECT_EQ(verdict(head + md5 + ",eol], length 0", head + "md5 0x00,nop], length 0"), Verdict::kDiffers);
  // Unknown kinds are not named kinds: tcpdump's wording is expected.
  EXPECT_EQ(verdict(head + "unknown-27 0x01], length 0", head + "opt-27:01], length 0"), Verdict::kDiffers);
}

TEST(TcpdumpLineRules, TcpPayloadDecodeContinuesTheLine) {
  const std::string w = kT + "IP 10.0.0.1.1 > 10.0.0.2.80: Flags [P.], seq 1:73, ack 9, win 229, length 72";
  EXPECT_EQ(verdict(w + ": HTTP: GET / HTTP/1.1", w), Verdict::kByRule);
  EXPECT_EQ(verdict(w + " 17177+ [1au] A? www.tcpdump.org. (56)", w), Verdict::kByRule);
  EXPECT_EQ(verdict(w + ", RPKI-RTR", w), Verdict::kByRule);
  EXPECT_EQ(verdict(w + "0", w), Verdict::kDiffers);  // length 720 is not length 72
  EXPECT_EQ(verdict(w + ": HTTP", w + " [malformed: tcp checksum bad_checksum @50]"), Verdict::kByRule);
}

TEST(TcpdumpLineRules, UdpPayloadDecodeMustKeepTheLength) {
  const std::string w = kT + "IP 10.0.0.1.5353 > 224.0.0.251.53: UDP, length 45";
  const std::string head = kT + "IP 10.0.0.1.5353 > 224.0.0.251.53: ";
  EXPECT_EQ(verdict(head + "0 SRV (QM)? gemini._sftp-ssh._tcp.local. (45)", w), Verdict::kByRule);
  EXPECT_EQ(verdict(head + "0 SRV (QM)? gemini._sftp-ssh._tcp.local. (451)", w), Verdict::kDiffers);
  EXPECT_EQ(verdict(head + "UDP, length 46", w), Verdict::kDiffers);
  EXPECT_EQ(verdict(kT + "IP 10.0.0.1.5354 > 224.0.0.251.53: 0 SRV? x. (45)", w), Verdict::kDiffers);
}

TEST(TcpdumpLineRules, IpProtocolDecodeKeepsTheAddresses) {
  const std::string w = kT + "IP 48.48.48.48 > 48.48.48.49:  ip-proto-103 12316";
  EXPECT_EQ(verdict(kT + "IP 48.48.48.48 > 48.48.48.49: PIMv2, Hello, length 12316", w), Verdict::kByRule);
  EXPECT_EQ(verdict(kT + "IP 48.48.48.48 > 48.48.48.50: PIMv2, Hello, length 12316", w), Verdict::kDiffers);
  EXPECT_EQ(verdict(kT + "IP 48.48.48.48 > 48.48.48.49:  ip-proto-103 12315", w), Verdict::kDiffers);
}

TEST(TcpdumpLineRules, PlaceholdersCompareTheTimeUnlessTcpdumpSawIpv4OrArp) {
  const std::string ip6 = kT + "IP6 fe80::1 > ff02::1: ICMP6, router advertisement, length 176";
  EXPECT_EQ(verdict(ip6, kT + "IP6 (not decoded), length 230"), Verdict::kTimestampOnly);
  EXPECT_EQ(verdict(ip6, "20:40:24.720676 IP6 (not decoded), length 230"), Verdict::kDiffers);
  EXPECT_EQ(verdict(kT + "STP 802.1w, Rapid STP", kT + "LLC dsap 0x42 ssap 0x42, length 60"), Verdict::kTimestampOnly);
  EXPECT_EQ(verdict(kT + "Loopback, skipCount 0", kT + "ethertype 0x9000, length 68"), Verdict::kTimestampOnly);
  // wirestate not decoding what tcpdump shows as IPv4 or ARP is not a placeholder case.
  EXPECT_EQ(verdict(kT + "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 1, length 8",
                    kT + "link type 9 (not decoded), length 244"),
            Verdict::kDiffers);
  EXPECT_EQ(verdict(kT + "IP bad-hlen 16", kT + "ethertype 0x0800, length 98 [malformed: ipv4 ihl bad_header_length @14]"),
            Verdict::kDiffers);
  EXPECT_EQ(verdict(kT + "ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28", kT + "ethertype 0x0806, length 42"),
            Verdict::kDiffers);
}

TEST(TcpdumpRecords, IndentedLinesBelongToThePacketBefore) {
  const auto records = packet_records("a UNSUPPORTED\n\t0x0000:  490c\n\t0x0010:  43e0\nb IP x\n[Invalid header: len==0]\n");
  EXPECT_EQ(records, (std::vector<std::string>{"a UNSUPPORTED", "b IP x", "[Invalid header: len==0]"}));
}

TEST(TcpdumpRecords, ReferenceNumbersAndDatesAreRemovedAndChecked) {
  bool ok = false;
  auto records = reference_records("    1  2013-02-26 22:03:19.190965 IP a\n\t0x0000:  4500\n    2  22:03:20.000000 IP b\n", ok);
  EXPECT_TRUE(ok);
  EXPECT_EQ(records, (std::vector<std::string>{"22:03:19.190965 IP a", "22:03:20.000000 IP b"}));
  reference_records("    1  2013-02-26 22:03:19.190965 IP a\n    3  2013-02-26 22:03:19.190965 IP b\n", ok);
  EXPECT_FALSE(ok);
}

TEST(TcpdumpRelative, FirstAckSegmentSetsTheBasesLaterOnesAreRelative) {
  const std::string c = "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags ";
  const std::string s = "IP 10.0.0.2.80 > 10.0.0.1.40000: Flags ";
  const std::vector<std::string> lines = {
      kT + c + "[S], seq 1000, win 1, length 0",
      kT + s + "[S.], seq 5000, ack 1001, win 1, length 0",
      kT + c + "[.], ack 5001, win 1, length 0",
      kT + c + "[P.], seq 1001:1011, ack 5001, win 1, length 10",
      kT + s + "[.], ack 1011, win 1, options [sack 1 {1021:1031}], length 0",
  };
  auto fact = [](bool from_client, std::uint32_t seq, std::uint32_t ack, bool syn, bool has_ack) {
    TcpFacts f;
    f.present = true;
    f.src = from_client ? 0x0a000001 : 0x0a000002;
    f.dst = from_client ? 0x0a000002 : 0x0a000001;
    f.sport = from_client ? 40000 : 80;
    f.dport = from_client ? 80 : 40000;
    f.seq = seq;
    f.ack = ack;
    f.syn = syn;
    f.ack_flag = has_ack;
    return f;
  };
  const std::vector<TcpFacts> facts = {fact(true, 1000, 0, true, false), fact(false, 5000, 1001, true, true),
                                       fact(true, 1001, 5001, false, true), fact(true, 1001, 5001, false, true),
                                       fact(false, 5001, 1011, false, true)};
  const auto relative = to_relative_sequence_numbers(lines, facts);
  ASSERT_EQ(relative.size(), lines.size());
  EXPECT_EQ(relative[0], lines[0]);  // no ACK: absolute
  EXPECT_EQ(relative[1], lines[1]);  // the SYN-ACK records the bases
  EXPECT_EQ(relative[2], kT + c + "[.], ack 1, win 1, length 0");
  EXPECT_EQ(relative[3], kT + c + "[P.], seq 1:11, ack 1, win 1, length 10");
  EXPECT_EQ(relative[4], kT + s + "[.], ack 11, win 1, options [sack 1 {21:31}], length 0");
}

TEST(TcpdumpAllowListFile, MalformedLinesAreRejectedWithTheirNumber) {
  const auto path = wirestate::test::scratch_path("allow.tsv");
  {
    std::ofstream(path) << "# comment\nlive\tpublic/x.pcap\t1,3-4\tthe reason for it\nlive\tpublic/y.pcap\t2\n";
  }
  std::string error;
  EXPECT_TRUE(read_allow_list(path, error).empty());
  EXPECT_NE(error.find(":3:"), std::string::npos) << error;
  {
    std::ofstream(path) << "live\tpublic/x.pcap\t1,3-4\tthe reason for it\nref\tpublic/y.out\t*\tanother reason\n";
  }
  error.clear();
  const auto entries = read_allow_list(path, error);
  EXPECT_EQ(error, "");
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].packets, (std::vector<std::size_t>{1, 3, 4}));
  EXPECT_TRUE(entries[1].packets.empty());
}

TEST(TcpdumpCompareFile, StaleAllowListLinesAreProblems) {
  const std::vector<std::string> oracle = {kSyn, kT + "IP bad-len 0"};
  const std::vector<std::string> wirestate = {kSyn, kT + "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [S], seq 5, win 8192, length 0"};
  AllowEntry second{"live", "f", {2}, "tcpdump prints bad-len for TSO", 1};
  AllowEntry first{"live", "f", {1}, "no longer needed", 2};
  auto r = compare_file(oracle, wirestate, {&second});
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.tally.identical, 1U);
  EXPECT_EQ(r.tally.allow_listed, 1U);
  r = compare_file(oracle, wirestate, {&second, &first});
  ASSERT_EQ(r.problems.size(), 1U);
  EXPECT_NE(r.problems[0].find("packet 1 of f no longer differs"), std::string::npos) << r.problems[0];
  r = compare_file(oracle, wirestate, {});
  EXPECT_EQ(r.tally.differs, 1U);
  r = compare_file({kSyn}, wirestate, {});
  EXPECT_FALSE(r.problems.empty());  // a packet more or less is a problem
}

}  // namespace
}  // namespace wirestate::tcpdump_lines
