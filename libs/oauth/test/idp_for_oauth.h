#pragma once
// The real mock IdP for libs/oauth's integration tests: mock-idp's own test server
// (IdpServerThread: port 0, in-memory state, own SystemClock, io_context on a background
// thread), plus what these tests need on top — the ready document's world and env, a
// coroutine runner with an http::Client trusting the IdP's CA, a headless sign-in through the
// IdP's pages, and the IdP's journal.
//
// Names live in toolauth::oauth::testing (never in toolauth::idp::testing, where mock-idp's
// own helpers are: one name defined twice in one namespace is an ODR violation).

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <map>
#include <string>

#include "idp_server_thread.h"
#include "toolauth/http/client.h"
#include "toolauth/oauth/token_endpoint_client.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::oauth::testing {

namespace net = boost::asio;
using idp::testing::IdpServerThread;
using idp::testing::Reply;

class OauthIdp {
 public:
  OauthIdp() : ready_(idp_.ready_document()) {}

  IdpServerThread& server() { return idp_; }
  core::SystemClock& clock() { return idp_.clock(); }
  std::string url() { return idp_.server().url(); }
  std::string ca_file() { return idp_.server().ca_file().string(); }
  const nlohmann::json& ready() const { return ready_; }

  // A member of the world's array `kind` ("clients", "identities", "users", "resources").
  nlohmann::json world(std::string_view kind, std::string_view name) const {
    for (const auto& item : ready_["world"][std::string(kind)]) {
      if (item.value("name", "") == name) return item;
    }
    ADD_FAILURE() << "no " << kind << " named " << name << " in the world";
    return nlohmann::json::object();
  }
  std::string client_id(std::string_view kind, std::string_view name) const {
    return world(kind, name).value("client_id", "");
  }
  std::string secret(std::string_view kind, std::string_view name) const {
    return world(kind, name).value("client_secret", "");
  }
  // "<App ID URI>/.default" of a resource.
  std::string default_scope(std::string_view resource) const {
    return world("resources", resource).value("app_id_uri", "") + "/.default";
  }
  std::string tenant_id(std::string_view tenant = "contoso") const {
    return world("tenants", tenant).value("id", "");
  }
  std::string token_url(std::string_view tenant = "contoso") {
    return url() + "/" + tenant_id(tenant) + "/oauth2/v2.0/token";
  }
  std::string authorize_url(std::string_view tenant = "contoso") {
    return url() + "/" + tenant_id(tenant) + "/oauth2/v2.0/authorize";
  }

  // The IdP's journal entries of `kind` recorded after `after_seq`.
  std::vector<service::JournalEntry> journal(std::string kind, std::uint64_t after_seq = 0,
                                             std::map<std::string, std::string> where = {}) {
    return idp_.on_server_thread([&] {
      return idp_.server().provider().journal().query(
          {.kind = kind, .after_seq = after_seq, .where = where});
    });
  }
  std::uint64_t journal_seq() {
    return idp_.on_server_thread([&] { return idp_.server().provider().journal().last_seq(); });
  }
  // Adds a fault rule (service::FaultInjector's JSON).
  void add_fault(const nlohmann::json& rule) {
    auto added = idp_.on_server_thread([&] { return idp_.server().provider().faults().add(rule); });
    ASSERT_TRUE(added.ok()) << added.error().message();
  }

  // Runs `body` to completion in this thread with an http::Client that trusts the IdP's CA and
  // a TokenEndpointClient on the IdP's clock.
  template <class T>
  T run(std::function<net::awaitable<T>(TokenEndpointClient&, http::Client&)> body) {
    const auto ca = ca_file();
    auto& clock = idp_.clock();
    return toolauth::testing::run_sync<T>([&]() -> net::awaitable<T> {
      http::Client http(co_await net::this_coro::executor, {.ca_file = ca});
      TokenEndpointClient client(http, clock);
      co_return co_await body(client, http);
    });
  }
  // Runs `n` copies of `task` concurrently on one executor (sharing one client) and returns
  // their results in start order once all have finished.
  template <class T>
  std::vector<T> run_concurrently(
      std::size_t n, std::function<net::awaitable<T>(TokenEndpointClient&, http::Client&)> task) {
    return run<std::vector<T>>(
        [&](TokenEndpointClient& client, http::Client& http) -> net::awaitable<std::vector<T>> {
          std::vector<std::optional<T>> slots(n);
          std::size_t remaining = n;
          net::steady_timer all_done(co_await net::this_coro::executor,
                                     net::steady_timer::time_point::max());
          for (auto& slot : slots) {
            net::co_spawn(
                co_await net::this_coro::executor,
                [&]() -> net::awaitable<void> {
                  slot.emplace(co_await task(client, http));
                  if (--remaining == 0) all_done.cancel();
                },
                net::detached);
          }
          co_await all_done.async_wait(net::as_tuple(net::use_awaitable));
          std::vector<T> out;
          for (auto& slot : slots) out.push_back(std::move(*slot));
          co_return out;
        });
  }
  TokenResult run_token(std::function<net::awaitable<TokenResult>(TokenEndpointClient&)> body) {
    return run<TokenResult>(
        [&](TokenEndpointClient& client, http::Client&) { return body(client); });
  }

  // Follows `authorize_url` through the sign-in pages as the world user `user`, approving
  // consent when asked, and returns the parameters of the final redirect (code and state, or
  // error) — what the user's browser would bring to the redirect URI.
  http::Params sign_in(const std::string& authorize_url, std::string_view user) {
    const auto person = world("users", user);
    Reply page = browse(authorize_url);
    if (step_of(page.text) == "login") {
      page = browse(url() + "/login",
                    http::Params{{"flow", input_value(page.text, "flow")},
                                 {"csrf_token", input_value(page.text, "csrf_token")},
                                 {"username", person.value("username", "")},
                                 {"password", person.value("password", "")}});
    }
    if (step_of(page.text) == "consent") {
      page = browse(url() + "/consent",
                    http::Params{{"flow", input_value(page.text, "flow")},
                                 {"csrf_token", input_value(page.text, "csrf_token")},
                                 {"decision", "approve"}});
    }
    EXPECT_EQ(page.status, 302) << page.text;
    const std::string location(page.headers.get("location").value_or(""));
    const auto query = location.find('?');
    auto params = http::parse_query(query == std::string::npos ? "" : location.substr(query + 1));
    return params.ok() ? std::move(*params) : http::Params{};
  }

 private:
  Reply browse(const std::string& target, std::optional<http::Params> form = std::nullopt) {
    http::ClientRequest request{.method = form ? http::Method::post : http::Method::get,
                                .url = target};
    if (form) {
      request.headers.set("Content-Type", "application/x-www-form-urlencoded");
      request.body = http::encode_form(*form);
    }
    std::string cookie;
    for (const auto& [name, value] : cookies_)
      cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
    if (!cookie.empty()) request.headers.set("Cookie", cookie);
    auto reply = idp_.send(std::move(request));
    for (auto header : reply.headers.get_all("set-cookie")) {
      const auto eq = header.find('=');
      const auto end = header.find(';');
      cookies_[std::string(header.substr(0, eq))] =
          std::string(header.substr(eq + 1, end - eq - 1));
    }
    return reply;
  }
  static std::string step_of(std::string_view html) {
    const std::string_view marker = "<meta name=\"toolauth-step\" content=\"";
    const auto at = html.find(marker);
    if (at == std::string_view::npos) return {};
    const auto start = at + marker.size();
    return std::string(html.substr(start, html.find('"', start) - start));
  }
  // Hidden inputs hold base64url or hex values, which HTML escaping leaves alone.
  static std::string input_value(std::string_view html, std::string_view name) {
    const std::string marker = "name=\"" + std::string(name) + "\" value=\"";
    const auto at = html.find(marker);
    if (at == std::string_view::npos) return {};
    const auto start = at + marker.size();
    return std::string(html.substr(start, html.find('"', start) - start));
  }

  IdpServerThread idp_;
  nlohmann::json ready_;
  std::map<std::string, std::string> cookies_;
};

}  // namespace toolauth::oauth::testing
