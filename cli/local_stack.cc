#include "local_stack.h"

#include "free_port.h"
#include "toolauth/http/error.h"

namespace toolauth::cli {

namespace {

// Ports given as 0 are picked afresh on every attempt; a port taken by another process
// between picking and binding fails only that attempt.
constexpr int kStartAttempts = 3;

core::Result<std::uint16_t> port_or_free(std::uint16_t port, const std::string& host) {
  if (port != 0) return port;
  return pick_free_port(host);
}

std::filesystem::path fixture_file(const LocalStack::Options& o, const char* name) {
  return o.fixtures_dir.empty() ? std::filesystem::path() : o.fixtures_dir / name;
}

bool any_port_picked(const LocalStack::Options& o) {
  return o.idp_port == 0 || o.idp_mi_port == 0 || o.mcp_port == 0 || o.emulator_port == 0 ||
         (o.emulator_http_port && *o.emulator_http_port == 0);
}

}  // namespace

core::Result<LocalStack::Ports> LocalStack::resolve_ports(const LocalStack::Options& o) {
  Ports p;
  TOOLAUTH_ASSIGN_OR_RETURN(p.idp, port_or_free(o.idp_port, o.host));
  TOOLAUTH_ASSIGN_OR_RETURN(p.idp_mi, port_or_free(o.idp_mi_port, o.host));
  TOOLAUTH_ASSIGN_OR_RETURN(p.mcp, port_or_free(o.mcp_port, o.host));
  TOOLAUTH_ASSIGN_OR_RETURN(p.emulator, port_or_free(o.emulator_port, o.host));
  if (o.emulator_http_port) {
    TOOLAUTH_ASSIGN_OR_RETURN(p.emulator_http, port_or_free(*o.emulator_http_port, o.host));
  }
  return p;
}

std::string url_of(std::string_view scheme, const std::string& host, std::uint16_t port) {
  const bool ipv6_literal = host.find(':') != std::string::npos;
  return std::string(scheme) + "://" + (ipv6_literal ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

core::Result<std::unique_ptr<LocalStack>> LocalStack::start(boost::asio::any_io_executor executor,
                                                            core::SystemClock& clock, Options o) {
  if (o.state_dir.empty())
    return core::Error{core::Errc::invalid_argument, "the stack needs a state folder"};
  std::error_code ec;
  o.state_dir = std::filesystem::absolute(o.state_dir, ec);
  if (ec) return core::Error{core::Errc::io_error, o.state_dir.string() + ": " + ec.message()};
  for (int attempt = 1;; ++attempt) {
    TOOLAUTH_ASSIGN_OR_RETURN(auto ports, resolve_ports(o));
    auto stack = start_once(executor, clock, o, ports);
    if (stack.ok() || stack.error().code != http::Errc::bind_failed || !any_port_picked(o) ||
        attempt == kStartAttempts)
      return stack;
    o.logger.warn("a picked port was taken before it was bound; starting over",
                  {{"error", stack.error().message()}});
  }
}

// On an error the servers already started are destroyed with the stack, which closes them.
core::Result<std::unique_ptr<LocalStack>> LocalStack::start_once(
    boost::asio::any_io_executor executor, core::SystemClock& clock, const Options& o,
    const Ports& ports) {
  const std::map<std::string, std::string> templates = {
      {"idp_url", url_of("https", o.host, ports.idp)},
      {"mcp_url", url_of("https", o.host, ports.mcp)},
      {"emulator_url", url_of("https", o.host, ports.emulator)},
      {"emulator_http_url", ports.emulator_http ? url_of("http", o.host, *ports.emulator_http)
                                                : url_of("https", o.host, ports.emulator)}};
  std::unique_ptr<LocalStack> stack(new LocalStack());

  idp::IdpServerOptions i;
  i.host = o.host;
  i.port = ports.idp;
  i.mi_port = ports.idp_mi;
  i.public_url = templates.at("idp_url");
  i.mi_public_url = url_of("http", o.host, ports.idp_mi);
  i.state_dir = o.state_dir;
  i.fixtures = fixture_file(o, "idp.json");
  i.templates = templates;
  i.admin_key = o.admin_key;
  i.logger = o.logger;
  TOOLAUTH_ASSIGN_OR_RETURN(stack->idp_, idp::IdpServer::start(executor, clock, std::move(i)));

  mcp::McpServerOptions m;
  m.host = o.host;
  m.port = ports.mcp;
  m.public_url = templates.at("mcp_url");
  m.state_dir = o.state_dir;
  m.fixtures = fixture_file(o, "mcp.json");
  m.templates = templates;
  m.admin_key = o.admin_key;
  m.logger = o.logger;
  TOOLAUTH_ASSIGN_OR_RETURN(stack->mcp_, mcp::McpServer::start(executor, clock, std::move(m)));

  emulator::EmulatorServerOptions e;
  e.host = o.host;
  e.port = ports.emulator;
  e.http_port = ports.emulator_http;
  e.public_url = templates.at("emulator_url");
  e.state_dir = o.state_dir;
  e.fixtures = fixture_file(o, "emulator.json");
  e.managed_identity_url = stack->idp_->mi_url();
  e.templates = templates;
  e.admin_key = o.admin_key;
  e.mcp_call_errors = o.mcp_call_errors;
  e.logger = o.logger;
  e.defects = o.emulator_defects;
  TOOLAUTH_ASSIGN_OR_RETURN(stack->emulator_,
                            emulator::EmulatorServer::start(executor, clock, std::move(e)));
  return stack;
}

LocalStack::~LocalStack() = default;

void LocalStack::stop() {
  if (emulator_) emulator_->stop();
  if (mcp_) mcp_->stop();
  if (idp_) idp_->stop();
}

nlohmann::json LocalStack::ready_document() const {
  auto ready = merge_ready_documents(
      {idp_->ready_document(), mcp_->ready_document(), emulator_->ready_document()});
  auto& env = ready["env"];
  env["TOOLAUTH_EMULATOR_URL"] = emulator_->url();
  if (!emulator_->http_url().empty()) env["TOOLAUTH_EMULATOR_HTTP_URL"] = emulator_->http_url();
  env["TOOLAUTH_IDP_URL"] = idp_->url();
  env["TOOLAUTH_IDP_MI_URL"] = idp_->mi_url();
  env["TOOLAUTH_MCP_URL"] = mcp_->url();
  return ready;
}

nlohmann::json merge_ready_documents(const std::vector<nlohmann::json>& documents) {
  nlohmann::json merged = nlohmann::json::object();
  for (const auto& document : documents) {
    for (const auto& [key, value] : document.items()) {
      if (key == "defects" && value.is_array()) {
        auto& into = merged[key];
        if (!into.is_array()) into = nlohmann::json::array();
        for (const auto& name : value) into.push_back(name);
      } else if ((key == "env" || key == "world") && value.is_object()) {
        auto& into = merged[key];
        if (!into.is_object()) into = nlohmann::json::object();
        for (const auto& [member, content] : value.items()) {
          if (!into.contains(member)) into[member] = content;
        }
      } else if (!merged.contains(key)) {
        merged[key] = value;
      }
    }
  }
  return merged;
}

}  // namespace toolauth::cli
