#include "client_environment.h"

#include <ostream>

namespace toolauth::cli {

namespace {

std::string string_at(const nlohmann::json& document, const nlohmann::json::json_pointer& at) {
  if (!document.contains(at)) return {};
  const auto& value = document.at(at);
  return value.is_string() ? value.get<std::string>() : std::string();
}

// Single quotes keep a value intact when the line is pasted into a POSIX shell.
std::string shell_quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::map<std::string, std::string> client_environment(const nlohmann::json& ready) {
  std::map<std::string, std::string> env;
  if (!ready.contains("env") || !ready["env"].is_object()) return env;
  for (const auto& [name, value] : ready["env"].items()) {
    if (value.is_string()) env[name] = value.get<std::string>();
  }
  return env;
}

void print_summary(std::ostream& out, const nlohmann::json& ready) {
  using Pointer = nlohmann::json::json_pointer;
  out << "toolauth: ready\n";
  auto line = [&](const std::string& name, const std::string& url, const std::string& note) {
    if (url.empty()) return;
    constexpr std::size_t kColumn = 16;
    out << "  " << name << std::string(name.size() < kColumn ? kColumn - name.size() : 1, ' ')
        << url;
    if (!note.empty()) out << "  (" << note << ")";
    out << "\n";
  };
  const auto emulator_http = string_at(ready, Pointer("/emulator/http_url"));
  line("emulator", string_at(ready, Pointer("/emulator/url")),
       emulator_http.empty() ? "" : "plain HTTP " + emulator_http);
  const auto mi = string_at(ready, Pointer("/idp/mi_url"));
  line("idp", string_at(ready, Pointer("/idp/url")), mi.empty() ? "" : "managed identity " + mi);
  line("mcp", string_at(ready, Pointer("/mcp/url")), "mounts under /mcp/<name>");
  if (ready.contains(Pointer("/world/projects"))) {
    for (const auto& project : ready.at(Pointer("/world/projects"))) {
      line("project " + project.value("name", std::string()), project.value("url", std::string()),
           "");
    }
  }
  line("CA", string_at(ready, Pointer("/ca_file")), "");
  out << "client environment:\n";
  for (const auto& [name, value] : client_environment(ready)) {
    out << "  export " << name << "=" << shell_quoted(value) << "\n";
  }
  out.flush();
}

}  // namespace toolauth::cli
