// The "inject" action: a raw frame described field by field.
#include <fmt/format.h>

#include "parts.hpp"

namespace wirestate::scenario::detail {

namespace {

std::uint16_t u16(Reader& r, const ObjectReader& o, std::string_view key, std::uint16_t fallback,
                  std::uint64_t lo = 0, std::uint64_t hi = 65535) {
  const Json* v = o.get(key);
  return v ? static_cast<std::uint16_t>(r.integer(*v, o.at(key), lo, hi)) : fallback;
}

std::optional<std::uint16_t> checksum(Reader& r, const ObjectReader& o) {
  if (const Json* v = o.get("checksum")) return static_cast<std::uint16_t>(r.integer(*v, o.at("checksum"), 0, 65535, "a checksum"));
  return std::nullopt;
}

void read_eth(Reader& r, const Json& j, const std::string& ptr, const Host& host, InjectFrame& f) {
  ObjectReader o(r, j, ptr, {"src", "dst", "type", "vlan", "pad"});
  if (!o.ok()) return;
  f.eth.src = host.mac;
  if (const Json* v = o.get("src")) f.eth.src = r.mac(*v, o.at("src"));
  if (const Json* v = o.require("dst")) f.eth.dst = r.mac(*v, o.at("dst"));
  if (const Json* v = o.get("type")) f.ethertype = static_cast<std::uint16_t>(r.integer(*v, o.at("type"), 0, 65535, "an EtherType"));
  if (const Json* v = o.get("vlan")) {
    f.eth.vlans.push_back(wire::VlanSpec{.vid = static_cast<std::uint16_t>(r.integer(*v, o.at("vlan"), 0, 4095, "a VLAN id"))});
  }
  if (const Json* v = o.get("pad")) f.eth.pad_to_minimum = r.boolean(*v, o.at("pad"));
}

wire::ArpRepr read_arp_layer(Reader& r, const Json& j, const std::string& ptr, const InjectFrame& f) {
  wire::ArpRepr a;
  ObjectReader o(r, j, ptr, {"op", "sender_mac", "sender_ip", "target_mac", "target_ip"});
  if (!o.ok()) return a;
  if (const Json* v = o.require("op")) {
    if (v->is_string() && *v == "request") a.op = wire::ArpOp::kRequest;
    else if (v->is_string() && *v == "reply") a.op = wire::ArpOp::kReply;
    else if (v->is_number_unsigned() && (*v == 1 || *v == 2)) a.op = static_cast<wire::ArpOp>(v->get<int>());
    else r.fail_value(o.at("op"), "\"request\", \"reply\", 1 or 2", *v);
  }
  a.sender_mac = f.eth.src;
  if (const Json* v = o.get("sender_mac")) a.sender_mac = r.mac(*v, o.at("sender_mac"));
  if (const Json* v = o.require("sender_ip")) a.sender_ip = r.ip(*v, o.at("sender_ip"));
  if (const Json* v = o.get("target_mac")) a.target_mac = r.mac(*v, o.at("target_mac"));
  if (const Json* v = o.require("target_ip")) a.target_ip = r.ip(*v, o.at("target_ip"));
  return a;
}

wire::Ipv4Repr read_ip_layer(Reader& r, const Json& j, const std::string& ptr, const Host& host,
                             InjectFrame& f, bool& proto_given) {
  wire::Ipv4Repr ip;
  ObjectReader o(r, j, ptr, {"src", "dst", "ttl", "id", "df", "mf", "frag_offset", "proto", "tos", "checksum"});
  if (!o.ok()) return ip;
  ip.src = host.ip;
  if (const Json* v = o.get("src")) ip.src = r.ip(*v, o.at("src"));
  if (const Json* v = o.require("dst")) ip.dst = r.ip(*v, o.at("dst"));
  ip.ttl = static_cast<std::uint8_t>(u16(r, o, "ttl", 64, 0, 255));
  ip.id = u16(r, o, "id", 0);
  if (const Json* v = o.get("df")) ip.dont_fragment = r.boolean(*v, o.at("df"));
  if (const Json* v = o.get("mf")) ip.more_fragments = r.boolean(*v, o.at("mf"));
  ip.frag_offset = u16(r, o, "frag_offset", 0, 0, 8191);
  if (const Json* v = o.get("tos")) {
    const auto tos = r.integer(*v, o.at("tos"), 0, 255, "a TOS byte");
    ip.dscp = static_cast<std::uint8_t>(tos >> 2);
    ip.ecn = static_cast<std::uint8_t>(tos & 3);
  }
  proto_given = o.has("proto");
  ip.protocol = static_cast<std::uint8_t>(u16(r, o, "proto", 0, 0, 255));
  f.checksums.ipv4 = checksum(r, o);
  return ip;
}

wire::TcpOptions read_tcp_options(Reader& r, const Json& j, const std::string& ptr) {
  wire::TcpOptions opts;
  ObjectReader o(r, j, ptr, {"mss", "wscale", "sack_perm", "ts", "sack"});
  if (!o.ok()) return opts;
  if (const Json* v = o.get("mss")) opts.mss = static_cast<std::uint16_t>(r.integer(*v, o.at("mss"), 0, 65535));
  if (const Json* v = o.get("wscale")) opts.window_scale = static_cast<std::uint8_t>(r.integer(*v, o.at("wscale"), 0, 255));
  if (const Json* v = o.get("sack_perm")) opts.sack_permitted = r.boolean(*v, o.at("sack_perm"));
  if (const Json* v = o.get("ts")) {
    const std::string tptr = o.at("ts");
    if (v->is_array() && v->size() == 2) {
      opts.timestamps = wire::TcpTimestamps{
          static_cast<std::uint32_t>(r.integer((*v)[0], pointer_join(tptr, "0"), 0, UINT32_MAX, "a TSval")),
          static_cast<std::uint32_t>(r.integer((*v)[1], pointer_join(tptr, "1"), 0, UINT32_MAX, "a TSecr"))};
    } else {
      r.fail_value(tptr, "[TSval, TSecr]", *v);
    }
  }
  if (const Json* v = o.get("sack")) {
    const std::string sptr = o.at("sack");
    if (!v->is_array() || v->empty() || v->size() > 4) {
      r.fail_value(sptr, "1 to 4 SACK blocks [[left, right], ...]", *v);
      return opts;
    }
    for (std::size_t i = 0; i < v->size() && !r.failed(); ++i) {
      const Json& b = (*v)[i];
      const std::string bptr = pointer_join(sptr, std::to_string(i));
      if (!b.is_array() || b.size() != 2) {
        r.fail_value(bptr, "a SACK block [left, right]", b);
        break;
      }
      opts.sack.push_back(wire::SackBlock{
          net::SeqNum(static_cast<std::uint32_t>(r.integer(b[0], pointer_join(bptr, "0"), 0, UINT32_MAX, "a sequence number"))),
          net::SeqNum(static_cast<std::uint32_t>(r.integer(b[1], pointer_join(bptr, "1"), 0, UINT32_MAX, "a sequence number")))});
    }
  }
  return opts;
}

wire::TcpRepr read_tcp_layer(Reader& r, const Json& j, const std::string& ptr, InjectFrame& f) {
  wire::TcpRepr t;
  ObjectReader o(r, j, ptr, {"sport", "dport", "seq", "ack", "flags", "win", "urg", "options", "checksum"});
  if (!o.ok()) return t;
  if (const Json* v = o.require("sport")) t.src_port = static_cast<std::uint16_t>(r.integer(*v, o.at("sport"), 0, 65535, "a port"));
  if (const Json* v = o.require("dport")) t.dst_port = static_cast<std::uint16_t>(r.integer(*v, o.at("dport"), 0, 65535, "a port"));
  if (const Json* v = o.get("seq")) t.seq = net::SeqNum(static_cast<std::uint32_t>(r.integer(*v, o.at("seq"), 0, UINT32_MAX, "a sequence number")));
  if (const Json* v = o.get("ack")) t.ack = net::SeqNum(static_cast<std::uint32_t>(r.integer(*v, o.at("ack"), 0, UINT32_MAX, "an acknowledgment number")));
  if (const Json* v = o.require("flags")) {
    const std::string s = r.string(*v, o.at("flags"));
    if (auto flags = parse_tcp_flags(s)) t.flags = *flags;
    else if (!r.failed()) r.fail_value(o.at("flags"), "TCP flags like \"S\", \"S.\", \"R\", \"FP.\" or \"none\"", *v);
  }
  t.window = u16(r, o, "win", 65535);
  t.urgent = u16(r, o, "urg", 0);
  if (const Json* v = o.get("options")) t.options = read_tcp_options(r, *v, o.at("options"));
  f.checksums.transport = checksum(r, o);
  return t;
}

}  // namespace

InjectFrame read_inject(Reader& r, const Json& j, const std::string& ptr, const Host& host) {
  InjectFrame f;
  ObjectReader o(r, j, ptr, {"eth", "arp", "ip", "tcp", "udp", "payload"});
  if (!o.ok()) return f;
  if (const Json* v = o.require("eth")) read_eth(r, *v, o.at("eth"), host, f);
  if (r.failed()) return f;
  if (o.has("arp") && o.has("ip")) {
    r.fail(o.at("ip"), "either \"arp\" or \"ip\", not both", "both");
    return f;
  }
  if ((o.has("tcp") || o.has("udp")) && !o.has("ip")) {
    r.fail(ptr, "an \"ip\" layer under \"tcp\" or \"udp\"", "none");
    return f;
  }
  if (o.has("tcp") && o.has("udp")) {
    r.fail(o.at("udp"), "either \"tcp\" or \"udp\", not both", "both");
    return f;
  }
  if (o.has("arp") && o.has("payload")) {
    r.fail(o.at("payload"), "no \"payload\" after an ARP packet", "a payload");
    return f;
  }
  const bool type_given = o.has("eth") && o.get("eth")->contains("type");
  if (const Json* v = o.get("arp")) {
    f.arp = read_arp_layer(r, *v, o.at("arp"), f);
    if (!type_given) f.ethertype = 0x0806;
  }
  bool proto_given = false;
  if (const Json* v = o.get("ip")) {
    f.ip = read_ip_layer(r, *v, o.at("ip"), host, f, proto_given);
    if (!type_given) f.ethertype = 0x0800;
  }
  if (const Json* v = o.get("tcp")) {
    f.tcp = read_tcp_layer(r, *v, o.at("tcp"), f);
    if (!proto_given && f.ip) f.ip->protocol = 6;
  }
  if (const Json* v = o.get("udp")) {
    ObjectReader uo(r, *v, o.at("udp"), {"sport", "dport", "checksum"});
    wire::UdpRepr u;
    if (const Json* p = uo.require("sport")) u.src_port = static_cast<std::uint16_t>(r.integer(*p, uo.at("sport"), 0, 65535, "a port"));
    if (const Json* p = uo.require("dport")) u.dst_port = static_cast<std::uint16_t>(r.integer(*p, uo.at("dport"), 0, 65535, "a port"));
    f.checksums.transport = checksum(r, uo);
    f.udp = u;
    if (!proto_given && f.ip) f.ip->protocol = 17;
  }
  if (const Json* v = o.get("payload")) {
    ObjectReader po(r, *v, o.at("payload"), {"text", "hex"});
    if (po.ok()) f.payload = read_payload(r, po, 0).bytes;
  }
  if (!r.failed() && !f.arp && !f.ip && !type_given) {
    r.fail(o.at("eth"), "a \"type\" when no \"arp\" or \"ip\" layer follows", "none");
  }
  return f;
}

}  // namespace wirestate::scenario::detail
