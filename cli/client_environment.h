#pragma once
// What a client of a running stack needs, taken from its ready document: the environment
// variables (`toolauth exec` exports them to its command) and the summary `toolauth up`
// prints on stderr.

#include <iosfwd>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace toolauth::cli {

// The ready document's "env" members whose values are strings (NODE_EXTRA_CA_CERTS,
// IDENTITY_ENDPOINT, IDENTITY_HEADER, TOOLAUTH_*_URL, ...).
std::map<std::string, std::string> client_environment(const nlohmann::json& ready);

// A few lines for a person: the URLs, the projects, and the variables as `export` lines.
// Never the world's passwords or secrets (only the ready file has those).
void print_summary(std::ostream& out, const nlohmann::json& ready);

}  // namespace toolauth::cli
