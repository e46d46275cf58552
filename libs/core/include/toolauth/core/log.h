#pragma once
// Structured logging with levels, a text or JSON-lines format, and redaction of every field
// and message (see redact.h), so a secret handed to the logger by mistake is still not printed.
//
// Loggers made by with_component() share the sink of their parent. Thread safety: a Logger
// may be used from several threads; lines are written whole.

#include <iosfwd>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace toolauth::core {

class Clock;

enum class LogLevel { trace, debug, info, warn, error, off };
enum class LogFormat { text, json_lines };

std::string_view to_string(LogLevel level);
std::optional<LogLevel> parse_log_level(std::string_view name);

struct LogOptions {
  LogLevel level = LogLevel::info;
  LogFormat format = LogFormat::text;
};

class Logger {
 public:
  using Options = LogOptions;

  // Writes to `sink` (std::cerr when null). Timestamps come from `clock` when given, so logs
  // show the shared clock's time; otherwise from the system clock.
  explicit Logger(Options options = {}, std::ostream* sink = nullptr, const Clock* clock = nullptr);

  // A logger for one component ("idp", "http", ...) sharing this logger's sink and options.
  Logger with_component(std::string component) const;

  bool enabled(LogLevel level) const { return level >= options_.level && level != LogLevel::off; }
  void set_level(LogLevel level) { options_.level = level; }

  // `fields` must be a JSON object (or null for none).
  void log(LogLevel level, std::string_view message, const nlohmann::json& fields = nullptr) const;
  void trace(std::string_view m, const nlohmann::json& f = nullptr) const {
    log(LogLevel::trace, m, f);
  }
  void debug(std::string_view m, const nlohmann::json& f = nullptr) const {
    log(LogLevel::debug, m, f);
  }
  void info(std::string_view m, const nlohmann::json& f = nullptr) const {
    log(LogLevel::info, m, f);
  }
  void warn(std::string_view m, const nlohmann::json& f = nullptr) const {
    log(LogLevel::warn, m, f);
  }
  void error(std::string_view m, const nlohmann::json& f = nullptr) const {
    log(LogLevel::error, m, f);
  }

 private:
  struct Sink {
    std::ostream* stream = nullptr;
    std::mutex mutex;
  };
  Options options_;
  std::shared_ptr<Sink> sink_;
  const Clock* clock_;
  std::string component_;
};

// A logger that prints nothing, for tests and library defaults.
const Logger& null_logger();

// "2026-11-26T14:13:33.123Z"
std::string format_rfc3339_millis(std::chrono::system_clock::time_point t);

}  // namespace toolauth::core
