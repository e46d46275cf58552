#include "toolauth/http/router.h"

#include <algorithm>
#include <stdexcept>

namespace toolauth::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

void Router::add_route(Method method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  Route route{method, {}, std::move(handler)};
  const auto parts = split_path(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto part = parts[i];
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      auto name = part.substr(1, part.size() - 2);
      if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
        if (i + 1 != parts.size()) {
          throw std::invalid_argument("{name...} must be the last segment: " +
                                      std::string(pattern));
        }
        route.segments.push_back(
            {Segment::Kind::rest, std::string(name.substr(0, name.size() - 3))});
      } else {
        route.segments.push_back({Segment::Kind::param, std::string(name)});
      }
    } else {
      route.segments.push_back({Segment::Kind::literal, std::string(part)});
    }
  }
  routes_.push_back(std::move(route));
  // Most specific first: at the first position where two patterns differ in kind, a literal
  // beats a parameter, which beats a rest-match. Stable, so equal patterns keep their order.
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
    const auto n = std::min(a.segments.size(), b.segments.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (a.segments[i].kind != b.segments[i].kind) return a.segments[i].kind < b.segments[i].kind;
    }
    return false;
  });
}

bool Router::matches(const Route& route, const std::vector<std::string_view>& path,
                     std::map<std::string, std::string, std::less<>>* params, bool* bad_encoding) {
  std::map<std::string, std::string, std::less<>> found;
  for (std::size_t i = 0; i < route.segments.size(); ++i) {
    const auto& segment = route.segments[i];
    if (segment.kind == Segment::Kind::rest) {
      if (i >= path.size()) return false;
      std::string rest;
      for (std::size_t j = i; j < path.size(); ++j) {
        if (j > i) rest.push_back('/');
        rest += path[j];
      }
      found[segment.text] = std::move(rest);
      *params = std::move(found);
      return true;
    }
    if (i >= path.size()) return false;
    if (segment.kind == Segment::Kind::literal) {
      if (path[i] != segment.text) return false;
      continue;
    }
    if (path[i].empty()) return false;
    auto decoded = decode_path_segment(path[i]);
    if (!decoded.ok()) {
      *bad_encoding = true;
      return false;
    }
    found[segment.text] = std::move(*decoded);
  }
  if (route.segments.size() != path.size()) return false;
  *params = std::move(found);
  return true;
}

boost::asio::awaitable<Response> Router::dispatch(Request& request) const {
  if (pre_routing_) {
    if (auto early = co_await pre_routing_(request)) co_return std::move(*early);
  }
  const auto path = split_path(request.path);
  const auto serves = [&](const Route& route) {
    return route.method == request.method ||
           (route.method == Method::get && request.method == Method::head);
  };
  bool bad_encoding = false;
  // The first route (most specific first) of the request's method whose path matches; the
  // others' paths are matched only when there is none, to say which methods would do.
  for (const auto& route : routes_) {
    if (!serves(route)) continue;
    std::map<std::string, std::string, std::less<>> params;
    if (!matches(route, path, &params, &bad_encoding)) continue;
    request.path_params = std::move(params);
    co_return co_await route.handler(request);
  }
  std::string allowed;
  for (const auto& route : routes_) {
    if (serves(route)) continue;
    std::map<std::string, std::string, std::less<>> params;
    if (!matches(route, path, &params, &bad_encoding)) continue;
    const auto name = std::string(to_string(route.method));
    if (allowed.find(name) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + name;
  }
  if (bad_encoding) {
    co_return Response::json(400, {{"error", "invalid_request"},
                                   {"error_description", "malformed percent-encoding in path"}});
  }
  if (!allowed.empty()) {
    auto response = Response::json(405, {{"error", "method_not_allowed"}});
    response.headers.set("Allow", allowed);
    co_return response;
  }
  if (not_found_) co_return co_await not_found_(request);
  co_return Response::json(404, {{"error", "not_found"}});
}

RequestHandler Router::handler() const {
  return [this](Request& request) { return dispatch(request); };
}

}  // namespace toolauth::http
