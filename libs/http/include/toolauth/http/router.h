#pragma once
// Routes requests by method and path pattern.
//
//   Router router;
//   router.add(Method::get, "/{tenant}/v2.0/.well-known/openid-configuration", discovery);
//   router.add(Method::post, "/_admin/clock/advance", [](Request& r) { return Response::...; });
//   server(router.handler());
//
// Patterns are '/'-separated segments: a literal, `{name}` (one segment, percent-decoded into
// Request::path_params) or a final `{name...}` (one or more remaining segments, kept raw).
// Matching is exact (no trailing-slash or case folding). When several patterns match, the one
// with a literal earlier wins. A path that matches only with other methods gets 405 and Allow.
// The pre-routing hook runs before matching and may answer instead (auth, Origin checks).
//
// Thread safety: configure before serving; dispatch() is then const and may run concurrently.

#include <boost/asio/awaitable.hpp>
#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "toolauth/http/message.h"

namespace toolauth::http {

class Router {
 public:
  using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;
  using PreRoutingHook = std::function<boost::asio::awaitable<std::optional<Response>>(Request&)>;

  // `handler` returns Response or boost::asio::awaitable<Response>.
  template <class F>
  void add(Method method, std::string_view pattern, F handler) {
    if constexpr (std::is_same_v<std::invoke_result_t<F&, Request&>, Response>) {
      add_route(method, pattern,
                [h = std::move(handler)](Request& r) -> boost::asio::awaitable<Response> {
                  co_return h(r);
                });
    } else {
      add_route(method, pattern, Handler(std::move(handler)));
    }
  }

  void set_pre_routing(PreRoutingHook hook) { pre_routing_ = std::move(hook); }
  // Answers requests no pattern matches; default: 404 {"error":"not_found"}.
  void set_not_found(Handler handler) { not_found_ = std::move(handler); }

  boost::asio::awaitable<Response> dispatch(Request& request) const;
  // A handler for Server; the router must outlive it.
  RequestHandler handler() const;

 private:
  struct Segment {
    enum class Kind { literal, param, rest } kind;
    std::string text;  // the literal, or the parameter name
  };
  struct Route {
    Method method;
    std::vector<Segment> segments;
    Handler handler;
  };

  void add_route(Method method, std::string_view pattern, Handler handler);
  static bool matches(const Route& route, const std::vector<std::string_view>& path,
                      std::map<std::string, std::string, std::less<>>* params, bool* bad_encoding);

  std::vector<Route> routes_;  // kept sorted by specificity
  PreRoutingHook pre_routing_;
  Handler not_found_;
};

}  // namespace toolauth::http
