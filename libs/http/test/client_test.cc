#include "toolauth/http/client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "test_support.h"
#include "toolauth/http/error.h"

namespace toolauth::http {
namespace {

using namespace std::chrono_literals;
using testing::run_sync;
namespace net = boost::asio;
using tcp = net::ip::tcp;

core::Result<ClientResponse> send(ClientRequest request, ClientOptions options = {}) {
  return run_sync<core::Result<ClientResponse>>(
      [&]() -> net::awaitable<core::Result<ClientResponse>> {
        Client client(co_await net::this_coro::executor, options);
        co_return co_await client.send(request);
      });
}

// A scripted peer on a background thread: for each accepted connection, reads one request
// and runs `script(socket)`.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(std::function<void(tcp::socket&, int connection)> script)
      : acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}), script_(std::move(script)) {
    thread_ = std::thread([this] {
      for (int i = 0; i < 2; ++i) {
        tcp::socket socket(io_);
        boost::system::error_code ec;
        acceptor_.accept(socket, ec);
        if (ec || stopped_) return;
        script_(socket, i);
      }
    });
  }
  ~ScriptedPeer() {
    stopped_ = true;
    // Wake a blocked accept().
    tcp::socket poke(io_);
    boost::system::error_code ec;
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/x";
  }

  static std::string read_request(tcp::socket& socket) {
    net::streambuf buffer;
    boost::system::error_code ec;
    net::read_until(socket, buffer, "\r\n\r\n", ec);
    return {net::buffers_begin(buffer.data()), net::buffers_end(buffer.data())};
  }

 private:
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::function<void(tcp::socket&, int)> script_;
  std::atomic<bool> stopped_ = false;
  std::thread thread_;
};

constexpr const char* kKeepAliveOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

TEST(ClientTest, RetriesOnceWhenAReusedConnectionWasClosedUnread) {
  ScriptedPeer peer([](tcp::socket& socket, int) {
    ScriptedPeer::read_request(socket);
    net::write(socket, net::buffer(std::string_view(kKeepAliveOk)));
    socket.close();  // says keep-alive, closes anyway: the next request finds it dead
  });
  run_sync<int>([&]() -> net::awaitable<int> {
    Client client(co_await net::this_coro::executor);
    auto first = co_await client.send({.url = peer.url()});
    EXPECT_TRUE(first.ok());
    auto second = co_await client.send(
        {.method = Method::post, .url = peer.url(), .body = "refresh_token=x"});
    EXPECT_TRUE(second.ok()) << second.error().message();
    EXPECT_EQ(client.stats().retries, 1u);
    EXPECT_EQ(client.stats().connections_opened, 2u);
    co_return 0;
  });
}

TEST(ClientTest, ASpendingRequestGoesOutOnANewConnectionAndIsNeverRetried) {
  std::atomic<int> spent = 0;
  ScriptedPeer peer([&](tcp::socket& socket, int connection) {
    ScriptedPeer::read_request(socket);
    if (connection == 0) {
      net::write(socket, net::buffer(std::string_view(kKeepAliveOk)));
      return;  // closes: the pooled connection is dead
    }
    ++spent;  // the server redeemed the refresh token, then lost the connection unanswered
    socket.close();
  });
  run_sync<int>([&]() -> net::awaitable<int> {
    Client client(co_await net::this_coro::executor);
    EXPECT_TRUE((co_await client.send({.url = peer.url()})).ok());
    auto refresh = co_await client.send(
        {.method = Method::post, .url = peer.url(), .body = "refresh_token=x", .once = true});
    EXPECT_EQ(refresh.code(), Errc::connection_closed);
    EXPECT_EQ(client.stats().reused, 0u);   // not on the pooled connection
    EXPECT_EQ(client.stats().retries, 0u);  // and not a second time
    EXPECT_EQ(client.stats().connections_opened, 2u);
    co_return 0;
  });
  EXPECT_EQ(spent, 1);
}

TEST(ClientTest, NeverRetriesAfterTheResponseBegan) {
  ScriptedPeer peer([](tcp::socket& socket, int) {
    ScriptedPeer::read_request(socket);
    net::write(socket,
               net::buffer(std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\npart")));
    socket.close();
  });
  auto r = send({.method = Method::post, .url = peer.url(), .body = "x"});
  EXPECT_EQ(r.code(), Errc::connection_closed);
}

TEST(ClientTest, TimesOutWhenThePeerNeverAnswers) {
  std::promise<void> done;
  ScriptedPeer peer([&](tcp::socket& socket, int) {
    ScriptedPeer::read_request(socket);
    done.get_future().wait();
  });
  auto r = send({.url = peer.url(), .timeout = 200ms});
  done.set_value();
  EXPECT_EQ(r.code(), Errc::timeout);
}

TEST(ClientTest, OversizedResponseIsRefused) {
  ScriptedPeer peer([](tcp::socket& socket, int) {
    ScriptedPeer::read_request(socket);
    net::write(socket, net::buffer("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" +
                                   std::string(5000, 'a')));
  });
  auto r = send({.url = peer.url()}, {.max_response_bytes = 1000});
  EXPECT_EQ(r.code(), Errc::response_too_large);
}

TEST(ClientTest, ConnectionRefusedIsConnectFailed) {
  std::uint16_t port;
  {
    net::io_context io;
    tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  auto r = send({.url = "http://127.0.0.1:" + std::to_string(port) + "/"});
  EXPECT_EQ(r.code(), Errc::connect_failed);
}

TEST(ClientTest, RejectsBadUrls) {
  EXPECT_EQ(send({.url = "not a url"}).code(), Errc::invalid_url);
  EXPECT_EQ(send({.url = "ftp://127.0.0.1/"}).code(), Errc::unsupported_scheme);
  EXPECT_EQ(send({.url = "https://user:pw@127.0.0.1/"}).code(), Errc::invalid_url);
  EXPECT_EQ(send({.url = "/relative"}).code(), Errc::invalid_url);
}

TEST(ClientTest, SendsHostAndBodyFraming) {
  std::promise<std::string> seen;
  ScriptedPeer peer([&](tcp::socket& socket, int) {
    net::streambuf buffer;
    net::read_until(socket, buffer, "abc");
    seen.set_value({net::buffers_begin(buffer.data()), net::buffers_end(buffer.data())});
    net::write(socket, net::buffer(std::string_view(kKeepAliveOk)));
  });
  Headers headers;
  headers.add("Content-Type", "application/x-www-form-urlencoded");
  auto r =
      send({.method = Method::post, .url = peer.url() + "?q=1", .headers = headers, .body = "abc"});
  ASSERT_TRUE(r.ok());
  const auto request = seen.get_future().get();
  EXPECT_TRUE(request.starts_with("POST /x?q=1 HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("Host: 127.0.0.1:"), std::string::npos);
  EXPECT_NE(request.find("Content-Length: 3"), std::string::npos);
}

}  // namespace
}  // namespace toolauth::http
