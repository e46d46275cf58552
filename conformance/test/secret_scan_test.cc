// Hygiene (DESIGN.md "Secrets"): a whole agent-service run against the reference emulator,
// with every server logging at trace level, leaves no secret in anything a person or a CI
// log could read: the console output, the JSON, JUnit and HTML reports, the servers' logs and
// the journals of all three servers. The scan knows every secret the run produced: each
// token, code, session cookie and client secret mock-idp issued (its SecretWitness), the caller
// tokens the suite minted, and the world's passwords, client secrets and keys.
#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>
#include <mutex>
#include <set>
#include <sstream>

#include "agent_service_fixture.h"
#include "toolauth/conformance/console_report.h"
#include "toolauth/conformance/html_report.h"
#include "toolauth/conformance/json_report.h"
#include "toolauth/conformance/junit_report.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

struct ScannedRun {
  RunResult result;
  std::map<std::string, std::string> artifacts;  // name -> text a reader could see
  std::vector<std::string> secrets;
  std::size_t witnessed_jwts = 0, witnessed_opaque = 0;
};

// Every entry of a server's journal, paged through its admin plane (loopback: no key).
awaitable<std::string> whole_journal(http::Client& client, const std::string& base_url) {
  std::string text;
  std::uint64_t after = 0;
  for (;;) {
    auto reply = co_await client.send(
        {.url = base_url + "/_admin/journal?limit=1000&after=" + std::to_string(after)});
    if (!reply.ok() || reply->status != 200)
      throw std::runtime_error("journal of " + base_url + " unavailable");
    auto page = nlohmann::json::parse(reply->body);
    if (page["entries"].empty()) break;
    text += reply->body;
    after = page["entries"].back()["seq"].get<std::uint64_t>();
  }
  co_return text;
}

ScannedRun run_and_collect() {
  return toolauth::testing::run_sync<ScannedRun>([]() -> awaitable<ScannedRun> {
    auto executor = co_await boost::asio::this_coro::executor;
    auto logs = std::make_shared<std::ostringstream>();
    core::SystemClock log_clock;
    EnvironmentOptions options{.reference_emulator = ReferenceEmulatorOptions{}};
    options.logger = core::Logger({.level = core::LogLevel::trace}, logs.get(), &log_clock);
    auto env = Environment::start(executor, options);
    if (!env.ok()) throw std::runtime_error(env.error().message());

    ScannedRun run;
    std::mutex witnessed_mutex;  // token signing may run on mock-idp's signer threads
    std::set<std::string> witnessed;
    (*env)->idp().provider().secret_witness().observe([&](std::string_view secret) {
      std::lock_guard lock(witnessed_mutex);
      witnessed.emplace(secret);
    });

    std::ostringstream console;
    {
      FoundryDriver driver(executor, foundry_options(**env));
      AgentServiceProfile profile(env->get(), &driver);
      RunOptions run_options;
      run_options.on_result = [&](const Outcome& outcome, std::size_t index, std::size_t total) {
        print_progress(console, outcome, index, total);
      };
      run.result = co_await run_profile(profile, run_options);
      co_await driver.bye();
      run.secrets = profile.context().tokens().minted();
    }
    print_summary(console, run.result);
    run.artifacts["console"] = console.str();
    run.artifacts["report.json"] = json_report(run.result).dump();
    run.artifacts["junit.xml"] = junit_report(run.result);
    run.artifacts["report.html"] = html_report(run.result);

    http::Client client(executor, {.ca_file = (*env)->ca_file()});
    run.artifacts["idp journal"] = co_await whole_journal(client, (*env)->idp_url());
    run.artifacts["mcp journal"] = co_await whole_journal(client, (*env)->mcp_url());
    run.artifacts["emulator journal"] = co_await whole_journal(client, (*env)->emulator()->url());
    client.close_idle();
    (*env)->idp().provider().secret_witness().observe(nullptr);
    run.artifacts["logs"] = logs->str();

    const auto& world = (*env)->world();
    for (const auto& m : world["mounts"])
      if (m.contains("key")) run.secrets.push_back(m["key"]);
    for (const auto& u : world["users"]) run.secrets.push_back(u.value("password", ""));
    for (const auto& c : world["clients"])
      if (c.contains("client_secret")) run.secrets.push_back(c["client_secret"]);
    for (const auto& secret : witnessed) {
      run.secrets.push_back(secret);
      (std::count(secret.begin(), secret.end(), '.') == 2 ? run.witnessed_jwts
                                                          : run.witnessed_opaque)++;
    }
    (*env)->stop();
    co_return run;
  });
}

TEST(SecretScanTest, AWholeRunLeavesNoSecretInOutputLogsReportsOrJournals) {
  const auto run = run_and_collect();
  ASSERT_TRUE(run.result.ok()) << testing::not_passed(run.result);
  // The scan has something to find: mock-idp issued tokens (JWTs) and refresh tokens, codes
  // and cookies (opaque), and the servers logged and journaled the run.
  EXPECT_GT(run.witnessed_jwts, 50u);
  EXPECT_GT(run.witnessed_opaque, 20u);
  for (const auto* name : {"logs", "idp journal", "mcp journal"})
    EXPECT_GT(run.artifacts.at(name).size(), 10'000u) << name;
  // The emulator's journal is in memory: it holds what followed the restart scenario.
  EXPECT_NE(run.artifacts.at("emulator journal").find("\"seq\""), std::string::npos);

  std::size_t scanned = 0;
  for (const auto& secret : run.secrets) {
    if (secret.size() < 8) continue;  // nothing in the world is that short; guard the scan
    ++scanned;
    for (const auto& [name, text] : run.artifacts)
      EXPECT_EQ(text.find(secret), std::string::npos)
          << "a secret (" << secret.size() << " chars, starting " << secret.substr(0, 6)
          << ") is in " << name;
  }
  EXPECT_GT(scanned, 100u);
}

}  // namespace
}  // namespace toolauth::conformance
