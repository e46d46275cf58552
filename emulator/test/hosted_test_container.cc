// A hosted-agent container for the emulator's tests: speaks the container contract on
// 127.0.0.1:$PORT without a shell or Node.
//
//   GET  /readiness  200 (503 while the file named by TEST_NOT_READY_FILE exists)
//   POST /responses  a Responses-shaped answer whose `seen` holds the request's headers, its
//                    body and the FOUNDRY_* / TOOLBOX_* / PORT environment. The input picks:
//                    "crash"  -> exits with status 3 without answering
//                    "whoami" -> also asks IDENTITY_ENDPOINT for a token for
//                                https://ai.azure.com and puts its claims in `seen.identity`
//                    "consent:<connection>" -> with that token and the call id, asks the
//                                runtime API to emit an oauth_consent_request item for the
//                                connection; its answer goes in `seen.runtime`
//                    "stream": true in the body -> the answer as SSE events
//   SIGTERM          exits 0 (TEST_IGNORE_SIGTERM set: ignored, for the SIGKILL path)
//   TEST_EXIT_AT_START set: exits with status 7 at once (a container that never starts).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "toolauth/core/json.h"
#include "toolauth/http/client.h"
#include "toolauth/http/router.h"
#include "toolauth/http/server.h"
#include "toolauth/jose/jwt.h"

namespace {

using namespace toolauth;
using boost::asio::awaitable;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

nlohmann::json seen_environment() {
  nlohmann::json out = nlohmann::json::object();
  for (const char* name :
       {"PORT", "FOUNDRY_PROJECT_ENDPOINT", "FOUNDRY_AGENT_NAME", "FOUNDRY_AGENT_VERSION",
        "FOUNDRY_AGENT_ID", "FOUNDRY_AGENT_SESSION_ID", "FOUNDRY_PROJECT_ARM_ID", "TOOLBOX_NAME",
        "TOOLBOX_ENDPOINT", "IDENTITY_ENDPOINT", "TEST_DEFINED", "NODE_EXTRA_CA_CERTS",
        "TOOLAUTH_HOSTED_TEST_PROBE"}) {
    if (std::getenv(name) != nullptr) out[name] = env(name);
  }
  out["has_identity_header"] = !env("IDENTITY_HEADER").empty();
  return out;
}

// The container's own token for https://ai.azure.com from IDENTITY_ENDPOINT: the answer's
// JSON, or {"error"} / {"status", "body"}.
awaitable<nlohmann::json> identity_token(http::Client& client) {
  auto answer = co_await client.send(
      {.method = http::Method::get,
       .url = env("IDENTITY_ENDPOINT") + "?resource=https://ai.azure.com&api-version=2019-08-01",
       .headers =
           [] {
             http::Headers h;
             h.set("X-IDENTITY-HEADER", env("IDENTITY_HEADER"));
             return h;
           }(),
       .body = {},
       .timeout = std::nullopt});
  if (!answer.ok()) co_return nlohmann::json{{"error", answer.error().message()}};
  auto body = core::parse_json(answer->body);
  if (answer->status != 200 || !body.ok() || !body->contains("access_token"))
    co_return nlohmann::json{{"status", answer->status}, {"body", answer->body}};
  co_return *body;
}

awaitable<nlohmann::json> identity_claims(http::Client& client) {
  auto body = co_await identity_token(client);
  if (!body.contains("access_token")) co_return body;
  auto jwt = jose::decode_jwt(body["access_token"].get<std::string>());
  if (!jwt.ok()) co_return nlohmann::json{{"error", "not a JWT"}};
  co_return nlohmann::json{{"claims", jwt->payload},
                           {"expires_on", body["expires_on"]},
                           {"client_id", body["client_id"]}};
}

// POST {project}/runtime/responses/current/consent_request for `connection`, as an agent
// built on the runtime API does: its own token, the call id of the request it serves.
awaitable<nlohmann::json> request_consent(http::Client& client, const std::string& connection,
                                          const std::string& call_id) {
  auto token = co_await identity_token(client);
  if (!token.contains("access_token")) co_return token;
  http::ClientRequest request{.method = http::Method::post,
                              .url = env("FOUNDRY_PROJECT_ENDPOINT") +
                                     "/runtime/responses/current/consent_request?api-version=v1",
                              .body = nlohmann::json{{"connection", connection}}.dump()};
  request.headers.set("Content-Type", "application/json");
  request.headers.set("Authorization", "Bearer " + token["access_token"].get<std::string>());
  request.headers.set("Foundry-Features", "RuntimeApi=V1Preview");
  request.headers.set("x-agent-foundry-call-id", call_id);
  auto answer = co_await client.send(std::move(request));
  if (!answer.ok()) co_return nlohmann::json{{"error", answer.error().message()}};
  auto body = core::parse_json(answer->body);
  co_return nlohmann::json{{"status", answer->status},
                           {"body", body.ok() ? *body : nlohmann::json(answer->body)}};
}

}  // namespace

int main() {
  if (!env("TEST_EXIT_AT_START").empty()) return 7;
  boost::asio::io_context io;
  http::Client client(io.get_executor(), {.ca_file = env("SSL_CERT_FILE")});
  http::Router router;
  router.add(http::Method::get, "/readiness", [](http::Request&) {
    const auto not_ready = env("TEST_NOT_READY_FILE");
    if (!not_ready.empty() && std::filesystem::exists(not_ready))
      return http::Response::json(503, {{"status", "starting"}});
    return http::Response::json(200, {{"status", "ready"}});
  });
  router.add(
      http::Method::post, "/responses",
      [&client](http::Request& request) -> awaitable<http::Response> {
        auto parsed = core::parse_json(request.body);
        auto body = parsed.ok() && parsed->is_object() ? *parsed : nlohmann::json::object();
        const auto input = body.value("input", nlohmann::json()).is_string()
                               ? body["input"].get<std::string>()
                               : std::string();
        if (input == "crash") std::_Exit(3);
        nlohmann::json headers = nlohmann::json::object();
        for (const auto& [name, value] : request.headers.fields()) {
          std::string lower = name;
          for (auto& c : lower) c = static_cast<char>(std::tolower(c));
          headers[lower] = value;
        }
        nlohmann::json seen = {{"headers", headers},
                               {"body", body},
                               {"env", seen_environment()},
                               {"pid", static_cast<int>(::getpid())}};
        if (input == "whoami") seen["identity"] = co_await identity_claims(client);
        if (input.starts_with("consent:")) {
          const auto call_id = request.headers.get("x-agent-foundry-call-id").value_or("");
          seen["runtime"] = co_await request_consent(client, input.substr(8), std::string(call_id));
        }
        nlohmann::json response = {
            {"object", "response"},
            {"id", "resp_container"},
            {"status", "completed"},
            {"output",
             {{{"type", "message"},
               {"role", "assistant"},
               {"content", {{{"type", "output_text"}, {"text", "you said " + input}}}}}}},
            {"seen", seen}};
        if (!body.value("stream", false)) co_return http::Response::json(200, response);
        co_return http::Response::event_stream([response](
                                                   http::EventStream& out) -> awaitable<void> {
          co_await out.send({.data = nlohmann::json{{"type", "response.created"}}.dump(),
                             .event = "response.created"});
          co_await out.send(
              {.data =
                   nlohmann::json{{"type", "response.completed"}, {"response", response}}.dump(),
               .event = "response.completed"});
        });
      });
  http::Server server(io.get_executor(), router.handler());
  const auto port = static_cast<std::uint16_t>(std::stoi(env("PORT")));
  if (auto bound = server.listen({"127.0.0.1", port, std::nullopt}); !bound.ok()) {
    std::cerr << "cannot listen: " << bound.error().message() << "\n";
    return 2;
  }
  boost::asio::signal_set signals(io, SIGTERM);
  if (env("TEST_IGNORE_SIGTERM").empty()) {
    signals.async_wait([&](const boost::system::error_code&, int) {
      server.stop();
      io.stop();
    });
  } else {
    std::signal(SIGTERM, SIG_IGN);
  }
  io.run();
  return 0;
}
