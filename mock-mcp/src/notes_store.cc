#include "toolauth/mcp/notes_store.h"

namespace toolauth::mcp {

bool NotesStore::add(const std::string& partition, std::string text, core::Clock::time_point now) {
  auto& notes = notes_[partition];
  if (text.size() > kMaxNoteBytes || notes.size() >= kMaxNotesPerPrincipal) return false;
  notes.push_back(
      {std::move(text),
       std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()});
  if (on_change) on_change();
  return true;
}

std::vector<NotesStore::Note> NotesStore::list(const std::string& partition) const {
  auto it = notes_.find(partition);
  return it == notes_.end() ? std::vector<Note>{} : it->second;
}

nlohmann::json NotesStore::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [partition, notes] : notes_) {
    auto& list = out[partition] = nlohmann::json::array();
    for (const auto& n : notes) list.push_back({{"text", n.text}, {"created", n.created}});
  }
  return out;
}

void NotesStore::load_json(const nlohmann::json& document) {
  notes_.clear();
  if (!document.is_object()) return;
  for (const auto& [partition, list] : document.items()) {
    if (!list.is_array()) continue;
    for (const auto& item : list) {
      if (!item.is_object() || !item.contains("text") || !item["text"].is_string()) continue;
      const auto created = item.contains("created") && item["created"].is_number_integer()
                               ? item["created"].get<std::int64_t>()
                               : 0;
      notes_[partition].push_back({item["text"].get<std::string>(), created});
    }
  }
}

}  // namespace toolauth::mcp
