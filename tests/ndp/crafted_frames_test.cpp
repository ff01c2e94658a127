// The frames the detector tests are built from, read by tshark: every field a rule relies
// on (type, addresses, NA flags, link-layer options, RA prefix and MTU, redirect target and
// destination) decodes there to the value our NdpFrame holds, with a good checksum.
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ndp_support.hpp"
#include "support/process.hpp"
#include "support/require.hpp"
#include "support/scratch.hpp"

namespace wirestate::ndp {
namespace {

using testing::global;
using testing::link_local;
using testing::mac;
using testing::v6;

std::string flag(bool b) { return b ? "1" : "0"; }

TEST(NdpCraftedFrames, DecodeInTsharkToTheFieldsTheDetectorReads) {
  if (wirestate::test::sh("command -v tshark >/dev/null") != 0) WIRESTATE_SKIP_UNLESS_REQUIRED() << "no tshark";
  const net::MacAddr all_nodes = testing::multicast_mac(v6("ff02::1"));
  auto ra = testing::usual_ra(9);
  const std::vector<testing::Wire> wires = {
      {mac(1), {}, net::Ipv6Addr(), global(1).solicited_node(), wire::neighbor_solicitation(global(1), std::nullopt)},
      {mac(1), {}, global(1), global(2).solicited_node(), wire::neighbor_solicitation(global(2), mac(1))},
      {mac(2), mac(1), global(2), global(1), wire::neighbor_advertisement(global(2), false, true, true, mac(2))},
      {mac(66), mac(1), global(2), global(1), wire::neighbor_advertisement(global(2), false, false, true, mac(66))},
      {mac(9), all_nodes, link_local(9), v6("ff02::1"), wire::router_advertisement(ra)},
  };
  std::vector<std::vector<std::uint8_t>> frames;
  std::vector<NdpFrame> ours;
  for (const auto& w : wires) {
    frames.push_back(testing::frame_bytes(w));
    ours.push_back(testing::frame(w, {}));
  }
  const testing::Wire rd{mac(66), mac(1), link_local(66), link_local(1),
                         testing::redirect_message(link_local(66), v6("2001:db8:1::7"))};
  ours.push_back(testing::frame(rd, {}));
  frames.push_back(testing::frame_bytes(rd));
  const auto pcap = (wirestate::test::scratch_dir() / "crafted_ndp.pcap").string();
  testing::write_pcap(pcap, frames);

  const auto o = wirestate::test::run_command(
      "tshark -r " + pcap +
      " -T fields -E separator='|' -E occurrence=f -e icmpv6.type -e ipv6.src -e ipv6.hlim -e icmpv6.checksum.status"
      " -e icmpv6.nd.ns.target_address -e icmpv6.nd.na.target_address -e icmpv6.nd.na.flag.s"
      " -e icmpv6.nd.na.flag.o -e icmpv6.opt.linkaddr -e icmpv6.opt.prefix -e icmpv6.opt.mtu"
      " -e icmpv6.nd.rd.target_address -e icmpv6.rd.na.destination_address -e _ws.malformed");
  ASSERT_EQ(o.rc, 0) << o.out;
  std::istringstream lines(o.out);
  std::string line;
  std::size_t i = 0;
  for (; std::getline(lines, line) && i < ours.size(); ++i) {
    SCOPED_TRACE(line);
    std::vector<std::string> f;
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, '|')) f.push_back(cell);
    f.resize(14);
    const NdpFrame& n = ours[i];
    EXPECT_EQ(f[0], std::to_string(static_cast<int>(n.type)));
    EXPECT_EQ(f[1], n.src.to_string());
    EXPECT_EQ(f[2], "255");
    EXPECT_EQ(f[3], "1");  // [Checksum Status: Good]
    const std::string target = n.target ? n.target->to_string() : "";
    if (n.type == MessageType::kNeighborSolicitation) {
      EXPECT_EQ(f[4], target);
    }
    if (n.type == MessageType::kNeighborAdvertisement) {
      EXPECT_EQ(f[5], target);
      EXPECT_EQ(f[6], flag(n.solicited));
      EXPECT_EQ(f[7], flag(n.override_flag));
    }
    const auto lla = n.claimed_link_addr();
    EXPECT_EQ(f[8], lla ? lla->to_string() : "");
    if (n.type == MessageType::kRouterAdvertisement) {
      ASSERT_EQ(n.ra.prefix_count, 1);
      EXPECT_EQ(f[9], n.ra.prefixes[0].prefix.to_string());
      EXPECT_EQ(f[10], std::to_string(*n.ra.mtu));
    }
    if (n.type == MessageType::kRedirect) {
      EXPECT_EQ(f[11], target);
      EXPECT_EQ(f[12], n.destination->to_string());
    }
    EXPECT_EQ(f[13], "");
  }
  EXPECT_EQ(i, ours.size()) << o.out;
}

}  // namespace
}  // namespace wirestate::ndp
