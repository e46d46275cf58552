#include "toolauth/http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/url/parse.hpp>
#include <map>

#include "beast.h"
#include "toolauth/http/error.h"

namespace toolauth::http {
namespace {

struct Target {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  bool host_is_ip = false;
  std::uint16_t port = 0;
  std::string host_header;  // host[:port] as sent in Host
  std::string path_and_query;
  std::string origin;  // scheme://host:port, the connection-pool key
};

core::Result<Target> parse_target(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return core::Error{Errc::invalid_url, parsed.error().message()};
  Target t;
  const auto scheme = parsed->scheme();
  if (scheme == "https") {
    t.tls = true;
  } else if (scheme != "http") {
    return core::Error{Errc::unsupported_scheme, std::string(scheme)};
  }
  if (!parsed->has_authority() || parsed->encoded_host().empty()) {
    return core::Error{Errc::invalid_url, "no host"};
  }
  if (parsed->has_userinfo()) return core::Error{Errc::invalid_url, "userinfo is not allowed"};
  switch (parsed->host_type()) {
    case boost::urls::host_type::ipv6:
      t.host = parsed->host_ipv6_address().to_string();
      t.host_is_ip = true;
      break;
    case boost::urls::host_type::ipv4:
      t.host = parsed->host_ipv4_address().to_string();
      t.host_is_ip = true;
      break;
    default:
      t.host = parsed->host();
  }
  t.port = parsed->has_port() ? parsed->port_number() : (t.tls ? 443 : 80);
  if (parsed->has_port() && t.port == 0) return core::Error{Errc::invalid_url, "port 0"};
  t.host_header = std::string(parsed->encoded_host_and_port());
  t.path_and_query = std::string(parsed->encoded_path());
  if (t.path_and_query.empty()) t.path_and_query = "/";
  if (parsed->has_query()) t.path_and_query += "?" + std::string(parsed->encoded_query());
  t.origin = std::string(scheme) + "://" + t.host_header + ":" + std::to_string(t.port);
  return t;
}

class Connection {
 public:
  Connection(net::any_io_executor executor, net::ssl::context* tls) {
    if (tls) {
      secure_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *tls);
    } else {
      plain_ = std::make_unique<beast::tcp_stream>(executor);
    }
  }
  beast::tcp_stream& lowest() { return plain_ ? *plain_ : beast::get_lowest_layer(*secure_); }
  beast::ssl_stream<beast::tcp_stream>* secure() { return secure_.get(); }
  beast::tcp_stream* plain() { return plain_.get(); }

  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;

 private:
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure_;
};

core::Error classify(beast::error_code ec, std::string_view stage) {
  const std::string detail = std::string(stage) + ": " + ec.message();
  if (ec == beast::error::timeout) return {Errc::timeout, detail};
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
    return {Errc::response_too_large, detail};
  }
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == bhttp::error::partial_message ||
      ec == net::ssl::error::stream_truncated) {
    return {Errc::connection_closed, detail};
  }
  if (ec.category() == net::error::get_ssl_category()) return {Errc::tls_failed, detail};
  if (ec.category() == beast::error_code(bhttp::error::end_of_stream).category())
    return {Errc::protocol_error, detail};
  return {Errc::connect_failed, detail};
}

}  // namespace

struct Client::Impl {
  net::any_io_executor executor;
  ClientOptions options;
  std::unique_ptr<net::ssl::context> tls;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  ClientStats stats;

  core::Result<net::ssl::context*> tls_context();
  std::unique_ptr<Connection> take_idle(const std::string& origin);
  net::awaitable<core::Result<std::unique_ptr<Connection>>> connect(
      const Target& target, std::chrono::steady_clock::time_point deadline);
  // One exchange on `connection`. `*retryable` is set when the connection was found closed
  // before any byte of the response arrived.
  net::awaitable<core::Result<ClientResponse>> exchange(
      Connection& connection, const Target& target, const ClientRequest& request,
      std::chrono::steady_clock::time_point deadline, bool* retryable, bool* keep_alive);
};

core::Result<net::ssl::context*> Client::Impl::tls_context() {
  if (tls) return tls.get();
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  beast::error_code ec;
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1);
  context->set_verify_mode(net::ssl::verify_peer, ec);
  if (options.ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(options.ca_file, ec);
  }
  if (ec)
    return core::Error{Errc::tls_failed, "loading CA " + options.ca_file + ": " + ec.message()};
  for (const auto& file : options.extra_ca_files) {
    context->load_verify_file(file, ec);
    if (ec) return core::Error{Errc::tls_failed, "loading CA " + file + ": " + ec.message()};
  }
  tls = std::move(context);
  return tls.get();
}

std::unique_ptr<Connection> Client::Impl::take_idle(const std::string& origin) {
  auto it = idle.find(origin);
  if (it == idle.end()) return nullptr;
  auto& pool = it->second;
  const auto now = std::chrono::steady_clock::now();
  while (!pool.empty()) {
    auto connection = std::move(pool.back());
    pool.pop_back();
    if (now - connection->idle_since < options.idle_timeout) return connection;
  }
  return nullptr;
}

net::awaitable<core::Result<std::unique_ptr<Connection>>> Client::Impl::connect(
    const Target& target, std::chrono::steady_clock::time_point deadline) {
  net::ssl::context* context = nullptr;
  if (target.tls) {
    auto made = tls_context();
    if (!made.ok()) co_return made.error();
    context = *made;
  }
  auto connection = std::make_unique<Connection>(executor, context);
  tcp::resolver resolver(executor);
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(target.host, std::to_string(target.port), use_tuple);
  if (resolve_ec)
    co_return core::Error{Errc::connect_failed,
                          "resolving " + target.host + ": " + resolve_ec.message()};
  auto& lowest = connection->lowest();
  lowest.expires_at(deadline);
  if (auto [ec, endpoint] = co_await lowest.async_connect(endpoints, use_tuple); ec) {
    co_return classify(ec, "connecting to " + target.origin);
  }
  beast::error_code ignored;
  lowest.socket().set_option(tcp::no_delay(true), ignored);
  if (auto* secure = connection->secure()) {
    SSL* ssl = secure->native_handle();
    if (target.host_is_ip) {
      // Certificates name IP addresses in iPAddress SANs; match those, not a DNS name.
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target.host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl, target.host.c_str());
      SSL_set1_host(ssl, target.host.c_str());
    }
    if (auto [ec] = co_await secure->async_handshake(net::ssl::stream_base::client, use_tuple);
        ec) {
      co_return classify(ec, "TLS handshake with " + target.origin);
    }
  }
  ++stats.connections_opened;
  co_return std::move(connection);
}

net::awaitable<core::Result<ClientResponse>> Client::Impl::exchange(
    Connection& connection, const Target& target, const ClientRequest& request,
    std::chrono::steady_clock::time_point deadline, bool* retryable, bool* keep_alive) {
  bhttp::request<bhttp::string_body> message{to_verb(request.method, to_string(request.method)),
                                             target.path_and_query, 11};
  message.set(bhttp::field::host, target.host_header);
  message.set(bhttp::field::user_agent, "toolauth");
  for (const auto& [name, value] : request.headers.fields()) message.insert(name, value);
  message.body() = request.body;
  if (!request.body.empty() || request.method == Method::post || request.method == Method::put ||
      request.method == Method::patch) {
    message.prepare_payload();
  }
  message.keep_alive(true);

  auto& lowest = connection.lowest();
  lowest.expires_at(deadline);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.max_response_bytes);
  parser.header_limit(64 * 1024);
  if (request.method == Method::head) parser.skip(true);
  beast::error_code ec;
  if (auto* secure = connection.secure()) {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(*secure, message, use_tuple);
    if (!ec)
      std::tie(ec, std::ignore) =
          co_await bhttp::async_read(*secure, connection.buffer, parser, use_tuple);
  } else {
    std::tie(ec, std::ignore) =
        co_await bhttp::async_write(*connection.plain(), message, use_tuple);
    if (!ec)
      std::tie(ec, std::ignore) =
          co_await bhttp::async_read(*connection.plain(), connection.buffer, parser, use_tuple);
  }
  lowest.expires_never();
  if (ec) {
    *retryable = !parser.got_some() && ec != beast::error::timeout;
    co_return classify(ec, "exchanging with " + target.origin);
  }
  auto response_message = parser.release();
  ClientResponse response;
  response.status = static_cast<int>(response_message.result_int());
  for (const auto& field : response_message) {
    response.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(response_message.body());
  *keep_alive = response_message.keep_alive();
  co_return response;
}

Client::Client(net::any_io_executor executor, ClientOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->executor = executor;
  impl_->options = std::move(options);
}

Client::~Client() = default;

net::awaitable<core::Result<ClientResponse>> Client::send(ClientRequest request) {
  auto& impl = *impl_;
  auto target = parse_target(request.url);
  if (!target.ok()) co_return target.error();
  ++impl.stats.requests;
  const auto deadline =
      std::chrono::steady_clock::now() + request.timeout.value_or(impl.options.timeout);
  std::unique_ptr<Connection> connection;
  if (!request.once) connection = impl.take_idle(target->origin);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = connection != nullptr;
    if (reused) {
      ++impl.stats.reused;
    } else {
      auto connected = co_await impl.connect(*target, deadline);
      if (!connected.ok()) co_return connected.error();
      connection = std::move(*connected);
    }
    bool retryable = false, keep_alive = false;
    auto response =
        co_await impl.exchange(*connection, *target, request, deadline, &retryable, &keep_alive);
    if (response.ok()) {
      auto& pool = impl.idle[target->origin];
      if (keep_alive && pool.size() < impl.options.max_idle_per_origin) {
        connection->idle_since = std::chrono::steady_clock::now();
        pool.push_back(std::move(connection));
      }
      co_return response;
    }
    if (!(reused && retryable) || request.once) co_return response;
    ++impl.stats.retries;
    connection.reset();  // the server closed it while idle; try once on a new one
  }
  co_return core::Error{Errc::connection_closed, "retry failed"};
}

ClientStats Client::stats() const { return impl_->stats; }

void Client::close_idle() { impl_->idle.clear(); }

}  // namespace toolauth::http
