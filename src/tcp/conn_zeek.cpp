// Zeek's view of a connection: the history string (TCPSessionAdapter's update_history
// and Connection::ScaledHistoryEntry) and conn_state (base/protocols/conn/main.zeek),
// driven by a simplified copy of Zeek's endpoint states (TCP_ENDPOINT_*).
#include <cctype>
#include <regex>

#include "conn_record.hpp"

namespace wirestate::tcp {

namespace {

// History bits, one per letter that is recorded at most once per direction.
enum : std::uint16_t {
  kHistSyn = 1 << 0,
  kHistFin = 1 << 1,
  kHistRst = 1 << 2,
  kHistData = 1 << 3,
  kHistAck = 1 << 4,
  kHistMulti = 1 << 5,
  kHistFinRst = 1 << 6,
};

char letter(int i, char upper) {
  return i == 0 ? upper : static_cast<char>(std::tolower(static_cast<unsigned char>(upper)));
}

// Records `code` the first time `mask` is seen for this endpoint. True when it had been
// seen before (Zeek's CheckHistory).
bool check_history(ConnRecord& c, int i, std::uint16_t mask, char code) {
  SideRecord& s = c.side[i];
  if ((s.hist_seen & mask) == 0) {
    s.hist_seen |= mask;
    c.history.push_back(letter(i, code));
    return false;
  }
  return true;
}

// Letters recorded at counts 1, 10, 100, ... (Zeek's ScaledHistoryEntry).
void scaled(ConnRecord& c, int i, std::uint32_t& count, std::uint32_t& next, char code) {
  if (++count == next) {
    c.history.push_back(letter(i, code));
    next = next >= 0x19999999U ? 0xffffffffU : next * 10;
  }
}

}  // namespace

void zeek_update(ConnRecord& c, int i, const ObservedSegment& seg, const AnomalySet& flags) {
  SideRecord& me = c.side[i];
  SideRecord& peer = c.side[1 - i];
  const auto f = seg.tcp.flags;
  const auto seq = seg.tcp.seq;
  const std::uint32_t len = seg.payload_len;

  if (seg.checksum_bad) {
    scaled(c, i, me.checksum_count, me.checksum_next, 'C');
    return;  // Zeek stops processing a packet with a bad checksum
  }
  if (seg.checksum_flagged) scaled(c, i, me.checksum_count, me.checksum_next, 'C');  // counted, then used

  // update_history()
  const int bits = (f.syn() ? 1 : 0) + (f.fin() ? 1 : 0) + (f.rst() ? 1 : 0);
  if (bits > 1) {
    if (f.fin() && f.rst()) {
      check_history(c, i, kHistFinRst, 'I');
    } else {
      check_history(c, i, kHistMulti, 'Q');
    }
  } else if (bits == 1) {
    if (f.syn()) {
      const char code = f.ack() ? 'H' : 'S';
      if (check_history(c, i, kHistSyn, code) && (!me.hist_syn_set || seq != me.hist_last_syn)) {
        c.history.push_back(letter(i, code));
      }
      me.hist_syn_set = true;
      me.hist_last_syn = seq;
    }
    if (f.fin()) {
      // For a FIN the sequence number of interest follows the data.
      const net::SeqNum fin_at = seq + len;
      if (check_history(c, i, kHistFin, 'F') && (!me.hist_fin_set || fin_at != me.hist_last_fin)) {
        c.history.push_back(letter(i, 'F'));
      }
      me.hist_fin_set = true;
      me.hist_last_fin = fin_at;
    }
    if (f.rst()) {
      if (check_history(c, i, kHistRst, 'R') && (!me.hist_rst_set || seq != me.hist_last_rst)) {
        c.history.push_back(letter(i, 'R'));
      }
      me.hist_rst_set = true;
      me.hist_last_rst = seq;
    }
  } else if (len > 0) {
    check_history(c, i, kHistData, 'D');
  } else if (f.ack()) {
    check_history(c, i, kHistAck, 'A');
  }
  const bool rexmit = flags.test(static_cast<std::size_t>(Anomaly::kRetransmission)) ||
                      flags.test(static_cast<std::size_t>(Anomaly::kSpuriousRetransmission));
  if (rexmit && len > 0) scaled(c, i, me.rexmit_count, me.rexmit_next, 'T');
  if (seg.tcp.window == 0 && !f.syn() && !f.rst()) scaled(c, i, me.zerowin_count, me.zerowin_next, 'W');
  if (flags.test(static_cast<std::size_t>(Anomaly::kLostSegment))) {
    // A content gap in what this endpoint sent (Zeek reports it as the peer ACKs past
    // it; we record it when the gap shows).
    scaled(c, i, me.gap_count, me.gap_next, 'G');
  }
  me.payload_bytes += len;

  // Zeek's endpoint states.
  if (f.rst()) {
    me.zeek = ZeekState::kReset;
    return;
  }
  if (f.syn()) {
    if (me.zeek == ZeekState::kInactive) me.zeek = f.ack() ? ZeekState::kSynAckSent : ZeekState::kSynSent;
  }
  if (f.fin()) {
    if (me.zeek != ZeekState::kReset) me.zeek = ZeekState::kClosed;
    return;
  }
  if (f.syn()) return;
  if (len > 0 || f.ack()) {
    switch (me.zeek) {
      case ZeekState::kInactive:
        me.zeek = ZeekState::kPartial;
        break;
      case ZeekState::kSynSent:
        if (peer.zeek == ZeekState::kSynAckSent) {
          me.zeek = ZeekState::kEstablished;
          peer.zeek = ZeekState::kEstablished;
        }
        break;
      case ZeekState::kSynAckSent:
        if (peer.zeek == ZeekState::kSynSent || peer.zeek == ZeekState::kEstablished) {
          me.zeek = ZeekState::kEstablished;
          if (peer.zeek == ZeekState::kSynSent) peer.zeek = ZeekState::kEstablished;
        }
        break;
      default:
        break;
    }
  }
}

std::string zeek_conn_state(const ConnRecord& c) {
  const ZeekState os = c.side[0].zeek;
  const ZeekState rs = c.side[1].zeek;
  const bool o_inactive = os == ZeekState::kInactive || os == ZeekState::kPartial;
  const bool r_inactive = rs == ZeekState::kInactive || rs == ZeekState::kPartial;
  if (rs == ZeekState::kReset) {
    if (os == ZeekState::kSynSent || os == ZeekState::kSynAckSent ||
        (os == ZeekState::kReset && c.side[0].payload_bytes == 0 && c.side[1].payload_bytes == 0)) {
      return "REJ";
    }
    return o_inactive ? "RSTRH" : "RSTR";
  }
  if (os == ZeekState::kReset) {
    if (r_inactive) {
      // main.zeek: /\^?S[^HAFGIQ]*R.*/ == history
      static const std::regex kRstos0(R"(\^?S[^HAFGIQ]*R.*)");
      return std::regex_match(c.history, kRstos0) ? "RSTOS0" : "OTH";
    }
    return "RSTO";
  }
  if (rs == ZeekState::kClosed && os == ZeekState::kClosed) return "SF";
  if (os == ZeekState::kClosed) return r_inactive ? "SH" : "S2";
  if (rs == ZeekState::kClosed) return o_inactive ? "SHR" : "S3";
  if (os == ZeekState::kSynSent && rs == ZeekState::kInactive) return "S0";
  if (os == ZeekState::kEstablished && rs == ZeekState::kEstablished) return "S1";
  return "OTH";
}

}  // namespace wirestate::tcp
