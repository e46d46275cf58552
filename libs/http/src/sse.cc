#include "toolauth/http/sse.h"

namespace toolauth::http {

std::string format_sse_event(const SseEvent& event) {
  std::string out;
  if (!event.id.empty()) out += "id: " + event.id + "\n";
  if (!event.event.empty()) out += "event: " + event.event + "\n";
  if (event.retry_ms >= 0) out += "retry: " + std::to_string(event.retry_ms) + "\n";
  std::string_view data = event.data;
  while (true) {
    const auto newline = data.find('\n');
    auto line = data.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out += "data: ";
    out += line;
    out += "\n";
    if (newline == std::string_view::npos) break;
    data.remove_prefix(newline + 1);
  }
  out += "\n";
  return out;
}

std::vector<SseEvent> SseParser::feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  buffer_.append(bytes);
  if (!started_ && buffer_.size() >= 3) {
    if (buffer_.compare(0, 3, "\xEF\xBB\xBF") == 0) buffer_.erase(0, 3);
    started_ = true;
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i < buffer_.size(); ++i) {
    const char c = buffer_[i];
    if (c == '\n' && pending_cr_) {  // the \n of a \r\n pair already ended the line
      pending_cr_ = false;
      start = i + 1;
      continue;
    }
    pending_cr_ = false;
    if (c == '\r' || c == '\n') {
      process_line(std::string_view(buffer_).substr(start, i - start), out);
      pending_cr_ = c == '\r';
      start = i + 1;
    }
  }
  buffer_.erase(0, start);
  return out;
}

void SseParser::process_line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {  // dispatch
    if (has_data_) {
      if (!current_.data.empty() && current_.data.back() == '\n') current_.data.pop_back();
      if (!current_.id.empty()) last_event_id_ = current_.id;
      out.push_back(std::move(current_));
    }
    current_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // comment
  const auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    current_.data.append(value);
    current_.data.push_back('\n');
    has_data_ = true;
  } else if (field == "event") {
    current_.event = value;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) current_.id = value;
  } else if (field == "retry") {
    if (!value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos &&
        value.size() < 10) {
      current_.retry_ms = std::stoi(std::string(value));
    }
  }
}

}  // namespace toolauth::http
