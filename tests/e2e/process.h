#pragma once
// Runs the maas binary as a child process for end-to-end tests: once to completion, or as a
// server whose port is read from its "listening on" line. Every wait is bounded.

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace maas::testing {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;
  std::string err;
};

// Runs `maas ARGS...` with `input` on stdin; kills it after `timeout`.
RunResult run_maas(const std::vector<std::string>& args, const std::string& input = "",
                   std::chrono::seconds timeout = std::chrono::seconds(300));

// `maas serve ... --port 0` in the background. The destructor sends SIGTERM and, if the server
// has not exited within 10 s, SIGKILL.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  // Sends `signal` and waits up to `timeout` for the exit; returns the exit code, or -1.
  int stop(int signal = SIGTERM, std::chrono::seconds timeout = std::chrono::seconds(10));
  const std::string& stderr_path() const { return stderr_path_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string stderr_path_;
};

// A fresh folder under the system temp folder, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace maas::testing
