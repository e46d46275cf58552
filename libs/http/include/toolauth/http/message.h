#pragma once
// Requests and responses as handlers see them. No Beast type appears here: libs/http is
// the only module that includes Beast.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "toolauth/core/result.h"
#include "toolauth/http/headers.h"
#include "toolauth/http/params.h"

namespace toolauth::http {

enum class Method { get, head, post, put, patch, delete_, options, other };
std::string_view to_string(Method method);
Method parse_method(std::string_view name);

struct Request {
  Method method = Method::get;
  std::string method_name;  // as sent, for Method::other
  std::string target;       // raw request-target: path and query, percent-encoded
  std::string path;         // target without the query, still percent-encoded
  std::string query;        // after '?', percent-encoded; empty when there is none
  Headers headers;
  std::string body;

  // Filled in by the server.
  std::string request_id;
  std::string remote_address;  // IP address of the peer
  unsigned short local_port = 0;
  bool tls = false;
  // Filled in by the router: {name} segments of the matched pattern, percent-decoded.
  std::map<std::string, std::string, std::less<>> path_params;

  std::string_view param(std::string_view name) const;
  core::Result<Params> query_params() const { return parse_query(query); }
  core::Result<Params> form_params() const { return parse_form(body); }
  // The media type of Content-Type, lower-cased, without parameters ("application/json").
  std::string media_type() const;
  bool from_loopback() const;
};

// One Server-Sent Event. `data` may hold newlines; each line becomes its own data: field.
struct SseEvent {
  std::string data;
  std::string event;  // omitted when empty
  std::string id;     // omitted when empty
  int retry_ms = -1;  // omitted when negative
};

// The writing end of a text/event-stream response. send() returns false once the client
// has gone away or the server is stopping; the stream function should then return.
class EventStream {
 public:
  virtual ~EventStream() = default;
  virtual boost::asio::awaitable<bool> send(const SseEvent& event) = 0;
  // A comment line (": text"), used as a keep-alive.
  virtual boost::asio::awaitable<bool> comment(std::string_view text) = 0;
  virtual bool open() const = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the response is an SSE stream: headers go out first (Content-Type
  // text/event-stream, chunked), then this function writes events until it returns.
  std::function<boost::asio::awaitable<void>(EventStream&)> stream;
  // Close the connection after this response.
  bool close = false;
  // Close the connection without sending anything (fault injection: a dropped connection).
  bool abort = false;
  // For a stream: watch the connection while `stream` runs, and when the client goes away
  // cancel it (terminal cancellation of its coroutine: its pending operation completes with
  // operation_aborted, and its next co_await throws unless it resets the cancellation state
  // to clean up). Off by default, for streams whose work must outlive a disconnect (MCP
  // says a dropped connection is not a cancellation).
  bool cancel_on_disconnect = false;

  static Response json(int status, const nlohmann::json& body);
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response html(int status, std::string body);
  static Response redirect(std::string location, int status = 302);
  static Response empty(int status);
  static Response event_stream(std::function<boost::asio::awaitable<void>(EventStream&)> writer);
};

using RequestHandler = std::function<boost::asio::awaitable<Response>(Request&)>;

}  // namespace toolauth::http
