#pragma once
// One MCP server at /mcp/<name>: its auth policy, catalog, sessions and notes, behind the
// Streamable HTTP transport (reference/mcp.md §1) for protocol versions 2025-03-26,
// 2025-06-18 and 2025-11-25:
//   POST    one JSON-RPC message (a batch only in 2025-03-26); requests get JSON or an SSE
//           stream (progress, logs and server requests travel on it before the result);
//           notifications and responses get 202
//   GET     the session's server-to-client SSE stream (one at a time: 409), or a resumption
//           with Last-Event-ID
//   DELETE  ends the session
// Checks, in order: Host and Origin (DNS rebinding, 403), authentication (401/403 with a
// Bearer challenge naming the protected resource metadata), injected faults, Accept (406),
// Content-Type (415), JSON-RPC shape (400), session (400 missing, 404 unknown or another
// principal's), MCP-Protocol-Version (400).
//
// Threading: the server's one io_context thread. The mount must outlive the io_context's
// handlers (stop the server and drain before destroying).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "toolauth/core/clock.h"
#include "toolauth/core/log.h"
#include "toolauth/http/client.h"
#include "toolauth/http/message.h"
#include "toolauth/jsonrpc/dispatcher.h"
#include "toolauth/mcp/authenticator.h"
#include "toolauth/mcp/catalog.h"
#include "toolauth/mcp/defects.h"
#include "toolauth/mcp/notes_store.h"
#include "toolauth/mcp/request_record.h"
#include "toolauth/mcp/session.h"
#include "toolauth/service/faults.h"
#include "toolauth/service/journal.h"

namespace toolauth::mcp {

// What the mounts of one server share.
struct McpContext {
  const core::Clock* clock = nullptr;
  http::Client* client = nullptr;  // fetches JWKS
  RevocationList* revoked = nullptr;
  service::Journal* journal = nullptr;
  service::FaultInjector* faults = nullptr;
  core::Logger logger;
  std::string public_url;  // e.g. https://localhost:4783
  // host[:port] values a request's Host may name (DNS-rebinding protection).
  std::vector<std::string> allowed_hosts;
  McpDefects defects;  // none, except in the conformance suite's mutants
};

enum class ResponseMode { automatic, json, sse };

struct MountConfig {
  static constexpr std::size_t kDefaultPageSize = 50;
  static constexpr std::size_t kMaxSessions = 10'000;
  std::string name;
  AuthPolicy auth;
  std::string catalog = "default";  // "default" or "conformance"
  ResponseMode response_mode = ResponseMode::automatic;
  std::size_t page_size = kDefaultPageSize;
  std::chrono::seconds session_idle_timeout{3600};
};

class Mount {
 public:
  Mount(MountConfig config, McpContext& context, boost::asio::any_io_executor executor);
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;

  const MountConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  std::string url() const;           // <public_url>/mcp/<name>
  std::string metadata_url() const;  // <public_url>/.well-known/oauth-protected-resource/mcp/<name>
  // RFC 9728 document; null for mounts without bearer auth.
  nlohmann::json protected_resource_metadata() const;
  nlohmann::json describe() const;  // for the ready document and the admin plane

  boost::asio::awaitable<http::Response> handle(http::Request& request);

  NotesStore& notes() { return notes_; }
  std::size_t session_count() const { return sessions_.size(); }
  void end_sessions();

 private:
  struct RequestScope;
  friend struct RequestScope;

  // `record` receives the JSON-RPC methods (and tool) of the body, parsed once here.
  boost::asio::awaitable<http::Response> handle_post(http::Request& request,
                                                     std::shared_ptr<const Principal> principal,
                                                     RequestRecord& record);
  boost::asio::awaitable<http::Response> handle_get(http::Request& request,
                                                    const Principal& principal);
  http::Response handle_delete(http::Request& request, const Principal& principal);
  std::optional<http::Response> check_host_and_origin(const http::Request& request) const;
  http::Response challenge(const AuthDecision& decision) const;
  // The session a request names, or the error response to give.
  std::variant<std::shared_ptr<Session>, http::Response> find_session(const http::Request& request,
                                                                      const Principal& principal);
  std::optional<http::Response> check_protocol_header(const http::Request& request,
                                                      const Session* session) const;
  // Ends the sessions idle for the idle timeout, in one sweep at most every kSweepInterval of
  // the shared clock unless `now_or_never`: find_session refuses an idle session by itself, so
  // the sweep only frees memory, and need not walk every session on every request.
  static constexpr std::chrono::seconds kSweepInterval{1};
  void purge_idle_sessions(bool now_or_never = false);
  bool idle(const Session& session, core::Clock::time_point now) const;
  void register_methods();
  // Completes `record` (from the request and the decision) and hands it to the journal.
  void journal(const http::Request& request, const AuthDecision& auth, int status,
               std::unique_ptr<RequestRecord> record);

  MountConfig config_;
  McpContext* context_;
  boost::asio::any_io_executor executor_;
  Authenticator authenticator_;
  Catalog catalog_;
  NotesStore notes_;
  jsonrpc::Dispatcher dispatcher_;
  std::map<std::string, std::shared_ptr<Session>, std::less<>> sessions_;
  core::Clock::time_point last_sweep_{};
};

// A JSON-RPC error as an HTTP response (id null), the shape the SDK's transport uses.
http::Response rpc_error_response(int status, int code, std::string message);

}  // namespace toolauth::mcp
