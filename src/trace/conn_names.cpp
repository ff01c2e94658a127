#include "wirestate/trace/conn_names.hpp"

namespace wirestate::trace {

std::string endpoints_text(const net::Endpoint& client, const net::Endpoint& server) {
  std::string s = client.to_string();
  s += '-';
  s += server.to_string();
  return s;
}

ConnNameId ConnNames::add(Entry entry) {
  entries_.push_back(std::move(entry));
  return static_cast<ConnNameId>(entries_.size());
}

std::vector<ConnNameId> ConnNames::current(const net::FlowKey& flow, net::Time t) const {
  std::optional<net::Time> latest;
  for (const auto& e : entries_) {
    if (e.flow == flow && e.opened <= t && (!latest || e.opened > *latest)) latest = e.opened;
  }
  std::vector<ConnNameId> out;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (latest && entries_[i].flow == flow && entries_[i].opened == *latest) out.push_back(static_cast<ConnNameId>(i + 1));
  }
  return out;
}

std::optional<ConnNameId> ConnNames::find(std::string_view name) const {
  for (std::size_t i = entries_.size(); i-- > 0;) {
    if (entries_[i].name == name) return static_cast<ConnNameId>(i + 1);
  }
  return std::nullopt;
}

ConnRef ConnNames::named(const ConnRef& ref, ConnNameId id) const {
  return ConnRef{ref.flow, entry(id).client, id};
}

std::string ConnNames::text(const ConnRef& ref) const {
  return ref.name != kUnnamed && ref.name <= entries_.size() ? entry(ref.name).name : ref.endpoints_text();
}

std::string conn_text(const ConnRef& ref, const ConnNames* names) {
  return names ? names->text(ref) : ref.endpoints_text();
}

}  // namespace wirestate::trace
