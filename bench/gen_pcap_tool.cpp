// Writes a pcap of N varied frames for the decode throughput run (default 1,000,000):
// TCP handshakes, data and SACK segments with options over many connections, UDP, ARP,
// ICMP echo and VLAN-tagged frames, all built with the wire builders and io::PcapWriter.
//   gen_pcap_tool OUT.pcap [N]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "wirestate/io/pcap_writer.hpp"
#include "wirestate/wire/frame_builder.hpp"

using namespace wirestate;

namespace {

net::MacAddr mac(std::uint32_t host) {
  return net::MacAddr({0x02, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(host >> 8),
                       static_cast<std::uint8_t>(host)});
}

std::vector<std::uint8_t> frame_for(std::uint64_t i) {
  const std::uint32_t conn = static_cast<std::uint32_t>(i / 8) % 20000;  // many connections
  const std::uint32_t client = 1 + conn % 250;
  const std::uint32_t server = 1 + (conn / 250) % 250;
  wire::EthernetSpec eth{mac(client), mac(1000 + server), {}, false};
  wire::Ipv4Repr ip;
  ip.src = net::Ipv4Addr(10, 0, static_cast<std::uint8_t>(client >> 8), static_cast<std::uint8_t>(client));
  ip.dst = net::Ipv4Addr(10, 1, static_cast<std::uint8_t>(server >> 8), static_cast<std::uint8_t>(server));
  ip.id = static_cast<std::uint16_t>(i);
  ip.dont_fragment = true;
  if (i % 16 == 15) eth.vlans.push_back({wire::EtherType::kVlan, static_cast<std::uint16_t>(conn % 4000 + 1), 0, false});
  const std::uint16_t sport = static_cast<std::uint16_t>(32768 + conn);
  const std::uint16_t dport = static_cast<std::uint16_t>(80 + conn % 16);
  static const std::vector<std::uint8_t> payload(512, 0x61);
  switch (i % 8) {
    case 0: {  // SYN with the Linux option set
      wire::TcpRepr syn;
      syn.src_port = sport;
      syn.dst_port = dport;
      syn.seq = net::SeqNum(static_cast<std::uint32_t>(i * 2654435761U));
      syn.flags.bits = wire::TcpFlags::kSyn;
      syn.window = 64240;
      syn.options.mss = 1460;
      syn.options.sack_permitted = true;
      syn.options.timestamps = wire::TcpTimestamps{static_cast<std::uint32_t>(i), 0};
      syn.options.window_scale = 7;
      return wire::build_tcp_frame(eth, ip, syn, {});
    }
    case 1:
    case 2:
    case 3: {  // data / pure ACK with timestamps
      wire::TcpRepr seg;
      seg.src_port = sport;
      seg.dst_port = dport;
      seg.seq = net::SeqNum(static_cast<std::uint32_t>(i * 1000));
      seg.ack = net::SeqNum(static_cast<std::uint32_t>(i * 7));
      seg.flags.bits = wire::TcpFlags::kAck | (i % 8 == 1 ? wire::TcpFlags::kPsh : 0);
      seg.window = 502;
      seg.options.timestamps = wire::TcpTimestamps{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i - 1)};
      const std::size_t len = i % 8 == 1 ? 100 + i % 400 : 0;
      return wire::build_tcp_frame(eth, ip, seg, net::Bytes(payload.data(), len));
    }
    case 4: {  // ACK with SACK blocks
      wire::TcpRepr seg;
      seg.src_port = dport;
      seg.dst_port = sport;
      seg.seq = net::SeqNum(static_cast<std::uint32_t>(i));
      seg.ack = net::SeqNum(static_cast<std::uint32_t>(i * 3));
      seg.flags.bits = wire::TcpFlags::kAck;
      seg.window = 1024;
      seg.options.sack = {{net::SeqNum(100), net::SeqNum(200)}, {net::SeqNum(300), net::SeqNum(400)}};
      std::swap(ip.src, ip.dst);
      return wire::build_tcp_frame(eth, ip, seg, {});
    }
    case 5: {  // UDP
      wire::UdpRepr udp{static_cast<std::uint16_t>(40000 + conn % 1000), 53};
      return wire::build_udp_frame(eth, ip, udp, net::Bytes(payload.data(), 40 + i % 60));
    }
    case 6: {  // ARP request or reply
      wire::ArpRepr arp;
      arp.op = i % 16 < 8 ? wire::ArpOp::kRequest : wire::ArpOp::kReply;
      arp.sender_mac = mac(client);
      arp.sender_ip = ip.src;
      arp.target_ip = ip.dst;
      if (arp.op == wire::ArpOp::kRequest) eth.dst = net::MacAddr::broadcast();
      eth.pad_to_minimum = true;
      return wire::build_arp_frame(eth, arp);
    }
    default: {  // ICMP echo
      auto icmp = wire::IcmpRepr::echo_request(static_cast<std::uint16_t>(conn),
                                               static_cast<std::uint16_t>(i), std::vector<std::uint8_t>(56, 0x42));
      return wire::build_icmp_frame(eth, ip, icmp);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT.pcap [N]\n", argv[0]);
    return 2;
  }
  const std::uint64_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  auto writer = io::PcapWriter::open(argv[1]);
  if (!writer) {
    std::fprintf(stderr, "%s\n", writer.error().c_str());
    return 2;
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto frame = frame_for(i);
    // 10 us apart, starting 2024-01-01T00:00:00Z.
    const auto t = net::Time::from_ns(1'704'067'200'000'000'000LL + static_cast<std::int64_t>(i) * 10'000);
    if (auto ok = writer->write(t, frame); !ok) {
      std::fprintf(stderr, "%s\n", ok.error().c_str());
      return 2;
    }
  }
  if (auto ok = writer->close(); !ok) {
    std::fprintf(stderr, "%s\n", ok.error().c_str());
    return 2;
  }
  std::printf("wrote %llu packets to %s\n", static_cast<unsigned long long>(n), argv[1]);
  return 0;
}
