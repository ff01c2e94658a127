#include "wirestate/io/live_capture.hpp"

#include <poll.h>
#include <pcap/pcap.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

namespace wirestate::io {

struct LiveCapture::Handle {
  pcap_t* pcap = nullptr;
  ~Handle() {
    if (pcap != nullptr) pcap_close(pcap);
  }
};

namespace {

// The message for a failed pcap_activate(): what went wrong, in the user's terms.
std::string activate_error(pcap_t* p, int rc, const std::string& iface) {
  const std::string detail = pcap_geterr(p);
  switch (rc) {
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return fmt::format("no such interface '{}' ({}); list interfaces with `ip link`", iface, detail);
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      return fmt::format(
          "permission denied capturing on '{}' ({}): run as root or give the binary CAP_NET_RAW "
          "(sudo setcap cap_net_raw,cap_net_admin=eip $(command -v wirestate))",
          iface, detail);
    case PCAP_ERROR_IFACE_NOT_UP:
      return fmt::format("interface '{}' is not up ({})", iface, detail);
    default:
      return fmt::format("cannot capture on '{}': {} ({})", iface, pcap_statustostr(rc), detail);
  }
}

struct Dispatch {
  const std::function<void(const Packet&)>* fn;
  std::uint64_t* next_number;
  int link_type;
};

void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* d = reinterpret_cast<Dispatch*>(user);  // libpcap's callback contract: user is ours
  Packet p;
  p.number = (*d->next_number)++;
  // Nanosecond precision was requested at open: tv_usec holds nanoseconds.
  p.timestamp = net::Time::from_ns(static_cast<std::int64_t>(h->ts.tv_sec) * 1'000'000'000 +
                                   static_cast<std::int64_t>(h->ts.tv_usec));
  p.caplen = h->caplen;
  p.wire_len = h->len;
  p.link_type = d->link_type;
  p.data = std::span<const std::uint8_t>(bytes, h->caplen);
  (*d->fn)(p);
}

}  // namespace

tl::expected<LiveCapture, std::string> LiveCapture::open(const LiveOptions& options) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  auto handle = std::make_unique<Handle>();
  handle->pcap = pcap_create(options.interface.c_str(), errbuf);
  if (handle->pcap == nullptr) {
    return tl::make_unexpected(fmt::format("cannot open interface '{}': {}", options.interface, errbuf));
  }
  pcap_t* p = handle->pcap;
  pcap_set_snaplen(p, options.snaplen);
  pcap_set_promisc(p, options.promiscuous ? 1 : 0);
  // Immediate mode: each packet is delivered as it arrives (state changes print live).
  pcap_set_immediate_mode(p, 1);
  pcap_set_timeout(p, 100);
  if (options.buffer_bytes > 0) pcap_set_buffer_size(p, options.buffer_bytes);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  const int rc = pcap_activate(p);
  if (rc < 0) return tl::make_unexpected(activate_error(p, rc, options.interface));
  if (pcap_get_tstamp_precision(p) != PCAP_TSTAMP_PRECISION_NANO) {
    return tl::make_unexpected(fmt::format("interface '{}': nanosecond timestamps not available", options.interface));
  }
  if (!options.filter.empty()) {
    bpf_program program{};
    if (pcap_compile(p, &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      return tl::make_unexpected(
          fmt::format("bad filter '{}' for interface '{}': {}", options.filter, options.interface, pcap_geterr(p)));
    }
    const int set = pcap_setfilter(p, &program);
    pcap_freecode(&program);
    if (set != 0) {
      return tl::make_unexpected(fmt::format("cannot set filter on '{}': {}", options.interface, pcap_geterr(p)));
    }
  }
  if (pcap_setnonblock(p, 1, errbuf) != 0) {
    return tl::make_unexpected(fmt::format("interface '{}': {}", options.interface, errbuf));
  }
  const int link = pcap_datalink(p);
  return LiveCapture(std::move(handle), options.interface, link);
}

LiveCapture::LiveCapture(std::unique_ptr<Handle> handle, std::string interface, int link_type)
    : handle_(std::move(handle)), interface_(std::move(interface)), link_type_(link_type) {}
LiveCapture::LiveCapture(LiveCapture&&) noexcept = default;
LiveCapture& LiveCapture::operator=(LiveCapture&&) noexcept = default;
LiveCapture::~LiveCapture() = default;

int LiveCapture::snaplen() const noexcept { return pcap_snapshot(handle_->pcap); }

tl::expected<int, std::string> LiveCapture::poll(int timeout_ms, const std::function<void(const Packet&)>& fn,
                                                 int max_packets) {
  pcap_t* p = handle_->pcap;
  const int fd = pcap_get_selectable_fd(p);
  if (fd >= 0) {
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, timeout_ms);
    if (ready < 0 && errno != EINTR) {
      return tl::make_unexpected(fmt::format("waiting for packets on '{}': {}", interface_, std::strerror(errno)));
    }
    if (ready <= 0) return 0;  // timeout or a signal: the caller decides what next
    if ((pfd.revents & (POLLERR | POLLNVAL)) != 0 && (pfd.revents & POLLIN) == 0) {
      return tl::make_unexpected(fmt::format("interface '{}' went away", interface_));
    }
  }
  Dispatch d{&fn, &next_number_, link_type_};
  const int n = pcap_dispatch(p, max_packets > 0 ? max_packets : -1, on_packet, reinterpret_cast<u_char*>(&d));
  if (n == PCAP_ERROR) return tl::make_unexpected(fmt::format("capture on '{}': {}", interface_, pcap_geterr(p)));
  return n < 0 ? 0 : n;  // PCAP_ERROR_BREAK: treated as "nothing more now"
}

tl::expected<LiveStats, std::string> LiveCapture::stats() const {
  pcap_stat s{};
  if (pcap_stats(handle_->pcap, &s) != 0) {
    return tl::make_unexpected(fmt::format("statistics of '{}': {}", interface_, pcap_geterr(handle_->pcap)));
  }
  return LiveStats{s.ps_recv, s.ps_drop, s.ps_ifdrop};
}

net::Time LiveCapture::now() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return net::Time::from_ns(static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
}

}  // namespace wirestate::io
