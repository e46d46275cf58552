// What the IdP answered, as the tests read it. One definition for every fixture: two structs
// named Reply in one namespace were an ODR violation that leaked (a destructor of the wrong
// layout ran).

#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "toolauth/http/client.h"

namespace toolauth::idp::testing {

struct Reply {
  int status = 0;
  http::Headers headers;
  std::string text;
  nlohmann::json body;  // null when the body is not JSON
};

inline Reply to_reply(const http::ClientResponse& response) {
  Reply reply{.status = response.status, .headers = response.headers, .text = response.body};
  reply.body = nlohmann::json::parse(reply.text, nullptr, /*allow_exceptions=*/false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

}  // namespace toolauth::idp::testing
