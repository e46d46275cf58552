#include "toolauth/conformance/environment.h"

#include "toolauth/core/error.h"
#include "toolauth/core/random.h"

namespace toolauth::conformance {

core::Result<std::unique_ptr<Environment>> Environment::start(boost::asio::any_io_executor executor,
                                                              EnvironmentOptions options) {
  std::unique_ptr<Environment> env(new Environment());
  env->options_ = options;
  env->executor_ = executor;
  std::filesystem::path state_dir = options.state_dir;
  if (state_dir.empty()) {
    env->temporary_dir_ =
        std::filesystem::temp_directory_path() / ("toolauth-certify-" + core::random_hex(8));
    state_dir = env->temporary_dir_;
  }
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec)
    return core::Error{core::make_error_code(core::Errc::io_error),
                       state_dir.string() + ": " + ec.message()};
  state_dir = std::filesystem::absolute(state_dir);
  env->state_dir_ = state_dir;

  // mock-idp first: the bearer mounts of mock-mcp name its URL. With a fixed mcp port its URL
  // is known in advance, which the fabrikam resource's identifier needs.
  idp::IdpServerOptions idp_options;
  idp_options.host = options.host;
  idp_options.port = options.idp_port;
  idp_options.mi_port = options.idp_mi_port;
  idp_options.state_dir = state_dir;
  idp_options.logger = options.logger;
  if (options.mcp_port != 0)
    idp_options.templates["mcp_url"] =
        "https://" + options.host + ":" + std::to_string(options.mcp_port);
  TOOLAUTH_ASSIGN_OR_RETURN(env->idp_, idp::IdpServer::start(executor, env->clock_, idp_options));

  mcp::McpServerOptions mcp_options;
  mcp_options.host = options.host;
  mcp_options.port = options.mcp_port;
  mcp_options.state_dir = state_dir;  // the same tls/ folder: one CA for both
  mcp_options.logger = options.logger;
  mcp_options.templates["idp_url"] = env->idp_->url();
  auto mcp = mcp::McpServer::start(executor, env->clock_, mcp_options);
  if (!mcp.ok()) {
    env->idp_->stop();
    return mcp.error();
  }
  env->mcp_ = std::move(*mcp);

  env->client_ = std::make_unique<http::Client>(
      executor, http::ClientOptions{.ca_file = env->idp_->ca_file().string(),
                                    .extra_ca_files = options.extra_ca_files});
  env->world_ = env->idp_->ready_document()["world"];
  env->world_["mounts"] = env->mcp_->ready_document()["world"]["mounts"];
  if (options.reference_emulator) {
    if (auto started = env->start_emulator(); !started.ok()) {
      env->stop();
      return started.error();
    }
  }
  return env;
}

core::Result<void> Environment::start_emulator() {
  const auto& reference = *options_.reference_emulator;
  emulator::EmulatorServerOptions options;
  options.host = options_.host;
  // The first start picks a port; a restart takes the same one, so consent links and the
  // redirect URI registered at mock-idp stay valid.
  options.port = emulator_port_ != 0 ? emulator_port_ : reference.port;
  options.http_port = std::nullopt;
  options.state_dir = state_dir_;  // the same tls/ folder: one CA for all three
  options.templates = {{"idp_url", idp_->url()}, {"mcp_url", mcp_->url()}};
  options.managed_identity_url = idp_->mi_url();
  options.logger = options_.logger;
  options.defects.insert(reference.defects.begin(), reference.defects.end());
  if (reference.customize) reference.customize(options);
  TOOLAUTH_ASSIGN_OR_RETURN(emulator_,
                            emulator::EmulatorServer::start(executor_, clock_, std::move(options)));
  const auto& url = emulator_->url();
  const auto colon = url.rfind(':');
  emulator_port_ = static_cast<std::uint16_t>(std::stoi(url.substr(colon + 1)));
  return core::Result<void>{};
}

core::Result<std::string> Environment::restart_emulator() {
  if (!emulator_)
    return core::Error{core::make_error_code(core::Errc::invalid_argument),
                       "no reference emulator runs in this environment"};
  emulator_->stop();
  emulator_.reset();
  if (client_) client_->close_idle();
  TOOLAUTH_RETURN_IF_ERROR(start_emulator());
  return emulator_->url();
}

Environment::~Environment() {
  stop();
  if (!temporary_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temporary_dir_, ignored);
  }
}

const std::string& Environment::idp_url() const { return idp_->url(); }
const std::string& Environment::mcp_url() const { return mcp_->url(); }
std::string Environment::ca_file() const { return idp_->ca_file().string(); }
service::Journal& Environment::idp_journal() { return idp_->provider().journal(); }
service::Journal& Environment::mcp_journal() { return mcp_->journal(); }

void Environment::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (client_) client_->close_idle();
  if (emulator_) emulator_->stop();
  if (mcp_) mcp_->stop();
  if (idp_) idp_->stop();
}

const nlohmann::json* find_named(const nlohmann::json& world, std::string_view section,
                                 std::string_view name) {
  const std::string key(section);
  if (!world.is_object() || !world.contains(key) || !world[key].is_array()) return nullptr;
  for (const auto& item : world[key]) {
    if (item.is_object() && item.value("name", "") == name) return &item;
  }
  return nullptr;
}

}  // namespace toolauth::conformance
