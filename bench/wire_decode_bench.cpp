// Per-decoder costs of the wire module and a full decode() of typical frames.
// Run: build/wire_decode_bench --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include <vector>

#include "wirestate/wire/decode.hpp"
#include "wirestate/wire/frame_builder.hpp"

namespace {

using namespace wirestate;
using namespace wirestate::wire;

Ipv4Repr ip_repr() {
  Ipv4Repr ip;
  ip.src = net::Ipv4Addr(10, 0, 0, 1);
  ip.dst = net::Ipv4Addr(10, 0, 0, 2);
  ip.dont_fragment = true;
  return ip;
}

TcpRepr ack_repr() {  // a data/ACK segment as Linux sends it: NOP NOP TS
  TcpRepr t;
  t.src_port = 40000;
  t.dst_port = 8000;
  t.seq = net::SeqNum(1000);
  t.ack = net::SeqNum(2000);
  t.flags.bits = TcpFlags::kAck | TcpFlags::kPsh;
  t.window = 502;
  t.options.timestamps = TcpTimestamps{123, 456};
  return t;
}

const EthernetSpec kEth{net::MacAddr({2, 0, 0, 0, 0, 1}), net::MacAddr({2, 0, 0, 0, 0, 2}), {}, false};

std::vector<std::uint8_t> tcp_frame(std::size_t payload_len) {
  return build_tcp_frame(kEth, ip_repr(), ack_repr(), std::vector<std::uint8_t>(payload_len, 0x5a));
}

void BM_EthernetView(benchmark::State& state) {
  const auto f = tcp_frame(0);
  for (auto _ : state) {
    auto v = EthernetView::parse(f);
    benchmark::DoNotOptimize(v->type_or_length());
  }
}
BENCHMARK(BM_EthernetView);

void BM_ArpView(benchmark::State& state) {
  const ArpRepr arp{ArpOp::kRequest, net::MacAddr({2, 0, 0, 0, 0, 1}), net::Ipv4Addr(10, 0, 0, 1), {},
                    net::Ipv4Addr(10, 0, 0, 2)};
  const auto f = build_arp_frame(kEth, arp);
  const net::Bytes body = net::Bytes(f).subspan(14);
  for (auto _ : state) {
    auto v = ArpView::parse(body);
    auto r = v->to_repr();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ArpView);

void BM_Ipv4ViewWithOptions(benchmark::State& state) {
  auto ip = ip_repr();
  ip.protocol = 253;
  ip.options = {Ipv4OptionRepr::router_alert(), Ipv4OptionRepr{Ipv4OptionType::kNop, {}},
                Ipv4OptionRepr::record_route(4)};
  const auto pkt = build_ipv4_packet(ip, std::vector<std::uint8_t>(40, 0));
  for (auto _ : state) {
    auto v = Ipv4View::parse(pkt);
    bool ok = v->checksum_ok();
    auto it = v->option_iterator();
    Ipv4Option o;
    std::size_t n = 0;
    while (it.next(o)) n += o.check().has_value() ? 0 : 1;
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_Ipv4ViewWithOptions);

void BM_TcpViewWithOptions(benchmark::State& state) {
  TcpRepr t = ack_repr();
  t.flags.bits = TcpFlags::kSyn;
  t.options.mss = 1460;
  t.options.sack_permitted = true;
  t.options.window_scale = 7;
  const auto seg = build_tcp(t, {}, net::Ipv4Addr(10, 0, 0, 1), net::Ipv4Addr(10, 0, 0, 2));
  for (auto _ : state) {
    auto v = TcpView::parse(seg);
    auto it = v->option_iterator();
    TcpOption o;
    std::size_t n = 0;
    while (it.next(o)) n += o.check().has_value() ? 0 : 1;
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(v->verify_checksum(net::Ipv4Addr(10, 0, 0, 1), net::Ipv4Addr(10, 0, 0, 2)));
  }
}
BENCHMARK(BM_TcpViewWithOptions);

void BM_TcpToRepr(benchmark::State& state) {  // the owned form allocates only for SACK/unknown
  const auto seg = build_tcp(ack_repr(), {}, net::Ipv4Addr(10, 0, 0, 1), net::Ipv4Addr(10, 0, 0, 2));
  for (auto _ : state) {
    auto r = TcpView::parse(seg)->to_repr();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_TcpToRepr);

void BM_UdpView(benchmark::State& state) {
  const auto dgram = build_udp(UdpRepr{53, 5353}, std::vector<std::uint8_t>(64, 1), net::Ipv4Addr(10, 0, 0, 1),
                               net::Ipv4Addr(10, 0, 0, 2));
  for (auto _ : state) {
    auto v = UdpView::parse(dgram);
    benchmark::DoNotOptimize(v->verify_checksum(net::Ipv4Addr(10, 0, 0, 1), net::Ipv4Addr(10, 0, 0, 2)));
  }
}
BENCHMARK(BM_UdpView);

void BM_IcmpView(benchmark::State& state) {
  IcmpRepr r = IcmpRepr::echo_request(1, 2, std::vector<std::uint8_t>(56, 7));
  std::vector<std::uint8_t> msg(r.len());
  r.emit(msg);
  for (auto _ : state) {
    auto v = IcmpView::parse(msg);
    benchmark::DoNotOptimize(v->verify_checksum());
    benchmark::DoNotOptimize(v->echo_seq());
  }
}
BENCHMARK(BM_IcmpView);

// Full decode() of an Ethernet/IPv4/TCP frame; argument = TCP payload bytes.
void BM_DecodeTcpFrame(benchmark::State& state) {
  const auto f = tcp_frame(static_cast<std::size_t>(state.range(0)));
  DecodedPacket d;
  for (auto _ : state) {
    decode_into(d, f, LinkType::kEthernet, static_cast<std::uint32_t>(f.size()));
    benchmark::DoNotOptimize(d.tcp);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}
BENCHMARK(BM_DecodeTcpFrame)->Arg(0)->Arg(1448);

// The same without checksum verification (what Wireshark does by default).
void BM_DecodeTcpFrameNoChecksums(benchmark::State& state) {
  const auto f = tcp_frame(static_cast<std::size_t>(state.range(0)));
  DecodedPacket d;
  for (auto _ : state) {
    decode_into(d, f, LinkType::kEthernet, static_cast<std::uint32_t>(f.size()), DecodeOptions{false});
    benchmark::DoNotOptimize(d.tcp);
  }
}
BENCHMARK(BM_DecodeTcpFrameNoChecksums)->Arg(0)->Arg(1448);

// decode() by value (the convenient form).
void BM_DecodeTcpFrameByValue(benchmark::State& state) {
  const auto f = tcp_frame(0);
  for (auto _ : state) {
    auto d = decode(f, LinkType::kEthernet, static_cast<std::uint32_t>(f.size()));
    benchmark::DoNotOptimize(d.tcp);
  }
}
BENCHMARK(BM_DecodeTcpFrameByValue);

}  // namespace
