#pragma once
// Which connection an event is about, and the one table of the names a scenario gave its
// connections. The simulator fills the table as connect steps run; the JSONL writer, the
// timeline and the diagrams read it to print a name, and the checks look names up in it.
// A capture has no table: its connections print as "client-server".
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wirestate/net/endpoint.hpp"
#include "wirestate/net/flow_key.hpp"
#include "wirestate/net/side.hpp"
#include "wirestate/net/time.hpp"

namespace wirestate::trace {

// "client-server", e.g. "10.0.0.1:40000-10.0.0.2:80" or "[2001:db8::1]:40000-[2001:db8::2]:80":
// how a connection without a name prints (client first).
std::string endpoints_text(const net::Endpoint& client, const net::Endpoint& server);

// An index into ConnNames; kUnnamed when the connection has no scenario name.
using ConnNameId = std::uint32_t;
inline constexpr ConnNameId kUnnamed = 0;

// A connection as events carry it: its key, which end is the client, and its name.
struct ConnRef {
  net::FlowKey flow;
  net::Endpoint client;
  ConnNameId name = kUnnamed;

  // The endpoint of one side.
  net::Endpoint endpoint(net::Side side) const { return side == net::Side::kClient ? client : flow.peer_of(client); }
  // The side `e` is (which must be one of the two endpoints).
  net::Side side_of(const net::Endpoint& e) const { return e == client ? net::Side::kClient : net::Side::kServer; }
  // endpoints_text(client, server).
  std::string endpoints_text() const { return trace::endpoints_text(client, endpoint(net::Side::kServer)); }

  bool operator==(const ConnRef&) const = default;
};

class ConnNames {
 public:
  struct Entry {
    std::string name;
    net::FlowKey flow;
    net::Endpoint client;
    std::string client_host;  // the simulated hosts at each end ("" when not one of them)
    std::string server_host;
    net::Time opened;  // when the name was given: it names the 4-tuple from then on
  };

  // Names the connection from client to server from `opened` on.
  ConnNameId add(Entry entry);
  const Entry& entry(ConnNameId id) const { return entries_.at(id - 1); }
  std::size_t size() const noexcept { return entries_.size(); }

  // The names `flow` has at t: of those given at or before t, the most recent (a reused
  // 4-tuple belongs to its latest name; a simultaneous open, named by both hosts' connect
  // steps at once, has two).
  std::vector<ConnNameId> current(const net::FlowKey& flow, net::Time t) const;
  // The latest entry given this name.
  std::optional<ConnNameId> find(std::string_view name) const;

  // The reference `ref` has under name `id`: that name's client, so the sides follow it.
  ConnRef named(const ConnRef& ref, ConnNameId id) const;

  // What writers print for a connection: its name, else its endpoints.
  std::string text(const ConnRef& ref) const;

 private:
  std::deque<Entry> entries_;  // a deque: entries stay where they are as names are added
};

// The text of a connection when there may be no table (a capture).
std::string conn_text(const ConnRef& ref, const ConnNames* names);

}  // namespace wirestate::trace
