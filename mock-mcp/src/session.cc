#include "toolauth/mcp/session.h"

#include <charconv>

#include "toolauth/jose/hash.h"

namespace toolauth::mcp {

Session::Session(boost::asio::any_io_executor, std::string id, std::string protocol_version,
                 std::string principal_partition, core::Clock::time_point now)
    : last_used(now),
      id_(std::move(id)),
      id_hash_(jose::short_hash(id_)),
      protocol_version_(std::move(protocol_version)),
      owner_(std::move(principal_partition)) {}

int Session::open_stream() {
  const int stream = next_stream_++;
  streams_[stream];
  // Keep the newest streams' logs only: resumption is for a connection that just dropped.
  while (streams_.size() > kMaxStreams) streams_.erase(streams_.begin());
  return stream;
}

http::SseEvent Session::record_event(int stream, const nlohmann::json& message) {
  http::SseEvent event;
  event.id = std::to_string(stream) + "-" + std::to_string(++sequence_[stream]);
  event.event = "message";
  event.data = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto& log = streams_[stream];
  log.events.push_back(event);
  if (log.events.size() > StreamLog::kMaxEvents) log.events.erase(log.events.begin());
  return event;
}

http::SseEvent Session::priming_event(int stream) {
  http::SseEvent event;
  event.id = std::to_string(stream) + "-" + std::to_string(++sequence_[stream]);
  event.retry_ms = 1000;
  return event;
}

void Session::finish_stream(int stream) { streams_[stream].finished = true; }

bool Session::stream_finished(int stream) const {
  auto it = streams_.find(stream);
  return it != streams_.end() && it->second.finished;
}

std::optional<std::pair<int, std::vector<http::SseEvent>>> Session::replay_after(
    std::string_view last_event_id) const {
  const auto dash = last_event_id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  int stream = 0;
  std::uint64_t sequence = 0;
  auto [p1, e1] = std::from_chars(last_event_id.data(), last_event_id.data() + dash, stream);
  auto [p2, e2] = std::from_chars(last_event_id.data() + dash + 1,
                                  last_event_id.data() + last_event_id.size(), sequence);
  if (e1 != std::errc() || e2 != std::errc() || p2 != last_event_id.data() + last_event_id.size())
    return std::nullopt;
  auto it = streams_.find(stream);
  if (it == streams_.end()) return std::nullopt;
  std::vector<http::SseEvent> after;
  for (const auto& event : it->second.events) {
    const auto at = event.id.find('-');
    std::uint64_t n = 0;
    std::from_chars(event.id.data() + at + 1, event.id.data() + event.id.size(), n);
    if (n > sequence) after.push_back(event);
  }
  return std::make_pair(stream, std::move(after));
}

std::shared_ptr<AsyncQueue<http::SseEvent>> Session::open_get_stream(
    boost::asio::any_io_executor executor, int stream) {
  if (get_queue_) get_queue_->close();
  get_queue_ = std::make_shared<AsyncQueue<http::SseEvent>>(executor);
  get_stream_id_ = stream;
  return get_queue_;
}

void Session::close_get_stream() {
  if (get_queue_) get_queue_->close();
  get_queue_.reset();
  get_stream_id_ = -1;
}

bool Session::notify(const nlohmann::json& message) {
  if (!get_queue_) return false;
  get_queue_->push(record_event(get_stream_id_, message));
  return true;
}

std::string Session::next_request_id() { return "srv-" + std::to_string(next_request_++); }

std::shared_ptr<AsyncQueue<nlohmann::json>> Session::await_answer(
    const std::string& request_id, boost::asio::any_io_executor executor) {
  auto queue = std::make_shared<AsyncQueue<nlohmann::json>>(executor);
  pending_[request_id] = queue;
  return queue;
}

bool Session::deliver_answer(const std::string& request_id, nlohmann::json response) {
  auto it = pending_.find(request_id);
  if (it == pending_.end()) return false;
  it->second->push(std::move(response));
  pending_.erase(it);
  return true;
}

void Session::forget_request(const std::string& request_id) { pending_.erase(request_id); }

void Session::begin_request(const std::string& id) { in_flight_[id] = false; }
void Session::end_request(const std::string& id) {
  if (auto it = in_flight_.find(id); it != in_flight_.end() && !it->second) in_flight_.erase(it);
}
void Session::cancel_request(const std::string& id) {
  if (auto it = in_flight_.find(id); it != in_flight_.end()) it->second = true;
}
bool Session::cancelled(const std::string& id) const {
  auto it = in_flight_.find(id);
  return it != in_flight_.end() && it->second;
}

bool Session::take_cancelled(const std::string& id) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end() || !it->second) return false;
  in_flight_.erase(it);
  return true;
}

void Session::terminate() {
  terminated_ = true;
  close_get_stream();
  for (auto& [id, queue] : pending_) queue->close();
  pending_.clear();
}

}  // namespace toolauth::mcp
