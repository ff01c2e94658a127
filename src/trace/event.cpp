#include "wirestate/trace/event.hpp"

namespace wirestate::trace {

namespace {
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;
}  // namespace

std::string_view kind_name(const Event& event) {
  return std::visit(Overloaded{
                        [](const PacketEvent&) { return std::string_view("packet"); },
                        [](const TcpStateEvent&) { return std::string_view("tcp_state"); },
                        [](const ArpCacheEvent&) { return std::string_view("arp_cache"); },
                        [](const AlertEvent&) { return std::string_view("alert"); },
                        [](const AnomalyEvent&) { return std::string_view("anomaly"); },
                        [](const AppEvent&) { return std::string_view("app"); },
                        [](const VerdictEvent&) { return std::string_view("verdict"); },
                    },
                    event.body);
}

std::string_view to_string(Origin origin) {
  return origin == Origin::kEndpoint ? "endpoint" : "observer";
}

}  // namespace wirestate::trace
