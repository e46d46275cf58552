#include "toolauth/emulator/hosted_consent_items.h"

#include <optional>

#include "toolauth/core/json.h"
#include "toolauth/core/random.h"

namespace toolauth::emulator {

namespace {

std::optional<nlohmann::json> json_object(const std::string& text) {
  auto parsed = core::parse_json(text);
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  return std::move(*parsed);
}

std::string type_of(const http::SseEvent& event, const std::optional<nlohmann::json>& data) {
  if (!event.event.empty()) return event.event;
  if (data && data->contains("type") && (*data)["type"].is_string())
    return (*data)["type"].get<std::string>();
  return {};
}

std::optional<std::int64_t> sequence_of(const nlohmann::json& data) {
  auto it = data.find("sequence_number");
  if (it == data.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

bool has_response(const nlohmann::json& data) {
  auto it = data.find("response");
  return it != data.end() && it->is_object();
}

bool terminal(std::string_view type) {
  return type == "response.completed" || type == "response.incomplete" || type == "response.failed";
}

// Appends the items to a response object's output and marks it incomplete (unless it failed).
void add_to_response(nlohmann::json& response, const std::vector<nlohmann::json>& items) {
  if (!response.contains("output") || !response["output"].is_array())
    response["output"] = nlohmann::json::array();
  for (const auto& item : items) response["output"].push_back(item);
  if (response.value("status", "") != "failed") response["status"] = "incomplete";
}

}  // namespace

nlohmann::json oauth_consent_request_item(std::string consent_link, std::string server_label) {
  return {{"type", "oauth_consent_request"},
          {"id", "oacr_" + core::random_hex(25)},
          {"created_by", nlohmann::json::object()},
          {"consent_link", std::move(consent_link)},
          {"server_label", std::move(server_label)}};
}

std::string with_consent_items(const std::string& body, const std::vector<nlohmann::json>& items) {
  if (items.empty()) return body;
  auto response = json_object(body);
  if (!response) return body;
  add_to_response(*response, items);
  return response->dump();
}

std::vector<http::SseEvent> with_consent_items(std::vector<http::SseEvent> events,
                                               const std::vector<nlohmann::json>& items) {
  if (items.empty()) return events;
  std::vector<std::optional<nlohmann::json>> data;
  std::optional<std::size_t> end;
  std::size_t added_before_end = 0;
  std::optional<std::int64_t> last_sequence;
  for (std::size_t i = 0; i < events.size(); ++i) {
    data.push_back(json_object(events[i].data));
    const auto type = type_of(events[i], data.back());
    if (terminal(type)) end = i;
    if (!end && type == "response.output_item.added") ++added_before_end;
    if (!end && data.back() && sequence_of(*data.back())) last_sequence = sequence_of(*data.back());
  }
  const std::size_t at = end.value_or(events.size());
  const bool named = at < events.size() ? !events[at].event.empty()
                                        : (!events.empty() && !events.back().event.empty());
  // The items' places in the output: after what the response already holds.
  std::size_t output_index = added_before_end;
  if (end && data[at] && has_response(*data[at])) {
    const auto& response = data[at]->at("response");
    if (response.contains("output") && response["output"].is_array())
      output_index = response["output"].size();
  }
  std::optional<std::int64_t> sequence;
  if (last_sequence) sequence = *last_sequence + 1;

  std::vector<http::SseEvent> inserted;
  for (const auto& item : items) {
    for (const char* type : {"response.output_item.added", "response.output_item.done"}) {
      nlohmann::json event = {{"type", type}, {"output_index", output_index}, {"item", item}};
      if (sequence) event["sequence_number"] = (*sequence)++;
      inserted.push_back({.data = event.dump(), .event = named ? type : ""});
    }
    ++output_index;
  }
  // What follows keeps counting from the inserted events.
  for (std::size_t i = at; i < events.size(); ++i) {
    if (!data[i]) continue;
    auto& d = *data[i];
    if (sequence && sequence_of(d)) d["sequence_number"] = (*sequence)++;
    if (i == at) {
      if (type_of(events[i], data[i]) == "response.completed") {
        d["type"] = "response.incomplete";
        if (!events[i].event.empty()) events[i].event = "response.incomplete";
      }
      if (has_response(d)) add_to_response(d["response"], items);
    }
    events[i].data = d.dump();
  }
  events.insert(events.begin() + static_cast<std::ptrdiff_t>(at), inserted.begin(), inserted.end());
  return events;
}

}  // namespace toolauth::emulator
