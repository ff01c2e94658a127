#pragma once
// Fuzz entry for the ARP spoof detector and an ARP cache together: the input is a
// sequence of ARP frames (addresses drawn from small pools so bindings collide, change
// and flip back) with time steps, fed to both; small table limits so every eviction
// path runs. The tables must never exceed their limits.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "input.hpp"
#include "wirestate/arp/cache.hpp"
#include "wirestate/arp/spoof_detector.hpp"

namespace wirestate::fuzz {

inline constexpr std::size_t kFuzzMaxArpFrames = 4000;

// A MAC from a pool of 16 (selector < 16), else broadcast, zero or a raw one.
inline net::MacAddr fuzz_mac(Input& in) {
  const auto sel = in.u8();
  if (sel < 0xe0) return net::MacAddr({0x02, 0, 0, 0, 0, static_cast<std::uint8_t>(sel & 0x0fU)});
  if (sel < 0xe8) return net::MacAddr::broadcast();
  if (sel < 0xf0) return net::MacAddr();
  return net::MacAddr({in.u8(), in.u8(), in.u8(), in.u8(), in.u8(), in.u8()});
}

// An IP from a pool of 16 in 10.0.0.0/28 (the cache's own address is 10.0.0.1), else
// 0.0.0.0, broadcast, multicast or a raw one.
inline net::Ipv4Addr fuzz_ip(Input& in) {
  const auto sel = in.u8();
  if (sel < 0xe0) return net::Ipv4Addr(10, 0, 0, static_cast<std::uint8_t>(sel & 0x0fU));
  if (sel < 0xe8) return net::Ipv4Addr();
  if (sel < 0xec) return net::Ipv4Addr(0xffffffffU);
  if (sel < 0xf0) return net::Ipv4Addr(224, 0, 0, 251);
  return net::Ipv4Addr(in.u32());
}

// One fuzz input: a sequence of [time step][op][addresses...] records.
inline int fuzz_arp(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  arp::DetectorConfig dc;
  dc.max_ips = 8;
  dc.max_macs = 8;
  dc.max_pending_requests = 8;
  dc.max_dedup = 8;
  dc.max_macs_per_ip = 2;
  dc.max_ips_per_mac = 3;
  dc.static_bindings[net::Ipv4Addr(10, 0, 0, 2)] = net::MacAddr({0x02, 0, 0, 0, 0, 2});
  dc.allow.add_virtual_router_macs();
  arp::SpoofDetector detector(dc);

  arp::CacheConfig cc;
  cc.max_entries = 6;
  cc.max_static = 2;
  cc.unres_qlen = 3;
  cc.claim.startup = static_cast<arp::Startup>(in.u8() % 3);
  cc.claim.seed = in.u8();
  const net::MacAddr our_mac({0x02, 0, 0, 0, 0, 1});
  const net::Ipv4Addr our_ip(10, 0, 0, 1);
  arp::Cache cache(cc, our_mac, our_ip);
  arp::CacheOutput out;
  net::Time now = net::Time::from_ns(1000000000);
  cache.start(now, out);
  (void)cache.add_static(net::Ipv4Addr(10, 0, 0, 3), net::MacAddr({0x02, 0, 0, 0, 0, 3}), now, out);

  std::vector<arp::Alert> alerts;
  for (std::size_t n = 1; n <= kFuzzMaxArpFrames && !in.empty(); ++n) {
    const auto step = in.u16();
    now += net::Duration::milliseconds(step & 0x7fffU);
    const auto op = in.u8();
    if (op >= 0xf0) {  // the host itself wants to send to someone
      const auto ip = fuzz_ip(in);
      (void)cache.submit(ip, arp::QueuedItem{n, {1, 2, 3}}, now, out);
    } else if (op >= 0xe8) {
      (void)cache.remove(fuzz_ip(in), now, out);
    } else {
      arp::ArpFrame f;
      f.arp.op = (op & 1U) != 0 ? wire::ArpOp::kReply : wire::ArpOp::kRequest;
      f.arp.sender_mac = fuzz_mac(in);
      f.arp.sender_ip = fuzz_ip(in);
      f.arp.target_mac = (op & 2U) != 0 ? fuzz_mac(in) : net::MacAddr();
      f.arp.target_ip = (op & 4U) != 0 ? f.arp.sender_ip : fuzz_ip(in);
      f.eth_src = (op & 8U) != 0 ? fuzz_mac(in) : f.arp.sender_mac;
      f.eth_dst = (op & 16U) != 0 ? fuzz_mac(in) : net::MacAddr::broadcast();
      f.number = n;
      f.time = now;
      alerts.clear();
      detector.observe(f, alerts);
      cache.on_arp(f, now, out);
    }
    if (cache.next_deadline() <= now) cache.on_timer(now, out);
    WIRESTATE_FUZZ_CHECK(detector.ip_table_size() <= dc.max_ips);
    WIRESTATE_FUZZ_CHECK(detector.mac_table_size() <= dc.max_macs);
    WIRESTATE_FUZZ_CHECK(cache.size() <= cc.max_entries + cc.max_static);
    for (const auto& e : cache.entries()) WIRESTATE_FUZZ_CHECK(e.queued <= cc.unres_qlen);
    out.clear();
  }
  return 0;
}

}  // namespace wirestate::fuzz
