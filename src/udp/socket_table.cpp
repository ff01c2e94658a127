#include "wirestate/udp/socket_table.hpp"

namespace wirestate::udp {

bool SocketTable::bind(std::uint16_t port) { return sockets_.try_emplace(port).second; }

void SocketTable::unbind(std::uint16_t port) { sockets_.erase(port); }

Delivery SocketTable::deliver(std::uint16_t dst_port, Datagram datagram) {
  auto it = sockets_.find(dst_port);
  if (it == sockets_.end()) return Delivery::kPortUnreachable;
  if (it->second.size() >= max_queue_) {
    ++dropped_;
    return Delivery::kQueueFull;
  }
  it->second.push_back(std::move(datagram));
  return Delivery::kQueued;
}

std::vector<Datagram> SocketTable::receive_all(std::uint16_t port) {
  std::vector<Datagram> out;
  auto it = sockets_.find(port);
  if (it == sockets_.end()) return out;
  out.assign(std::make_move_iterator(it->second.begin()), std::make_move_iterator(it->second.end()));
  it->second.clear();
  return out;
}

}  // namespace wirestate::udp
