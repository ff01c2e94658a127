// ICMP messages (RFC 792, RFC 1256 router advertisements) worded as tcpdump 4.99's
// print-icmp.c words them without -v, so that `wirestate decode` lines equal tcpdump's
// (tests/cli/tcpdump_oracle_test.cpp runs tcpdump itself on captures and on crafted
// messages of every type). Like tcpdump, this reads the quoted header's fields from the
// raw bytes whether or not that header is valid, and prints " [|icmp]" instead of the
// message when a field it needs was not captured.
#include <array>
#include <iterator>

#include <fmt/format.h>

#include "summary_parts.hpp"
#include "wirestate/net/ipv4_addr.hpp"

namespace wirestate::print {

namespace {

using Out = std::back_insert_iterator<std::string>;

// Offsets in the ICMP message. Errors quote the offending IPv4 header from byte 8.
constexpr std::size_t kQuoted = 8;
constexpr std::size_t kQuotedProtocol = kQuoted + 9;
constexpr std::size_t kQuotedDst = kQuoted + 16;
constexpr std::size_t kTimestampsEnd = 20;  // originate, receive, transmit (RFC 792)
constexpr std::size_t kMaskEnd = 12;        // the address mask (RFC 950)
constexpr std::size_t kRouterEntryLen = 8;  // address + preference (RFC 1256)

std::string ipv4_at(net::Bytes b, std::size_t at) { return net::Ipv4Addr::from_bytes(b.data() + at).to_string(); }

// Destination unreachable codes tcpdump words from a table ({} = the quoted destination);
// codes 2, 3 and 4 carry more fields and are worded in append_unreachable.
constexpr std::array<const char*, 16> kUnreachable = {
    "net {} unreachable",
    "host {} unreachable",
    nullptr,
    nullptr,
    nullptr,
    "{} unreachable - source route failed",
    "net {} unreachable - unknown",
    "host {} unreachable - unknown",
    "{} unreachable - source host isolated",
    "net {} unreachable - admin prohibited",
    "host {} unreachable - admin prohibited",
    "net {} unreachable - tos prohibited",
    "host {} unreachable - tos prohibited",
    "host {} unreachable - admin prohibited filter",
    "host {} unreachable - host precedence violation",
    "host {} unreachable - precedence cutoff",
};

// Redirect codes (RFC 792): {} = the quoted destination, then the gateway.
constexpr std::array<const char*, 4> kRedirect = {
    "redirect {} to net {}", "redirect {} to host {}", "redirect-tos {} to net {}",
    "redirect-tos {} to host {}"};

// Types tcpdump names without reading anything past the type byte.
const char* plain_type_name(std::uint8_t type) {
  switch (type) {
    case 4: return "source quench";
    case 10: return "router solicitation";
    case 15: return "information request";
    case 16: return "information reply";
    case 17: return "address mask request";
    default: return nullptr;
  }
}

// Each append_* writes the message text and returns false when a byte it needs is missing.
bool append_unreachable(Out out, net::Bytes b, std::uint8_t code) {
  if (b.size() < kQuotedDst + 4) return false;
  const std::string dst = ipv4_at(b, kQuotedDst);
  const std::uint8_t protocol = b[kQuotedProtocol];
  switch (code) {
    case 2:
      fmt::format_to(out, "{} protocol {} unreachable", dst, protocol);
      return true;
    case 3: {
      // The quoted transport header's destination port, after the quoted IHL.
      const std::size_t port_at = kQuoted + (b[kQuoted] & 0x0f) * 4 + 2;
      if (b.size() < port_at + 2) return false;
      const std::uint16_t port = net::load_be16(b.data() + port_at);
      if (protocol == 6 || protocol == 17) {
        fmt::format_to(out, "{} {} port {} unreachable", dst, protocol == 6 ? "tcp" : "udp", port);
      } else {
        fmt::format_to(out, "{} protocol {} port {} unreachable", dst, protocol, port);
      }
      return true;
    }
    case 4: {
      const std::uint16_t mtu = net::load_be16(b.data() + 6);  // RFC 1191 next-hop MTU
      if (mtu != 0) {
        fmt::format_to(out, "{} unreachable - need to frag (mtu {})", dst, mtu);
      } else {
        fmt::format_to(out, "{} unreachable - need to frag", dst);
      }
      return true;
    }
    default:
      if (code < kUnreachable.size()) {
        fmt::format_to(out, fmt::runtime(kUnreachable[code]), dst);
      } else {
        fmt::format_to(out, "{} unreachable - #{}", dst, code);
      }
      return true;
  }
}

bool append_redirect(Out out, net::Bytes b, std::uint8_t code) {
  if (b.size() < kQuotedDst + 4) return false;
  const std::string dst = ipv4_at(b, kQuotedDst);
  const std::string gateway = ipv4_at(b, 4);
  if (code < kRedirect.size()) {
    fmt::format_to(out, fmt::runtime(kRedirect[code]), dst, gateway);
  } else {
    fmt::format_to(out, "redirect-#{} {} to {}", code, dst, gateway);
  }
  return true;
}

// RFC 1256: "lifetime 30 2: {10.0.0.1 5} {10.0.0.2 0}"; the lifetime as s, m:ss or h:mm:ss.
bool append_router_advertisement(Out out, net::Bytes b) {
  const std::uint8_t count = b[4];
  const std::uint8_t entry_words = b[5];
  const std::uint16_t lifetime = net::load_be16(b.data() + 6);
  std::string text = "router advertisement lifetime ";
  if (lifetime < 60) {
    text += fmt::format("{}", lifetime);
  } else if (lifetime < 3600) {
    text += fmt::format("{}:{:02}", lifetime / 60, lifetime % 60);
  } else {
    text += fmt::format("{}:{:02}:{:02}", lifetime / 3600, (lifetime % 3600) / 60, lifetime % 60);
  }
  text += fmt::format(" {}:", count);
  if (entry_words != 2) {
    text += fmt::format(" [size {}]", entry_words);
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t at = kQuoted + i * kRouterEntryLen;
      if (b.size() < at + kRouterEntryLen) return false;
      text += fmt::format(" {{{} {}}}", ipv4_at(b, at), net::load_be32(b.data() + at + 4));
    }
  }
  fmt::format_to(out, "{}", text);
  return true;
}

// Milliseconds since midnight UT (RFC 792) as tcpdump prints them: hours do not wrap.
std::string ms_of_day(std::uint32_t ms) {
  const std::uint32_t sec = ms / 1000;
  return fmt::format("{:02}:{:02}:{:02}.{:03}", sec / 3600, (sec / 60) % 60, sec % 60, ms % 1000);
}

bool append_message(Out out, const wire::IcmpView& icmp) {
  const net::Bytes b = icmp.bytes();
  const std::uint8_t code = icmp.code();
  switch (icmp.type()) {
    case wire::IcmpType::kEchoRequest:
    case wire::IcmpType::kEchoReply:
      fmt::format_to(out, "echo {}, id {}, seq {}",
                     icmp.type() == wire::IcmpType::kEchoRequest ? "request" : "reply", icmp.echo_id(),
                     icmp.echo_seq());
      return true;
    case wire::IcmpType::kDestUnreachable: return append_unreachable(out, b, code);
    case wire::IcmpType::kRedirect: return append_redirect(out, b, code);
    case 9: return append_router_advertisement(out, b);
    case wire::IcmpType::kTimeExceeded:
      if (b.size() < kQuotedDst + 4) return false;
      if (code == 0) {
        fmt::format_to(out, "time exceeded in-transit");
      } else if (code == 1) {
        fmt::format_to(out, "ip reassembly time exceeded");
      } else {
        fmt::format_to(out, "time exceeded-#{}", code);
      }
      return true;
    case wire::IcmpType::kParameterProblem:
      if (code != 0) {
        fmt::format_to(out, "parameter problem - code {}", code);
      } else {
        fmt::format_to(out, "parameter problem - octet {}", b[4]);  // the pointer
      }
      return true;
    case 13:
      fmt::format_to(out, "time stamp query id {} seq {}", icmp.echo_id(), icmp.echo_seq());
      return true;
    case 14:
      if (b.size() < kTimestampsEnd) return false;
      fmt::format_to(out, "time stamp reply id {} seq {}: org {}, recv {}, xmit {}", icmp.echo_id(),
                     icmp.echo_seq(), ms_of_day(net::load_be32(b.data() + 8)),
                     ms_of_day(net::load_be32(b.data() + 12)), ms_of_day(net::load_be32(b.data() + 16)));
      return true;
    case 18:
      if (b.size() < kMaskEnd) return false;
      fmt::format_to(out, "address mask is 0x{:08x}", net::load_be32(b.data() + 8));
      return true;
    default:
      if (const char* name = plain_type_name(icmp.type())) {
        fmt::format_to(out, "{}", name);
      } else {
        fmt::format_to(out, "type-#{}", icmp.type());
      }
      return true;
  }
}

}  // namespace

void append_icmp_text(std::string& s, const wire::IcmpView& icmp, std::size_t length) {
  std::string message;
  if (!append_message(Out(message), icmp)) {
    s += " [|icmp]";
    return;
  }
  fmt::format_to(Out(s), "ICMP {}, length {}", message, length);
}

}  // namespace wirestate::print
