#include "free_port.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace toolauth::cli {
namespace {

namespace net = boost::asio;

TEST(FreePortTest, PicksAPortBindableOnLoopbackV4) {
  auto port = pick_free_port("localhost");
  ASSERT_TRUE(port.ok()) << port.error().message();
  EXPECT_NE(*port, 0);
  net::io_context io;
  net::ip::tcp::acceptor acceptor(io);
  boost::system::error_code ec;
  acceptor.open(net::ip::tcp::v4(), ec);
  acceptor.bind({net::ip::address_v4::loopback(), *port}, ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(FreePortTest, NeverPicksAPortThatIsInUse) {
  net::io_context io;
  net::ip::tcp::acceptor taken(io, {net::ip::address_v4::loopback(), 0});
  const auto in_use = taken.local_endpoint().port();
  for (int i = 0; i < 32; ++i) {
    auto port = pick_free_port("127.0.0.1");
    ASSERT_TRUE(port.ok());
    EXPECT_NE(*port, in_use);
  }
}

TEST(FreePortTest, RefusesAHostThatIsNotAnAddress) {
  auto port = pick_free_port("example.invalid");
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().code, core::Errc::io_error);
}

}  // namespace
}  // namespace toolauth::cli
