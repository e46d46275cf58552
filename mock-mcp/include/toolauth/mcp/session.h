#pragma once
// One MCP session of a mount: created by initialize, named by Mcp-Session-Id, bound to the
// principal that created it (another principal presenting the id gets 404, as for an unknown
// session: a stolen id is worth nothing), ended by DELETE or expiry.
//
// It keeps what the protocol needs across requests: the negotiated version, the log level,
// resource subscriptions, the GET stream, requests the server sent to the client and awaits
// answers for, requests in flight (for notifications/cancelled), and the last events of each
// SSE stream so a client can resume with Last-Event-ID.

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"
#include "toolauth/http/message.h"
#include "toolauth/mcp/async_queue.h"

namespace toolauth::mcp {

// The events one SSE stream has sent, kept for Last-Event-ID resumption.
struct StreamLog {
  static constexpr std::size_t kMaxEvents = 256;
  std::vector<http::SseEvent> events;
  bool finished = false;  // the stream delivered its final response
};

class Session {
 public:
  static constexpr std::size_t kMaxStreams = 64;

  Session(boost::asio::any_io_executor executor, std::string id, std::string protocol_version,
          std::string principal_partition, core::Clock::time_point now);

  const std::string& id() const { return id_; }
  // jose::short_hash of the id, what journals record instead of it (hashed once, not per use).
  const std::string& id_hash() const { return id_hash_; }
  const std::string& protocol_version() const { return protocol_version_; }
  const std::string& owner() const { return owner_; }
  bool initialized = false;  // notifications/initialized received
  std::string log_level = "info";
  nlohmann::json client_info = nlohmann::json::object();
  nlohmann::json client_capabilities = nlohmann::json::object();
  std::set<std::string> subscriptions;
  core::Clock::time_point last_used;

  // SSE event ids: "<stream>-<sequence>", unique across the session's streams.
  int open_stream();
  http::SseEvent record_event(int stream, const nlohmann::json& message);
  http::SseEvent priming_event(int stream);
  void finish_stream(int stream);
  // Events of `last_event_id`'s stream after it; nullopt if the id names no known stream.
  std::optional<std::pair<int, std::vector<http::SseEvent>>> replay_after(
      std::string_view last_event_id) const;
  bool stream_finished(int stream) const;

  // The GET stream (one at a time): messages not tied to a request.
  bool get_stream_open() const { return get_queue_ != nullptr; }
  std::shared_ptr<AsyncQueue<http::SseEvent>> open_get_stream(boost::asio::any_io_executor executor,
                                                              int stream);
  void close_get_stream();
  int get_stream_id() const { return get_stream_id_; }
  // Records the message as an event of the GET stream and sends it there if the stream is
  // open; returns false when no GET stream is open (the message is dropped).
  bool notify(const nlohmann::json& message);

  // Server-to-client requests (sampling, elicitation): the id to use, and delivery of answers.
  std::string next_request_id();
  std::shared_ptr<AsyncQueue<nlohmann::json>> await_answer(const std::string& request_id,
                                                           boost::asio::any_io_executor executor);
  bool deliver_answer(const std::string& request_id, nlohmann::json response);
  void forget_request(const std::string& request_id);

  // Requests in flight, for notifications/cancelled (ids as jsonrpc::id_to_string gives them).
  void begin_request(const std::string& id);
  void end_request(const std::string& id);  // a cancelled id is kept for take_cancelled()
  void cancel_request(const std::string& id);
  bool cancelled(const std::string& id) const;
  // True, once, when `id` was cancelled: its response must not be sent.
  bool take_cancelled(const std::string& id);

  // Ends every stream and pending wait (DELETE, expiry, server stop).
  void terminate();
  bool terminated() const { return terminated_; }

 private:
  std::string id_;
  std::string id_hash_;
  std::string protocol_version_;
  std::string owner_;
  bool terminated_ = false;
  int next_stream_ = 0;
  std::map<int, StreamLog> streams_;
  std::map<int, std::uint64_t> sequence_;
  std::shared_ptr<AsyncQueue<http::SseEvent>> get_queue_;
  int get_stream_id_ = -1;
  std::uint64_t next_request_ = 1;
  std::map<std::string, std::shared_ptr<AsyncQueue<nlohmann::json>>> pending_;
  std::map<std::string, bool> in_flight_;  // id -> cancelled
};

}  // namespace toolauth::mcp
