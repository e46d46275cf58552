// toolauth certify: the conformance runner. Starts mock-idp and mock-mcp in this process on one
// shared clock (and, for agent-service without --target and for hosted-agent, the reference
// emulator beside them), runs a profile's scenarios against the implementation under test,
// prints progress and a summary, writes reports, and exits 0 (pass), 1 (fail) or 2 (usage).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "common_options.h"
#include "toolauth/conformance/agent_service_profile.h"
#include "toolauth/conformance/baseline.h"
#include "toolauth/conformance/catalogue.h"
#include "toolauth/conformance/console_report.h"
#include "toolauth/conformance/environment.h"
#include "toolauth/conformance/exec_driver.h"
#include "toolauth/conformance/hosted_agent_profile.h"
#include "toolauth/conformance/mcp_server_profile.h"
#include "toolauth/conformance/report_files.h"
#include "toolauth/conformance/runner.h"
#include "toolauth/core/json.h"
#include "toolauth/emulator/defects.h"
#include "toolauth/emulator/world.h"

namespace toolauth::cli {

namespace {

namespace conf = toolauth::conformance;
using boost::asio::awaitable;

constexpr std::string_view kMockTargetPrefix = "mock:";

struct CertifyArgs {
  std::string profile, target, driver, metadata_url, api_key_header, api_key_env, scenarios,
      baseline, out, host, state_dir, target_arm, agent_command;
  std::vector<std::string> target_ca_files;
  std::vector<std::string> defects;  // mutants of the built-in reference emulator
  std::uint16_t idp_port = 0, mcp_port = 0;
  bool list = false, print_setup = false;
};

// The run certifies the built-in reference emulator (the IUT --defect can make wrong), or a
// hosted agent under it (the platform --defect can make wrong).
bool runs_reference_emulator(const CertifyArgs& a) {
  if (a.print_setup || a.list) return false;
  if (a.profile == conf::kHostedAgentProfile) return true;
  return a.profile == conf::kAgentServiceProfile && a.target.empty() && a.driver == "foundry";
}

int list_catalogue(const conf::Profile& profile, const std::string& glob) {
  for (const auto* s : conf::select(profile.scenarios(), glob)) {
    std::string caps;
    for (const auto& c : s->capabilities) caps += (caps.empty() ? "; needs " : ",") + c;
    std::cout << s->id << "  [" << conf::to_string(s->severity) << caps << "]  " << s->title
              << "\n";
  }
  std::cout << profile.stamp() << "\n";
  return 0;
}

// The target: a URL, or mock:<mount> for a mount of this run's own mock-mcp (the reference).
core::Result<conf::McpServerTarget> make_target(const CertifyArgs& a, conf::Environment& env) {
  conf::McpServerTarget target;
  target.metadata_url = a.metadata_url;
  if (a.target.starts_with(kMockTargetPrefix)) {
    const auto mount = a.target.substr(kMockTargetPrefix.size());
    const auto* described = conf::find_named(env.world(), "mounts", mount);
    if (described == nullptr)
      return core::Error{core::make_error_code(core::Errc::invalid_argument),
                         "mock-mcp has no mount \"" + mount + "\""};
    target.url = described->value("url", "");
    if (described->value("auth", "") == "api-key") {
      target.auth = conf::McpTargetAuth::api_key;
      target.api_key_header = described->value("header", "");
      target.api_key = described->value("key", "");
    }
    return target;
  }
  target.url = a.target;
  if (!target.url.starts_with("https://") && !conf::plain_http_on_loopback(target.url))
    return core::Error{core::make_error_code(core::Errc::invalid_argument),
                       "--target must be an https URL, or plain http on loopback (127.0.0.1, "
                       "[::1], localhost): tokens would go over the network in clear"};
  if (!a.api_key_header.empty()) {
    target.auth = conf::McpTargetAuth::api_key;
    target.api_key_header = a.api_key_header;
    // Keys come from the environment, never the command line (ps, shell history).
    const char* key = a.api_key_env.empty() ? nullptr : std::getenv(a.api_key_env.c_str());
    target.api_key = key ? key : "";
    if (target.api_key.empty())
      return core::Error{core::make_error_code(core::Errc::invalid_argument),
                         "--api-key-header needs --api-key-env naming a set variable"};
  }
  return target;
}

// Runs `profile`, prints progress and the summary, writes the reports: the exit code.
awaitable<int> run_and_report(conf::Profile& profile, const CertifyArgs& a,
                              const std::string& target, conf::Environment& env) {
  conf::RunOptions options;
  options.scenarios = a.scenarios;
  options.toolauth_version = TOOLAUTH_VERSION;
  if (!a.baseline.empty()) {
    auto baseline = conf::load_baseline(a.baseline);
    if (!baseline.ok()) {
      std::cerr << "toolauth certify: " << baseline.error().message() << "\n";
      co_return 2;
    }
    options.baseline = std::move(*baseline);
  }
  std::cout << "toolauth certify " << profile.stamp() << " against " << target << "\n  idp "
            << env.idp_url() << "  mcp " << env.mcp_url() << "\n"
            << std::flush;
  options.on_result = [](const conf::Outcome& o, std::size_t i, std::size_t n) {
    conf::print_progress(std::cout, o, i, n);
  };
  auto result = co_await conf::run_profile(profile, options);
  conf::print_summary(std::cout, result);
  int code = result.ok() ? 0 : 1;
  if (!a.out.empty()) {
    if (auto written = conf::write_reports(a.out, result); !written.ok()) {
      std::cerr << "toolauth certify: " << written.error().message() << "\n";
      code = 1;
    } else {
      std::cout << "reports in " << a.out << "\n";
    }
  }
  co_return code;
}

conf::EnvironmentOptions environment_options(const CertifyArgs& a) {
  return {.host = a.host,
          .idp_port = a.idp_port,
          .mcp_port = a.mcp_port,
          .state_dir = a.state_dir,
          .extra_ca_files = a.target_ca_files};
}

awaitable<int> certify_mcp_server(CertifyArgs a) {
  auto env_started =
      conf::Environment::start(co_await boost::asio::this_coro::executor, environment_options(a));
  if (!env_started.ok()) {
    std::cerr << "toolauth certify: " << env_started.error().message() << "\n";
    co_return 1;
  }
  auto& env = **env_started;
  int code = 0;
  if (a.print_setup) {
    if (a.state_dir.empty() || a.idp_port == 0)
      std::cerr << "toolauth certify: without --state-dir and --idp-port, the CA file, keys and "
                   "ports printed here vanish when this command exits; give both to configure an "
                   "IUT before the run that certifies it\n";
    std::cout << conf::mcp_server_setup(env).dump(2) << "\n";
  } else if (auto target = make_target(a, env); !target.ok()) {
    std::cerr << "toolauth certify: " << target.error().detail << "\n";
    code = 2;
  } else {
    conf::McpServerProfile profile(&env, *target);
    code = co_await run_and_report(profile, a, target->url, env);
  }
  env.stop();
  co_return code;
}

// "<subscription>/<resource group>/<account>"; empty: the built-in emulator's account.
core::Result<conf::ArmAccount> arm_account(const std::string& text) {
  if (text.empty()) {
    auto fixtures = core::parse_json(emulator::default_emulator_fixtures());
    if (!fixtures.ok()) return fixtures.error();
    const auto& arm = (*fixtures)["arm"];
    return conf::ArmAccount{arm.value("subscription", ""), arm.value("resource_group", ""),
                            arm.value("account", "")};
  }
  const auto first = text.find('/');
  const auto second = first == std::string::npos ? first : text.find('/', first + 1);
  if (second == std::string::npos || text.find('/', second + 1) != std::string::npos)
    return core::Error{core::make_error_code(core::Errc::invalid_argument),
                       "--target-arm is <subscription>/<resource group>/<account>"};
  return conf::ArmAccount{text.substr(0, first), text.substr(first + 1, second - first - 1),
                          text.substr(second + 1)};
}

// The driver of an agent-service run: foundry (the reference emulator without --target, else
// the Foundry-shaped IUT at --target) or exec (--target is the adapter's command line, started
// now with the run's CA).
core::Result<std::unique_ptr<conf::Driver>> make_driver(const CertifyArgs& a,
                                                        conf::Environment& env,
                                                        boost::asio::any_io_executor executor) {
  if (a.driver == "exec") {
    auto options = conf::exec_driver_options(a.target, env.ca_file());
    if (!options.ok()) return options.error();
    auto driver = conf::ExecDriver::start(executor, std::move(*options));
    if (!driver.ok())
      return core::Error{driver.error().code, "the exec driver could not start \"" + a.target +
                                                  "\": " + driver.error().message()};
    return std::unique_ptr<conf::Driver>(std::move(*driver));
  }
  auto options = conf::foundry_options(env, a.target);
  if (!a.target.empty()) {
    auto arm = arm_account(a.target_arm);
    if (!arm.ok()) return arm.error();
    options.arm = *arm;
    options.extra_ca_files = a.target_ca_files;
  }
  return std::unique_ptr<conf::Driver>(
      std::make_unique<conf::FoundryDriver>(executor, std::move(options)));
}

awaitable<int> certify_agent_service(CertifyArgs a) {
  auto executor = co_await boost::asio::this_coro::executor;
  auto options = environment_options(a);
  // The built-in reference emulator is the IUT unless --target names another.
  if (runs_reference_emulator(a))
    options.reference_emulator = conf::ReferenceEmulatorOptions{.defects = a.defects};
  auto env_started = conf::Environment::start(executor, options);
  if (!env_started.ok()) {
    std::cerr << "toolauth certify: " << env_started.error().message() << "\n";
    co_return 1;
  }
  auto& env = **env_started;
  int code = 0;
  if (a.print_setup) {
    auto setup = conf::agent_service_setup(env);
    if (setup.ok()) {
      std::cout << setup->dump(2) << "\n";
    } else {
      std::cerr << "toolauth certify: " << setup.error().message() << "\n";
      code = 1;
    }
  } else if (auto driver = make_driver(a, env, executor); !driver.ok()) {
    std::cerr << "toolauth certify: " << driver.error().detail << "\n";
    code = 2;
  } else {
    conf::AgentServiceProfile profile(&env, driver->get());
    const auto target = a.target.empty() ? "the reference emulator " + env.emulator()->url()
                                         : a.target + " (driver " + a.driver + ")";
    code = co_await run_and_report(profile, a, target, env);
    co_await (*driver)->bye();
  }
  env.stop();
  co_return code;
}

// The hosted agent's argv: --agent-command split as a shell would (no expansion), with each
// argument naming an existing file made absolute, since the emulator runs it from its own
// working directory.
core::Result<std::vector<std::string>> hosted_agent_command(const std::string& line) {
  auto argv = conf::split_command_line(line);
  if (!argv.ok()) return argv.error();
  if (argv->empty())
    return core::Error{core::make_error_code(core::Errc::invalid_argument),
                       "--agent-command is empty"};
  for (std::size_t i = 1; i < argv->size(); ++i) {
    std::error_code ec;
    if (std::filesystem::is_regular_file((*argv)[i], ec))
      (*argv)[i] = std::filesystem::absolute((*argv)[i]).string();
  }
  return argv;
}

awaitable<int> certify_hosted_agent(CertifyArgs a) {
  auto command = hosted_agent_command(a.agent_command);
  if (!command.ok()) {
    std::cerr << "toolauth certify: " << command.error().detail << "\n";
    co_return 2;
  }
  auto options = environment_options(a);
  if (!a.print_setup) options.reference_emulator = conf::hosted_agent_emulator(a.defects);
  auto env_started =
      conf::Environment::start(co_await boost::asio::this_coro::executor, std::move(options));
  if (!env_started.ok()) {
    std::cerr << "toolauth certify: " << env_started.error().message() << "\n";
    co_return 1;
  }
  auto& env = **env_started;
  int code = 0;
  if (a.print_setup) {
    const auto scope = conf::hosted_obo_allowed_scope(env.world());
    std::cout << nlohmann::json{{"profile", conf::kHostedAgentProfile},
                                {"project", conf::kHostedProject},
                                {"toolbox",
                                 {{"name", conf::kHostedToolbox},
                                  {"version", conf::hosted_toolbox_version()}}},
                                {"agent", conf::hosted_agent_body(*command, scope)}}
                     .dump(2)
              << "\n";
  } else {
    conf::HostedAgentProfile profile(&env, *command);
    code = co_await run_and_report(profile, a,
                                   "the hosted agent `" + a.agent_command +
                                       "` under the reference emulator " + env.emulator()->url(),
                                   env);
  }
  env.stop();
  co_return code;
}

}  // namespace

int run_certify(int argc, char** argv) {
  cxxopts::Options options("toolauth certify",
                           "Certify an implementation of agent-platform tool authentication");
  // clang-format off
  options.add_options()
      ("profile", "agent-service, mcp-server or hosted-agent", cxxopts::value<std::string>()->default_value("agent-service"))
      ("target", "the IUT: its MCP endpoint URL or mock:<mount> (mcp-server); a Foundry-shaped endpoint https://host[:port] (agent-service; default: the built-in reference emulator); the adapter's command line (--driver exec)", cxxopts::value<std::string>()->default_value(""))
      ("target-arm", "the IUT's account for connection writes: <subscription>/<resource group>/<account> (default: the emulator's)", cxxopts::value<std::string>()->default_value(""))
      ("driver", "foundry or exec (agent-service)", cxxopts::value<std::string>()->default_value("foundry"))
      ("agent-command", "hosted-agent: the command line of the hosted agent under test, run by the reference emulator as the container (no shell)", cxxopts::value<std::string>()->default_value("node examples/hosted-agent/agent.mjs"))
      ("target-ca-file", "PEM CA to trust for the IUT's HTTPS, besides the run's local CA (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("metadata-url", "the IUT's RFC 9728 metadata URL (default: from its challenge, else well-known)", cxxopts::value<std::string>()->default_value(""))
      ("api-key-header", "certify an API-key IUT: the header carrying the key", cxxopts::value<std::string>()->default_value(""))
      ("api-key-env", "the environment variable holding the right key", cxxopts::value<std::string>()->default_value(""))
      ("scenario", "comma-separated globs of scenario ids", cxxopts::value<std::string>()->default_value(""))
      ("baseline", "expected-failures file", cxxopts::value<std::string>()->default_value(""))
      ("out", "folder for report.json, junit.xml and report.html", cxxopts::value<std::string>()->default_value(""))
      ("list", "list the profile's scenarios and exit")
      ("print-setup", "print what the IUT must be configured with (live URLs) and exit")
      ("host", "host the mock servers bind and name", cxxopts::value<std::string>()->default_value("localhost"))
      ("idp-port", "mock-idp HTTPS port (0 picks one)", cxxopts::value<std::uint16_t>()->default_value("0"))
      ("mcp-port", "mock-mcp HTTPS port (0 picks one)", cxxopts::value<std::uint16_t>()->default_value("0"))
      ("state-dir", "keep keys and the CA here (default: a temporary folder)", cxxopts::value<std::string>()->default_value(""))
      ("defect", "run the built-in reference emulator as this mutant, for the suite's self-test (agent-service without --target, or hosted-agent; loopback only; repeatable; names in emulator/README.md)", cxxopts::value<std::vector<std::string>>())
      ("h,help", "show this help");
  // clang-format on
  auto parsed = parse_arguments(options, argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const auto& args = std::get<cxxopts::ParseResult>(parsed);

  CertifyArgs a;
  a.profile = args["profile"].as<std::string>();
  a.target = args["target"].as<std::string>();
  a.driver = args["driver"].as<std::string>();
  a.agent_command = args["agent-command"].as<std::string>();
  a.target_arm = args["target-arm"].as<std::string>();
  a.metadata_url = args["metadata-url"].as<std::string>();
  a.api_key_header = args["api-key-header"].as<std::string>();
  a.api_key_env = args["api-key-env"].as<std::string>();
  a.scenarios = args["scenario"].as<std::string>();
  a.baseline = args["baseline"].as<std::string>();
  a.out = args["out"].as<std::string>();
  a.host = args["host"].as<std::string>();
  a.state_dir = args["state-dir"].as<std::string>();
  a.idp_port = args["idp-port"].as<std::uint16_t>();
  a.mcp_port = args["mcp-port"].as<std::uint16_t>();
  if (args.count("target-ca-file") > 0)
    a.target_ca_files = args["target-ca-file"].as<std::vector<std::string>>();
  a.list = args.count("list") > 0;
  a.print_setup = args.count("print-setup") > 0;

  if (args.count("defect") > 0) {
    // Only the built-in emulator has mutants, and they never listen beyond this machine
    // (DESIGN.md "Mutants").
    if (!runs_reference_emulator(a)) {
      std::cerr << "toolauth certify: --defect applies to the built-in reference emulator "
                   "(--profile agent-service without --target, --driver exec or --print-setup, "
                   "or --profile hosted-agent)\n";
      return 2;
    }
    if (!is_loopback_host(a.host)) {
      std::cerr << "toolauth certify: --defect needs a loopback --host (localhost, 127.0.0.1 "
                   "or ::1)\n";
      return 2;
    }
    const auto names = args["defect"].as<std::vector<std::string>>();
    auto known = emulator::parse_emulator_defects({names.begin(), names.end()});
    if (!known.ok()) {
      std::cerr << "toolauth certify: " << known.error().detail << "\n";
      return 2;
    }
    a.defects = known->names();
    print_defect_banner("toolauth certify (reference emulator)", a.defects);
  }

  const bool hosted_agent = a.profile == conf::kHostedAgentProfile;
  if (a.profile != conf::kMcpServerProfile && a.profile != conf::kAgentServiceProfile &&
      !hosted_agent) {
    std::cerr << "toolauth certify: unknown profile \"" << a.profile
              << "\" (agent-service, mcp-server or hosted-agent)\n";
    return 2;
  }
  if (a.driver != "foundry" && a.driver != "exec") {
    std::cerr << "toolauth certify: --driver is foundry or exec\n";
    return 2;
  }
  const bool agent_service = a.profile == conf::kAgentServiceProfile;
  if (a.list) {
    if (hosted_agent) return list_catalogue(conf::HostedAgentProfile(nullptr, {}), a.scenarios);
    if (agent_service)
      return list_catalogue(conf::AgentServiceProfile(nullptr, nullptr), a.scenarios);
    return list_catalogue(conf::McpServerProfile(nullptr, {}), a.scenarios);
  }
  if (hosted_agent && !a.target.empty()) {
    std::cerr << "toolauth certify: the hosted-agent profile runs --agent-command under the "
                 "built-in emulator; it takes no --target\n";
    return 2;
  }
  if (!agent_service && !hosted_agent && !a.print_setup && a.target.empty()) {
    std::cerr << "toolauth certify: --target is required (a URL, or mock:<mount>)\n";
    return 2;
  }
  if (agent_service && a.driver == "exec" && a.target.empty() && !a.print_setup) {
    std::cerr << "toolauth certify: --driver exec needs --target, the adapter's command line\n";
    return 2;
  }
  if (agent_service && a.driver == "foundry" && !a.target.empty() &&
      !a.target.starts_with("https://") && !a.target.starts_with("http://")) {
    std::cerr << "toolauth certify: --target is the IUT's endpoint URL (https://host[:port])\n";
    return 2;
  }

  for (auto& file : a.target_ca_files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      std::cerr << "toolauth certify: --target-ca-file " << file << " is not a readable file\n";
      return 2;
    }
    file = std::filesystem::absolute(file).string();
  }

  boost::asio::io_context io(1);
  int code = 1;
  auto run = hosted_agent    ? certify_hosted_agent(std::move(a))
             : agent_service ? certify_agent_service(std::move(a))
                             : certify_mcp_server(std::move(a));
  boost::asio::co_spawn(io, std::move(run), [&](std::exception_ptr e, int result) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        std::cerr << "toolauth certify: " << ex.what() << "\n";
      }
      code = 1;
      return;
    }
    code = result;
  });
  io.run();
  return code;
}

}  // namespace toolauth::cli
