#include "toolauth/http/message.h"

#include <array>
#include <boost/asio/ip/address.hpp>

namespace toolauth::http {

namespace {
constexpr std::array<std::pair<Method, std::string_view>, 7> kMethodNames = {{
    {Method::get, "GET"},
    {Method::head, "HEAD"},
    {Method::post, "POST"},
    {Method::put, "PUT"},
    {Method::patch, "PATCH"},
    {Method::delete_, "DELETE"},
    {Method::options, "OPTIONS"},
}};
}  // namespace

std::string_view to_string(Method method) {
  for (const auto& [m, name] : kMethodNames) {
    if (m == method) return name;
  }
  return "OTHER";
}

Method parse_method(std::string_view name) {
  for (const auto& [m, n] : kMethodNames) {
    if (n == name) return m;
  }
  return Method::other;
}

std::string_view Request::param(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

std::string Request::media_type() const {
  std::string type(headers.get("content-type").value_or(""));
  if (auto semicolon = type.find(';'); semicolon != std::string::npos) type.resize(semicolon);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return type;
}

bool Request::from_loopback() const {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(remote_address, ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .is_loopback();
  }
  return address.is_loopback();
}

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json; charset=utf-8");
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::html(int status, std::string body) {
  return text(status, std::move(body), "text/html; charset=utf-8");
}

Response Response::redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.headers.set("Location", std::move(location));
  return r;
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  return r;
}

Response Response::event_stream(std::function<boost::asio::awaitable<void>(EventStream&)> writer) {
  Response r;
  r.headers.set("Content-Type", "text/event-stream");
  r.headers.set("Cache-Control", "no-cache, no-store");
  r.stream = std::move(writer);
  return r;
}

}  // namespace toolauth::http
