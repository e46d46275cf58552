#include "toolauth/idp/fault_errors.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

namespace toolauth::idp {

std::optional<http::Response> fault_response(const IdentityProvider& idp,
                                             const http::Request& request,
                                             const service::FaultAction& action) {
  if (action.drop_connection) {
    http::Response dropped;
    dropped.abort = true;
    return dropped;
  }
  if (action.status == 0 && action.error.empty() && action.code.empty()) return std::nullopt;
  AadError error;
  error.status = action.status != 0 ? action.status : 400;
  error.error = action.error.empty()
                    ? (error.status == 429 ? "temporarily_unavailable" : "invalid_request")
                    : action.error;
  std::string_view digits = action.code;
  if (digits.starts_with("AADSTS")) digits.remove_prefix(6);
  std::from_chars(digits.data(), digits.data() + digits.size(), error.code);
  error.message = action.error_description.empty() ? "Injected fault." : action.error_description;
  if (action.extra.is_object()) {
    if (auto it = action.extra.find("suberror"); it != action.extra.end() && it->is_string())
      error.suberror = *it;
    if (auto it = action.extra.find("claims"); it != action.extra.end() && it->is_string())
      error.claims = *it;
  }
  auto response = idp.error(request, error);
  if (action.retry_after_seconds)
    response.headers.set("Retry-After", std::to_string(*action.retry_after_seconds));
  return response;
}

boost::asio::awaitable<std::optional<http::Response>> injected_fault(
    IdentityProvider& idp, const http::Request& request,
    const std::map<std::string, std::string>& context, nlohmann::json& entry,
    std::optional<service::FaultAction>* after_handling) {
  namespace net = boost::asio;
  if (idp.faults().idle()) co_return std::nullopt;
  auto fault = idp.faults().take(context);
  if (!fault) co_return std::nullopt;
  entry["fault"] = true;
  if (fault->after_handling && after_handling != nullptr) {
    entry["fault_after_handling"] = true;
    *after_handling = std::move(fault);
    co_return std::nullopt;
  }
  if (fault->latency.count() > 0) {
    net::steady_timer delay(co_await net::this_coro::executor, fault->latency);
    co_await delay.async_wait(net::use_awaitable);
  }
  auto response = fault_response(idp, request, *fault);
  if (response) {
    entry["outcome"] = "fault";
    entry["status"] = response->status;
  }
  co_return response;
}

boost::asio::awaitable<http::Response> answer_after_handling(const IdentityProvider& idp,
                                                             const http::Request& request,
                                                             const service::FaultAction& fault,
                                                             http::Response answer) {
  namespace net = boost::asio;
  if (fault.latency.count() > 0) {
    net::steady_timer delay(co_await net::this_coro::executor, fault.latency);
    co_await delay.async_wait(net::use_awaitable);
  }
  auto replaced = fault_response(idp, request, fault);
  co_return replaced ? std::move(*replaced) : std::move(answer);
}

}  // namespace toolauth::idp
