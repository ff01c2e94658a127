// The scenario loader's entry points, the top level, hosts, the link and targets.
#include "wirestate/scenario/load.hpp"

#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "parts.hpp"

namespace wirestate::scenario {

using detail::Json;
using detail::ObjectReader;
using detail::Reader;

std::string LoadError::to_string() const {
  std::string out = fmt::format("{}: {}: expected {}", file, location.empty() ? "/" : location, expected);
  if (!got.empty()) out += ", got " + got;
  return out;
}

namespace detail {

namespace {

TcpParams read_tcp(Reader& r, const Json& j, const std::string& ptr) {
  TcpParams t;
  ObjectReader o(r, j, ptr,
                 {"window", "send_buffer", "mss", "wscale", "sack", "timestamps", "msl", "rto_initial",
                  "rto_min", "rto_max", "syn_retries", "synack_retries", "retries", "delayed_ack",
                  "delayed_ack_timeout", "initial_cwnd", "isn", "max_connections"});
  if (!o.ok()) return t;
  auto u32 = [&](std::string_view key, std::uint64_t lo, std::uint64_t hi, std::optional<std::uint32_t>& out) {
    if (const Json* v = o.get(key)) out = static_cast<std::uint32_t>(r.integer(*v, o.at(key), lo, hi));
  };
  auto dur = [&](std::string_view key, std::optional<net::Duration>& out) {
    if (const Json* v = o.get(key)) out = r.duration(*v, o.at(key));
  };
  auto flag = [&](std::string_view key, std::optional<bool>& out) {
    if (const Json* v = o.get(key)) out = r.boolean(*v, o.at(key));
  };
  u32("window", 0, 1u << 30, t.window);
  u32("send_buffer", 1, 1u << 30, t.send_buffer);
  if (const Json* v = o.get("mss")) t.mss = static_cast<std::uint16_t>(r.integer(*v, o.at("mss"), 64, 65535));
  if (const Json* v = o.get("wscale")) {
    if (v->is_boolean() && !v->get<bool>()) {
      t.window_scaling = false;
    } else if (v->is_number_integer() || v->is_number_unsigned()) {
      t.wscale = static_cast<std::uint8_t>(r.integer(*v, o.at("wscale"), 0, 14, "a window scale shift"));
      t.window_scaling = true;
    } else {
      r.fail_value(o.at("wscale"), "a window scale shift 0..14 or false", *v);
    }
  }
  flag("sack", t.sack);
  flag("timestamps", t.timestamps);
  dur("msl", t.msl);
  dur("rto_initial", t.rto_initial);
  dur("rto_min", t.rto_min);
  dur("rto_max", t.rto_max);
  u32("syn_retries", 0, 100, t.syn_retries);
  u32("synack_retries", 0, 100, t.synack_retries);
  u32("retries", 0, 100, t.retries);
  flag("delayed_ack", t.delayed_ack);
  dur("delayed_ack_timeout", t.delayed_ack_timeout);
  u32("initial_cwnd", 1, 1000, t.initial_cwnd);
  u32("isn", 0, UINT32_MAX, t.isn);
  u32("max_connections", 1, 10'000'000, t.max_connections);
  if (!r.failed() && t.rto_min && t.rto_max && *t.rto_min > *t.rto_max) {
    r.fail(o.at("rto_min"), fmt::format("rto_min no larger than rto_max ({})", t.rto_max->to_string()),
           fmt::format("\"{}\"", t.rto_min->to_string()));
  }
  return t;
}

ArpParams read_arp(Reader& r, const Json& j, const std::string& ptr) {
  ArpParams a;
  ObjectReader o(r, j, ptr,
                 {"reachable_time", "retry_interval", "retries", "max_entries", "probe", "announce", "static"});
  if (!o.ok()) return a;
  if (const Json* v = o.get("reachable_time")) a.reachable_time = r.duration(*v, o.at("reachable_time"));
  if (const Json* v = o.get("retry_interval")) a.retry_interval = r.duration(*v, o.at("retry_interval"));
  if (const Json* v = o.get("retries")) a.retries = static_cast<std::uint32_t>(r.integer(*v, o.at("retries"), 0, 100));
  if (const Json* v = o.get("max_entries")) {
    a.max_entries = static_cast<std::uint32_t>(r.integer(*v, o.at("max_entries"), 1, 1'000'000));
  }
  if (const Json* v = o.get("probe")) a.probe = r.boolean(*v, o.at("probe"));
  if (const Json* v = o.get("announce")) a.announce = r.boolean(*v, o.at("announce"));
  if (const Json* v = o.get("static")) {
    const std::string sptr = o.at("static");
    if (r.is_object(*v, sptr, "an object of IP -> MAC")) {
      for (const auto& [key, mac] : v->items()) {
        const std::string kptr = pointer_join(sptr, key);
        auto ip = net::Ipv4Addr::parse(key);
        if (!ip) {
          r.fail(kptr, "an IPv4 address as the key", fmt::format("\"{}\"", key));
          break;
        }
        a.static_entries.emplace_back(*ip, r.mac(mac, kptr));
        if (r.failed()) break;
      }
    }
  }
  return a;
}

// "255.255.255.0" -> 24; nullopt unless the ones are contiguous.
std::optional<int> prefix_of(net::Ipv4Addr mask) {
  const std::uint32_t m = mask.value();
  const std::uint32_t inverted = ~m;
  if ((inverted & (inverted + 1)) != 0) return std::nullopt;  // not 1...10...0
  int n = 0;
  for (std::uint32_t b = m; b & 0x80000000U; b <<= 1) ++n;
  return n;
}

Host read_host(Reader& r, const std::string& name, const Json& j, const std::string& ptr) {
  Host h;
  h.name = name;
  ObjectReader o(r, j, ptr, {"description", "mac", "ip", "netmask", "prefix", "tcp", "arp"});
  if (!o.ok()) return h;
  if (const Json* v = o.get("description")) h.description = r.string(*v, o.at("description"));
  if (const Json* v = o.require("mac")) {
    h.mac = r.mac(*v, o.at("mac"));
    if (!r.failed() && (h.mac.is_multicast() || h.mac.is_zero())) {
      r.fail_value(o.at("mac"), "a unicast MAC address (group bit clear, not zero)", *v);
    }
  }
  if (const Json* v = o.require("ip")) {
    h.ip = r.ip(*v, o.at("ip"));
    if (!r.failed() && (h.ip.is_zero() || h.ip.is_broadcast() || h.ip.is_multicast())) {
      r.fail_value(o.at("ip"), "a unicast IPv4 address", *v);
    }
  }
  if (o.has("netmask") && o.has("prefix")) {
    r.fail(o.at("prefix"), "either \"netmask\" or \"prefix\", not both", "both");
  } else if (const Json* v = o.get("netmask")) {
    const auto mask = r.ip(*v, o.at("netmask"));
    if (!r.failed()) {
      if (auto p = prefix_of(mask)) h.prefix_len = *p;
      else r.fail_value(o.at("netmask"), "a contiguous netmask like \"255.255.255.0\"", *v);
    }
  } else if (const Json* v = o.get("prefix")) {
    h.prefix_len = static_cast<int>(r.integer(*v, o.at("prefix"), 0, 32, "a prefix length"));
  }
  if (const Json* v = o.get("tcp")) h.tcp = read_tcp(r, *v, o.at("tcp"));
  if (const Json* v = o.get("arp")) h.arp = read_arp(r, *v, o.at("arp"));
  return h;
}

LinkSettings read_settings(Reader& r, const ObjectReader& o) {
  LinkSettings s;
  if (const Json* v = o.get("latency")) s.latency = r.duration(*v, o.at("latency"));
  if (const Json* v = o.get("jitter")) s.jitter = r.duration(*v, o.at("jitter"));
  if (const Json* v = o.get("loss")) s.loss = r.probability(*v, o.at("loss"));
  if (const Json* v = o.get("duplicate")) s.duplicate = r.probability(*v, o.at("duplicate"));
  if (const Json* v = o.get("reorder")) s.reorder = r.probability(*v, o.at("reorder"));
  if (const Json* v = o.get("reorder_delay")) s.reorder_delay = r.duration(*v, o.at("reorder_delay"));
  if (const Json* v = o.get("bandwidth")) s.bandwidth_bps = r.bandwidth(*v, o.at("bandwidth"));
  if (const Json* v = o.get("mtu")) s.mtu = static_cast<std::uint32_t>(r.integer(*v, o.at("mtu"), 68, 65535, "an MTU"));
  if (const Json* v = o.get("queue")) {
    s.queue = static_cast<std::uint32_t>(r.integer(*v, o.at("queue"), 1, 1'000'000, "a queue length in frames"));
  }
  return s;
}

std::string host_ref(Reader& r, const Json& j, const std::string& ptr, const Scenario& sc) {
  const std::string name = r.string(j, ptr, "a host name");
  if (!r.failed() && !sc.find_host(name)) r.fail_value(ptr, "the name of a host in \"hosts\"", j);
  return name;
}

}  // namespace

void read_hosts(Reader& r, const Json& j, const std::string& ptr, Scenario& sc) {
  if (!r.is_object(j, ptr, "an object of host name -> host")) return;
  if (j.empty()) {
    r.fail(ptr, "at least one host", "{}");
    return;
  }
  if (j.size() > kMaxHosts) {
    r.fail(ptr, fmt::format("at most {} hosts", kMaxHosts), std::to_string(j.size()));
    return;
  }
  for (const auto& [name, value] : j.items()) {
    const std::string hptr = pointer_join(ptr, name);
    r.name(Json(name), hptr, "a host name");
    if (r.failed()) return;
    Host h = read_host(r, name, value, hptr);
    if (r.failed()) return;
    for (const Host& other : sc.hosts) {
      if (other.mac == h.mac) {
        r.fail(pointer_join(hptr, "mac"), fmt::format("a MAC address no other host has (\"{}\" has it)", other.name),
               fmt::format("\"{}\"", h.mac.to_string()));
        return;
      }
      if (other.ip == h.ip) {
        r.fail(pointer_join(hptr, "ip"), fmt::format("an IP address no other host has (\"{}\" has it)", other.name),
               fmt::format("\"{}\"", h.ip.to_string()));
        return;
      }
    }
    sc.hosts.push_back(std::move(h));
  }
}

LinkSpec read_link(Reader& r, const Json& j, const std::string& ptr, const Scenario& sc) {
  LinkSpec link;
  ObjectReader o(r, j, ptr,
                 {"latency", "jitter", "loss", "duplicate", "reorder", "reorder_delay", "bandwidth", "mtu",
                  "queue", "directions"});
  if (!o.ok()) return link;
  link.settings = read_settings(r, o);
  if (const Json* dirs = o.get("directions")) {
    const std::string dptr = o.at("directions");
    if (!r.is_array(*dirs, dptr, "an array of {\"from\", \"to\"?, settings...}")) return link;
    std::set<std::pair<std::string, std::string>> seen;
    for (std::size_t i = 0; i < dirs->size() && !r.failed(); ++i) {
      const std::string iptr = pointer_join(dptr, std::to_string(i));
      ObjectReader d(r, (*dirs)[i], iptr,
                     {"from", "to", "latency", "jitter", "loss", "duplicate", "reorder", "reorder_delay",
                      "bandwidth", "mtu", "queue"});
      if (!d.ok()) break;
      LinkDirection dir;
      if (const Json* f = d.require("from")) dir.from = host_ref(r, *f, d.at("from"), sc);
      if (const Json* t = d.get("to")) dir.to = host_ref(r, *t, d.at("to"), sc);
      if (!r.failed() && dir.to && *dir.to == dir.from) {
        r.fail(d.at("to"), "a host other than \"from\"", fmt::format("\"{}\"", *dir.to));
      }
      if (!r.failed() && !seen.insert({dir.from, dir.to.value_or("*")}).second) {
        r.fail(iptr, "each direction (from, to) once", fmt::format("\"{}\" > \"{}\" again", dir.from, dir.to.value_or("*")));
      }
      dir.settings = read_settings(r, d);
      link.directions.push_back(std::move(dir));
    }
  }
  return link;
}

Target read_target(Reader& r, const Json& j, const std::string& ptr, const Scenario& sc, bool need_port) {
  Target t;
  const std::string expected = need_port ? "\"host:port\" or \"ip:port\" with a port 1..65535"
                                         : "a host name or an IPv4 address";
  if (!j.is_string()) {
    r.fail_value(ptr, expected, j);
    return t;
  }
  std::string_view s = j.get_ref<const std::string&>();
  std::string_view addr = s;
  if (need_port) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) {
      r.fail_value(ptr, expected, j);
      return t;
    }
    addr = s.substr(0, colon);
    const std::string port(s.substr(colon + 1));
    const bool digits = !port.empty() && port.size() <= 5 &&
                        port.find_first_not_of("0123456789") == std::string::npos;
    const unsigned long p = digits ? std::stoul(port) : 0;
    if (p < 1 || p > 65535) {
      r.fail_value(ptr, expected, j);
      return t;
    }
    t.port = static_cast<std::uint16_t>(p);
  }
  if (auto ip = net::Ipv4Addr::parse(addr)) {
    t.ip = *ip;
    for (const Host& h : sc.hosts) {
      if (h.ip == *ip) t.host = h.name;
    }
    return t;
  }
  const Host* h = sc.find_host(addr);
  if (!h) {
    r.fail_value(ptr, fmt::format("{} (\"{}\" is not a host in \"hosts\")", expected, addr), j);
    return t;
  }
  t.host = h->name;
  t.ip = h->ip;
  return t;
}

}  // namespace detail

tl::expected<Scenario, LoadError> load_string(std::string_view text, std::string_view source_name) {
  const std::string file(source_name);
  if (text.size() > kMaxFileBytes) {
    return tl::unexpected(LoadError{file, "", fmt::format("a file of at most {} bytes", kMaxFileBytes),
                                    fmt::format("{} bytes", text.size())});
  }
  auto json = detail::parse_strict_json(text, kMaxDepth, kMaxKeysPerObject);
  if (!json) {
    return tl::unexpected(LoadError{file, json.error().location, json.error().expected, json.error().got});
  }
  Reader r;
  Scenario sc;
  ObjectReader top(r, *json, "", {"name", "description", "seed", "duration", "hosts", "link", "steps", "expect"});
  if (top.ok()) {
    if (const Json* v = top.require("name")) sc.name = r.string(*v, top.at("name"));
    if (const Json* v = top.get("description")) sc.description = r.string(*v, top.at("description"));
    if (const Json* v = top.get("seed")) sc.seed = r.integer(*v, top.at("seed"), 0, UINT64_MAX, "a seed");
    if (const Json* v = top.get("duration")) sc.duration = r.duration(*v, top.at("duration"));
    if (const Json* v = top.require("hosts"); v && !r.failed()) detail::read_hosts(r, *v, top.at("hosts"), sc);
    if (const Json* v = top.get("link"); v && !r.failed()) sc.link = detail::read_link(r, *v, top.at("link"), sc);
    if (const Json* v = top.require("steps"); v && !r.failed()) detail::read_steps(r, *v, top.at("steps"), sc);
    if (const Json* v = top.get("expect"); v && !r.failed()) detail::read_expect(r, *v, top.at("expect"), sc);
  }
  if (r.failed()) {
    const auto& f = *r.failure();
    return tl::unexpected(LoadError{file, f.location, f.expected, f.got});
  }
  return sc;
}

tl::expected<Scenario, LoadError> load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(LoadError{path, "", "a readable file", "it cannot be opened"});
  std::string text;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      return tl::unexpected(LoadError{path, "", fmt::format("a file of at most {} bytes", kMaxFileBytes),
                                      "a larger file"});
    }
  }
  if (in.bad()) return tl::unexpected(LoadError{path, "", "a readable file", "a read error"});
  return load_string(text, path);
}

}  // namespace wirestate::scenario
