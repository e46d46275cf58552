// toolauth validate [--kind idp|mcp|emulator] FILE...: checks fixtures files with the loaders
// the servers use. Prints every problem as "<file>: <JSON pointer>: <problem>" on stdout and
// exits 1 if any file has one, 0 if all are valid.

#include <iostream>

#include "commands.h"
#include "common_options.h"
#include "fixture_validation.h"
#include "toolauth/core/config.h"

namespace toolauth::cli {

int run_validate(int argc, char** argv) {
  cxxopts::Options options("toolauth validate",
                           "checks idp, mcp or emulator fixtures files and names the JSON path "
                           "of each problem");
  options.custom_help("[--kind idp|mcp|emulator] FILE...");
  options.positional_help("");
  // clang-format off
  options.add_options()
      ("kind", "idp, mcp or emulator (default: told by the file's top-level keys)", cxxopts::value<std::string>()->default_value(""))
      ("files", "fixtures files", cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  // clang-format on
  options.parse_positional({"files"});
  auto parsed = parse_arguments(options, argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto& args = std::get<cxxopts::ParseResult>(parsed);
  std::optional<FixtureKind> kind;
  if (const auto named = args["kind"].as<std::string>(); !named.empty()) {
    kind = parse_fixture_kind(named);
    if (!kind) {
      std::cerr << "toolauth validate: --kind is idp, mcp or emulator\n";
      return 2;
    }
  }
  if (!args.count("files")) {
    std::cerr << "toolauth validate: no file to check\n" << options.help();
    return 2;
  }

  bool all_valid = true;
  for (const auto& file : args["files"].as<std::vector<std::string>>()) {
    auto document = core::load_json_file(file);
    if (!document.ok()) {
      std::cout << document.error().message() << "\n";
      all_valid = false;
      continue;
    }
    auto file_kind = kind ? core::Result<FixtureKind>(*kind) : detect_fixture_kind(*document);
    if (!file_kind.ok()) {
      std::cout << file << ": " << file_kind.error().detail << "\n";
      all_valid = false;
      continue;
    }
    const auto problems = fixture_problems(*document, file, *file_kind);
    for (const auto& problem : problems) std::cout << problem << "\n";
    if (problems.empty()) {
      std::cout << file << ": valid " << to_string(*file_kind) << " fixtures\n";
    } else {
      all_valid = false;
    }
  }
  return all_valid ? 0 : 1;
}

}  // namespace toolauth::cli
