#include "toolauth/emulator/tool_session.h"

#include <boost/asio/this_coro.hpp>

namespace toolauth::emulator {

namespace {

// The MCP server refused the credentials (401): the ToolAuth may refresh or drop them.
bool is_refusal(const McpError& error) {
  return error.kind == McpError::Kind::unauthorized && error.status == 401;
}

boost::asio::awaitable<void> unwind_if_cancelled() {
  const auto state = co_await boost::asio::this_coro::cancellation_state;
  if (state.cancelled() != boost::asio::cancellation_type::none)
    throw boost::system::system_error(boost::asio::error::operation_aborted);
}

}  // namespace

ToolSession::ToolSession(http::Client& client, std::string url, http::Headers headers,
                         ToolAuth* auth, ToolCallContext context, Journal journal,
                         ToolSessionRetries retries)
    : client_(&client),
      url_(std::move(url)),
      headers_(std::move(headers)),
      auth_(auth),
      context_(std::move(context)),
      journal_(std::move(journal)),
      retries_(retries) {
  if (!journal_) journal_ = [](nlohmann::json) {};
}

ToolSession::~ToolSession() = default;

boost::asio::awaitable<void> ToolSession::open() {
  mcp_.reset();
  consent_.reset();
  error_.reset();
  failure_code_.clear();
  credentials_ = {};
  for (int attempt = 0; attempt < retries_.open_attempts; ++attempt) {
    http::Headers headers = headers_;
    if (auth_ != nullptr) {
      auto outcome = co_await auth_->authorize(context_);
      if (auto* failure = std::get_if<ToolAuthFailure>(&outcome)) {
        error_ = McpCallError::without_credentials(failure->message);
        failure_code_ = failure->code;
        journal_({{"outcome", "failed"}, {"code", failure->code}});
        co_return;
      }
      if (auto* consent = std::get_if<ConsentRequired>(&outcome)) {
        consent_ = *consent;
        journal_({{"outcome", "consent"}, {"source", "consent"}});
        co_return;
      }
      auto& credentials = std::get<ToolCredentials>(outcome);
      journal_({{"outcome", "credentials"}, {"source", credentials.source}});
      for (const auto& [name, value] : credentials.headers.fields()) headers.set(name, value);
      credentials_ = credentials.headers;
    }
    mcp_ = std::make_unique<McpClient>(*client_, url_, std::move(headers));
    auto initialized = co_await mcp_->initialize();
    co_await unwind_if_cancelled();
    if (initialized.ok()) {
      error_.reset();
      co_return;
    }
    error_ = McpCallError::from(initialized.error());
    if (!is_refusal(initialized.error()) || auth_ == nullptr) co_return;
    journal_({{"outcome", "refused"}, {"status", 401}});
    co_await auth_->refused(context_);
  }
}

boost::asio::awaitable<core::Result<McpCallResult, McpCallError>> ToolSession::call_tool(
    const std::string& name, const nlohmann::json& arguments) {
  if (!ready()) {
    co_return error_
        ? *error_
        : McpCallError::without_credentials("the user must consent before this tool can be called");
  }
  auto result = co_await mcp_->call_tool(name, arguments);
  co_await unwind_if_cancelled();
  for (int retry = 0; retry < retries_.call_retries && !result.ok() && is_refusal(result.error()) &&
                      auth_ != nullptr;
       ++retry) {
    journal_({{"outcome", "refused"}, {"status", 401}});
    co_await auth_->refused(context_);
    co_await open();
    if (consent_) {
      co_return McpCallError::without_credentials(
          "the user must consent again before this tool can be called");
    }
    if (error_) co_return *error_;
    result = co_await mcp_->call_tool(name, arguments);
    co_await unwind_if_cancelled();
  }
  if (!result.ok()) co_return McpCallError::from(result.error());
  co_return std::move(*result);
}

boost::asio::awaitable<McpResult<std::vector<McpToolInfo>>> ToolSession::list_tools() {
  auto tools = co_await mcp_->list_tools();
  co_await unwind_if_cancelled();
  co_return tools;
}

boost::asio::awaitable<void> ToolSession::close() {
  if (mcp_) co_await mcp_->close();
}

}  // namespace toolauth::emulator
