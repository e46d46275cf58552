#include "toolauth/http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <variant>

#include "test_support.h"
#include "toolauth/core/random.h"
#include "toolauth/http/error.h"
#include "toolauth/http/router.h"
#include "toolauth/http/sse.h"
#include "toolauth/jose/certificate_authority.h"
#include "toolauth/jose/key.h"
#include "toolauth/jose/local_tls.h"

namespace toolauth::http {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;
using testing::run_sync;
using testing::ServerThread;
using testing::status_of;

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    router_.add(Method::get, "/hello/{name}", [](Request& r) {
      return Response::json(200, {{"hello", r.param("name")}, {"query", r.query}});
    });
    router_.add(Method::post, "/echo", [](Request& r) { return Response::text(200, r.body); });
    router_.add(Method::get, "/drop", [](Request&) {
      Response r;
      r.abort = true;
      return r;
    });
    router_.add(Method::get, "/throw",
                [](Request&) -> Response { throw std::runtime_error("boom"); });
    router_.add(Method::get, "/events", [](Request&) {
      return Response::event_stream([](EventStream& events) -> boost::asio::awaitable<void> {
        for (int i = 1; i <= 3; ++i) {
          if (!co_await events.send({.data = "n=" + std::to_string(i), .id = std::to_string(i)}))
            co_return;
        }
      });
    });
  }

  // /events twice over, and /wait: "started", then waits an hour, which a client that goes
  // away cuts short (both cancel_on_disconnect). `wait_outcome` says how /wait ended.
  void add_watched_streams() {
    router_.add(Method::get, "/events-watched", [](Request&) {
      auto r = Response::event_stream([](EventStream& events) -> boost::asio::awaitable<void> {
        for (int i = 1; i <= 3; ++i) co_await events.send({.data = "n=" + std::to_string(i)});
      });
      r.cancel_on_disconnect = true;
      return r;
    });
    router_.add(Method::get, "/wait", [this](Request&) {
      auto r = Response::event_stream([this](EventStream& events) -> boost::asio::awaitable<void> {
        co_await events.send({.data = "started"});
        boost::asio::steady_timer hour(co_await boost::asio::this_coro::executor, 1h);
        auto [ec] = co_await hour.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        wait_outcome_.set_value(ec == boost::asio::error::operation_aborted ? "cancelled" : "hour");
      });
      r.cancel_on_disconnect = true;
      return r;
    });
  }

  std::unique_ptr<ServerThread> start(ServerLimits limits = {}) {
    return std::make_unique<ServerThread>(router_.handler(), limits);
  }

  core::Result<ClientResponse> get(const std::string& url, Client* client = nullptr) {
    return run_sync<core::Result<ClientResponse>>(
        [&]() -> boost::asio::awaitable<core::Result<ClientResponse>> {
          if (client) co_return co_await client->send({.method = Method::get, .url = url});
          Client own(co_await boost::asio::this_coro::executor);
          co_return co_await own.send({.method = Method::get, .url = url});
        });
  }

  // After every attack the server must still answer a normal request.
  void expect_healthy(ServerThread& server) {
    auto r = get(server.url("/hello/again"));
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, 200);
  }

  Router router_;
  std::promise<std::string> wait_outcome_;
};

TEST_F(ServerTest, ServesRoutesWithPathParamsQueryAndRequestId) {
  auto server = start();
  auto r = get(server->url("/hello/alice?x=1"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(nlohmann::json::parse(r->body), (nlohmann::json{{"hello", "alice"}, {"query", "x=1"}}));
  EXPECT_EQ(r->headers.get("x-request-id").value_or("").size(), 36u);
}

TEST_F(ServerTest, KeepAliveReusesOneConnection) {
  auto server = start();
  run_sync<int>([&]() -> boost::asio::awaitable<int> {
    Client client(co_await boost::asio::this_coro::executor);
    for (int i = 0; i < 5; ++i) {
      auto r = co_await client.send(
          {.method = Method::post, .url = server->url("/echo"), .body = "b" + std::to_string(i)});
      EXPECT_TRUE(r.ok());
      EXPECT_EQ(r->body, "b" + std::to_string(i));
    }
    EXPECT_EQ(client.stats().connections_opened, 1u);
    EXPECT_EQ(client.stats().reused, 4u);
    co_return 0;
  });
  EXPECT_EQ(server->stats().connections_accepted, 1u);
  EXPECT_EQ(server->stats().requests, 5u);
}

TEST_F(ServerTest, OversizedHeadersGet431AndTheServerStaysHealthy) {
  auto server = start({.max_header_bytes = 1024});
  RawConnection raw(server->port());
  raw.send("GET /hello/x HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_of(raw.read_until_closed()), 431);
  EXPECT_EQ(server->stats().rejected_header_too_large, 1u);
  expect_healthy(*server);
}

TEST_F(ServerTest, OversizedBodyGets413BeforeItIsRead) {
  auto server = start({.max_body_bytes = 1000});
  RawConnection raw(server->port());
  raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n");
  EXPECT_EQ(status_of(raw.read_until_closed()), 413);
  EXPECT_EQ(server->stats().rejected_body_too_large, 1u);
  expect_healthy(*server);
}

TEST_F(ServerTest, OversizedChunkedBodyGets413) {
  auto server = start({.max_body_bytes = 1000});
  RawConnection raw(server->port());
  raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
           std::string(0x800, 'a') + "\r\n0\r\n\r\n");
  EXPECT_EQ(status_of(raw.read_until_closed()), 413);
  expect_healthy(*server);
}

TEST_F(ServerTest, SlowlorisIsCutOffAtTheReadTimeout) {
  auto server = start({.read_timeout = 300ms});
  RawConnection raw(server->port());
  raw.send("GET /hello/x HTTP/1.1\r\nHost: a\r\nX-Slow: ");  // and never finish
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(raw.read_until_closed(), "");  // closed without a response
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(server->stats().read_timeouts, 1u);
  EXPECT_EQ(server->open_connections(), 0u);
  expect_healthy(*server);
}

TEST_F(ServerTest, ConnectionThatNeverSendsIsCutOffAtTheReadTimeout) {
  auto server = start({.read_timeout = 300ms});
  RawConnection raw(server->port());
  EXPECT_EQ(raw.read_until_closed(), "");
  EXPECT_EQ(server->stats().read_timeouts, 1u);
}

struct SmugglingCase {
  const char* name;
  std::string request;
};

class RequestSmugglingTest : public ServerTest,
                             public ::testing::WithParamInterface<SmugglingCase> {};

TEST_P(RequestSmugglingTest, AmbiguousFramingGets400AndTheConnectionCloses) {
  auto server = start();
  RawConnection raw(server->port());
  // A smuggled second request follows; it must never be served.
  raw.send(GetParam().request + "GET /hello/smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
  const auto response = raw.read_until_closed();
  EXPECT_EQ(status_of(response), 400) << response;
  EXPECT_EQ(response.find("smuggled"), std::string::npos) << response;
  EXPECT_EQ(response.find("HTTP/1.1", 1), std::string::npos)
      << "exactly one response: " << response;
  EXPECT_EQ(server->stats().requests, 0u);
  expect_healthy(*server);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, RequestSmugglingTest,
    ::testing::Values(
        SmugglingCase{"ContentLengthWithTransferEncoding",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: "
                      "chunked\r\n\r\n0\r\n\r\n"},
        SmugglingCase{"TransferEncodingWithContentLength",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
                      "chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"},
        SmugglingCase{"ConflictingContentLengths",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: "
                      "5\r\n\r\nabcde"},
        SmugglingCase{
            "RepeatedEqualContentLengths",
            "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd"},
        SmugglingCase{"ContentLengthList",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 4\r\n\r\nabcd"},
        SmugglingCase{"SignedContentLength",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: +4\r\n\r\nabcd"},
        SmugglingCase{"TransferEncodingNotChunked",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\nabcd"},
        SmugglingCase{"ChunkedNotLast",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, "
                      "identity\r\n\r\n0\r\n\r\n"},
        SmugglingCase{
            "ObfuscatedChunked",
            "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"},
        SmugglingCase{"RepeatedTransferEncoding",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
                      "chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        SmugglingCase{"SpaceBeforeColon",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : "
                      "chunked\r\nContent-Length: 4\r\n\r\nabcd"},
        SmugglingCase{"BadChunkSize",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
                      "chunked\r\n\r\nzz\r\nabcd\r\n0\r\n\r\n"},
        SmugglingCase{
            "TransferEncodingInHttp10",
            "POST /echo HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        SmugglingCase{"ObsFoldedTransferEncoding",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n "
                      "chunked\r\n\r\n0\r\n\r\n"},
        SmugglingCase{"ObsFoldedContentLength",
                      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\t4\r\n\r\nabcd"},
        SmugglingCase{"ObsFoldInAnotherHeader",
                      "GET /hello/x HTTP/1.1\r\nHost: a\r\nX-Note: one\r\n two\r\n\r\n"},
        SmugglingCase{"BareLineFeeds", "GET /hello/x HTTP/1.1\nHost: a\n\n"},
        SmugglingCase{"MissingHost", "GET /hello/x HTTP/1.1\r\n\r\n"},
        SmugglingCase{"RepeatedHost", "GET /hello/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
        SmugglingCase{"AbsoluteFormTarget",
                      "GET http://evil.test/hello/x HTTP/1.1\r\nHost: a\r\n\r\n"}),
    [](const ::testing::TestParamInfo<SmugglingCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST_F(ServerTest, HandlerThatThrowsGets500AndTheServerStaysHealthy) {
  auto server = start();
  auto r = get(server->url("/throw"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(nlohmann::json::parse(r->body)["error"], "server_error");
  EXPECT_EQ(r->body.find("boom"), std::string::npos);  // no internals leak to the client
  EXPECT_EQ(server->stats().handler_exceptions, 1u);
  expect_healthy(*server);
}

TEST_F(ServerTest, AbortedResponseDropsTheConnectionWithoutAWord) {
  auto server = start();
  RawConnection raw(server->port());
  raw.send("GET /drop HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(raw.read_until_closed(), "");
  expect_healthy(*server);
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponse) {
  auto server = start();
  RawConnection raw(server->port());
  raw.send(
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: "
      "close\r\n\r\nhello");
  const auto response = raw.read_until_closed();
  EXPECT_EQ(status_of(response), 100);
  EXPECT_NE(response.find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_NE(response.find("\r\n\r\nhello"), std::string::npos);
}

TEST_F(ServerTest, ChunkedRequestBodyIsAccepted) {
  auto server = start();
  RawConnection raw(server->port());
  raw.send(
      "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: "
      "close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  const auto response = raw.read_until_closed();
  EXPECT_EQ(status_of(response), 200);
  EXPECT_NE(response.find("\r\n\r\nabcde"), std::string::npos);
}

TEST_F(ServerTest, HeadGetsHeadersWithoutBody) {
  auto server = start();
  RawConnection raw(server->port());
  raw.send("HEAD /hello/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  const auto response = raw.read_until_closed();
  EXPECT_EQ(status_of(response), 200);
  EXPECT_NE(response.find("Content-Length: "), std::string::npos);
  EXPECT_EQ(response.substr(response.find("\r\n\r\n") + 4), "");
}

TEST_F(ServerTest, EventStreamIsChunkedAndParsable) {
  auto server = start();
  auto r = get(server->url("/events"));
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->headers.get("content-type"), "text/event-stream");
  SseParser parser;
  auto events = parser.feed(r->body);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].data, "n=3");
  EXPECT_EQ(events[2].id, "3");
  expect_healthy(*server);  // the connection is still usable after the stream
}

TEST_F(ServerTest, AWatchedStreamEndsNormallyAndTheConnectionIsReused) {
  add_watched_streams();
  auto server = start();
  auto first = run_sync<core::Result<ClientResponse>>(
      [&]() -> boost::asio::awaitable<core::Result<ClientResponse>> {
        Client client(co_await boost::asio::this_coro::executor);
        auto one =
            co_await client.send({.method = Method::get, .url = server->url("/events-watched")});
        if (!one.ok() || one->body.find("n=3") == std::string::npos) co_return one;
        auto two =
            co_await client.send({.method = Method::get, .url = server->url("/events-watched")});
        EXPECT_EQ(client.stats().reused, 1u);  // the watcher left the connection usable
        co_return two;
      });
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_NE(first->body.find("n=3"), std::string::npos) << first->body;
  EXPECT_EQ(server->stats().streams_cancelled, 0u);
}

TEST_F(ServerTest, AClientThatGoesAwayCancelsAWatchedStream) {
  add_watched_streams();
  auto server = start();
  auto outcome = wait_outcome_.get_future();
  RawConnection raw(server->port());
  raw.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  raw.read_until("data: started");
  raw.close();
  ASSERT_EQ(outcome.wait_for(10s), std::future_status::ready) << "the stream was not cancelled";
  EXPECT_EQ(outcome.get(), "cancelled");
  const auto stats = server->stats();
  EXPECT_EQ(stats.streams_cancelled, 1u);
  EXPECT_EQ(stats.handler_exceptions, 0u);  // a cancelled stream is no handler failure
  expect_healthy(*server);
}

TEST_F(ServerTest, MaxConnectionsRefusesTheExtraConnection) {
  auto server = start({.max_connections = 1});
  RawConnection first(server->port());
  first.send("GET /hello/x HTTP/1.1\r\nHost: a\r\n\r\n");  // kept alive: holds the slot
  EXPECT_EQ(status_of(first.read_response()), 200);
  RawConnection second(server->port());
  EXPECT_EQ(second.read_until_closed(), "");
  EXPECT_EQ(server->stats().connections_refused, 1u);
}

TEST_F(ServerTest, StopClosesIdleConnectionsAndStopsAccepting) {
  auto server = start();
  RawConnection idle(server->port());
  idle.send("GET /hello/x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(status_of(idle.read_response()), 200);
  server->stop();
  EXPECT_EQ(idle.read_until_closed(), "");  // idle, so closed at once
  EXPECT_EQ(server->open_connections(), 0u);
  auto r = get(server->url("/hello/late"));
  EXPECT_FALSE(r.ok());
}

TEST_F(ServerTest, AccessLogCarriesNoSecrets) {
  std::ostringstream log;
  Router router;
  router.add(Method::get, "/cb", [](Request&) { return Response::empty(204); });
  boost::asio::io_context io;
  Server server(io.get_executor(), router.handler(), {},
                core::Logger({core::LogLevel::info, core::LogFormat::json_lines}, &log));
  const auto port = *server.listen({"127.0.0.1", 0, std::nullopt});
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        Client client(co_await boost::asio::this_coro::executor);
        auto url = "http://127.0.0.1:" + std::to_string(port) + "/cb?code=SECRETCODE&state=visible";
        (void)co_await client.send({.method = Method::get, .url = url});
        server.stop();
      },
      boost::asio::detached);
  io.run();
  EXPECT_NE(log.str().find("state=visible"), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find("SECRETCODE"), std::string::npos) << log.str();
}

TEST_F(ServerTest, LocalhostBindsBothLoopbackFamiliesOnOnePort) {
  boost::asio::io_context io;
  Server server(io.get_executor(), router_.handler());
  auto port = server.listen({"localhost", 0, std::nullopt});
  ASSERT_TRUE(port.ok()) << port.error().message();
  boost::asio::ip::tcp::socket v4(io), v6(io);
  v4.connect({boost::asio::ip::make_address("127.0.0.1"), *port});
  boost::system::error_code ec;
  v6.connect({boost::asio::ip::make_address("::1"), *port}, ec);
  EXPECT_FALSE(ec) << "IPv6 loopback: " << ec.message();
}

TEST_F(ServerTest, ListenOnATakenPortFails) {
  auto server = start();
  boost::asio::io_context io;
  Server second(io.get_executor(), router_.handler());
  auto r = second.listen({"127.0.0.1", server->port(), std::nullopt});
  EXPECT_EQ(r.code(), Errc::bind_failed);
}

}  // namespace
}  // namespace toolauth::http

namespace toolauth::http {
namespace {

// HTTPS with the local CA that every toolauth server uses.
class TlsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("toolauth_tls_" + core::random_hex(6));
    auto tls = jose::LocalTls::load_or_create(dir_, clock_);
    ASSERT_TRUE(tls.ok()) << tls.error().message();
    tls_.emplace(std::move(*tls));
    router_.add(Method::get, "/who", [](Request& r) {
      return Response::json(200, {{"tls", r.tls}, {"loopback", r.from_loopback()}});
    });
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  core::Result<ClientResponse> get(const std::string& url, ClientOptions options) {
    return run_sync<core::Result<ClientResponse>>(
        [&]() -> boost::asio::awaitable<core::Result<ClientResponse>> {
          Client client(co_await boost::asio::this_coro::executor, options);
          co_return co_await client.send({.method = Method::get, .url = url});
        });
  }

  TlsCredentials credentials() const { return {tls_->cert_chain_pem, tls_->private_key_pem}; }

  core::SystemClock clock_;
  std::filesystem::path dir_;
  std::optional<jose::LocalTls> tls_;
  Router router_;
};

TEST_F(TlsServerTest, ServesHttpsVerifiedAgainstTheLocalCaByIpAndName) {
  ServerThread server(router_.handler(), {}, credentials(), "localhost");
  const std::string port = std::to_string(server.port());
  for (const std::string host : {"127.0.0.1", "localhost", "[::1]"}) {
    auto r = get("https://" + host + ":" + port + "/who", {.ca_file = tls_->ca_file.string()});
    ASSERT_TRUE(r.ok()) << host << ": " << r.error().message();
    EXPECT_EQ(nlohmann::json::parse(r->body), (nlohmann::json{{"tls", true}, {"loopback", true}}));
  }
}

TEST_F(TlsServerTest, ClientWithoutTheCaRefusesTheServer) {
  ServerThread server(router_.handler(), {}, credentials());
  auto r = get(server.url("/who", "https"), {});
  EXPECT_EQ(r.code(), Errc::tls_failed) << r.error().message();
}

TEST_F(TlsServerTest, ClientRefusesACertificateIssuedForAnotherHost) {
  auto ca = jose::CertificateAuthority::generate("other CA", clock_);
  auto key = jose::PrivateKey::generate_ec_p256();
  ASSERT_TRUE(ca.ok() && key.ok());
  auto leaf =
      ca->issue_server_certificate(*key, {.dns_names = {"other.test"}, .ip_addresses = {}}, clock_);
  ASSERT_TRUE(leaf.ok());
  std::filesystem::create_directories(dir_);
  const auto ca_file = dir_ / "other-ca.pem";
  std::ofstream(ca_file) << ca->certificate().to_pem();
  ServerThread server(router_.handler(), {}, TlsCredentials{leaf->to_pem(), key->to_pem()});
  auto r = get(server.url("/who", "https"), {.ca_file = ca_file.string()});
  EXPECT_EQ(r.code(), Errc::tls_failed) << r.error().message();
}

TEST_F(TlsServerTest, ExtraCaFilesAreTrustedBesidesTheCaFile) {
  // A server of another CA (an implementation under test) next to the local CA.
  auto ca = jose::CertificateAuthority::generate("iut CA", clock_);
  auto key = jose::PrivateKey::generate_ec_p256();
  ASSERT_TRUE(ca.ok() && key.ok());
  auto leaf = ca->issue_server_certificate(*key, {}, clock_);  // localhost, 127.0.0.1, ::1
  ASSERT_TRUE(leaf.ok());
  const auto iut_ca_file = dir_ / "iut-ca.pem";
  std::ofstream(iut_ca_file) << ca->certificate().to_pem();
  ServerThread local(router_.handler(), {}, credentials());
  ServerThread iut(router_.handler(), {}, TlsCredentials{leaf->to_pem(), key->to_pem()});

  const ClientOptions both{.ca_file = tls_->ca_file.string(),
                           .extra_ca_files = {iut_ca_file.string()}};
  EXPECT_TRUE(get(local.url("/who", "https"), both).ok());
  auto r = get(iut.url("/who", "https"), both);
  EXPECT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(get(iut.url("/who", "https"), {.ca_file = tls_->ca_file.string()}).code(),
            Errc::tls_failed);
  EXPECT_EQ(get(iut.url("/who", "https"), {.ca_file = tls_->ca_file.string(),
                                           .extra_ca_files = {(dir_ / "absent.pem").string()}})
                .code(),
            Errc::tls_failed);
}

TEST_F(TlsServerTest, PlainHttpOnTheTlsPortFailsTheHandshakeAndTheServerStaysHealthy) {
  ServerThread server(router_.handler(), {}, credentials());
  RawConnection raw(server.port());
  raw.send("GET /who HTTP/1.1\r\nHost: a\r\n\r\n");
  raw.read_until_closed();
  EXPECT_EQ(server.stats().tls_handshake_failures, 1u);
  auto r = get(server.url("/who", "https"), {.ca_file = tls_->ca_file.string()});
  EXPECT_TRUE(r.ok());
}

TEST_F(TlsServerTest, MalformedCertificateIsRefusedAtListen) {
  boost::asio::io_context io;
  Server server(io.get_executor(), router_.handler());
  auto r = server.listen({"127.0.0.1", 0, TlsCredentials{"not a pem", "nor this"}});
  EXPECT_EQ(r.code(), Errc::tls_failed);
}

}  // namespace
}  // namespace toolauth::http

namespace toolauth::http {
namespace {

TEST(TerminationSignalsTest, SigtermStopsTheServerAndRunReturns) {
  boost::asio::io_context io;
  Router router;
  router.add(Method::get, "/", [](Request&) { return Response::empty(204); });
  Server server(io.get_executor(), router.handler());
  ASSERT_TRUE(server.listen({"127.0.0.1", 0, std::nullopt}).ok());
  int received = 0;
  TerminationSignals signals(io.get_executor(), [&](int signal) {
    received = signal;
    server.stop();
  });
  boost::asio::post(io, [] { std::raise(SIGTERM); });
  io.run();  // returns only because the signal stopped the server
  EXPECT_EQ(received, SIGTERM);
}

TEST(TerminationSignalsTest, CancelledSignalsLetRunReturn) {
  boost::asio::io_context io;
  TerminationSignals signals(io.get_executor(), [](int) { FAIL() << "no signal was sent"; });
  boost::asio::post(io, [&] { signals.cancel(); });
  io.run();
  SUCCEED();
}

// read_request: what a connection makes of bytes, without the connection.

ReadRequest read_ok(std::string_view bytes, const ServerLimits& limits = {}) {
  auto read = read_request(bytes, limits, {"192.0.2.1", 4443, true});
  if (const auto* rejected = std::get_if<RequestRejection>(&read)) {
    ADD_FAILURE() << rejected->status << " " << rejected->description;
    return {};
  }
  return std::get<ReadRequest>(std::move(read));
}

RequestRejection read_rejected(std::string_view bytes, const ServerLimits& limits = {}) {
  auto read = read_request(bytes, limits, {});
  if (!std::holds_alternative<RequestRejection>(read)) {
    ADD_FAILURE() << "accepted";
    return {};
  }
  return std::get<RequestRejection>(std::move(read));
}

TEST(ReadRequestTest, FillsTheRequestAsAConnectionDoesAndStopsAtThePipelinedNext) {
  const std::string first =
      "POST /token?x=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc";
  const auto read = read_ok(first + "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(read.consumed, first.size());
  EXPECT_EQ(read.request.method, Method::post);
  EXPECT_EQ(read.request.path, "/token");
  EXPECT_EQ(read.request.query, "x=1");
  EXPECT_EQ(read.request.body, "abc");
  EXPECT_EQ(read.request.headers.get("host"), "localhost");
  EXPECT_EQ(read.request.remote_address, "192.0.2.1");
  EXPECT_EQ(read.request.local_port, 4443);
  EXPECT_TRUE(read.request.tls);
  EXPECT_FALSE(read.request.request_id.empty());
  EXPECT_TRUE(read.keep_alive);
  EXPECT_EQ(read.version, 11u);
}

TEST(ReadRequestTest, ReadsAChunkedBody) {
  const auto read = read_ok(
      "POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(read.request.body, "abcde");
}

TEST(ReadRequestTest, ObsFoldIsRefusedAsAConnectionRefusesIt) {
  const auto refused = read_rejected(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.description, "obsolete line folding in the header");
}

TEST(ReadRequestTest, SmugglingShapesAre400) {
  EXPECT_EQ(read_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                .status,
            400);  // Beast refuses it before framing_problem sees it
  EXPECT_EQ(read_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
                          "Content-Length: 1\r\n\r\na")
                .description,
            "repeated Content-Length");
  EXPECT_EQ(read_rejected("GET / HTTP/1.1\r\n\r\n").description, "Host missing or repeated");
  EXPECT_EQ(read_rejected("GET http://evil.example/ HTTP/1.1\r\nHost: h\r\n\r\n").status, 400);
  EXPECT_EQ(read_rejected("GET / HTTP/1.1\r\nHo st: h\r\n\r\n").status, 400);
}

TEST(ReadRequestTest, OversizedHeaderIs431AndOversizedBodyIs413) {
  ServerLimits limits;
  limits.max_header_bytes = 64;
  limits.max_body_bytes = 2;
  EXPECT_EQ(
      read_rejected("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(100, 'a') + "\r\n\r\n", limits)
          .status,
      431);
  EXPECT_EQ(
      read_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc", limits).status,
      413);
}

TEST(ReadRequestTest, BytesEndingBeforeTheRequestDoesAreIncomplete) {
  EXPECT_EQ(read_rejected("").status, 0);
  EXPECT_EQ(read_rejected("GET / HTTP/1.1\r\nHost: h\r\n").status, 0);
  EXPECT_EQ(read_rejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab").status, 0);
}

}  // namespace
}  // namespace toolauth::http
