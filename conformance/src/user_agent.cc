#include "toolauth/conformance/user_agent.h"

#include "toolauth/core/error.h"

namespace toolauth::conformance {

namespace {

struct Entity {
  std::string_view text;
  char c;
};
constexpr Entity kEntities[] = {{"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
                                {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};

std::string html_unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool replaced = false;
    if (text[i] == '&') {
      for (const auto& entity : kEntities) {
        if (text.substr(i, entity.text.size()) == entity.text) {
          out.push_back(entity.c);
          i += entity.text.size() - 1;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(text[i]);
  }
  return out;
}

// The value of attribute `name` in the tag that starts at `tag_start`.
std::string attribute(std::string_view html, std::size_t tag_start, std::string_view name) {
  const auto tag_end = html.find('>', tag_start);
  const auto tag = html.substr(tag_start, tag_end - tag_start);
  const std::string marker = " " + std::string(name) + "=\"";
  const auto at = tag.find(marker);
  if (at == std::string_view::npos) return {};
  const auto start = at + marker.size();
  return html_unescape(tag.substr(start, tag.find('"', start) - start));
}

std::string without_query(std::string_view url) {
  return std::string(url.substr(0, url.find_first_of("?#")));
}

core::Error page_error(std::string detail) {
  return core::Error{core::make_error_code(core::Errc::parse_error), std::move(detail)};
}

}  // namespace

std::string page_step(std::string_view html) {
  const std::string_view marker = "<meta name=\"toolauth-step\" content=\"";
  const auto at = html.find(marker);
  if (at == std::string_view::npos) return {};
  const auto start = at + marker.size();
  return std::string(html.substr(start, html.find('"', start) - start));
}

std::string input_value(std::string_view html, std::string_view name) {
  const std::string marker = "name=\"" + std::string(name) + "\"";
  for (auto at = html.find(marker); at != std::string_view::npos; at = html.find(marker, at + 1)) {
    const auto tag_start = html.rfind('<', at);
    if (tag_start == std::string_view::npos || html.substr(tag_start, 6) != "<input") continue;
    return attribute(html, tag_start, "value");
  }
  return {};
}

std::string form_action(std::string_view html) {
  const auto at = html.find("<form");
  return at == std::string_view::npos ? std::string() : attribute(html, at, "action");
}

std::string url_origin(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const auto path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

std::string resolve_url(std::string_view base, std::string_view location) {
  if (location.find("://") != std::string_view::npos) return std::string(location);
  if (location.starts_with("/")) return url_origin(base) + std::string(location);
  // Relative to the base's folder (mock-idp never sends these, but pages may).
  const auto base_path = without_query(base);
  return base_path.substr(0, base_path.rfind('/') + 1) + std::string(location);
}

http::Params url_params(std::string_view url) {
  const auto hash = url.find('#');
  const auto question = url.find('?');
  std::string_view encoded;
  if (hash != std::string_view::npos) {
    encoded = url.substr(hash + 1);
  } else if (question != std::string_view::npos) {
    encoded = url.substr(question + 1);
  }
  auto params = http::parse_query(encoded);
  return params.ok() ? std::move(*params) : http::Params{};
}

std::string tampered_state(std::string_view state) {
  std::string out(state);
  if (out.empty()) return "x";
  out[0] = out[0] == 'A' ? 'B' : 'A';
  return out;
}

std::string with_tampered_state(std::string_view url) {
  const auto question = url.find('?');
  if (question == std::string_view::npos) return std::string(url);
  const auto hash = url.find('#', question);
  const auto end = hash == std::string_view::npos ? url.size() : hash;
  const std::string query(url.substr(question + 1, end - question - 1));
  auto params = http::parse_query(query);
  if (!params.ok() || !params->has("state")) return std::string(url);
  http::Params changed;
  for (const auto& [name, value] : params->items())
    changed.add(name, name == "state" ? tampered_state(value) : value);
  return std::string(url.substr(0, question + 1)) + http::encode_form(changed) +
         std::string(url.substr(end));
}

UserAgent::UserAgent(http::Client& client, FixtureUser user)
    : client_(&client), user_(std::move(user)) {}

void UserAgent::remember_cookies(const std::string& origin, const http::Headers& headers) {
  for (auto header : headers.get_all("set-cookie")) {
    const auto eq = header.find('=');
    if (eq == std::string_view::npos) continue;
    const auto end = std::min(header.find(';'), header.size());
    const std::string name(header.substr(0, eq));
    const std::string value(header.substr(eq + 1, end - eq - 1));
    if (value.empty() || header.find("Max-Age=0") != std::string_view::npos) {
      cookies_[origin].erase(name);
    } else {
      cookies_[origin][name] = value;
    }
  }
}

boost::asio::awaitable<core::Result<http::ClientResponse>> UserAgent::send(http::Method method,
                                                                           const std::string& url,
                                                                           std::string form_body) {
  http::ClientRequest request{.method = method, .url = url, .body = std::move(form_body)};
  const auto origin = url_origin(url);
  std::string cookie;
  for (const auto& [name, value] : cookies_[origin])
    cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
  if (!cookie.empty()) request.headers.set("Cookie", cookie);
  if (method == http::Method::post)
    request.headers.set("Content-Type", "application/x-www-form-urlencoded");
  request.headers.set("Accept", "text/html");
  auto response = co_await client_->send(std::move(request));
  if (response.ok()) remember_cookies(origin, response->headers);
  co_return response;
}

boost::asio::awaitable<core::Result<UserAgentWalk>> UserAgent::open(std::string url,
                                                                    ConsentDecision decision,
                                                                    std::string stop_at) {
  UserAgentWalk walk;
  http::Method method = http::Method::get;
  std::string body;
  for (int hop = 0; hop < kMaxHops; ++hop) {
    if (!stop_at.empty() && url.starts_with(stop_at)) {
      walk.final_url = url;
      walk.params = url_params(url);
      walk.trail.push_back("stop at " + without_query(url));
      co_return walk;
    }
    auto response = co_await send(method, url, std::move(body));
    if (!response.ok()) co_return response.error();
    walk.trail.push_back(std::string(http::to_string(method)) + " " + without_query(url) + " -> " +
                         std::to_string(response->status));
    if (response->status >= 300 && response->status < 400) {
      const auto location = response->headers.get("location");
      if (!location) co_return page_error("a redirect without Location from " + url);
      url = resolve_url(url, *location);
      if (!tamper_state_at_.empty() && url.starts_with(tamper_state_at_)) {
        url = with_tampered_state(url);
        walk.trail.push_back("state tampered");
      }
      method = http::Method::get;
      body.clear();
      continue;
    }
    const auto step = page_step(response->body);
    const auto action = resolve_url(url, form_action(response->body));
    // A login page after signing in means the password was refused: that page is the answer.
    if (step == "login" && !walk.signed_in) {
      const auto flow = input_value(response->body, "flow");
      const auto csrf = input_value(response->body, "csrf_token");
      if (flow.empty() || csrf.empty()) co_return page_error("a login page without its form");
      walk.trail.push_back("login as " + user_.username);
      walk.signed_in = true;
      body = http::encode_form({{"flow", flow},
                                {"csrf_token", csrf},
                                {"username", user_.username},
                                {"password", user_.password}});
      url = action;
      method = http::Method::post;
      continue;
    }
    if (step == "consent") {
      const auto flow = input_value(response->body, "flow");
      const auto csrf = input_value(response->body, "csrf_token");
      if (flow.empty() || csrf.empty()) co_return page_error("a consent page without its form");
      const std::string choice = decision == ConsentDecision::approve ? "approve" : "decline";
      walk.trail.push_back("consent: " + choice);
      walk.consent_shown = true;
      body = http::encode_form({{"flow", flow}, {"csrf_token", csrf}, {"decision", choice}});
      url = action;
      method = http::Method::post;
      continue;
    }
    if (step == "form_post") {
      // The response_mode=form_post answer: post its hidden inputs to the redirect URI.
      http::Params fields;
      for (const auto* name : {"code", "state", "error", "error_description", "id_token"}) {
        if (auto value = input_value(response->body, name); !value.empty()) fields.add(name, value);
      }
      const auto target = form_action(response->body);
      if (!stop_at.empty() && target.starts_with(stop_at)) {
        walk.final_url = target;
        walk.params = std::move(fields);
        walk.trail.push_back("stop at " + without_query(target));
        co_return walk;
      }
      if (!tamper_state_at_.empty() && target.starts_with(tamper_state_at_) &&
          fields.has("state")) {
        http::Params changed;
        for (const auto& [name, value] : fields.items())
          changed.add(name, name == "state" ? tampered_state(value) : value);
        fields = std::move(changed);
        walk.trail.push_back("state tampered");
      }
      walk.trail.push_back("form_post");
      body = http::encode_form(fields);
      url = resolve_url(url, target);
      method = http::Method::post;
      continue;
    }
    walk.final_url = url;
    walk.final_status = response->status;
    walk.final_body = std::move(response->body);
    walk.params = url_params(url);
    co_return walk;
  }
  co_return core::Error{core::make_error_code(core::Errc::limit_exceeded),
                        "more than " + std::to_string(kMaxHops) + " redirects and forms"};
}

}  // namespace toolauth::conformance
