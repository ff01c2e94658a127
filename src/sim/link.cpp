#include "wirestate/sim/link.hpp"

namespace wirestate::sim {

std::string_view to_string(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::kLoss: return "loss";
    case DropReason::kMtu: return "mtu";
    case DropReason::kQueueFull: return "queue_full";
    case DropReason::kRunt: return "runt";
    case DropReason::kFiltered: return "filtered";
  }
  return "unknown";
}

}  // namespace wirestate::sim
