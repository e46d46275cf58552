#include "toolauth/conformance/profile_context.h"

#include <map>

namespace toolauth::conformance {

namespace {

using boost::asio::awaitable;

nlohmann::json entries_after(const service::Journal& journal, std::uint64_t mark,
                             std::string_view kind, std::map<std::string, std::string> where) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e :
       journal.query({.kind = std::string(kind), .after_seq = mark, .where = std::move(where)}))
    out.push_back(service::Journal::to_json(e));
  return out;
}

}  // namespace

ProfileContext::ProfileContext(Environment* env) : env_(env) {
  if (env_ != nullptr) tokens_ = std::make_unique<IdpTokens>(*env_);
}

ProfileContext::~ProfileContext() = default;

std::string ProfileContext::user_oid(std::string_view user) const {
  const auto* found = find_named(env_->world(), "users", user);
  return found ? found->value("oid", std::string()) : std::string();
}

awaitable<core::Result<UserAgentWalk>> ProfileContext::follow_consent(
    ScenarioRecord& record, const std::string& link, const std::string& user,
    ConsentDecision decision, const std::string& tamper_state_at) {
  const auto* fixture = find_named(env_->world(), "users", user);
  if (fixture == nullptr)
    co_return core::Error{core::make_error_code(core::Errc::not_found), "no user " + user};
  record.step("the headless user agent opens the consent link as " + user + " and " +
              (decision == ConsentDecision::approve ? "approves" : "declines"));
  UserAgent browser(env_->client(),
                    {fixture->value("username", ""), fixture->value("password", "")});
  if (!tamper_state_at.empty()) {
    record.step("the user agent changes the state on its way back to " + tamper_state_at);
    browser.tamper_state_at(tamper_state_at);
  }
  auto walk = co_await browser.open(link, decision);
  if (walk.ok()) {
    record.observe({{"consent_walk", walk->trail},
                    {"final_status", walk->final_status},
                    {"signed_in", walk->signed_in},
                    {"consent_shown", walk->consent_shown}});
  }
  co_return walk;
}

std::uint64_t ProfileContext::idp_mark() const { return env_->idp_journal().last_seq(); }
std::uint64_t ProfileContext::mcp_mark() const { return env_->mcp_journal().last_seq(); }

nlohmann::json ProfileContext::idp_since(std::uint64_t mark, std::string_view kind) const {
  return entries_after(env_->idp_journal(), mark, kind, {});
}

nlohmann::json ProfileContext::mcp_since(std::uint64_t mark, std::string_view mount) const {
  std::map<std::string, std::string> where;
  if (!mount.empty()) where["mount"] = std::string(mount);
  return entries_after(env_->mcp_journal(), mark, "mcp", std::move(where));
}

void ProfileContext::on_cleanup(std::function<awaitable<void>()> undo) {
  cleanups_.push_back(std::move(undo));
}

awaitable<void> ProfileContext::run_cleanups() {
  auto cleanups = std::move(cleanups_);
  cleanups_.clear();
  for (auto it = cleanups.rbegin(); it != cleanups.rend(); ++it) co_await (*it)();
}

}  // namespace toolauth::conformance
