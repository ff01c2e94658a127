#include "wirestate/net/flow_key.hpp"

namespace wirestate::net {

std::string FlowKey::to_string() const { return low_.to_string() + "-" + high_.to_string(); }

}  // namespace wirestate::net
