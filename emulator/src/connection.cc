#include "toolauth/emulator/connection.h"

#include "toolauth/core/config.h"

namespace toolauth::emulator {

namespace {

bool is_http_url(std::string_view url) {
  return (url.starts_with("https://") && url.size() > 8) ||
         (url.starts_with("http://") && url.size() > 7);
}

core::Error invalid(std::string detail) {
  return core::Error{core::Errc::config_invalid, std::move(detail)};
}

std::string string_member(const nlohmann::json& document, const char* name) {
  auto it = document.find(name);
  return it != document.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string ArmScope::account_id() const {
  return "/subscriptions/" + subscription + "/resourceGroups/" + resource_group +
         "/providers/Microsoft.CognitiveServices/accounts/" + account;
}

std::string ArmScope::project_id(std::string_view project) const {
  return account_id() + "/projects/" + std::string(project);
}

std::string ArmScope::connection_id(std::string_view project, std::string_view connection) const {
  return project_id(project) + "/connections/" + std::string(connection);
}

nlohmann::json Connection::to_state() const {
  nlohmann::json state = {{"project", project},
                          {"name", name},
                          {"id", id},
                          {"auth_type", to_string(auth_type)},
                          {"category", category},
                          {"target", target},
                          {"audience", audience},
                          {"keys", keys},
                          {"metadata", metadata}};
  if (oauth2) {
    state["oauth2"] = {{"client_id", oauth2->client_id},
                       {"client_secret", oauth2->client_secret},
                       {"authorization_url", oauth2->authorization_url},
                       {"token_url", oauth2->token_url},
                       {"refresh_url", oauth2->refresh_url},
                       {"scopes", oauth2->scopes}};
  }
  return state;
}

core::Result<Connection> Connection::from_state(const nlohmann::json& document) {
  try {
    Connection c;
    c.project = document.at("project").get<std::string>();
    c.name = document.at("name").get<std::string>();
    c.id = document.at("id").get<std::string>();
    auto type = parse_auth_type(document.at("auth_type").get<std::string>());
    if (!type) return invalid("stored connection " + c.name + " has an unknown auth type");
    c.auth_type = *type;
    c.category = document.at("category").get<std::string>();
    c.target = document.at("target").get<std::string>();
    c.audience = document.at("audience").get<std::string>();
    c.keys = document.at("keys").get<std::map<std::string, std::string>>();
    c.metadata = document.at("metadata");
    if (auto it = document.find("oauth2"); it != document.end()) {
      OAuth2Settings o;
      o.client_id = it->at("client_id").get<std::string>();
      o.client_secret = it->at("client_secret").get<std::string>();
      o.authorization_url = it->at("authorization_url").get<std::string>();
      o.token_url = it->at("token_url").get<std::string>();
      o.refresh_url = it->at("refresh_url").get<std::string>();
      o.scopes = it->at("scopes").get<std::vector<std::string>>();
      c.oauth2 = std::move(o);
    }
    return c;
  } catch (const nlohmann::json::exception& e) {
    return invalid(std::string("stored connection is malformed: ") + e.what());
  }
}

nlohmann::json Connection::to_foundry(bool with_credentials) const {
  nlohmann::json credentials = {{"type", credential_type(auth_type)}};
  if (with_credentials) {
    if (auth_type == AuthType::custom_keys) credentials["keys"] = keys;
    if (oauth2) {
      credentials["clientId"] = oauth2->client_id;
      if (!oauth2->client_secret.empty()) credentials["clientSecret"] = oauth2->client_secret;
    }
  }
  nlohmann::json meta = metadata;
  if (!audience.empty() && !meta.contains("audience")) meta["audience"] = audience;
  return {{"name", name},
          {"id", id},
          {"type", category == "RemoteTool" ? "RemoteTool_Preview" : category},
          {"target", target},
          {"isDefault", false},
          {"credentials", credentials},
          {"metadata", meta}};
}

nlohmann::json Connection::to_arm() const {
  nlohmann::json properties = {{"category", category},
                               {"authType", to_string(auth_type)},
                               {"target", target},
                               {"metadata", metadata},
                               {"isSharedToAll", true}};
  if (!audience.empty()) properties["audience"] = audience;
  if (oauth2) {
    properties["credentials"] = {{"clientId", oauth2->client_id}};
    properties["authorizationUrl"] = oauth2->authorization_url;
    properties["tokenUrl"] = oauth2->token_url;
    properties["refreshUrl"] = oauth2->refresh_url;
    properties["scopes"] = oauth2->scopes;
  }
  if (auth_type == AuthType::custom_keys) {
    // Header names only: the values are secrets (getConnectionWithCredentials shows them).
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [header, value] : keys) names.push_back(header);
    properties["credentials"] = {{"keyNames", names}};
  }
  return {{"id", id},
          {"name", name},
          {"type", "Microsoft.CognitiveServices/accounts/projects/connections"},
          {"properties", properties}};
}

core::Result<void> validate_connection(const Connection& c) {
  if (!is_http_url(c.target)) return invalid("target: must be an http or https URL");
  if (needs_audience(c.auth_type) && c.audience.empty())
    return invalid("audience: required for authType " + std::string(to_string(c.auth_type)));
  if (c.auth_type == AuthType::custom_keys) {
    if (c.keys.empty()) return invalid("credentials.keys: CustomKeys needs at least one key");
    for (const auto& [header, value] : c.keys) {
      const bool token_chars =
          !header.empty() &&
          header.find_first_of(" \t\r\n:()<>@,;\\\"/[]?={}") == std::string::npos;
      if (!token_chars) return invalid("credentials.keys: '" + header + "' is not a header name");
      if (value.empty() || value.find_first_of("\r\n") != std::string::npos)
        return invalid("credentials.keys." + header + ": must be a non-empty single line");
    }
  }
  if (c.auth_type == AuthType::oauth2) {
    if (!c.oauth2) return invalid("oauth2: OAuth2 connections need client id and URLs");
    if (c.oauth2->client_id.empty()) return invalid("clientId: required for OAuth2");
    if (!is_http_url(c.oauth2->authorization_url))
      return invalid("authorizationUrl: must be an http or https URL");
    if (!is_http_url(c.oauth2->token_url)) return invalid("tokenUrl: must be an http or https URL");
    if (!is_http_url(c.oauth2->refresh_url))
      return invalid("refreshUrl: must be an http or https URL");
  }
  return {};
}

core::Result<Connection> parse_arm_connection(const nlohmann::json& body, const ArmScope& scope,
                                              std::string project, std::string name) {
  core::ConfigReader reader(body, "request body");
  auto root = reader.root();
  if (!body.is_object()) {
    root.problem("expected an object");
    return reader.result().error();
  }
  Connection c;
  c.project = std::move(project);
  c.name = std::move(name);
  c.id = scope.connection_id(c.project, c.name);
  // ARM bodies may repeat what the URL says; anything else is a typo.
  (void)root.optional<std::string>("name", "");
  (void)root.optional<std::string>("id", "");
  (void)root.optional<std::string>("type", "");
  if (auto properties = root.object("properties")) {
    auto& p = *properties;
    c.category = p.required<std::string>("category").value_or("");
    if (!c.category.empty() && c.category != "RemoteTool")
      p.problem("only RemoteTool (an MCP server) is supported", "category");
    const auto auth_name = p.required<std::string>("authType").value_or("");
    if (auto type = parse_auth_type(auth_name)) {
      c.auth_type = *type;
    } else if (!auth_name.empty()) {
      p.problem(
          "expected one of None, CustomKeys, ProjectManagedIdentity, AgenticIdentityToken, "
          "OAuth2, UserEntraToken",
          "authType");
    }
    c.target = p.required<std::string>("target").value_or("");
    c.audience = p.optional<std::string>("audience", "");
    (void)p.optional<bool>("isSharedToAll", true);
    (void)p.optional<bool>("useWorkspaceManagedIdentity", false);
    c.metadata = p.optional<nlohmann::json>("metadata", nlohmann::json::object());
    if (!c.metadata.is_object()) {
      p.problem("expected an object", "metadata");
      c.metadata = nlohmann::json::object();
    }
    if (c.audience.empty()) c.audience = string_member(c.metadata, "audience");
    std::string client_id, client_secret;
    if (auto credentials = p.object("credentials", /*optional=*/true)) {
      for (const auto& [header, value] : credentials->members("keys")) {
        if (value.json().is_string()) {
          c.keys[header] = value.json().get<std::string>();
        } else {
          value.problem("expected a string");
        }
      }
      client_id = credentials->optional<std::string>("clientId", "");
      client_secret = credentials->optional<std::string>("clientSecret", "");
      credentials->reject_unknown_keys();
    }
    const auto authorization_url = p.optional<std::string>("authorizationUrl", "");
    const auto token_url = p.optional<std::string>("tokenUrl", "");
    const auto refresh_url = p.optional<std::string>("refreshUrl", "");
    auto scopes = p.optional<std::vector<std::string>>("scopes", {});
    if (c.auth_type == AuthType::oauth2) {
      c.oauth2 = OAuth2Settings{client_id,
                                client_secret,
                                authorization_url,
                                token_url,
                                refresh_url.empty() ? token_url : refresh_url,
                                std::move(scopes)};
    } else if (!client_id.empty() || !authorization_url.empty() || !token_url.empty()) {
      p.problem("clientId and OAuth URLs belong to OAuth2 connections only");
    }
    if (c.auth_type != AuthType::custom_keys && !c.keys.empty())
      p.problem("keys belong to CustomKeys connections only", "credentials");
    p.reject_unknown_keys();
  }
  root.reject_unknown_keys();
  TOOLAUTH_RETURN_IF_ERROR(reader.result());
  TOOLAUTH_RETURN_IF_ERROR(validate_connection(c));
  return c;
}

}  // namespace toolauth::emulator
