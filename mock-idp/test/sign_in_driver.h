#pragma once
// A headless browser for the sign-in pages, driving them with plain form POSTs exactly as
// sign_in_pages.h documents: it keeps cookies, copies the hidden `flow` and `csrf_token`
// fields from each page and posts the login and consent forms.

#include <map>
#include <string>
#include <string_view>

#include "toolauth/jose/base64url.h"
#include "toolauth/jose/hash.h"
#include "user_flow_server.h"

namespace toolauth::idp::testing {

struct Pkce {
  std::string verifier = jose::random_token(32);  // 43 characters
  std::string challenge = jose::pkce_s256_challenge(verifier);
};

inline std::string html_unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    bool replaced = false;
    for (auto [entity, c] :
         {std::pair{"&amp;", '&'}, std::pair{"&lt;", '<'}, std::pair{"&gt;", '>'},
          std::pair{"&quot;", '"'}, std::pair{"&#39;", '\''}}) {
      const std::string_view e(entity);
      if (text.substr(i, e.size()) == e) {
        out.push_back(c);
        i += e.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back('&');
  }
  return out;
}

// The value of the first <input name="`name`" value="..."> of `html` ("" when absent).
inline std::string input_value(std::string_view html, std::string_view name) {
  const std::string marker = "name=\"" + std::string(name) + "\" value=\"";
  const auto at = html.find(marker);
  if (at == std::string_view::npos) return {};
  const auto start = at + marker.size();
  return html_unescape(html.substr(start, html.find('"', start) - start));
}

// The step a page says it is (<meta name="toolauth-step" content="...">).
inline std::string page_step(std::string_view html) {
  const std::string_view marker = "<meta name=\"toolauth-step\" content=\"";
  const auto at = html.find(marker);
  if (at == std::string_view::npos) return {};
  const auto start = at + marker.size();
  return std::string(html.substr(start, html.find('"', start) - start));
}

inline std::string location(const http::ClientResponse& response) {
  return std::string(response.headers.get("location").value_or(""));
}

// The parameters of a redirect's query (or fragment, when there is one).
inline http::Params redirect_params(const http::ClientResponse& response) {
  const auto url = location(response);
  const auto hash = url.find('#');
  const auto question = url.find('?');
  std::string encoded;
  if (hash != std::string::npos) {
    encoded = url.substr(hash + 1);
  } else if (question != std::string::npos) {
    encoded = url.substr(question + 1);
  }
  auto params = http::parse_query(encoded);
  return params.ok() ? std::move(*params) : http::Params{};
}

inline std::string authorize_path(std::string_view tenant, const http::Params& params,
                                  bool v1 = false) {
  return "/" + std::string(tenant) + (v1 ? "/oauth2/authorize?" : "/oauth2/v2.0/authorize?") +
         http::encode_form(params);
}

class Browser {
 public:
  explicit Browser(UserFlowServer& server) : server_(&server) {}

  http::ClientResponse get(const std::string& url) {
    return remember(server_->get(url, cookie_headers()));
  }
  http::ClientResponse post_form(const std::string& url, const http::Params& form) {
    return remember(server_->post_form(url, form, cookie_headers()));
  }
  // Posts the login form found on `page`.
  http::ClientResponse sign_in(const http::ClientResponse& page, const std::string& username,
                               const std::string& password) {
    return post_form("/login", {{"flow", input_value(page.body, "flow")},
                                {"csrf_token", input_value(page.body, "csrf_token")},
                                {"username", username},
                                {"password", password}});
  }
  // Posts the consent form found on `page` with decision=approve|decline.
  http::ClientResponse consent(const http::ClientResponse& page, const std::string& decision) {
    return post_form("/consent", {{"flow", input_value(page.body, "flow")},
                                  {"csrf_token", input_value(page.body, "csrf_token")},
                                  {"decision", decision}});
  }

  std::map<std::string, std::string> cookies;
  std::vector<std::string> set_cookies;  // every Set-Cookie header seen

 private:
  http::Headers cookie_headers() const {
    http::Headers headers;
    std::string value;
    for (const auto& [name, v] : cookies) value += (value.empty() ? "" : "; ") + name + "=" + v;
    if (!value.empty()) headers.set("Cookie", value);
    return headers;
  }
  http::ClientResponse remember(http::ClientResponse response) {
    for (auto header : response.headers.get_all("set-cookie")) {
      set_cookies.emplace_back(header);
      const auto eq = header.find('=');
      const auto end = header.find(';');
      const std::string name(header.substr(0, eq));
      const std::string value(header.substr(eq + 1, end - eq - 1));
      if (value.empty() || header.find("Max-Age=0") != std::string_view::npos) {
        cookies.erase(name);
      } else {
        cookies[name] = value;
      }
    }
    return response;
  }
  UserFlowServer* server_;
};

// Runs an authorization request through the pages as `username` (approving consent when
// asked) and returns the final redirect's parameters (code and state, or error).
inline http::Params sign_in_for_code(Browser& browser, std::string_view tenant,
                                     const http::Params& request, const std::string& username,
                                     const std::string& password) {
  auto response = browser.get(authorize_path(tenant, request));
  if (page_step(response.body) == "login") response = browser.sign_in(response, username, password);
  if (page_step(response.body) == "consent") response = browser.consent(response, "approve");
  EXPECT_EQ(response.status, 302) << response.body;
  return redirect_params(response);
}

// POST /{tenant}/oauth2/v2.0/token
inline http::ClientResponse token_request(UserFlowServer& server, std::string_view tenant,
                                          const http::Params& form) {
  return server.post_form("/" + std::string(tenant) + "/oauth2/v2.0/token", form);
}

// The claims of a JWT, unverified (tests verify signatures where that is the point).
inline nlohmann::json jwt_claims(std::string_view token) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  auto payload = jose::base64url_decode(token.substr(first + 1, second - first - 1));
  if (!payload.ok()) return nullptr;
  auto json = core::parse_json(*payload);
  return json.ok() ? std::move(*json) : nlohmann::json();
}

}  // namespace toolauth::idp::testing
