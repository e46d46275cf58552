#include "toolauth/http/router.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace toolauth::http {
namespace {

using testing::run_sync;

Response dispatch(const Router& router, Method method, std::string path) {
  return run_sync<Response>([&]() -> boost::asio::awaitable<Response> {
    Request request;
    request.method = method;
    request.path = path;
    co_return co_await router.dispatch(request);
  });
}

Response echo_params(Request& r) {
  nlohmann::json body = nlohmann::json::object();
  for (const auto& [k, v] : r.path_params) body[k] = v;
  return Response::json(200, body);
}

TEST(RouterTest, MatchesLiteralsAndDecodesParameters) {
  Router router;
  router.add(Method::get, "/{tenant}/v2.0/.well-known/openid-configuration", echo_params);
  auto r = dispatch(router, Method::get,
                    "/contoso%2Eonmicrosoft.com/v2.0/.well-known/openid-configuration");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["tenant"], "contoso.onmicrosoft.com");
}

TEST(RouterTest, MatchingIsExact) {
  Router router;
  router.add(Method::get, "/a/{x}", echo_params);
  EXPECT_EQ(dispatch(router, Method::get, "/a/1").status, 200);
  EXPECT_EQ(dispatch(router, Method::get, "/a/1/").status, 404);
  EXPECT_EQ(dispatch(router, Method::get, "/A/1").status, 404);
  EXPECT_EQ(dispatch(router, Method::get, "/a/").status, 404);
  EXPECT_EQ(dispatch(router, Method::get, "/a").status, 404);
}

TEST(RouterTest, LiteralBeatsParameterWhateverTheOrderOfRegistration) {
  Router router;
  router.add(Method::get, "/{tenant}/discovery/keys",
             [](Request&) { return Response::text(200, "tenant"); });
  router.add(Method::get, "/common/discovery/instance",
             [](Request&) { return Response::text(200, "instance"); });
  router.add(Method::get, "/{tenant}/discovery/instance",
             [](Request&) { return Response::text(200, "tenant-instance"); });
  EXPECT_EQ(dispatch(router, Method::get, "/common/discovery/instance").body, "instance");
  EXPECT_EQ(dispatch(router, Method::get, "/x/discovery/instance").body, "tenant-instance");
  EXPECT_EQ(dispatch(router, Method::get, "/common/discovery/keys").body, "tenant");
}

TEST(RouterTest, RestParameterTakesRemainingSegments) {
  Router router;
  router.add(Method::get, "/.well-known/oauth-protected-resource/{path...}", echo_params);
  auto r = dispatch(router, Method::get, "/.well-known/oauth-protected-resource/mcp/bearer");
  EXPECT_EQ(nlohmann::json::parse(r.body)["path"], "mcp/bearer");
  EXPECT_EQ(dispatch(router, Method::get, "/.well-known/oauth-protected-resource").status, 404);
}

TEST(RouterTest, WrongMethodGets405WithAllow) {
  Router router;
  router.add(Method::post, "/token", echo_params);
  router.add(Method::delete_, "/token", echo_params);
  auto r = dispatch(router, Method::get, "/token");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.get("Allow"), "POST, DELETE");
}

TEST(RouterTest, HeadIsServedByGetRoutes) {
  Router router;
  router.add(Method::get, "/x", echo_params);
  EXPECT_EQ(dispatch(router, Method::head, "/x").status, 200);
}

TEST(RouterTest, MalformedPercentEncodingInParameterGets400) {
  Router router;
  router.add(Method::get, "/t/{id}", echo_params);
  EXPECT_EQ(dispatch(router, Method::get, "/t/%zz").status, 400);
}

TEST(RouterTest, PreRoutingHookMayAnswerFirst) {
  Router router;
  router.add(Method::get, "/_admin/healthz", echo_params);
  router.set_pre_routing([](Request& r) -> boost::asio::awaitable<std::optional<Response>> {
    if (r.path.starts_with("/_admin/"))
      co_return Response::json(401, {{"error", "admin key required"}});
    co_return std::nullopt;
  });
  EXPECT_EQ(dispatch(router, Method::get, "/_admin/healthz").status, 401);
  EXPECT_EQ(dispatch(router, Method::get, "/other").status, 404);
}

TEST(RouterTest, CoroutineHandlersAndCustomNotFound) {
  Router router;
  router.add(Method::get, "/async", [](Request&) -> boost::asio::awaitable<Response> {
    co_return Response::text(202, "later");
  });
  router.set_not_found([](Request& r) -> boost::asio::awaitable<Response> {
    co_return Response::text(404, "no " + r.path);
  });
  EXPECT_EQ(dispatch(router, Method::get, "/async").status, 202);
  EXPECT_EQ(dispatch(router, Method::get, "/nope").body, "no /nope");
}

TEST(RouterTest, PatternMustStartWithSlash) {
  Router router;
  EXPECT_THROW(router.add(Method::get, "token", echo_params), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "/{a...}/b", echo_params), std::invalid_argument);
}

}  // namespace
}  // namespace toolauth::http
