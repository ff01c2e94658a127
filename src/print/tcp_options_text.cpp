// TCP options worded as tcpdump 4.99's print-tcp.c words them: "mss 1460,sackOK,TS val 1
// ecr 0,nop,wscale 7", "unknown-27 0x0001", "exp-tfo cookiereq", "uto 0xa 5". Three kinds
// tcpdump decodes at length, MD5 signatures (RFC 2385, worded by tcpdump according to how
// it was built), SCPS capabilities and Multipath TCP (RFC 8684), keep tcpdump's name and
// show their bytes: "mptcp 0x0101". An option whose length does not fit its kind prints
// as "mss len 3".
#include <iterator>
#include <string_view>

#include <fmt/format.h>

#include "summary_parts.hpp"

namespace wirestate::print {

namespace {

using Out = std::back_insert_iterator<std::string>;

// Option kinds tcpdump names beyond the ones wire::TcpOptionKind interprets (IANA registry).
constexpr std::uint8_t kEcho = 6;          // RFC 1072 (obsolete)
constexpr std::uint8_t kEchoReply = 7;     // RFC 1072
constexpr std::uint8_t kCc = 11;           // RFC 1644 (T/TCP, obsolete)
constexpr std::uint8_t kCcNew = 12;
constexpr std::uint8_t kCcEcho = 13;
constexpr std::uint8_t kMd5 = 19;          // RFC 2385
constexpr std::uint8_t kScps = 20;
constexpr std::uint8_t kUserTimeout = 28;  // RFC 5482
constexpr std::uint8_t kTcpAo = 29;        // RFC 5925
constexpr std::uint8_t kMptcp = 30;        // RFC 8684
constexpr std::uint8_t kFastOpen = 34;     // RFC 7413
constexpr std::uint8_t kExperimental = 254;  // RFC 6994: a 16-bit magic first
constexpr std::uint16_t kFastOpenMagic = 0xf989;  // TFO before kind 34 was assigned

void append_hex(Out out, net::Bytes bytes) {
  for (auto b : bytes) fmt::format_to(out, "{:02x}", b);
}

// RFC 7413 §4.1.1: an empty cookie asks for one; a cookie has 4 to 16 bytes, even.
void append_fast_open(Out out, net::Bytes cookie) {
  if (cookie.empty()) {
    fmt::format_to(out, " cookiereq");
  } else if (cookie.size() % 2 != 0 || cookie.size() < 4 || cookie.size() > 16) {
    fmt::format_to(out, " (invalid)");
  } else {
    fmt::format_to(out, " cookie ");
    append_hex(out, cookie);
  }
}

// The 32-bit value options of RFC 1072 and RFC 1644; tcpdump names CC.ECHO "".
void append_u32_option(Out out, std::string_view name, const wire::TcpOption& opt) {
  if (opt.data.size() == 4) {
    fmt::format_to(out, "{} {}", name, net::load_be32(opt.data.data()));
  } else {
    fmt::format_to(out, "{} len {}", name, opt.length);
  }
}

void append_option(Out out, const wire::TcpOption& opt) {
  const bool valid = !opt.check().has_value() || opt.check() == wire::Error::kWindowScaleTooLarge;
  switch (opt.kind) {
    case wire::TcpOptionKind::kEol: fmt::format_to(out, "eol"); return;
    case wire::TcpOptionKind::kNop: fmt::format_to(out, "nop"); return;
    case wire::TcpOptionKind::kMss:
      if (valid) fmt::format_to(out, "mss {}", opt.mss()); else fmt::format_to(out, "mss len {}", opt.length);
      return;
    case wire::TcpOptionKind::kWindowScale:
      if (valid) fmt::format_to(out, "wscale {}", opt.window_scale());
      else fmt::format_to(out, "wscale len {}", opt.length);
      return;
    case wire::TcpOptionKind::kSackPermitted: fmt::format_to(out, "sackOK"); return;
    case wire::TcpOptionKind::kSack:
      fmt::format_to(out, "sack {} ", opt.sack_count());
      for (std::size_t i = 0; i < opt.sack_count(); ++i) {
        const auto b = opt.sack_block(i);
        fmt::format_to(out, "{{{}:{}}}", b.left.value(), b.right.value());
      }
      return;
    case wire::TcpOptionKind::kTimestamps:
      if (valid) {
        const auto ts = opt.timestamps();
        fmt::format_to(out, "TS val {} ecr {}", ts.value, ts.echo_reply);
      } else {
        fmt::format_to(out, "TS len {}", opt.length);
      }
      return;
    case kEcho: return append_u32_option(out, "echo", opt);
    case kEchoReply: return append_u32_option(out, "echoreply", opt);
    case kCc: return append_u32_option(out, "cc", opt);
    case kCcNew: return append_u32_option(out, "ccnew", opt);
    case kCcEcho: return append_u32_option(out, "", opt);
    case kUserTimeout:
      // RFC 5482 §3: the top bit says minutes (1) or seconds (0); tcpdump prints the raw
      // field, then the timeout in seconds.
      if (opt.data.size() == 2) {
        const std::uint16_t raw = net::load_be16(opt.data.data());
        const std::uint32_t timeout = (raw & 1) != 0 ? (raw >> 1) * 60U : raw >> 1U;
        fmt::format_to(out, "uto 0x{:x} {}", raw, timeout);
      } else {
        fmt::format_to(out, "uto len {}", opt.length);
      }
      return;
    case kTcpAo:
      if (opt.data.size() < 2) {
        fmt::format_to(out, "tcp-ao (invalid)");
        return;
      }
      fmt::format_to(out, "tcp-ao keyid {} rnextkeyid {}", opt.data[0], opt.data[1]);
      if (opt.data.size() > 2) {
        fmt::format_to(out, " mac 0x");
        append_hex(out, opt.data.subspan(2));
      }
      return;
    case kFastOpen:
      fmt::format_to(out, "tfo ");
      return append_fast_open(out, opt.data);
    case kExperimental:
      if (opt.data.size() < 2) {
        fmt::format_to(out, "exp len {}", opt.length);
      } else if (net::load_be16(opt.data.data()) == kFastOpenMagic) {
        fmt::format_to(out, "exp-tfo");
        append_fast_open(out, opt.data.subspan(2));
      } else {
        fmt::format_to(out, "exp-{:04x}", net::load_be16(opt.data.data()));
      }
      return;
    case kMd5:
    case kScps:
    case kMptcp:
      fmt::format_to(out, "{} 0x", opt.kind == kMd5 ? "md5" : opt.kind == kScps ? "scps" : "mptcp");
      append_hex(out, opt.data);
      return;
    default:
      fmt::format_to(out, "unknown-{}", opt.kind);
      if (!opt.data.empty()) {
        fmt::format_to(out, " 0x");
        append_hex(out, opt.data);
      }
      return;
  }
}

}  // namespace

void append_tcp_options(std::string& s, const wire::TcpView& tcp) {
  if (tcp.options().empty()) return;
  s += ", options [";
  auto it = tcp.option_iterator();
  wire::TcpOption opt;
  bool first = true;
  while (it.next(opt)) {
    if (!first) s += ',';
    first = false;
    append_option(Out(s), opt);
  }
  if (it.error()) s += first ? "bad opts" : ",bad opts";
  s += ']';
}

}  // namespace wirestate::print
