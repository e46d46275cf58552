#include "toolauth/core/log.h"

#include <chrono>
#include <ctime>
#include <iostream>

#include "toolauth/core/clock.h"
#include "toolauth/core/redact.h"

namespace toolauth::core {

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "unknown";
}

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (auto level : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn,
                     LogLevel::error, LogLevel::off}) {
    if (to_string(level) == name) return level;
  }
  return std::nullopt;
}

std::string format_rfc3339_millis(std::chrono::system_clock::time_point t) {
  const auto since_epoch = t.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t tt = seconds.count();
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis.count()));
  return buffer;
}

Logger::Logger(Options options, std::ostream* sink, const Clock* clock)
    : options_(options), sink_(std::make_shared<Sink>()), clock_(clock) {
  sink_->stream = sink ? sink : &std::cerr;
}

Logger Logger::with_component(std::string component) const {
  Logger child = *this;
  child.component_ = std::move(component);
  return child;
}

void Logger::log(LogLevel level, std::string_view message, const nlohmann::json& fields) const {
  if (!enabled(level)) return;
  const auto now = clock_ ? clock_->now() : std::chrono::system_clock::now();
  const nlohmann::json safe_fields = fields.is_object() ? redact_json(fields) : nlohmann::json();
  const std::string safe_message = redact_text(message);

  std::string line;
  if (options_.format == LogFormat::json_lines) {
    nlohmann::json record = {{"ts", format_rfc3339_millis(now)}, {"level", to_string(level)}};
    if (!component_.empty()) record["component"] = component_;
    record["msg"] = safe_message;
    if (safe_fields.is_object()) {
      for (const auto& [key, value] : safe_fields.items()) {
        if (!record.contains(key)) record[key] = value;
      }
    }
    line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = format_rfc3339_millis(now) + " " + std::string(to_string(level));
    if (!component_.empty()) line += " [" + component_ + "]";
    line += " " + safe_message;
    if (safe_fields.is_object()) {
      for (const auto& [key, value] : safe_fields.items()) {
        const bool bare = value.is_string() && value.get_ref<const std::string&>().find_first_of(
                                                   " \"=") == std::string::npos;
        line += " " + key + "=" +
                (bare ? value.get<std::string>()
                      : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
    }
  }
  line.push_back('\n');
  std::lock_guard lock(sink_->mutex);
  *sink_->stream << line << std::flush;
}

const Logger& null_logger() {
  static const Logger logger(Logger::Options{LogLevel::off, LogFormat::text});
  return logger;
}

}  // namespace toolauth::core
