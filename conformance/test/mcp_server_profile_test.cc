#include "toolauth/conformance/mcp_server_profile.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "toolauth/conformance/report_files.h"
#include "toolauth/conformance/runner.h"
#include "world_fixture.h"

namespace toolauth::conformance {
namespace {

using boost::asio::awaitable;

TEST(McpServerProfileTest, ReadsChallengeParametersAndWellKnownUrls) {
  const std::string challenge =
      "Bearer resource_metadata=\"https://h/.well-known/oauth-protected-resource/mcp/x\", "
      "scope=\"a b\", error=\"invalid_token\", error_description=\"say \\\"no\\\"\"";
  EXPECT_EQ(challenge_parameter(challenge, "resource_metadata"),
            "https://h/.well-known/oauth-protected-resource/mcp/x");
  EXPECT_EQ(challenge_parameter(challenge, "ERROR"), "invalid_token");
  EXPECT_EQ(challenge_parameter(challenge, "error_description"), "say \"no\"");
  EXPECT_EQ(challenge_parameter("Bearer error=invalid_token, scope=x", "error"), "invalid_token");
  EXPECT_EQ(challenge_parameter("Bearer", "error"), "");
  EXPECT_EQ(well_known_metadata_url("https://h:1/mcp/bearer"),
            "https://h:1/.well-known/oauth-protected-resource/mcp/bearer");
  EXPECT_EQ(well_known_metadata_url("https://h:1"),
            "https://h:1/.well-known/oauth-protected-resource");
}

TEST(McpServerProfileTest, PlainHttpIsOnlyForLoopbackHosts) {
  for (auto url : {"http://127.0.0.1:8931/mcp", "http://localhost:1/mcp", "http://[::1]:2/x",
                   "http://127.1.2.3/mcp", "http://localhost"})
    EXPECT_TRUE(plain_http_on_loopback(url)) << url;
  for (auto url : {"https://127.0.0.1/mcp", "http://example.com/mcp", "http://127.evil.test/mcp",
                   "http://localhost.evil.test/mcp", "http://localhost@evil.test/mcp",
                   "http://10.0.0.1/mcp", "ftp://localhost/"})
    EXPECT_FALSE(plain_http_on_loopback(url)) << url;
}

TEST(McpServerProfileTest, TheCatalogueHasEveryScenarioOfTheIssue) {
  McpServerProfile profile(nullptr, {});
  std::set<std::string> ids;
  for (const auto& s : profile.scenarios()) {
    ids.insert(s.id);
    EXPECT_FALSE(s.title.empty());
    EXPECT_FALSE(s.spec_refs.empty()) << s.id;
    EXPECT_FALSE(s.capabilities.empty()) << s.id;
    EXPECT_EQ(s.profile, "mcp-server");
  }
  for (auto id :
       {"challenge/missing-token", "challenge/no-error-code", "prm/valid", "token/valid",
        "token/whoami", "token/expired", "token/not-yet-valid", "token/wrong-audience",
        "token/wrong-issuer", "token/bad-signature", "token/alg-none", "token/hs256-key-confusion",
        "token/unknown-kid", "token/other-tenant", "token/missing-scope", "api-key/missing",
        "api-key/wrong", "api-key/prefix", "api-key/valid"}) {
    EXPECT_TRUE(ids.contains(std::string("mcp-server/") + id)) << id;
  }
  EXPECT_EQ(profile.stamp(), "mcp-server@1.1.0");
}

struct Certified {
  RunResult run;
  std::vector<std::string> secrets;
  std::string artifacts;
};

// Certifies one mount of the environment's own mock-mcp and writes the reports.
Certified certify_mount(const std::string& mount) {
  return testing::with_environment<Certified>([mount](Environment& env) -> awaitable<Certified> {
    McpServerTarget target;
    target.url = env.mcp_url() + "/mcp/" + mount;
    const auto* described = find_named(env.world(), "mounts", mount);
    if (described->value("auth", "") == "api-key") {
      target.auth = McpTargetAuth::api_key;
      target.api_key_header = described->value("header", "");
      target.api_key = described->value("key", "");
    }
    McpServerProfile profile(&env, target);
    Certified out;
    out.run = co_await run_profile(profile, {.toolauth_version = "test"});
    // Every secret of the world and every token handed out during the run.
    for (const auto& section : {"users", "clients", "mounts"}) {
      for (const auto& item : env.world()[section]) {
        for (const auto* field : {"password", "client_secret", "key"}) {
          if (item.contains(field)) out.secrets.push_back(item[field].get<std::string>());
        }
      }
    }
    for (const auto& token : profile.tokens().minted()) out.secrets.push_back(token);
    const auto folder = env.state_dir() / "reports";
    if (auto written = write_reports(folder, out.run); !written.ok())
      throw std::runtime_error(written.error().message());
    for (auto name : {kJsonReportFile, kJunitReportFile, kHtmlReportFile}) {
      std::ifstream in(folder / name);
      std::stringstream text;
      text << in.rdbuf();
      out.artifacts += text.str();
    }
    co_return out;
  });
}

void expect_no_secret(const Certified& c) {
  ASSERT_GT(c.secrets.size(), 5u);
  for (const auto& secret : c.secrets) {
    ASSERT_GE(secret.size(), 8u);
    EXPECT_EQ(c.artifacts.find(secret), std::string::npos)
        << "a secret of " << secret.size() << " characters is in an artifact";
    // Not even the signature part of a token.
    if (std::count(secret.begin(), secret.end(), '.') == 2) {
      const auto signature = secret.substr(secret.rfind('.') + 1);
      if (signature.size() > 16) EXPECT_EQ(c.artifacts.find(signature), std::string::npos);
    }
  }
}

std::string summary(const RunResult& run) {
  std::string text = run.error;
  for (const auto& o : run.outcomes)
    text += "\n" + o.id + " " + std::string(to_string(o.verdict)) + " " + o.reason;
  return text;
}

TEST(McpServerProfileTest, TheBearerReferenceMountPassesEveryBearerScenario) {
  auto c = certify_mount("bearer");
  EXPECT_TRUE(c.run.ok()) << summary(c.run);
  EXPECT_TRUE(c.run.capabilities.contains("whoami"));
  EXPECT_TRUE(c.run.defects.empty());
  std::size_t passed = 0;
  for (const auto& o : c.run.outcomes) {
    if (o.id.starts_with("mcp-server/api-key/")) {
      EXPECT_EQ(o.verdict, Verdict::skipped) << o.id;
    } else {
      EXPECT_EQ(o.verdict, Verdict::passed) << o.id << ": " << o.reason;
      ++passed;
    }
  }
  EXPECT_EQ(passed, 15u);
  // Evidence from both journals: the IdP issued the expired token, mock-mcp refused it.
  for (const auto& o : c.run.outcomes) {
    if (o.id != "mcp-server/token/expired") continue;
    EXPECT_NE(o.evidence["idp"].dump().find("\"token\""), std::string::npos);
    EXPECT_NE(o.evidence["mcp"].dump().find("expired"), std::string::npos);
  }
  expect_no_secret(c);
  EXPECT_NE(c.artifacts.find("mcp-server@1.1.0"), std::string::npos);
}

TEST(McpServerProfileTest, TheApiKeyReferenceMountPassesEveryKeyScenario) {
  auto c = certify_mount("api-key");
  EXPECT_TRUE(c.run.ok()) << summary(c.run);
  std::size_t passed = 0;
  for (const auto& o : c.run.outcomes) {
    if (o.id.starts_with("mcp-server/api-key/")) {
      EXPECT_EQ(o.verdict, Verdict::passed) << o.id << ": " << o.reason;
      ++passed;
    } else {
      EXPECT_EQ(o.verdict, Verdict::skipped) << o.id;
    }
  }
  EXPECT_EQ(passed, 4u);
  expect_no_secret(c);
}

TEST(McpServerProfileTest, AnUnreachableTargetFailsTheRun) {
  auto run = testing::with_environment<RunResult>([](Environment& env) -> awaitable<RunResult> {
    McpServerProfile profile(&env, {.url = "https://localhost:9/mcp/nothing"});
    co_return co_await run_profile(profile, {});
  });
  EXPECT_FALSE(run.ok());
  EXPECT_FALSE(run.error.empty());
}

}  // namespace
}  // namespace toolauth::conformance
