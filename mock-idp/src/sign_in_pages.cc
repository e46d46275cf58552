#include "toolauth/idp/sign_in_pages.h"

#include "toolauth/core/html_escape.h"
#include "toolauth/core/random.h"
#include "toolauth/jose/hash.h"

namespace toolauth::idp {

using core::html_escape;

namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;"
    "color:#1b1b1b}h1{font-size:1.5rem}fieldset{border:1px solid #ccc;padding:.5rem 1rem}"
    ".user{margin:.4rem 0}label{cursor:pointer}input[type=password],input[type=text]{"
    "display:block;width:100%;padding:.4rem;margin:.3rem 0 1rem;box-sizing:border-box}"
    "button{padding:.5rem 1.2rem;margin-right:.5rem}.error{border:1px solid #a80000;"
    "background:#fde7e9;padding:.5rem 1rem}.muted{color:#555;font-size:.85rem}";

std::string document(std::string_view step, std::string_view title, std::string_view body,
                     std::string_view head_extra = {}) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"toolauth-step\" content=\"" + std::string(step) + "\">\n";
  out += "<title>" + html_escape(title) + " - toolauth mock identity provider</title>\n";
  out += "<style>" + std::string(kStyle) + "</style>\n";
  out += std::string(head_extra);
  out += "</head>\n<body>\n<main>\n";
  out += std::string(body);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string hidden(std::string_view name, std::string_view value) {
  return "<input type=\"hidden\" name=\"" + html_escape(name) + "\" value=\"" + html_escape(value) +
         "\">\n";
}

std::string error_box(const AadError& error) {
  return "<div class=\"error\" role=\"alert\"><p>AADSTS" + std::to_string(error.code) + ": " +
         html_escape(error.message) + "</p></div>\n";
}

http::Response page_response(int status, std::string html,
                             std::string_view csp =
                                 "default-src 'none'; style-src 'unsafe-inline'; "
                                 "frame-ancestors 'none'; base-uri 'none'") {
  auto response = http::Response::html(status, std::move(html));
  add_page_headers(response);
  response.headers.set("Content-Security-Policy", std::string(csp));
  return response;
}

}  // namespace

void add_page_headers(http::Response& response) {
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("Pragma", "no-cache");
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "no-referrer");
}

http::Response login_page(const LoginPage& page) {
  std::string body = "<h1>Sign in</h1>\n";
  body += "<p>to continue to <strong>" + html_escape(page.client_name) + "</strong>";
  if (!page.tenant_label.empty())
    body += " with an account of <strong>" + html_escape(page.tenant_label) + "</strong>";
  body += ".</p>\n";
  if (page.error) body += error_box(*page.error);
  body += "<form id=\"login\" method=\"post\" action=\"/login\">\n";
  body += hidden("flow", page.flow_id);
  body += hidden("csrf_token", page.csrf_token);
  body += "<fieldset>\n<legend>Pick an account</legend>\n";
  bool any_selected = false;
  for (const auto& user : page.users) any_selected = any_selected || user.selected;
  for (std::size_t i = 0; i < page.users.size(); ++i) {
    const auto& user = page.users[i];
    const std::string id = "user-" + std::to_string(i);
    const bool checked = user.selected || (!any_selected && i == 0);
    body += "<div class=\"user\"><input type=\"radio\" id=\"" + id +
            "\" name=\"username\" value=\"" + html_escape(user.username) + "\"" +
            (checked ? " checked" : "") + "> <label for=\"" + id + "\">" +
            html_escape(user.display_name) + " <span class=\"muted\">(" +
            html_escape(user.username) + ")</span></label></div>\n";
  }
  if (page.users.empty()) body += "<p>This tenant has no users.</p>\n";
  body += "</fieldset>\n";
  body += "<label for=\"password\">Password</label>\n";
  body +=
      "<input type=\"password\" id=\"password\" name=\"password\" "
      "autocomplete=\"current-password\">\n";
  if (!page.session_username.empty()) {
    body += "<p class=\"muted\">You are signed in as " + html_escape(page.session_username) +
            ": pick that account and leave the password empty to continue with it.</p>\n";
  }
  body += "<button type=\"submit\">Sign in</button>\n</form>\n";
  return page_response(200, document("login", "Sign in", body));
}

http::Response consent_page(const ConsentPage& page) {
  std::string body = "<h1>Permissions requested</h1>\n";
  body += "<p><strong>" + html_escape(page.client_name) + "</strong> <span class=\"muted\">(" +
          html_escape(page.client_id) + ")</span> wants permission to:</p>\n<ul>\n";
  for (const auto& p : page.permissions) {
    body += "<li><strong>" + html_escape(p.value) + "</strong>";
    if (!p.resource_name.empty())
      body += " <span class=\"muted\">(" + html_escape(p.resource_name) + ")</span>";
    body += ": " + html_escape(p.description) + "</li>\n";
  }
  body += "</ul>\n";
  body += "<p>Signed in as <strong>" + html_escape(page.username) + "</strong>.</p>\n";
  body +=
      "<p class=\"muted\">Accepting lets this app use these permissions for you until "
      "you revoke them.</p>\n";
  body += "<form id=\"consent\" method=\"post\" action=\"/consent\">\n";
  body += hidden("flow", page.flow_id);
  body += hidden("csrf_token", page.csrf_token);
  body += "<button type=\"submit\" name=\"decision\" value=\"approve\">Accept</button>\n";
  body += "<button type=\"submit\" name=\"decision\" value=\"decline\">Cancel</button>\n";
  body += "</form>\n";
  return page_response(200, document("consent", "Permissions requested", body));
}

http::Response device_login_page(const DeviceLoginPage& page, int status) {
  std::string body = "<h1>Enter code</h1>\n";
  body += "<p>Enter the code displayed on your app or device.</p>\n";
  if (page.error) body += error_box(*page.error);
  body += "<form id=\"devicelogin\" method=\"post\" action=\"/devicelogin\">\n";
  body += "<label for=\"user_code\">Code</label>\n";
  body +=
      "<input type=\"text\" id=\"user_code\" name=\"user_code\" autocomplete=\"off\" "
      "autocapitalize=\"characters\" value=\"" +
      html_escape(page.user_code) + "\">\n";
  body += "<button type=\"submit\">Next</button>\n</form>\n";
  return page_response(status, document("devicelogin", "Enter code", body));
}

http::Response device_done_page(std::string_view client_name, bool approved) {
  std::string body;
  if (approved) {
    body = "<h1>You are signed in</h1>\n<p>You have signed in to <strong>" +
           html_escape(client_name) +
           "</strong> on your device. You may now close this window.</p>\n";
  } else {
    body = "<h1>Sign-in declined</h1>\n<p>You declined to sign in to <strong>" +
           html_escape(client_name) +
           "</strong> on your device. You may now close this window.</p>\n";
  }
  return page_response(200, document(approved ? "done" : "declined", "Device sign-in", body));
}

http::Response error_page(const AadError& error, const ErrorContext& context) {
  std::string body = "<h1>Sorry, but we are having trouble signing you in.</h1>\n";
  body += error_box(error);
  body += "<dl class=\"muted\">\n<dt>Error</dt><dd>" + html_escape(error.error) + "</dd>\n";
  const auto correlation_id =
      context.correlation_id.empty() ? core::uuid_v4() : context.correlation_id;
  body += "<dt>Trace ID</dt><dd>" + core::uuid_v4() + "</dd>\n";
  body += "<dt>Correlation ID</dt><dd>" + html_escape(correlation_id) + "</dd>\n";
  body += "<dt>Timestamp</dt><dd>" + html_escape(entra_timestamp(context.now)) + "</dd>\n</dl>\n";
  auto response = page_response(error.status, document("error", "Sign-in error", body));
  response.headers.set("x-ms-ests-server", "toolauth");
  return response;
}

http::Response form_post_page(std::string_view action, const http::Params& params) {
  // The one script of the pages: a nonce lets exactly it run.
  const std::string nonce = jose::random_token(16);
  std::string body = "<form method=\"post\" action=\"" + html_escape(action) + "\">\n";
  for (const auto& [name, value] : params.items()) body += hidden(name, value);
  body +=
      "<noscript><p>Script is disabled. Select Continue to finish signing in.</p>"
      "<button type=\"submit\">Continue</button></noscript>\n</form>\n";
  body += "<script nonce=\"" + nonce + "\">document.forms[0].submit();</script>\n";
  return page_response(200, document("form_post", "Working...", body),
                       "default-src 'none'; script-src 'nonce-" + nonce +
                           "'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
}

http::Response signed_out_page() {
  return page_response(
      200, document("signed-out", "Signed out",
                    "<h1>You signed out of your account</h1>\n<p>It's a good idea to close all "
                    "browser windows.</p>\n"));
}

}  // namespace toolauth::idp
