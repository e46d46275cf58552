#pragma once
// Notes kept per principal (notes_add / notes_list): proves that user context reaches the MCP
// server and never mixes between users. Bounded per principal.

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "toolauth/core/clock.h"

namespace toolauth::mcp {

class NotesStore {
 public:
  static constexpr std::size_t kMaxNotesPerPrincipal = 1000;
  static constexpr std::size_t kMaxNoteBytes = 4096;

  struct Note {
    std::string text;
    std::int64_t created = 0;  // unix seconds on the shared clock
  };

  // False when the note is too long or the principal has too many.
  bool add(const std::string& partition, std::string text, core::Clock::time_point now);
  std::vector<Note> list(const std::string& partition) const;
  nlohmann::json to_json() const;
  void load_json(const nlohmann::json& document);
  void clear() { notes_.clear(); }

  // Called after every add(), so the server can save notes only when they change.
  std::function<void()> on_change;

 private:
  std::map<std::string, std::vector<Note>> notes_;
};

}  // namespace toolauth::mcp
