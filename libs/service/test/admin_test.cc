#include "toolauth/service/admin.h"

#include <gtest/gtest.h>

#include <atomic>

#include "server_support.h"
#include "toolauth/core/json.h"
#include "toolauth/service/error.h"

namespace toolauth::service {
namespace {

using namespace std::chrono_literals;
using http::Method;
using nlohmann::json;
using testing::call;
using testing::Reply;
using testing::run_sync;
using testing::ServerThread;

constexpr std::string_view kAdminKey = "k3y-0f-the-admin-plane";

// A server with every hook present, on loopback.
class AdminTest : public ::testing::Test {
 protected:
  AdminTest() : journal_(clock_), faults_(1) {
    AdminHooks hooks;
    hooks.component = "idp";
    hooks.clock = &clock_;
    hooks.journal = &journal_;
    hooks.faults = &faults_;
    hooks.admin_key = std::string(kAdminKey);
    hooks.ready = [this] { return ready_.load(); };
    hooks.reset = [this]() -> core::Result<void> {
      ++resets_;
      if (fail_reset_) return core::Error{Errc::storage_error, "disk full"};
      return {};
    };
    hooks.export_state = [this]() -> core::Result<json> { return state_; };
    hooks.import_state = [this](const json& document) -> core::Result<void> {
      if (!document.is_object()) return core::Error{Errc::invalid_document, "expected an object"};
      if (document.contains("fail")) return core::Error{Errc::storage_error, "database is locked"};
      state_ = document;
      return {};
    };
    mount_admin(router_, std::move(hooks));
    router_.set_pre_routing(admin_access_hook(std::string(kAdminKey)));
    server_ = std::make_unique<ServerThread>(router_.handler());
  }

  Reply get(std::string_view path) { return call(*server_, Method::get, path); }
  Reply post(std::string_view path, std::string body) {
    return call(*server_, Method::post, path, std::move(body));
  }
  Reply del(std::string_view path) { return call(*server_, Method::delete_, path); }

  core::SystemClock clock_;
  Journal journal_;
  FaultInjector faults_;
  std::atomic<bool> ready_{true};
  std::atomic<int> resets_{0};
  std::atomic<bool> fail_reset_{false};
  json state_ = json::object();  // touched on the server thread, or while it is idle
  http::Router router_;
  std::unique_ptr<ServerThread> server_;
};

void expect_error(const Reply& reply, int status, std::string_view error,
                  std::string_view description) {
  EXPECT_EQ(reply.status, status);
  EXPECT_EQ(reply.body, (json{{"error", error}, {"error_description", description}}))
      << reply.body.dump();
}

TEST_F(AdminTest, HealthzAnswersOkWithTheComponentFromLoopbackWithoutAKey) {
  const auto reply = get("/_admin/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, (json{{"status", "ok"}, {"component", "idp"}}));
  EXPECT_EQ(reply.headers.get("Cache-Control"), "no-store");
}

TEST_F(AdminTest, ReadyzFollowsTheReadyHook) {
  EXPECT_EQ(get("/_admin/readyz").status, 200);
  EXPECT_EQ(get("/_admin/readyz").body, (json{{"status", "ready"}, {"component", "idp"}}));
  ready_ = false;
  const auto reply = get("/_admin/readyz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.body, (json{{"status", "not_ready"}, {"component", "idp"}}));
}

TEST_F(AdminTest, ResetCallsTheHook) {
  const auto reply = post("/_admin/reset", "");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, (json{{"status", "reset"}}));
  EXPECT_EQ(resets_.load(), 1);
}

TEST_F(AdminTest, AFailingResetIs500WithTheReason) {
  fail_reset_ = true;
  expect_error(post("/_admin/reset", ""), 500, "reset_failed", "storage error: disk full");
}

TEST_F(AdminTest, ClockShowsNowUnixAndOffset) {
  const auto reply = get("/_admin/clock");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["offset_seconds"], 0.0);
  EXPECT_NEAR(reply.body["unix"].get<double>(), static_cast<double>(clock_.unix_seconds()), 2.0);
  EXPECT_EQ(reply.body["now"].get<std::string>().size(), 24u);  // 2026-01-01T00:00:00.000Z
}

TEST_F(AdminTest, ClockAdvanceMovesTheSharedClock) {
  const auto before = clock_.unix_seconds();
  const auto reply = post("/_admin/clock", R"({"advance_seconds": 3600})");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["offset_seconds"], 3600.0);
  EXPECT_NEAR(reply.body["unix"].get<double>(), static_cast<double>(before + 3600), 2.0);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(clock_.offset()), 3600s);
  ASSERT_EQ(post("/_admin/clock", R"({"advance_seconds": 0.5})").status, 200);
  EXPECT_EQ(clock_.offset(), 3600500ms);
}

TEST_F(AdminTest, ClockSetUnixAndOffset) {
  auto reply = post("/_admin/clock", R"({"set_unix": 2000000000})");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_NEAR(reply.body["unix"].get<double>(), 2e9, 1.0);
  EXPECT_EQ(reply.body["now"].get<std::string>().substr(0, 19), "2033-05-18T03:33:20");
  // Backwards is allowed for set_unix and offset_seconds (a harness resetting time).
  reply = post("/_admin/clock", R"({"offset_seconds": -60})");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_NEAR(reply.body["offset_seconds"].get<double>(), -60.0, 0.01);
  reply = post("/_admin/clock", R"({"offset_seconds": 0})");
  EXPECT_NEAR(reply.body["offset_seconds"].get<double>(), 0.0, 0.01);
}

TEST_F(AdminTest, ClockRefusesNegativeAdvance) {
  expect_error(post("/_admin/clock", R"({"advance_seconds": -1})"), 400, "invalid_request",
               "advance_seconds: must not be negative (time never runs back)");
  EXPECT_EQ(clock_.offset(), core::Clock::duration::zero());
}

TEST_F(AdminTest, ClockRefusesNoneOrSeveralOperations) {
  expect_error(post("/_admin/clock", R"({})"), 400, "invalid_request",
               "expected exactly one of advance_seconds, set_unix, offset_seconds");
  expect_error(post("/_admin/clock", R"({"advance_seconds": 1, "set_unix": 5})"), 400,
               "invalid_request",
               "expected exactly one of advance_seconds, set_unix, offset_seconds");
  EXPECT_EQ(clock_.offset(), core::Clock::duration::zero());
}

TEST_F(AdminTest, ClockRefusesUnknownFieldsAndWrongTypes) {
  expect_error(post("/_admin/clock", R"({"advance": 1})"), 400, "invalid_request",
               "advance: unknown field (expected advance_seconds, set_unix or offset_seconds)");
  expect_error(post("/_admin/clock", R"({"advance_seconds": "60"})"), 400, "invalid_request",
               "advance_seconds: expected a number of seconds");
  expect_error(post("/_admin/clock", R"([60])"), 400, "invalid_request",
               "body: expected a JSON object");
  EXPECT_EQ(clock_.offset(), core::Clock::duration::zero());
}

TEST_F(AdminTest, ClockRefusesBodiesThatAreNotJson) {
  for (const char* body : {"", "advance_seconds=60", R"({"advance_seconds": 1,})",
                           R"({"advance_seconds": 1, "advance_seconds": 2})"}) {
    const auto reply = post("/_admin/clock", body);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(reply.body["error"], "invalid_request") << body;
    EXPECT_EQ(reply.body["error_description"].get<std::string>().substr(0, 6), "body: ") << body;
  }
}

TEST_F(AdminTest, ClockRefusesTimesOutOfRange) {
  const std::string range = " seconds of real time)";
  const auto bound = std::to_string(kMaxClockOffset.count());
  expect_error(post("/_admin/clock", R"({"advance_seconds": 1e300})"), 400, "invalid_request",
               "advance_seconds: out of range (the clock stays within " + bound + range);
  expect_error(post("/_admin/clock", R"({"set_unix": 1e19})"), 400, "invalid_request",
               "set_unix: out of range (the clock stays within " + bound + range);
  expect_error(post("/_admin/clock", R"({"set_unix": -1})"), 400, "invalid_request",
               "set_unix: must not be negative");
  expect_error(post("/_admin/clock", R"({"offset_seconds": -1e10})"), 400, "invalid_request",
               "offset_seconds: out of range (the clock stays within " + bound + range);
  // Steps that are each in range may not add up to more than the bound.
  ASSERT_EQ(post("/_admin/clock", "{\"advance_seconds\": " + bound + "}").status, 200);
  expect_error(post("/_admin/clock", R"({"advance_seconds": 1})"), 400, "invalid_request",
               "advance_seconds: out of range (the clock stays within " + bound + range);
}

TEST_F(AdminTest, JournalQueryFiltersPagesAndReportsLastSeqAndDropped) {
  journal_.record("http.request", {{"path", "/token"}, {"status", 200}});
  journal_.record("token.issued", {{"user", {{"oid", "u1"}}}, {"access_token", "eyJ.secret"}});
  journal_.record("token.issued", {{"user", {{"oid", "u2"}}}});
  auto reply = get("/_admin/journal?kind=token.issued&user.oid=u2");
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["last_seq"], 3);
  EXPECT_EQ(reply.body["dropped"], 0);
  ASSERT_EQ(reply.body["entries"].size(), 1u);
  EXPECT_EQ(reply.body["entries"][0]["seq"], 3);
  EXPECT_EQ(reply.body["entries"][0]["kind"], "token.issued");
  EXPECT_EQ(reply.body["entries"][0]["user"], (json{{"oid", "u2"}}));

  reply = get("/_admin/journal?after=1&limit=1");
  ASSERT_EQ(reply.body["entries"].size(), 1u);
  EXPECT_EQ(reply.body["entries"][0]["seq"], 2);
  EXPECT_EQ(reply.body["entries"][0]["access_token"], "[redacted]");

  reply = get("/_admin/journal?status=200");
  ASSERT_EQ(reply.body["entries"].size(), 1u);
  EXPECT_EQ(reply.body["entries"][0]["path"], "/token");
}

TEST_F(AdminTest, JournalDeleteClearsButSequenceNumbersCarryOn) {
  journal_.record("a", {});
  const auto reply = del("/_admin/journal");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, (json{{"status", "cleared"}, {"last_seq", 1}}));
  EXPECT_EQ(get("/_admin/journal").body["entries"], json::array());
  EXPECT_EQ(journal_.record("b", {}), 2u);
}

TEST_F(AdminTest, JournalRefusesBadQueryParameters) {
  expect_error(get("/_admin/journal?after=x"), 400, "invalid_request",
               "after: expected a non-negative integer");
  expect_error(get("/_admin/journal?limit=0"), 400, "invalid_request", "limit: must be at least 1");
  expect_error(get("/_admin/journal?kind=a&kind=b"), 400, "invalid_request", "kind: repeated");
  // The client refuses to send bad percent-encoding, so this one goes to the router directly.
  http::Request malformed;
  malformed.path = "/_admin/journal";
  malformed.query = "kind=%zz";
  malformed.remote_address = "127.0.0.1";
  const auto response = run_sync<http::Response>([&]() -> boost::asio::awaitable<http::Response> {
    co_return co_await router_.dispatch(malformed);
  });
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"], "invalid_request");
  EXPECT_EQ(json::parse(response.body)["error_description"].get<std::string>().substr(0, 7),
            "query: ");
}

TEST_F(AdminTest, FaultRulesAreAddedListedAndFire) {
  const auto added = post("/_admin/faults", R"({"match": {"endpoint": "token"},
      "action": {"status": 400, "error": "invalid_grant", "code": "AADSTS50173"}, "count": 1})");
  ASSERT_EQ(added.status, 201) << added.body.dump();
  EXPECT_EQ(added.body, (json{{"id", "fault-1"}}));
  const auto listed = get("/_admin/faults");
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body, faults_.list());
  EXPECT_EQ(listed.body["rules"][0]["remaining"], 1);

  const auto action = faults_.take({{"endpoint", "token"}});
  ASSERT_TRUE(action.has_value());
  EXPECT_EQ(action->code, "AADSTS50173");
  EXPECT_EQ(get("/_admin/faults").body["rules"][0]["hits"], 1);
}

TEST_F(AdminTest, FaultRulesAreRemovedOneByOneOrAllTogether) {
  ASSERT_EQ(post("/_admin/faults", R"({"id": "one", "action": {"status": 503}})").status, 201);
  ASSERT_EQ(post("/_admin/faults", R"({"id": "two", "action": {"status": 503}})").status, 201);
  auto reply = del("/_admin/faults/one");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, (json{{"status", "removed"}, {"id", "one"}}));
  expect_error(del("/_admin/faults/one"), 404, "not_found", "no fault rule with id one");
  EXPECT_EQ(faults_.rules().size(), 1u);
  reply = del("/_admin/faults");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(faults_.rules().empty());
}

TEST_F(AdminTest, FaultRulesThatDoNotValidateAre400WithTheBadKey) {
  expect_error(post("/_admin/faults", R"({"action": {"status": "500"}})"), 400, "invalid_rule",
               "action.status: expected an integer in 100..599");
  expect_error(post("/_admin/faults", R"({"action": {"status": 500}, "probabilty": 0.5})"), 400,
               "invalid_rule", "probabilty: unknown key");
  expect_error(post("/_admin/faults", "not json"), 400, "invalid_request",
               "body: " + core::parse_json("not json").error().message());
  EXPECT_TRUE(faults_.rules().empty());
}

TEST_F(AdminTest, FaultSeedIsSet) {
  const auto reply = post("/_admin/faults/seed", R"({"seed": 12345})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, (json{{"seed", 12345}}));
  EXPECT_EQ(faults_.seed(), 12345u);
  EXPECT_EQ(post("/_admin/faults/seed", R"({"seed": 18446744073709551615})").status, 200);
  EXPECT_EQ(faults_.seed(), 18446744073709551615ull);
}

TEST_F(AdminTest, FaultSeedRefusesWhatIsNotANonNegativeInteger) {
  for (const char* body : {R"({"seed": -1})", R"({"seed": "1"})", R"({"seed": 1.5})"}) {
    expect_error(post("/_admin/faults/seed", body), 400, "invalid_request",
                 "seed: expected a non-negative integer");
  }
  expect_error(post("/_admin/faults/seed", R"({})"), 400, "invalid_request", "seed: missing");
  expect_error(post("/_admin/faults/seed", R"({"seed": 1, "x": 2})"), 400, "invalid_request",
               "x: unknown field (expected seed)");
  EXPECT_EQ(faults_.seed(), 1u);
}

TEST_F(AdminTest, StateIsExportedAndImported) {
  const auto put = call(*server_, Method::put, "/_admin/state", R"({"sessions": {"s1": 1}})");
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(put.body, (json{{"status", "imported"}}));
  const auto exported = get("/_admin/state");
  EXPECT_EQ(exported.status, 200);
  EXPECT_EQ(exported.body, (json{{"sessions", {{"s1", 1}}}}));
}

TEST_F(AdminTest, StateImportRefusesBadDocumentsWith400AndReportsStorageFailuresWith500) {
  expect_error(call(*server_, Method::put, "/_admin/state", "[1]"), 400, "invalid_state",
               "invalid document: expected an object");
  const auto not_json = call(*server_, Method::put, "/_admin/state", "{");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.body["error"], "invalid_request");
  expect_error(call(*server_, Method::put, "/_admin/state", R"({"fail": {}})"), 500,
               "state_import_failed", "storage error: database is locked");
  EXPECT_EQ(get("/_admin/state").body, json::object());
}

TEST_F(AdminTest, WrongMethodIs405) {
  const auto reply = call(*server_, Method::put, "/_admin/healthz");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers.get("Allow"), "GET");
}

TEST(AdminAbsentHooksTest, RoutesWhoseHookIsAbsentAnswer404) {
  http::Router router;
  mount_admin(router, AdminHooks{.component = "mcp"});
  ServerThread server(router.handler());
  EXPECT_EQ(call(server, Method::get, "/_admin/healthz").status, 200);
  // Without a ready hook the server is ready whenever it answers.
  EXPECT_EQ(call(server, Method::get, "/_admin/readyz").status, 200);
  expect_error(call(server, Method::get, "/_admin/clock"), 404, "not_found",
               "this server has no adjustable clock");
  expect_error(call(server, Method::post, "/_admin/clock", R"({"advance_seconds": 1})"), 404,
               "not_found", "this server has no adjustable clock");
  expect_error(call(server, Method::get, "/_admin/journal"), 404, "not_found",
               "this server has no journal");
  expect_error(call(server, Method::delete_, "/_admin/journal"), 404, "not_found",
               "this server has no journal");
  for (auto [method, path] :
       {std::pair{Method::get, "/_admin/faults"}, std::pair{Method::post, "/_admin/faults"},
        std::pair{Method::delete_, "/_admin/faults"},
        std::pair{Method::delete_, "/_admin/faults/x"},
        std::pair{Method::post, "/_admin/faults/seed"}}) {
    expect_error(call(server, method, path, "{}"), 404, "not_found",
                 "this server has no fault injector");
  }
  expect_error(call(server, Method::post, "/_admin/reset"), 404, "not_found",
               "this server has no reset");
  expect_error(call(server, Method::get, "/_admin/state"), 404, "not_found",
               "this server has no state export");
  expect_error(call(server, Method::put, "/_admin/state", "{}"), 404, "not_found",
               "this server has no state import");
}

// ---- access --------------------------------------------------------------------------------

http::Request admin_request(std::string remote, std::string path = "/_admin/journal") {
  http::Request request;
  request.method = Method::get;
  request.path = std::move(path);
  request.target = request.path;
  request.remote_address = std::move(remote);
  return request;
}

void expect_key_required(const std::optional<http::Response>& refused) {
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(json::parse(refused->body)["error"], "admin_key_required");
  EXPECT_EQ(refused->headers.get("WWW-Authenticate"), "Bearer realm=\"toolauth-admin\"");
}

TEST(AdminAccessTest, LoopbackNeedsNoKey) {
  for (const char* remote : {"127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_FALSE(check_admin_access(admin_request(remote), kAdminKey).has_value()) << remote;
  }
}

TEST(AdminAccessTest, RefusesANonLoopbackRequestWithoutTheKey) {
  expect_key_required(check_admin_access(admin_request("10.0.0.5"), kAdminKey));
  expect_key_required(check_admin_access(admin_request("10.0.0.5", "/_admin"), kAdminKey));
  expect_key_required(check_admin_access(admin_request(""), kAdminKey));
}

TEST(AdminAccessTest, AcceptsTheKeyAsBearerOrHeader) {
  auto bearer = admin_request("10.0.0.5");
  bearer.headers.set("Authorization", "Bearer " + std::string(kAdminKey));
  EXPECT_FALSE(check_admin_access(bearer, kAdminKey).has_value());
  bearer.headers.set("Authorization", "bearer  " + std::string(kAdminKey));
  EXPECT_FALSE(check_admin_access(bearer, kAdminKey).has_value());
  auto header = admin_request("10.0.0.5");
  header.headers.set("X-Toolauth-Admin-Key", std::string(kAdminKey));
  EXPECT_FALSE(check_admin_access(header, kAdminKey).has_value());
}

TEST(AdminAccessTest, RefusesAPrefixOrExtensionOfTheKey) {
  const std::string key(kAdminKey);
  for (const std::string& presented : {key.substr(0, key.size() - 1), key.substr(0, 1), key + "x",
                                       std::string(), std::string(key.size(), 'k')}) {
    auto bearer = admin_request("10.0.0.5");
    bearer.headers.set("Authorization", "Bearer " + presented);
    expect_key_required(check_admin_access(bearer, kAdminKey));
    auto header = admin_request("10.0.0.5");
    header.headers.set("X-Toolauth-Admin-Key", presented);
    expect_key_required(check_admin_access(header, kAdminKey));
  }
}

TEST(AdminAccessTest, RefusesTheKeyUnderAnotherScheme) {
  auto basic = admin_request("10.0.0.5");
  basic.headers.set("Authorization", "Basic " + std::string(kAdminKey));
  expect_key_required(check_admin_access(basic, kAdminKey));
  auto bare = admin_request("10.0.0.5");
  bare.headers.set("Authorization", std::string(kAdminKey));
  expect_key_required(check_admin_access(bare, kAdminKey));
}

TEST(AdminAccessTest, WithoutAConfiguredKeyNonLoopbackIsForbidden) {
  auto request = admin_request("10.0.0.5");
  request.headers.set("X-Toolauth-Admin-Key", "");
  request.headers.set("Authorization", "Bearer ");
  const auto refused = check_admin_access(request, "");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(json::parse(refused->body)["error"], "admin_forbidden");
  EXPECT_FALSE(check_admin_access(admin_request("127.0.0.1"), "").has_value());
}

TEST(AdminAccessTest, LeavesOtherPathsAlone) {
  for (const char* path : {"/token", "/_administrator", "/x/_admin/healthz", "/"}) {
    EXPECT_FALSE(check_admin_access(admin_request("10.0.0.5", path), kAdminKey).has_value())
        << path;
  }
}

TEST(AdminAccessTest, HookInFrontOfTheRouterRefusesOrLetsThrough) {
  http::Router router;
  mount_admin(router, AdminHooks{.component = "emulator"});
  router.set_pre_routing(admin_access_hook(std::string(kAdminKey)));
  auto dispatch = [&](http::Request request) {
    return run_sync<http::Response>([&]() -> boost::asio::awaitable<http::Response> {
      co_return co_await router.dispatch(request);
    });
  };
  auto request = admin_request("10.0.0.5", "/_admin/healthz");
  EXPECT_EQ(dispatch(request).status, 401);
  request.headers.set("X-Toolauth-Admin-Key", std::string(kAdminKey));
  EXPECT_EQ(dispatch(request).status, 200);
}

}  // namespace
}  // namespace toolauth::service
