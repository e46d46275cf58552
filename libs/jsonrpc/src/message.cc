#include "toolauth/jsonrpc/message.h"

#include <limits>

namespace toolauth::jsonrpc {

nlohmann::json id_to_json(const Id& id) {
  return std::visit([](const auto& value) { return nlohmann::json(value); }, id);
}

core::Result<Id> id_from_json(const nlohmann::json& value) {
  if (value.is_string()) return Id{value.get<std::string>()};
  if (value.is_number_unsigned()) {
    // nlohmann reads non-negative integers as unsigned; above int64 they cannot be an Id.
    const auto n = value.get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return core::Error{Errc::bad_id, "integer id out of range"};
    }
    return Id{static_cast<std::int64_t>(n)};
  }
  if (value.is_number_integer()) return Id{value.get<std::int64_t>()};
  if (value.is_null()) return core::Error{Errc::null_id, {}};
  // A float (even 1.0: the spec says ids SHOULD NOT have fractional parts, and 1.0 would
  // come back as 1), a boolean, an object or an array.
  return core::Error{Errc::bad_id, std::string("id is ") + value.type_name()};
}

std::string id_to_string(const Id& id) { return serialize(id_to_json(id)); }

nlohmann::json to_json(const Request& request) {
  nlohmann::json out = {{"jsonrpc", "2.0"}, {"method", request.method}};
  if (request.params) out["params"] = *request.params;
  if (request.id) {
    out["id"] = id_to_json(*request.id);
  } else if (request.null_id) {
    out["id"] = nullptr;
  }
  return out;
}

nlohmann::json to_json(const Response& response) {
  nlohmann::json out = {{"jsonrpc", "2.0"},
                        {"id", response.id ? id_to_json(*response.id) : nlohmann::json()}};
  if (response.is_error()) {
    out["error"] = to_json(response.error());
  } else {
    out["result"] = response.result();
  }
  return out;
}

std::string serialize(const nlohmann::json& message) {
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string serialize(const Request& request) { return serialize(to_json(request)); }

std::string serialize(const Response& response) { return serialize(to_json(response)); }

}  // namespace toolauth::jsonrpc
