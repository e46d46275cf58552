// `toolauth idp`, `toolauth mcp` and `toolauth emulator` as three processes of the built
// binary, on ports picked up front and one state folder, the way a user runs them by hand.
// Alice consents once; the emulator process is then stopped and started again on the same
// state folder, and her next call goes through with the token the vault kept (sealed in
// emulator.db), without a new consent request and without a new authorization code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.h"
#include "free_port.h"
#include "toolauth/conformance/user_agent.h"
#include "toolauth/core/json.h"
#include "toolauth/core/random.h"
#include "toolauth/http/client.h"
#include "toolauth/http/params.h"
#include "toolauth/testing/run_sync.h"

namespace toolauth::cli {
namespace {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const nlohmann::json& named(const nlohmann::json& list, const std::string& name) {
  for (const auto& entry : list) {
    if (entry.value("name", "") == name) return entry;
  }
  throw std::runtime_error("nothing named " + name);
}

// One `toolauth <command>` process, stopped with SIGTERM when the test is done with it.
class ServerProcess {
 public:
  ServerProcess(std::vector<std::string> argv, std::filesystem::path ready_file)
      : argv_(std::move(argv)), ready_file_(std::move(ready_file)) {}
  ~ServerProcess() { stop(); }

  // Starts the process and waits (up to 60 s) for its ready file: the document it describes.
  nlohmann::json start() {
    std::filesystem::remove(ready_file_);
    auto spawned = ChildProcess::spawn(argv_, {});
    if (!spawned.ok()) throw std::runtime_error(spawned.error().message());
    process_ = std::move(*spawned);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(ready_file_)) {
        auto ready = core::parse_json(read_file(ready_file_));
        if (ready.ok()) return *ready;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error(argv_[1] + " wrote no ready file within 60 s");
  }
  // `signal` (SIGTERM: a clean shutdown) and the exit status; -1 when it was not running.
  int stop(int signal = SIGTERM) {
    if (!process_) return -1;
    process_->signal(signal);
    const int status = process_->wait();
    process_.reset();
    return status;
  }

 private:
  std::vector<std::string> argv_;
  std::filesystem::path ready_file_;
  std::unique_ptr<ChildProcess> process_;
};

class EmulatorCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("emulator-process-" + core::random_hex(8));
    state_ = dir_ / "state";
    std::filesystem::create_directories(state_);
    auto port = [] {
      auto picked = pick_free_port("localhost");
      if (!picked.ok()) throw std::runtime_error(picked.error().message());
      return std::to_string(*picked);
    };
    const auto idp_port = port(), mi_port = port(), mcp_port = port(), emulator_port = port();
    idp_url_ = "https://localhost:" + idp_port;
    emulator_url_ = "https://localhost:" + emulator_port;
    const std::vector<std::string> common = {
        "--state-dir",    state_.string(), "--idp-url",
        idp_url_,         "--mcp-url",     "https://localhost:" + mcp_port,
        "--emulator-url", emulator_url_,   "--emulator-http-url",
        emulator_url_,    "--log-level",   "warn"};
    auto command = [&](std::vector<std::string> argv, const std::string& ready) {
      argv.insert(argv.begin(), TOOLAUTH_BIN);
      argv.insert(argv.end(), common.begin(), common.end());
      argv.insert(argv.end(), {"--ready-file", (dir_ / ready).string()});
      return std::make_unique<ServerProcess>(std::move(argv), dir_ / ready);
    };
    // The IdP first: it creates the state folder's local CA, which the other two then use.
    idp_ = command({"idp", "--port", idp_port, "--mi-port", mi_port}, "idp.json");
    mcp_ = command({"mcp", "--port", mcp_port}, "mcp.json");
    emulator_ = command({"emulator", "--port", emulator_port, "--no-http", "--mi-url",
                         "http://localhost:" + mi_port, "--runtime-api"},
                        "emulator.json");
    idp_ready_ = idp_->start();
    mcp_->start();
    emulator_ready_ = emulator_->start();
  }
  void TearDown() override {
    emulator_.reset();
    mcp_.reset();
    idp_.reset();
    std::filesystem::remove_all(dir_);
  }

  http::ClientResponse send(http::ClientRequest request) const {
    const auto ca = emulator_ready_["ca_file"].get<std::string>();
    auto response = toolauth::testing::run_sync<core::Result<http::ClientResponse>>(
        [&]() -> boost::asio::awaitable<core::Result<http::ClientResponse>> {
          http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
          co_return co_await client.send(request);
        });
    if (!response.ok()) throw std::runtime_error(response.error().message());
    return *response;
  }

  const nlohmann::json& world(const char* section, const std::string& name) const {
    return named(idp_ready_["world"][section], name);
  }

  std::string user_token(const std::string& user) const {
    const auto& account = world("users", user);
    http::ClientRequest request{.method = http::Method::post,
                                .url = idp_url_ + "/" +
                                       world("tenants", "contoso")["id"].get<std::string>() +
                                       "/oauth2/v2.0/token"};
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
    request.body = http::encode_form(
        {{"grant_type", "password"},
         {"client_id", world("clients", "caller")["client_id"].get<std::string>()},
         {"username", account["username"].get<std::string>()},
         {"password", account["password"].get<std::string>()},
         {"scope", "https://ai.azure.com/user_impersonation"}});
    auto reply = send(std::move(request));
    if (reply.status != 200) throw std::runtime_error("ROPC failed: " + reply.body);
    return core::parse_json(reply.body).value()["access_token"].get<std::string>();
  }

  // whoami on the OAuth2 identity-passthrough agent, continuing `previous` when given.
  nlohmann::json whoami(const std::string& token, const std::string& previous = {}) const {
    nlohmann::json body = {
        {"agent", {{"type", "agent_reference"}, {"name", "oauth-invoke-agent"}}},
        {"input", "whoami"},
        {"tool_choice", {{"type", "mcp"}, {"server_label", "oauth-invoke"}, {"name", "whoami"}}}};
    if (!previous.empty()) body["previous_response_id"] = previous;
    http::ClientRequest request{.method = http::Method::post,
                                .url = emulator_url_ + "/api/projects/alpha/openai/v1/responses",
                                .body = body.dump()};
    request.headers.set("Authorization", "Bearer " + token);
    request.headers.set("Content-Type", "application/json");
    auto reply = send(std::move(request));
    if (reply.status != 200) throw std::runtime_error("responses: " + reply.body);
    return core::parse_json(reply.body).value();
  }

  static nlohmann::json item(const nlohmann::json& response, const std::string& type) {
    for (const auto& i : response["output"]) {
      if (i["type"] == type) return i;
    }
    return nullptr;
  }

  nlohmann::json journal(const std::string& url, const std::string& kind) const {
    auto reply = send({.method = http::Method::get, .url = url + "/_admin/journal?kind=" + kind});
    return core::parse_json(reply.body).value()["entries"];
  }
  std::size_t code_redemptions() const {
    std::size_t count = 0;
    for (const auto& entry : journal(idp_url_, "token"))
      count += entry.value("grant_type", "") == "authorization_code" ? 1 : 0;
    return count;
  }

  std::filesystem::path dir_, state_;
  std::string idp_url_, emulator_url_;
  std::unique_ptr<ServerProcess> idp_, mcp_, emulator_;
  nlohmann::json idp_ready_, emulator_ready_;
};

TEST_F(EmulatorCommandTest, ConsentOutlivesAnEmulatorRestartSealedInTheStateFolder) {
  const auto alice = user_token("alice");
  const auto alice_oid = world("users", "alice")["oid"].get<std::string>();

  auto first = whoami(alice);
  ASSERT_EQ(first["status"], "incomplete") << first.dump();
  const auto consent = item(first, "oauth_consent_request");
  ASSERT_FALSE(consent.is_null()) << first.dump();
  const auto ca = emulator_ready_["ca_file"].get<std::string>();
  auto walk = toolauth::testing::run_sync<core::Result<conformance::UserAgentWalk>>(
      [&]() -> boost::asio::awaitable<core::Result<conformance::UserAgentWalk>> {
        http::Client client(co_await boost::asio::this_coro::executor, {.ca_file = ca});
        conformance::UserAgent browser(
            client, {world("users", "alice")["username"], world("users", "alice")["password"]});
        co_return co_await browser.open(consent["consent_link"],
                                        conformance::ConsentDecision::approve);
      });
  ASSERT_TRUE(walk.ok()) << walk.error().message();
  ASSERT_EQ(walk->final_status, 200) << walk->final_body;
  auto continued = whoami(alice, first["id"]);
  ASSERT_EQ(continued["status"], "completed") << continued.dump();
  EXPECT_EQ(nlohmann::json::parse(item(continued, "mcp_call")["output"].get<std::string>())["oid"],
            alice_oid);
  ASSERT_EQ(code_redemptions(), 1u);

  // At rest: the vault key is private (unless it comes from the environment) and the database
  // holds no readable token.
  if (std::getenv("TOOLAUTH_VAULT_KEY") == nullptr) {
    struct stat key {};
    ASSERT_EQ(::stat((state_ / "vault.key").c_str(), &key), 0);
    EXPECT_EQ(key.st_mode & 0777, 0600);
  }
  EXPECT_EQ(emulator_->stop(), 0);  // a clean shutdown on SIGTERM
  for (const auto& entry : std::filesystem::directory_iterator(state_)) {
    if (entry.path().filename().string().starts_with("emulator.db"))
      EXPECT_EQ(read_file(entry.path()).find("eyJ"), std::string::npos) << entry.path();
  }

  // The same command again, on the same port and state folder.
  emulator_ready_ = emulator_->start();
  auto after = whoami(alice);
  ASSERT_EQ(after["status"], "completed") << after.dump();
  EXPECT_TRUE(item(after, "oauth_consent_request").is_null());
  EXPECT_EQ(nlohmann::json::parse(item(after, "mcp_call")["output"].get<std::string>())["oid"],
            alice_oid);
  std::vector<std::string> sources;
  for (const auto& entry : journal(emulator_url_, "tool_auth"))
    sources.push_back(entry.value("source", ""));
  EXPECT_THAT(sources, ::testing::ElementsAre("cache"));
  EXPECT_EQ(code_redemptions(), 1u);  // no second sign-in behind the scenes

  // Bob has consented to nothing: the restarted emulator asks him, not serves alice's token.
  auto bob = whoami(user_token("bob"));
  EXPECT_EQ(bob["status"], "incomplete") << bob.dump();
  EXPECT_FALSE(item(bob, "oauth_consent_request").is_null());

  // Killed outright (no shutdown at all), the emulator still has alice's consent.
  emulator_->stop(SIGKILL);
  emulator_ready_ = emulator_->start();
  auto after_kill = whoami(alice);
  ASSERT_EQ(after_kill["status"], "completed") << after_kill.dump();
  EXPECT_TRUE(item(after_kill, "oauth_consent_request").is_null());
  EXPECT_EQ(code_redemptions(), 1u);
}

TEST_F(EmulatorCommandTest, RuntimeApiFlagServesTheRuntimeApiExtension) {
  // On: the runtime API asks for the container's token (off, it would be 404 NotFound).
  auto reply =
      send({.method = http::Method::post,
            .url = emulator_url_ + "/api/projects/alpha/runtime/obo_token?api-version=v1"});
  EXPECT_EQ(reply.status, 401) << reply.body;
  auto unknown =
      send({.method = http::Method::post,
            .url = emulator_url_ + "/api/projects/alpha/runtime/nothing?api-version=v1"});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(core::parse_json(unknown.body).value()["error"]["code"], "NotFound");
}

}  // namespace
}  // namespace toolauth::cli
