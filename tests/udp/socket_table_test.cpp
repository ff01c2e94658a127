#include "wirestate/udp/socket_table.hpp"

#include <gtest/gtest.h>

namespace wirestate::udp {
namespace {

Datagram dgram(std::uint8_t byte) {
  return Datagram{net::Ipv4Addr(10, 0, 0, 1), 5000, {byte}, net::Time()};
}

TEST(SocketTable, UnboundPortIsUnreachable) {
  SocketTable t;
  EXPECT_EQ(t.deliver(53, dgram(1)), Delivery::kPortUnreachable);
}

TEST(SocketTable, BoundPortQueuesInOrder) {
  SocketTable t;
  ASSERT_TRUE(t.bind(53));
  EXPECT_FALSE(t.bind(53));
  EXPECT_EQ(t.deliver(53, dgram(1)), Delivery::kQueued);
  EXPECT_EQ(t.deliver(53, dgram(2)), Delivery::kQueued);
  auto got = t.receive_all(53);
  ASSERT_EQ(got.size(), 2U);
  EXPECT_EQ(got[0].data[0], 1);
  EXPECT_EQ(got[1].data[0], 2);
  EXPECT_TRUE(t.receive_all(53).empty());
}

TEST(SocketTable, FullQueueDropsAndCounts) {
  SocketTable t(2);
  t.bind(7);
  t.deliver(7, dgram(1));
  t.deliver(7, dgram(2));
  EXPECT_EQ(t.deliver(7, dgram(3)), Delivery::kQueueFull);
  EXPECT_EQ(t.dropped(), 1U);
  EXPECT_EQ(t.receive_all(7).size(), 2U);
}

TEST(SocketTable, UnbindMakesPortUnreachableAgain) {
  SocketTable t;
  t.bind(9);
  t.unbind(9);
  EXPECT_FALSE(t.is_bound(9));
  EXPECT_EQ(t.deliver(9, dgram(1)), Delivery::kPortUnreachable);
}

}  // namespace
}  // namespace wirestate::udp
