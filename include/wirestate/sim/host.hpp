#pragma once
// A simulated host: one NIC on the segment and a real user-space stack above it — the ARP
// cache and resolver, IPv4 (TTL, DF, fragmentation, reassembly), ICMP (echo, port
// unreachable), TCP endpoints (a listening port spawns one endpoint per SYN; a SYN to a
// closed port gets a RST) and UDP sockets. The host never reads a clock: every input
// carries `now`, and next_deadline() says when on_timer() must run.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "wirestate/arp/cache.hpp"
#include "wirestate/ip/reassembler.hpp"
#include "wirestate/net/endpoint.hpp"
#include "wirestate/net/flow_key.hpp"
#include "wirestate/net/ipv4_addr.hpp"
#include "wirestate/net/mac_addr.hpp"
#include "wirestate/net/side.hpp"
#include "wirestate/net/time.hpp"
#include "wirestate/tcp/endpoint.hpp"
#include "wirestate/trace/event.hpp"
#include "wirestate/udp/socket_table.hpp"
#include "wirestate/wire/decode.hpp"

namespace wirestate::sim {

// Everything that makes one host.
struct HostConfig {
  std::string name;
  net::MacAddr mac;
  net::Ipv4Addr ip;
  int prefix_len = 24;
  std::uint8_t ttl = 64;       // Linux net.ipv4.ip_default_ttl = 64
  std::uint16_t mtu = 1500;    // IP MTU of the NIC
  tcp::Config tcp;
  arp::CacheConfig arp;
  std::vector<std::pair<net::Ipv4Addr, net::MacAddr>> static_arp;  // PERMANENT entries
  // A fixed ISN for every connection of this host (else the simulator's seeded stream).
  std::optional<std::uint32_t> fixed_isn;
  // Connections kept at once (a SYN beyond it is dropped, as with a full backlog).
  std::size_t max_connections = 65536;
  // Linux net.ipv4.ip_local_port_range starts at 32768.
  std::uint16_t first_ephemeral_port = 32768;
};

class Host;

// What a host tells the simulator that owns it.
class HostEnv {
 public:
  virtual ~HostEnv() = default;
  // Puts a frame on the host's NIC.
  virtual void transmit(Host& host, std::vector<std::uint8_t> frame, net::Time now) = 0;
  // A TCP endpoint of this host reported something (state change, error, data, FIN):
  // `conn` is the connection (unnamed), `side` which end of it this host is.
  virtual void tcp_event(Host& host, const trace::ConnRef& conn, net::Side side, const tcp::Event& event) = 0;
  // Anything else worth a trace line (app actions, ARP cache changes, drops, ICMP).
  virtual void host_event(Host& host, trace::Event event) = 0;
};

// What a ping has seen so far.
struct PingStats {
  std::uint32_t sent = 0;
  std::uint32_t received = 0;
};

class Host {
 public:
  Host(HostConfig config, HostEnv& env, tcp::IsnSource isn);
  // Brings the NIC up: static ARP entries, then the configured RFC 5227 start-up. Call
  // once the host can transmit (attached to the segment).
  void start(net::Time now);

  const HostConfig& config() const noexcept { return cfg_; }
  const std::string& name() const noexcept { return cfg_.name; }

  // --- Frames and timers ---------------------------------------------------------------
  // A frame arrived at the NIC (the switch may flood frames for other MACs: ignored).
  void on_frame(const std::vector<std::uint8_t>& frame, net::Time now);
  // Runs every timer due at now (TCP, ARP, reassembly).
  void on_timer(net::Time now);
  // The earliest pending deadline, Time::max() when none.
  net::Time next_deadline() const;

  // --- Applications ----------------------------------------------------------------------
  // Passive open on port (a listening socket).
  tl::expected<void, std::string> listen(std::uint16_t port, net::Time now);
  // Active open to remote:port from local_port (0 picks an ephemeral port).
  tl::expected<net::FlowKey, std::string> connect(net::Ipv4Addr remote, std::uint16_t port,
                                             std::uint16_t local_port, net::Time now);
  // Takes the next free ephemeral port towards remote:port (0 when none is left).
  std::uint16_t pick_ephemeral_port(net::Ipv4Addr remote, std::uint16_t port);
  // Queues bytes on a connection; what the send buffer cannot take yet is held by the
  // application and pushed as the buffer drains, like a blocking write.
  tl::expected<void, std::string> send(const net::FlowKey& key, std::vector<std::uint8_t> data,
                                       net::Time now);
  // Half-close (shutdown(SHUT_WR)) and close: both send FIN after the queued data; the
  // application keeps reading either way (data keeps flowing towards a FIN_WAIT_2 side).
  tl::expected<void, std::string> close(const net::FlowKey& key, net::Time now);
  // RST now (SO_LINGER 0 then close()).
  tl::expected<void, std::string> abort(const net::FlowKey& key, net::Time now);
  // UDP: bind a port; send a datagram from src_port.
  tl::expected<void, std::string> udp_bind(std::uint16_t port);
  void udp_send(std::uint16_t src_port, net::Ipv4Addr dst, std::uint16_t dst_port,
                std::vector<std::uint8_t> data, net::Time now);
  // ICMP echo request number seq (identifier id) with size bytes of data.
  void ping(net::Ipv4Addr dst, std::uint16_t id, std::uint16_t seq, std::size_t size, net::Time now);
  // A gratuitous ARP (request form, RFC 5227 announcement) for our own address.
  void gratuitous_arp(net::Time now);
  // Puts a crafted frame on the wire as is (spoofing, crafted segments).
  void inject(std::vector<std::uint8_t> frame, net::Time now);

  // --- What the host knows --------------------------------------------------------------
  // The endpoint of a connection (nullptr once it is gone).
  const tcp::Endpoint* endpoint(const net::FlowKey& key) const;
  // Every byte the application has read from a connection, in order.
  const std::vector<std::uint8_t>& received(const net::FlowKey& key) const;
  // UDP datagrams received on a port.
  const std::vector<udp::Datagram>& udp_received(std::uint16_t port) const;
  const PingStats& ping_stats(std::uint16_t id) const;
  const arp::Cache& arp_cache() const noexcept { return arp_; }
  // Frames the host dropped, by reason ("bad_ip_checksum", "not_for_us", ...).
  const std::map<std::string, std::uint64_t>& drops() const noexcept { return drops_; }

 private:
  struct Connection {
    tcp::Endpoint endpoint;
    std::deque<std::uint8_t> app_pending;  // written by the app, not yet in the send buffer
    bool close_requested = false;
    bool close_done = false;
    net::Time deadline = net::Time::max();  // as filed in timers_
    net::Endpoint local;
    net::Endpoint remote;
    net::Side side = net::Side::kClient;  // connect() made it, or a listener spawned it
    trace::ConnRef ref() const;
  };
  // The key of our connection from local_port to remote:port.
  net::FlowKey key_of(std::uint16_t local_port, net::Ipv4Addr remote, std::uint16_t remote_port) const;
  // Files a connection's next deadline in timers_ (after anything that may change it).
  void file_timer(const net::FlowKey& key, Connection& conn);

  // Input, by layer.
  void arp_input(const wire::DecodedPacket& pkt, net::Time now);
  void ipv4_input(const wire::DecodedPacket& pkt, const std::vector<std::uint8_t>& frame, net::Time now);
  void datagram_input(const wire::Ipv4Repr& ip, std::span<const std::uint8_t> header,
                      std::span<const std::uint8_t> payload, net::Time now);
  void tcp_input(const wire::Ipv4Repr& ip, std::span<const std::uint8_t> segment, net::Time now);
  void udp_input(const wire::Ipv4Repr& ip, std::span<const std::uint8_t> header,
                 std::span<const std::uint8_t> datagram, net::Time now);
  void icmp_input(const wire::Ipv4Repr& ip, std::span<const std::uint8_t> message, net::Time now);

  // Output.
  void ip_output(net::Ipv4Addr dst, std::uint8_t protocol, std::vector<std::uint8_t> payload,
                 bool dont_fragment, net::Time now);
  void link_output(net::Ipv4Addr next_hop, std::vector<std::uint8_t> packet, net::Time now);
  // Sends what the ARP cache produced (requests, replies, released datagrams), tells
  // senders about failures and reports the cache's changes.
  void flush_arp_outputs(net::Time now);
  // Drains one endpoint's outputs and events, pushes app data, reaps it if closed.
  void service(const net::FlowKey& key, net::Time now);
  void send_tcp(const net::FlowKey& key, const tcp::Segment& seg, net::Time now);
  void count_drop(const std::string& reason);
  void report(trace::Event event);

  HostConfig cfg_;
  HostEnv& env_;
  tcp::IsnSource isn_;
  arp::Cache arp_;
  arp::CacheOutput arp_out_;
  std::uint64_t next_item_id_ = 1;
  std::map<std::uint64_t, net::FlowKey> items_for_conn_;  // queued datagrams of TCP connections
  std::optional<net::FlowKey> sending_for_;             // the connection ip_output works for
  ip::Reassembler reassembler_;
  udp::SocketTable udp_;
  std::set<std::uint16_t> listening_;
  std::map<net::FlowKey, Connection> conns_;
  // Every connection's next deadline, earliest first: the host's timers cost O(log n)
  // per change instead of a scan of all connections.
  std::set<std::pair<net::Time, net::FlowKey>> timers_;
  std::map<net::FlowKey, std::vector<std::uint8_t>> received_;
  std::map<std::uint16_t, std::vector<udp::Datagram>> udp_received_;
  std::map<std::uint16_t, PingStats> pings_;
  std::map<std::string, std::uint64_t> drops_;
  std::uint16_t next_ephemeral_;
  std::uint16_t next_ip_id_ = 1;
};

}  // namespace wirestate::sim
