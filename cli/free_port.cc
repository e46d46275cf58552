#include "free_port.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <vector>

namespace toolauth::cli {

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::vector<net::ip::address> addresses_of(const std::string& host) {
  if (host == "localhost")
    return {net::ip::address_v4::loopback(), net::ip::address_v6::loopback()};
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) return {};
  return {address};
}

// Binds every address on one port (the first one's ephemeral port), then lets them all go.
std::uint16_t try_bind_all(net::io_context& io, const std::vector<net::ip::address>& addresses) {
  std::vector<tcp::acceptor> held;
  std::uint16_t port = 0;
  for (const auto& address : addresses) {
    tcp::acceptor acceptor(io);
    boost::system::error_code ec;
    acceptor.open(address.is_v4() ? tcp::v4() : tcp::v6(), ec);
    if (!ec && address.is_v6()) acceptor.set_option(net::ip::v6_only(true), ec);
    if (!ec) acceptor.bind({address, port}, ec);
    // A machine without IPv6 serves localhost on 127.0.0.1 only, as the servers do.
    if (ec && address.is_v6() && addresses.size() > 1 &&
        (ec == net::error::address_family_not_supported ||
         ec == boost::system::errc::address_not_available))
      continue;
    if (ec) return 0;
    if (port == 0) port = acceptor.local_endpoint().port();
    held.push_back(std::move(acceptor));
  }
  return port;
}

}  // namespace

core::Result<std::uint16_t> pick_free_port(const std::string& host) {
  const auto addresses = addresses_of(host);
  if (addresses.empty())
    return core::Error{core::make_error_code(core::Errc::io_error), "not an IP address: " + host};
  net::io_context io;
  constexpr int kAttempts = 16;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (auto port = try_bind_all(io, addresses); port != 0) return port;
  }
  return core::Error{core::make_error_code(core::Errc::io_error),
                     "no port is free on every address of " + host};
}

}  // namespace toolauth::cli
