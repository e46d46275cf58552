#pragma once
// Server-Sent Events text format (WHATWG HTML §9.2): formatting for the server side and an
// incremental parser for clients reading an event stream.

#include <string>
#include <string_view>
#include <vector>

#include "toolauth/http/message.h"

namespace toolauth::http {

// "id: 1\nevent: message\ndata: line1\ndata: line2\n\n"
std::string format_sse_event(const SseEvent& event);

// Feed bytes as they arrive; complete events come out. Handles \n, \r\n and \r line ends,
// comments, a leading BOM, and `retry`. Events without data are dropped, as browsers do.
class SseParser {
 public:
  std::vector<SseEvent> feed(std::string_view bytes);
  // The id of the last event seen, for Last-Event-ID on reconnect.
  const std::string& last_event_id() const { return last_event_id_; }

 private:
  void process_line(std::string_view line, std::vector<SseEvent>& out);
  std::string buffer_;
  SseEvent current_;
  bool has_data_ = false;
  bool started_ = false;
  bool pending_cr_ = false;
  std::string last_event_id_;
};

}  // namespace toolauth::http
