// arp::Cache::on_arp: the packet reception procedure of RFC 826 ("Packet Reception"),
// with Linux's choices where RFC 826 leaves room (arp_process in net/ipv4/arp.c).
#include "wirestate/arp/cache.hpp"

namespace wirestate::arp {

void Cache::send_reply(const ArpFrame& to, net::Time now, CacheOutput& out) {
  // RFC 826: swap sender and target, put our addresses in the sender fields, set the
  // opcode to REPLY and send it to the requester's hardware address. For an RFC 5227
  // probe the requester's IP is 0.0.0.0 and so is the reply's target IP (as Linux does).
  ArpFrame f;
  f.arp = {wire::ArpOp::kReply, our_mac_, our_ip_, to.arp.sender_mac, to.arp.sender_ip};
  f.eth_src = our_mac_;
  f.eth_dst = to.arp.sender_mac;
  f.time = now;
  out.send.push_back(f);
  ++counters_.replies_sent;
}

void Cache::merge(net::Ipv4Addr ip, Entry& e, const ArpFrame& frame, net::Time now,
                  CacheOutput& out) {
  const auto& a = frame.arp;
  // Linux arp_process: a reply addressed to us (PACKET_HOST) confirms reachability;
  // everything else (requests, broadcast or foreign replies) only makes the entry STALE.
  const bool confirms = a.op == wire::ArpOp::kReply && frame.eth_dst == our_mac_;
  const EntryState to = confirms ? EntryState::kReachable : EntryState::kStale;
  const Cause cause = a.is_gratuitous()            ? Cause::kLearnGratuitous
                      : a.op == wire::ArpOp::kReply ? Cause::kLearnReply
                                                    : Cause::kLearnRequest;
  if (e.state == EntryState::kIncomplete) {
    // The resolution succeeded: whoever told us the MAC, the waiting items can go.
    transition(ip, e, to, a.sender_mac, cause, now, out, frame.number);
    e.revalidating = false;
    e.requests = 0;
    release_queue(ip, e, out);
    return;
  }
  if (e.mac != a.sender_mac) {
    // RFC 826 merge: "update the sender hardware address field of the entry". This is
    // how a real cache gets poisoned. Linux refuses a different MAC within locktime of
    // the last update unless the packet is a gratuitous ARP ("override").
    if (!a.is_gratuitous() && now < e.updated + config_.locktime) {
      ++counters_.locktime_ignored;
      return;
    }
    transition(ip, e, to, a.sender_mac, cause, now, out, frame.number);
    e.revalidating = false;
    e.requests = 0;
    return;
  }
  // Same MAC: a confirmation refreshes REACHABLE (an event only when the state changes);
  // a mere STALE-level sighting keeps the current state (Linux neigh_update keeps the
  // state when the address is unchanged).
  if (confirms) {
    if (e.state != EntryState::kReachable) {
      transition(ip, e, EntryState::kReachable, e.mac, cause, now, out, frame.number);
    } else {
      e.updated = now;
    }
    e.revalidating = false;
    e.requests = 0;
  }
}

void Cache::on_arp(const ArpFrame& frame, net::Time now, CacheOutput& out) {
  const auto& a = frame.arp;
  // Our own frames (a looped broadcast) and impossible senders teach nothing.
  if (a.sender_mac == our_mac_ || a.sender_mac.is_multicast() || a.sender_mac.is_zero()) {
    ++counters_.ignored_frames;
    return;
  }
  // RFC 5227 §2.1.1 / §2.4: someone else using (or probing for) our address.
  if (claim_.on_arp(frame, now, out)) return;
  const bool usable = claim_.usable();
  const bool for_us = usable && !our_ip_.is_zero() && a.target_ip == our_ip_;

  if (a.sender_ip.is_zero()) {
    // An RFC 5227 probe announces nothing: no learning. A probe for our address is
    // answered like any request (RFC 5227 §2.1.1 relies on that answer).
    if (a.op == wire::ArpOp::kRequest && for_us) send_reply(frame, now, out);
    return;
  }
  if (a.sender_ip.is_broadcast() || a.sender_ip.is_multicast()) {
    ++counters_.ignored_frames;
    return;
  }

  // RFC 826: "If the pair <protocol type, sender protocol address> is already in my
  // translation table, update the sender hardware address field ... Merge_flag := true".
  bool merged = false;
  if (static_.contains(a.sender_ip)) {
    merged = true;  // PERMANENT entries are never replaced by ARP traffic
  } else if (Entry* e = dynamic_.find(a.sender_ip)) {
    merge(a.sender_ip, *e, frame, now, out);
    merged = true;
  }
  // RFC 826: "?Am I the target protocol address? Yes: If Merge_flag is false, add the
  // triplet" (for unsolicited replies only when accept_unsolicited_replies; Linux's
  // arp_accept = 0 would not).
  if (!merged && for_us &&
      (a.op == wire::ArpOp::kRequest || config_.accept_unsolicited_replies)) {
    Entry e;
    e.state = a.op == wire::ArpOp::kReply && frame.eth_dst == our_mac_ ? EntryState::kReachable
                                                                      : EntryState::kStale;
    e.mac = a.sender_mac;
    e.used = now;
    const Cause cause = a.op == wire::ArpOp::kReply ? Cause::kLearnReply : Cause::kLearnRequest;
    create_entry(a.sender_ip, std::move(e), cause, now, out, frame.number);
  }
  // RFC 826: "?Is the opcode ares_op$REQUEST? Yes: ... send the packet to the (new)
  // target hardware address". A gratuitous request for our own address is handled by
  // the claim above (another MAC) or is our own (filtered first).
  if (for_us && a.op == wire::ArpOp::kRequest) send_reply(frame, now, out);
}

}  // namespace wirestate::arp
