// Time from exec of `toolauth idp` to a green /_admin/readyz over HTTPS, and the server's
// resident set size at rest right after, over several starts on one state folder (so the keys
// and the local CA already exist). A client in this process measures it: a curl started per
// poll would add its own start-up to every figure.
//
// Usage: idp_startup TOOLAUTH STATE_DIR [STARTS]
// Prints {"starts_ms": [...], "median_ms": M, "rss_kb": [...], "median_rss_kb": R}.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "toolauth/http/client.h"

namespace {

using Clock = std::chrono::steady_clock;

// One line from `fd` (the child's stdout), or nullopt at end of file.
std::optional<std::string> read_line(int fd) {
  std::string line;
  char c;
  while (true) {
    const auto n = ::read(fd, &c, 1);
    if (n <= 0) return std::nullopt;
    if (c == '\n') return line;
    line.push_back(c);
  }
}

long rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// GET url until it answers 200; the number of attempts is bounded.
bool wait_ready(const std::string& url, const std::string& ca_file) {
  boost::asio::io_context io;
  bool ready = false;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        toolauth::http::Client client(co_await boost::asio::this_coro::executor,
                                      {.ca_file = ca_file});
        for (int attempt = 0; attempt < 2000 && !ready; ++attempt) {
          auto response = co_await client.send({.url = url});
          ready = response.ok() && response->status == 200;
        }
      },
      [](std::exception_ptr) {});
  io.run();
  return ready;
}

template <class T>
T median(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: idp_startup TOOLAUTH STATE_DIR [STARTS]\n";
    return 2;
  }
  const std::string toolauth = argv[1];
  const std::string state_dir = argv[2];
  const int starts = argc > 3 ? std::stoi(argv[3]) : 9;
  std::vector<double> times_ms;
  std::vector<long> rss;
  for (int i = 0; i < starts; ++i) {
    int out[2];
    if (::pipe(out) != 0) return 1;
    const auto start = Clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::execl(toolauth.c_str(), "toolauth", "idp", "--port", "0", "--mi-port", "0", "--state-dir",
              state_dir.c_str(), "--log-level", "warn", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    const auto line = read_line(out[0]);
    const auto ready = line ? nlohmann::json::parse(*line, nullptr, false) : nlohmann::json();
    bool green = false;
    if (ready.is_object() && ready.contains("idp") && ready.contains("ca_file")) {
      green = wait_ready(ready["idp"]["url"].get<std::string>() + "/_admin/readyz",
                         ready["ca_file"].get<std::string>());
    }
    const auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    rss.push_back(rss_kb(pid));
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
    ::close(out[0]);
    if (!green) {
      std::cerr << "idp_startup: the server did not become ready (start " << i + 1 << ")\n";
      return 1;
    }
    times_ms.push_back(elapsed);
  }
  nlohmann::json result = {{"starts_ms", times_ms},
                           {"median_ms", median(times_ms)},
                           {"rss_kb", rss},
                           {"median_rss_kb", median(rss)}};
  std::cout << result.dump() << "\n";
  return 0;
}
