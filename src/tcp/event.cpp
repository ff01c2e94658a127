#include "wirestate/tcp/event.hpp"

namespace wirestate::tcp {

std::string_view to_string(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kConnectionRefused: return "connection refused";
    case ErrorKind::kConnectionReset: return "connection reset";
    case ErrorKind::kTimedOut: return "connection timed out";
  }
  return "unknown error";
}

std::string_view to_string(UserError error) noexcept {
  switch (error) {
    case UserError::kConnectionDoesNotExist: return "connection does not exist";
    case UserError::kConnectionAlreadyExists: return "connection already exists";
    case UserError::kConnectionClosing: return "connection closing";
    case UserError::kForeignSocketUnspecified: return "foreign socket unspecified";
  }
  return "unknown error";
}

std::string_view to_string(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::kClosedState: return "closed_state";
    case DropReason::kListenRst: return "listen_rst";
    case DropReason::kListenAck: return "listen_ack";
    case DropReason::kListenNoSyn: return "listen_no_syn";
    case DropReason::kSynSentBadAck: return "syn_sent_bad_ack";
    case DropReason::kSynSentRstNoAck: return "syn_sent_rst_no_ack";
    case DropReason::kSynSentNoSyn: return "syn_sent_no_syn";
    case DropReason::kUnacceptable: return "unacceptable";
    case DropReason::kRstChallenged: return "rst_challenged";
    case DropReason::kSynChallenged: return "syn_challenged";
    case DropReason::kNoAck: return "no_ack";
    case DropReason::kSynReceivedBadAck: return "syn_received_bad_ack";
    case DropReason::kAckTooOld: return "ack_too_old";
    case DropReason::kAckUnsent: return "ack_unsent";
    case DropReason::kTextAfterFin: return "text_after_fin";
    case DropReason::kOutOfOrderFull: return "out_of_order_full";
    case DropReason::kCount: break;
  }
  return "unknown";
}

}  // namespace wirestate::tcp
