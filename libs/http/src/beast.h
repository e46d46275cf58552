#pragma once
// Private to libs/http: the Beast, Asio and Asio-SSL includes and aliases shared by the
// server and the client. No other module may include Beast.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "toolauth/http/message.h"

namespace toolauth::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// Completion token that returns errors as values: (error_code, ...) tuples.
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

inline bhttp::verb to_verb(Method method, std::string_view name) {
  switch (method) {
    case Method::get:
      return bhttp::verb::get;
    case Method::head:
      return bhttp::verb::head;
    case Method::post:
      return bhttp::verb::post;
    case Method::put:
      return bhttp::verb::put;
    case Method::patch:
      return bhttp::verb::patch;
    case Method::delete_:
      return bhttp::verb::delete_;
    case Method::options:
      return bhttp::verb::options;
    case Method::other:
      return bhttp::string_to_verb(name);
  }
  return bhttp::verb::unknown;
}

}  // namespace toolauth::http
