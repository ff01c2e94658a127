// User calls, the one transition() function, status and outputs of tcp::Endpoint.
#include "wirestate/tcp/endpoint.hpp"
#include "wirestate/tcp/figure5.hpp"

#include <algorithm>

namespace wirestate::tcp {

Endpoint::Endpoint(Config config)
    : cfg_(config),
      ooo_(config.out_of_order_max_segments),
      rto_(config.rto_initial, config.rto_min, config.rto_max) {}

Endpoint Endpoint::listening(Config config, std::uint16_t local_port, IsnSource isn,
                             net::Time now) {
  Endpoint e(config);
  (void)e.open_passive(local_port, std::move(isn), now);
  return e;
}

void Endpoint::transition(State to, net::Time now, std::string cause) {
  if (to == state_) return;
  Event ev;
  ev.time = now;
  ev.kind = EventKind::kStateChange;
  ev.from = state_;
  ev.to = to;
  ev.cause = std::move(cause);
  events_.push_back(std::move(ev));
  state_ = to;
  if (to == State::kTimeWait) restart_time_wait(now);
}

void Endpoint::report_error(ErrorKind kind, net::Time now, const std::string& cause) {
  Event ev;
  ev.time = now;
  ev.kind = EventKind::kError;
  ev.from = ev.to = state_;
  ev.error = kind;
  ev.cause = cause;
  events_.push_back(std::move(ev));
}

void Endpoint::drop(DropReason reason) noexcept { ++stats_.drops[static_cast<std::size_t>(reason)]; }

void Endpoint::stop_timers() noexcept {
  rto_deadline_ = delack_deadline_ = persist_deadline_ = time_wait_deadline_ = net::Time::max();
}

void Endpoint::enter_closed(net::Time now, std::string cause) {
  stop_timers();
  send_buf_.consume(send_buf_.size());
  ooo_.clear();
  fin_queued_ = false;
  transition(State::kClosed, now, std::move(cause));
}

void Endpoint::return_to_listen(net::Time now, std::string cause) {
  Endpoint fresh(cfg_);
  fresh.state_ = state_;
  fresh.passive_ = true;
  fresh.local_port_ = local_port_;
  fresh.remote_specified_ = remote_specified_;
  if (remote_specified_) fresh.remote_port_ = remote_port_;  // still LISTEN for that one port
  fresh.isn_ = std::move(isn_);
  fresh.outgoing_ = std::move(outgoing_);
  fresh.events_ = std::move(events_);
  fresh.stats_ = stats_;
  *this = std::move(fresh);
  transition(State::kListen, now, std::move(cause));
}

// RFC 9293 §3.10.1, OPEN call, passive.
tl::expected<void, UserError> Endpoint::open_passive(std::uint16_t local_port, IsnSource isn,
                                                     net::Time now) {
  if (state_ != State::kClosed) return tl::make_unexpected(UserError::kConnectionAlreadyExists);
  local_port_ = local_port;
  isn_ = std::move(isn);
  passive_ = true;
  transition(State::kListen, now, "open passive");
  return {};
}

// RFC 9293 §3.10.1, OPEN call, passive with the foreign socket specified.
tl::expected<void, UserError> Endpoint::open_passive(std::uint16_t local_port,
                                                     std::uint16_t remote_port, IsnSource isn,
                                                     net::Time now) {
  auto opened = open_passive(local_port, std::move(isn), now);
  if (!opened) return opened;
  remote_port_ = remote_port;
  remote_specified_ = true;
  return {};
}

// RFC 9293 §3.10.1, OPEN call, active (from CLOSED, or LISTEN turned active).
tl::expected<void, UserError> Endpoint::open_active(std::uint16_t local_port,
                                                    std::uint16_t remote_port, IsnSource isn,
                                                    net::Time now) {
  if (state_ != State::kClosed && state_ != State::kListen) {
    return tl::make_unexpected(UserError::kConnectionAlreadyExists);
  }
  local_port_ = local_port;
  remote_port_ = remote_port;
  remote_specified_ = true;
  isn_ = std::move(isn);
  start_active(now, "open active");
  return {};
}

// RFC 9293 §3.10.1/§3.10.2: select an ISS, send a SYN, SND.UNA = ISS, SND.NXT = ISS+1,
// enter SYN-SENT. The connection is active from here: a RST in SYN-RECEIVED closes it.
void Endpoint::start_active(net::Time now, std::string cause) {
  passive_ = false;
  iss_ = isn_ ? isn_() : net::SeqNum(0);
  snd_una_ = snd_nxt_ = snd_max_ = iss_;
  buf_seq_ = iss_ + 1;
  recover_ = iss_;
  rcv_wscale_ = cfg_.window_scaling ? std::min<std::uint8_t>(cfg_.window_scale, 14) : 0;
  transition(State::kSynSent, now, std::move(cause));
  send_syn(now);
  arm_retransmit(now);
}

// RFC 9293 §3.10.2, SEND call.
tl::expected<std::size_t, UserError> Endpoint::send(std::span<const std::uint8_t> data,
                                                    net::Time now) {
  switch (state_) {
    case State::kClosed:
      return tl::make_unexpected(UserError::kConnectionDoesNotExist);
    case State::kListen:
      // §3.10.2: with the foreign socket specified the connection turns active; the data
      // is queued for after ESTABLISHED (output() sends nothing in SYN-SENT), not on the SYN.
      if (!remote_specified_) return tl::make_unexpected(UserError::kForeignSocketUnspecified);
      start_active(now, "send in LISTEN");
      break;
    case State::kSynSent:
    case State::kSynReceived:
    case State::kEstablished:
    case State::kCloseWait:
      break;
    default:
      return tl::make_unexpected(UserError::kConnectionClosing);
  }
  if (fin_queued_) return tl::make_unexpected(UserError::kConnectionClosing);
  const std::size_t room =
      cfg_.send_buffer > send_buf_.size() ? cfg_.send_buffer - send_buf_.size() : 0;
  const std::size_t n = std::min(room, data.size());
  send_buf_.append(data.first(n));
  output(now);
  return n;
}

// RFC 9293 §3.10.3, RECEIVE call; the window update follows RFC 9293 §3.8.6.2.2 (receiver
// SWS avoidance): announce a larger window only once it grew by min(buffer/2, MSS).
std::vector<std::uint8_t> Endpoint::receive(std::size_t max, net::Time now) {
  const std::size_t n = std::min(max, recv_buf_.size());
  auto bytes = recv_buf_.peek(0, n);
  std::vector<std::uint8_t> out(bytes.begin(), bytes.end());
  recv_buf_.consume(n);
  if (n > 0 && (state_ == State::kEstablished || state_ == State::kFinWait1 ||
                state_ == State::kFinWait2)) {
    const std::uint32_t wnd = receive_window();
    const std::uint32_t step = std::min<std::uint32_t>(cfg_.receive_buffer / 2, cfg_.mss);
    if (wnd >= last_adv_wnd_ + step) send_ack(now);
  }
  return out;
}

// RFC 9293 §3.10.4, CLOSE call: a half-close; the FIN goes after the queued data.
tl::expected<void, UserError> Endpoint::close(net::Time now) {
  switch (state_) {
    case State::kClosed:
      return tl::make_unexpected(UserError::kConnectionDoesNotExist);
    case State::kListen:
    case State::kSynSent:
      enter_closed(now, "close");
      return {};
    case State::kSynReceived:  // RFC 9293 §3.10.4: FIN_WAIT_1 (LAST_ACK from CLOSE_WAIT);
    case State::kEstablished:  // the FIN follows queued data
    case State::kCloseWait:
      fin_queued_ = true;
      transition(figure5::on_close(state_).value(), now, "close");
      output(now);
      return {};
    default:
      return tl::make_unexpected(UserError::kConnectionClosing);
  }
}

// RFC 9293 §3.10.5, ABORT call.
void Endpoint::abort(net::Time now) {
  switch (state_) {
    case State::kSynReceived:
    case State::kEstablished:
    case State::kFinWait1:
    case State::kFinWait2:
    case State::kCloseWait:
      send_rst(snd_max_, now);
      break;
    default:
      break;
  }
  recv_buf_.consume(recv_buf_.size());
  enter_closed(now, "abort");
}

Status Endpoint::status() const {
  Status s;
  s.state = state_;
  s.local_port = local_port_;
  s.remote_port = remote_port_;
  s.iss = iss_;
  s.irs = irs_;
  s.snd_una = snd_una_;
  s.snd_nxt = snd_nxt_;
  s.snd_max = snd_max_;
  s.snd_wnd = snd_wnd_;
  s.rcv_nxt = rcv_nxt_;
  s.rcv_wnd = receive_window();
  s.cwnd = cwnd_;
  s.ssthresh = ssthresh_;
  s.snd_mss = snd_mss_;
  s.window_scaling = ws_ok_;
  s.sack = sack_ok_;
  s.timestamps = ts_ok_;
  s.snd_wscale = snd_wscale_;
  s.rcv_wscale = rcv_wscale_;
  s.srtt = rto_.srtt();
  s.rto = rto_.rto();
  s.send_queued = send_buf_.size();
  s.receive_queued = recv_buf_.size();
  s.out_of_order_bytes = ooo_.bytes();
  s.fin_received = fin_received_;
  return s;
}

std::vector<Segment> Endpoint::take_outgoing() {
  std::vector<Segment> out;
  out.swap(outgoing_);
  return out;
}

std::vector<Event> Endpoint::take_events() {
  std::vector<Event> out;
  out.swap(events_);
  return out;
}

std::size_t Endpoint::heap_bytes() const noexcept {
  return send_buf_.capacity() + recv_buf_.capacity() + ooo_.bytes() +
         ooo_.segments() * 48 + outgoing_.capacity() * sizeof(Segment) +
         events_.capacity() * sizeof(Event);
}

std::optional<Segment> Endpoint::reset_for(const Segment& seg) {
  // RFC 9293 §3.10.7.1: an incoming RST is discarded; otherwise answer with a RST.
  if (seg.rst()) return std::nullopt;
  Segment r;
  r.header.src_port = seg.header.dst_port;
  r.header.dst_port = seg.header.src_port;
  if (seg.has_ack()) {
    r.header.seq = seg.header.ack;  // <SEQ=SEG.ACK><CTL=RST>
    r.header.flags.bits = wire::TcpFlags::kRst;
  } else {
    r.header.seq = net::SeqNum(0);  // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
    r.header.ack = seg.header.seq + seg.seg_len();
    r.header.flags.bits = wire::TcpFlags::kRst | wire::TcpFlags::kAck;
  }
  return r;
}

}  // namespace wirestate::tcp
