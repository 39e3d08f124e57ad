
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/e2e/process.h"

namespace maas::testing {

namespace {

std::vector<char*> argv_for(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(MAAS_BINARY));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

// Waits for `pid` until `deadline`; returns true and sets `status` if it exited.
bool wait_until(pid_t pid, std::chrono::steady_clock::time_point deadline, int& status) {
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

RunResult run_maas(const std::vector<std::string>& args, const std::string& input, std::chrono::seconds timeout) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe(in_pipe) != 0 || ::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    std::vector<char*> argv = argv_for(args);
    ::execv(MAAS_BINARY, argv.data());
    _exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  // stdin is written from a thread so a child that fills its stdout pipe cannot deadlock us.
  std::thread writer([fd = in_pipe[1], input] {
    std::size_t done = 0;
    while (done < input.size()) {
      const ssize_t n = ::write(fd, input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  RunResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buffer[65536];
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 100) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  int status = 0;
  if (!wait_until(pid, deadline, status)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    result.err += "\n[test harness: killed after timeout]";
    status = -1;
  }
  for (const pollfd& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }
  writer.join();
  result.exit_code = status == -1 ? -1 : exit_code_of(status);
  return result;
}

ServerProcess::ServerProcess(std::vector<std::string> args) {
  char name[] = "/tmp/maas-serve-stderr-XXXXXX";
  const int err_fd = ::mkstemp(name);
  stderr_path_ = name;
  int out_pipe[2];
  if (err_fd < 0 || ::pipe(out_pipe) != 0) throw std::runtime_error("failed to create server pipes");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_fd, 2);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_fd);
    std::vector<char*> argv = argv_for(args);
    ::execv(MAAS_BINARY, argv.data());
    _exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_fd);
  // Read stdout until the "listening on http://HOST:PORT" line, for at most 60 s.
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  pollfd fd{out_pipe[0], POLLIN, 0};
  char buffer[4096];
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    if (::poll(&fd, 1, 100) <= 0) continue;
    const ssize_t n = ::read(out_pipe[0], buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out_pipe[0]);
  const auto colon = out.rfind(':');
  if (out.rfind("listening on http://", 0) != 0 || colon == std::string::npos) {
    stop(SIGKILL);
    std::ifstream err(stderr_path_);
    const std::string log((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
    throw std::runtime_error("maas serve did not start; stdout: '" + out + "' stderr: " + log);
  }
  port_ = std::atoi(out.c_str() + colon + 1);
}

int ServerProcess::stop(int signal, std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  if (!wait_until(pid_, std::chrono::steady_clock::now() + timeout, status)) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return -1;
  }
  pid_ = -1;
  return exit_code_of(status);
}

ServerProcess::~ServerProcess() {
  stop();
  std::filesystem::remove(stderr_path_);
}

TempDir::TempDir() {
  char name[] = "/tmp/maas-test-XXXXXX";
  if (::mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = name;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace maas::testing
